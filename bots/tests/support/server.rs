//! The `pixdrop` binary as a child process in a test: killed when the guard
//! drops, so a test that fails before stopping it leaves no server behind.

pub struct Stopper(pub std::process::Child);

impl Drop for Stopper {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// A loopback port nothing listens on right now, for a child server.
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// Polls `url` until it answers with a success status, for at most 30 s.
pub async fn wait_until_up(url: &str, client: &reqwest::Client) {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    loop {
        if let Ok(answer) = client.get(url).send().await
            && answer.status().is_success()
        {
            return;
        }
        assert!(std::time::Instant::now() < deadline, "{url} never answered");
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
}

/// POSTs `image` to `url` (an `/api/convert?…` address) and returns the
/// JSON answer.
pub async fn convert_over_http(
    client: &reqwest::Client,
    url: &str,
    image: Vec<u8>,
) -> serde_json::Value {
    client
        .post(url)
        .body(image)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap()
}

/// A small one-colour RGB PNG of `width` x `height`, to convert.
pub fn png(width: u32, height: u32) -> Vec<u8> {
    let mut out = std::io::Cursor::new(Vec::new());
    image::RgbImage::from_pixel(width, height, image::Rgb([20, 140, 90]))
        .write_to(&mut out, image::ImageFormat::Png)
        .unwrap();
    out.into_inner()
}
