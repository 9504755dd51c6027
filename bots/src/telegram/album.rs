//! Telegram albums: the messages of one `media_group_id`, which behind a
//! balancer may reach different instances, answered once. The chat worker
//! announces each part as it takes it, and hands over the parts it got
//! once its chat is quiet; the core's `gather` then settles who leads. The
//! holder of the captioned part reads the command and answers; the others
//! fetch their parts only when the album is to be converted, and stay
//! silent except to say why a part of theirs failed.

use std::collections::BTreeMap;
use std::time::Duration;

use bytes::Bytes;
use pixdrop::gather::{Album, Decision, Plan, Provided};
use pixdrop::history::UserHash;
use pixdrop::pool::Client;
use pixdrop::{Job, Lang, Options, Platform, UserError};
use teloxide::prelude::*;
use teloxide::types::{MediaGroupId, MessageId};
use tokio::time::Instant;

use super::Context;
use super::chat::{
    Ask, Working, ask, client_of, deliver, fail, lang_of, pace, say, say_to, user_of,
};
use super::media;
use crate::texts;

/// How long a part's holder waits for the lead to decide. The lead may
/// first finish a conversion its chat asked for earlier.
const PLAN_WITHIN: Duration = Duration::from_secs(120);
/// Past the download time, how long the lead waits for the other parts.
const COLLECT_MARGIN: Duration = Duration::from_secs(15);

/// Why a part gives no image, as the user is told.
enum Problem {
    Refused(fn(Lang) -> String),
    Failed(UserError),
}

impl Problem {
    fn sentence(&self, lang: Lang) -> String {
        match self {
            Self::Refused(refusal) => refusal(lang),
            Self::Failed(error) => error.in_language(lang),
        }
    }
}

fn part(message: &Message) -> i64 {
    i64::from(message.id.0)
}

fn album_of<'a>(context: &'a Context, message: &Message, group: &MediaGroupId) -> Album<'a> {
    let chat = message.chat.id.0.to_string();
    context.core.album(Platform::Telegram, &chat, &group.0)
}

/// Notes `message`, a part of an album, in the album's shared record.
pub(super) async fn announce(context: &Context, message: &Message) {
    let Some(group) = message.media_group_id() else {
        return;
    };
    let album = album_of(context, message, group);
    let captioned = message.caption().is_some();
    let quiet = context.settings.album_wait;
    if let Err(error) = album.announce(part(message), captioned, quiet).await {
        tracing::warn!("telegram: album part not announced: {error}");
    }
}

/// Answers the album whose parts this instance got (`mine`, in arrival
/// order), or helps whoever answers it.
pub(super) async fn handle(context: &Context, mine: Vec<Message>) {
    let Some(first) = mine.first() else { return };
    let Some(group) = first.media_group_id() else {
        return;
    };
    let album = album_of(context, first, group);
    let Err(error) = gather(context, &album, &mine).await else {
        return;
    };
    // Without the shared record nobody can lead, so whoever holds a
    // command says what went wrong.
    let command = mine
        .iter()
        .find(|m| m.caption().is_some() && matches!(ask(context, m), Ask::Convert(_)));
    match command {
        Some(message) => fail(context, message, &error, lang_of(message)).await,
        None => tracing::warn!("telegram: album not gathered: {error}"),
    }
}

async fn gather(context: &Context, album: &Album<'_>, mine: &[Message]) -> Result<(), UserError> {
    let Some(parts) = album.settle().await? else {
        return Ok(());
    };
    if let Some(lead) = mine.iter().find(|m| part(m) == parts.lead)
        && album.claim(parts.lead).await?
    {
        return lead_album(context, album, mine, lead, &parts.all).await;
    }
    let others: Vec<&Message> = mine.iter().filter(|m| part(m) != parts.lead).collect();
    follow(context, album, &others).await
}

/// The lead's side: decide, fetch this instance's parts, collect the
/// others' in message order, and answer.
async fn lead_album(
    context: &Context,
    album: &Album<'_>,
    mine: &[Message],
    lead: &Message,
    all: &[i64],
) -> Result<(), UserError> {
    let lang = lang_of(lead);
    let words = match ask(context, lead) {
        Ask::Convert(words) => words,
        Ask::KeyboardOrQuiet if lead.chat.is_private() => {
            album.decide(Plan::Nothing).await?;
            say(context, lead, &texts::album_hint(lang)).await;
            return Ok(());
        }
        _ => return album.decide(Plan::Nothing).await,
    };
    let plan = match words.first().is_some_and(|w| w == "pdf") {
        true => Plan::Together,
        false => Plan::Each,
    };
    let user = user_of(context, lead);
    let checked = match context.core.options(words.iter().map(String::as_str)) {
        Err(error) => Err(error.in_language(lang)),
        Ok(options) if plan == Plan::Together => {
            preflight(context, mine, lead, lang).await.map(|()| options)
        }
        Ok(options) => Ok(options),
    };
    let options = match checked {
        Ok(options) => options,
        Err(sentence) => {
            album.decide(Plan::Nothing).await?;
            say(context, lead, &sentence).await;
            return Ok(());
        }
    };
    album.decide(plan).await?;
    let decision = Decision {
        plan,
        lead: part(lead),
    };
    let _working = Working::start(context, lead.chat.id);
    let answering = Answering {
        chat: lead.chat.id,
        client: client_of(user.as_ref(), lead),
        user,
        options,
        received: Instant::now(),
        lang,
    };
    let mut provided = BTreeMap::new();
    for message in mine {
        let outcome = match fetch(context, message).await {
            Ok(Some(bytes)) => Provided::Image(bytes),
            Ok(None) => Provided::Skipped,
            Err(problem) => {
                tell(context, album, decision, message, &problem).await?;
                Provided::Failed
            }
        };
        provided.insert(part(message), outcome);
    }
    let failed =
        |provided: &BTreeMap<i64, Provided>| provided.values().any(|p| *p == Provided::Failed);
    if plan == Plan::Together && failed(&provided) {
        // Already said; what others hold expires with the retention.
        return Ok(());
    }
    let others: Vec<i64> = all
        .iter()
        .filter(|p| !provided.contains_key(p))
        .copied()
        .collect();
    let within = context.settings.download.total + COLLECT_MARGIN;
    match album.collect(&others, within).await {
        Ok(collected) => provided.extend(collected),
        Err(error) => {
            let problem = Problem::Failed(error);
            return tell(context, album, decision, lead, &problem).await;
        }
    }
    if plan == Plan::Together {
        if !failed(&provided) {
            let inputs = provided.into_values().filter_map(image).collect();
            answering.answer(context, lead.id, inputs).await;
        }
        return Ok(());
    }
    for (part, outcome) in provided {
        let Some(input) = image(outcome) else {
            continue;
        };
        let reply_to = MessageId(part as i32);
        if let Err(error) = pace(context, lead).await {
            say_to(context, answering.chat, reply_to, &error.in_language(lang)).await;
            continue;
        }
        answering.answer(context, reply_to, vec![input]).await;
    }
    Ok(())
}

