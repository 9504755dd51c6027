//! Interactions over HTTP: the fake plays Discord's side of the
//! interactions endpoint (Ed25519-signed POSTs) against the real web
//! router with the Discord endpoint mounted, and no gateway connection.

use std::net::SocketAddr;

use pixdrop_bots::web::{self, AppState, RateLimit};
use tokio::net::TcpListener;

use super::*;

/// The web front end with only the HTTP interactions endpoint for Discord.
pub(crate) struct Served {
    pub(crate) fake: FakeDiscord,
    pub(crate) url: String,
    /// The bot behind the endpoint, for tests that stop it.
    pub(crate) bot: Arc<discord::Bot>,
    server: JoinHandle<std::io::Result<()>>,
}

impl Drop for Served {
    fn drop(&mut self) {
        self.server.abort();
    }
}

fn key_bytes(hex: &str) -> [u8; 32] {
    let mut key = [0u8; 32];
    for (byte, pair) in key.iter_mut().zip(hex.as_bytes().chunks(2)) {
        *byte = u8::from_str_radix(std::str::from_utf8(pair).unwrap(), 16).unwrap();
    }
    key
}

pub(crate) async fn serve() -> Served {
    let fake = FakeDiscord::start().await;
    let core = core();
    let bot = discord::Bot::new(settings(&fake, 600), core.clone()).unwrap();
    bot.register_commands().await.unwrap();
    let endpoint = discord::Endpoint::new(key_bytes(&fake.public_key()), bot.clone()).unwrap();
    let state = AppState {
        core,
        rate: Arc::new(RateLimit::per_minute(600)),
        telegram: None,
        discord: Some(endpoint),
    };
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address: SocketAddr = listener.local_addr().unwrap();
    let server = tokio::spawn(web::serve(listener, state, std::future::pending()));
    Served {
        fake,
        url: format!("http://{address}/discord/interactions"),
        bot,
        server,
    }
}

fn now() -> u64 {
    discord_fake::payloads::now_ms() / 1000
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn endpoint_registers_over_rest_and_answers_only_signed_requests() {
    let served = serve().await;
    let fake = &served.fake;
    assert!(fake.calls().iter().any(registration), "{}", fake.dump());
    assert_eq!(fake.connections(), 0, "no gateway connection");

    let ping = fake.ping();
    let pong = fake.deliver(&served.url, &ping).await;
    assert_eq!((pong.status, pong.answer["type"].as_u64()), (200, Some(1)));

    let body = serde_json::to_vec(&ping).unwrap();
    let stamp = now().to_string();
    let signature = fake.sign(&stamp, &body);
    let mut tampered = body.clone();
    tampered.extend_from_slice(b" ");
    let (status, _) = fake.post(&served.url, tampered, &stamp, &signature).await;
    assert_eq!(status, 401, "a changed body fails the signature");
    let stale = (now() - 3600).to_string();
    let stale_signature = fake.sign(&stale, &body);
    let (status, _) = fake
        .post(&served.url, body.clone(), &stale, &stale_signature)
        .await;
    assert_eq!(status, 401, "an hour-old signature is a replay");
    let (status, _) = fake.post(&served.url, body, &stamp, "").await;
    assert_eq!(status, 401, "no signature");
    let nonsense = br#"{"type": 2, "name": "holiday.png"}"#.to_vec();
    let signed_nonsense = fake.sign(&stamp, &nonsense);
    let (status, _) = fake
        .post(&served.url, nonsense, &stamp, &signed_nonsense)
        .await;
    assert_eq!(status, 400, "signed, but not an interaction");

    let privacy = fake.slash_command("privacy", vec![], vec![], UPLOAD_LIMIT);
    let told = fake.deliver(&served.url, &privacy).await;
    assert_eq!(told.status, 200);
    assert_eq!(told.rejected, None, "{:?}", told.answer);
    assert_eq!(told.answer["type"].as_u64(), Some(4), "{}", told.answer);
    let text = told.answer["data"]["content"].as_str().unwrap_or_default();
    assert!(text.to_lowercase().contains("memory"), "says: {text}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn endpoint_defers_in_its_answer_then_edits_in_the_file_over_rest() {
    let served = serve().await;
    let fake = &served.fake;
    let slash = convert(fake, &png(64, 48), "webp", UPLOAD_LIMIT);
    let delivered = fake.deliver(&served.url, &slash).await;
    assert_eq!(delivered.status, 200, "{:?}", delivered.answer);
    assert_eq!(delivered.answer["type"].as_u64(), Some(5), "deferred");
    assert_eq!(delivered.rejected, None);

    let edited = |calls: &[Call]| {
        original_calls(calls, &slash, "PATCH")
            .into_iter()
            .any(|(_, c)| c.ok() && c.file().is_some_and(is_webp))
    };
    let calls = fake.wait_for(edited, REPLY).await;
    let (_, edit) = original_calls(&calls, &slash, "PATCH")
        .into_iter()
        .find(|(_, c)| c.ok())
        .unwrap();
    let bytes = edit.file().unwrap();
    let decoded = image::load_from_memory_with_format(bytes, ImageFormat::WebP).unwrap();
    assert_eq!((decoded.width(), decoded.height()), (64, 48));
    assert!(
        callback_to(&calls, &slash).is_none(),
        "acknowledged twice: the HTTP answer already was the defer"
    );
}
