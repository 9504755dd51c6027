//! A batch: several `file` parts in one `POST /api/convert`. Each image
//! converts on its own, in part order, one after another so a batch costs
//! its sender one conversion's memory at a time; one image's mistake is
//! that image's entry, not the batch's. The answer lists every entry and
//! offers one ZIP of the results (`Core::bundle`), or is that ZIP itself
//! when the caller asked for bytes. Under an `Idempotency-Key`, part `n`
//! runs once under `KEY/n`. A failed entry's message is in the request's
//! `Accept-Language` language, like a refusal's.

use axum::Json;
use axum::response::{IntoResponse, Response};
use pixdrop::pool::Client;
use pixdrop::{Job, Lang, Reply, UserError};
use serde_json::{Value, json};

use super::AppState;
use super::api::{download_response, reply_json, run};
use super::auth::Caller;
use super::errors::{self, ApiError};

pub async fn answer(
    state: &AppState,
    client: Client,
    caller: &Caller,
    key: Option<&str>,
    jobs: Vec<Job>,
    wants_bytes: bool,
    lang: Lang,
) -> Response {
    let mut outcomes = Vec::with_capacity(jobs.len());
    for (n, job) in jobs.into_iter().enumerate() {
        let part_key = key.map(|key| format!("{key}/{n}"));
        outcomes.push(run(state, caller, part_key.as_deref(), job).await);
    }
    let done: Vec<Reply> = outcomes
        .iter()
        .filter_map(|o| o.as_ref().ok())
        .cloned()
        .collect();
    if done.is_empty() {
        let first = outcomes.into_iter().find_map(Result::err);
        return ApiError(first.unwrap_or(UserError::NoFileInForm)).into_response();
    }
    let bundle = state.core.bundle(&done, client).await;
    if wants_bytes {
        return match bundle {
            Ok(zip) => download_response(
                &zip.bytes,
                "application/zip",
                &zip.file_name(),
                zip.expires_at,
            ),
            Err(error) => ApiError(error).into_response(),
        };
    }
    let results: Vec<Value> = outcomes
        .iter()
        .map(|outcome| match outcome {
            Ok(reply) => reply_json(reply),
            Err(error) => errors::body(error, lang),
        })
        .collect();
    let zip = match bundle {
        Ok(zip) => json!({
            "id": zip.id.to_string(),
            "url": zip.link,
            "expires_at": zip.expires_at,
            "bytes": zip.bytes.len(),
            "files": done.len(),
        }),
        Err(error) => errors::body(&error, lang),
    };
    Json(json!({ "results": results, "zip": zip })).into_response()
}
