//! Per-address pacing for conversions on the HTTP API: a `Cooldown` keyed
//! by client address. Over the limit, the answer is 429 with `Retry-After`.

use std::net::{IpAddr, Ipv4Addr, SocketAddr};

use axum::extract::{ConnectInfo, Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use super::AppState;
use super::errors::ApiError;
use crate::cooldown::Cooldown;

pub type RateLimit = Cooldown<IpAddr>;

pub async fn limit(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let address = request
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map_or(IpAddr::V4(Ipv4Addr::LOCALHOST), |info| info.0.ip());
    match state.rate.admit(&address) {
        Ok(()) => next.run(request).await,
        Err(error) => {
            state.metrics.rate_limited();
            ApiError(error).into_response()
        }
    }
}
