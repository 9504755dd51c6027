//! `GET /api/openapi.json`, fetched from the router served over loopback:
//! the document is OpenAPI 3.1; it describes exactly the public routes, and
//! each route it describes is served; the error body's codes are
//! `UserError::codes()`; refusals carry their headers; and real answers
//! have the fields their schemas name. (schemathesis fuzzes the binary
//! against the same document in CI: `.ci/schemathesis`.)

use std::collections::BTreeSet;
use std::io::Cursor;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use image::{ImageFormat, Rgb, RgbImage};
use pixdrop::history::{History, Retention};
use pixdrop::links::Signer;
use pixdrop::pool::Pool;
use pixdrop::store::{MemoryStore, Store};
use pixdrop::{Core, UserError};
use pixdrop_bots::web::{self, AppState, RateLimit};
use serde_json::Value;

/// The public routes README lists, as `METHOD path`.
const PUBLIC: [&str; 15] = [
    "GET /",
    "GET /manifest.webmanifest",
    "GET /icon.svg",
    "POST /api/convert",
    "GET /api/formats",
    "GET /api/history",
    "DELETE /api/history",
    "GET /api/history/export",
    "POST /api/history/pause",
    "GET /api/openapi.json",
    "GET /d/{id}",
    "DELETE /d/{id}",
    "GET /healthz",
    "GET /readyz",
    "GET /metrics",
];

const TOKEN: &str = "0123456789abcdef-openapi-test";

/// The router on a loopback port, with an in-memory history.
async fn served() -> SocketAddr {
    let retention = Retention {
        user_days: 1,
        anonymous_days: 1,
    };
    let history = History::connect("sqlite::memory:", retention)
        .await
        .unwrap();
    let store = Arc::new(MemoryStore::new(64 << 20, Duration::from_secs(60)));
    let state = AppState {
        core: Core::new(
            Store::Memory(store),
            Signer::new(Some(b"test key"), "http://pixdrop.test"),
            pixdrop::history::UserHasher::new(b"test salt"),
        )
        .with_pool(Pool::new(2))
        .with_history(history),
        rate: Arc::new(RateLimit::per_minute(600)),
        telegram: None,
        discord: None,
    };
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    tokio::spawn(web::serve(listener, state, std::future::pending()));
    address
}

async fn document(address: SocketAddr) -> Value {
    let answer = reqwest::get(format!("http://{address}/api/openapi.json"))
        .await
        .unwrap();
    assert_eq!(answer.status(), 200);
    assert_eq!(answer.headers()["content-type"], "application/json");
    answer.json().await.unwrap()
}

/// Every `METHOD path` the document describes.
fn operations(document: &Value) -> BTreeSet<String> {
    let mut found = BTreeSet::new();
    for (path, item) in document["paths"].as_object().expect("paths") {
        for method in item.as_object().unwrap().keys() {
            if ["get", "post", "put", "patch", "delete", "head", "options"]
                .contains(&method.as_str())
            {
                found.insert(format!("{} {path}", method.to_uppercase()));
            }
        }
    }
    found
}

/// Whether the router has a route for `method path`: anything but its own
/// bodiless 404 or a 405.
async fn routed(client: &reqwest::Client, address: SocketAddr, operation: &str) -> bool {
    let (method, path) = operation.split_once(' ').unwrap();
    let url = format!("http://{address}{}", path.replace("{id}", "x"));
    let answer = client
        .request(method.parse().unwrap(), url)
        .send()
        .await
        .unwrap();
    let status = answer.status().as_u16();
    let body = answer.bytes().await.unwrap();
    status != 405 && !(status == 404 && body.is_empty())
}

#[tokio::test]
async fn the_document_is_openapi_3_1_and_describes_every_public_route() {
    let address = served().await;
    let document = document(address).await;
    let version = document["openapi"].as_str().unwrap();
    assert!(version.starts_with("3.1."), "openapi: {version}");
    let described = operations(&document);
    let public: BTreeSet<_> = PUBLIC.iter().map(ToString::to_string).collect();
    assert_eq!(described, public);

    let client = reqwest::Client::new();
    assert!(
        !routed(&client, address, "GET /api/nothing-here").await,
        "an unrouted path must look unrouted"
    );
    for operation in &described {
        assert!(
            routed(&client, address, operation).await,
            "{operation} is not served"
        );
    }
    // The platforms' webhooks are no public API.
    assert!(!document.to_string().contains("/telegram/"));
    assert!(!document.to_string().contains("/discord/"));
}

