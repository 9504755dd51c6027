//! What each interaction does: slash commands, the context menu and its
//! select, history buttons, and channel drops. The flow is always: defer,
//! download (size-checked, Discord hosts only), `Core::run`, then edit the
//! deferred answer with files or links; a failure replaces it with an
//! ephemeral sentence.

use pixdrop::history::UserHash;
use pixdrop::{Job, Options, Platform, Reply, UserError};
use serenity::all::{
    Attachment, ChannelId, CommandInteraction, CommandType, ComponentInteraction,
    ComponentInteractionDataKind, Context as Serenity, CreateActionRow, CreateButton,
    CreateInteractionResponse, CreateInteractionResponseFollowup, CreateInteractionResponseMessage,
    CreateMessage, CreateSelectMenu, CreateSelectMenuKind, CreateSelectMenuOption,
    EditInteractionResponse, Interaction, Message, MessageId, Permissions, ResolvedValue,
};
use tokio::time::Instant;

use super::commands::FORMATS;
use super::reply::{files_or_links, retrying};
use super::{Bot, fetch};
use crate::texts;

pub async fn handle(bot: &Bot, ctx: &Serenity, interaction: Interaction) {
    match interaction {
        Interaction::Command(command) if command.data.kind == CommandType::Message => {
            offer_formats(ctx, &command).await;
        }
        Interaction::Command(command) => slash(bot, ctx, &command).await,
        Interaction::Component(component) => component_pressed(bot, ctx, &component).await,
        _ => {}
    }
}

fn user(bot: &Bot, id: serenity::all::UserId) -> UserHash {
    bot.core.user(Platform::Discord, &id.get().to_string())
}

/// The option words a slash command stands for, and its attachment.
fn request(command: &CommandInteraction) -> (Vec<String>, Option<&Attachment>) {
    let mut words = Vec::new();
    let mut image = None;
    for option in command.data.options() {
        match (option.name, option.value) {
            ("image", ResolvedValue::Attachment(attachment)) => image = Some(attachment),
            ("format", ResolvedValue::String(format)) => words.push(format!("to={format}")),
            ("quality", ResolvedValue::Integer(quality)) => {
                words.push(format!("quality={quality}"))
            }
            ("size", ResolvedValue::String(size)) => words.push(format!("resize={size}")),
            ("target", ResolvedValue::String(target)) => words.push(format!("max={target}")),
            ("options", ResolvedValue::String(more)) => {
                words.extend(more.split_whitespace().map(str::to_string))
            }
            _ => {}
        }
    }
    if command.data.name == "compress" && words.is_empty() {
        words = vec!["webp".into(), "75".into()];
    }
    (words, image)
}

async fn slash(bot: &Bot, ctx: &Serenity, command: &CommandInteraction) {
    match command.data.name.as_str() {
        "convert" | "compress" | "resize" => convert_command(bot, ctx, command).await,
        "info" => info(bot, ctx, command).await,
        "formats" => answer(ctx, command, &texts::formats(), false).await,
        "privacy" => answer(ctx, command, &texts::privacy(bot.core.retention), false).await,
        "history" => history(bot, ctx, command).await,
        "forget" => forget_prompt(ctx, command).await,
        "export" => export(bot, ctx, command).await,
        "auto" => auto(bot, ctx, command).await,
        _ => answer(ctx, command, "I don't know that command.", true).await,
    }
}

async fn convert_command(bot: &Bot, ctx: &Serenity, command: &CommandInteraction) {
    if let Err(error) = retrying(|| command.defer(&ctx.http)).await {
        return tracing::warn!("discord defer failed: {error}");
    }
    let (words, image) = request(command);
    let result = match image {
        Some(image) => convert(bot, &words, image, user(bot, command.user.id)).await,
        None => Err(UserError::bad_options("Attach an image to convert.")),
    };
    match result {
        Ok(reply) => {
            let (files, text) = files_or_links(
                std::slice::from_ref(&reply),
                command.attachment_size_limit.into(),
            );
            let edit = || {
                let edit = EditInteractionResponse::new().content(text.clone());
                let edit = files
                    .iter()
                    .cloned()
                    .fold(edit, EditInteractionResponse::new_attachment);
                command.edit_response(&ctx.http, edit)
            };
            if let Err(error) = retrying(edit).await {
                tracing::warn!("discord result not delivered: {error}");
            }
        }
        Err(error) => fail_deferred(ctx, command, &error).await,
    }
}

