//! What each interaction does: slash commands, the context menu and its
//! select. The flow is always: answer first (defer, before any download),
//! then download (size-checked, Discord hosts only), `Core::run`, and edit
//! the deferred answer with files or links; a failure replaces it with an
//! ephemeral sentence.

use pixdrop::history::UserHash;
use pixdrop::pool::Client;
use pixdrop::{Format, Job, Lang, Platform, Reply, UserError};
use serenity::all::{
    ChannelId, CommandInteraction, CommandType, ComponentInteraction, ComponentInteractionDataKind,
    CreateActionRow, CreateAttachment, CreateInteractionResponse,
    CreateInteractionResponseFollowup, CreateInteractionResponseMessage, CreateSelectMenu,
    CreateSelectMenuKind, CreateSelectMenuOption, EditInteractionResponse, Interaction, Message,
    MessageId, ResolvedValue, UserId,
};
use tokio::time::Instant;

use super::commands::{FORMATS, slash_name};
use super::fetch::{self, Source};
use super::reply::files_or_links;
use super::respond::Responder;
use super::rest;
use super::{Bot, account, drop, language, remove};
use crate::{shortcuts, texts};

pub async fn handle(bot: &Bot, to: &Responder, interaction: Interaction) {
    match interaction {
        Interaction::Command(command) if command.data.kind == CommandType::Message => {
            offer_formats(to, &command).await;
        }
        Interaction::Command(command) => slash(bot, to, &command).await,
        Interaction::Component(component) => component_pressed(bot, to, &component).await,
        _ => {}
    }
}

pub(super) fn user(bot: &Bot, id: UserId) -> UserHash {
    bot.core.user(Platform::Discord, &id.get().to_string())
}

/// The option words a slash command stands for, and its image.
pub(super) fn request(command: &CommandInteraction) -> (Vec<String>, Option<Source>) {
    let mut words = Vec::new();
    let mut image = None;
    let mut target = None;
    for option in command.data.options() {
        match (option.name, option.value) {
            ("image", ResolvedValue::Attachment(attachment)) => image = Some(attachment.into()),
            ("format", ResolvedValue::String(format)) => words.push(format!("to={format}")),
            ("preset", ResolvedValue::String(preset)) => {
                words.insert(0, format!("preset={}", preset.trim()));
            }
            ("quality", ResolvedValue::Integer(quality)) => {
                words.push(format!("quality={quality}"))
            }
            ("size", ResolvedValue::String(size)) => words.push(shortcuts::resize(size)),
            ("target", ResolvedValue::String(given)) => target = Some(given),
            ("options", ResolvedValue::String(more)) => {
                words.extend(more.split_whitespace().map(str::to_string))
            }
            _ => {}
        }
    }
    if command.data.name == "compress" {
        words.extend(shortcuts::compress(target));
    }
    (words, image)
}

async fn slash(bot: &Bot, to: &Responder, command: &CommandInteraction) {
    let lang = language::of(&command.locale, command.guild_locale.as_deref());
    let help = || texts::help(lang, &|name| slash_name(lang, name), bot.core.presets());
    match command.data.name.as_str() {
        "convert" | "compress" | "resize" => convert_command(bot, to, command).await,
        "info" => info(bot, to, command).await,
        "formats" => {
            answer(
                to,
                command,
                &texts::formats(lang, bot.core.presets()),
                false,
            )
            .await
        }
        "help" => answer(to, command, &help(), false).await,
        "privacy" => {
            answer(
                to,
                command,
                &texts::privacy(lang, bot.core.retention()),
                false,
            )
            .await
        }
        "history" => account::history(bot, to, command).await,
        "forget" => account::forget_prompt(to, command).await,
        "export" => account::export(bot, to, command).await,
        "auto" => drop::auto(bot, to, command).await,
        name => {
            let text = texts::unknown_command(lang, &texts::slash(name), help());
            answer(to, command, &text, true).await
        }
    }
}

/// Defers `command`'s answer, visible to everyone or only to the user.
pub(super) async fn defer(
    to: &Responder,
    command: &CommandInteraction,
    ephemeral: bool,
) -> Result<(), rest::Error> {
    let message = CreateInteractionResponseMessage::new().ephemeral(ephemeral);
    to.first(
        command.id,
        &command.token,
        CreateInteractionResponse::Defer(message),
    )
    .await
}

