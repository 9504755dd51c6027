//! Presets through the Telegram adapter: `/convert sticker` as a caption
//! answers with a sticker-shaped document, an operator's preset works the
//! same way, and `/formats` and `/help` list them all.

use pixdrop::options::Presets;

use super::*;

const BANNER: &str = "[presets.banner]\nwords = \"png 200x50\"\ndescription = \"Profile banner\"\n";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_sticker_caption_answers_with_a_512_webp_and_formats_lists_every_preset() {
    let core = core(false)
        .await
        .with_presets(Presets::with_file(BANNER).unwrap());
    let bot = Running::start_on(FakeTelegram::start().await, core, 600).await;
    let fake = &bot.fake;
    let (file, _, _) = fake.add_file(&png(300, 200), "png");
    let update = fake.private_document(CHAT, CHAT, &file, Some("/convert sticker"));
    let doc = bot.next("senddocument", update).await;
    let (name, bytes) = doc.file("document").expect("a document part");
    assert!(name.ends_with(".webp"), "{name:?}");
    assert_eq!(sniff(bytes), "webp");
    assert!(bytes.len() <= 512_000, "{}", bytes.len());
    let decoded = image::load_from_memory_with_format(bytes, ImageFormat::WebP).unwrap();
    assert_eq!((decoded.width(), decoded.height()), (512, 341), "enlarged");

    let update = fake.private_document(CHAT, CHAT, &file, Some("/convert banner"));
    let doc = bot.next("senddocument", update).await;
    let (name, bytes) = doc.file("document").expect("a document part");
    assert!(name.ends_with(".png"), "{name:?}");
    let decoded = image::load_from_memory_with_format(bytes, ImageFormat::Png).unwrap();
    assert_eq!((decoded.width(), decoded.height()), (75, 50));

    let formats = bot
        .next("sendmessage", fake.private_text(CHAT, CHAT, "/formats"))
        .await;
    let text = formats.text();
    for line in [
        "sticker — Telegram sticker",
        "email — For email",
        "banner — Profile banner",
    ] {
        assert!(text.contains(line), "{line}: {text}");
    }
    let help = bot
        .next("sendmessage", fake.private_text(CHAT, CHAT, "/help"))
        .await;
    assert!(
        help.text()
            .contains("sticker, emoji, avatar, thumbnail, web, email, banner"),
        "{help}"
    );
    bot.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unknown_preset_is_answered_with_the_known_ones() {
    let bot = Running::start(false).await;
    let fake = &bot.fake;
    let (file, _, _) = fake.add_file(&png(30, 20), "png");
    let update = fake.private_document(CHAT, CHAT, &file, Some("/convert preset=stcker"));
    let told = bot.next("sendmessage", update).await;
    assert!(
        told.text()
            .contains("I don't know the preset `preset=stcker`. Pick one of: sticker, emoji"),
        "{told}"
    );
    bot.stop().await;
}
