//! `GET /d/<id>?exp=&sig=`: signed downloads. 200 with the bytes while held;
//! 410 once expired, swept or deleted; 403 for a bad signature; 404 for an
//! id that never existed (or isn't an id at all). `DELETE` on the same
//! link removes the result at once (204), then answers 410 like `GET`.

use axum::extract::rejection::{PathRejection, QueryRejection};
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use pixdrop::UserError;
use pixdrop::store::FileId;
use serde::Deserialize;

use super::AppState;
use super::api::download_response;
use super::errors::ApiError;
use super::openapi;

#[derive(Deserialize)]
pub struct LinkQuery {
    exp: Option<u64>,
    sig: Option<String>,
}

/// A link's id, expiry and signature; an id that can't be ours is no file,
/// a link without its expiry or signature (or with ones that don't parse)
/// is not one we signed.
fn signed(
    id: Result<Path<String>, PathRejection>,
    query: Result<Query<LinkQuery>, QueryRejection>,
) -> Result<(FileId, u64, String), UserError> {
    let id = id
        .ok()
        .and_then(|Path(id)| id.parse::<FileId>().ok())
        .ok_or(UserError::NoSuchFile)?;
    let Ok(Query(LinkQuery {
        exp: Some(exp),
        sig: Some(sig),
    })) = query
    else {
        return Err(UserError::BadLink);
    };
    Ok((id, exp, sig))
}

#[utoipa::path(
    get,
    path = "/d/{id}",
    tag = "results",
    params(openapi::LinkParams),
    responses(openapi::DownloadAnswers)
)]
pub async fn download(
    State(state): State<AppState>,
    id: Result<Path<String>, PathRejection>,
    query: Result<Query<LinkQuery>, QueryRejection>,
) -> Response {
    let (id, exp, sig) = match signed(id, query) {
        Ok(parts) => parts,
        Err(error) => return ApiError(error).into_response(),
    };
    match state.core.open_link(id, exp, &sig).await {
        Ok(held) => {
            let name = id.file_name(held.content.extension());
            download_response(&held.bytes, held.content.mime(), &name, held.expires_at)
        }
        Err(error) => ApiError(error).into_response(),
    }
}

#[utoipa::path(
    delete,
    path = "/d/{id}",
    tag = "results",
    params(openapi::LinkParams),
    responses(openapi::DeleteAnswers)
)]
pub async fn delete(
    State(state): State<AppState>,
    id: Result<Path<String>, PathRejection>,
    query: Result<Query<LinkQuery>, QueryRejection>,
) -> Response {
    let (id, exp, sig) = match signed(id, query) {
        Ok(parts) => parts,
        Err(error) => return ApiError(error).into_response(),
    };
    match state.core.delete_link(id, exp, &sig).await {
        Ok(()) => StatusCode::NO_CONTENT.into_response(),
        Err(error) => ApiError(error).into_response(),
    }
}
