//! Batches: several `file` parts in one `POST /api/convert` answer
//! `{results, zip}` in part order, one failed image is that image's entry,
//! and the ZIP (read back by Python's `zipfile`, not by our own code) holds
//! exactly the results' bytes under their names. A failed entry speaks the
//! request's language, as a refusal does.

use std::io::Write;
use std::process::{Command, Stdio};

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use http_body_util::BodyExt;
use image::{ImageFormat, Rgba, RgbaImage};
use pixdrop_bots::web::{self, RateLimit};
use serde_json::Value;
use tower::ServiceExt;

use super::{PUBLIC, core, memory, send, state};

fn png_sized(width: u32, height: u32) -> Vec<u8> {
    let image = RgbaImage::from_pixel(width, height, Rgba([10, 120, 200, 255]));
    let mut out = std::io::Cursor::new(Vec::new());
    image.write_to(&mut out, ImageFormat::Png).unwrap();
    out.into_inner()
}

/// A multipart `POST /api/convert?QUERY` with one `file` part per image.
fn batch(query: &str, files: &[Vec<u8>], headers: &[(&str, &str)]) -> Request<Body> {
    let mut body = Vec::new();
    for (n, file) in files.iter().enumerate() {
        write!(
            body,
            "--XyZ\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{n}.png\"\r\nContent-Type: image/png\r\n\r\n"
        )
        .unwrap();
        body.extend_from_slice(file);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(b"--XyZ--\r\n");
    let mut request = Request::post(format!("/api/convert?{query}"))
        .header(header::CONTENT_TYPE, "multipart/form-data; boundary=XyZ")
        .header("x-forwarded-for", "198.51.100.7");
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    request.body(Body::from(body)).unwrap()
}

async fn get_bytes(state: &web::AppState, url: &str) -> (StatusCode, String, Vec<u8>) {
    let path = url.strip_prefix(PUBLIC).unwrap();
    let request = Request::get(path).body(Body::empty()).unwrap();
    let response = web::app(state.clone()).oneshot(request).await.unwrap();
    let status = response.status();
    let kind = response
        .headers()
        .get(header::CONTENT_TYPE)
        .map_or(String::new(), |v| v.to_str().unwrap().to_string());
    let body = response.into_body().collect().await.unwrap().to_bytes();
    (status, kind, body.to_vec())
}

/// The archive's entries as Python's `zipfile` reads them (names and bytes
/// as hex), after its own CRC check of every entry (`testzip`).
fn unzip(archive: &[u8]) -> Vec<(String, Vec<u8>)> {
    let script = "import sys, zipfile, io\n\
        z = zipfile.ZipFile(io.BytesIO(sys.stdin.buffer.read()))\n\
        assert z.testzip() is None\n\
        for i in z.infolist():\n    print(i.filename, z.read(i).hex())\n";
    let mut python = Command::new("python3")
        .args(["-c", script])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("python3 runs (a fresh machine has it)");
    python.stdin.take().unwrap().write_all(archive).unwrap();
    let out = python.wait_with_output().unwrap();
    assert!(out.status.success(), "zipfile could not read the archive");
    String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|line| {
            let (name, hex) = line.split_once(' ').unwrap();
            let bytes = (0..hex.len())
                .step_by(2)
                .map(|i| u8::from_str_radix(&hex[i..i + 2], 16).unwrap())
                .collect();
            (name.to_string(), bytes)
        })
        .collect()
}

fn file_name(result: &Value) -> String {
    let id = result["id"].as_str().unwrap();
    format!(
        "pixdrop-{}.{}",
        &id[..8],
        result["format"].as_str().unwrap()
    )
}

#[tokio::test]
async fn three_files_answer_in_order_and_their_zip_holds_exactly_the_results() {
    let state = state(core(memory()), RateLimit::per_minute(100));
    let sizes = [(40, 30), (64, 20), (12, 90)];
    let files: Vec<_> = sizes.iter().map(|&(w, h)| png_sized(w, h)).collect();
    let (status, answer, _) = send(&state, batch("to=webp", &files, &[])).await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    let results = answer["results"].as_array().unwrap();
    assert_eq!(results.len(), 3);
    let mut expected = Vec::new();
    for (result, (width, height)) in results.iter().zip(sizes) {
        assert_eq!(result["format"], "webp");
        assert_eq!(
            (result["width"].as_u64(), result["height"].as_u64()),
            (Some(u64::from(width)), Some(u64::from(height)))
        );
        let (status, _, bytes) = get_bytes(&state, result["url"].as_str().unwrap()).await;
        assert_eq!(status, StatusCode::OK);
        expected.push((file_name(result), bytes));
    }
    let zip = &answer["zip"];
    assert_eq!(zip["files"], 3);
    let first_gone = results
        .iter()
        .map(|r| r["expires_at"].as_u64().unwrap())
        .min()
        .unwrap();
    assert!(zip["expires_at"].as_u64().unwrap() <= first_gone);
    let (status, kind, archive) = get_bytes(&state, zip["url"].as_str().unwrap()).await;
    assert_eq!((status, kind.as_str()), (StatusCode::OK, "application/zip"));
    assert_eq!(archive.len() as u64, zip["bytes"].as_u64().unwrap());
    assert_eq!(unzip(&archive), expected);
}