async fn convert_command(bot: &Bot, to: &Responder, command: &CommandInteraction) {
    let lang = language::of(&command.locale, command.guild_locale.as_deref());
    if let Err(error) = defer(to, command, false).await {
        return tracing::warn!("discord defer failed: {error}");
    }
    let (words, image) = request(command);
    let result = match image {
        Some(image) => {
            convert_all(bot, &words, std::slice::from_ref(&image), command.user.id).await
        }
        None => Err(UserError::NothingToConvert),
    };
    match result {
        Ok(batch) => {
            let (files, text) = batch.message(command.attachment_size_limit.into(), lang);
            let edit = EditInteractionResponse::new()
                .content(text)
                .components(batch.buttons(bot, lang));
            let edited = to
                .rest
                .edit_original(command.application_id, &command.token, &edit, &files)
                .await;
            if let Err(error) = edited {
                tracing::warn!("discord result not delivered: {error}");
            }
        }
        Err(error) => fail_deferred(to, command, &error.in_language(lang)).await,
    }
}

/// The results of one request, and why the others failed, if any did.
pub(super) struct Batch {
    replies: Vec<Reply>,
    failure: Option<UserError>,
    /// Who asked: only they may delete the results.
    asker: UserHash,
}

impl Batch {
    /// Files that fit under `limit`, and the text: summaries, links for
    /// what didn't fit, and the reason some images were left out, in `lang`.
    pub(super) fn message(&self, limit: u64, lang: Lang) -> (Vec<CreateAttachment>, String) {
        let (files, mut text) = files_or_links(&self.replies, limit, lang);
        if let Some(failure) = &self.failure {
            text.push_str(&format!("\n\n{}", texts::some_failed(lang, failure)));
        }
        (files, text)
    }

    /// The "Delete now" buttons for the results, usable by the asker alone.
    pub(super) fn buttons(&self, bot: &Bot, lang: Lang) -> Vec<CreateActionRow> {
        remove::buttons(&bot.core, &self.replies, &self.asker, lang)
    }
}

/// Converts every image in `sources` for one request by `user`: one turn
/// of the user's cooldown, then each image in order, or all of them as the
/// pages of one PDF. Succeeds when at least one did; otherwise returns the
/// last failure.
pub(super) async fn convert_all(
    bot: &Bot,
    words: &[String],
    sources: &[Source],
    user: UserId,
) -> Result<Batch, UserError> {
    let received = Instant::now();
    let options = bot.core.options(words.iter().map(String::as_str))?;
    bot.pace.admit(&user.get()).await?;
    let user = self::user(bot, user);
    let client = Client::of(&user);
    let job = |input, more| Job {
        input,
        more,
        options: options.clone(),
        platform: Platform::Discord,
        received,
        user: Some(user.clone()),
        client,
    };
    if options.to == Some(Format::Pdf) && sources.len() > 1 {
        let mut pages = Vec::with_capacity(sources.len());
        for source in sources {
            pages.push(fetch::download(bot, source).await?);
        }
        let first = pages.remove(0);
        let reply = bot.core.run(job(first, pages)).await?;
        return Ok(Batch {
            replies: vec![reply],
            failure: None,
            asker: user,
        });
    }
    let mut replies = Vec::new();
    let mut failure = None;
    for source in sources {
        let converted = match fetch::download(bot, source).await {
            Ok(input) => bot.core.run(job(input, Vec::new())).await,
            Err(error) => Err(error),
        };
        match converted {
            Ok(reply) => replies.push(reply),
            Err(error) => failure = Some(error),
        }
    }
    match failure {
        Some(error) if replies.is_empty() => Err(error),
        _ if replies.is_empty() => Err(UserError::NoImageInMessage),
        failure => Ok(Batch {
            replies,
            failure,
            asker: user,
        }),
    }
}

/// Replaces a deferred answer with an ephemeral sentence only the user sees.
async fn fail_deferred(to: &Responder, command: &CommandInteraction, sentence: &str) {
    let application = command.application_id;
    let _ = to.rest.delete_original(application, &command.token).await;
    let followup = CreateInteractionResponseFollowup::new()
        .content(sentence)
        .ephemeral(true);
    let sent = to
        .rest
        .follow_up(application, &command.token, &followup, &[])
        .await;
    if let Err(failure) = sent {
        tracing::warn!("discord error message not delivered: {failure}");
    }
}

/// Answers `command` at once with a sentence.
pub(super) async fn answer(
    to: &Responder,
    command: &CommandInteraction,
    text: &str,
    ephemeral: bool,
) {
    let message = CreateInteractionResponseMessage::new()
        .content(text)
        .ephemeral(ephemeral);
    let response = CreateInteractionResponse::Message(message);
    if let Err(error) = to.first(command.id, &command.token, response).await {
        tracing::warn!("discord answer not delivered: {error}");
    }
}

