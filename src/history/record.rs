//! `Record`: one conversion as history keeps it. Every field is a number,
//! an enum, a format, the canonical option words (built from typed
//! `Options`, so they carry no user text) or a `UserHash`.

use crate::UserError;
use crate::convert::Format;
use crate::job::Platform;
use crate::options::Options;

use super::UserHash;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Record {
    /// Unix seconds, rounded down to the minute.
    pub at: i64,
    pub platform: Platform,
    pub input_format: Option<Format>,
    pub output_format: Option<Format>,
    pub input_bytes: u64,
    pub output_bytes: Option<u64>,
    pub width: Option<u32>,
    pub height: Option<u32>,
    pub frames: Option<u32>,
    pub settings: Settings,
    pub duration_ms: u64,
    pub outcome: Outcome,
    pub user: Option<UserHash>,
}

/// The options used, as canonical words (`to=webp quality=80`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Settings(String);

impl Settings {
    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub(crate) fn from_stored(text: String) -> Self {
        Self(text)
    }
}

impl From<&Options> for Settings {
    fn from(options: &Options) -> Self {
        Self(options.to_words().join(" "))
    }
}

/// `ok`, or the stable code of the error the user got.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outcome(&'static str);

impl Outcome {
    pub const OK: Self = Self("ok");

    pub fn as_str(&self) -> &'static str {
        self.0
    }

    pub(crate) fn from_stored(text: &str) -> Self {
        // `bad-options` named every option mistake in rows written before
        // each mistake got its own code.
        let mut known = ["ok", "unknown", "bad-options"]
            .into_iter()
            .chain(UserError::codes());
        Self(known.find(|k| *k == text).unwrap_or("unknown"))
    }
}

impl From<&UserError> for Outcome {
    fn from(error: &UserError) -> Self {
        Self(error.code())
    }
}

/// Unix seconds rounded down to the minute: history needs no finer time.
pub fn minute(unix_seconds: u64) -> i64 {
    (unix_seconds - unix_seconds % 60) as i64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_outcome_code_reads_back_from_a_stored_row() {
        for code in UserError::codes().chain(["ok", "bad-options"]) {
            assert_eq!(Outcome::from_stored(code).as_str(), code);
        }
        assert_eq!(Outcome::from_stored("made-up").as_str(), "unknown");
    }
}
