//! The "Delete now" button under a result: its callback data is
//! `d:<result id>:<tag>`, the tag binding the result to the person who
//! asked (`Core::deletion_tag`), so only they can press it. A press deletes
//! the held result at once and removes the bot's message from the chat;
//! anyone else's press gets a plain answer and changes nothing.

use pixdrop::history::UserHash;
use pixdrop::store::FileId;
use pixdrop::{Lang, Platform, Reply, UserError};
use teloxide::prelude::*;
use teloxide::types::{CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup};

use super::Context;
use super::send::retrying;
use crate::texts;

/// What a delete button's callback data starts with.
pub const PREFIX: &str = "d:";

/// The keyboard under a result for `asker` (none when no one asked, as for
/// channel posts).
pub fn keyboard(
    context: &Context,
    reply: &Reply,
    asker: Option<&UserHash>,
    lang: Lang,
) -> Option<InlineKeyboardMarkup> {
    let asker = asker?;
    let data = format!(
        "{PREFIX}{}:{}",
        reply.id,
        context.core.deletion_tag(reply.id, asker)
    );
    Some(InlineKeyboardMarkup::new([[
        InlineKeyboardButton::callback(texts::delete_now(lang), data),
    ]]))
}

/// A press of a delete button, with its data after `PREFIX`.
pub async fn press(context: &Context, query: &CallbackQuery, tagged: &str) {
    let user = context
        .core
        .user(Platform::Telegram, &query.from.id.0.to_string());
    let deleted = match tagged.split_once(':') {
        Some((id, tag)) => match id.parse::<FileId>() {
            Ok(id) => context.core.delete_for(id, &user, tag).await,
            Err(_) => Err(UserError::NotYours),
        },
        None => Err(UserError::NotYours),
    };
    let lang = Lang::from_tag(query.from.language_code.as_deref());
    let answer = match &deleted {
        Ok(()) => texts::deleted(lang),
        Err(error) => error.in_language(lang),
    };
    let answered = retrying(|| {
        context
            .bot
            .answer_callback_query(query.id.clone())
            .text(answer.clone())
    })
    .await;
    if let Err(error) = answered {
        tracing::warn!("telegram: delete press not answered: {error}");
    }
    let Some(message) = query.message.as_ref().filter(|_| deleted.is_ok()) else {
        return;
    };
    let (chat, id) = (message.chat().id, message.id());
    if let Err(error) = retrying(|| context.bot.delete_message(chat, id)).await {
        tracing::warn!("telegram: a deleted result's message stayed: {error}");
    }
}
