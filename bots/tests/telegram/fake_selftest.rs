//! Checks the loopback Telegram fake against the real client: teloxide
//! itself parses every Update the builders make and every answer the fake
//! gives, uploads through it (chunked multipart) and downloads from it;
//! raw HTTP checks offsets, long polling, 409 conflicts, flood control and
//! the Bot API's own refusals. If this fails, the adapter's tests prove
//! nothing.

use crate::{jpeg, png, support};

use std::time::{Duration, Instant};

use serde_json::{Value, json};
use support::telegram_fake::{BOT_USERNAME, FailWith, FakeTelegram};
use teloxide::net::Download;
use teloxide::prelude::*;
use teloxide::types::{
    ChatId, FileId, InlineKeyboardButton, InlineKeyboardMarkup, InputFile, MessageEntityKind,
    MessageId, ReplyParameters, UpdateKind,
};
use teloxide::{ApiError, RequestError};

const CHAT: i64 = 4242;
const GROUP: i64 = -1_001_234_567_890;

fn bot(fake: &FakeTelegram) -> Bot {
    Bot::new(fake.token()).set_api_url(fake.api_url().parse().unwrap())
}

async fn raw(fake: &FakeTelegram, method: &str, body: Value) -> (u16, Value) {
    let url = format!("{}/bot{}/{method}", fake.api_url(), fake.token());
    let response = reqwest::Client::new()
        .post(url)
        .json(&body)
        .send()
        .await
        .unwrap();
    (response.status().as_u16(), response.json().await.unwrap())
}

