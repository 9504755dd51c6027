//! `Config`: the only reader of the environment and `.env`. Everything is
//! read once, at start, into typed fields; a bad value stops startup with
//! one line naming the variable. Tokens are redacted in `Debug`.

use std::fmt;
use std::net::SocketAddr;
use std::time::Duration;

use pixdrop::options::Presets;
use pixdrop::store::seal::MIN_SECRET_BYTES;
use pixdrop::store::{Persistence, RedisSettings};
use pixdrop::{ByteSize, Limits};

/// The longest anything may be held, by promise.
pub const MAX_RETENTION: Duration = Duration::from_secs(3600);

#[derive(Debug, Clone)]
pub struct Config {
    pub telegram_token: Option<Secret>,
    pub telegram_api_url: String,
    /// Largest file the Bot API serves us: 20 MB on the public API, far more
    /// on a self-hosted Bot API server.
    pub telegram_download_limit: u64,
    /// Largest file we may upload: 50 MB on the public API.
    pub telegram_upload_limit: u64,
    /// Public base URL Telegram should post updates to; unset = long polling.
    pub telegram_webhook_url: Option<String>,
    pub discord_token: Option<Secret>,
    pub discord_api_url: Option<String>,
    /// A guild to register commands in as well (they appear there at once).
    pub discord_guild_id: Option<u64>,
    /// Request the privileged Message Content intent (enable it in the portal first).
    pub discord_message_content: bool,
    /// The application's Ed25519 public key: interactions may then arrive
    /// over HTTP at `/discord/interactions`.
    pub discord_public_key: Option<[u8; 32]>,
    /// Connect to the gateway (channel drops need it); off only with a public key.
    pub discord_gateway: bool,
    /// The gateway shards this process runs, when a bot's shards are split
    /// across processes; `None`: as many as Discord recommends, all here.
    pub discord_shards: Option<crate::discord::Shards>,
    pub bind: SocketAddr,
    /// HTTPS on `bind` (`PIXDROP_TLS_CERT` and `PIXDROP_TLS_KEY`); `None`: plain HTTP.
    pub tls: Option<crate::web::Tls>,
    pub public_url: String,
    pub retention: Duration,
    pub signing_key: Option<Secret>,
    pub limits: Limits,
    /// Budget for held bytes plus conversions in progress.
    pub max_memory: u64,
    /// Longest a conversion may wait for its turn before it is refused.
    pub max_wait: Duration,
    pub database_url: String,
    pub redis_url: Option<Secret>,
    /// Conversions per minute one client address may start on the web API.
    pub rate_per_minute: u32,
    /// Whether the web API ignores, welcomes or needs API keys.
    pub api_auth: crate::web::AuthMode,
    /// Conversions per minute one API key may start on the web API.
    pub key_rate_per_minute: u32,
    /// Conversions per minute one chat user may start (Telegram, Discord).
    pub user_rate_per_minute: u32,
    /// Secret for the keyed user hash in the history; random per start when unset.
    pub history_salt: Option<Secret>,
    /// Days chat users' history records are kept.
    pub history_days: u64,
    /// Time and connection bounds of the HTTP listener.
    pub web_bounds: crate::web::Bounds,
    /// The secret Redis values are sealed under; the signing key when unset.
    pub store_key: Option<Secret>,
    /// Whether a Redis that saves to disk may be used.
    pub redis_persistence: Persistence,
    /// Reverse proxies whose `X-Forwarded-For` is believed; empty = none.
    pub trusted_proxies: crate::web::TrustedProxies,
    /// The built-in presets plus those of the file `PIXDROP_PRESETS` names.
    pub presets: Presets,
}

/// A credential; never printed.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(pub String);

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(..)")
    }
}

/// A setting that could not be used, named so the operator can fix it.
#[derive(Debug, thiserror::Error)]
#[error("{variable}: {problem}")]
pub struct ConfigError {
    variable: &'static str,
    problem: String,
}

