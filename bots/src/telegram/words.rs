//! Reading a Telegram command: `/convert@pixdrop_bot webp 80` in a caption
//! or a text. Pure, so it is tested without any Telegram at all.

/// A command addressed to this bot, with its argument words.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Command {
    pub name: String,
    pub words: Vec<String>,
}

/// The command at the start of `text`, if it is one and it is for
/// `bot_username` (a bare `/cmd` is for whoever reads it; `/cmd@other` is not).
pub fn command(text: &str, bot_username: &str) -> Option<Command> {
    let mut parts = text.split_whitespace();
    let head = parts.next()?.strip_prefix('/')?;
    let (name, target) = match head.split_once('@') {
        Some((name, target)) => (name, Some(target)),
        None => (head, None),
    };
    if target.is_some_and(|t| !t.eq_ignore_ascii_case(bot_username)) {
        return None;
    }
    let name = name.to_ascii_lowercase();
    if name.is_empty() || !name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_') {
        return None;
    }
    Some(Command {
        name,
        words: parts.map(str::to_string).collect(),
    })
}

/// The words around a mention of `@bot_username`, when the text has one:
/// in groups, mentioning the bot is as good as a command.
pub fn mention(text: &str, bot_username: &str) -> Option<Vec<String>> {
    let tag = format!("@{bot_username}");
    let mut mentioned = false;
    let words = text
        .split_whitespace()
        .filter(|word| {
            let is_tag = word.eq_ignore_ascii_case(&tag);
            mentioned |= is_tag;
            !is_tag
        })
        .map(str::to_string)
        .collect();
    mentioned.then_some(words)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_commands_for_this_bot_only() {
        let found = command("/convert@Pixdrop_Bot webp 80", "pixdrop_bot").unwrap();
        assert_eq!(found.name, "convert");
        assert_eq!(found.words, ["webp", "80"]);
        assert_eq!(command("/PDF", "pixdrop_bot").unwrap().name, "pdf");
        assert!(command("/convert@other_bot webp", "pixdrop_bot").is_none());
        assert!(command("convert webp", "pixdrop_bot").is_none());
        assert!(command("/", "pixdrop_bot").is_none());
        assert!(command("/über", "pixdrop_bot").is_none());
    }

    #[test]
    fn a_mention_carries_the_words_around_it() {
        assert_eq!(
            mention("@Pixdrop_Bot webp 80", "pixdrop_bot"),
            Some(vec!["webp".into(), "80".into()])
        );
        assert_eq!(
            mention("hey @pixdrop_bot", "pixdrop_bot"),
            Some(vec!["hey".into()])
        );
        assert_eq!(mention("@other webp", "pixdrop_bot"), None);
    }
}
