//! `GET /`: the upload page, one self-contained HTML file compiled into the
//! binary (no build step, no outside requests). Filled in per request: the
//! preset list (the operator's presets included), the processing text the
//! chats' `/privacy` says too, and the page's own strings in the
//! `Accept-Language` language (`page_text`). The page links the web app
//! manifest (`manifest`), which its CSP allows.

use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::IntoResponse;
use pixdrop::Lang;
use pixdrop::options::Presets;

use super::openapi;
use super::page_text;
use super::{AppState, errors};
use crate::texts;

#[utoipa::path(get, path = "/", tag = "page", responses(openapi::PageAnswers))]
pub async fn index(State(state): State<AppState>, headers: HeaderMap) -> impl IntoResponse {
    let lang = errors::lang_of(&headers);
    let page = page_text::in_language(lang)
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
                    "default-src 'self'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src 'self' blob: data:; manifest-src 'self'",
                ),
            ),
            (header::VARY, HeaderValue::from_static("accept-language")),
        ],
        page,
    )
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
pub(super) fn escape(text: &str) -> String {
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
