//! Checks the rules the loopback Discord fake enforces, so the adapter's
//! tests can trust a pass: a real serenity client gets through the gateway
//! (Hello, Identify, READY, Resume) and REST (registration, defer, edit
//! with a file, follow-up); the gateway closes bad sessions with Discord's
//! codes and filters by intents; registration refuses what Discord
//! refuses; interaction answers keep to the 3-second window, one initial
//! response, the token's 15 minutes and the upload limit; 429s carry the
//! wait and bucket headers; the CDN wants its signature. Payload shapes
//! need no check here: the fake builds them through serenity's models.

use crate::discord_fake;
use crate::png;

use std::sync::Arc;
use std::time::Duration;

use discord_fake::payloads::{attachment_option, string_option};
use discord_fake::{
    APPLICATION_ID, CHANNEL_ID, FailWith, FakeDiscord, TOKEN, TOKEN_LIFETIME, UPLOAD_LIMIT, intents,
};
use futures_util::{SinkExt, StreamExt};
use reqwest::multipart::{Form, Part};
use serde_json::{Value, json};
use serenity::all::{
    Command, CommandOptionType, CommandType, Context, CreateAttachment, CreateCommand,
    CreateCommandOption, CreateInteractionResponseFollowup, EditInteractionResponse, EventHandler,
    GatewayIntents, Interaction, Message,
};
use serenity::model::event::GatewayEvent;
use tokio::sync::mpsc;
use tokio_tungstenite::tungstenite::Message as Frame;

type Ws =
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

const WAIT: Duration = Duration::from_secs(5);

/// A REST call as the bot makes it; `(status, parsed body)`.
async fn call(fake: &FakeDiscord, method: &str, path: &str, body: Option<Value>) -> (u16, Value) {
    let url = format!("{}/api/v10{path}", fake.api_url());
    let method = reqwest::Method::from_bytes(method.as_bytes()).unwrap();
    let mut request = reqwest::Client::new()
        .request(method, url)
        .header("authorization", format!("Bot {TOKEN}"));
    if let Some(body) = body {
        request = request.json(&body);
    }
    answer_of(request.send().await.unwrap()).await
}

async fn answer_of(response: reqwest::Response) -> (u16, Value) {
    let status = response.status().as_u16();
    let text = response.text().await.unwrap();
    (status, serde_json::from_str(&text).unwrap_or(Value::Null))
}

fn webhook(interaction: &Value, rest: &str) -> String {
    let token = interaction["token"].as_str().unwrap();
    format!("/webhooks/{APPLICATION_ID}/{token}{rest}")
}

fn callback(interaction: &Value) -> String {
    let (id, token) = (&interaction["id"], &interaction["token"]);
    format!(
        "/interactions/{}/{}/callback",
        id.as_str().unwrap(),
        token.as_str().unwrap()
    )
}

async fn connect(fake: &FakeDiscord) -> Ws {
    let url = format!("{}/gateway?v=10", fake.api_url().replace("http", "ws"));
    tokio_tungstenite::connect_async(url).await.unwrap().0
}

/// The next text frame, or the close code as `Err` (`0`: closed bare).
async fn next(ws: &mut Ws) -> Result<Value, u16> {
    loop {
        let frame = tokio::time::timeout(WAIT, ws.next())
            .await
            .expect("a frame");
        match frame {
            Some(Ok(Frame::Text(text))) => return Ok(serde_json::from_str(&text).unwrap()),
            Some(Ok(Frame::Close(frame))) => return Err(frame.map_or(0, |f| f.code.into())),
            None | Some(Err(_)) => return Err(0),
            Some(Ok(_)) => {}
        }
    }
}

async fn send(ws: &mut Ws, frame: Value) {
    ws.send(Frame::Text(frame.to_string())).await.unwrap();
}

