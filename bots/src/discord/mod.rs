//! The Discord front end (serenity): slash commands with an attachment
//! option, the "Convert image" message context menu, and channel drops where
//! an admin turned auto-convert on. Every interaction is deferred before any
//! download, so the 3-second window is never missed; errors come back as
//! ephemeral sentences. With `DISCORD_API_URL` every REST call goes to that
//! base and the gateway is whatever its `/gateway/bot` names.

mod commands;
mod fetch;
mod interact;
mod reply;

use std::future::Future;
use std::sync::Arc;

use pixdrop::Core;
use serenity::all::{
    Context as Serenity, EventHandler, GatewayIntents, GuildId, Interaction, Message, Ready,
};
use serenity::async_trait;
use serenity::http::HttpBuilder;

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
}

/// Shared by every event.
pub(crate) struct Bot {
    core: Core,
    settings: Settings,
    /// Channels whose images are converted as they are posted, and how.
    auto: dashmap::DashMap<u64, Vec<String>>,
    downloads: reqwest::Client,
}

struct Handler(Arc<Bot>);

#[async_trait]
impl EventHandler for Handler {
    async fn ready(&self, ctx: Serenity, ready: Ready) {
        tracing::info!(guilds = ready.guilds.len(), "discord bot connected");
        let guild = self.0.settings.guild_id.map(GuildId::new);
        if let Err(error) = commands::register(&ctx.http, guild).await {
            tracing::error!("discord command registration failed: {error}");
        }
    }

    async fn interaction_create(&self, ctx: Serenity, interaction: Interaction) {
        interact::handle(&self.0, &ctx, interaction).await;
    }

    async fn message(&self, ctx: Serenity, message: Message) {
        interact::channel_drop(&self.0, &ctx, &message).await;
    }
}

pub async fn run(
    settings: Settings,
    core: Core,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> Result<(), String> {
    let mut http = HttpBuilder::new(&settings.token);
    if let Some(base) = &settings.api_url {
        http = http
            .proxy(base.trim_end_matches('/'))
            .ratelimiter_disabled(true);
    }
    let mut intents =
        GatewayIntents::GUILDS | GatewayIntents::GUILD_MESSAGES | GatewayIntents::DIRECT_MESSAGES;
    if settings.message_content {
        intents |= GatewayIntents::MESSAGE_CONTENT;
    }
    let bot = Arc::new(Bot {
        core,
        settings,
        auto: dashmap::DashMap::new(),
        downloads: reqwest::Client::builder()
            .timeout(std::time::Duration::from_secs(60))
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .map_err(|e| format!("discord download client: {e}"))?,
    });
    let mut client = serenity::client::ClientBuilder::new_with_http(http.build(), intents)
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
