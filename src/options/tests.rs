//! The option grammar's cases: chat words, CLI words and query pairs, each
//! mistake's code, canonical words, and presets with what overrides them.

use super::*;

fn parse(text: &str) -> Result<Options, UserError> {
    Options::parse(text.split_whitespace())
}

#[test]
fn chat_words_cover_the_common_requests() {
    let options = parse("webp 80 1600").unwrap();
    assert_eq!(options.to, Some(Format::Webp));
    assert_eq!(options.quality, Some(80));
    assert_eq!(options.resize, Some(Resize::LongSide(1600)));

    let options = parse("JPG q=70 1600x1200 rotate=90 flip=h ≤500KB bg=black").unwrap();
    assert_eq!(options.to, Some(Format::Jpeg));
    assert_eq!(options.quality, Some(70));
    assert_eq!(
        options.resize,
        Some(Resize::Fit {
            width: 1600,
            height: 1200
        })
    );
    assert_eq!(options.rotate, Rotate::Cw90);
    assert_eq!(options.flip, Some(Flip::Horizontal));
    assert_eq!(options.max_bytes, Some(ByteSize(500_000)));
    assert_eq!(options.background, Some(Rgb([0, 0, 0])));

    let options = parse("50% crop=100x50+10+20 lossless keep-metadata 2MB").unwrap();
    assert_eq!(options.resize, Some(Resize::Percent(50)));
    assert_eq!(
        options.crop,
        Some(Crop {
            width: 100,
            height: 50,
            x: 10,
            y: 20
        })
    );
    assert!(options.lossless && options.keep_metadata);
    assert_eq!(options.max_bytes, Some(ByteSize(2_000_000)));
}

#[test]
fn cli_words_and_query_pairs_mean_the_same() {
    let cli = parse("to=png quality=90 resize=800 rotate=270 flip=v max-bytes=300000").unwrap();
    let query = Options::parse_pairs([
        ("to", "png"),
        ("quality", "90"),
        ("resize", "800"),
        ("rotate", "270"),
        ("flip", "v"),
        ("max-bytes", "300000"),
        ("lossless", "0"),
        ("download", "1"),
    ])
    .unwrap();
    assert_eq!(cli, query);
    assert!(!query.lossless);
}

#[test]
fn mistakes_are_explained() {
    let err = parse("webp banana").unwrap_err();
    assert_eq!(err.code(), "unknown-word");
    assert!(err.to_string().contains("`banana`"));
    assert!(err.to_string().contains("quality 1-100"));
    assert!(parse("to=svg").unwrap_err().to_string().contains("webp"));
}

#[test]
fn each_mistake_is_named_by_its_own_variant() {
    let cases = [
        ("webp banana", "unknown-word"),
        ("size=huge:1", "bad-resize"),
        ("to=svg", "unknown-format"),
        ("webp png", "two-formats"),
        ("quality=0", "quality-out-of-range"),
        ("q=101", "quality-out-of-range"),
        ("0x100", "bad-resize"),
        ("crop=10x10", "bad-crop"),
        ("Rotate=45", "bad-rotation"),
        ("flip=d", "bad-flip"),
        ("max=lots", "bad-size-target"),
        ("max=12", "size-target-too-small"),
        ("bg=mauve", "unknown-colour"),
        ("preset=stcker", "unknown-preset"),
    ];
    for (words, code) in cases {
        let err = parse(words).unwrap_err();
        assert!(matches!(err, UserError::BadOption(_)), "{words}: {err:?}");
        assert_eq!(err.code(), code, "{words}");
        let quoted = words.split_whitespace().last().unwrap();
        assert!(
            code == "two-formats" || err.to_string().contains(&format!("`{quoted}`")),
            "{words}: {err}"
        );
    }
}

#[test]
fn canonical_words_parse_back_to_the_same_options() {
    let options =
        parse("webp 80 1600x900 crop=10x10+1+2 square r90 flip=v ≤500KB bg=red lossless keep animated=gif")
            .unwrap();
    let words = options.to_words();
    assert_eq!(
        Options::parse(words.iter().map(String::as_str)).unwrap(),
        options
    );
    assert_eq!(words[0], "to=webp");
}

#[test]
fn bare_numbers_split_at_one_hundred() {
    assert_eq!(parse("100").unwrap().quality, Some(100));
    assert_eq!(parse("101").unwrap().resize, Some(Resize::LongSide(101)));
}

#[test]
fn later_words_override_a_presets_settings() {
    let sticker = parse("sticker q50").unwrap();
    assert_eq!(sticker.to, Some(Format::Webp));
    assert_eq!(sticker.quality, Some(50));
    assert_eq!(sticker.resize, Some(Resize::LongSide(512)));
    assert_eq!(sticker.max_bytes, Some(ByteSize(512_000)));

    let email = parse("email png").unwrap();
    assert_eq!(email.to, Some(Format::Png));
    assert_eq!(email.quality, Some(75));
    assert_eq!(email.resize, Some(Resize::LongSide(1600)));

    let emoji = parse("preset=emoji webp").unwrap();
    assert_eq!((emoji.to, emoji.animated_to), (Some(Format::Webp), None));

    assert_eq!(parse("q50 sticker").unwrap().quality, Some(50));
    assert_eq!(parse("png sticker").unwrap().to, Some(Format::Webp));
    assert_eq!(
        parse("sticker 256").unwrap().resize,
        Some(Resize::LongSide(256))
    );
    assert_eq!(
        parse("email png webp").unwrap_err().code(),
        "two-formats",
        "only the preset's format gives way"
    );
}

#[test]
fn presets_come_as_a_bare_name_or_a_preset_word_on_every_front_end() {
    let chat = parse("sticker").unwrap();
    assert_eq!(parse("preset=sticker").unwrap(), chat);
    assert_eq!(parse("Preset:STICKER").unwrap(), chat);
    assert_eq!(Options::parse_pairs([("preset", "sticker")]).unwrap(), chat);
}

#[test]
fn an_unknown_preset_names_the_known_ones() {
    let err = parse("preset=stcker").unwrap_err();
    assert!(matches!(
        err,
        UserError::BadOption(OptionError::UnknownPreset { .. })
    ));
    let text = err.to_string();
    assert!(text.contains("`preset=stcker`"), "{text}");
    for name in ["sticker", "emoji", "avatar", "thumbnail", "web", "email"] {
        assert!(text.contains(name), "{text}");
    }
    let operator = Presets::with_file("[presets.banner]\nwords = \"webp 1500x500\"\n").unwrap();
    let err = Options::parse_with(["preset=bannr"], &operator).unwrap_err();
    assert!(err.to_string().contains("email, banner."), "{err}");
    let banner = Options::parse_with(["banner", "q90"], &operator).unwrap();
    assert_eq!((banner.to, banner.quality), (Some(Format::Webp), Some(90)));
    assert_eq!(parse("banner").unwrap_err().code(), "unknown-word");
}
