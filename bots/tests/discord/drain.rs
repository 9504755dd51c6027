//! Faults and stopping: a 429 is waited out for exactly the `retry_after`
//! Discord asked, an interaction in flight when the bot stops still gets
//! its edit (over the gateway and over the HTTP endpoint), and an
//! attachment whose download stalls ends in its own sentence.

use pixdrop::UserError;
use tokio::time::Instant;

use super::endpoint::serve;
use super::*;

/// A 429 on the edit that carries the result, asking for this long.
fn rate_limit_the_edit(fake: &FakeDiscord, seconds: f64) {
    fake.fail_next(
        "PATCH",
        "@original",
        FailWith::RateLimited {
            retry_after_secs: seconds,
        },
    );
}

/// Waits until the edit of `interaction` was refused with a 429.
async fn edit_refused(fake: &FakeDiscord, interaction: &Value) {
    fake.wait_for(
        |calls| {
            original_calls(calls, interaction, "PATCH")
                .iter()
                .any(|(_, c)| c.status == 429)
        },
        REPLY,
    )
    .await;
}

/// The edit of `interaction` that went through with a WebP file, if any.
fn delivered(calls: &[Call], interaction: &Value) -> Option<Call> {
    original_calls(calls, interaction, "PATCH")
        .into_iter()
        .map(|(_, c)| c)
        .find(|c| c.ok() && c.file().is_some_and(is_webp))
        .cloned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_rate_limited_edit_is_retried_after_exactly_the_wait_asked() {
    let bot = Running::start().await;
    let fake = &bot.fake;
    let asked = [1.0, 0.4];
    for seconds in asked {
        rate_limit_the_edit(fake, seconds);
    }
    let slash = convert(fake, &png(40, 30), "webp", UPLOAD_LIMIT);
    fake.interact(&slash);
    let calls = fake
        .wait_for(|calls| delivered(calls, &slash).is_some(), REPLY)
        .await;
    let patches: Vec<&Call> = original_calls(&calls, &slash, "PATCH")
        .into_iter()
        .map(|(_, c)| c)
        .collect();
    let statuses: Vec<u16> = patches.iter().map(|c| c.status).collect();
    assert_eq!(statuses, [429, 429, 200], "{}", fake.dump());
    for (seconds, pair) in asked.into_iter().zip(patches.windows(2)) {
        let waited = pair[1].at.duration_since(pair[0].at);
        let asked = Duration::from_secs_f64(seconds);
        assert!(
            waited >= asked && waited < asked + Duration::from_millis(600),
            "retried after {waited:?}; Discord asked for {asked:?}"
        );
    }
    bot.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_interaction_in_flight_when_the_gateway_stops_still_gets_its_edit() {
    let bot = Running::start().await;
    rate_limit_the_edit(&bot.fake, 1.0);
    let slash = convert(&bot.fake, &png(40, 30), "webp", UPLOAD_LIMIT);
    bot.fake.interact(&slash);
    edit_refused(&bot.fake, &slash).await;
    let calls = bot.fake.calls();
    assert!(
        delivered(&calls, &slash).is_none(),
        "not in flight any more"
    );
    let Running { fake, stop, task } = bot;
    let _ = stop.send(());
    let ended = tokio::time::timeout(REPLY, task)
        .await
        .expect("run returns");
    assert_eq!(ended.unwrap(), Ok(()));
    assert!(
        delivered(&fake.calls(), &slash).is_some(),
        "run returned before the edit went out\n{}",
        fake.dump()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn finishing_the_endpoint_waits_for_edits_after_the_http_answer() {
    let served = serve().await;
    let fake = &served.fake;
    rate_limit_the_edit(fake, 1.0);
    let slash = convert(fake, &png(40, 30), "webp", UPLOAD_LIMIT);
    let deferred = fake.deliver(&served.url, &slash).await;
    assert_eq!(deferred.answer["type"].as_u64(), Some(5), "deferred");
    edit_refused(fake, &slash).await;
    served.bot.finish(Instant::now() + REPLY).await;
    assert!(
        delivered(&fake.calls(), &slash).is_some(),
        "finished before the edit went out\n{}",
        fake.dump()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stalled_attachment_ends_in_a_sentence_within_the_timeouts() {
    let short = Timeouts {
        idle: Duration::from_millis(300),
        total: Duration::from_secs(2),
    };
    let bot = Running::start_tuned(core(), |s| s.download = short).await;
    let fake = &bot.fake;
    let image = fake.add_attachment(&png(160, 120), "photo.png", "image/png");
    fake.stall_attachment(&image, 64);
    let slash = fake.slash_command(
        "convert",
        vec![
            attachment_option("image", &image),
            string_option("format", "webp"),
        ],
        vec![image],
        UPLOAD_LIMIT,
    );
    fake.interact(&slash);
    let calls = fake
        .wait_for(|calls| !follow_ups(calls, &slash).is_empty(), REPLY)
        .await;
    let (_, told) = follow_ups(&calls, &slash)[0];
    assert_eq!(told.content(), UserError::DownloadStalled.to_string());
    let (_, deferred) = callback_to(&calls, &slash).expect("a defer");
    let waited = told.at.duration_since(deferred.at);
    assert!(waited < short.total, "told after {waited:?}");
    bot.stop().await;
}
