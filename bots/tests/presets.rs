//! Presets on the web front end and the command line, including an
//! operator's preset file: `?preset=` on the API, the page's and
//! `/api/formats`' preset lists, the page's processing text, and `--preset`
//! and `PIXDROP_PRESETS` through the real binary.

use std::io::Cursor;
use std::process::Command;
use std::sync::Arc;
use std::time::Duration;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use http_body_util::BodyExt;
use image::{ImageFormat, Rgb, RgbImage};
use pixdrop::links::Signer;
use pixdrop::options::Presets;
use pixdrop::pool::Pool;
use pixdrop::store::{MemoryStore, Store};
use pixdrop::{Core, Limits};
use pixdrop_bots::web::{self, AppState, RateLimit};
use serde_json::Value;
use tower::ServiceExt;

const BANNER: &str =
    "[presets.banner]\nwords = \"png 200x50\"\ndescription = \"Profile <b>banner</b>\"\n";

fn state() -> AppState {
    let retention = Duration::from_secs(60);
    AppState {
        core: Core::new(
            Store::Memory(Arc::new(MemoryStore::new(64 << 20, retention))),
            Signer::new(Some(b"test key"), "http://pixdrop.test"),
            pixdrop::history::UserHasher::new(b"test salt"),
        )
        .with_pool(Pool::new(2))
        .with_limits(Limits::default())
        .with_retention(retention)
        .with_presets(Presets::with_file(BANNER).unwrap()),
        rate: Arc::new(RateLimit::per_minute(600)),
        telegram: None,
        discord: None,
    }
}

fn png(width: u32, height: u32) -> Vec<u8> {
    let image = RgbImage::from_fn(width, height, |x, y| Rgb([x as u8, y as u8, 90]));
    let mut out = Cursor::new(Vec::new());
    image.write_to(&mut out, ImageFormat::Png).unwrap();
    out.into_inner()
}

async fn send(state: &AppState, request: Request<Body>) -> (StatusCode, Vec<u8>) {
    let response = web::app(state.clone()).oneshot(request).await.unwrap();
    let status = response.status();
    let body = response.into_body().collect().await.unwrap().to_bytes();
    (status, body.to_vec())
}

async fn convert(state: &AppState, query: &str, input: Vec<u8>) -> (StatusCode, Value) {
    let request = Request::post(format!("/api/convert?{query}"))
        .body(Body::from(input))
        .unwrap();
    let (status, body) = send(state, request).await;
    (status, serde_json::from_slice(&body).expect("JSON"))
}

#[tokio::test]
async fn the_api_takes_a_preset_word_and_later_words_override_it() {
    let state = state();
    let (status, body) = convert(&state, "preset=sticker", png(300, 200)).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(
        (&body["format"], &body["width"], &body["height"]),
        (&Value::from("webp"), &Value::from(512), &Value::from(341))
    );
    assert!(body["bytes"].as_u64().unwrap() <= 512_000);

    let (_, body) = convert(&state, "preset=email&to=png", png(2000, 1000)).await;
    assert_eq!(
        (&body["format"], &body["width"]),
        (&Value::from("png"), &Value::from(1600))
    );

    let (_, body) = convert(&state, "preset=banner", png(300, 200)).await;
    assert_eq!(
        (&body["format"], &body["width"], &body["height"]),
        (&Value::from("png"), &Value::from(75), &Value::from(50))
    );

    let (status, body) = convert(&state, "preset=stcker", png(30, 20)).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(body["error"], "unknown-preset");
    let message = body["message"].as_str().unwrap();
    assert!(
        message.contains("sticker, emoji, avatar, thumbnail, web, email, banner"),
        "{message}"
    );
}

