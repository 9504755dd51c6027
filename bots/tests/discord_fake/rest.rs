//! The REST side: routes under `/api/v10`, the rules Discord enforces on
//! them (3-second acknowledgement, one initial response, per-file upload
//! limit, 2,000-character content, empty messages, unknown replies,
//! command validation), injected failures, and the attachment CDN (which
//! can stall a file on demand).

use axum::body::Body;
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::{Map, Value, json};

use super::body::Decoded;
use super::payloads::{self, content_type_for};
use super::{ACK_WINDOW, APPLICATION_ID, FailWith, State, TOKEN, UPLOAD_LIMIT, parse_id};

const EPHEMERAL: u64 = 1 << 6;
const SUPPRESS_EMBEDS: u64 = 1 << 2;
const SUPPRESS_NOTIFICATIONS: u64 = 1 << 12;
const LOADING: u64 = 1 << 7;
const IS_COMPONENTS_V2: u64 = 1 << 15;
const MAX_CONTENT: usize = 2000;

enum Payload {
    Json(Value),
    Bytes(Vec<u8>, String),
    /// These bytes, then nothing more on an open connection.
    Stalled(Vec<u8>, String),
    Text(String),
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

    fn not_found() -> Self {
        Self::error(404, 0, "404: Not Found")
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

    fn empty_message() -> Self {
        Self::error(400, 50006, "Cannot send an empty message")
    }

    fn too_large() -> Self {
        Self::error(413, 40005, "Request entity too large")
    }

    /// 400 code 50035 with Discord's nested `errors` object; each problem
    /// is `(dotted path, error code, message)`.
    fn invalid_form(problems: Vec<(String, &str, String)>) -> Self {
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

    fn rate_limited(secs: f64) -> Self {
        let reset = payloads::now_ms() as f64 / 1000.0 + secs;
        Self {
            status: 429,
            payload: Payload::Json(json!({
                "message": "You are being rate limited.",
                "retry_after": secs,
                "global": false,
            })),
            headers: vec![
                ("retry-after", format!("{}", secs.ceil() as u64)),
                ("x-ratelimit-limit", "5".to_string()),
                ("x-ratelimit-remaining", "0".to_string()),
                ("x-ratelimit-reset", format!("{reset:.3}")),
                ("x-ratelimit-reset-after", format!("{secs:.3}")),
                (
                    "x-ratelimit-bucket",
                    "8f3e7bb0c2a94e27a6e9d0d4c1f5b3a2".to_string(),
                ),
                ("x-ratelimit-scope", "user".to_string()),
            ],
        }
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
            Payload::Text(text) => {
                (status, [(header::CONTENT_TYPE, "text/plain")], text).into_response()
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
        let (_, _, fail) = state.failures.remove(index).expect("queued failure");
        return match fail {
            FailWith::RateLimited { retry_after_secs } => Reply::rate_limited(retry_after_secs),
            FailWith::Status {
                status,
                code,
                message,
            } => Reply::error(status, code, &message),
        };
    }
    if is_cdn(path) {
        return cdn(state, method, path, query);
    }
    let Some(route) = path.strip_prefix("/api/v10/") else {
        return Reply::not_found();
    };
    let segments: Vec<&str> = route.trim_end_matches('/').split('/').collect();
    let token_route = matches!(segments.first(), Some(&"interactions"))
        || (segments.first() == Some(&"webhooks") && segments.len() >= 3);
    if !token_route {
        let authorized = headers
            .get(header::AUTHORIZATION)
            .and_then(|value| value.to_str().ok())
            == Some(format!("Bot {TOKEN}").as_str());
        if !authorized {
            return Reply::error(401, 0, "401: Unauthorized");
        }
    }
    let json = &body.json;
    let files = body.files.as_slice();
    match (method.as_str(), segments.as_slice()) {
        ("GET", ["gateway"]) => Reply::json(200, json!({"url": state.ws_url()})),
        ("GET", ["gateway", "bot"]) => Reply::json(
            200,
            json!({
                "url": state.ws_url(),
                "shards": state.gateway.total_shards.unwrap_or(1),
                "session_start_limit": {
                    "total": 1000,
                    "remaining": 999,
                    "reset_after": 86_400_000,
                    "max_concurrency": 1,
                },
            }),
        ),
        ("GET", ["users", "@me"]) => Reply::json(200, payloads::bot_user()),
        ("GET", ["applications", "@me"]) | ("GET", ["oauth2", "applications", "@me"]) => {
            Reply::json(200, payloads::application_info())
        }
        ("PUT", ["applications", app, "commands"]) => register(state, app, None, json),
        ("GET", ["applications", app, "commands"]) => match own_app(app) {
            true => Reply::json(200, Value::Array(state.commands.clone())),
            false => Reply::error(403, 50001, "Missing Access"),
        },
        ("PUT", ["applications", app, "guilds", guild, "commands"]) => {
            register(state, app, Some(guild), json)
        }
        ("GET", ["applications", app, "guilds", guild, "commands"]) => {
            match (own_app(app), guild.parse::<u64>()) {
                (true, Ok(guild)) => Reply::json(
                    200,
                    Value::Array(
                        state
                            .guild_commands
                            .get(&guild)
                            .cloned()
                            .unwrap_or_default(),
                    ),
                ),
                _ => Reply::error(403, 50001, "Missing Access"),
            }
        }
        ("POST", ["interactions", id, token, "callback"]) => {
            callback(state, id, token, json, files)
        }
        (_, ["webhooks", app, token, "messages", "@original"]) => {
            original(state, method, app, token, json, files)
        }
        ("POST", ["webhooks", app, token]) => follow_up(state, app, token, json, files),
        (_, ["webhooks", app, token, "messages", id]) => {
            follow_up_message(state, method, app, token, id, json, files)
        }
        ("GET", ["channels", channel, "messages", id]) => {
            let (Ok(channel), Ok(id)) = (channel.parse::<u64>(), id.parse::<u64>()) else {
                return Reply::unknown_message();
            };
            match state.messages.get(&id) {
                Some(message) if parse_id(&message["channel_id"]) == Some(channel) => {
                    Reply::json(200, rest_shape(message))
                }
                _ => Reply::unknown_message(),
            }
        }
        ("POST", ["channels", channel, "messages"]) => channel_message(state, channel, json, files),
        ("POST", ["channels", _, "typing"]) => Reply::no_content(),
        _ => Reply::not_found(),
    }
}

fn own_app(app: &str) -> bool {
    app.parse::<u64>().ok() == Some(APPLICATION_ID)
}

/// A message as REST returns it: no `guild_id`, no `member`.
fn rest_shape(message: &Value) -> Value {
    let mut message = message.clone();
    if let Some(object) = message.as_object_mut() {
        object.remove("guild_id");
        object.remove("member");
    }
    message
}

fn cdn(state: &State, method: &Method, path: &str, query: &str) -> Reply {
    if method != Method::GET && method != Method::HEAD {
        return Reply {
            status: 405,
            payload: Payload::Text("Method Not Allowed".to_string()),
            headers: Vec::new(),
        };
    }
    let key = path.strip_prefix("/media").unwrap_or(path);
    let Some(file) = state.cdn.get(key) else {
        return Reply {
            status: 404,
            payload: Payload::Text("Not Found".to_string()),
            headers: Vec::new(),
        };
    };
    let pairs = |q: &str| -> Vec<(String, String)> {
        q.split('&')
            .filter_map(|pair| pair.split_once('='))
            .filter(|(k, _)| matches!(*k, "ex" | "is" | "hm"))
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    };
    let mut given = pairs(query);
    let mut wanted = pairs(&file.query);
    given.sort();
    wanted.sort();
    if given != wanted {
        return Reply {
            status: 404,
            payload: Payload::Text("This content is no longer available.".to_string()),
            headers: Vec::new(),
        };
    }
    let payload = match state.stalls.get(key) {
        Some(sent) => Payload::Stalled(
            file.bytes[..(*sent).min(file.bytes.len())].to_vec(),
            file.content_type.clone(),
        ),
        None => Payload::Bytes(file.bytes.clone(), file.content_type.clone()),
    };
    Reply {
        status: 200,
        payload,
        headers: vec![("cache-control", "public, max-age=31536000".to_string())],
    }
}

/// Bulk overwrite of application commands, validated as Discord does.
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
        return Reply::invalid_form(vec![(
            "_root".into(),
            "BASE_TYPE_ARRAY_TYPE",
            "Must be an array.".into(),
        )]);
    };
    let problems = validate_commands(commands);
    if !problems.is_empty() {
        return Reply::invalid_form(problems);
    }
    let previous = match guild {
        None => state.commands.clone(),
        Some(guild) => state
            .guild_commands
            .get(&guild)
            .cloned()
            .unwrap_or_default(),
    };
    let mut answered = Vec::new();
    for command in commands {
        let kind = command["type"].as_u64().unwrap_or(1);
        let name = command["name"].as_str().unwrap_or("");
        let id = previous
            .iter()
            .find(|c| c["name"] == json!(name) && c["type"].as_u64() == Some(kind))
            .and_then(|c| parse_id(&c["id"]))
            .unwrap_or_else(|| state.next_id());
        let version = state.next_id();
        let mut echoed = json!({
            "id": id.to_string(),
            "application_id": APPLICATION_ID.to_string(),
            "version": version.to_string(),
            "default_member_permissions": command.get("default_member_permissions").cloned().unwrap_or(Value::Null),
            "type": kind,
            "name": name,
            "name_localizations": command.get("name_localizations").cloned().unwrap_or(Value::Null),
            "description": command["description"].as_str().unwrap_or(""),
            "description_localizations": command.get("description_localizations").cloned().unwrap_or(Value::Null),
            "dm_permission": command.get("dm_permission").cloned().unwrap_or(json!(true)),
            "contexts": command.get("contexts").cloned().unwrap_or(Value::Null),
            "integration_types": command.get("integration_types").cloned().unwrap_or(json!([0])),
            "nsfw": command.get("nsfw").cloned().unwrap_or(json!(false)),
        });
        if let Some(options) = command["options"].as_array().filter(|o| !o.is_empty()) {
            echoed["options"] = json!(options);
        }
        if let Some(guild) = guild {
            echoed["guild_id"] = json!(guild.to_string());
        }
        answered.push(echoed);
    }
    match guild {
        None => state.commands = answered.clone(),
        Some(guild) => {
            state.guild_commands.insert(guild, answered.clone());
        }
    }
    Reply::json(200, Value::Array(answered))
}

fn chat_input_name_ok(name: &str) -> bool {
    let count = name.chars().count();
    (1..=32).contains(&count)
        && name
            .chars()
            .all(|c| (c.is_alphanumeric() && !c.is_uppercase()) || c == '-' || c == '_')
}

fn validate_commands(commands: &[Value]) -> Vec<(String, &'static str, String)> {
    let mut problems = Vec::new();
    let mut seen = Vec::new();
    let mut per_kind = [0usize; 5];
    for (i, command) in commands.iter().enumerate() {
        let kind = command["type"].as_u64().unwrap_or(1);
        let name = command["name"].as_str().unwrap_or("");
        let description = command["description"].as_str().unwrap_or("");
        if !(1..=4).contains(&kind) {
            problems.push((
                format!("{i}.type"),
                "BASE_TYPE_CHOICES",
                "Value must be one of (1, 2, 3, 4).".into(),
            ));
            continue;
        }
        per_kind[kind as usize] += 1;
        if seen.contains(&(kind, name.to_string())) {
            problems.push((
                format!("{i}.name"),
                "APPLICATION_COMMANDS_DUPLICATE_NAME",
                "Application command names must be unique".into(),
            ));
        }
        seen.push((kind, name.to_string()));
        if kind == 1 {
            if !chat_input_name_ok(name) {
                problems.push((
                    format!("{i}.name"),
                    "APPLICATION_COMMAND_INVALID_NAME",
                    "Command name is invalid".into(),
                ));
            }
            let length = description.chars().count();
            if !(1..=100).contains(&length) {
                problems.push((
                    format!("{i}.description"),
                    "BASE_TYPE_BAD_LENGTH",
                    "Must be between 1 and 100 in length.".into(),
                ));
            }
            let options = command["options"].as_array().cloned().unwrap_or_default();
            validate_options(&options, &format!("{i}.options"), &mut problems);
        } else {
            let length = name.chars().count();
            if !(1..=32).contains(&length) {
                problems.push((
                    format!("{i}.name"),
                    "BASE_TYPE_BAD_LENGTH",
                    "Must be between 1 and 32 in length.".into(),
                ));
            }
            if !description.is_empty() {
                problems.push((
                    format!("{i}.description"),
                    "APPLICATION_COMMAND_CONTEXT_MENU_DESCRIPTION",
                    "Context menu commands cannot have description".into(),
                ));
            }
            if command["options"].as_array().is_some_and(|o| !o.is_empty()) {
                problems.push((
                    format!("{i}.options"),
                    "APPLICATION_COMMAND_CONTEXT_MENU_OPTIONS",
                    "Context menu commands cannot have options".into(),
                ));
            }
        }
    }
    if per_kind[1] > 100 || per_kind[2] > 15 || per_kind[3] > 15 {
        problems.push((
            "_errors".into(),
            "APPLICATION_COMMANDS_TOO_MANY",
            "Maximum number of application commands reached".into(),
        ));
    }
    problems
}

fn validate_options(
    options: &[Value],
    at: &str,
    problems: &mut Vec<(String, &'static str, String)>,
) {
    if options.len() > 25 {
        problems.push((
            at.to_string(),
            "BASE_TYPE_MAX_LENGTH",
            "Must be 25 or fewer in length.".into(),
        ));
    }
    let mut optional_seen = false;
    let mut names = Vec::new();
    for (j, option) in options.iter().enumerate() {
        let here = format!("{at}.{j}");
        let kind = option["type"].as_u64().unwrap_or(0);
        let name = option["name"].as_str().unwrap_or("");
        if !(1..=11).contains(&kind) {
            problems.push((
                format!("{here}.type"),
                "BASE_TYPE_CHOICES",
                "Value must be one of (1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11).".into(),
            ));
        }
        if !chat_input_name_ok(name) {
            problems.push((
                format!("{here}.name"),
                "APPLICATION_COMMAND_INVALID_NAME",
                "Command name is invalid".into(),
            ));
        }
        if names.contains(&name) {
            problems.push((
                format!("{here}.name"),
                "APPLICATION_COMMAND_OPTIONS_DUPLICATE_NAME",
                "Option names must be unique".into(),
            ));
        }
        names.push(name);
        let length = option["description"].as_str().unwrap_or("").chars().count();
        if !(1..=100).contains(&length) {
            problems.push((
                format!("{here}.description"),
                "BASE_TYPE_BAD_LENGTH",
                "Must be between 1 and 100 in length.".into(),
            ));
        }
        let required = option["required"].as_bool().unwrap_or(false);
        if required && optional_seen {
            problems.push((
                format!("{here}.required"),
                "APPLICATION_COMMAND_OPTIONS_REQUIRED_INVALID_ORDER",
                "Required options must be placed before non-required options".into(),
            ));
        }
        optional_seen |= !required;
        if let Some(choices) = option["choices"].as_array().filter(|c| !c.is_empty()) {
            if !matches!(kind, 3 | 4 | 10) {
                problems.push((
                    format!("{here}.choices"),
                    "APPLICATION_COMMAND_OPTION_CHOICES_INVALID_TYPE",
                    "Choices are only allowed for string, integer and number options".into(),
                ));
            }
            if choices.len() > 25 {
                problems.push((
                    format!("{here}.choices"),
                    "BASE_TYPE_MAX_LENGTH",
                    "Must be 25 or fewer in length.".into(),
                ));
            }
            for (k, choice) in choices.iter().enumerate() {
                let label = choice["name"].as_str().unwrap_or("").chars().count();
                if !(1..=100).contains(&label) {
                    problems.push((
                        format!("{here}.choices.{k}.name"),
                        "BASE_TYPE_BAD_LENGTH",
                        "Must be between 1 and 100 in length.".into(),
                    ));
                }
                let fits = match kind {
                    3 => choice["value"]
                        .as_str()
                        .is_some_and(|v| (1..=100).contains(&v.chars().count())),
                    4 => choice["value"].is_i64(),
                    _ => choice["value"].is_number(),
                };
                if !fits {
                    problems.push((
                        format!("{here}.choices.{k}.value"),
                        "BASE_TYPE_CHOICES",
                        "Invalid choice value".into(),
                    ));
                }
            }
        }
        if let Some(sub) = option["options"].as_array() {
            validate_options(sub, &format!("{here}.options"), problems);
        }
    }
}

/// Checks a message body: content length, embeds, components, per-file
/// size, and (when `creating`) that there is something to show.
fn check_message(
    body: &Value,
    files: &[(String, String, Vec<u8>)],
    size_limit: u64,
    creating: bool,
) -> Result<(), Reply> {
    let content = body["content"].as_str().unwrap_or("");
    if content.chars().count() > MAX_CONTENT {
        return Err(Reply::invalid_form(vec![(
            "content".into(),
            "BASE_TYPE_MAX_LENGTH",
            "Must be 2000 or fewer in length.".into(),
        )]));
    }
    if body["embeds"].as_array().is_some_and(|e| e.len() > 10) {
        return Err(Reply::invalid_form(vec![(
            "embeds".into(),
            "BASE_TYPE_MAX_LENGTH",
            "Must be 10 or fewer in length.".into(),
        )]));
    }
    let components_v2 = body["flags"].as_u64().unwrap_or(0) & IS_COMPONENTS_V2 != 0;
    if let Some(rows) = body["components"].as_array().filter(|_| !components_v2) {
        let problems = check_components(rows);
        if !problems.is_empty() {
            return Err(Reply::invalid_form(problems));
        }
    }
    if files
        .iter()
        .any(|(_, _, bytes)| bytes.len() as u64 > size_limit)
    {
        return Err(Reply::too_large());
    }
    let has = |key: &str| body[key].as_array().is_some_and(|a| !a.is_empty());
    if creating
        && content.is_empty()
        && files.is_empty()
        && !has("embeds")
        && !has("components")
        && !has("sticker_ids")
        && body["poll"].is_null()
    {
        return Err(Reply::empty_message());
    }
    Ok(())
}

fn check_components(rows: &[Value]) -> Vec<(String, &'static str, String)> {
    let mut problems = Vec::new();
    if rows.len() > 5 {
        problems.push((
            "components".into(),
            "BASE_TYPE_MAX_LENGTH",
            "Must be 5 or fewer in length.".into(),
        ));
    }
    for (i, row) in rows.iter().enumerate() {
        if row["type"].as_u64() != Some(1) {
            problems.push((
                format!("components.{i}.type"),
                "UNION_TYPE_CHOICES",
                "Value of field \"type\" must be one of (1,).".into(),
            ));
            continue;
        }
        let children = row["components"].as_array().cloned().unwrap_or_default();
        if children.is_empty() || children.len() > 5 {
            problems.push((
                format!("components.{i}.components"),
                "BASE_TYPE_BAD_LENGTH",
                "Must be between 1 and 5 in length.".into(),
            ));
        }
        let selects = children
            .iter()
            .filter(|c| matches!(c["type"].as_u64(), Some(3 | 5 | 6 | 7 | 8)))
            .count();
        if selects > 0 && children.len() > 1 {
            problems.push((
                format!("components.{i}.components"),
                "COMPONENT_LAYOUT_WIDTH_EXCEEDED",
                "The specified component exceeds the maximum width".into(),
            ));
        }
        for (j, child) in children.iter().enumerate() {
            let here = format!("components.{i}.components.{j}");
            let kind = child["type"].as_u64().unwrap_or(0);
            let link = kind == 2 && child["style"].as_u64() == Some(5);
            let custom_id = child["custom_id"].as_str().unwrap_or("");
            if !link && !(1..=100).contains(&custom_id.chars().count()) {
                problems.push((
                    format!("{here}.custom_id"),
                    "BASE_TYPE_BAD_LENGTH",
                    "Must be between 1 and 100 in length.".into(),
                ));
            }
            if kind == 3 {
                let options = child["options"].as_array().cloned().unwrap_or_default();
                if options.is_empty() || options.len() > 25 {
                    problems.push((
                        format!("{here}.options"),
                        "BASE_TYPE_BAD_LENGTH",
                        "Must be between 1 and 25 in length.".into(),
                    ));
                }
                for (k, option) in options.iter().enumerate() {
                    for key in ["label", "value"] {
                        let length = option[key].as_str().unwrap_or("").chars().count();
                        if !(1..=100).contains(&length) {
                            problems.push((
                                format!("{here}.options.{k}.{key}"),
                                "BASE_TYPE_BAD_LENGTH",
                                "Must be between 1 and 100 in length.".into(),
                            ));
                        }
                    }
                }
            } else if !matches!(kind, 2 | 5 | 6 | 7 | 8) {
                problems.push((
                    format!("{here}.type"),
                    "UNION_TYPE_CHOICES",
                    "Invalid component type".into(),
                ));
            }
        }
    }
    problems
}

/// The index a file part stands for: `files[3]` → 3, `file` → 0.
fn file_index(field: &str) -> Option<u64> {
    if field == "file" {
        return Some(0);
    }
    field
        .strip_prefix("files[")?
        .strip_suffix(']')?
        .parse()
        .ok()
}

/// Attachment objects for the uploaded files, named as the payload's
/// `attachments` entries say (matched by `id` = file index).
fn upload(
    state: &mut State,
    channel_id: u64,
    body: &Value,
    files: &[(String, String, Vec<u8>)],
    ephemeral: bool,
) -> Vec<Value> {
    files
        .iter()
        .enumerate()
        .map(|(position, (field, file_name, bytes))| {
            let index = file_index(field).unwrap_or(position as u64);
            let listed = body["attachments"].as_array().and_then(|list| {
                list.iter().find(|a| {
                    a["id"].as_u64() == Some(index) || a["id"].as_str() == Some(&index.to_string())
                })
            });
            let name = listed
                .and_then(|a| a["filename"].as_str())
                .filter(|n| !n.is_empty())
                .unwrap_or(file_name);
            let mut attachment =
                state.attachment(channel_id, bytes, name, Some(content_type_for(name)));
            if let Some(description) = listed.and_then(|a| a["description"].as_str()) {
                attachment["description"] = json!(description);
            }
            if ephemeral {
                attachment["ephemeral"] = json!(true);
            }
            attachment
        })
        .collect()
}

/// A new message by the bot in `channel_id` from a create body.
fn create_message(
    state: &mut State,
    channel_id: u64,
    body: &Value,
    files: &[(String, String, Vec<u8>)],
    kind: u64,
    flags: u64,
) -> Value {
    let id = state.next_id();
    let attachments = upload(state, channel_id, body, files, flags & EPHEMERAL != 0);
    let mut message = payloads::message(
        id,
        channel_id,
        payloads::bot_user(),
        body["content"].as_str().unwrap_or(""),
        attachments,
    );
    message["type"] = json!(kind);
    message["flags"] = json!(flags);
    message["tts"] = json!(body["tts"].as_bool().unwrap_or(false));
    for key in ["embeds", "components"] {
        if let Some(list) = body[key].as_array() {
            message[key] = json!(list);
        }
    }
    if let Some(poll) = body.get("poll").filter(|p| !p.is_null()) {
        message["poll"] = poll.clone();
    }
    state.messages.insert(id, message.clone());
    message
}

/// Applies an edit body to a stored message.
fn edit_message(
    state: &mut State,
    message: &mut Value,
    body: &Value,
    files: &[(String, String, Vec<u8>)],
) {
    let channel_id = parse_id(&message["channel_id"]).unwrap_or(0);
    let flags = message["flags"].as_u64().unwrap_or(0);
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
    let uploaded = upload(state, channel_id, body, files, flags & EPHEMERAL != 0);
    let mut attachments: Vec<Value> = match body.get("attachments") {
        Some(Value::Array(kept)) => message["attachments"]
            .as_array()
            .cloned()
            .unwrap_or_default()
            .into_iter()
            .filter(|existing| {
                kept.iter()
                    .any(|k| k["id"].as_str().is_some() && k["id"] == existing["id"])
            })
            .collect(),
        Some(_) => Vec::new(),
        None => message["attachments"]
            .as_array()
            .cloned()
            .unwrap_or_default(),
    };
    attachments.extend(uploaded);
    message["attachments"] = json!(attachments);
    let mut flags = flags & !LOADING;
    if let Some(requested) = body["flags"].as_u64() {
        flags = (flags & !SUPPRESS_EMBEDS) | (requested & SUPPRESS_EMBEDS);
    }
    message["flags"] = json!(flags);
    message["edited_timestamp"] = json!(payloads::timestamp());
    if let Some(id) = parse_id(&message["id"]) {
        state.messages.insert(id, message.clone());
    }
}

fn shows_something(message: &Value) -> bool {
    let has = |key: &str| message[key].as_array().is_some_and(|a| !a.is_empty());
    !message["content"].as_str().unwrap_or("").is_empty()
        || has("embeds")
        || has("attachments")
        || has("components")
        || !message["poll"].is_null()
}

pub fn callback(
    state: &mut State,
    id: &str,
    token: &str,
    body: &Value,
    files: &[(String, String, Vec<u8>)],
) -> Reply {
    let Some(interaction) = state.interactions.get(token).cloned() else {
        return Reply::unknown_interaction();
    };
    if id.parse::<u64>().ok() != Some(interaction.id) {
        return Reply::unknown_interaction();
    }
    if interaction
        .dispatched
        .unwrap_or(interaction.created)
        .elapsed()
        > ACK_WINDOW
    {
        return Reply::unknown_interaction();
    }
    if interaction.acked.is_some() {
        return Reply::error(400, 40060, "Interaction has already been acknowledged.");
    }
    let Some(kind) = body["type"].as_u64() else {
        return Reply::invalid_form(vec![(
            "type".into(),
            "BASE_TYPE_REQUIRED",
            "This field is required".into(),
        )]);
    };
    let source = interaction.kind();
    let allowed = match kind {
        4 | 5 => matches!(source, 2 | 3 | 5),
        6 | 7 => source == 3 || source == 5,
        8 => source == 4,
        9 => matches!(source, 2 | 3),
        _ => false,
    };
    if !allowed {
        return Reply::error(
            400,
            40043,
            "Interaction response type invalid for this interaction",
        );
    }
    let data = body.get("data").cloned().unwrap_or(Value::Null);
    let data = if data.is_null() { json!({}) } else { data };
    if matches!(kind, 4 | 7)
        && let Err(reply) = check_message(&data, files, interaction.size_limit(), kind == 4)
    {
        return reply;
    }
    let flags = data["flags"].as_u64().unwrap_or(0)
        & (EPHEMERAL | SUPPRESS_EMBEDS | SUPPRESS_NOTIFICATIONS);
    let message_kind = match (source, interaction.value["data"]["type"].as_u64()) {
        (2, Some(1)) => 20,
        (2, _) => 23,
        _ => 0,
    };
    let channel_id = interaction.channel_id();
    let original = match kind {
        4 => {
            let mut message = create_message(state, channel_id, &data, files, message_kind, flags);
            stamp(&mut message, &interaction.value, None);
            Some(message)
        }
        5 => {
            let mut message = create_message(
                state,
                channel_id,
                &json!({}),
                &[],
                message_kind,
                (flags & EPHEMERAL) | LOADING,
            );
            stamp(&mut message, &interaction.value, None);
            Some(message)
        }
        6 => Some(interaction.value["message"].clone()),
        7 => {
            let mut message = interaction.value["message"].clone();
            edit_message(state, &mut message, &data, files);
            Some(message)
        }
        _ => None,
    };
    if let Some(message) = &original
        && let Some(id) = parse_id(&message["id"])
    {
        state.messages.insert(id, message.clone());
    }
    if let Some(stored) = state.interactions.get_mut(token) {
        stored.acked = Some(kind);
        stored.original = original;
    }
    Reply::no_content()
}

/// Marks a message as made by an interaction response.
fn stamp(message: &mut Value, interaction: &Value, original_response: Option<u64>) {
    message["webhook_id"] = json!(APPLICATION_ID.to_string());
    message["application_id"] = json!(APPLICATION_ID.to_string());
    message["interaction_metadata"] =
        payloads::interaction_metadata(interaction, original_response);
    message["interaction"] = payloads::message_interaction(interaction);
}

fn original(
    state: &mut State,
    method: &Method,
    app: &str,
    token: &str,
    body: &Value,
    files: &[(String, String, Vec<u8>)],
) -> Reply {
    let Some(interaction) = state.interactions.get(token).cloned() else {
        return Reply::unknown_webhook();
    };
    if !own_app(app) {
        return Reply::unknown_webhook();
    }
    let Some(mut message) = interaction.original.clone() else {
        return Reply::unknown_message();
    };
    match method.as_str() {
        "GET" => Reply::json(200, message),
        "DELETE" => {
            if let Some(stored) = state.interactions.get_mut(token) {
                stored.original = None;
            }
            if let Some(id) = parse_id(&message["id"]) {
                state.messages.remove(&id);
            }
            Reply::no_content()
        }
        "PATCH" => {
            if let Err(reply) = check_message(body, files, interaction.size_limit(), false) {
                return reply;
            }
            edit_message(state, &mut message, body, files);
            if !shows_something(&message) {
                return Reply::empty_message();
            }
            if let Some(stored) = state.interactions.get_mut(token) {
                stored.original = Some(message.clone());
            }
            Reply::json(200, message)
        }
        _ => Reply::error(405, 0, "405: Method Not Allowed"),
    }
}

fn follow_up(
    state: &mut State,
    app: &str,
    token: &str,
    body: &Value,
    files: &[(String, String, Vec<u8>)],
) -> Reply {
    let Some(interaction) = state.interactions.get(token).cloned() else {
        return Reply::unknown_webhook();
    };
    if !own_app(app) || interaction.acked.is_none() {
        return Reply::unknown_webhook();
    }
    if let Err(reply) = check_message(body, files, interaction.size_limit(), true) {
        return reply;
    }
    let flags = body["flags"].as_u64().unwrap_or(0)
        & (EPHEMERAL | SUPPRESS_EMBEDS | SUPPRESS_NOTIFICATIONS);
    let original_id = interaction
        .original
        .as_ref()
        .and_then(|m| parse_id(&m["id"]));
    let mut message = create_message(state, interaction.channel_id(), body, files, 0, flags);
    stamp(&mut message, &interaction.value, original_id);
    if let Some(id) = parse_id(&message["id"]) {
        state.messages.insert(id, message.clone());
    }
    Reply::json(200, message)
}

#[allow(clippy::too_many_arguments)]
fn follow_up_message(
    state: &mut State,
    method: &Method,
    app: &str,
    token: &str,
    id: &str,
    body: &Value,
    files: &[(String, String, Vec<u8>)],
) -> Reply {
    let Some(interaction) = state.interactions.get(token).cloned() else {
        return Reply::unknown_webhook();
    };
    if !own_app(app) {
        return Reply::unknown_webhook();
    }
    let id = id.parse::<u64>().unwrap_or(0);
    let ours = state
        .messages
        .get(&id)
        .filter(|m| m["interaction_metadata"]["id"] == interaction.value["id"]);
    let Some(mut message) = ours.cloned() else {
        return Reply::unknown_message();
    };
    match method.as_str() {
        "GET" => Reply::json(200, message),
        "DELETE" => {
            state.messages.remove(&id);
            Reply::no_content()
        }
        "PATCH" => {
            if let Err(reply) = check_message(body, files, interaction.size_limit(), false) {
                return reply;
            }
            edit_message(state, &mut message, body, files);
            if !shows_something(&message) {
                return Reply::empty_message();
            }
            Reply::json(200, message)
        }
        _ => Reply::error(405, 0, "405: Method Not Allowed"),
    }
}

fn channel_message(
    state: &mut State,
    channel: &str,
    body: &Value,
    files: &[(String, String, Vec<u8>)],
) -> Reply {
    let Ok(channel_id) = channel.parse::<u64>() else {
        return Reply::error(404, 10003, "Unknown Channel");
    };
    if let Err(reply) = check_message(body, files, u64::from(UPLOAD_LIMIT), true) {
        return reply;
    }
    let reference = body.get("message_reference").filter(|r| !r.is_null());
    let mut referenced = None;
    if let Some(reference) = reference {
        let target = parse_id(&reference["message_id"]);
        let in_channel = reference
            .get("channel_id")
            .and_then(parse_id)
            .unwrap_or(channel_id);
        let found = target
            .and_then(|id| state.messages.get(&id))
            .filter(|m| parse_id(&m["channel_id"]) == Some(in_channel))
            .cloned();
        let must_exist = reference["fail_if_not_exists"].as_bool().unwrap_or(true);
        match found {
            Some(message) => referenced = Some(message),
            None if must_exist => {
                return Reply::invalid_form(vec![(
                    "message_reference".into(),
                    "MESSAGE_REFERENCE_UNKNOWN_MESSAGE",
                    "Unknown message".into(),
                )]);
            }
            None => {}
        }
    }
    let flags = body["flags"].as_u64().unwrap_or(0) & (SUPPRESS_EMBEDS | SUPPRESS_NOTIFICATIONS);
    let kind = if referenced.is_some() { 19 } else { 0 };
    let mut message = create_message(state, channel_id, body, files, kind, flags);
    if let Some(referenced) = referenced {
        message["message_reference"] = json!({
            "type": 0,
            "channel_id": referenced["channel_id"],
            "message_id": referenced["id"],
            "guild_id": referenced.get("guild_id").cloned().unwrap_or(json!(super::GUILD_ID.to_string())),
        });
        message["referenced_message"] = rest_shape(&referenced);
    }
    if let Some(id) = parse_id(&message["id"]) {
        state.messages.insert(id, message.clone());
    }
    Reply::json(200, message)
}
