//! `GET /`: the upload page, one self-contained HTML file compiled into the
//! binary (no build step, no outside requests). Filled in per request: the
//! preset list (the operator's presets included), the processing text the
//! chats' `/privacy` says too, and, for a browser that prefers German,
//! Spanish or Russian (`Accept-Language`), the page's static visible
//! strings in that language (`locales/<lang>/page.ftl`). The strings the
//! page's script writes stay English.

use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::IntoResponse;
use pixdrop::Lang;
use pixdrop::options::Presets;

use super::AppState;
use crate::texts;

const PAGE: &str = include_str!("page.html");

/// Each static visible string of `PAGE` as (markup before, English, markup
/// after, message): the markup pins the one place it is replaced.
const STRINGS: [(&str, &str, &str, &str); 26] = [
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
    ("aria-label=\"", "Choose an image", "\"", "page-choose"),
    (
        "<strong id=\"picked\">",
        "Drop an image here",
        "</strong>",
        "page-drop",
    ),
    (
        "<small>",
        "or click to choose — JPEG, PNG, GIF, WebP, HEIC, AVIF, TIFF, BMP…",
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
    ("alt=\"", "Converted image", "\"", "page-converted"),
    ("<span>", "Format", " <b", "page-format"),
    ("<span>", "Size", " <b", "page-size"),
    ("<span>", "Pixels", " <b", "page-pixels"),
    ("<span>", "Deleted in", " <b", "page-deleted-in"),
    ("download>", "Download", "</a>", "page-download"),
    ("<strong>", "Your history", "</strong>", "page-history"),
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
];

pub async fn index(State(state): State<AppState>, headers: HeaderMap) -> impl IntoResponse {
    let lang = headers
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|value| value.to_str().ok())
        .map_or(Lang::En, Lang::from_accept_language);
    let page = in_language(lang)
        .replace(
            "<!--presets-->",
            &preset_options(lang, state.core.presets()),
        )
        .replace(
            "<!--processing-->",
            &escape(&texts::processing(lang, state.core.retention())),
        );
    (
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static("text/html; charset=utf-8"),
            ),
            (
                header::CONTENT_SECURITY_POLICY,
                HeaderValue::from_static(
                    "default-src 'self'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src 'self' blob: data:",
                ),
            ),
            (header::VARY, HeaderValue::from_static("accept-language")),
        ],
        page,
    )
}

/// `PAGE` with its static strings in `lang`.
fn in_language(lang: Lang) -> String {
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
        page = page.replacen(
            &format!("{before}{english}{after}"),
            &format!("{before}{said}{after}"),
            1,
        );
    }
    page
}

/// One `<option>` a preset, its description as the visible text.
fn preset_options(lang: Lang, presets: &Presets) -> String {
    presets
        .iter()
        .map(|preset| {
            format!(
                "<option value=\"{name}\">{name} — {description}</option>",
                name = escape(preset.name()),
                description = escape(&texts::preset_description(lang, preset)),
            )
        })
        .collect()
}

/// Text made safe inside HTML elements and quoted attributes: operators
/// write preset descriptions, and the page must not run what they wrote.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A string the page no longer has would silently stay English.
    #[test]
    fn every_static_string_is_where_the_table_says_and_english_is_untouched() {
        for (before, english, after, id) in STRINGS {
            let snippet = format!("{before}{english}{after}");
            assert_eq!(PAGE.matches(&snippet).count(), 1, "{snippet:?}");
            assert_eq!(texts::say(Lang::En, id, &[]), english, "{id}");
        }
        assert_eq!(in_language(Lang::En), PAGE);
    }

    #[test]
    fn a_language_replaces_every_static_string_and_the_page_language() {
        let page = in_language(Lang::Ru);
        assert!(page.contains("<html lang=\"ru\">"));
        for (before, english, after, id) in STRINGS {
            assert!(
                !page.contains(&format!("{before}{english}{after}")),
                "{id} left English"
            );
            assert!(
                page.contains(&escape(&texts::say(Lang::Ru, id, &[]))),
                "{id}"
            );
        }
        assert!(
            page.contains("<title>pixdrop — конвертируем изображения, ничего не храним</title>")
        );
    }
}
