//! What the bots say, in one place so every front end says it the same way:
//! help, the privacy promise and where images are processed, the format and
//! preset list, what `/info` found, the
//! one-line summary of a finished conversion (and its link when the file is
//! too big to send), the `/forget` and `/auto` exchanges, and the hints a
//! chat gives when a command came without what it needs. Problems with a
//! conversion itself are `UserError`s and say their own sentence. Plain
//! text, no markup to get wrong.
//!
//! Every sentence is a Fluent message in `locales/<lang>/bots.ftl`, said
//! in the user's [`Lang`]; the files are compiled in, so the binary needs
//! nothing beside it.

use std::sync::LazyLock;
use std::time::Duration;

use pixdrop::convert::{Format, Info, Note};
use pixdrop::history::Record;
use pixdrop::lang::{Arg, Catalog};
use pixdrop::options::{Preset, Presets};
use pixdrop::{ByteSize, Lang, Options, Reply};

static TEXTS: LazyLock<Catalog> = LazyLock::new(|| {
    Catalog::new(|lang| {
        match lang {
            Lang::En => [
                include_str!("../../locales/en/bots.ftl"),
                include_str!("../../locales/en/discord.ftl"),
                include_str!("../../locales/en/page.ftl"),
            ],
            Lang::De => [
                include_str!("../../locales/de/bots.ftl"),
                include_str!("../../locales/de/discord.ftl"),
                include_str!("../../locales/de/page.ftl"),
            ],
            Lang::Es => [
                include_str!("../../locales/es/bots.ftl"),
                include_str!("../../locales/es/discord.ftl"),
                include_str!("../../locales/es/page.ftl"),
            ],
            Lang::Ru => [
                include_str!("../../locales/ru/bots.ftl"),
                include_str!("../../locales/ru/discord.ftl"),
                include_str!("../../locales/ru/page.ftl"),
            ],
        }
        .to_vec()
    })
});

/// The catalog the bots speak from, for checks of its completeness.
pub fn catalog() -> &'static Catalog {
    &TEXTS
}

