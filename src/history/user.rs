//! `UserHash`: who asked, as HMAC-SHA256(server secret, platform + id). The
//! database alone can't be joined back to platform ids; only this server,
//! holding the secret, can find a user's rows again when they ask.

use hmac::{Hmac, Mac};
use sha2::Sha256;

use crate::job::Platform;

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct UserHash(String);

impl UserHash {
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Rebuilds a hash read back from the database.
    pub(crate) fn from_stored(text: String) -> Self {
        Self(text)
    }
}

#[derive(Clone)]
pub struct UserHasher {
    secret: Vec<u8>,
}

impl std::fmt::Debug for UserHasher {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("UserHasher(..)")
    }
}

impl UserHasher {
    pub fn new(secret: &[u8]) -> Self {
        Self {
            secret: secret.to_vec(),
        }
    }

    /// The hash of `raw_id` on `platform`; the raw id goes no further.
    pub fn hash(&self, platform: Platform, raw_id: &str) -> UserHash {
        let mut mac =
            Hmac::<Sha256>::new_from_slice(&self.secret).expect("HMAC takes keys of any length");
        mac.update(platform.name().as_bytes());
        mac.update(b":");
        mac.update(raw_id.as_bytes());
        let tag = mac.finalize().into_bytes();
        UserHash(tag.iter().map(|b| format!("{b:02x}")).collect())
    }

    /// The key for a chat or channel (where settings such as auto-convert
    /// live), kept apart from every user's key.
    pub fn place(&self, platform: Platform, raw_id: &str) -> UserHash {
        self.hash(platform, &format!("place:{raw_id}"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_hash_depends_on_secret_platform_and_id_and_hides_the_id() {
        let hasher = UserHasher::new(b"salt");
        let a = hasher.hash(Platform::Telegram, "123456789");
        assert_eq!(a, hasher.hash(Platform::Telegram, "123456789"));
        assert_ne!(a, hasher.hash(Platform::Discord, "123456789"));
        assert_ne!(
            a,
            UserHasher::new(b"other").hash(Platform::Telegram, "123456789")
        );
        assert!(!a.as_str().contains("123456789"));
        assert_eq!(a.as_str().len(), 64);
    }
}
