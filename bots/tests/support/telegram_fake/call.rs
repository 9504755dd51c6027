//! One Bot API request as the fake records it: the body decoded from JSON
//! or multipart (files referenced as `attach://<part>`, the two encodings
//! teloxide uses), plus accessors that read a field the same way whichever
//! encoding the client chose. Knows nothing about what a method means.

use std::fmt;
use std::time::Duration;

use axum::body::Body;
use axum::http::{HeaderMap, header};
use serde_json::{Map, Value};

/// Uploaded files: (field name, file name, bytes); `document=attach://x`
/// is filed under `document`.
pub type Files = Vec<(String, String, Vec<u8>)>;

/// Request bodies above this are refused before decoding (uploads are
/// checked against the 50 MB Bot API limit after).
const BODY_CAP: usize = 64 << 20;

/// One recorded request and how the fake answered it.
#[derive(Clone)]
pub struct Call {
    /// The method, lowercased (`senddocument`); `download` for a file GET.
    pub method: String,
    /// The request's fields as an object. Multipart values stay strings
    /// (`chat_id` is `"42"`); use the accessors to read either way.
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

    /// `reply_parameters.message_id`.
    pub fn reply_to(&self) -> Option<i64> {
        int_of(self.json("reply_parameters")?.get("message_id")?)
    }

    /// Every button of an inline keyboard in `reply_markup`, row by row.
    pub fn buttons(&self) -> Vec<Value> {
        let markup = self.json("reply_markup").unwrap_or_default();
        let rows = markup["inline_keyboard"].as_array().cloned();
        rows.unwrap_or_default()
            .iter()
            .filter_map(Value::as_array)
            .flatten()
            .cloned()
            .collect()
    }

    /// The file uploaded for `field`: (file name, bytes).
    pub fn file(&self, field: &str) -> Option<(&str, &[u8])> {
        let (_, name, bytes) = self.files.iter().find(|(f, _, _)| f == field)?;
        Some((name.as_str(), bytes.as_slice()))
    }
}

impl fmt::Display for Call {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let status = self.status.map_or("open".into(), |s| s.to_string());
        let at = self.at.as_secs_f64();
        let fields = clip(&self.fields.to_string(), 400);
        write!(f, "{at:>6.2}s {} [{status}] {fields}", self.method)?;
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
    match text.char_indices().nth(max) {
        Some((end, _)) => format!("{}…", &text[..end]),
        None => text.to_string(),
    }
}

/// Decodes a JSON or multipart request into its fields and files.
pub async fn decode(
    headers: &HeaderMap,
    body: Body,
) -> Result<(Map<String, Value>, Files), String> {
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .unwrap_or("");
    if content_type.starts_with("multipart/form-data") {
        return multipart(content_type, body).await;
    }
    let bytes = axum::body::to_bytes(body, BODY_CAP)
        .await
        .map_err(|e| e.to_string())?;
    if bytes.is_empty() {
        return Ok((Map::new(), Files::new()));
    }
    match serde_json::from_slice(&bytes) {
        Ok(Value::Object(fields)) => Ok((fields, Files::new())),
        _ => Err("can't parse JSON object".into()),
    }
}

/// Text parts become fields, except that a field reading `attach://x`
/// becomes the file sent in part `x`.
async fn multipart(content_type: &str, body: Body) -> Result<(Map<String, Value>, Files), String> {
    let boundary = multer::parse_boundary(content_type).map_err(|e| e.to_string())?;
    let mut multipart = multer::Multipart::new(body.into_data_stream(), boundary);
    let mut parts = Vec::new();
    while let Some(part) = multipart.next_field().await.map_err(|e| e.to_string())? {
        let name = part.name().unwrap_or_default().to_string();
        let file_name = part.file_name().map(str::to_string);
        let bytes = part.bytes().await.map_err(|e| e.to_string())?;
        parts.push((name, file_name, bytes.to_vec()));
    }
    let attached = |bytes: &[u8]| bytes.strip_prefix(b"attach://").map(<[u8]>::to_vec);
    let targets: Vec<Vec<u8>> = parts.iter().filter_map(|(_, _, b)| attached(b)).collect();
    let mut fields = Map::new();
    let mut files = Files::new();
    for (name, _, bytes) in &parts {
        if targets.contains(&name.as_bytes().to_vec()) {
            continue;
        }
        let text = String::from_utf8_lossy(bytes).into_owned();
        if let Some(target) = attached(bytes) {
            let (_, file_name, bytes) = parts
                .iter()
                .find(|(part, _, _)| part.as_bytes() == target)
                .ok_or_else(|| format!("there is no {name} in the request"))?;
            files.push((
                name.clone(),
                file_name.clone().unwrap_or_default(),
                bytes.clone(),
            ));
        }
        fields.insert(name.clone(), Value::String(text));
    }
    Ok((fields, files))
}
