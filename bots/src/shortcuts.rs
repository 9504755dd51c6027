//! The shortcut commands both chats offer, as the option words they stand
//! for, so `/compress` and `/resize` mean the same on Telegram and Discord.
//! The words then parse like any others.

/// `/compress TARGET` aims at a byte size (`500KB`, `<2MB`); without a
/// target it makes a WebP at quality 75.
pub fn compress(target: Option<&str>) -> Vec<String> {
    match target {
        Some(target) => vec![format!(
            "max={}",
            target.trim_start_matches(['<', '≤', '='])
        )],
        None => vec!["webp".into(), "75".into()],
    }
}

/// `/resize SIZE`: a long side, a box or a percentage.
pub fn resize(size: &str) -> String {
    format!("resize={size}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use pixdrop::{ByteSize, Format, Options};

    fn options(words: &[String]) -> Options {
        Options::parse(words.iter().map(String::as_str)).unwrap()
    }

    #[test]
    fn compress_aims_at_a_target_or_defaults_to_webp_75() {
        let plain = options(&compress(None));
        assert_eq!((plain.to, plain.quality), (Some(Format::Webp), Some(75)));
        for target in ["500KB", "<500KB", "≤500KB", "=500KB"] {
            assert_eq!(
                options(&compress(Some(target))).max_bytes,
                Some(ByteSize(500_000)),
                "{target}"
            );
        }
    }
}
