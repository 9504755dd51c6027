//! `POST /api/convert` and `GET /api/formats`. The body is the image, raw or
//! as the first file of a multipart form; options come from the query in
//! the shared word grammar. The answer is JSON describing a held result, or
//! the bytes themselves with `Accept: image/*` or `?download=1`. With an
//! `Idempotency-Key` header the conversion runs at most once per key
//! (`Core::run_once`): a retry gets the first answer again.

use axum::Extension;
use axum::Json;
use axum::body::{Body, Bytes};
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use pixdrop::convert::Format;
use pixdrop::pool::Client;
use pixdrop::{ByteSize, Job, Options, Platform, UserError};
use serde_json::json;

use super::AppState;
use super::auth::Caller;
use super::errors::ApiError;
use super::openapi;

/// The header a client names a conversion with, so a retry never converts twice.
pub const IDEMPOTENCY_KEY: &str = "idempotency-key";

#[utoipa::path(post, path = "/api/convert", tag = "convert",
    params(openapi::ConvertParams),
    request_body(content(
        (inline(openapi::RawImage) = "application/octet-stream"),
        (inline(openapi::UploadForm) = "multipart/form-data"),
    )),
    responses(openapi::ConvertAnswers),
    security((), ("api_key" = [])),
)]
pub async fn convert(
    State(state): State<AppState>,
    Extension(client): Extension<Client>,
    Extension(caller): Extension<Caller>,
    Query(query): Query<Vec<(String, String)>>,
    headers: HeaderMap,
    body: Body,
) -> Response {
    match run(&state, client, &caller, &query, &headers, body).await {
        Ok((reply, wants_bytes)) if wants_bytes => download_response(
            &reply.bytes,
            reply.format,
            &reply.file_name(),
            reply.expires_at,
        ),
        Ok((reply, _)) => Json(json!({
            "id": reply.id.to_string(),
            "url": reply.link,
            "expires_at": reply.expires_at,
            "format": reply.format.name(),
            "bytes": reply.bytes.len(),
            "width": reply.width,
            "height": reply.height,
            "frames": reply.frames,
            "input": {
                "format": reply.input.format.name(),
                "bytes": reply.input.bytes,
                "width": reply.input.width,
                "height": reply.input.height,
                "frames": reply.input.frames,
            },
            "notes": reply.notes.iter().map(ToString::to_string).collect::<Vec<_>>(),
        }))
        .into_response(),
        Err(error) => error.into_response(),
    }
}

async fn run(
    state: &AppState,
    client: Client,
    caller: &Caller,
    query: &[(String, String)],
    headers: &HeaderMap,
    body: Body,
) -> Result<(pixdrop::Reply, bool), ApiError> {
    let (job, wants_bytes) = match job_of(state, client, query, headers, body).await {
        Ok(job) => job,
        Err(refused) => {
            state.core.count_refusal(Platform::Web, &refused);
            return Err(refused.into());
        }
    };
    let once = headers
        .get(IDEMPOTENCY_KEY)
        .and_then(|v| v.to_str().ok())
        .map(str::trim)
        .filter(|key| !key.is_empty());
    let reply = match once {
        Some(key) => state.core.run_once(&caller.scope(), key, job).await?,
        None => state.core.run(job).await?,
    };
    Ok((reply, wants_bytes))
}

/// The job a request asks for, and whether it wants the bytes back rather
/// than a link.
async fn job_of(
    state: &AppState,
    client: Client,
    query: &[(String, String)],
    headers: &HeaderMap,
    body: Body,
) -> Result<(Job, bool), UserError> {
    let received = tokio::time::Instant::now();
    let pairs = query.iter().map(|(k, v)| (k.as_str(), v.as_str()));
    let options = Options::parse_pairs_with(pairs, state.core.presets())?;
    let wants_bytes = query.iter().any(|(k, v)| k == "download" && v != "0")
        || headers
            .get(header::ACCEPT)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|accept| {
                accept.starts_with("image/") || accept.starts_with("application/pdf")
            });
    let limit = state.core.limits().max_input_bytes;
    let bytes = read_body(body, headers, limit).await?;
    let job = Job {
        input: bytes,
        more: Vec::new(),
        options,
        platform: Platform::Web,
        received,
        user: browser_user(state, headers),
        client,
    };
    Ok((job, wants_bytes))
}

