//! `GET /`: the upload page, one self-contained HTML file compiled into the
//! binary (no build step, no outside requests). Two places are filled in per
//! request: the preset list (the operator's presets included) and the
//! processing text the chats' `/privacy` says too.

use axum::extract::State;
use axum::http::header;
use axum::response::IntoResponse;
use pixdrop::options::Presets;

use super::AppState;
use crate::texts;

const PAGE: &str = include_str!("page.html");

pub async fn index(State(state): State<AppState>) -> impl IntoResponse {
    let page = PAGE
        .replace("<!--presets-->", &preset_options(state.core.presets()))
        .replace(
            "<!--processing-->",
            &escape(&texts::processing(
                pixdrop::Lang::En,
                state.core.retention(),
            )),
        );
    (
        [
            (header::CONTENT_TYPE, "text/html; charset=utf-8"),
            (
                header::CONTENT_SECURITY_POLICY,
                "default-src 'self'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src 'self' blob: data:",
            ),
        ],
        page,
    )
}

/// One `<option>` a preset, its description as the visible text.
fn preset_options(presets: &Presets) -> String {
    presets
        .iter()
        .map(|preset| {
            format!(
                "<option value=\"{name}\">{name} — {description}</option>",
                name = escape(preset.name()),
                description = escape(preset.description()),
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
