//! The REST routes the bot and serenity use under `/api/v10` (gateway
//! discovery, command registration, interaction answers, channel posts and
//! message fetches), the bot token they require, injected failures, and
//! the attachment CDN, which serves a file only with its signature and can
//! stall one on demand. Replies to unknown messages are refused as Discord
//! refuses them.

use axum::http::{HeaderMap, Method, header};
use serde_json::{Map, Value, json};

use super::answers::{self, Files, check_message, create_message};
use super::body::Decoded;
use super::reply::Reply;
use super::{
    APPLICATION_ID, FailWith, GUILD_ID, State, TOKEN, UPLOAD_LIMIT, parse_id, payloads, schema,
};

const SUPPRESS_EMBEDS: u64 = 1 << 2;

pub fn is_cdn(path: &str) -> bool {
    path.starts_with("/attachments/") || path.starts_with("/media/attachments/")
}

/// Answers one request (anything but the gateway websocket).
pub fn answer(
    state: &mut State,
    method: &Method,
    path: &str,
    query: &str,
    headers: &HeaderMap,
    body: &Decoded,
) -> Reply {
    let injected = state.failures.iter().position(|(m, fragment, _)| {
        m.as_str() == method.as_str() && path.contains(fragment.as_str())
    });
    if let Some(index) = injected {
        return match state.failures.remove(index).expect("queued failure").2 {
            FailWith::RateLimited { retry_after_secs } => Reply::rate_limited(retry_after_secs),
        };
    }
    if is_cdn(path) {
        return cdn(state, method, path, query);
    }
    let Some(route) = path.strip_prefix("/api/v10/") else {
        return Reply::error(404, 0, "404: Not Found");
    };
    let segments: Vec<&str> = route.trim_end_matches('/').split('/').collect();
    let token_route = matches!(segments.first(), Some(&"interactions" | &"webhooks"));
    let authorized = headers
        .get(header::AUTHORIZATION)
        .and_then(|value| value.to_str().ok())
        == Some(format!("Bot {TOKEN}").as_str());
    if !token_route && !authorized {
        return Reply::error(401, 0, "401: Unauthorized");
    }
    let (json, files) = (&body.json, body.files.as_slice());
    match (method.as_str(), segments.as_slice()) {
        ("GET", ["gateway"]) => Reply::json(200, json!({"url": state.ws_url()})),
        ("GET", ["gateway", "bot"]) => Reply::json(
            200,
            json!({
                "url": state.ws_url(),
                "shards": state.gateway.total_shards.unwrap_or(1),
                "session_start_limit": {
                    "total": 1000, "remaining": 999,
                    "reset_after": 86_400_000, "max_concurrency": 1,
                },
            }),
        ),
        ("GET", ["users", "@me"]) => Reply::json(200, payloads::bot_user()),
        ("GET", ["applications", "@me"]) => Reply::json(
            200,
            json!({
                "id": APPLICATION_ID.to_string(),
                "name": super::BOT_NAME,
                "bot": payloads::bot_user(),
            }),
        ),
        ("PUT", ["applications", app, "commands"]) => register(state, app, None, json),
        ("PUT", ["applications", app, "guilds", guild, "commands"]) => {
            register(state, app, Some(guild), json)
        }
        ("POST", ["interactions", id, token, "callback"]) => {
            answers::callback(state, id, token, json, files)
        }
        (_, ["webhooks", app, token, "messages", "@original"]) => {
            answers::original(state, method, app, token, json, files)
        }
        ("POST", ["webhooks", app, token]) => answers::follow_up(state, app, token, json, files),
        ("GET", ["channels", channel, "messages", id]) => {
            match state.messages.get(&id.parse().unwrap_or(0)) {
                Some(message) if message["channel_id"].as_str() == Some(*channel) => {
                    Reply::json(200, rest_shape(message))
                }
                _ => Reply::unknown_message(),
            }
        }
        ("POST", ["channels", channel, "messages"]) => channel_message(state, channel, json, files),
        ("POST", ["channels", _, "typing"]) => Reply::no_content(),
        _ => Reply::error(404, 0, "404: Not Found"),
    }
}

pub fn own_app(app: &str) -> bool {
    app.parse::<u64>().ok() == Some(APPLICATION_ID)
}

