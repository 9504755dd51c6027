//! `/healthz` (the process answers), `/readyz` (the store can be reached)
//! and `/metrics` (Prometheus text).

use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};

use super::AppState;

pub async fn live() -> &'static str {
    "ok\n"
}

pub async fn ready(State(state): State<AppState>) -> Response {
    if state.core.store.ping().await.is_err() {
        return (StatusCode::SERVICE_UNAVAILABLE, "store unreachable\n").into_response();
    }
    if let Some(history) = &state.core.history
        && history.ping().await.is_err()
    {
        return (StatusCode::SERVICE_UNAVAILABLE, "history unreachable\n").into_response();
    }
    (StatusCode::OK, "ready\n").into_response()
}

pub async fn metrics(State(state): State<AppState>) -> Response {
    let stats = state.core.store.stats().await.unwrap_or_default();
    let history_failures = state.core.history.as_ref().map_or(0, |h| h.failures());
    let text = state
        .metrics
        .render(&stats, state.core.pool.depth(), history_failures);
    (
        [(
            header::CONTENT_TYPE,
            "text/plain; version=0.0.4; charset=utf-8",
        )],
        text,
    )
        .into_response()
}
