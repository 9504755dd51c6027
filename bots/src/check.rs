//! `pixdrop check`: one screen saying what the current configuration means
//! for the privacy promise (retention, where bytes are held, whether Redis
//! persists, transport encryption, secrets, trusted proxies), so an operator can see before
//! going live which promise a setting would break. Exits non-zero when one
//! would be.

use std::fmt::Write as _;
use std::net::IpAddr;

use pixdrop::store::seal::MIN_SECRET_BYTES;
use pixdrop::store::{Persistence, RedisSettings, RedisStore};

use crate::config::{Config, Secret};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    Ok,
    /// Worth knowing; no promise broken.
    Note,
    /// A promise would be broken.
    Broken,
}

pub struct Finding {
    pub verdict: Verdict,
    pub text: String,
}

fn finding(verdict: Verdict, text: impl Into<String>) -> Finding {
    Finding {
        verdict,
        text: text.into(),
    }
}

/// Everything `check` looks at; Redis is asked about its persistence.
pub async fn findings(config: &Config) -> Vec<Finding> {
    let mut found = vec![finding(
        Verdict::Ok,
        format!(
            "retention {}: every file and result is gone within that time",
            minutes(config.retention.as_secs())
        ),
    )];
    found.extend(store(config).await);
    found.push(history(&config.database_url));
    found.push(secret(
        &config.signing_key,
        "PIXDROP_SIGNING_KEY",
        "download links",
        config.redis_url.is_some(),
    ));
    found.push(secret(
        &config.history_salt,
        "PIXDROP_HISTORY_SALT",
        "the keyed user hash in the history",
        false,
    ));
    found.push(web(&config.public_url));
    found.push(if config.trusted_proxies.is_empty() {
        finding(
            Verdict::Note,
            "trusted proxies: none, X-Forwarded-For is ignored (behind a reverse proxy, list it in PIXDROP_TRUSTED_PROXIES or every user shares its address and its limit)",
        )
    } else {
        finding(
            Verdict::Ok,
            "trusted proxies: only their X-Forwarded-For is believed; a client's address is kept in memory, never stored",
        )
    });
    found
}

/// The screen `pixdrop check` prints, and whether every promise holds.
pub async fn report(config: &Config) -> (String, bool) {
    let found = findings(config).await;
    let mut text =
        String::from("pixdrop check: what this configuration means for the privacy promise\n\n");
    for item in &found {
        let label = match item.verdict {
            Verdict::Ok => "ok    ",
            Verdict::Note => "note  ",
            Verdict::Broken => "BROKEN",
        };
        let _ = writeln!(text, "  {label}  {}", item.text);
    }
    let holds = found.iter().all(|f| f.verdict != Verdict::Broken);
    text.push('\n');
    text.push_str(if holds {
        "Every promise holds with this configuration.\n"
    } else {
        "A promise would be broken: fix the BROKEN lines before going live.\n"
    });
    (text, holds)
}

async fn store(config: &Config) -> Vec<Finding> {
    let (Some(url), Some(settings)) = (&config.redis_url, config.redis_settings()) else {
        return vec![finding(
            Verdict::Ok,
            "store: in this process's memory only, never on disk",
        )];
    };
    let mut found = vec![transport(
        "Redis",
        &url.0,
        url.0.starts_with("rediss://"),
        "values are sealed, but the connection and its password are readable on the way",
    )];
    let connected = RedisStore::connect(RedisSettings {
        persistence: Persistence::Refuse,
        ..settings
    })
    .await;
    found.push(match connected {
        Ok(_) => finding(
            Verdict::Ok,
            "store: Redis, every value sealed (XChaCha20-Poly1305), and Redis keeps nothing on disk",
        ),
        Err(problem) if config.redis_persistence == Persistence::Allow => finding(
            Verdict::Broken,
            format!("store: {problem} (allowed by PIXDROP_REDIS_PERSISTENCE)"),
        ),
        Err(problem) => finding(Verdict::Broken, format!("store: {problem}")),
    });
    found
}

fn history(database_url: &str) -> Finding {
    if database_url.starts_with("sqlite") {
        return finding(
            Verdict::Ok,
            "history: SQLite file, metadata only (no names, bytes or captions)",
        );
    }
    let encrypted = ["require", "verify-ca", "verify-full"]
        .iter()
        .any(|mode| database_url.contains(&format!("sslmode={mode}")));
    transport(
        "PostgreSQL",
        database_url,
        encrypted,
        "history records and user hashes cross the network in the clear; add sslmode=require",
    )
}

