//! `POST /api/convert` and `GET /api/formats`. The body is the image, raw or
//! as a multipart form; options come from the query in the shared word
//! grammar. The answer is JSON describing a held result, or the bytes
//! themselves with `Accept: image/*` or `?download=1`. A form with several
//! `file` parts is a batch: each converts on its own, the answer lists them
//! in order and offers one ZIP of them all (`batch`). With an
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
use pixdrop::{ByteSize, Job, Options, Platform, Reply, UserError};
use serde_json::{Value, json};

use super::AppState;
use super::auth::Caller;
use super::batch;
use super::errors::{self, ApiError};
use super::openapi;

/// The header a client names a conversion with, so a retry never converts twice.
pub const IDEMPOTENCY_KEY: &str = "idempotency-key";

/// The most images one request may carry.
pub const MAX_BATCH: usize = 10;

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
    let (jobs, wants_bytes) = match jobs_of(&state, client, &query, &headers, body).await {
        Ok(jobs) => jobs,
        Err(refused) => {
            state.core.count_refusal(Platform::Web, &refused);
            return ApiError(refused).into_response();
        }
    };
    let key = idempotency_key(&headers);
    if jobs.len() > 1 {
        let lang = errors::lang_of(&headers);
        return batch::answer(&state, client, &caller, key, jobs, wants_bytes, lang).await;
    }
    let Some(job) = jobs.into_iter().next() else {
        return ApiError(UserError::NoFileInForm).into_response();
    };
    match run(&state, &caller, key, job).await {
        Ok(reply) if wants_bytes => download_response(
            &reply.bytes,
            reply.format.mime(),
            &reply.file_name(),
            reply.expires_at,
        ),
        Ok(reply) => Json(reply_json(&reply)).into_response(),
        Err(error) => ApiError(error).into_response(),
    }
}

/// What the API says of one finished conversion.
pub fn reply_json(reply: &Reply) -> Value {
    json!({
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
    })
}

fn idempotency_key(headers: &HeaderMap) -> Option<&str> {
    headers
        .get(IDEMPOTENCY_KEY)
        .and_then(|v| v.to_str().ok())
        .map(str::trim)
        .filter(|key| !key.is_empty())
}

/// Converts one job, at most once under `key` when there is one.
pub async fn run(
    state: &AppState,
    caller: &Caller,
    key: Option<&str>,
    job: Job,
) -> Result<Reply, UserError> {
    match key {
        Some(key) => state.core.run_once(&caller.scope(), key, job).await,
        None => state.core.run(job).await,
    }
}

/// The jobs a request asks for, one per image in it, and whether it wants
/// the bytes back rather than a link.
async fn jobs_of(
    state: &AppState,
    client: Client,
    query: &[(String, String)],
    headers: &HeaderMap,
    body: Body,
) -> Result<(Vec<Job>, bool), UserError> {
    let received = tokio::time::Instant::now();
    let pairs = query.iter().map(|(k, v)| (k.as_str(), v.as_str()));
    let options = Options::parse_pairs_with(pairs, state.core.presets())?;
    let wants_bytes = query.iter().any(|(k, v)| k == "download" && v != "0")
        || headers
            .get(header::ACCEPT)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|accept| {
                accept.starts_with("image/")
                    || accept.starts_with("application/pdf")
                    || accept.starts_with("application/zip")
            });
    let limit = state.core.limits().max_input_bytes;
    let user = browser_user(state, headers);
    let jobs = read_body(body, headers, limit)
        .await?
        .into_iter()
        .map(|input| Job {
            input,
            more: Vec::new(),
            options: options.clone(),
            platform: Platform::Web,
            received,
            user: user.clone(),
            client,
        })
        .collect();
    Ok((jobs, wants_bytes))
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

/// The uploaded images: the raw body, or every file part of a multipart
/// form (at most `MAX_BATCH`). Reading stops one byte past the limit, which
/// bounds a batch as a whole: it may carry as many bytes as one upload.
async fn read_body(body: Body, headers: &HeaderMap, limit: u64) -> Result<Vec<Bytes>, UserError> {
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
    let files = match multer::parse_boundary(content_type) {
        Ok(boundary) => file_parts(raw, boundary).await?,
        Err(_) => vec![raw],
    };
    let total: u64 = files.iter().map(|f| f.len() as u64).sum();
    if total > limit {
        return Err(too_large(total));
    }
    if files.iter().any(Bytes::is_empty) {
        return Err(UserError::EmptyBody);
    }
    Ok(files)
}

/// Room for multipart boundaries and headers around the files themselves.
const MULTIPART_OVERHEAD: u64 = 64 * 1024;

async fn file_parts(raw: Bytes, boundary: String) -> Result<Vec<Bytes>, UserError> {
    let stream = futures_util::stream::once(async move { Ok::<_, std::io::Error>(raw) });
    let mut form = multer::Multipart::new(stream, boundary);
    let malformed = |_| UserError::FormUnreadable;
    let mut files = Vec::new();
    while let Some(field) = form.next_field().await.map_err(malformed)? {
        if field.file_name().is_some() || field.name() == Some("file") {
            if files.len() == MAX_BATCH {
                return Err(UserError::TooManyFiles { limit: MAX_BATCH });
            }
            files.push(field.bytes().await.map_err(malformed)?);
        }
    }
    if files.is_empty() {
        return Err(UserError::NoFileInForm);
    }
    Ok(files)
}

pub fn download_response(bytes: &Bytes, mime: &str, file_name: &str, expires_at: u64) -> Response {
    let remaining = expires_at.saturating_sub(pixdrop::store::unix_now());
    (
        StatusCode::OK,
        [
            (header::CONTENT_TYPE, mime.to_string()),
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
