//! `Core`: what a running pixdrop shares between front ends, behind methods
//! rather than fields. Adapters convert (see `job`), hold an input for a
//! later choice, describe an image, open or delete a signed link, check an
//! API key, and read health and figures; they never reach the store, the
//! pool or the signer themselves.

use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use dashmap::DashMap;

use crate::UserError;
use crate::bundle::ZIP_LABEL;
use crate::convert::Format;
use crate::gather::Records;
use crate::history::{History, KeyId, UserHash, UserHasher, now_minute};
use crate::job::Platform;
use crate::limits::Limits;
use crate::links::{LinkError, Signer};
use crate::options::{Options, Presets};
use crate::pool::Pool;
use crate::store::replays::Replays;
use crate::store::{FileId, Lookup, OUTAGE_RETRY_SECONDS, Stats, Store, unix_now};
use crate::telemetry::Telemetry;

#[derive(Clone)]
pub struct Core {
    pub(crate) store: Store,
    pub(crate) pool: Pool,
    pub(crate) limits: Limits,
    pub(crate) signer: Signer,
    pub(crate) retention: Duration,
    /// Where conversion metadata goes; `None` keeps no history at all.
    pub(crate) history: Option<History>,
    /// Turns platform user ids into the hashes history keeps.
    pub(crate) users: UserHasher,
    pub(crate) telemetry: Arc<Telemetry>,
    /// Chat albums being gathered, kept where the store keeps its bytes.
    pub(crate) albums: Records,
    /// The presets option words may name: built-in and the operator's.
    pub(crate) presets: Arc<Presets>,
    /// Idempotency records (`replay`), kept where the store keeps its bytes.
    pub(crate) replays: Replays,
    /// The minute each API key was last noted as used by this process, so
    /// its row is written at most once a minute.
    pub(crate) key_uses: Arc<DashMap<KeyId, i64>>,
}

/// A result behind a download link: its bytes, what they are, and until
/// when they are held.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HeldResult {
    pub bytes: Bytes,
    pub content: Content,
    /// Unix seconds after which the bytes are gone.
    pub expires_at: u64,
}

/// What a held result is: one converted image, or a batch's archive.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Content {
    Image(Format),
    Zip,
}

impl Content {
    fn of_label(label: &str) -> Option<Self> {
        if label == ZIP_LABEL {
            return Some(Self::Zip);
        }
        label.parse().ok().map(Self::Image)
    }

    pub fn mime(self) -> &'static str {
        match self {
            Self::Image(format) => format.mime(),
            Self::Zip => "application/zip",
        }
    }

    pub fn extension(self) -> &'static str {
        match self {
            Self::Image(format) => format.extension(),
            Self::Zip => "zip",
        }
    }
}

/// What `/metrics` reports of the core.
#[derive(Debug, Clone, Copy, Default)]
pub struct Figures {
    pub store: Stats,
    /// Conversions running or waiting for their turn.
    pub queue_depth: usize,
    pub history_failures: u64,
}

impl Core {
    /// A core on `store`, one pool worker per core, default limits and a
    /// one-hour retention, keeping no history.
    pub fn new(store: Store, signer: Signer, users: UserHasher) -> Self {
        Self {
            albums: Records::beside(&store),
            replays: Replays::beside(&store),
            key_uses: Arc::default(),
            store,
            pool: Pool::for_this_machine(),
            limits: Limits::default(),
            signer,
            retention: Duration::from_secs(3600),
            history: None,
            telemetry: Arc::new(Telemetry::new()),
            users,
            presets: Arc::new(Presets::default()),
        }
    }

    /// Adds an operator's presets (see `Presets::with_file`) to the built-in ones.
    pub fn with_presets(self, presets: Presets) -> Self {
        Self {
            presets: Arc::new(presets),
            ..self
        }
    }

    pub fn presets(&self) -> &Presets {
        &self.presets
    }