#[tokio::test]
async fn formats_and_the_page_list_every_preset_and_the_page_says_where_images_are_processed() {
    let state = state();
    let (_, body) = send(
        &state,
        Request::get("/api/formats").body(Body::empty()).unwrap(),
    )
    .await;
    let body: Value = serde_json::from_slice(&body).unwrap();
    let presets = body["presets"].as_array().expect("a preset list");
    let names: Vec<_> = presets
        .iter()
        .map(|p| p["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        [
            "sticker",
            "emoji",
            "avatar",
            "thumbnail",
            "web",
            "email",
            "banner"
        ]
    );
    let sticker = &presets[0];
    assert!(
        sticker["description"]
            .as_str()
            .unwrap()
            .starts_with("Telegram sticker")
    );
    assert_eq!(sticker["words"][0], "to=webp");

    let (_, page) = send(&state, Request::get("/").body(Body::empty()).unwrap()).await;
    let page = String::from_utf8(page).unwrap();
    assert!(
        page.contains("<option value=\"sticker\">sticker — Telegram sticker"),
        "no sticker option"
    );
    assert!(
        page.contains(
            "<option value=\"banner\">banner — Profile &lt;b&gt;banner&lt;/b&gt;</option>"
        ),
        "the operator's preset, escaped"
    );
    let processing = pixdrop_bots::texts::processing(pixdrop::Lang::En, Duration::from_secs(60));
    assert!(page.contains(&processing), "the shared processing text");
    assert!(!page.contains("<!--"), "a placeholder left unfilled");
}

/// Runs the real binary with `env` (and no inherited preset file).
fn pixdrop(args: &[&str], env: &[(&str, &str)]) -> std::process::Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_pixdrop"));
    command
        .args(args)
        .current_dir(std::env::temp_dir())
        .env_remove("PIXDROP_PRESETS")
        .env_remove("RUST_LOG");
    for (name, value) in env {
        command.env(name, value);
    }
    command.output().expect("run pixdrop")
}

fn scratch(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("pixdrop-presets-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir.join(name)
}

#[test]
fn the_cli_takes_a_preset_and_an_operators_preset_file() {
    let photo = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../tests/corpus/photos/jpeg/plasma-Kite_2560x1600.jpg"
    );
    let out = scratch("sticker.out");
    let out = out.to_str().unwrap();
    let run = pixdrop(&["convert", photo, "-o", out, "--preset", "sticker"], &[]);
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let bytes = std::fs::read(out).unwrap();
    assert!(bytes.len() <= 512_000, "{}", bytes.len());
    let decoded = image::load_from_memory_with_format(&bytes, ImageFormat::WebP).unwrap();
    assert_eq!((decoded.width(), decoded.height()), (512, 320));

    let file = scratch("presets.toml");
    std::fs::write(&file, BANNER).unwrap();
    let env = [("PIXDROP_PRESETS", file.to_str().unwrap())];
    let out = scratch("banner.png");
    let out = out.to_str().unwrap();
    let run = pixdrop(&["convert", photo, "-o", out, "--preset", "banner"], &env);
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let decoded =
        image::load_from_memory_with_format(&std::fs::read(out).unwrap(), ImageFormat::Png)
            .unwrap();
    assert_eq!((decoded.width(), decoded.height()), (80, 50));

    let run = pixdrop(&["convert", photo, "-o", out, "--preset", "stcker"], &env);
    assert_eq!(run.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(
        stderr.contains("I don't know the preset `preset=stcker`. Pick one of: sticker"),
        "{stderr}"
    );
}

#[test]
fn a_bad_preset_file_stops_start_up_naming_the_preset() {
    let file = scratch("bad.toml");
    std::fs::write(&file, "[presets.webp]\nwords = \"png\"\n").unwrap();
    let path = file.to_str().unwrap();
    let run = pixdrop(&["formats"], &[("PIXDROP_PRESETS", path)]);
    assert_eq!(run.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert_eq!(
        stderr.trim(),
        format!(
            "pixdrop: PIXDROP_PRESETS: {path}: preset `webp`: that name is already an option word, so it would mean two things"
        )
    );
}
