//! The Telegram adapter end to end: real core, real teloxide, real images,
//! against the loopback Bot API fake. Each test runs the adapter on its own
//! fake, pushes updates shaped as Telegram sends them, and asserts on the
//! calls the bot made: what it sent, to which chat, in reply to what, with
//! which bytes, and what it left alone. One binary for all of Telegram:
//! `drain` (stopping and stalls), `binary` (the released binary from
//! outside), `instances` (two binaries as one bot behind a webhook, on a
//! real Redis), `fake_selftest` (the fake against teloxide itself),
//! `presets`, `languages` and `shared_pace` (the pace across instances on
//! Redis) are its modules.

mod binary;
mod drain;
mod fake_selftest;
mod instances;
mod languages;
mod presets;
#[allow(dead_code)]
#[path = "../../../tests/support/mod.rs"]
mod redis_server;
mod remove;
mod shared_pace;
#[path = "../support/mod.rs"]
mod support;

use std::io::Cursor;
use std::sync::Arc;
use std::time::Duration;

use image::{ImageFormat, Rgb, RgbImage};
use pixdrop::history::{History, Retention, UserHasher};
use pixdrop::links::Signer;
use pixdrop::pool::Pool;
use pixdrop::store::{MemoryStore, Store};
use pixdrop::{Core, Limits};
use pixdrop_bots::download::Timeouts;
use pixdrop_bots::telegram::{self, Settings};
use serde_json::Value;
use support::telegram_fake::{Call, FailWith, FakeTelegram};
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

/// A private chat; its id is the user's id, as on Telegram.
const CHAT: i64 = 5_550_001;
const GROUP: i64 = -1_009_876_543_210;
const REPLY: Duration = Duration::from_secs(6);
/// How long work in flight may go on after the bot is told to stop.
const DRAIN: Duration = Duration::from_secs(4);
/// A pause without calls that counts as the bot being idle.
const QUIET: Duration = Duration::from_millis(250);
const SENDS: [&str; 4] = ["sendmessage", "senddocument", "sendphoto", "sendmediagroup"];

/// The adapter running against its own fake until `stop`.
struct Running {
    fake: FakeTelegram,
    stop: oneshot::Sender<()>,
    task: JoinHandle<Result<(), String>>,
}

impl Running {
    async fn start(with_history: bool) -> Self {
        Self::start_paced(with_history, 600).await
    }

    /// With `per_user_per_minute` conversions allowed per user.
    async fn start_paced(with_history: bool, per_user_per_minute: u32) -> Self {
        Self::start_on(
            FakeTelegram::start().await,
            core(with_history).await,
            per_user_per_minute,
        )
        .await
    }

    /// On `fake` with `core`, as after a restart of the bot alone.
    async fn start_on(fake: FakeTelegram, core: Core, per_user_per_minute: u32) -> Self {
        Self::start_with(fake, core, |settings| {
            settings.per_user_per_minute = per_user_per_minute;
        })
        .await
    }

    /// With the tests' settings as `tune` changes them; returns once the
    /// bot polls (or has set its webhook).
    async fn start_with(fake: FakeTelegram, core: Core, tune: impl FnOnce(&mut Settings)) -> Self {
        let mut settings = Settings {
            token: fake.token().to_string(),
            api_url: fake.api_url(),
            download_limit: 20 << 20,
            upload_limit: 50 << 20,
            album_wait: Duration::from_millis(300),
            webhook: None,
            per_user_per_minute: 600,
            shared_pace: None,
            download: Timeouts::default(),
            drain: DRAIN,
        };
        tune(&mut settings);
        let started = match settings.webhook {
            Some(_) => "setwebhook",
            None => "getupdates",
        };
        let (stop, stopped) = oneshot::channel::<()>();
        let task = tokio::spawn(telegram::run(settings, core, async move {
            let _ = stopped.await;
        }));
        fake.wait_for(|calls| calls.iter().any(|c| c.is(started)), REPLY)
            .await;
        Self { fake, stop, task }
    }

    async fn stop(self) {
        self.stop_keeping_fake().await;
    }