#[tokio::test]
async fn the_one_error_body_names_every_code_and_refusals_carry_their_headers() {
    let document = document(served().await).await;
    let error = &document["components"]["schemas"]["Error"];
    let codes: Vec<&str> = error["properties"]["error"]["enum"]
        .as_array()
        .expect("the error codes")
        .iter()
        .map(|code| code.as_str().unwrap())
        .collect();
    let unique: BTreeSet<_> = codes.iter().copied().collect();
    assert_eq!(unique.len(), codes.len(), "a code is listed twice");
    assert_eq!(unique, UserError::codes().collect::<BTreeSet<_>>());
    assert_eq!(error["required"], serde_json::json!(["error", "message"]));

    for (path, item) in document["paths"].as_object().unwrap() {
        for (method, operation) in item.as_object().unwrap() {
            for (status, response) in operation["responses"].as_object().unwrap() {
                let at = format!("{method} {path} {status}");
                let json = &response["content"]["application/json"]["schema"]["$ref"];
                if status.starts_with('4') || (status.starts_with('5') && path != "/readyz") {
                    assert_eq!(json, "#/components/schemas/Error", "{at}");
                }
                let headers = &response["headers"];
                if status == "401" {
                    assert_eq!(headers["WWW-Authenticate"]["required"], true, "{at}");
                }
                if status == "429" || (status == "503" && path != "/readyz") {
                    assert_eq!(headers["Retry-After"]["required"], true, "{at}");
                }
            }
        }
    }
    let convert = &document["paths"]["/api/convert"]["post"];
    for status in ["400", "401", "408", "413", "415", "422", "429", "503"] {
        assert!(
            convert["responses"].get(status).is_some(),
            "convert {status}"
        );
    }
    assert_eq!(
        document["components"]["securitySchemes"]["api_key"]["scheme"],
        "bearer"
    );
}

fn png() -> Vec<u8> {
    let mut out = Cursor::new(Vec::new());
    RgbImage::from_pixel(30, 20, Rgb([20, 140, 90]))
        .write_to(&mut out, ImageFormat::Png)
        .unwrap();
    out.into_inner()
}

/// The property names of the schema `name` in the document.
fn properties(document: &Value, name: &str) -> BTreeSet<String> {
    document["components"]["schemas"][name]["properties"]
        .as_object()
        .unwrap_or_else(|| panic!("no schema {name}"))
        .keys()
        .cloned()
        .collect()
}

fn keys(value: &Value) -> BTreeSet<String> {
    value.as_object().unwrap().keys().cloned().collect()
}

#[tokio::test]
async fn real_answers_have_the_fields_their_schemas_name() {
    let address = served().await;
    let document = document(address).await;
    let client = reqwest::Client::new();
    let base = format!("http://{address}");

    let converted: Value = client
        .post(format!("{base}/api/convert?to=webp"))
        .header("x-pixdrop-token", TOKEN)
        .body(png())
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(keys(&converted), properties(&document, "Conversion"));
    assert_eq!(
        keys(&converted["input"]),
        properties(&document, "InputFacts")
    );

    let formats: Value = client
        .get(format!("{base}/api/formats"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(keys(&formats), properties(&document, "FormatList"));
    assert_eq!(
        keys(&formats["formats"][0]),
        properties(&document, "FormatFacts")
    );
    assert_eq!(
        keys(&formats["presets"][0]),
        properties(&document, "PresetFacts")
    );

    // The history is written in the background: wait for the record.
    let mut recent = Value::Null;
    for _ in 0..100 {
        recent = client
            .get(format!("{base}/api/history"))
            .header("x-pixdrop-token", TOKEN)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        if recent["records"][0].is_object() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(keys(&recent), properties(&document, "RecentHistory"));
    assert_eq!(
        keys(&recent["records"][0]),
        properties(&document, "HistoryRecord")
    );

    let refused = client
        .post(format!("{base}/api/convert"))
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), 400);
    let refused: Value = refused.json().await.unwrap();
    assert_eq!(keys(&refused), properties(&document, "Error"));
}

/// What schemathesis first found: query strings axum could not read were
/// answered in plain text, outside the one error body.
#[tokio::test]
async fn unreadable_link_and_pause_queries_answer_in_the_error_body() {
    let address = served().await;
    let client = reqwest::Client::new();
    let id = "0123456789abcdef0123456789abcdef";
    for (query, status, code) in [
        ("exp=-1&sig=x", 403, "bad-link"),
        ("exp=369514644476106113024&sig=x", 403, "bad-link"),
        ("exp=1&exp=2&sig=x", 403, "bad-link"),
    ] {
        for method in [reqwest::Method::GET, reqwest::Method::DELETE] {
            let url = format!("http://{address}/d/{id}?{query}");
            let answer = client.request(method.clone(), url).send().await.unwrap();
            assert_eq!(answer.status(), status, "{method} {query}");
            let body: Value = answer.json().await.unwrap();
            assert_eq!(body["error"], code, "{method} {query}");
        }
    }
    let paused = client
        .post(format!("http://{address}/api/history/pause?on=1&on=0"))
        .header("x-pixdrop-token", TOKEN)
        .send()
        .await
        .unwrap();
    assert_eq!(paused.status(), 200);
    let body: Value = paused.json().await.unwrap();
    assert_eq!(body["paused"], false, "the last `on` counts");
}