/// A connection to `server` is fine when encrypted or on this machine.
fn transport(server: &str, url: &str, encrypted: bool, otherwise: &str) -> Finding {
    if encrypted {
        finding(Verdict::Ok, format!("{server}: TLS"))
    } else if loopback(url) {
        finding(
            Verdict::Ok,
            format!("{server}: on this machine, no TLS needed"),
        )
    } else {
        finding(Verdict::Broken, format!("{server}: no TLS: {otherwise}"))
    }
}

fn loopback(url: &str) -> bool {
    let Ok(parsed) = url::Url::parse(url) else {
        return false;
    };
    match parsed.host() {
        Some(url::Host::Domain(name)) => {
            name == "localhost" || name.parse::<IpAddr>().is_ok_and(|ip| ip.is_loopback())
        }
        Some(url::Host::Ipv4(ip)) => IpAddr::V4(ip).is_loopback(),
        Some(url::Host::Ipv6(ip)) => IpAddr::V6(ip).is_loopback(),
        None => true,
    }
}

fn secret(value: &Option<Secret>, variable: &str, protects: &str, shared: bool) -> Finding {
    match value {
        Some(Secret(text)) if text.len() >= MIN_SECRET_BYTES => {
            finding(Verdict::Ok, format!("{variable}: set, protects {protects}"))
        }
        Some(_) => finding(
            Verdict::Broken,
            format!("{variable}: shorter than {MIN_SECRET_BYTES} bytes, too weak for {protects}"),
        ),
        None if shared => finding(
            Verdict::Broken,
            format!("{variable}: unset, but several instances must share it"),
        ),
        None => finding(
            Verdict::Note,
            format!("{variable}: unset, a random one per start protects {protects}"),
        ),
    }
}

fn web(public_url: &str) -> Finding {
    if public_url.starts_with("https://") {
        finding(Verdict::Ok, "web: links and uploads over HTTPS")
    } else if loopback(public_url) {
        finding(
            Verdict::Note,
            "web: plain HTTP on this machine only; put a TLS reverse proxy in front and set PIXDROP_PUBLIC_URL to its https:// address",
        )
    } else {
        finding(
            Verdict::Broken,
            "web: PIXDROP_PUBLIC_URL is plain HTTP, so images and links cross the network readable",
        )
    }
}

fn minutes(seconds: u64) -> String {
    match seconds {
        s if s % 3600 == 0 => format!("{}h", s / 3600),
        s if s % 60 == 0 => format!("{}m", s / 60),
        s => format!("{s}s"),
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use super::*;

    fn config(pairs: &[(&str, &str)]) -> Config {
        let map: HashMap<String, String> = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        Config::from_lookup(|name| map.get(name).cloned()).unwrap()
    }

    fn verdict_of(found: &[Finding], about: &str) -> Verdict {
        found
            .iter()
            .find(|f| f.text.starts_with(about))
            .unwrap_or_else(|| panic!("nothing about {about}"))
            .verdict
    }

    #[tokio::test]
    async fn a_local_default_setup_breaks_nothing() {
        let (text, holds) = report(&config(&[])).await;
        assert!(holds, "{text}");
        assert!(text.contains("retention 1h"), "{text}");
        assert!(text.contains("memory only"), "{text}");
    }

    #[tokio::test]
    async fn plain_transports_off_this_machine_and_weak_secrets_are_broken_promises() {
        let found = findings(&config(&[
            ("PIXDROP_PUBLIC_URL", "http://pixdrop.example"),
            (
                "DATABASE_URL",
                "postgres://pixdrop@db.example/pixdrop?sslmode=prefer",
            ),
            ("PIXDROP_HISTORY_SALT", "short"),
        ]))
        .await;
        assert_eq!(verdict_of(&found, "web"), Verdict::Broken);
        assert_eq!(verdict_of(&found, "PostgreSQL"), Verdict::Broken);
        assert_eq!(verdict_of(&found, "PIXDROP_HISTORY_SALT"), Verdict::Broken);

        let fixed = findings(&config(&[
            ("PIXDROP_PUBLIC_URL", "https://pixdrop.example"),
            (
                "DATABASE_URL",
                "postgres://pixdrop@db.example/pixdrop?sslmode=verify-full",
            ),
            ("PIXDROP_HISTORY_SALT", &"s".repeat(32)),
        ]))
        .await;
        assert!(fixed.iter().all(|f| f.verdict != Verdict::Broken));
    }

    #[test]
    fn loopback_hosts_are_recognised() {
        assert!(loopback("redis://127.0.0.1:6379/"));
        assert!(loopback("postgres://u@localhost/db"));
        assert!(loopback("http://[::1]:8080"));
        assert!(!loopback("redis://cache.internal:6379/"));
        assert_eq!(minutes(3600), "1h");
        assert_eq!(minutes(90), "90s");
    }
}
