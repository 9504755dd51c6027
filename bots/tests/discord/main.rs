//! The Discord adapter end to end: real core, real serenity, real images,
//! against the loopback Discord fake. Each test runs the adapter on its own
//! fake, sends gateway events shaped as Discord sends them, and asserts on
//! the REST calls the bot made: which interaction responses, in which order,
//! with which files and bytes, and where it stayed silent. One binary for
//! all of Discord: `endpoint` (interactions over HTTP), `pacing`, `drain`
//! (shutdown, 429s and stalls), `refusals` (the adapter's own errors),
//! `binary` (the released binary from outside), `presets`, `languages` and
//! `fake_selftest` (the fake against serenity itself) are its modules.

mod binary;
#[path = "../discord_fake/mod.rs"]
mod discord_fake;
mod drain;
mod endpoint;
mod fake_selftest;
mod languages;
mod pacing;
mod posted;
mod presets;
mod refusals;
mod remove;
#[path = "../support/mod.rs"]
mod support;

use std::io::Cursor;
use std::sync::Arc;
use std::time::Duration;

use discord_fake::payloads::{attachment_option, find_component, string_option};
use discord_fake::{
    APPLICATION_ID, CHANNEL_ID, Call, FailWith, FakeDiscord, OTHER_CHANNEL_ID, UPLOAD_LIMIT,
    intents,
};
use image::{ImageFormat, Rgb, RgbImage};
use pixdrop::links::Signer;
use pixdrop::pool::Pool;
use pixdrop::store::{MemoryStore, Store};
use pixdrop::{Core, Limits};
use pixdrop_bots::discord::{self, Settings};
use pixdrop_bots::download::Timeouts;
use serde_json::Value;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

/// How long the bot gets to answer anything.
const REPLY: Duration = Duration::from_secs(10);

fn core() -> Core {
    let retention = Duration::from_secs(60);
    Core::new(
        Store::Memory(Arc::new(MemoryStore::new(64 << 20, retention))),
        Signer::new(None, "http://pixdrop.test"),
        pixdrop::history::UserHasher::new(b"test"),
    )
    .with_pool(Pool::new(2))
    .with_limits(Limits::default())
    .with_retention(retention)
}

/// `core()` with a history in an in-memory SQLite database.
async fn core_with_history() -> Core {
    let retention = pixdrop::history::Retention {
        user_days: 365,
        anonymous_days: 30,
    };
    let history = pixdrop::history::History::connect("sqlite::memory:", retention)
        .await
        .unwrap();
    core().with_history(history)
}

/// The adapter running against its own fake until `stop`.
struct Running {
    fake: FakeDiscord,
    stop: oneshot::Sender<()>,
    task: JoinHandle<Result<(), String>>,
}

impl Running {
    /// Starts the bot and waits until it identified, got READY and had a
    /// chance to register its commands.
    async fn start() -> Self {
        Self::start_with(core()).await
    }

    async fn start_with(core: Core) -> Self {
        Self::start_paced(core, 600).await
    }

    /// With `per_user_per_minute` conversions allowed per user.
    async fn start_paced(core: Core, per_user_per_minute: u32) -> Self {
        Self::start_tuned(core, |settings| {
            settings.per_user_per_minute = per_user_per_minute;
        })
        .await
    }

    /// With the tests' settings as `tune` changes them.
    async fn start_tuned(core: Core, tune: impl FnOnce(&mut Settings)) -> Self {
        let fake = FakeDiscord::start().await;
        let mut settings = settings(&fake, 600);
        tune(&mut settings);
        let (stop, stopped) = oneshot::channel::<()>();
        let task = tokio::spawn(discord::run(settings, core, async move {
            let _ = stopped.await;
        }));
        fake.wait_until_ready(REPLY).await;
        fake.try_wait_for(
            |calls| calls.iter().any(registration),
            Duration::from_secs(3),
        )
        .await;
        Self { fake, stop, task }
    }

