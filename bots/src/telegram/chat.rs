//! One worker per chat: takes that chat's updates in order, gathers the
//! parts of an album it gets (handing them to `album` once the chat is
//! quiet), and turns each message or button press into a core job and a
//! reply.
//! Every failure ends in a plain sentence in the chat, never silence (except
//! in groups, where the bot stays quiet unless addressed).

use std::sync::Arc;
use std::time::Duration;

use pixdrop::history::UserHash;
use pixdrop::pool::Client;
use pixdrop::store::FileId as HeldId;
use pixdrop::{Job, Lang, Options, Platform, UserError};
use teloxide::prelude::*;
use teloxide::types::{
    CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, ReplyParameters, UpdateKind,
};
use tokio::sync::mpsc;
use tokio::time::Instant;
use tokio_util::task::TaskTracker;

use super::album;
pub(super) use super::answer::{Working, deliver, fail, say, say_to};
use super::media::{self, Media};
use super::offset::{Queued, Receipt};
use super::remove;
use super::send::retrying;
use super::words::{self, Command};
use super::{Context, account};
use crate::{shortcuts, texts};

/// A worker with nothing to do for this long exits; the next update starts a new one.
const IDLE: Duration = Duration::from_secs(600);
/// Formats offered on the keyboard under an image sent without a command.
const KEYBOARD: [&str; 6] = ["webp", "jpeg", "png", "pdf", "avif", "gif"];

/// Starts a chat's worker on `running`; it ends when idle or when the
/// returned queue closes and everything in it is handled.
pub fn spawn_worker(
    context: Arc<Context>,
    queue: usize,
    running: &TaskTracker,
) -> mpsc::Sender<Queued> {
    let (sender, receiver) = mpsc::channel(queue);
    running.spawn(work(context, receiver));
    sender
}

async fn work(context: Arc<Context>, mut updates: mpsc::Receiver<Queued>) {
    let mut album: Vec<Message> = Vec::new();
    // The album's updates count as handled once the album is.
    let mut album_receipts: Vec<Receipt> = Vec::new();
    loop {
        let wait = if album.is_empty() {
            IDLE
        } else {
            context.settings.album_wait
        };
        let next = tokio::time::timeout(wait, updates.recv()).await;
        let Queued { update, receipt } = match next {
            Ok(Some(queued)) => queued,
            Ok(None) | Err(_) if album.is_empty() => return,
            Ok(None) | Err(_) => {
                album::handle(&context, std::mem::take(&mut album)).await;
                album_receipts.clear();
                continue;
            }
        };
        if let UpdateKind::Message(message) = &update.kind
            && let Some(group) = message.media_group_id()
        {
            if album.first().and_then(|m| m.media_group_id()) != Some(group) && !album.is_empty() {
                album::handle(&context, std::mem::take(&mut album)).await;
                album_receipts.clear();
            }
            album::announce(&context, message).await;
            album.push(message.clone());
            album_receipts.push(receipt);
            continue;
        }
        if !album.is_empty() {
            album::handle(&context, std::mem::take(&mut album)).await;
            album_receipts.clear();
        }
        match update.kind {
            UpdateKind::Message(message) => handle_message(&context, &message).await,
            UpdateKind::CallbackQuery(query) => handle_button(&context, &query).await,
            _ => {}
        }
        drop(receipt);
    }
}

/// What a message asks for, once its command (if any) is read.
pub(super) enum Ask {
    Convert(Vec<String>),
    Info,
    Text(String),
    /// Addressed but without a format: offer the keyboard, even in groups.
    Keyboard,
    KeyboardOrQuiet,
    History(Vec<String>),
    Export,
    Forget,
    Auto(Vec<String>),
    Nothing,
}

/// The language the sender's Telegram app is set to, for every reply to
/// `message` (English for channel posts, which have no sender).
pub(super) fn lang_of(message: &Message) -> Lang {
    Lang::from_tag(
        message
            .from
            .as_ref()
            .and_then(|u| u.language_code.as_deref()),
    )
}

