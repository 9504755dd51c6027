//! JSON objects shaped as Discord's API v10 sends them (users, members,
//! messages, attachments, interactions, READY), with every field serenity
//! 0.12.5 requires, plus the option values tests put into slash commands.

use std::time::{SystemTime, UNIX_EPOCH};

use serde_json::{Map, Value, json};

use super::{APPLICATION_ID, BOT_NAME, GUILD_ID, USER_ID, USER_NAME};

/// Discord's epoch (2015-01-01) in Unix milliseconds.
const DISCORD_EPOCH_MS: u64 = 1_420_070_400_000;

/// Permission bits, as Discord numbers them.
pub mod perms {
    pub const ADD_REACTIONS: u64 = 1 << 6;
    pub const ADMINISTRATOR: u64 = 1 << 3;
    pub const VIEW_CHANNEL: u64 = 1 << 10;
    pub const SEND_MESSAGES: u64 = 1 << 11;
    pub const EMBED_LINKS: u64 = 1 << 14;
    pub const ATTACH_FILES: u64 = 1 << 15;
    pub const READ_MESSAGE_HISTORY: u64 = 1 << 16;
    pub const USE_EXTERNAL_EMOJIS: u64 = 1 << 18;
    pub const CHANGE_NICKNAME: u64 = 1 << 26;
    pub const USE_APPLICATION_COMMANDS: u64 = 1 << 31;
    pub const SEND_MESSAGES_IN_THREADS: u64 = 1 << 38;
    pub const USE_EXTERNAL_APPS: u64 = 1 << 50;

    /// What @everyone gets in a fresh server.
    pub const MEMBER: u64 = ADD_REACTIONS
        | VIEW_CHANNEL
        | SEND_MESSAGES
        | EMBED_LINKS
        | ATTACH_FILES
        | READ_MESSAGE_HISTORY
        | USE_EXTERNAL_EMOJIS
        | CHANGE_NICKNAME
        | USE_APPLICATION_COMMANDS
        | SEND_MESSAGES_IN_THREADS
        | USE_EXTERNAL_APPS;

    /// What Discord reports for an administrator: every bit.
    pub const ALL: u64 = (1 << 51) - 1;

    /// The bot's own permissions in the test channel (`app_permissions`).
    pub const BOT: u64 = MEMBER;
}

/// `ApplicationFlags` of a verified-intent-less bot: message content
/// limited, application command badge.
pub const APPLICATION_FLAGS: u64 = (1 << 19) | (1 << 23);

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

/// An ISO 8601 timestamp as Discord writes them
/// (`2024-05-01T12:34:56.789000+00:00`).
pub fn timestamp() -> String {
    let ms = now_ms();
    let secs = ms / 1000;
    let (days, rest) = (secs / 86_400, secs % 86_400);
    let (year, month, day) = civil_from_days(days as i64);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}.{:03}000+00:00",
        rest / 3600,
        (rest / 60) % 60,
        rest % 60,
        ms % 1000
    )
}

fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

pub fn user(id: u64, username: &str, global_name: Option<&str>, bot: bool) -> Value {
    let mut user = json!({
        "id": id.to_string(),
        "username": username,
        "global_name": global_name,
        "discriminator": "0",
        "avatar": null,
        "avatar_decoration_data": null,
        "banner": null,
        "accent_color": null,
        "public_flags": 0,
        "flags": 0,
        "clan": null,
        "primary_guild": null,
        "collectibles": null,
    });
    if bot {
        user["bot"] = json!(true);
    }
    user
}

/// The test's human user.
pub fn tester() -> Value {
    user(USER_ID, USER_NAME, Some("Tester"), false)
}

/// The bot user, as `/users/@me` and READY describe it.
pub fn bot_user() -> Value {
    let mut bot = user(APPLICATION_ID, BOT_NAME, None, true);
    bot["verified"] = json!(true);
    bot["mfa_enabled"] = json!(false);
    bot["email"] = Value::Null;
    bot["locale"] = json!("en-US");
    bot["premium_type"] = json!(0);
    bot
}

