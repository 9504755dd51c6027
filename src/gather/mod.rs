//! Gathering a chat album whose parts may reach different instances. A
//! chat platform sends each image of an album as its own message; behind a
//! balancer those land on several instances, yet the user expects one
//! answer. Every instance that got a part notes it in the album's shared
//! record (`announce`) and waits until no part has come for the album wait
//! (`settle`). Then:
//! - the instance holding the lead part (the captioned one, else the
//!   first) claims the album, once (`claim`), reads its command and
//!   `decide`s a `Plan`;
//! - every other instance waits for that plan (`plan`) and, when the album
//!   is to be converted, fetches its own parts and `provide`s them, held in
//!   the store like any other input;
//! - the lead `collect`s them in message order and gives the one answer.
//!
//! Nothing is fetched for an album no one asked to convert. The record
//! lives in process (`memory`) or in the Redis beside the store (`redis`),
//! chosen with the store. Its name is a keyed hash of the chat and the
//! album, so no chat id is kept in clear; it holds message numbers, held
//! file ids and the plan (never bytes, captions or users), and expires
//! with the retention.

pub mod memory;
pub mod redis;

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use tokio::time::Instant;

use crate::UserError;
use crate::api::Core;
use crate::job::Platform;
use crate::pool::Client;
use crate::store::{FileId, Lookup, Store};
use memory::MemoryRecords;
use redis::RedisRecords;

/// How often a waiting instance looks at the shared record again.
const POLL: Duration = Duration::from_millis(50);
/// The longest an album may keep growing before it is taken as it is.
const SETTLE_AT_MOST: Duration = Duration::from_secs(30);

/// What the lead decided to do with an album.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Plan {
    /// Nothing to fetch (no command, or the lead answered on its own).
    Nothing,
    /// Every part converted on its own; a part's failure is its own.
    Each,
    /// One result from all parts; the first failure answers for the album.
    Together,
}

impl Plan {
    fn word(self) -> &'static str {
        match self {
            Self::Nothing => "nothing",
            Self::Each => "each",
            Self::Together => "together",
        }
    }

    fn from_word(word: &str) -> Option<Self> {
        [Self::Nothing, Self::Each, Self::Together]
            .into_iter()
            .find(|plan| plan.word() == word)
    }
}

/// The album's parts, by message number, once it is quiet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Parts {
    /// Every part announced, in message order.
    pub all: Vec<i64>,
    /// The part whose holder leads: the first captioned one, else the first.
    pub lead: i64,
}

/// The lead's plan, and which part it leads from (replies go to it).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Decision {
    pub plan: Plan,
    pub lead: i64,
}

/// What became of one part.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Provided {
    Image(Bytes),
    /// Nothing to convert in it (not an image at all).
    Skipped,
    /// It failed, and its holder has said so.
    Failed,
}

/// Where album records live: beside the store, in the same place.
#[derive(Clone)]
pub(crate) enum Records {
    Memory(Arc<MemoryRecords>),
    Redis(RedisRecords),
}

impl Records {
    pub(crate) fn beside(store: &Store) -> Self {
        match store {
            Store::Memory(_) => Self::Memory(Arc::default()),
            Store::Redis(store) => {
                let (connection, prefix) = store.connection();
                Self::Redis(RedisRecords::new(connection, prefix))
            }
        }
    }
}

/// One album as every instance sees it.
pub struct Album<'a> {
    core: &'a Core,
    name: String,
}

impl Core {
    /// The album `group` of `chat` on `platform`.
    pub fn album(&self, platform: Platform, chat: &str, group: &str) -> Album<'_> {
        let subject = format!("{}\n{chat}\n{group}", platform.name());
        let mut name = self.signer.derive("album", subject.as_bytes());
        name.truncate(32);
        Album { core: self, name }
    }
}

