//! Many HTTP clients at once: each posts the photo to `POST /api/convert`
//! of the real binary from its own loopback address (127.1.0.1, 127.1.0.2,
//! …; Linux answers on all of 127/8), so they are as many clients to the
//! server as they would be people, all started together. A 200 with the
//! result's description is a result; any other answer is a sentence
//! (`503 busy: …`). The per-address pace is opened wide in the child
//! (see `child`): the burst measures admission to the pool, not the
//! limiter.
//!
//! One request is timed alone first, so the report can say how well the
//! burst used the cores.
//!
//! CI size: 48 clients, each a 2000x1500 photo, all answered 200.
//! `PIXDROP_LOAD_CLIENTS`, `PIXDROP_LOAD_SIZE` and `PIXDROP_LOAD_TO` scale
//! it (see `knobs`).

use std::net::{IpAddr, Ipv4Addr};
use std::sync::Arc;
use std::time::{Duration, Instant};

use serde_json::Value;
use tokio::sync::Barrier;

use crate::child::Child;
use crate::report::{Outcome, Report};
use crate::{knobs, photo};

/// Distinct photos made for a burst; clients take them in turn.
const PHOTOS: usize = 4;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn simultaneous_api_clients_all_get_200() {
    let _machine = crate::MACHINE.lock().await;
    let clients = knobs::count("PIXDROP_LOAD_CLIENTS", 48);
    let report = burst(clients, knobs::size(), &knobs::target()).await;
    report.print();
    assert_eq!(
        report.results(),
        clients,
        "every client gets 200 and its result, none is refused (the table above says what the others got)"
    );
}

async fn burst(clients: usize, (width, height): (u32, u32), to: &str) -> Report {
    let photos: Vec<Vec<u8>> = (0..PHOTOS.min(clients))
        .map(|seed| photo::jpeg(width, height, seed as u32))
        .collect();
    let child = Child::spawn("http", &[]);
    child.until_up().await;
    let url = format!("{}/api/convert?to={to}", child.base);
    let alone = alone(&url, &photos[0]).await;
    let start = Arc::new(Barrier::new(clients));
    let requests: Vec<_> = (0..clients)
        .map(|i| {
            let http = reqwest::Client::builder()
                .local_address(address(i))
                .timeout(knobs::patience(clients))
                .build()
                .expect("an HTTP client");
            let (url, start) = (url.clone(), start.clone());
            let body = photos[i % photos.len()].clone();
            tokio::spawn(async move {
                start.wait().await;
                convert(&http, &url, body).await
            })
        })
        .collect();
    let mut outcomes = Vec::with_capacity(clients);
    for request in requests {
        outcomes.push(request.await.expect("a client task does not panic"));
    }
    let peak_rss = child.finish();
    Report {
        title: format!(
            "http: {clients} clients, {width}x{height} JPEG ({} KiB) -> {to}",
            photos[0].len() >> 10
        ),
        outcomes,
        peak_rss,
        alone: Some(alone),
    }
}

/// One request with the server otherwise idle, from an address no burst
/// client uses: the better of two, so the first one's warm-up is left out.
async fn alone(url: &str, photo: &[u8]) -> Duration {
    let http = reqwest::Client::builder()
        .local_address(IpAddr::V4(Ipv4Addr::new(127, 2, 0, 1)))
        .build()
        .expect("an HTTP client");
    let mut best = None;
    for _ in 0..2 {
        match convert(&http, url, photo.to_vec()).await {
            Outcome::Result(took) => best = Some(best.map_or(took, |b: Duration| b.min(took))),
            other => panic!("one request alone gets its result, got {other:?}"),
        }
    }
    best.expect("two requests were timed")
}

/// The `i`-th client's own loopback address.
fn address(i: usize) -> IpAddr {
    let [.., high, low] = (i as u32 + 1).to_be_bytes();
    IpAddr::V4(Ipv4Addr::new(127, 1, high, low))
}

/// One client's request and how it ended.
async fn convert(http: &reqwest::Client, url: &str, body: Vec<u8>) -> Outcome {
    let sent = Instant::now();
    let response = match http.post(url).body(body).send().await {
        Ok(response) => response,
        Err(error) if error.is_timeout() => return Outcome::Unanswered,
        Err(error) => return Outcome::Sentence(format!("no response: {error}")),
    };
    let status = response.status();
    let answer: Value = response.json().await.unwrap_or_default();
    let converted = answer["url"].is_string() && answer["bytes"].as_u64().is_some_and(|n| n > 0);
    if status.is_success() && converted {
        return Outcome::Result(sent.elapsed());
    }
    Outcome::Sentence(format!(
        "{} {}: {}",
        status.as_u16(),
        answer["error"].as_str().unwrap_or("?"),
        answer["message"].as_str().unwrap_or("")
    ))
}
