//! The API's keys, idempotency and deletion, with the router driven in
//! process (`oneshot`) against the real core: on the in-memory store, and
//! on Redis when a `redis-server` can be started (SKIPPED otherwise).
//! Keys live in an in-memory SQLite history, made through the same calls
//! `pixdrop keys create` uses (the binary itself is driven in `api_keys.rs`).
//! Batches of several files are in `web_api/batch.rs`.

#[allow(dead_code)]
#[path = "../../tests/support/mod.rs"]
mod redis_support;

#[path = "web_api/batch.rs"]
mod batch;

use std::io::Cursor;
use std::sync::Arc;
use std::time::Duration;

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use http_body_util::BodyExt;
use image::{ImageFormat, Rgba, RgbaImage};
use pixdrop::Core;
use pixdrop::history::{History, Retention};
use pixdrop::links::Signer;
use pixdrop::pool::Pool;
use pixdrop::store::{FileId, MemoryStore, Persistence, RedisSettings, RedisStore, Store};
use pixdrop_bots::web::{self, AppState, AuthMode, RateLimit};
use serde_json::Value;
use tower::ServiceExt;

const PUBLIC: &str = "http://pixdrop.test";

fn core(store: Store) -> Core {
    Core::new(
        store,
        Signer::new(Some(b"test key"), PUBLIC),
        pixdrop::history::UserHasher::new(b"test salt"),
    )
    .with_pool(Pool::new(2))
    .with_retention(Duration::from_secs(60))
}

fn memory() -> Store {
    Store::Memory(Arc::new(MemoryStore::new(
        64 << 20,
        Duration::from_secs(60),
    )))
}

fn state(core: Core, rate: RateLimit) -> AppState {
    AppState {
        core,
        rate: Arc::new(rate.behind("127.0.0.1".parse().unwrap())),
        telegram: None,
        discord: None,
    }
}

/// A core with key storage, and one live key in it.
async fn keyed_core() -> (Core, String) {
    let retention = Retention {
        user_days: 1,
        anonymous_days: 1,
    };
    let history = History::connect("sqlite::memory:", retention)
        .await
        .unwrap();
    let (key, _) = history.create_key("tests", 0).await.unwrap();
    (core(memory()).with_history(history), key)
}

fn png(shade: u8) -> Vec<u8> {
    let image = RgbaImage::from_pixel(40, 30, Rgba([shade, 200, 30, 255]));
    let mut out = Cursor::new(Vec::new());
    image.write_to(&mut out, ImageFormat::Png).unwrap();
    out.into_inner()
}

async fn send(state: &AppState, request: Request<Body>) -> (StatusCode, Value, String) {
    let response = web::app(state.clone()).oneshot(request).await.unwrap();
    let status = response.status();
    let challenge = response
        .headers()
        .get(header::WWW_AUTHENTICATE)
        .map_or(String::new(), |v| v.to_str().unwrap().to_string());
    let body = response.into_body().collect().await.unwrap().to_bytes();
    let json = serde_json::from_slice(&body).unwrap_or(Value::Null);
    (status, json, challenge)
}

/// `POST /api/convert?to=webp` from `address`, with extra headers.
fn convert(address: &str, body: Vec<u8>, headers: &[(&str, &str)]) -> Request<Body> {
    let mut request = Request::post("/api/convert?to=webp").header("x-forwarded-for", address);
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    request.body(Body::from(body)).unwrap()
}

fn link(answer: &Value) -> String {
    answer["url"]
        .as_str()
        .unwrap()
        .strip_prefix(PUBLIC)
        .unwrap()
        .to_string()
}

fn request(method: &str, uri: &str) -> Request<Body> {
    Request::builder()
        .method(method)
        .uri(uri)
        .body(Body::empty())
        .unwrap()
}

/// Successful conversions the core has counted.
async fn conversions(core: &Core) -> u64 {
    core.metrics_text()
        .await
        .lines()
        .filter(|line| {
            line.starts_with("pixdrop_conversions_total{") && line.contains("outcome=\"ok\"")
        })
        .filter_map(|line| line.rsplit(' ').next()?.parse::<u64>().ok())
        .sum()
}

