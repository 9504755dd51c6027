//! Answers to interactions as Discord takes them: the initial response
//! (within 3 seconds, once, of a type the interaction allows), edits of
//! `@original` and follow-ups (while the token lives, 15 minutes), and the
//! message checks they share with channel posts (2,000 characters,
//! components, the per-file upload limit, something to show).

use axum::http::Method;
use serde_json::{Map, Value, json};

use super::reply::Reply;
use super::{
    ACK_WINDOW, APPLICATION_ID, Interaction, State, TOKEN_LIFETIME, parse_id, payloads, schema,
};

const EPHEMERAL: u64 = 1 << 6;
const SUPPRESS_EMBEDS: u64 = 1 << 2;
const LOADING: u64 = 1 << 7;

pub type Files = [(String, String, Vec<u8>)];

/// Checks a message body: content length, components, per-file size, and
/// (when `creating`) that there is something to show.
pub fn check_message(
    body: &Value,
    files: &Files,
    size_limit: u64,
    creating: bool,
) -> Result<(), Reply> {
    let content = body["content"].as_str().unwrap_or("");
    let mut problems = Vec::new();
    if content.chars().count() > 2000 {
        problems.push((
            "content".into(),
            "BASE_TYPE_MAX_LENGTH",
            "Must be 2000 or fewer in length.".into(),
        ));
    }
    if let Some(rows) = body["components"].as_array() {
        problems.extend(schema::components(rows));
    }
    if !problems.is_empty() {
        return Err(Reply::invalid_form(problems));
    }
    if files
        .iter()
        .any(|(_, _, bytes)| bytes.len() as u64 > size_limit)
    {
        return Err(Reply::error(413, 40005, "Request entity too large"));
    }
    let has = |key: &str| body[key].as_array().is_some_and(|a| !a.is_empty());
    if creating && content.is_empty() && files.is_empty() && !has("embeds") && !has("components") {
        return Err(Reply::error(400, 50006, "Cannot send an empty message"));
    }
    Ok(())
}

/// Attachment objects for the uploaded files, named as the payload's
/// `attachments` entries say (matched by `id` = file index).
fn upload(state: &mut State, channel_id: u64, body: &Value, files: &Files) -> Vec<Value> {
    let listed = body["attachments"].as_array().cloned().unwrap_or_default();
    files
        .iter()
        .enumerate()
        .map(|(position, (field, file_name, bytes))| {
            let index = field
                .strip_prefix("files[")
                .and_then(|f| f.strip_suffix(']')?.parse().ok())
                .unwrap_or(position as u64);
            let name = listed
                .iter()
                .find(|a| a["id"] == json!(index) || a["id"] == json!(index.to_string()))
                .and_then(|a| a["filename"].as_str())
                .filter(|n| !n.is_empty())
                .unwrap_or(file_name);
            state.attachment(channel_id, bytes, name, None)
        })
        .collect()
}

/// A new message by the bot in `channel_id` from a create body, with
/// `extra` fields (type, flags, interaction metadata, reference …).
pub fn create_message(
    state: &mut State,
    channel_id: u64,
    body: &Value,
    files: &Files,
    mut extra: Map<String, Value>,
) -> Value {
    let id = state.next_id();
    let attachments = upload(state, channel_id, body, files);
    for key in ["embeds", "components"] {
        if let Some(list) = body[key].as_array() {
            extra.insert(key.into(), json!(list));
        }
    }
    let content = body["content"].as_str().unwrap_or("");
    let author = payloads::bot_user();
    let message = payloads::message_with(id, channel_id, author, content, attachments, extra);
    state.messages.insert(id, message.clone());
    message
}

/// Applies an edit body to a stored message.
fn edit_message(state: &mut State, message: &mut Value, body: &Value, files: &Files) {
    let channel_id = parse_id(&message["channel_id"]).unwrap_or(0);
    if let Some(content) = body.get("content") {
        message["content"] = json!(content.as_str().unwrap_or(""));
    }
    for key in ["embeds", "components"] {
        if let Some(value) = body.get(key) {
            message[key] = if value.is_null() {
                json!([])
            } else {
                value.clone()
            };
        }
    }
    let uploaded = upload(state, channel_id, body, files);
    let kept = body["attachments"].as_array();
    let mut attachments: Vec<Value> = message["attachments"]
        .as_array()
        .cloned()
        .unwrap_or_default()
        .into_iter()
        .filter(|old| kept.is_none_or(|kept| kept.iter().any(|k| k["id"] == old["id"])))
        .collect();
    attachments.extend(uploaded);
    message["attachments"] = json!(attachments);
    message["flags"] = json!(message["flags"].as_u64().unwrap_or(0) & !LOADING);
    message["edited_timestamp"] = payloads::timestamp();
    *message = payloads::model::<serenity::all::Message>(message.clone());
    if let Some(id) = parse_id(&message["id"]) {
        state.messages.insert(id, message.clone());
    }
}

/// The fields that mark a message as made by an answer to `interaction`.
fn stamped(
    interaction: &Value,
    kind: u64,
    flags: u64,
    original: Option<u64>,
) -> Map<String, Value> {
    let app = APPLICATION_ID.to_string();
    let metadata = payloads::interaction_metadata(interaction, original);
    let stamp = json!({
        "type": kind, "flags": flags, "webhook_id": app, "application_id": app,
        "interaction_metadata": metadata,
    });
    stamp.as_object().cloned().expect("an object")
}

