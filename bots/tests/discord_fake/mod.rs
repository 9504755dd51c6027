//! A loopback Discord for the Discord adapter's tests: one axum server on
//! 127.0.0.1:0 that is the REST API (`/api/v10/…`, with the rules Discord
//! enforces and injected errors and 429s), the attachment CDN (signed
//! `?ex=&is=&hm=` URLs) and the gateway websocket (Hello, Identify, READY,
//! heartbeats, Resume, dispatches filtered by intents). It records every
//! request for assertions. Every object it serves is built through
//! serenity's own model types (`payloads`). All state belongs to one
//! `FakeDiscord`; nothing is global and nothing leaves loopback.
//!
//! Use it from a test file with
//! `#[path = "discord_fake/mod.rs"] mod discord_fake;`.
#![allow(dead_code)]

mod answers;
mod body;
mod gateway;
mod outgoing;
pub mod payloads;
mod reply;
mod rest;
mod schema;
mod tester;

use std::collections::{HashMap, VecDeque};
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use axum::Router;
use axum::extract::{Request, State as AxumState};
use axum::response::Response;
use serde_json::{Value, json};
use tokio::sync::watch;
use tokio::task::JoinHandle;
use tokio::time::Instant;

pub use body::Call;

/// The bot token the fake accepts (REST `Authorization: Bot …`, Identify).
pub const TOKEN: &str = "MTE4NzY1NDMyMTA5ODc2NTQzMg.GpXd7k.fake-pixdrop-token_0123456789abcdefABCD";
/// The application id, which is also the bot user's id.
pub const APPLICATION_ID: u64 = 1_187_654_321_098_765_432;
pub const BOT_NAME: &str = "pixdrop";
pub const GUILD_ID: u64 = 1_090_000_000_000_000_100;
/// The channel interactions and messages come from unless told otherwise.
pub const CHANNEL_ID: u64 = 1_090_000_000_000_000_200;
pub const OTHER_CHANNEL_ID: u64 = 1_090_000_000_000_000_300;
/// The human who invokes commands and posts images.
pub const USER_ID: u64 = 1_050_000_000_000_000_777;
pub const USER_NAME: &str = "tester";
/// Discord's default upload limit (no boosts), per file.
pub const UPLOAD_LIMIT: u32 = 10 * 1024 * 1024;
pub const HEARTBEAT_INTERVAL_MS: u64 = 41_250;
/// An interaction must get its initial response this soon.
pub const ACK_WINDOW: Duration = Duration::from_secs(3);
/// An interaction token (edits, follow-ups) works this long.
pub const TOKEN_LIFETIME: Duration = Duration::from_secs(15 * 60);

/// Gateway intent bits the fake enforces on dispatches.
pub mod intents {
    pub const GUILDS: u64 = 1;
    pub const GUILD_MESSAGES: u64 = 1 << 9;
    pub const DIRECT_MESSAGES: u64 = 1 << 12;
    pub const MESSAGE_CONTENT: u64 = 1 << 15;
}

/// How the next matching request fails.
#[derive(Debug, Clone)]
pub enum FailWith {
    /// 429 with Discord's rate-limit body and `retry-after` /
    /// `x-ratelimit-*` headers.
    RateLimited { retry_after_secs: f64 },
}

/// What the fake knows about one interaction it built.
#[derive(Debug, Clone)]
struct Interaction {
    id: u64,
    value: Value,
    created: Instant,
    dispatched: Option<Instant>,
    /// The type of the initial response, once there was one.
    acked: Option<u64>,
    /// The message `@original` names, while it exists.
    original: Option<Value>,
}

impl Interaction {
    fn kind(&self) -> u64 {
        self.value["type"].as_u64().unwrap_or(0)
    }

    fn size_limit(&self) -> u64 {
        self.value["attachment_size_limit"]
            .as_u64()
            .unwrap_or(u64::from(UPLOAD_LIMIT))
    }

    fn channel_id(&self) -> u64 {
        parse_id(&self.value["channel_id"]).unwrap_or(CHANNEL_ID)
    }
}

/// A file the CDN serves.
#[derive(Debug, Clone)]
struct CdnFile {
    bytes: Vec<u8>,
    content_type: String,
    /// The signature query the URL carries (`ex=…&is=…&hm=…`).
    query: String,
}

