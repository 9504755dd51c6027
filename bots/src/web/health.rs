//! `/healthz` (the process answers), `/readyz` (the store can be reached)
//! and `/metrics` (the core's Prometheus text).

use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};

use super::AppState;
use super::openapi;

#[utoipa::path(get, path = "/healthz", tag = "meta", responses(openapi::LiveAnswers))]
pub async fn live() -> &'static str {
    "ok\n"
}

#[utoipa::path(get, path = "/readyz", tag = "meta", responses(openapi::ReadyAnswers))]
pub async fn ready(State(state): State<AppState>) -> Response {
    match state.core.ready().await {
        Ok(()) => (StatusCode::OK, "ready\n").into_response(),
        Err(what) => (StatusCode::SERVICE_UNAVAILABLE, format!("{what}\n")).into_response(),
    }
}

#[utoipa::path(
    get,
    path = "/metrics",
    tag = "meta",
    responses(openapi::MetricsAnswers)
)]
pub async fn metrics(State(state): State<AppState>) -> Response {
    (
        [(
            header::CONTENT_TYPE,
            "text/plain; version=0.0.4; charset=utf-8",
        )],
        state.core.metrics_text().await,
    )
        .into_response()
}
