//! The Telegram front end (teloxide-core over the Bot API at `api_url`, so a
//! self-hosted Bot API server or a test fake works the same). Long polling
//! (or the webhook route) feeds one worker per chat, so a chat's messages
//! are answered in order while other chats go on; conversions share the
//! core's bounded pool. Albums are gathered until no part has come for
//! `album_wait`, across instances when the store is shared (`album`).
//!
//! On shutdown it drains: no new updates are taken, every chat worker
//! finishes what it took (conversion and delivery) for up to `drain`, and
//! in polling mode the offset is then confirmed only up to the first update
//! not handled (`offset`), so a restart answers nothing twice.

mod account;
mod album;
mod answer;
mod chat;
mod media;
mod offset;
mod remove;
mod send;
mod words;

use std::collections::HashMap;
use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use pixdrop::{Core, Lang};
use teloxide::prelude::*;
use teloxide::types::{AllowedUpdate, BotCommand, ChatId, UpdateKind};
use tokio::sync::mpsc;
use tokio::time::Instant;
use tokio_util::task::TaskTracker;

use crate::auto::AutoConvert;
use crate::cooldown::Cooldown;
use crate::download::{Download, Timeouts};
use offset::{Ledger, Queued};

/// What the adapter needs beyond the core.
#[derive(Debug)]
pub struct Settings {
    pub token: String,
    pub api_url: String,
    /// Largest file the Bot API lets us download (20 MB on the public API).
    pub download_limit: u64,
    /// Largest file we may upload (50 MB on the public API); larger results go out as links.
    pub upload_limit: u64,
    /// How long to wait for the rest of an album.
    pub album_wait: Duration,
    /// Webhook mode: updates arrive through the web server instead of long polling.
    pub webhook: Option<Webhook>,
    /// Conversions per minute one user may start.
    pub per_user_per_minute: u32,
    /// With Redis: the users' buckets there, shared by every instance.
    pub shared_pace: Option<crate::cooldown::Shared>,
    /// How long a file download may go quiet, and take in all.
    pub download: Timeouts,
    /// How long work in flight may go on after shutdown is asked for.
    pub drain: Duration,
}

/// Where Telegram should post updates, and the queue the web route feeds.
#[derive(Debug)]
pub struct Webhook {
    /// The public URL of the web route, secret path included.
    pub url: String,
    /// Also sent by Telegram in `X-Telegram-Bot-Api-Secret-Token`.
    pub secret: String,
    pub updates: mpsc::Receiver<Update>,
}

/// Shared by every chat worker.
struct Context {
    bot: Bot,
    core: Core,
    settings: Settings,
    username: String,
    /// Groups that asked for automatic conversion, and to what.
    auto: AutoConvert,
    pace: Cooldown<u64>,
    /// For file downloads, which `download` bounds in time (the Bot API
    /// client gives up on any request after 17 s).
    downloads: reqwest::Client,
}

impl Context {
    /// The largest file to fetch: the Bot API's limit or our own, whichever is smaller.
    fn download_limit(&self) -> u64 {
        self.settings
            .download_limit
            .min(self.core.limits().max_input_bytes)
    }

    /// A download capped at `limit` bytes, within the configured timeouts.
    fn download(&self, limit: u64) -> Download {
        Download {
            limit,
            timeouts: self.settings.download,
        }
    }
}

/// The webhook's secret, in its path and in Telegram's secret header.
/// Derived from the bot token under the signing key, so every instance
/// behind one URL sets the same one (each `setWebhook` replaces the last);
/// random per start when no signing key is set.
pub fn webhook_secret(token: &str, signing_key: Option<&[u8]>) -> String {
    match signing_key {
        Some(key) => pixdrop::links::derive(key, "telegram webhook", token.as_bytes()),
        None => pixdrop::store::FileId::random().to_string(),
    }
}

/// How long a long poll may wait; the HTTP client gives up at 17 s.
const POLL_SECONDS: u32 = 10;
/// Updates waiting per chat before new ones are dropped with a log line.
const CHAT_QUEUE: usize = 64;
/// How long the last confirmation of the offset may take at shutdown.
const CONFIRM_WITHIN: Duration = Duration::from_secs(3);

