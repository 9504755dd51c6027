//! Languages through the Telegram adapter: the sender's `language_code`
//! picks the language of every reply to their update (help, errors, the
//! result's caption, the keyboard and its question, the /forget buttons),
//! a region falls back to its language and anything else to English. The
//! command menu is set in every language.

use super::*;

/// `update` as sent from an app set to `code` (the fake's users say `en`).
fn from_speaker_of(mut update: Value, code: &str) -> Value {
    for kind in ["message", "callback_query"] {
        if update.get(kind).is_some() {
            update[kind]["from"]["language_code"] = Value::from(code);
        }
    }
    update
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_german_user_gets_help_errors_results_and_buttons_in_german() {
    let bot = Running::start(true).await;
    let fake = &bot.fake;
    let german = |update| from_speaker_of(update, "de");

    let help = bot
        .next(
            "sendmessage",
            german(fake.private_text(CHAT, CHAT, "/help")),
        )
        .await;
    assert!(
        help.text()
            .starts_with("Schick mir ein Bild, und ich wandle es um."),
        "{help}"
    );
    assert!(help.text().contains("/convert webp 80 1600"), "{help}");

    let (file, _, _) = fake.add_file(&png(40, 30), "png");
    let refused = german(fake.private_document(CHAT, CHAT, &file, Some("/convert banana")));
    let refused = bot.next("sendmessage", refused).await;
    assert!(
        refused
            .text()
            .starts_with("`banana` verstehe ich nicht. Möglich sind: ein Format"),
        "{refused}"
    );

    let converted = german(fake.private_document(CHAT, CHAT, &file, Some("/convert webp")));
    let doc = bot.next("senddocument", converted).await;
    assert!(doc.text().starts_with("WEBP · "), "{doc}");
    assert!(doc.text().contains("Unsere Kopie wird bis "), "{doc}");

    let offered = bot
        .next(
            "sendmessage",
            german(fake.private_document(CHAT, CHAT, &file, None)),
        )
        .await;
    assert_eq!(offered.text(), "In welches Format umwandeln?");

    let question = bot
        .next(
            "sendmessage",
            german(fake.private_text(CHAT, CHAT, "/forget")),
        )
        .await;
    let labels: Vec<_> = question
        .buttons()
        .iter()
        .map(|b| b["text"].clone())
        .collect();
    assert_eq!(labels, ["Ja, löschen", "Nein, behalten"], "{question}");
    let keyboard = question.result["message_id"].as_i64().unwrap();
    let press = fake.callback_query(CHAT, fake.message(CHAT, keyboard).unwrap(), "forget:no");
    let kept = bot.next("sendmessage", german(press)).await;
    assert_eq!(kept.text(), "Behalten. Nichts wurde gelöscht.");
    bot.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn regions_fall_back_to_their_language_and_unknown_languages_to_english() {
    let bot = Running::start(false).await;
    let fake = &bot.fake;
    for (code, opening) in [
        ("de-AT", "Schick mir ein Bild"),
        ("es", "Envíame una imagen"),
        ("ru", "Пришлите мне изображение"),
        ("pt-br", "Send me an image"),
        ("en", "Send me an image"),
    ] {
        let asked = from_speaker_of(fake.private_text(CHAT, CHAT, "/start"), code);
        let help = bot.next("sendmessage", asked).await;
        assert!(help.text().starts_with(opening), "{code}: {help}");
    }
    let mut anonymous = fake.private_text(CHAT, CHAT, "/privacy");
    anonymous["message"]["from"]
        .as_object_mut()
        .unwrap()
        .remove("language_code");
    let privacy = bot.next("sendmessage", anonymous).await;
    assert!(
        privacy.text().starts_with("Your image is processed"),
        "{privacy}"
    );
    bot.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_command_menu_is_described_in_every_language() {
    let bot = Running::start(false).await;
    let calls = bot.fake.calls();
    let menu = |code: Option<&str>| {
        let call = calls
            .iter()
            .find(|c| c.is("setmycommands") && c.succeeded() && c.str("language_code") == code)
            .unwrap_or_else(|| panic!("no menu for {code:?}\n{}", bot.fake.dump()));
        let commands = call.json("commands").unwrap();
        commands.as_array().unwrap().clone()
    };
    assert_eq!(
        menu(None)[0]["description"],
        "Convert an image: /convert webp 80 1600"
    );
    for (code, help) in [
        ("de", "Wie du mich benutzt"),
        ("es", "Cómo usarme"),
        ("ru", "Как мной пользоваться"),
    ] {
        let commands = menu(Some(code));
        let names: Vec<_> = commands.iter().map(|c| c["command"].clone()).collect();
        let english: Vec<_> = menu(None).iter().map(|c| c["command"].clone()).collect();
        assert_eq!(names, english, "the same commands");
        let last = commands.last().unwrap();
        assert_eq!(
            (last["command"].clone(), last["description"].clone()),
            ("help".into(), help.into())
        );
    }
    bot.stop().await;
}
