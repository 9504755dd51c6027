//! A loopback Telegram Bot API for the bots' tests: an axum server on
//! 127.0.0.1:0 that answers teloxide the way api.telegram.org does for the
//! methods pixdrop calls (long polling with offsets and 409 conflicts,
//! chunked multipart uploads, file downloads (late or stalling on demand),
//! 429 flood control on demand, the Bot API's limits), records every call
//! for assertions and builds Updates from teloxide's own types. Every
//! pushed update must parse as a teloxide `Update`. All state belongs to
//! one `FakeTelegram`; nothing is global, nothing leaves loopback.

mod call;
mod methods;
mod serve;
mod state;
mod updates;

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use axum::routing::{any, get};
use serde_json::Value;
use tokio::sync::Notify;
use tokio::task::JoinHandle;
use tokio::time::Instant;

pub use call::Call;
use state::{Inner, StoredFile, now, read};

pub const TOKEN: &str = "123456:TEST-token";
pub const BOT_ID: i64 = 123_456;
pub const BOT_USERNAME: &str = "pixdrop_test_bot";

/// How a file's download is served when it is not served at once.
#[derive(Debug, Clone, Copy)]
pub enum Slow {
    /// The answer starts at once, its body after this pause.
    Late(Duration),
    /// This many bytes, then nothing more on an open connection.
    Stall(usize),
}

/// How the next call of a method fails.
#[derive(Debug, Clone)]
pub enum FailWith {
    /// 429 "Too Many Requests" with `parameters.retry_after` seconds.
    RetryAfter(u32),
    /// Any status with its description, e.g. `(400, "Bad Request: …")`.
    /// A 5xx makes teloxide sleep 10 s before it reads the answer.
    Status(u16, String),
}

struct ApiError {
    code: u16,
    description: String,
    retry_after: Option<u32>,
}

impl ApiError {
    fn new(code: u16, description: &str) -> Self {
        let description = description.to_string();
        Self {
            code,
            description,
            retry_after: None,
        }
    }

    fn bad(description: &str) -> Self {
        Self::new(400, &format!("Bad Request: {description}"))
    }
}

impl From<FailWith> for ApiError {
    fn from(fail: FailWith) -> Self {
        match fail {
            FailWith::RetryAfter(seconds) => Self {
                retry_after: Some(seconds),
                ..Self::new(429, &format!("Too Many Requests: retry after {seconds}"))
            },
            FailWith::Status(code, description) => Self::new(code, &description),
        }
    }
}

/// The fake server and its recorded traffic. Dropping it stops the server.
pub struct FakeTelegram {
    inner: Arc<Inner>,
    addr: SocketAddr,
    server: JoinHandle<()>,
}

impl Drop for FakeTelegram {
    fn drop(&mut self) {
        self.server.abort();
    }
}

impl FakeTelegram {
    pub async fn start() -> Self {
        let inner = Arc::new(Inner {
            started: Instant::now(),
            state: Mutex::default(),
            changed: Notify::new(),
        });
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind the fake Bot API on loopback");
        let addr = listener.local_addr().expect("local address");
        let app = Router::new()
            .route("/file/{token}/{*path}", get(serve::download))
            .route("/{token}/{method}", any(serve::method))
            .fallback(|| async { serve::reply(Err(ApiError::new(404, "Not Found"))) })
            .with_state(inner.clone());
        let server = tokio::spawn(async move {
            axum::serve(listener, app)
                .await
                .expect("fake Bot API serves");
        });
        Self {
            inner,
            addr,
            server,
        }
    }

