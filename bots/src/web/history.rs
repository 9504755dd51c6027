//! Users' rights over their history, for the web page: list the last ten,
//! export everything, pause or resume recording, erase it all. The user is
//! the random per-browser token the page keeps (header `x-pixdrop-token`),
//! hashed before it touches the database.

use axum::Json;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, header};
use axum::response::{IntoResponse, Response};
use pixdrop::UserError;
use pixdrop::history::{History, UserHash};
use serde_json::json;

use super::AppState;
use super::api::browser_user;
use super::errors::ApiError;
use super::openapi;

const RECENT: u32 = 10;

/// The history and the caller's hash.
fn caller(state: &AppState, headers: &HeaderMap) -> Result<(History, UserHash), ApiError> {
    let history = state
        .core
        .history()
        .cloned()
        .ok_or(ApiError(UserError::NoHistory))?;
    let user = browser_user(state, headers).ok_or(ApiError(UserError::NoToken))?;
    Ok((history, user))
}

/// A database outage is ridden out: 503 with a retry hint; the pool
/// reconnects on its own.
fn unavailable(error: sqlx::Error) -> Response {
    tracing::warn!("history query failed: {error}");
    ApiError(UserError::HistoryUnavailable { seconds: 60 }).into_response()
}

#[utoipa::path(
    get,
    path = "/api/history",
    tag = "history",
    params(openapi::HistoryParams),
    responses(openapi::RecentAnswers)
)]
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

#[utoipa::path(
    get,
    path = "/api/history/export",
    tag = "history",
    params(openapi::HistoryParams),
    responses(openapi::ExportAnswers)
)]
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

#[utoipa::path(
    post,
    path = "/api/history/pause",
    tag = "history",
    params(openapi::PauseParams),
    responses(openapi::PauseAnswers)
)]
pub async fn pause(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(query): Query<Vec<(String, String)>>,
) -> Response {
    let (history, user) = match caller(&state, &headers) {
        Ok(found) => found,
        Err(refusal) => return refusal.into_response(),
    };
    let on = query.iter().rev().find(|(key, _)| key == "on");
    let paused = !matches!(on.map(|(_, v)| v.as_str()), Some("0" | "false" | "off"));
    match history.pause(&user, paused).await {
        Ok(()) => Json(json!({ "paused": paused })).into_response(),
        Err(error) => unavailable(error),
    }
}

#[utoipa::path(
    delete,
    path = "/api/history",
    tag = "history",
    params(openapi::HistoryParams),
    responses(openapi::ForgetAnswers)
)]
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
