//! The web front end: the upload page, the HTTP API (described at
//! `/api/openapi.json`), signed downloads (and deletion through them),
//! health and metrics. `app` builds the router from shared state, so tests
//! drive it without a socket; `serve` runs it on a bound listener, within
//! the time and connection bounds of `listen`, until the shutdown future
//! resolves, finishing requests already in flight.

mod api;
mod auth;
mod batch;
mod body_rate;
mod discord_hook;
mod download;
mod errors;
mod health;
mod history;
mod listen;
mod manifest;
mod openapi;
mod page;
mod page_text;
mod proxies;
mod rate;
mod telegram_hook;
mod tls;

use std::future::Future;
use std::sync::Arc;

use axum::routing::post;
use axum::{Extension, Router};
use pixdrop::Core;
use tokio::net::TcpListener;
use utoipa_axum::router::{OpenApiRouter, UtoipaMethodRouterExt};
use utoipa_axum::routes;

pub use api::MAX_BATCH;
pub use auth::{AuthMode, Caller};
pub use listen::Bounds;
pub use proxies::TrustedProxies;
pub use rate::{KEY_RATE_FACTOR, RateLimit};
pub use telegram_hook::TelegramHook;
pub use tls::{Tls, TlsProblem};

#[derive(Clone)]
pub struct AppState {
    pub core: Core,
    pub rate: Arc<RateLimit>,
    /// Set in Telegram webhook mode: where posted updates go.
    pub telegram: Option<TelegramHook>,
    /// Set when Discord interactions arrive over HTTP (`DISCORD_PUBLIC_KEY`).
    pub discord: Option<crate::discord::Endpoint>,
}

/// The router: the public API, routed by the same attributes that describe
/// it in `/api/openapi.json`, and the chat platforms' webhooks beside it.
pub fn app(state: AppState) -> Router {
    let paced = axum::middleware::from_fn_with_state(state.clone(), rate::limit);
    let (public, document) = OpenApiRouter::with_openapi(openapi::frame())
        .routes(routes!(page::index))
        .routes(routes!(manifest::manifest))
        .routes(routes!(manifest::icon))
        .routes(routes!(api::convert).map(|convert| convert.route_layer(paced)))
        .routes(routes!(api::formats))
        .routes(routes!(history::recent, history::forget))
        .routes(routes!(history::export))
        .routes(routes!(history::pause))
        .routes(routes!(download::download, download::delete))
        .routes(routes!(health::live))
        .routes(routes!(health::ready))
        .routes(routes!(health::metrics))
        .routes(routes!(openapi::document))
        .split_for_parts();
    public
        .layer(Extension(openapi::Served::new(&document)))
        .route("/telegram/{secret}", post(telegram_hook::receive))
        .route("/discord/interactions", post(discord_hook::receive))
        .layer(axum::middleware::from_fn(errors::in_language))
        .with_state(state)
}

/// `serve_within` the default bounds.
pub async fn serve(
    listener: TcpListener,
    state: AppState,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    serve_within(listener, state, Bounds::default(), None, shutdown).await
}

/// Serves `app(state)` on `listener` within `bounds`, over HTTPS when `tls`
/// is given, until `shutdown` resolves, then finishes the requests in flight.
pub async fn serve_within(
    listener: TcpListener,
    state: AppState,
    bounds: Bounds,
    tls: Option<Tls>,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let router = app(state).layer(axum::middleware::from_fn_with_state(
        bounds,
        body_rate::watch,
    ));
    listen::run(listener, router, bounds, tls, shutdown).await
}
