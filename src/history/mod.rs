//! The conversion history: metadata rows only. A `Record` says how a
//! conversion went (formats, sizes, settings, time, outcome) and, for chat
//! users, a keyed hash of who asked. Its fields are enums, numbers and the
//! hash, so it has nowhere to put a file name, caption, chat id, raw user id
//! or image bytes: the type system keeps that promise.
//!
//! One schema on SQLite (the embedded default) and PostgreSQL; `purge`
//! drops records past their retention; users can list, export, pause and
//! erase their own. API keys live here too, as hashes only. Admins' auto-convert settings live here too, under a
//! keyed hash of the chat or channel, never its id.

mod db;
mod keys;
mod record;
mod user;

pub use db::{History, Retention, now_minute};
pub use keys::{KEY_PREFIX, KeyError, KeyId, KeyInfo, looks_like_key};
pub use record::{Outcome, Record, Settings};
pub use user::{UserHash, UserHasher};
