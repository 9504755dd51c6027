//! Images dropped into chat: in a channel where an admin turned
//! auto-convert on (`/auto`), every image posted is answered with a reply;
//! in DMs and in messages that mention the bot, the message's option words
//! say what to do, or a select of formats is offered. Channel drops need
//! the Message Content intent; DMs and mentions work without it.

use std::sync::Arc;

use pixdrop::Lang;
use serenity::all::{
    CommandInteraction, CreateAttachment, CreateMessage, Http, Message, Permissions,
};

use super::fetch::Source;
use super::interact::{answer, convert_all, format_select, request};
use super::language;
use super::respond::Responder;
use super::{Bot, fetch};
use crate::texts;

/// Discord's upload limit for a bot outside interactions (no boosts).
const DEFAULT_UPLOAD_LIMIT: u64 = 10 * 1024 * 1024;

pub async fn auto(bot: &Bot, to: &Responder, command: &CommandInteraction) {
    let lang = language::of(&command.locale, command.guild_locale.as_deref());
    let allowed = command
        .member
        .as_ref()
        .and_then(|m| m.permissions)
        .is_some_and(|p| {
            p.contains(Permissions::ADMINISTRATOR) || p.contains(Permissions::MANAGE_CHANNELS)
        });
    if !allowed {
        return answer(to, command, &texts::auto_admins_only(lang, "server"), true).await;
    }
    let (words, _) = request(command);
    let off = command.data.options().iter().any(|o| o.name == "off") || words.is_empty();
    let channel = command.channel_id.get().to_string();
    if off {
        bot.auto.set(&channel, None).await;
        return answer(to, command, &texts::auto_off(lang, "channel"), false).await;
    }
    let options = match bot.core.options(words.iter().map(String::as_str)) {
        Ok(options) => options,
        Err(error) => return answer(to, command, &error.in_language(lang), true).await,
    };
    let kept = bot.auto.set(&channel, Some(&options)).await;
    let mut text = texts::auto_on(lang, &options, kept);
    if !bot.settings.message_content {
        text.push_str(&texts::auto_blind(lang));
    }
    answer(to, command, &text, false).await;
}

/// An image posted where the bot should answer: in a channel with
/// auto-convert on, in a DM, or with a mention of the bot. Option words in
/// the message (`webp 80`) say what to do; without any, the reply offers a
/// select of formats. A message carries no locale, so these answers are in
/// English.
pub async fn posted(bot: &Bot, http: &Arc<Http>, message: &Message) {
    if message.author.bot {
        return;
    }
    let sources = fetch::sources(message);
    let addressed = addressed(bot, message);
    if sources.is_empty() && !addressed {
        return;
    }
    let channel = message.channel_id.get().to_string();
    if !sources.is_empty()
        && let Some(words) = bot.auto.words(&channel).await
    {
        return convert_and_reply(bot, http, message, &words, &sources).await;
    }
    if !addressed {
        return;
    }
    if sources.is_empty() {
        let hint = CreateMessage::new().content(texts::attach_hint(Lang::En));
        return reply(bot, message, hint, &[]).await;
    }
    let words = option_words(&message.content);
    match bot.core.options(words.iter().map(String::as_str)) {
        Ok(_) if !words.is_empty() => {
            convert_and_reply(bot, http, message, &words, &sources).await;
        }
        parsed => {
            let lead = parsed.err().map_or(String::new(), |e| format!("{e}\n"));
            let offer = CreateMessage::new()
                .content(format!("{lead}{}", texts::pick_format(Lang::En)))
                .components(vec![format_select(message, Lang::En)]);
            reply(bot, message, offer, &[]).await;
        }
    }
}

/// A DM, or a message that mentions the bot.
fn addressed(bot: &Bot, message: &Message) -> bool {
    message.guild_id.is_none()
        || bot
            .own_id
            .get()
            .is_some_and(|own| message.mentions.iter().any(|user| user.id == *own))
}

/// The words of a message that are options: mentions and a leading
/// `convert` left out.
fn option_words(content: &str) -> Vec<String> {
    content
        .split_whitespace()
        .filter(|word| !(word.starts_with("<@") && word.ends_with('>')))
        .skip_while(|word| matches!(*word, "convert" | "/convert"))
        .map(str::to_string)
        .collect()
}

async fn convert_and_reply(
    bot: &Bot,
    http: &Arc<Http>,
    message: &Message,
    words: &[String],
    sources: &[Source],
) {
    let _typing = message.channel_id.start_typing(http);
    let (post, files) = match convert_all(bot, words, sources, message.author.id).await {
        Ok(batch) => {
            let (files, text) = batch.message(DEFAULT_UPLOAD_LIMIT, Lang::En);
            let post = CreateMessage::new()
                .content(text)
                .components(batch.buttons(bot, Lang::En));
            (post, files)
        }
        Err(error) => (
            CreateMessage::new().content(error.in_language(Lang::En)),
            Vec::new(),
        ),
    };
    reply(bot, message, post, &files).await;
}

async fn reply(bot: &Bot, message: &Message, post: CreateMessage, files: &[CreateAttachment]) {
    let post = post.reference_message(message);
    if let Err(error) = bot.rest.post(message.channel_id, &post, files).await {
        tracing::warn!("discord reply not delivered: {error}");
    }
}

#[cfg(test)]
mod tests {
    use super::option_words;

    #[test]
    fn option_words_leave_out_mentions_and_a_leading_convert() {
        assert_eq!(option_words("<@123> webp 80"), ["webp", "80"]);
        assert_eq!(
            option_words("<@!123> convert png resize=50%"),
            ["png", "resize=50%"]
        );
        assert!(option_words("<@123>").is_empty());
        assert_eq!(option_words("png convert"), ["png", "convert"]);
    }
}
