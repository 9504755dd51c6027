//! Many Telegram chats at once: the real binary long-polls the loopback
//! Bot API fake, and every chat's photo with `/convert FORMAT` arrives in
//! one `getUpdates` answer, as when a bot is popular in a busy hour. Each
//! chat is a different user in a private chat. A document in reply is a
//! result; a message without one is a sentence (a refusal).
//!
//! CI size: 30 chats, each a 2000x1500 photo, all answered with documents
//! and peak RSS under 1.5 GiB. `PIXDROP_LOAD_CHATS`, `PIXDROP_LOAD_SIZE`
//! and `PIXDROP_LOAD_TO` scale it (see `knobs`); more than 100 chats come
//! in several answers, the most Telegram puts in one.

use std::time::Duration;

use tokio::time::Instant;

use crate::answers::Answers;
use crate::child::Child;
use crate::report::{Outcome, Report};
use crate::support::telegram_fake::{Call, FakeTelegram};
use crate::{knobs, photo};

/// The first chat's id; the others follow. Private chat id = user id.
const FIRST_CHAT: i64 = 7_100_000;
/// Distinct photos made for a burst; chats take them in turn (as when a
/// picture is forwarded around, file ids repeat on Telegram too).
const PHOTOS: usize = 4;
/// The most updates one `getUpdates` answer holds.
const UPDATES_PER_ANSWER: usize = 100;
const PEAK_RSS_CAP: u64 = 1536 << 20;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_burst_of_chats_is_all_answered_with_documents() {
    let _machine = crate::MACHINE.lock().await;
    let chats = knobs::count("PIXDROP_LOAD_CHATS", 30);
    let report = burst(chats, knobs::size(), &knobs::target()).await;
    report.print();
    assert_eq!(
        report.results(),
        chats,
        "every chat gets its document, none is refused (the table above says what the others got)"
    );
    assert!(
        report.peak_rss < PEAK_RSS_CAP,
        "peak RSS stays under 1.5 GiB (table above)"
    );
}

/// Drives `chats` chats, each sending one `size` photo, through one child.
async fn burst(chats: usize, (width, height): (u32, u32), to: &str) -> Report {
    let fake = FakeTelegram::start().await;
    let photos: Vec<(String, usize)> = (0..PHOTOS.min(chats))
        .map(|seed| {
            let bytes = photo::jpeg(width, height, seed as u32);
            (fake.add_file(&bytes, "jpg").0, bytes.len())
        })
        .collect();
    let caption = format!("/convert {to}");
    let updates: Vec<_> = (0..chats)
        .map(|i| {
            let chat = FIRST_CHAT + i as i64;
            let (file, _) = &photos[i % photos.len()];
            fake.private_photo(chat, chat, file, Some(&caption))
        })
        .collect();
    let child = Child::spawn(
        "telegram",
        &[
            ("TELEGRAM_TOKEN", fake.token().to_string()),
            ("TELEGRAM_API_URL", fake.api_url()),
        ],
    );
    fake.wait_for(
        |calls| calls.iter().any(|c| c.is("getupdates")),
        Duration::from_secs(30),
    )
    .await;

    let sent = fake.elapsed();
    fake.push_updates(updates);
    let answers = answers(&fake, chats, sent).await;
    let peak_rss = child.finish();
    assert_eq!(
        largest_delivery(&fake.calls()),
        chats.min(UPDATES_PER_ANSWER),
        "the burst arrives in one getUpdates answer\n{}",
        fake.dump()
    );
    let outcomes = (0..chats)
        .map(|i| answers.outcome(&(FIRST_CHAT + i as i64)))
        .collect();
    Report {
        title: format!(
            "telegram: {chats} chats, {width}x{height} JPEG ({} KiB) -> {to}",
            photos[0].1 >> 10
        ),
        outcomes,
        peak_rss,
        alone: None,
    }
}

/// Each chat's outcome, read as the calls arrive, until the burst is
/// settled or patience runs out.
async fn answers(fake: &FakeTelegram, chats: usize, sent: Duration) -> Answers<i64> {
    let deadline = Instant::now() + knobs::patience(chats);
    let mut answers = Answers::new(chats);
    let mut read = 0;
    while !answers.settled() && Instant::now() < deadline {
        let fresh = fake.calls_from(read);
        read += fresh.len();
        for call in fresh.iter().filter(|c| !c.is("getupdates")) {
            answers.saw_activity();
            if let Some((chat, outcome)) = answer(call, sent) {
                answers.note(chat, outcome);
            }
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    answers
}

/// A document or a message the bot sent to a chat, as that chat's outcome.
fn answer(call: &Call, sent: Duration) -> Option<(i64, Outcome)> {
    if !call.succeeded() {
        return None;
    }
    let chat = call.chat_id()?;
    let outcome = if call.is("senddocument") {
        Outcome::Result(call.at.saturating_sub(sent))
    } else if call.is("sendmessage") {
        Outcome::Sentence(call.text().to_string())
    } else {
        return None;
    };
    Some((chat, outcome))
}

/// The most updates a single `getUpdates` answer carried.
fn largest_delivery(calls: &[Call]) -> usize {
    calls
        .iter()
        .filter(|c| c.is("getupdates"))
        .filter_map(|c| c.result.as_array().map(Vec::len))
        .max()
        .unwrap_or(0)
}
