//! An answer as discord.com gives it, kept plain so it can be built under
//! the state lock and recorded: JSON bodies and Discord's error shapes
//! (`{"message", "code"}`, the nested 50035 form errors, 429 with its wait
//! and bucket headers), raw CDN bytes, or bytes that then stall.

use axum::body::Body;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::{Map, Value, json};

use super::payloads;
use super::schema::Problems;

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

    pub fn json(status: u16, value: Value) -> Self {
        Self {
            status,
            payload: Payload::Json(value),
            headers: Vec::new(),
        }
    }

    pub fn no_content() -> Self {
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

    pub fn unknown_interaction() -> Self {
        Self::error(404, 10062, "Unknown interaction")
    }

    pub fn unknown_webhook() -> Self {
        Self::error(404, 10015, "Unknown Webhook")
    }

    pub fn unknown_message() -> Self {
        Self::error(404, 10008, "Unknown Message")
    }

    /// 400 code 50035 with Discord's nested `errors` object.
    pub fn invalid_form(problems: Problems) -> Self {
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
    pub fn rate_limited(secs: f64) -> Self {
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

    /// 200 with `bytes`; with `stall`, only that many, then nothing more
    /// on an open connection.
    pub fn bytes(bytes: Vec<u8>, content_type: String, stall: Option<usize>) -> Self {
        let payload = match stall {
            Some(sent) => Payload::Stalled(bytes[..sent.min(bytes.len())].to_vec(), content_type),
            None => Payload::Bytes(bytes, content_type),
        };
        Self {
            status: 200,
            payload,
            headers: Vec::new(),
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
