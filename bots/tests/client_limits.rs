//! The per-address limit of the released binary, driven from outside: two
//! instances on one Redis give a client one allowance between them, and
//! `X-Forwarded-For` picks the client only when a trusted proxy sent it.

#[allow(dead_code)]
#[path = "../../tests/support/mod.rs"]
mod redis_server;
mod support;

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use redis_server::RedisServer;
use support::server::{Stopper, free_port, png};

/// 20 conversions a minute: one every 3 s, bursts of 4.
const RATE: &str = "20";
const BURST: usize = 4;

struct Instance {
    base: String,
    _child: Stopper,
}

/// `pixdrop serve` with `env` on a free port, once it answers.
async fn start(name: &str, env: &[(&str, &str)]) -> Instance {
    let port = free_port();
    let dir = std::env::temp_dir().join(format!("pixdrop-limits-{name}-{port}"));
    std::fs::create_dir_all(&dir).unwrap();
    let mut command = Command::new(env!("CARGO_BIN_EXE_pixdrop"));
    command
        .arg("serve")
        .current_dir(&dir)
        .env_clear()
        .env("PIXDROP_BIND", format!("127.0.0.1:{port}"))
        .env("DATABASE_URL", "sqlite::memory:")
        .env("PIXDROP_RATE_LIMIT", RATE)
        .env("RUST_LOG", "warn")
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    for (name, value) in env {
        command.env(name, value);
    }
    let child = Stopper(command.spawn().unwrap());
    let base = format!("http://127.0.0.1:{port}");
    let deadline = Instant::now() + Duration::from_secs(20);
    while reqwest::get(format!("{base}/healthz")).await.is_err() {
        assert!(Instant::now() < deadline, "{name} did not come up");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    Instance {
        base,
        _child: child,
    }
}

/// One conversion, as from `forwarded_for` when given: the status, and
/// `Retry-After` when there is one.
async fn convert(instance: &Instance, forwarded_for: Option<&str>) -> (u16, Option<u64>) {
    let mut request = reqwest::Client::new()
        .post(format!("{}/api/convert?to=webp", instance.base))
        .body(png(40, 30));
    if let Some(client) = forwarded_for {
        request = request.header("x-forwarded-for", client);
    }
    let response = request.send().await.unwrap();
    let retry_after = response
        .headers()
        .get("retry-after")
        .and_then(|v| v.to_str().ok()?.parse().ok());
    (response.status().as_u16(), retry_after)
}

/// A signing key and Redis key prefix no other test run shares.
fn signing_key() -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos();
    format!(
        "limits-test-{}-{nanos}-padding-to-32-bytes",
        std::process::id()
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_limit_holds_across_two_instances_on_one_redis() {
    let Some(redis) = RedisServer::find_or_start() else {
        return;
    };
    let key = signing_key();
    let env = [
        ("REDIS_URL", redis.url.as_str()),
        ("PIXDROP_SIGNING_KEY", key.as_str()),
    ];
    let one = start("one", &env).await;
    let two = start("two", &env).await;
    let mut answers = Vec::new();
    for turn in 0..BURST + 2 {
        let instance = if turn % 2 == 0 { &one } else { &two };
        answers.push(convert(instance, None).await);
    }
    let admitted = answers.iter().filter(|(status, _)| *status == 200).count();
    assert_eq!(admitted, BURST, "{answers:?}");
    for (status, retry_after) in &answers[BURST..] {
        assert_eq!(*status, 429, "{answers:?}");
        assert!(
            retry_after.is_some_and(|s| (1..=3).contains(&s)),
            "{answers:?}"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn behind_a_trusted_proxy_each_forwarded_client_has_its_own_allowance() {
    let proxy = start(
        "trusted",
        &[("PIXDROP_TRUSTED_PROXIES", "10.0.0.0/8, 127.0.0.1")],
    )
    .await;
    for client in ["198.51.100.7", "10.1.1.1, 203.0.113.9, 10.2.2.2"] {
        for _ in 0..BURST {
            assert_eq!(convert(&proxy, Some(client)).await.0, 200, "{client}");
        }
        assert_eq!(convert(&proxy, Some(client)).await.0, 429, "{client}");
    }
    // The same /64 is one client, whatever address in it is forwarded.
    for turn in 0..BURST {
        let client = format!("2001:db8:7:7::{turn:x}");
        assert_eq!(convert(&proxy, Some(&client)).await.0, 200, "{client}");
    }
    assert_eq!(convert(&proxy, Some("2001:db8:7:7::ff")).await.0, 429);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_forged_header_from_an_untrusted_peer_does_not_escape_the_limit() {
    let direct = start("untrusted", &[("PIXDROP_TRUSTED_PROXIES", "10.0.0.0/8")]).await;
    let mut answers = Vec::new();
    for turn in 0..BURST + 2 {
        let forged = format!("198.51.100.{turn}");
        answers.push(convert(&direct, Some(&forged)).await.0);
    }
    assert_eq!(answers, [200, 200, 200, 200, 429, 429]);
}
