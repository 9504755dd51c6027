//! Channel drops: an admin turns auto-convert on for a channel (`/auto`),
//! and every image posted there afterwards is answered with a reply. Seeing
//! those posts needs the Message Content intent outside mentions and DMs.

use std::sync::Arc;

use serenity::all::{CommandInteraction, CreateMessage, Http, Message, Permissions};

use super::interact::{answer, convert_all, request};
use super::reply::retrying;
use super::respond::Responder;
use super::{Bot, fetch};

/// Discord's upload limit for a bot outside interactions (no boosts).
const DEFAULT_UPLOAD_LIMIT: u64 = 10 * 1024 * 1024;

pub async fn auto(bot: &Bot, to: &Responder, command: &CommandInteraction) {
    let allowed = command
        .member
        .as_ref()
        .and_then(|m| m.permissions)
        .is_some_and(|p| {
            p.contains(Permissions::ADMINISTRATOR) || p.contains(Permissions::MANAGE_CHANNELS)
        });
    if !allowed {
        return answer(
            to,
            command,
            "Only server admins can change auto-convert.",
            true,
        )
        .await;
    }
    let (words, _) = request(command);
    let off = command.data.options().iter().any(|o| o.name == "off") || words.is_empty();
    let channel = command.channel_id.get();
    if off {
        bot.auto.remove(&channel);
        return answer(to, command, "Auto-convert is off in this channel.", false).await;
    }
    if let Err(error) = pixdrop::Options::parse(words.iter().map(String::as_str)) {
        return answer(to, command, &error.to_string(), true).await;
    }
    bot.auto.insert(channel, words.clone());
    let text = format!(
        "Auto-convert is on: images posted here are answered as {}. (Needs the Message Content intent outside mentions.)",
        words.join(" ").trim_start_matches("to=").to_uppercase()
    );
    answer(to, command, &text, false).await;
}

/// An image posted in a channel with auto-convert on gets a reply.
pub async fn channel_drop(bot: &Bot, http: &Arc<Http>, message: &Message) {
    if message.author.bot {
        return;
    }
    let Some(words) = bot.auto.get(&message.channel_id.get()).map(|w| w.clone()) else {
        return;
    };
    let sources = fetch::sources(message);
    if sources.is_empty() {
        return;
    }
    let _typing = message.channel_id.start_typing(http);
    let post = match convert_all(bot, &words, &sources, message.author.id).await {
        Ok(batch) => {
            let (files, text) = batch.message(DEFAULT_UPLOAD_LIMIT);
            CreateMessage::new().content(text).add_files(files)
        }
        Err(error) => CreateMessage::new().content(error.to_string()),
    }
    .reference_message(message);
    if let Err(error) = retrying(|| message.channel_id.send_message(http, post.clone())).await {
        tracing::warn!("discord channel reply not delivered: {error}");
    }
}