impl Config {
    /// Reads `.env` (when present) and then the process environment.
    pub fn load() -> Result<Self, ConfigError> {
        let _ = dotenvy::dotenv();
        Self::from_lookup(|name| std::env::var(name).ok().filter(|v| !v.trim().is_empty()))
    }

    pub fn from_lookup(get: impl Fn(&str) -> Option<String>) -> Result<Self, ConfigError> {
        let bind: SocketAddr = parse(&get, "PIXDROP_BIND", "127.0.0.1:8080", |v| {
            v.parse()
                .map_err(|_| "expected an address like 127.0.0.1:8080".to_string())
        })?;
        let limits = Limits {
            max_input_bytes: parse(&get, "PIXDROP_MAX_INPUT_BYTES", "52428800", byte_count)?,
            max_pixels: parse(&get, "PIXDROP_MAX_PIXELS", "64000000", count)?,
            max_frames: parse(&get, "PIXDROP_MAX_FRAMES", "1000", count)?,
            max_output_bytes: parse(&get, "PIXDROP_MAX_OUTPUT_BYTES", "256MiB", byte_count)?,
            time_budget: parse(&get, "PIXDROP_TIME_BUDGET", "60s", duration)?,
        };
        let retention = parse(&get, "PIXDROP_RETENTION", "1h", duration)?;
        if retention > MAX_RETENTION {
            return Err(ConfigError {
                variable: "PIXDROP_RETENTION",
                problem:
                    "may not be more than 1h: pixdrop promises to forget every file within an hour"
                        .into(),
            });
        }
        let discord_public_key = get("DISCORD_PUBLIC_KEY")
            .map(|key| public_key(&key))
            .transpose()
            .map_err(|problem| ConfigError {
                variable: "DISCORD_PUBLIC_KEY",
                problem,
            })?;
        let discord_gateway = get("DISCORD_GATEWAY").is_none_or(|v| switch(&v));
        if !discord_gateway && discord_public_key.is_none() {
            return Err(ConfigError {
                variable: "DISCORD_GATEWAY",
                problem: "may be off only with DISCORD_PUBLIC_KEY set, or no interaction would reach the bot".into(),
            });
        }
        let signing_key = get("PIXDROP_SIGNING_KEY").map(Secret);
        let store_key = get("PIXDROP_STORE_KEY").map(Secret);
        let redis_url = get("REDIS_URL").map(Secret);
        if redis_url.is_some() {
            shared_secret(&signing_key, "PIXDROP_SIGNING_KEY")?;
        }
        if store_key.is_some() {
            shared_secret(&store_key, "PIXDROP_STORE_KEY")?;
        }
        let discord_shards = get("DISCORD_SHARDS")
            .map(|shards| shards.parse())
            .transpose()
            .map_err(|problem| ConfigError {
                variable: "DISCORD_SHARDS",
                problem,
            })?;
        let rate_per_minute: u32 = parse(&get, "PIXDROP_RATE_LIMIT", "60", count)?
            .try_into()
            .unwrap_or(u32::MAX);
        let key_rate_default =
            (rate_per_minute.saturating_mul(crate::web::KEY_RATE_FACTOR)).to_string();
        let tls = tls(get("PIXDROP_TLS_CERT"), get("PIXDROP_TLS_KEY"))?;
        let scheme = if tls.is_some() { "https" } else { "http" };
        Ok(Self {
            telegram_token: get("TELEGRAM_TOKEN").map(Secret),
            telegram_api_url: get("TELEGRAM_API_URL")
                .unwrap_or_else(|| "https://api.telegram.org".into()),
            telegram_download_limit: parse(&get, "TELEGRAM_DOWNLOAD_LIMIT", "20MiB", byte_count)?,
            telegram_upload_limit: parse(&get, "TELEGRAM_UPLOAD_LIMIT", "50MiB", byte_count)?,
            telegram_webhook_url: get("TELEGRAM_WEBHOOK_URL"),
            discord_token: get("DISCORD_TOKEN").map(Secret),
            discord_api_url: get("DISCORD_API_URL"),
            discord_message_content: get("DISCORD_MESSAGE_CONTENT").is_some_and(|v| switch(&v)),
            discord_public_key,
            discord_gateway,
            discord_shards,
            discord_guild_id: get("DISCORD_GUILD_ID")
                .map(|id| count(&id))
                .transpose()
                .map_err(|problem| ConfigError {
                    variable: "DISCORD_GUILD_ID",
                    problem,
                })?,
            public_url: get("PIXDROP_PUBLIC_URL")
                .unwrap_or_else(|| format!("{scheme}://{bind}"))
                .trim_end_matches('/')
                .to_string(),
            bind,
            tls,
            retention,
            signing_key,
            limits,
            max_memory: parse(&get, "PIXDROP_MAX_MEMORY", "1073741824", byte_count)?,
            max_wait: parse(&get, "PIXDROP_MAX_WAIT", "60s", duration)?,
            database_url: get("DATABASE_URL").unwrap_or_else(|| "sqlite://pixdrop.db".into()),
            redis_url,
            rate_per_minute,
            api_auth: parse(&get, "PIXDROP_API_AUTH", "optional", str::parse)?,
            key_rate_per_minute: parse(&get, "PIXDROP_KEY_RATE_LIMIT", &key_rate_default, count)?
                .try_into()
                .unwrap_or(u32::MAX),
            user_rate_per_minute: parse(&get, "PIXDROP_USER_RATE_LIMIT", "20", count)?
                .try_into()
                .unwrap_or(u32::MAX),
            history_salt: get("PIXDROP_HISTORY_SALT").map(Secret),
            history_days: parse(&get, "PIXDROP_HISTORY_DAYS", "365", count)?,
            web_bounds: crate::web::Bounds {
                header_timeout: parse(&get, "PIXDROP_HEADER_TIMEOUT", "10s", duration)?,
                body_timeout: parse(&get, "PIXDROP_BODY_TIMEOUT", "60s", duration)?,
                body_min_rate: parse(&get, "PIXDROP_BODY_MIN_RATE", "128KiB", some_bytes)?,
                write_timeout: parse(&get, "PIXDROP_WRITE_TIMEOUT", "30s", duration)?,
                max_connections: parse(&get, "PIXDROP_MAX_CONNECTIONS", "4096", count)?
                    .try_into()
                    .unwrap_or(usize::MAX),
            },
            store_key,
            redis_persistence: parse(&get, "PIXDROP_REDIS_PERSISTENCE", "refuse", |v| {
                match v.to_ascii_lowercase().as_str() {
                    "refuse" => Ok(Persistence::Refuse),
                    "allow" => Ok(Persistence::Allow),
                    _ => Err(format!("expected refuse or allow, got `{v}`")),
                }
            })?,
            trusted_proxies: parse(&get, "PIXDROP_TRUSTED_PROXIES", "", str::parse)?,
            presets: get("PIXDROP_PRESETS")
                .map(|path| presets(&path))
                .transpose()
                .map_err(|problem| ConfigError {
                    variable: "PIXDROP_PRESETS",
                    problem,
                })?
                .unwrap_or_default(),
        })
    }
}

