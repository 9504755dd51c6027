//! "Delete now" under a Telegram result: in a group, another member's press
//! is answered plainly and changes nothing; the asker's press deletes the
//! held result at once and removes the bot's message from the chat.

use pixdrop::pool::Client;
use pixdrop::store::FileId;
use pixdrop::{Options, Platform, UserError};

use super::*;

const OTHER: i64 = 5_550_777;

/// Presses `data` under `message` as `from`; returns the answer's text.
async fn press(bot: &Running, from: i64, message: Value, data: &str) -> String {
    let query = bot.fake.callback_query(from, message, data);
    let query_id = query["callback_query"]["id"].as_str().unwrap().to_string();
    bot.fake.push_update(query);
    let calls = bot
        .fake
        .wait_for(
            |calls| {
                calls.iter().any(|c| {
                    c.is("answercallbackquery") && c.str("callback_query_id") == Some(&query_id)
                })
            },
            REPLY,
        )
        .await;
    let answer = calls
        .iter()
        .find(|c| c.is("answercallbackquery") && c.str("callback_query_id") == Some(&query_id))
        .unwrap();
    assert!(answer.succeeded(), "{answer}");
    answer.str("text").unwrap_or_default().to_string()
}

/// Whether the result `id` is still held: converting it again works only then.
async fn held(core: &Core, id: FileId) -> bool {
    let user = core.user(Platform::Telegram, "probe");
    let again = core
        .run_held(
            id,
            Options::parse(["png"]).unwrap(),
            Platform::Telegram,
            None,
            Client::of(&user),
        )
        .await;
    match again {
        Ok(_) => true,
        Err(UserError::Gone) => false,
        Err(other) => panic!("{other}"),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn only_the_asker_can_delete_a_result_and_it_leaves_memory_and_chat() {
    let core = core(false).await;
    let bot = Running::start_on(FakeTelegram::start().await, core.clone(), 600).await;
    let fake = &bot.fake;
    let (photo, _, _) = fake.add_file(&jpeg(160, 120), "jpg");
    let photo_message = fake.group_photo(GROUP, CHAT, &photo, None)["message"].clone();
    let command = fake.group_message_text(
        GROUP,
        CHAT,
        "/convert@pixdrop_test_bot webp",
        Some(photo_message),
    );
    let doc = bot.next("senddocument", command).await;
    let buttons = doc.buttons();
    let data = buttons
        .iter()
        .find_map(|b| b["callback_data"].as_str().filter(|d| d.starts_with("d:")))
        .unwrap_or_else(|| panic!("no delete button under the result: {doc}"))
        .to_string();
    assert!(data.len() <= 64, "{data}");
    let id: FileId = data[2..].split(':').next().unwrap().parse().unwrap();
    let sent = doc.result["message_id"].as_i64().unwrap();
    assert!(held(&core, id).await);

    let refused = press(&bot, OTHER, fake.message(GROUP, sent).unwrap(), &data).await;
    assert_eq!(refused, UserError::NotYours.to_string());
    assert!(held(&core, id).await, "another member's press deleted it");
    assert!(fake.message(GROUP, sent).is_some());

    let done = press(&bot, CHAT, fake.message(GROUP, sent).unwrap(), &data).await;
    assert_eq!(done, pixdrop_bots::texts::deleted(pixdrop::Lang::En));
    assert!(!held(&core, id).await, "the result is still held");
    fake.wait_for(
        |calls| calls.iter().any(|c| c.is("deletemessage") && c.succeeded()),
        REPLY,
    )
    .await;
    assert!(fake.message(GROUP, sent).is_none(), "the message stayed");
    bot.stop().await;
}