#[derive(Default)]
struct State {
    base: String,
    calls: Vec<Call>,
    failures: VecDeque<(String, String, FailWith)>,
    last_id: u64,
    commands: Vec<Value>,
    guild_commands: HashMap<u64, Vec<Value>>,
    /// By token.
    interactions: HashMap<String, Interaction>,
    /// Every message the fake knows, by id.
    messages: HashMap<u64, Value>,
    /// By path (`/attachments/{channel}/{id}/{name}`).
    cdn: HashMap<String, CdnFile>,
    /// CDN paths that send this many bytes and then stall.
    stalls: HashMap<String, usize>,
    gateway: gateway::Gateway,
}

impl State {
    fn next_id(&mut self) -> u64 {
        self.last_id = payloads::snowflake(self.last_id);
        self.last_id
    }

    /// The commands registered globally, or in `guild`.
    fn commands_in(&mut self, guild: Option<u64>) -> &mut Vec<Value> {
        match guild {
            None => &mut self.commands,
            Some(guild) => self.guild_commands.entry(guild).or_default(),
        }
    }

    fn ws_url(&self) -> String {
        format!("{}/gateway", self.base.replacen("http://", "ws://", 1))
    }
}

/// FNV-1a, for signature-looking hex.
fn fnv(text: &str) -> u64 {
    text.bytes().fold(0xcbf2_9ce4_8422_2325, |hash, byte| {
        (hash ^ u64::from(byte)).wrapping_mul(0x0100_0000_01b3)
    })
}

/// A snowflake from a JSON string or number.
fn parse_id(value: &Value) -> Option<u64> {
    match value {
        Value::String(text) => text.parse().ok(),
        Value::Number(number) => number.as_u64(),
        _ => None,
    }
}

struct Shared {
    state: Mutex<State>,
    changed: watch::Sender<u64>,
}

impl Shared {
    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn bump(&self) {
        self.changed.send_modify(|n| *n += 1);
    }
}

/// The running fake. Dropping it stops the server.
pub struct FakeDiscord {
    shared: Arc<Shared>,
    addr: SocketAddr,
    server: JoinHandle<()>,
}

impl Drop for FakeDiscord {
    fn drop(&mut self) {
        self.server.abort();
        self.shared.lock().gateway.close_all();
    }
}

impl FakeDiscord {
    pub async fn start() -> Self {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind 127.0.0.1:0");
        let addr = listener.local_addr().expect("local addr");
        let shared = Arc::new(Shared {
            state: Mutex::new(State {
                base: format!("http://{addr}"),
                gateway: gateway::Gateway::new(format!("ws://{addr}/gateway")),
                ..State::default()
            }),
            changed: watch::channel(0).0,
        });
        let app = Router::new().fallback(handle).with_state(shared.clone());
        let server = tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        Self {
            shared,
            addr,
            server,
        }
    }

