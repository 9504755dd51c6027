//! The one path every front end takes: a `Job` (bytes that arrived, option
//! words, where they came from) goes through `Core::run` and comes back as a
//! `Reply` (the converted bytes, what was done, and a signed link valid
//! until the bytes are gone). Adapters only fetch the input and deliver the
//! reply; they never decode, encode or touch the store's internals.

use std::time::Duration;

use bytes::Bytes;
use tokio::time::Instant;

use crate::Format;
use crate::UserError;
use crate::api::Core;
use crate::convert::{self, Cost, InputSummary, Note};
use crate::history::{Outcome, Record, Settings, UserHash, now_minute};
use crate::options::Options;
use crate::pool::Client;
use crate::store::{FileId, Lookup};
use crate::telemetry::Conversion;

/// Which front end a job came through.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Platform {
    Telegram,
    Discord,
    Web,
    /// `pixdrop convert` converts in its own short-lived process, straight
    /// through `convert::convert` and without a `Core`, so no job carries
    /// this yet. Kept because the contract fixes `cli` as one of the
    /// platform labels of `pixdrop_conversions_total`.
    Cli,
}

#[derive(Debug, Clone)]
pub struct Job {
    pub input: Bytes,
    /// Further images (an album): the job then makes one PDF of them all.
    pub more: Vec<Bytes>,
    pub options: Options,
    pub platform: Platform,
    /// When the input's bytes arrived: the retention clock starts here.
    pub received: Instant,
    /// Who asked, hashed; `None` for anonymous web and CLI use.
    pub user: Option<UserHash>,
    /// Whose line the job waits in and whose share of the store its result
    /// counts against: an address on the web, the user on the chats.
    pub client: Client,
}

impl Platform {
    pub fn name(self) -> &'static str {
        match self {
            Self::Telegram => "telegram",
            Self::Discord => "discord",
            Self::Web => "web",
            Self::Cli => "cli",
        }
    }

    pub fn from_name(name: &str) -> Option<Self> {
        [Self::Telegram, Self::Discord, Self::Web, Self::Cli]
            .into_iter()
            .find(|p| p.name() == name)
    }
}

/// A finished job, everything a front end needs to answer.
#[derive(Debug, Clone)]
pub struct Reply {
    pub id: FileId,
    pub bytes: Bytes,
    pub format: Format,
    pub width: u32,
    pub height: u32,
    pub frames: u32,
    pub input: InputSummary,
    pub notes: Vec<Note>,
    /// Signed download link, valid until `expires_at`.
    pub link: String,
    /// Unix seconds when the result is gone from memory.
    pub expires_at: u64,
}

impl Reply {
    /// `pixdrop-<id8>.<ext>`: the name results are delivered under; it says
    /// nothing about the file the user sent.
    pub fn file_name(&self) -> String {
        self.id.file_name(self.format.extension())
    }
}

impl Core {
    pub async fn run(&self, job: Job) -> Result<Reply, UserError> {
        let started = Instant::now();
        let input_bytes =
            job.input.len() as u64 + job.more.iter().map(|b| b.len() as u64).sum::<u64>();
        let input_format = convert::readable_format(&job.input).ok();
        let settings = Settings::from(&job.options);
        let (platform, user) = (job.platform, job.user.clone());
        let result = self.convert_and_hold(job).await;
        self.telemetry.conversion(&Conversion {
            platform,
            input: input_format,
            output: result.as_ref().ok().map(|r| r.format),
            outcome: result.as_ref().err().map_or("ok", UserError::code),
            took: started.elapsed(),
            bytes_in: input_bytes,
            bytes_out: result.as_ref().map_or(0, |r| r.bytes.len() as u64),
        });
        if let Some(history) = &self.history {
            let reply = result.as_ref().ok();
            history.record_in_background(Record {
                at: now_minute(),
                platform,
                input_format,
                output_format: reply.map(|r| r.format),
                input_bytes,
                output_bytes: reply.map(|r| r.bytes.len() as u64),
                width: reply.map(|r| r.width),
                height: reply.map(|r| r.height),
                frames: reply.map(|r| r.frames),
                settings,
                duration_ms: started.elapsed().as_millis() as u64,
                outcome: result.as_ref().err().map_or(Outcome::OK, Outcome::from),
                user,
            });
        }
        result
    }