async fn convert(
    bot: &Bot,
    words: &[String],
    image: &Attachment,
    user: UserHash,
) -> Result<Reply, UserError> {
    let received = Instant::now();
    let options = Options::parse(words.iter().map(String::as_str))?;
    let input = fetch::attachment(bot, image).await?;
    bot.core
        .run(Job {
            input,
            more: Vec::new(),
            options,
            platform: Platform::Discord,
            received,
            user: Some(user),
        })
        .await
}

/// Replaces a deferred answer with an ephemeral sentence only the user sees.
async fn fail_deferred(ctx: &Serenity, command: &CommandInteraction, error: &UserError) {
    let _ = retrying(|| command.delete_response(&ctx.http)).await;
    let followup = || {
        command.create_followup(
            &ctx.http,
            CreateInteractionResponseFollowup::new()
                .content(error.to_string())
                .ephemeral(true),
        )
    };
    if let Err(failure) = retrying(followup).await {
        tracing::warn!("discord error message not delivered: {failure}");
    }
}

async fn answer(ctx: &Serenity, command: &CommandInteraction, text: &str, ephemeral: bool) {
    let respond = || {
        let message = CreateInteractionResponseMessage::new()
            .content(text)
            .ephemeral(ephemeral);
        command.create_response(&ctx.http, CreateInteractionResponse::Message(message))
    };
    if let Err(error) = retrying(respond).await {
        tracing::warn!("discord answer not delivered: {error}");
    }
}

async fn info(bot: &Bot, ctx: &Serenity, command: &CommandInteraction) {
    let (_, image) = request(command);
    let Some(image) = image else {
        return answer(ctx, command, "Attach an image to describe.", true).await;
    };
    if let Err(error) = retrying(|| command.defer_ephemeral(&ctx.http)).await {
        return tracing::warn!("discord defer failed: {error}");
    }
    let limits = bot.core.limits;
    let described = match fetch::attachment(bot, image).await {
        Ok(bytes) => {
            bot.core
                .pool
                .run(move || pixdrop::info(&bytes, &limits))
                .await
        }
        Err(error) => Err(error),
    };
    let text = match described {
        Ok(info) => format!(
            "{} · {}×{} · {} frame(s) · {}{}{}",
            info.format.name().to_uppercase(),
            info.width,
            info.height,
            info.frames,
            pixdrop::ByteSize(info.bytes),
            if info.exif_bytes.is_some() {
                " · EXIF"
            } else {
                ""
            },
            if info.icc_bytes.is_some() {
                " · colour profile"
            } else {
                ""
            },
        ),
        Err(error) => error.to_string(),
    };
    let _ = retrying(|| {
        command.edit_response(
            &ctx.http,
            EditInteractionResponse::new().content(text.clone()),
        )
    })
    .await;
}

/// The context menu: an ephemeral select of formats for the target message.
async fn offer_formats(ctx: &Serenity, command: &CommandInteraction) {
    let target = command.data.target_id.and_then(|id| {
        command
            .data
            .resolved
            .messages
            .get(&MessageId::new(id.get()))
    });
    let has_image = target.is_some_and(|m| m.attachments.iter().any(fetch::is_image));
    let Some(target) = target.filter(|_| has_image) else {
        return answer(ctx, command, "That message has no image attached.", true).await;
    };
    let options = FORMATS
        .iter()
        .map(|name| CreateSelectMenuOption::new(name.to_uppercase(), *name))
        .collect();
    let select = CreateSelectMenu::new(
        format!("convert:{}:{}", target.channel_id.get(), target.id.get()),
        CreateSelectMenuKind::String { options },
    )
    .placeholder("Convert to…");
    let respond = || {
        let message = CreateInteractionResponseMessage::new()
            .content("Convert the image(s) in that message to:")
            .components(vec![CreateActionRow::SelectMenu(select.clone())])
            .ephemeral(true);
        command.create_response(&ctx.http, CreateInteractionResponse::Message(message))
    };
    if let Err(error) = retrying(respond).await {
        tracing::warn!("discord select not delivered: {error}");
    }
}

