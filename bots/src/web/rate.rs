//! Pacing for conversions on the HTTP API: a `Cooldown` keyed by client
//! address, found through the trusted proxies (`proxies`), and one keyed by
//! API key for callers who present one (`auth`). Over the limit, the
//! answer is 429 with `Retry-After`.

use std::net::{IpAddr, Ipv4Addr, SocketAddr};

use axum::extract::{ConnectInfo, Request, State};
use axum::http::HeaderMap;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use pixdrop::Platform;
use pixdrop::history::KeyId;
use pixdrop::pool::Client;

use super::AppState;
use super::auth::{self, AuthMode, Caller};
use super::errors::ApiError;
use super::proxies::TrustedProxies;
use crate::cooldown::{self, Cooldown};

/// A key's budget when none is configured: this many times an address's.
pub const KEY_RATE_FACTOR: u32 = 4;

pub struct RateLimit {
    pace: Cooldown<IpAddr>,
    /// Each API key's own budget.
    keys: Cooldown<KeyId>,
    auth: AuthMode,
    proxies: TrustedProxies,
}

impl RateLimit {
    /// `per_minute` conversions per address, kept in this process, with the
    /// peer taken as the client; keys are optional and get
    /// `KEY_RATE_FACTOR` times that.
    pub fn per_minute(per_minute: u32) -> Self {
        Self {
            pace: Cooldown::per_minute(per_minute),
            keys: Cooldown::per_minute(per_minute.saturating_mul(KEY_RATE_FACTOR)),
            auth: AuthMode::default(),
            proxies: TrustedProxies::default(),
        }
    }

    /// Treats API keys as `auth` says, each key allowed `per_minute`
    /// conversions a minute.
    pub fn keyed(self, auth: AuthMode, per_minute: u32) -> Self {
        Self {
            keys: Cooldown::per_minute(per_minute),
            auth,
            ..self
        }
    }

    /// Keeps the buckets in Redis when `shared` is given (see `Cooldown::across`).
    pub fn across(self, shared: Option<&cooldown::Shared>) -> Self {
        Self {
            pace: self.pace.across(shared, "web"),
            keys: self.keys.across(shared, "key"),
            ..self
        }
    }

    /// Believes `X-Forwarded-For` from these proxies (see `proxies`).
    pub fn behind(self, proxies: TrustedProxies) -> Self {
        Self { proxies, ..self }
    }

    /// The unit a request is counted by: its client's address, or /64.
    fn client(&self, peer: IpAddr, headers: &HeaderMap) -> IpAddr {
        network(self.proxies.client(peer, headers))
    }
}

/// Checks the caller's key, paces the caller (by key, else by address),
/// and tells the handler who it is: the `Client` (for the pool's fair
/// queue and the store's per-client share) and the `Caller`.
pub async fn limit(State(state): State<AppState>, mut request: Request, next: Next) -> Response {
    let peer = request
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map_or(IpAddr::V4(Ipv4Addr::LOCALHOST), |info| info.0.ip());
    let address = state.rate.client(peer, request.headers());
    let rate = &state.rate;
    let admitted = match auth::identify(&state.core, rate.auth, request.headers()).await {
        Ok(Some(key)) => rate.keys.admit(&key).await.map(|()| Some(key)),
        Ok(None) => rate.pace.admit(&address).await.map(|()| None),
        Err(error) => Err(error),
    };
    match admitted {
        Ok(key) => {
            request.extensions_mut().insert(Client::of(address));
            request.extensions_mut().insert(Caller { key, address });
            next.run(request).await
        }
        Err(error) => {
            state.core.count_refusal(Platform::Web, &error);
            ApiError(error).into_response()
        }
    }
}

/// The unit one client is counted by: an IPv4 address, or an IPv6 /64 (one
/// subscriber's network, in which addresses are free to rotate).
fn network(address: IpAddr) -> IpAddr {
    match address {
        IpAddr::V6(v6) => {
            let prefix = u128::from(v6) & !((1u128 << 64) - 1);
            IpAddr::V6(prefix.into())
        }
        v4 => v4,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ipv6_addresses_in_one_64_are_one_client() {
        let a: IpAddr = "2001:db8:1:2:aaaa::1".parse().unwrap();
        let b: IpAddr = "2001:db8:1:2:ffff::9".parse().unwrap();
        let other: IpAddr = "2001:db8:1:3::1".parse().unwrap();
        assert_eq!(network(a), network(b));
        assert_ne!(network(a), network(other));
        let v4: IpAddr = "192.0.2.7".parse().unwrap();
        assert_eq!(network(v4), v4);
    }

    #[test]
    fn a_forwarded_ipv6_client_is_counted_by_its_64() {
        let rate = RateLimit::per_minute(60).behind("127.0.0.1".parse().unwrap());
        let mut headers = HeaderMap::new();
        headers.insert("x-forwarded-for", "2001:db8:1:2:aaaa::1".parse().unwrap());
        let loopback = IpAddr::V4(Ipv4Addr::LOCALHOST);
        let expected: IpAddr = "2001:db8:1:2::".parse().unwrap();
        assert_eq!(rate.client(loopback, &headers), expected);
    }
}
