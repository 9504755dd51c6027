//! Sealing for the shared store: Redis snapshots, replicas and backups may
//! copy what it holds, so every value leaves this process encrypted and
//! authenticated (XChaCha20-Poly1305, a random 192-bit nonce per value, the
//! entry's id as associated data so values cannot be swapped between keys).
//! Names derived from people (a client's share key) are keyed hashes, so
//! Redis' key space reveals neither content nor who sent it.
//!
//! Both keys are derived with HKDF-SHA256 from one operator secret, each
//! under its own label, so the secret itself is never used directly.

use bytes::Bytes;
use chacha20poly1305::aead::AeadInPlace;
use chacha20poly1305::{KeyInit, Tag, XChaCha20Poly1305, XNonce};
use hkdf::Hkdf;
use hmac::{Hmac, Mac};
use sha2::Sha256;

use super::FileId;

/// The shortest operator secret accepted: 256 bits of text.
pub const MIN_SECRET_BYTES: usize = 32;

const NONCE_BYTES: usize = 24;
const TAG_BYTES: usize = 16;

pub struct Sealer {
    cipher: XChaCha20Poly1305,
    names: Hmac<Sha256>,
}

impl Sealer {
    /// Derives the sealing and naming keys from `secret`, which must hold at
    /// least `MIN_SECRET_BYTES`.
    pub fn from_secret(secret: &[u8]) -> Result<Self, String> {
        if secret.len() < MIN_SECRET_BYTES {
            return Err(format!(
                "the store key must be at least {MIN_SECRET_BYTES} bytes, got {}",
                secret.len()
            ));
        }
        let kdf = Hkdf::<Sha256>::new(Some(b"pixdrop shared store"), secret);
        let mut seal_key = [0u8; 32];
        let mut name_key = [0u8; 32];
        kdf.expand(b"pixdrop/store/seal/v1", &mut seal_key)
            .and_then(|()| kdf.expand(b"pixdrop/store/names/v1", &mut name_key))
            .expect("32 bytes is a valid HKDF-SHA256 output length");
        Ok(Self {
            cipher: XChaCha20Poly1305::new(&seal_key.into()),
            names: <Hmac<Sha256> as Mac>::new_from_slice(&name_key)
                .expect("HMAC takes any key length"),
        })
    }

    /// `nonce ‖ ciphertext of (label, newline, bytes) ‖ tag`. The label is
    /// one line: it ends at the first newline.
    pub fn seal(&self, id: FileId, label: &str, bytes: &[u8]) -> Vec<u8> {
        debug_assert!(!label.contains('\n'), "a label is one line");
        let name = label.as_bytes();
        let mut value = Vec::with_capacity(NONCE_BYTES + name.len() + 1 + bytes.len() + TAG_BYTES);
        let mut nonce = [0u8; NONCE_BYTES];
        getrandom::fill(&mut nonce).expect("the OS random source works");
        value.extend_from_slice(&nonce);
        value.extend_from_slice(name);
        value.push(b'\n');
        value.extend_from_slice(bytes);
        let tag = self
            .cipher
            .encrypt_in_place_detached(XNonce::from_slice(&nonce), &id.0, &mut value[NONCE_BYTES..])
            .expect("a value under 256 GiB seals");
        value.extend_from_slice(&tag);
        value
    }

    /// The label and bytes sealed for `id`, or `None` when the value was
    /// sealed under another key, for another id, or altered.
    pub fn open(&self, id: FileId, mut value: Vec<u8>) -> Option<(Box<str>, Bytes)> {
        if value.len() < NONCE_BYTES + TAG_BYTES {
            return None;
        }
        let tag_at = value.len() - TAG_BYTES;
        let tag = *Tag::from_slice(&value[tag_at..]);
        let (nonce, sealed) = value[..tag_at].split_at_mut(NONCE_BYTES);
        self.cipher
            .decrypt_in_place_detached(XNonce::from_slice(nonce), &id.0, sealed, &tag)
            .ok()?;
        let split = sealed.iter().position(|b| *b == b'\n')?;
        let label = std::str::from_utf8(&sealed[..split]).ok()?.into();
        value.truncate(tag_at);
        Some((label, Bytes::from(value).slice(NONCE_BYTES + split + 1..)))
    }

    /// A keyed name for `label` and `data`: stable for this secret, telling
    /// nothing about `data` without it.
    pub fn name(&self, label: &str, data: &[u8]) -> String {
        let mut mac = self.names.clone();
        mac.update(label.as_bytes());
        mac.update(&[0]);
        mac.update(data);
        mac.finalize()
            .into_bytes()
            .iter()
            .take(16)
            .map(|b| format!("{b:02x}"))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECRET: &[u8] = b"an operator secret of at least thirty-two bytes";

    #[test]
    fn a_sealed_value_opens_only_with_its_key_and_id() {
        let sealer = Sealer::from_secret(SECRET).unwrap();
        let id = FileId::random();
        let image = b"\x89PNG\r\n\x1a\n the picture".to_vec();
        let sealed = sealer.seal(id, "png", &image);
        assert!(!sealed.windows(4).any(|w| w == b"\x89PNG"));
        assert!(!sealed.windows(3).any(|w| w == b"png"));
        let (label, bytes) = sealer.open(id, sealed.clone()).unwrap();
        assert_eq!((&*label, &bytes[..]), ("png", &image[..]));

        assert!(sealer.open(FileId::random(), sealed.clone()).is_none());
        let other = Sealer::from_secret(&[b'x'; 32]).unwrap();
        assert!(other.open(id, sealed.clone()).is_none());
        let mut altered = sealed;
        altered[30] ^= 1;
        assert!(sealer.open(id, altered).is_none());
        assert!(sealer.open(id, vec![0; 10]).is_none());
    }

    #[test]
    fn the_same_bytes_seal_differently_each_time() {
        let sealer = Sealer::from_secret(SECRET).unwrap();
        let id = FileId::random();
        assert_ne!(
            sealer.seal(id, "jpeg", b"same"),
            sealer.seal(id, "jpeg", b"same")
        );
    }

    #[test]
    fn short_secrets_are_refused_and_names_are_keyed() {
        assert!(Sealer::from_secret(&[1; 31]).is_err());
        let a = Sealer::from_secret(SECRET).unwrap();
        let b = Sealer::from_secret(&[b'y'; 40]).unwrap();
        assert_eq!(a.name("owner", b"1"), a.name("owner", b"1"));
        assert_ne!(a.name("owner", b"1"), a.name("owner", b"2"));
        assert_ne!(a.name("owner", b"1"), b.name("owner", b"1"));
        assert_eq!(a.name("owner", b"1").len(), 32);
    }
}
