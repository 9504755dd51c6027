//! The application commands pixdrop registers: slash commands taking an
//! attachment, and the "Convert image" message context menu. Registered
//! globally at start, and in `DISCORD_GUILD_ID` too when set.

use serenity::all::{
    ApplicationId, CommandOptionType, CommandType, CreateCommand, CreateCommandOption, GuildId,
};

use super::rest::{self, Rest};

/// Target formats offered as choices (Discord allows 25).
pub const FORMATS: [&str; 10] = [
    "webp", "jpeg", "png", "avif", "gif", "pdf", "tiff", "bmp", "ico", "qoi",
];

fn image(description: &str) -> CreateCommandOption {
    CreateCommandOption::new(CommandOptionType::Attachment, "image", description).required(true)
}

fn format_choice(required: bool) -> CreateCommandOption {
    FORMATS.iter().fold(
        CreateCommandOption::new(CommandOptionType::String, "format", "Format to convert to")
            .required(required),
        |option, name| option.add_string_choice(name.to_uppercase(), *name),
    )
}

fn text(name: &str, description: &str) -> CreateCommandOption {
    CreateCommandOption::new(CommandOptionType::String, name, description)
}

pub fn all() -> Vec<CreateCommand> {
    vec![
        CreateCommand::new("convert")
            .description("Convert an image to another format")
            .add_option(image("The image to convert"))
            .add_option(format_choice(false))
            .add_option(text(
                "preset",
                "A preset: sticker, emoji, avatar, thumbnail, web, email (more in /formats)",
            ))
            .add_option(
                CreateCommandOption::new(CommandOptionType::Integer, "quality", "Quality 1-100")
                    .min_int_value(1)
                    .max_int_value(100),
            )
            .add_option(text(
                "size",
                "Long side like 1600, a box like 1600x1200, or 50%",
            ))
            .add_option(text(
                "options",
                "More option words: rotate=90 flip=h max=500KB lossless …",
            )),
        CreateCommand::new("compress")
            .description("Make an image smaller")
            .add_option(image("The image to compress"))
            .add_option(text("target", "Largest size, like 500KB or 2MB")),
        CreateCommand::new("resize")
            .description("Resize an image")
            .add_option(image("The image to resize"))
            .add_option(
                text("size", "Long side like 1600, a box like 1600x1200, or 50%").required(true),
            ),
        CreateCommand::new("info")
            .description("What is this image?")
            .add_option(image("The image to describe")),
        CreateCommand::new("formats").description("What I read and write, and the presets"),
        CreateCommand::new("help").description("How to use me"),
        CreateCommand::new("privacy").description("What happens to your images"),
        CreateCommand::new("history")
            .description("Your last conversions")
            .add_option(
                text("recording", "Stop or resume recording")
                    .add_string_choice("off", "off")
                    .add_string_choice("on", "on"),
            ),
        CreateCommand::new("export").description("Your conversion history as a JSON file"),
        CreateCommand::new("forget").description("Erase your conversion history"),
        CreateCommand::new("auto")
            .description("Admins: convert every image posted in this channel")
            .add_option(format_choice(false))
            .add_option(text("off", "Type off to stop")),
        CreateCommand::new("Convert image").kind(CommandType::Message),
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