    /// Shuts the bot down and checks that `run` returned `Ok` promptly.
    async fn stop(self) {
        let _ = self.stop.send(());
        let finished = tokio::time::timeout(REPLY, self.task).await;
        match finished {
            Ok(Ok(Ok(()))) => {}
            Ok(Ok(Err(error))) => panic!("discord::run failed: {error}"),
            Ok(Err(join)) => panic!("discord::run panicked: {join}"),
            Err(_) => panic!("discord::run did not stop within {REPLY:?} of shutdown"),
        }
    }
}

fn settings(fake: &FakeDiscord, per_user_per_minute: u32) -> Settings {
    Settings {
        token: fake.token().to_string(),
        api_url: Some(fake.api_url()),
        guild_id: None,
        message_content: true,
        per_user_per_minute,
        shared_pace: None,
        download: Timeouts::default(),
        drain: REPLY,
        shards: None,
    }
}

fn registration(call: &Call) -> bool {
    call.method == "PUT" && call.path.ends_with("/commands") && call.ok()
}

fn png(width: u32, height: u32) -> Vec<u8> {
    let image = RgbImage::from_fn(width, height, |x, y| {
        Rgb([(x * 6) as u8, (y * 8) as u8, ((x + y) * 3) as u8])
    });
    let mut out = Cursor::new(Vec::new());
    image.write_to(&mut out, ImageFormat::Png).unwrap();
    out.into_inner()
}

/// A PNG that does not compress: random pixels.
fn noisy_png(width: u32, height: u32) -> Vec<u8> {
    let mut seed = 0x9e37_79b9_u32;
    let image = RgbImage::from_fn(width, height, |_, _| {
        seed ^= seed << 13;
        seed ^= seed >> 17;
        seed ^= seed << 5;
        let [r, g, b, _] = seed.to_le_bytes();
        Rgb([r, g, b])
    });
    let mut out = Cursor::new(Vec::new());
    image.write_to(&mut out, ImageFormat::Png).unwrap();
    out.into_inner()
}

fn is_webp(bytes: &[u8]) -> bool {
    bytes.len() > 12 && &bytes[..4] == b"RIFF" && &bytes[8..12] == b"WEBP"
}

fn is_png(bytes: &[u8]) -> bool {
    bytes.starts_with(&[0x89, b'P', b'N', b'G'])
}

/// `pixdrop-` + 8 letters or digits + `.ext`.
fn result_name(name: &str, ext: &str) -> bool {
    name.strip_prefix("pixdrop-")
        .and_then(|rest| rest.strip_suffix(&format!(".{ext}")))
        .is_some_and(|id| id.len() == 8 && id.chars().all(|c| c.is_ascii_alphanumeric()))
}

fn token_of(interaction: &Value) -> &str {
    interaction["token"].as_str().unwrap()
}

fn id_of(value: &Value) -> &str {
    value["id"].as_str().unwrap()
}

/// The initial response to this interaction.
fn callback_to<'a>(calls: &'a [Call], interaction: &Value) -> Option<(usize, &'a Call)> {
    let path = format!(
        "/interactions/{}/{}/callback",
        id_of(interaction),
        token_of(interaction)
    );
    calls
        .iter()
        .enumerate()
        .find(|(_, c)| c.method == "POST" && c.path.ends_with(&path))
}

/// Requests to `@original` of this interaction with `method`.
fn original_calls<'a>(
    calls: &'a [Call],
    interaction: &Value,
    method: &str,
) -> Vec<(usize, &'a Call)> {
    let path = format!(
        "/webhooks/{APPLICATION_ID}/{}/messages/@original",
        token_of(interaction)
    );
    calls
        .iter()
        .enumerate()
        .filter(|(_, c)| c.method == method && c.path.ends_with(&path))
        .collect()
}

/// Follow-up messages (`POST /webhooks/{app}/{token}`) for this interaction.
fn follow_ups<'a>(calls: &'a [Call], interaction: &Value) -> Vec<(usize, &'a Call)> {
    let path = format!("/webhooks/{APPLICATION_ID}/{}", token_of(interaction));
    calls
        .iter()
        .enumerate()
        .filter(|(_, c)| c.method == "POST" && c.path.ends_with(&path))
        .collect()
}

fn response_type(call: &Call) -> Option<u64> {
    call.json["type"].as_u64()
}