impl Config {
    /// How to reach the shared store, when `REDIS_URL` is set: sealed under
    /// the store key, or the signing key when there is none.
    pub fn redis_settings(&self) -> Option<RedisSettings<'_>> {
        let secret = self.store_key.as_ref().or(self.signing_key.as_ref());
        Some(RedisSettings {
            url: &self.redis_url.as_ref()?.0,
            prefix: "pixdrop",
            max_bytes: self.max_memory,
            retention: self.retention,
            secret: secret.map_or(&[][..], |s| s.0.as_bytes()),
            persistence: self.redis_persistence,
        })
    }

    /// One line for the start-up log: what is on, never a secret.
    pub fn summary(&self) -> String {
        let on = |set: bool| if set { "on" } else { "off" };
        let scheme = |url: &str| url.split(':').next().unwrap_or("").to_string();
        format!(
            "bind={} https={} public_url={} retention={}s telegram={} ({}) discord={} ({}, gateway={}, http_interactions={}) store={} history={} api_auth={:?} signing_key={} max_memory={} limits={:?} web={:?}",
            self.bind,
            on(self.tls.is_some()),
            self.public_url,
            self.retention.as_secs(),
            on(self.telegram_token.is_some()),
            self.telegram_api_url,
            on(self.discord_token.is_some()),
            self.discord_api_url.as_deref().unwrap_or("discord.com"),
            on(self.discord_gateway),
            on(self.discord_public_key.is_some()),
            if self.redis_url.is_some() {
                "redis"
            } else {
                "memory"
            },
            scheme(&self.database_url),
            self.api_auth,
            if self.signing_key.is_some() {
                "configured"
            } else {
                "random"
            },
            self.max_memory,
            self.limits,
            self.web_bounds,
        )
    }
}

