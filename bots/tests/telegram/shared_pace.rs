//! The per-user pace across two instances: two Telegram bots, each on its
//! own fake and core, sharing only a Redis (as two processes behind one
//! webhook balancer would). A user's second conversion, sent to the other
//! instance, is told to wait; another user goes on.

use crate::redis_server::RedisServer;
use crate::{CHAT, Running, attempts, core, png, sniff};

use pixdrop_bots::cooldown::Shared;
use support::telegram_fake::FakeTelegram;

use crate::support;

/// One instance: its own fake and core, the buckets in `redis`.
async fn instance(redis: &RedisServer, secret: &str, prefix: &str) -> Running {
    let shared = Shared::connect(&redis.url, secret.as_bytes(), prefix)
        .await
        .unwrap();
    Running::start_with(FakeTelegram::start().await, core(false).await, |settings| {
        // 5 a minute: bursts of 1, then one every 12 s.
        settings.per_user_per_minute = 5;
        settings.shared_pace = Some(shared);
    })
    .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_users_pace_holds_across_instances_on_one_redis() {
    let Some(redis) = RedisServer::find_or_start() else {
        return;
    };
    let tag = format!(
        "{}-{:?}",
        std::process::id(),
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
    );
    let secret = format!("a shared signing key, 32 bytes or more, {tag}");
    let prefix = format!("pixdrop-test-tg-{tag}");
    let one = instance(&redis, &secret, &prefix).await;
    let two = instance(&redis, &secret, &prefix).await;

    let (file, _, _) = one.fake.add_file(&png(40, 30), "png");
    let update = one
        .fake
        .private_document(CHAT, CHAT, &file, Some("/convert webp"));
    let doc = one.next("senddocument", update).await;
    assert_eq!(sniff(doc.file("document").expect("a document").1), "webp");

    let (file, _, _) = two.fake.add_file(&png(40, 30), "png");
    let update = two
        .fake
        .private_document(CHAT, CHAT, &file, Some("/convert webp"));
    let answer = two.next("sendmessage", update).await;
    assert!(answer.text().contains("faster"), "{answer}");
    assert!(
        attempts(&two.fake.calls(), "getfile").is_empty(),
        "fetched before refusing\n{}",
        two.fake.dump()
    );

    let other = CHAT + 1;
    let (file, _, _) = two.fake.add_file(&png(40, 30), "png");
    let update = two
        .fake
        .private_document(other, other, &file, Some("/convert webp"));
    let doc = two.next("senddocument", update).await;
    assert_eq!(sniff(doc.file("document").expect("a document").1), "webp");
    one.stop().await;
    two.stop().await;
}
