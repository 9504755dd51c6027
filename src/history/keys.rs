//! API keys, kept beside the history in the same database. A key is 256
//! bits from the OS random source, written `pxd_` and 64 hex digits so a
//! leaked one is easy to spot; only its SHA-256 is stored. That is enough
//! for keys (unlike passwords): there is nothing to guess, so a slow hash
//! would add nothing, and a copy of the table gives no usable key. A key is
//! looked up by its hash alone, so the key itself is never compared.
//!
//! Revoking deletes the row: a revoked key then reads as no key at all.

use sha2::{Digest, Sha256};
use sqlx::Row;

use super::History;

/// What every key begins with.
pub const KEY_PREFIX: &str = "pxd_";

/// Random bytes in a key: 256 bits.
const KEY_BYTES: usize = 32;

/// A key's public, random id (16 hex digits), safe to show and log.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct KeyId(String);

impl KeyId {
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for KeyId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// A key as `keys list` shows it: never the key itself.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyInfo {
    pub id: KeyId,
    pub name: String,
    /// Unix seconds.
    pub created_at: i64,
    /// Unix seconds, to the minute; `None` until first used.
    pub last_used_at: Option<i64>,
}

/// Why a key command did nothing.
#[derive(Debug, thiserror::Error)]
pub enum KeyError {
    #[error("a key named `{0}` already exists; revoke it first or pick another name")]
    NameTaken(String),
    #[error("a key name is 1 to 64 letters, digits, `-`, `_` or `.`")]
    BadName,
    #[error("no key has the name or id `{0}`")]
    NoSuchKey(String),
    #[error("the key database failed: {0}")]
    Database(#[from] sqlx::Error),
}

/// A new key: the text to hand over (once) and the hash to keep.
fn mint() -> (String, String) {
    let mut random = [0u8; KEY_BYTES];
    getrandom::fill(&mut random).expect("the OS random source works");
    let key = format!("{KEY_PREFIX}{}", hex(&random));
    let hash = hash(&key);
    (key, hash)
}

/// The stored form of `key`: SHA-256, in hex.
fn hash(key: &str) -> String {
    hex(&Sha256::digest(key.as_bytes()))
}

/// Whether `text` is shaped like a key at all (checked before any lookup).
pub fn looks_like_key(text: &str) -> bool {
    text.strip_prefix(KEY_PREFIX).is_some_and(|rest| {
        rest.len() == KEY_BYTES * 2 && rest.bytes().all(|b| b.is_ascii_hexdigit())
    })
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn valid_name(name: &str) -> bool {
    (1..=64).contains(&name.len())
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
}

impl History {
    /// Creates a key named `name`; returns it (the only time it exists in
    /// clear) with what `keys list` will show of it.
    pub async fn create_key(&self, name: &str, now: i64) -> Result<(String, KeyInfo), KeyError> {
        if !valid_name(name) {
            return Err(KeyError::BadName);
        }
        let taken = sqlx::query("SELECT id FROM api_keys WHERE name = $1")
            .bind(name)
            .fetch_optional(&self.pool)
            .await?;
        if taken.is_some() {
            return Err(KeyError::NameTaken(name.to_string()));
        }
        let (key, hash) = mint();
        let mut id = [0u8; 8];
        getrandom::fill(&mut id).expect("the OS random source works");
        let info = KeyInfo {
            id: KeyId(hex(&id)),
            name: name.to_string(),
            created_at: now,
            last_used_at: None,
        };
        sqlx::query(
            "INSERT INTO api_keys (id, name, key_hash, created_at) VALUES ($1, $2, $3, $4)",
        )
        .bind(info.id.as_str())
        .bind(name)
        .bind(hash)
        .bind(now)
        .execute(&self.pool)
        .await?;
        Ok((key, info))
    }

    /// Every key, oldest first.
    pub async fn keys(&self) -> Result<Vec<KeyInfo>, KeyError> {
        let rows = sqlx::query(
            "SELECT id, name, created_at, last_used_at FROM api_keys ORDER BY created_at, name",
        )
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|row| {
                Ok(KeyInfo {
                    id: KeyId(row.try_get("id")?),
                    name: row.try_get("name")?,
                    created_at: row.try_get("created_at")?,
                    last_used_at: row.try_get("last_used_at")?,
                })
            })
            .collect()
    }

    /// Revokes the key with this name or id; it stops working at once.
    pub async fn revoke_key(&self, name_or_id: &str) -> Result<KeyInfo, KeyError> {
        let known = self
            .keys()
            .await?
            .into_iter()
            .find(|key| key.name == name_or_id || key.id.as_str() == name_or_id);
        let Some(key) = known else {
            return Err(KeyError::NoSuchKey(name_or_id.to_string()));
        };
        sqlx::query("DELETE FROM api_keys WHERE id = $1")
            .bind(key.id.as_str())
            .execute(&self.pool)
            .await?;
        Ok(key)
    }

    /// The id of the live key `key`, if there is one: looked up by hash.
    pub async fn key_id(&self, key: &str) -> Result<Option<KeyId>, sqlx::Error> {
        if !looks_like_key(key) {
            return Ok(None);
        }
        let row = sqlx::query("SELECT id FROM api_keys WHERE key_hash = $1")
            .bind(hash(key))
            .fetch_optional(&self.pool)
            .await?;
        row.map(|row| row.try_get::<String, _>(0).map(KeyId))
            .transpose()
    }

    /// Notes that key `id` was used at `minute` (unix seconds, to the minute).
    pub async fn key_used(&self, id: &KeyId, minute: i64) -> Result<(), sqlx::Error> {
        sqlx::query(
            "UPDATE api_keys SET last_used_at = $1
             WHERE id = $2 AND (last_used_at IS NULL OR last_used_at < $1)",
        )
        .bind(minute)
        .bind(id.as_str())
        .execute(&self.pool)
        .await
        .map(|_| ())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn minted_keys_are_prefixed_random_and_stored_only_as_their_hash() {
        let (a, hash_a) = mint();
        let (b, _) = mint();
        assert_ne!(a, b);
        assert!(looks_like_key(&a), "{a}");
        assert_eq!(hash_a, hash(&a));
        assert_eq!(hash_a.len(), 64);
        assert!(!hash_a.contains(&a[KEY_PREFIX.len()..]));
        assert!(!looks_like_key("pxd_short"));
        assert!(!looks_like_key(&a.replace(KEY_PREFIX, "key_")));
    }

    #[test]
    fn names_are_short_and_plain() {
        assert!(valid_name("ci-bot_2.prod"));
        assert!(!valid_name(""));
        assert!(!valid_name("with space"));
        assert!(!valid_name(&"x".repeat(65)));
    }
}