/// An Identify as serenity 0.12.5 writes it.
fn identify(token: &str, intents: u64, shard: Value) -> Value {
    json!({"op": 2, "d": {
        "compress": true, "token": token, "large_threshold": 250, "shard": shard,
        "intents": intents, "properties": {"browser": "serenity", "device": "serenity", "os": "linux"},
    }})
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_gateway_speaks_as_discord_to_serenity() {
    let fake = FakeDiscord::start().await;
    let mut ws = connect(&fake).await;
    assert_eq!(next(&mut ws).await.unwrap()["op"], 10, "Hello first");
    send(&mut ws, identify("Bot wrong", 0, json!([0, 1]))).await;
    assert_eq!(next(&mut ws).await, Err(4004), "a bad token is refused");

    let mut ws = connect(&fake).await;
    next(&mut ws).await.unwrap();
    send(&mut ws, identify(&format!("Bot {TOKEN}"), 0, json!([1, 1]))).await;
    assert_eq!(
        next(&mut ws).await,
        Err(4010),
        "shard index must be below the total"
    );
    fake.require_shards(2);
    let mut ws = connect(&fake).await;
    next(&mut ws).await.unwrap();
    send(&mut ws, identify(&format!("Bot {TOKEN}"), 0, json!([0, 1]))).await;
    assert_eq!(next(&mut ws).await, Err(4011), "sharding required");

    let mut ws = connect(&fake).await;
    next(&mut ws).await.unwrap();
    let guild_messages = intents::GUILD_MESSAGES | intents::GUILDS;
    send(
        &mut ws,
        identify(&format!("Bot {TOKEN}"), guild_messages, json!([1, 2])),
    )
    .await;
    let ready = next(&mut ws).await.unwrap();
    let Ok(GatewayEvent::Dispatch(1, _)) = serde_json::from_value(ready.clone()) else {
        panic!("serenity cannot read READY: {ready}");
    };
    assert_eq!(fake.identified_shards(), vec![[1, 2]]);
    send(&mut ws, json!({"op": 1, "d": 1})).await;
    assert_eq!(
        next(&mut ws).await.unwrap()["op"],
        11,
        "heartbeats are acknowledged"
    );

    let image = fake.add_attachment(&png(8, 8), "a.png", "image/png");
    fake.dispatch(
        "MESSAGE_CREATE",
        fake.message_create(CHANNEL_ID, vec![image], "hi"),
    );
    let message = next(&mut ws).await.unwrap();
    assert_eq!(
        (message["t"].as_str(), message["s"].as_u64()),
        (Some("MESSAGE_CREATE"), Some(2))
    );
    assert_eq!(
        (
            message["d"]["content"].as_str(),
            message["d"]["attachments"].as_array().map(Vec::len)
        ),
        (Some(""), Some(0)),
        "without MESSAGE_CONTENT a guild message comes bare"
    );
    send(&mut ws, identify(&format!("Bot {TOKEN}"), 0, json!([1, 2]))).await;
    assert_eq!(next(&mut ws).await, Err(4005), "one Identify per session");

    let session = ready["d"]["session_id"].clone();
    let mut ws = connect(&fake).await;
    next(&mut ws).await.unwrap();
    send(
        &mut ws,
        json!({"op": 6, "d": {"token": TOKEN, "session_id": "other", "seq": 2}}),
    )
    .await;
    assert_eq!(
        next(&mut ws).await.unwrap()["op"],
        9,
        "an unknown session is invalid"
    );
    send(
        &mut ws,
        json!({"op": 6, "d": {"token": TOKEN, "session_id": session, "seq": 2}}),
    )
    .await;
    assert_eq!(next(&mut ws).await.unwrap()["t"], "RESUMED");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn registration_refuses_what_discord_refuses() {
    let fake = FakeDiscord::start().await;
    let option = |name: &str, kind: u64, description: &str| json!({"name": name, "type": kind, "description": description});
    let refused = [
        (
            json!({"name": "Convert", "description": "x"}),
            "APPLICATION_COMMAND_INVALID_NAME",
        ),
        (
            json!({"name": "convert", "description": ""}),
            "BASE_TYPE_BAD_LENGTH",
        ),
        (
            json!({"name": "convert", "description": "x".repeat(101)}),
            "BASE_TYPE_BAD_LENGTH",
        ),
        (
            json!({"name": "Convert image", "type": 3, "description": "x"}),
            "APPLICATION_COMMAND_CONTEXT_MENU_DESCRIPTION",
        ),
        (
            json!({"name": "c", "description": "x", "options": [option("image", 12, "x")]}),
            "BASE_TYPE_CHOICES",
        ),
        (
            json!({"name": "c", "description": "x", "options": [option("image", 11, "")]}),
            "BASE_TYPE_BAD_LENGTH",
        ),
        (
            json!({"name": "c", "description": "x", "options": [option("a", 3, "x"), {"name": "b", "type": 11, "description": "x", "required": true}]}),
            "APPLICATION_COMMAND_OPTIONS_REQUIRED_INVALID_ORDER",
        ),
        (
            json!({"name": "c", "description": "x", "options": [{"name": "f", "type": 11, "description": "x", "choices": [{"name": "a", "value": "a"}]}]}),
            "APPLICATION_COMMAND_OPTION_CHOICES_INVALID_TYPE",
        ),
    ];
    for (command, code) in refused {
        let (status, error) = call(
            &fake,
            "PUT",
            &format!("/applications/{APPLICATION_ID}/commands"),
            Some(json!([command])),
        )
        .await;
        assert_eq!((status, &error["code"]), (400, &json!(50035)), "{command}");
        assert!(
            error["errors"].to_string().contains(code),
            "{command}: {error}"
        );
    }
    let twice = json!([{"name": "c", "description": "x"}, {"name": "c", "description": "y"}]);
    let (status, error) = call(
        &fake,
        "PUT",
        &format!("/applications/{APPLICATION_ID}/commands"),
        Some(twice),
    )
    .await;
    assert_eq!(status, 400);
    assert!(
        error
            .to_string()
            .contains("APPLICATION_COMMANDS_DUPLICATE_NAME"),
        "{error}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn interaction_answers_keep_discords_rules() {
    let fake = FakeDiscord::start().await;
    let slash = fake.slash_command("info", vec![string_option("x", "y")], vec![], 1000);
    fake.interact(&slash);
    let (status, error) = call(
        &fake,
        "POST",
        &webhook(&slash, ""),
        Some(json!({"content": "x"})),
    )
    .await;
    assert_eq!(
        (status, &error["code"]),
        (404, &json!(10015)),
        "no follow-up before the answer"
    );
    let (status, error) = call(&fake, "POST", &callback(&slash), Some(json!({"type": 6}))).await;
    assert_eq!(
        (status, &error["code"]),
        (400, &json!(40043)),
        "6 is for components"
    );
    let long = json!({"type": 4, "data": {"content": "x".repeat(2001)}});
    let (status, error) = call(&fake, "POST", &callback(&slash), Some(long)).await;
    assert_eq!(
        (status, &error["code"]),
        (400, &json!(50035)),
        "2,000 characters at most"
    );
    let (status, _) = call(&fake, "POST", &callback(&slash), Some(json!({"type": 5}))).await;
    assert_eq!(status, 204);
    let (status, error) = call(&fake, "POST", &callback(&slash), Some(json!({"type": 5}))).await;
    assert_eq!(
        (status, &error["code"]),
        (400, &json!(40060)),
        "one initial response"
    );

    let payload = json!({"content": "x", "attachments": [{"id": 0, "filename": "out.png"}]});
    let upload = |bytes: Vec<u8>| {
        Form::new()
            .text("payload_json", payload.to_string())
            .part("files[0]", Part::bytes(bytes).file_name("out.png"))
    };
    let url = format!(
        "{}/api/v10{}",
        fake.api_url(),
        webhook(&slash, "/messages/@original")
    );
    let patch = |form| reqwest::Client::new().patch(&url).multipart(form).send();
    let (status, error) = answer_of(patch(upload(vec![0; 1001])).await.unwrap()).await;
    assert_eq!(
        (status, &error["code"]),
        (413, &json!(40005)),
        "the interaction's size limit"
    );
    let (status, edited) = answer_of(patch(upload(vec![1; 1000])).await.unwrap()).await;
    assert_eq!(status, 200, "{edited}");
    let edited: Message = serde_json::from_value(edited).unwrap();
    assert_eq!(edited.attachments[0].filename, "out.png");
    let (status, _) = call(
        &fake,
        "POST",
        &webhook(&slash, ""),
        Some(json!({"content": "more"})),
    )
    .await;
    assert_eq!(status, 200);

    fake.age_interaction(&slash, TOKEN_LIFETIME);
    let (status, error) = call(
        &fake,
        "POST",
        &webhook(&slash, ""),
        Some(json!({"content": "late"})),
    )
    .await;
    assert_eq!(
        (status, &error["code"]),
        (401, &json!(50027)),
        "the token lives 15 minutes"
    );

    let late = fake.slash_command("privacy", vec![], vec![], UPLOAD_LIMIT);
    fake.interact(&late);
    fake.age_interaction(&late, Duration::from_millis(3100));
    let (status, error) = call(&fake, "POST", &callback(&late), Some(json!({"type": 5}))).await;
    assert_eq!(
        (status, &error["code"]),
        (404, &json!(10062)),
        "3 seconds to acknowledge"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rate_limits_replies_and_the_cdn_answer_as_discord() {
    let fake = FakeDiscord::start().await;
    let path = format!("/channels/{CHANNEL_ID}/messages");
    fake.fail_next(
        "POST",
        &path,
        FailWith::RateLimited {
            retry_after_secs: 0.25,
        },
    );
    let url = format!("{}/api/v10{path}", fake.api_url());
    let limited = reqwest::Client::new()
        .post(&url)
        .header("authorization", format!("Bot {TOKEN}"))
        .json(&json!({"content": "hi"}))
        .send()
        .await
        .unwrap();
    assert_eq!(limited.status(), 429);
    for header in [
        "retry-after",
        "x-ratelimit-reset-after",
        "x-ratelimit-bucket",
        "x-ratelimit-remaining",
    ] {
        assert!(limited.headers().contains_key(header), "no {header}");
    }
    assert_eq!(answer_of(limited).await.1["retry_after"], 0.25);
    let reply = json!({"content": "hi", "message_reference": {"message_id": "1"}});
    let (status, error) = call(&fake, "POST", &path, Some(reply)).await;
    assert_eq!(
        (status, &error["code"]),
        (400, &json!(50035)),
        "a reply to nothing"
    );
    let known = fake.message(CHANNEL_ID, vec![], "hello");
    let reply = json!({"content": "hi", "message_reference": {"message_id": known["id"]}});
    let (status, message) = call(&fake, "POST", &path, Some(reply)).await;
    assert_eq!(
        (status, &message["referenced_message"]["id"]),
        (200, &known["id"])
    );
    let (status, _) = call(&fake, "POST", &path, Some(json!({"content": ""}))).await;
    assert_eq!(status, 400, "an empty message");

    let image = fake.add_attachment(&png(4, 4), "in.png", "image/png");
    let signed = image["url"].as_str().unwrap();
    let unsigned = signed.split('?').next().unwrap();
    let get = |url: String| async move { reqwest::get(url).await.unwrap() };
    assert_eq!(
        get(unsigned.to_string()).await.status(),
        404,
        "the CDN wants its signature"
    );
    assert_eq!(
        get(signed.to_string()).await.bytes().await.unwrap(),
        png(4, 4)
    );
}

/// Commands built the way an adapter builds them, serialized by serenity.
fn serenity_builders() -> Vec<CreateCommand> {
    let format = CreateCommandOption::new(CommandOptionType::String, "format", "Format")
        .required(true)
        .add_string_choice("WEBP", "webp");
    vec![
        CreateCommand::new("convert")
            .description("Convert an image")
            .add_option(
                CreateCommandOption::new(CommandOptionType::Attachment, "image", "The image")
                    .required(true),
            )
            .add_option(format),
        CreateCommand::new("Convert image").kind(CommandType::Message),
    ]
}

/// What the serenity client saw and got back.
#[derive(Debug)]
enum Seen {
    Ready,
    Registered(Result<Vec<Command>, String>),
    Edited(Result<Message, String>),
    FollowedUp(Result<Message, String>),
    Resumed,
}

struct Recorder(mpsc::UnboundedSender<Seen>);

#[serenity::async_trait]
impl EventHandler for Recorder {
    async fn ready(&self, ctx: Context, _: serenity::all::Ready) {
        let _ = self.0.send(Seen::Ready);
        let registered = Command::set_global_commands(&ctx.http, serenity_builders()).await;
        let _ = self
            .0
            .send(Seen::Registered(registered.map_err(|e| e.to_string())));
    }

    async fn resume(&self, _: Context, _: serenity::all::ResumedEvent) {
        let _ = self.0.send(Seen::Resumed);
    }

    async fn interaction_create(&self, ctx: Context, interaction: Interaction) {
        let Some(command) = interaction.command() else {
            return;
        };
        command.defer(&ctx.http).await.expect("defer");
        let attachment = command.data.resolved.attachments.values().next().cloned();
        let bytes = attachment
            .expect("resolved")
            .download()
            .await
            .expect("download");
        let edit = EditInteractionResponse::new()
            .content("converted")
            .new_attachment(CreateAttachment::bytes(bytes, "pixdrop-0badf00d.png"));
        let edited = command.edit_response(&ctx.http, edit).await;
        let _ = self.0.send(Seen::Edited(edited.map_err(|e| e.to_string())));
        let follow = CreateInteractionResponseFollowup::new()
            .content("also")
            .ephemeral(true);
        let followed = command.create_followup(&ctx.http, follow).await;
        let _ = self
            .0
            .send(Seen::FollowedUp(followed.map_err(|e| e.to_string())));
    }
}

async fn next_seen(saw: &mut mpsc::UnboundedReceiver<Seen>) -> Seen {
    let seen = tokio::time::timeout(Duration::from_secs(10), saw.recv()).await;
    seen.expect("serenity reported within 10 s")
        .expect("open channel")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_real_serenity_client_works_against_the_fake() {
    let fake = FakeDiscord::start().await;
    let http = serenity::http::HttpBuilder::new(TOKEN)
        .proxy(fake.api_url())
        .ratelimiter_disabled(true)
        .build();
    let (seen, mut saw) = mpsc::unbounded_channel();
    let intents = GatewayIntents::GUILDS | GatewayIntents::GUILD_MESSAGES;
    let mut bot = serenity::client::ClientBuilder::new_with_http(http, intents)
        .event_handler(Recorder(seen))
        .await
        .expect("serenity client");
    let shards = Arc::clone(&bot.shard_manager);
    let running = tokio::spawn(async move { bot.start_autosharded().await });

    let identified = fake.wait_until_ready(Duration::from_secs(10)).await;
    assert_eq!(identified["token"], json!(format!("Bot {TOKEN}")));
    assert!(matches!(next_seen(&mut saw).await, Seen::Ready));
    match next_seen(&mut saw).await {
        Seen::Registered(Ok(commands)) => {
            let kinds: Vec<_> = commands.into_iter().map(|c| (c.name, c.kind)).collect();
            let wanted = [
                ("convert", CommandType::ChatInput),
                ("Convert image", CommandType::Message),
            ];
            assert_eq!(kinds, wanted.map(|(n, k)| (n.to_string(), k)));
        }
        other => panic!("set_global_commands failed: {other:?}\n{}", fake.dump()),
    }

    let bytes = png(24, 24);
    let image = fake.add_attachment(&bytes, "in.png", "image/png");
    let options = vec![attachment_option("image", &image)];
    let slash = fake.slash_command("convert", options, vec![image], UPLOAD_LIMIT);
    fake.interact(&slash);
    match next_seen(&mut saw).await {
        Seen::Edited(Ok(message)) => {
            assert_eq!(message.attachments[0].filename, "pixdrop-0badf00d.png");
            let url = &message.attachments[0].url;
            assert_eq!(
                reqwest::get(url).await.unwrap().bytes().await.unwrap(),
                bytes
            );
        }
        other => panic!("edit_response failed: {other:?}\n{}", fake.dump()),
    }
    match next_seen(&mut saw).await {
        Seen::FollowedUp(Ok(message)) => assert!(message.flags.is_some_and(|f| f.bits() & 64 != 0)),
        other => panic!("create_followup failed: {other:?}\n{}", fake.dump()),
    }

    fake.drop_gateway(4000);
    assert!(
        matches!(next_seen(&mut saw).await, Seen::Resumed),
        "{}",
        fake.dump()
    );
    shards.shutdown_all().await;
    let stopped = tokio::time::timeout(Duration::from_secs(10), running).await;
    assert!(
        matches!(stopped, Ok(Ok(Ok(())))),
        "serenity stopped: {stopped:?}"
    );
}
