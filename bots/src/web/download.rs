//! `GET /d/<id>?exp=&sig=`: signed downloads. 200 with the bytes while held;
//! 410 once expired or swept; 403 for a bad signature; 404 for an id that
//! never existed (or isn't an id at all).

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use pixdrop::api::LinkRefusal;
use pixdrop::store::FileId;
use serde::Deserialize;

use super::AppState;
use super::api::download_response;
use super::errors::{ApiError, plain};

#[derive(Deserialize)]
pub struct LinkQuery {
    exp: Option<u64>,
    sig: Option<String>,
}

pub async fn download(
    State(state): State<AppState>,
    Path(id): Path<String>,
    Query(query): Query<LinkQuery>,
) -> Response {
    let Ok(id) = id.parse::<FileId>() else {
        return never();
    };
    let (Some(exp), Some(sig)) = (query.exp, query.sig) else {
        return forbidden();
    };
    match state.core.open_link(id, exp, &sig).await {
        Ok(held) => {
            let name = format!("pixdrop-{}.{}", id.short(), held.format.extension());
            download_response(&held.bytes, held.format, &name, held.expires_at)
        }
        Err(LinkRefusal::BadLink) => forbidden(),
        Err(LinkRefusal::Gone) => gone(),
        Err(LinkRefusal::Never) => never(),
        Err(LinkRefusal::Unavailable(error)) => ApiError(error).into_response(),
    }
}

fn gone() -> Response {
    plain(
        StatusCode::GONE,
        "gone",
        "This file has been deleted from memory, as promised. Convert it again if you need it.",
    )
}

fn forbidden() -> Response {
    plain(
        StatusCode::FORBIDDEN,
        "bad-link",
        "This download link is not valid.",
    )
}

fn never() -> Response {
    plain(StatusCode::NOT_FOUND, "not-found", "There is no such file.").into_response()
}
