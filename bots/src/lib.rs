//! pixdrop's front ends: configuration, the command line, the service that
//! wires the core to the web, Telegram and Discord, and the privacy check.
//! The binary in `main.rs` only parses arguments and calls in here.

pub mod account;
pub mod auto;
pub mod check;
pub mod cli;
pub mod config;
pub mod cooldown;
pub mod discord;
pub mod download;
pub mod export;
pub mod keys_cli;
pub mod retry;
pub mod service;
pub mod shortcuts;
pub mod telegram;
pub mod texts;
pub mod web;
