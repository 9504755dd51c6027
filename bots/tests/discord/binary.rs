//! The released shape of the Discord bot: the real `pixdrop` binary,
//! configured only by `DISCORD_TOKEN` and `DISCORD_API_URL`, connects to the
//! loopback fake's gateway, registers its commands, answers `/convert` with
//! a converted file, and stops cleanly on SIGTERM; and the same binary with
//! `DISCORD_PUBLIC_KEY` and no gateway takes signed interactions over HTTP,
//! and on SIGTERM still sends the edit of one it already answered. With
//! `DISCORD_SHARDS` it identifies as exactly those shards, and a bad value
//! stops it with one line.

use crate::{convert, discord_fake, png, support};

use std::net::TcpListener;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use discord_fake::{Call, FailWith, FakeDiscord};
use support::server::Stopper;

/// Where a spawned binary's log goes, inside its work directory.
const LOG: &str = "stderr.log";

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// `pixdrop serve` on `port` against `fake`, with `extra` settings.
fn spawn(
    fake: &FakeDiscord,
    port: u16,
    workdir: &std::path::Path,
    extra: &[(&str, &str)],
) -> Stopper {
    std::fs::create_dir_all(workdir).unwrap();
    Stopper(
        Command::new(env!("CARGO_BIN_EXE_pixdrop"))
            .arg("serve")
            .current_dir(workdir)
            .env_clear()
            .env("DISCORD_TOKEN", fake.token())
            .env("DISCORD_API_URL", fake.api_url())
            .env("PIXDROP_BIND", format!("127.0.0.1:{port}"))
            .env("DATABASE_URL", "sqlite::memory:")
            .env("RUST_LOG", "warn")
            .envs(extra.iter().copied())
            .stdout(Stdio::null())
            .stderr(std::fs::File::create(workdir.join(LOG)).unwrap())
            .spawn()
            .unwrap(),
    )
}

async fn registered(fake: &FakeDiscord) {
    fake.wait_for(
        |calls| {
            calls
                .iter()
                .any(|c| c.method == "PUT" && c.path.ends_with("/commands") && c.ok())
        },
        Duration::from_secs(30),
    )
    .await;
}

/// The first edit of an `@original` response that carries a file.
async fn edited_with_a_file(fake: &FakeDiscord) -> Call {
    let with_file =
        |c: &Call| c.method == "PATCH" && c.path.ends_with("@original") && !c.files.is_empty();
    let calls = fake
        .wait_for(|calls| calls.iter().any(with_file), Duration::from_secs(30))
        .await;
    calls.into_iter().find(with_file).unwrap()
}

