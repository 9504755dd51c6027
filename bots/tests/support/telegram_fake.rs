//! A loopback Telegram Bot API for the bots' tests: an axum server on
//! 127.0.0.1:0 that answers teloxide the way api.telegram.org does (same
//! JSON shapes and errors, long polling with offsets and 409 conflicts,
//! chunked multipart uploads, file downloads (late or stalling on demand),
//! 429 flood control on demand),
//! records every call for assertions and builds real Update JSON. All state
//! belongs to one `FakeTelegram`; nothing is global, nothing leaves loopback.

mod body;
mod markup;
mod methods;
mod updates;

use std::collections::{HashMap, HashSet, VecDeque};
use std::io::Cursor;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use axum::Router;
use axum::body::Body;
use axum::http::{HeaderMap, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use serde_json::{Map, Value, json};
use tokio::sync::Notify;
use tokio::task::JoinHandle;
use tokio::time::Instant;

pub use body::Call;

pub const TOKEN: &str = "123456:TEST-token";
pub const BOT_ID: i64 = 123_456;
pub const BOT_USERNAME: &str = "pixdrop_test_bot";

/// The longest a `getUpdates` is held open, whatever `timeout` asks:
/// teloxide's client gives up after 17 s, and tests should not wait long.
const LONG_POLL_CAP: Duration = Duration::from_secs(2);

/// Update kinds Telegram leaves out when `allowed_updates` is empty.
const OPT_IN_UPDATES: [&str; 3] = ["chat_member", "message_reaction", "message_reaction_count"];

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
        Self {
            code,
            description: description.to_string(),
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
                code: 429,
                description: format!("Too Many Requests: retry after {seconds}"),
                retry_after: Some(seconds),
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
    dims: Option<(u32, u32)>,
    /// Smaller photo sizes made from this file, built once.
    thumbs: Option<Vec<Value>>,
}

impl StoredFile {
    fn meta(&self, id: &str) -> Value {
        json!({"file_id": id, "file_unique_id": self.unique_id, "file_size": self.size})
    }
}

struct State {
    started: Instant,
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
    file_seq: u64,
    message_seq: i64,
    media_group_seq: u64,
    callback_seq: u64,
    chats: HashMap<i64, Value>,
    messages: HashMap<(i64, i64), Value>,
    /// Callback query ids Telegram sent, and whether they were answered.
    callbacks: HashMap<String, bool>,
    failures: HashMap<String, VecDeque<FailWith>>,
    commands: Value,
    /// Group chat id → the users who administer it (the first one owns it).
    admins: HashMap<i64, Vec<i64>>,
    /// File path → how its download is slowed.
    slow: HashMap<String, Slow>,
}

impl State {
    fn next_message_id(&mut self) -> i64 {
        self.message_seq += 1;
        self.message_seq
    }

    fn next_media_group_id(&mut self) -> String {
        self.media_group_seq += 1;
        format!("{}", 13_700_000_000_000_000 + self.media_group_seq)
    }

    /// Keeps a message the bot sent and returns it as the API would.
    fn keep(&mut self, message: Map<String, Value>) -> Value {
        let chat = message["chat"]["id"].as_i64().unwrap_or_default();
        let id = message["message_id"].as_i64().unwrap_or_default();
        let message = Value::Object(message);
        self.messages.insert((chat, id), message.clone());
        message
    }

    fn remember_message(&mut self, message: &Value) {
        let (Some(chat), Some(id)) = (
            message["chat"]["id"].as_i64(),
            message["message_id"].as_i64(),
        ) else {
            return;
        };
        self.chats.insert(chat, message["chat"].clone());
        self.message_seq = self.message_seq.max(id);
        self.messages
            .entry((chat, id))
            .or_insert_with(|| message.clone());
        if let Some(replied) = message.get("reply_to_message") {
            self.remember_message(replied);
        }
    }

    /// `push_update` without the wake-up.
    fn queue(&mut self, mut update: Value) -> u64 {
        let id = match update["update_id"].as_u64() {
            Some(id) => id,
            None => {
                update["update_id"] = json!(self.next_update_id);
                self.next_update_id
            }
        };
        self.next_update_id = self.next_update_id.max(id + 1);
        for key in ["message", "edited_message", "channel_post"] {
            if let Some(message) = update.get(key) {
                self.remember_message(message);
            }
        }
        if let Some(query) = update.get("callback_query") {
            if let Some(message) = query.get("message") {
                self.remember_message(message);
            }
            if let Some(query_id) = query["id"].as_str() {
                self.callbacks.insert(query_id.to_string(), false);
            }
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
        self.file_seq += 1;
        let n = self.file_seq;
        let id = format!(
            "BQACAgIAAxkBAAI{n:04}fake{:08x}",
            n.wrapping_mul(2_654_435_761)
        );
        let dims = bytes.as_deref().and_then(dimensions);
        let ext = if ext.is_empty() { "bin" } else { ext };
        let file = StoredFile {
            unique_id: format!("AgAD{n:04}"),
            path: format!("documents/file_{n}.{ext}"),
            size,
            bytes: bytes.map(Arc::new),
            dims,
            thumbs: None,
        };
        self.files.insert(id.clone(), file);
        id
    }

    fn record(&mut self, method: &str, fields: Map<String, Value>, files: body::Files) -> usize {
        self.calls.push(Call {
            method: method.to_string(),
            fields: Value::Object(fields),
            files,
            status: None,
            result: Value::Null,
            error: None,
            at: self.started.elapsed(),
        });
        self.calls.len() - 1
    }

    fn complete(&mut self, index: usize, outcome: &Result<Value, ApiError>) {
        let call = &mut self.calls[index];
        match outcome {
            Ok(result) => {
                call.status = Some(200);
                call.result = result.clone();
            }
            Err(error) => {
                call.status = Some(error.code);
                call.error = Some(error.description.clone());
            }
        }
    }

    fn allows(&self, update: &Value) -> bool {
        let Some(kind) = update_kind(update) else {
            return true;
        };
        match &self.allowed {
            Some(allowed) => allowed.iter().any(|a| a == kind),
            None => !OPT_IN_UPDATES.contains(&kind),
        }
    }
}

fn update_kind(update: &Value) -> Option<&str> {
    update
        .as_object()?
        .keys()
        .map(String::as_str)
        .find(|key| *key != "update_id")
}

fn dimensions(bytes: &[u8]) -> Option<(u32, u32)> {
    image::ImageReader::new(Cursor::new(bytes))
        .with_guessed_format()
        .ok()?
        .into_dimensions()
        .ok()
}

fn mime_of(ext: &str) -> &'static str {
    match ext.to_ascii_lowercase().as_str() {
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "webp" => "image/webp",
        "gif" => "image/gif",
        "avif" => "image/avif",
        "heic" => "image/heic",
        "bmp" => "image/bmp",
        "tif" | "tiff" => "image/tiff",
        "pdf" => "application/pdf",
        _ => "application/octet-stream",
    }
}

fn now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

struct Inner {
    /// A std `Mutex`: every critical section is short and none awaits.
    state: Mutex<State>,
    /// Wakes open long polls and `wait_for` whenever anything changes.
    changed: Notify,
}

impl Inner {
    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
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
            state: Mutex::new(State {
                started: Instant::now(),
                calls: Vec::new(),
                updates: VecDeque::new(),
                next_update_id: 1,
                allowed: None,
                poll_generation: 0,
                delivered: HashSet::new(),
                files: HashMap::new(),
                file_seq: 0,
                message_seq: 0,
                media_group_seq: 0,
                callback_seq: 0,
                chats: HashMap::new(),
                messages: HashMap::new(),
                callbacks: HashMap::new(),
                failures: HashMap::new(),
                commands: json!([]),
                admins: HashMap::new(),
                slow: HashMap::new(),
            }),
            changed: Notify::new(),
        });
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind the fake Bot API on loopback");
        let addr = listener.local_addr().expect("local address");
        let app = Router::new().fallback(route).with_state(inner.clone());
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

    /// Makes `bytes` downloadable; returns (file_id, file_unique_id, size).
    /// Makes `user_id` an administrator of the group `chat_id`.
    pub fn add_admin(&self, chat_id: i64, user_id: i64) {
        self.inner
            .lock()
            .admins
            .entry(chat_id)
            .or_default()
            .push(user_id);
    }

    pub fn add_file(&self, bytes: &[u8], ext: &str) -> (String, String, u64) {
        let mut state = self.inner.lock();
        let size = bytes.len() as u64;
        let id = state.store_file(Some(bytes.to_vec()), size, ext);
        let unique = state.files[&id].unique_id.clone();
        (id, unique, size)
    }

    /// A file known only by its declared size: `getFile` on it answers
    /// "file is too big" above 20 MB, as Telegram does.
    pub fn add_large_file(&self, size: u64, ext: &str) -> (String, String, u64) {
        let mut state = self.inner.lock();
        let id = state.store_file(None, size, ext);
        let unique = state.files[&id].unique_id.clone();
        (id, unique, size)
    }

    /// Queues an update (numbering it when it has no `update_id`) and
    /// learns its chats, messages and callback query; returns its id.
    pub fn push_update(&self, update: Value) -> u64 {
        let id = self.inner.lock().queue(update);
        self.inner.changed.notify_waiters();
        id
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
        self.inner.lock().started.elapsed()
    }

    /// Serves every later download of `file_id` as `how` says.
    pub fn slow_download(&self, file_id: &str, how: Slow) {
        let mut state = self.inner.lock();
        let path = state.files[file_id].path.clone();
        state.slow.insert(path, how);
    }

    /// Makes the next call of `method` (any case) fail with `with`.
    pub fn fail_next(&self, method: &str, with: FailWith) {
        self.inner
            .lock()
            .failures
            .entry(method.to_ascii_lowercase())
            .or_default()
            .push_back(with);
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

    /// A message as it stands now (after edits), sent by anyone.
    pub fn message(&self, chat_id: i64, message_id: i64) -> Option<Value> {
        self.inner
            .lock()
            .messages
            .get(&(chat_id, message_id))
            .cloned()
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
        loop {
            let changed = self.inner.changed.notified();
            tokio::pin!(changed);
            changed.as_mut().enable();
            let calls = self.calls();
            if done(&calls) {
                return Ok(calls);
            }
            if tokio::time::timeout_at(deadline, changed).await.is_err() {
                let calls = self.calls();
                return if done(&calls) { Ok(calls) } else { Err(calls) };
            }
        }
    }

    /// Waits until a `getUpdates` answer carried update `id`.
    pub async fn wait_delivered(&self, id: u64, timeout: Duration) {
        let deadline = Instant::now() + timeout;
        loop {
            let changed = self.inner.changed.notified();
            tokio::pin!(changed);
            changed.as_mut().enable();
            if self.inner.lock().delivered.contains(&id) {
                return;
            }
            if tokio::time::timeout_at(deadline, changed).await.is_err() {
                panic!("update {id} not delivered in {timeout:?}\n{}", self.dump());
            }
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
                let kind = update_kind(u).unwrap_or("?");
                let seen = state
                    .delivered
                    .contains(&u["update_id"].as_u64().unwrap_or(0));
                format!(
                    "{} {kind}{}",
                    u["update_id"],
                    if seen { " (delivered)" } else { "" }
                )
            })
            .collect();
        out.push_str(&format!(
            "queued updates: [{}], allowed_updates: {:?}\n",
            queued.join(", "),
            state.allowed
        ));
        out
    }
}

