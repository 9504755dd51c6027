//! Every answer each route gives, for the handlers' `responses(...)`: the
//! statuses, their bodies (JSON as in `bodies`, or bytes, text or HTML)
//! and the headers that come with them. Refusals are all the one error
//! body; a 401 carries `WWW-Authenticate`, a 429 or an API 503
//! `Retry-After` (as `errors::ApiError` sets them).

use std::collections::BTreeMap;

use axum::http::StatusCode;
use pixdrop::convert::Format;
use utoipa::IntoResponses;
use utoipa::openapi::extensions::Extensions;
use utoipa::openapi::header::HeaderBuilder;
use utoipa::openapi::response::{Response, ResponseBuilder};
use utoipa::openapi::schema::{ArrayBuilder, ObjectBuilder, OneOfBuilder, Type};
use utoipa::openapi::{ContentBuilder, Ref, RefOr};

use super::bodies::binary;

/// A route's answers, status by status.
type Answers = BTreeMap<String, RefOr<Response>>;

/// `POST /api/convert`.
pub struct ConvertAnswers;

impl IntoResponses for ConvertAnswers {
    fn responses() -> Answers {
        let held = ResponseBuilder::new()
            .description("The result is held: where to fetch it, and what it is; for several `file` parts, a `Batch`.")
            .content(
                "application/json",
                ContentBuilder::new()
                    .schema(Some(
                        OneOfBuilder::new()
                            .item(Ref::from_schema_name("Conversion"))
                            .item(Ref::from_schema_name("Batch")),
                    ))
                    .build(),
            )
            .content(
                "application/zip",
                ContentBuilder::new()
                    .schema(Some(binary("With `?download=1` or `Accept: application/zip`, a batch's ZIP.")))
                    .build(),
            );
        let converted = results(held, "With `?download=1` or `Accept: image/*`");
        answers(
            [("200", converted)],
            &[400, 401, 408, 413, 415, 422, 429, 500, 503],
        )
    }
}

/// `GET /d/{id}`.
pub struct DownloadAnswers;

impl IntoResponses for DownloadAnswers {
    fn responses() -> Answers {
        let held = results(ResponseBuilder::new().description("The result."), "");
        answers([("200", held)], &[403, 404, 410, 500, 503])
    }
}

/// `DELETE /d/{id}`.
pub struct DeleteAnswers;

impl IntoResponses for DeleteAnswers {
    fn responses() -> Answers {
        let deleted = ResponseBuilder::new().description("Deleted: the link now answers 410.");
        answers([("204", deleted)], &[403, 404, 410, 500, 503])
    }
}

/// `GET /api/formats`.
pub struct FormatsAnswers;

impl IntoResponses for FormatsAnswers {
    fn responses() -> Answers {
        answers([("200", json("Formats and presets.", "FormatList"))], &[])
    }
}

/// `GET /api/history`.
pub struct RecentAnswers;

impl IntoResponses for RecentAnswers {
    fn responses() -> Answers {
        history(json("The last ten conversions.", "RecentHistory"))
    }
}

/// `GET /api/history/export`.
pub struct ExportAnswers;

impl IntoResponses for ExportAnswers {
    fn responses() -> Answers {
        let export = json("The whole history, as a file.", "HistoryExport").header(
            "Content-Disposition",
            plain_header("`attachment`, with a file name."),
        );
        history(export)
    }
}

/// `POST /api/history/pause`.
pub struct PauseAnswers;

impl IntoResponses for PauseAnswers {
    fn responses() -> Answers {
        history(json("Recording is paused, or resumed.", "Paused"))
    }
}

/// `DELETE /api/history`.
pub struct ForgetAnswers;

impl IntoResponses for ForgetAnswers {
    fn responses() -> Answers {
        history(json("The history is erased.", "Erased"))
    }
}

/// `GET /healthz`.
pub struct LiveAnswers;

impl IntoResponses for LiveAnswers {
    fn responses() -> Answers {
        answers(
            [(
                "200",
                text("The process answers.", "text/plain; charset=utf-8"),
            )],
            &[],
        )
    }
}

/// `GET /readyz`.
pub struct ReadyAnswers;

impl IntoResponses for ReadyAnswers {
    fn responses() -> Answers {
        let ready = text(
            "The store and the history can be reached.",
            "text/plain; charset=utf-8",
        );
        let not = text("What can't be reached.", "text/plain; charset=utf-8");
        answers([("200", ready), ("503", not)], &[])
    }
}

/// `GET /metrics`.
pub struct MetricsAnswers;

impl IntoResponses for MetricsAnswers {
    fn responses() -> Answers {
        let metrics = text(
            "Prometheus text: counts by platform, format and outcome, never by person or file.",
            "text/plain; version=0.0.4; charset=utf-8",
        );
        answers([("200", metrics)], &[])
    }
}

/// `GET /`.
pub struct PageAnswers;

impl IntoResponses for PageAnswers {
    fn responses() -> Answers {
        let page = text("The upload page.", "text/html; charset=utf-8").header(
            "Content-Security-Policy",
            plain_header("What the page may load: itself only."),
        );
        answers([("200", page)], &[])
    }
}

