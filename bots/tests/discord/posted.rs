//! Images posted as messages outside `/auto` channels: a DM with option
//! words is converted at once; a mention without words gets a select of
//! formats whose choice converts; a message that neither mentions the bot
//! nor sits in a DM is left alone (shown by a later mention that is answered).

use serde_json::json;

use super::*;

/// A DM channel between the tester and the bot.
const DM_CHANNEL: u64 = 1_090_000_000_000_000_400;

fn replies_in(calls: &[Call], channel: u64) -> Vec<&Call> {
    let path = format!("/channels/{channel}/messages");
    calls
        .iter()
        .filter(|c| c.is("POST", &path) && c.ok())
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_dm_with_option_words_is_converted_in_a_reply() {
    let bot = Running::start().await;
    let fake = &bot.fake;
    let image = fake.add_attachment(&png(36, 24), "dm.png", "image/png");
    let dm = fake.message(DM_CHANNEL, vec![image], "webp 80");
    fake.dispatch("MESSAGE_CREATE", dm.clone());
    let with_webp = |calls: &[Call]| {
        replies_in(calls, DM_CHANNEL)
            .iter()
            .any(|c| c.file().is_some_and(is_webp))
    };
    let calls = fake.wait_for(with_webp, REPLY).await;
    let reply = replies_in(&calls, DM_CHANNEL)[0];
    assert_eq!(
        reply.json["message_reference"]["message_id"].as_str(),
        Some(id_of(&dm))
    );
    let decoded =
        image::load_from_memory_with_format(reply.file().unwrap(), ImageFormat::WebP).unwrap();
    assert_eq!((decoded.width(), decoded.height()), (36, 24));
    bot.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_mention_without_words_offers_formats_and_the_choice_converts() {
    let bot = Running::start().await;
    let fake = &bot.fake;
    let image = fake.add_attachment(&png(28, 20), "mention.png", "image/png");
    let mut posted = fake.message_create(OTHER_CHANNEL_ID, vec![image], "");
    posted["content"] = json!(format!("<@{APPLICATION_ID}>"));
    posted["mentions"] = json!([discord_fake::payloads::bot_user()]);
    fake.add_message(&posted);
    fake.dispatch("MESSAGE_CREATE", posted.clone());
    let offered = |calls: &[Call]| {
        replies_in(calls, OTHER_CHANNEL_ID)
            .iter()
            .any(|c| !selects(&c.json).is_empty())
    };
    let calls = fake.wait_for(offered, REPLY).await;
    let offer = replies_in(&calls, OTHER_CHANNEL_ID)[0];
    assert!(offer.file().is_none(), "{}", offer.summary());
    let select = selects(&offer.json)[0];
    let custom_id = select["custom_id"].as_str().unwrap();
    let mut shown = offer.response.clone();
    shown["guild_id"] = json!(discord_fake::GUILD_ID.to_string());

    let choice = fake.component(custom_id, vec!["png"], &shown);
    fake.interact(&choice);
    let converted = |calls: &[Call]| {
        follow_ups(calls, &choice)
            .iter()
            .any(|(_, c)| c.ok() && c.file().is_some_and(is_png))
    };
    let calls = fake.wait_for(converted, REPLY).await;
    let (_, result) = follow_ups(&calls, &choice)
        .into_iter()
        .find(|(_, c)| c.ok())
        .unwrap();
    let decoded =
        image::load_from_memory_with_format(result.file().unwrap(), ImageFormat::Png).unwrap();
    assert_eq!((decoded.width(), decoded.height()), (28, 20));
    bot.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_image_that_does_not_address_the_bot_is_left_alone() {
    let bot = Running::start().await;
    let fake = &bot.fake;
    let image = fake.add_attachment(&png(16, 16), "chatter.png", "image/png");
    let before = fake.calls().len();
    fake.dispatch(
        "MESSAGE_CREATE",
        fake.message_create(OTHER_CHANNEL_ID, vec![image], "look at this"),
    );
    only_a_later_mention_is_answered(fake, OTHER_CHANNEL_ID, before).await;
    bot.stop().await;
}
