//! A user's own records: `/history` (and pausing it), `/export` as a JSON
//! file only they see, and `/forget` behind a confirmation button.

use serenity::all::{
    CommandInteraction, ComponentInteraction, CreateActionRow, CreateAttachment, CreateButton,
    CreateInteractionResponse, CreateInteractionResponseMessage, EditInteractionResponse,
    ResolvedValue,
};

use pixdrop::Lang;

use super::Bot;
use super::interact::{answer, defer, user};
use super::language;
use super::respond::Responder;
use crate::{account, texts};

pub async fn history(bot: &Bot, to: &Responder, command: &CommandInteraction) {
    let recording = command
        .data
        .options()
        .into_iter()
        .find_map(|o| match (o.name, o.value) {
            ("recording", ResolvedValue::String(value)) => Some(value),
            _ => None,
        });
    let user = user(bot, command.user.id);
    let lang = language::of(&command.locale, command.guild_locale.as_deref());
    let text = account::history(lang, bot.core.history(), &user, recording).await;
    answer(to, command, &text, true).await;
}

/// The user's whole history as a JSON file only they see.
pub async fn export(bot: &Bot, to: &Responder, command: &CommandInteraction) {
    let lang = language::of(&command.locale, command.guild_locale.as_deref());
    if bot.core.history().is_none() {
        return answer(to, command, &texts::no_history_here(lang), true).await;
    }
    if let Err(error) = defer(to, command, true).await {
        return tracing::warn!("discord defer failed: {error}");
    }
    let user = user(bot, command.user.id);
    let (edit, files) = match account::export(lang, bot.core.history(), &user).await {
        Ok(export) => (
            EditInteractionResponse::new().content(export.caption),
            vec![CreateAttachment::bytes(export.bytes, export.file_name)],
        ),
        Err(sentence) => (EditInteractionResponse::new().content(sentence), Vec::new()),
    };
    let edited = to
        .rest
        .edit_original(command.application_id, &command.token, &edit, &files)
        .await;
    if let Err(error) = edited {
        tracing::warn!("discord export not delivered: {error}");
    }
}

pub async fn forget_prompt(to: &Responder, command: &CommandInteraction) {
    let lang = language::of(&command.locale, command.guild_locale.as_deref());
    let buttons = CreateActionRow::Buttons(vec![
        CreateButton::new("forget:yes").label(texts::forget_yes(lang)),
        CreateButton::new("forget:no").label(texts::forget_no(lang)),
    ]);
    let message = CreateInteractionResponseMessage::new()
        .content(texts::forget_question(lang))
        .components(vec![buttons])
        .ephemeral(true);
    let response = CreateInteractionResponse::Message(message);
    if let Err(error) = to.first(command.id, &command.token, response).await {
        tracing::warn!("discord forget prompt not delivered: {error}");
    }
}

pub async fn forget(
    bot: &Bot,
    to: &Responder,
    component: &ComponentInteraction,
    erase: bool,
    lang: Lang,
) {
    let text = if erase {
        let user = user(bot, component.user.id);
        account::forget(lang, bot.core.history(), &user).await
    } else {
        texts::forget_kept(lang)
    };
    let message = CreateInteractionResponseMessage::new()
        .content(text)
        .components(Vec::new());
    let response = CreateInteractionResponse::UpdateMessage(message);
    if let Err(error) = to.first(component.id, &component.token, response).await {
        tracing::warn!("discord forget answer not delivered: {error}");
    }
}
