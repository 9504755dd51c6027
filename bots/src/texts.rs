//! What the bots say, in one place so every front end says it the same way:
//! help, the privacy promise and where images are processed, the format and
//! preset list, what `/info` found, the
//! one-line summary of a finished conversion (and its link when the file is
//! too big to send), the `/forget` and `/auto` exchanges, and the hints a
//! chat gives when a command came without what it needs. Problems with a
//! conversion itself are `UserError`s and say their own sentence. Plain
//! text, no markup to get wrong.

use std::time::Duration;

use pixdrop::convert::{Format, Info};
use pixdrop::history::Record;
use pixdrop::options::Presets;
use pixdrop::{ByteSize, Options, Reply};

pub fn help(command_prefix: &str, presets: &Presets) -> String {
    format!(
        "Send me an image and I'll convert it.\n\n\
         {p}convert FORMAT [options] — e.g. {p}convert webp 80 1600\n\
         {p}compress [size] — smaller file, e.g. {p}compress 500KB\n\
         {p}resize N — fit the long side to N pixels\n\
         {p}pdf — make a PDF (send several images together for several pages)\n\
         {p}info — what the image is\n\
         {p}formats — what I read and write\n\
         {p}privacy — what happens to your images\n\
         {p}history, {p}export, {p}forget — your conversion history\n\n\
         Options: quality 1-100, a size like 1600 or 1600x1200, rotate=90, flip=h, max=500KB, lossless, bg=white, keep-metadata.\n\
         Presets: {names} — e.g. {p}convert sticker; {p}formats says what each makes.",
        p = command_prefix,
        names = presets.names(),
    )
}

/// Where an image is processed and who keeps what, the same on every front
/// end (the chats' /privacy, the web page, README).
pub fn processing(retention: Duration) -> String {
    format!(
        "Your image is processed on our server only, in memory, never written to disk, and deleted at most {} after it arrives. \
         Telegram and Discord keep what they carry (your upload and the file I send back) under their own rules, not ours. \
         Nothing you send is used to train AI or for advertising.",
        held(retention)
    )
}

fn held(retention: Duration) -> String {
    if retention >= Duration::from_secs(3600) {
        return "one hour".to_string();
    }
    match retention.as_secs().div_ceil(60) {
        1 => "a minute (well within one hour)".to_string(),
        minutes => format!("{minutes} minutes (well within one hour)"),
    }
}

pub fn privacy(retention: Duration) -> String {
    format!(
        "{}\n\
         I keep a small history of how conversions went (formats, sizes, settings, time) under a salted hash of your user id, \
         never the images, their names or your messages. See it with /history, stop it with /history off, erase it with /forget.",
        processing(retention)
    )
}

/// The formats read and written, then every preset with what it makes.
pub fn formats(presets: &Presets) -> String {
    let list = |pick: fn(&Format) -> bool| {
        Format::ALL
            .iter()
            .filter(|f| pick(f))
            .map(|f| f.name())
            .collect::<Vec<_>>()
            .join(", ")
    };
    let mut text = format!(
        "I read: {}.\nI write: {}.\n\nPresets (e.g. /convert sticker):",
        list(|f| f.readable()),
        list(|f| f.writable())
    );
    for preset in presets.iter() {
        text.push_str(&format!("\n• {} — {}", preset.name(), preset.description()));
    }
    text
}

/// "WEBP · 1.2 MB → 340 KB · 1600×1200", what was done, and when our copy goes.
pub fn summary(reply: &Reply) -> String {
    let mut line = format!(
        "{} · {} → {} · {}×{}",
        reply.format.name().to_uppercase(),
        ByteSize(reply.input.bytes),
        ByteSize(reply.bytes.len() as u64),
        reply.width,
        reply.height
    );
    if reply.frames > 1 {
        line.push_str(&format!(" · {} frames", reply.frames));
    }
    for note in &reply.notes {
        line.push_str(&format!("\n{note}"));
    }
    line.push_str(&format!(
        "\nOur copy is deleted from memory by {} UTC.",
        clock(reply.expires_at)
    ));
    line
}

/// The summary of a result too big to send on the platform, with the
/// signed link to download it instead.
pub fn as_link(reply: &Reply) -> String {
    format!(
        "{}\nIt's too big to send here, so download it: {}",
        summary(reply),
        reply.link
    )
}

