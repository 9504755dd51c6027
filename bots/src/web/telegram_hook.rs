//! `POST /telegram/<secret>`: Telegram's webhook, for deployments that
//! prefer it to long polling. The secret must match both in the path and in
//! `X-Telegram-Bot-Api-Secret-Token`; the update is queued for the
//! Telegram adapter and acknowledged at once.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use teloxide::types::Update;
use tokio::sync::mpsc;

use super::AppState;

#[derive(Clone, Debug)]
pub struct TelegramHook {
    pub secret: String,
    pub updates: mpsc::Sender<Update>,
}

pub async fn receive(
    State(state): State<AppState>,
    Path(secret): Path<String>,
    headers: HeaderMap,
    Json(update): Json<Update>,
) -> StatusCode {
    let Some(hook) = &state.telegram else {
        return StatusCode::NOT_FOUND;
    };
    let header = headers
        .get("x-telegram-bot-api-secret-token")
        .and_then(|v| v.to_str().ok());
    if !constant_time_eq(secret.as_bytes(), hook.secret.as_bytes())
        || !header.is_some_and(|h| constant_time_eq(h.as_bytes(), hook.secret.as_bytes()))
    {
        return StatusCode::FORBIDDEN;
    }
    match hook.updates.try_send(update) {
        Ok(()) => StatusCode::OK,
        Err(_) => StatusCode::SERVICE_UNAVAILABLE,
    }
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}
