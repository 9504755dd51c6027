//! One history record for the history and migration tests: a Telegram
//! PNG-to-WebP conversion at `at`, by `user` hashed under `salt`.

use pixdrop::history::{Outcome, Record, Settings, UserHasher};
use pixdrop::{Format, Options, Platform};

pub fn record(at: i64, user: Option<&str>, salt: &[u8]) -> Record {
    Record {
        at,
        platform: Platform::Telegram,
        input_format: Some(Format::Png),
        output_format: Some(Format::Webp),
        input_bytes: 12_345,
        output_bytes: Some(2_345),
        width: Some(640),
        height: Some(480),
        frames: Some(1),
        settings: Settings::from(&Options::parse(["webp", "80"]).unwrap()),
        duration_ms: 42,
        outcome: Outcome::OK,
        user: user.map(|id| UserHasher::new(salt).hash(Platform::Telegram, id)),
    }
}
