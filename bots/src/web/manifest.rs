//! `GET /manifest.webmanifest` and `GET /icon.svg`: what makes the upload
//! page installable ("add to your home screen"). Both are fixed text
//! compiled into the binary; the icon is plain shapes, no script, so it is
//! safe to serve from our own origin.

use axum::http::header;
use axum::response::IntoResponse;

use super::openapi;

/// The colours match the page's dark theme (`--bg`, `--accent`).
const MANIFEST: &str = r##"{
  "name": "pixdrop — convert images, keep nothing",
  "short_name": "pixdrop",
  "description": "Convert, shrink, resize or rotate an image. It stays in memory only and is deleted within one hour.",
  "start_url": "/",
  "scope": "/",
  "display": "standalone",
  "background_color": "#0f1216",
  "theme_color": "#0f1216",
  "icons": [
    { "src": "/icon.svg", "sizes": "any", "type": "image/svg+xml", "purpose": "any" }
  ]
}
"##;

const ICON: &str = r##"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 512 512">
<rect width="512" height="512" rx="96" fill="#0f1216"/>
<path d="M256 96c-70 92-120 160-120 222a120 120 0 0 0 240 0c0-62-50-130-120-222z" fill="#5eead4"/>
<rect x="196" y="292" width="120" height="72" rx="10" fill="#0f1216"/>
<circle cx="230" cy="318" r="12" fill="#5eead4"/>
<path d="M204 356l38-34 24 20 20-16 22 30z" fill="#5eead4"/>
</svg>
"##;

/// A day: the files change only with a new binary.
const CACHE: &str = "public, max-age=86400";

#[utoipa::path(
    get,
    path = "/manifest.webmanifest",
    tag = "page",
    responses(openapi::ManifestAnswers)
)]
pub async fn manifest() -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, "application/manifest+json"),
            (header::CACHE_CONTROL, CACHE),
        ],
        MANIFEST,
    )
}

#[utoipa::path(get, path = "/icon.svg", tag = "page", responses(openapi::IconAnswers))]
pub async fn icon() -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, "image/svg+xml"),
            (header::CACHE_CONTROL, CACHE),
            (
                header::CONTENT_SECURITY_POLICY,
                "default-src 'none'; style-src 'unsafe-inline'",
            ),
            (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        ],
        ICON,
    )
}