/// What the lead checks of a PDF album before anyone fetches: its own
/// parts' refusals and declared sizes, and the sender's pace; the sentence
/// to say when one fails.
async fn preflight(
    context: &Context,
    mine: &[Message],
    lead: &Message,
    lang: Lang,
) -> Result<(), String> {
    let limit = context.download_limit();
    let said = |error: UserError| error.in_language(lang);
    for found in mine.iter().filter_map(media::find) {
        if let Some(refusal) = found.refusal {
            return Err(refusal(lang));
        }
        media::check_declared(&found, limit).map_err(said)?;
    }
    pace(context, lead).await.map_err(said)
}

/// A holder's side: wait for the plan, then fetch and provide its parts.
async fn follow(context: &Context, album: &Album<'_>, mine: &[&Message]) -> Result<(), UserError> {
    let Some(first) = mine.first() else {
        return Ok(());
    };
    let Some(decision) = album.plan(PLAN_WITHIN).await? else {
        tracing::warn!("telegram: no decision came for album parts held here");
        return Ok(());
    };
    if decision.plan == Plan::Nothing {
        return Ok(());
    }
    let client = client_of(user_of(context, first).as_ref(), first);
    for message in mine {
        let received = Instant::now();
        let part = part(message);
        let problem = match fetch(context, message).await {
            Ok(Some(bytes)) => album
                .provide(part, bytes, received, client)
                .await
                .err()
                .map(Problem::Failed),
            Ok(None) => album.skip(part).await.err().map(Problem::Failed),
            Err(problem) => {
                album.fail(part).await?;
                Some(problem)
            }
        };
        if let Some(problem) = problem {
            tell(context, album, decision, message, &problem).await?;
        }
    }
    Ok(())
}

/// Says why `message`'s part failed: under its own message when each part
/// is answered alone, else once for the album, under the lead part.
async fn tell(
    context: &Context,
    album: &Album<'_>,
    decision: Decision,
    message: &Message,
    problem: &Problem,
) -> Result<(), UserError> {
    let chat = message.chat.id;
    let lang = lang_of(message);
    match decision.plan {
        Plan::Each => say_to(context, chat, message.id, &problem.sentence(lang)).await,
        Plan::Together if album.speak_first().await? => {
            let lead = MessageId(decision.lead as i32);
            say_to(context, chat, lead, &problem.sentence(lang)).await;
        }
        Plan::Together | Plan::Nothing => {}
    }
    Ok(())
}

/// The image in `message`, downloaded; `None` when it holds none.
async fn fetch(context: &Context, message: &Message) -> Result<Option<Bytes>, Problem> {
    let Some(found) = media::find(message) else {
        return Ok(None);
    };
    if let Some(refusal) = found.refusal {
        return Err(Problem::Refused(refusal));
    }
    let limit = context.download_limit();
    media::download(context, &found, limit)
        .await
        .map(Some)
        .map_err(Problem::Failed)
}

fn image(provided: Provided) -> Option<Bytes> {
    match provided {
        Provided::Image(bytes) => Some(bytes),
        Provided::Skipped | Provided::Failed => None,
    }
}

/// Who an album's results are for, and how they are made.
struct Answering {
    chat: ChatId,
    user: Option<UserHash>,
    client: Client,
    options: Options,
    /// When the album was taken up: the results' retention starts here.
    received: Instant,
    /// The sender's, for every reply.
    lang: Lang,
}

impl Answering {
    /// Runs one job of `inputs` and replies under `reply_to`.
    async fn answer(&self, context: &Context, reply_to: MessageId, mut inputs: Vec<Bytes>) {
        if inputs.is_empty() {
            return;
        }
        let job = Job {
            input: inputs.remove(0),
            more: inputs,
            options: self.options.clone(),
            platform: Platform::Telegram,
            received: self.received,
            user: self.user.clone(),
            client: self.client,
        };
        match context.core.run(job).await {
            Ok(reply) => {
                let (lang, asker) = (self.lang, self.user.as_ref());
                deliver(context, self.chat, Some(reply_to), &reply, lang, asker).await;
            }
            Err(error) => say_to(context, self.chat, reply_to, &error.in_language(self.lang)).await,
        }
    }
}
