//! The Discord objects the fake serves (users, messages, attachments,
//! interactions, READY, commands), each made by reading a minimal JSON into
//! serenity 0.12.5's own model type and writing that back out: the library
//! the bot runs on proves every shape, so no self-test has to. Plus the
//! option values tests put into slash commands.

use std::time::{SystemTime, UNIX_EPOCH};

use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::{Map, Value, json};
use serenity::all::{
    Command, CurrentUser, Interaction, Message, PartialChannel, Permissions, Ready, Timestamp, User,
};

use super::{APPLICATION_ID, BOT_NAME, GUILD_ID, USER_ID, USER_NAME};

/// Discord's epoch (2015-01-01) in Unix milliseconds.
const DISCORD_EPOCH_MS: u64 = 1_420_070_400_000;

/// Permission bits as Discord reports them.
pub mod perms {
    use serenity::all::Permissions;

    /// What @everyone gets in a fresh server; also the bot's own.
    pub fn member() -> Permissions {
        Permissions::ADD_REACTIONS
            | Permissions::VIEW_CHANNEL
            | Permissions::SEND_MESSAGES
            | Permissions::EMBED_LINKS
            | Permissions::ATTACH_FILES
            | Permissions::READ_MESSAGE_HISTORY
            | Permissions::USE_EXTERNAL_EMOJIS
            | Permissions::CHANGE_NICKNAME
            | Permissions::USE_APPLICATION_COMMANDS
            | Permissions::SEND_MESSAGES_IN_THREADS
    }

    /// What Discord reports for an administrator: every bit.
    pub const ALL: u64 = (1 << 51) - 1;
}

/// Reads `minimal` as serenity's `T` and writes it back: the object with
/// every field serenity knows, in the shape serenity reads.
pub fn model<T: DeserializeOwned + Serialize>(minimal: Value) -> Value {
    let parsed: T = serde_json::from_value(minimal.clone()).unwrap_or_else(|e| {
        panic!(
            "serenity refuses the fake's {}: {e}\n{minimal}",
            std::any::type_name::<T>()
        )
    });
    serde_json::to_value(parsed).expect("serenity models serialize")
}

pub fn now_ms() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_millis() as u64)
        .unwrap_or(0)
}

/// A snowflake for "now", kept strictly above `last`.
pub fn snowflake(last: u64) -> u64 {
    let fresh = (now_ms().saturating_sub(DISCORD_EPOCH_MS)) << 22;
    fresh.max(last + 1)
}

pub fn timestamp() -> Value {
    json!(Timestamp::now())
}

pub fn user(id: u64, username: &str, global_name: Option<&str>, bot: bool) -> Value {
    model::<User>(json!({
        "id": id.to_string(),
        "username": username,
        "global_name": global_name,
        "discriminator": "0",
        "bot": bot,
    }))
}

/// The test's human user.
pub fn tester() -> Value {
    user(USER_ID, USER_NAME, Some("Tester"), false)
}

/// The bot user, as `/users/@me` and READY describe it.
pub fn bot_user() -> Value {
    model::<CurrentUser>(user(APPLICATION_ID, BOT_NAME, None, true))
}

/// A guild member as Discord puts it in a MESSAGE_CREATE (no `user`) or,
/// with `user` and `permissions`, in an interaction.
pub fn member(user: Option<Value>, permissions: Option<Permissions>) -> Value {
    let mut member = json!({
        "roles": [],
        "deaf": false,
        "mute": false,
        "flags": 0,
        "joined_at": "2024-01-15T09:30:00.000000+00:00",
    });
    if let Some(user) = user {
        member["user"] = user;
    }
    if let Some(permissions) = permissions {
        member["permissions"] = json!(permissions);
    }
    member
}

/// A message as REST returns it (no `guild_id`, no `member`); `extra`
/// fields (type, flags, interaction metadata …) override the defaults.
pub fn message(
    id: u64,
    channel_id: u64,
    author: Value,
    content: &str,
    attachments: Vec<Value>,
) -> Value {
    message_with(id, channel_id, author, content, attachments, Map::new())
}

pub fn message_with(
    id: u64,
    channel_id: u64,
    author: Value,
    content: &str,
    attachments: Vec<Value>,
    extra: Map<String, Value>,
) -> Value {
    let mut message = json!({
        "id": id.to_string(),
        "channel_id": channel_id.to_string(),
        "author": author,
        "content": content,
        "timestamp": timestamp(),
        "tts": false,
        "mention_everyone": false,
        "mentions": [],
        "mention_roles": [],
        "attachments": attachments,
        "embeds": [],
        "pinned": false,
        "type": 0,
        "flags": 0,
    });
    message.as_object_mut().expect("object").extend(extra);
    model::<Message>(message)
}

