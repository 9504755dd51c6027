//! Discord's side of an interactions endpoint: it signs each interaction
//! with the application's Ed25519 key (over timestamp + body, hex in
//! `X-Signature-Ed25519`, unix seconds in `X-Signature-Timestamp`), POSTs
//! it, and takes a 200 JSON answer as the interaction's initial response,
//! held to the same rules as the callback route. The key is fixed, so a
//! test can give the bot `public_key()`.

use ed25519_dalek::{Signer, SigningKey};
use serde_json::Value;
use tokio::time::Instant;

use super::{FakeDiscord, answers};

const SEED: [u8; 32] = [0x5a; 32];

/// What one delivery came to.
#[derive(Debug)]
pub struct Delivery {
    pub status: u16,
    /// The endpoint's answer, parsed when it was JSON.
    pub answer: Value,
    /// The error Discord would have given the answer as an initial
    /// response (`None`: accepted, or nothing to apply).
    pub rejected: Option<Value>,
}

fn key() -> SigningKey {
    SigningKey::from_bytes(&SEED)
}

impl FakeDiscord {
    /// A PING, as Discord sends when the endpoint URL is saved.
    pub fn ping(&self) -> Value {
        let mut state = self.shared.lock();
        let id = state.next_id();
        let token = format!("aW50ZXJhY3Rpb246cGluZw{id:x}");
        super::payloads::interaction(id, &token, 1, super::CHANNEL_ID, Value::Null, 0, None)
    }

    /// The application's public key as the developer portal shows it.
    pub fn public_key(&self) -> String {
        hex(&key().verifying_key().to_bytes())
    }

    /// The `X-Signature-Ed25519` value for `timestamp` and `body`.
    pub fn sign(&self, timestamp: &str, body: &[u8]) -> String {
        let message = [timestamp.as_bytes(), body].concat();
        hex(&key().sign(&message).to_bytes())
    }

    /// POSTs `interaction` (built by this fake) to `endpoint`, signed now,
    /// and applies a 200 answer as its initial response.
    pub async fn deliver(&self, endpoint: &str, interaction: &Value) -> Delivery {
        let body = serde_json::to_vec(interaction).expect("serializable interaction");
        let timestamp = (super::payloads::now_ms() / 1000).to_string();
        let signature = self.sign(&timestamp, &body);
        if let Some(token) = interaction["token"].as_str()
            && let Some(stored) = self.shared.lock().interactions.get_mut(token)
        {
            stored.dispatched = Some(Instant::now());
        }
        let (status, answer) = self.post(endpoint, body, &timestamp, &signature).await;
        let rejected = match (
            status,
            interaction["id"].as_str(),
            interaction["token"].as_str(),
        ) {
            (200, Some(id), Some(token)) if interaction["type"].as_u64() != Some(1) => {
                let reply = answers::callback(&mut self.shared.lock(), id, token, &answer, &[]);
                (reply.status >= 400).then(|| reply.body_json())
            }
            _ => None,
        };
        self.shared.bump();
        Delivery {
            status,
            answer,
            rejected,
        }
    }

    /// POSTs `body` with the given signature headers, as an attacker or a
    /// broken proxy might; returns the status and the parsed answer.
    pub async fn post(
        &self,
        endpoint: &str,
        body: Vec<u8>,
        timestamp: &str,
        signature: &str,
    ) -> (u16, Value) {
        let response = reqwest::Client::new()
            .post(endpoint)
            .header("content-type", "application/json")
            .header("x-signature-ed25519", signature)
            .header("x-signature-timestamp", timestamp)
            .body(body)
            .send()
            .await
            .expect("the endpoint answers");
        let status = response.status().as_u16();
        let text = response.text().await.unwrap_or_default();
        (
            status,
            serde_json::from_str(&text).unwrap_or(Value::String(text)),
        )
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}
