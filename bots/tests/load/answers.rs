//! Each sender's outcome, collected as the bot's calls arrive. A result
//! wins over a sentence seen before it, so a progress note ("you're next")
//! never counts as a refusal. The burst is settled when everyone has a
//! result, or everyone has some answer and the bot has been quiet for a
//! moment (refused senders get nothing more; waiting on them would only
//! spend the driver's patience).

use std::collections::HashMap;
use std::hash::Hash;
use std::time::Duration;

use tokio::time::Instant;

use crate::report::Outcome;

/// No call for this long, with everyone answered, means the bot is done.
const QUIET: Duration = Duration::from_secs(2);

pub struct Answers<K> {
    outcomes: HashMap<K, Outcome>,
    expected: usize,
    active: Instant,
}

impl<K: Hash + Eq> Answers<K> {
    pub fn new(expected: usize) -> Self {
        Self {
            outcomes: HashMap::new(),
            expected,
            active: Instant::now(),
        }
    }

    /// The bot made a call (of any kind): it is still at work.
    pub fn saw_activity(&mut self) {
        self.active = Instant::now();
    }

    pub fn note(&mut self, sender: K, outcome: Outcome) {
        match outcome {
            Outcome::Result(_) => {
                let known = self.outcomes.get(&sender);
                if !matches!(known, Some(Outcome::Result(_))) {
                    self.outcomes.insert(sender, outcome);
                }
            }
            _ => {
                self.outcomes.entry(sender).or_insert(outcome);
            }
        }
    }

    pub fn settled(&self) -> bool {
        let results = self
            .outcomes
            .values()
            .filter(|o| matches!(o, Outcome::Result(_)))
            .count();
        results == self.expected
            || (self.outcomes.len() == self.expected && self.active.elapsed() >= QUIET)
    }

    /// How `sender` fared; `Unanswered` when nothing came.
    pub fn outcome(&self, sender: &K) -> Outcome {
        self.outcomes
            .get(sender)
            .cloned()
            .unwrap_or(Outcome::Unanswered)
    }
}
