//! The binary as an operator runs it: `pixdrop serve` converts over HTTP
//! with no usable temp directory at all, and the only files it leaves in
//! its working directory are the history database (metadata only: no image
//! bytes in it), then stops cleanly on SIGTERM.

mod support;

use std::io::Cursor;
use std::net::TcpListener;
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use image::{ImageFormat, Rgba, RgbaImage};
use support::server::Stopper;

fn png() -> Vec<u8> {
    let image = RgbaImage::from_pixel(300, 200, Rgba([200, 40, 90, 255]));
    let mut out = Cursor::new(Vec::new());
    image.write_to(&mut out, ImageFormat::Png).unwrap();
    out.into_inner()
}

fn empty_dir() -> PathBuf {
    let dir = std::env::temp_dir().join(format!("pixdrop-no-disk-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

#[tokio::test]
async fn serving_writes_nothing_to_disk_and_stops_on_sigterm() {
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let workdir = empty_dir();
    let missing_tmp = workdir.join("no-such-tmp");
    let mut child = Stopper(
        Command::new(env!("CARGO_BIN_EXE_pixdrop"))
            .arg("serve")
            .current_dir(&workdir)
            .env_clear()
            .env("PIXDROP_BIND", format!("127.0.0.1:{port}"))
            .env("PIXDROP_RETENTION", "60s")
            .env("TMPDIR", &missing_tmp)
            .env("RUST_LOG", "warn")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap(),
    );
    let base = format!("http://127.0.0.1:{port}");
    let client = reqwest::Client::new();
    let deadline = Instant::now() + Duration::from_secs(20);
    while client.get(format!("{base}/healthz")).send().await.is_err() {
        assert!(Instant::now() < deadline, "server did not come up");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    for target in ["webp", "jpeg", "avif", "pdf", "gif"] {
        let response = client
            .post(format!("{base}/api/convert?to={target}&download=1"))
            .body(png())
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), reqwest::StatusCode::OK, "{target}");
        assert!(!response.bytes().await.unwrap().is_empty());
    }
    // SAFETY: sends SIGTERM to the child we spawned.
    unsafe { libc::kill(child.0.id() as i32, libc::SIGTERM) };
    let status = child.0.wait().unwrap();
    assert!(status.success(), "clean exit on SIGTERM, got {status}");
    for entry in std::fs::read_dir(&workdir).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        assert!(
            name.starts_with("pixdrop.db"),
            "unexpected file written: {name}"
        );
        let stored = std::fs::read(&path).unwrap();
        for magic in [
            &b"IDAT"[..],
            b"WEBPVP8",
            b"\x89PNG",
            b"%PDF",
            b"ftypavif",
            b"\xFF\xD8\xFF",
        ] {
            assert!(
                !stored.windows(magic.len()).any(|w| w == magic),
                "image bytes in {name}"
            );
        }
    }
    assert!(!missing_tmp.exists());
    std::fs::remove_dir_all(&workdir).unwrap();
}