pub(super) fn ask(context: &Context, message: &Message) -> Ask {
    let lang = lang_of(message);
    let help = || texts::help(lang, &texts::slash, context.core.presets());
    let text = message.text().or_else(|| message.caption()).unwrap_or("");
    let Some(Command { name, words }) = words::command(text, &context.username) else {
        return match words::mention(text, &context.username) {
            Some(words)
                if words
                    .iter()
                    .any(|w| context.core.options([w.as_str()]).is_ok()) =>
            {
                let words = words
                    .into_iter()
                    .filter(|w| context.core.options([w.as_str()]).is_ok())
                    .collect();
                Ask::Convert(words)
            }
            Some(_) => Ask::Keyboard,
            None => Ask::KeyboardOrQuiet,
        };
    };
    let mut words = words;
    match name.as_str() {
        "convert" => Ask::Convert(words),
        "compress" => {
            let mut compress = shortcuts::compress(words.first().map(String::as_str));
            compress.extend(words.into_iter().skip(1));
            Ask::Convert(compress)
        }
        "resize" => {
            if let Some(size) = words.first_mut() {
                *size = shortcuts::resize(size);
            }
            Ask::Convert(words)
        }
        "pdf" => {
            words.insert(0, "pdf".into());
            Ask::Convert(words)
        }
        "info" => Ask::Info,
        "start" | "help" => Ask::Text(help()),
        "formats" => Ask::Text(texts::formats(lang, context.core.presets())),
        "privacy" => Ask::Text(texts::privacy(lang, context.core.retention())),
        "history" => Ask::History(words),
        "forget" => Ask::Forget,
        "export" => Ask::Export,
        "auto" => Ask::Auto(words),
        _ if message.chat.is_private() => {
            Ask::Text(texts::unknown_command(lang, &texts::slash(&name), help()))
        }
        _ => Ask::Nothing,
    }
}

async fn handle_message(context: &Context, message: &Message) {
    let private = message.chat.is_private();
    let found = media::find(message);
    let lang = lang_of(message);
    let help = || texts::help(lang, &texts::slash, context.core.presets());
    let no_image = || texts::image_by_caption_or_reply(lang);
    match ask(context, message) {
        Ask::Convert(words) => match found {
            Some(media) => convert(context, message, &[media], &words).await,
            None => say(context, message, &no_image()).await,
        },
        Ask::Info => match found {
            Some(media) => info(context, message, &media).await,
            None => say(context, message, &no_image()).await,
        },
        Ask::Text(text) => say(context, message, &text).await,
        Ask::History(words) => account::history(context, message, &words).await,
        Ask::Forget => account::forget_prompt(context, message).await,
        Ask::Export => account::export(context, message).await,
        Ask::Auto(words) => account::auto(context, message, &words).await,
        Ask::Keyboard => match found {
            Some(media) => offer_keyboard(context, message, &media).await,
            None => say(context, message, &help()).await,
        },
        Ask::KeyboardOrQuiet => match (found, private) {
            (Some(media), true) => offer_keyboard(context, message, &media).await,
            (Some(media), false) => {
                if let Some(words) = context.auto.words(&message.chat.id.0.to_string()).await {
                    convert(context, message, &[media], &words).await;
                }
            }
            (None, true) => say(context, message, &help()).await,
            (None, false) => {}
        },
        Ask::Nothing => {}
    }
}

/// Whose line a message's work waits in: its sender, or the chat when the
/// sender is hidden (channel posts).
pub(super) fn client_of(user: Option<&UserHash>, message: &Message) -> Client {
    user.map_or_else(|| Client::of(message.chat.id.0), Client::of)
}

pub(super) fn user_of(context: &Context, message: &Message) -> Option<UserHash> {
    message.from.as_ref().map(|user| {
        context
            .core
            .user(Platform::Telegram, &user.id.0.to_string())
    })
}

/// Downloads `items`, runs the job, and replies with the file (or a link).
async fn convert(context: &Context, message: &Message, items: &[Media], words: &[String]) {
    let received = Instant::now();
    let lang = lang_of(message);
    let options = match context.core.options(words.iter().map(String::as_str)) {
        Ok(options) => options,
        Err(error) => return fail(context, message, &error, lang).await,
    };
    if let Some(refusal) = items.iter().find_map(|m| m.refusal) {
        return say(context, message, &refusal(lang)).await;
    }
    let limit = context.download_limit();
    let user = user_of(context, message);
    let admitted = match items
        .iter()
        .try_for_each(|m| media::check_declared(m, limit))
    {
        Ok(()) => pace(context, message).await,
        Err(error) => Err(error),
    };
    if let Err(error) = admitted {
        return fail(context, message, &error, lang).await;
    }
    let _working = Working::start(context, message.chat.id);
    let mut inputs = Vec::with_capacity(items.len());
    for item in items {
        match media::download(context, item, limit).await {
            Ok(bytes) => inputs.push(bytes),
            Err(error) => return fail(context, message, &error, lang).await,
        }
    }
    let Some(input) = inputs.first().cloned() else {
        return;
    };
    let asker = user.clone();
    let job = Job {
        input,
        more: inputs.split_off(1),
        options,
        platform: Platform::Telegram,
        received,
        client: client_of(user.as_ref(), message),
        user,
    };
    match context.core.run(job).await {
        Ok(reply) => {
            let to = Some(message.id);
            deliver(context, message.chat.id, to, &reply, lang, asker.as_ref()).await;
        }
        Err(error) => fail(context, message, &error, lang).await,
    }
}

