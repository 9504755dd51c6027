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
mod updates;

use std::collections::{HashMap, HashSet, VecDeque};
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use axum::Router;
use axum::body::Body;
use axum::extract::{Path, State as With};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{any, get};
use serde_json::{Map, Value, json};
use teloxide::types::{Chat, MaybeInaccessibleMessage, Message, Update, UpdateKind};
use tokio::sync::Notify;
use tokio::task::JoinHandle;
use tokio::time::Instant;

pub use call::Call;

pub const TOKEN: &str = "123456:TEST-token";
pub const BOT_ID: i64 = 123_456;
pub const BOT_USERNAME: &str = "pixdrop_test_bot";

/// The longest a `getUpdates` is held open, whatever `timeout` asks:
/// teloxide's client gives up after 17 s, and tests should not wait long.
const LONG_POLL_CAP: Duration = Duration::from_secs(2);

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

struct StoredFile {
    unique_id: String,
    path: String,
    size: u64,
    /// `None` for files only declared (too big to hold).
    bytes: Option<Arc<Vec<u8>>>,
}

#[derive(Default)]
struct State {
    calls: Vec<Call>,
    /// Undelivered-or-unconfirmed updates, by ascending `update_id`.
    updates: VecDeque<Value>,
    next_update_id: u64,
    /// The last non-empty `allowed_updates`; Telegram keeps it between calls.
    allowed: Option<Vec<String>>,
    /// Bumped by every `getUpdates`; an older open poll seeing a newer
    /// number was terminated by the newer one (409).
    poll_generation: u64,
    delivered: HashSet<u64>,
    files: HashMap<String, StoredFile>,
    /// Numbers files, albums and callback queries.
    seq: u64,
    message_seq: i64,
    chats: HashMap<i64, Chat>,
    messages: HashMap<(i64, i64), Message>,
    /// Callback query ids Telegram sent, and whether they were answered.
    callbacks: HashMap<String, bool>,
    failures: HashMap<String, VecDeque<FailWith>>,
    /// Group chat id → the users who administer it (the first one owns it).
    admins: HashMap<i64, Vec<i64>>,
    /// File path → how its download is slowed.
    slow: HashMap<String, Slow>,
    webhook: Option<String>,
}

impl State {
    fn next_message_id(&mut self) -> i64 {
        self.message_seq += 1;
        self.message_seq
    }

    fn next_seq(&mut self) -> u64 {
        self.seq += 1;
        self.seq
    }

    fn remember(&mut self, message: &Message) {
        self.chats.insert(message.chat.id.0, message.chat.clone());
        let id = i64::from(message.id.0);
        self.message_seq = self.message_seq.max(id);
        let key = (message.chat.id.0, id);
        self.messages.entry(key).or_insert_with(|| message.clone());
        if let Some(replied) = message.reply_to_message() {
            self.remember(replied);
        }
    }

    /// `push_update` without the wake-up; panics unless teloxide reads it.
    fn queue(&mut self, mut update: Value) -> u64 {
        let id = match update["update_id"].as_u64() {
            Some(id) => id,
            None => {
                self.next_update_id = self.next_update_id.max(1);
                update["update_id"] = json!(self.next_update_id);
                self.next_update_id
            }
        };
        self.next_update_id = self.next_update_id.max(id + 1);
        let parsed: Update =
            read(&update).unwrap_or_else(|e| panic!("teloxide can't read {update}: {e}"));
        match &parsed.kind {
            UpdateKind::Message(message) => self.remember(message),
            UpdateKind::CallbackQuery(query) => {
                if let Some(MaybeInaccessibleMessage::Regular(message)) = &query.message {
                    self.remember(message);
                }
                self.callbacks.insert(query.id.0.clone(), false);
            }
            other => panic!("the fake sends messages and callback queries only: {other:?}"),
        }
        let at = self
            .updates
            .iter()
            .position(|queued| queued["update_id"].as_u64() > Some(id))
            .unwrap_or(self.updates.len());
        self.updates.insert(at, update);
        id
    }

    fn store_file(&mut self, bytes: Option<Vec<u8>>, size: u64, ext: &str) -> String {
        let n = self.next_seq();
        let id = format!(
            "BQACAgIAAxkBAAI{n:04}fake{:08x}",
            n.wrapping_mul(2_654_435_761)
        );
        let ext = if ext.is_empty() { "bin" } else { ext };
        let file = StoredFile {
            unique_id: format!("AgAD{n:04}"),
            path: format!("documents/file_{n}.{ext}"),
            size,
            bytes: bytes.map(Arc::new),
        };
        self.files.insert(id.clone(), file);
        id
    }