/// A guild member; `user` is left out where Discord leaves it out (in
/// MESSAGE_CREATE), `permissions` is present only in interactions.
pub fn member(user: Option<Value>, permissions: Option<u64>) -> Value {
    let mut member = json!({
        "avatar": null,
        "banner": null,
        "communication_disabled_until": null,
        "deaf": false,
        "flags": 0,
        "joined_at": "2024-01-15T09:30:00.000000+00:00",
        "mute": false,
        "nick": null,
        "pending": false,
        "premium_since": null,
        "roles": [],
        "unusual_dm_activity_until": null,
    });
    if let Some(user) = user {
        member["user"] = user;
    }
    if let Some(permissions) = permissions {
        member["permissions"] = json!(permissions.to_string());
    }
    member
}

/// A message as REST returns it (no `guild_id`, no `member`).
pub fn message(
    id: u64,
    channel_id: u64,
    author: Value,
    content: &str,
    attachments: Vec<Value>,
) -> Value {
    json!({
        "type": 0,
        "content": content,
        "mentions": [],
        "mention_roles": [],
        "attachments": attachments,
        "embeds": [],
        "timestamp": timestamp(),
        "edited_timestamp": null,
        "flags": 0,
        "components": [],
        "id": id.to_string(),
        "channel_id": channel_id.to_string(),
        "author": author,
        "pinned": false,
        "mention_everyone": false,
        "tts": false,
    })
}

/// A text channel, as `channel` in an interaction.
pub fn channel(id: u64, permissions: u64) -> Value {
    json!({
        "id": id.to_string(),
        "type": 0,
        "guild_id": GUILD_ID.to_string(),
        "name": format!("images-{}", id % 1000),
        "position": 3,
        "flags": 0,
        "parent_id": null,
        "topic": null,
        "nsfw": false,
        "last_message_id": null,
        "rate_limit_per_user": 0,
        "permissions": permissions.to_string(),
    })
}

/// An interaction in a guild text channel, invoked by the tester with
/// ordinary member permissions.
pub fn interaction(
    id: u64,
    token: &str,
    kind: u8,
    channel_id: u64,
    data: Value,
    attachment_size_limit: u32,
) -> Value {
    json!({
        "id": id.to_string(),
        "application_id": APPLICATION_ID.to_string(),
        "type": kind,
        "data": data,
        "guild": {"id": GUILD_ID.to_string(), "locale": "en-US", "features": []},
        "guild_id": GUILD_ID.to_string(),
        "guild_locale": "en-US",
        "channel": channel(channel_id, perms::MEMBER),
        "channel_id": channel_id.to_string(),
        "member": member(Some(tester()), Some(perms::MEMBER)),
        "token": token,
        "version": 1,
        "app_permissions": perms::BOT.to_string(),
        "locale": "en-US",
        "entitlements": [],
        "entitlement_sku_ids": [],
        "authorizing_integration_owners": {"0": GUILD_ID.to_string()},
        "context": 0,
        "attachment_size_limit": attachment_size_limit,
    })
}

/// `interaction_metadata` of a message created by an interaction response.
pub fn interaction_metadata(interaction: &Value, original_response: Option<u64>) -> Value {
    let kind = interaction["type"].as_u64().unwrap_or(2);
    let user = interaction["member"]["user"].clone();
    let mut meta = json!({
        "id": interaction["id"],
        "type": kind,
        "user": user,
        "authorizing_integration_owners": interaction["authorizing_integration_owners"],
    });
    if kind == 2 {
        meta["name"] = interaction["data"]["name"].clone();
        meta["command_type"] = interaction["data"]["type"].clone();
        if interaction["data"]["type"] == json!(3) {
            meta["target_message_id"] = interaction["data"]["target_id"].clone();
        }
    } else if kind == 3 {
        meta["interacted_message_id"] = interaction["message"]["id"].clone();
    }
    if let Some(id) = original_response {
        meta["original_response_message_id"] = json!(id.to_string());
    }
    meta
}

/// The deprecated `interaction` field Discord still sends next to
/// `interaction_metadata`.
pub fn message_interaction(interaction: &Value) -> Value {
    json!({
        "id": interaction["id"],
        "type": interaction["type"],
        "name": interaction["data"]["name"].as_str().or(interaction["data"]["custom_id"].as_str()).unwrap_or(""),
        "user": interaction["member"]["user"],
    })
}

