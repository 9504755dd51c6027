//! Requests the adapter refuses with a `UserError` of its own, each
//! answered with that error's sentence in an ephemeral follow-up: an image
//! hosted outside Discord, and a message that can no longer be read.

use pixdrop::UserError;

use super::*;

/// Chooses PNG on the context-menu select for `target` (as if the menu
/// had been shown) and returns the sentence of the ephemeral follow-up.
async fn choose_png(fake: &FakeDiscord, channel: u64, message_id: &str, on: &Value) -> String {
    let custom_id = format!("convert:{channel}:{message_id}");
    let choice = fake.component(&custom_id, vec!["png"], on);
    fake.interact(&choice);
    ephemeral_notice(fake, &choice, |text| !text.is_empty()).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_image_hosted_elsewhere_is_refused_as_the_wrong_host() {
    let bot = Running::start().await;
    let fake = &bot.fake;
    let mut image = fake.add_attachment(&png(20, 20), "far.png", "image/png");
    image["url"] = Value::String("https://example.com/far.png".into());
    image["proxy_url"] = Value::String("https://example.com/far.png".into());
    let target = fake.message(CHANNEL_ID, vec![image], "");
    let id = target["id"].as_str().unwrap().to_string();
    let said = choose_png(fake, CHANNEL_ID, &id, &target).await;
    assert_eq!(said, UserError::WrongHost.to_string());
    bot.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_message_that_is_gone_is_reported_as_such() {
    let bot = Running::start().await;
    let fake = &bot.fake;
    let shown = fake.message(CHANNEL_ID, vec![], "");
    let said = choose_png(fake, CHANNEL_ID, "1099999999999999999", &shown).await;
    assert_eq!(said, UserError::ImagesGone.to_string());
    bot.stop().await;
}