/// Takes a turn of the sender's pace (channel posts have no sender).
pub(super) async fn pace(context: &Context, message: &Message) -> Result<(), UserError> {
    match &message.from {
        Some(sender) => context.pace.admit(&sender.id.0).await,
        None => Ok(()),
    }
}

/// Checks the sender's pace before anything is fetched for them, then
/// downloads `media`; returns whose line the work waits in, and the bytes.
async fn fetch_paced(
    context: &Context,
    message: &Message,
    media: &Media,
) -> Result<(Client, bytes::Bytes), UserError> {
    pace(context, message).await?;
    let client = client_of(user_of(context, message).as_ref(), message);
    let bytes = media::download(context, media, context.download_limit()).await?;
    Ok((client, bytes))
}

async fn info(context: &Context, message: &Message, media: &Media) {
    let lang = lang_of(message);
    let (client, bytes) = match fetch_paced(context, message, media).await {
        Ok(fetched) => fetched,
        Err(error) => return fail(context, message, &error, lang).await,
    };
    let found = context.core.describe(bytes, client).await;
    match found {
        Ok(info) => {
            let text = texts::described(lang, &info);
            say(context, message, &text).await;
        }
        Err(error) => fail(context, message, &error, lang).await,
    }
}

/// Holds the image and offers a keyboard of formats; the button carries a
/// short id of the held bytes (well under the 64-byte callback limit).
async fn offer_keyboard(context: &Context, message: &Message, media: &Media) {
    let lang = lang_of(message);
    if let Some(refusal) = media.refusal {
        return say(context, message, &refusal(lang)).await;
    }
    let received = Instant::now();
    let (client, bytes) = match fetch_paced(context, message, media).await {
        Ok(fetched) => fetched,
        Err(error) => return fail(context, message, &error, lang).await,
    };
    let id = match context.core.hold(bytes, received, client).await {
        Ok(id) => id,
        Err(error) => return fail(context, message, &error, lang).await,
    };
    let buttons = KEYBOARD
        .iter()
        .map(|name| InlineKeyboardButton::callback(name.to_uppercase(), format!("c:{id}:{name}")))
        .collect::<Vec<_>>();
    let keyboard = InlineKeyboardMarkup::new(buttons.chunks(3).map(<[_]>::to_vec));
    let request = context
        .bot
        .send_message(message.chat.id, texts::pick_format(lang))
        .reply_markup(keyboard)
        .reply_parameters(ReplyParameters::new(message.id).allow_sending_without_reply());
    if let Err(error) = retrying(|| request.clone()).await {
        tracing::warn!("telegram: keyboard not sent: {error}");
    }
}

async fn handle_button(context: &Context, query: &CallbackQuery) {
    if let Some(tagged) = query
        .data
        .as_deref()
        .and_then(|d| d.strip_prefix(remove::PREFIX))
    {
        return remove::press(context, query, tagged).await;
    }
    let _ = retrying(|| context.bot.answer_callback_query(query.id.clone())).await;
    let Some(data) = query.data.as_deref() else {
        return;
    };
    let Some(message) = query.message.as_ref().and_then(|m| m.regular_message()) else {
        return;
    };
    let user = context
        .core
        .user(Platform::Telegram, &query.from.id.0.to_string());
    // The one who pressed, not the bot whose message carries the button.
    let lang = Lang::from_tag(query.from.language_code.as_deref());
    if data == "forget:yes" {
        return account::forget(context, message, &user, lang).await;
    }
    if data == "forget:no" {
        return say(context, message, &texts::forget_kept(lang)).await;
    }
    let mut parts = data.split(':');
    let (Some("c"), Some(id), Some(format)) = (parts.next(), parts.next(), parts.next()) else {
        return;
    };
    let reply_to = message.reply_to_message().map(|m| m.id);
    let Ok(id) = id.parse::<HeldId>() else { return };
    let options = match Options::parse([format]) {
        Ok(options) => context.pace.admit(&query.from.id.0).await.map(|()| options),
        Err(error) => Err(error),
    };
    let options = match options {
        Ok(options) => options,
        Err(error) => return fail(context, message, &error, lang).await,
    };
    let _working = Working::start(context, message.chat.id);
    let client = Client::of(&user);
    let converted = context
        .core
        .run_held(id, options, Platform::Telegram, Some(user.clone()), client)
        .await;
    match converted {
        Ok(reply) => {
            let chat = message.chat.id;
            deliver(context, chat, reply_to, &reply, lang, Some(&user)).await;
        }
        Err(error) => fail(context, message, &error, lang).await,
    }
}
