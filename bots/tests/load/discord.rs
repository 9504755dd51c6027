//! Many Discord users at once: the real binary is connected to the
//! loopback Discord fake's gateway, and every user's `/convert` with a
//! photo attachment is dispatched back to back, as in a busy server. Each
//! interaction comes from a different user (so the per-user pace never
//! applies). The edit of the deferred answer with a file is a result; an
//! ephemeral follow-up (or an edit without a file) is a sentence.
//!
//! CI size: 11 users, each a 2000x1500 photo, all answered with files.
//! `PIXDROP_LOAD_USERS`, `PIXDROP_LOAD_SIZE` and `PIXDROP_LOAD_TO` scale
//! it (see `knobs`).

use std::collections::HashMap;
use std::time::{Duration, Instant};

use serde_json::Value;

use crate::answers::Answers;
use crate::child::Child;
use crate::discord_fake::payloads::{self, attachment_option, string_option};
use crate::discord_fake::{Call, FakeDiscord, UPLOAD_LIMIT};
use crate::report::{Outcome, Report};
use crate::{knobs, photo};

/// The first user's id; the others follow.
const FIRST_USER: u64 = 1_060_000_000_000_000_000;
/// Distinct photos made for a burst; users take them in turn.
const PHOTOS: usize = 4;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn simultaneous_commands_from_different_users_are_all_answered_with_files() {
    let _machine = crate::MACHINE.lock().await;
    let users = knobs::count("PIXDROP_LOAD_USERS", 11);
    let report = burst(users, knobs::size(), &knobs::target()).await;
    report.print();
    assert_eq!(
        report.results(),
        users,
        "every user gets a file, none is refused (the table above says what the others got)"
    );
}

async fn burst(users: usize, (width, height): (u32, u32), to: &str) -> Report {
    let fake = FakeDiscord::start().await;
    let photos: Vec<Vec<u8>> = (0..PHOTOS.min(users))
        .map(|seed| photo::jpeg(width, height, seed as u32))
        .collect();
    let child = Child::spawn(
        "discord",
        &[
            ("DISCORD_TOKEN", fake.token().to_string()),
            ("DISCORD_API_URL", fake.api_url()),
        ],
    );
    fake.wait_until_ready(Duration::from_secs(30)).await;
    fake.wait_for(
        |calls| calls.iter().any(|c| c.is("PUT", "/commands") && c.ok()),
        Duration::from_secs(30),
    )
    .await;
    let commands: Vec<Value> = (0..users)
        .map(|i| convert(&fake, &photos[i % photos.len()], to, FIRST_USER + i as u64))
        .collect();
    let senders: HashMap<String, usize> = commands
        .iter()
        .enumerate()
        .map(|(i, c)| (c["token"].as_str().unwrap_or_default().to_string(), i))
        .collect();

    let sent = Instant::now();
    for command in &commands {
        fake.interact(command);
    }
    let answers = answers(&fake, &senders, sent).await;
    let peak_rss = child.finish();
    Report {
        title: format!(
            "discord: {users} users, {width}x{height} JPEG ({} KiB) -> {to}",
            photos[0].len() >> 10
        ),
        outcomes: (0..users).map(|i| answers.outcome(&i)).collect(),
        peak_rss,
        alone: None,
    }
}

/// `/convert image:<photo> format:<to>` invoked by the user `user_id`.
fn convert(fake: &FakeDiscord, photo: &[u8], to: &str, user_id: u64) -> Value {
    let image = fake.add_attachment(photo, "photo.jpg", "image/jpeg");
    let mut command = fake.slash_command(
        "convert",
        vec![
            attachment_option("image", &image),
            string_option("format", to),
        ],
        vec![image],
        UPLOAD_LIMIT,
    );
    command["member"]["user"] = payloads::user(user_id, &format!("user{user_id}"), None, false);
    command
}

/// Each user's outcome, read as the requests arrive, until the burst is
/// settled or patience runs out.
async fn answers(
    fake: &FakeDiscord,
    senders: &HashMap<String, usize>,
    sent: Instant,
) -> Answers<usize> {
    let deadline = Instant::now() + knobs::patience(senders.len());
    let mut answers = Answers::new(senders.len());
    let mut read = 0;
    while !answers.settled() && Instant::now() < deadline {
        let fresh = fake.calls_from(read);
        read += fresh.len();
        for call in &fresh {
            answers.saw_activity();
            if let Some((sender, outcome)) = answer(call, senders, sent) {
                answers.note(sender, outcome);
            }
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    answers
}

/// The edit of an interaction's original answer, or a follow-up to it, as
/// its sender's outcome.
fn answer(
    call: &Call,
    senders: &HashMap<String, usize>,
    sent: Instant,
) -> Option<(usize, Outcome)> {
    if !call.ok() {
        return None;
    }
    let segments: Vec<&str> = call.path.split('/').collect();
    let at = segments.iter().position(|s| *s == "webhooks")?;
    let sender = *senders.get(*segments.get(at + 2)?)?;
    let rest = &segments[at + 3..];
    let outcome = match (call.method.as_str(), rest) {
        ("PATCH", ["messages", "@original"]) if !call.files.is_empty() => {
            Outcome::Result(call.at.saturating_duration_since(sent))
        }
        ("PATCH", ["messages", "@original"]) | ("POST", []) => {
            Outcome::Sentence(call.content().to_string())
        }
        _ => return None,
    };
    Some((sender, outcome))
}