/// `GET /manifest.webmanifest`.
pub struct ManifestAnswers;

impl IntoResponses for ManifestAnswers {
    fn responses() -> Answers {
        let text_field = || ObjectBuilder::new().schema_type(Type::String);
        let fields = ObjectBuilder::new()
            .schema_type(Type::Object)
            .property("name", text_field())
            .required("name")
            .property("short_name", text_field())
            .property("start_url", text_field())
            .required("start_url")
            .property("display", text_field())
            .property("icons", ArrayBuilder::new().items(ObjectBuilder::new()))
            .required("icons");
        let manifest = ResponseBuilder::new()
            .description("The web app manifest that makes the page installable.")
            .content(
                "application/manifest+json",
                ContentBuilder::new().schema(Some(fields)).build(),
            );
        answers([("200", manifest)], &[])
    }
}

/// `GET /icon.svg`.
pub struct IconAnswers;

impl IntoResponses for IconAnswers {
    fn responses() -> Answers {
        answers([("200", text("The page's icon.", "image/svg+xml"))], &[])
    }
}

/// `GET /api/openapi.json`.
pub struct DocumentAnswers;

impl IntoResponses for DocumentAnswers {
    fn responses() -> Answers {
        let document = ResponseBuilder::new()
            .description("This document (OpenAPI 3.1).")
            .content(
                "application/json",
                ContentBuilder::new()
                    .schema(Some(ObjectBuilder::new().schema_type(Type::Object)))
                    .build(),
            );
        answers([("200", document)], &[])
    }
}

/// The history routes' refusals around `ok`: no token, no history.
fn history(ok: ResponseBuilder) -> Answers {
    answers([("200", ok)], &[400, 503])
}

/// `ok` plus the error body under each of `refusals`.
fn answers<const N: usize>(ok: [(&str, ResponseBuilder); N], refusals: &[u16]) -> Answers {
    let mut all: Answers = ok
        .into_iter()
        .map(|(status, response)| (status.to_string(), response.build().into()))
        .collect();
    for &status in refusals {
        all.insert(status.to_string(), refusal(status).build().into());
    }
    all
}

/// The error body, with the headers that status carries.
fn refusal(status: u16) -> ResponseBuilder {
    let reason = StatusCode::from_u16(status)
        .ok()
        .and_then(|s| s.canonical_reason())
        .unwrap_or("Refused");
    let mut response = json(
        &format!("{reason}: the error body; `error` says which refusal."),
        "Error",
    );
    if status == 429 || status == 503 {
        response = response.header(
            "Retry-After",
            required(
                HeaderBuilder::new()
                    .schema(Some(
                        ObjectBuilder::new()
                            .schema_type(Type::Integer)
                            .minimum(Some(0)),
                    ))
                    .description(Some("Seconds to wait before trying again.")),
            ),
        );
    }
    if status == 401 {
        response = response.header(
            "WWW-Authenticate",
            required(
                HeaderBuilder::new()
                    .schema(Some(ObjectBuilder::new().schema_type(Type::String)))
                    .description(Some("`Bearer realm=\"pixdrop\"`: send an API key.")),
            ),
        );
    }
    response
}

/// A result's bytes, as a download (`Content-Type` is the result's format).
fn results(response: ResponseBuilder, also: &str) -> ResponseBuilder {
    let mut mimes: Vec<_> = Format::ALL
        .iter()
        .filter(|f| f.writable())
        .map(|f| f.mime())
        .collect();
    mimes.dedup();
    let description = format!("{also} the result's bytes, in its own format.");
    let mut response = response;
    for mime in mimes {
        response = response.content(
            mime,
            ContentBuilder::new()
                .schema(Some(binary(description.trim())))
                .build(),
        );
    }
    response
        .header(
            "Content-Disposition",
            plain_header("For bytes: `attachment; filename=\"pixdrop-<id>.<ext>\"`."),
        )
        .header(
            "Cache-Control",
            plain_header("For bytes: `private, max-age=<seconds until the result is gone>`."),
        )
        .header(
            "X-Content-Type-Options",
            plain_header("For bytes: `nosniff`."),
        )
}

fn json(description: &str, schema: &str) -> ResponseBuilder {
    ResponseBuilder::new().description(description).content(
        "application/json",
        ContentBuilder::new()
            .schema(Some(Ref::from_schema_name(schema)))
            .build(),
    )
}

fn text(description: &str, media_type: &str) -> ResponseBuilder {
    ResponseBuilder::new().description(description).content(
        media_type,
        ContentBuilder::new()
            .schema(Some(ObjectBuilder::new().schema_type(Type::String)))
            .build(),
    )
}

fn plain_header(description: &str) -> utoipa::openapi::header::Header {
    HeaderBuilder::new()
        .schema(Some(ObjectBuilder::new().schema_type(Type::String)))
        .description(Some(description))
        .build()
}

/// A header every such answer carries. utoipa's `Header` has no
/// `required` field, so the Header Object's own `required` keyword goes in
/// through its map of extra fields.
fn required(header: HeaderBuilder) -> utoipa::openapi::header::Header {
    let mut extra = Extensions::default();
    extra.insert("required".into(), true.into());
    header.extensions(Some(extra)).build()
}