/// Sends SIGTERM and expects a clean exit within 30 s; the wait yields,
/// so the fake keeps answering the stopping binary.
async fn terminate(mut child: Stopper, workdir: &std::path::Path) {
    // SAFETY: sends SIGTERM to the child we spawned.
    unsafe { libc::kill(child.0.id() as i32, libc::SIGTERM) };
    let asked = Instant::now();
    let status = loop {
        if let Some(status) = child.0.try_wait().unwrap() {
            break status;
        }
        assert!(
            asked.elapsed() < Duration::from_secs(30),
            "no exit after SIGTERM"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    let log = std::fs::read_to_string(workdir.join(LOG)).unwrap_or_default();
    assert!(
        status.success(),
        "clean exit on SIGTERM, got {status}; log:\n{log}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_binary_answers_a_slash_command_through_the_fake() {
    let fake = FakeDiscord::start().await;
    let workdir = std::env::temp_dir().join(format!("pixdrop-dc-bin-{}", std::process::id()));
    let child = spawn(&fake, free_port(), &workdir, &[]);
    fake.wait_until_ready(Duration::from_secs(30)).await;
    registered(&fake).await;
    let slash = convert(&fake, &png(64, 48), "jpeg", 8 << 20);
    fake.interact(&slash);
    let edit = edited_with_a_file(&fake).await;
    let (_, name, bytes) = &edit.files[0];
    assert!(name.ends_with(".jpg"), "{name}");
    assert!(bytes.starts_with(&[0xFF, 0xD8, 0xFF]));
    terminate(child, &workdir).await;
    std::fs::remove_dir_all(&workdir).unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_binary_takes_signed_interactions_over_http_without_a_gateway() {
    let fake = FakeDiscord::start().await;
    let port = free_port();
    let workdir = std::env::temp_dir().join(format!("pixdrop-dc-http-{}", std::process::id()));
    let key = fake.public_key();
    let settings = [
        ("DISCORD_PUBLIC_KEY", key.as_str()),
        ("DISCORD_GATEWAY", "off"),
    ];
    let child = spawn(&fake, port, &workdir, &settings);
    registered(&fake).await;
    let endpoint = format!("http://127.0.0.1:{port}/discord/interactions");
    let pong = fake.deliver(&endpoint, &fake.ping()).await;
    assert_eq!((pong.status, pong.answer["type"].as_u64()), (200, Some(1)));

    let slash = convert(&fake, &png(64, 48), "png", 8 << 20);
    let deferred = fake.deliver(&endpoint, &slash).await;
    assert_eq!(deferred.answer["type"].as_u64(), Some(5), "{:?}", deferred);
    assert_eq!(deferred.rejected, None);
    let edit = edited_with_a_file(&fake).await;
    assert!(
        edit.files[0].2.starts_with(b"\x89PNG"),
        "{}",
        edit.summary()
    );
    assert_eq!(fake.connections(), 0, "no gateway connection");
    terminate(child, &workdir).await;
    std::fs::remove_dir_all(&workdir).unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigterm_still_sends_the_edit_of_an_interaction_answered_over_http() {
    let fake = FakeDiscord::start().await;
    let port = free_port();
    let workdir = std::env::temp_dir().join(format!("pixdrop-dc-drain-{}", std::process::id()));
    let key = fake.public_key();
    let settings = [
        ("DISCORD_PUBLIC_KEY", key.as_str()),
        ("DISCORD_GATEWAY", "off"),
    ];
    let child = spawn(&fake, port, &workdir, &settings);
    registered(&fake).await;
    fake.fail_next(
        "PATCH",
        "@original",
        FailWith::RateLimited {
            retry_after_secs: 1.5,
        },
    );
    let endpoint = format!("http://127.0.0.1:{port}/discord/interactions");
    let slash = convert(&fake, &png(64, 48), "png", 8 << 20);
    let deferred = fake.deliver(&endpoint, &slash).await;
    assert_eq!(deferred.answer["type"].as_u64(), Some(5), "{:?}", deferred);
    let refused =
        |c: &Call| c.method == "PATCH" && c.path.ends_with("@original") && c.status == 429;
    fake.wait_for(|calls| calls.iter().any(refused), Duration::from_secs(30))
        .await;
    terminate(child, &workdir).await;
    let edited = fake
        .calls()
        .into_iter()
        .find(|c| c.method == "PATCH" && c.path.ends_with("@original") && c.ok());
    let edited = edited.unwrap_or_else(|| panic!("no edit before the exit\n{}", fake.dump()));
    assert!(
        edited.files[0].2.starts_with(b"\x89PNG"),
        "{}",
        edited.summary()
    );
    std::fs::remove_dir_all(&workdir).unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_binary_identifies_as_exactly_the_shards_it_was_given() {
    let fake = FakeDiscord::start().await;
    fake.require_shards(4);
    let workdir = std::env::temp_dir().join(format!("pixdrop-dc-shards-{}", std::process::id()));
    let child = spawn(&fake, free_port(), &workdir, &[("DISCORD_SHARDS", "2-3/4")]);
    // serenity leaves 5 s between two shards' Identify.
    let deadline = Instant::now() + Duration::from_secs(30);
    while fake.identified_shards().len() < 2 {
        assert!(
            Instant::now() < deadline,
            "two shards did not identify\n{}",
            fake.dump()
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    // A later interaction this process answers shows it went past READY
    // (where shard 0 would register) and identified nothing more.
    let privacy = fake.slash_command("privacy", vec![], vec![], discord_fake::UPLOAD_LIMIT);
    fake.interact(&privacy);
    let answered = |calls: &[Call]| calls.iter().any(|c| c.is("POST", "/callback") && c.ok());
    fake.wait_for(answered, Duration::from_secs(10)).await;
    let mut shards = fake.identified_shards();
    shards.sort_unstable();
    assert_eq!(shards, vec![[2, 4], [3, 4]], "{}", fake.dump());
    assert!(
        !fake.calls().iter().any(|c| c.path.ends_with("/commands")),
        "only the process with shard 0 registers commands\n{}",
        fake.dump()
    );
    terminate(child, &workdir).await;
    std::fs::remove_dir_all(&workdir).unwrap();
}

#[test]
fn shards_outside_the_total_stop_the_start_with_one_line() {
    let output = Command::new(env!("CARGO_BIN_EXE_pixdrop"))
        .arg("formats")
        .current_dir(std::env::temp_dir())
        .env_clear()
        .env("DISCORD_SHARDS", "4-9/8")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(stderr.starts_with("pixdrop: DISCORD_SHARDS: "), "{stderr}");
}
