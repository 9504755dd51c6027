//! One Bot API request as the fake records it: the body decoded from JSON,
//! a url-encoded form or multipart (files referenced as `attach://<part>`),
//! plus accessors that read a field the same way whichever encoding the
//! client chose. Knows nothing about what a method means.

use std::collections::HashSet;
use std::fmt;
use std::time::Duration;

use axum::body::Body;
use axum::http::{HeaderMap, header};
use serde_json::{Map, Value};

/// Uploaded files: (field name, file name, bytes). A file referenced from a
/// top-level field (`document=attach://x`) is named after that field; one
/// referenced from inside a JSON field (`media=[{"media":"attach://x"}]`)
/// is named after its part (`x`).
pub type Files = Vec<(String, String, Vec<u8>)>;

/// Request bodies above this are refused before decoding.
const BODY_CAP: usize = 64 << 20;

/// One recorded request and how the fake answered it.
#[derive(Clone)]
pub struct Call {
    /// The method, lowercased (`senddocument`); `download` for a file GET.
    pub method: String,
    /// The request's fields as an object. Multipart and form values stay
    /// strings (`chat_id` is `"42"`); use the accessors to read either way.
    pub fields: Value,
    pub files: Files,
    /// HTTP status answered; `None` while a long poll is still open.
    pub status: Option<u16>,
    /// `result` of a successful answer, `Null` otherwise.
    pub result: Value,
    /// `description` of a refusal.
    pub error: Option<String>,
    /// When the request arrived, counted from the fake's start.
    pub at: Duration,
}

impl Call {
    pub fn is(&self, method: &str) -> bool {
        self.method.eq_ignore_ascii_case(method)
    }

    pub fn succeeded(&self) -> bool {
        self.status == Some(200)
    }

    pub fn field(&self, name: &str) -> Option<&Value> {
        self.fields.get(name)
    }

    pub fn str(&self, name: &str) -> Option<&str> {
        self.field(name)?.as_str()
    }

    /// An integer field sent as a JSON number or as a numeric string.
    pub fn int(&self, name: &str) -> Option<i64> {
        int_of(self.field(name)?)
    }

    /// A structured field: JSON bodies carry it as is, multipart as a JSON
    /// string, which is parsed here.
    pub fn json(&self, name: &str) -> Option<Value> {
        json_of(self.field(name)?)
    }

    pub fn chat_id(&self) -> Option<i64> {
        self.int("chat_id")
    }

    /// `text`, else `caption`, else "".
    pub fn text(&self) -> &str {
        self.str("text")
            .or_else(|| self.str("caption"))
            .unwrap_or("")
    }

    /// `reply_parameters.message_id` (or the legacy `reply_to_message_id`).
    pub fn reply_to(&self) -> Option<i64> {
        self.json("reply_parameters")
            .and_then(|reply| int_of(reply.get("message_id")?))
            .or_else(|| self.int("reply_to_message_id"))
    }

    /// Every button of an inline keyboard in `reply_markup`, row by row.
    pub fn buttons(&self) -> Vec<Value> {
        self.json("reply_markup")
            .and_then(|markup| markup.get("inline_keyboard").cloned())
            .and_then(|rows| rows.as_array().cloned())
            .unwrap_or_default()
            .iter()
            .filter_map(Value::as_array)
            .flatten()
            .cloned()
            .collect()
    }

    /// The file uploaded for `field`: (file name, bytes).
    pub fn file(&self, field: &str) -> Option<(&str, &[u8])> {
        self.files
            .iter()
            .find(|(name, _, _)| name == field)
            .map(|(_, file_name, bytes)| (file_name.as_str(), bytes.as_slice()))
    }
}

impl fmt::Display for Call {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let status = self.status.map_or("open".to_string(), |s| s.to_string());
        write!(
            f,
            "{:>6.2}s {} [{status}] {}",
            self.at.as_secs_f64(),
            self.method,
            clip(&self.fields.to_string(), 400)
        )?;
        for (field, name, bytes) in &self.files {
            write!(f, " +file {field}={name:?} ({} B)", bytes.len())?;
        }
        if let Some(error) = &self.error {
            write!(f, " -> {error}")?;
        }
        if !self.result.is_null() && !self.is("getupdates") {
            write!(f, " -> {}", clip(&self.result.to_string(), 200))?;
        }
        Ok(())
    }
}

