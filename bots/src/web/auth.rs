//! Who is calling the conversion API: an API key from `Authorization:
//! Bearer <key>`, or nobody in particular. `PIXDROP_API_AUTH` says whether
//! keys are ignored (`off`), welcome (`optional`: anonymous callers get the
//! stricter per-address limit, keys their own budget) or needed
//! (`required`). A key that is presented is always checked: a wrong or
//! revoked one is refused, never taken as anonymous. Keys are checked by
//! the core (`Core::api_key`); this module only reads the header.

use std::net::IpAddr;
use std::str::FromStr;

use axum::http::{HeaderMap, header};
use pixdrop::history::KeyId;
use pixdrop::{Core, UserError};

use crate::cooldown::Sender;

/// How the API treats keys (`PIXDROP_API_AUTH`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum AuthMode {
    /// Keys are not read; everyone is paced by address.
    Off,
    /// Anonymous callers are welcome; a key earns its own budget.
    #[default]
    Optional,
    /// Every conversion needs a live key.
    Required,
}

impl FromStr for AuthMode {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, String> {
        match text.trim().to_ascii_lowercase().as_str() {
            "off" => Ok(Self::Off),
            "optional" => Ok(Self::Optional),
            "required" => Ok(Self::Required),
            other => Err(format!("expected off, optional or required, got `{other}`")),
        }
    }
}

/// The caller of one request, as the handler sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Caller {
    /// The live key the request carried, if any.
    pub key: Option<KeyId>,
    /// The client's address (or IPv6 /64), as the rate limit counts it.
    pub address: IpAddr,
}

impl Caller {
    /// Whose idempotency keys a request's key belongs to: its API key's,
    /// or its address's for anonymous callers.
    pub fn scope(&self) -> String {
        match &self.key {
            Some(key) => format!("key:{key}"),
            None => format!("address:{}", self.address),
        }
    }
}

/// A key's bucket, by its public id.
impl Sender for KeyId {
    fn identity(&self) -> Vec<u8> {
        self.as_str().as_bytes().to_vec()
    }
}

/// The key this request carries, checked, under `mode`: `None` for an
/// anonymous caller where that is allowed.
pub async fn identify(
    core: &Core,
    mode: AuthMode,
    headers: &HeaderMap,
) -> Result<Option<KeyId>, UserError> {
    if mode == AuthMode::Off {
        return Ok(None);
    }
    match bearer(headers) {
        Some(key) => core.api_key(key).await.map(Some),
        None if headers.contains_key(header::AUTHORIZATION) => Err(UserError::KeyInvalid),
        None if mode == AuthMode::Required => Err(UserError::KeyRequired),
        None => Ok(None),
    }
}

/// The token of an `Authorization: Bearer <token>` header.
fn bearer(headers: &HeaderMap) -> Option<&str> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?.trim();
    let (scheme, token) = value.split_once(' ')?;
    scheme
        .eq_ignore_ascii_case("bearer")
        .then(|| token.trim())
        .filter(|token| !token.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn modes_read_from_their_words() {
        assert_eq!("off".parse(), Ok(AuthMode::Off));
        assert_eq!("Optional".parse(), Ok(AuthMode::Optional));
        assert_eq!("required".parse(), Ok(AuthMode::Required));
        assert!("yes".parse::<AuthMode>().is_err());
    }

    #[test]
    fn only_a_bearer_header_carries_a_key() {
        let with = |value: &str| {
            let mut headers = HeaderMap::new();
            headers.insert(header::AUTHORIZATION, value.parse().unwrap());
            bearer(&headers).map(str::to_string)
        };
        assert_eq!(with("Bearer pxd_abc").as_deref(), Some("pxd_abc"));
        assert_eq!(with("bearer  pxd_abc ").as_deref(), Some("pxd_abc"));
        assert_eq!(with("Basic dXNlcjpwYXNz"), None);
        assert_eq!(with("Bearer "), None);
    }
}