    /// Stops the bot and hands back its fake, which keeps its state.
    async fn stop_keeping_fake(self) -> FakeTelegram {
        let _ = self.stop.send(());
        let ended = tokio::time::timeout(Duration::from_secs(5), self.task)
            .await
            .expect("run returns within 5 s of shutdown")
            .expect("run does not panic");
        assert_eq!(ended, Ok(()));
        self.fake
    }

    /// Pushes `update` and returns the next `method` call the bot makes,
    /// preferring one that replies to the pushed message.
    async fn next(&self, method: &str, update: Value) -> Call {
        self.settle().await;
        let before = attempts(&self.fake.calls(), method).len();
        let source = update["message"]["message_id"].as_i64();
        self.fake.push_update(update);
        let calls = self
            .fake
            .wait_for(|calls| attempts(calls, method).len() > before, REPLY)
            .await;
        let fresh = &attempts(&calls, method)[before..];
        let call = fresh
            .iter()
            .find(|c| source.is_some() && c.reply_to() == source)
            .unwrap_or(&fresh[0]);
        assert!(call.succeeded(), "{call}\n{}", self.fake.dump());
        (*call).clone()
    }

    /// Waits until the bot has made no call but polling for `QUIET`, so
    /// what comes next answers what the test does next.
    async fn settle(&self) {
        let busy = |calls: &[Call]| calls.iter().filter(|c| !c.is("getupdates")).count();
        let mut seen = busy(&self.fake.calls());
        loop {
            tokio::time::sleep(QUIET).await;
            let now = busy(&self.fake.calls());
            if now == seen {
                return;
            }
            seen = now;
        }
    }

    /// Pushes `update`, then a command the bot must answer in the same
    /// chat, and asserts that answer is all it sent: a chat's updates are
    /// handled in order, so a late reply to `update` would come first.
    async fn ignored(&self, update: Value) {
        self.settle().await;
        let before = sends(&self.fake.calls());
        let chat = update["message"]["chat"]["id"].as_i64().unwrap();
        self.fake.push_update(update);
        self.answered_only_later(chat, before).await;
    }

    /// Pushes `/privacy` to `chat` and asserts that, of the sends after the
    /// first `before`, its answer is the only one.
    async fn answered_only_later(&self, chat: i64, before: usize) {
        let later = match chat < 0 {
            true => self
                .fake
                .group_message_text(chat, CHAT, "/privacy@pixdrop_test_bot", None),
            false => self.fake.private_text(chat, chat, "/privacy"),
        };
        let later_id = message_id(&later);
        self.fake.push_update(later);
        let answered = |calls: &[Call]| calls.iter().any(|c| c.reply_to() == Some(later_id));
        let calls = self.fake.wait_for(answered, REPLY).await;
        let fresh: Vec<&Call> = calls
            .iter()
            .filter(|c| SENDS.contains(&c.method.as_str()))
            .skip(before)
            .collect();
        assert!(
            fresh.len() == 1 && fresh[0].reply_to() == Some(later_id),
            "only the later message is answered\n{}",
            self.fake.dump()
        );
    }
}

async fn core(with_history: bool) -> Core {
    let retention = Duration::from_secs(60);
    let history = match with_history {
        true => Some(
            History::connect(
                "sqlite::memory:",
                Retention {
                    user_days: 365,
                    anonymous_days: 30,
                },
            )
            .await
            .unwrap(),
        ),
        false => None,
    };
    {
        let core = Core::new(
            Store::Memory(Arc::new(MemoryStore::new(64 << 20, retention))),
            Signer::new(Some(b"test key"), "http://pixdrop.test"),
            UserHasher::new(b"test"),
        )
        .with_pool(Pool::new(2))
        .with_limits(Limits::default())
        .with_retention(retention);
        match history {
            Some(history) => core.with_history(history),
            None => core,
        }
    }
}

fn encode(image: &RgbImage, format: ImageFormat) -> Vec<u8> {
    let mut out = Cursor::new(Vec::new());
    image.write_to(&mut out, format).unwrap();
    out.into_inner()
}