/// Added under the results when some of a request's images failed.
pub fn some_failed(failure: &pixdrop::UserError) -> String {
    format!("Some images weren't converted: {failure}")
}

/// A command no handler knows (an old registration, a typo).
pub fn unknown_command(command_prefix: &str, name: &str, presets: &Presets) -> String {
    format!(
        "I don't know {command_prefix}{name}.\n\n{}",
        help(command_prefix, presets)
    )
}

/// An album sent without a command (Telegram).
pub const ALBUM_HINT: &str =
    "Got your album. Send it again with /pdf (one PDF) or /convert FORMAT as the caption.";

/// When an answer couldn't be made within the platform's deadline.
pub const NOT_IN_TIME: &str = "Sorry, I couldn't answer that in time. Please try again.";

/// Above the buttons or select of target formats offered for an image.
pub const PICK_FORMAT: &str = "Convert to which format?";

/// Where a chat takes the image as a caption or a reply, what to do when
/// a command came without one.
pub const IMAGE_BY_CAPTION_OR_REPLY: &str =
    "Send an image with this command as its caption, or reply to an image with it.";

/// Refusals of chat media that are not still images.
pub const VIDEO_STICKER: &str =
    "That sticker is a video, and I only convert images. Send a still or a WebP sticker.";
pub const GIF_AS_VIDEO: &str = "Telegram turned that GIF into a video, and I only convert images. Send the GIF as a file (📎 → File) instead.";
pub const VIDEO: &str = "That is a video, and I only convert images.";

/// `/forget` asks before erasing anything; these are the question, its two
/// buttons, and the answer to "no".
pub const FORGET_QUESTION: &str = "Erase your whole conversion history? This can't be undone.";
pub const FORGET_YES: &str = "Yes, erase it";
pub const FORGET_NO: &str = "No, keep it";
/// The button under a result, and what its press answers.
pub const DELETE_NOW: &str = "🗑 Delete now";
pub const DELETED: &str = "Deleted. The result is gone from my memory and from this chat.";

/// A delete button's label when a message holds several results.
pub fn delete_named(file_name: &str) -> String {
    format!("🗑 Delete {file_name}")
}

pub const FORGET_KEPT: &str = "Kept. Nothing was erased.";

/// `/auto` where it means nothing: a private chat.
pub const AUTO_IN_PRIVATE: &str = "/auto is for groups. Here, just send me images.";

/// Added to the `/auto` confirmation where the bot can't see posted
/// images (Discord without the Message Content intent).
pub const AUTO_BLIND: &str = " I can only see images here when the bot's operator turns on the Message Content intent; until then, mention me with the image.";

/// Where a chat takes images as attachments, what to say to a message
/// that addresses the bot without one.
pub const ATTACH_HINT: &str = "Attach an image (or several) and I'll convert it. Add option words like `webp 80` or `png resize=50%`, or leave them out and pick a format.";

/// `/auto` from someone who isn't an admin of the `place` (group, server).
pub fn auto_admins_only(place: &str) -> String {
    format!("Only {place} admins can change auto-convert.")
}

/// `/auto off` done in the `place` (group, channel).
pub fn auto_off(place: &str) -> String {
    format!("Auto-convert is off in this {place}.")
}

/// `/auto` turned on with `options`; `kept` is false when the setting
/// holds only until the next restart.
pub fn auto_on(options: &Options, kept: bool) -> String {
    let words: Vec<String> = options
        .to_words()
        .into_iter()
        .map(|word| match word.strip_prefix("to=") {
            Some(format) => format.to_uppercase(),
            None => word,
        })
        .collect();
    format!(
        "Auto-convert is on: images posted here are answered as {}.{}",
        words.join(" "),
        until_restart(kept)
    )
}

/// `HH:MM` of a unix time, in UTC.
pub fn clock(unix: u64) -> String {
    let minutes = unix / 60 % (24 * 60);
    format!("{:02}:{:02}", minutes / 60, minutes % 60)
}

pub fn erased(records: u64) -> String {
    match records {
        0 => "There was nothing to erase. Your history is empty.".into(),
        1 => "Erased 1 record. Your history is empty.".into(),
        n => format!("Erased {n} records. Your history is empty."),
    }
}

