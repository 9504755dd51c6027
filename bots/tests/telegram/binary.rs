//! The released shape of the Telegram bot: the real `pixdrop` binary,
//! configured only by `TELEGRAM_TOKEN` and `TELEGRAM_API_URL`, drives the
//! loopback fake from outside the test process, answers a caption command
//! with a document, and stops cleanly on SIGTERM: conversions in flight
//! are finished and delivered first, and a restarted binary answers none of
//! them twice.

use crate::{jpeg, support};

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use support::server::Stopper;
use support::telegram_fake::{Call, FakeTelegram, Slow};

const CHAT: i64 = 7001;
/// How long a test waits for the binary to act.
const WITHIN: Duration = Duration::from_secs(30);
/// Where spawned binaries log, inside their work directory.
const LOG: &str = "stderr.log";

/// `pixdrop serve` against `fake`, working in `workdir`.
fn spawn(fake: &FakeTelegram, workdir: &Path) -> Stopper {
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    std::fs::create_dir_all(workdir).unwrap();
    let log = std::fs::File::options()
        .create(true)
        .append(true)
        .open(workdir.join(LOG))
        .unwrap();
    Stopper(
        Command::new(env!("CARGO_BIN_EXE_pixdrop"))
            .arg("serve")
            .current_dir(workdir)
            .env_clear()
            .env("TELEGRAM_TOKEN", fake.token())
            .env("TELEGRAM_API_URL", fake.api_url())
            .env("PIXDROP_BIND", format!("127.0.0.1:{port}"))
            .env("DATABASE_URL", "sqlite::memory:")
            .env("RUST_LOG", "warn")
            .stdout(Stdio::null())
            .stderr(log)
            .spawn()
            .unwrap(),
    )
}

fn workdir(name: &str) -> PathBuf {
    std::env::temp_dir().join(format!("pixdrop-tg-{name}-{}", std::process::id()))
}

/// Sends SIGTERM and expects a clean exit within `WITHIN`.
async fn terminate(child: &mut Stopper, workdir: &Path) {
    // SAFETY: sends SIGTERM to the child we spawned.
    unsafe { libc::kill(child.0.id() as i32, libc::SIGTERM) };
    let asked = Instant::now();
    let status = loop {
        if let Some(status) = child.0.try_wait().unwrap() {
            break status;
        }
        assert!(
            asked.elapsed() < WITHIN,
            "no exit within {WITHIN:?} of SIGTERM"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    let log = std::fs::read_to_string(workdir.join(LOG)).unwrap_or_default();
    assert!(
        status.success(),
        "clean exit on SIGTERM, got {status}; log:\n{log}"
    );
}

fn documents(calls: &[Call]) -> Vec<&Call> {
    calls
        .iter()
        .filter(|c| c.is("senddocument") && c.succeeded())
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_binary_answers_a_caption_command_through_the_bot_api() {
    let fake = FakeTelegram::start().await;
    let workdir = workdir("bin");
    let mut child = spawn(&fake, &workdir);
    let (photo, _, _) = fake.add_file(&jpeg(160, 120), "jpg");
    fake.push_update(fake.private_photo(CHAT, CHAT, &photo, Some("/convert png")));
    let calls = fake
        .wait_for(|calls| calls.iter().any(|c| c.is("senddocument")), WITHIN)
        .await;
    let document = calls.iter().find(|c| c.is("senddocument")).unwrap();
    let (name, bytes) = document.file("document").expect("a document part");
    assert!(name.ends_with(".png"), "{name}");
    assert!(bytes.starts_with(b"\x89PNG"));
    assert!(calls.iter().any(|c| c.is("setmycommands")));
    terminate(&mut child, &workdir).await;
    std::fs::remove_dir_all(&workdir).unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigterm_mid_burst_delivers_every_conversion_and_a_restart_repeats_none() {
    let fake = FakeTelegram::start().await;
    let chats: Vec<i64> = (1..=5).map(|n| CHAT + n).collect();
    let mut updates = Vec::new();
    for chat in &chats {
        let (photo, _, _) = fake.add_file(&jpeg(160, 120), "jpg");
        fake.slow_download(&photo, Slow::Late(Duration::from_millis(1500)));
        let update = fake.private_photo(*chat, *chat, &photo, Some("/convert webp"));
        updates.push(fake.push_update(update));
    }
    let workdir = workdir("drain");
    let mut first = spawn(&fake, &workdir);
    for id in &updates {
        fake.wait_delivered(*id, WITHIN).await;
    }
    fake.wait_for(|calls| calls.iter().any(|c| c.is("getfile")), WITHIN)
        .await;
    assert!(
        documents(&fake.calls()).is_empty(),
        "too late to be in flight"
    );
    terminate(&mut first, &workdir).await;
    let calls = fake.calls();
    let delivered = documents(&calls);
    let mut answered: Vec<i64> = delivered.iter().filter_map(|c| c.chat_id()).collect();
    answered.sort_unstable();
    assert_eq!(answered, chats, "one document per chat\n{}", fake.dump());
    for document in &delivered {
        let (name, _) = document.file("document").expect("a document part");
        assert!(name.ends_with(".webp"), "{name}");
    }

    // Each chat's worker answers in order: a conversion taken again would
    // be delivered before the help that follows it in the same chat.
    let mut second = spawn(&fake, &workdir);
    let helps: Vec<i64> = chats
        .iter()
        .map(|chat| {
            let update = fake.private_text(*chat, *chat, "/help");
            let message = update["message"]["message_id"].as_i64().unwrap();
            fake.push_update(update);
            message
        })
        .collect();
    let answered_help = |calls: &[Call]| {
        helps.iter().all(|help| {
            calls
                .iter()
                .any(|c| c.is("sendmessage") && c.succeeded() && c.reply_to() == Some(*help))
        })
    };
    let calls = fake.wait_for(answered_help, WITHIN).await;
    assert_eq!(
        documents(&calls).len(),
        chats.len(),
        "answered twice after the restart\n{}",
        fake.dump()
    );
    terminate(&mut second, &workdir).await;
    std::fs::remove_dir_all(&workdir).unwrap();
}