    /// Holds `input` (which arrived at `received`) for a choice made later,
    /// such as a button under the image; its deadline is set now.
    pub async fn hold(
        &self,
        input: Bytes,
        received: Instant,
        client: Client,
    ) -> Result<FileId, UserError> {
        self.limits.check_input_bytes(input.len() as u64)?;
        let format = convert::readable_format(&input)?;
        let remaining = self.remaining(received)?;
        let exact = Bytes::copy_from_slice(&input);
        let (id, _) = self
            .store
            .put(exact, format.name(), remaining, client)
            .await?;
        Ok(id)
    }

    /// Converts an input held by `hold`. The result is gone when the input
    /// would have been, never later.
    pub async fn run_held(
        &self,
        id: FileId,
        options: Options,
        platform: Platform,
        user: Option<UserHash>,
        client: Client,
    ) -> Result<Reply, UserError> {
        let Lookup::Found(held) = self.store.get(id).await? else {
            return Err(UserError::Gone);
        };
        let received = Instant::now()
            .checked_sub(self.retention.saturating_sub(held.expires_in))
            .unwrap_or_else(Instant::now);
        self.run(Job {
            input: held.bytes,
            more: Vec::new(),
            options,
            platform,
            received,
            user,
            client,
        })
        .await
    }

    /// What `bytes` is (format, size, frames, metadata), read from its
    /// header on the pool: no pixels are decoded.
    pub async fn describe(&self, bytes: Bytes, client: Client) -> Result<convert::Info, UserError> {
        let limits = self.limits;
        let cost = Cost::unknown(bytes.len() as u64);
        self.pool
            .run(client, cost, move || convert::describe(&bytes, &limits))
            .await
    }

    fn remaining(&self, received: Instant) -> Result<Duration, UserError> {
        let remaining = self.retention.saturating_sub(received.elapsed());
        if remaining.is_zero() {
            return Err(UserError::Timeout {
                seconds: self.retention.as_secs(),
            });
        }
        Ok(remaining)
    }

    /// Prices a job from its inputs' headers, refusing it when the result
    /// would be absurd. Headers are read off the async threads.
    async fn price(&self, inputs: Vec<Bytes>, options: Options) -> Result<Cost, UserError> {
        let limits = self.limits;
        tokio::task::spawn_blocking(move || {
            let mut total = Cost::unknown(0);
            let mut pixels = 0u64;
            for bytes in &inputs {
                let cost = match convert::probe(bytes, &limits) {
                    Ok(header) => {
                        pixels = pixels.saturating_add(
                            u64::from(header.width)
                                * u64::from(header.height)
                                * u64::from(header.frames),
                        );
                        convert::plan(&header, bytes.len() as u64, &options, &limits)?
                    }
                    Err(UserError::Corrupt { .. }) => Cost::unknown(bytes.len() as u64),
                    Err(error) => return Err(error),
                };
                total = total.plus(cost);
            }
            if inputs.len() > 1 {
                limits.check_album(inputs.len(), pixels)?;
            }
            Ok(total)
        })
        .await
        .map_err(UserError::internal)?
    }

    async fn convert_and_hold(&self, job: Job) -> Result<Reply, UserError> {
        self.limits.check_input_bytes(job.input.len() as u64)?;
        let limits = self.limits;
        let Job {
            input,
            more,
            options,
            received,
            client,
            ..
        } = job;
        let inputs = std::iter::once(input.clone())
            .chain(more.iter().cloned())
            .collect();
        let cost = self.price(inputs, options.clone()).await?;
        let output = self
            .pool
            .run(client, cost, move || {
                if more.is_empty() {
                    return convert::convert(&input, &options, &limits);
                }
                let all: Vec<&[u8]> = std::iter::once(&input[..])
                    .chain(more.iter().map(|b| &b[..]))
                    .collect();
                convert::pdf_of(&all, &options, &limits)
            })
            .await?;
        let remaining = self.remaining(received)?;
        let mut exact = output.bytes;
        exact.shrink_to_fit();
        let bytes = Bytes::from(exact);
        let (id, expires_at) = self
            .store
            .put(bytes.clone(), output.format.name(), remaining, client)
            .await?;
        Ok(Reply {
            id,
            link: self.signer.url(id, expires_at),
            bytes,
            format: output.format,
            width: output.width,
            height: output.height,
            frames: output.frames,
            input: output.input,
            notes: output.notes,
            expires_at,
        })
    }
}