/// A message as REST returns it: no `guild_id`, no `member`.
pub fn rest_shape(message: &Value) -> Value {
    let mut message = message.clone();
    if let Some(object) = message.as_object_mut() {
        object.remove("guild_id");
        object.remove("member");
    }
    message
}

fn cdn(state: &State, method: &Method, path: &str, query: &str) -> Reply {
    let key = path.strip_prefix("/media").unwrap_or(path);
    fn signed(q: &str) -> Vec<&str> {
        let mut pairs: Vec<&str> = q
            .split('&')
            .filter(|p| p.starts_with("ex=") || p.starts_with("is=") || p.starts_with("hm="))
            .collect();
        pairs.sort();
        pairs
    }
    let file = state
        .cdn
        .get(key)
        .filter(|f| signed(&f.query) == signed(query));
    let (true, Some(file)) = (method == Method::GET, file) else {
        return Reply::error(404, 0, "404: Not Found");
    };
    let stall = state.stalls.get(key).copied();
    Reply::bytes(file.bytes.clone(), file.content_type.clone(), stall)
}

/// Bulk overwrite of application commands, validated as Discord does and
/// answered with full Command objects.
fn register(state: &mut State, app: &str, guild: Option<&str>, body: &Value) -> Reply {
    if !own_app(app) {
        return Reply::error(403, 50001, "Missing Access");
    }
    let guild = match guild.map(str::parse::<u64>) {
        None => None,
        Some(Ok(guild)) => Some(guild),
        Some(Err(_)) => return Reply::error(404, 10004, "Unknown Guild"),
    };
    let Some(commands) = body.as_array() else {
        let problem = (
            "_root".into(),
            "BASE_TYPE_ARRAY_TYPE",
            "Must be an array.".into(),
        );
        return Reply::invalid_form(vec![problem]);
    };
    let problems = schema::commands(commands);
    if !problems.is_empty() {
        return Reply::invalid_form(problems);
    }
    let previous = state.commands_in(guild).clone();
    let mut answered = Vec::new();
    for command in commands {
        let same = |c: &&Value| {
            c["name"] == command["name"]
                && c["type"] == json!(command["type"].as_u64().unwrap_or(1))
        };
        let id = match previous.iter().find(same).and_then(|c| parse_id(&c["id"])) {
            Some(id) => id,
            None => state.next_id(),
        };
        let version = state.next_id();
        answered.push(payloads::command(command, id, version, guild));
    }
    *state.commands_in(guild) = answered.clone();
    Reply::json(200, Value::Array(answered))
}

fn channel_message(state: &mut State, channel: &str, body: &Value, files: &Files) -> Reply {
    let Ok(channel_id) = channel.parse::<u64>() else {
        return Reply::error(404, 10003, "Unknown Channel");
    };
    if let Err(reply) = check_message(body, files, u64::from(UPLOAD_LIMIT), true) {
        return reply;
    }
    let mut extra = Map::new();
    extra.insert(
        "flags".into(),
        json!(body["flags"].as_u64().unwrap_or(0) & SUPPRESS_EMBEDS),
    );
    if let Some(reference) = body.get("message_reference").filter(|r| !r.is_null()) {
        let in_channel = reference
            .get("channel_id")
            .and_then(parse_id)
            .unwrap_or(channel_id);
        let found = parse_id(&reference["message_id"])
            .and_then(|id| state.messages.get(&id))
            .filter(|m| parse_id(&m["channel_id"]) == Some(in_channel))
            .cloned();
        match found {
            Some(referenced) => {
                extra.insert("type".into(), json!(19));
                extra.insert(
                    "message_reference".into(),
                    json!({
                        "channel_id": referenced["channel_id"],
                        "message_id": referenced["id"],
                        "guild_id": GUILD_ID.to_string(),
                    }),
                );
                extra.insert("referenced_message".into(), rest_shape(&referenced));
            }
            None if reference["fail_if_not_exists"].as_bool().unwrap_or(true) => {
                let problem = (
                    "message_reference".into(),
                    "MESSAGE_REFERENCE_UNKNOWN_MESSAGE",
                    "Unknown message".into(),
                );
                return Reply::invalid_form(vec![problem]);
            }
            None => {}
        }
    }
    Reply::json(200, create_message(state, channel_id, body, files, extra))
}
