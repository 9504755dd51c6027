//! The web front end against the real core: the router driven in process
//! (`oneshot`) for each answer the API promises, and one real server on
//! 127.0.0.1 with a real HTTP client for upload → link → 410 after the
//! retention runs out.

use std::io::Cursor;
use std::sync::Arc;
use std::time::Duration;

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use http_body_util::BodyExt;
use image::{ImageFormat, Rgba, RgbaImage};
use pixdrop::links::Signer;
use pixdrop::pool::Pool;
use pixdrop::store::{FileId, MemoryStore, Store};
use pixdrop::{Core, Limits, UserError};
use pixdrop_bots::web::{self, AppState, RateLimit};
use serde_json::Value;
use tower::ServiceExt;

fn state(retention: Duration, limits: Limits, per_minute: u32) -> AppState {
    let store = Arc::new(MemoryStore::new(64 << 20, retention));
    AppState {
        core: Core::new(
            Store::Memory(store),
            Signer::new(Some(b"test key"), "http://pixdrop.test"),
            pixdrop::history::UserHasher::new(b"test salt"),
        )
        .with_pool(Pool::new(2))
        .with_limits(limits)
        .with_retention(retention),
        rate: Arc::new(RateLimit::per_minute(per_minute)),
        telegram: None,
        discord: None,
    }
}

fn default_state() -> AppState {
    state(Duration::from_secs(60), Limits::default(), 600)
}

fn png() -> Vec<u8> {
    let image = RgbaImage::from_pixel(40, 30, Rgba([10, 200, 30, 255]));
    let mut out = Cursor::new(Vec::new());
    image.write_to(&mut out, ImageFormat::Png).unwrap();
    out.into_inner()
}

async fn send(
    state: &AppState,
    request: Request<Body>,
) -> (StatusCode, axum::http::HeaderMap, Vec<u8>) {
    let response = web::app(state.clone()).oneshot(request).await.unwrap();
    let status = response.status();
    let headers = response.headers().clone();
    let body = response
        .into_body()
        .collect()
        .await
        .unwrap()
        .to_bytes()
        .to_vec();
    (status, headers, body)
}

fn post(uri: &str, body: Vec<u8>) -> Request<Body> {
    Request::post(uri).body(Body::from(body)).unwrap()
}

fn get(uri: &str) -> Request<Body> {
    Request::get(uri).body(Body::empty()).unwrap()
}

fn json(body: &[u8]) -> Value {
    serde_json::from_slice(body)
        .unwrap_or_else(|_| panic!("not JSON: {}", String::from_utf8_lossy(body)))
}

/// The path and query of a link the API handed out.
fn path_of(url: &str) -> String {
    url.strip_prefix("http://pixdrop.test")
        .expect("link on the public URL")
        .to_string()
}

#[tokio::test]
async fn convert_answers_json_and_the_link_downloads() {
    let state = default_state();
    let (status, _, body) = send(&state, post("/api/convert?to=webp&quality=70", png())).await;
    assert_eq!(status, StatusCode::OK);
    let answer = json(&body);
    assert_eq!(answer["format"], "webp");
    assert_eq!(
        (answer["width"].as_u64(), answer["height"].as_u64()),
        (Some(40), Some(30))
    );
    assert_eq!(answer["id"].as_str().unwrap().len(), 32);
    let url = answer["url"].as_str().unwrap();

    let (status, headers, bytes) = send(&state, get(&path_of(url))).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(headers[header::CONTENT_TYPE], "image/webp");
    let id8 = &answer["id"].as_str().unwrap()[..8];
    assert_eq!(
        headers[header::CONTENT_DISPOSITION],
        format!("attachment; filename=\"pixdrop-{id8}.webp\"").as_str()
    );
    let cache = headers[header::CACHE_CONTROL].to_str().unwrap();
    let max_age: u64 = cache
        .strip_prefix("private, max-age=")
        .unwrap()
        .parse()
        .unwrap();
    assert!((55..=60).contains(&max_age), "{cache}");
    assert_eq!(bytes.len() as u64, answer["bytes"].as_u64().unwrap());
    assert!(bytes.starts_with(b"RIFF"));
}

