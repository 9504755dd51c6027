//! The query and header parameters of the HTTP API, for the handlers'
//! `params(...)`. The conversion options are the shared option words
//! (`src/options.rs`) as query pairs; a flag is on with `1`, `true` or an
//! empty value. `Authorization` is not here: OpenAPI describes it as the
//! `api_key` security scheme.

use pixdrop::convert::Format;
use utoipa::IntoParams;
use utoipa::openapi::Required;
use utoipa::openapi::path::{Parameter, ParameterBuilder, ParameterIn};
use utoipa::openapi::schema::{ObjectBuilder, Type};

/// `POST /api/convert`'s options and headers.
pub struct ConvertParams;

impl IntoParams for ConvertParams {
    fn into_params(_: impl Fn() -> Option<ParameterIn>) -> Vec<Parameter> {
        let writable: Vec<_> = Format::ALL
            .iter()
            .filter(|f| f.writable())
            .map(|f| f.name())
            .collect();
        let format = || text().enum_values(Some(writable.clone()));
        let mut params = vec![
            query(
                "to",
                "The target format (`format` and `f` are the same).",
                format(),
            ),
            query(
                "quality",
                "Encoder quality, 1-100 (`q` is the same).",
                ObjectBuilder::new()
                    .schema_type(Type::Integer)
                    .minimum(Some(1))
                    .maximum(Some(100)),
            ),
            query(
                "resize",
                "Fit within `WxH`, scale by `N%`, or make the long side `N` pixels.",
                pattern(r"^([0-9]+(x[0-9]+)?|[0-9]+%)$"),
            ),
            query(
                "crop",
                "Cut `WxH+X+Y` out of the image.",
                pattern(r"^[0-9]+x[0-9]+\+[0-9]+\+[0-9]+$"),
            ),
            query(
                "rotate",
                "Turn clockwise by this many degrees.",
                text().enum_values(Some(["90", "180", "270", "-90"])),
            ),
            query(
                "flip",
                "Mirror horizontally or vertically.",
                text().enum_values(Some(["h", "v"])),
            ),
            query(
                "max",
                "Largest result, like `500KB` or `2MB`: quality and size are lowered to fit.",
                pattern(r"^[0-9]+(KB|MB|KiB|MiB)$"),
            ),
            query(
                "bg",
                "Background under transparency: a colour name or `#rrggbb`.",
                text(),
            ),
            query(
                "animated",
                "The format for an input with several frames, in place of `to`.",
                format(),
            ),
            query(
                "preset",
                "A named set of options (see `GET /api/formats`); later options override it.",
                text(),
            ),
        ];
        for (name, what) in [
            ("lossless", "Encode losslessly where the format can."),
            ("progressive", "Progressive JPEG."),
            ("enlarge", "Let `resize` enlarge."),
            (
                "keep-metadata",
                "Keep ICC profile and EXIF (stripped by default).",
            ),
            ("no-orient", "Do not apply the EXIF orientation."),
            ("square", "Cut the centred square."),
            (
                "download",
                "Answer with the result's bytes instead of JSON (as does `Accept: image/*`).",
            ),
        ] {
            params.push(query(
                name,
                what,
                ObjectBuilder::new().schema_type(Type::Boolean),
            ));
        }
        params.push(header(
            "Idempotency-Key",
            "Converts at most once per key: the same request again gets the same result; another request under the same key is 422 `idempotency-conflict`.",
            text(),
        ));
        params.push(header(
            TOKEN,
            "The caller's random per-browser token: a conversion with one (16-128 characters; any other is ignored) is in its history.",
            text(),
        ));
        params
    }
}

/// `x-pixdrop-token` alone: the history routes.
pub struct HistoryParams;

impl IntoParams for HistoryParams {
    fn into_params(_: impl Fn() -> Option<ParameterIn>) -> Vec<Parameter> {
        vec![browser_token()]
    }
}

/// `POST /api/history/pause`: the token and `on`.
pub struct PauseParams;

impl IntoParams for PauseParams {
    fn into_params(_: impl Fn() -> Option<ParameterIn>) -> Vec<Parameter> {
        vec![
            browser_token(),
            query(
                "on",
                "Pause recording (the default), or resume it with `0`, `false` or `off`.",
                ObjectBuilder::new().schema_type(Type::Boolean),
            ),
        ]
    }
}

/// A signed link's parts: `/d/{id}?exp=&sig=`.
pub struct LinkParams;

impl IntoParams for LinkParams {
    fn into_params(_: impl Fn() -> Option<ParameterIn>) -> Vec<Parameter> {
        let required = |name: &str, description: &str, schema: ObjectBuilder| {
            ParameterBuilder::from(query(name, description, schema))
                .required(Required::True)
                .build()
        };
        vec![
            ParameterBuilder::new()
                .name("id")
                .parameter_in(ParameterIn::Path)
                .required(Required::True)
                .description(Some("The result's id, as the link has it."))
                .schema(Some(text()))
                .build(),
            required(
                "exp",
                "Unix seconds the link is valid until.",
                ObjectBuilder::new()
                    .schema_type(Type::Integer)
                    .minimum(Some(0)),
            ),
            required("sig", "The link's signature.", text()),
        ]
    }
}

const TOKEN: &str = "x-pixdrop-token";

/// The random per-browser token the page keeps; the history is keyed by
/// its hash, so the history routes need it (else 400 `no-token`).
fn browser_token() -> Parameter {
    let token = header(
        TOKEN,
        "The caller's random per-browser token, 16-128 characters.",
        text().min_length(Some(16)).max_length(Some(128)),
    );
    ParameterBuilder::from(token)
        .required(Required::True)
        .build()
}

fn query(name: &str, description: &str, schema: ObjectBuilder) -> Parameter {
    optional(name, ParameterIn::Query, description, schema)
}

fn header(name: &str, description: &str, schema: ObjectBuilder) -> Parameter {
    optional(name, ParameterIn::Header, description, schema)
}

fn optional(name: &str, place: ParameterIn, description: &str, schema: ObjectBuilder) -> Parameter {
    ParameterBuilder::new()
        .name(name)
        .parameter_in(place)
        .required(Required::False)
        .description(Some(description))
        .schema(Some(schema.build()))
        .build()
}

fn text() -> ObjectBuilder {
    ObjectBuilder::new().schema_type(Type::String)
}

fn pattern(regex: &str) -> ObjectBuilder {
    text().pattern(Some(regex))
}
