//! The bots' sentences: English as it always was, every language complete.

use super::*;

fn gif_info() -> Info {
    Info {
        format: Format::Gif,
        width: 640,
        height: 480,
        frames: 12,
        bytes: 250_000,
        color: "rgba8".into(),
        icc_bytes: None,
        exif_bytes: None,
        orientation: None,
    }
}

#[test]
fn clock_shows_utc_hours_and_minutes() {
    assert_eq!(clock(0), "00:00");
    assert_eq!(clock(14 * 3600 + 5 * 60 + 59), "14:05");
    assert_eq!(clock(86_400 + 61), "00:01");
}

#[test]
fn described_names_size_frames_and_what_metadata_conversion_removes() {
    let mut info = gif_info();
    assert_eq!(
        described(Lang::En, &info),
        "GIF · 640×480 · 250 KB · 12 frames\nNo metadata."
    );
    info.exif_bytes = Some(900);
    info.icc_bytes = Some(3000);
    assert_eq!(
        described(Lang::En, &info),
        "GIF · 640×480 · 250 KB · 12 frames\nCarries EXIF (camera details, maybe location) and a colour profile; \
         I remove it when converting unless you add keep-metadata."
    );
    let german = described(Lang::De, &info);
    assert!(
        german.contains("Farbprofil") && german.contains("keep-metadata"),
        "{german}"
    );
}

#[test]
fn privacy_names_the_promise() {
    assert_eq!(
        privacy(Lang::En, Duration::from_secs(3600)),
        "Your image is processed on our server only, in memory, never written to disk, and deleted at most one hour after it arrives. \
         Telegram and Discord keep what they carry (your upload and the file I send back) under their own rules, not ours. \
         Nothing you send is used to train AI or for advertising.\n\
         I keep a small history of how conversions went (formats, sizes, settings, time) under a salted hash of your user id, \
         never the images, their names or your messages. See it with /history, stop it with /history off, erase it with /forget."
    );
    let minute = processing(Lang::En, Duration::from_secs(60));
    assert!(
        minute.contains("at most a minute (well within one hour) after"),
        "{minute}"
    );
    assert!(
        privacy(Lang::En, Duration::from_secs(900)).contains("15 minutes (well within one hour)")
    );
}

#[test]
fn privacy_says_where_images_are_processed_and_what_they_are_not_used_for() {
    let text = privacy(Lang::En, Duration::from_secs(3600));
    assert!(text.starts_with(&processing(Lang::En, Duration::from_secs(3600))));
    for promise in [
        "our server only",
        "Telegram and Discord keep",
        "their own rules",
        "train AI",
        "advertising",
    ] {
        assert!(text.contains(promise), "{promise}: {text}");
    }
}

#[test]
fn help_is_unchanged_in_english_and_names_every_preset() {
    let presets = Presets::with_file(
        "[presets.banner]\nwords = \"webp 1500x500\"\ndescription = \"Profile banner\"\n",
    )
    .unwrap();
    assert_eq!(
        help(Lang::En, &slash, Presets::built_in()),
        "Send me an image and I'll convert it.\n\n\
         /convert FORMAT [options] — e.g. /convert webp 80 1600\n\
         /compress [size] — smaller file, e.g. /compress 500KB\n\
         /resize N — fit the long side to N pixels\n\
         /pdf — make a PDF (send several images together for several pages)\n\
         /info — what the image is\n\
         /formats — what I read and write\n\
         /privacy — what happens to your images\n\
         /history, /export, /forget — your conversion history\n\n\
         Options: quality 1-100, a size like 1600 or 1600x1200, rotate=90, flip=h, max=500KB, lossless, bg=white, keep-metadata.\n\
         Presets: sticker, emoji, avatar, thumbnail, web, email — e.g. /convert sticker; /formats says what each makes."
    );
    let help = help(Lang::Es, &slash, &presets);
    assert!(
        help.contains("sticker, emoji, avatar, thumbnail, web, email, banner"),
        "{help}"
    );
    let formats = formats(Lang::En, &presets);
    assert!(formats.starts_with("I read: jpeg, "), "{formats}");
    assert!(
        formats.contains("\n\nPresets (e.g. /convert sticker):\n• sticker — "),
        "{formats}"
    );
    assert!(
        formats.contains("• sticker — Telegram sticker: WebP"),
        "{formats}"
    );
    assert!(formats.contains("• banner — Profile banner"), "{formats}");
    let german = super::formats(Lang::De, &presets);
    assert!(
        german.contains("• banner — Profile banner"),
        "operator's words: {german}"
    );
    assert!(
        !german.contains("Telegram sticker: WebP"),
        "built-ins translated: {german}"
    );
}

#[test]
fn every_built_in_preset_is_described_in_english_as_the_core_describes_it() {
    for preset in Presets::built_in().iter() {
        let id = format!("preset-{}", preset.name());
        assert_eq!(say(Lang::En, &id, &[]), preset.description());
    }
}

#[test]
fn auto_on_names_the_format_and_whether_it_was_saved() {
    let options = Options::parse(["webp", "80"]).unwrap();
    assert_eq!(
        auto_on(Lang::En, &options, true),
        "Auto-convert is on: images posted here are answered as WEBP quality=80."
    );
    assert_eq!(
        auto_on(Lang::En, &options, false),
        "Auto-convert is on: images posted here are answered as WEBP quality=80. \
         (Only until I restart: I couldn't save the setting.)"
    );
    assert_eq!(
        auto_off(Lang::En, "channel"),
        "Auto-convert is off in this channel."
    );
    assert_eq!(
        auto_admins_only(Lang::En, "group"),
        "Only group admins can change auto-convert."
    );
    assert!(auto_blind(Lang::En).starts_with(" I can only see images here"));
}

#[test]
fn counts_are_said_in_english_as_before() {
    assert_eq!(
        erased(Lang::En, 0),
        "There was nothing to erase. Your history is empty."
    );
    assert_eq!(
        erased(Lang::En, 1),
        "Erased 1 record. Your history is empty."
    );
    assert_eq!(
        erased(Lang::En, 7),
        "Erased 7 records. Your history is empty."
    );
    assert_eq!(
        export_caption(Lang::En, 3),
        "Your conversion history: 3 records."
    );
    assert_eq!(erased(Lang::Ru, 3), "Удалено 3 записи. Ваша история пуста.");
    assert_eq!(
        erased(Lang::Ru, 5),
        "Удалено 5 записей. Ваша история пуста."
    );
}

#[test]
fn every_language_has_every_sentence_and_only_english_placeables() {
    let problems = catalog().problems();
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn the_other_languages_say_something_else_than_english() {
    let retention = Duration::from_secs(3600);
    for lang in [Lang::De, Lang::Es, Lang::Ru] {
        for (english, other) in [
            (
                help(Lang::En, &slash, Presets::built_in()),
                help(lang, &slash, Presets::built_in()),
            ),
            (privacy(Lang::En, retention), privacy(lang, retention)),
            (pick_format(Lang::En), pick_format(lang)),
            (forget_yes(Lang::En), forget_yes(lang)),
            (
                described(Lang::En, &gif_info()),
                described(lang, &gif_info()),
            ),
        ] {
            assert_ne!(english, other, "{lang:?}");
            assert!(!other.contains('\u{2068}'), "isolation marks: {other:?}");
        }
        assert!(help(lang, &slash, Presets::built_in()).contains("/convert webp 80 1600"));
    }
}
