//! The listener's time and connection bounds, driven from outside against
//! the real binary over loopback, each with short bounds set through the
//! child's environment: half-sent headers, trickled bodies, responses
//! nobody reads and idle connections holding every slot are all cut off
//! within their bound while other clients go on being served; a header too
//! large to buffer is refused; and SIGTERM still lets a request in flight
//! finish.

mod support;

use std::io::Cursor;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::Duration;

use image::{ImageFormat, Rgb, RgbImage};
use support::server::Stopper;
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpSocket, TcpStream};
use tokio::task::JoinSet;
use tokio::time::{Instant, sleep, timeout};

/// Room for a loaded 2-core machine on top of each bound.
const SLACK: Duration = Duration::from_secs(3);

struct Served {
    address: SocketAddr,
    child: Stopper,
}

/// `pixdrop serve` on a free loopback port with `settings`, once it answers.
async fn serve(name: &str, settings: &[(&str, &str)]) -> Served {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let workdir = workdir(name);
    let mut command = Command::new(env!("CARGO_BIN_EXE_pixdrop"));
    command
        .arg("serve")
        .current_dir(&workdir)
        .env_clear()
        .env("PIXDROP_BIND", format!("127.0.0.1:{port}"))
        .env("RUST_LOG", "error")
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    for (variable, value) in settings {
        command.env(variable, value);
    }
    let served = Served {
        address: SocketAddr::from(([127, 0, 0, 1], port)),
        child: Stopper(command.spawn().unwrap()),
    };
    let deadline = Instant::now() + Duration::from_secs(20);
    while TcpStream::connect(served.address).await.is_err() {
        assert!(Instant::now() < deadline, "server did not come up");
        sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(
        status(&exchange(served.address, &get("/healthz")).await),
        200
    );
    served
}

fn workdir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!(
        "pixdrop-slow-clients-{}-{name}",
        std::process::id()
    ));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn get(path: &str) -> Vec<u8> {
    format!("GET {path} HTTP/1.1\r\nHost: pixdrop\r\nConnection: close\r\n\r\n").into_bytes()
}

fn post_head(path: &str, length: usize) -> Vec<u8> {
    format!(
        "POST {path} HTTP/1.1\r\nHost: pixdrop\r\nConnection: close\r\nContent-Length: {length}\r\n\r\n"
    )
    .into_bytes()
}

/// One request on a fresh connection; the whole answer, read to its end.
async fn exchange(address: SocketAddr, request: &[u8]) -> Vec<u8> {
    let mut stream = TcpStream::connect(address).await.unwrap();
    stream.write_all(request).await.unwrap();
    let mut answer = Vec::new();
    timeout(Duration::from_secs(15), stream.read_to_end(&mut answer))
        .await
        .expect("no answer within 15 s")
        .unwrap();
    answer
}

fn status(answer: &[u8]) -> u16 {
    let text = String::from_utf8_lossy(answer);
    text.split(' ')
        .nth(1)
        .and_then(|code| code.parse().ok())
        .unwrap_or_else(|| panic!("not an HTTP answer: {:?}", &text[..text.len().min(80)]))
}

/// Reads until the server closes the connection (end or reset) and says
/// when; `None` if it is still open after `limit`.
async fn closed_within(
    mut reader: impl AsyncRead + Unpin,
    limit: Duration,
) -> Option<(Instant, Vec<u8>)> {
    let mut received = Vec::new();
    let mut buffer = [0u8; 64 * 1024];
    let deadline = Instant::now() + limit;
    loop {
        match tokio::time::timeout_at(deadline, reader.read(&mut buffer)).await {
            Err(_) => return None,
            Ok(Ok(0) | Err(_)) => return Some((Instant::now(), received)),
            Ok(Ok(n)) => received.extend_from_slice(&buffer[..n]),
        }
    }
}

/// A flat PNG that compresses to almost nothing.
fn flat_png(width: u32, height: u32) -> Vec<u8> {
    let image = RgbImage::from_pixel(width, height, Rgb([200, 40, 90]));
    let mut out = Cursor::new(Vec::new());
    image.write_to(&mut out, ImageFormat::Png).unwrap();
    out.into_inner()
}

/// A PNG of noise: about as large as its pixels.
fn noisy_png(side: u32) -> Vec<u8> {
    let mut state = 0x2545_f491_u32;
    let image = RgbImage::from_fn(side, side, |_, _| {
        state ^= state << 13;
        state ^= state >> 17;
        state ^= state << 5;
        let [r, g, b, _] = state.to_le_bytes();
        Rgb([r, g, b])
    });
    let mut out = Cursor::new(Vec::new());
    image.write_to(&mut out, ImageFormat::Png).unwrap();
    out.into_inner()
}

