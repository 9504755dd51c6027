//! The per-sender cooldown with its buckets in a real Redis: the GCRA
//! script keeps the in-memory rule, instances sharing Redis draw on one
//! bucket, bucket keys reveal no sender and expire, and an outage refuses
//! instead of letting everyone through.

#[allow(dead_code)]
#[path = "../../tests/support/mod.rs"]
mod redis_server;

use std::net::IpAddr;
use std::time::Duration;

use pixdrop::UserError;
use pixdrop_bots::cooldown::{Cooldown, Shared};
use redis_server::RedisServer;

/// A secret and key prefix of this test's own, so tests sharing one Redis
/// (CI's) never meet in a bucket.
fn unique(name: &str) -> (String, String) {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos();
    let tag = format!("{name}-{}-{nanos}", std::process::id());
    (
        format!("a signing key of 32 bytes or more {tag}"),
        format!("pixdrop-test-{tag}"),
    )
}

async fn shared(redis: &RedisServer, secret: &str, prefix: &str) -> Shared {
    Shared::connect(&redis.url, secret.as_bytes(), prefix)
        .await
        .unwrap()
}

/// What `count` quick checks by one sender answered: `None` for admitted,
/// else the seconds to wait.
async fn answers<K: pixdrop_bots::cooldown::Sender>(
    cooldown: &Cooldown<K>,
    sender: &K,
    count: usize,
) -> Vec<Option<u64>> {
    let mut seen = Vec::new();
    for _ in 0..count {
        seen.push(match cooldown.admit(sender).await {
            Ok(()) => None,
            Err(UserError::RateLimited { seconds }) => Some(seconds),
            Err(other) => panic!("unexpected answer {other:?}"),
        });
    }
    seen
}

#[tokio::test]
async fn the_script_answers_as_the_in_memory_limiter_does() {
    let Some(redis) = RedisServer::find_or_start() else {
        return;
    };
    let (secret, prefix) = unique("same-rule");
    let shared = shared(&redis, &secret, &prefix).await;
    for per_minute in [20, 7, 1] {
        let here = Cooldown::per_minute(per_minute);
        let there = Cooldown::per_minute(per_minute).across(Some(&shared), "web");
        let sender = u64::from(per_minute);
        let expected = answers(&here, &sender, 7).await;
        assert_eq!(
            answers(&there, &sender, 7).await,
            expected,
            "{per_minute}/min"
        );
    }
    let here = answers(&Cooldown::per_minute(20), &1u64, 6).await;
    assert_eq!(here, [None, None, None, None, Some(3), Some(3)]);
}

#[tokio::test]
async fn the_bucket_refills_one_conversion_an_interval() {
    let Some(redis) = RedisServer::find_or_start() else {
        return;
    };
    let (secret, prefix) = unique("refill");
    let shared = shared(&redis, &secret, &prefix).await;
    // 60 a minute: one a second, bursts of 12.
    let cooldown = Cooldown::per_minute(60).across(Some(&shared), "web");
    let admitted = answers(&cooldown, &9u64, 13).await;
    assert_eq!(admitted.iter().filter(|a| a.is_none()).count(), 12);
    assert_eq!(admitted[12], Some(1));
    tokio::time::sleep(Duration::from_millis(1200)).await;
    assert_eq!(answers(&cooldown, &9u64, 2).await, [None, Some(1)]);
}

#[tokio::test]
async fn instances_on_one_redis_share_a_senders_bucket_and_only_that() {
    let Some(redis) = RedisServer::find_or_start() else {
        return;
    };
    let (secret, prefix) = unique("two-instances");
    let (one, two) = (
        shared(&redis, &secret, &prefix).await,
        shared(&redis, &secret, &prefix).await,
    );
    let first = Cooldown::per_minute(10).across(Some(&one), "telegram");
    let second = Cooldown::per_minute(10).across(Some(&two), "telegram");
    let user = 123_456_789u64;
    assert!(first.admit(&user).await.is_ok());
    assert!(second.admit(&user).await.is_ok());
    assert!(matches!(
        first.admit(&user).await,
        Err(UserError::RateLimited { .. })
    ));
    assert!(matches!(
        second.admit(&user).await,
        Err(UserError::RateLimited { .. })
    ));
    assert!(second.admit(&(user + 1)).await.is_ok(), "another user");
    let discord = Cooldown::per_minute(10).across(Some(&two), "discord");
    assert!(
        discord.admit(&user).await.is_ok(),
        "same id, other platform"
    );
    let (other_secret, _) = unique("other-secret");
    let stranger = shared(&redis, &other_secret, &prefix).await;
    let unrelated = Cooldown::per_minute(10).across(Some(&stranger), "telegram");
    assert!(unrelated.admit(&user).await.is_ok(), "another deployment");
}

#[tokio::test]
async fn bucket_keys_reveal_no_sender_and_expire_when_full_again() {
    let Some(redis) = RedisServer::find_or_start() else {
        return;
    };
    let (secret, prefix) = unique("keys");
    let shared = shared(&redis, &secret, &prefix).await;
    let address: IpAddr = "203.0.113.77".parse().unwrap();
    let user = 987_654_321u64;
    // 60 a minute: one a second, bursts of 12.
    let web = Cooldown::per_minute(60).across(Some(&shared), "web");
    let chat = Cooldown::per_minute(60).across(Some(&shared), "telegram");
    web.admit(&address).await.unwrap();
    chat.admit(&user).await.unwrap();
    chat.admit(&user).await.unwrap();

    let client = redis::Client::open(redis.url.as_str()).unwrap();
    let mut connection = client.get_multiplexed_async_connection().await.unwrap();
    let keys: Vec<String> = redis::cmd("KEYS")
        .arg(format!("{prefix}:*"))
        .query_async(&mut connection)
        .await
        .unwrap();
    assert_eq!(keys.len(), 2, "{keys:?}");
    let revealing = [
        "203.0.113.77".to_string(),
        "cb00714d".to_string(),
        user.to_string(),
        format!("{user:x}"),
        format!("{:016x}", user),
    ];
    for key in &keys {
        for text in &revealing {
            assert!(!key.contains(text.as_str()), "{key} shows {text}");
        }
        let ttl: i64 = redis::cmd("PTTL")
            .arg(key)
            .query_async(&mut connection)
            .await
            .unwrap();
        // Full again one interval a conversion after the last one.
        assert!((1..=2_000).contains(&ttl), "{key} expires in {ttl} ms");
    }
    let web_key = shared.bucket_key("web", &[203, 0, 113, 77]);
    assert!(keys.contains(&web_key), "{keys:?}");
}

#[tokio::test]
async fn with_redis_gone_a_check_is_refused_as_unavailable() {
    let Some(mut redis) = RedisServer::start_own() else {
        return;
    };
    let (secret, prefix) = unique("outage");
    let shared = shared(&redis, &secret, &prefix).await;
    let cooldown = Cooldown::per_minute(600).across(Some(&shared), "web");
    assert!(cooldown.admit(&1u64).await.is_ok());
    redis.stop();
    let asked = std::time::Instant::now();
    let answer = cooldown.admit(&1u64).await;
    assert_eq!(answer, Err(UserError::Unavailable { seconds: 5 }));
    assert!(
        asked.elapsed() < Duration::from_secs(5),
        "{:?}",
        asked.elapsed()
    );
    redis.restart();
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    while cooldown.admit(&1u64).await.is_err() {
        assert!(std::time::Instant::now() < deadline, "no recovery");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}
