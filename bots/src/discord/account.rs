//! A user's own records: `/history` (and pausing it), `/export` as a JSON
//! file only they see, and `/forget` behind a confirmation button.

use serenity::all::{
    CommandInteraction, ComponentInteraction, CreateActionRow, CreateAttachment, CreateButton,
    CreateInteractionResponse, CreateInteractionResponseMessage, EditInteractionResponse,
    ResolvedValue,
};

use super::Bot;
use super::interact::{answer, defer, user};
use super::reply::retrying;
use super::respond::Responder;
use crate::texts;

const UNREACHABLE: &str = "Your history can't be reached right now. Try again in a minute.";
const NO_HISTORY: &str = "I keep no history on this server.";

pub async fn history(bot: &Bot, to: &Responder, command: &CommandInteraction) {
    let Some(history) = &bot.core.history else {
        return answer(to, command, NO_HISTORY, true).await;
    };
    let user = user(bot, command.user.id);
    let recording = command
        .data
        .options()
        .into_iter()
        .find_map(|o| match (o.name, o.value) {
            ("recording", ResolvedValue::String(value)) => Some(value),
            _ => None,
        });
    let text = match recording {
        Some("off") => history
            .pause(&user, true)
            .await
            .map(|()| "Done: I won't record your conversions.".to_string()),
        Some("on") => history
            .pause(&user, false)
            .await
            .map(|()| "Done: I'll record them again.".to_string()),
        _ => history
            .for_user(&user, Some(10))
            .await
            .map(|records| texts::history(&records)),
    }
    .unwrap_or_else(|error| {
        tracing::warn!("history query failed: {error}");
        UNREACHABLE.into()
    });
    answer(to, command, &text, true).await;
}

/// The user's whole history as a JSON file only they see.
pub async fn export(bot: &Bot, to: &Responder, command: &CommandInteraction) {
    let Some(history) = &bot.core.history else {
        return answer(to, command, NO_HISTORY, true).await;
    };
    if let Err(error) = defer(to, command, true).await {
        return tracing::warn!("discord defer failed: {error}");
    }
    let edit = match history.for_user(&user(bot, command.user.id), None).await {
        Ok(records) => EditInteractionResponse::new()
            .content(format!(
                "Your conversion history: {} records.",
                records.len()
            ))
            .new_attachment(CreateAttachment::bytes(
                crate::export::bytes(&records),
                crate::export::FILE_NAME,
            )),
        Err(error) => {
            tracing::warn!("history export failed: {error}");
            EditInteractionResponse::new().content(UNREACHABLE)
        }
    };
    if let Err(error) = retrying(|| command.edit_response(&to.http, edit.clone())).await {
        tracing::warn!("discord export not delivered: {error}");
    }
}

pub async fn forget_prompt(to: &Responder, command: &CommandInteraction) {
    let buttons = CreateActionRow::Buttons(vec![
        CreateButton::new("forget:yes").label("Yes, erase it"),
        CreateButton::new("forget:no").label("No, keep it"),
    ]);
    let message = CreateInteractionResponseMessage::new()
        .content("Erase your whole conversion history? This can't be undone.")
        .components(vec![buttons])
        .ephemeral(true);
    let response = CreateInteractionResponse::Message(message);
    if let Err(error) = to.first(command.id, &command.token, response).await {
        tracing::warn!("discord forget prompt not delivered: {error}");
    }
}

pub async fn forget(bot: &Bot, to: &Responder, component: &ComponentInteraction, erase: bool) {
    let text = match (&bot.core.history, erase) {
        (_, false) => "Kept. Nothing was erased.".to_string(),
        (None, true) => NO_HISTORY.to_string(),
        (Some(history), true) => match history.forget(&user(bot, component.user.id)).await {
            Ok(erased) => texts::erased(erased),
            Err(error) => {
                tracing::warn!("history erase failed: {error}");
                "I couldn't erase your history right now. Try again in a minute.".into()
            }
        },
    };
    let message = CreateInteractionResponseMessage::new()
        .content(text)
        .components(Vec::new());
    let response = CreateInteractionResponse::UpdateMessage(message);
    if let Err(error) = to.first(component.id, &component.token, response).await {
        tracing::warn!("discord forget answer not delivered: {error}");
    }
}
