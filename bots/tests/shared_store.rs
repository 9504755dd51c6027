//! The binary on a shared Redis, driven from outside: start-up refuses what
//! would break the privacy promise (Redis without a shared signing key, a
//! Redis that saves to disk), `pixdrop check` says so and exits non-zero,
//! and two instances on a Redis reached over TLS serve each other's links.
//! Redis tests start their own `redis-server`; without it they say SKIPPED.

#[allow(dead_code)]
#[path = "../../tests/support/mod.rs"]
mod redis_support;
mod support;

use std::path::Path;
use std::process::{Command, Output, Stdio};

use redis_support::RedisServer;
use support::server::{Stopper, convert_over_http, free_port, png, wait_until_up};

const KEY: &str = "a signing key of at least thirty-two bytes, shared";

fn pixdrop(args: &[&str], env: &[(&str, &str)]) -> Output {
    let dir = scratch("cmd");
    Command::new(env!("CARGO_BIN_EXE_pixdrop"))
        .args(args)
        .current_dir(&dir)
        .env_clear()
        .envs(env.iter().copied())
        .output()
        .unwrap()
}

fn scratch(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!(
        "pixdrop-shared-store-{name}-{}-{:?}",
        std::process::id(),
        std::thread::current().id()
    ));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[test]
fn redis_without_a_long_shared_signing_key_stops_start_up_with_one_line() {
    for env in [
        &[("REDIS_URL", "redis://127.0.0.1:9/")][..],
        &[
            ("REDIS_URL", "redis://127.0.0.1:9/"),
            ("PIXDROP_SIGNING_KEY", "short"),
        ],
    ] {
        let out = pixdrop(&["serve"], env);
        assert_eq!(out.status.code(), Some(2));
        let stderr = text(&out.stderr);
        assert_eq!(stderr.lines().count(), 1, "{stderr}");
        assert!(
            stderr.contains("PIXDROP_SIGNING_KEY") && stderr.contains("32 bytes"),
            "{stderr}"
        );
    }
}

#[test]
fn a_redis_that_saves_to_disk_stops_start_up_and_check_says_why() {
    let Some(server) = RedisServer::start_own_with(&["--save", "3600 1"]) else {
        return;
    };
    let env = [
        ("REDIS_URL", server.url.as_str()),
        ("PIXDROP_SIGNING_KEY", KEY),
        ("PIXDROP_BIND", "127.0.0.1:0"),
    ];
    let out = pixdrop(&["serve"], &env);
    assert_eq!(out.status.code(), Some(2));
    let stderr = text(&out.stderr);
    let last = stderr.lines().last().unwrap_or_default();
    assert!(
        last.contains("save \"3600 1\"") && last.contains("PIXDROP_REDIS_PERSISTENCE=allow"),
        "{stderr}"
    );

    let check = pixdrop(&["check"], &env);
    assert_eq!(check.status.code(), Some(1), "{}", text(&check.stdout));
    let report = text(&check.stdout);
    assert!(
        report
            .lines()
            .any(|l| l.contains("BROKEN") && l.contains("save")),
        "{report}"
    );
}

#[test]
fn check_passes_a_sound_setup_and_fails_a_plain_http_one() {
    let Some(server) = RedisServer::start_own() else {
        return;
    };
    let salt = "a history salt of at least thirty-two bytes";
    let sound = [
        ("REDIS_URL", server.url.as_str()),
        ("PIXDROP_SIGNING_KEY", KEY),
        ("PIXDROP_HISTORY_SALT", salt),
        ("PIXDROP_PUBLIC_URL", "https://pixdrop.example"),
    ];
    let check = pixdrop(&["check"], &sound);
    let report = text(&check.stdout);
    assert_eq!(check.status.code(), Some(0), "{report}");
    assert!(report.contains("sealed"), "{report}");
    assert!(!report.contains("BROKEN"), "{report}");

    let mut plain = sound;
    plain[3] = ("PIXDROP_PUBLIC_URL", "http://pixdrop.example");
    let check = pixdrop(&["check"], &plain);
    assert_eq!(check.status.code(), Some(1));
    assert!(
        text(&check.stdout).contains("BROKEN  web"),
        "{}",
        text(&check.stdout)
    );
}

/// One instance on the shared Redis, trusting the test CA in `certs`.
async fn instance(redis_url: &str, certs: &Path) -> (String, Stopper) {
    let port = free_port();
    let base = format!("http://127.0.0.1:{port}");
    let child = Command::new(env!("CARGO_BIN_EXE_pixdrop"))
        .arg("serve")
        .current_dir(scratch(&port.to_string()))
        .env_clear()
        .env("PIXDROP_BIND", format!("127.0.0.1:{port}"))
        .env("PIXDROP_PUBLIC_URL", &base)
        .env("PIXDROP_SIGNING_KEY", KEY)
        .env("REDIS_URL", redis_url)
        .env("SSL_CERT_FILE", certs.join("ca"))
        .env("RUST_LOG", "warn")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let child = Stopper(child);
    wait_until_up(&format!("{base}/healthz"), &reqwest::Client::new()).await;
    (base, child)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_instances_share_a_sealed_store_over_tls() {
    let certs = scratch("certs");
    if !support::certs::generate(&certs) {
        return;
    }
    let Some(server) = RedisServer::start_tls(&certs) else {
        return;
    };
    assert!(server.url.starts_with("rediss://"));
    let (first, _a) = instance(&server.url, &certs).await;
    let (second, _b) = instance(&server.url, &certs).await;

    let client = reqwest::Client::new();
    let url = format!("{first}/api/convert?to=webp");
    let answer = convert_over_http(&client, &url, png(40, 30)).await;
    let url = answer["url"].as_str().expect("a link");
    let elsewhere = url.replace(&first, &second);
    assert_ne!(url, elsewhere);
    let served = client.get(&elsewhere).send().await.unwrap();
    assert_eq!(served.status(), 200);
    let bytes = served.bytes().await.unwrap();
    assert_eq!(&bytes[..4], b"RIFF");
    assert_eq!(&bytes[8..12], b"WEBP");
}