    /// The base that replaces `https://discord.com`.
    pub fn api_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    pub fn token(&self) -> &'static str {
        TOKEN
    }

    /// Every request so far, in arrival order.
    pub fn calls(&self) -> Vec<Call> {
        self.shared.lock().calls.clone()
    }

    /// The requests from the `first`-th on: a driver reading as it goes
    /// copies only what is new.
    pub fn calls_from(&self, first: usize) -> Vec<Call> {
        let state = self.shared.lock();
        state.calls.get(first..).unwrap_or_default().to_vec()
    }

    /// Every request, one line each, and the gateway's record: for
    /// failure messages.
    pub fn dump(&self) -> String {
        let state = self.shared.lock();
        let mut out = String::new();
        for (i, call) in state.calls.iter().enumerate() {
            out.push_str(&format!("  #{i} {}\n", call.summary()));
        }
        out.push_str(&state.gateway.describe());
        out
    }

    /// Waits until `done` holds for the calls so far and returns them;
    /// panics with every recorded call after `timeout`.
    pub async fn wait_for(&self, done: impl Fn(&[Call]) -> bool, timeout: Duration) -> Vec<Call> {
        match self.try_wait_for(done, timeout).await {
            Some(calls) => calls,
            None => panic!(
                "the fake saw no matching request within {timeout:?}; it saw:\n{}",
                self.dump()
            ),
        }
    }

    /// `wait_for` that answers `None` on timeout.
    pub async fn try_wait_for(
        &self,
        done: impl Fn(&[Call]) -> bool,
        timeout: Duration,
    ) -> Option<Vec<Call>> {
        self.until(
            |state| Some(state.calls.clone()).filter(|calls| done(calls)),
            timeout,
        )
        .await
    }

    /// Waits for an Identify answered with READY and returns the Identify's
    /// `d` (token, intents, shard, properties …).
    pub async fn wait_until_ready(&self, timeout: Duration) -> Value {
        let ready = self.until(|state| state.gateway.ready_identify(), timeout);
        ready.await.unwrap_or_else(|| {
            panic!(
                "no Identify answered with READY within {timeout:?}; the fake saw:\n{}",
                self.dump()
            )
        })
    }

    /// The first `Some` `check` gives, looking again at every change.
    async fn until<T>(&self, check: impl Fn(&State) -> Option<T>, timeout: Duration) -> Option<T> {
        let deadline = Instant::now() + timeout;
        let mut changed = self.shared.changed.subscribe();
        loop {
            changed.borrow_and_update();
            if let Some(found) = check(&self.shared.lock()) {
                return Some(found);
            }
            if !matches!(
                tokio::time::timeout_at(deadline, changed.changed()).await,
                Ok(Ok(()))
            ) {
                return None;
            }
        }
    }

    /// The last Identify's `d`, if any.
    pub fn identify(&self) -> Option<Value> {
        self.shared.lock().gateway.identify.clone()
    }

    /// The `[index, total]` of every Identify answered with READY, in order.
    pub fn identified_shards(&self) -> Vec<[u64; 2]> {
        self.shared.lock().gateway.shards.clone()
    }

    /// From now on an Identify must name `total` shards, or it is closed
    /// with 4011 as Discord closes a bot that needs more shards.
    pub fn require_shards(&self, total: u64) {
        self.shared.lock().gateway.total_shards = Some(total);
    }

    /// Websocket connections accepted so far.
    pub fn connections(&self) -> u64 {
        self.shared.lock().gateway.connections
    }

    /// Sends op 0 `event` with the next sequence number to the identified
    /// session, filtered as Discord filters by intents; held until READY
    /// when no session is up yet.
    pub fn dispatch(&self, event: &str, data: Value) {
        {
            let mut state = self.shared.lock();
            if event == "INTERACTION_CREATE"
                && let Some(token) = data["token"].as_str()
                && let Some(interaction) = state.interactions.get_mut(token)
            {
                interaction.dispatched = Some(Instant::now());
            }
            state.gateway.dispatch(event, data);
        }
        self.shared.bump();
    }

    /// `dispatch("INTERACTION_CREATE", interaction)`.
    pub fn interact(&self, interaction: &Value) {
        self.dispatch("INTERACTION_CREATE", interaction.clone());
    }

    /// Closes the live gateway connection with this close code, as Discord
    /// does before asking a client to reconnect or resume.
    pub fn drop_gateway(&self, code: u16) {
        self.shared.lock().gateway.kick(code);
    }

    /// The next request with `method` whose path contains `path_contains`
    /// fails with `fail` (once).
    pub fn fail_next(&self, method: &str, path_contains: &str, fail: FailWith) {
        self.shared.lock().failures.push_back((
            method.to_ascii_uppercase(),
            path_contains.to_string(),
            fail,
        ));
    }
}

/// Gives the invoking member of an interaction body administrator rights
/// (every permission bit, as Discord reports them for admins).
pub fn as_admin(interaction: &mut Value) {
    let all = payloads::perms::ALL.to_string();
    interaction["member"]["permissions"] = json!(all);
    interaction["channel"]["permissions"] = json!(all);
}

async fn handle(AxumState(shared): AxumState<Arc<Shared>>, request: Request) -> Response {
    let path = request.uri().path().to_string();
    if path == "/gateway" || path == "/gateway/" {
        return gateway::upgrade(shared, request);
    }
    let method = request.method().clone();
    let query = request.uri().query().unwrap_or("").to_string();
    let (parts, body) = request.into_parts();
    let bytes = axum::body::to_bytes(body, 256 << 20)
        .await
        .unwrap_or_default();
    let decoded = if rest::is_cdn(&path) {
        Ok(body::Decoded::default())
    } else {
        body::decode(&method, &parts.headers, bytes).await
    };
    let reply = {
        let mut state = shared.lock();
        let reply = match &decoded {
            Ok(decoded) => {
                rest::answer(&mut state, &method, &path, &query, &parts.headers, decoded)
            }
            Err(problem) => reply::Reply::error(
                400,
                50109,
                &format!("The request body contains invalid JSON. ({problem})"),
            ),
        };
        let decoded = decoded.unwrap_or_default();
        state.calls.push(Call {
            method: method.to_string(),
            path,
            query,
            json: decoded.json,
            files: decoded.files,
            multipart: decoded.multipart,
            status: reply.status,
            response: reply.body_json(),
            at: Instant::now().into_std(),
        });
        reply
    };
    shared.bump();
    reply.into_response()
}