impl Album<'_> {
    /// Notes that part `part` arrived here; the album is quiet once no part
    /// has arrived for `quiet`.
    pub async fn announce(
        &self,
        part: i64,
        captioned: bool,
        quiet: Duration,
    ) -> Result<(), UserError> {
        let (field, value) = (
            format!("part:{part}"),
            if captioned { "lead" } else { "part" },
        );
        let ttl = self.core.retention;
        match &self.core.albums {
            Records::Memory(records) => {
                records.touch(&self.name, &field, value, quiet, ttl);
                Ok(())
            }
            Records::Redis(records) => records.touch(&self.name, &field, value, quiet, ttl).await,
        }
    }

    /// Waits until the album is quiet, and returns its parts (`None` when
    /// none was announced, or the record is gone).
    pub async fn settle(&self) -> Result<Option<Parts>, UserError> {
        let give_up = Instant::now() + SETTLE_AT_MOST;
        loop {
            let left = self.quiet_in().await?;
            let now = Instant::now();
            if left.is_zero() || now >= give_up {
                break;
            }
            tokio::time::sleep(left.min(give_up - now)).await;
        }
        let fields = self.read().await?;
        let mut parts: BTreeMap<i64, bool> = BTreeMap::new();
        for (field, value) in &fields {
            if let Some(part) = field.strip_prefix("part:").and_then(|n| n.parse().ok()) {
                parts.insert(part, value == "lead");
            }
        }
        let lead = parts
            .iter()
            .find(|(_, captioned)| **captioned)
            .or_else(|| parts.iter().next())
            .map(|(part, _)| *part);
        Ok(lead.map(|lead| Parts {
            all: parts.into_keys().collect(),
            lead,
        }))
    }

    /// Claims the album for the holder of `lead`: true for exactly one
    /// caller, however many instances hold that part.
    pub async fn claim(&self, lead: i64) -> Result<bool, UserError> {
        self.set_once("claim", &lead.to_string()).await
    }

    /// Tells the other holders what to do with their parts.
    pub async fn decide(&self, plan: Plan) -> Result<(), UserError> {
        self.set("plan", plan.word()).await
    }

    /// The lead's decision, waited for up to `within` (`None` then).
    pub async fn plan(&self, within: Duration) -> Result<Option<Decision>, UserError> {
        let give_up = Instant::now() + within;
        loop {
            let fields = self.read().await?;
            let plan = fields.get("plan").and_then(|word| Plan::from_word(word));
            let lead = fields.get("claim").and_then(|part| part.parse().ok());
            if let (Some(plan), Some(lead)) = (plan, lead) {
                return Ok(Some(Decision { plan, lead }));
            }
            if Instant::now() >= give_up {
                return Ok(None);
            }
            tokio::time::sleep(POLL).await;
        }
    }

    /// Holds `bytes` (which arrived at `received`) as part `part`, for the
    /// lead to collect. A part refused here is noted as failed, and the
    /// refusal returned for its holder to tell.
    pub async fn provide(
        &self,
        part: i64,
        bytes: Bytes,
        received: Instant,
        client: Client,
    ) -> Result<(), UserError> {
        let id = match self.core.hold(bytes, received, client).await {
            Ok(id) => id,
            Err(error) => {
                self.fail(part).await?;
                return Err(error);
            }
        };
        if !self.set_once(&held(part), &id.to_string()).await? {
            // The same part came here twice; the first copy stands.
            self.core.store.remove(id).await?;
        }
        Ok(())
    }

    /// Notes that part `part` failed, and its holder says so.
    pub async fn fail(&self, part: i64) -> Result<(), UserError> {
        self.set_once(&held(part), "failed").await.map(drop)
    }

    /// Notes that part `part` has nothing to convert.
    pub async fn skip(&self, part: i64) -> Result<(), UserError> {
        self.set_once(&held(part), "skipped").await.map(drop)
    }

    /// What became of `parts`, waited for up to `within`; the bytes are
    /// taken out of the store as they are read.
    pub async fn collect(
        &self,
        parts: &[i64],
        within: Duration,
    ) -> Result<BTreeMap<i64, Provided>, UserError> {
        let give_up = Instant::now() + within;
        let fields = loop {
            let fields = self.read().await?;
            if parts.iter().all(|part| fields.contains_key(&held(*part))) {
                break fields;
            }
            if Instant::now() >= give_up {
                return Err(UserError::internal("album parts were not provided in time"));
            }
            tokio::time::sleep(POLL).await;
        };
        let mut provided = BTreeMap::new();
        for part in parts {
            let outcome = match fields[&held(*part)].as_str() {
                "failed" => Provided::Failed,
                "skipped" => Provided::Skipped,
                id => Provided::Image(self.take(id).await?),
            };
            provided.insert(*part, outcome);
        }
        Ok(provided)
    }

    /// True for the first caller only: who tells the user the album failed.
    pub async fn speak_first(&self) -> Result<bool, UserError> {
        self.set_once("said", "1").await
    }

    async fn take(&self, id: &str) -> Result<Bytes, UserError> {
        let id: FileId = id
            .parse()
            .map_err(|()| UserError::internal("album record names no file"))?;
        let Lookup::Found(held) = self.core.store.get(id).await? else {
            return Err(UserError::Gone);
        };
        self.core.store.remove(id).await?;
        Ok(held.bytes)
    }

    async fn quiet_in(&self) -> Result<Duration, UserError> {
        match &self.core.albums {
            Records::Memory(records) => Ok(records.quiet_in(&self.name)),
            Records::Redis(records) => records.quiet_in(&self.name).await,
        }
    }

    async fn set_once(&self, field: &str, value: &str) -> Result<bool, UserError> {
        let ttl = self.core.retention;
        match &self.core.albums {
            Records::Memory(records) => Ok(records.set_once(&self.name, field, value, ttl)),
            Records::Redis(records) => records.set_once(&self.name, field, value, ttl).await,
        }
    }

    async fn set(&self, field: &str, value: &str) -> Result<(), UserError> {
        let ttl = self.core.retention;
        match &self.core.albums {
            Records::Memory(records) => {
                records.set(&self.name, field, value, ttl);
                Ok(())
            }
            Records::Redis(records) => records.set(&self.name, field, value, ttl).await,
        }
    }

    async fn read(&self) -> Result<HashMap<String, String>, UserError> {
        match &self.core.albums {
            Records::Memory(records) => Ok(records.read(&self.name)),
            Records::Redis(records) => records.read(&self.name).await,
        }
    }
}

fn held(part: i64) -> String {
    format!("held:{part}")
}
