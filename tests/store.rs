//! The store's promises, checked on both backends with one suite: expiry on
//! read, gone-versus-never, the memory cap, and many tasks at once. The
//! in-process store also runs under paused time, for the sweeper. Redis
//! tests use `PIXDROP_TEST_REDIS_URL`, or start a `redis-server` on a free
//! loopback port; without either they say SKIPPED.

mod support;

use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use pixdrop::UserError;
use pixdrop::pool::Client;
use pixdrop::store::{
    Backend, FileId, Lookup, MemoryStore, Persistence, RedisSettings, RedisStore,
};

const RETENTION: Duration = Duration::from_secs(2);

async fn expiry_is_checked_on_read<B: Backend>(store: &B, wait: impl AsyncFn(Duration)) {
    let (id, expires_at) = store
        .put(
            Bytes::from_static(b"abc"),
            "png",
            Duration::from_secs(3600),
            Client::ANONYMOUS,
        )
        .await
        .unwrap();
    assert!(
        expires_at <= pixdrop::store::unix_now() + RETENTION.as_secs(),
        "capped at retention"
    );
    match store.get(id).await.unwrap() {
        Lookup::Found(held) => {
            assert_eq!(held.bytes, Bytes::from_static(b"abc"));
            assert_eq!(&*held.label, "png");
        }
        other => panic!("expected the bytes, got {other:?}"),
    }
    wait(RETENTION + Duration::from_millis(300)).await;
    assert_eq!(store.get(id).await.unwrap(), Lookup::Gone);
    assert_eq!(store.get(FileId::random()).await.unwrap(), Lookup::Never);
}

async fn removal_is_gone_not_never<B: Backend>(store: &B) {
    let (id, _) = store
        .put(
            Bytes::from_static(b"x"),
            "gif",
            RETENTION,
            Client::ANONYMOUS,
        )
        .await
        .unwrap();
    store.remove(id).await.unwrap();
    assert_eq!(store.get(id).await.unwrap(), Lookup::Gone);
}

async fn many_tasks_at_once<B: Backend + 'static>(store: Arc<B>) {
    let tasks: Vec<_> = (0..64u8)
        .map(|i| {
            let store = store.clone();
            tokio::spawn(async move {
                let bytes = Bytes::from(vec![i; 1000]);
                let (id, _) = store
                    .put(bytes.clone(), "webp", RETENTION, Client::ANONYMOUS)
                    .await
                    .unwrap();
                match store.get(id).await.unwrap() {
                    Lookup::Found(held) => assert_eq!(held.bytes, bytes),
                    other => panic!("task {i}: {other:?}"),
                }
            })
        })
        .collect();
    for task in tasks {
        task.await.unwrap();
    }
}

fn memory(max_bytes: u64) -> MemoryStore {
    MemoryStore::new(max_bytes, RETENTION)
}

#[tokio::test(start_paused = true)]
async fn memory_store_expires_on_read() {
    expiry_is_checked_on_read(&memory(1 << 20), async |d| tokio::time::advance(d).await).await;
}