#[tokio::test]
async fn a_damaged_image_is_its_own_entry_and_the_zip_holds_the_rest() {
    let state = state(core(memory()), RateLimit::per_minute(100));
    let mut broken = png_sized(30, 30);
    broken.truncate(60);
    let files = vec![png_sized(20, 20), broken.clone(), png_sized(25, 25)];
    let german = [("accept-language", "de-DE,de;q=0.9")];
    let (status, answer, _) = send(&state, batch("to=png", &files, &german)).await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    let results = answer["results"].as_array().unwrap();
    assert_eq!(results[0]["width"], 20);
    assert_eq!(results[1]["error"], "corrupt");
    let (_, alone, _) = send(&state, batch("to=png", &[broken], &german)).await;
    assert_eq!(alone["error"], "corrupt");
    assert_eq!(
        results[1]["message"], alone["message"],
        "the entry's sentence is German too"
    );
    assert!(
        alone["message"].as_str().unwrap().contains("beschädigt"),
        "{alone}"
    );
    assert_eq!(results[2]["width"], 25);
    let (_, _, archive) = get_bytes(&state, answer["zip"]["url"].as_str().unwrap()).await;
    let names: Vec<_> = unzip(&archive).into_iter().map(|(name, _)| name).collect();
    assert_eq!(names, [file_name(&results[0]), file_name(&results[2])]);
}

#[tokio::test]
async fn a_batch_where_every_image_fails_is_that_error() {
    let state = state(core(memory()), RateLimit::per_minute(100));
    let files = vec![b"not an image".to_vec(), b"nor this".to_vec()];
    let (status, answer, _) = send(&state, batch("to=png", &files, &[])).await;
    assert_eq!(status, StatusCode::UNSUPPORTED_MEDIA_TYPE, "{answer}");
    assert_eq!(answer["error"], "unsupported-format");
}

#[tokio::test]
async fn more_files_than_a_batch_may_hold_are_refused_before_converting() {
    let state = state(core(memory()), RateLimit::per_minute(100));
    let files = vec![png_sized(8, 8); web::MAX_BATCH + 1];
    let (status, answer, _) = send(&state, batch("to=png", &files, &[])).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{answer}");
    assert_eq!(answer["error"], "too-many-files");
    assert_eq!(super::conversions(&state.core).await, 0);
}

#[tokio::test]
async fn asking_for_bytes_gets_the_zip_itself() {
    let state = state(core(memory()), RateLimit::per_minute(100));
    let files = vec![png_sized(10, 10), png_sized(11, 11)];
    let request = batch("to=png&download=1", &files, &[]);
    let response = web::app(state.clone()).oneshot(request).await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.headers()[header::CONTENT_TYPE], "application/zip");
    let archive = response.into_body().collect().await.unwrap().to_bytes();
    let entries = unzip(&archive);
    assert_eq!(entries.len(), 2);
    assert!(
        entries
            .iter()
            .all(|(name, bytes)| name.ends_with(".png") && bytes.starts_with(b"\x89PNG"))
    );
}

#[tokio::test]
async fn a_retried_batch_replays_each_image_without_converting_again() {
    let state = state(core(memory()), RateLimit::per_minute(100));
    let files = vec![png_sized(10, 10), png_sized(12, 12)];
    let key = [("idempotency-key", "batch-1")];
    let (_, first, _) = send(&state, batch("to=webp", &files, &key)).await;
    let converted = super::conversions(&state.core).await;
    let (status, again, _) = send(&state, batch("to=webp", &files, &key)).await;
    assert_eq!(status, StatusCode::OK, "{again}");
    assert_eq!(super::conversions(&state.core).await, converted);
    for n in 0..2 {
        assert_eq!(again["results"][n]["id"], first["results"][n]["id"]);
        assert_eq!(again["results"][n]["url"], first["results"][n]["url"]);
    }
}