async fn route(
    axum::extract::State(inner): axum::extract::State<Arc<Inner>>,
    uri: Uri,
    headers: HeaderMap,
    body: Body,
) -> Response {
    let path = uri.path().trim_start_matches('/');
    if let Some(rest) = path.strip_prefix("file/") {
        return download(&inner, rest);
    }
    let Some((token, method)) = path.split_once('/').filter(|(_, m)| !m.contains('/')) else {
        return reply(Err(ApiError::new(404, "Not Found")));
    };
    if body::percent_decode(token).strip_prefix("bot") != Some(TOKEN) {
        return reply(Err(ApiError::new(401, "Unauthorized")));
    }
    let method = body::percent_decode(method).to_ascii_lowercase();
    let (fields, files) = match body::decode(&headers, uri.query(), body).await {
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
        let index = state.record(&method, fields, files);
        state.complete(index, &outcome);
        outcome
    };
    inner.changed.notify_waiters();
    reply(outcome)
}

/// Long polling as Telegram does it: confirm everything below `offset`,
/// answer at once when something is queued, else wait up to `timeout`
/// (capped) for an update. A newer `getUpdates` ends an open one with 409.
async fn get_updates(inner: &Inner, fields: Map<String, Value>) -> Result<Value, ApiError> {
    let int = |key: &str| fields.get(key).and_then(body::int_of);
    let offset = int("offset").unwrap_or(0);
    let limit = int("limit").unwrap_or(100).clamp(1, 100) as usize;
    let wait = Duration::from_secs(int("timeout").unwrap_or(0).max(0) as u64).min(LONG_POLL_CAP);
    let allowed = fields.get("allowed_updates").and_then(body::json_of);
    let (index, generation, failure) = {
        let mut state = inner.lock();
        if let Some(list) = allowed.as_ref().and_then(Value::as_array) {
            let names: Vec<String> = list
                .iter()
                .filter_map(|v| v.as_str().map(String::from))
                .collect();
            state.allowed = if names.is_empty() { None } else { Some(names) };
        }
        state.poll_generation += 1;
        let failure = state
            .failures
            .get_mut("getupdates")
            .and_then(VecDeque::pop_front);
        let generation = state.poll_generation;
        (
            state.record("getupdates", fields, Vec::new()),
            generation,
            failure,
        )
    };
    inner.changed.notify_waiters();
    let deadline = Instant::now() + wait;
    let outcome = match failure {
        Some(failure) => Err(failure.into()),
        None => poll(inner, generation, offset, limit, deadline).await,
    };
    inner.lock().complete(index, &outcome);
    inner.changed.notify_waiters();
    outcome
}

