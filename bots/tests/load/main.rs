//! Load: bursts of simultaneous users against the real `pixdrop` binary,
//! driven from outside over loopback, as a public bot meets them in a busy
//! group or on the open internet. One driver per front end (`telegram`:
//! many chats through the Bot API fake, `discord`: many users through the
//! Discord fake, `http`: many clients on `POST /api/convert`), each
//! reporting what it saw as a table (`report`): throughput, p50/p99
//! latency from send to result, documents versus refusal sentences, and
//! the child's peak RSS (`child`).
//!
//! The defaults are sized for CI (2 cores) and asserted: every burst is
//! answered with results, none refused. The same drivers scale up for
//! manual runs through environment variables read by `knobs`:
//!
//! ```sh
//! PIXDROP_LOAD_CHATS=200 PIXDROP_LOAD_USERS=100 PIXDROP_LOAD_CLIENTS=300 \
//! PIXDROP_LOAD_SIZE=4000x3000 PIXDROP_LOAD_TO=avif \
//!     cargo test --release --all-features --test load -- --nocapture
//! ```

mod answers;
mod child;
mod discord;
#[path = "../discord_fake/mod.rs"]
mod discord_fake;
mod http;
mod knobs;
mod photo;
mod report;
#[path = "../support/mod.rs"]
mod support;
mod telegram;

/// Held by each burst for its whole run. The tests of one binary run in
/// parallel; two bursts sharing the cores would each measure the other.
static MACHINE: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());
