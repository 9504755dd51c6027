//! Checks the rules the loopback Discord fake enforces, so the adapter's
//! tests can trust a pass: the gateway answers Identify with a READY
//! serenity reads, acknowledges heartbeats, resumes a known session, closes
//! bad ones with Discord's codes and filters by intents; registration
//! refuses what Discord refuses; interaction answers keep to the 3-second
//! window, one initial response, the token's 15 minutes and the upload
//! limit; 429s carry the wait and bucket headers; the CDN wants its signature. Payload shapes
//! need no check here: the fake builds them through serenity's models, and
//! every adapter test runs serenity's own gateway client against it.

use crate::discord_fake;
use crate::png;

use std::time::Duration;

use discord_fake::payloads::string_option;
use discord_fake::{
    APPLICATION_ID, CHANNEL_ID, FailWith, FakeDiscord, TOKEN, TOKEN_LIFETIME, UPLOAD_LIMIT, intents,
};
use futures_util::{SinkExt, StreamExt};
use reqwest::multipart::{Form, Part};
use serde_json::{Value, json};
use serenity::all::Message;
use serenity::model::event::GatewayEvent;
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

/// An Identify as serenity 0.12.5 writes it.
fn identify(token: &str, intents: u64, shard: Value) -> Value {
    json!({"op": 2, "d": {
        "compress": true, "token": token, "large_threshold": 250, "shard": shard,
        "intents": intents,
        "properties": {"browser": "serenity", "device": "serenity", "os": "linux"},
    }})
}

/// Connects, reads Hello, sends `frame`; the connection and its answer.
async fn opened_with(fake: &FakeDiscord, frame: Value) -> (Ws, Result<Value, u16>) {
    let url = format!("{}/gateway?v=10", fake.api_url().replace("http", "ws"));
    let mut ws = tokio_tungstenite::connect_async(url).await.unwrap().0;
    assert_eq!(next(&mut ws).await.unwrap()["op"], 10, "Hello first");
    ws.send(Frame::Text(frame.to_string())).await.unwrap();
    let answer = next(&mut ws).await;
    (ws, answer)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_gateway_closes_bad_sessions_and_filters_by_intents() {
    let fake = FakeDiscord::start().await;
    let (_, answer) = opened_with(&fake, identify("Bot wrong", 0, json!([0, 1]))).await;
    assert_eq!(answer, Err(4004), "a bad token is refused");
    fake.require_shards(2);
    let token = format!("Bot {TOKEN}");
    let (_, answer) = opened_with(&fake, identify(&token, 0, json!([0, 1]))).await;
    assert_eq!(answer, Err(4011), "sharding required");

    let guild_messages = intents::GUILD_MESSAGES | intents::GUILDS;
    let (mut ws, ready) = opened_with(&fake, identify(&token, guild_messages, json!([1, 2]))).await;
    let ready = ready.unwrap();
    let Ok(GatewayEvent::Dispatch(1, _)) = serde_json::from_value(ready.clone()) else {
        panic!("serenity cannot read READY: {ready}");
    };
    ws.send(Frame::Text(json!({"op": 1, "d": 1}).to_string()))
        .await
        .unwrap();
    assert_eq!(
        next(&mut ws).await.unwrap()["op"],
        11,
        "heartbeats are acknowledged"
    );
    let image = fake.add_attachment(&png(8, 8), "a.png", "image/png");
    let posted = fake.message_create(CHANNEL_ID, vec![image], "hi");
    fake.dispatch("MESSAGE_CREATE", posted);
    let message = next(&mut ws).await.unwrap();
    assert_eq!(message["s"], 2, "{message}");
    let bare = (&message["d"]["content"], &message["d"]["attachments"]);
    assert_eq!(
        bare,
        (&json!(""), &json!([])),
        "without MESSAGE_CONTENT a guild message comes bare"
    );

    fake.drop_gateway(4000);
    let session = &ready["d"]["session_id"];
    let resume = |session| json!({"op": 6, "d": {"token": token, "session_id": session, "seq": 2}});
    let (_, answer) = opened_with(&fake, resume(json!("other"))).await;
    assert_eq!(answer.unwrap()["op"], 9, "an unknown session cannot resume");
    let (_, answer) = opened_with(&fake, resume(session.clone())).await;
    assert_eq!(answer.unwrap()["t"], "RESUMED");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn registration_refuses_what_discord_refuses() {
    let fake = FakeDiscord::start().await;
    let option = json!({"name": "image", "type": 11, "description": "x", "choices": []});
    let with = |path: &str, value: Value| {
        let mut command = json!({"name": "c", "description": "x", "options": [option]});
        *command.pointer_mut(path).unwrap() = value;
        command
    };
    let refused = [
        (
            with("/name", json!("Convert")),
            "APPLICATION_COMMAND_INVALID_NAME",
        ),
        (with("/description", json!("")), "BASE_TYPE_BAD_LENGTH"),
        (
            with("/description", json!("x".repeat(101))),
            "BASE_TYPE_BAD_LENGTH",
        ),
        (with("/options/0/type", json!(12)), "BASE_TYPE_CHOICES"),
        (
            with("/options/0/description", json!("")),
            "BASE_TYPE_BAD_LENGTH",
        ),
        (
            with("/options/0/choices", json!([{"name": "a", "value": "a"}])),
            "CHOICES_INVALID_TYPE",
        ),
        (
            with(
                "/options",
                json!([
                    {"name": "a", "type": 3, "description": "x"},
                    {"name": "b", "type": 3, "description": "x", "required": true},
                ]),
            ),
            "REQUIRED_INVALID_ORDER",
        ),
        (
            json!({"name": "Convert image", "type": 3, "description": "x"}),
            "CONTEXT_MENU_DESCRIPTION",
        ),
    ];
    let path = format!("/applications/{APPLICATION_ID}/commands");
    for (command, code) in refused {
        let (status, error) = call(&fake, "PUT", &path, Some(json!([command]))).await;
        assert_eq!((status, &error["code"]), (400, &json!(50035)), "{command}");
        assert!(
            error["errors"].to_string().contains(code),
            "{command}: {error}"
        );
    }
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
