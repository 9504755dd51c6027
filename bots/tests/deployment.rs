//! The deployment of compose.yaml, run as plain processes (CI has no
//! container daemon): two `pixdrop` instances behind Caddy with TLS from a
//! generated certificate and `deploy/Caddyfile` itself, Redis without
//! persistence, PostgreSQL. A conversion through the proxy makes a link
//! that the proxy and both instances serve. Needs `caddy`, `redis-server`, `openssl` and
//! `PIXDROP_TEST_DATABASE_URL`; without them it says SKIPPED.

#[allow(dead_code)]
#[path = "../../tests/support/mod.rs"]
mod redis_support;
mod support;

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use redis_support::RedisServer;
use support::server::{Stopper, convert_over_http, free_port, png, wait_until_up};

const KEY: &str = "the deployment's signing key, shared by all instances";
const SALT: &str = "the deployment's history salt, shared by all instances";

fn skipped(why: &str) {
    let _ = writeln!(std::io::stderr(), "SKIPPED: deployment test ({why})");
}

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("pixdrop-deploy-{}-{name}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

struct Instance {
    direct: String,
    _child: Stopper,
}

async fn instance(public: &str, redis: &str, database: &str, certs: &Path) -> Instance {
    let port = free_port();
    let child = Command::new(env!("CARGO_BIN_EXE_pixdrop"))
        .arg("serve")
        .current_dir(scratch(&port.to_string()))
        .env_clear()
        .env("PIXDROP_BIND", format!("127.0.0.1:{port}"))
        .env("PIXDROP_PUBLIC_URL", public)
        .env("PIXDROP_SIGNING_KEY", KEY)
        .env("PIXDROP_HISTORY_SALT", SALT)
        .env("PIXDROP_TRUSTED_PROXIES", "127.0.0.1")
        .env("REDIS_URL", redis)
        .env("DATABASE_URL", database)
        .env("SSL_CERT_FILE", certs.join("ca"))
        .env("RUST_LOG", "warn")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let direct = format!("http://127.0.0.1:{port}");
    wait_until_up(&format!("{direct}/readyz"), &reqwest::Client::new()).await;
    Instance {
        direct,
        _child: Stopper(child),
    }
}

fn caddy(site_port: u16, certs: &Path, upstreams: &[&Instance]) -> Option<Stopper> {
    let home = scratch("caddy-home");
    let caddyfile = Path::new(env!("CARGO_MANIFEST_DIR")).join("../deploy/Caddyfile");
    let upstreams: Vec<&str> = upstreams
        .iter()
        .map(|i| i.direct.trim_start_matches("http://"))
        .collect();
    let spawned = Command::new("caddy")
        .args(["run", "--adapter", "caddyfile", "--config"])
        .arg(&caddyfile)
        .env_clear()
        .env("HOME", &home)
        .env("XDG_DATA_HOME", &home)
        .env("XDG_CONFIG_HOME", &home)
        .env("PIXDROP_SITE", format!("https://localhost:{site_port}"))
        .env(
            "PIXDROP_TLS",
            format!(
                "{} {}",
                certs.join("cert").display(),
                certs.join("key").display()
            ),
        )
        .env("PIXDROP_UPSTREAMS", upstreams.join(" "))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn();
    match spawned {
        Ok(child) => Some(Stopper(child)),
        Err(_) => {
            skipped("no caddy on PATH");
            None
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_instances_behind_a_tls_proxy_serve_as_one() {
    let Ok(database) = std::env::var("PIXDROP_TEST_DATABASE_URL") else {
        skipped("PIXDROP_TEST_DATABASE_URL unset");
        return;
    };
    let certs = scratch("certs");
    if !support::certs::generate(&certs) {
        return;
    }
    let Some(redis) = RedisServer::start_own() else {
        return;
    };
    let site_port = free_port();
    let public = format!("https://localhost:{site_port}");
    let first = instance(&public, &redis.url, &database, &certs).await;
    let second = instance(&public, &redis.url, &database, &certs).await;
    let Some(_proxy) = caddy(site_port, &certs, &[&first, &second]) else {
        return;
    };
    let ca = reqwest::Certificate::from_pem(&std::fs::read(certs.join("ca")).unwrap()).unwrap();
    let client = reqwest::Client::builder()
        .add_root_certificate(ca)
        .build()
        .unwrap();
    wait_until_up(&format!("{public}/readyz"), &client).await;

    let url = format!("{public}/api/convert?to=png&rotate=90");
    let answer = convert_over_http(&client, &url, png(64, 48)).await;
    let link = answer["url"].as_str().expect("a link");
    assert!(link.starts_with(&format!("{public}/d/")), "{link}");
    for served_by in [&public, &first.direct, &second.direct] {
        let answer = client
            .get(link.replace(&public, served_by))
            .send()
            .await
            .unwrap();
        assert_eq!(answer.status(), 200, "through {served_by}");
        let bytes = answer.bytes().await.unwrap();
        let image = image::load_from_memory(&bytes).unwrap();
        assert_eq!((image.width(), image.height()), (48, 64));
    }
}
