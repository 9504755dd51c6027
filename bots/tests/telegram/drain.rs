//! Stopping and stalling: a shutdown lets a conversion in flight finish and
//! deliver before `run` returns, in polling and in webhook mode, within the
//! drain bound; a download that stalls ends in its own sentence within the
//! download timeouts.

use std::time::Instant;

use pixdrop::UserError;
use pixdrop_bots::telegram::Webhook;
use support::telegram_fake::Slow;
use tokio::sync::mpsc;

use super::*;

/// Download timeouts short enough for a test to watch them run out.
const SHORT: Timeouts = Timeouts {
    idle: Duration::from_millis(300),
    total: Duration::from_secs(2),
};

fn delivered_documents(calls: &[Call]) -> Vec<&Call> {
    attempts(calls, "senddocument")
        .into_iter()
        .filter(|c| c.succeeded())
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stalled_download_ends_in_a_sentence_within_the_timeouts() {
    let bot = Running::start_with(FakeTelegram::start().await, core(false).await, |s| {
        s.download = SHORT;
    })
    .await;
    let fake = &bot.fake;
    let (file, _, _) = fake.add_file(&png(160, 120), "png");
    fake.slow_download(&file, Slow::Stall(64));
    let update = fake.private_document(CHAT, CHAT, &file, Some("/convert webp"));
    let answer = bot.next("sendmessage", update).await;
    assert_eq!(answer.text(), UserError::DownloadStalled.to_string());
    let calls = fake.calls();
    let started = attempts(&calls, "download")[0].at;
    let waited = answer.at - started;
    assert!(
        waited >= SHORT.idle && waited < SHORT.total,
        "told after {waited:?}"
    );
    bot.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn stopping_lets_a_conversion_in_flight_deliver_first() {
    let bot = Running::start(false).await;
    let fake = &bot.fake;
    let (photo, _, _) = fake.add_file(&jpeg(160, 120), "jpg");
    fake.slow_download(&photo, Slow::Late(Duration::from_millis(1200)));
    fake.push_update(fake.private_photo(CHAT, CHAT, &photo, Some("/convert webp")));
    fake.wait_for(|calls| calls.iter().any(|c| c.is("download")), REPLY)
        .await;
    let fake = bot.stop_keeping_fake().await;
    let calls = fake.calls();
    let documents = delivered_documents(&calls);
    assert_eq!(documents.len(), 1, "{}", fake.dump());
    assert_eq!(sniff(documents[0].file("document").unwrap().1), "webp");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_drain_ends_at_its_bound_when_work_hangs() {
    let drain = Duration::from_millis(800);
    let bot = Running::start_with(FakeTelegram::start().await, core(false).await, |s| {
        s.drain = drain;
        s.download = Timeouts {
            idle: Duration::from_secs(60),
            total: Duration::from_secs(120),
        };
    })
    .await;
    let fake = &bot.fake;
    let (file, _, _) = fake.add_file(&png(160, 120), "png");
    fake.slow_download(&file, Slow::Stall(64));
    fake.push_update(fake.private_document(CHAT, CHAT, &file, Some("/convert webp")));
    fake.wait_for(|calls| calls.iter().any(|c| c.is("download")), REPLY)
        .await;
    let asked = Instant::now();
    bot.stop().await;
    let took = asked.elapsed();
    assert!(
        took >= drain && took < drain + Duration::from_secs(3),
        "stopped after {took:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn in_webhook_mode_updates_already_queued_are_answered_before_stopping() {
    let fake = FakeTelegram::start().await;
    let (queue, updates) = mpsc::channel(8);
    let bot = Running::start_with(fake, core(false).await, |s| {
        s.webhook = Some(Webhook {
            url: "https://pixdrop.test/telegram/s3cret".into(),
            secret: "s3cret".into(),
            updates,
        });
    })
    .await;
    let fake = &bot.fake;
    let mut chats = Vec::new();
    for chat in [CHAT, CHAT + 1] {
        let (photo, _, _) = fake.add_file(&jpeg(160, 120), "jpg");
        fake.slow_download(&photo, Slow::Late(Duration::from_millis(600)));
        let mut update = fake.private_photo(chat, chat, &photo, Some("/convert webp"));
        update["update_id"] = fake.push_update(update.clone()).into();
        chats.push((chat, update));
    }
    // As the web route reads it: from the posted bytes.
    let as_posted = |update: &Value| serde_json::from_str(&update.to_string()).unwrap();
    queue.send(as_posted(&chats[0].1)).await.unwrap();
    fake.wait_for(|calls| calls.iter().any(|c| c.is("download")), REPLY)
        .await;
    let Running { fake, stop, task } = bot;
    let _ = stop.send(());
    // A request the web server took just before it stopped still queues its update.
    queue.send(as_posted(&chats[1].1)).await.unwrap();
    drop(queue);
    let ended = tokio::time::timeout(REPLY, task)
        .await
        .expect("run returns");
    assert_eq!(ended.unwrap(), Ok(()));
    let calls = fake.calls();
    let answered: Vec<i64> = delivered_documents(&calls)
        .iter()
        .filter_map(|c| c.chat_id())
        .collect();
    assert_eq!(answered.len(), 2, "{}", fake.dump());
    for (chat, _) in &chats {
        assert!(answered.contains(chat), "{}", fake.dump());
    }
}
