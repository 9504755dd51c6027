//! "Delete now" under Discord results: another member's press gets an
//! ephemeral sentence and changes nothing; the asker's press deletes the
//! held result at once and takes its file and button off the message (the
//! whole message says "Deleted" once the last one goes).

use pixdrop::pool::Client;
use pixdrop::store::FileId;
use pixdrop::{Options, Platform, UserError};
use serde_json::json;

use super::*;

const SOMEONE_ELSE: &str = "390000000000000777";

/// The delete buttons' custom ids in a message, in order.
fn delete_ids(message: &Value) -> Vec<String> {
    message["components"]
        .as_array()
        .into_iter()
        .flatten()
        .flat_map(|row| row["components"].as_array().cloned().unwrap_or_default())
        .filter_map(|c| c["custom_id"].as_str().map(str::to_string))
        .filter(|id| id.starts_with("del:"))
        .collect()
}

fn result_id(custom_id: &str) -> FileId {
    custom_id[4..].split(':').next().unwrap().parse().unwrap()
}

fn attachment_count(message: &Value) -> usize {
    message["attachments"].as_array().map_or(0, Vec::len)
}

/// Whether result `id` is still held: converting it again works only then.
async fn held(core: &Core, id: FileId) -> bool {
    let options = Options::parse(["png"]).unwrap();
    let again = core
        .run_held(id, options, Platform::Discord, None, Client::ANONYMOUS)
        .await;
    match again {
        Ok(_) => true,
        Err(UserError::Gone) => false,
        Err(other) => panic!("{other}"),
    }
}

/// Presses `custom_id` on `message`, as `by` when given; returns the press
/// and the initial response to it.
async fn press(
    fake: &FakeDiscord,
    custom_id: &str,
    message: &Value,
    by: Option<&str>,
) -> (Value, Call) {
    let mut pressed = fake.component(custom_id, vec![], message);
    if let Some(user) = by {
        pressed["member"]["user"]["id"] = json!(user);
    }
    fake.interact(&pressed);
    let calls = fake
        .wait_for(|calls| callback_to(calls, &pressed).is_some(), REPLY)
        .await;
    let (_, response) = callback_to(&calls, &pressed).unwrap();
    assert!(response.ok(), "{}", response.summary());
    (pressed, response.clone())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn only_the_asker_deletes_and_the_message_then_says_so() {
    let core = core();
    let bot = Running::start_with(core.clone()).await;
    let fake = &bot.fake;
    let slash = converted_webp(fake).await;
    let message = fake.original(&slash).expect("the answer");
    let ids = delete_ids(&message);
    assert_eq!(ids.len(), 1, "one delete button: {message}");
    assert!(ids[0].len() <= 100);
    let id = result_id(&ids[0]);
    assert!(held(&core, id).await);

    let (_, refused) = press(fake, &ids[0], &message, Some(SOMEONE_ELSE)).await;
    assert_eq!(response_type(&refused), Some(4));
    assert_eq!(refused.json["data"]["flags"].as_u64().unwrap_or(0) & 64, 64);
    assert_eq!(
        refused.json["data"]["content"],
        UserError::NotYours.to_string()
    );
    assert!(held(&core, id).await, "someone else's press deleted it");

    let (pressed, done) = press(fake, &ids[0], &message, None).await;
    assert_eq!(response_type(&done), Some(7), "{}", done.summary());
    assert!(!held(&core, id).await, "the result is still held");
    let after = fake.original(&pressed).expect("the updated message");
    assert_eq!(
        after["content"],
        pixdrop_bots::texts::deleted(pixdrop::Lang::En)
    );
    assert_eq!(attachment_count(&after), 0, "{after}");
    assert!(delete_ids(&after).is_empty(), "{after}");
    bot.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn deleting_one_of_two_results_keeps_the_other() {
    let core = core();
    let bot = Running::start_with(core.clone()).await;
    let fake = &bot.fake;
    let first = fake.add_attachment(&png(32, 32), "a.png", "image/png");
    let second = fake.add_attachment(&png(20, 20), "b.png", "image/png");
    let target = fake.message(CHANNEL_ID, vec![first, second], "");
    let menu_request = fake.message_context(&target);
    fake.interact(&menu_request);
    fake.wait_for(|calls| callback_to(calls, &menu_request).is_some(), REPLY)
        .await;
    let menu = fake.original(&menu_request).expect("the menu");
    let select = selects(&menu)
        .first()
        .and_then(|s| s["custom_id"].as_str())
        .expect("a format select")
        .to_string();
    let choice = fake.component(&select, vec!["webp"], &menu);
    fake.interact(&choice);
    let two_files = |c: &Call| c.ok() && c.files.len() == 2;
    let calls = fake
        .wait_for(
            |calls| follow_ups(calls, &choice).iter().any(|(_, c)| two_files(c)),
            REPLY,
        )
        .await;
    let (_, posted) = follow_ups(&calls, &choice)
        .into_iter()
        .find(|(_, c)| two_files(c))
        .unwrap();
    let message = posted.response.clone();
    let ids = delete_ids(&message);
    assert_eq!(ids.len(), 2, "a button per result: {message}");
    let (kept, gone) = (result_id(&ids[1]), result_id(&ids[0]));

    let (pressed, acknowledged) = press(fake, &ids[0], &message, None).await;
    assert_eq!(response_type(&acknowledged), Some(6));
    let calls = fake
        .wait_for(
            |calls| {
                original_calls(calls, &pressed, "PATCH")
                    .iter()
                    .any(|(_, c)| c.ok())
            },
            REPLY,
        )
        .await;
    let (_, edit) = original_calls(&calls, &pressed, "PATCH")
        .into_iter()
        .find(|(_, c)| c.ok())
        .unwrap();
    let after = &edit.response;
    assert_eq!(attachment_count(after), 1, "{after}");
    let left = after["attachments"][0]["filename"].as_str().unwrap();
    assert!(
        left.starts_with(&format!("pixdrop-{}.", kept.short())),
        "{left}"
    );
    assert_eq!(delete_ids(after), [ids[1].clone()]);
    assert!(!held(&core, gone).await);
    assert!(held(&core, kept).await);
    bot.stop().await;
}
