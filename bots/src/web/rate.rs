//! Per-IP rate limiting for conversions: a token bucket per client address
//! (governor). Over the limit, the answer is 429 with `Retry-After`.

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::num::NonZeroU32;

use axum::extract::{ConnectInfo, Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::Response;
use governor::clock::{Clock, DefaultClock};
use governor::{Quota, RateLimiter};

use super::AppState;
use super::errors::plain;

type Keyed =
    RateLimiter<IpAddr, governor::state::keyed::DefaultKeyedStateStore<IpAddr>, DefaultClock>;

pub struct RateLimit {
    limiter: Keyed,
}

impl RateLimit {
    /// `per_minute` conversions per address, with bursts of up to a fifth of that.
    pub fn per_minute(per_minute: u32) -> Self {
        let rate = NonZeroU32::new(per_minute.max(1)).expect("at least 1");
        let burst = NonZeroU32::new((per_minute / 5).max(1)).expect("at least 1");
        Self {
            limiter: RateLimiter::keyed(Quota::per_minute(rate).allow_burst(burst)),
        }
    }

    /// Seconds to wait, or `None` when this address may go ahead now.
    fn check(&self, address: IpAddr) -> Option<u64> {
        self.limiter.check_key(&address).err().map(|not_until| {
            not_until
                .wait_time_from(DefaultClock::default().now())
                .as_secs()
                .max(1)
        })
    }
}

pub async fn limit(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let address = request
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map_or(IpAddr::V4(Ipv4Addr::LOCALHOST), |info| info.0.ip());
    let Some(wait) = state.rate.check(address) else {
        return next.run(request).await;
    };
    state.metrics.rate_limited();
    let message = format!("Too many conversions from your address. Try again in {wait} seconds.");
    let mut response = plain(StatusCode::TOO_MANY_REQUESTS, "rate-limited", &message);
    if let Ok(value) = HeaderValue::from_str(&wait.to_string()) {
        response.headers_mut().insert(header::RETRY_AFTER, value);
    }
    response
}
