//! The pace of request bodies. Each body gets `Bounds::body_timeout`, plus
//! one second for every `Bounds::body_min_rate` bytes it has delivered; one
//! that falls behind is answered 408 (`UserError::DownloadStalled`) and its
//! connection closed. A client trickling a few bytes a second is so cut off
//! within the timeout however long it goes on, while a large upload at a
//! fair pace is never cut. hyper bounds only the header, and tower-http's
//! body timeout only the gap between chunks, which a trickle never trips.

use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::task::{Context, Poll};
use std::time::Duration;

use axum::body::{Body, Bytes, HttpBody};
use axum::extract::{Request, State};
use axum::http::{HeaderValue, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use http_body::{Frame, SizeHint};
use pixdrop::UserError;
use tokio::time::Instant;

use super::errors::ApiError;
use super::listen::Bounds;

/// Middleware: runs the request while watching its body's pace.
pub async fn watch(State(bounds): State<Bounds>, request: Request, next: Next) -> Response {
    if request.body().is_end_stream() {
        return next.run(request).await;
    }
    let progress = Arc::new(Progress::default());
    let counted = progress.clone();
    let request = request.map(|body| {
        Body::new(Counted {
            body,
            progress: counted,
        })
    });
    // Handlers read the whole body before they start any work, so a late
    // body abandons only its read, never a conversion.
    tokio::select! {
        response = next.run(request) => response,
        () = fallen_behind(&progress, Instant::now(), bounds) => {
            let mut response = ApiError(UserError::DownloadStalled).into_response();
            response
                .headers_mut()
                .insert(header::CONNECTION, HeaderValue::from_static("close"));
            response
        }
    }
}

#[derive(Default)]
struct Progress {
    received: AtomicU64,
    finished: AtomicBool,
}

/// Resolves once the body is behind its allowance; never, once it is whole.
async fn fallen_behind(progress: &Progress, started: Instant, bounds: Bounds) {
    loop {
        if progress.finished.load(Ordering::Relaxed) {
            return std::future::pending().await;
        }
        let received = progress.received.load(Ordering::Relaxed);
        let earned = Duration::from_secs_f64(received as f64 / bounds.body_min_rate.max(1) as f64);
        let deadline = started + bounds.body_timeout + earned;
        if Instant::now() >= deadline {
            return;
        }
        tokio::time::sleep_until(deadline).await;
    }
}

/// The request body, counting what arrives.
struct Counted {
    body: Body,
    progress: Arc<Progress>,
}

impl HttpBody for Counted {
    type Data = Bytes;
    type Error = axum::Error;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, axum::Error>>> {
        let polled = Pin::new(&mut self.body).poll_frame(cx);
        match &polled {
            Poll::Ready(Some(Ok(frame))) => {
                let size = frame.data_ref().map_or(0, Bytes::len);
                self.progress
                    .received
                    .fetch_add(size as u64, Ordering::Relaxed);
                if self.body.is_end_stream() {
                    self.progress.finished.store(true, Ordering::Relaxed);
                }
            }
            Poll::Ready(_) => self.progress.finished.store(true, Ordering::Relaxed),
            Poll::Pending => {}
        }
        polled
    }

    fn is_end_stream(&self) -> bool {
        self.body.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.body.size_hint()
    }
}
