//! How a `UserError` leaves the API: one status per error kind, and a JSON
//! body `{error: <code>, message: <sentence>}`. The only place that maps
//! errors to HTTP. The sentence is English unless the request's
//! `Accept-Language` prefers one of our other languages (`in_language`,
//! around every route); the code never changes.

use axum::Json;
use axum::body::Body;
use axum::extract::Request;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use pixdrop::{Lang, UserError};
use serde_json::json;

pub struct ApiError(pub UserError);

impl From<UserError> for ApiError {
    fn from(error: UserError) -> Self {
        Self(error)
    }
}

pub fn status(error: &UserError) -> StatusCode {
    match error {
        UserError::UnsupportedFormat { .. } => StatusCode::UNSUPPORTED_MEDIA_TYPE,
        UserError::CannotWrite { .. }
        | UserError::BadOption(_)
        | UserError::CropOutside { .. }
        | UserError::TooWideForFormat { .. }
        | UserError::NothingToConvert
        | UserError::NoImageInMessage
        | UserError::WrongHost
        | UserError::EmptyBody
        | UserError::FormUnreadable
        | UserError::NoFileInForm
        | UserError::TooManyFiles { .. } => StatusCode::BAD_REQUEST,
        UserError::TooLarge { .. }
        | UserError::TooManyPixels { .. }
        | UserError::TooManyFrames { .. }
        | UserError::TooComplex
        | UserError::ResultTooManyPixels { .. }
        | UserError::ResultTooLarge { .. }
        | UserError::AlbumTooLarge { .. } => StatusCode::PAYLOAD_TOO_LARGE,
        UserError::Corrupt { .. } | UserError::TargetUnreachable { .. } => {
            StatusCode::UNPROCESSABLE_ENTITY
        }
        UserError::Timeout { .. } | UserError::Busy { .. } | UserError::Unavailable { .. } => {
            StatusCode::SERVICE_UNAVAILABLE
        }
        UserError::RateLimited { .. } | UserError::ShareFull { .. } => {
            StatusCode::TOO_MANY_REQUESTS
        }
        UserError::DownloadStalled => StatusCode::REQUEST_TIMEOUT,
        UserError::Gone | UserError::ImagesGone => StatusCode::GONE,
        UserError::BadLink | UserError::NotYours => StatusCode::FORBIDDEN,
        UserError::NoSuchFile => StatusCode::NOT_FOUND,
        UserError::NoHistory | UserError::HistoryUnavailable { .. } => {
            StatusCode::SERVICE_UNAVAILABLE
        }
        UserError::NoToken => StatusCode::BAD_REQUEST,
        UserError::KeyRequired | UserError::KeyInvalid => StatusCode::UNAUTHORIZED,
        UserError::IdempotencyConflict => StatusCode::UNPROCESSABLE_ENTITY,
        UserError::Internal { .. } => StatusCode::INTERNAL_SERVER_ERROR,
    }
}

/// The JSON an error answers with, alone or as one entry of a batch.
pub fn body(error: &UserError, lang: Lang) -> serde_json::Value {
    json!({ "error": error.code(), "message": error.in_language(lang) })
}

/// The language a request's `Accept-Language` prefers among ours.
pub fn lang_of(headers: &HeaderMap) -> Lang {
    headers
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|value| value.to_str().ok())
        .map_or(Lang::En, Lang::from_accept_language)
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let status = status(&self.0);
        let body = Json(body(&self.0, Lang::En));
        let mut response = (status, body).into_response();
        response.extensions_mut().insert(Said(self.0.clone()));
        let retry_after = self.0.retry_after().or_else(|| {
            (status == StatusCode::SERVICE_UNAVAILABLE || status == StatusCode::TOO_MANY_REQUESTS)
                .then_some(30)
        });
        if let Some(value) = retry_after.and_then(|s| HeaderValue::from_str(&s.to_string()).ok()) {
            response.headers_mut().insert(header::RETRY_AFTER, value);
        }
        if status == StatusCode::UNAUTHORIZED {
            response.headers_mut().insert(
                header::WWW_AUTHENTICATE,
                HeaderValue::from_static("Bearer realm=\"pixdrop\""),
            );
        }
        response
    }
}

/// The error an error response was made from, kept on the response so
/// `in_language` can say it again in another language.
#[derive(Clone)]
struct Said(UserError);

/// Middleware: an error response's `message` in the language the request's
/// `Accept-Language` prefers (English when none of ours is wanted), with
/// `Vary: Accept-Language` so caches keep the languages apart.
pub async fn in_language(request: Request, next: Next) -> Response {
    let lang = lang_of(request.headers());
    let mut response = next.run(request).await;
    let Some(Said(error)) = response.extensions_mut().remove::<Said>() else {
        return response;
    };
    let headers = response.headers_mut();
    headers.append(header::VARY, HeaderValue::from_static("accept-language"));
    if lang != Lang::En {
        let body = body(&error, lang);
        headers.remove(header::CONTENT_LENGTH);
        *response.body_mut() = Body::from(body.to_string());
    }
    response
}
