//! The accept loop behind `web::serve`: hyper's HTTP/1 server with the
//! bounds a public listener needs, so slow or hostile clients cannot take
//! down the page, the API and the chat webhooks that share it. Owns the
//! connection cap (kept within the open-files limit), the header (and idle
//! keep-alive) timeout, the header size, the response write timeout and
//! graceful shutdown, and with HTTPS the handshake (`tls`), bounded like
//! the header. A request body's pace is `body_rate`'s; routes and handlers
//! are none of its business.

use std::future::Future;
use std::io;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use hyper::server::conn::http1;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::GracefulShutdown;
use hyper_util::service::TowerToHyperService;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{OwnedSemaphorePermit, Semaphore};
use tokio_io_timeout::TimeoutStream;
use tower_service::Service;

use super::tls::Tls;

/// Time and connection bounds of the HTTP listener (see `.env.example`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Bounds {
    /// From connecting, or from the end of the previous response on a
    /// kept-alive connection, until the request header is complete: hyper
    /// starts one timer for both, so it is the idle keep-alive timeout too.
    pub header_timeout: Duration,
    /// Time every request body gets, whatever its size ...
    pub body_timeout: Duration,
    /// ... plus one second for every this many bytes it has delivered.
    pub body_min_rate: u64,
    /// Longest a response write may make no progress.
    pub write_timeout: Duration,
    /// Connections served at once; more wait in the listen backlog.
    pub max_connections: usize,
}

impl Default for Bounds {
    fn default() -> Self {
        Self {
            header_timeout: Duration::from_secs(10),
            body_timeout: Duration::from_secs(60),
            body_min_rate: 128 * 1024,
            write_timeout: Duration::from_secs(30),
            max_connections: 4096,
        }
    }
}

/// Serves `router` (over TLS when `tls` is given) until `shutdown`
/// resolves, then stops accepting and waits for the connections in flight:
/// each finishes its current request (idle ones close at once), and every
/// wait is bounded by the timeouts.
pub async fn run(
    listener: TcpListener,
    router: Router,
    bounds: Bounds,
    tls: Option<Tls>,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> io::Result<()> {
    let mut connect = router.into_make_service_with_connect_info::<SocketAddr>();
    let slots = Arc::new(Semaphore::new(cap(bounds.max_connections)));
    let mut http = http1::Builder::new();
    http.timer(TokioTimer::new())
        .header_read_timeout(bounds.header_timeout)
        .max_buf_size(MAX_BUFFER)
        .max_header_size(MAX_BUFFER);
    let graceful = GracefulShutdown::new();
    let mut shutdown = std::pin::pin!(shutdown);
    loop {
        let accepted = tokio::select! {
            () = &mut shutdown => break,
            accepted = next(&listener, &slots) => accepted,
        };
        let Some((stream, remote, slot)) = accepted else {
            continue;
        };
        let Ok(service) = connect.call(remote).await;
        let service = TowerToHyperService::new(service);
        let mut io = TimeoutStream::new(stream);
        io.set_write_timeout(Some(bounds.write_timeout));
        let io = Box::pin(io);
        let (http, watcher, tls) = (http.clone(), graceful.watcher(), tls.clone());
        tokio::spawn(async move {
            let served = match tls {
                None => {
                    watcher
                        .watch(http.serve_connection(TokioIo::new(io), service))
                        .await
                }
                // The handshake holds the connection's slot, so connections
                // that never finish one are bounded like any other.
                Some(tls) => match tls.handshake(io, bounds.header_timeout).await {
                    Some(io) => {
                        watcher
                            .watch(http.serve_connection(TokioIo::new(io), service))
                            .await
                    }
                    None => Ok(()),
                },
            };
            if let Err(error) = served {
                tracing::debug!("connection ended: {error}");
            }
            drop(slot);
        });
    }
    drop(listener);
    graceful.shutdown().await;
    Ok(())
}

/// Bytes one connection may buffer, and so the largest request header
/// (hyper answers 431 past it). hyper's default is 400 kB, which a cap's
/// worth of slow-loris connections would turn into gigabytes; this keeps a
/// full cap near 30 kB a connection.
const MAX_BUFFER: usize = 16 * 1024;

/// Descriptors kept back for everything but HTTP connections: the store,
/// the history database, the chat platforms' clients, the runtime.
const RESERVED_DESCRIPTORS: u64 = 256;

/// The connection cap the open-files limit allows, raising the soft limit
/// towards the hard one first. Running out of descriptors would fail the
/// chat bots' own requests too, so the cap shrinks to fit instead.
fn cap(wanted: usize) -> usize {
    let needed = (wanted as u64).saturating_add(RESERVED_DESCRIPTORS);
    let Ok(limit) = rlimit::increase_nofile_limit(needed) else {
        return fit(wanted, u64::MAX);
    };
    let cap = fit(wanted, limit);
    if cap < wanted {
        tracing::warn!(
            "serving at most {cap} connections at once, not {wanted}: the open-files limit is {limit}"
        );
    }
    cap
}

fn fit(wanted: usize, descriptors: u64) -> usize {
    let room = descriptors.saturating_sub(RESERVED_DESCRIPTORS);
    wanted
        .min(usize::try_from(room).unwrap_or(usize::MAX))
        .clamp(1, Semaphore::MAX_PERMITS)
}

/// The next connection, once a slot is free: past the cap, connections
/// wait in the kernel's backlog rather than in this process.
async fn next(
    listener: &TcpListener,
    slots: &Arc<Semaphore>,
) -> Option<(TcpStream, SocketAddr, OwnedSemaphorePermit)> {
    // The semaphore is never closed.
    let slot = slots.clone().acquire_owned().await.ok()?;
    match listener.accept().await {
        Ok((stream, remote)) => Some((stream, remote, slot)),
        Err(error) => {
            if !matches!(
                error.kind(),
                io::ErrorKind::ConnectionAborted
                    | io::ErrorKind::ConnectionReset
                    | io::ErrorKind::ConnectionRefused
            ) {
                // Out of descriptors or memory: give connections in flight
                // a moment to finish instead of spinning.
                tracing::error!("accepting a connection failed: {error}");
                tokio::time::sleep(Duration::from_secs(1)).await;
            }
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_cap_leaves_descriptors_for_the_rest_of_the_process() {
        assert_eq!(fit(1024, 1_048_576), 1024);
        assert_eq!(fit(1024, 1024), 768);
        assert_eq!(fit(1024, 100), 1);
        assert_eq!(fit(usize::MAX, u64::MAX), Semaphore::MAX_PERMITS);
    }
}