pub fn callback(state: &mut State, id: &str, token: &str, body: &Value, files: &Files) -> Reply {
    let Some(interaction) = state.interactions.get(token).cloned() else {
        return Reply::unknown_interaction();
    };
    let late = interaction
        .dispatched
        .unwrap_or(interaction.created)
        .elapsed()
        > ACK_WINDOW;
    if id.parse::<u64>().ok() != Some(interaction.id) || late {
        return Reply::unknown_interaction();
    }
    if interaction.acked.is_some() {
        return Reply::error(400, 40060, "Interaction has already been acknowledged.");
    }
    let source = interaction.kind();
    let kind = body["type"].as_u64().unwrap_or(0);
    let allowed = match kind {
        4 | 5 => matches!(source, 2 | 3 | 5),
        6 | 7 => source == 3 || source == 5,
        _ => false,
    };
    if !allowed {
        return Reply::error(
            400,
            40043,
            "Interaction response type invalid for this interaction",
        );
    }
    let data = match body.get("data") {
        Some(data) if !data.is_null() => data.clone(),
        _ => json!({}),
    };
    if matches!(kind, 4 | 7)
        && let Err(reply) = check_message(&data, files, interaction.size_limit(), kind == 4)
    {
        return reply;
    }
    let flags = data["flags"].as_u64().unwrap_or(0) & (EPHEMERAL | SUPPRESS_EMBEDS);
    let message_kind = match (source, interaction.value["data"]["type"].as_u64()) {
        (2, Some(1)) => 20,
        (2, _) => 23,
        _ => 0,
    };
    let channel_id = interaction.channel_id();
    let original = match kind {
        4 | 5 => {
            let nothing = json!({});
            let (data, files, flags) = match kind {
                4 => (&data, files, flags),
                _ => (&nothing, &[][..], (flags & EPHEMERAL) | LOADING),
            };
            let extra = stamped(&interaction.value, message_kind, flags, None);
            create_message(state, channel_id, data, files, extra)
        }
        6 => interaction.value["message"].clone(),
        _ => {
            let mut message = interaction.value["message"].clone();
            edit_message(state, &mut message, &data, files);
            message
        }
    };
    let stored = state
        .interactions
        .get_mut(token)
        .expect("known interaction");
    stored.acked = Some(kind);
    stored.original = Some(original);
    Reply::no_content()
}

/// The interaction a webhook route's token names, while the token lives.
fn by_token(state: &State, app: &str, token: &str) -> Result<Interaction, Reply> {
    let interaction = state
        .interactions
        .get(token)
        .filter(|_| super::rest::own_app(app));
    let interaction = interaction.ok_or_else(Reply::unknown_webhook)?;
    if interaction.created.elapsed() > TOKEN_LIFETIME {
        return Err(Reply::error(401, 50027, "Invalid Webhook Token"));
    }
    Ok(interaction.clone())
}

pub fn original(
    state: &mut State,
    method: &Method,
    app: &str,
    token: &str,
    body: &Value,
    files: &Files,
) -> Reply {
    let interaction = match by_token(state, app, token) {
        Ok(interaction) => interaction,
        Err(reply) => return reply,
    };
    let Some(mut message) = interaction.original.clone() else {
        return Reply::unknown_message();
    };
    match method.as_str() {
        "GET" => Reply::json(200, message),
        "DELETE" => {
            state.interactions.get_mut(token).expect("known").original = None;
            state
                .messages
                .remove(&parse_id(&message["id"]).unwrap_or(0));
            Reply::no_content()
        }
        "PATCH" => {
            if let Err(reply) = check_message(body, files, interaction.size_limit(), false) {
                return reply;
            }
            edit_message(state, &mut message, body, files);
            let has = |key: &str| message[key].as_array().is_some_and(|a| !a.is_empty());
            let shown = !message["content"].as_str().unwrap_or("").is_empty()
                || has("embeds")
                || has("attachments")
                || has("components");
            if !shown {
                return Reply::error(400, 50006, "Cannot send an empty message");
            }
            state.interactions.get_mut(token).expect("known").original = Some(message.clone());
            Reply::json(200, message)
        }
        _ => Reply::error(405, 0, "405: Method Not Allowed"),
    }
}

pub fn follow_up(state: &mut State, app: &str, token: &str, body: &Value, files: &Files) -> Reply {
    let interaction = match by_token(state, app, token) {
        Ok(interaction) if interaction.acked.is_some() => interaction,
        Ok(_) => return Reply::unknown_webhook(),
        Err(reply) => return reply,
    };
    if let Err(reply) = check_message(body, files, interaction.size_limit(), true) {
        return reply;
    }
    let flags = body["flags"].as_u64().unwrap_or(0) & (EPHEMERAL | SUPPRESS_EMBEDS);
    let original = interaction
        .original
        .as_ref()
        .and_then(|m| parse_id(&m["id"]));
    let extra = stamped(&interaction.value, 0, flags, original);
    Reply::json(
        200,
        create_message(state, interaction.channel_id(), body, files, extra),
    )
}