/// The hashed per-browser token the page sends, if any.
pub fn browser_user(state: &AppState, headers: &HeaderMap) -> Option<pixdrop::history::UserHash> {
    let token = headers.get(BROWSER_TOKEN)?.to_str().ok()?.trim();
    (16..=128)
        .contains(&token.len())
        .then(|| state.core.user(Platform::Web, token))
}

/// Header carrying the random token the page keeps in local storage.
pub const BROWSER_TOKEN: &str = "x-pixdrop-token";

/// The uploaded image: the raw body, or the first file part of a multipart
/// form. Reading stops one byte past the limit.
async fn read_body(body: Body, headers: &HeaderMap, limit: u64) -> Result<Bytes, UserError> {
    let too_large = |size: u64| UserError::TooLarge {
        size: ByteSize(size),
        limit: ByteSize(limit),
    };
    if let Some(declared) = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok()?.parse::<u64>().ok())
        && declared > limit + MULTIPART_OVERHEAD
    {
        return Err(too_large(declared));
    }
    let cap = usize::try_from(limit + MULTIPART_OVERHEAD).unwrap_or(usize::MAX);
    let raw = axum::body::to_bytes(body, cap)
        .await
        .map_err(|_| too_large(limit + 1))?;
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let bytes = match multer::parse_boundary(content_type) {
        Ok(boundary) => first_file(raw, boundary).await?,
        Err(_) => raw,
    };
    if bytes.len() as u64 > limit {
        return Err(too_large(bytes.len() as u64));
    }
    if bytes.is_empty() {
        return Err(UserError::EmptyBody);
    }
    Ok(bytes)
}

/// Room for multipart boundaries and headers around the file itself.
const MULTIPART_OVERHEAD: u64 = 64 * 1024;

async fn first_file(raw: Bytes, boundary: String) -> Result<Bytes, UserError> {
    let stream = futures_util::stream::once(async move { Ok::<_, std::io::Error>(raw) });
    let mut form = multer::Multipart::new(stream, boundary);
    let malformed = |_| UserError::FormUnreadable;
    while let Some(field) = form.next_field().await.map_err(malformed)? {
        if field.file_name().is_some() || field.name() == Some("file") {
            return field.bytes().await.map_err(malformed);
        }
    }
    Err(UserError::NoFileInForm)
}

pub fn download_response(
    bytes: &Bytes,
    format: Format,
    file_name: &str,
    expires_at: u64,
) -> Response {
    let remaining = expires_at.saturating_sub(pixdrop::store::unix_now());
    (
        StatusCode::OK,
        [
            (header::CONTENT_TYPE, format.mime().to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{file_name}\""),
            ),
            (
                header::CACHE_CONTROL,
                format!("private, max-age={remaining}"),
            ),
            (header::X_CONTENT_TYPE_OPTIONS, "nosniff".to_string()),
        ],
        bytes.clone(),
    )
        .into_response()
}

/// The formats read and written, and the presets `preset=NAME` may name.
#[utoipa::path(
    get,
    path = "/api/formats",
    tag = "convert",
    responses(openapi::FormatsAnswers)
)]
pub async fn formats(State(state): State<AppState>) -> Json<serde_json::Value> {
    let formats: Vec<_> = Format::ALL
        .iter()
        .map(|f| {
            json!({
                "name": f.name(),
                "read": f.readable(),
                "write": f.writable(),
                "mime": f.mime(),
                "extension": f.extension(),
            })
        })
        .collect();
    let presets: Vec<_> = state
        .core
        .presets()
        .iter()
        .map(|p| json!({ "name": p.name(), "description": p.description(), "words": p.words() }))
        .collect();
    Json(json!({ "formats": formats, "presets": presets }))
}
