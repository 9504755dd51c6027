//! The upload page in a real browser: headless Chromium, driven by
//! `tests/browser/upload.mjs` (playwright-core), uploads a PNG with a
//! progress bar, sees the result card with a running expiry countdown kept
//! out of live regions, downloads the WebP and deletes it; drops three
//! files for two results, one error and a ZIP; and checks the manifest,
//! keyboard use, remembered choices and paste.
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
    write_png(&dir.join("photo.png"), 320, 240);
    write_png(&dir.join("second.png"), 64, 48);
    std::fs::write(dir.join("notes.txt"), "not a picture\n").unwrap();

    let script = browser_dir().join("upload.mjs");
    let args = [script.as_os_str(), base.as_ref(), dir.as_os_str()];
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
    one_upload(&found);
    several_files(&found);
    the_page_itself(&found);
    assert!(std::fs::metadata(dir.join("page.png")).unwrap().len() > 1000);
    std::fs::remove_dir_all(&dir).unwrap();
}

fn write_png(path: &Path, width: u32, height: u32) {
    let image = RgbaImage::from_fn(width, height, |x, y| {
        Rgba([(x % 256) as u8, (y % 256) as u8, 128, 255])
    });
    let mut png = Cursor::new(Vec::new());
    image.write_to(&mut png, ImageFormat::Png).unwrap();
    std::fs::write(path, png.into_inner()).unwrap();
}

/// The values an attribute took while the upload ran, as the script saw them.
fn seen(found: &Value, key: &str) -> Vec<String> {
    found["seen"][key]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap_or("").to_string())
        .collect()
}

/// One picked PNG: progress, then converting; the card, its running
/// countdown out of every live region, its download, and "Delete now".
fn one_upload(found: &Value) {
    let stages = seen(found, "form@data-stage");
    let uploading = stages.iter().position(|s| s == "uploading");
    let converting = stages.iter().position(|s| s == "converting");
    assert!(
        uploading.is_some() && converting > uploading,
        "uploading, then converting: {stages:?}"
    );
    assert!(
        found["seen"]["busy@hidden"]
            .as_array()
            .unwrap()
            .contains(&Value::Null),
        "the progress bar was shown"
    );
    assert!(
        seen(found, "progress@value")
            .iter()
            .any(|v| v.parse::<u32>().is_ok_and(|v| v > 0)),
        "the bar moved: {:?}",
        seen(found, "progress@value")
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
    assert_eq!(
        found["liveAncestors"],
        serde_json::json!([]),
        "no live region holds the countdown"
    );
    assert_eq!(found["announced"], "Your result is ready.");
    assert_eq!(found["deleted"]["after"], 410, "deleted now");
    assert_eq!(found["deleted"]["linkLeft"], false);
    assert_eq!(
        found["deleted"]["focus"], "deleted",
        "focus stays on the card"
    );
}

/// Three dropped files, the middle one text: two results and one error in
/// order, a ZIP of the two, and "Delete now" on an entry and on the ZIP.
fn several_files(found: &Value) {
    assert!(
        found["pickedSeveral"]
            .as_str()
            .unwrap()
            .starts_with("3 images"),
        "{}",
        found["pickedSeveral"]
    );
    let entries = found["entries"].as_array().unwrap();
    let names: Vec<_> = entries
        .iter()
        .map(|e| e["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["photo.png", "notes.txt", "second.png"]);
    assert_eq!(entries[0]["format"], "WEBP");
    assert!(entries[0]["error"].is_null());
    assert!(entries[1]["href"].is_null(), "no link for a failed file");
    assert!(
        entries[1]["error"].as_str().is_some_and(|e| !e.is_empty()),
        "the failed file says why: {}",
        entries[1]
    );
    assert_eq!(entries[2]["format"], "WEBP");
    assert_eq!(found["zip"]["status"], 200);
    assert_eq!(found["zip"]["type"], "application/zip");
    assert_eq!(found["zip"]["zipEntries"], 2);
    assert_eq!(found["entryDeleted"], 410);
    assert_eq!(found["otherEntry"], 200, "only the one deleted");
    assert_eq!(found["zipDeleted"], 410);
}

/// Keyboard, manifest and icon, remembered choices, paste.
fn the_page_itself(found: &Value) {
    assert_eq!(found["firstFocus"]["id"], "drop");
    assert_eq!(found["firstFocus"]["tag"], "BUTTON");
    assert_ne!(found["firstFocus"]["outline"], "none", "focus is visible");
    assert_eq!(found["chooserMultiple"], true);
    let manifest = &found["manifest"];
    assert_eq!(manifest["type"], "application/manifest+json");
    assert_eq!(manifest["short_name"], "pixdrop");
    assert!(manifest["name"].as_str().unwrap().starts_with("pixdrop"));
    assert_eq!(manifest["start_url"], "/");
    assert_eq!(manifest["display"], "standalone");
    assert_eq!(manifest["icons"][0]["purpose"], "any");
    assert_eq!(manifest["icon"]["status"], 200);
    assert_eq!(manifest["icon"]["type"], "image/svg+xml");
    assert_eq!(manifest["icon"]["svg"], true);
    assert_eq!(found["remembered"]["format"], "png");
    assert_eq!(found["remembered"]["quality"], "55");
    assert_eq!(found["remembered"]["shown"], "55");
    assert!(
        found["pickedPasted"]
            .as_str()
            .unwrap()
            .starts_with("pasted.png"),
        "{}",
        found["pickedPasted"]
    );
}
