//! Gathering an album across instances (`pixdrop::gather`): two cores on
//! one real Redis stand for two instances that each got some parts. Both
//! settle on the same parts and lead, exactly one claims, the other waits
//! for the plan and provides its part, and the lead collects it; the
//! shared record names no chat in clear and expires with the retention.
//! The in-process records keep the same promises for one instance, under
//! paused time. Redis tests say SKIPPED without a `redis-server`.

#[allow(dead_code)]
mod support;

use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use pixdrop::gather::{Decision, Parts, Plan, Provided};
use pixdrop::history::UserHasher;
use pixdrop::links::Signer;
use pixdrop::pool::Client;
use pixdrop::store::{FileId, MemoryStore, Persistence, RedisSettings, RedisStore, Store};
use pixdrop::{Core, Platform};

const RETENTION: Duration = Duration::from_secs(30);
const QUIET: Duration = Duration::from_millis(300);
const CHAT: &str = "5550001";

fn core(store: Store) -> Core {
    let signer = Signer::new(Some(b"one signing key for every instance"), "http://x");
    Core::new(store, signer, UserHasher::new(b"salt")).with_retention(RETENTION)
}

fn png() -> Bytes {
    let image = image::RgbImage::from_pixel(4, 3, image::Rgb([200, 10, 10]));
    let mut out = std::io::Cursor::new(Vec::new());
    image.write_to(&mut out, image::ImageFormat::Png).unwrap();
    Bytes::from(out.into_inner())
}

/// Two instances on one Redis, a connection to look into it, their key
/// prefix, and the server (stopped when dropped).
type Instances = (
    Core,
    Core,
    redis::aio::MultiplexedConnection,
    String,
    support::RedisServer,
);

async fn instances() -> Option<Instances> {
    let server = support::RedisServer::find_or_start()?;
    let prefix = format!("test-{}", FileId::random());
    let mut cores = Vec::new();
    for _ in 0..2 {
        let store = RedisStore::connect(RedisSettings {
            url: &server.url,
            prefix: &prefix,
            max_bytes: u64::MAX,
            retention: RETENTION,
            secret: b"a test secret, thirty-two bytes or more",
            persistence: Persistence::Refuse,
        })
        .await
        .unwrap();
        cores.push(core(Store::Redis(store)));
    }
    let client = redis::Client::open(server.url.as_str()).unwrap();
    let look = client.get_multiplexed_async_connection().await.unwrap();
    let b = cores.pop()?;
    let a = cores.pop()?;
    Some((a, b, look, prefix, server))
}

#[tokio::test]
async fn two_instances_gather_one_album_and_one_leads() {
    let Some((a, b, mut look, prefix, _server)) = instances().await else {
        return;
    };
    let (on_a, on_b) = (
        a.album(Platform::Telegram, CHAT, "g1"),
        b.album(Platform::Telegram, CHAT, "g1"),
    );
    on_a.announce(10, true, QUIET).await.unwrap();
    on_b.announce(11, false, QUIET).await.unwrap();
    on_a.announce(12, false, QUIET).await.unwrap();
    let (parts_a, parts_b) = tokio::join!(on_a.settle(), on_b.settle());
    let expected = Parts {
        all: vec![10, 11, 12],
        lead: 10,
    };
    assert_eq!(parts_a.unwrap(), Some(expected.clone()));
    assert_eq!(parts_b.unwrap(), Some(expected));

    let (claimed_a, claimed_b) = tokio::join!(on_a.claim(10), on_b.claim(10));
    assert!(
        claimed_a.unwrap() ^ claimed_b.unwrap(),
        "exactly one claims"
    );

    let lead = async {
        on_a.decide(Plan::Together).await.unwrap();
        on_a.collect(&[11], Duration::from_secs(5)).await.unwrap()
    };
    let follow = async {
        let decision = on_b.plan(Duration::from_secs(5)).await.unwrap();
        assert_eq!(
            decision,
            Some(Decision {
                plan: Plan::Together,
                lead: 10
            })
        );
        on_b.provide(11, png(), tokio::time::Instant::now(), Client::ANONYMOUS)
            .await
            .unwrap();
    };
    let (collected, ()) = tokio::join!(lead, follow);
    assert_eq!(collected.get(&11), Some(&Provided::Image(png())));
    assert!(on_b.speak_first().await.unwrap());
    assert!(!on_a.speak_first().await.unwrap(), "one sentence per album");

    let keys: Vec<String> = redis::cmd("KEYS")
        .arg(format!("{prefix}:album:*"))
        .query_async(&mut look)
        .await
        .unwrap();
    assert_eq!(keys.len(), 1, "the record, its quiet key gone: {keys:?}");
    assert!(
        !keys[0].contains(CHAT) && !keys[0].contains("g1"),
        "{keys:?}"
    );
    let ttl: i64 = redis::cmd("PTTL")
        .arg(&keys[0])
        .query_async(&mut look)
        .await
        .unwrap();
    assert!(ttl > 0 && ttl <= RETENTION.as_millis() as i64, "{ttl}");
    let other = a.album(Platform::Telegram, CHAT, "g2");
    assert_eq!(other.settle().await.unwrap(), None, "albums apart");
}

#[tokio::test]
async fn a_part_announced_late_elsewhere_keeps_the_album_open() {
    let Some((a, b, _, _, _server)) = instances().await else {
        return;
    };
    let on_a = a.album(Platform::Telegram, CHAT, "late");
    on_a.announce(20, true, QUIET).await.unwrap();
    let started = tokio::time::Instant::now();
    let late = async {
        tokio::time::sleep(QUIET / 2).await;
        let on_b = b.album(Platform::Telegram, CHAT, "late");
        on_b.announce(21, false, QUIET).await.unwrap();
    };
    let (parts, ()) = tokio::join!(on_a.settle(), late);
    assert_eq!(parts.unwrap().map(|p| p.all), Some(vec![20, 21]));
    assert!(
        started.elapsed() >= QUIET + QUIET / 2,
        "waited for quiet after the late part"
    );
}

#[tokio::test(start_paused = true)]
async fn in_process_the_album_settles_once_quiet_and_is_claimed_once() {
    let store = Arc::new(MemoryStore::new(1 << 20, RETENTION));
    let core = core(Store::Memory(store));
    let album = core.album(Platform::Telegram, CHAT, "g");
    album.announce(2, false, QUIET).await.unwrap();
    album.announce(1, false, QUIET).await.unwrap();
    let started = tokio::time::Instant::now();
    let parts = album.settle().await.unwrap().unwrap();
    assert_eq!(started.elapsed(), QUIET);
    assert_eq!(
        (parts.all, parts.lead),
        (vec![1, 2], 1),
        "no caption: the first leads"
    );
    assert!(album.claim(1).await.unwrap());
    assert!(!album.claim(1).await.unwrap());
    assert_eq!(album.plan(Duration::from_secs(1)).await.unwrap(), None);
    album.decide(Plan::Each).await.unwrap();
    album.skip(2).await.unwrap();
    let collected = album.collect(&[2], Duration::from_secs(1)).await.unwrap();
    assert_eq!(collected[&2], Provided::Skipped);
    let missing = album.collect(&[3], Duration::from_secs(1)).await;
    assert!(missing.is_err(), "a part nobody provides ends the wait");
    tokio::time::advance(RETENTION).await;
    assert_eq!(
        album.settle().await.unwrap(),
        None,
        "gone with the retention"
    );
}
