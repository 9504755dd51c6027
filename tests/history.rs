//! The history on both databases with one suite: records come back newest
//! first, retention purges by a given clock, `/forget` leaves nothing,
//! pausing stops recording, auto-convert settings persist per place. SQLite always runs (in a temp file); PostgreSQL
//! runs with `PIXDROP_TEST_DATABASE_URL` (CI sets it), in a fresh
//! database of its own, and says SKIPPED otherwise.

#[path = "support/postgres.rs"]
mod postgres;
#[path = "support/record.rs"]
mod record;

use pixdrop::history::{History, Retention, Settings, UserHasher};
use pixdrop::{Options, Platform};
use postgres::FreshDatabase;
use record::record;

const RETENTION: Retention = Retention {
    user_days: 365,
    anonymous_days: 30,
};
const DAY: i64 = 86_400;
const NOW: i64 = 1_800_000_000;

async fn suite(history: &History, salt: &[u8]) {
    let me = UserHasher::new(salt).hash(Platform::Telegram, "1001");
    let someone = UserHasher::new(salt).hash(Platform::Telegram, "2002");
    for minute in 0..12 {
        history
            .record(&record(NOW + minute * 60, Some("1001"), salt))
            .await
            .unwrap();
    }
    history
        .record(&record(NOW, Some("2002"), salt))
        .await
        .unwrap();

    let mine = history.for_user(&me, Some(10)).await.unwrap();
    assert_eq!(mine.len(), 10);
    assert_eq!(mine[0].at, NOW + 11 * 60, "newest first");
    assert_eq!(
        mine[0],
        record(NOW + 11 * 60, Some("1001"), salt),
        "round trip"
    );
    assert_eq!(mine[0].settings.as_str(), "to=webp quality=80");
    assert_eq!(history.for_user(&me, None).await.unwrap().len(), 12);

    assert_eq!(history.forget(&me).await.unwrap(), 12);
    assert!(history.for_user(&me, None).await.unwrap().is_empty());
    assert_eq!(
        history.for_user(&someone, None).await.unwrap().len(),
        1,
        "others keep theirs"
    );

    history.pause(&me, true).await.unwrap();
    history.pause(&me, true).await.unwrap();
    history
        .record(&record(NOW, Some("1001"), salt))
        .await
        .unwrap();
    assert!(
        history.for_user(&me, None).await.unwrap().is_empty(),
        "paused users are not recorded"
    );
    history.pause(&me, false).await.unwrap();
    history
        .record(&record(NOW, Some("1001"), salt))
        .await
        .unwrap();
    assert_eq!(history.for_user(&me, None).await.unwrap().len(), 1);
}

async fn purge_suite(history: &History, salt: &[u8]) {
    let old_user = record(NOW - 366 * DAY, Some("3003"), salt);
    let young_user = record(NOW - 300 * DAY, Some("3003"), salt);
    let old_anonymous = record(NOW - 31 * DAY, None, salt);
    let young_anonymous = record(NOW - 29 * DAY, None, salt);
    for r in [&old_user, &young_user, &old_anonymous, &young_anonymous] {
        history.record(r).await.unwrap();
    }
    let removed = history.purge(NOW as u64).await.unwrap();
    assert_eq!(removed, 2);
    let user = UserHasher::new(salt).hash(Platform::Telegram, "3003");
    assert_eq!(
        history.for_user(&user, None).await.unwrap(),
        vec![young_user]
    );
}

async fn auto_suite(history: &History, salt: &[u8]) {
    let hasher = UserHasher::new(salt);
    let group = hasher.place(Platform::Telegram, "-100123");
    assert_ne!(
        group,
        hasher.hash(Platform::Telegram, "-100123"),
        "apart from users"
    );
    assert_eq!(history.auto(&group).await.unwrap(), None);
    let webp = Settings::from(&Options::parse(["webp", "80"]).unwrap());
    history.set_auto(&group, Some(&webp)).await.unwrap();
    let png = Settings::from(&Options::parse(["png"]).unwrap());
    history.set_auto(&group, Some(&png)).await.unwrap();
    assert_eq!(history.auto(&group).await.unwrap(), Some(png), "replaced");
    let other = hasher.place(Platform::Discord, "-100123");
    assert_eq!(history.auto(&other).await.unwrap(), None, "per platform");
    history.set_auto(&group, None).await.unwrap();
    assert_eq!(history.auto(&group).await.unwrap(), None);
    history.set_auto(&group, None).await.unwrap();
}

fn sqlite_path(name: &str) -> std::path::PathBuf {
    let path =
        std::env::temp_dir().join(format!("pixdrop-history-{name}-{}.db", std::process::id()));
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
    }
    path
}

#[tokio::test]
async fn sqlite_history_keeps_its_promises() {
    let path = sqlite_path("suite");
    let history = History::connect(&format!("sqlite://{}", path.display()), RETENTION)
        .await
        .unwrap();
    suite(&history, b"salt-a").await;
    purge_suite(&history, b"salt-a").await;
    auto_suite(&history, b"salt-a").await;
    let again = History::connect(&format!("sqlite://{}", path.display()), RETENTION)
        .await
        .unwrap();
    let me = UserHasher::new(b"salt-a").hash(Platform::Telegram, "1001");
    assert_eq!(
        again.for_user(&me, None).await.unwrap().len(),
        1,
        "migrations re-run harmlessly"
    );
}

#[tokio::test]
async fn postgres_history_keeps_its_promises() {
    // A database of its own: the purge counts every row past retention, so
    // a shared one would count those of a suite running beside it.
    let Some(database) = FreshDatabase::create("PostgreSQL history tests").await else {
        return;
    };
    let history = History::connect(&database.url, RETENTION).await.unwrap();
    let salt = pixdrop::store::FileId::random().to_string();
    suite(&history, salt.as_bytes()).await;
    purge_suite(&history, salt.as_bytes()).await;
    auto_suite(&history, salt.as_bytes()).await;
}