#[tokio::test]
async fn memory_store_remembers_removed_ids() {
    removal_is_gone_not_never(&memory(1 << 20)).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn memory_store_serves_many_tasks() {
    many_tasks_at_once(Arc::new(memory(1 << 20))).await;
}

#[tokio::test(start_paused = true)]
async fn the_sweeper_frees_memory_at_the_deadline_without_a_read() {
    let store = Arc::new(memory(1 << 20));
    let sweeper = pixdrop::store::memory::spawn_sweeper(store.clone(), Duration::from_secs(3600));
    store
        .put(
            Bytes::from(vec![0; 500]),
            "png",
            RETENTION,
            Client::ANONYMOUS,
        )
        .await
        .unwrap();
    tokio::time::sleep(RETENTION - Duration::from_millis(1)).await;
    assert_eq!(
        store.stats().await.unwrap().bytes,
        500,
        "held until its deadline"
    );
    tokio::time::sleep(Duration::from_millis(2)).await;
    let stats = store.stats().await.unwrap();
    assert_eq!((stats.bytes, stats.entries, stats.expired_total), (0, 0, 1));
    sweeper.abort();
}

/// One client may hold at most `share` bytes: more waits for its own
/// entries to expire (or be removed); a single result over the share is
/// refused outright; other clients are not affected.
async fn one_client_holds_only_a_share<B: Backend>(store: &B, share: usize) {
    let greedy = Client::of("greedy");
    let put = async |size: usize, owner: Client| {
        store
            .put(Bytes::from(vec![1; size]), "png", RETENTION, owner)
            .await
    };
    let (first, _) = put(share * 9 / 10, greedy).await.unwrap();
    let refused = put(share / 4, greedy).await;
    assert!(
        matches!(refused, Err(UserError::ShareFull { seconds: 1..=3 })),
        "{refused:?}"
    );
    put(share * 9 / 10, Client::of("other"))
        .await
        .expect("another client still has room");
    let whole = put(share + 1, Client::of("third")).await;
    assert!(
        matches!(whole, Err(UserError::ResultTooLarge { .. })),
        "{whole:?}"
    );
    store.remove(first).await.unwrap();
    put(share / 4, greedy)
        .await
        .expect("a removed entry gives its room back");
}

#[tokio::test]
async fn one_client_may_hold_only_a_share_of_the_store() {
    one_client_holds_only_a_share(&memory(8_000), 1_000).await;
}

#[tokio::test]
async fn memory_cap_refuses_instead_of_evicting() {
    let store = memory(1_000);
    let (first, _) = store
        .put(
            Bytes::from(vec![1; 600]),
            "png",
            RETENTION,
            Client::ANONYMOUS,
        )
        .await
        .unwrap();
    let refused = store
        .put(
            Bytes::from(vec![2; 600]),
            "png",
            RETENTION,
            Client::ANONYMOUS,
        )
        .await;
    assert_eq!(refused, Err(UserError::Busy { seconds: 60 }));
    assert!(
        matches!(store.get(first).await.unwrap(), Lookup::Found(_)),
        "nobody's result was evicted"
    );
    assert_eq!(store.stats().await.unwrap().refused_total, 1);
    store.remove(first).await.unwrap();
    assert!(
        store
            .put(
                Bytes::from(vec![2; 600]),
                "png",
                RETENTION,
                Client::ANONYMOUS
            )
            .await
            .is_ok()
    );
}

const SECRET: &[u8] = b"a test secret, thirty-two bytes or more";

fn settings<'a>(url: &'a str, prefix: &'a str, max_bytes: u64) -> RedisSettings<'a> {
    RedisSettings {
        url,
        prefix,
        max_bytes,
        retention: RETENTION,
        secret: SECRET,
        persistence: Persistence::Refuse,
    }
}

async fn connect(url: &str, prefix: &str, max_bytes: u64) -> Result<RedisStore, String> {
    RedisStore::connect(settings(url, prefix, max_bytes)).await
}

async fn redis(max_bytes: u64) -> Option<(RedisStore, support::RedisServer)> {
    let server = support::RedisServer::find_or_start()?;
    let prefix = format!("test-{}", FileId::random());
    let store = connect(&server.url, &prefix, max_bytes).await.unwrap();
    Some((store, server))
}

#[tokio::test]
async fn redis_store_expires_on_read() {
    let Some((store, _server)) = redis(u64::MAX).await else {
        return;
    };
    expiry_is_checked_on_read(&store, async |d| tokio::time::sleep(d).await).await;
}

#[tokio::test]
async fn redis_store_remembers_removed_ids() {
    let Some((store, _server)) = redis(u64::MAX).await else {
        return;
    };
    removal_is_gone_not_never(&store).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn redis_store_serves_many_tasks() {
    let Some((store, _server)) = redis(u64::MAX).await else {
        return;
    };
    many_tasks_at_once(Arc::new(store)).await;
}

#[tokio::test]
async fn one_client_may_hold_only_a_share_of_redis_across_instances() {
    let Some((probe, server)) = redis(u64::MAX).await else {
        return;
    };
    let used = probe.stats().await.unwrap().bytes;
    let prefix = format!("test-{}", FileId::random());
    let max = used + 64_000_000;
    let store = connect(&server.url, &prefix, max).await.unwrap();
    one_client_holds_only_a_share(&store, (max / 8) as usize).await;
    let second_instance = connect(&server.url, &prefix, max).await.unwrap();
    let refused = second_instance
        .put(
            Bytes::from(vec![1; (max / 8) as usize]),
            "png",
            RETENTION,
            Client::of("greedy"),
        )
        .await;
    assert!(
        matches!(refused, Err(UserError::ShareFull { .. })),
        "the share is one across instances: {refused:?}"
    );
}

/// Bits of information per byte, 8.0 for bytes no one can tell from random.
fn entropy(bytes: &[u8]) -> f64 {
    let mut counts = [0usize; 256];
    bytes.iter().for_each(|b| counts[*b as usize] += 1);
    counts
        .iter()
        .filter(|n| **n > 0)
        .map(|n| {
            let p = *n as f64 / bytes.len() as f64;
            -p * p.log2()
        })
        .sum()
}

#[tokio::test]
async fn redis_holds_only_sealed_values_that_open_with_the_key() {
    let Some(server) = support::RedisServer::find_or_start() else {
        return;
    };
    let prefix = format!("test-{}", FileId::random());
    let store = connect(&server.url, &prefix, u64::MAX).await.unwrap();
    let mut image = b"\x89PNG\r\n\x1a\n".to_vec();
    image.resize(200_000, 0);
    let (id, _) = store
        .put(
            Bytes::from(image.clone()),
            "png",
            RETENTION,
            Client::of("203.0.113.9"),
        )
        .await
        .unwrap();

    let mut raw = redis::Client::open(server.url.as_str())
        .unwrap()
        .get_multiplexed_async_connection()
        .await
        .unwrap();
    let keys: Vec<String> = redis::cmd("KEYS")
        .arg(format!("{prefix}:*"))
        .query_async(&mut raw)
        .await
        .unwrap();
    assert!(keys.iter().all(|k| !k.contains("203.0.113.9")), "{keys:?}");
    let file_key = keys
        .iter()
        .find(|k| k.contains(":file:"))
        .expect("the entry is in Redis");
    let value: Vec<u8> = redis::cmd("GET")
        .arg(file_key)
        .query_async(&mut raw)
        .await
        .unwrap();
    assert!(value.len() >= image.len());
    assert!(!value.windows(4).any(|w| w == b"\x89PNG"));
    assert!(!value.windows(4).any(|w| w == b"png\n"));
    assert!(entropy(&value) > 7.99, "{}", entropy(&value));

    let same_key = connect(&server.url, &prefix, u64::MAX).await.unwrap();
    let Lookup::Found(held) = same_key.get(id).await.unwrap() else {
        panic!("another instance with the same key opens it");
    };
    assert_eq!(held.bytes, Bytes::from(image));
    let other_key = RedisStore::connect(RedisSettings {
        secret: &[b'k'; 32],
        ..settings(&server.url, &prefix, u64::MAX)
    })
    .await
    .unwrap();
    assert_eq!(other_key.get(id).await.unwrap(), Lookup::Gone);
}

#[tokio::test]
async fn redis_counts_entries_without_scanning() {
    let Some((store, _server)) = redis(u64::MAX).await else {
        return;
    };
    for _ in 0..3 {
        store
            .put(
                Bytes::from_static(b"x"),
                "png",
                RETENTION,
                Client::ANONYMOUS,
            )
            .await
            .unwrap();
    }
    assert_eq!(store.stats().await.unwrap().entries, 3);
    tokio::time::sleep(RETENTION + Duration::from_millis(200)).await;
    assert_eq!(store.stats().await.unwrap().entries, 0);
}

#[tokio::test]
async fn a_redis_that_saves_to_disk_is_refused_unless_allowed() {
    let Some(server) = support::RedisServer::start_own_with(&["--save", "3600 1"]) else {
        return;
    };
    let refused = connect(&server.url, "persisting", u64::MAX)
        .await
        .err()
        .expect("a persisting Redis is refused");
    assert!(refused.contains("save \"3600 1\""), "{refused}");
    assert!(
        refused.contains("PIXDROP_REDIS_PERSISTENCE=allow"),
        "{refused}"
    );
    RedisStore::connect(RedisSettings {
        persistence: Persistence::Allow,
        ..settings(&server.url, "persisting", u64::MAX)
    })
    .await
    .expect("allowed by the operator");
}

#[tokio::test]
async fn redis_memory_cap_refuses_instead_of_evicting() {
    let Some((probe, server)) = redis(u64::MAX).await else {
        return;
    };
    let used = probe.stats().await.unwrap().bytes;
    drop(probe);
    let prefix = format!("test-{}", FileId::random());
    let store = connect(&server.url, &prefix, used + 3_000_000)
        .await
        .unwrap();
    let (first, _) = store
        .put(
            Bytes::from(vec![1; 2_000_000]),
            "png",
            RETENTION,
            Client::ANONYMOUS,
        )
        .await
        .unwrap();
    let refused = store
        .put(
            Bytes::from(vec![2; 2_000_000]),
            "png",
            RETENTION,
            Client::ANONYMOUS,
        )
        .await;
    assert_eq!(refused, Err(UserError::Busy { seconds: 60 }));
    assert!(matches!(store.get(first).await.unwrap(), Lookup::Found(_)));
}

#[tokio::test]
async fn a_redis_outage_is_unavailable_and_recovers_without_a_restart() {
    let Some(mut server) = support::RedisServer::start_own() else {
        return;
    };
    let store = connect(&server.url, "outage", u64::MAX).await.unwrap();
    let put = async |store: &RedisStore| {
        store
            .put(
                Bytes::from_static(b"x"),
                "png",
                RETENTION,
                Client::ANONYMOUS,
            )
            .await
    };
    put(&store).await.unwrap();
    server.stop();
    let refused = put(&store).await;
    assert!(
        matches!(refused, Err(UserError::Unavailable { seconds: 1.. })),
        "{refused:?}"
    );
    server.restart();
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    while put(&store).await.is_err() {
        assert!(tokio::time::Instant::now() < deadline, "never reconnected");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}