/// Message `id` in `lang`; the typed functions below are the usual way in.
pub(crate) fn say(lang: Lang, id: &str, args: &[(&str, Arg<'_>)]) -> String {
    TEXTS.text(lang, id, args)
}

/// Messages without arguments, each a function of the language.
macro_rules! sentences {
    ($($(#[$doc:meta])* $name:ident = $id:literal;)*) => {
        $($(#[$doc])* pub fn $name(lang: Lang) -> String {
            say(lang, $id, &[])
        })*
    };
}

sentences! {
    /// An album sent without a command (Telegram).
    album_hint = "album-hint";
    /// When an answer couldn't be made within the platform's deadline.
    not_in_time = "not-in-time";
    /// Above the buttons or select of target formats offered for an image.
    pick_format = "pick-format";
    /// The placeholder of a select of target formats.
    convert_to = "convert-to";
    /// Where a chat takes the image as a caption or a reply, what to do when
    /// a command came without one.
    image_by_caption_or_reply = "image-by-caption-or-reply";
    /// Refusals of chat media that are not still images.
    video_sticker = "video-sticker";
    gif_as_video = "gif-as-video";
    video = "video";
    /// `/forget` asks before erasing anything; these are the question, its two
    /// buttons, and the answer to "no".
    forget_question = "forget-question";
    forget_yes = "forget-yes";
    forget_no = "forget-no";
    forget_kept = "forget-kept";
    /// The button under a chat result, usable by the asker alone.
    delete_now = "delete-now";
    /// What pressing it answers once the result is deleted.
    deleted = "deleted";
    /// `/auto` where it means nothing: a private chat.
    auto_in_private = "auto-in-private";
    /// Added to the `/auto` confirmation where the bot can't see posted
    /// images (Discord without the Message Content intent).
    auto_blind = "auto-blind";
    /// Where a chat takes images as attachments, what to say to a message
    /// that addresses the bot without one.
    attach_hint = "attach-hint";
    /// `/history` and `/export` where the server keeps none.
    no_history_here = "no-history-here";
    history_unreachable = "history-unreachable";
    history_paused = "history-paused";
    history_resumed = "history-resumed";
    erase_failed = "erase-failed";
}

/// A delete button's label when a message holds several results.
pub fn delete_named(lang: Lang, file_name: &str) -> String {
    say(lang, "delete-named", &[("file", file_name.into())])
}

/// The commands `help` names, as `command` shows each (`/convert`, or its
/// name in the user's language where the platform localizes commands).
const HELP_COMMANDS: [&str; 10] = [
    "convert", "compress", "resize", "pdf", "info", "formats", "privacy", "history", "export",
    "forget",
];

/// `/convert`: how a chat shows a command that has one name everywhere.
pub fn slash(name: &str) -> String {
    format!("/{name}")
}

pub fn help(lang: Lang, command: &dyn Fn(&str) -> String, presets: &Presets) -> String {
    let mut args: Vec<(&str, Arg<'_>)> = HELP_COMMANDS
        .iter()
        .map(|name| (*name, Arg::from(command(name))))
        .collect();
    args.push(("presets", presets.names().into()));
    say(lang, "help", &args)
}

/// Where an image is processed and who keeps what, the same on every front
/// end (the chats' /privacy, the web page, README).
pub fn processing(lang: Lang, retention: Duration) -> String {
    say(
        lang,
        "processing",
        &[("held", held(lang, retention).into())],
    )
}

fn held(lang: Lang, retention: Duration) -> String {
    if retention >= Duration::from_secs(3600) {
        return say(lang, "held-hour", &[]);
    }
    let minutes = retention.as_secs().div_ceil(60);
    say(lang, "held-minutes", &[("minutes", minutes.into())])
}

pub fn privacy(lang: Lang, retention: Duration) -> String {
    let processing = processing(lang, retention);
    say(lang, "privacy", &[("processing", processing.into())])
}

/// The formats read and written, then every preset with what it makes.
pub fn formats(lang: Lang, presets: &Presets) -> String {
    let list = |pick: fn(&Format) -> bool| {
        Format::ALL
            .iter()
            .filter(|f| pick(f))
            .map(|f| f.name())
            .collect::<Vec<_>>()
            .join(", ")
    };
    let mut text = say(
        lang,
        "formats",
        &[
            ("read", list(|f| f.readable()).into()),
            ("write", list(|f| f.writable()).into()),
        ],
    );
    for preset in presets.iter() {
        let description = preset_description(lang, preset);
        text.push_str(&format!("\n• {} — {description}", preset.name()));
    }
    text
}

/// What `preset` makes, in `lang` for the built-in ones; an operator's own
/// preset is described in the operator's words.
pub fn preset_description(lang: Lang, preset: &Preset) -> String {
    let built_in = Presets::built_in()
        .get(preset.name())
        .is_some_and(|b| b.description() == preset.description());
    match built_in {
        true => say(lang, &format!("preset-{}", preset.name()), &[]),
        false => preset.description().to_string(),
    }
}

/// "WEBP · 1.2 MB → 340 KB · 1600×1200", what was done, and when our copy goes.
pub fn summary(lang: Lang, reply: &Reply) -> String {
    let mut line = format!(
        "{} · {} → {} · {}×{}",
        reply.format.name().to_uppercase(),
        ByteSize(reply.input.bytes),
        ByteSize(reply.bytes.len() as u64),
        reply.width,
        reply.height
    );
    if reply.frames > 1 {
        line.push_str(&say(lang, "frames", &[("frames", reply.frames.into())]));
    }
    for note in &reply.notes {
        line.push('\n');
        line.push_str(&noted(lang, note));
    }
    line.push('\n');
    let time = clock(reply.expires_at);
    line.push_str(&say(lang, "deleted-by", &[("time", time.into())]));
    line
}

/// What the conversion did beyond what was asked, as a summary line.
fn noted(lang: Lang, note: &Note) -> String {
    let size = |id, width: &u32, height: &u32| {
        say(
            lang,
            id,
            &[("width", (*width).into()), ("height", (*height).into())],
        )
    };
    match note {
        Note::Oriented => say(lang, "note-oriented", &[]),
        Note::ColourConverted => say(lang, "note-colour-converted", &[]),
        Note::Resized { width, height } => size("note-resized", width, height),
        Note::FirstFrameOnly { frames } => say(
            lang,
            "note-first-frame-only",
            &[("frames", (*frames).into())],
        ),
        Note::Flattened(pixdrop::color::Rgb([r, g, b])) => {
            let colour = format!("#{r:02x}{g:02x}{b:02x}");
            say(lang, "note-flattened", &[("colour", colour.into())])
        }
        Note::MetadataRemoved => say(lang, "note-metadata-removed", &[]),
        Note::QualityLowered { quality } => {
            let quality = u32::from(*quality);
            say(lang, "note-quality-lowered", &[("quality", quality.into())])
        }
        Note::ShrunkToFit { width, height } => size("note-shrunk-to-fit", width, height),
    }
}

/// The summary of a result too big to send on the platform, with the
/// signed link to download it instead.
pub fn as_link(lang: Lang, reply: &Reply) -> String {
    let link = say(lang, "as-link", &[("link", reply.link.as_str().into())]);
    format!("{}\n{link}", summary(lang, reply))
}

/// Added under the results when some of a request's images failed.
pub fn some_failed(lang: Lang, failure: &pixdrop::UserError) -> String {
    let failure = failure.in_language(lang);
    say(lang, "some-failed", &[("failure", failure.into())])
}

/// A command no handler knows (an old registration, a typo), as `typed`
/// (`/frobnicate`), then the help.
pub fn unknown_command(lang: Lang, typed: &str, help: String) -> String {
    say(
        lang,
        "unknown-command",
        &[("command", typed.into()), ("help", help.into())],
    )
}

/// `/auto` from someone who isn't an admin of the `place` (`group` on
/// Telegram, `server` on Discord).
pub fn auto_admins_only(lang: Lang, place: &str) -> String {
    say(lang, "auto-admins-only", &[("place", place.into())])
}

/// `/auto off` done in the `place` (`group`, `channel`).
pub fn auto_off(lang: Lang, place: &str) -> String {
    say(lang, "auto-off", &[("place", place.into())])
}

/// `/auto` turned on with `options`; `kept` is false when the setting
/// holds only until the next restart.
pub fn auto_on(lang: Lang, options: &Options, kept: bool) -> String {
    let words: Vec<String> = options
        .to_words()
        .into_iter()
        .map(|word| match word.strip_prefix("to=") {
            Some(format) => format.to_uppercase(),
            None => word,
        })
        .collect();
    let mut text = say(lang, "auto-on", &[("words", words.join(" ").into())]);
    if !kept {
        text.push_str(&say(lang, "until-restart", &[]));
    }
    text
}

/// `HH:MM` of a unix time, in UTC.
pub fn clock(unix: u64) -> String {
    let minutes = unix / 60 % (24 * 60);
    format!("{:02}:{:02}", minutes / 60, minutes % 60)
}

pub fn erased(lang: Lang, records: u64) -> String {
    say(lang, "erased", &[("records", records.into())])
}

/// The caption of `/export`'s file.
pub fn export_caption(lang: Lang, records: usize) -> String {
    say(
        lang,
        "export-caption",
        &[("records", (records as u64).into())],
    )
}

pub fn history(lang: Lang, records: &[Record]) -> String {
    if records.is_empty() {
        return say(lang, "history-empty", &[]);
    }
    let mut text = say(lang, "history-title", &[]);
    text.push('\n');
    for record in records {
        let time = clock(record.at.max(0) as u64);
        let days = ((pixdrop::store::unix_now() as i64 - record.at) / 86_400).max(0) as u64;
        let input = record
            .input_format
            .map_or("?".into(), |f| f.name().to_uppercase());
        let conversion = match (record.outcome.as_str(), record.output_format) {
            ("ok", Some(output)) => format!(
                "{input} → {} · {} → {}",
                output.name().to_uppercase(),
                ByteSize(record.input_bytes),
                ByteSize(record.output_bytes.unwrap_or(0))
            ),
            (outcome, _) => format!("{input} · {outcome}"),
        };
        let args = [
            ("days", days.into()),
            ("time", time.into()),
            ("conversion", conversion.into()),
        ];
        text.push_str(&say(lang, "history-line", &args));
        text.push('\n');
    }
    text
}

/// What `/info` says about an image: format, size, bytes, frames, and the
/// metadata it carries (which conversion removes unless asked to keep it).
pub fn described(lang: Lang, info: &Info) -> String {
    let mut text = format!(
        "{} · {}×{} · {}",
        info.format.name().to_uppercase(),
        info.width,
        info.height,
        ByteSize(info.bytes)
    );
    if info.frames > 1 {
        text.push_str(&say(
            lang,
            "frames",
            &[("frames", u64::from(info.frames).into())],
        ));
    }
    let exif = info.exif_bytes.map(|_| say(lang, "metadata-exif", &[]));
    let icc = info.icc_bytes.map(|_| say(lang, "metadata-icc", &[]));
    let metadata = match (exif, icc) {
        (Some(first), Some(second)) => Some(say(
            lang,
            "metadata-both",
            &[("first", first.into()), ("second", second.into())],
        )),
        (one, other) => one.or(other),
    };
    text.push('\n');
    match metadata {
        Some(metadata) => text.push_str(&say(
            lang,
            "carries-metadata",
            &[("metadata", metadata.into())],
        )),
        None => text.push_str(&say(lang, "no-metadata", &[])),
    }
    text
}

#[cfg(test)]
mod tests;
