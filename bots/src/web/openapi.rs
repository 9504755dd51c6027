//! `GET /api/openapi.json`: the OpenAPI 3.1 description of the public HTTP
//! API. It is generated from the handlers' `#[utoipa::path]` attributes,
//! and `web::app` routes the public API through those same attributes
//! (`utoipa_axum`), so a public route cannot be served undescribed. This
//! module holds what the attributes name (`bodies`, `params`, `responses`)
//! and the document's frame: title, the `api_key` bearer scheme and the
//! schemas. The Telegram and Discord webhooks are the platforms' business,
//! not a public API, and are left out.

mod bodies;
mod params;
mod responses;

use axum::Extension;
use axum::body::Bytes;
use axum::http::header;
use axum::response::IntoResponse;
use utoipa::openapi::OpenApi as Document;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};

pub use bodies::{RawImage, UploadForm};
pub use params::{ConvertParams, HistoryParams, LinkParams, PauseParams};
pub use responses::{
    ConvertAnswers, DeleteAnswers, DocumentAnswers, DownloadAnswers, ExportAnswers, ForgetAnswers,
    FormatsAnswers, IconAnswers, LiveAnswers, ManifestAnswers, MetricsAnswers, PageAnswers,
    PauseAnswers, ReadyAnswers, RecentAnswers,
};

/// The name of the bearer scheme in the document, for `security(...)`.
pub const API_KEY: &str = "api_key";

#[derive(OpenApi)]
#[openapi(
    info(
        title = "pixdrop",
        description = "Privacy-first image conversion: images are converted in memory and every result is gone within the retention (an hour at most). Refusals are JSON `{error, message}`; `error` is a stable code."
    ),
    components(schemas(
        bodies::ErrorBody,
        bodies::Conversion,
        bodies::Batch,
        bodies::Zip,
        bodies::FormatList,
        bodies::RecentHistory,
        bodies::HistoryExport,
        bodies::Paused,
        bodies::Erased,
    )),
    modifiers(&BearerKeys)
)]
struct Frame;

/// `Authorization: Bearer <key>` with a key from `pixdrop keys create`.
struct BearerKeys;

impl Modify for BearerKeys {
    fn modify(&self, document: &mut Document) {
        let scheme = HttpBuilder::new()
            .scheme(HttpAuthScheme::Bearer)
            .description(Some(
                "An API key from `pixdrop keys create` (`pxd_` and 64 hex digits). Optional unless the server sets PIXDROP_API_AUTH=required; a key that is sent is always checked.",
            ))
            .build();
        document
            .components
            .get_or_insert_default()
            .add_security_scheme(API_KEY, SecurityScheme::Http(scheme));
    }
}

/// The document's frame, before the routes add their paths.
pub fn frame() -> Document {
    Frame::openapi()
}

/// The finished document as JSON, shared by every request for it.
#[derive(Clone)]
pub struct Served(Bytes);

impl Served {
    pub fn new(document: &Document) -> Self {
        Self(Bytes::from(
            serde_json::to_vec(document).expect("an OpenAPI document serializes"),
        ))
    }
}

#[utoipa::path(
    get,
    path = "/api/openapi.json",
    tag = "meta",
    responses(DocumentAnswers)
)]
pub async fn document(Extension(served): Extension<Served>) -> impl IntoResponse {
    ([(header::CONTENT_TYPE, "application/json")], served.0)
}
