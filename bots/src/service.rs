//! The running service: builds the shared `Core` from `Config` (store,
//! sweeper, pool, link signer), starts the configured front ends, and on
//! SIGTERM or Ctrl-C drains them: nothing new is taken, work in flight
//! (conversion and delivery) finishes for up to `DRAIN`, then it returns.

use std::sync::Arc;
use std::time::Duration;

use pixdrop::Core;
use pixdrop::history::{History, Retention, UserHasher};
use pixdrop::links::Signer;
use pixdrop::pool::Pool;
use pixdrop::store::{MemoryStore, RedisStore, Store, memory};
use tokio::net::TcpListener;
use tokio::task::{JoinHandle, JoinSet};
use tokio::time::Instant;

use crate::config::Config;
use crate::download::Timeouts;
use crate::web::{self, AppState, RateLimit, TelegramHook};
use crate::{discord, telegram};

/// How often the in-memory store scans everything and forgets old
/// tombstones; each entry is dropped at its own deadline regardless.
const FULL_SWEEP_EVERY: Duration = Duration::from_secs(30);

/// Days records without a user (web, API) are kept.
pub const ANONYMOUS_HISTORY_DAYS: u64 = 30;

/// How long work in flight may go on after SIGTERM. Orchestrators wait
/// 30 s before they kill, so this leaves time to confirm and exit.
pub const DRAIN: Duration = Duration::from_secs(25);
/// Past `DRAIN`, for the front ends to wind down (the last Telegram offset
/// confirmation, the web server's last connections) before giving up.
const WIND_DOWN: Duration = Duration::from_secs(4);

pub async fn core(config: &Config) -> Result<Core, String> {
    let store = match config.redis_settings() {
        Some(settings) => Store::Redis(
            RedisStore::connect(settings)
                .await
                .map_err(|problem| format!("REDIS_URL: {problem}"))?,
        ),
        None => {
            let store = Arc::new(MemoryStore::new(config.max_memory, config.retention));
            memory::spawn_sweeper(store.clone(), FULL_SWEEP_EVERY);
            Store::Memory(store)
        }
    };
    let key = config.signing_key.as_ref().map(|k| k.0.as_bytes());
    let retention = Retention {
        user_days: config.history_days,
        anonymous_days: ANONYMOUS_HISTORY_DAYS,
    };
    let history = History::connect(&config.database_url, retention).await?;
    history.spawn_purger();
    let salt = match &config.history_salt {
        Some(salt) => salt.0.as_bytes().to_vec(),
        None => {
            tracing::warn!(
                "PIXDROP_HISTORY_SALT is unset: a random one is used, so users see only this run's history"
            );
            pixdrop::store::FileId::random().to_string().into_bytes()
        }
    };
    let held = store.clone();
    let pool = Pool::for_this_machine()
        .with_max_wait(config.max_wait)
        .with_budget(config.max_memory, move || held.held_bytes());
    Ok(Core::new(
        store,
        Signer::new(key, &config.public_url),
        UserHasher::new(&salt),
    )
    .with_pool(pool)
    .with_limits(config.limits)
    .with_retention(config.retention)
    .with_presets(config.presets.clone())
    .with_history(history))
}

