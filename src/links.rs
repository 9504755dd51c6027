//! Signed, expiring download links: `<public>/d/<id>?exp=<unix>&sig=<hmac>`,
//! where the signature is HMAC-SHA256 over the id and the expiry. Checked in
//! constant time. Knows nothing of HTTP servers; the web front end asks
//! `verify` and maps the answer to a status.
//!
//! The same secret also names things every instance must agree on (a chat
//! album's shared record, a webhook secret) through `derive`, under a key
//! of its own per purpose, so a derived name never equals a signature.

use hmac::{Hmac, Mac};
use sha2::Sha256;

use crate::store::FileId;

type HmacSha256 = Hmac<Sha256>;

#[derive(Clone)]
pub struct Signer {
    key: Vec<u8>,
    public_url: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LinkError {
    BadSignature,
    Expired,
}

impl std::fmt::Debug for Signer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Signer")
            .field("public_url", &self.public_url)
            .finish_non_exhaustive()
    }
}

impl Signer {
    /// `key`: the configured secret, or `None` for a random one per start.
    pub fn new(key: Option<&[u8]>, public_url: &str) -> Self {
        let key = key.map_or_else(
            || {
                let mut random = vec![0u8; 32];
                getrandom::fill(&mut random).expect("the OS random source works");
                random
            },
            <[u8]>::to_vec,
        );
        Self {
            key,
            public_url: public_url.trim_end_matches('/').to_string(),
        }
    }

    pub fn sign(&self, id: FileId, expires_at: u64) -> String {
        let tag = self.mac(id, expires_at).finalize().into_bytes();
        tag.iter().map(|b| format!("{b:02x}")).collect()
    }

    /// The full download URL for `id`, valid until `expires_at`.
    pub fn url(&self, id: FileId, expires_at: u64) -> String {
        format!(
            "{}/d/{id}?exp={expires_at}&sig={}",
            self.public_url,
            self.sign(id, expires_at)
        )
    }

    /// Checks the signature first (so an expired, forged link is still
    /// "forged"), then the expiry against `now` (unix seconds).
    pub fn verify(
        &self,
        id: FileId,
        expires_at: u64,
        sig: &str,
        now: u64,
    ) -> Result<(), LinkError> {
        let tag = decode_hex(sig).ok_or(LinkError::BadSignature)?;
        self.mac(id, expires_at)
            .verify_slice(&tag)
            .map_err(|_| LinkError::BadSignature)?;
        if now >= expires_at {
            return Err(LinkError::Expired);
        }
        Ok(())
    }

    /// A name for `data` under this signer's secret, for `label`'s use
    /// only: the same on every instance that shares the secret.
    pub fn derive(&self, label: &str, data: &[u8]) -> String {
        derive(&self.key, label, data)
    }

    fn mac(&self, id: FileId, expires_at: u64) -> HmacSha256 {
        let mut mac = HmacSha256::new_from_slice(&self.key).expect("HMAC takes keys of any length");
        mac.update(id.to_string().as_bytes());
        mac.update(b"\n");
        mac.update(expires_at.to_string().as_bytes());
        mac
    }
}

/// HMAC-SHA256 of `data` in hex, under a key made from `secret` for
/// `label` alone (itself an HMAC of the label under the secret), so names
/// derived for one purpose tell nothing about another's.
pub fn derive(secret: &[u8], label: &str, data: &[u8]) -> String {
    let mut purpose = HmacSha256::new_from_slice(secret).expect("HMAC takes keys of any length");
    purpose.update(b"pixdrop derive\n");
    purpose.update(label.as_bytes());
    let key = purpose.finalize().into_bytes();
    let mut mac = HmacSha256::new_from_slice(&key).expect("HMAC takes keys of any length");
    mac.update(data);
    mac.finalize()
        .into_bytes()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

fn decode_hex(text: &str) -> Option<Vec<u8>> {
    if !text.len().is_multiple_of(2) || !text.is_ascii() {
        return None;
    }
    (0..text.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&text[i..i + 2], 16).ok())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_signed_link_verifies_until_it_expires() {
        let signer = Signer::new(Some(b"secret"), "http://x/");
        let id = FileId::random();
        let sig = signer.sign(id, 1_000);
        assert_eq!(signer.verify(id, 1_000, &sig, 999), Ok(()));
        assert_eq!(
            signer.verify(id, 1_000, &sig, 1_000),
            Err(LinkError::Expired)
        );
        assert!(
            signer
                .url(id, 1_000)
                .starts_with(&format!("http://x/d/{id}?exp=1000&sig="))
        );
    }

    #[test]
    fn derived_names_depend_on_secret_label_and_data() {
        let name = derive(b"secret", "album", b"chat 1");
        assert_eq!(name, derive(b"secret", "album", b"chat 1"));
        assert_eq!(name.len(), 64);
        assert_ne!(name, derive(b"other", "album", b"chat 1"));
        assert_ne!(name, derive(b"secret", "webhook", b"chat 1"));
        assert_ne!(name, derive(b"secret", "album", b"chat 2"));
        let signer = Signer::new(Some(b"secret"), "http://x");
        assert_eq!(signer.derive("album", b"chat 1"), name);
    }

    #[test]
    fn tampering_with_any_part_breaks_the_signature() {
        let signer = Signer::new(Some(b"secret"), "http://x");
        let id = FileId::random();
        let sig = signer.sign(id, 1_000);
        assert_eq!(
            signer.verify(id, 2_000, &sig, 0),
            Err(LinkError::BadSignature)
        );
        assert_eq!(
            signer.verify(FileId::random(), 1_000, &sig, 0),
            Err(LinkError::BadSignature)
        );
        let mut flipped = sig.clone().into_bytes();
        flipped[0] = if flipped[0] == b'0' { b'1' } else { b'0' };
        let flipped = String::from_utf8(flipped).unwrap();
        assert_eq!(
            signer.verify(id, 1_000, &flipped, 0),
            Err(LinkError::BadSignature)
        );
        assert_eq!(
            signer.verify(id, 1_000, "zz", 0),
            Err(LinkError::BadSignature)
        );
        let other = Signer::new(None, "http://x");
        assert_eq!(
            other.verify(id, 1_000, &sig, 0),
            Err(LinkError::BadSignature)
        );
    }
}
