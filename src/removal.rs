//! "Delete now" from a chat: a result's button carries a short tag that
//! binds the result to the person who asked for it, so a press by anyone
//! else in a group is refused. The tag is keyed by the signing secret, so
//! every instance sharing that secret checks it alike and nothing in the
//! button says who asked.

use crate::UserError;
use crate::api::Core;
use crate::history::UserHash;
use crate::store::{FileId, Lookup};

/// Hex digits of a deletion tag: 64 bits, short enough for a Telegram
/// button's 64 bytes beside the id.
const TAG_LEN: usize = 16;

impl Core {
    /// The tag a chat button carries so that `user`, and only they, can
    /// delete result `id`.
    pub fn deletion_tag(&self, id: FileId, user: &UserHash) -> String {
        let mut tag = self.signer.derive(
            "chat deletion",
            format!("{id}\n{}", user.as_str()).as_bytes(),
        );
        tag.truncate(TAG_LEN);
        tag
    }

    /// Deletes result `id` at once for `user`, who pressed a button carrying
    /// `tag`. Someone else's press is `NotYours`; a result already gone is
    /// no mistake, since what was asked for is true.
    pub async fn delete_for(
        &self,
        id: FileId,
        user: &UserHash,
        tag: &str,
    ) -> Result<(), UserError> {
        if !same(self.deletion_tag(id, user).as_bytes(), tag.as_bytes()) {
            return Err(UserError::NotYours);
        }
        match self.store.get(id).await? {
            Lookup::Found(_) => self.store.remove(id).await,
            Lookup::Gone | Lookup::Never => Ok(()),
        }
    }
}

/// Compares without stopping at the first difference, so timing says
/// nothing about how much of a guessed tag was right.
fn same(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}
