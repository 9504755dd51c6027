//! The history's promise, checked the hard way: a conversion of a file named
//! `secret-holiday.png`, uploaded with a caption, by a browser with a token,
//! through the real web front end with a real SQLite file. Afterwards the
//! whole database file and everything logged (at every level) must contain
//! neither the name, nor the caption, nor the raw token. Then the browser
//! sees its history, exports it, erases it, and nothing is left.

use std::io::{Cursor, Write};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use http_body_util::BodyExt;
use image::{ImageFormat, Rgba, RgbaImage};
use pixdrop::history::{History, Retention, UserHasher};
use pixdrop::links::Signer;
use pixdrop::pool::Pool;
use pixdrop::store::{MemoryStore, Store};
use pixdrop::{Core, Limits};
use pixdrop_bots::web::{self, AppState, RateLimit};
use serde_json::Value;
use tower::ServiceExt;

const NAME: &str = "secret-holiday";
const CAPTION: &str = "our quiet week at the lake house";
const TOKEN: &str = "browser-token-4c1d9e0f7a2b6e38";

/// Everything logged by this test process.
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(bytes);
        Ok(bytes.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

fn png() -> Vec<u8> {
    let image = RgbaImage::from_pixel(64, 48, Rgba([1, 2, 3, 255]));
    let mut out = Cursor::new(Vec::new());
    image.write_to(&mut out, ImageFormat::Png).unwrap();
    out.into_inner()
}

async fn call(state: &AppState, request: Request<Body>) -> (StatusCode, Value) {
    let response = web::app(state.clone()).oneshot(request).await.unwrap();
    let status = response.status();
    let body = response.into_body().collect().await.unwrap().to_bytes();
    (status, serde_json::from_slice(&body).unwrap_or(Value::Null))
}

fn with_token(builder: axum::http::request::Builder) -> axum::http::request::Builder {
    builder.header("x-pixdrop-token", TOKEN)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn nothing_identifying_reaches_the_database_or_the_logs() {
    let captured = Captured::default();
    let writer = captured.clone();
    tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_writer(move || writer.clone())
        .init();

    let path = std::env::temp_dir().join(format!("pixdrop-privacy-{}.db", std::process::id()));
    let files =
        |path: &std::path::Path| ["", "-wal", "-shm"].map(|s| format!("{}{s}", path.display()));
    for file in files(&path) {
        let _ = std::fs::remove_file(file);
    }
    let retention = Retention {
        user_days: 365,
        anonymous_days: 30,
    };
    let history = History::connect(&format!("sqlite://{}", path.display()), retention)
        .await
        .unwrap();
    let keep = Duration::from_secs(60);
    let state = AppState {
        core: Core::new(
            Store::Memory(Arc::new(MemoryStore::new(64 << 20, keep))),
            Signer::new(None, "http://pixdrop.test"),
            UserHasher::new(b"server secret"),
        )
        .with_pool(Pool::new(2))
        .with_limits(Limits::default())
        .with_retention(keep)
        .with_history(history.clone()),
        rate: Arc::new(RateLimit::per_minute(600)),
        telegram: None,
        discord: None,
    };

    let mut form = format!(
        "--B\r\nContent-Disposition: form-data; name=\"caption\"\r\n\r\n{CAPTION}\r\n--B\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{NAME}.png\"\r\nContent-Type: image/png\r\n\r\n"
    )
    .into_bytes();
    form.extend_from_slice(&png());
    form.extend_from_slice(b"\r\n--B--\r\n");
    let upload = with_token(Request::post("/api/convert?to=webp&quality=70"))
        .header("content-type", "multipart/form-data; boundary=B")
        .body(Body::from(form))
        .unwrap();
    let (status, reply) = call(&state, upload).await;
    assert_eq!(status, StatusCode::OK, "{reply}");
    let bad = with_token(Request::post("/api/convert?to=png"))
        .body(Body::from(format!("{NAME} {CAPTION}")))
        .unwrap();
    assert_eq!(
        call(&state, bad).await.0,
        StatusCode::UNSUPPORTED_MEDIA_TYPE
    );

    let mut records = Vec::new();
    for _ in 0..100 {
        let (_, answer) = call(
            &state,
            with_token(Request::get("/api/history"))
                .body(Body::empty())
                .unwrap(),
        )
        .await;
        records = answer["records"].as_array().cloned().unwrap_or_default();
        if records.len() == 2 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert_eq!(records.len(), 2, "both conversions recorded");
    let outcomes: Vec<_> = records
        .iter()
        .map(|r| r["outcome"].as_str().unwrap())
        .collect();
    assert!(outcomes.contains(&"ok") && outcomes.contains(&"unsupported-format"));
    let ok = records.iter().find(|r| r["outcome"] == "ok").unwrap();
    assert_eq!(
        (ok["input_format"].as_str(), ok["output_format"].as_str()),
        (Some("png"), Some("webp"))
    );
    assert_eq!(ok["settings"], "to=webp quality=70");

    let mut stored = Vec::new();
    for file in files(&path) {
        stored.extend(std::fs::read(file).unwrap_or_default());
    }
    assert!(!stored.is_empty());
    let logs = captured.0.lock().unwrap().clone();
    assert!(!logs.is_empty(), "the logs were captured");
    for (place, haystack) in [("database", &stored), ("logs", &logs)] {
        for secret in [NAME, CAPTION, TOKEN] {
            let found = haystack
                .windows(secret.len())
                .any(|w| w == secret.as_bytes());
            assert!(!found, "{secret:?} found in the {place}");
        }
    }

    let (status, export) = call(
        &state,
        with_token(Request::get("/api/history/export"))
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    assert_eq!(
        (status, export["records"].as_array().map(Vec::len)),
        (StatusCode::OK, Some(2))
    );
    let (_, erased) = call(
        &state,
        with_token(Request::delete("/api/history"))
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    assert_eq!(erased["erased"], 2);
    let (_, after) = call(
        &state,
        with_token(Request::get("/api/history"))
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    assert_eq!(after["records"].as_array().map(Vec::len), Some(0));
    let (status, _) = call(
        &state,
        Request::get("/api/history").body(Body::empty()).unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "no token, no history");
    for file in files(&path) {
        let _ = std::fs::remove_file(file);
    }
}
