//! Several `pixdrop` binaries as one Telegram bot behind one webhook URL,
//! as a balancer runs them: the test plays the balancer, posting each
//! update to one instance or the other. Every instance sets the same
//! webhook secret, and with the store in a real Redis an album whose parts
//! reach different instances is answered once: one PDF of every page in
//! message order, one hint, or one document per part, never a partial
//! answer from each instance.

use crate::{SENDS, jpeg, redis_server, support};

use std::net::TcpListener;
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::Duration;

use serde_json::Value;
use support::pdf::{self, Page};
use support::server::Stopper;
use support::telegram_fake::{Call, FakeTelegram};

const SIGNING_KEY: &str = "a signing key of at least thirty-two bytes, shared";
const HOOK_BASE: &str = "https://pixdrop.test/bot";
/// How long a test waits for the binaries to act.
const WITHIN: Duration = Duration::from_secs(30);
const LOG: &str = "stderr.log";

/// One `pixdrop serve` in webhook mode, and where it listens.
struct Instance {
    _child: Stopper,
    port: u16,
    workdir: PathBuf,
}

impl Instance {
    fn spawn(fake: &FakeTelegram, name: &str, redis: Option<&str>) -> Self {
        let port = TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let workdir =
            std::env::temp_dir().join(format!("pixdrop-tg-{name}-{}-{port}", std::process::id()));
        std::fs::create_dir_all(&workdir).unwrap();
        let mut command = Command::new(env!("CARGO_BIN_EXE_pixdrop"));
        command
            .arg("serve")
            .current_dir(&workdir)
            .env_clear()
            .env("TELEGRAM_TOKEN", fake.token())
            .env("TELEGRAM_API_URL", fake.api_url())
            .env("TELEGRAM_WEBHOOK_URL", HOOK_BASE)
            .env("PIXDROP_SIGNING_KEY", SIGNING_KEY)
            .env("PIXDROP_BIND", format!("127.0.0.1:{port}"))
            .env("DATABASE_URL", "sqlite::memory:")
            .env("RUST_LOG", "warn")
            .stdout(Stdio::null())
            .stderr(std::fs::File::create(workdir.join(LOG)).unwrap());
        if let Some(url) = redis {
            command.env("REDIS_URL", url);
        }
        Self {
            _child: Stopper(command.spawn().unwrap()),
            port,
            workdir,
        }
    }

    fn log(&self) -> String {
        std::fs::read_to_string(self.workdir.join(LOG)).unwrap_or_default()
    }

    /// Posts `update` to this instance's webhook route as Telegram would.
    async fn post(&self, secret: &str, update: &Value) {
        let url = format!("http://127.0.0.1:{}/telegram/{secret}", self.port);
        let answer = reqwest::Client::new()
            .post(url)
            .header("x-telegram-bot-api-secret-token", secret)
            .json(update)
            .send()
            .await
            .unwrap();
        assert_eq!(answer.status(), 200, "{}", self.log());
    }
}

impl Drop for Instance {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.workdir);
    }
}

/// The `setWebhook` calls once `count` instances have made theirs.
async fn webhooks(fake: &FakeTelegram, count: usize) -> Vec<Call> {
    let set = |calls: &[Call]| -> Vec<Call> {
        calls
            .iter()
            .filter(|c| c.is("setwebhook"))
            .cloned()
            .collect()
    };
    let calls = fake
        .wait_for(|calls| set(calls).len() >= count, WITHIN)
        .await;
    set(&calls)
}

/// The one secret every instance set, checked to be one.
async fn shared_secret(fake: &FakeTelegram, count: usize) -> String {
    let hooks = webhooks(fake, count).await;
    let secret = hooks[0].str("secret_token").expect("a secret").to_string();
    for hook in &hooks {
        assert_eq!(hook.str("secret_token"), Some(secret.as_str()), "{hook}");
        assert_eq!(hook.str("url"), hooks[0].str("url"), "{hook}");
    }
    secret
}

/// Numbers `updates` as Telegram would (the fake also learns their messages).
fn numbered(fake: &FakeTelegram, mut updates: Vec<Value>) -> Vec<Value> {
    for update in &mut updates {
        update["update_id"] = fake.push_update(update.clone()).into();
    }
    updates
}

fn replies(calls: &[Call]) -> Vec<&Call> {
    calls
        .iter()
        .filter(|c| SENDS.iter().any(|m| c.is(m)))
        .collect()
}

fn message_ids(updates: &[Value]) -> Vec<i64> {
    updates
        .iter()
        .map(|u| u["message"]["message_id"].as_i64().unwrap())
        .collect()
}

