//! Checks the loopback Discord fake itself, so the Discord adapter's tests
//! can trust it: the gateway handshake (Hello, Identify, READY, heartbeat
//! ACK, close codes, intent filtering), REST answers (command echo,
//! interaction rules, multipart decoding, 429 injection, CDN signatures),
//! and — the point of it all — that serenity 0.12.5 itself parses every
//! payload the fake builds and every answer it gives, down to a real
//! serenity client deferring, editing with a file and following up.

use crate::discord_fake;
use crate::{noisy_png, png};

use std::sync::Arc;
use std::time::Duration;

use discord_fake::payloads::{attachment_option, find_component, string_option};
use discord_fake::{
    APPLICATION_ID, CHANNEL_ID, Call, FailWith, FakeDiscord, GUILD_ID, OTHER_CHANNEL_ID, TOKEN,
    UPLOAD_LIMIT, USER_ID, intents,
};
use futures_util::{SinkExt, StreamExt};
use reqwest::multipart::{Form, Part};
use serde_json::{Value, json};
use serenity::all::{
    Command, CommandOptionType, CommandType, Context, CreateAttachment, CreateCommand,
    CreateCommandOption, CreateInteractionResponseFollowup, EditInteractionResponse, EventHandler,
    GatewayIntents, Interaction, Message, ResolvedTarget, ResolvedValue,
};
use serenity::model::event::{Event, GatewayEvent};
use tokio::net::TcpStream;
use tokio::sync::mpsc;
use tokio_tungstenite::tungstenite::Message as Frame;
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

type Ws = WebSocketStream<MaybeTlsStream<TcpStream>>;

const WAIT: Duration = Duration::from_secs(5);

fn api(fake: &FakeDiscord, path: &str) -> String {
    format!("{}/api/v10{path}", fake.api_url())
}

fn client() -> reqwest::Client {
    reqwest::Client::new()
}

fn bot_auth() -> String {
    format!("Bot {TOKEN}")
}

async fn json_of(response: reqwest::Response) -> (u16, Value) {
    let status = response.status().as_u16();
    let text = response.text().await.unwrap();
    let value = if text.is_empty() {
        Value::Null
    } else {
        serde_json::from_str(&text).unwrap_or_else(|_| panic!("not JSON: {text}"))
    };
    (status, value)
}

async fn connect(fake: &FakeDiscord) -> Ws {
    let url = format!("{}?v=10", fake.gateway_url());
    let (ws, _) = tokio_tungstenite::connect_async(url)
        .await
        .expect("websocket connect");
    ws
}

/// The next text frame as JSON, or `None` when the connection closed.
async fn next_frame(ws: &mut Ws) -> Option<Value> {
    loop {
        let frame = tokio::time::timeout(WAIT, ws.next())
            .await
            .expect("a gateway frame within 5 s");
        match frame {
            Some(Ok(Frame::Text(text))) => return Some(serde_json::from_str(&text).unwrap()),
            Some(Ok(Frame::Close(_))) | None | Some(Err(_)) => return None,
            Some(Ok(_)) => continue,
        }
    }
}

/// The close code the server ended the connection with.
async fn close_code(ws: &mut Ws) -> Option<u16> {
    loop {
        match tokio::time::timeout(WAIT, ws.next())
            .await
            .expect("close within 5 s")
        {
            Some(Ok(Frame::Close(Some(frame)))) => return Some(frame.code.into()),
            Some(Ok(Frame::Close(None))) | None | Some(Err(_)) => return None,
            Some(Ok(_)) => continue,
        }
    }
}

/// An Identify frame as serenity 0.12.5 writes it.
fn identify(token: &str, intents: u64) -> Frame {
    Frame::Text(
        json!({
            "op": 2,
            "d": {
                "compress": true,
                "token": token,
                "large_threshold": 250,
                "shard": [0, 1],
                "intents": intents,
                "properties": {"browser": "serenity", "device": "serenity", "os": "linux"},
                "presence": {"afk": false, "status": "online", "since": null, "activities": []},
            },
        })
        .to_string(),
    )
}

/// Connects, reads Hello, identifies and reads READY.
async fn ready_socket(fake: &FakeDiscord, intents: u64) -> Ws {
    let mut ws = connect(fake).await;
    let hello = next_frame(&mut ws).await.expect("hello");
    assert_eq!(hello["op"], 10);
    ws.send(identify(&bot_auth(), intents)).await.unwrap();
    let ready = next_frame(&mut ws).await.expect("ready");
    assert_eq!(
        (ready["op"].clone(), ready["t"].clone()),
        (json!(0), json!("READY"))
    );
    ws
}

fn serenity_event(frame: &Value) -> GatewayEvent {
    serde_json::from_value(frame.clone())
        .unwrap_or_else(|e| panic!("serenity cannot parse {frame}: {e}"))
}

fn serenity_interaction(value: &Value) -> Interaction {
    serde_json::from_value(value.clone())
        .unwrap_or_else(|e| panic!("serenity cannot parse the interaction: {e}\n{value}"))
}