async fn component_pressed(bot: &Bot, ctx: &Serenity, component: &ComponentInteraction) {
    let id = component.data.custom_id.as_str();
    if id == "forget:yes" || id == "forget:no" {
        return forget(bot, ctx, component, id == "forget:yes").await;
    }
    let mut parts = id.split(':');
    let (Some("convert"), Some(channel), Some(message)) =
        (parts.next(), parts.next(), parts.next())
    else {
        return;
    };
    let ComponentInteractionDataKind::StringSelect { values } = &component.data.kind else {
        return;
    };
    let (Ok(channel), Ok(message), Some(format)) = (
        channel.parse::<u64>(),
        message.parse::<u64>(),
        values.first(),
    ) else {
        return;
    };
    if let Err(error) = retrying(|| component.defer(&ctx.http)).await {
        return tracing::warn!("discord defer failed: {error}");
    }
    let target =
        retrying(|| ChannelId::new(channel).message(&ctx.http, MessageId::new(message))).await;
    let attachments: Vec<Attachment> = match target {
        Ok(target) => target
            .attachments
            .into_iter()
            .filter(fetch::is_image)
            .collect(),
        Err(error) => {
            tracing::warn!("discord target message not readable: {error}");
            Vec::new()
        }
    };
    let mut replies = Vec::new();
    let mut failure = None;
    for attachment in &attachments {
        match convert(
            bot,
            std::slice::from_ref(format),
            attachment,
            user(bot, component.user.id),
        )
        .await
        {
            Ok(reply) => replies.push(reply),
            Err(error) => failure = Some(error),
        }
    }
    let followup = if replies.is_empty() {
        let error = failure.unwrap_or_else(|| {
            UserError::bad_options("I couldn't read that message's images any more.")
        });
        CreateInteractionResponseFollowup::new()
            .content(error.to_string())
            .ephemeral(true)
    } else {
        let (files, text) = files_or_links(&replies, component.attachment_size_limit.into());
        CreateInteractionResponseFollowup::new()
            .content(text)
            .files(files)
    };
    if let Err(error) = retrying(|| component.create_followup(&ctx.http, followup.clone())).await {
        tracing::warn!("discord result not delivered: {error}");
    }
}

async fn history(bot: &Bot, ctx: &Serenity, command: &CommandInteraction) {
    let Some(history) = &bot.core.history else {
        return answer(ctx, command, "I keep no history on this server.", true).await;
    };
    let user = user(bot, command.user.id);
    let recording = command
        .data
        .options()
        .into_iter()
        .find_map(|o| match (o.name, o.value) {
            ("recording", ResolvedValue::String(value)) => Some(value),
            _ => None,
        });
    let text = match recording {
        Some("off") => history
            .pause(&user, true)
            .await
            .map(|()| "Done: I won't record your conversions.".to_string()),
        Some("on") => history
            .pause(&user, false)
            .await
            .map(|()| "Done: I'll record them again.".to_string()),
        _ => history
            .for_user(&user, Some(10))
            .await
            .map(|records| texts::history(&records)),
    }
    .unwrap_or_else(|error| {
        tracing::warn!("history query failed: {error}");
        "Your history can't be reached right now. Try again in a minute.".into()
    });
    answer(ctx, command, &text, true).await;
}

/// The user's whole history as a JSON file only they see.
async fn export(bot: &Bot, ctx: &Serenity, command: &CommandInteraction) {
    let Some(history) = &bot.core.history else {
        return answer(ctx, command, "I keep no history on this server.", true).await;
    };
    let records = match history.for_user(&user(bot, command.user.id), None).await {
        Ok(records) => records,
        Err(error) => {
            tracing::warn!("history export failed: {error}");
            return answer(
                ctx,
                command,
                "Your history can't be reached right now. Try again in a minute.",
                true,
            )
            .await;
        }
    };
    let file = serenity::all::CreateAttachment::bytes(
        crate::export::bytes(&records),
        crate::export::FILE_NAME,
    );
    let respond = || {
        let message = CreateInteractionResponseMessage::new()
            .content(format!(
                "Your conversion history: {} records.",
                records.len()
            ))
            .add_file(file.clone())
            .ephemeral(true);
        command.create_response(&ctx.http, CreateInteractionResponse::Message(message))
    };
    if let Err(error) = retrying(respond).await {
        tracing::warn!("discord export not delivered: {error}");
    }
}

