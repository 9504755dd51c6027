//! The application commands pixdrop registers: slash commands taking an
//! attachment, and the "Convert image" message context menu. Registered
//! globally at start, and in `DISCORD_GUILD_ID` too when set. Every name
//! and description carries its translations (`locales/<lang>/discord.ftl`)
//! for Discord's locales; handlers still see the English names.

use pixdrop::Lang;
use serenity::all::{
    ApplicationId, CommandOptionType, CommandType, CreateCommand, CreateCommandOption, GuildId,
};

use super::rest::{self, Rest};
use crate::texts::say;

/// Target formats offered as choices (Discord allows 25).
pub const FORMATS: [&str; 10] = [
    "webp", "jpeg", "png", "avif", "gif", "pdf", "tiff", "bmp", "ico", "qoi",
];

/// The slash commands, by their English names.
pub const NAMES: [&str; 11] = [
    "convert", "compress", "resize", "info", "formats", "help", "privacy", "history", "export",
    "forget", "auto",
];

/// Discord's locale for each of our languages other than English (Spanish
/// has two: Spain's and Latin America's).
pub const LOCALES: [(&str, Lang); 4] = [
    ("de", Lang::De),
    ("es-ES", Lang::Es),
    ("es-419", Lang::Es),
    ("ru", Lang::Ru),
];

/// A command as a user of `lang` sees it (`/umwandeln`); names that are no
/// command here (`pdf`) stay as they are.
pub fn slash_name(lang: Lang, name: &str) -> String {
    match NAMES.contains(&name) {
        true => format!("/{}", say(lang, &format!("cmd-{name}"), &[])),
        false => crate::texts::slash(name),
    }
}

fn english(id: &str) -> String {
    say(Lang::En, id, &[])
}

fn command(name: &str) -> CreateCommand {
    let (name_id, about) = (format!("cmd-{name}"), format!("cmd-{name}-about"));
    LOCALES.iter().fold(
        CreateCommand::new(name).description(english(&about)),
        |command, (locale, lang)| {
            command
                .name_localized(*locale, say(*lang, &name_id, &[]))
                .description_localized(*locale, say(*lang, &about, &[]))
        },
    )
}

/// Option `name` of kind `kind`, described by message `about`.
fn option(kind: CommandOptionType, name: &str, about: &str) -> CreateCommandOption {
    let name_id = format!("opt-{name}");
    LOCALES.iter().fold(
        CreateCommandOption::new(kind, name, english(about)),
        |option, (locale, lang)| {
            option
                .name_localized(*locale, say(*lang, &name_id, &[]))
                .description_localized(*locale, say(*lang, about, &[]))
        },
    )
}

fn image(command: &str) -> CreateCommandOption {
    let about = format!("opt-image-{command}-about");
    option(CommandOptionType::Attachment, "image", &about).required(true)
}

fn format_choice(required: bool) -> CreateCommandOption {
    FORMATS.iter().fold(
        option(CommandOptionType::String, "format", "opt-format-about").required(required),
        |option, name| option.add_string_choice(name.to_uppercase(), *name),
    )
}

fn text(name: &str) -> CreateCommandOption {
    option(
        CommandOptionType::String,
        name,
        &format!("opt-{name}-about"),
    )
}

/// A choice whose shown name is translated; `value` is what handlers see.
fn choice(option: CreateCommandOption, value: &str) -> CreateCommandOption {
    let id = format!("choice-{value}");
    let names = LOCALES.map(|(locale, lang)| (locale, say(lang, &id, &[])));
    option.add_string_choice_localized(english(&id), value, names)
}

pub fn all() -> Vec<CreateCommand> {
    vec![
        command("convert")
            .add_option(image("convert"))
            .add_option(format_choice(false))
            .add_option(text("preset"))
            .add_option(
                option(CommandOptionType::Integer, "quality", "opt-quality-about")
                    .min_int_value(1)
                    .max_int_value(100),
            )
            .add_option(text("size"))
            .add_option(text("options")),
        command("compress")
            .add_option(image("compress"))
            .add_option(text("target")),
        command("resize")
            .add_option(image("resize"))
            .add_option(text("size").required(true)),
        command("info").add_option(image("info")),
        command("formats"),
        command("help"),
        command("privacy"),
        command("history").add_option(choice(choice(text("recording"), "off"), "on")),
        command("export"),
        command("forget"),
        command("auto")
            .add_option(format_choice(false))
            .add_option(text("off")),
        LOCALES.iter().fold(
            CreateCommand::new(english("cmd-convert-image")).kind(CommandType::Message),
            |menu, (locale, lang)| {
                menu.name_localized(*locale, say(*lang, "cmd-convert-image", &[]))
            },
        ),
    ]
}

pub async fn register(
    rest: &Rest,
    application: ApplicationId,
    guild: Option<GuildId>,
) -> Result<(), rest::Error> {
    rest.set_commands(application, None, &all()).await?;
    if let Some(guild) = guild {
        rest.set_commands(application, Some(guild), &all()).await?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn english_names_are_the_ones_handlers_match() {
        for name in NAMES {
            assert_eq!(english(&format!("cmd-{name}")), name);
        }
        assert_eq!(slash_name(Lang::De, "convert"), "/umwandeln");
        assert_eq!(slash_name(Lang::De, "pdf"), "/pdf");
    }

    /// Discord refuses a whole registration over one bad name.
    #[test]
    fn every_localized_name_is_a_valid_discord_name() {
        let valid = |name: &str| {
            (1..=32).contains(&name.chars().count())
                && name
                    .chars()
                    .all(|c| (c.is_alphanumeric() && !c.is_uppercase()) || c == '-' || c == '_')
        };
        let payload = serde_json::to_value(all()).unwrap();
        let mut seen = 0;
        for command in payload.as_array().unwrap() {
            let slash = command.get("type").is_none();
            let options = command["options"].as_array().cloned().unwrap_or_default();
            let named = std::iter::once(command).chain(options.iter());
            for item in named {
                let names = item["name_localizations"].as_object().unwrap();
                assert_eq!(names.len(), LOCALES.len(), "{item}");
                for name in names.values() {
                    let name = name.as_str().unwrap();
                    assert!(!slash || valid(name), "{name:?}");
                    seen += 1;
                }
                if let Some(about) = item["description_localizations"].as_object() {
                    for about in about.values() {
                        let length = about.as_str().unwrap().chars().count();
                        assert!((1..=100).contains(&length), "{about}");
                    }
                }
            }
        }
        assert!(seen > 80, "{seen}");
    }
}