    fn record(&mut self, started: Instant, method: &str, fields: Map<String, Value>) -> usize {
        self.calls.push(Call {
            method: method.to_string(),
            fields: Value::Object(fields),
            files: Vec::new(),
            status: None,
            result: Value::Null,
            error: None,
            at: started.elapsed(),
        });
        self.calls.len() - 1
    }

    fn complete(&mut self, index: usize, outcome: &Result<Value, ApiError>) {
        let call = &mut self.calls[index];
        match outcome {
            Ok(result) => (call.status, call.result) = (Some(200), result.clone()),
            Err(error) => {
                (call.status, call.error) = (Some(error.code), Some(error.description.clone()))
            }
        }
    }

    fn allows(&self, update: &Value) -> bool {
        let Some(allowed) = &self.allowed else {
            return true;
        };
        let keys = update.as_object().into_iter().flat_map(|u| u.keys());
        keys.filter(|key| *key != "update_id")
            .any(|kind| allowed.contains(kind))
    }
}

/// `value` as teloxide reads it: from the text, as it reads an HTTP body
/// (some of its types borrow their keys and refuse a `Value`).
fn read<T: serde::de::DeserializeOwned>(value: &Value) -> serde_json::Result<T> {
    serde_json::from_str(&value.to_string())
}

fn now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

struct Inner {
    started: Instant,
    /// A std `Mutex`: every critical section is short and none awaits.
    state: Mutex<State>,
    /// Wakes open long polls and `wait_for` whenever anything changes.
    changed: Notify,
}

