//! One user cannot crowd out the others: past their per-user pace, the
//! next request is refused with the wait in plain words, while another
//! user's request goes through.

use super::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_user_past_the_pace_is_told_to_wait_and_others_go_on() {
    let core = core();
    let bot = Running::start_paced(core.clone(), 5).await;
    let fake = &bot.fake;
    let delivered = |interaction: &Value| {
        let interaction = interaction.clone();
        move |calls: &[Call]| {
            original_calls(calls, &interaction, "PATCH")
                .iter()
                .any(|(_, c)| c.ok() && c.file().is_some_and(is_webp))
        }
    };
    let first = convert(fake, &png(20, 20), "webp", UPLOAD_LIMIT);
    fake.interact(&first);
    fake.wait_for(delivered(&first), REPLY).await;

    let second = convert(fake, &png(20, 20), "webp", UPLOAD_LIMIT);
    fake.interact(&second);
    let notice = ephemeral_notice(fake, &second, |text| text.contains("faster")).await;
    assert!(notice.contains(" s."), "{notice}");

    let mut someone_else = convert(fake, &png(20, 20), "webp", UPLOAD_LIMIT);
    someone_else["member"]["user"]["id"] = Value::String("1050000000000000999".into());
    fake.interact(&someone_else);
    fake.wait_for(delivered(&someone_else), REPLY).await;
    let metrics = core.metrics_text().await;
    assert!(
        metrics
            .lines()
            .any(|line| line == "pixdrop_rate_limited_total{platform=\"discord\"} 1"),
        "the refusal is not counted:\n{metrics}"
    );
    bot.stop().await;
}
