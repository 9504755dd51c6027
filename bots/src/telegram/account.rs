//! A user's rights and a group's settings over Telegram: `/history`
//! (`off`/`on`), `/export`, `/forget` with its confirmation, and `/auto`
//! for group admins. Everything goes through the core's history by hashed user id.

use pixdrop::history::UserHash;
use teloxide::prelude::*;
use teloxide::types::{InlineKeyboardButton, InlineKeyboardMarkup, InputFile};

use super::Context;
use super::chat::{fail, say, user_of};
use super::send::retrying;
use crate::{account, texts};

pub async fn history(context: &Context, message: &Message, words: &[String]) {
    let Some(user) = user_of(context, message) else {
        return say(context, message, account::NO_HISTORY).await;
    };
    let word = words.first().map(String::as_str);
    let text = account::history(context.core.history(), &user, word).await;
    say(context, message, &text).await;
}

/// Sends the user's whole history as a JSON document.
pub async fn export(context: &Context, message: &Message) {
    let Some(user) = user_of(context, message) else {
        return say(context, message, account::NO_HISTORY).await;
    };
    let export = match account::export(context.core.history(), &user).await {
        Ok(export) => export,
        Err(sentence) => return say(context, message, &sentence).await,
    };
    let file = InputFile::memory(export.bytes).file_name(export.file_name);
    let request = context
        .bot
        .send_document(message.chat.id, file)
        .caption(export.caption);
    if let Err(error) = retrying(|| request.clone()).await {
        tracing::warn!("telegram: export not sent: {error}");
    }
}

pub async fn forget_prompt(context: &Context, message: &Message) {
    let keyboard = InlineKeyboardMarkup::new([[
        InlineKeyboardButton::callback(texts::FORGET_YES, "forget:yes"),
        InlineKeyboardButton::callback(texts::FORGET_NO, "forget:no"),
    ]]);
    let request = context
        .bot
        .send_message(message.chat.id, texts::FORGET_QUESTION)
        .reply_markup(keyboard);
    if let Err(error) = retrying(|| request.clone()).await {
        tracing::warn!("telegram: forget prompt not sent: {error}");
    }
}

pub async fn forget(context: &Context, message: &Message, user: &UserHash) {
    let text = account::forget(context.core.history(), user).await;
    say(context, message, &text).await;
}

pub async fn auto(context: &Context, message: &Message, words: &[String]) {
    if message.chat.is_private() {
        return say(context, message, texts::AUTO_IN_PRIVATE).await;
    }
    let Some(user) = &message.from else { return };
    let admins = retrying(|| context.bot.get_chat_administrators(message.chat.id)).await;
    if !admins.is_ok_and(|admins| admins.iter().any(|a| a.user.id == user.id)) {
        return say(context, message, &texts::auto_admins_only("group")).await;
    }
    let place = message.chat.id.0.to_string();
    match words.first().map(String::as_str) {
        None | Some("off") => {
            context.auto.set(&place, None).await;
            say(context, message, &texts::auto_off("group")).await;
        }
        Some(_) => match context.core.options(words.iter().map(String::as_str)) {
            Ok(options) => {
                let kept = context.auto.set(&place, Some(&options)).await;
                say(context, message, &texts::auto_on(&options, kept)).await;
            }
            Err(error) => fail(context, message, &error).await,
        },
    }
}