/// Sends `body` in `chunk`-sized pieces, one every `every`.
async fn paced(
    writer: &mut (impl AsyncWriteExt + Unpin),
    body: &[u8],
    chunk: usize,
    every: Duration,
) {
    for piece in body.chunks(chunk) {
        if writer.write_all(piece).await.is_err() {
            return;
        }
        sleep(every).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn half_sent_headers_are_cut_off_while_others_are_served() {
    let header_timeout = Duration::from_secs(2);
    let served = serve("headers", &[("PIXDROP_HEADER_TIMEOUT", "2s")]).await;
    let opened = Instant::now();
    let mut attackers = JoinSet::new();
    for n in 0..300 {
        let mut stream = TcpStream::connect(served.address).await.unwrap();
        stream
            .write_all(b"GET /healthz HTTP/1.1\r\nHost: pixdrop\r\nX-Wait: ")
            .await
            .unwrap();
        let (reader, mut writer) = stream.into_split();
        if n % 2 == 0 {
            // Slow-loris: the header keeps growing, a byte at a time.
            tokio::spawn(async move {
                paced(&mut writer, &[b'a'; 40], 1, Duration::from_millis(250)).await;
            });
        }
        attackers.spawn(closed_within(reader, header_timeout + SLACK));
    }

    let health = exchange(served.address, &get("/healthz")).await;
    let png = flat_png(300, 200);
    let mut convert = post_head("/api/convert?to=webp", png.len());
    convert.extend_from_slice(&png);
    let converted = exchange(served.address, &convert).await;
    let served_after = opened.elapsed();
    assert_eq!(status(&health), 200);
    assert_eq!(status(&converted), 200);
    assert!(
        served_after < header_timeout,
        "others were served only after {served_after:?}, not during the attack"
    );

    let mut latest = Duration::ZERO;
    while let Some(closed) = attackers.join_next().await {
        let (at, _) = closed
            .unwrap()
            .expect("a connection with a half-sent header was still open");
        latest = latest.max(at - opened);
    }
    assert!(
        latest < header_timeout + SLACK,
        "last one cut after {latest:?}"
    );
    drop(served.child);
}

#[tokio::test]
async fn a_header_too_large_to_buffer_is_refused() {
    let served = serve("large-header", &[]).await;
    let request = format!(
        "GET /healthz HTTP/1.1\r\nHost: pixdrop\r\nConnection: close\r\nX-Pad: {}\r\n\r\n",
        "a".repeat(100 * 1024)
    );
    assert_eq!(
        status(&exchange(served.address, request.as_bytes()).await),
        431
    );
}

#[tokio::test]
async fn a_trickled_body_is_cut_off_and_a_steady_one_is_not() {
    let body_timeout = Duration::from_secs(2);
    let served = serve(
        "body",
        &[
            ("PIXDROP_BODY_TIMEOUT", "2s"),
            ("PIXDROP_BODY_MIN_RATE", "16KiB"),
        ],
    )
    .await;

    let mut stream = TcpStream::connect(served.address).await.unwrap();
    stream
        .write_all(&post_head("/api/convert?to=webp", 100_000))
        .await
        .unwrap();
    let started = Instant::now();
    let (reader, mut writer) = stream.into_split();
    let trickle = tokio::spawn(async move {
        // 32 bytes a second, for up to 15 s.
        paced(&mut writer, &[0u8; 480], 8, Duration::from_millis(250)).await;
    });
    let (at, answer) = closed_within(reader, body_timeout + SLACK)
        .await
        .expect("a body trickling at 32 B/s was still being received");
    trickle.abort();
    let cut = at - started;
    assert!(
        answer.is_empty() || status(&answer) == 408,
        "{:?}",
        String::from_utf8_lossy(&answer)
    );
    assert!(
        cut >= body_timeout - Duration::from_millis(200),
        "cut too early: {cut:?}"
    );

    // 170 kB at 64 KiB/s: longer than the timeout, well above the rate.
    let png = noisy_png(240);
    let mut stream = TcpStream::connect(served.address).await.unwrap();
    stream
        .write_all(&post_head("/api/convert?to=webp", png.len()))
        .await
        .unwrap();
    let started = Instant::now();
    paced(&mut stream, &png, 8 * 1024, Duration::from_millis(125)).await;
    let mut answer = Vec::new();
    stream.read_to_end(&mut answer).await.unwrap();
    assert!(
        started.elapsed() > body_timeout,
        "the upload was not slow enough to matter"
    );
    assert_eq!(status(&answer), 200, "{}", String::from_utf8_lossy(&answer));
}

#[tokio::test]
async fn a_client_that_never_reads_its_response_is_dropped() {
    let served = serve("write", &[("PIXDROP_WRITE_TIMEOUT", "2s")]).await;
    // A 9 MB BMP: more than the kernel buffers on both ends hold.
    let png = flat_png(2000, 1500);
    let mut request = post_head("/api/convert?to=bmp&download=1", png.len());
    request.extend_from_slice(&png);
    let socket = TcpSocket::new_v4().unwrap();
    socket.set_recv_buffer_size(4096).unwrap();
    let mut stream = socket.connect(served.address).await.unwrap();
    stream.write_all(&request).await.unwrap();

    sleep(Duration::from_secs(2) + SLACK).await;
    let (_, received) = closed_within(stream, SLACK)
        .await
        .expect("the connection was still held after the write timeout");
    assert_eq!(status(&received), 200);
    assert!(
        received.len() < 2000 * 1500 * 3,
        "the whole response ({} bytes) was kept for a client that did not read",
        received.len()
    );
}

#[tokio::test]
async fn connections_past_the_cap_wait_until_idle_ones_are_cut() {
    let header_timeout = Duration::from_secs(2);
    let served = serve(
        "cap",
        &[
            ("PIXDROP_MAX_CONNECTIONS", "3"),
            ("PIXDROP_HEADER_TIMEOUT", "2s"),
        ],
    )
    .await;
    // Three kept-alive connections, each after one request: every slot taken.
    let mut idle = JoinSet::new();
    for _ in 0..3 {
        let mut stream = TcpStream::connect(served.address).await.unwrap();
        stream
            .write_all(b"GET /healthz HTTP/1.1\r\nHost: pixdrop\r\n\r\n")
            .await
            .unwrap();
        let mut answer = Vec::new();
        while !answer.ends_with(b"ok\n") {
            let mut buffer = [0u8; 1024];
            let n = timeout(Duration::from_secs(10), stream.read(&mut buffer))
                .await
                .expect("no answer")
                .unwrap();
            assert!(n > 0, "closed before answering");
            answer.extend_from_slice(&buffer[..n]);
        }
        idle.spawn(closed_within(stream, header_timeout + SLACK));
    }
    let rested = Instant::now();

    let mut waiting = JoinSet::new();
    for _ in 0..4 {
        let address = served.address;
        waiting.spawn(async move {
            let answer = exchange(address, &get("/healthz")).await;
            (status(&answer), rested.elapsed())
        });
    }
    while let Some(closed) = idle.join_next().await {
        let (at, _) = closed.unwrap().expect("an idle connection was kept open");
        assert!(at - rested < header_timeout + SLACK);
    }
    while let Some(answered) = waiting.join_next().await {
        let (status, after) = answered.unwrap();
        assert_eq!(status, 200);
        assert!(
            after > header_timeout / 2,
            "answered after {after:?}: past the cap while every slot was taken"
        );
        assert!(after < header_timeout + SLACK, "starved for {after:?}");
    }
}

#[tokio::test]
async fn sigterm_lets_an_upload_in_flight_finish() {
    let mut served = serve("sigterm", &[]).await;
    let png = noisy_png(200);
    let mut stream = TcpStream::connect(served.address).await.unwrap();
    stream
        .write_all(&post_head("/api/convert?to=webp", png.len()))
        .await
        .unwrap();
    let (half, rest) = png.split_at(png.len() / 2);
    stream.write_all(half).await.unwrap();
    sleep(Duration::from_millis(300)).await;
    // SAFETY: sends SIGTERM to the child this test spawned.
    unsafe { libc::kill(served.child.0.id() as i32, libc::SIGTERM) };
    sleep(Duration::from_millis(500)).await;
    stream.write_all(rest).await.unwrap();
    let mut answer = Vec::new();
    stream.read_to_end(&mut answer).await.unwrap();
    assert_eq!(status(&answer), 200, "{}", String::from_utf8_lossy(&answer));
    let exited = timeout(Duration::from_secs(10), async {
        loop {
            if let Some(status) = served.child.0.try_wait().unwrap() {
                return status;
            }
            sleep(Duration::from_millis(50)).await;
        }
    })
    .await
    .expect("still running 10 s after SIGTERM");
    assert!(exited.success(), "{exited}");
}
