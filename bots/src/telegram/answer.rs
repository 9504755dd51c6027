//! How a chat hears back: a result delivered as a document (or a link when
//! it is too large to upload) with its "Delete now" button, a sentence in
//! reply to a message, and the "sending a file…" indicator while work goes
//! on. Every send goes through `retrying`, so a reply is delayed rather
//! than lost.

use std::time::Duration;

use pixdrop::history::UserHash;
use pixdrop::{Lang, Reply, UserError};
use teloxide::prelude::*;
use teloxide::types::{ChatAction, InputFile, MessageId, ReplyParameters};

use super::Context;
use super::remove;
use super::send::retrying;
use crate::texts;

/// Sends `reply` as a document (or a link when it is too large to upload),
/// with a "Delete now" button for `asker`.
pub(super) async fn deliver(
    context: &Context,
    chat: ChatId,
    reply_to: Option<MessageId>,
    reply: &Reply,
    lang: Lang,
    asker: Option<&UserHash>,
) {
    let keyboard = remove::keyboard(context, reply, asker, lang);
    let sent = if reply.bytes.len() as u64 > context.settings.upload_limit {
        let request = context.bot.send_message(chat, texts::as_link(lang, reply));
        let request = match keyboard {
            Some(keyboard) => request.reply_markup(keyboard),
            None => request,
        };
        let request = match reply_to {
            Some(id) => {
                request.reply_parameters(ReplyParameters::new(id).allow_sending_without_reply())
            }
            None => request,
        };
        retrying(|| request.clone()).await.map(drop)
    } else {
        let file = InputFile::memory(reply.bytes.clone()).file_name(reply.file_name());
        let request = context
            .bot
            .send_document(chat, file)
            .caption(texts::summary(lang, reply));
        let request = match keyboard {
            Some(keyboard) => request.reply_markup(keyboard),
            None => request,
        };
        let request = match reply_to {
            Some(id) => {
                request.reply_parameters(ReplyParameters::new(id).allow_sending_without_reply())
            }
            None => request,
        };
        retrying(|| request.clone()).await.map(drop)
    };
    if let Err(error) = sent {
        tracing::warn!("telegram: result not delivered: {error}");
    }
}

/// Shows "sending a file…" in the chat until dropped; Telegram clears the
/// indicator after about five seconds, so it is repeated every four.
pub(super) struct Working(tokio::task::JoinHandle<()>);

impl Working {
    pub(super) fn start(context: &Context, chat: ChatId) -> Self {
        let bot = context.bot.clone();
        Self(tokio::spawn(async move {
            loop {
                let _ = bot.send_chat_action(chat, ChatAction::UploadDocument).await;
                tokio::time::sleep(Duration::from_secs(4)).await;
            }
        }))
    }
}

impl Drop for Working {
    fn drop(&mut self) {
        self.0.abort();
    }
}

/// Says `error` under `message`, in `lang`.
pub(super) async fn fail(context: &Context, message: &Message, error: &UserError, lang: Lang) {
    say(context, message, &error.in_language(lang)).await;
}

pub(super) async fn say(context: &Context, message: &Message, text: &str) {
    say_to(context, message.chat.id, message.id, text).await;
}

/// Says `text` in `chat`, in reply to the message `reply_to`.
pub(super) async fn say_to(context: &Context, chat: ChatId, reply_to: MessageId, text: &str) {
    let request = context
        .bot
        .send_message(chat, text)
        .reply_parameters(ReplyParameters::new(reply_to).allow_sending_without_reply());
    if let Err(error) = retrying(|| request.clone()).await {
        tracing::warn!("telegram: message not sent: {error}");
    }
}
