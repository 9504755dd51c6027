//! The web front end: the upload page, the HTTP API, signed downloads
//! (and deletion through them), health and metrics. `app` builds the router from shared state, so tests
//! drive it without a socket; `serve` runs it on a bound listener, within
//! the time and connection bounds of `listen`, until the shutdown future
//! resolves, finishing requests already in flight.

mod api;
mod auth;
mod body_rate;
mod discord_hook;
mod download;
mod errors;
mod health;
mod history;
mod listen;
mod page;
mod proxies;
mod rate;
mod telegram_hook;

use std::future::Future;
use std::sync::Arc;

use axum::Router;
use axum::routing::{get, post};
use pixdrop::Core;
use tokio::net::TcpListener;

pub use auth::{AuthMode, Caller};
pub use listen::Bounds;
pub use proxies::TrustedProxies;
pub use rate::{KEY_RATE_FACTOR, RateLimit};
pub use telegram_hook::TelegramHook;

#[derive(Clone)]
pub struct AppState {
    pub core: Core,
    pub rate: Arc<RateLimit>,
    /// Set in Telegram webhook mode: where posted updates go.
    pub telegram: Option<TelegramHook>,
    /// Set when Discord interactions arrive over HTTP (`DISCORD_PUBLIC_KEY`).
    pub discord: Option<crate::discord::Endpoint>,
}

pub fn app(state: AppState) -> Router {
    let convert = post(api::convert).route_layer(axum::middleware::from_fn_with_state(
        state.clone(),
        rate::limit,
    ));
    Router::new()
        .route("/", get(page::index))
        .route("/api/convert", convert)
        .route("/api/formats", get(api::formats))
        .route("/api/history", get(history::recent).delete(history::forget))
        .route("/api/history/export", get(history::export))
        .route("/api/history/pause", post(history::pause))
        .route("/d/{id}", get(download::download).delete(download::delete))
        .route("/telegram/{secret}", post(telegram_hook::receive))
        .route("/discord/interactions", post(discord_hook::receive))
        .route("/healthz", get(health::live))
        .route("/readyz", get(health::ready))
        .route("/metrics", get(health::metrics))
        .layer(axum::middleware::from_fn(errors::in_language))
        .with_state(state)
}

/// `serve_within` the default bounds.
pub async fn serve(
    listener: TcpListener,
    state: AppState,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    serve_within(listener, state, Bounds::default(), shutdown).await
}

/// Serves `app(state)` on `listener` within `bounds` until `shutdown`
/// resolves, then finishes the requests in flight.
pub async fn serve_within(
    listener: TcpListener,
    state: AppState,
    bounds: Bounds,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let router = app(state).layer(axum::middleware::from_fn_with_state(
        bounds,
        body_rate::watch,
    ));
    listen::run(listener, router, bounds, shutdown).await
}