pub async fn run(
    settings: Settings,
    core: Core,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> Result<(), String> {
    let url = settings
        .api_url
        .parse()
        .map_err(|e| format!("TELEGRAM_API_URL: {e}"))?;
    let bot = Bot::new(&settings.token).set_api_url(url);
    let mut settings = settings;
    let hook = settings.webhook.take();
    let username = introduce(&bot, hook.as_ref()).await?;
    tracing::info!(webhook = hook.is_some(), "telegram bot connected");
    let pace = Cooldown::per_minute(settings.per_user_per_minute)
        .across(settings.shared_pace.as_ref(), "telegram")
        .counted(&core, pixdrop::Platform::Telegram);
    let auto = AutoConvert::new(core.clone(), pixdrop::Platform::Telegram);
    let downloads = reqwest::Client::builder()
        .connect_timeout(Duration::from_secs(5))
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .map_err(|e| format!("telegram download client: {e}"))?;
    let context = Arc::new(Context {
        bot,
        core,
        settings,
        username,
        auto,
        pace,
        downloads,
    });
    let drain = context.settings.drain;
    let mut workers = Workers::new(context.clone());
    match hook {
        Some(hook) => {
            let deadline = receive(&mut workers, hook.updates, shutdown, drain).await;
            workers.finish(deadline).await;
        }
        None => {
            poll(&context, &mut workers, shutdown).await;
            let ledger = workers.finish(Instant::now() + drain).await;
            confirm(&context.bot, ledger.confirmable()).await;
        }
    }
    tracing::info!("telegram bot stopped");
    Ok(())
}

/// Introduces the bot to Telegram (its commands, and where updates should
/// go) and returns its username.
async fn introduce(bot: &Bot, hook: Option<&Webhook>) -> Result<String, String> {
    let me = send::retrying(|| bot.get_me())
        .await
        .map_err(|e| format!("Telegram getMe failed: {e}"))?;
    send::retrying(|| bot.set_my_commands(commands(Lang::En)))
        .await
        .map_err(|e| format!("Telegram setMyCommands failed: {e}"))?;
    // The menu in the other languages is a courtesy: without it users see English.
    for lang in Lang::ALL.into_iter().filter(|&l| l != Lang::En) {
        let localized = send::retrying(|| {
            bot.set_my_commands(commands(lang))
                .language_code(lang.code())
        })
        .await;
        if let Err(error) = localized {
            tracing::warn!(lang = lang.code(), "telegram setMyCommands failed: {error}");
        }
    }
    match hook {
        Some(hook) => {
            let url: url::Url = hook
                .url
                .parse()
                .map_err(|e| format!("TELEGRAM_WEBHOOK_URL: {e}"))?;
            send::retrying(|| {
                bot.set_webhook(url.clone())
                    .secret_token(hook.secret.clone())
            })
            .await
            .map_err(|e| format!("Telegram setWebhook failed: {e}"))?;
        }
        None => {
            let webhook = send::retrying(|| bot.get_webhook_info()).await;
            if webhook.is_ok_and(|info| info.url.is_some()) {
                let _ = send::retrying(|| bot.delete_webhook()).await;
            }
        }
    }
    Ok(me.username.clone().unwrap_or_default())
}

/// The command menu, described in `lang` (`tg-NAME` in `bots.ftl`).
fn commands(lang: Lang) -> Vec<BotCommand> {
    [
        "convert", "compress", "resize", "pdf", "info", "formats", "privacy", "history", "export",
        "forget", "auto", "start", "help",
    ]
    .into_iter()
    .map(|name| BotCommand::new(name, crate::texts::say(lang, &format!("tg-{name}"), &[])))
    .collect()
}

/// Hands updates posted to the webhook route to their chats' workers. After
/// `shutdown` the web server still finishes the requests it took, so the
/// queue is read until it closes or the drain time is up; returns when the
/// drain must end.
async fn receive(
    workers: &mut Workers,
    mut updates: mpsc::Receiver<Update>,
    shutdown: impl Future<Output = ()>,
    drain: Duration,
) -> Instant {
    let mut shutdown = std::pin::pin!(shutdown);
    loop {
        tokio::select! {
            update = updates.recv() => match update {
                Some(update) => workers.dispatch(update),
                None => break,
            },
            () = &mut shutdown => break,
        }
    }
    tracing::info!("telegram bot stopping: finishing updates in flight");
    let deadline = Instant::now() + drain;
    let rest = async {
        while let Some(update) = updates.recv().await {
            workers.dispatch(update);
        }
    };
    let _ = tokio::time::timeout_at(deadline, rest).await;
    deadline
}

/// Long-polls for updates and hands each to its chat's worker, until
/// `shutdown`. A poll still open then is dropped: what it would have
/// brought was never confirmed, so Telegram keeps it for the next start.
async fn poll(context: &Context, workers: &mut Workers, shutdown: impl Future<Output = ()>) {
    let mut shutdown = std::pin::pin!(shutdown);
    let mut offset = 0i32;
    loop {
        let request = context
            .bot
            .get_updates()
            .offset(offset)
            .timeout(POLL_SECONDS)
            .allowed_updates(vec![AllowedUpdate::Message, AllowedUpdate::CallbackQuery]);
        let polled = tokio::select! {
            biased;
            () = &mut shutdown => break,
            polled = send::retrying(|| request.clone()) => polled,
        };
        match polled {
            Ok(updates) => {
                for update in updates {
                    offset = offset.max(update.id.as_offset());
                    workers.dispatch(update);
                }
            }
            Err(error) => {
                tracing::warn!("telegram getUpdates failed: {error}");
                tokio::select! {
                    () = &mut shutdown => break,
                    () = tokio::time::sleep(Duration::from_secs(2)) => {}
                }
            }
        }
    }
    tracing::info!("telegram bot stopping: finishing updates in flight");
}

/// Tells Telegram it may forget every update below `offset`. Updates at or
/// past it (not handled before the drain ended) come again after a restart.
async fn confirm(bot: &Bot, offset: i32) {
    if offset <= 0 {
        return;
    }
    let request = bot.get_updates().offset(offset).timeout(0).limit(1);
    match tokio::time::timeout(CONFIRM_WITHIN, request.send()).await {
        Ok(Ok(_)) => {}
        Ok(Err(error)) => tracing::warn!("telegram: last offset not confirmed: {error}"),
        Err(_) => tracing::warn!("telegram: last offset not confirmed in time"),
    }
}

/// One queue per chat with a live worker behind it, and the ledger of
/// what those workers have been given and finished.
struct Workers {
    context: Arc<Context>,
    queues: HashMap<ChatId, mpsc::Sender<Queued>>,
    /// Every chat worker, so the drain can wait for them.
    running: TaskTracker,
    ledger: Ledger,
}

impl Workers {
    fn new(context: Arc<Context>) -> Self {
        Self {
            context,
            queues: HashMap::new(),
            running: TaskTracker::new(),
            ledger: Ledger::default(),
        }
    }

    fn dispatch(&mut self, update: Update) {
        let queued = self.ledger.take(update);
        let Some(chat) = chat_of(&queued.update) else {
            return;
        };
        self.queues.retain(|_, worker| !worker.is_closed());
        let worker = self
            .queues
            .entry(chat)
            .or_insert_with(|| chat::spawn_worker(self.context.clone(), CHAT_QUEUE, &self.running));
        if worker.try_send(queued).is_err() {
            tracing::warn!("telegram chat queue full; update dropped");
        }
    }

    /// Closes every chat's queue, so each worker ends once it has handled
    /// what it was given, and waits for that until `deadline`.
    async fn finish(mut self, deadline: Instant) -> Ledger {
        self.queues.clear();
        if !crate::service::wait_for_tasks(&self.running, deadline).await {
            tracing::warn!(
                unfinished = self.ledger.open(),
                "telegram: drain time is up with updates still in flight"
            );
        }
        self.ledger
    }
}

fn chat_of(update: &Update) -> Option<ChatId> {
    match &update.kind {
        UpdateKind::Message(message) => Some(message.chat.id),
        UpdateKind::CallbackQuery(query) => query.message.as_ref().map(|m| m.chat().id),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::webhook_secret;

    #[test]
    fn the_webhook_secret_is_shared_with_a_signing_key_and_random_without() {
        let key = Some(&b"a signing key of thirty-two bytes!"[..]);
        let secret = webhook_secret("123:token", key);
        assert_eq!(secret, webhook_secret("123:token", key));
        assert_ne!(secret, webhook_secret("456:token", key));
        assert!(!secret.contains("token"));
        let allowed = |c: char| c.is_ascii_alphanumeric() || c == '_' || c == '-';
        assert!((1..=256).contains(&secret.len()) && secret.chars().all(allowed));
        assert_ne!(
            webhook_secret("123:token", None),
            webhook_secret("123:token", None)
        );
    }
}