pub async fn run(config: Config) -> Result<(), String> {
    tracing::info!(settings = %config.summary(), "starting");
    let core = core(&config).await?;
    let shared_pace = crate::cooldown::Shared::configured(&config).await?;
    let (stop, stopping) = tokio::sync::watch::channel(false);
    let stopped = move || {
        let mut stopping = stopping.clone();
        async move {
            let _ = stopping.wait_for(|stop| *stop).await;
        }
    };
    let listener = TcpListener::bind(config.bind)
        .await
        .map_err(|e| format!("PIXDROP_BIND: can't listen on {}: {e}", config.bind))?;
    tracing::info!(address = %config.bind, https = config.tls.is_some(), "web front end listening");
    let mut bots = JoinSet::new();
    let mut hook = None;
    if let Some(token) = &config.telegram_token {
        let webhook = config.telegram_webhook_url.as_ref().map(|base| {
            let key = config.signing_key.as_ref().map(|k| k.0.as_bytes());
            let secret = telegram::webhook_secret(&token.0, key);
            let (sender, updates) = tokio::sync::mpsc::channel(256);
            hook = Some(TelegramHook {
                secret: secret.clone(),
                updates: sender,
            });
            telegram::Webhook {
                url: format!("{}/telegram/{secret}", base.trim_end_matches('/')),
                secret,
                updates,
            }
        });
        let settings = telegram::Settings {
            token: token.0.clone(),
            api_url: config.telegram_api_url.clone(),
            download_limit: config.telegram_download_limit,
            upload_limit: config.telegram_upload_limit,
            album_wait: Duration::from_millis(1500),
            webhook,
            per_user_per_minute: config.user_rate_per_minute,
            shared_pace: shared_pace.clone(),
            download: Timeouts::default(),
            drain: DRAIN,
        };
        bots.spawn(telegram::run(settings, core.clone(), stopped()));
    }
    let mut endpoint = None;
    let mut discord_bot = None;
    if let Some(token) = &config.discord_token {
        let settings = discord::Settings {
            token: token.0.clone(),
            api_url: config.discord_api_url.clone(),
            guild_id: config.discord_guild_id,
            message_content: config.discord_message_content,
            per_user_per_minute: config.user_rate_per_minute,
            shared_pace: shared_pace.clone(),
            download: Timeouts::default(),
            drain: DRAIN,
            shards: config.discord_shards,
        };
        let bot = discord::Bot::new(settings, core.clone())?;
        discord_bot = Some(bot.clone());
        if let Some(key) = config.discord_public_key {
            endpoint = Some(discord::Endpoint::new(key, bot.clone())?);
        }
        if config.discord_gateway {
            bots.spawn(discord::connect(bot, stopped()));
        } else {
            tracing::info!("discord interactions over HTTP only (no gateway)");
            if let Err(error) = bot.register_commands().await {
                tracing::error!("{error}; commands registered before still work");
            }
        }
    }
    let state = AppState {
        core,
        rate: Arc::new(
            RateLimit::per_minute(config.rate_per_minute)
                .keyed(config.api_auth, config.key_rate_per_minute)
                .across(shared_pace.as_ref())
                .behind(config.trusted_proxies.clone()),
        ),
        telegram: hook,
        discord: endpoint,
    };
    let web = tokio::spawn(web::serve_within(
        listener,
        state,
        config.web_bounds,
        config.tls.clone(),
        stopped(),
    ));
    tokio::select! {
        () = shutdown_signal() => tracing::info!("shutting down: finishing work in flight"),
        Some(ended) = bots.join_next() => {
            if let Ok(Err(error)) = ended {
                tracing::error!("a front end stopped: {error}");
                let _ = stop.send(true);
                return Err(error);
            }
        }
    }
    let _ = stop.send(true);
    let deadline = Instant::now() + DRAIN;
    tokio::select! {
        drained = tokio::time::timeout_at(deadline + WIND_DOWN, drain(bots, web, discord_bot, deadline)) => {
            match drained {
                Ok(result) => result?,
                Err(_) => tracing::warn!("stopping with work still in flight: the drain time is up"),
            }
        }
        () = shutdown_signal() => tracing::warn!("asked again: stopping with work still in flight"),
    }
    tracing::info!("stopped");
    Ok(())
}

/// Waits for the front ends to finish what they took: each bot drains
/// itself, the web server finishes its requests, and then the Discord
/// interactions those requests answered get their edits.
async fn drain(
    mut bots: JoinSet<Result<(), String>>,
    web: JoinHandle<std::io::Result<()>>,
    discord: Option<Arc<discord::Bot>>,
    deadline: Instant,
) -> Result<(), String> {
    while let Some(ended) = bots.join_next().await {
        match ended {
            Ok(Ok(())) => {}
            Ok(Err(error)) => tracing::error!("a front end failed while stopping: {error}"),
            Err(error) => tracing::error!("a front end task failed: {error}"),
        }
    }
    let served = web
        .await
        .map_err(|e| format!("web server task failed: {e}"))?
        .map_err(|e| format!("web server stopped: {e}"));
    if let Some(bot) = discord {
        bot.finish(deadline).await;
    }
    served
}

/// Takes no new tasks on `work` and waits for those in flight until
/// `deadline`; false when time ran out first. Both bots drain this way.
pub async fn wait_for_tasks(work: &tokio_util::task::TaskTracker, deadline: Instant) -> bool {
    work.close();
    tokio::time::timeout_at(deadline, work.wait()).await.is_ok()
}

/// Resolves on SIGTERM or Ctrl-C.
pub async fn shutdown_signal() {
    let interrupt = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = interrupt => {}
        () = terminate => {}
    }
}
