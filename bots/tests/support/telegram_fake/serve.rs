//! The fake's HTTP side: `/bot<token>/<method>` calls recorded and
//! answered by `methods` (or by an injected failure), long polling as
//! Telegram does it, and `/file/bot<token>/<path>` downloads, served at once,
//! late or stalling as a test asked.

use std::collections::VecDeque;
use std::sync::Arc;
use std::time::Duration;

use axum::body::Body;
use axum::extract::{Path, State as With};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::{Map, Value, json};
use tokio::time::Instant;

use super::state::{Inner, State};
use super::{ApiError, FailWith, Slow, TOKEN, call, methods};

/// The longest a `getUpdates` is held open, whatever `timeout` asks:
/// teloxide's client gives up after 17 s, and tests should not wait long.
const LONG_POLL_CAP: Duration = Duration::from_secs(2);

pub(super) async fn method(
    With(inner): With<Arc<Inner>>,
    Path((token, method)): Path<(String, String)>,
    headers: HeaderMap,
    body: Body,
) -> Response {
    if token.strip_prefix("bot") != Some(TOKEN) {
        return reply(Err(ApiError::new(401, "Unauthorized")));
    }
    let method = method.to_ascii_lowercase();
    let (fields, files) = match call::decode(&headers, body).await {
        Ok(decoded) => decoded,
        Err(why) => return reply(Err(ApiError::bad(&why))),
    };
    if method == "getupdates" {
        return reply(get_updates(&inner, fields).await);
    }
    let outcome = {
        let mut state = inner.lock();
        let failure = state
            .failures
            .get_mut(&method)
            .and_then(VecDeque::pop_front);
        let outcome = match failure {
            Some(failure) => Err(failure.into()),
            None => methods::answer(&mut state, &method, &fields, &files),
        };
        let index = state.record(inner.started, &method, fields);
        state.calls[index].files = files;
        state.complete(index, &outcome);
        outcome
    };
    inner.changed.notify_waiters();
    reply(outcome)
}

/// Long polling as Telegram does it: confirm everything below `offset`,
/// answer at once when something is queued, else wait up to `timeout`
/// (capped) for an update. A newer `getUpdates` ends an open one with 409,
/// and polling while a webhook is set is a 409 too.
async fn get_updates(inner: &Inner, fields: Map<String, Value>) -> Result<Value, ApiError> {
    let int = |key: &str| fields.get(key).and_then(call::int_of);
    let offset = int("offset").unwrap_or(0);
    let limit = int("limit").unwrap_or(100).clamp(1, 100) as usize;
    let wait = Duration::from_secs(int("timeout").unwrap_or(0).max(0) as u64).min(LONG_POLL_CAP);
    let allowed = fields.get("allowed_updates").and_then(call::json_of);
    let allowed: Option<Vec<String>> = allowed.and_then(|a| serde_json::from_value(a).ok());
    let (index, generation, failure) = {
        let mut state = inner.lock();
        if let Some(names) = allowed {
            state.allowed = Some(names).filter(|names| !names.is_empty());
        }
        state.poll_generation += 1;
        let mut failure = state
            .failures
            .get_mut("getupdates")
            .and_then(VecDeque::pop_front);
        if state.webhook.is_some() {
            let conflict = "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first";
            failure = Some(FailWith::Status(409, conflict.into()));
        }
        let index = state.record(inner.started, "getupdates", fields);
        (index, state.poll_generation, failure)
    };
    inner.changed.notify_waiters();
    let deadline = Instant::now() + wait;
    let outcome = match failure {
        Some(failure) => Err(failure.into()),
        None => {
            let answer = |inner: &Inner| poll(&mut inner.lock(), generation, offset, limit);
            match inner.until(deadline, answer).await {
                Some(outcome) => outcome,
                None => Ok(json!([])),
            }
        }
    };
    inner.lock().complete(index, &outcome);
    inner.changed.notify_waiters();
    outcome
}

/// One look at the queue for an open poll: `None` while it should wait.
fn poll(
    state: &mut State,
    generation: u64,
    offset: i64,
    limit: usize,
) -> Option<Result<Value, ApiError>> {
    if state.poll_generation != generation {
        return Some(Err(ApiError::new(
            409,
            "Conflict: terminated by other getUpdates request; make sure that only one bot instance is running",
        )));
    }
    if offset > 0 {
        state
            .updates
            .retain(|u| u["update_id"].as_i64() >= Some(offset));
    }
    let batch: Vec<Value> = state
        .updates
        .iter()
        .filter(|u| state.allows(u))
        .take(limit)
        .cloned()
        .collect();
    if batch.is_empty() {
        return None;
    }
    for update in &batch {
        state
            .delivered
            .insert(update["update_id"].as_u64().unwrap_or_default());
    }
    Some(Ok(Value::Array(batch)))
}

/// `GET /file/bot<token>/<file_path>`; the path may arrive as one
/// percent-encoded segment (`documents%2Ffile_1.png`) or as plain segments.
pub(super) async fn download(
    With(inner): With<Arc<Inner>>,
    Path((token, path)): Path<(String, String)>,
) -> Response {
    let (bytes, slow) = {
        let mut state = inner.lock();
        let file = state.files.values().find(|file| file.path == path);
        let bytes = file.and_then(|file| file.bytes.clone());
        let bytes = bytes.filter(|_| token.strip_prefix("bot") == Some(TOKEN));
        let mut fields = Map::new();
        fields.insert("file_path".into(), json!(path));
        let index = state.record(inner.started, "download", fields);
        state.calls[index].status = Some(if bytes.is_some() { 200 } else { 404 });
        (bytes, state.slow.get(&path).copied())
    };
    inner.changed.notify_waiters();
    let Some(bytes) = bytes else {
        return reply(Err(ApiError::new(404, "Not Found")));
    };
    let body = paced(bytes.as_ref().clone(), slow);
    ([(header::CONTENT_TYPE, "application/octet-stream")], body).into_response()
}

/// A file's body, at once or as `slow` says.
fn paced(bytes: Vec<u8>, slow: Option<Slow>) -> Body {
    use futures_util::{StreamExt, stream};
    type Chunk = Result<Vec<u8>, std::convert::Infallible>;
    match slow {
        None => Body::from(bytes),
        Some(Slow::Late(pause)) => Body::from_stream(stream::once(async move {
            tokio::time::sleep(pause).await;
            Chunk::Ok(bytes)
        })),
        Some(Slow::Stall(sent)) => {
            let head = bytes[..sent.min(bytes.len())].to_vec();
            Body::from_stream(stream::iter([Chunk::Ok(head)]).chain(stream::pending()))
        }
    }
}

pub(super) fn reply(outcome: Result<Value, ApiError>) -> Response {
    let error = match outcome {
        Ok(result) => return axum::Json(json!({"ok": true, "result": result})).into_response(),
        Err(error) => error,
    };
    let mut body = json!({"ok": false, "error_code": error.code, "description": error.description});
    if let Some(seconds) = error.retry_after {
        body["parameters"] = json!({"retry_after": seconds});
    }
    let status = StatusCode::from_u16(error.code).unwrap_or(StatusCode::BAD_REQUEST);
    (status, axum::Json(body)).into_response()
}
