//! The Discord front end (serenity): slash commands with an attachment
//! option, the "Convert image" message context menu, and channel drops where
//! an admin turned auto-convert on. Interactions arrive over the gateway, or
//! over HTTP at `/discord/interactions` when `DISCORD_PUBLIC_KEY` is set;
//! either way the first answer (a defer) comes before any download, so the
//! 3-second window is never missed, and errors come back as ephemeral
//! sentences. With `DISCORD_API_URL` every REST call goes to that base and
//! the gateway is whatever its `/gateway/bot` names.
//!
//! The gateway runs every shard Discord recommends in this process, or
//! only the range `DISCORD_SHARDS` names when shards are split across
//! processes; commands are registered from shard 0 alone.
//!
//! Every handler in flight is tracked (`Bot::work`), so a shutdown stops
//! the gateway first and then lets each finish: a deferred answer still
//! gets its edit.

mod account;
mod commands;
mod drop;
mod endpoint;
mod fetch;
mod interact;
mod language;
mod remove;
mod reply;
mod respond;
mod rest;
mod shards;

use std::future::Future;
use std::sync::{Arc, OnceLock};
use std::time::Duration;

use pixdrop::Core;
use serenity::all::{
    Context as Serenity, EventHandler, GatewayIntents, GuildId, Http, Interaction, Message, Ready,
    UserId,
};
use serenity::async_trait;
use serenity::http::HttpBuilder;
use tokio::time::Instant;
use tokio_util::task::TaskTracker;

pub use endpoint::{Endpoint, Refusal};
pub use shards::Shards;

use crate::auto::AutoConvert;
use crate::cooldown::Cooldown;
use crate::download::Timeouts;
use respond::Responder;
use rest::Rest;

#[derive(Debug, Clone)]
pub struct Settings {
    pub token: String,
    /// Replaces `https://discord.com` for every REST call; attachments are
    /// then also downloaded from this host.
    pub api_url: Option<String>,
    /// Also register the commands in this guild (they appear at once there).
    pub guild_id: Option<u64>,
    /// Ask for the privileged Message Content intent (channel drops need it).
    pub message_content: bool,
    /// Conversions per minute one user may start.
    pub per_user_per_minute: u32,
    /// With Redis: the users' buckets there, shared by every instance.
    pub shared_pace: Option<crate::cooldown::Shared>,
    /// How long an attachment download may go quiet, and take in all.
    pub download: Timeouts,
    /// How long handlers in flight may go on after shutdown is asked for.
    pub drain: Duration,
    /// The gateway shards this process runs; `None`: all that Discord
    /// recommends.
    pub shards: Option<Shards>,
}

/// Shared by every event, from the gateway or the HTTP endpoint.
pub struct Bot {
    core: Core,
    settings: Settings,
    /// Every REST call the handlers make (see `rest`).
    rest: Arc<Rest>,
    /// Channels whose images are converted as they are posted, and how.
    auto: AutoConvert,
    pace: Cooldown<u64>,
    downloads: reqwest::Client,
    /// The bot's own user id, from READY: mentions of it address the bot.
    own_id: OnceLock<UserId>,
    /// Handlers in flight, from the gateway or the HTTP endpoint.
    work: TaskTracker,
}

impl Bot {
    pub fn new(settings: Settings, core: Core) -> Result<Arc<Self>, String> {
        Ok(Arc::new(Self {
            rest: Arc::new(Rest::new(&settings.token, settings.api_url.as_deref())?),
            pace: Cooldown::per_minute(settings.per_user_per_minute)
                .across(settings.shared_pace.as_ref(), "discord")
                .counted(&core, pixdrop::Platform::Discord),
            auto: AutoConvert::new(core.clone(), pixdrop::Platform::Discord),
            core,
            settings,
            own_id: OnceLock::new(),
            // `download` bounds each transfer in time.
            downloads: reqwest::Client::builder()
                .connect_timeout(Duration::from_secs(10))
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .map_err(|e| format!("discord download client: {e}"))?,
            work: TaskTracker::new(),
        }))
    }

