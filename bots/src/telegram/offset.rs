//! Which updates were handled, and so which `getUpdates` offset may be
//! confirmed when the bot stops. Telegram forgets every update below the
//! offset of the next `getUpdates`; on shutdown the bot confirms only up to
//! the first update it has not finished, so an update taken but not
//! answered comes again after a restart, and one answered never does.
//!
//! A `Receipt` travels with each update to its chat's worker and marks the
//! update handled when dropped, whatever the outcome (answered, refused,
//! dropped from a full queue), so a failure can never be redelivered in a loop.

use std::collections::BTreeSet;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use teloxide::types::{Update, UpdateId};

/// Updates taken from Telegram and not yet handled.
#[derive(Debug, Default)]
struct Taken {
    open: BTreeSet<u32>,
    /// One past the highest update taken.
    next: u32,
}

impl Taken {
    fn take(&mut self, id: UpdateId) {
        self.open.insert(id.0);
        self.next = self.next.max(id.0 + 1);
    }

    fn handled(&mut self, id: UpdateId) {
        self.open.remove(&id.0);
    }

    fn confirmable(&self) -> i32 {
        let first_open = self.open.first().copied().unwrap_or(self.next);
        i32::try_from(first_open).unwrap_or(i32::MAX)
    }
}

/// The updates taken and not yet handled, shared between the receiving
/// loop and the chat workers. A std `Mutex`: every critical section is one
/// set insert or remove.
#[derive(Debug, Clone, Default)]
pub struct Ledger(Arc<Mutex<Taken>>);

impl Ledger {
    /// Notes `update` as taken; it counts as handled when the returned
    /// receipt is dropped.
    pub fn take(&self, update: Update) -> Queued {
        self.lock().take(update.id);
        Queued {
            receipt: Receipt {
                id: update.id,
                ledger: self.clone(),
            },
            update,
        }
    }

    /// The offset that confirms every update before the first one still
    /// open (all taken ones when none is): Telegram's `getUpdates` offset.
    pub fn confirmable(&self) -> i32 {
        self.lock().confirmable()
    }

    /// How many taken updates are not handled yet.
    pub fn open(&self) -> usize {
        self.lock().open.len()
    }

    fn lock(&self) -> MutexGuard<'_, Taken> {
        self.0.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// An update on its way to a chat worker, with its receipt.
#[derive(Debug)]
pub struct Queued {
    pub update: Update,
    pub receipt: Receipt,
}

/// Marks its update handled when dropped.
#[derive(Debug)]
pub struct Receipt {
    id: UpdateId,
    ledger: Ledger,
}

impl Drop for Receipt {
    fn drop(&mut self) {
        self.ledger.lock().handled(self.id);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ledger(taken: &[u32], handled: &[u32]) -> Taken {
        let mut ledger = Taken::default();
        for id in taken {
            ledger.take(UpdateId(*id));
        }
        for id in handled {
            ledger.handled(UpdateId(*id));
        }
        ledger
    }

    #[test]
    fn nothing_taken_confirms_nothing() {
        assert_eq!(ledger(&[], &[]).confirmable(), 0);
    }

    #[test]
    fn all_handled_confirms_past_the_highest() {
        assert_eq!(ledger(&[7, 8, 9], &[9, 7, 8]).confirmable(), 10);
    }

    #[test]
    fn the_first_open_update_and_all_after_it_stay_unconfirmed() {
        let ledger = ledger(&[7, 8, 9, 10], &[7, 9, 10]);
        assert_eq!(
            ledger.confirmable(),
            8,
            "8 is open, so 8, 9 and 10 come again"
        );
    }

    #[test]
    fn ids_may_skip() {
        assert_eq!(ledger(&[100, 205], &[100]).confirmable(), 205);
        assert_eq!(ledger(&[100, 205], &[100, 205]).confirmable(), 206);
    }

    #[test]
    fn dropping_a_receipt_marks_its_update_handled() {
        let update = |id| Update {
            id: UpdateId(id),
            kind: teloxide::types::UpdateKind::Error(serde_json::Value::Null),
        };
        let ledger = Ledger::default();
        let first = ledger.take(update(41));
        let second = ledger.take(update(42));
        drop(second);
        assert_eq!((ledger.confirmable(), ledger.open()), (41, 1));
        drop(first);
        assert_eq!((ledger.confirmable(), ledger.open()), (43, 0));
    }
}
