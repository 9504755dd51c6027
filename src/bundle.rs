//! `Core::bundle`: several finished results as one ZIP, built in memory on
//! the pool and held like them: in the store, behind its own signed link,
//! and gone no later than the first of them. A web batch offers it so ten
//! files are one download.

mod zip;

use std::time::Duration;

use bytes::Bytes;

use crate::UserError;
use crate::api::Core;
use crate::convert::Cost;
use crate::job::Reply;
use crate::pool::Client;
use crate::store::{FileId, unix_now};

/// The store label of a held archive; images are labelled with their format.
pub const ZIP_LABEL: &str = "zip";

/// An archive of several results, held behind a signed link.
#[derive(Debug, Clone)]
pub struct Bundle {
    pub id: FileId,
    pub link: String,
    /// The archive itself.
    pub bytes: Bytes,
    /// Unix seconds when the archive is gone from memory.
    pub expires_at: u64,
}

impl Bundle {
    /// `pixdrop-<id8>.zip`, like a result's name: nothing of the inputs.
    pub fn file_name(&self) -> String {
        self.id.file_name("zip")
    }
}

impl Core {
    /// One ZIP of `replies`, each under its own file name, in order.
    pub async fn bundle(&self, replies: &[Reply], client: Client) -> Result<Bundle, UserError> {
        let Some(first_gone) = replies.iter().map(|r| r.expires_at).min() else {
            return Err(UserError::NothingToConvert);
        };
        let entries: Vec<(String, Bytes)> = replies
            .iter()
            .map(|reply| (reply.file_name(), reply.bytes.clone()))
            .collect();
        let size = zip::size_of(&entries) as u64;
        let cost = Cost {
            memory: size,
            work: 0.1,
            threads: 1,
        };
        let archive = self
            .pool
            .run(client, cost, move || {
                zip::archive(&entries)
                    .map_err(|_| UserError::internal("a batch's archive needs ZIP64"))
            })
            .await?;
        let archive = Bytes::from(archive);
        let remaining = first_gone.saturating_sub(unix_now());
        if remaining == 0 {
            return Err(UserError::Gone);
        }
        let (id, expires_at) = self
            .store
            .put(
                archive.clone(),
                ZIP_LABEL,
                Duration::from_secs(remaining),
                client,
            )
            .await?;
        Ok(Bundle {
            id,
            link: self.signer.url(id, expires_at),
            bytes: archive,
            expires_at,
        })
    }
}
