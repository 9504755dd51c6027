//! Per-address pacing for conversions on the HTTP API: a `Cooldown` keyed
//! by client address, found through the trusted proxies (`proxies`). Over
//! the limit, the answer is 429 with `Retry-After`.

use std::net::{IpAddr, Ipv4Addr, SocketAddr};

use axum::extract::{ConnectInfo, Request, State};
use axum::http::HeaderMap;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use pixdrop::Platform;
use pixdrop::pool::Client;

use super::AppState;
use super::errors::ApiError;
use super::proxies::TrustedProxies;
use crate::cooldown::{self, Cooldown};

pub struct RateLimit {
    pace: Cooldown<IpAddr>,
    proxies: TrustedProxies,
}

impl RateLimit {
    /// `per_minute` conversions per address, kept in this process, with the
    /// peer taken as the client.
    pub fn per_minute(per_minute: u32) -> Self {
        Self {
            pace: Cooldown::per_minute(per_minute),
            proxies: TrustedProxies::default(),
        }
    }

    /// Keeps the buckets in Redis when `shared` is given (see `Cooldown::across`).
    pub fn across(self, shared: Option<&cooldown::Shared>) -> Self {
        Self {
            pace: self.pace.across(shared, "web"),
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

/// Paces the caller, and tells the handler which client it is (for the
/// pool's fair queue and the store's per-client share).
pub async fn limit(State(state): State<AppState>, mut request: Request, next: Next) -> Response {
    let peer = request
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map_or(IpAddr::V4(Ipv4Addr::LOCALHOST), |info| info.0.ip());
    let address = state.rate.client(peer, request.headers());
    match state.rate.pace.admit(&address).await {
        Ok(()) => {
            request.extensions_mut().insert(Client::of(address));
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