fn gradient(width: u32, height: u32, blue: u8) -> RgbImage {
    RgbImage::from_fn(width, height, |x, y| {
        Rgb([(x * 255 / width) as u8, (y * 255 / height) as u8, blue])
    })
}

fn jpeg(width: u32, height: u32) -> Vec<u8> {
    encode(&gradient(width, height, 120), ImageFormat::Jpeg)
}

fn png(width: u32, height: u32) -> Vec<u8> {
    encode(&gradient(width, height, 30), ImageFormat::Png)
}

fn attempts<'a>(calls: &'a [Call], method: &str) -> Vec<&'a Call> {
    calls.iter().filter(|c| c.is(method)).collect()
}

fn sends(calls: &[Call]) -> usize {
    calls
        .iter()
        .filter(|c| SENDS.contains(&c.method.as_str()))
        .count()
}

fn message_id(update: &Value) -> i64 {
    update["message"]["message_id"].as_i64().unwrap()
}

/// The format whose signature `bytes` carry.
fn sniff(bytes: &[u8]) -> &'static str {
    let at = |offset: usize, magic: &[u8]| bytes.get(offset..offset + magic.len()) == Some(magic);
    let signatures: [(&str, usize, &[u8]); 11] = [
        ("png", 0, b"\x89PNG"),
        ("jpeg", 0, b"\xFF\xD8\xFF"),
        ("gif", 0, b"GIF8"),
        ("pdf", 0, b"%PDF"),
        ("avif", 4, b"ftypavif"),
        ("tiff", 0, b"II*\0"),
        ("tiff", 0, b"MM\0*"),
        ("bmp", 0, b"BM"),
        ("ico", 0, b"\0\0\x01\0"),
        ("qoi", 0, b"qoif"),
        ("webp", 8, b"WEBP"),
    ];
    signatures
        .iter()
        .find(|(name, offset, magic)| at(*offset, magic) && (*name != "webp" || at(0, b"RIFF")))
        .map_or("unknown", |(name, _, _)| name)
}

/// The output format a button's words name, if any.
fn format_named(text: &str) -> Option<&'static str> {
    let formats = [
        "webp", "png", "jpeg", "jpg", "avif", "gif", "pdf", "tiff", "bmp", "ico", "qoi",
    ];
    text.to_lowercase()
        .split(|c: char| !c.is_ascii_alphanumeric())
        .find_map(|word| formats.iter().find(|f| **f == word).copied())
        .map(|f| if f == "jpg" { "jpeg" } else { f })
}

fn has_extension_of(name: &str, format: &str) -> bool {
    let ext = name.rsplit_once('.').map_or("", |(_, ext)| ext);
    match format {
        "jpeg" => ext == "jpg" || ext == "jpeg",
        "tiff" => ext == "tif" || ext == "tiff",
        _ => ext == format,
    }
}

