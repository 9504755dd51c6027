//! Interactions over HTTP (`DISCORD_PUBLIC_KEY`): Discord POSTs each
//! interaction, signed with Ed25519, to `/discord/interactions`. The
//! signature and its timestamp are checked, a PING gets a PONG, and anything
//! else goes to the same handlers the gateway feeds: their first answer
//! becomes the HTTP response, everything after it goes over REST.

use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde_json::{Value, json};
use serenity::all::Interaction;
use serenity::interactions_endpoint::Verifier;

use super::respond::Responder;
use super::{Bot, interact};

/// Discord waits 3 s for the HTTP answer; handlers answer before any download.
const ANSWER_WITHIN: Duration = Duration::from_millis(2500);
/// Signed requests older or newer than this are replays or broken clocks.
const CLOCK_SKEW_SECONDS: u64 = 300;
const PONG: u64 = 1;
const EPHEMERAL: u64 = 1 << 6;

#[derive(Clone)]
pub struct Endpoint {
    verifier: Verifier,
    bot: Arc<Bot>,
}

/// Why a request was not answered.
#[derive(Debug, PartialEq, Eq)]
pub enum Refusal {
    /// Bad or missing signature, or a stale timestamp: 401.
    Unsigned,
    /// Signed, but not an interaction serenity can read: 400.
    Malformed,
}

impl Endpoint {
    pub fn new(public_key: [u8; 32], bot: Arc<Bot>) -> Result<Self, String> {
        let verifier =
            Verifier::try_new(public_key).map_err(|e| format!("DISCORD_PUBLIC_KEY: {e}"))?;
        Ok(Self { verifier, bot })
    }

    /// Checks the headers `X-Signature-Ed25519` and `X-Signature-Timestamp`
    /// against the raw body, and that the timestamp is recent.
    pub fn verify(&self, signature: &str, timestamp: &str, body: &[u8]) -> Result<(), Refusal> {
        let now = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_secs());
        let fresh = timestamp
            .parse::<u64>()
            .is_ok_and(|sent| sent.abs_diff(now) <= CLOCK_SKEW_SECONDS);
        if !fresh {
            return Err(Refusal::Unsigned);
        }
        self.verifier
            .verify(signature, timestamp, body)
            .map_err(|()| Refusal::Unsigned)
    }

    /// The JSON body to answer a verified request with.
    pub async fn answer(&self, body: &[u8]) -> Result<Value, Refusal> {
        let interaction: Interaction = serde_json::from_slice(body).map_err(|error| {
            // The message may quote a value (a file name), so only where it failed.
            tracing::warn!(
                line = error.line(),
                column = error.column(),
                "discord interaction not readable"
            );
            Refusal::Malformed
        })?;
        if matches!(interaction, Interaction::Ping(_)) {
            return Ok(json!({ "type": PONG }));
        }
        let lang = super::language::of_interaction(&interaction);
        let (responder, first) = Responder::inline(self.bot.rest.clone());
        let bot = self.bot.clone();
        // Tracked: the edit after this answer must still go out on shutdown.
        self.bot
            .work
            .spawn(async move { interact::handle(&bot, &responder, interaction).await });
        match tokio::time::timeout(ANSWER_WITHIN, first).await {
            Ok(Ok(response)) => serde_json::to_value(&response).map_err(|error| {
                tracing::error!("discord answer not serializable: {error}");
                Refusal::Malformed
            }),
            _ => Ok(json!({
                "type": 4,
                "data": { "content": crate::texts::not_in_time(lang), "flags": EPHEMERAL },
            })),
        }
    }
}