pub fn int_of(value: &Value) -> Option<i64> {
    match value {
        Value::Number(n) => n.as_i64(),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

pub fn json_of(value: &Value) -> Option<Value> {
    match value {
        Value::String(s) => serde_json::from_str(s).ok(),
        Value::Null => None,
        other => Some(other.clone()),
    }
}

fn clip(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_string();
    }
    let head: String = text.chars().take(max).collect();
    format!("{head}…")
}

/// Decodes a request into its fields and files. Query parameters count as
/// fields too, as they do for the real API.
pub async fn decode(
    headers: &HeaderMap,
    query: Option<&str>,
    body: Body,
) -> Result<(Map<String, Value>, Files), String> {
    let mut fields = Map::new();
    if let Some(query) = query {
        form_pairs(query, &mut fields);
    }
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .unwrap_or("")
        .to_ascii_lowercase();
    if content_type.starts_with("multipart/form-data") {
        let boundary = multer::parse_boundary(&content_type).map_err(|e| e.to_string())?;
        let mut multipart = multer::Multipart::new(body.into_data_stream(), boundary);
        let mut parts = Vec::new();
        while let Some(field) = multipart.next_field().await.map_err(|e| e.to_string())? {
            let name = field.name().unwrap_or_default().to_string();
            let file_name = field.file_name().map(str::to_string);
            let bytes = field.bytes().await.map_err(|e| e.to_string())?;
            parts.push(Part {
                name,
                file_name,
                bytes: bytes.to_vec(),
            });
        }
        let files = split_parts(parts, &mut fields);
        return Ok((fields, files));
    }
    let bytes = axum::body::to_bytes(body, BODY_CAP)
        .await
        .map_err(|e| e.to_string())?;
    if bytes.is_empty() {
        return Ok((fields, Vec::new()));
    }
    if content_type.starts_with("application/x-www-form-urlencoded") {
        form_pairs(&String::from_utf8_lossy(&bytes), &mut fields);
        return Ok((fields, Vec::new()));
    }
    match serde_json::from_slice::<Value>(&bytes) {
        Ok(Value::Object(object)) => {
            fields.extend(object);
            Ok((fields, Vec::new()))
        }
        _ => Err("can't parse JSON object".to_string()),
    }
}

struct Part {
    name: String,
    file_name: Option<String>,
    bytes: Vec<u8>,
}

/// Text parts become fields; parts referenced by `attach://` (or sent with a
/// file name and referenced by nothing) become files.
fn split_parts(parts: Vec<Part>, fields: &mut Map<String, Value>) -> Files {
    let mut references = Vec::new();
    for part in parts.iter().filter(|part| part.file_name.is_none()) {
        let text = String::from_utf8_lossy(&part.bytes);
        if let Some(target) = text.strip_prefix("attach://") {
            references.push((part.name.clone(), target.to_string()));
        } else if text.starts_with(['[', '{'])
            && let Ok(value) = serde_json::from_str::<Value>(&text)
        {
            let mut inner = Vec::new();
            attachments(&value, &mut inner);
            references.extend(inner.into_iter().map(|target| (target.clone(), target)));
        }
    }
    let referenced: HashSet<&str> = references.iter().map(|(_, t)| t.as_str()).collect();
    let mut files = Files::new();
    for part in &parts {
        if referenced.contains(part.name.as_str()) {
            continue;
        }
        match &part.file_name {
            Some(file_name) => {
                files.push((part.name.clone(), file_name.clone(), part.bytes.clone()))
            }
            None => {
                let text = String::from_utf8_lossy(&part.bytes).into_owned();
                fields.insert(part.name.clone(), Value::String(text));
            }
        }
    }
    for (field, target) in &references {
        if let Some(part) = parts.iter().find(|part| &part.name == target) {
            let file_name = part.file_name.clone().unwrap_or_default();
            files.push((field.clone(), file_name, part.bytes.clone()));
        }
    }
    files
}

fn attachments(value: &Value, out: &mut Vec<String>) {
    match value {
        Value::String(s) => {
            if let Some(target) = s.strip_prefix("attach://") {
                out.push(target.to_string());
            }
        }
        Value::Array(items) => items.iter().for_each(|item| attachments(item, out)),
        Value::Object(map) => map.values().for_each(|item| attachments(item, out)),
        _ => {}
    }
}

fn form_pairs(form: &str, fields: &mut Map<String, Value>) {
    for pair in form.split('&').filter(|pair| !pair.is_empty()) {
        let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
        fields.insert(
            percent_decode(&key.replace('+', " ")),
            Value::String(percent_decode(&value.replace('+', " "))),
        );
    }
}

/// `%XX` decoding; malformed escapes stay as they are.
pub fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = bytes
            .get(i + 1..i + 3)
            .and_then(|h| std::str::from_utf8(h).ok())
            .and_then(|h| u8::from_str_radix(h, 16).ok());
        match (bytes[i], hex) {
            (b'%', Some(byte)) => {
                out.push(byte);
                i += 3;
            }
            (byte, _) => {
                out.push(byte);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}
