//! `POST /discord/interactions`: Discord's interactions endpoint, for
//! deployments that take interactions over HTTP. Unsigned or stale requests
//! get 401 (Discord itself probes this when the URL is saved); verified ones
//! get the interaction's first answer as JSON.

use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};

use super::AppState;
use crate::discord::Refusal;

pub async fn receive(State(state): State<AppState>, headers: HeaderMap, body: Bytes) -> Response {
    let Some(endpoint) = &state.discord else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let header = |name: &str| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
    };
    let answered = match endpoint.verify(
        header("x-signature-ed25519"),
        header("x-signature-timestamp"),
        &body,
    ) {
        Ok(()) => endpoint.answer(&body).await,
        Err(refusal) => Err(refusal),
    };
    match answered {
        Ok(answer) => Json(answer).into_response(),
        Err(Refusal::Unsigned) => {
            (StatusCode::UNAUTHORIZED, "invalid request signature").into_response()
        }
        Err(Refusal::Malformed) => StatusCode::BAD_REQUEST.into_response(),
    }
}
