//! A user's rights and a group's settings over Telegram: `/history`
//! (`off`/`on`), `/export`, `/forget` with its confirmation, and `/auto`
//! for group admins. Everything goes through the core's history by hashed user id.

use pixdrop::Lang;
use pixdrop::history::UserHash;
use teloxide::prelude::*;
use teloxide::types::{InlineKeyboardButton, InlineKeyboardMarkup, InputFile};

use super::Context;
use super::chat::{fail, lang_of, say, user_of};
use super::send::retrying;
use crate::{account, texts};

pub async fn history(context: &Context, message: &Message, words: &[String]) {
    let lang = lang_of(message);
    let Some(user) = user_of(context, message) else {
        return say(context, message, &texts::no_history_here(lang)).await;
    };
    let word = words.first().map(String::as_str);
    let text = account::history(lang, context.core.history(), &user, word).await;
    say(context, message, &text).await;
}

/// Sends the user's whole history as a JSON document.
pub async fn export(context: &Context, message: &Message) {
    let lang = lang_of(message);
    let Some(user) = user_of(context, message) else {
        return say(context, message, &texts::no_history_here(lang)).await;
    };
    let export = match account::export(lang, context.core.history(), &user).await {
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
    let lang = lang_of(message);
    let keyboard = InlineKeyboardMarkup::new([[
        InlineKeyboardButton::callback(texts::forget_yes(lang), "forget:yes"),
        InlineKeyboardButton::callback(texts::forget_no(lang), "forget:no"),
    ]]);
    let request = context
        .bot
        .send_message(message.chat.id, texts::forget_question(lang))
        .reply_markup(keyboard);
    if let Err(error) = retrying(|| request.clone()).await {
        tracing::warn!("telegram: forget prompt not sent: {error}");
    }
}

/// Erases `user`'s history (they pressed "yes" under `message`) and says so in `lang`.
pub async fn forget(context: &Context, message: &Message, user: &UserHash, lang: Lang) {
    let text = account::forget(lang, context.core.history(), user).await;
    say(context, message, &text).await;
}

pub async fn auto(context: &Context, message: &Message, words: &[String]) {
    let lang = lang_of(message);
    if message.chat.is_private() {
        return say(context, message, &texts::auto_in_private(lang)).await;
    }
    let Some(user) = &message.from else { return };
    let admins = retrying(|| context.bot.get_chat_administrators(message.chat.id)).await;
    if !admins.is_ok_and(|admins| admins.iter().any(|a| a.user.id == user.id)) {
        return say(context, message, &texts::auto_admins_only(lang, "group")).await;
    }
    let place = message.chat.id.0.to_string();
    match words.first().map(String::as_str) {
        None | Some("off") => {
            context.auto.set(&place, None).await;
            say(context, message, &texts::auto_off(lang, "group")).await;
        }
        Some(_) => match context.core.options(words.iter().map(String::as_str)) {
            Ok(options) => {
                let kept = context.auto.set(&place, Some(&options)).await;
                say(context, message, &texts::auto_on(lang, &options, kept)).await;
            }
            Err(error) => fail(context, message, &error, lang).await,
        },
    }
}
