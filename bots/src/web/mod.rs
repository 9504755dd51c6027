//! The web front end: the upload page, the HTTP API, signed downloads,
//! health and metrics. `app` builds the router from shared state, so tests
//! drive it without a socket; `serve` runs it on a bound listener until the
//! shutdown future resolves, finishing requests already in flight.

mod api;
mod discord_hook;
mod download;
mod errors;
mod health;
mod history;
pub mod metrics;
mod page;
mod rate;
mod telegram_hook;

use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;

use axum::Router;
use axum::routing::{get, post};
use pixdrop::Core;
use tokio::net::TcpListener;

pub use metrics::Metrics;
pub use rate::RateLimit;
pub use telegram_hook::TelegramHook;

#[derive(Clone)]
pub struct AppState {
    pub core: Core,
    pub metrics: Arc<Metrics>,
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
        .route("/d/{id}", get(download::download))
        .route("/telegram/{secret}", post(telegram_hook::receive))
        .route("/discord/interactions", post(discord_hook::receive))
        .route("/healthz", get(health::live))
        .route("/readyz", get(health::ready))
        .route("/metrics", get(health::metrics))
        .with_state(state)
}

pub async fn serve(
    listener: TcpListener,
    state: AppState,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let service = app(state).into_make_service_with_connect_info::<SocketAddr>();
    axum::serve(listener, service)
        .with_graceful_shutdown(shutdown)
        .await
}