fn parse<T>(
    get: &impl Fn(&str) -> Option<String>,
    variable: &'static str,
    default: &str,
    read: impl Fn(&str) -> Result<T, String>,
) -> Result<T, ConfigError> {
    let value = get(variable).unwrap_or_else(|| default.to_string());
    read(value.trim()).map_err(|problem| ConfigError { variable, problem })
}

/// With Redis, every instance must sign links and seal values with the
/// same secret: a random one per start would reject the others' links and
/// leave the store's values unreadable to them.
fn shared_secret(secret: &Option<Secret>, variable: &'static str) -> Result<(), ConfigError> {
    match secret {
        Some(Secret(text)) if text.len() >= MIN_SECRET_BYTES => Ok(()),
        Some(_) => Err(ConfigError {
            variable,
            problem: format!(
                "must be at least {MIN_SECRET_BYTES} bytes (e.g. `openssl rand -hex 32`)"
            ),
        }),
        None => Err(ConfigError {
            variable,
            problem: format!(
                "must be set, at least {MIN_SECRET_BYTES} bytes and the same on every instance, when REDIS_URL is: it signs links and seals the shared store"
            ),
        }),
    }
}

/// HTTPS needs both files: a certificate without its key (or the other
/// way round) is a mistake, not a wish for plain HTTP.
fn tls(cert: Option<String>, key: Option<String>) -> Result<Option<crate::web::Tls>, ConfigError> {
    let missing = |variable, other| ConfigError {
        variable,
        problem: format!(
            "must be set too when {other} is: HTTPS needs the certificate and its private key, as PEM files"
        ),
    };
    match (cert, key) {
        (None, None) => Ok(None),
        (Some(_), None) => Err(missing("PIXDROP_TLS_KEY", "PIXDROP_TLS_CERT")),
        (None, Some(_)) => Err(missing("PIXDROP_TLS_CERT", "PIXDROP_TLS_KEY")),
        (Some(cert), Some(key)) => crate::web::Tls::from_pem_files(cert.trim(), key.trim())
            .map(Some)
            .map_err(|refused| ConfigError {
                variable: refused.variable,
                problem: refused.problem,
            }),
    }
}

fn switch(text: &str) -> bool {
    matches!(
        text.trim().to_ascii_lowercase().as_str(),
        "1" | "true" | "yes" | "on"
    )
}

/// An Ed25519 public key as the developer portal shows it: 64 hex digits.
fn public_key(text: &str) -> Result<[u8; 32], String> {
    let text = text.trim();
    let problem = || "expected the 64 hex digits the developer portal shows".to_string();
    if text.len() != 64 || !text.is_ascii() {
        return Err(problem());
    }
    let mut key = [0u8; 32];
    for (byte, pair) in key.iter_mut().zip(text.as_bytes().chunks(2)) {
        let pair = std::str::from_utf8(pair).map_err(|_| problem())?;
        *byte = u8::from_str_radix(pair, 16).map_err(|_| problem())?;
    }
    serenity::interactions_endpoint::Verifier::try_new(key).map_err(|e| e.to_string())?;
    Ok(key)
}

