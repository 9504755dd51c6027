//! The upload page in a language: every fixed string of `page.html`, and
//! the few sentences its script writes, replaced by their translation from
//! `locales/<lang>/page.ftl`. Each string is found by the markup around it,
//! so nothing else on the page can change; the tests fail naming any string
//! the page no longer has, so none silently stays English.

use pixdrop::Lang;
use pixdrop::lang::Arg;

use super::page::escape;
use crate::texts;

const PAGE: &str = include_str!("page.html");

/// A fixed string of the page: (markup before, English, markup after,
/// message). Every place the three together occur is replaced.
type Placed = (&'static str, &'static str, &'static str, &'static str);

const STRINGS: [Placed; 33] = [
    (
        "<title>",
        "pixdrop — convert images, keep nothing",
        "</title>",
        "page-title",
    ),
    (
        "<p class=\"promise\">",
        "Convert, shrink, resize or rotate an image. It stays in memory only and is deleted within one hour. We keep nothing that can identify you or your file.",
        "</p>",
        "page-promise",
    ),
    (
        "<strong id=\"picked\">",
        "Drop images here",
        "</strong>",
        "page-drop",
    ),
    (
        "<small>",
        "or press to choose, or paste with Ctrl+V — JPEG, PNG, GIF, WebP, HEIC, AVIF, TIFF, BMP…",
        "</small>",
        "page-or-click",
    ),
    ("<label>", "Convert to", "\n", "page-convert-to"),
    ("<label>", "Preset", "\n", "page-preset"),
    (
        "<option value=\"\">",
        "none — choose below",
        "</option>",
        "page-no-preset",
    ),
    ("<label>", "Quality", " <span", "page-quality"),
    ("<label>", "Longest side (px)", "\n", "page-longest-side"),
    ("placeholder=\"", "keep", "\"", "page-keep"),
    ("<label>", "At most (e.g. 500KB)", "\n", "page-at-most"),
    ("placeholder=\"", "no limit", "\"", "page-no-limit"),
    ("disabled>", "Convert", "</button>", "page-convert"),
    (
        "<span id=\"stage-upload\">",
        "Uploading…",
        "</span>",
        "page-uploading",
    ),
    (
        "<span id=\"stage-convert\" hidden>",
        "Converting…",
        "</span>",
        "page-converting",
    ),
    (
        "visually-hidden\">",
        "Your result",
        "</h2>",
        "page-your-result",
    ),
    ("alt=\"", "Converted image", "\"", "page-converted"),
    ("<span>", "Format", " <b", "page-format"),
    ("<span>", "Size", " <b", "page-size"),
    ("<span>", "Pixels", " <b", "page-pixels"),
    (
        "<span class=\"until\">",
        "Deleted in",
        " <b",
        "page-deleted-in",
    ),
    ("download>", "Download", "</a>", "page-download"),
    ("\">", "Delete now", "</button>", "page-delete-now"),
    (
        "hidden>",
        "Deleted — this link no longer works.",
        "</p>",
        "page-deleted",
    ),
    (
        "visually-hidden\">",
        "Your results",
        "</h2>",
        "page-your-results",
    ),
    (
        "download>",
        "Download all as ZIP",
        "</a>",
        "page-download-zip",
    ),
    (
        "<h2 class=\"history-title\">",
        "Your history",
        "</h2>",
        "page-history",
    ),
    ("id=\"history-show\">", "Show", "</button>", "page-show"),
    (
        "id=\"history-export\">",
        "Export",
        "</button>",
        "page-export",
    ),
    ("id=\"history-erase\">", "Erase", "</button>", "page-erase"),
    (
        "<li>",
        "The result is held for download, then deleted — at the latest one hour after upload.",
        "</li>",
        "page-held",
    ),
    (
        "<li>",
        "We record only how a conversion went (formats, sizes, settings, time), never the picture or its name.",
        "</li>",
        "page-recorded",
    ),
    (
        "<li>",
        "Your choices of format and quality are remembered in this browser only.",
        "</li>",
        "page-remembered",
    ),
];