fn serenity_message(value: &Value) -> Message {
    serde_json::from_value(value.clone())
        .unwrap_or_else(|e| panic!("serenity cannot parse the message: {e}\n{value}"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn gateway_handshake_ready_heartbeat_and_dispatches() {
    let fake = FakeDiscord::start().await;
    let http = client();
    let (status, bot) = json_of(
        http.get(api(&fake, "/gateway/bot"))
            .header("authorization", bot_auth())
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(bot["url"], json!(fake.gateway_url()));
    assert_eq!(bot["shards"], 1);
    let parsed: serenity::model::gateway::BotGateway = serde_json::from_value(bot).unwrap();
    assert_eq!(parsed.session_start_limit.max_concurrency, 1);
    let (status, plain) = json_of(
        http.get(api(&fake, "/gateway"))
            .header("authorization", bot_auth())
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(
        (status, plain["url"].clone()),
        (200, json!(fake.gateway_url()))
    );
    assert!(fake.gateway_url().starts_with("ws://127.0.0.1:"));

    let mut ws = connect(&fake).await;
    let hello = next_frame(&mut ws).await.expect("hello");
    assert_eq!(hello["op"], 10);
    assert!(matches!(
        serenity_event(&hello),
        GatewayEvent::Hello(41_250)
    ));

    let wanted = intents::GUILDS | intents::GUILD_MESSAGES | intents::MESSAGE_CONTENT;
    ws.send(identify(&bot_auth(), wanted)).await.unwrap();
    let ready = next_frame(&mut ws).await.expect("ready");
    assert_eq!(ready["s"], 1);
    assert_eq!(ready["d"]["v"], 10);
    assert_eq!(ready["d"]["shard"], json!([0, 1]));
    match serenity_event(&ready) {
        GatewayEvent::Dispatch(1, Event::Ready(event)) => {
            assert_eq!(event.ready.application.id.get(), APPLICATION_ID);
            assert_eq!(event.ready.user.id.get(), APPLICATION_ID);
            assert!(event.ready.user.bot);
            assert!(!event.ready.session_id.is_empty());
            assert_eq!(event.ready.resume_gateway_url, fake.gateway_url());
        }
        other => panic!("not READY: {other:?}"),
    }
    let identified = fake.wait_until_ready(WAIT).await;
    assert_eq!(identified["token"], json!(bot_auth()));
    assert_eq!(identified["intents"], json!(wanted));
    assert_eq!(fake.identify().unwrap()["compress"], true);

    ws.send(Frame::Text(json!({"op": 1, "d": 1}).to_string()))
        .await
        .unwrap();
    let ack = next_frame(&mut ws).await.expect("heartbeat ack");
    assert_eq!(ack["op"], 11);
    assert!(matches!(serenity_event(&ack), GatewayEvent::HeartbeatAck));
    assert_eq!(fake.heartbeats(), 1);

    let image = fake.add_attachment(&png(20, 10), "cat.png", "image/png");
    let slash = fake.slash_command(
        "convert",
        vec![
            attachment_option("image", &image),
            string_option("format", "webp"),
        ],
        vec![image.clone()],
        UPLOAD_LIMIT,
    );
    fake.interact(&slash);
    let frame = next_frame(&mut ws).await.expect("interaction dispatch");
    assert_eq!(
        (frame["op"].clone(), frame["s"].clone()),
        (json!(0), json!(2))
    );
    assert_eq!(frame["t"], "INTERACTION_CREATE");
    match serenity_event(&frame) {
        GatewayEvent::Dispatch(2, Event::InteractionCreate(event)) => {
            let command = event.interaction.command().expect("a command interaction");
            assert_eq!(command.data.name, "convert");
            assert_eq!(command.user.id.get(), USER_ID);
            assert_eq!(command.attachment_size_limit, UPLOAD_LIMIT);
            assert_eq!(command.guild_id.map(|g| g.get()), Some(GUILD_ID));
            let options = command.data.options();
            match &options[0].value {
                ResolvedValue::Attachment(attachment) => {
                    assert_eq!(attachment.filename, "cat.png");
                    assert_eq!((attachment.width, attachment.height), (Some(20), Some(10)));
                }
                other => panic!("image option unresolved: {other:?}"),
            }
            assert!(matches!(options[1].value, ResolvedValue::String("webp")));
        }
        other => panic!("not INTERACTION_CREATE: {other:?}"),
    }
    fake.dispatch("TYPING_START", json!({"channel_id": CHANNEL_ID.to_string(), "user_id": USER_ID.to_string(), "timestamp": 1_700_000_000}));
    let frame = next_frame(&mut ws).await.expect("second dispatch");
    assert_eq!(frame["s"], 3);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn gateway_rejects_bad_identify_and_versions() {
    let fake = FakeDiscord::start().await;
    let mut ws = connect(&fake).await;
    next_frame(&mut ws).await.expect("hello");
    ws.send(identify("Bot not-the-token", 1)).await.unwrap();
    assert_eq!(close_code(&mut ws).await, Some(4004));

    let mut ws = connect(&fake).await;
    next_frame(&mut ws).await.expect("hello");
    ws.send(Frame::Text(json!({"op": 3, "d": {}}).to_string()))
        .await
        .unwrap();
    assert_eq!(close_code(&mut ws).await, Some(4003));

    let url = format!("{}?v=6", fake.gateway_url());
    let (mut ws, _) = tokio_tungstenite::connect_async(url).await.unwrap();
    assert_eq!(close_code(&mut ws).await, Some(4012));
    assert_eq!(fake.connections(), 3);
    assert!(fake.identify().is_none());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dispatches_wait_for_ready_and_follow_intents() {
    let fake = FakeDiscord::start().await;
    let image = fake.add_attachment(&png(8, 8), "drop.png", "image/png");
    let early = fake.message_create(CHANNEL_ID, vec![image.clone()], "look");
    fake.dispatch("MESSAGE_CREATE", early);
    let mut ws = ready_socket(&fake, intents::GUILDS | intents::GUILD_MESSAGES).await;
    let held = next_frame(&mut ws).await.expect("the held dispatch");
    assert_eq!(
        (held["t"].clone(), held["s"].clone()),
        (json!("MESSAGE_CREATE"), json!(2))
    );
    assert_eq!(
        held["d"]["attachments"],
        json!([]),
        "no MESSAGE_CONTENT intent: no attachments"
    );
    assert_eq!(held["d"]["content"], "");
    let message = serenity_message(&held["d"]);
    assert_eq!(message.guild_id.map(|g| g.get()), Some(GUILD_ID));

    let with_content = FakeDiscord::start().await;
    let image = with_content.add_attachment(&png(8, 8), "drop.png", "image/png");
    let mut ws = ready_socket(
        &with_content,
        intents::GUILDS | intents::GUILD_MESSAGES | intents::MESSAGE_CONTENT,
    )
    .await;
    with_content.dispatch(
        "MESSAGE_CREATE",
        with_content.message_create(CHANNEL_ID, vec![image], "look"),
    );
    let frame = next_frame(&mut ws).await.expect("message");
    let message = serenity_message(&frame["d"]);
    assert_eq!(message.attachments.len(), 1);
    assert_eq!(message.content, "look");

    let deaf = FakeDiscord::start().await;
    let mut ws = ready_socket(&deaf, intents::GUILDS).await;
    deaf.dispatch(
        "MESSAGE_CREATE",
        deaf.message_create(CHANNEL_ID, vec![], "hello"),
    );
    let slash = deaf.slash_command("formats", vec![], vec![], UPLOAD_LIMIT);
    deaf.interact(&slash);
    let frame = next_frame(&mut ws).await.expect("interaction");
    assert_eq!(
        (frame["t"].clone(), frame["s"].clone()),
        (json!("INTERACTION_CREATE"), json!(2))
    );
    let dispatched = deaf.dispatched();
    assert!(
        dispatched
            .iter()
            .any(|(event, data)| event == "MESSAGE_CREATE" && data.is_none())
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn built_payloads_parse_as_serenity_models() {
    let fake = FakeDiscord::start().await;
    let image = fake.add_attachment(&png(30, 20), "photo one.png", "image/png");
    assert_eq!(image["filename"], "photo_one.png");
    assert!(image["url"].as_str().unwrap().contains("?ex="));
    assert!(image["proxy_url"].as_str().unwrap().contains("&hm="));

    let slash = fake.slash_command(
        "convert",
        vec![attachment_option("image", &image)],
        vec![image.clone()],
        1000,
    );
    let command = serenity_interaction(&slash).command().expect("command");
    assert_eq!(command.attachment_size_limit, 1000);
    let member = command.member.as_ref().expect("member");
    assert!(
        member
            .permissions
            .is_some_and(|p| p.attach_files() && !p.administrator())
    );
    assert!(command.app_permissions.is_some_and(|p| p.attach_files()));
    assert_eq!(command.locale, "en-US");

    let mut admin = fake.slash_command(
        "auto",
        vec![string_option("format", "webp")],
        vec![],
        UPLOAD_LIMIT,
    );
    discord_fake::as_admin(&mut admin);
    discord_fake::retarget(&mut admin, OTHER_CHANNEL_ID);
    let command = serenity_interaction(&admin).command().unwrap();
    assert!(command.member.unwrap().permissions.unwrap().administrator());
    assert_eq!(command.channel_id.get(), OTHER_CHANNEL_ID);

    let target = fake.message(CHANNEL_ID, vec![image.clone()], "");
    let context = fake.message_context(&target);
    let command = serenity_interaction(&context).command().unwrap();
    assert_eq!(command.data.name, "Convert image");
    match command.data.target() {
        Some(ResolvedTarget::Message(message)) => {
            assert_eq!(message.attachments[0].filename, "photo_one.png");
            assert_eq!(message.attachments[0].size as usize, png(30, 20).len());
        }
        other => panic!("no target message: {other:?}"),
    }

    let mut menu = fake.message(CHANNEL_ID, vec![], "Pick a format");
    menu["author"] = json!({"id": APPLICATION_ID.to_string(), "username": "pixdrop", "discriminator": "0", "avatar": null, "bot": true});
    menu["flags"] = json!(64);
    menu["components"] = json!([{"type": 1, "components": [{
        "type": 3, "custom_id": "fmt:1", "options": [
            {"label": "WebP", "value": "webp"}, {"label": "PNG", "value": "png"}
        ]
    }]}]);
    let clicked = fake.component("fmt:1", vec!["png"], &menu);
    let component = serenity_interaction(&clicked)
        .message_component()
        .expect("component");
    assert_eq!(component.data.custom_id, "fmt:1");
    match &component.data.kind {
        serenity::all::ComponentInteractionDataKind::StringSelect { values } => {
            assert_eq!(values, &vec!["png".to_string()]);
        }
        other => panic!("not a string select: {other:?}"),
    }
    assert_eq!(component.message.components.len(), 1);

    let created = fake.message_create(CHANNEL_ID, vec![image], "hi");
    let message = serenity_message(&created);
    assert!(message.member.is_some());
    assert_eq!(message.author.id.get(), USER_ID);
}

fn handwritten_commands() -> Value {
    json!([
        {"name": "convert", "description": "Convert an image", "options": [
            {"type": 11, "name": "image", "description": "The image", "required": true},
            {"type": 3, "name": "format", "description": "Format", "required": true,
             "choices": [{"name": "WEBP", "value": "webp"}, {"name": "PNG", "value": "png"}]}
        ]},
        {"name": "privacy", "description": "What happens to your images"},
        {"name": "Convert image", "type": 3}
    ])
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn commands_are_echoed_as_full_command_objects() {
    let fake = FakeDiscord::start().await;
    let http = client();
    let put = |path: String, body: Value| {
        http.put(path)
            .header("authorization", bot_auth())
            .json(&body)
            .send()
    };
    let path = api(&fake, &format!("/applications/{APPLICATION_ID}/commands"));
    let (status, answer) = json_of(put(path.clone(), handwritten_commands()).await.unwrap()).await;
    assert_eq!(status, 200, "{answer}");
    let commands: Vec<Command> = serde_json::from_value(answer.clone()).expect("serenity Commands");
    assert_eq!(commands.len(), 3);
    assert_eq!(answer[0]["type"], 1);
    assert_eq!(answer[2]["type"], 3);
    assert_eq!(answer[2]["description"], "");
    assert_eq!(answer[0]["options"][1]["choices"][0]["value"], "webp");
    assert_eq!(commands[0].application_id.get(), APPLICATION_ID);

    let (_, again) = json_of(put(path.clone(), handwritten_commands()).await.unwrap()).await;
    assert_eq!(again[0]["id"], answer[0]["id"], "overwrite keeps ids");
    assert_ne!(again[0]["version"], answer[0]["version"]);
    assert_eq!(fake.commands(None).len(), 3);
    let slash = fake.slash_command("convert", vec![], vec![], UPLOAD_LIMIT);
    assert_eq!(slash["data"]["id"], answer[0]["id"]);

    let guild_path = api(
        &fake,
        &format!("/applications/{APPLICATION_ID}/guilds/{GUILD_ID}/commands"),
    );
    let (status, guild) = json_of(put(guild_path, handwritten_commands()).await.unwrap()).await;
    assert_eq!(status, 200);
    assert_eq!(guild[0]["guild_id"], json!(GUILD_ID.to_string()));
    assert_eq!(fake.commands(Some(GUILD_ID)).len(), 3);

    let bad = json!([
        {"name": "Convert", "description": "caps are not allowed"},
        {"name": "resize", "description": "d", "options": [
            {"type": 3, "name": "size", "description": "optional first"},
            {"type": 11, "name": "image", "description": "required after", "required": true}
        ]},
        {"name": "Menu", "type": 3, "description": "context menus have none"}
    ]);
    let (status, error) = json_of(put(path.clone(), bad).await.unwrap()).await;
    assert_eq!(status, 400);
    assert_eq!(error["code"], 50035);
    assert!(
        error["errors"]["0"]["name"]["_errors"].is_array(),
        "{error}"
    );
    assert!(
        error["errors"]["1"]["options"]["1"]["required"]["_errors"].is_array(),
        "{error}"
    );
    assert!(
        error["errors"]["2"]["description"]["_errors"].is_array(),
        "{error}"
    );

    let (status, _) = json_of(
        http.put(&path)
            .header("authorization", "Bot wrong")
            .json(&handwritten_commands())
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, 401);
}

fn callback_path(fake: &FakeDiscord, interaction: &Value) -> String {
    api(
        fake,
        &format!(
            "/interactions/{}/{}/callback",
            interaction["id"].as_str().unwrap(),
            interaction["token"].as_str().unwrap()
        ),
    )
}

fn original_path(fake: &FakeDiscord, interaction: &Value) -> String {
    api(
        fake,
        &format!(
            "/webhooks/{APPLICATION_ID}/{}/messages/@original",
            interaction["token"].as_str().unwrap()
        ),
    )
}

fn follow_up_path(fake: &FakeDiscord, interaction: &Value) -> String {
    api(
        fake,
        &format!(
            "/webhooks/{APPLICATION_ID}/{}",
            interaction["token"].as_str().unwrap()
        ),
    )
}

/// A multipart body as serenity sends an edit with one new file.
fn file_form(payload: Value, bytes: Vec<u8>, name: &str) -> Form {
    Form::new()
        .part(
            "files[0]",
            Part::bytes(bytes)
                .file_name(name.to_string())
                .mime_str("image/png")
                .unwrap(),
        )
        .text("payload_json", payload.to_string())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn interaction_responses_follow_discords_rules() {
    let fake = FakeDiscord::start().await;
    let http = client();
    let slash = fake.slash_command("convert", vec![], vec![], 4000);
    fake.interact(&slash);

    let mut unknown = slash.clone();
    unknown["token"] = json!("not-a-token");
    let (status, error) = json_of(
        http.post(callback_path(&fake, &unknown))
            .json(&json!({"type": 5}))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!((status, error["code"].clone()), (404, json!(10062)));
    let (status, error) = json_of(
        http.patch(original_path(&fake, &slash))
            .json(&json!({"content": "early"}))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(
        (status, error["code"].clone()),
        (404, json!(10008)),
        "no @original before the response"
    );
    let (status, error) = json_of(
        http.post(follow_up_path(&fake, &slash))
            .json(&json!({"content": "early"}))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(
        (status, error["code"].clone()),
        (404, json!(10015)),
        "no follow-up before the response"
    );

    let (status, _) = json_of(
        http.post(callback_path(&fake, &slash))
            .json(&json!({"type": 6}))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, 400, "type 6 is for components only");
    let (status, body) = json_of(
        http.post(callback_path(&fake, &slash))
            .json(&json!({"type": 5}))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!((status, body), (204, Value::Null));
    let (status, error) = json_of(
        http.post(callback_path(&fake, &slash))
            .json(&json!({"type": 4, "data": {"content": "x"}}))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!((status, error["code"].clone()), (400, json!(40060)));
    let loading = fake.original(&slash).expect("deferred @original");
    assert_eq!(loading["flags"], 128);

    let bytes = png(12, 12);
    let payload =
        json!({"content": "done", "attachments": [{"id": 0, "filename": "pixdrop-1a2b3c4d.png"}]});
    let response = http
        .patch(original_path(&fake, &slash))
        .multipart(file_form(payload.clone(), bytes.clone(), "upload.png"))
        .send()
        .await
        .unwrap();
    let (status, edited) = json_of(response).await;
    assert_eq!(status, 200, "{edited}");
    let message = serenity_message(&edited);
    assert_eq!(message.content, "done");
    assert_eq!(message.attachments[0].filename, "pixdrop-1a2b3c4d.png");
    assert_eq!(
        (message.attachments[0].width, message.attachments[0].height),
        (Some(12), Some(12))
    );
    assert!(message.interaction_metadata.is_some());
    assert_eq!(
        edited["flags"], 0,
        "the loading flag is gone after the edit"
    );
    let served = http
        .get(message.attachments[0].url.as_str())
        .send()
        .await
        .unwrap();
    assert_eq!(served.headers()["content-type"], "image/png");
    assert_eq!(served.bytes().await.unwrap().to_vec(), bytes);

    let patch = fake
        .calls()
        .into_iter()
        .find(|c| c.is("PATCH", "@original") && c.ok())
        .expect("recorded PATCH");
    assert!(patch.multipart);
    assert_eq!(patch.json, payload);
    assert_eq!(
        patch.files,
        vec![(
            "files[0]".to_string(),
            "upload.png".to_string(),
            bytes.clone()
        )]
    );
    assert_eq!(patch.file(), Some(bytes.as_slice()));

    let too_big = noisy_png(64, 64);
    assert!(too_big.len() > 4000);
    let response = http
        .patch(original_path(&fake, &slash))
        .multipart(file_form(
            json!({"attachments": [{"id": 0, "filename": "big.png"}]}),
            too_big,
            "big.png",
        ))
        .send()
        .await
        .unwrap();
    let (status, error) = json_of(response).await;
    assert_eq!((status, error["code"].clone()), (413, json!(40005)));

    let (status, error) = json_of(
        http.patch(original_path(&fake, &slash))
            .json(&json!({"content": "x".repeat(2001)}))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!((status, error["code"].clone()), (400, json!(50035)));

    let (status, follow) = json_of(
        http.post(follow_up_path(&fake, &slash))
            .json(&json!({"content": "That file looks damaged.", "flags": 64}))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, 200, "{follow}");
    let follow = serenity_message(&follow);
    assert!(follow.flags.is_some_and(|f| f.bits() & 64 != 0));
    let (status, error) = json_of(
        http.post(follow_up_path(&fake, &slash))
            .json(&json!({"flags": 64}))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!((status, error["code"].clone()), (400, json!(50006)));

    let (status, _) = json_of(
        http.delete(original_path(&fake, &slash))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, 204);
    let (status, error) = json_of(
        http.patch(original_path(&fake, &slash))
            .json(&json!({"content": "late"}))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!((status, error["code"].clone()), (404, json!(10008)));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn component_responses_update_the_menu_message() {
    let fake = FakeDiscord::start().await;
    let http = client();
    let image = fake.add_attachment(&png(10, 10), "a.png", "image/png");
    let target = fake.message(CHANNEL_ID, vec![image], "");
    let context = fake.message_context(&target);
    fake.interact(&context);
    let menu = json!({"type": 4, "data": {"flags": 64, "content": "Convert to?", "components": [{"type": 1, "components": [
        {"type": 3, "custom_id": "pick", "options": [{"label": "WebP", "value": "webp"}, {"label": "PNG", "value": "png"}]}
    ]}]}});
    let (status, _) = json_of(
        http.post(callback_path(&fake, &context))
            .json(&menu)
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, 204);
    let shown = fake.original(&context).expect("the menu message");
    assert_eq!(shown["flags"], 64);
    assert_eq!(shown["type"], 23);
    assert!(find_component(&shown, "pick").is_some());
    let message = serenity_message(&shown);
    assert!(message.interaction_metadata.is_some());

    let clicked = fake.component("pick", vec!["png"], &shown);
    assert_eq!(clicked["data"]["component_type"], 3);
    fake.interact(&clicked);
    let (status, _) = json_of(
        http.post(callback_path(&fake, &clicked))
            .json(&json!({"type": 6}))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, 204);
    let (status, edited) = json_of(
        http.patch(original_path(&fake, &clicked))
            .multipart(file_form(json!({"content": "", "components": [], "attachments": [{"id": 0, "filename": "out.png"}]}), png(10, 10), "out.png"))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, 200, "{edited}");
    assert_eq!(
        edited["id"], shown["id"],
        "@original of a component is the menu message"
    );
    assert_eq!(edited["components"], json!([]));

    let bad_menu = fake.message_context(&target);
    fake.interact(&bad_menu);
    let empty_select = json!({"type": 4, "data": {"flags": 64, "components": [{"type": 1, "components": [{"type": 3, "custom_id": "x", "options": []}]}]}});
    let (status, error) = json_of(
        http.post(callback_path(&fake, &bad_menu))
            .json(&empty_select)
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!((status, error["code"].clone()), (400, json!(50035)));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn late_acknowledgement_is_an_unknown_interaction() {
    let fake = FakeDiscord::start().await;
    let slash = fake.slash_command("privacy", vec![], vec![], UPLOAD_LIMIT);
    fake.interact(&slash);
    tokio::time::sleep(Duration::from_millis(3200)).await;
    let (status, error) = json_of(
        client()
            .post(callback_path(&fake, &slash))
            .json(&json!({"type": 4, "data": {"content": "too late"}}))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!((status, error["code"].clone()), (404, json!(10062)));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn injected_rate_limit_answers_429_once() {
    let fake = FakeDiscord::start().await;
    let http = client();
    let slash = fake.slash_command("convert", vec![], vec![], UPLOAD_LIMIT);
    fake.interact(&slash);
    http.post(callback_path(&fake, &slash))
        .json(&json!({"type": 5}))
        .send()
        .await
        .unwrap();
    fake.fail_next(
        "PATCH",
        "@original",
        FailWith::RateLimited {
            retry_after_secs: 0.5,
        },
    );
    let response = http
        .patch(original_path(&fake, &slash))
        .json(&json!({"content": "one"}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 429);
    let headers = response.headers().clone();
    assert_eq!(headers["retry-after"], "1");
    assert_eq!(headers["x-ratelimit-remaining"], "0");
    assert_eq!(headers["x-ratelimit-reset-after"], "0.500");
    assert_eq!(headers["x-ratelimit-scope"], "user");
    assert!(headers.contains_key("x-ratelimit-bucket"));
    let body: Value = response.json().await.unwrap();
    assert_eq!(
        body,
        json!({"message": "You are being rate limited.", "retry_after": 0.5, "global": false})
    );
    let response = http
        .patch(original_path(&fake, &slash))
        .json(&json!({"content": "two"}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 200);
    let patches: Vec<Call> = fake.calls_to("PATCH", "@original");
    let statuses: Vec<u16> = patches.iter().map(|c| c.status).collect();
    assert_eq!(statuses, vec![429, 200]);
    assert_eq!(patches[1].json["content"], "two");

    fake.fail_next(
        "POST",
        "/messages",
        FailWith::Status {
            status: 403,
            code: 50013,
            message: "Missing Permissions".into(),
        },
    );
    let (status, error) = json_of(
        http.post(api(&fake, &format!("/channels/{CHANNEL_ID}/messages")))
            .header("authorization", bot_auth())
            .json(&json!({"content": "hi"}))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!((status, error["code"].clone()), (403, json!(50013)));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cdn_serves_registered_bytes_only_with_the_signature() {
    let fake = FakeDiscord::start().await;
    let bytes = png(16, 9);
    let attachment = fake.add_attachment(&bytes, "x.png", "image/png");
    let url = attachment["url"].as_str().unwrap();
    assert!(url.starts_with(&fake.api_url()));
    let response = client().get(url).send().await.unwrap();
    assert_eq!(response.status().as_u16(), 200);
    assert_eq!(response.bytes().await.unwrap().to_vec(), bytes);
    let proxied = client()
        .get(attachment["proxy_url"].as_str().unwrap())
        .send()
        .await
        .unwrap();
    assert_eq!(proxied.bytes().await.unwrap().to_vec(), bytes);
    let bare = url.split('?').next().unwrap();
    let response = client().get(bare).send().await.unwrap();
    assert_eq!(response.status().as_u16(), 404);
    assert_eq!(
        response.text().await.unwrap(),
        "This content is no longer available."
    );
    assert_eq!(fake.cdn_bytes(url), Some(bytes));
    assert_eq!(fake.calls_to("GET", "/attachments/").len(), 3);
    assert_eq!(attachment["size"], json!(png(16, 9).len()));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn channel_messages_reply_only_to_known_messages() {
    let fake = FakeDiscord::start().await;
    let http = client();
    let source = fake.message_create(CHANNEL_ID, vec![], "source");
    let source_id = source["id"].as_str().unwrap().to_string();
    let path = api(&fake, &format!("/channels/{CHANNEL_ID}/messages"));
    let payload = json!({
        "attachments": [{"id": 0, "filename": "pixdrop-00000000.webp"}],
        "message_reference": {"message_id": source_id, "channel_id": CHANNEL_ID.to_string(), "fail_if_not_exists": true},
        "allowed_mentions": {"parse": [], "replied_user": false},
    });
    let response = http
        .post(&path)
        .header("authorization", bot_auth())
        .multipart(file_form(
            payload,
            b"RIFF\x04\x00\x00\x00WEBP".to_vec(),
            "x.webp",
        ))
        .send()
        .await
        .unwrap();
    let (status, reply) = json_of(response).await;
    assert_eq!(status, 200, "{reply}");
    let reply = serenity_message(&reply);
    assert_eq!(
        reply
            .message_reference
            .unwrap()
            .message_id
            .unwrap()
            .to_string(),
        source_id
    );
    assert_eq!(reply.referenced_message.unwrap().content, "source");
    assert_eq!(reply.attachments[0].filename, "pixdrop-00000000.webp");

    let wrong = json!({"content": "x", "message_reference": {"message_id": "1234567890123"}});
    let (status, error) = json_of(
        http.post(&path)
            .header("authorization", bot_auth())
            .json(&wrong)
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!((status, error["code"].clone()), (400, json!(50035)));

    let (status, fetched) = json_of(
        http.get(api(
            &fake,
            &format!("/channels/{CHANNEL_ID}/messages/{source_id}"),
        ))
        .header("authorization", bot_auth())
        .send()
        .await
        .unwrap(),
    )
    .await;
    assert_eq!(status, 200);
    assert!(
        fetched.get("guild_id").is_none(),
        "REST messages carry no guild_id"
    );
    assert_eq!(serenity_message(&fetched).content, "source");
    let (status, _) = json_of(
        http.get(api(
            &fake,
            &format!("/channels/{OTHER_CHANNEL_ID}/messages/{source_id}"),
        ))
        .header("authorization", bot_auth())
        .send()
        .await
        .unwrap(),
    )
    .await;
    assert_eq!(status, 404);
    let (status, _) = json_of(
        http.post(&path)
            .json(&json!({"content": "x"}))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, 401);
}

/// Commands built the way an adapter builds them, serialized by serenity.
fn serenity_builders() -> Vec<CreateCommand> {
    vec![
        CreateCommand::new("convert")
            .description("Convert an image")
            .add_option(
                CreateCommandOption::new(CommandOptionType::Attachment, "image", "The image")
                    .required(true),
            )
            .add_option(
                CreateCommandOption::new(CommandOptionType::String, "format", "Format")
                    .required(true)
                    .add_string_choice("WEBP", "webp")
                    .add_string_choice("PNG", "png"),
            )
            .add_option(
                CreateCommandOption::new(CommandOptionType::Integer, "quality", "1-100")
                    .min_int_value(1)
                    .max_int_value(100),
            ),
        CreateCommand::new("privacy").description("What happens to your images"),
        CreateCommand::new("Convert image").kind(CommandType::Message),
    ]
}

/// What the serenity client in the last test saw and got back.
#[derive(Debug)]
enum Seen {
    Ready(u64),
    Registered(Result<Vec<Command>, String>),
    Downloaded(Vec<u8>),
    Edited(Result<Message, String>),
    FollowedUp(Result<Message, String>),
}

struct Recorder(mpsc::UnboundedSender<Seen>);

#[serenity::async_trait]
impl EventHandler for Recorder {
    async fn ready(&self, ctx: Context, ready: serenity::all::Ready) {
        let _ = self.0.send(Seen::Ready(ready.application.id.get()));
        let registered = Command::set_global_commands(&ctx.http, serenity_builders()).await;
        let _ = self
            .0
            .send(Seen::Registered(registered.map_err(|e| e.to_string())));
    }

    async fn interaction_create(&self, ctx: Context, interaction: Interaction) {
        let Some(command) = interaction.command() else {
            return;
        };
        command.defer(&ctx.http).await.expect("defer");
        let attachment = command
            .data
            .resolved
            .attachments
            .values()
            .next()
            .cloned()
            .expect("resolved attachment");
        let bytes = attachment.download().await.expect("download");
        let _ = self.0.send(Seen::Downloaded(bytes.clone()));
        let edit = EditInteractionResponse::new()
            .content("converted")
            .new_attachment(CreateAttachment::bytes(bytes, "pixdrop-0badf00d.png"));
        let edited = command.edit_response(&ctx.http, edit).await;
        let _ = self.0.send(Seen::Edited(edited.map_err(|e| e.to_string())));
        let follow = CreateInteractionResponseFollowup::new()
            .content("also this")
            .ephemeral(true);
        let followed = command.create_followup(&ctx.http, follow).await;
        let _ = self
            .0
            .send(Seen::FollowedUp(followed.map_err(|e| e.to_string())));
    }
}

async fn next_seen(saw: &mut mpsc::UnboundedReceiver<Seen>) -> Seen {
    tokio::time::timeout(Duration::from_secs(10), saw.recv())
        .await
        .expect("serenity reported within 10 s")
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
    assert_eq!(identified["token"], json!(bot_auth()));
    assert_eq!(identified["intents"], json!(intents.bits()));
    assert!(matches!(
        next_seen(&mut saw).await,
        Seen::Ready(APPLICATION_ID)
    ));
    match next_seen(&mut saw).await {
        Seen::Registered(Ok(commands)) => {
            let kinds: Vec<(String, CommandType)> =
                commands.into_iter().map(|c| (c.name, c.kind)).collect();
            assert_eq!(
                kinds,
                vec![
                    ("convert".to_string(), CommandType::ChatInput),
                    ("privacy".to_string(), CommandType::ChatInput),
                    ("Convert image".to_string(), CommandType::Message),
                ]
            );
        }
        other => panic!("set_global_commands failed: {other:?}\n{}", fake.dump()),
    }
    let sent = serde_json::to_value(serenity_builders()).unwrap();
    assert_eq!(fake.calls_to("PUT", "/commands")[0].json, sent);

    let bytes = png(24, 24);
    let image = fake.add_attachment(&bytes, "in.png", "image/png");
    let slash = fake.slash_command(
        "convert",
        vec![attachment_option("image", &image)],
        vec![image.clone()],
        UPLOAD_LIMIT,
    );
    fake.interact(&slash);
    match next_seen(&mut saw).await {
        Seen::Downloaded(got) => assert_eq!(got, bytes),
        other => panic!("expected the download, got {other:?}"),
    }
    match next_seen(&mut saw).await {
        Seen::Edited(Ok(message)) => {
            assert_eq!(message.attachments[0].filename, "pixdrop-0badf00d.png");
            assert_eq!(message.content, "converted");
        }
        other => panic!("edit_response failed: {other:?}\n{}", fake.dump()),
    }
    match next_seen(&mut saw).await {
        Seen::FollowedUp(Ok(message)) => assert!(message.flags.is_some_and(|f| f.bits() & 64 != 0)),
        other => panic!("create_followup failed: {other:?}\n{}", fake.dump()),
    }
    let calls = fake.calls();
    assert!(calls.iter().any(|c| c.is("GET", "/api/v10/gateway")));
    let order: Vec<String> = calls
        .iter()
        .filter(|c| c.path.contains("/interactions/") || c.path.contains("/webhooks/"))
        .map(|c| {
            format!(
                "{} {}",
                c.method,
                c.path.split('/').take(4).collect::<Vec<_>>().join("/")
            )
        })
        .collect();
    assert_eq!(
        order,
        vec![
            "POST /api/v10/interactions",
            "PATCH /api/v10/webhooks",
            "POST /api/v10/webhooks",
        ],
        "{}",
        fake.dump()
    );
    let callback = &calls
        .iter()
        .find(|c| c.is("POST", "/callback"))
        .unwrap()
        .json;
    assert_eq!(callback["type"], 5);
    let patch = calls.iter().find(|c| c.is("PATCH", "@original")).unwrap();
    assert!(patch.multipart);
    assert_eq!(patch.files[0].0, "files[0]");
    assert_eq!(
        patch.json["attachments"][0]["filename"],
        "pixdrop-0badf00d.png"
    );

    shards.shutdown_all().await;
    let stopped = tokio::time::timeout(Duration::from_secs(10), running).await;
    assert!(
        matches!(stopped, Ok(Ok(Ok(())))),
        "serenity stopped: {stopped:?}"
    );
}