impl Inner {
    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Waits until `check` gives an answer or `deadline` passes.
    async fn until<T>(&self, deadline: Instant, check: impl Fn(&Self) -> Option<T>) -> Option<T> {
        loop {
            let changed = self.changed.notified();
            tokio::pin!(changed);
            changed.as_mut().enable();
            if let Some(done) = check(self) {
                return Some(done);
            }
            if tokio::time::timeout_at(deadline, changed).await.is_err() {
                return check(self);
            }
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
            .route("/file/{token}/{*path}", get(download))
            .route("/{token}/{method}", any(method))
            .fallback(|| async { reply(Err(ApiError::new(404, "Not Found"))) })
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
        match self.try_wait_for(done, timeout).await {
            Ok(calls) => calls,
            Err(_) => panic!("timed out after {timeout:?}\n{}", self.dump()),
        }
    }

    /// Like `wait_for`, but hands back the calls on timeout instead.
    pub async fn try_wait_for(
        &self,
        done: impl Fn(&[Call]) -> bool,
        timeout: Duration,
    ) -> Result<Vec<Call>, Vec<Call>> {
        let deadline = Instant::now() + timeout;
        let finished = |inner: &Inner| Some(inner.lock().calls.clone()).filter(|c| done(c));
        self.inner
            .until(deadline, finished)
            .await
            .ok_or_else(|| self.calls())
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
        let queued: Vec<String> = state
            .updates
            .iter()
            .map(|u| {
                let id = u["update_id"].as_u64().unwrap_or_default();
                let seen = if state.delivered.contains(&id) {
                    " (delivered)"
                } else {
                    ""
                };
                format!("{id}{seen}")
            })
            .collect();
        let allowed = &state.allowed;
        out + &format!(
            "queued updates: [{}], allowed_updates: {allowed:?}\n",
            queued.join(", ")
        )
    }
}

async fn method(
    With(inner): With<Arc<Inner>>,
    Path((token, method)): Path<(String, String)>,
    headers: HeaderMap,
    body: Body,
) -> Response {
    if token.strip_prefix("bot") != Some(TOKEN) {
        return reply(Err(ApiError::new(401, "Unauthorized")));
    }
    let method = method.to_ascii_lowercase();
    let (fields, files) = match call::decode(&headers, body).await {
        Ok(decoded) => decoded,
        Err(why) => return reply(Err(ApiError::bad(&why))),
    };
    if method == "getupdates" {
        return reply(get_updates(&inner, fields).await);
    }
    let outcome = {
        let mut state = inner.lock();
        let failure = state
            .failures
            .get_mut(&method)
            .and_then(VecDeque::pop_front);
        let outcome = match failure {
            Some(failure) => Err(failure.into()),
            None => methods::answer(&mut state, &method, &fields, &files),
        };
        let index = state.record(inner.started, &method, fields);
        state.calls[index].files = files;
        state.complete(index, &outcome);
        outcome
    };
    inner.changed.notify_waiters();
    reply(outcome)
}

/// Long polling as Telegram does it: confirm everything below `offset`,
/// answer at once when something is queued, else wait up to `timeout`
/// (capped) for an update. A newer `getUpdates` ends an open one with 409,
/// and polling while a webhook is set is a 409 too.
async fn get_updates(inner: &Inner, fields: Map<String, Value>) -> Result<Value, ApiError> {
    let int = |key: &str| fields.get(key).and_then(call::int_of);
    let offset = int("offset").unwrap_or(0);
    let limit = int("limit").unwrap_or(100).clamp(1, 100) as usize;
    let wait = Duration::from_secs(int("timeout").unwrap_or(0).max(0) as u64).min(LONG_POLL_CAP);
    let allowed = fields.get("allowed_updates").and_then(call::json_of);
    let allowed: Option<Vec<String>> = allowed.and_then(|a| serde_json::from_value(a).ok());
    let (index, generation, failure) = {
        let mut state = inner.lock();
        if let Some(names) = allowed {
            state.allowed = Some(names).filter(|names| !names.is_empty());
        }
        state.poll_generation += 1;
        let mut failure = state
            .failures
            .get_mut("getupdates")
            .and_then(VecDeque::pop_front);
        if state.webhook.is_some() {
            let conflict = "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first";
            failure = Some(FailWith::Status(409, conflict.into()));
        }
        let index = state.record(inner.started, "getupdates", fields);
        (index, state.poll_generation, failure)
    };
    inner.changed.notify_waiters();
    let deadline = Instant::now() + wait;
    let outcome = match failure {
        Some(failure) => Err(failure.into()),
        None => {
            let answer = |inner: &Inner| poll(&mut inner.lock(), generation, offset, limit);
            match inner.until(deadline, answer).await {
                Some(outcome) => outcome,
                None => Ok(json!([])),
            }
        }
    };
    inner.lock().complete(index, &outcome);
    inner.changed.notify_waiters();
    outcome
}

/// One look at the queue for an open poll: `None` while it should wait.
fn poll(
    state: &mut State,
    generation: u64,
    offset: i64,
    limit: usize,
) -> Option<Result<Value, ApiError>> {
    if state.poll_generation != generation {
        return Some(Err(ApiError::new(
            409,
            "Conflict: terminated by other getUpdates request; make sure that only one bot instance is running",
        )));
    }
    if offset > 0 {
        state
            .updates
            .retain(|u| u["update_id"].as_i64() >= Some(offset));
    }
    let batch: Vec<Value> = state
        .updates
        .iter()
        .filter(|u| state.allows(u))
        .take(limit)
        .cloned()
        .collect();
    if batch.is_empty() {
        return None;
    }
    for update in &batch {
        state
            .delivered
            .insert(update["update_id"].as_u64().unwrap_or_default());
    }
    Some(Ok(Value::Array(batch)))
}

/// `GET /file/bot<token>/<file_path>`; the path may arrive as one
/// percent-encoded segment (`documents%2Ffile_1.png`) or as plain segments.
async fn download(
    With(inner): With<Arc<Inner>>,
    Path((token, path)): Path<(String, String)>,
) -> Response {
    let (bytes, slow) = {
        let mut state = inner.lock();
        let file = state.files.values().find(|file| file.path == path);
        let bytes = file.and_then(|file| file.bytes.clone());
        let bytes = bytes.filter(|_| token.strip_prefix("bot") == Some(TOKEN));
        let mut fields = Map::new();
        fields.insert("file_path".into(), json!(path));
        let index = state.record(inner.started, "download", fields);
        state.calls[index].status = Some(if bytes.is_some() { 200 } else { 404 });
        (bytes, state.slow.get(&path).copied())
    };
    inner.changed.notify_waiters();
    let Some(bytes) = bytes else {
        return reply(Err(ApiError::new(404, "Not Found")));
    };
    let body = paced(bytes.as_ref().clone(), slow);
    ([(header::CONTENT_TYPE, "application/octet-stream")], body).into_response()
}

/// A file's body, at once or as `slow` says.
fn paced(bytes: Vec<u8>, slow: Option<Slow>) -> Body {
    use futures_util::{StreamExt, stream};
    type Chunk = Result<Vec<u8>, std::convert::Infallible>;
    match slow {
        None => Body::from(bytes),
        Some(Slow::Late(pause)) => Body::from_stream(stream::once(async move {
            tokio::time::sleep(pause).await;
            Chunk::Ok(bytes)
        })),
        Some(Slow::Stall(sent)) => {
            let head = bytes[..sent.min(bytes.len())].to_vec();
            Body::from_stream(stream::iter([Chunk::Ok(head)]).chain(stream::pending()))
        }
    }
}

fn reply(outcome: Result<Value, ApiError>) -> Response {
    let error = match outcome {
        Ok(result) => return axum::Json(json!({"ok": true, "result": result})).into_response(),
        Err(error) => error,
    };
    let mut body = json!({"ok": false, "error_code": error.code, "description": error.description});
    if let Some(seconds) = error.retry_after {
        body["parameters"] = json!({"retry_after": seconds});
    }
    let status = StatusCode::from_u16(error.code).unwrap_or(StatusCode::BAD_REQUEST);
    (status, axum::Json(body)).into_response()
}