    /// Registers the commands over REST alone, for deployments that take
    /// interactions over HTTP without a gateway connection.
    pub async fn register_commands(&self) -> Result<(), String> {
        let application = self
            .rest
            .application()
            .await
            .map_err(|e| format!("discord application lookup: {e}"))?;
        self.register(application).await
    }

    async fn register(&self, application: serenity::all::ApplicationId) -> Result<(), String> {
        let guild = self.settings.guild_id.map(GuildId::new);
        commands::register(&self.rest, application, guild)
            .await
            .map_err(|e| format!("discord command registration: {e}"))
    }

    /// Takes no new work from the HTTP endpoint, and waits until every
    /// handler in flight is done (their edits and follow-ups sent) or
    /// `deadline` passes.
    pub async fn finish(&self, deadline: Instant) {
        if !crate::service::wait_for_tasks(&self.work, deadline).await {
            tracing::warn!(
                unfinished = self.work.len(),
                "discord: drain time is up with interactions still in flight"
            );
        }
    }
}

fn http(settings: &Settings) -> Http {
    let mut http = HttpBuilder::new(&settings.token);
    if let Some(base) = &settings.api_url {
        http = http
            .proxy(base.trim_end_matches('/'))
            .ratelimiter_disabled(true);
    }
    http.build()
}

struct Handler(Arc<Bot>);

#[async_trait]
impl EventHandler for Handler {
    async fn ready(&self, _: Serenity, ready: Ready) {
        tracing::info!(guilds = ready.guilds.len(), "discord bot connected");
        let _ = self.0.own_id.set(ready.user.id);
        // Every shard gets a READY; split processes register once.
        if ready.shard.is_some_and(|shard| shard.id.0 != 0) {
            return;
        }
        if let Err(error) = self.0.register(ready.application.id).await {
            tracing::error!("{error}");
        }
    }

    async fn interaction_create(&self, _: Serenity, interaction: Interaction) {
        let _working = self.0.work.token();
        let to = Responder::over_rest(self.0.rest.clone());
        interact::handle(&self.0, &to, interaction).await;
    }

    async fn message(&self, ctx: Serenity, message: Message) {
        let _working = self.0.work.token();
        drop::posted(&self.0, &ctx.http, &message).await;
    }
}

/// Connects `settings`' bot to the gateway until `shutdown` resolves.
pub async fn run(
    settings: Settings,
    core: Core,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> Result<(), String> {
    connect(Bot::new(settings, core)?, shutdown).await
}

/// Connects `bot` to the gateway (its shards, or as many as Discord
/// recommends) until `shutdown` resolves,
/// then closes the gateway (no new events) and lets the handlers in flight
/// finish for up to the drain time.
pub async fn connect(
    bot: Arc<Bot>,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> Result<(), String> {
    let mut intents =
        GatewayIntents::GUILDS | GatewayIntents::GUILD_MESSAGES | GatewayIntents::DIRECT_MESSAGES;
    if bot.settings.message_content {
        intents |= GatewayIntents::MESSAGE_CONTENT;
    }
    let mut client = serenity::client::ClientBuilder::new_with_http(http(&bot.settings), intents)
        .event_handler(Handler(bot.clone()))
        .await
        .map_err(|e| format!("discord client: {e}"))?;
    let shards = client.shard_manager.clone();
    tokio::spawn(async move {
        shutdown.await;
        tracing::info!("discord bot stopping: finishing interactions in flight");
        shards.shutdown_all().await;
    });
    let started = match bot.settings.shards {
        // serenity 0.12 runs `range.start..=range.end` here: both ends are
        // included, as in `DISCORD_SHARDS` (the tests check it).
        Some(shards) => {
            tracing::info!(%shards, "discord gateway: running a range of shards");
            let range = shards.first..shards.last;
            client.start_shard_range(range, shards.total).await
        }
        None => client.start_autosharded().await,
    };
    let ended = started.map_err(|e| format!("discord gateway: {e}"));
    bot.finish(Instant::now() + bot.settings.drain).await;
    ended
}
