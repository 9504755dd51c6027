//! The upload page in a real browser: headless Chromium, driven by
//! `tests/browser/upload.mjs` (playwright-core), uploads a PNG, sees the
//! result card with a running expiry countdown, and downloads the WebP.
//! Needs `/usr/bin/chromium` (or `CHROMIUM`), `node`, and
//! `npm install` in bots/tests/browser; `.ci/run` provides all three.
//! Without them the test says SKIPPED.

use std::io::Cursor;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Arc;
use std::time::Duration;

use image::{ImageFormat, Rgba, RgbaImage};
use pixdrop::links::Signer;
use pixdrop::pool::Pool;
use pixdrop::store::{MemoryStore, Store};
use pixdrop::{Core, Limits};
use pixdrop_bots::web::{self, AppState, RateLimit};
use serde_json::Value;

fn browser_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/browser")
}

fn missing_tools() -> Option<String> {
    let chromium = std::env::var("CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".into());
    if !Path::new(&chromium).exists() {
        return Some(format!("no Chromium at {chromium}"));
    }
    if Command::new("node").arg("--version").output().is_err() {
        return Some("no node on PATH".into());
    }
    if !browser_dir().join("node_modules/playwright-core").exists() {
        return Some("playwright-core not installed (npm install in bots/tests/browser)".into());
    }
    None
}

fn state(public_url: &str) -> AppState {
    let retention = Duration::from_secs(600);
    AppState {
        core: Core::new(
            Store::Memory(Arc::new(MemoryStore::new(64 << 20, retention))),
            Signer::new(None, public_url),
            pixdrop::history::UserHasher::new(b"test salt"),
        )
        .with_pool(Pool::new(2))
        .with_limits(Limits::default())
        .with_retention(retention),
        rate: Arc::new(RateLimit::per_minute(600)),
        telegram: None,
        discord: None,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_person_uploads_and_downloads_through_the_page() {
    if let Some(why) = missing_tools() {
        // Straight to stderr: the test harness hides `eprintln!` of passing tests,
        // and CI looks for this line.
        let _ = writeln!(std::io::stderr(), "SKIPPED: browser test ({why})");
        return;
    }
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(web::serve(listener, state(&base), async {
        let _ = stopped.await;
    }));

    let dir = std::env::temp_dir().join(format!("pixdrop-browser-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let image_path = dir.join("photo.png");
    let image = RgbaImage::from_fn(320, 240, |x, y| {
        Rgba([(x % 256) as u8, (y % 256) as u8, 128, 255])
    });
    let mut png = Cursor::new(Vec::new());
    image.write_to(&mut png, ImageFormat::Png).unwrap();
    std::fs::write(&image_path, png.into_inner()).unwrap();
    let screenshot = dir.join("page.png");

    let script = browser_dir().join("upload.mjs");
    let args = [
        script.as_os_str(),
        base.as_ref(),
        image_path.as_os_str(),
        screenshot.as_os_str(),
    ];
    let output = tokio::process::Command::new("node")
        .args(args)
        .current_dir(browser_dir())
        .output()
        .await
        .unwrap();
    stop.send(()).unwrap();
    server.await.unwrap().unwrap();
    assert!(
        output.status.success(),
        "browser script failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    let found: Value = serde_json::from_slice(&output.stdout).expect("one JSON line");
    assert!(
        found["promise"]
            .as_str()
            .unwrap()
            .contains("deleted within one hour")
    );
    assert_eq!(found["facts"]["format"], "WEBP");
    assert_eq!(found["facts"]["dims"], "320×240");
    assert_eq!(found["download"]["status"], 200);
    assert_eq!(found["download"]["type"], "image/webp");
    assert_eq!(found["download"]["magic"], "WEBP");
    assert!(
        found["download"]["disposition"]
            .as_str()
            .unwrap()
            .starts_with("attachment; filename=\"pixdrop-")
    );
    assert_eq!(found["previewLoaded"], true);
    let start = found["countdownStart"].as_str().unwrap();
    let later = found["countdownLater"].as_str().unwrap();
    assert!(
        start.starts_with("10:00") || start.starts_with("9:5"),
        "countdown starts near 10 minutes: {start}"
    );
    assert_ne!(start, later, "the countdown runs");
    assert!(std::fs::metadata(&screenshot).unwrap().len() > 1000);
    std::fs::remove_dir_all(&dir).unwrap();
}
