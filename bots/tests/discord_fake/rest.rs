//! The REST side: the routes the bot and serenity use under `/api/v10`,
//! the rules Discord enforces on them that a bot can break in production
//! (3-second acknowledgement, one initial response, the token's 15
//! minutes, per-file upload limit, message checks, replies to unknown
//! messages), injected failures, and the attachment CDN (which can stall a
//! file on demand).

use axum::body::Body;
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::{Map, Value, json};

use super::body::Decoded;
use super::schema::{self, Problems};
use super::{
    ACK_WINDOW, APPLICATION_ID, FailWith, GUILD_ID, State, TOKEN, TOKEN_LIFETIME, UPLOAD_LIMIT,
    parse_id, payloads,
};

const EPHEMERAL: u64 = 1 << 6;
const SUPPRESS_EMBEDS: u64 = 1 << 2;
const LOADING: u64 = 1 << 7;

type Files = [(String, String, Vec<u8>)];

enum Payload {
    Json(Value),
    Bytes(Vec<u8>, String),
    /// These bytes, then nothing more on an open connection.
    Stalled(Vec<u8>, String),
    Empty,
}

/// An answer, kept plain so it can be built under the state lock.
pub struct Reply {
    pub status: u16,
    payload: Payload,
    headers: Vec<(&'static str, String)>,
}

impl Reply {
    /// The JSON body, for the call record.
    pub fn body_json(&self) -> Value {
        match &self.payload {
            Payload::Json(value) => value.clone(),
            _ => Value::Null,
        }
    }

    fn json(status: u16, value: Value) -> Self {
        Self {
            status,
            payload: Payload::Json(value),
            headers: Vec::new(),
        }
    }

    fn no_content() -> Self {
        Self {
            status: 204,
            payload: Payload::Empty,
            headers: Vec::new(),
        }
    }

    /// Discord's error body `{"message", "code"}`.
    pub fn error(status: u16, code: u32, message: &str) -> Self {
        Self::json(status, json!({"message": message, "code": code}))
    }

    fn unknown_interaction() -> Self {
        Self::error(404, 10062, "Unknown interaction")
    }

    fn unknown_webhook() -> Self {
        Self::error(404, 10015, "Unknown Webhook")
    }

    fn unknown_message() -> Self {
        Self::error(404, 10008, "Unknown Message")
    }

    /// 400 code 50035 with Discord's nested `errors` object.
    fn invalid_form(problems: Problems) -> Self {
        let mut errors = Map::new();
        for (path, code, message) in problems {
            let mut node = &mut errors;
            for key in path.split('.') {
                node = node
                    .entry(key.to_string())
                    .or_insert_with(|| json!({}))
                    .as_object_mut()
                    .expect("error tree node");
            }
            let list = node.entry("_errors").or_insert_with(|| json!([]));
            if let Some(list) = list.as_array_mut() {
                list.push(json!({"code": code, "message": message}));
            }
        }
        Self::json(
            400,
            json!({"message": "Invalid Form Body", "code": 50035, "errors": errors}),
        )
    }

    /// 429 with the body and the bucket headers serenity and the bot read.
    fn rate_limited(secs: f64) -> Self {
        let reset = payloads::now_ms() as f64 / 1000.0 + secs;
        let mut reply = Self::json(
            429,
            json!({"message": "You are being rate limited.", "retry_after": secs, "global": false}),
        );
        reply.headers = vec![
            ("retry-after", format!("{}", secs.ceil() as u64)),
            ("x-ratelimit-limit", "5".to_string()),
            ("x-ratelimit-remaining", "0".to_string()),
            ("x-ratelimit-reset", format!("{reset:.3}")),
            ("x-ratelimit-reset-after", format!("{secs:.3}")),
            ("x-ratelimit-bucket", "8f3e7bb0c2a94e27".to_string()),
            ("x-ratelimit-scope", "user".to_string()),
        ];
        reply
    }

    pub fn into_response(self) -> Response {
        let status = StatusCode::from_u16(self.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let mut response = match self.payload {
            Payload::Json(value) => (
                status,
                [(header::CONTENT_TYPE, "application/json")],
                value.to_string(),
            )
                .into_response(),
            Payload::Bytes(bytes, content_type) => {
                (status, [(header::CONTENT_TYPE, content_type)], bytes).into_response()
            }
            Payload::Stalled(head, content_type) => {
                use futures_util::{StreamExt, stream};
                let chunk: Result<Vec<u8>, std::convert::Infallible> = Ok(head);
                let body = Body::from_stream(stream::iter([chunk]).chain(stream::pending()));
                (status, [(header::CONTENT_TYPE, content_type)], body).into_response()
            }
            Payload::Empty => (status, Body::empty()).into_response(),
        };
        for (name, value) in self.headers {
            if let Ok(value) = HeaderValue::from_str(&value) {
                response.headers_mut().insert(name, value);
            }
        }
        response
    }
}

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
                    "total": 1000, "remaining": 999, "reset_after": 86_400_000, "max_concurrency": 1,
                },
            }),
        ),
        ("GET", ["users", "@me"]) => Reply::json(200, payloads::bot_user()),
        ("GET", ["applications", "@me"]) => Reply::json(
            200,
            json!({"id": APPLICATION_ID.to_string(), "name": super::BOT_NAME, "bot": payloads::bot_user()}),
        ),
        ("PUT", ["applications", app, "commands"]) => register(state, app, None, json),
        ("PUT", ["applications", app, "guilds", guild, "commands"]) => {
            register(state, app, Some(guild), json)
        }
        ("POST", ["interactions", id, token, "callback"]) => {
            callback(state, id, token, json, files)
        }
        (_, ["webhooks", app, token, "messages", "@original"]) => {
            original(state, method, app, token, json, files)
        }
        ("POST", ["webhooks", app, token]) => follow_up(state, app, token, json, files),
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

fn own_app(app: &str) -> bool {
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
    let (bytes, content_type) = (file.bytes.clone(), file.content_type.clone());
    let payload = match state.stalls.get(key) {
        Some(sent) => Payload::Stalled(bytes[..(*sent).min(bytes.len())].to_vec(), content_type),
        None => Payload::Bytes(bytes, content_type),
    };
    Reply {
        status: 200,
        payload,
        headers: Vec::new(),
    }
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

/// Checks a message body: content length, components, per-file size, and
/// (when `creating`) that there is something to show.
fn check_message(
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
fn create_message(
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
    let stamp = json!({"type": kind, "flags": flags, "webhook_id": app, "application_id": app, "interaction_metadata": metadata});
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
fn by_token(state: &State, app: &str, token: &str) -> Result<super::Interaction, Reply> {
    let interaction = state.interactions.get(token).filter(|_| own_app(app));
    let interaction = interaction.ok_or_else(Reply::unknown_webhook)?;
    if interaction.created.elapsed() > TOKEN_LIFETIME {
        return Err(Reply::error(401, 50027, "Invalid Webhook Token"));
    }
    Ok(interaction.clone())
}

fn original(
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

fn follow_up(state: &mut State, app: &str, token: &str, body: &Value, files: &Files) -> Reply {
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