#[tokio::test]
async fn download_or_accept_image_answers_the_bytes() {
    let state = default_state();
    let (status, headers, bytes) =
        send(&state, post("/api/convert?to=jpeg&download=1", png())).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(headers[header::CONTENT_TYPE], "image/jpeg");
    assert!(bytes.starts_with(&[0xFF, 0xD8]));
    let request = Request::post("/api/convert?to=png")
        .header(header::ACCEPT, "image/*")
        .body(Body::from(png()))
        .unwrap();
    let (_, headers, _) = send(&state, request).await;
    assert_eq!(headers[header::CONTENT_TYPE], "image/png");
}

#[tokio::test]
async fn multipart_uploads_are_read() {
    let state = default_state();
    let mut body = b"--XyZ\r\nContent-Disposition: form-data; name=\"file\"; filename=\"secret-holiday.png\"\r\nContent-Type: image/png\r\n\r\n".to_vec();
    body.extend_from_slice(&png());
    body.extend_from_slice(b"\r\n--XyZ--\r\n");
    let request = Request::post("/api/convert?to=gif")
        .header(header::CONTENT_TYPE, "multipart/form-data; boundary=XyZ")
        .body(Body::from(body))
        .unwrap();
    let (status, _, body) = send(&state, request).await;
    assert_eq!(status, StatusCode::OK, "{}", String::from_utf8_lossy(&body));
    let answer = json(&body);
    assert_eq!(answer["format"], "gif");
    assert!(!String::from_utf8_lossy(&body).contains("secret-holiday"));
}

