//! Checks the rules the loopback Telegram fake enforces, so an adapter test
//! that passes against it means something: teloxide reads what it serves
//! and uploads through it (chunked multipart); long polling keeps offsets,
//! `allowed_updates` and its 409 conflicts; the Bot API's limits and
//! refusals come back as Telegram words them. The payloads themselves are
//! teloxide's own types, and every pushed update is parsed on the way in.

use crate::{jpeg, support};

use std::time::Duration;

use serde_json::{Value, json};
use support::telegram_fake::{FailWith, FakeTelegram};
use teloxide::net::Download;
use teloxide::prelude::*;
use teloxide::types::{
    InlineKeyboardButton, InlineKeyboardMarkup, InputFile, MessageId, ReplyParameters, UpdateKind,
};
use teloxide::{ApiError, RequestError};

const CHAT: i64 = 4242;
const GROUP: i64 = -1_001_234_567_890;

fn bot(fake: &FakeTelegram) -> Bot {
    Bot::new(fake.token()).set_api_url(fake.api_url().parse().unwrap())
}

/// A JSON call as the raw HTTP API takes it: (status, description).
async fn raw(fake: &FakeTelegram, method: &str, body: Value) -> (u16, String) {
    let url = format!("{}/bot{}/{method}", fake.api_url(), fake.token());
    let response = reqwest::Client::new()
        .post(url)
        .json(&body)
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    let answer: Value = response.json().await.unwrap();
    (
        status,
        answer["description"].as_str().unwrap_or_default().into(),
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn teloxide_reads_updates_uploads_and_downloads() {
    let fake = FakeTelegram::start().await;
    assert_eq!(
        bot(&fake).get_me().await.unwrap().username(),
        "pixdrop_test_bot"
    );
    let (photo, _, _) = fake.add_file(&jpeg(400, 300), "jpg");
    let first = fake.private_photo(CHAT, CHAT, &photo, Some("/convert webp"));
    let source = first["message"]["message_id"].as_i64().unwrap();
    fake.push_update(first);
    fake.push_updates(fake.private_album(CHAT, CHAT, &[&photo, &photo], Some("/pdf")));
    let updates = bot(&fake).get_updates().await.unwrap();
    let messages: Vec<&Message> = updates
        .iter()
        .filter_map(|u| match &u.kind {
            UpdateKind::Message(m) => Some(m),
            _ => None,
        })
        .collect();
    let sizes = messages[0].photo().unwrap();
    let sides: Vec<_> = sizes.iter().map(|s| (s.width, s.height)).collect();
    assert_eq!(sides, [(90, 68), (320, 240), (400, 300)], "smallest first");
    assert_eq!(sizes[2].file.id.0, photo);
    assert_eq!(
        messages[0].parse_caption_entities().unwrap()[0].text(),
        "/convert"
    );
    assert!(messages[1].media_group_id().is_some());
    assert_eq!(messages[1].media_group_id(), messages[2].media_group_id());
    assert_eq!(
        (messages[1].caption(), messages[2].caption()),
        (Some("/pdf"), None)
    );

    let bytes = jpeg(30, 20);
    let keyboard = InlineKeyboardMarkup::new([[InlineKeyboardButton::callback("Again", "again")]]);
    let sent = bot(&fake)
        .send_document(
            ChatId(CHAT),
            InputFile::memory(bytes.clone()).file_name("out.jpg"),
        )
        .caption("Here it is")
        .reply_parameters(ReplyParameters::new(MessageId(source as i32)))
        .reply_markup(keyboard)
        .await
        .unwrap();
    assert_eq!(sent.reply_to_message().unwrap().id.0 as i64, source);
    let call = fake.calls().pop().unwrap();
    assert!(call.is("SendDocument") && call.succeeded(), "{call}");
    assert_eq!(call.fields["chat_id"], json!(CHAT.to_string()), "multipart");
    assert_eq!(call.file("document"), Some(("out.jpg", bytes.as_slice())));
    assert_eq!((call.reply_to(), call.text()), (Some(source), "Here it is"));
    assert_eq!(call.buttons()[0]["callback_data"], "again");

    let file = bot(&fake)
        .get_file(sent.document().unwrap().file.id.clone())
        .await
        .unwrap();
    let mut downloaded = Vec::new();
    bot(&fake)
        .download_file(&file.path, &mut downloaded)
        .await
        .unwrap();
    assert_eq!(downloaded, bytes);
    assert!(
        fake.calls()
            .iter()
            .any(|c| c.is("download") && c.succeeded())
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn long_polling_keeps_offsets_allowed_updates_and_conflicts() {
    let fake = FakeTelegram::start().await;
    let text = fake.private_text(CHAT, CHAT, "one");
    let query = fake.callback_query(CHAT, text["message"].clone(), "x");
    let ids = fake.push_updates(vec![text, query, fake.private_text(CHAT, CHAT, "two")]);
    let url = format!("{}/bot{}/getUpdates", fake.api_url(), fake.token());
    let polled = |offset: u64| {
        let url = url.clone();
        async move {
            let body = json!({"offset": offset, "allowed_updates": ["message"]});
            let answer: Value = reqwest::Client::new()
                .post(url)
                .json(&body)
                .send()
                .await
                .unwrap()
                .json()
                .await
                .unwrap();
            let result = answer["result"].as_array().cloned().unwrap_or_default();
            result
                .iter()
                .map(|u| u["update_id"].as_u64().unwrap())
                .collect::<Vec<_>>()
        }
    };
    assert_eq!(
        polled(0).await,
        [ids[0], ids[2]],
        "callback_query not allowed"
    );
    assert_eq!(
        polled(ids[1]).await,
        [ids[2]],
        "below the offset is confirmed"
    );
    fake.wait_delivered(ids[2], Duration::from_secs(1)).await;

    let first = tokio::spawn({
        let bot = bot(&fake);
        async move {
            bot.get_updates()
                .offset(ids[2] as i32 + 1)
                .timeout(10)
                .await
        }
    });
    let open = |calls: &[support::telegram_fake::Call]| calls.iter().any(|c| c.status.is_none());
    fake.wait_for(open, Duration::from_secs(2)).await;
    assert_eq!(raw(&fake, "getUpdates", json!({})).await.0, 200);
    match first.await.unwrap() {
        Err(RequestError::Api(ApiError::TerminatedByOtherGetUpdates)) => {}
        other => panic!("expected a 409 conflict, got {other:?}"),
    }
    let hook = json!({"url": "https://pixdrop.test/hook", "secret_token": "s3cret"});
    assert_eq!(raw(&fake, "setWebhook", hook).await.0, 200);
    assert_eq!(
        raw(&fake, "getUpdates", json!({})).await.0,
        409,
        "webhook set"
    );
}

/// Method | JSON body (CAPITALS filled in by the test) | what Telegram
/// says back ("ok" for a success).
const CASES: &str = r#"
sendMessage | {"chat_id": 1, "text": "x"} | chat not found
sendMessage | {"text": "x"} | chat_id is empty
sendMessage | {"chat_id": CHAT, "text": " "} | message text is empty
sendMessage | {"chat_id": CHAT, "text": "E4097"} | message is too long
sendMessage | {"chat_id": CHAT, "text": "E4096"} | ok
sendMessage | {"chat_id": CHAT, "text": "x", "parse_mode": "HTML"} | can't parse entities
sendMessage | {"chat_id": CHAT, "text": "x", "reply_parameters": {"message_id": 999}} | message to be replied not found
sendMessage | {"chat_id": CHAT, "text": "x", "reply_parameters": {"message_id": 999, "allow_sending_without_reply": true}} | ok
sendMessage | {"chat_id": CHAT, "text": "x", "reply_parameters": {"message_id": TEXT_ID}, "reply_markup": {"inline_keyboard": [[{"text": "a", "callback_data": "D64"}]]}} | ok
sendMessage | {"chat_id": CHAT, "text": "x", "reply_markup": {"inline_keyboard": [[{"text": "a", "callback_data": "D65"}]]}} | BUTTON_DATA_INVALID
sendMessage | {"chat_id": CHAT, "text": "x", "reply_markup": {"inline_keyboard": [[{"text": "a"}]]}} | can't parse inline keyboard button
sendDocument | {"chat_id": CHAT, "document": "SMALL", "caption": "C1025"} | message caption is too long
sendDocument | {"chat_id": CHAT, "document": "SMALL", "caption": "ok"} | ok
sendDocument | {"chat_id": CHAT} | there is no document in the request
getFile | {"file_id": "SMALL"} | ok
getFile | {"file_id": "BIG"} | file is too big
getFile | {"file_id": "nope"} | invalid file_id
answerCallbackQuery | {"callback_query_id": "QUERY"} | ok
answerCallbackQuery | {"callback_query_id": "QUERY"} | query is too old
sendChatAction | {"chat_id": CHAT, "action": "upload_document"} | ok
sendChatAction | {"chat_id": CHAT, "action": "upload"} | wrong parameter action
getChatAdministrators | {"chat_id": CHAT} | no administrators in the private chat
getChatAdministrators | {"chat_id": GROUP} | ok
setWebhook | {"url": "http://pixdrop.test/hook"} | An HTTPS URL must be provided
setWebhook | {"url": "https://pixdrop.test/hook", "secret_token": "a b"} | unallowed characters
setMyCommands | {"commands": [{"command": "Convert", "description": "x"}]} | BOT_COMMAND_INVALID
setMyCommands | {"commands": [{"command": "convert", "description": ""}]} | description is empty
editMessageText | {"chat_id": CHAT, "message_id": 1, "text": "x"} | Not Found
"#;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bot_api_limits_and_refusals_are_telegrams() {
    let fake = FakeTelegram::start().await;
    let text = fake.private_text(CHAT, CHAT, "hi");
    let text_id = text["message"]["message_id"].clone();
    fake.push_update(text);
    fake.push_update(fake.group_message_text(GROUP, 7, "hello", None));
    let (small, _, _) = fake.add_file(b"tiny", "png");
    let (big, _, _) = fake.add_large_file(20 * 1024 * 1024 + 1, "png");
    let held = fake.message(CHAT, text_id.as_i64().unwrap()).unwrap();
    let query = fake.callback_query(CHAT, held, "d");
    let query_id = query["callback_query"]["id"].clone();
    fake.push_update(query);
    let fill = |body: &str| {
        let body = (body.replace("CHAT", &CHAT.to_string()))
            .replace("GROUP", &GROUP.to_string())
            .replace("TEXT_ID", &text_id.to_string())
            .replace("SMALL", &small)
            .replace("BIG", &big)
            .replace("QUERY", query_id.as_str().unwrap())
            .replace("D64", &"d".repeat(64))
            .replace("D65", &"d".repeat(65))
            .replace("C1025", &"c".repeat(1025))
            .replace("E4096", &"é".repeat(4096))
            .replace("E4097", &"é".repeat(4097));
        serde_json::from_str::<Value>(&body).unwrap()
    };
    for case in CASES.lines().filter(|line| !line.trim().is_empty()) {
        let [method, body, expected] = [0, 1, 2].map(|i| case.split(" | ").nth(i).unwrap().trim());
        let (status, said) = raw(&fake, method, fill(body)).await;
        match expected {
            "ok" => assert_eq!((status, said.as_str()), (200, ""), "{case}"),
            _ => assert!(
                status >= 400 && said.contains(expected),
                "{case}: {status} {said}"
            ),
        }
    }
    let url = format!("{}/botWRONG:token/getMe", fake.api_url());
    let status = reqwest::Client::new()
        .post(url)
        .send()
        .await
        .unwrap()
        .status();
    assert_eq!(status.as_u16(), 401);

    let too_big = InputFile::memory(vec![0u8; (50 << 20) + 1]).file_name("big.png");
    match bot(&fake).send_document(ChatId(CHAT), too_big).await {
        Err(RequestError::Api(ApiError::RequestEntityTooLarge)) => {}
        other => panic!("expected 413 for an upload over 50 MB, got {other:?}"),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn injected_failures_look_like_telegrams() {
    let fake = FakeTelegram::start().await;
    fake.push_update(fake.private_text(CHAT, CHAT, "hi"));
    fake.fail_next("SendMessage", FailWith::RetryAfter(3));
    let blocked = "Forbidden: bot was blocked by the user";
    fake.fail_next("sendmessage", FailWith::Status(403, blocked.into()));
    let bot = bot(&fake);
    match bot.send_message(ChatId(CHAT), "one").await {
        Err(RequestError::RetryAfter(after)) => assert_eq!(after.seconds(), 3),
        other => panic!("expected RetryAfter, got {other:?}"),
    }
    match bot.send_message(ChatId(CHAT), "two").await {
        Err(RequestError::Api(ApiError::BotBlocked)) => {}
        other => panic!("expected BotBlocked, got {other:?}"),
    }
    bot.send_message(ChatId(CHAT), "three").await.unwrap();
    let statuses: Vec<_> = fake.calls().iter().map(|c| c.status).collect();
    assert_eq!(statuses, [Some(429), Some(403), Some(200)]);
}