/// The presets of the TOML file at `path`, checked in full.
fn presets(path: &str) -> Result<Presets, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("can't read {path}: {e}"))?;
    Presets::with_file(&text).map_err(|e| format!("{path}: {e}"))
}

fn count(text: &str) -> Result<u64, String> {
    text.parse::<u64>()
        .ok()
        .filter(|n| *n > 0)
        .ok_or_else(|| format!("expected a positive whole number, got `{text}`"))
}

fn byte_count(text: &str) -> Result<u64, String> {
    text.parse::<ByteSize>().map(ByteSize::bytes)
}

fn some_bytes(text: &str) -> Result<u64, String> {
    match byte_count(text)? {
        0 => Err(format!(
            "expected a size above zero, like 128KiB, got `{text}`"
        )),
        bytes => Ok(bytes),
    }
}

/// `90s`, `15m`, `1h`, or plain seconds.
pub fn duration(text: &str) -> Result<Duration, String> {
    let bad = || format!("expected a duration like 90s, 15m or 1h, got `{text}`");
    let split = text
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(text.len());
    let (number, unit) = text.split_at(split);
    let number: u64 = number.parse().map_err(|_| bad())?;
    let seconds = match unit.trim() {
        "" | "s" => number,
        "m" | "min" => number.saturating_mul(60),
        "h" => number.saturating_mul(3600),
        _ => return Err(bad()),
    };
    if seconds == 0 {
        return Err(bad());
    }
    Ok(Duration::from_secs(seconds))
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use super::*;

    fn load(pairs: &[(&str, &str)]) -> Result<Config, ConfigError> {
        let map: HashMap<String, String> = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        Config::from_lookup(|name| map.get(name).cloned())
    }

    #[test]
    fn defaults_follow_the_contract() {
        let config = load(&[]).unwrap();
        assert_eq!(config.bind.to_string(), "127.0.0.1:8080");
        assert_eq!(config.public_url, "http://127.0.0.1:8080");
        assert_eq!(config.retention, Duration::from_secs(3600));
        assert_eq!(config.limits, Limits::default());
        assert_eq!(config.max_memory, 1_073_741_824);
        assert_eq!(config.database_url, "sqlite://pixdrop.db");
        assert!(config.telegram_token.is_none());
        assert_eq!(config.web_bounds, crate::web::Bounds::default());
    }

    #[test]
    fn web_bounds_read_durations_sizes_and_counts() {
        let config = load(&[
            ("PIXDROP_HEADER_TIMEOUT", "2s"),
            ("PIXDROP_BODY_TIMEOUT", "1m"),
            ("PIXDROP_BODY_MIN_RATE", "16KiB"),
            ("PIXDROP_WRITE_TIMEOUT", "5"),
            ("PIXDROP_MAX_CONNECTIONS", "3"),
        ])
        .unwrap();
        let bounds = config.web_bounds;
        assert_eq!(bounds.header_timeout, Duration::from_secs(2));
        assert_eq!(bounds.body_timeout, Duration::from_secs(60));
        assert_eq!(bounds.body_min_rate, 16 * 1024);
        assert_eq!(bounds.write_timeout, Duration::from_secs(5));
        assert_eq!(bounds.max_connections, 3);
        for (variable, value) in [
            ("PIXDROP_BODY_MIN_RATE", "0"),
            ("PIXDROP_MAX_CONNECTIONS", "0"),
            ("PIXDROP_HEADER_TIMEOUT", "soon"),
        ] {
            let err = load(&[(variable, value)]).unwrap_err();
            assert!(err.to_string().starts_with(variable), "{err}");
        }
    }

    #[test]
    fn retention_over_an_hour_is_refused_by_name() {
        let err = load(&[("PIXDROP_RETENTION", "61m")]).unwrap_err();
        assert!(err.to_string().starts_with("PIXDROP_RETENTION:"));
        assert_eq!(
            load(&[("PIXDROP_RETENTION", "90s")]).unwrap().retention,
            Duration::from_secs(90)
        );
        assert!(load(&[("PIXDROP_MAX_PIXELS", "lots")]).is_err());
    }

    #[test]
    fn discord_public_key_is_checked_and_gateway_off_needs_it() {
        let key = "67c6bd767ca099e79efac9fcce4d2022a63bf7dea780e7f3d813f694c1597089";
        let config = load(&[("DISCORD_PUBLIC_KEY", key), ("DISCORD_GATEWAY", "off")]).unwrap();
        assert_eq!(config.discord_public_key.map(|k| k[0]), Some(0x67));
        assert!(!config.discord_gateway);
        assert!(load(&[]).unwrap().discord_gateway);
        let short = load(&[("DISCORD_PUBLIC_KEY", "3d40")]).unwrap_err();
        assert!(
            short.to_string().starts_with("DISCORD_PUBLIC_KEY:"),
            "{short}"
        );
        let not_hex = load(&[("DISCORD_PUBLIC_KEY", &"zz".repeat(32))]).unwrap_err();
        assert!(not_hex.to_string().starts_with("DISCORD_PUBLIC_KEY:"));
        let alone = load(&[("DISCORD_GATEWAY", "off")]).unwrap_err();
        assert!(alone.to_string().starts_with("DISCORD_GATEWAY:"), "{alone}");
    }

    #[test]
    fn trusted_proxies_are_read_and_a_bad_entry_is_named() {
        assert!(load(&[]).unwrap().trusted_proxies.is_empty());
        let config = load(&[("PIXDROP_TRUSTED_PROXIES", "10.0.0.0/8, ::1")]).unwrap();
        assert!(!config.trusted_proxies.is_empty());
        let err = load(&[("PIXDROP_TRUSTED_PROXIES", "10.0.0.0/8,10.0.0.300")]).unwrap_err();
        let line = err.to_string();
        assert!(line.starts_with("PIXDROP_TRUSTED_PROXIES:"), "{line}");
        assert!(line.contains("`10.0.0.300`"), "{line}");
    }

    #[test]
    fn discord_shards_are_a_range_of_the_total() {
        assert_eq!(load(&[]).unwrap().discord_shards, None);
        let shards = load(&[("DISCORD_SHARDS", "0-3/8")]).unwrap().discord_shards;
        assert_eq!(shards.map(|s| (s.first, s.last, s.total)), Some((0, 3, 8)));
        let err = load(&[("DISCORD_SHARDS", "4-9/8")]).unwrap_err();
        assert!(err.to_string().starts_with("DISCORD_SHARDS: "), "{err}");
        assert_eq!(err.to_string().lines().count(), 1);
    }

    #[test]
    fn tls_needs_both_files_and_a_problem_names_its_setting() {
        let config = load(&[]).unwrap();
        assert!(config.tls.is_none());
        assert!(config.public_url.starts_with("http://"));
        let missing = "/nonexistent/pixdrop.pem";
        let alone = load(&[("PIXDROP_TLS_CERT", missing)]).unwrap_err();
        assert!(
            alone.to_string().starts_with("PIXDROP_TLS_KEY: "),
            "{alone}"
        );
        let alone = load(&[("PIXDROP_TLS_KEY", missing)]).unwrap_err();
        assert!(
            alone.to_string().starts_with("PIXDROP_TLS_CERT: "),
            "{alone}"
        );
        let both = [("PIXDROP_TLS_CERT", missing), ("PIXDROP_TLS_KEY", missing)];
        let unreadable = load(&both).unwrap_err().to_string();
        assert!(
            unreadable.starts_with("PIXDROP_TLS_CERT: can't read /nonexistent/pixdrop.pem"),
            "{unreadable}"
        );
    }

    #[test]
    fn tokens_never_show_in_debug_output() {
        let config = load(&[("TELEGRAM_TOKEN", "123:secret-token")]).unwrap();
        assert!(!format!("{config:?}").contains("secret-token"));
    }
}
