//! Languages through the Discord adapter: an interaction's `locale` (else
//! its `guild_locale`) picks the language of the answer, and the command
//! registration carries every name and description in every language for
//! Discord's locales.

use super::*;

/// `interaction` from a client set to `locale` in a server set to `guild`.
fn from_locale(mut interaction: Value, locale: &str, guild: &str) -> Value {
    interaction["locale"] = Value::from(locale);
    interaction["guild_locale"] = Value::from(guild);
    interaction
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_spanish_user_gets_help_errors_and_results_in_spanish() {
    let bot = Running::start().await;
    let fake = &bot.fake;
    let spanish = |interaction| from_locale(interaction, "es-ES", "en-US");

    let help = spanish(fake.slash_command("help", vec![], vec![], UPLOAD_LIMIT));
    fake.interact(&help);
    let answer = answer_to(fake, &help).await;
    let text = answer["data"]["content"].as_str().unwrap_or_default();
    assert!(
        text.starts_with("Envíame una imagen y la convierto."),
        "{text}"
    );
    assert!(
        text.contains("/convertir webp 80 1600"),
        "the names it shows: {text}"
    );

    let empty = spanish(fake.slash_command("convert", vec![], vec![], UPLOAD_LIMIT));
    fake.interact(&empty);
    let said = ephemeral_notice(fake, &empty, |text| !text.is_empty()).await;
    assert_eq!(said, "Para eso necesito una imagen. Envía o adjunta una.");

    let slash = spanish(convert(fake, &png(64, 48), "webp", UPLOAD_LIMIT));
    fake.interact(&slash);
    let done = |calls: &[Call]| {
        original_calls(calls, &slash, "PATCH")
            .iter()
            .any(|(_, c)| c.ok() && !c.files.is_empty())
    };
    let calls = fake.wait_for(done, REPLY).await;
    let (_, edit) = original_calls(&calls, &slash, "PATCH")
        .into_iter()
        .find(|(_, c)| c.ok() && !c.files.is_empty())
        .unwrap();
    assert!(
        edit.content()
            .contains("Nuestra copia se borra de la memoria"),
        "{}",
        edit.summary()
    );

    let fallback = from_locale(
        fake.slash_command("privacy", vec![], vec![], UPLOAD_LIMIT),
        "fr",
        "ru",
    );
    fake.interact(&fallback);
    let answer = answer_to(fake, &fallback).await;
    let text = answer["data"]["content"].as_str().unwrap_or_default();
    assert!(
        text.starts_with("Ваше изображение обрабатывается"),
        "the server's language: {text}"
    );
    bot.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_command_is_registered_with_its_translations() {
    let bot = Running::start().await;
    let calls = bot
        .fake
        .wait_for(|calls| calls.iter().any(registration), REPLY)
        .await;
    let put = calls.iter().find(|c| registration(c)).unwrap();
    let commands = put.json.as_array().expect("a list of commands");
    let locales = ["de", "es-ES", "es-419", "ru"];
    for command in commands {
        let options = command["options"].as_array().cloned().unwrap_or_default();
        for item in std::iter::once(command).chain(&options) {
            for field in ["name_localizations", "description_localizations"] {
                if field == "description_localizations" && command["type"] == 3 {
                    continue;
                }
                for locale in locales {
                    let text = item[field][locale].as_str().unwrap_or_default();
                    assert!(!text.is_empty(), "{field}[{locale}] of {item}");
                }
            }
        }
    }
    let convert = commands.iter().find(|c| c["name"] == "convert").unwrap();
    assert_eq!(
        convert["name_localizations"],
        serde_json::json!({"de": "umwandeln", "es-ES": "convertir", "es-419": "convertir", "ru": "конвертировать"})
    );
    assert_eq!(
        convert["description_localizations"]["es-ES"],
        "Convertir una imagen a otro formato"
    );
    assert_eq!(
        convert["options"][0]["name_localizations"]["es-419"],
        "imagen"
    );
    let history = commands.iter().find(|c| c["name"] == "history").unwrap();
    let off = &history["options"][0]["choices"][0];
    assert_eq!(
        (
            off["value"].clone(),
            off["name_localizations"]["de"].clone()
        ),
        ("off".into(), "aus".into())
    );
    let menu = commands.iter().find(|c| c["type"] == 3).unwrap();
    assert_eq!(menu["name_localizations"]["es-ES"], "Convertir imagen");
    bot.stop().await;
}
