//! pixdrop's core: everything about turning one image into another, and
//! nothing about where it came from. No environment, no platform types, no
//! file system.
//!
//! - [`options`]: the option words shared by chat, CLI and HTTP.
//! - [`limits`]: bytes, pixels, frames and time one conversion may cost.
//! - [`convert`]: sniff, decode, transform, encode; sync and pure.
//! - [`pool`]: the bounded CPU pool every conversion runs on.
//! - [`store`]: the ephemeral store, the only place bytes are held.
//! - [`links`]: signed, expiring download links.
//! - [`gather`]: a chat album's parts, gathered across instances.
//! - [`history`]: metadata-only conversion records and users' rights over them.
//! - [`api`]: `Core`, what front ends share, behind methods.
//! - [`job`]: `Core::run`, the one Job → Reply path every front end uses.
//! - [`bundle`]: `Core::bundle`, several results as one held ZIP.
//! - [`removal`]: "Delete now" from a chat, for the person who asked only.
//! - [`replay`]: `Core::run_once`, the same at most once per idempotency key.
//! - [`error`]: [`UserError`], the one error a user ever sees.
//! - [`lang`]: the languages users are answered in, and their messages.

pub mod api;
pub mod bundle;
pub mod color;
pub mod convert;
pub mod error;
pub mod gather;
pub mod history;
pub mod job;
pub mod lang;
pub mod limits;
pub mod links;
pub mod options;
pub mod pool;
mod reference;
pub mod removal;
pub mod replay;
pub mod size;
pub mod store;
pub mod telemetry;

pub use api::{Content, Core, HeldResult};
pub use bundle::Bundle;
pub use convert::{Format, Output, convert, info};
pub use error::UserError;
pub use job::{Job, Platform, Reply};
pub use lang::Lang;
pub use limits::Limits;
pub use options::Options;
pub use size::ByteSize;