#[tokio::test]
async fn links_that_are_forged_or_unknown_are_refused() {
    let state = default_state();
    let (_, _, body) = send(&state, post("/api/convert?to=png", png())).await;
    let url = json(&body)["url"].as_str().unwrap().to_string();
    let path = path_of(&url);
    let tampered = format!(
        "{}{}",
        &path[..path.len() - 1],
        if path.ends_with('0') { '1' } else { '0' }
    );
    let (status, _, body) = send(&state, get(&tampered)).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_eq!(json(&body)["error"], "bad-link");
    assert_eq!(json(&body)["message"], UserError::BadLink.to_string());
    let unsigned = path.split('?').next().unwrap().to_string();
    assert_eq!(send(&state, get(&unsigned)).await.0, StatusCode::FORBIDDEN);
    let never = Signer::new(Some(b"test key"), "http://pixdrop.test")
        .url(FileId::random(), pixdrop::store::unix_now() + 60);
    let (status, _, body) = send(&state, get(&path_of(&never))).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(json(&body)["error"], "not-found");
    assert_eq!(
        send(&state, get("/d/not-an-id?exp=1&sig=00")).await.0,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn mistakes_get_json_errors_with_fitting_statuses() {
    let state = state(
        Duration::from_secs(60),
        Limits {
            max_input_bytes: 2_000,
            ..Limits::default()
        },
        600,
    );
    let cases = [
        (
            post("/api/convert?to=png", b"hello, not an image".to_vec()),
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported-format",
        ),
        (
            post("/api/convert?to=png&quality=500", png()),
            StatusCode::BAD_REQUEST,
            "quality-out-of-range",
        ),
        (
            post("/api/convert?to=heic", png()),
            StatusCode::BAD_REQUEST,
            "cannot-write",
        ),
        (
            post("/api/convert?to=png", vec![0u8; 100_000]),
            StatusCode::PAYLOAD_TOO_LARGE,
            "too-large",
        ),
        (
            post("/api/convert?to=png", png()[..60].to_vec()),
            StatusCode::UNPROCESSABLE_ENTITY,
            "corrupt",
        ),
    ];
    for (request, expected_status, expected_code) in cases {
        let (status, _, body) = send(&state, request).await;
        let answer = json(&body);
        assert_eq!(
            (status, answer["error"].as_str().unwrap()),
            (expected_status, expected_code)
        );
        assert!(answer["message"].as_str().unwrap().ends_with('.'));
    }
}

/// `Accept-Language` picks the language of an error's message; its code
/// and status stay the same, and English is what anyone else gets.
#[tokio::test]
async fn error_messages_follow_accept_language() {
    let state = default_state();
    let asking = |language: Option<&str>| {
        let request = Request::post("/api/convert?to=png&quality=500");
        let request = match language {
            Some(language) => request.header(header::ACCEPT_LANGUAGE, language),
            None => request,
        };
        request.body(Body::from(png())).unwrap()
    };
    let english = UserError::from(pixdrop::error::OptionError::QualityOutOfRange {
        word: "quality=500".into(),
    })
    .to_string();
    for (language, message) in [
        (
            Some("ru-RU,ru;q=0.9,en;q=0.8"),
            "Качество должно быть числом от 1 до 100, а не `quality=500`.",
        ),
        (
            Some("fr, de;q=0.5"),
            "Die Qualität muss eine Zahl von 1 bis 100 sein, nicht `quality=500`.",
        ),
        (Some("pt-BR"), english.as_str()),
        (None, english.as_str()),
    ] {
        let (status, headers, body) = send(&state, asking(language)).await;
        let answer = json(&body);
        assert_eq!(status, StatusCode::BAD_REQUEST);
        assert_eq!(answer["error"], "quality-out-of-range");
        assert_eq!(answer["message"], message, "{language:?}");
        let vary = headers.get(header::VARY).and_then(|v| v.to_str().ok());
        assert_eq!(vary, Some("accept-language"));
    }
}

/// The page in the browser's language: its static strings, the privacy
/// text and the built-in presets' descriptions.
#[tokio::test]
async fn the_page_follows_accept_language() {
    let state = default_state();
    let request = Request::get("/")
        .header(header::ACCEPT_LANGUAGE, "de-DE,de;q=0.9,en;q=0.5")
        .body(Body::empty())
        .unwrap();
    let (status, headers, page) = send(&state, request).await;
    let page = String::from_utf8(page).unwrap();
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        headers.get(header::VARY).and_then(|v| v.to_str().ok()),
        Some("accept-language")
    );
    for german in [
        "<html lang=\"de\">",
        "<strong id=\"picked\">Bilder hierher ziehen</strong>",
        "Dein Bild wird nur auf unserem Server verarbeitet",
        "sticker — Telegram-Sticker: WebP",
    ] {
        assert!(page.contains(german), "{german}");
    }
    let (_, _, english) = send(&state, get("/")).await;
    let english = String::from_utf8(english).unwrap();
    assert!(english.contains("<html lang=\"en\">") && english.contains("Drop images here"));
}

/// A multipart request to `/api/convert` with `body` under boundary `XyZ`.
fn form(body: &[u8]) -> Request<Body> {
    Request::post("/api/convert?to=png")
        .header(header::CONTENT_TYPE, "multipart/form-data; boundary=XyZ")
        .body(Body::from(body.to_vec()))
        .unwrap()
}

#[tokio::test]
async fn uploads_without_an_image_say_which_part_is_missing() {
    let state = default_state();
    let cases = [
        (post("/api/convert?to=png", Vec::new()), UserError::EmptyBody),
        (
            form(b"--XyZ\r\nContent-Disposition: form-data; name=\"note\"\r\n\r\nhi\r\n--XyZ--\r\n"),
            UserError::NoFileInForm,
        ),
        (
            form(b"--XyZ\r\nContent-Disposition: form-data; name=\"file\"\r\n\r\nno closing boundary"),
            UserError::FormUnreadable,
        ),
    ];
    for (request, expected) in cases {
        let (status, _, body) = send(&state, request).await;
        let answer = json(&body);
        assert_eq!(status, StatusCode::BAD_REQUEST, "{answer}");
        assert_eq!(answer["error"], expected.code());
        assert_eq!(answer["message"], expected.to_string());
    }
}

#[tokio::test]
async fn too_many_conversions_from_one_address_get_429() {
    let state = state(Duration::from_secs(60), Limits::default(), 5);
    let mut statuses = Vec::new();
    for _ in 0..4 {
        statuses.push(send(&state, post("/api/convert?to=png", png())).await);
    }
    let (status, headers, body) = statuses.pop().unwrap();
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
    let wait: u64 = headers[header::RETRY_AFTER]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!(wait >= 1);
    assert_eq!(json(&body)["error"], "rate-limited");
}

#[tokio::test]
async fn page_formats_health_and_metrics_answer() {
    let state = default_state();
    let (status, headers, page) = send(&state, get("/")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        headers[header::CONTENT_TYPE]
            .to_str()
            .unwrap()
            .starts_with("text/html")
    );
    assert!(String::from_utf8_lossy(&page).contains("deleted within one hour"));

    let (_, _, body) = send(&state, get("/api/formats")).await;
    let formats = json(&body)["formats"].as_array().unwrap().clone();
    let heic = formats.iter().find(|f| f["name"] == "heic").unwrap();
    assert_eq!(heic["write"], false);
    assert!(
        formats
            .iter()
            .any(|f| f["name"] == "pdf" && f["write"] == true)
    );

    assert_eq!(send(&state, get("/healthz")).await.0, StatusCode::OK);
    assert_eq!(send(&state, get("/readyz")).await.0, StatusCode::OK);

    send(&state, post("/api/convert?to=webp", png())).await;
    send(&state, post("/api/convert?to=webp", b"nope".to_vec())).await;
    let (_, _, metrics) = send(&state, get("/metrics")).await;
    let metrics = String::from_utf8(metrics).unwrap();
    assert!(
        metrics.contains(
            "pixdrop_conversions_total{platform=\"web\",input=\"png\",output=\"webp\",outcome=\"ok\"} 1"
        ),
        "{metrics}"
    );
    assert!(metrics.contains("outcome=\"unsupported-format\"} 1"));
    assert!(metrics.contains("pixdrop_store_entries 1"));
    assert!(metrics.contains("pixdrop_store_oldest_seconds 0"));
    assert!(metrics.contains("pixdrop_conversion_seconds_count{platform=\"web\"} 2"));
}

#[tokio::test]
async fn a_real_server_serves_a_link_until_retention_then_410() {
    let limits = Limits {
        max_input_bytes: 100_000,
        ..Limits::default()
    };
    let state = state(Duration::from_secs(2), limits, 600);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(web::serve(listener, state, async {
        let _ = stopped.await;
    }));
    let client = reqwest::Client::new();
    let form = reqwest::multipart::Form::new().part(
        "file",
        reqwest::multipart::Part::bytes(png()).file_name("x.png"),
    );
    let answer: Value = client
        .post(format!("http://{address}/api/convert?to=webp"))
        .multipart(form)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let link = format!(
        "http://{address}{}",
        path_of(answer["url"].as_str().unwrap())
    );
    assert_eq!(
        client.get(&link).send().await.unwrap().status(),
        reqwest::StatusCode::OK
    );
    // The store keeps time on tokio's clock: jump it past the retention.
    tokio::time::pause();
    tokio::time::advance(Duration::from_millis(2_300)).await;
    let late = client.get(&link).send().await.unwrap();
    tokio::time::resume();
    assert_eq!(late.status(), reqwest::StatusCode::GONE);
    let oversize = client
        .post(format!("http://{address}/api/convert?to=png"))
        .body(vec![0u8; 300_000])
        .send()
        .await
        .unwrap();
    assert_eq!(oversize.status(), reqwest::StatusCode::PAYLOAD_TOO_LARGE);
    stop.send(()).unwrap();
    server.await.unwrap().unwrap();
}

#[tokio::test]
async fn the_telegram_webhook_takes_updates_with_the_right_secret_only() {
    let (updates, mut received) = tokio::sync::mpsc::channel(4);
    let mut state = default_state();
    state.telegram = Some(web::TelegramHook {
        secret: "s3cr3t-path-and-token".into(),
        updates,
    });
    let update = serde_json::json!({
        "update_id": 7,
        "message": {
            "message_id": 3,
            "date": 1_800_000_000,
            "chat": {"id": 42, "type": "private", "first_name": "Ada"},
            "from": {"id": 42, "is_bot": false, "first_name": "Ada"},
            "text": "/start"
        }
    });
    let post = |path: &str, token: &str| {
        Request::post(path)
            .header(header::CONTENT_TYPE, "application/json")
            .header("x-telegram-bot-api-secret-token", token)
            .body(Body::from(update.to_string()))
            .unwrap()
    };
    let wrong = send(&state, post("/telegram/s3cr3t-path-and-token", "guess"))
        .await
        .0;
    assert_eq!(wrong, StatusCode::FORBIDDEN);
    let wrong_path = send(&state, post("/telegram/guess", "s3cr3t-path-and-token"))
        .await
        .0;
    assert_eq!(wrong_path, StatusCode::FORBIDDEN);
    assert!(received.try_recv().is_err());
    let ok = send(
        &state,
        post("/telegram/s3cr3t-path-and-token", "s3cr3t-path-and-token"),
    )
    .await
    .0;
    assert_eq!(ok, StatusCode::OK);
    let delivered = received.try_recv().expect("the update was queued");
    assert_eq!(delivered.id.0, 7);
}
