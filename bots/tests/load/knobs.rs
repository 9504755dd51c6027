//! The size of a burst: CI defaults, scaled up for manual runs by
//! environment variables. Read here only, so every driver scales the same
//! way; a value that does not parse stops the test with its name.
//!
//! | variable | what | default |
//! |---|---|---|
//! | `PIXDROP_LOAD_CHATS` | Telegram chats sending at once | 30 |
//! | `PIXDROP_LOAD_USERS` | Discord users sending `/convert` at once | 11 |
//! | `PIXDROP_LOAD_CLIENTS` | HTTP clients on `POST /api/convert` at once | 48 |
//! | `PIXDROP_LOAD_SIZE` | the photo each one sends, `WxH` | `2000x1500` |
//! | `PIXDROP_LOAD_TO` | the target format | `webp` |

use std::time::Duration;

fn read<T>(name: &str, default: T, parse: impl Fn(&str) -> Option<T>) -> T {
    match std::env::var(name) {
        Ok(value) if !value.trim().is_empty() => {
            parse(value.trim()).unwrap_or_else(|| panic!("{name}={value:?} is not a valid value"))
        }
        _ => default,
    }
}

/// A positive count from `name`, else `default`.
pub fn count(name: &str, default: usize) -> usize {
    read(name, default, |v| v.parse().ok().filter(|n| *n > 0))
}

/// The photo's width and height.
pub fn size() -> (u32, u32) {
    read("PIXDROP_LOAD_SIZE", (2000, 1500), |v| {
        let (w, h) = v.split_once(['x', 'X'])?;
        Some((w.parse().ok()?, h.parse().ok()?)).filter(|(w, h)| *w > 0 && *h > 0)
    })
}

/// The format every burst converts to.
pub fn target() -> String {
    read("PIXDROP_LOAD_TO", "webp".to_string(), |v| {
        Some(v.to_string())
    })
}

/// How long a burst of `senders` may take before the unanswered count as
/// such: generous, since a burst that waits its turn is a pass.
pub fn patience(senders: usize) -> Duration {
    Duration::from_secs(60 + 3 * senders as u64)
}
