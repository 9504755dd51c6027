//! Users' rights over their history, for the web page: list the last ten,
//! export everything, pause or resume recording, erase it all. The user is
//! the random per-browser token the page keeps (header `x-pixdrop-token`),
//! hashed before it touches the database.

use axum::Json;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use pixdrop::history::{History, UserHash};
use serde::Deserialize;
use serde_json::json;

use super::AppState;
use super::api::browser_user;
use super::errors::plain;

const RECENT: u32 = 10;

/// Why a history request can't be served.
enum Refusal {
    NoHistory,
    NoToken,
}

impl IntoResponse for Refusal {
    fn into_response(self) -> Response {
        match self {
            Self::NoHistory => plain(
                StatusCode::SERVICE_UNAVAILABLE,
                "no-history",
                "This server keeps no history.",
            ),
            Self::NoToken => plain(
                StatusCode::BAD_REQUEST,
                "no-token",
                "Send your browser token in the x-pixdrop-token header (16 to 128 characters).",
            ),
        }
    }
}

/// The history and the caller's hash.
fn caller(state: &AppState, headers: &HeaderMap) -> Result<(History, UserHash), Refusal> {
    let history = state.core.history().cloned().ok_or(Refusal::NoHistory)?;
    let user = browser_user(state, headers).ok_or(Refusal::NoToken)?;
    Ok((history, user))
}

/// A database outage is ridden out: 503 with a retry hint; the pool
/// reconnects on its own.
fn unavailable(error: sqlx::Error) -> Response {
    tracing::warn!("history query failed: {error}");
    let mut response = plain(
        StatusCode::SERVICE_UNAVAILABLE,
        "history-unavailable",
        "Your history can't be reached right now. Try again in a minute.",
    );
    response
        .headers_mut()
        .insert(header::RETRY_AFTER, header::HeaderValue::from_static("60"));
    response
}

pub async fn recent(State(state): State<AppState>, headers: HeaderMap) -> Response {
    let (history, user) = match caller(&state, &headers) {
        Ok(found) => found,
        Err(refusal) => return refusal.into_response(),
    };
    match history.for_user(&user, Some(RECENT)).await {
        Ok(records) => Json(json!({
            "records": crate::export::document(&records)["records"],
            "paused": history.is_paused(&user).await.unwrap_or(false),
        }))
        .into_response(),
        Err(error) => unavailable(error),
    }
}

pub async fn export(State(state): State<AppState>, headers: HeaderMap) -> Response {
    let (history, user) = match caller(&state, &headers) {
        Ok(found) => found,
        Err(refusal) => return refusal.into_response(),
    };
    match history.for_user(&user, None).await {
        Ok(records) => (
            [(
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"pixdrop-history.json\"",
            )],
            Json(crate::export::document(&records)),
        )
            .into_response(),
        Err(error) => unavailable(error),
    }
}

#[derive(Deserialize)]
pub struct PauseQuery {
    on: Option<String>,
}

pub async fn pause(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(query): Query<PauseQuery>,
) -> Response {
    let (history, user) = match caller(&state, &headers) {
        Ok(found) => found,
        Err(refusal) => return refusal.into_response(),
    };
    let paused = !matches!(query.on.as_deref(), Some("0" | "false" | "off"));
    match history.pause(&user, paused).await {
        Ok(()) => Json(json!({ "paused": paused })).into_response(),
        Err(error) => unavailable(error),
    }
}

pub async fn forget(State(state): State<AppState>, headers: HeaderMap) -> Response {
    let (history, user) = match caller(&state, &headers) {
        Ok(found) => found,
        Err(refusal) => return refusal.into_response(),
    };
    match history.forget(&user).await {
        Ok(erased) => Json(json!({ "erased": erased })).into_response(),
        Err(error) => unavailable(error),
    }
}
