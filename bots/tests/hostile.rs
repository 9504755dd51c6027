//! The released binary against a hostile stranger on the HTTP API: tiny
//! files that would amplify into huge results, and PNG metadata bombs, are
//! refused with bounded memory.

mod support;

use std::io::Write;
use std::net::TcpListener;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use support::server::Stopper;

struct Service {
    base: String,
    child: Stopper,
}

async fn start() -> Service {
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let dir = std::env::temp_dir().join(format!("pixdrop-hostile-{port}"));
    std::fs::create_dir_all(&dir).unwrap();
    let child = Stopper(
        Command::new(env!("CARGO_BIN_EXE_pixdrop"))
            .arg("serve")
            .current_dir(&dir)
            .env_clear()
            .env("PIXDROP_BIND", format!("127.0.0.1:{port}"))
            .env("PIXDROP_RATE_LIMIT", "10000")
            .env("RUST_LOG", "warn")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap(),
    );
    let base = format!("http://127.0.0.1:{port}");
    let deadline = Instant::now() + Duration::from_secs(20);
    while reqwest::get(format!("{base}/healthz")).await.is_err() {
        assert!(Instant::now() < deadline, "server did not come up");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    Service { base, child }
}

impl Service {
    /// The most memory the process has used, from the kernel's own count.
    fn peak_rss_mib(&self) -> u64 {
        let status =
            std::fs::read_to_string(format!("/proc/{}/status", self.child.0.id())).unwrap();
        let line = status.lines().find(|l| l.starts_with("VmHWM:")).unwrap();
        let kib: u64 = line.split_whitespace().nth(1).unwrap().parse().unwrap();
        kib / 1024
    }
}

fn png_16_bit(side: u32) -> Vec<u8> {
    let mut out = Vec::new();
    let pixels = vec![9u8; (side * side * 6) as usize];
    image::ImageEncoder::write_image(
        image::codecs::png::PngEncoder::new(&mut out),
        &pixels,
        side,
        side,
        image::ExtendedColorType::Rgb16,
    )
    .unwrap();
    out
}

/// A 1x1 PNG carrying `count` zTXt chunks that each inflate to `each` bytes.
fn metadata_bomb(count: usize, each: usize) -> Vec<u8> {
    let mut text = zlib_of_zeros(each);
    let mut data = b"note\0\0".to_vec();
    data.append(&mut text);
    let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
    let mut chunk = |kind: &[u8], body: &[u8]| {
        png.extend((body.len() as u32).to_be_bytes());
        png.extend(kind);
        png.extend(body);
        png.extend(crc(kind, body).to_be_bytes());
    };
    chunk(b"IHDR", &[0, 0, 0, 1, 0, 0, 0, 1, 8, 2, 0, 0, 0]);
    for _ in 0..count {
        chunk(b"zTXt", &data);
    }
    chunk(
        b"IDAT",
        &[0x78, 0x01, 0x63, 0x60, 0x60, 0x60, 0, 0, 0, 4, 0, 1],
    );
    chunk(b"IEND", &[]);
    png
}

fn zlib_of_zeros(len: usize) -> Vec<u8> {
    let mut encoder = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::best());
    encoder.write_all(&vec![0u8; len]).unwrap();
    encoder.finish().unwrap()
}

fn crc(kind: &[u8], body: &[u8]) -> u32 {
    let mut crc = 0xFFFF_FFFFu32;
    for byte in kind.iter().chain(body) {
        crc ^= u32::from(*byte);
        for _ in 0..8 {
            crc = if crc & 1 == 1 {
                (crc >> 1) ^ 0xEDB8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

async fn convert(base: &str, query: &str, body: Vec<u8>) -> (u16, String) {
    let response = reqwest::Client::new()
        .post(format!("{base}/api/convert?{query}"))
        .body(body)
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    (status, response.text().await.unwrap())
}

#[tokio::test]
async fn amplification_and_metadata_bombs_are_refused_with_bounded_memory() {
    let service = start().await;
    let tiny = png_16_bit(1000);
    assert!(tiny.len() < 100_000, "{} bytes", tiny.len());
    let (status, body) = convert(&service.base, "to=tiff&resize=1000%", tiny.clone()).await;
    assert_eq!(status, 413, "{body}");
    assert!(body.contains("result-too-many-pixels"), "{body}");
    let (status, body) = convert(&service.base, "to=tiff&resize=700%", tiny).await;
    assert_eq!(status, 413, "{body}");
    assert!(body.contains("result-too-large"), "{body}");
    for bomb in [metadata_bomb(40, 1 << 20), metadata_bomb(2_000, 64)] {
        let (status, body) = convert(&service.base, "to=png", bomb).await;
        assert_eq!(status, 413, "{body}");
        assert!(body.contains("too-complex"), "{body}");
    }
    let peak = service.peak_rss_mib();
    assert!(peak < 200, "peak RSS {peak} MiB: the refusals cost memory");
}