pub fn history(records: &[Record]) -> String {
    if records.is_empty() {
        return "You have no conversions in your history.".into();
    }
    let mut text = String::from("Your last conversions:\n");
    for record in records {
        let when = clock(record.at.max(0) as u64);
        let days_ago = (pixdrop::store::unix_now() as i64 - record.at) / 86_400;
        let input = record
            .input_format
            .map_or("?".into(), |f| f.name().to_uppercase());
        let line = match (record.outcome.as_str(), record.output_format) {
            ("ok", Some(output)) => format!(
                "{input} → {} · {} → {}",
                output.name().to_uppercase(),
                ByteSize(record.input_bytes),
                ByteSize(record.output_bytes.unwrap_or(0))
            ),
            (outcome, _) => format!("{input} · {outcome}"),
        };
        text.push_str(&format!("• {days_ago}d ago {when} UTC — {line}\n"));
    }
    text
}

/// What `/info` says about an image: format, size, bytes, frames, and the
/// metadata it carries (which conversion removes unless asked to keep it).
pub fn described(info: &Info) -> String {
    let mut text = format!(
        "{} · {}×{} · {}",
        info.format.name().to_uppercase(),
        info.width,
        info.height,
        ByteSize(info.bytes)
    );
    if info.frames > 1 {
        text.push_str(&format!(" · {} frames", info.frames));
    }
    let mut metadata = Vec::new();
    if info.exif_bytes.is_some() {
        metadata.push("EXIF (camera details, maybe location)");
    }
    if info.icc_bytes.is_some() {
        metadata.push("a colour profile");
    }
    if metadata.is_empty() {
        text.push_str("\nNo metadata.");
    } else {
        text.push_str(&format!(
            "\nCarries {}; I remove it when converting unless you add keep-metadata.",
            metadata.join(" and ")
        ));
    }
    text
}

/// Added to an `/auto` confirmation when the setting could not be saved.
fn until_restart(kept: bool) -> &'static str {
    if kept {
        ""
    } else {
        " (Only until I restart: I couldn't save the setting.)"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clock_shows_utc_hours_and_minutes() {
        assert_eq!(clock(0), "00:00");
        assert_eq!(clock(14 * 3600 + 5 * 60 + 59), "14:05");
        assert_eq!(clock(86_400 + 61), "00:01");
    }

    #[test]
    fn described_names_size_frames_and_what_metadata_conversion_removes() {
        let mut info = Info {
            format: Format::Gif,
            width: 640,
            height: 480,
            frames: 12,
            bytes: 250_000,
            color: "rgba8".into(),
            icc_bytes: None,
            exif_bytes: None,
            orientation: None,
        };
        let plain = described(&info);
        assert!(
            plain.starts_with("GIF · 640×480 · 250 KB · 12 frames"),
            "{plain}"
        );
        assert!(plain.ends_with("No metadata."), "{plain}");
        info.exif_bytes = Some(900);
        info.icc_bytes = Some(3000);
        let carrying = described(&info);
        assert!(
            carrying.contains("EXIF") && carrying.contains("colour profile"),
            "{carrying}"
        );
        assert!(carrying.contains("keep-metadata"), "{carrying}");
    }

    #[test]
    fn privacy_names_the_promise() {
        let text = privacy(Duration::from_secs(3600));
        assert!(text.contains("one hour") && text.contains("memory"));
        assert!(privacy(Duration::from_secs(900)).contains("15 minutes"));
    }

    #[test]
    fn privacy_says_where_images_are_processed_and_what_they_are_not_used_for() {
        let text = privacy(Duration::from_secs(3600));
        assert!(text.starts_with(&processing(Duration::from_secs(3600))));
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
    fn help_and_formats_list_every_preset() {
        let presets = Presets::with_file(
            "[presets.banner]\nwords = \"webp 1500x500\"\ndescription = \"Profile banner\"\n",
        )
        .unwrap();
        let help = help("/", &presets);
        assert!(
            help.contains("sticker, emoji, avatar, thumbnail, web, email, banner"),
            "{help}"
        );
        let formats = formats(&presets);
        assert!(
            formats.contains("• sticker — Telegram sticker: WebP"),
            "{formats}"
        );
        assert!(formats.contains("• banner — Profile banner"), "{formats}");
    }

    #[test]
    fn auto_on_names_the_format_and_whether_it_was_saved() {
        let options = Options::parse(["webp", "80"]).unwrap();
        assert_eq!(
            auto_on(&options, true),
            "Auto-convert is on: images posted here are answered as WEBP quality=80."
        );
        assert!(auto_on(&options, false).ends_with("couldn't save the setting.)"));
    }
}