async fn info(bot: &Bot, to: &Responder, command: &CommandInteraction) {
    let lang = language::of(&command.locale, command.guild_locale.as_deref());
    let (_, image) = request(command);
    let Some(image) = image else {
        let missing = UserError::NothingToConvert.in_language(lang);
        return answer(to, command, &missing, true).await;
    };
    if let Err(error) = defer(to, command, true).await {
        return tracing::warn!("discord defer failed: {error}");
    }
    let user = self::user(bot, command.user.id);
    let described = match bot.pace.admit(&command.user.id.get()).await {
        Ok(()) => match fetch::download(bot, &image).await {
            Ok(bytes) => bot.core.describe(bytes, Client::of(&user)).await,
            Err(error) => Err(error),
        },
        Err(error) => Err(error),
    };
    let text = match described {
        Ok(info) => texts::described(lang, &info),
        Err(error) => error.in_language(lang),
    };
    let edit = EditInteractionResponse::new().content(text);
    let edited = to
        .rest
        .edit_original(command.application_id, &command.token, &edit, &[])
        .await;
    if let Err(error) = edited {
        tracing::warn!("discord info not delivered: {error}");
    }
}

/// The context menu: an ephemeral select of formats for the target message.
async fn offer_formats(to: &Responder, command: &CommandInteraction) {
    let lang = language::of(&command.locale, command.guild_locale.as_deref());
    let target = command.data.target_id.and_then(|id| {
        command
            .data
            .resolved
            .messages
            .get(&MessageId::new(id.get()))
    });
    let Some(target) = target.filter(|m| !fetch::sources(m).is_empty()) else {
        let missing = UserError::NoImageInMessage.in_language(lang);
        return answer(to, command, &missing, true).await;
    };
    let message = CreateInteractionResponseMessage::new()
        .content(texts::pick_format(lang))
        .components(vec![format_select(target, lang)])
        .ephemeral(true);
    let response = CreateInteractionResponse::Message(message);
    if let Err(error) = to.first(command.id, &command.token, response).await {
        tracing::warn!("discord select not delivered: {error}");
    }
}

/// A select of formats that converts the images in `target` when used.
pub(super) fn format_select(target: &Message, lang: Lang) -> CreateActionRow {
    let options = FORMATS
        .iter()
        .map(|name| CreateSelectMenuOption::new(name.to_uppercase(), *name))
        .collect();
    let select = CreateSelectMenu::new(
        format!("convert:{}:{}", target.channel_id.get(), target.id.get()),
        CreateSelectMenuKind::String { options },
    )
    .placeholder(texts::convert_to(lang));
    CreateActionRow::SelectMenu(select)
}

async fn component_pressed(bot: &Bot, to: &Responder, component: &ComponentInteraction) {
    let lang = language::of(&component.locale, component.guild_locale.as_deref());
    let id = component.data.custom_id.as_str();
    if let Some(tagged) = id.strip_prefix(remove::PREFIX) {
        return remove::press(bot, to, component, tagged).await;
    }
    if id == "forget:yes" || id == "forget:no" {
        return account::forget(bot, to, component, id == "forget:yes", lang).await;
    }
    let mut parts = id.split(':');
    let (Some("convert"), Some(channel), Some(message)) =
        (parts.next(), parts.next(), parts.next())
    else {
        return;
    };
    let ComponentInteractionDataKind::StringSelect { values } = &component.data.kind else {
        return;
    };
    let (Ok(channel), Ok(message), Some(format)) = (
        channel.parse::<u64>(),
        message.parse::<u64>(),
        values.first(),
    ) else {
        return;
    };
    let acknowledged = to
        .first(
            component.id,
            &component.token,
            CreateInteractionResponse::Acknowledge,
        )
        .await;
    if let Err(error) = acknowledged {
        return tracing::warn!("discord defer failed: {error}");
    }
    let target = to
        .rest
        .message(ChannelId::new(channel), MessageId::new(message))
        .await;
    let sources = match target {
        Ok(target) => fetch::sources(&target),
        Err(error) => {
            tracing::warn!("discord target message not readable: {error}");
            return followup_error(to, component, &UserError::ImagesGone, lang).await;
        }
    };
    let words = std::slice::from_ref(format);
    match convert_all(bot, words, &sources, component.user.id).await {
        Ok(batch) => {
            let (files, text) = batch.message(component.attachment_size_limit.into(), lang);
            let followup = CreateInteractionResponseFollowup::new()
                .content(text)
                .components(batch.buttons(bot, lang));
            let sent = to
                .rest
                .follow_up(
                    component.application_id,
                    &component.token,
                    &followup,
                    &files,
                )
                .await;
            if let Err(error) = sent {
                tracing::warn!("discord result not delivered: {error}");
            }
        }
        Err(error) => followup_error(to, component, &error, lang).await,
    }
}

async fn followup_error(
    to: &Responder,
    component: &ComponentInteraction,
    error: &UserError,
    lang: Lang,
) {
    let followup = CreateInteractionResponseFollowup::new()
        .content(error.in_language(lang))
        .ephemeral(true);
    let sent = to
        .rest
        .follow_up(component.application_id, &component.token, &followup, &[])
        .await;
    if let Err(error) = sent {
        tracing::warn!("discord error message not delivered: {error}");
    }
}
