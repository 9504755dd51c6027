//! HTTPS on `PIXDROP_BIND`, driven from outside against the real binary
//! over loopback, with a self-signed certificate made in the test (rcgen)
//! and a client that trusts only it: an image converts, its link is
//! `https://` and downloads; a client that opens a connection and never
//! finishes the handshake is dropped within the header timeout and gives
//! its connection slot back; and a certificate without its key (or a file
//! that is no certificate or key) stops start-up naming the setting.

mod support;

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Duration;

use std::io::Read;

use serde_json::Value;
use support::server::{Stopper, free_port, png};
use tokio::io::AsyncReadExt;
use tokio::net::TcpStream;
use tokio::time::{Instant, sleep};

/// Room for a loaded 2-core machine on top of a bound.
const SLACK: Duration = Duration::from_secs(3);

/// A fresh directory for one test's files and the server's working directory.
fn workdir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("pixdrop-https-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// A self-signed certificate for `localhost` and 127.0.0.1, written as
/// `cert.pem` and `key.pem` in `dir`; returns the certificate's PEM.
fn certificate(dir: &Path) -> String {
    let made =
        rcgen::generate_simple_self_signed(vec!["localhost".into(), "127.0.0.1".into()]).unwrap();
    let cert = made.cert.pem();
    std::fs::write(dir.join("cert.pem"), &cert).unwrap();
    std::fs::write(dir.join("key.pem"), made.signing_key.serialize_pem()).unwrap();
    cert
}

fn pixdrop(dir: &Path, settings: &[(&str, &str)]) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_pixdrop"));
    command
        .arg("serve")
        .current_dir(dir)
        .env_clear()
        .env("RUST_LOG", "error")
        .stdin(Stdio::null());
    for (variable, value) in settings {
        command.env(variable, value);
    }
    command
}

/// A client that trusts only the certificate `cert` (PEM).
fn trusting(cert: &str) -> reqwest::Client {
    reqwest::Client::builder()
        .tls_built_in_root_certs(false)
        .add_root_certificate(reqwest::Certificate::from_pem(cert.as_bytes()).unwrap())
        .build()
        .unwrap()
}

/// `pixdrop serve` over HTTPS on a free port, once it answers a client
/// that trusts only the test's certificate; the certificate's PEM.
async fn serve_https(name: &str, settings: &[(&str, &str)]) -> (Stopper, SocketAddr, String) {
    let dir = workdir(name);
    let cert = certificate(&dir);
    let address = SocketAddr::from(([127, 0, 0, 1], free_port()));
    let bind = address.to_string();
    let (cert_path, key_path) = (dir.join("cert.pem"), dir.join("key.pem"));
    let mut all = vec![
        ("PIXDROP_BIND", bind.as_str()),
        ("PIXDROP_TLS_CERT", cert_path.to_str().unwrap()),
        ("PIXDROP_TLS_KEY", key_path.to_str().unwrap()),
    ];
    all.extend_from_slice(settings);
    let child = pixdrop(&dir, &all)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let child = Stopper(child);
    support::server::wait_until_up(&format!("https://{address}/healthz"), &trusting(&cert)).await;
    (child, address, cert)
}

#[tokio::test]
async fn an_image_converts_over_https_and_its_link_is_https() {
    let (_server, address, cert) = serve_https("convert", &[]).await;
    let client = trusting(&cert);
    let answer: Value = client
        .post(format!("https://{address}/api/convert?to=webp"))
        .body(png(64, 48))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let link = answer["url"].as_str().expect("a link");
    assert!(link.starts_with(&format!("https://{address}/d/")), "{link}");
    let download = client.get(link).send().await.unwrap();
    assert_eq!(download.status(), 200);
    assert_eq!(download.headers()["content-type"], "image/webp");
    let bytes = download.bytes().await.unwrap();
    assert_eq!(&bytes[..4], b"RIFF");

    // Plain HTTP on the same port gets no answer.
    let plain = reqwest::Client::new()
        .get(format!("http://{address}/healthz"))
        .send()
        .await;
    assert!(plain.is_err(), "plain HTTP was answered: {plain:?}");
}