/// Waits for `count` replies since `before`, then posts `/help` to each
/// instance in `chat` and waits for both answers: each instance handles a
/// chat's updates in order, so any reply either still had to give comes
/// first. Returns the replies before those, which must be `count`.
async fn answered(
    fake: &FakeTelegram,
    (secret, instances): (&str, [&Instance; 2]),
    chat: i64,
    before: usize,
    count: usize,
) -> Vec<Call> {
    fake.wait_for(|calls| replies(calls).len() >= before + count, WITHIN)
        .await;
    let later: Vec<Value> = (0..2)
        .map(|_| fake.private_text(chat, chat, "/help"))
        .collect();
    let later = numbered(fake, later);
    for (instance, update) in instances.iter().zip(&later) {
        instance.post(secret, update).await;
    }
    let later = message_ids(&later);
    let is_later = |c: &Call| c.reply_to().is_some_and(|id| later.contains(&id));
    let both = |calls: &[Call]| replies(calls).iter().filter(|c| is_later(c)).count() == 2;
    let calls = fake.wait_for(both, WITHIN).await;
    let fresh: Vec<Call> = replies(&calls)[before..]
        .iter()
        .filter(|c| !is_later(c))
        .map(|c| (*c).clone())
        .collect();
    assert_eq!(fresh.len(), count, "{}", fake.dump());
    assert_eq!(replies(&calls).len(), before + count + 2, "{}", fake.dump());
    fresh
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn instances_with_one_signing_key_set_the_same_webhook_secret() {
    let fake = FakeTelegram::start().await;
    let _a = Instance::spawn(&fake, "hook-a", None);
    let _b = Instance::spawn(&fake, "hook-b", None);
    let secret = shared_secret(&fake, 2).await;
    assert!(!secret.contains(fake.token()));
    let url = webhooks(&fake, 2).await[0].str("url").unwrap().to_string();
    assert_eq!(url, format!("{HOOK_BASE}/telegram/{secret}"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_album_split_across_two_instances_makes_one_pdf_of_every_page() {
    let Some(redis) = redis_server::RedisServer::find_or_start() else {
        return;
    };
    let fake = FakeTelegram::start().await;
    let a = Instance::spawn(&fake, "pdf-a", Some(&redis.url));
    let b = Instance::spawn(&fake, "pdf-b", Some(&redis.url));
    let secret = shared_secret(&fake, 2).await;
    let chat = 8101;
    let sizes = [(120, 90), (90, 120), (100, 60)];
    let files: Vec<String> = sizes
        .iter()
        .map(|(w, h)| fake.add_file(&jpeg(*w, *h), "jpg").0)
        .collect();
    let files: Vec<&str> = files.iter().map(String::as_str).collect();
    let album = numbered(&fake, fake.private_album(chat, chat, &files, Some("/pdf")));
    a.post(&secret, &album[0]).await;
    b.post(&secret, &album[1]).await;
    a.post(&secret, &album[2]).await;

    let answer = answered(&fake, (&secret, [&a, &b]), chat, 0, 1)
        .await
        .remove(0);
    assert!(answer.is("senddocument") && answer.succeeded(), "{answer}");
    assert_eq!(answer.reply_to(), Some(message_ids(&album)[0]));
    let (name, bytes) = answer.file("document").expect("a document part");
    assert!(name.ends_with(".pdf"), "{name}");
    let pages = pdf::pages(bytes).unwrap_or_else(|e| panic!("{e}"));
    let expected: Vec<Page> = sizes
        .iter()
        .map(|(w, h)| Page {
            width: u64::from(*w),
            height: u64::from(*h),
        })
        .collect();
    assert_eq!(pages, expected, "every part, in message order");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_split_album_gets_one_hint_or_one_document_per_part() {
    let Some(redis) = redis_server::RedisServer::find_or_start() else {
        return;
    };
    let fake = FakeTelegram::start().await;
    let a = Instance::spawn(&fake, "each-a", Some(&redis.url));
    let b = Instance::spawn(&fake, "each-b", Some(&redis.url));
    let secret = shared_secret(&fake, 2).await;
    let chat = 8102;
    let first = fake.add_file(&jpeg(80, 60), "jpg").0;
    let second = fake.add_file(&jpeg(60, 80), "jpg").0;

    let plain = numbered(
        &fake,
        fake.private_album(chat, chat, &[&first, &second], None),
    );
    b.post(&secret, &plain[0]).await;
    a.post(&secret, &plain[1]).await;
    let hint = answered(&fake, (&secret, [&a, &b]), chat, 0, 1)
        .await
        .remove(0);
    assert!(hint.is("sendmessage"), "{hint}");
    assert!(hint.text().contains("Got your album"), "{hint}");

    let before = replies(&fake.calls()).len();
    let third = fake.add_file(&jpeg(70, 70), "jpg").0;
    let files = [first.as_str(), second.as_str(), third.as_str()];
    let each = numbered(
        &fake,
        fake.private_album(chat, chat, &files, Some("/convert png")),
    );
    a.post(&secret, &each[0]).await;
    b.post(&secret, &each[1]).await;
    b.post(&secret, &each[2]).await;
    let documents = answered(&fake, (&secret, [&a, &b]), chat, before, 3).await;
    let mut answered_parts: Vec<i64> = documents
        .iter()
        .inspect(|d| assert!(d.is("senddocument") && d.succeeded(), "{d}"))
        .inspect(|d| assert!(d.file("document").unwrap().0.ends_with(".png"), "{d}"))
        .filter_map(Call::reply_to)
        .collect();
    answered_parts.sort_unstable();
    assert_eq!(
        answered_parts,
        message_ids(&each),
        "one document under each part"
    );
}
