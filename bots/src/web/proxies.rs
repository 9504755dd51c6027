//! Which address a request really came from. `PIXDROP_TRUSTED_PROXIES`
//! lists the reverse proxies in front of us; only a request whose peer is
//! one of them has its `X-Forwarded-For` believed, and then only up to the
//! rightmost hop that is not itself trusted: everything left of that was
//! written by the client and proves nothing. Unset, the header is ignored.

use std::net::{IpAddr, SocketAddr};
use std::str::FromStr;

use axum::http::HeaderMap;
use ipnet::IpNet;

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TrustedProxies(Vec<IpNet>);

impl FromStr for TrustedProxies {
    type Err = String;

    /// Comma-separated addresses or CIDRs, IPv4 or IPv6.
    fn from_str(text: &str) -> Result<Self, String> {
        text.split(',')
            .map(str::trim)
            .filter(|entry| !entry.is_empty())
            .map(|entry| {
                entry
                    .parse::<IpNet>()
                    .map(|net| net.trunc())
                    .or_else(|_| entry.parse::<IpAddr>().map(IpNet::from))
                    .map_err(|_| {
                        format!(
                            "`{entry}` is not an address or CIDR (like 10.0.0.0/8, 192.0.2.7 or 2001:db8::/32)"
                        )
                    })
            })
            .collect::<Result<_, _>>()
            .map(Self)
    }
}

impl TrustedProxies {
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    fn trusts(&self, address: IpAddr) -> bool {
        self.0.iter().any(|net| net.contains(&address))
    }

    /// The client behind `peer`: the peer itself unless it is a trusted
    /// proxy; then, reading `X-Forwarded-For` from the right, the first hop
    /// that is not trusted. A hop that can't be read ends the walk at the
    /// trusted proxy that passed it on, so junk never picks an address.
    pub fn client(&self, peer: IpAddr, headers: &HeaderMap) -> IpAddr {
        let peer = peer.to_canonical();
        if !self.trusts(peer) {
            return peer;
        }
        let values: Vec<_> = headers.get_all("x-forwarded-for").iter().collect();
        let mut nearest = peer;
        for value in values.into_iter().rev() {
            let Ok(value) = value.to_str() else {
                return nearest;
            };
            for hop in value.rsplit(',') {
                let Some(hop) = address_of(hop) else {
                    return nearest;
                };
                if !self.trusts(hop) {
                    return hop;
                }
                nearest = hop;
            }
        }
        nearest
    }
}

/// One `X-Forwarded-For` entry: an address, with or without a port.
fn address_of(hop: &str) -> Option<IpAddr> {
    let hop = hop.trim();
    hop.parse::<IpAddr>()
        .or_else(|_| hop.parse::<SocketAddr>().map(|s| s.ip()))
        .ok()
        .map(|ip| ip.to_canonical())
}

#[cfg(test)]
mod tests {
    use axum::http::HeaderValue;

    use super::*;

    fn ip(text: &str) -> IpAddr {
        text.parse().unwrap()
    }

    fn forwarded(values: &[&str]) -> HeaderMap {
        let mut headers = HeaderMap::new();
        for value in values {
            headers.append("x-forwarded-for", HeaderValue::from_str(value).unwrap());
        }
        headers
    }

    fn proxies(text: &str) -> TrustedProxies {
        text.parse().unwrap()
    }

    #[test]
    fn the_rightmost_hop_that_is_not_trusted_is_the_client() {
        let trusted = proxies("10.0.0.0/8, 192.0.2.1");
        let headers = forwarded(&["6.6.6.6, 203.0.113.9, 10.1.2.3"]);
        assert_eq!(trusted.client(ip("192.0.2.1"), &headers), ip("203.0.113.9"));
        let split = forwarded(&["6.6.6.6", "203.0.113.9", "10.1.2.3"]);
        assert_eq!(trusted.client(ip("10.9.9.9"), &split), ip("203.0.113.9"));
    }

    #[test]
    fn an_untrusted_peer_is_the_client_whatever_it_forwards() {
        let trusted = proxies("10.0.0.0/8");
        let headers = forwarded(&["203.0.113.9"]);
        assert_eq!(
            trusted.client(ip("198.51.100.4"), &headers),
            ip("198.51.100.4")
        );
        let nobody = TrustedProxies::default();
        assert_eq!(nobody.client(ip("127.0.0.1"), &headers), ip("127.0.0.1"));
    }

    #[test]
    fn without_an_untrusted_hop_the_furthest_trusted_one_is_the_client() {
        let trusted = proxies("10.0.0.0/8");
        assert_eq!(
            trusted.client(ip("10.0.0.1"), &HeaderMap::new()),
            ip("10.0.0.1")
        );
        let headers = forwarded(&["10.0.0.7, 10.0.0.3"]);
        assert_eq!(trusted.client(ip("10.0.0.1"), &headers), ip("10.0.0.7"));
    }

    #[test]
    fn junk_stops_at_the_trusted_hop_that_passed_it_on() {
        let trusted = proxies("10.0.0.0/8");
        let headers = forwarded(&["203.0.113.9, not-an-address, 10.0.0.5"]);
        assert_eq!(trusted.client(ip("10.0.0.1"), &headers), ip("10.0.0.5"));
    }

    #[test]
    fn ports_brackets_and_mapped_addresses_are_read() {
        let trusted = proxies("2001:db8::/32, 10.0.0.1");
        let headers = forwarded(&["203.0.113.9:5000, [2001:db8:ffff::1]:443, 2001:db8::2"]);
        assert_eq!(
            trusted.client(ip("::ffff:10.0.0.1"), &headers),
            ip("203.0.113.9")
        );
        let v6 = forwarded(&["2a00:1450::1, 2001:db8::2"]);
        assert_eq!(trusted.client(ip("2001:db8::9"), &v6), ip("2a00:1450::1"));
    }

    #[test]
    fn entries_are_addresses_or_cidrs_and_a_bad_one_is_named() {
        let parsed = proxies("127.0.0.1,10.0.0.0/8 , ::1, fd00::/8");
        assert_eq!(parsed.0.len(), 4);
        assert!(parsed.trusts(ip("10.200.0.1")));
        assert!(parsed.trusts(ip("fd12::1")));
        assert!(!parsed.trusts(ip("11.0.0.1")));
        let error = "10.0.0.0/8, proxy.local"
            .parse::<TrustedProxies>()
            .unwrap_err();
        assert!(error.contains("`proxy.local`"), "{error}");
        assert!("10.0.0.0/33".parse::<TrustedProxies>().is_err());
        assert!("".parse::<TrustedProxies>().unwrap().is_empty());
    }
}
