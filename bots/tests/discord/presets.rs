//! Presets through the Discord adapter: `/convert` with the `preset`
//! option (and no format) delivers the preset's format and size, a format
//! given as well overrides the preset's, and `/formats` lists them.

use super::*;

/// `/convert` of `bytes` with these string options, as Discord delivers it.
fn convert_with(fake: &FakeDiscord, bytes: &[u8], options: &[(&str, &str)]) -> Value {
    let image = fake.add_attachment(bytes, "photo.png", "image/png");
    let mut given = vec![attachment_option("image", &image)];
    given.extend(
        options
            .iter()
            .map(|(name, value)| string_option(name, value)),
    );
    fake.slash_command("convert", given, vec![image], UPLOAD_LIMIT)
}

/// The first file the bot edited into the answer to `slash`.
async fn delivered(fake: &FakeDiscord, slash: &Value) -> (String, Vec<u8>) {
    let has_file = |calls: &[Call]| {
        original_calls(calls, slash, "PATCH")
            .iter()
            .any(|(_, c)| c.ok() && !c.files.is_empty())
    };
    let calls = fake.wait_for(has_file, REPLY).await;
    let (_, edit) = original_calls(&calls, slash, "PATCH")
        .into_iter()
        .find(|(_, c)| c.ok() && !c.files.is_empty())
        .unwrap();
    let (_, name, bytes) = &edit.files[0];
    (name.clone(), bytes.clone())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_preset_option_makes_an_emoji_and_a_format_overrides_it() {
    let bot = Running::start().await;
    let fake = &bot.fake;
    let slash = convert_with(fake, &noisy_png(400, 300), &[("preset", "emoji")]);
    fake.interact(&slash);
    let (name, bytes) = delivered(fake, &slash).await;
    assert!(result_name(&name, "png"), "file named {name}");
    assert!(is_png(&bytes));
    assert!(bytes.len() <= 256_000, "{}", bytes.len());
    let decoded = image::load_from_memory_with_format(&bytes, ImageFormat::Png).unwrap();
    assert_eq!((decoded.width(), decoded.height()), (128, 96));

    let slash = convert_with(
        fake,
        &png(400, 300),
        &[("format", "webp"), ("preset", "emoji")],
    );
    fake.interact(&slash);
    let (name, bytes) = delivered(fake, &slash).await;
    assert!(
        result_name(&name, "webp") && is_webp(&bytes),
        "file named {name}"
    );
    let decoded = image::load_from_memory_with_format(&bytes, ImageFormat::WebP).unwrap();
    assert_eq!((decoded.width(), decoded.height()), (128, 96));

    let formats = fake.slash_command("formats", vec![], vec![], UPLOAD_LIMIT);
    fake.interact(&formats);
    let answer = answer_to(fake, &formats).await;
    let text = answer["data"]["content"].as_str().unwrap_or_default();
    assert!(text.contains("emoji — Discord emoji"), "says: {text}");
    bot.stop().await;
}
