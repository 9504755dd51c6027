//! The released shape of the Telegram bot: the real `pixdrop` binary,
//! configured only by `TELEGRAM_TOKEN` and `TELEGRAM_API_URL`, drives the
//! loopback fake from outside the test process, answers a caption command
//! with a document, and stops cleanly on SIGTERM.

use crate::{jpeg, support};

use std::net::TcpListener;
use std::process::{Command, Stdio};
use std::time::Duration;

use support::server::Stopper;
use support::telegram_fake::FakeTelegram;

const CHAT: i64 = 7001;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_binary_answers_a_caption_command_through_the_bot_api() {
    let fake = FakeTelegram::start().await;
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let workdir = std::env::temp_dir().join(format!("pixdrop-tg-bin-{}", std::process::id()));
    std::fs::create_dir_all(&workdir).unwrap();
    let mut child = Stopper(
        Command::new(env!("CARGO_BIN_EXE_pixdrop"))
            .arg("serve")
            .current_dir(&workdir)
            .env_clear()
            .env("TELEGRAM_TOKEN", fake.token())
            .env("TELEGRAM_API_URL", fake.api_url())
            .env("PIXDROP_BIND", format!("127.0.0.1:{port}"))
            .env("DATABASE_URL", "sqlite::memory:")
            .env("RUST_LOG", "warn")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap(),
    );
    let (photo, _, _) = fake.add_file(&jpeg(160, 120), "jpg");
    fake.push_update(fake.private_photo(CHAT, CHAT, &photo, Some("/convert png")));
    let calls = fake
        .wait_for(
            |calls| calls.iter().any(|c| c.is("senddocument")),
            Duration::from_secs(30),
        )
        .await;
    let document = calls.iter().find(|c| c.is("senddocument")).unwrap();
    let (name, bytes) = document.file("document").expect("a document part");
    assert!(name.ends_with(".png"), "{name}");
    assert!(bytes.starts_with(b"\x89PNG"));
    assert!(calls.iter().any(|c| c.is("setmycommands")));
    // SAFETY: sends SIGTERM to the child we spawned.
    unsafe { libc::kill(child.0.id() as i32, libc::SIGTERM) };
    let status = child.0.wait().unwrap();
    assert!(status.success(), "clean exit on SIGTERM, got {status}");
    std::fs::remove_dir_all(&workdir).unwrap();
}