/// An interaction in a guild text channel, invoked by the tester with
/// ordinary member permissions; a component's carries its `message`.
/// `kind` 1 (PING) needs no `data`.
pub fn interaction(
    id: u64,
    token: &str,
    kind: u8,
    channel_id: u64,
    data: Value,
    attachment_size_limit: u32,
    message: Option<&Value>,
) -> Value {
    let channel = model::<PartialChannel>(json!({
        "id": channel_id.to_string(),
        "type": 0,
        "name": format!("images-{}", channel_id % 1000),
        "permissions": perms::member(),
    }));
    let mut minimal = json!({
        "id": id.to_string(),
        "application_id": APPLICATION_ID.to_string(),
        "type": kind,
        "data": data,
        "guild_id": GUILD_ID.to_string(),
        "guild_locale": "en-US",
        "channel": channel,
        "channel_id": channel_id.to_string(),
        "member": member(Some(tester()), Some(perms::member())),
        "token": token,
        "version": 1,
        "app_permissions": perms::member(),
        "locale": "en-US",
        "entitlements": [],
        "authorizing_integration_owners": {"0": GUILD_ID.to_string()},
        "context": 0,
        "attachment_size_limit": attachment_size_limit,
    });
    if let Some(message) = message {
        minimal["message"] = message.clone();
    }
    if kind == 1 {
        minimal = json!({
            "id": id.to_string(),
            "application_id": APPLICATION_ID.to_string(),
            "type": 1,
            "token": token,
            "version": 1,
        });
    }
    let mut value = model::<Interaction>(minimal);
    // serenity writes an interaction without its `type` tag.
    value["type"] = json!(kind);
    value
}

/// `interaction_metadata` of a message created by an answer to
/// `interaction`.
pub fn interaction_metadata(interaction: &Value, original_response: Option<u64>) -> Value {
    let kind = interaction["type"].as_u64().unwrap_or(2);
    let mut meta = json!({
        "id": interaction["id"],
        "type": kind,
        "user": interaction["member"]["user"],
        "authorizing_integration_owners": interaction["authorizing_integration_owners"],
    });
    if kind == 2 && interaction["data"]["type"] == json!(3) {
        meta["target_message_id"] = interaction["data"]["target_id"].clone();
    } else if kind == 3 {
        meta["interacted_message_id"] = interaction["message"]["id"].clone();
    }
    if let Some(id) = original_response {
        meta["original_response_message_id"] = json!(id.to_string());
    }
    meta
}

/// A command as Discord answers a registration: what the bot sent, with
/// ids and version, as serenity's `Command`.
pub fn command(sent: &Value, id: u64, version: u64, guild: Option<u64>) -> Value {
    let mut command = sent.clone();
    command["id"] = json!(id.to_string());
    command["application_id"] = json!(APPLICATION_ID.to_string());
    command["version"] = json!(version.to_string());
    command["type"] = json!(sent["type"].as_u64().unwrap_or(1));
    command["description"] = json!(sent["description"].as_str().unwrap_or(""));
    if let Some(guild) = guild {
        command["guild_id"] = json!(guild.to_string());
    }
    model::<Command>(command)
}

pub fn ready(session_id: &str, resume_url: &str, shard: [u64; 2]) -> Value {
    model::<Ready>(json!({
        "v": 10,
        "user": bot_user(),
        "guilds": [{"id": GUILD_ID.to_string(), "unavailable": true}],
        "session_id": session_id,
        "resume_gateway_url": resume_url,
        "shard": shard,
        "application": {"id": APPLICATION_ID.to_string(), "flags": 0},
    }))
}

/// A `string` (type 3) slash command option.
pub fn string_option(name: &str, value: &str) -> Value {
    json!({"name": name, "type": 3, "value": value})
}

/// An `attachment` (type 11) option naming `attachment` (an object from
/// `FakeDiscord::add_attachment`) by its id.
pub fn attachment_option(name: &str, attachment: &Value) -> Value {
    json!({"name": name, "type": 11, "value": attachment["id"]})
}

/// The first component with this `custom_id` in a message's action rows.
pub fn find_component<'a>(message: &'a Value, custom_id: &str) -> Option<&'a Value> {
    fn walk<'a>(components: &'a Value, custom_id: &str) -> Option<&'a Value> {
        components.as_array()?.iter().find_map(|c| {
            if c["custom_id"].as_str() == Some(custom_id) {
                Some(c)
            } else {
                walk(&c["components"], custom_id)
            }
        })
    }
    walk(&message["components"], custom_id)
}

/// MIME type Discord records for a file name.
pub fn content_type_for(file_name: &str) -> String {
    mime_guess::from_path(file_name)
        .first_or_octet_stream()
        .essence_str()
        .to_string()
}

/// File names as the CDN stores them: spaces and odd characters become `_`.
pub fn sanitize_file_name(name: &str) -> String {
    let cleaned: String = name
        .chars()
        .map(
            |c| match c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_') {
                true => c,
                false => '_',
            },
        )
        .collect();
    match cleaned.is_empty() {
        true => "unknown".to_string(),
        false => cleaned,
    }
}
