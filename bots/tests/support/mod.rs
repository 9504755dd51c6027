//! Loopback fakes of the chat platforms, shared by the bots' integration
//! tests. Each test binary uses only part of them.
#![allow(dead_code)]

pub mod telegram_fake;