async fn poll(
    inner: &Inner,
    generation: u64,
    offset: i64,
    limit: usize,
    deadline: Instant,
) -> Result<Value, ApiError> {
    loop {
        let changed = inner.changed.notified();
        tokio::pin!(changed);
        changed.as_mut().enable();
        {
            let mut state = inner.lock();
            if state.poll_generation != generation {
                return Err(ApiError::new(
                    409,
                    "Conflict: terminated by other getUpdates request; make sure that only one bot instance is running",
                ));
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
            if !batch.is_empty() || Instant::now() >= deadline {
                for update in &batch {
                    let id = update["update_id"].as_u64().unwrap_or_default();
                    state.delivered.insert(id);
                }
                return Ok(Value::Array(batch));
            }
        }
        let _ = tokio::time::timeout_at(deadline, changed).await;
    }
}

/// `GET /file/bot<token>/<file_path>`; the path may arrive as one
/// percent-encoded segment (`documents%2Ffile_1.png`) or as plain segments.
fn download(inner: &Inner, rest: &str) -> Response {
    let (token, path) = rest.split_once('/').unwrap_or((rest, ""));
    let path = body::percent_decode(path);
    let token_ok = body::percent_decode(token).strip_prefix("bot") == Some(TOKEN);
    let (status, bytes, slow) = {
        let mut state = inner.lock();
        let found = state
            .files
            .values()
            .find(|file| file.path == path)
            .and_then(|file| file.bytes.clone())
            .filter(|_| token_ok);
        let mut fields = Map::new();
        fields.insert("file_path".into(), json!(path));
        let index = state.record("download", fields, Vec::new());
        let status = if found.is_some() { 200 } else { 404 };
        state.calls[index].status = Some(status);
        (status, found, state.slow.get(&path).copied())
    };
    inner.changed.notify_waiters();
    match bytes {
        Some(bytes) if status == 200 => (
            [(header::CONTENT_TYPE, "application/octet-stream")],
            paced(bytes.as_ref().clone(), slow),
        )
            .into_response(),
        _ => reply(Err(ApiError::new(404, "Not Found"))),
    }
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
    match outcome {
        Ok(result) => axum::Json(json!({"ok": true, "result": result})).into_response(),
        Err(error) => {
            let mut body = json!({
                "ok": false,
                "error_code": error.code,
                "description": error.description,
            });
            if let Some(seconds) = error.retry_after {
                body["parameters"] = json!({"retry_after": seconds});
            }
            let status = StatusCode::from_u16(error.code).unwrap_or(StatusCode::BAD_REQUEST);
            (status, axum::Json(body)).into_response()
        }
    }
}