    /// The base URL to give the bot instead of `https://api.telegram.org`.
    pub fn api_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    pub fn token(&self) -> &'static str {
        TOKEN
    }

    /// Makes `user_id` an administrator of the group `chat_id`.
    pub fn add_admin(&self, chat_id: i64, user_id: i64) {
        let mut state = self.inner.lock();
        state.admins.entry(chat_id).or_default().push(user_id);
    }

    /// Makes `bytes` downloadable; returns (file_id, file_unique_id, size).
    pub fn add_file(&self, bytes: &[u8], ext: &str) -> (String, String, u64) {
        self.add(Some(bytes.to_vec()), bytes.len() as u64, ext)
    }

    /// A file known only by its declared size: `getFile` on it answers
    /// "file is too big" above 20 MB, as Telegram does.
    pub fn add_large_file(&self, size: u64, ext: &str) -> (String, String, u64) {
        self.add(None, size, ext)
    }

    fn add(&self, bytes: Option<Vec<u8>>, size: u64, ext: &str) -> (String, String, u64) {
        let mut state = self.inner.lock();
        let id = state.store_file(bytes, size, ext);
        let unique = state.files[&id].unique_id.clone();
        (id, unique, size)
    }

    /// Queues an update (numbering it when it has no `update_id`) and
    /// learns its chats, messages and callback query; returns its id.
    pub fn push_update(&self, update: Value) -> u64 {
        self.push_updates(vec![update])[0]
    }

    /// Queues `updates` under one lock with one wake-up, so a waiting
    /// `getUpdates` answers them together (a burst); returns their ids.
    pub fn push_updates(&self, updates: Vec<Value>) -> Vec<u64> {
        let ids = {
            let mut state = self.inner.lock();
            updates.into_iter().map(|u| state.queue(u)).collect()
        };
        self.inner.changed.notify_waiters();
        ids
    }

    /// Now, on the clock `Call::at` counts (from the fake's start).
    pub fn elapsed(&self) -> Duration {
        self.inner.started.elapsed()
    }

    /// Serves every later download of `file_id` as `how` says.
    pub fn slow_download(&self, file_id: &str, how: Slow) {
        let mut state = self.inner.lock();
        let path = state.files[file_id].path.clone();
        state.slow.insert(path, how);
    }

    /// Makes the next call of `method` (any case) fail with `with`.
    pub fn fail_next(&self, method: &str, with: FailWith) {
        let mut state = self.inner.lock();
        let queue = state.failures.entry(method.to_ascii_lowercase());
        queue.or_default().push_back(with);
    }

    pub fn calls(&self) -> Vec<Call> {
        self.inner.lock().calls.clone()
    }

    /// The calls from the `first`-th on: a driver reading as it goes
    /// copies only what is new.
    pub fn calls_from(&self, first: usize) -> Vec<Call> {
        let state = self.inner.lock();
        state.calls.get(first..).unwrap_or_default().to_vec()
    }

    /// A message as Telegram holds it, sent by anyone.
    pub fn message(&self, chat_id: i64, message_id: i64) -> Option<Value> {
        let state = self.inner.lock();
        let message = state.messages.get(&(chat_id, message_id))?;
        Some(serde_json::to_value(message).expect("messages serialize"))
    }

    /// Waits until `done` holds for the calls so far; on timeout panics
    /// with every recorded call and the updates still queued.
    pub async fn wait_for(&self, done: impl Fn(&[Call]) -> bool, timeout: Duration) -> Vec<Call> {
        let deadline = Instant::now() + timeout;
        let finished = |inner: &Inner| Some(inner.lock().calls.clone()).filter(|c| done(c));
        match self.inner.until(deadline, finished).await {
            Some(calls) => calls,
            None => panic!("timed out after {timeout:?}\n{}", self.dump()),
        }
    }

    /// Waits until a `getUpdates` answer carried update `id`.
    pub async fn wait_delivered(&self, id: u64, timeout: Duration) {
        let deadline = Instant::now() + timeout;
        let delivered = |inner: &Inner| inner.lock().delivered.contains(&id).then_some(());
        if self.inner.until(deadline, delivered).await.is_none() {
            panic!("update {id} not delivered in {timeout:?}\n{}", self.dump());
        }
    }

    /// Every call so far, one a line, then what is still queued.
    pub fn dump(&self) -> String {
        let state = self.inner.lock();
        let mut out = String::from("recorded calls:\n");
        for call in &state.calls {
            out.push_str(&format!("  {call}\n"));
        }
        let queued = state.updates.iter().map(|u| &u["update_id"]);
        let queued: Vec<String> = queued.map(Value::to_string).collect();
        let delivered = &state.delivered;
        let allowed = &state.allowed;
        out + &format!(
            "queued: [{}], delivered: {delivered:?}, allowed_updates: {allowed:?}\n",
            queued.join(", ")
        )
    }
}
