//! The bodies of the HTTP API as OpenAPI schemas: what the handlers answer
//! with (they build it with `json!`) and what `POST /api/convert` takes.
//! These types only describe; nothing constructs them. The one error body
//! is `ErrorBody`, its `error` codes read from `UserError::codes()` so that
//! a new code is in the document the day it exists. CI's schemathesis run
//! checks every answer the server gives against these shapes.
#![allow(dead_code)]

use std::borrow::Cow;

use pixdrop::UserError;

use crate::web::api::MAX_BATCH;
use utoipa::openapi::schema::{
    AdditionalProperties, ArrayBuilder, ObjectBuilder, OneOfBuilder, Schema, Type,
};
use utoipa::openapi::{KnownFormat, Ref, RefOr, SchemaFormat};
use utoipa::{PartialSchema, ToSchema};

/// `{error, message}`: every refusal, whatever the route.
pub struct ErrorBody;

impl PartialSchema for ErrorBody {
    fn schema() -> RefOr<Schema> {
        let text = || ObjectBuilder::new().schema_type(Type::String);
        ObjectBuilder::new()
            .description(Some(
                "A refusal. `error` is a stable code; `message` the sentence a person reads (it may be reworded).",
            ))
            .property("error", text().enum_values(Some(UserError::codes())))
            .required("error")
            .property("message", text())
            .required("message")
            .additional_properties(Some(AdditionalProperties::FreeForm(false)))
            .into()
    }
}

impl ToSchema for ErrorBody {
    fn name() -> Cow<'static, str> {
        "Error".into()
    }
}

/// A held result: where to fetch it, what it is, and what it came from.
#[derive(ToSchema)]
pub struct Conversion {
    /// The result's id, as in `url`.
    id: String,
    /// The signed link: `GET` downloads the result until `expires_at`,
    /// `DELETE` removes it at once.
    url: String,
    /// Unix seconds when the result is gone from memory.
    expires_at: u64,
    /// The result's format name (`webp`, `png`, ...).
    format: String,
    /// The result's size in bytes.
    bytes: u64,
    width: u32,
    height: u32,
    frames: u32,
    input: InputFacts,
    /// What was done on the way that the options did not say (orientation
    /// applied, animation flattened, ...).
    notes: Vec<String>,
}

/// Several `file` parts: each image's answer in part order, and one ZIP
/// of every result.
pub struct Batch;

impl PartialSchema for Batch {
    fn schema() -> RefOr<Schema> {
        let or_error = |name: &str| {
            OneOfBuilder::new()
                .item(Ref::from_schema_name(name))
                .item(Ref::from_schema_name("Error"))
        };
        ObjectBuilder::new()
            .description(Some(
                "A batch (several `file` parts). One entry per part, in order: the image's `Conversion`, or the `Error` it got while the others went on. `zip` holds every converted result, or says why it couldn't be made.",
            ))
            .property("results", ArrayBuilder::new().items(or_error("Conversion")))
            .required("results")
            .property("zip", or_error("Zip"))
            .required("zip")
            .additional_properties(Some(AdditionalProperties::FreeForm(false)))
            .into()
    }
}

impl ToSchema for Batch {
    fn name() -> Cow<'static, str> {
        "Batch".into()
    }
}

/// A batch's results in one ZIP, held like them.
#[derive(ToSchema)]
pub struct Zip {
    /// The archive's id, as in `url`.
    id: String,
    /// The signed link: `GET` downloads the ZIP, `DELETE` removes it.
    url: String,
    /// Unix seconds when the ZIP is gone: never later than its first result.
    expires_at: u64,
    /// The archive's size in bytes.
    bytes: u64,
    /// How many results it holds.
    files: u32,
}

/// What the uploaded image was.
#[derive(ToSchema)]
pub struct InputFacts {
    format: String,
    bytes: u64,
    width: u32,
    height: u32,
    frames: u32,
}

/// The formats read and written, and the presets `preset=NAME` may name.
#[derive(ToSchema)]
pub struct FormatList {
    formats: Vec<FormatFacts>,
    presets: Vec<PresetFacts>,
}

#[derive(ToSchema)]
pub struct FormatFacts {
    /// The name option words use (`to=NAME`).
    name: String,
    read: bool,
    write: bool,
    mime: String,
    extension: String,
}

#[derive(ToSchema)]
pub struct PresetFacts {
    name: String,
    description: String,
    /// The option words the preset stands for.
    words: Vec<String>,
}

/// The caller's last ten conversions, and whether recording is paused.
#[derive(ToSchema)]
pub struct RecentHistory {
    records: Vec<HistoryRecord>,
    paused: bool,
}

/// All of the caller's history.
#[derive(ToSchema)]
pub struct HistoryExport {
    records: Vec<HistoryRecord>,
}

/// One conversion as the history keeps it: metadata only, never bytes or names.
#[derive(ToSchema)]
pub struct HistoryRecord {
    /// Unix seconds, rounded down to the minute.
    at: i64,
    platform: String,
    input_format: Option<String>,
    output_format: Option<String>,
    input_bytes: u64,
    output_bytes: Option<u64>,
    width: Option<u32>,
    height: Option<u32>,
    frames: Option<u32>,
    /// The options used, as canonical option words.
    settings: String,
    duration_ms: u64,
    /// `ok`, or the error code the conversion ended with.
    outcome: String,
}

/// Whether history recording is now paused.
#[derive(ToSchema)]
pub struct Paused {
    paused: bool,
}

/// How many history records were erased.
#[derive(ToSchema)]
pub struct Erased {
    erased: u64,
}

/// An image as the whole request body.
pub struct RawImage;

impl PartialSchema for RawImage {
    fn schema() -> RefOr<Schema> {
        binary("The image itself, in any readable format (see `GET /api/formats`).")
            .examples([TINY_IMAGE])
            .into()
    }
}

impl ToSchema for RawImage {}

/// An image as the `file` part of a form.
pub struct UploadForm;

impl PartialSchema for UploadForm {
    fn schema() -> RefOr<Schema> {
        ObjectBuilder::new()
            .property(
                "file",
                ArrayBuilder::new()
                    .items(binary("An image.").examples([TINY_IMAGE]))
                    .min_items(Some(1))
                    .max_items(Some(MAX_BATCH))
                    .description(Some(
                        "The images: parts named `file` (or with a file name). One part is one conversion; several are a batch, answered with `Batch`.",
                    )),
            )
            .required("file")
            .into()
    }
}

impl ToSchema for UploadForm {}

/// A 2x2 colour image that is plain text (ASCII PPM), so the example
/// request of the document converts and a fuzzer reaches the success path.
const TINY_IMAGE: &str = "P3\n2 2\n255\n255 0 0 0 255 0\n0 0 255 255 255 255\n";

/// Bytes of any kind, as a schema.
pub fn binary(description: &str) -> ObjectBuilder {
    ObjectBuilder::new()
        .schema_type(Type::String)
        .format(Some(SchemaFormat::KnownFormat(KnownFormat::Binary)))
        .description(Some(description))
}
