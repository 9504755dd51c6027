//! Shared by the bots' integration tests: loopback fakes of the chat
//! platforms, a reader of the pages of result PDFs, and a guard for a
//! spawned server. Each test binary uses only
//! part of it.
#![allow(dead_code)]

pub mod certs;
pub mod pdf;
pub mod server;
pub mod telegram_fake;
