//! Request bodies as Discord reads them: JSON, or multipart with a
//! `payload_json` part and file parts (`files[n]`), plus the record of every
//! call the fake answered.

use std::convert::Infallible;
use std::time::Instant;

use axum::http::{HeaderMap, Method, header};
use bytes::Bytes;
use serde_json::{Map, Value};

/// One request the fake received, as it arrived.
#[derive(Debug, Clone)]
pub struct Call {
    pub method: String,
    /// The full path, e.g. `/api/v10/interactions/1/tok/callback`.
    pub path: String,
    /// The raw query string, empty when there was none.
    pub query: String,
    /// The JSON body, `payload_json` for multipart, `Null` when empty.
    pub json: Value,
    /// `(field name, file name, bytes)` for each file part.
    pub files: Vec<(String, String, Vec<u8>)>,
    pub multipart: bool,
    /// The status the fake answered with.
    pub status: u16,
    /// The JSON the fake answered with (`Null` for 204 and raw bytes).
    pub response: Value,
    pub at: Instant,
}

impl Call {
    /// Same method (any case) and a path containing `fragment`.
    pub fn is(&self, method: &str, fragment: &str) -> bool {
        self.method.eq_ignore_ascii_case(method) && self.path.contains(fragment)
    }

    pub fn ok(&self) -> bool {
        (200..300).contains(&self.status)
    }

    /// The bytes of the first file part.
    pub fn file(&self) -> Option<&[u8]> {
        self.files.first().map(|(_, _, bytes)| bytes.as_slice())
    }

    /// The name of the first file part.
    pub fn file_name(&self) -> Option<&str> {
        self.files.first().map(|(_, name, _)| name.as_str())
    }

    /// `content` of a message body, or of `data` in an interaction callback.
    pub fn content(&self) -> &str {
        self.json["content"]
            .as_str()
            .or_else(|| self.json["data"]["content"].as_str())
            .unwrap_or("")
    }

    /// One line for failure messages: method, path, status, body, files.
    pub fn summary(&self) -> String {
        let mut json = self.json.to_string();
        if json.len() > 600 {
            let mut cut = 600;
            while !json.is_char_boundary(cut) {
                cut -= 1;
            }
            json.truncate(cut);
            json.push('…');
        }
        let files: Vec<String> = self
            .files
            .iter()
            .map(|(field, name, bytes)| format!("{field}={name} ({} B)", bytes.len()))
            .collect();
        let answer = if self.status >= 400 {
            format!(" => {}", self.response)
        } else {
            String::new()
        };
        format!(
            "{} {}{}{} -> {} {} [{}]{answer}",
            self.method,
            self.path,
            if self.query.is_empty() { "" } else { "?" },
            self.query,
            self.status,
            json,
            files.join(", ")
        )
    }
}

/// A request body taken apart.
#[derive(Debug, Default)]
pub struct Decoded {
    pub json: Value,
    pub files: Vec<(String, String, Vec<u8>)>,
    pub multipart: bool,
}

/// Reads a body the way Discord does; `Err` is a 400 message.
pub async fn decode(method: &Method, headers: &HeaderMap, body: Bytes) -> Result<Decoded, String> {
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .unwrap_or("")
        .to_string();
    if content_type.starts_with("multipart/form-data") {
        return decode_multipart(&content_type, body).await;
    }
    if body.is_empty() {
        return Ok(Decoded::default());
    }
    if method == Method::GET || method == Method::DELETE {
        return Ok(Decoded::default());
    }
    let json = serde_json::from_slice(&body).map_err(|e| format!("body is not JSON: {e}"))?;
    Ok(Decoded {
        json,
        ..Decoded::default()
    })
}

async fn decode_multipart(content_type: &str, body: Bytes) -> Result<Decoded, String> {
    let boundary = multer::parse_boundary(content_type).map_err(|e| e.to_string())?;
    let stream = futures_util::stream::once(async move { Ok::<Bytes, Infallible>(body) });
    let mut form = multer::Multipart::new(stream, boundary);
    let mut decoded = Decoded {
        multipart: true,
        ..Decoded::default()
    };
    let mut fields = Map::new();
    let mut payload = None;
    while let Some(field) = form.next_field().await.map_err(|e| e.to_string())? {
        let name = field.name().unwrap_or("").to_string();
        let file_name = field.file_name().map(str::to_string);
        let bytes = field.bytes().await.map_err(|e| e.to_string())?;
        if name == "payload_json" {
            payload = Some(
                serde_json::from_slice::<Value>(&bytes)
                    .map_err(|e| format!("payload_json is not JSON: {e}"))?,
            );
        } else if let Some(file_name) = file_name {
            decoded.files.push((name, file_name, bytes.to_vec()));
        } else {
            fields.insert(
                name,
                Value::String(String::from_utf8_lossy(&bytes).into_owned()),
            );
        }
    }
    decoded.json = match payload {
        Some(Value::Object(mut map)) => {
            for (key, value) in fields {
                map.entry(key).or_insert(value);
            }
            Value::Object(map)
        }
        Some(other) => other,
        None if fields.is_empty() => Value::Null,
        None => Value::Object(fields),
    };
    Ok(decoded)
}
