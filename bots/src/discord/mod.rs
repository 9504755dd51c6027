//! The Discord front end (serenity): slash commands with an attachment
//! option, the "Convert image" message context menu, and channel drops where
//! an admin turned auto-convert on. Interactions arrive over the gateway, or
//! over HTTP at `/discord/interactions` when `DISCORD_PUBLIC_KEY` is set;
//! either way the first answer (a defer) comes before any download, so the
//! 3-second window is never missed, and errors come back as ephemeral
//! sentences. With `DISCORD_API_URL` every REST call goes to that base and
//! the gateway is whatever its `/gateway/bot` names.

mod account;
mod commands;
mod drop;
mod endpoint;
mod fetch;
mod interact;
mod reply;
mod respond;

use std::future::Future;
use std::sync::{Arc, OnceLock};

use pixdrop::Core;
use pixdrop::history::UserHash;
use serenity::all::{
    Context as Serenity, EventHandler, GatewayIntents, GuildId, Http, Interaction, Message, Ready,
    UserId,
};
use serenity::async_trait;
use serenity::http::HttpBuilder;

pub use endpoint::{Endpoint, Refusal};

use crate::auto::AutoConvert;
use crate::cooldown::Cooldown;
use respond::Responder;

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
}

/// Shared by every event, from the gateway or the HTTP endpoint.
pub struct Bot {
    core: Core,
    settings: Settings,
    /// REST client for interactions that arrive over HTTP.
    http: Arc<Http>,
    /// Channels whose images are converted as they are posted, and how.
    auto: AutoConvert,
    pace: Cooldown<UserHash>,
    downloads: reqwest::Client,
    /// The bot's own user id, from READY: mentions of it address the bot.
    own_id: OnceLock<UserId>,
}

impl Bot {
    pub fn new(settings: Settings, core: Core) -> Result<Arc<Self>, String> {
        Ok(Arc::new(Self {
            http: Arc::new(http(&settings)),
            pace: Cooldown::per_minute(settings.per_user_per_minute),
            auto: AutoConvert::new(core.clone(), pixdrop::Platform::Discord),
            core,
            settings,
            own_id: OnceLock::new(),
            downloads: reqwest::Client::builder()
                .timeout(std::time::Duration::from_secs(60))
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .map_err(|e| format!("discord download client: {e}"))?,
        }))
    }

    /// Registers the commands over REST alone, for deployments that take
    /// interactions over HTTP without a gateway connection.
    pub async fn register_commands(&self) -> Result<(), String> {
        let application = reply::retrying(|| self.http.get_current_application_info())
            .await
            .map_err(|e| format!("discord application lookup: {e}"))?;
        self.http.set_application_id(application.id);
        commands::register(&self.http, self.settings.guild_id.map(GuildId::new))
            .await
            .map_err(|e| format!("discord command registration: {e}"))
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
    async fn ready(&self, ctx: Serenity, ready: Ready) {
        tracing::info!(guilds = ready.guilds.len(), "discord bot connected");
        let _ = self.0.own_id.set(ready.user.id);
        let guild = self.0.settings.guild_id.map(GuildId::new);
        if let Err(error) = commands::register(&ctx.http, guild).await {
            tracing::error!("discord command registration failed: {error}");
        }
    }

    async fn interaction_create(&self, ctx: Serenity, interaction: Interaction) {
        let to = Responder::over_rest(ctx.http.clone());
        interact::handle(&self.0, &to, interaction).await;
    }

    async fn message(&self, ctx: Serenity, message: Message) {
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

/// Connects `bot` to the gateway (autosharded) until `shutdown` resolves.
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
        .event_handler(Handler(bot))
        .await
        .map_err(|e| format!("discord client: {e}"))?;
    let shards = client.shard_manager.clone();
    tokio::spawn(async move {
        shutdown.await;
        tracing::info!("discord bot stopping");
        shards.shutdown_all().await;
    });
    client
        .start_autosharded()
        .await
        .map_err(|e| format!("discord gateway: {e}"))
}
