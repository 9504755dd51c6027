//! Idempotent conversions: `Core::run_once` converts a job at most once per
//! idempotency key. The first request with a key claims it and converts;
//! the same key with the same request (the same input bytes and option
//! words) later answers with that result again (same id, same link)
//! without converting; with a different request it is refused. A
//! duplicate that arrives while the first is still converting waits for
//! its answer.
//!
//! Records live beside the store (`store::replays`) until the result they
//! name expires. A record's name is a hash of who asked (their scope: an
//! API key or an address, so strangers never share records) and the key;
//! it holds a hash of the request and the result's id and figures, never
//! the request's bytes.

use std::time::Duration;

use sha2::{Digest, Sha256};
use tokio::time::Instant;

use crate::UserError;
use crate::api::Core;
use crate::convert::{Format, InputSummary};
use crate::history::Settings;
use crate::job::{Job, Reply};
use crate::store::{FileId, Lookup, unix_now};

/// How often a duplicate looks again for the first request's answer.
const POLL: Duration = Duration::from_millis(50);

/// What a claimed record holds until its conversion ends.
const PENDING: &str = "pending";

impl Core {
    /// `run`, at most once per `key` within `scope` (see the module doc).
    pub async fn run_once(&self, scope: &str, key: &str, job: Job) -> Result<Reply, UserError> {
        let name = record_name(scope, key);
        let request = fingerprint(&job);
        let pending = format!("{request} {PENDING}");
        // A duplicate waits as long as a conversion may take, then gives up
        // (the first one's instance may have died with its record pending).
        let give_up = Instant::now() + self.limits.time_budget * 2 + Duration::from_secs(5);
        loop {
            let Some(held) = self.replays.claim(&name, &pending, self.retention).await? else {
                break;
            };
            let (seen, state) = held.split_once(' ').unwrap_or((held.as_str(), ""));
            if seen != request {
                return Err(UserError::IdempotencyConflict);
            }
            if let Some(record) = state.strip_prefix("done ") {
                return self.replayed(record).await;
            }
            if Instant::now() >= give_up {
                return Err(UserError::Busy { seconds: 5 });
            }
            tokio::time::sleep(POLL).await;
        }
        // On its own task, so a caller who hangs up can't leave the record
        // pending: it is always completed or released.
        let core = self.clone();
        tokio::spawn(async move {
            let result = core.run(job).await;
            let kept = match &result {
                Ok(reply) => {
                    let ttl = Duration::from_secs(reply.expires_at.saturating_sub(unix_now()));
                    let record = format!("{request} done {}", encode(reply));
                    core.replays.set(&name, &record, ttl).await
                }
                Err(_) => core.replays.release(&name).await,
            };
            if let Err(error) = kept {
                tracing::warn!("idempotency record not updated: {error}");
            }
            result
        })
        .await
        .map_err(UserError::internal)?
    }

    /// The reply a finished record describes, with its bytes from the store.
    async fn replayed(&self, record: &str) -> Result<Reply, UserError> {
        let Some(known) = decode(record) else {
            return Err(UserError::internal("an idempotency record did not parse"));
        };
        let Lookup::Found(held) = self.store.get(known.id).await? else {
            return Err(UserError::Gone);
        };
        Ok(Reply {
            id: known.id,
            bytes: held.bytes,
            format: known.format,
            width: known.width,
            height: known.height,
            frames: known.frames,
            input: known.input,
            notes: Vec::new(),
            link: self.signer.url(known.id, known.expires_at),
            expires_at: known.expires_at,
        })
    }
}

/// The record's name: who asked and their key, hashed together.
fn record_name(scope: &str, key: &str) -> String {
    let mut hasher = Sha256::new();
    hasher.update(b"pixdrop idempotency\0");
    hasher.update((scope.len() as u64).to_le_bytes());
    hasher.update(scope.as_bytes());
    hasher.update(key.as_bytes());
    hex(&hasher.finalize())
}

/// What makes two requests the same: their bytes and their option words.
fn fingerprint(job: &Job) -> String {
    let mut hasher = Sha256::new();
    for input in std::iter::once(&job.input).chain(&job.more) {
        hasher.update((input.len() as u64).to_le_bytes());
        hasher.update(input);
    }
    hasher.update(Settings::from(&job.options).as_str().as_bytes());
    hex(&hasher.finalize())
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// What a replay repeats of a reply: figures only (its notes are not kept).
struct Known {
    id: FileId,
    expires_at: u64,
    format: Format,
    width: u32,
    height: u32,
    frames: u32,
    input: InputSummary,
}

fn encode(reply: &Reply) -> String {
    let input = &reply.input;
    format!(
        "{} {} {} {} {} {} {} {} {} {} {}",
        reply.id,
        reply.expires_at,
        reply.format.name(),
        reply.width,
        reply.height,
        reply.frames,
        input.format.name(),
        input.bytes,
        input.width,
        input.height,
        input.frames,
    )
}

fn decode(record: &str) -> Option<Known> {
    let fields: Vec<&str> = record.split(' ').collect();
    let [
        id,
        expires_at,
        format,
        width,
        height,
        frames,
        in_format,
        in_bytes,
        in_width,
        in_height,
        in_frames,
    ] = fields[..]
    else {
        return None;
    };
    Some(Known {
        id: id.parse().ok()?,
        expires_at: expires_at.parse().ok()?,
        format: format.parse().ok()?,
        width: width.parse().ok()?,
        height: height.parse().ok()?,
        frames: frames.parse().ok()?,
        input: InputSummary {
            format: in_format.parse().ok()?,
            bytes: in_bytes.parse().ok()?,
            width: in_width.parse().ok()?,
            height: in_height.parse().ok()?,
            frames: in_frames.parse().ok()?,
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn records_are_named_per_scope_and_key() {
        assert_eq!(record_name("a", "k"), record_name("a", "k"));
        assert_ne!(record_name("a", "k"), record_name("b", "k"));
        assert_ne!(record_name("ab", "k"), record_name("a", "bk"));
        assert_eq!(record_name("a", "k").len(), 64);
    }
}