pub fn application_info() -> Value {
    json!({
        "id": APPLICATION_ID.to_string(),
        "name": BOT_NAME,
        "icon": null,
        "description": "Converts images, keeps nothing.",
        "summary": "",
        "type": null,
        "hook": true,
        "bot_public": true,
        "bot_require_code_grant": false,
        "verify_key": "4f1c7c6f0a3b2e8d9c5b7a6e1d2f3a4b5c6d7e8f9a0b1c2d3e4f5a6b7c8d9e0f",
        "flags": APPLICATION_FLAGS,
        "owner": user(USER_ID, USER_NAME, Some("Tester"), false),
        "team": null,
        "bot": bot_user(),
        "redirect_uris": [],
        "interactions_endpoint_url": null,
        "role_connections_verification_url": null,
        "tags": ["images"],
        "install_params": {"scopes": ["bot", "applications.commands"], "permissions": perms::BOT.to_string()},
        "integration_types_config": {"0": {"oauth2_install_params": {"scopes": ["bot", "applications.commands"], "permissions": perms::BOT.to_string()}}, "1": {}},
        "approximate_guild_count": 1,
        "approximate_user_install_count": 0,
    })
}

pub fn ready(session_id: &str, resume_url: &str, shard: Value) -> Value {
    json!({
        "v": 10,
        "user_settings": {},
        "user": bot_user(),
        "session_type": "normal",
        "session_id": session_id,
        "resume_gateway_url": resume_url,
        "relationships": [],
        "private_channels": [],
        "presences": [],
        "guilds": [{"id": GUILD_ID.to_string(), "unavailable": true}],
        "guild_join_requests": [],
        "geo_ordered_rtc_regions": ["rotterdam", "frankfurt"],
        "auth": {},
        "application": {"id": APPLICATION_ID.to_string(), "flags": APPLICATION_FLAGS},
        "shard": shard,
        "_trace": ["[\"gateway-prd-fake\",{\"micros\":1000}]"],
    })
}

/// A `string` (type 3) slash command option.
pub fn string_option(name: &str, value: &str) -> Value {
    json!({"name": name, "type": 3, "value": value})
}

/// An `integer` (type 4) slash command option.
pub fn integer_option(name: &str, value: i64) -> Value {
    json!({"name": name, "type": 4, "value": value})
}

/// A `boolean` (type 5) slash command option.
pub fn boolean_option(name: &str, value: bool) -> Value {
    json!({"name": name, "type": 5, "value": value})
}

/// An `attachment` (type 11) option naming `attachment` (an object from
/// `FakeDiscord::add_attachment`) by its id.
pub fn attachment_option(name: &str, attachment: &Value) -> Value {
    json!({"name": name, "type": 11, "value": attachment["id"]})
}

/// `resolved.attachments`, keyed by id.
pub fn resolved_attachments(attachments: &[Value]) -> Map<String, Value> {
    attachments
        .iter()
        .filter_map(|a| Some((a["id"].as_str()?.to_string(), a.clone())))
        .collect()
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
pub fn content_type_for(file_name: &str) -> &'static str {
    let ext = file_name
        .rsplit('.')
        .next()
        .unwrap_or("")
        .to_ascii_lowercase();
    match ext.as_str() {
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "webp" => "image/webp",
        "gif" => "image/gif",
        "avif" => "image/avif",
        "bmp" => "image/bmp",
        "tif" | "tiff" => "image/tiff",
        "ico" => "image/x-icon",
        "pdf" => "application/pdf",
        "txt" => "text/plain; charset=utf-8",
        "json" => "application/json",
        _ => "application/octet-stream",
    }
}

/// Pixel size of an image Discord can preview.
pub fn dimensions(bytes: &[u8]) -> Option<(u32, u32)> {
    image::ImageReader::new(std::io::Cursor::new(bytes))
        .with_guessed_format()
        .ok()?
        .into_dimensions()
        .ok()
}

/// File names as the CDN stores them: spaces and odd characters become `_`.
pub fn sanitize_file_name(name: &str) -> String {
    let cleaned: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_') {
                c
            } else {
                '_'
            }
        })
        .collect();
    if cleaned.is_empty() {
        "unknown".to_string()
    } else {
        cleaned
    }
}