#[tokio::test]
async fn a_handshake_never_finished_is_dropped_within_the_header_timeout() {
    let header_timeout = Duration::from_secs(2);
    let (_server, address, cert) = serve_https(
        "handshake",
        &[
            ("PIXDROP_HEADER_TIMEOUT", "2s"),
            ("PIXDROP_MAX_CONNECTIONS", "2"),
        ],
    )
    .await;
    // Let the client's kept-alive connection from start-up close, so the
    // two silent ones below hold both slots.
    sleep(header_timeout + Duration::from_millis(500)).await;
    let opened = Instant::now();
    let mut silent = Vec::new();
    for _ in 0..2 {
        silent.push(TcpStream::connect(address).await.unwrap());
    }
    sleep(Duration::from_millis(200)).await;

    // With every slot held by a silent client, a real one waits, and is
    // served once the handshake timeout frees a slot.
    let health = tokio::time::timeout(
        header_timeout + SLACK,
        trusting(&cert)
            .get(format!("https://{address}/healthz"))
            .send(),
    )
    .await
    .expect("not served while silent connections held every slot")
    .unwrap();
    assert_eq!(health.status(), 200);
    let waited = opened.elapsed();
    assert!(
        waited >= header_timeout - Duration::from_millis(300),
        "served after {waited:?}, while every slot was held"
    );

    for mut stream in silent {
        let mut byte = [0u8; 1];
        let closed =
            tokio::time::timeout_at(opened + header_timeout + SLACK, stream.read(&mut byte)).await;
        assert!(
            matches!(closed, Ok(Ok(0) | Err(_))),
            "a silent connection was still open {:?} after connecting",
            opened.elapsed()
        );
    }
}

/// Runs `pixdrop serve` with `settings`; its exit status and stderr.
fn refused(dir: &Path, settings: &[(&str, &str)]) -> (Option<i32>, String) {
    let port = free_port().to_string();
    let bind = format!("127.0.0.1:{port}");
    let mut all = vec![("PIXDROP_BIND", bind.as_str())];
    all.extend_from_slice(settings);
    let mut child = Stopper(
        pixdrop(dir, &all)
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap(),
    );
    let deadline = std::time::Instant::now() + Duration::from_secs(20);
    let status = loop {
        if let Some(status) = child.0.try_wait().unwrap() {
            break status;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "pixdrop started with {settings:?}"
        );
        std::thread::sleep(Duration::from_millis(50));
    };
    let mut stderr = String::new();
    child
        .0
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut stderr)
        .unwrap();
    (status.code(), stderr)
}

#[test]
fn a_certificate_without_its_key_or_a_bad_file_stops_start_up_naming_the_setting() {
    let dir = workdir("refusals");
    certificate(&dir);
    let other = workdir("refusals-other");
    certificate(&other);
    let path = |dir: &Path, name: &str| dir.join(name).to_str().unwrap().to_string();
    let (cert, key) = (path(&dir, "cert.pem"), path(&dir, "key.pem"));
    let (missing, other_key) = (path(&dir, "missing.pem"), path(&other, "key.pem"));
    let cases: [(&[(&str, &str)], &str); 5] = [
        (&[("PIXDROP_TLS_CERT", &cert)], "PIXDROP_TLS_KEY"),
        (&[("PIXDROP_TLS_KEY", &key)], "PIXDROP_TLS_CERT"),
        (
            &[("PIXDROP_TLS_CERT", &missing), ("PIXDROP_TLS_KEY", &key)],
            "PIXDROP_TLS_CERT",
        ),
        (
            &[("PIXDROP_TLS_CERT", &key), ("PIXDROP_TLS_KEY", &key)],
            "PIXDROP_TLS_CERT",
        ),
        (
            &[("PIXDROP_TLS_CERT", &cert), ("PIXDROP_TLS_KEY", &other_key)],
            "PIXDROP_TLS_KEY",
        ),
    ];
    for (settings, named) in cases {
        let (code, stderr) = refused(&dir, settings);
        assert_eq!(code, Some(2), "{settings:?}: {stderr}");
        let line = stderr.trim();
        assert_eq!(line.lines().count(), 1, "{settings:?}: {stderr}");
        assert!(
            line.starts_with(&format!("pixdrop: {named}: ")),
            "{settings:?}: {line}"
        );
    }
}
