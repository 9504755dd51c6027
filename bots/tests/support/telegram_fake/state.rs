//! What the fake Telegram holds (updates, files, chats, messages,
//! callback queries, failures to inject) and the wake-up that open long
//! polls and waiting tests sleep on. Plain data behind one lock; the HTTP
//! side is `serve`, the Bot API rules are `methods`.

use std::collections::{HashMap, HashSet, VecDeque};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::{SystemTime, UNIX_EPOCH};

use serde_json::{Map, Value, json};
use teloxide::types::{Chat, MaybeInaccessibleMessage, Message, Update, UpdateKind};
use tokio::sync::Notify;
use tokio::time::Instant;

use super::{ApiError, Call, FailWith, Slow};

pub(super) struct StoredFile {
    pub(super) unique_id: String,
    pub(super) path: String,
    pub(super) size: u64,
    /// `None` for files only declared (too big to hold).
    pub(super) bytes: Option<Arc<Vec<u8>>>,
}

#[derive(Default)]
pub(super) struct State {
    pub(super) calls: Vec<Call>,
    /// Undelivered-or-unconfirmed updates, by ascending `update_id`.
    pub(super) updates: VecDeque<Value>,
    pub(super) next_update_id: u64,
    /// The last non-empty `allowed_updates`; Telegram keeps it between calls.
    pub(super) allowed: Option<Vec<String>>,
    /// Bumped by every `getUpdates`; an older open poll seeing a newer
    /// number was terminated by the newer one (409).
    pub(super) poll_generation: u64,
    pub(super) delivered: HashSet<u64>,
    pub(super) files: HashMap<String, StoredFile>,
    /// Numbers files, albums and callback queries.
    pub(super) seq: u64,
    pub(super) message_seq: i64,
    pub(super) chats: HashMap<i64, Chat>,
    pub(super) messages: HashMap<(i64, i64), Message>,
    /// Callback query ids Telegram sent, and whether they were answered.
    pub(super) callbacks: HashMap<String, bool>,
    pub(super) failures: HashMap<String, VecDeque<FailWith>>,
    /// Group chat id → the users who administer it (the first one owns it).
    pub(super) admins: HashMap<i64, Vec<i64>>,
    /// File path → how its download is slowed.
    pub(super) slow: HashMap<String, Slow>,
    pub(super) webhook: Option<String>,
}

impl State {
    pub(super) fn next_message_id(&mut self) -> i64 {
        self.message_seq += 1;
        self.message_seq
    }

    pub(super) fn next_seq(&mut self) -> u64 {
        self.seq += 1;
        self.seq
    }

    pub(super) fn remember(&mut self, message: &Message) {
        self.chats.insert(message.chat.id.0, message.chat.clone());
        let id = i64::from(message.id.0);
        self.message_seq = self.message_seq.max(id);
        let key = (message.chat.id.0, id);
        self.messages.entry(key).or_insert_with(|| message.clone());
        if let Some(replied) = message.reply_to_message() {
            self.remember(replied);
        }
    }

    /// `push_update` without the wake-up; panics unless teloxide reads it.
    pub(super) fn queue(&mut self, mut update: Value) -> u64 {
        let id = match update["update_id"].as_u64() {
            Some(id) => id,
            None => {
                self.next_update_id = self.next_update_id.max(1);
                update["update_id"] = json!(self.next_update_id);
                self.next_update_id
            }
        };
        self.next_update_id = self.next_update_id.max(id + 1);
        let parsed: Update =
            read(&update).unwrap_or_else(|e| panic!("teloxide can't read {update}: {e}"));
        match &parsed.kind {
            UpdateKind::Message(message) => self.remember(message),
            UpdateKind::CallbackQuery(query) => {
                if let Some(MaybeInaccessibleMessage::Regular(message)) = &query.message {
                    self.remember(message);
                }
                self.callbacks.insert(query.id.0.clone(), false);
            }
            other => panic!("the fake sends messages and callback queries only: {other:?}"),
        }
        let at = self
            .updates
            .iter()
            .position(|queued| queued["update_id"].as_u64() > Some(id))
            .unwrap_or(self.updates.len());
        self.updates.insert(at, update);
        id
    }

    pub(super) fn store_file(&mut self, bytes: Option<Vec<u8>>, size: u64, ext: &str) -> String {
        let n = self.next_seq();
        let id = format!(
            "BQACAgIAAxkBAAI{n:04}fake{:08x}",
            n.wrapping_mul(2_654_435_761)
        );
        let ext = if ext.is_empty() { "bin" } else { ext };
        let file = StoredFile {
            unique_id: format!("AgAD{n:04}"),
            path: format!("documents/file_{n}.{ext}"),
            size,
            bytes: bytes.map(Arc::new),
        };
        self.files.insert(id.clone(), file);
        id
    }

    pub(super) fn record(
        &mut self,
        started: Instant,
        method: &str,
        fields: Map<String, Value>,
    ) -> usize {
        self.calls.push(Call {
            method: method.to_string(),
            fields: Value::Object(fields),
            files: Vec::new(),
            status: None,
            result: Value::Null,
            error: None,
            at: started.elapsed(),
        });
        self.calls.len() - 1
    }

    pub(super) fn complete(&mut self, index: usize, outcome: &Result<Value, ApiError>) {
        let call = &mut self.calls[index];
        match outcome {
            Ok(result) => (call.status, call.result) = (Some(200), result.clone()),
            Err(error) => {
                (call.status, call.error) = (Some(error.code), Some(error.description.clone()))
            }
        }
    }

    pub(super) fn allows(&self, update: &Value) -> bool {
        let Some(allowed) = &self.allowed else {
            return true;
        };
        let keys = update.as_object().into_iter().flat_map(|u| u.keys());
        keys.filter(|key| *key != "update_id")
            .any(|kind| allowed.contains(kind))
    }
}

/// `value` as teloxide reads it: from the text, as it reads an HTTP body
/// (some of its types borrow their keys and refuse a `Value`).
pub(super) fn read<T: serde::de::DeserializeOwned>(value: &Value) -> serde_json::Result<T> {
    serde_json::from_str(&value.to_string())
}

pub(super) fn now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

pub(super) struct Inner {
    pub(super) started: Instant,
    /// A std `Mutex`: every critical section is short and none awaits.
    pub(super) state: Mutex<State>,
    /// Wakes open long polls and `wait_for` whenever anything changes.
    pub(super) changed: Notify,
}

impl Inner {
    pub(super) fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Waits until `check` gives an answer or `deadline` passes.
    pub(super) async fn until<T>(
        &self,
        deadline: Instant,
        check: impl Fn(&Self) -> Option<T>,
    ) -> Option<T> {
        loop {
            let changed = self.changed.notified();
            tokio::pin!(changed);
            changed.as_mut().enable();
            if let Some(done) = check(self) {
                return Some(done);
            }
            if tokio::time::timeout_at(deadline, changed).await.is_err() {
                return check(self);
            }
        }
    }
}