/// The string select menus in a message body (action rows in `components`).
fn selects(data: &Value) -> Vec<&Value> {
    data["components"]
        .as_array()
        .into_iter()
        .flatten()
        .flat_map(|row| row["components"].as_array().into_iter().flatten())
        .filter(|c| c["type"].as_u64() == Some(3))
        .collect()
}

/// `/convert` of a small PNG to WebP, sent, once its answer carries the
/// file.
async fn converted_webp(fake: &FakeDiscord) -> Value {
    let slash = convert(fake, &png(40, 30), "webp", UPLOAD_LIMIT);
    fake.interact(&slash);
    fake.wait_for(
        |calls| {
            original_calls(calls, &slash, "PATCH")
                .iter()
                .any(|(_, c)| c.ok() && !c.files.is_empty())
        },
        REPLY,
    )
    .await;
    slash
}

/// `/convert` of `bytes` to `format`, as Discord delivers it.
fn convert(fake: &FakeDiscord, bytes: &[u8], format: &str, size_limit: u32) -> Value {
    let image = fake.add_attachment(bytes, "photo.png", "image/png");
    fake.slash_command(
        "convert",
        vec![
            attachment_option("image", &image),
            string_option("format", format),
        ],
        vec![image],
        size_limit,
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn registers_every_command_after_ready() {
    let bot = Running::start().await;
    let calls = bot
        .fake
        .wait_for(|calls| calls.iter().any(registration), REPLY)
        .await;
    let put = calls.iter().find(|c| registration(c)).unwrap();
    assert!(
        put.path
            .ends_with(&format!("/applications/{APPLICATION_ID}/commands")),
        "registered at {}",
        put.path
    );
    let commands = put.json.as_array().expect("a list of commands");
    let chat_input = |name: &str| {
        commands
            .iter()
            .find(|c| c["name"] == name && c["type"].as_u64().unwrap_or(1) == 1)
    };
    for name in [
        "convert", "compress", "resize", "info", "formats", "privacy", "history", "forget", "auto",
    ] {
        assert!(chat_input(name).is_some(), "no /{name} in {}", put.json);
    }
    let convert = chat_input("convert").unwrap();
    let option = |name: &str| {
        convert["options"]
            .as_array()
            .and_then(|options| options.iter().find(|o| o["name"] == name))
            .unwrap_or_else(|| panic!("/convert has no {name} option: {convert}"))
    };
    assert_eq!(option("image")["type"], 11, "image is an attachment option");
    assert_eq!(option("format")["type"], 3, "format is a string option");
    let menu = commands
        .iter()
        .find(|c| c["name"] == "Convert image")
        .unwrap_or_else(|| panic!("no \"Convert image\" command in {}", put.json));
    assert_eq!(menu["type"], 3, "\"Convert image\" is a message command");
    bot.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn convert_defers_then_edits_in_a_webp() {
    let bot = Running::start().await;
    let fake = &bot.fake;
    let slash = convert(fake, &png(40, 30), "webp", UPLOAD_LIMIT);
    fake.interact(&slash);
    let calls = fake
        .wait_for(
            |calls| {
                original_calls(calls, &slash, "PATCH")
                    .iter()
                    .any(|(_, c)| c.ok() && !c.files.is_empty())
            },
            REPLY,
        )
        .await;
    let (deferred_at, deferred) = callback_to(&calls, &slash).expect("an initial response");
    assert_eq!(
        response_type(deferred),
        Some(5),
        "deferred first: {}",
        deferred.summary()
    );
    assert!(deferred.ok(), "{}", deferred.summary());
    let (edited_at, edit) = original_calls(&calls, &slash, "PATCH")
        .into_iter()
        .find(|(_, c)| c.ok() && !c.files.is_empty())
        .unwrap();
    assert!(deferred_at < edited_at, "the callback came after the edit");
    assert!(edit.multipart);
    let (_, file_name, bytes) = &edit.files[0];
    assert!(
        is_webp(bytes),
        "not a WebP: {:02x?}",
        &bytes[..bytes.len().min(16)]
    );
    assert!(result_name(file_name, "webp"), "file named {file_name}");
    let decoded =
        image::load_from_memory_with_format(bytes, ImageFormat::WebP).expect("a WebP that decodes");
    assert_eq!((decoded.width(), decoded.height()), (40, 30));
    bot.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn damaged_upload_gets_an_ephemeral_follow_up() {
    let bot = Running::start().await;
    let fake = &bot.fake;
    let whole = png(40, 30);
    let slash = convert(fake, &whole[..whole.len() / 2], "webp", UPLOAD_LIMIT);
    fake.interact(&slash);
    let calls = fake
        .wait_for(
            |calls| {
                !follow_ups(calls, &slash).is_empty()
                    && !original_calls(calls, &slash, "DELETE").is_empty()
            },
            REPLY,
        )
        .await;
    let (deferred_at, deferred) = callback_to(&calls, &slash).expect("an initial response");
    assert_eq!(response_type(deferred), Some(5), "{}", deferred.summary());
    let (follow_at, follow) = follow_ups(&calls, &slash)[0];
    assert!(deferred_at < follow_at);
    assert!(follow.ok(), "{}", follow.summary());
    let flags = follow.json["flags"].as_u64().unwrap_or(0);
    assert_eq!(flags & 64, 64, "not ephemeral: {}", follow.summary());
    assert!(
        follow.content().to_lowercase().contains("damaged"),
        "says: {}",
        follow.content()
    );
    assert!(follow.files.is_empty());
    let (_, delete) = original_calls(&calls, &slash, "DELETE")[0];
    assert!(delete.ok(), "{}", delete.summary());
    bot.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn context_menu_offers_formats_and_converts_the_choice() {
    let bot = Running::start().await;
    let fake = &bot.fake;
    let image = fake.add_attachment(&png(32, 32), "shot.png", "image/png");
    let target = fake.message(CHANNEL_ID, vec![image], "");
    let menu_request = fake.message_context(&target);
    fake.interact(&menu_request);
    let calls = fake
        .wait_for(|calls| callback_to(calls, &menu_request).is_some(), REPLY)
        .await;
    let (_, shown) = callback_to(&calls, &menu_request).unwrap();
    assert_eq!(response_type(shown), Some(4), "{}", shown.summary());
    assert!(shown.ok(), "{}", shown.summary());
    let data = &shown.json["data"];
    assert_eq!(
        data["flags"].as_u64().unwrap_or(0) & 64,
        64,
        "menu not ephemeral"
    );
    let select = *selects(data)
        .first()
        .unwrap_or_else(|| panic!("no string select in {}", shown.summary()));
    let values: Vec<&str> = select["options"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|o| o["value"].as_str())
        .collect();
    assert!(
        values.contains(&"webp") && values.contains(&"png"),
        "offers {values:?}"
    );
    let custom_id = select["custom_id"].as_str().unwrap();
    let menu = fake.original(&menu_request).expect("the menu message");
    assert!(find_component(&menu, custom_id).is_some());

    let choice = fake.component(custom_id, vec!["png"], &menu);
    fake.interact(&choice);
    let carries_png = |c: &Call| c.ok() && c.file().is_some_and(is_png);
    let result = |calls: &[Call]| -> Option<usize> {
        [&choice, &menu_request]
            .into_iter()
            .find_map(|interaction| {
                follow_ups(calls, interaction)
                    .into_iter()
                    .chain(original_calls(calls, interaction, "PATCH"))
                    .find(|(_, c)| carries_png(c))
                    .map(|(i, _)| i)
            })
    };
    let calls = fake.wait_for(|calls| result(calls).is_some(), REPLY).await;
    let (answered_at, answered) = callback_to(&calls, &choice).expect("the select was answered");
    assert!(
        matches!(response_type(answered), Some(5..=7)),
        "{}",
        answered.summary()
    );
    assert!(answered.ok(), "{}", answered.summary());
    let delivered_at = result(&calls).unwrap();
    assert!(answered_at < delivered_at);
    let bytes = calls[delivered_at].file().unwrap();
    let decoded = image::load_from_memory_with_format(bytes, ImageFormat::Png).unwrap();
    assert_eq!((decoded.width(), decoded.height()), (32, 32));
    bot.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn context_menu_converts_an_image_embed_through_the_media_proxy() {
    let bot = Running::start().await;
    let fake = &bot.fake;
    let proxied = fake.add_attachment(&png(30, 20), "cat.png", "image/png");
    let mut target = fake.message(CHANNEL_ID, vec![], "look https://example.com/cat.png");
    target["embeds"] = serde_json::json!([{
        "type": "image",
        "url": "https://example.com/cat.png",
        "thumbnail": {
            "url": "https://example.com/cat.png",
            "proxy_url": proxied["proxy_url"],
            "width": 30,
            "height": 20,
        },
    }]);
    fake.add_message(&target);
    let menu_request = fake.message_context(&target);
    fake.interact(&menu_request);
    let menu_answer = answer_to(fake, &menu_request).await;
    let select = *selects(&menu_answer["data"])
        .first()
        .unwrap_or_else(|| panic!("no select offered: {menu_answer}"));
    let custom_id = select["custom_id"].as_str().unwrap();
    let menu = fake.original(&menu_request).expect("the menu message");

    let choice = fake.component(custom_id, vec!["png"], &menu);
    fake.interact(&choice);
    let carries_png = |calls: &[Call]| {
        follow_ups(calls, &choice)
            .into_iter()
            .any(|(_, c)| c.ok() && c.file().is_some_and(is_png))
    };
    let calls = fake.wait_for(carries_png, REPLY).await;
    let (_, delivered) = follow_ups(&calls, &choice)
        .into_iter()
        .find(|(_, c)| c.ok())
        .unwrap();
    let decoded =
        image::load_from_memory_with_format(delivered.file().unwrap(), ImageFormat::Png).unwrap();
    assert_eq!((decoded.width(), decoded.height()), (30, 20));
    bot.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn context_menu_pdf_of_several_images_is_one_document() {
    let bot = Running::start().await;
    let fake = &bot.fake;
    let first = fake.add_attachment(&png(32, 24), "a.png", "image/png");
    let second = fake.add_attachment(&png(24, 32), "b.png", "image/png");
    let target = fake.message(CHANNEL_ID, vec![first, second], "");
    let menu_request = fake.message_context(&target);
    fake.interact(&menu_request);
    let menu_answer = answer_to(fake, &menu_request).await;
    let custom_id = selects(&menu_answer["data"])[0]["custom_id"]
        .as_str()
        .unwrap()
        .to_string();
    let menu = fake.original(&menu_request).expect("the menu message");
    let choice = fake.component(&custom_id, vec!["pdf"], &menu);
    fake.interact(&choice);
    let delivered = |calls: &[Call]| {
        follow_ups(calls, &choice)
            .iter()
            .any(|(_, c)| c.ok() && !c.files.is_empty())
    };
    let calls = fake.wait_for(delivered, REPLY).await;
    let (_, result) = follow_ups(&calls, &choice)
        .into_iter()
        .find(|(_, c)| c.ok())
        .unwrap();
    assert_eq!(result.files.len(), 1, "one document: {}", result.summary());
    let (_, name, bytes) = &result.files[0];
    assert!(result_name(name, "pdf"), "{name}");
    let pages = support::pdf::pages(bytes).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(pages.len(), 2);
    bot.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn info_describes_the_image_only_to_the_user() {
    let bot = Running::start().await;
    let fake = &bot.fake;
    let image = fake.add_attachment(&png(40, 30), "what.png", "image/png");
    let ask = fake.slash_command(
        "info",
        vec![attachment_option("image", &image)],
        vec![image],
        UPLOAD_LIMIT,
    );
    fake.interact(&ask);
    let deferred = answer_to(fake, &ask).await;
    assert_eq!(deferred["type"].as_u64(), Some(5));
    assert_eq!(deferred["data"]["flags"].as_u64(), Some(64), "ephemeral");
    let edited = |calls: &[Call]| {
        original_calls(calls, &ask, "PATCH")
            .iter()
            .any(|(_, c)| c.ok() && c.content().contains("40×30"))
    };
    let calls = fake.wait_for(edited, REPLY).await;
    let (_, edit) = original_calls(&calls, &ask, "PATCH").pop().unwrap();
    assert!(
        edit.content().starts_with("PNG · 40×30"),
        "{}",
        edit.content()
    );
    assert!(edit.content().contains("No metadata"), "{}", edit.content());
    bot.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn context_menu_on_a_message_without_images_says_so() {
    let bot = Running::start().await;
    let fake = &bot.fake;
    let target = fake.message(CHANNEL_ID, vec![], "just words");
    let menu_request = fake.message_context(&target);
    fake.interact(&menu_request);
    let told = answer_to(fake, &menu_request).await;
    assert_eq!(told["type"].as_u64(), Some(4));
    assert_eq!(told["data"]["flags"].as_u64().unwrap_or(0) & 64, 64);
    let text = told["data"]["content"].as_str().unwrap_or_default();
    assert!(text.contains("no image"), "says: {text}");
    bot.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn result_over_the_upload_limit_becomes_a_link() {
    let bot = Running::start().await;
    let fake = &bot.fake;
    let slash = convert(fake, &noisy_png(400, 400), "png", 1000);
    fake.interact(&slash);
    let calls = fake
        .wait_for(
            |calls| {
                original_calls(calls, &slash, "PATCH")
                    .iter()
                    .any(|(_, c)| c.ok())
            },
            REPLY,
        )
        .await;
    let (_, edit) = original_calls(&calls, &slash, "PATCH")
        .into_iter()
        .rev()
        .find(|(_, c)| c.ok())
        .unwrap();
    assert!(edit.files.is_empty(), "uploaded anyway: {}", edit.summary());
    let content = edit.content();
    assert!(
        content.contains("http://pixdrop.test") && content.contains("/d/"),
        "no signed link in: {content}"
    );
    bot.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn admin_auto_converts_drops_in_that_channel_only() {
    let bot = Running::start_with(core_with_history().await).await;
    let fake = &bot.fake;
    let mut auto = fake.slash_command(
        "auto",
        vec![string_option("format", "webp")],
        vec![],
        UPLOAD_LIMIT,
    );
    discord_fake::as_admin(&mut auto);
    fake.interact(&auto);
    let calls = fake
        .wait_for(|calls| callback_to(calls, &auto).is_some(), REPLY)
        .await;
    let (_, answer) = callback_to(&calls, &auto).unwrap();
    assert!(answer.ok(), "{}", answer.summary());
    let said = answer.json["data"]["content"].as_str().unwrap_or_default();
    assert!(said.contains("Auto-convert is on"), "{said}");
    assert!(!said.contains("restart"), "the setting was saved: {said}");
    fake.try_wait_for(
        |calls| {
            response_type(callback_to(calls, &auto).unwrap().1) != Some(5)
                || !original_calls(calls, &auto, "PATCH").is_empty()
        },
        Duration::from_secs(3),
    )
    .await;

    let image = fake.add_attachment(&png(48, 36), "drop.png", "image/png");
    let dropped = fake.message_create(CHANNEL_ID, vec![image], "");
    fake.dispatch("MESSAGE_CREATE", dropped.clone());
    let reply_path = format!("/channels/{CHANNEL_ID}/messages");
    let replied = |calls: &[Call]| {
        calls
            .iter()
            .any(|c| c.is("POST", &reply_path) && c.ok() && c.file().is_some_and(is_webp))
    };
    let Some(calls) = fake.try_wait_for(replied, REPLY).await else {
        let intents_sent = fake.identify().map(|i| i["intents"].clone());
        panic!(
            "no WebP reply in the auto channel within {REPLY:?}. Identify intents: {intents_sent:?} \
             (Discord strips content and attachments from guild MESSAGE_CREATE without \
             MESSAGE_CONTENT = {}). The fake saw:\n{}",
            intents::MESSAGE_CONTENT,
            fake.dump()
        );
    };
    let reply_at = calls
        .iter()
        .position(|c| c.is("POST", &reply_path) && c.ok() && c.file().is_some_and(is_webp))
        .unwrap();
    let typing_path = format!("/channels/{CHANNEL_ID}/typing");
    assert!(
        calls[..reply_at].iter().any(|c| c.is("POST", &typing_path)),
        "no typing indicator before the reply\n{}",
        fake.dump()
    );
    let reply = &calls[reply_at];
    assert!(reply.multipart);
    assert_eq!(
        reply.json["message_reference"]["message_id"].as_str(),
        Some(id_of(&dropped)),
        "not a reply to the drop: {}",
        reply.summary()
    );
    let (_, name, bytes) = &reply.files[0];
    assert!(result_name(name, "webp"), "file named {name}");
    let decoded = image::load_from_memory_with_format(bytes, ImageFormat::WebP).unwrap();
    assert_eq!((decoded.width(), decoded.height()), (48, 36));

    let before = fake.calls().len();
    let elsewhere = fake.add_attachment(&png(48, 36), "other.png", "image/png");
    fake.dispatch(
        "MESSAGE_CREATE",
        fake.message_create(OTHER_CHANNEL_ID, vec![elsewhere], ""),
    );
    only_a_later_mention_is_answered(fake, OTHER_CHANNEL_ID, before).await;
    bot.stop().await;
}

/// Silence shown by a later message: after something the bot must leave
/// alone in `channel`, the tester mentions the bot there with an image and
/// `webp` (as much work as a wrong answer would be); that must be
/// answered, and be the only thing the bot did since call `before`.
async fn only_a_later_mention_is_answered(fake: &FakeDiscord, channel: u64, before: usize) {
    let image = fake.add_attachment(&png(20, 20), "later.png", "image/png");
    let mut later = fake.message_create(channel, vec![image], "");
    later["content"] = serde_json::json!(format!("<@{APPLICATION_ID}> webp"));
    later["mentions"] = serde_json::json!([discord_fake::payloads::bot_user()]);
    fake.add_message(&later);
    fake.dispatch("MESSAGE_CREATE", later.clone());
    let path = format!("/channels/{channel}/messages");
    let answer = |c: &Call| c.is("POST", &path) && c.ok() && c.file().is_some_and(is_webp);
    let calls = fake
        .wait_for(|calls| calls[before..].iter().any(answer), REPLY)
        .await;
    let typing = format!("/channels/{channel}/typing");
    let acted: Vec<String> = calls[before..]
        .iter()
        .filter(|c| c.method != "GET" && !c.is("POST", &typing))
        .filter(|c| c.json["message_reference"]["message_id"].as_str() != Some(id_of(&later)))
        .map(Call::summary)
        .collect();
    assert!(
        acted.is_empty(),
        "the bot acted before the later message: {acted:#?}"
    );
    let typed = calls[before..]
        .iter()
        .filter(|c| c.is("POST", &typing))
        .count();
    assert!(
        typed <= 1,
        "typing for more than the later message\n{}",
        fake.dump()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn privacy_explains_memory_and_one_hour() {
    let bot = Running::start().await;
    let fake = &bot.fake;
    let privacy = fake.slash_command("privacy", vec![], vec![], UPLOAD_LIMIT);
    fake.interact(&privacy);
    let calls = fake
        .wait_for(|calls| callback_to(calls, &privacy).is_some(), REPLY)
        .await;
    let (_, answer) = callback_to(&calls, &privacy).unwrap();
    assert_eq!(response_type(answer), Some(4), "{}", answer.summary());
    assert!(answer.ok(), "{}", answer.summary());
    let text = answer.content().to_lowercase();
    assert!(text.contains("one hour"), "says: {text}");
    assert!(text.contains("memory"), "says: {text}");
    bot.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn formats_lists_webp() {
    let bot = Running::start().await;
    let fake = &bot.fake;
    let formats = fake.slash_command("formats", vec![], vec![], UPLOAD_LIMIT);
    fake.interact(&formats);
    let calls = fake
        .wait_for(|calls| callback_to(calls, &formats).is_some(), REPLY)
        .await;
    let (_, answer) = callback_to(&calls, &formats).unwrap();
    assert_eq!(response_type(answer), Some(4), "{}", answer.summary());
    assert!(answer.ok(), "{}", answer.summary());
    assert!(
        answer.content().to_lowercase().contains("webp"),
        "says: {}",
        answer.content()
    );
    bot.stop().await;
}

/// Waits for this interaction's first callback and returns its body.
/// The text of the first delivered follow-up to `interaction` whose text
/// `said` accepts, checked to be ephemeral and to carry no file.
async fn ephemeral_notice(
    fake: &FakeDiscord,
    interaction: &Value,
    said: impl Fn(&str) -> bool,
) -> String {
    let told = |calls: &[Call]| {
        follow_ups(calls, interaction)
            .iter()
            .any(|(_, c)| c.ok() && said(c.content()))
    };
    let calls = fake.wait_for(told, REPLY).await;
    let (_, notice) = follow_ups(&calls, interaction)
        .into_iter()
        .find(|(_, c)| c.ok() && said(c.content()))
        .unwrap();
    assert_eq!(
        notice.json["flags"].as_u64().unwrap_or(0) & 64,
        64,
        "not ephemeral: {}",
        notice.summary()
    );
    assert!(notice.file().is_none());
    notice.content().to_string()
}

async fn answer_to(fake: &FakeDiscord, interaction: &Value) -> Value {
    let calls = fake
        .wait_for(|calls| callback_to(calls, interaction).is_some(), REPLY)
        .await;
    let (_, call) = callback_to(&calls, interaction).unwrap();
    assert!(call.ok(), "{}", call.summary());
    call.json.clone()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn history_lists_conversions_and_forget_erases_them_after_confirming() {
    let bot = Running::start_with(core_with_history().await).await;
    let fake = &bot.fake;
    converted_webp(fake).await;

    let mut listed = String::new();
    for _ in 0..20 {
        let ask = fake.slash_command("history", vec![], vec![], UPLOAD_LIMIT);
        fake.interact(&ask);
        listed = answer_to(fake, &ask).await["data"]["content"]
            .as_str()
            .unwrap_or_default()
            .to_string();
        if listed.contains("WEBP") {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(
        listed.contains("PNG") && listed.contains("WEBP"),
        "says: {listed}"
    );

    let export = fake.slash_command("export", vec![], vec![], UPLOAD_LIMIT);
    fake.interact(&export);
    let deferred = answer_to(fake, &export).await;
    assert_eq!(deferred["type"].as_u64(), Some(5), "{deferred}");
    assert_eq!(
        deferred["data"]["flags"].as_u64(),
        Some(64),
        "only they see it"
    );
    let calls = fake
        .wait_for(
            |calls| {
                original_calls(calls, &export, "PATCH")
                    .iter()
                    .any(|(_, c)| c.ok())
            },
            REPLY,
        )
        .await;
    let edits = original_calls(&calls, &export, "PATCH");
    let (_, exported) = edits.iter().find(|(_, c)| c.ok()).unwrap();
    let (_, name, bytes) = exported.files.first().expect("an export file");
    assert_eq!(name, "pixdrop-history.json");
    let document: Value = serde_json::from_slice(bytes).unwrap();
    assert!(
        document["records"]
            .as_array()
            .unwrap()
            .iter()
            .any(|r| r["output_format"] == "webp"),
        "{document}"
    );

    let forget = fake.slash_command("forget", vec![], vec![], UPLOAD_LIMIT);
    fake.interact(&forget);
    let prompt = answer_to(fake, &forget).await;
    assert_eq!(prompt["type"].as_u64(), Some(4));
    let prompt_message = fake.original(&forget).expect("the prompt message");
    assert!(
        find_component(&prompt_message, "forget:yes").is_some(),
        "{prompt_message}"
    );
    let confirm = fake.component("forget:yes", vec![], &prompt_message);
    fake.interact(&confirm);
    let done = answer_to(fake, &confirm).await;
    assert_eq!(done["type"].as_u64(), Some(7), "updates the prompt");
    assert!(
        done["data"]["content"]
            .as_str()
            .unwrap_or_default()
            .contains("Erased")
    );

    let again = fake.slash_command("history", vec![], vec![], UPLOAD_LIMIT);
    fake.interact(&again);
    let after = answer_to(fake, &again).await;
    let text = after["data"]["content"]
        .as_str()
        .unwrap_or_default()
        .to_lowercase();
    assert!(text.contains("no conversions"), "says: {text}");
    bot.stop().await;
}