/// The sentences the script writes (its `TEXT`): (key, English, message,
/// the `{name}`s the script fills in, passed through as they are).
const SCRIPT: [(&str, &str, &str, &[&str]); 6] = [
    (
        "several",
        "{n} images · {size}",
        "page-several",
        &["n", "size"],
    ),
    ("ready", "Your result is ready.", "page-ready", &[]),
    (
        "readyBatch",
        "{done} of {total} images converted. The ZIP is ready.",
        "page-ready-batch",
        &["done", "total"],
    ),
    (
        "failed",
        "Something went wrong. Please try again.",
        "page-failed",
        &[],
    ),
    ("nothing", "Nothing recorded.", "page-nothing", &[]),
    (
        "eraseConfirm",
        "Erase every record of your conversions? This can't be undone.",
        "page-erase-confirm",
        &[],
    ),
];

/// `PAGE` with its strings in `lang`.
pub fn in_language(lang: Lang) -> String {
    let mut page = PAGE.replacen(
        "<html lang=\"en\">",
        &format!("<html lang=\"{}\">", lang.code()),
        1,
    );
    if lang == Lang::En {
        return page;
    }
    for (before, english, after, id) in STRINGS {
        let said = escape(&texts::say(lang, id, &[]));
        page = page.replace(
            &format!("{before}{english}{after}"),
            &format!("{before}{said}{after}"),
        );
    }
    for (key, english, id, names) in SCRIPT {
        let said = script_string(&script_sentence(lang, id, names));
        page = page.replacen(
            &format!("{key}: {}", script_string(english)),
            &format!("{key}: {said}"),
            1,
        );
    }
    page
}

/// Message `id` with each placeable left as the `{name}` the script fills.
fn script_sentence(lang: Lang, id: &str, names: &[&str]) -> String {
    let holes: Vec<(String, String)> = names
        .iter()
        .map(|name| (name.to_string(), format!("{{{name}}}")))
        .collect();
    let args: Vec<(&str, Arg<'_>)> = holes
        .iter()
        .map(|(name, hole)| (name.as_str(), hole.as_str().into()))
        .collect();
    texts::say(lang, id, &args)
}

/// `text` as a double-quoted JavaScript string that can't end the script.
fn script_string(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '<' => out.push_str("\\u003c"),
            '\n' => out.push_str("\\n"),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A string the page no longer has would silently stay English.
    #[test]
    fn every_string_is_where_the_tables_say_and_english_is_untouched() {
        for (before, english, after, id) in STRINGS {
            let snippet = format!("{before}{english}{after}");
            assert!(PAGE.contains(&snippet), "{snippet:?}");
            assert_eq!(texts::say(Lang::En, id, &[]), english, "{id}");
        }
        for (key, english, id, names) in SCRIPT {
            let line = format!("{key}: {}", script_string(english));
            assert_eq!(PAGE.matches(&line).count(), 1, "{line}");
            assert_eq!(script_sentence(Lang::En, id, names), english, "{id}");
        }
        assert_eq!(in_language(Lang::En), PAGE);
    }

    #[test]
    fn a_language_replaces_every_string_and_the_page_language() {
        for lang in [Lang::De, Lang::Es, Lang::Ru] {
            let page = in_language(lang);
            assert!(page.contains(&format!("<html lang=\"{}\">", lang.code())));
            for (before, english, after, id) in STRINGS {
                let said = texts::say(lang, id, &[]);
                assert!(
                    said == english || !page.contains(&format!("{before}{english}{after}")),
                    "{id} left English"
                );
                assert!(
                    page.contains(&format!("{before}{}{after}", escape(&said))),
                    "{id}"
                );
            }
            for (key, english, _, names) in SCRIPT {
                assert!(!page.contains(english), "{key} left English");
                for name in names {
                    let line = page
                        .lines()
                        .find(|l| l.trim_start().starts_with(&format!("{key}:")))
                        .unwrap();
                    assert!(line.contains(&format!("{{{name}}}")), "{line}");
                }
            }
        }
        assert!(
            in_language(Lang::Ru)
                .contains("<title>pixdrop — конвертируем изображения, ничего не храним</title>")
        );
    }
}
