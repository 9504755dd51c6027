//! The Telegram front end (teloxide-core over the Bot API at `api_url`, so a
//! self-hosted Bot API server or a test fake works the same). Long polling
//! feeds one worker per chat, so a chat's messages are answered in order
//! while other chats go on; conversions share the core's bounded pool.
//! Albums are gathered for `album_wait` before they are handled.

mod account;
mod chat;
mod media;
mod send;
mod words;

use std::collections::HashMap;
use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use pixdrop::Core;
use pixdrop::history::UserHash;
use teloxide::prelude::*;
use teloxide::types::{AllowedUpdate, BotCommand, ChatId, UpdateKind};
use tokio::sync::mpsc;

use crate::auto::AutoConvert;
use crate::cooldown::Cooldown;

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
    pace: Cooldown<UserHash>,
}

impl Context {
    /// The largest file to fetch: the Bot API's limit or our own, whichever is smaller.
    fn download_limit(&self) -> u64 {
        self.settings
            .download_limit
            .min(self.core.limits().max_input_bytes)
    }
}

/// How long a long poll may wait; the HTTP client gives up at 17 s.
const POLL_SECONDS: u32 = 10;
/// Updates waiting per chat before new ones are dropped with a log line.
const CHAT_QUEUE: usize = 64;

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
    let me = send::retrying(|| bot.get_me())
        .await
        .map_err(|e| format!("Telegram getMe failed: {e}"))?;
    let username = me.username.clone().unwrap_or_default();
    send::retrying(|| bot.set_my_commands(commands()))
        .await
        .map_err(|e| format!("Telegram setMyCommands failed: {e}"))?;
    let mut settings = settings;
    let hook = settings.webhook.take();
    match &hook {
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
    tracing::info!(webhook = hook.is_some(), "telegram bot connected");
    let pace = Cooldown::per_minute(settings.per_user_per_minute);
    let auto = AutoConvert::new(core.clone(), pixdrop::Platform::Telegram);
    let context = Arc::new(Context {
        bot,
        core,
        settings,
        username,
        auto,
        pace,
    });
    let updates = async move {
        match hook {
            Some(hook) => receive(context, hook.updates).await,
            None => poll(context).await,
        }
    };
    tokio::select! {
        () = updates => Ok(()),
        () = shutdown => {
            tracing::info!("telegram bot stopping");
            Ok(())
        }
    }
}

fn commands() -> Vec<BotCommand> {
    [
        ("convert", "Convert an image: /convert webp 80 1600"),
        ("compress", "Make it smaller: /compress 500KB"),
        ("resize", "Fit the long side: /resize 1600"),
        ("pdf", "Make a PDF of an image or an album"),
        ("info", "What is this image?"),
        ("formats", "What I read and write"),
        ("privacy", "What happens to your images"),
        ("history", "Your last conversions (/history off to stop)"),
        ("export", "Your history as a JSON file"),
        ("forget", "Erase your history"),
        ("auto", "Group admins: /auto webp or /auto off"),
        ("start", "Hello"),
        ("help", "How to use me"),
    ]
    .into_iter()
    .map(|(name, about)| BotCommand::new(name, about))
    .collect()
}

/// Hands updates posted to the webhook route to their chats' workers.
async fn receive(context: Arc<Context>, mut updates: mpsc::Receiver<Update>) {
    let mut workers = Workers::default();
    while let Some(update) = updates.recv().await {
        workers.dispatch(&context, update);
    }
}

/// One queue per chat with a live worker behind it.
#[derive(Default)]
struct Workers(HashMap<ChatId, mpsc::Sender<Update>>);

impl Workers {
    fn dispatch(&mut self, context: &Arc<Context>, update: Update) {
        let Some(chat) = chat_of(&update) else { return };
        self.0.retain(|_, worker| !worker.is_closed());
        let worker = self
            .0
            .entry(chat)
            .or_insert_with(|| chat::spawn_worker(context.clone(), CHAT_QUEUE));
        if worker.try_send(update).is_err() {
            tracing::warn!("telegram chat queue full; update dropped");
        }
    }
}

/// Long-polls for updates and hands each to its chat's worker.
async fn poll(context: Arc<Context>) {
    let mut offset = 0i32;
    let mut workers = Workers::default();
    loop {
        let request = context
            .bot
            .get_updates()
            .offset(offset)
            .timeout(POLL_SECONDS)
            .allowed_updates(vec![AllowedUpdate::Message, AllowedUpdate::CallbackQuery]);
        let updates = match send::retrying(|| request.clone()).await {
            Ok(updates) => updates,
            Err(error) => {
                tracing::warn!("telegram getUpdates failed: {error}");
                tokio::time::sleep(Duration::from_secs(2)).await;
                continue;
            }
        };
        for update in updates {
            offset = offset.max(update.id.as_offset());
            workers.dispatch(&context, update);
        }
    }
}

fn chat_of(update: &Update) -> Option<ChatId> {
    match &update.kind {
        UpdateKind::Message(message) => Some(message.chat.id),
        UpdateKind::CallbackQuery(query) => query.message.as_ref().map(|m| m.chat().id),
        _ => None,
    }
}