    /// Option words as this server reads them, its presets included.
    pub fn options<'a>(
        &self,
        words: impl IntoIterator<Item = &'a str>,
    ) -> Result<Options, UserError> {
        Options::parse_with(words, &self.presets)
    }

    pub fn with_pool(self, pool: Pool) -> Self {
        Self { pool, ..self }
    }

    pub fn with_limits(self, limits: Limits) -> Self {
        Self { limits, ..self }
    }

    pub fn with_retention(self, retention: Duration) -> Self {
        Self { retention, ..self }
    }

    pub fn with_history(self, history: History) -> Self {
        Self {
            history: Some(history),
            ..self
        }
    }

    pub fn limits(&self) -> &Limits {
        &self.limits
    }

    /// How long any held bytes live at most.
    pub fn retention(&self) -> Duration {
        self.retention
    }

    pub fn history(&self) -> Option<&History> {
        self.history.as_ref()
    }

    /// The history key for a user of `platform`; the raw id goes no further.
    pub fn user(&self, platform: Platform, raw_id: &str) -> UserHash {
        self.users.hash(platform, raw_id)
    }

    /// The settings key for a chat or channel of `platform`.
    pub fn place(&self, platform: Platform, raw_id: &str) -> UserHash {
        self.users.place(platform, raw_id)
    }

    /// The bytes behind a signed download link, if it is ours and they are
    /// still held.
    pub async fn open_link(
        &self,
        id: FileId,
        exp: u64,
        sig: &str,
    ) -> Result<HeldResult, UserError> {
        match self.signer.verify(id, exp, sig, unix_now()) {
            Err(LinkError::BadSignature) => return Err(UserError::BadLink),
            Err(LinkError::Expired) => return Err(UserError::Gone),
            Ok(()) => {}
        }
        match self.store.get(id).await? {
            Lookup::Found(held) => Ok(HeldResult {
                content: Content::of_label(&held.label)
                    .ok_or_else(|| UserError::internal("a held result's label names no format"))?,
                bytes: held.bytes,
                expires_at: held.expires_at.min(exp),
            }),
            Lookup::Gone => Err(UserError::Gone),
            Lookup::Never => Err(UserError::NoSuchFile),
        }
    }

    /// Deletes the result behind a signed link at once. Deleting it again
    /// answers `Gone`, like opening it.
    pub async fn delete_link(&self, id: FileId, exp: u64, sig: &str) -> Result<(), UserError> {
        match self.signer.verify(id, exp, sig, unix_now()) {
            Err(LinkError::BadSignature) => return Err(UserError::BadLink),
            Err(LinkError::Expired) => return Err(UserError::Gone),
            Ok(()) => {}
        }
        match self.store.get(id).await? {
            Lookup::Found(_) => self.store.remove(id).await,
            Lookup::Gone => Err(UserError::Gone),
            Lookup::Never => Err(UserError::NoSuchFile),
        }
    }

    /// The id of the live API key `key`; `KeyInvalid` for a wrong or
    /// revoked one. Its use is noted in the background, once a minute.
    pub async fn api_key(&self, key: &str) -> Result<KeyId, UserError> {
        let Some(history) = &self.history else {
            return Err(UserError::KeyInvalid);
        };
        let id = match history.key_id(key).await {
            Ok(Some(id)) => id,
            Ok(None) => return Err(UserError::KeyInvalid),
            Err(error) => {
                tracing::warn!("API key lookup failed: {error}");
                return Err(UserError::Unavailable {
                    seconds: OUTAGE_RETRY_SECONDS,
                });
            }
        };
        let minute = now_minute();
        let fresh = self.key_uses.insert(id.clone(), minute) != Some(minute);
        if fresh {
            let (history, id) = (history.clone(), id.clone());
            tokio::spawn(async move {
                let noted =
                    tokio::time::timeout(Duration::from_secs(10), history.key_used(&id, minute))
                        .await;
                if !matches!(noted, Ok(Ok(()))) {
                    tracing::warn!(key = %id, "API key use not noted: {noted:?}");
                }
            });
        }
        Ok(id)
    }

    /// Whether the store and the history can be reached; says which can't.
    pub async fn ready(&self) -> Result<(), &'static str> {
        if self.store.ping().await.is_err() {
            return Err("store unreachable");
        }
        if let Some(history) = &self.history
            && history.ping().await.is_err()
        {
            return Err("history unreachable");
        }
        Ok(())
    }

    /// Counts a request a front end refused before it became a job (a body
    /// too large to read, a sender over their pace).
    pub fn count_refusal(&self, platform: Platform, error: &UserError) {
        self.telemetry.refused(platform, error);
    }

    /// The Prometheus text for `/metrics`: every front end's conversions,
    /// and the store and queue as they are now.
    pub async fn metrics_text(&self) -> String {
        self.telemetry.render(&self.figures().await)
    }

    pub async fn figures(&self) -> Figures {
        Figures {
            store: self.store.stats().await.unwrap_or_default(),
            queue_depth: self.pool.depth(),
            history_failures: self.history.as_ref().map_or(0, History::failures),
        }
    }
}
