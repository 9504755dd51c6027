//! "Delete now" buttons under Discord results, one per result, each with
//! custom id `del:<result id>:<tag>`; the tag binds the result to the
//! person who asked (`Core::deletion_tag`), so only they can press it. A
//! press deletes the held result at once and takes its file and button off
//! the message; with the last one gone the message just says so. Anyone
//! else's press gets a sentence only they see.

use pixdrop::history::UserHash;
use pixdrop::store::FileId;
use pixdrop::{Core, Lang, Reply, UserError};
use serenity::all::{
    ActionRowComponent, ButtonKind, ButtonStyle, ComponentInteraction, CreateActionRow,
    CreateButton, CreateInteractionResponse, CreateInteractionResponseMessage, EditAttachments,
    EditInteractionResponse,
};

use super::interact::user;
use super::respond::Responder;
use super::{Bot, language};
use crate::texts;

/// What a delete button's custom id starts with.
pub const PREFIX: &str = "del:";

/// Discord puts at most five buttons in a row.
const ROW: usize = 5;

/// The rows of delete buttons under `replies`, for `asker`.
pub fn buttons(
    core: &Core,
    replies: &[Reply],
    asker: &UserHash,
    lang: Lang,
) -> Vec<CreateActionRow> {
    let buttons: Vec<CreateButton> = replies
        .iter()
        .map(|reply| {
            let label = match replies.len() {
                1 => texts::delete_now(lang),
                _ => texts::delete_named(lang, &reply.file_name()),
            };
            let custom_id = format!(
                "{PREFIX}{}:{}",
                reply.id,
                core.deletion_tag(reply.id, asker)
            );
            CreateButton::new(custom_id)
                .label(label)
                .style(ButtonStyle::Danger)
        })
        .collect();
    buttons
        .chunks(ROW)
        .map(|row| CreateActionRow::Buttons(row.to_vec()))
        .collect()
}

/// A press of a delete button, with its custom id after `PREFIX`.
pub async fn press(bot: &Bot, to: &Responder, component: &ComponentInteraction, tagged: &str) {
    let asker = user(bot, component.user.id);
    let lang = language::of(&component.locale, component.guild_locale.as_deref());
    let parsed = tagged
        .split_once(':')
        .and_then(|(id, tag)| Some((id.parse::<FileId>().ok()?, tag)));
    let deleted = match parsed {
        Some((id, tag)) => bot.core.delete_for(id, &asker, tag).await.map(|()| id),
        None => Err(UserError::NotYours),
    };
    let id = match deleted {
        Ok(id) => id,
        Err(error) => {
            let refusal = CreateInteractionResponseMessage::new()
                .content(error.in_language(lang))
                .ephemeral(true);
            let response = CreateInteractionResponse::Message(refusal);
            if let Err(failure) = to.first(component.id, &component.token, response).await {
                tracing::warn!("discord delete refusal not delivered: {failure}");
            }
            return;
        }
    };
    let others = other_buttons(component);
    if others.is_empty() {
        let cleared = CreateInteractionResponseMessage::new()
            .content(texts::deleted(lang))
            .components(Vec::new());
        let response = CreateInteractionResponse::UpdateMessage(cleared);
        if let Err(failure) = to.first(component.id, &component.token, response).await {
            tracing::warn!("discord deleted message not updated: {failure}");
        }
        return;
    }
    let acknowledged = to
        .first(
            component.id,
            &component.token,
            CreateInteractionResponse::Acknowledge,
        )
        .await;
    if let Err(failure) = acknowledged {
        return tracing::warn!("discord delete press not acknowledged: {failure}");
    }
    let gone = format!("pixdrop-{}.", id.short());
    let kept = component
        .message
        .attachments
        .iter()
        .filter(|file| !file.filename.starts_with(&gone))
        .fold(EditAttachments::new(), |kept, file| kept.keep(file.id));
    let rows = others
        .chunks(ROW)
        .map(|row| CreateActionRow::Buttons(row.to_vec()))
        .collect();
    let edit = EditInteractionResponse::new()
        .components(rows)
        .attachments(kept);
    let edited = to
        .rest
        .edit_original(component.application_id, &component.token, &edit, &[])
        .await;
    if let Err(failure) = edited {
        tracing::warn!("discord deleted file not taken off its message: {failure}");
    }
}

/// The delete buttons left on the pressed one's message.
fn other_buttons(component: &ComponentInteraction) -> Vec<CreateButton> {
    let pressed = component.data.custom_id.as_str();
    component
        .message
        .components
        .iter()
        .flat_map(|row| &row.components)
        .filter_map(|item| match item {
            ActionRowComponent::Button(button) => Some(button),
            _ => None,
        })
        .filter(|button| {
            matches!(&button.data, ButtonKind::NonLink { custom_id, .. }
                if custom_id.starts_with(PREFIX) && custom_id != pressed)
        })
        .map(|button| CreateButton::from(button.clone()))
        .collect()
}