async fn forget_prompt(ctx: &Serenity, command: &CommandInteraction) {
    let respond = || {
        let buttons = CreateActionRow::Buttons(vec![
            CreateButton::new("forget:yes").label("Yes, erase it"),
            CreateButton::new("forget:no").label("No, keep it"),
        ]);
        let message = CreateInteractionResponseMessage::new()
            .content("Erase your whole conversion history? This can't be undone.")
            .components(vec![buttons])
            .ephemeral(true);
        command.create_response(&ctx.http, CreateInteractionResponse::Message(message))
    };
    if let Err(error) = retrying(respond).await {
        tracing::warn!("discord forget prompt not delivered: {error}");
    }
}

async fn forget(bot: &Bot, ctx: &Serenity, component: &ComponentInteraction, erase: bool) {
    let text = match (&bot.core.history, erase) {
        (_, false) => "Kept. Nothing was erased.".to_string(),
        (None, true) => "I keep no history on this server.".to_string(),
        (Some(history), true) => match history.forget(&user(bot, component.user.id)).await {
            Ok(erased) => texts::erased(erased),
            Err(error) => {
                tracing::warn!("history erase failed: {error}");
                "I couldn't erase your history right now. Try again in a minute.".into()
            }
        },
    };
    let update = || {
        let message = CreateInteractionResponseMessage::new()
            .content(text.clone())
            .components(Vec::new());
        component.create_response(&ctx.http, CreateInteractionResponse::UpdateMessage(message))
    };
    let _ = retrying(update).await;
}

async fn auto(bot: &Bot, ctx: &Serenity, command: &CommandInteraction) {
    let allowed = command
        .member
        .as_ref()
        .and_then(|m| m.permissions)
        .is_some_and(|p| {
            p.contains(Permissions::ADMINISTRATOR) || p.contains(Permissions::MANAGE_CHANNELS)
        });
    if !allowed {
        return answer(
            ctx,
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
        return answer(ctx, command, "Auto-convert is off in this channel.", false).await;
    }
    if let Err(error) = Options::parse(words.iter().map(String::as_str)) {
        return answer(ctx, command, &error.to_string(), true).await;
    }
    bot.auto.insert(channel, words.clone());
    let text = format!(
        "Auto-convert is on: images posted here are answered as {}. (Needs the Message Content intent outside mentions.)",
        words.join(" ").trim_start_matches("to=").to_uppercase()
    );
    answer(ctx, command, &text, false).await;
}

/// An image posted in a channel with auto-convert on gets a reply.
pub async fn channel_drop(bot: &Bot, ctx: &Serenity, message: &Message) {
    if message.author.bot {
        return;
    }
    let Some(words) = bot.auto.get(&message.channel_id.get()).map(|w| w.clone()) else {
        return;
    };
    let user = user(bot, message.author.id);
    let mut replies = Vec::new();
    for attachment in message.attachments.iter().filter(|a| fetch::is_image(a)) {
        match convert(bot, &words, attachment, user.clone()).await {
            Ok(reply) => replies.push(reply),
            Err(error) => {
                let notice = CreateMessage::new()
                    .content(error.to_string())
                    .reference_message(message);
                let _ =
                    retrying(|| message.channel_id.send_message(&ctx.http, notice.clone())).await;
            }
        }
    }
    if replies.is_empty() {
        return;
    }
    let (files, text) = files_or_links(&replies, DEFAULT_UPLOAD_LIMIT);
    let post = CreateMessage::new()
        .content(text)
        .add_files(files)
        .reference_message(message);
    if let Err(error) = retrying(|| message.channel_id.send_message(&ctx.http, post.clone())).await
    {
        tracing::warn!("discord channel reply not delivered: {error}");
    }
}

/// Discord's upload limit for a bot outside interactions (no boosts).
const DEFAULT_UPLOAD_LIMIT: u64 = 10 * 1024 * 1024;