async fn delete_then_gone(state: &AppState) {
    let (status, answer, _) = send(state, convert("192.0.2.1", png(1), &[])).await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    let link = link(&answer);
    let forged = link.replace("sig=", "sig=00");
    assert_eq!(
        send(state, request("DELETE", &forged)).await.1["error"],
        "bad-link"
    );
    assert_eq!(send(state, request("GET", &link)).await.0, StatusCode::OK);
    assert_eq!(
        send(state, request("DELETE", &link)).await.0,
        StatusCode::NO_CONTENT
    );
    let (status, body, _) = send(state, request("GET", &link)).await;
    assert_eq!(
        (status, body["error"].as_str()),
        (StatusCode::GONE, Some("gone"))
    );
    assert_eq!(
        send(state, request("DELETE", &link)).await.0,
        StatusCode::GONE
    );
    let never = link.replace(
        answer["id"].as_str().unwrap(),
        &FileId::random().to_string(),
    );
    assert_eq!(
        send(state, request("DELETE", &never)).await.0,
        StatusCode::FORBIDDEN
    );
}

async fn replay_then_conflict(state: &AppState) {
    let once = [("idempotency-key", "order-17")];
    let (status, first, _) = send(state, convert("192.0.2.1", png(1), &once)).await;
    assert_eq!(status, StatusCode::OK, "{first}");
    let counted = conversions(&state.core).await;
    let (status, again, _) = send(state, convert("192.0.2.1", png(1), &once)).await;
    assert_eq!(status, StatusCode::OK, "{again}");
    assert_eq!((&again["id"], &again["url"]), (&first["id"], &first["url"]));
    assert_eq!(again["bytes"], first["bytes"]);
    assert_eq!(
        conversions(&state.core).await,
        counted,
        "a replay converted again"
    );

    let (status, other, _) = send(state, convert("192.0.2.1", png(2), &once)).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(other["error"], "idempotency-conflict");

    // Another address's same key is another record: it converts anew.
    let (status, stranger, _) = send(state, convert("192.0.2.9", png(1), &once)).await;
    assert_eq!(status, StatusCode::OK);
    assert_ne!(stranger["id"], first["id"]);

    // Once deleted, a replay says the result is gone.
    assert_eq!(
        send(state, request("DELETE", &link(&first))).await.0,
        StatusCode::NO_CONTENT
    );
    let (status, _, _) = send(state, convert("192.0.2.1", png(1), &once)).await;
    assert_eq!(status, StatusCode::GONE);
}

#[tokio::test]
async fn delete_removes_a_result_at_once_and_then_answers_410() {
    delete_then_gone(&state(core(memory()), RateLimit::per_minute(600))).await;
}