fn description(answer: &Value) -> &str {
    answer["description"].as_str().unwrap_or_default()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn get_me_satisfies_teloxide_and_methods_ignore_case() {
    let fake = FakeTelegram::start().await;
    let me = bot(&fake).get_me().await.unwrap();
    assert_eq!(me.username(), BOT_USERNAME);
    assert!(me.is_bot);

    let (status, answer) = raw(&fake, "GETWEBHOOKINFO", json!({})).await;
    assert_eq!(status, 200);
    assert_eq!(answer["result"]["url"], "");
    assert_eq!(answer["result"]["pending_update_count"], 0);

    let url = format!("{}/botWRONG:token/getMe", fake.api_url());
    let response = reqwest::Client::new().post(url).send().await.unwrap();
    assert_eq!(response.status().as_u16(), 401);
    assert_eq!(fake.calls()[0].method, "getme");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_built_update_parses_as_teloxide_types() {
    let fake = FakeTelegram::start().await;
    let (photo, _, _) = fake.add_file(&jpeg(400, 300), "jpg");
    let (png, _, _) = fake.add_file(&png(20, 20), "png");
    let private = fake.private_photo(CHAT, CHAT, &photo, Some("/convert webp 80"));
    let document = fake.private_document(CHAT, CHAT, &png, Some("/info"));
    let group_photo = fake.group_photo(GROUP, 7, &photo, None);
    let reply = fake.group_message_text(
        GROUP,
        7,
        "/convert@pixdrop_test_bot png",
        Some(group_photo.clone()),
    );
    let album = fake.private_album(CHAT, CHAT, &[&photo, &photo], Some("/pdf"));
    let text = fake.private_text(CHAT, CHAT, "/privacy");
    let query = fake.callback_query(CHAT, text["message"].clone(), "fmt:webp");
    for update in [private, document, group_photo, reply, text, query]
        .into_iter()
        .chain(album)
    {
        fake.push_update(update);
    }

    let updates = bot(&fake).get_updates().await.unwrap();
    assert_eq!(updates.len(), 8);
    let messages: Vec<&Message> = updates
        .iter()
        .filter_map(|u| match &u.kind {
            UpdateKind::Message(m) => Some(m),
            UpdateKind::CallbackQuery(_) => None,
            other => panic!("unparsed update: {other:?}"),
        })
        .collect();

    let sizes = messages[0].photo().expect("a photo message");
    let sides: Vec<(u32, u32)> = sizes.iter().map(|s| (s.width, s.height)).collect();
    assert_eq!(sides, [(90, 68), (320, 240), (400, 300)]);
    assert_eq!(sizes[2].file.id.0, photo);
    assert_eq!(messages[0].caption(), Some("/convert webp 80"));
    let entity = &messages[0].caption_entities().unwrap()[0];
    assert_eq!(
        (entity.kind.clone(), entity.length),
        (MessageEntityKind::BotCommand, 8)
    );

    let doc = messages[1].document().expect("a document message");
    assert_eq!(doc.file_name.as_deref(), Some("secret-holiday.png"));
    assert_eq!(
        doc.mime_type.as_ref().map(|m| m.essence_str()),
        Some("image/png")
    );

    assert!(messages[2].chat.is_supergroup());
    assert!(messages[3].reply_to_message().unwrap().photo().is_some());
    assert_eq!(messages[3].text(), Some("/convert@pixdrop_test_bot png"));
    assert!(messages[3].chat.is_supergroup());

    let groups: Vec<_> = messages[5..].iter().map(|m| m.media_group_id()).collect();
    assert!(groups[0].is_some() && groups[0] == groups[1]);
    assert_eq!(messages[5].caption(), Some("/pdf"));
    assert_eq!(messages[6].caption(), None);

    let UpdateKind::CallbackQuery(query) = &updates[5].kind else {
        panic!("expected a callback query, got {:?}", updates[5].kind);
    };
    assert_eq!(query.data.as_deref(), Some("fmt:webp"));
    assert_eq!(query.regular_message().unwrap().text(), Some("/privacy"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn get_updates_honours_offset_long_poll_and_allowed_updates() {
    let fake = FakeTelegram::start().await;
    let ids: Vec<u64> = (0..3)
        .map(|i| fake.push_update(fake.private_text(CHAT, CHAT, &format!("hello {i}"))))
        .collect();

    let (_, all) = raw(&fake, "getUpdates", json!({"offset": 0})).await;
    assert_eq!(all["result"].as_array().unwrap().len(), 3);
    let (_, rest) = raw(&fake, "getUpdates", json!({"offset": ids[1]})).await;
    let rest: Vec<u64> = rest["result"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["update_id"].as_u64().unwrap())
        .collect();
    assert_eq!(rest, [ids[1], ids[2]]);

    let started = Instant::now();
    let (_, empty) = raw(
        &fake,
        "getUpdates",
        json!({"offset": ids[2] + 1, "timeout": 10}),
    )
    .await;
    assert_eq!(empty["result"], json!([]));
    let waited = started.elapsed();
    assert!(
        waited >= Duration::from_millis(1800) && waited < Duration::from_secs(4),
        "{waited:?}"
    );

    let started = Instant::now();
    let poll = tokio::spawn({
        let url = format!("{}/bot{}/getUpdates", fake.api_url(), fake.token());
        async move {
            let body = json!({"offset": 0, "timeout": 10, "allowed_updates": ["message"]});
            let response = reqwest::Client::new()
                .post(url)
                .json(&body)
                .send()
                .await
                .unwrap();
            response.json::<Value>().await.unwrap()
        }
    });
    tokio::time::sleep(Duration::from_millis(300)).await;
    let message = fake.private_text(CHAT, CHAT, "late");
    fake.push_update(fake.callback_query(CHAT, message["message"].clone(), "x"));
    let late = fake.push_update(message);
    let answer = poll.await.unwrap();
    assert!(started.elapsed() < Duration::from_millis(1500));
    let result = answer["result"].as_array().unwrap();
    assert_eq!(
        result.len(),
        1,
        "callback_query is not in allowed_updates: {answer}"
    );
    assert_eq!(result[0]["update_id"].as_u64(), Some(late));
    fake.wait_delivered(late, Duration::from_secs(1)).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_second_get_updates_terminates_the_first_with_409() {
    let fake = FakeTelegram::start().await;
    let first = tokio::spawn({
        let bot = bot(&fake);
        async move { bot.get_updates().timeout(10).await }
    });
    fake.wait_for(
        |calls| calls.iter().any(|c| c.is("getupdates")),
        Duration::from_secs(2),
    )
    .await;
    let (status, second) = raw(&fake, "getUpdates", json!({"timeout": 0})).await;
    assert_eq!((status, second["ok"].clone()), (200, json!(true)));
    match first.await.unwrap() {
        Err(RequestError::Api(ApiError::TerminatedByOtherGetUpdates)) => {}
        other => panic!("expected a 409 conflict, got {other:?}"),
    }
    assert_eq!(fake.calls()[0].status, Some(409));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn uploads_decode_and_answers_parse_as_messages() {
    let fake = FakeTelegram::start().await;
    let source = fake.private_text(CHAT, CHAT, "/start");
    let source_id = source["message"]["message_id"].as_i64().unwrap();
    fake.push_update(source);
    let bytes = jpeg(30, 20);
    let keyboard = InlineKeyboardMarkup::new([[InlineKeyboardButton::callback("Again", "again")]]);

    let sent = bot(&fake)
        .send_document(
            ChatId(CHAT),
            InputFile::memory(bytes.clone()).file_name("out.jpg"),
        )
        .caption("Here it is")
        .reply_parameters(ReplyParameters::new(MessageId(source_id as i32)))
        .reply_markup(keyboard)
        .await
        .unwrap();
    assert_eq!(
        sent.document().unwrap().file_name.as_deref(),
        Some("out.jpg")
    );
    assert_eq!(sent.reply_to_message().unwrap().id.0 as i64, source_id);

    let call = fake.calls().pop().unwrap();
    assert!(call.is("SendDocument") && call.succeeded(), "{call}");
    assert_eq!(call.fields["chat_id"], json!(CHAT.to_string()));
    assert_eq!(call.chat_id(), Some(CHAT));
    assert!(call.str("document").unwrap().starts_with("attach://"));
    assert_eq!(call.file("document"), Some(("out.jpg", bytes.as_slice())));
    assert_eq!(call.reply_to(), Some(source_id));
    assert!(call.field("reply_parameters").unwrap().is_string());
    assert_eq!(call.buttons()[0]["callback_data"], "again");
    assert_eq!(call.text(), "Here it is");

    let uploaded = sent.document().unwrap().file.id.clone();
    let file = bot(&fake).get_file(uploaded).await.unwrap();
    let mut downloaded = Vec::new();
    bot(&fake)
        .download_file(&file.path, &mut downloaded)
        .await
        .unwrap();
    assert_eq!(downloaded, bytes);
    assert!(fake.message(CHAT, sent.id.0 as i64).is_some());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn get_file_serves_bytes_and_refuses_what_telegram_refuses() {
    let fake = FakeTelegram::start().await;
    let bytes = png(10, 10);
    let (id, unique, size) = fake.add_file(&bytes, "png");
    let file = bot(&fake).get_file(FileId(id.clone())).await.unwrap();
    assert_eq!(file.path, "documents/file_1.png");
    assert_eq!(
        (file.unique_id.0.as_str(), file.size as u64),
        (unique.as_str(), size)
    );

    let plain = format!("{}/file/bot{}/{}", fake.api_url(), fake.token(), file.path);
    let fetched = reqwest::get(plain).await.unwrap().bytes().await.unwrap();
    assert_eq!(fetched.as_ref(), bytes.as_slice());
    let mut encoded = Vec::new();
    bot(&fake)
        .download_file(&file.path, &mut encoded)
        .await
        .unwrap();
    assert_eq!(encoded, bytes);
    let downloads: Vec<_> = fake
        .calls()
        .into_iter()
        .filter(|c| c.is("download"))
        .collect();
    assert!(
        downloads
            .iter()
            .all(|c| c.str("file_path") == Some("documents/file_1.png"))
    );

    let (status, unknown) = raw(&fake, "getFile", json!({"file_id": "nope"})).await;
    assert_eq!(
        (status, description(&unknown)),
        (400, "Bad Request: invalid file_id")
    );
    let (big, _, _) = fake.add_large_file(30_000_000, "png");
    let (status, too_big) = raw(&fake, "getFile", json!({"file_id": big})).await;
    assert_eq!(
        (status, description(&too_big)),
        (400, "Bad Request: file is too big")
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn injected_failures_look_like_telegrams() {
    let fake = FakeTelegram::start().await;
    fake.push_update(fake.private_text(CHAT, CHAT, "hi"));
    fake.fail_next("SendMessage", FailWith::RetryAfter(3));
    fake.fail_next(
        "sendmessage",
        FailWith::Status(403, "Forbidden: bot was blocked by the user".into()),
    );
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

    let (status, answer) = raw(&fake, "sendMessage", json!({"chat_id": CHAT, "text": "x"})).await;
    assert_eq!(status, 200, "{answer}");
    fake.fail_next("sendMessage", FailWith::RetryAfter(1));
    let (status, answer) = raw(&fake, "sendMessage", json!({"chat_id": CHAT, "text": "x"})).await;
    assert_eq!(status, 429);
    assert_eq!(answer["parameters"]["retry_after"], 1);
    assert_eq!(answer["error_code"], 429);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bot_api_rules_are_enforced() {
    let fake = FakeTelegram::start().await;
    let text = fake.private_text(CHAT, CHAT, "hi");
    let text_id = text["message"]["message_id"].as_i64().unwrap();
    fake.push_update(text);
    let send = |body: Value| raw(&fake, "sendMessage", body);

    let refusals = [
        (
            json!({"chat_id": 1, "text": "x"}),
            "Bad Request: chat not found",
        ),
        (
            json!({"chat_id": CHAT, "text": ""}),
            "Bad Request: message text is empty",
        ),
        (
            json!({"chat_id": CHAT, "text": "x", "reply_parameters": {"message_id": 999}}),
            "Bad Request: message to be replied not found",
        ),
        (
            json!({"chat_id": CHAT, "text": "x", "reply_markup": {"inline_keyboard": [[{"text": "a", "callback_data": "d".repeat(65)}]]}}),
            "Bad Request: BUTTON_DATA_INVALID",
        ),
        (
            json!({"chat_id": CHAT, "text": "<x>hi</x>", "parse_mode": "HTML"}),
            "Bad Request: can't parse entities: Unsupported start tag \"x\" at byte offset 0",
        ),
        (
            json!({"chat_id": CHAT, "text": "1.5 MB", "parse_mode": "MarkdownV2"}),
            "Bad Request: can't parse entities: Character '.' is reserved and must be escaped with the preceding '\\'",
        ),
        (
            json!({"chat_id": CHAT, "text": "x".repeat(4097)}),
            "Bad Request: message is too long",
        ),
    ];
    for (body, expected) in refusals {
        let (status, answer) = send(body).await;
        assert_eq!((status, description(&answer)), (400, expected));
    }

    let (_, ok) = send(
        json!({"chat_id": CHAT, "text": "<b>1.5</b> &amp; <i>ok</i>", "parse_mode": "HTML",
        "reply_parameters": {"message_id": text_id},
        "reply_markup": {"inline_keyboard": [[{"text": "a", "callback_data": "d".repeat(64)}]]}}),
    )
    .await;
    assert_eq!(ok["result"]["text"], "1.5 & ok");
    assert_eq!(ok["result"]["reply_to_message"]["message_id"], text_id);
    let (_, ok) =
        send(json!({"chat_id": CHAT, "text": "*1\\.5* MB", "parse_mode": "MarkdownV2"})).await;
    assert_eq!(ok["result"]["text"], "1.5 MB");
    let sent = ok["result"]["message_id"].clone();

    let edit = json!({"chat_id": CHAT, "message_id": sent, "text": "1.5 MB"});
    let (status, same) = raw(&fake, "editMessageText", edit).await;
    assert_eq!(status, 400);
    assert!(description(&same).starts_with("Bad Request: message is not modified"));
    let edit = json!({"chat_id": CHAT, "message_id": text_id, "text": "changed"});
    let (_, foreign) = raw(&fake, "editMessageText", edit).await;
    assert_eq!(
        description(&foreign),
        "Bad Request: message can't be edited"
    );

    let query = fake.callback_query(
        CHAT,
        fake.message(CHAT, sent.as_i64().unwrap()).unwrap(),
        "d",
    );
    let query_id = query["callback_query"]["id"].clone();
    fake.push_update(query);
    let answer = json!({"callback_query_id": query_id});
    assert_eq!(
        raw(&fake, "answerCallbackQuery", answer.clone()).await.0,
        200
    );
    assert_eq!(raw(&fake, "answerCallbackQuery", answer).await.0, 400);

    let (status, action) = raw(
        &fake,
        "sendChatAction",
        json!({"chat_id": CHAT, "action": "upload"}),
    )
    .await;
    assert_eq!(
        (status, description(&action)),
        (400, "Bad Request: wrong parameter action in request")
    );
    let (status, _) = raw(&fake, "noSuchMethod", json!({})).await;
    assert_eq!(status, 404);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn chat_administrators_parse_as_teloxide_members() {
    let fake = FakeTelegram::start().await;
    let group = -1_001_234_567_890;
    fake.push_update(fake.group_message_text(group, 11, "hello", None));
    fake.add_admin(group, 11);
    fake.add_admin(group, 22);
    let admins = bot(&fake)
        .get_chat_administrators(ChatId(group))
        .await
        .unwrap();
    let ids: Vec<u64> = admins.iter().map(|a| a.user.id.0).collect();
    assert_eq!(ids, [11, 22]);
    assert!(admins[0].is_owner());
    assert!(admins[1].is_administrator());

    let unknown = bot(&fake).get_chat_administrators(ChatId(5_550_001)).await;
    assert!(unknown.is_err(), "a chat the bot never saw: {unknown:?}");
    fake.push_update(fake.private_text(5_550_001, 5_550_001, "hi"));
    let private = bot(&fake).get_chat_administrators(ChatId(5_550_001)).await;
    assert!(
        private.is_err(),
        "a private chat has no administrators: {private:?}"
    );
}