/// The button that confirms a destructive question.
fn confirming(buttons: &[Value]) -> &Value {
    let words = |b: &Value| format!("{} {}", b["text"], b["callback_data"]).to_lowercase();
    buttons
        .iter()
        .find(|b| {
            let words = words(b);
            ["yes", "forget", "delete", "erase", "confirm"]
                .iter()
                .any(|w| words.contains(w))
                && !["cancel", "keep", "\"no"].iter().any(|w| words.contains(w))
        })
        .unwrap_or(&buttons[0])
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn startup_introduces_the_bot_before_polling() {
    let bot = Running::start(false).await;
    let calls = bot.fake.calls();
    let dump = bot.fake.dump();
    let first_poll = calls.iter().position(|c| c.is("getupdates")).unwrap();
    let get_me = calls.iter().position(|c| c.is("getme") && c.succeeded());
    let commands = calls
        .iter()
        .position(|c| c.is("setmycommands") && c.succeeded());
    assert!(get_me.is_some_and(|at| at < first_poll), "{dump}");
    let commands = commands.filter(|at| *at < first_poll).expect(&dump);
    let names: Vec<String> = calls[commands]
        .json("commands")
        .and_then(|list| list.as_array().cloned())
        .unwrap_or_default()
        .iter()
        .filter_map(|c| c["command"].as_str().map(String::from))
        .collect();
    for expected in [
        "convert", "compress", "resize", "pdf", "info", "formats", "privacy", "history", "forget",
        "start", "help",
    ] {
        assert!(
            names.iter().any(|n| n == expected),
            "{expected} missing from {names:?}"
        );
    }
    bot.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_caption_command_answers_with_the_converted_document() {
    let bot = Running::start(false).await;
    let fake = &bot.fake;
    let (photo, _, _) = fake.add_file(&jpeg(400, 300), "jpg");
    let update = fake.private_photo(CHAT, CHAT, &photo, Some("/convert webp 80"));
    let source = message_id(&update);
    let doc = bot.next("senddocument", update).await;

    let calls = fake.calls();
    let doc_at = calls.iter().position(|c| c.is("senddocument")).unwrap();
    let acted = calls[..doc_at].iter().any(|c| {
        c.is("sendchataction")
            && c.chat_id() == Some(CHAT)
            && c.str("action") == Some("upload_document")
    });
    assert!(acted, "no upload_document action first\n{}", fake.dump());
    assert_eq!(doc.chat_id(), Some(CHAT));
    assert_eq!(doc.reply_to(), Some(source), "{doc}");
    let (name, bytes) = doc.file("document").expect("a document part");
    assert!(
        name.starts_with("pixdrop-") && name.ends_with(".webp"),
        "{name:?}"
    );
    assert_eq!(sniff(bytes), "webp");
    let decoded = image::load_from_memory_with_format(bytes, ImageFormat::WebP).unwrap();
    assert_eq!(
        (decoded.width(), decoded.height()),
        (400, 300),
        "the largest photo size"
    );
    let caption = doc.text();
    assert!(
        caption.contains("WEBP") && caption.contains("deleted"),
        "{caption:?}"
    );

    let (file, _, _) = fake.add_file(&png(64, 48), "png");
    let update = fake.private_document(CHAT, CHAT, &file, Some("/convert webp 80"));
    let doc = bot.next("senddocument", update).await;
    let (name, bytes) = doc.file("document").expect("a document part");
    assert!(
        name.starts_with("pixdrop-") && name.ends_with(".webp"),
        "{name:?}"
    );
    assert!(
        !name.contains("secret-holiday") && !name.contains("holiday"),
        "{name:?}"
    );
    assert_eq!(sniff(bytes), "webp");
    bot.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_image_without_a_command_offers_buttons_that_convert() {
    let bot = Running::start(false).await;
    let fake = &bot.fake;
    let (photo, _, _) = fake.add_file(&jpeg(200, 150), "jpg");
    let menu = bot
        .next("sendmessage", fake.private_photo(CHAT, CHAT, &photo, None))
        .await;
    let buttons = menu.buttons();
    assert!(!buttons.is_empty(), "no inline keyboard: {menu}");
    for button in &buttons {
        if let Some(data) = button["callback_data"].as_str() {
            assert!(data.len() <= 64, "callback_data over 64 bytes: {data:?}");
        }
    }
    let first = &buttons[0];
    let data = first["callback_data"].as_str().expect("a callback button");
    let format = format_named(first["text"].as_str().unwrap_or_default())
        .or_else(|| format_named(data))
        .unwrap_or_else(|| panic!("the first button names no format: {first}"));

    let keyboard = menu.result["message_id"].as_i64().unwrap();
    let message = fake.message(CHAT, keyboard).expect("the keyboard message");
    let query = fake.callback_query(CHAT, message, data);
    let query_id = query["callback_query"]["id"].as_str().unwrap().to_string();
    let doc = bot.next("senddocument", query).await;
    let answered = fake.calls().into_iter().any(|c| {
        c.is("answercallbackquery")
            && c.succeeded()
            && c.str("callback_query_id") == Some(&query_id)
    });
    assert!(
        answered,
        "the button press was not answered\n{}",
        fake.dump()
    );
    let (name, bytes) = doc.file("document").expect("a document part");
    assert_eq!(sniff(bytes), format, "button {first} gave {name:?}");
    assert!(has_extension_of(name, format), "{name:?} is not {format}");
    bot.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn in_groups_only_a_reply_addressed_to_the_bot_converts() {
    let bot = Running::start(false).await;
    let fake = &bot.fake;
    let (photo, _, _) = fake.add_file(&jpeg(160, 120), "jpg");
    let update = fake.group_photo(GROUP, CHAT, &photo, None);
    let photo_message = update["message"].clone();
    bot.ignored(update).await;

    let command = fake.group_message_text(
        GROUP,
        CHAT,
        "/convert@pixdrop_test_bot png",
        Some(photo_message.clone()),
    );
    let doc = bot.next("senddocument", command).await;
    assert_eq!(doc.chat_id(), Some(GROUP));
    let (name, bytes) = doc.file("document").expect("a document part");
    assert_eq!(sniff(bytes), "png", "{name:?}");
    assert!(name.ends_with(".png"), "{name:?}");

    let elsewhere = fake.group_message_text(
        GROUP,
        CHAT,
        "/convert@some_other_bot png",
        Some(photo_message),
    );
    bot.ignored(elsewhere).await;
    bot.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn info_as_a_caption_describes_the_image() {
    let bot = Running::start(false).await;
    let fake = &bot.fake;
    let (file, _, _) = fake.add_file(&png(64, 48), "png");
    let update = fake.private_document(CHAT, CHAT, &file, Some("/info"));
    let answer = bot.next("sendmessage", update).await;
    assert!(answer.text().starts_with("PNG · 64×48"), "{answer}");
    assert!(answer.text().contains("No metadata"), "{answer}");
    bot.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn group_auto_convert_is_for_admins_and_outlives_a_restart() {
    let core = core(true).await;
    let bot = Running::start_on(FakeTelegram::start().await, core.clone(), 600).await;
    let fake = &bot.fake;
    let admin = CHAT + 1;
    fake.add_admin(GROUP, admin);
    let refused = bot
        .next(
            "sendmessage",
            fake.group_message_text(GROUP, CHAT, "/auto webp", None),
        )
        .await;
    assert!(refused.text().contains("Only group admins"), "{refused}");
    let on = bot
        .next(
            "sendmessage",
            fake.group_message_text(GROUP, admin, "/auto webp", None),
        )
        .await;
    assert!(on.text().contains("Auto-convert is on"), "{on}");
    assert!(!on.text().contains("restart"), "saved: {on}");
    let (photo, _, _) = fake.add_file(&jpeg(120, 90), "jpg");
    let doc = bot
        .next("senddocument", fake.group_photo(GROUP, CHAT, &photo, None))
        .await;
    assert_eq!(sniff(doc.file("document").expect("a document").1), "webp");

    let fake = bot.stop_keeping_fake().await;
    let bot = Running::start_on(fake, core, 600).await;
    let fake = &bot.fake;
    let (photo, _, _) = fake.add_file(&jpeg(120, 90), "jpg");
    let doc = bot
        .next("senddocument", fake.group_photo(GROUP, CHAT, &photo, None))
        .await;
    assert_eq!(sniff(doc.file("document").expect("a document").1), "webp");

    let off = bot
        .next(
            "sendmessage",
            fake.group_message_text(GROUP, admin, "/auto off", None),
        )
        .await;
    assert!(off.text().contains("off"), "{off}");
    let (photo, _, _) = fake.add_file(&jpeg(120, 90), "jpg");
    bot.ignored(fake.group_photo(GROUP, CHAT, &photo, None))
        .await;
    bot.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_album_with_pdf_becomes_one_document_of_two_pages() {
    let bot = Running::start(false).await;
    let fake = &bot.fake;
    let (first, _, _) = fake.add_file(&jpeg(120, 90), "jpg");
    let (second, _, _) = fake.add_file(&encode(&gradient(90, 120, 250), ImageFormat::Jpeg), "jpg");
    let album = fake.private_album(CHAT, CHAT, &[&first, &second], Some("/pdf"));
    for update in album {
        fake.push_update(update);
    }
    fake.wait_for(|calls| !attempts(calls, "senddocument").is_empty(), REPLY)
        .await;
    bot.answered_only_later(CHAT, sends(&fake.calls())).await;
    let calls = fake.calls();
    let docs = attempts(&calls, "senddocument");
    assert_eq!(docs.len(), 1, "{}", fake.dump());
    assert!(docs[0].succeeded(), "{}", docs[0]);
    let (name, bytes) = docs[0].file("document").expect("a document part");
    assert!(bytes.starts_with(b"%PDF"), "{name:?}");
    assert!(name.ends_with(".pdf"), "{name:?}");
    let pages = support::pdf::pages(bytes).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(pages.len(), 2);
    bot.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_damaged_file_gets_a_sentence_and_the_bot_keeps_working() {
    let bot = Running::start(false).await;
    let fake = &bot.fake;
    let whole = png(160, 120);
    let (broken, _, _) = fake.add_file(&whole[..whole.len() / 2], "png");
    let update = fake.private_document(CHAT, CHAT, &broken, Some("/convert webp"));
    let answer = bot.next("sendmessage", update).await;
    assert!(answer.text().contains("damaged"), "{answer}");

    let (good, _, _) = fake.add_file(&whole, "png");
    let update = fake.private_document(CHAT, CHAT, &good, Some("/convert webp"));
    let doc = bot.next("senddocument", update).await;
    assert_eq!(
        sniff(doc.file("document").expect("a document part").1),
        "webp"
    );
    bot.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_oversized_file_is_refused_without_fetching_it() {
    let bot = Running::start(false).await;
    let fake = &bot.fake;
    let (big, _, _) = fake.add_large_file(30_000_000, "png");
    let update = fake.private_document(CHAT, CHAT, &big, Some("/convert webp"));
    assert_eq!(update["message"]["document"]["file_size"], 30_000_000);
    let answer = bot.next("sendmessage", update).await;
    assert!(answer.text().contains("limit"), "{answer}");
    let calls = fake.calls();
    assert!(
        attempts(&calls, "getfile").is_empty() && attempts(&calls, "download").is_empty(),
        "{}",
        fake.dump()
    );
    bot.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_user_past_the_pace_is_told_to_wait_before_anything_is_fetched() {
    let core = core(false).await;
    let bot = Running::start_on(FakeTelegram::start().await, core.clone(), 5).await;
    let fake = &bot.fake;
    let (first, _, _) = fake.add_file(&png(40, 30), "png");
    let update = fake.private_document(CHAT, CHAT, &first, Some("/convert webp"));
    let doc = bot.next("senddocument", update).await;
    assert_eq!(sniff(doc.file("document").expect("a document").1), "webp");
    bot.settle().await;
    let fetched = attempts(&fake.calls(), "getfile").len();

    let (second, _, _) = fake.add_file(&png(40, 30), "png");
    let update = fake.private_document(CHAT, CHAT, &second, Some("/convert webp"));
    let answer = bot.next("sendmessage", update).await;
    assert!(answer.text().contains("faster"), "{answer}");
    assert!(answer.text().contains(" s."), "{answer}");
    assert_eq!(
        attempts(&fake.calls(), "getfile").len(),
        fetched,
        "fetched before refusing\n{}",
        fake.dump()
    );
    let metrics = core.metrics_text().await;
    assert!(
        metrics
            .lines()
            .any(|line| line == "pixdrop_rate_limited_total{platform=\"telegram\"} 1"),
        "the refusal is not counted:\n{metrics}"
    );
    bot.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn flood_control_is_waited_out_and_the_document_still_arrives() {
    let bot = Running::start(false).await;
    let fake = &bot.fake;
    fake.fail_next("senddocument", FailWith::RetryAfter(1));
    let (photo, _, _) = fake.add_file(&jpeg(160, 120), "jpg");
    fake.push_update(fake.private_photo(CHAT, CHAT, &photo, Some("/convert webp")));
    let calls = fake
        .wait_for(
            |calls| attempts(calls, "senddocument").len() >= 2,
            Duration::from_secs(7),
        )
        .await;
    let docs = attempts(&calls, "senddocument");
    assert_eq!(docs[0].status, Some(429));
    assert!(docs[1].succeeded(), "{}", fake.dump());
    let waited = docs[1].at - docs[0].at;
    assert!(
        waited >= Duration::from_millis(900),
        "retried after {waited:?}"
    );
    assert_eq!(
        sniff(docs[1].file("document").expect("a document part").1),
        "webp"
    );
    bot.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn privacy_formats_and_start_answer_in_private() {
    let bot = Running::start(false).await;
    let fake = &bot.fake;
    let privacy = bot
        .next("sendmessage", fake.private_text(CHAT, CHAT, "/privacy"))
        .await;
    let text = privacy.text().to_lowercase();
    assert!(
        text.contains("one hour") && text.contains("memory"),
        "{privacy}"
    );
    let formats = bot
        .next("sendmessage", fake.private_text(CHAT, CHAT, "/formats"))
        .await;
    let text = formats.text().to_lowercase();
    assert!(text.contains("webp") && text.contains("heic"), "{formats}");
    let start = bot
        .next("sendmessage", fake.private_text(CHAT, CHAT, "/start"))
        .await;
    assert_eq!(start.chat_id(), Some(CHAT));
    bot.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn history_lists_conversions_and_forget_erases_them() {
    let bot = Running::start(true).await;
    let fake = &bot.fake;
    let (file, _, _) = fake.add_file(&png(80, 60), "png");
    let update = fake.private_document(CHAT, CHAT, &file, Some("/convert webp"));
    bot.next("senddocument", update).await;

    let listed = history_until(&bot, |text| text.contains("PNG") && text.contains("WEBP")).await;
    assert!(
        listed.contains("PNG") && listed.contains("WEBP"),
        "{listed:?}"
    );

    let export = bot
        .next("senddocument", fake.private_text(CHAT, CHAT, "/export"))
        .await;
    let (name, bytes) = export.file("document").expect("an export file");
    assert_eq!(name, "pixdrop-history.json");
    let exported: Value = serde_json::from_slice(bytes).unwrap();
    let records = exported["records"].as_array().unwrap();
    assert!(
        records.iter().any(|r| r["output_format"] == "webp"),
        "{exported}"
    );
    assert!(!String::from_utf8_lossy(bytes).contains("secret-holiday"));

    let question = bot
        .next("sendmessage", fake.private_text(CHAT, CHAT, "/forget"))
        .await;
    let buttons = question.buttons();
    assert!(!buttons.is_empty(), "no confirmation button: {question}");
    let data = confirming(&buttons)["callback_data"]
        .as_str()
        .expect("a callback button");
    let keyboard = question.result["message_id"].as_i64().unwrap();
    let query = fake.callback_query(CHAT, fake.message(CHAT, keyboard).unwrap(), data);
    let query_id = query["callback_query"]["id"].as_str().unwrap().to_string();
    fake.push_update(query);
    fake.wait_for(
        |calls| {
            calls.iter().any(|c| {
                c.is("answercallbackquery")
                    && c.succeeded()
                    && c.str("callback_query_id") == Some(&query_id)
            })
        },
        REPLY,
    )
    .await;

    let after = history_until(&bot, |text| text.to_lowercase().contains("no conversions")).await;
    assert!(after.to_lowercase().contains("no conversions"), "{after:?}");
    bot.stop().await;
}

/// Asks `/history` until the answer satisfies `done` (history rows are
/// written in the background), at most three times; returns the last text.
async fn history_until(bot: &Running, done: impl Fn(&str) -> bool) -> String {
    let mut text = String::new();
    for _ in 0..3 {
        let answer = bot
            .next("sendmessage", bot.fake.private_text(CHAT, CHAT, "/history"))
            .await;
        text = answer.text().to_string();
        if done(&text) {
            break;
        }
        tokio::time::sleep(Duration::from_millis(300)).await;
    }
    text
}