#[tokio::test]
async fn the_same_idempotency_key_replays_and_another_request_under_it_is_422() {
    replay_then_conflict(&state(core(memory()), RateLimit::per_minute(600))).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_duplicates_convert_once() {
    let state = state(core(memory()), RateLimit::per_minute(600));
    let once = [("idempotency-key", "twice-at-once")];
    let (a, b) = tokio::join!(
        send(&state, convert("192.0.2.1", png(3), &once)),
        send(&state, convert("192.0.2.1", png(3), &once)),
    );
    assert_eq!((a.0, b.0), (StatusCode::OK, StatusCode::OK));
    assert_eq!(a.1["id"], b.1["id"]);
    assert_eq!(conversions(&state.core).await, 1);
}

async fn redis_store() -> Option<(Store, redis_support::RedisServer)> {
    let server = redis_support::RedisServer::find_or_start()?;
    let prefix = format!("web-api-{}", FileId::random());
    let store = RedisStore::connect(RedisSettings {
        url: &server.url,
        prefix: &prefix,
        max_bytes: u64::MAX,
        retention: Duration::from_secs(60),
        secret: &[b's'; 32],
        persistence: Persistence::Refuse,
    })
    .await
    .unwrap();
    Some((Store::Redis(store), server))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn deletion_and_replays_work_on_redis_too() {
    let Some((store, _server)) = redis_store().await else {
        return;
    };
    let state = state(core(store), RateLimit::per_minute(600));
    delete_then_gone(&state).await;
    replay_then_conflict(&state).await;
}

#[tokio::test]
async fn a_key_has_its_own_budget_above_the_anonymous_one() {
    let (core, key) = keyed_core().await;
    let state = state(
        core,
        RateLimit::per_minute(5).keyed(AuthMode::Optional, 600),
    );
    let bearer = format!("Bearer {key}");
    let anonymous = |n| send(&state, convert("192.0.2.1", png(n), &[]));
    assert_eq!(anonymous(1).await.0, StatusCode::OK);
    assert_eq!(anonymous(2).await.0, StatusCode::TOO_MANY_REQUESTS);
    for n in 0..4 {
        let (status, body, _) = send(
            &state,
            convert("192.0.2.1", png(n), &[("authorization", &bearer)]),
        )
        .await;
        assert_eq!(status, StatusCode::OK, "{body}");
    }
}

#[tokio::test]
async fn a_wrong_key_is_refused_even_where_keys_are_optional() {
    let (core, key) = keyed_core().await;
    let state = state(core, RateLimit::per_minute(600));
    let (kept, last) = key.split_at(key.len() - 1);
    let wrong = format!("Bearer {kept}{}", if last == "0" { "1" } else { "0" });
    for presented in [wrong.as_str(), "Bearer not-a-key", "Basic dXNlcjpwYXNz"] {
        let (status, body, challenge) = send(
            &state,
            convert("192.0.2.1", png(1), &[("authorization", presented)]),
        )
        .await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "{presented}");
        assert_eq!(body["error"], "key-invalid");
        assert!(challenge.starts_with("Bearer"), "{challenge}");
    }
}

#[tokio::test]
async fn where_keys_are_required_none_is_401_and_a_live_one_converts() {
    let (core, key) = keyed_core().await;
    let history = core.history().unwrap().clone();
    let state = state(
        core,
        RateLimit::per_minute(600).keyed(AuthMode::Required, 600),
    );
    let (status, body, challenge) = send(&state, convert("192.0.2.1", png(1), &[])).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(body["error"], "key-required");
    assert!(
        body["message"]
            .as_str()
            .unwrap()
            .contains("Authorization: Bearer")
    );
    assert!(challenge.starts_with("Bearer"), "{challenge}");

    let bearer = format!("Bearer {key}");
    let with_key = [("authorization", bearer.as_str())];
    assert_eq!(
        send(&state, convert("192.0.2.1", png(1), &with_key))
            .await
            .0,
        StatusCode::OK
    );
    history.revoke_key("tests").await.unwrap();
    let (status, body, _) = send(&state, convert("192.0.2.1", png(1), &with_key)).await;
    assert_eq!(
        (status, body["error"].as_str()),
        (StatusCode::UNAUTHORIZED, Some("key-invalid"))
    );
}

#[tokio::test]
async fn with_keys_off_the_header_is_not_read() {
    let (core, _) = keyed_core().await;
    let state = state(core, RateLimit::per_minute(600).keyed(AuthMode::Off, 600));
    let presented = [("authorization", "Bearer pxd_wrong")];
    assert_eq!(
        send(&state, convert("192.0.2.1", png(1), &presented))
            .await
            .0,
        StatusCode::OK
    );
}

#[tokio::test]
async fn a_key_scopes_its_idempotency_keys_across_addresses() {
    let (core, key) = keyed_core().await;
    let state = state(core, RateLimit::per_minute(600));
    let bearer = format!("Bearer {key}");
    let headers = [
        ("authorization", bearer.as_str()),
        ("idempotency-key", "k1"),
    ];
    let (_, first, _) = send(&state, convert("192.0.2.1", png(4), &headers)).await;
    let (status, moved, _) = send(&state, convert("198.51.100.7", png(4), &headers)).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(moved["id"], first["id"]);
}
