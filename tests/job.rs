//! `Core` as the front ends use it, in process with the memory store:
//! inputs held for a later choice keep their deadline through conversion,
//! and jobs whose result would be absurd (one image, or an album together)
//! are refused from their headers before they reach the pool; a chat's
//! delete button works for the person who asked and no one else.

use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use pixdrop::history::UserHasher;
use pixdrop::links::Signer;
use pixdrop::pool::{Client, Pool};
use pixdrop::store::{Lookup, MemoryStore, Store};
use pixdrop::{Core, Job, Limits, Options, Platform, UserError};
use tokio::time::Instant;

const HOUR: Duration = Duration::from_secs(3600);

fn core(store: Arc<MemoryStore>) -> Core {
    Core::new(
        Store::Memory(store),
        Signer::new(Some(b"test key"), "http://pixdrop.test"),
        UserHasher::new(b"test salt"),
    )
    .with_pool(Pool::new(2))
    .with_limits(Limits::default())
    .with_retention(HOUR)
}

fn png(width: u32, height: u32, color: image::ExtendedColorType) -> Bytes {
    let mut out = Vec::new();
    let pixels = vec![7u8; (width * height) as usize * color.bits_per_pixel() as usize / 8];
    image::ImageEncoder::write_image(
        image::codecs::png::PngEncoder::new(&mut out),
        &pixels,
        width,
        height,
        color,
    )
    .unwrap();
    Bytes::from(out)
}

#[tokio::test(start_paused = true)]
async fn a_result_of_a_held_input_is_gone_when_the_input_would_be() {
    let store = Arc::new(MemoryStore::new(64 << 20, HOUR));
    let core = core(store.clone());
    let client = Client::of("someone");
    let input = png(32, 32, image::ExtendedColorType::Rgb8);
    let held = core.hold(input, Instant::now(), client).await.unwrap();
    tokio::time::advance(Duration::from_secs(40 * 60)).await;
    let reply = core
        .run_held(
            held,
            Options::parse(["webp"]).unwrap(),
            Platform::Telegram,
            None,
            client,
        )
        .await
        .unwrap();
    tokio::time::advance(Duration::from_secs(19 * 60)).await;
    assert!(matches!(
        store_get(&store, reply.id).await,
        Lookup::Found(_)
    ));
    tokio::time::advance(Duration::from_secs(61)).await;
    assert_eq!(
        store_get(&store, reply.id).await,
        Lookup::Gone,
        "an hour after the input arrived, its result is gone too"
    );
    let late = core
        .run_held(held, Options::default(), Platform::Telegram, None, client)
        .await;
    assert_eq!(late.unwrap_err(), UserError::Gone);
}

async fn store_get(store: &MemoryStore, id: pixdrop::store::FileId) -> Lookup {
    pixdrop::store::Backend::get(store, id).await.unwrap()
}

#[tokio::test]
async fn an_amplifying_request_is_refused_before_any_pixels_are_made() {
    let store = Arc::new(MemoryStore::new(64 << 20, HOUR));
    let core = core(store).with_pool(Pool::new(1).with_budget(1_000, || 0));
    let tiny = png(1000, 1000, image::ExtendedColorType::Rgb16);
    assert!(tiny.len() < 100_000, "a small file: {} bytes", tiny.len());
    let job = Job {
        input: tiny,
        more: Vec::new(),
        options: Options::parse(["tiff", "resize=1000%"]).unwrap(),
        platform: Platform::Web,
        received: Instant::now(),
        user: None,
        client: Client::of("attacker"),
    };
    let refused = core.run(job).await;
    assert!(
        matches!(
            refused,
            Err(UserError::ResultTooManyPixels {
                width: 10000,
                height: 10000,
                ..
            })
        ),
        "refused from the header, before the pool (which would say too-complex): {refused:?}"
    );
}

#[tokio::test]
async fn an_album_is_priced_as_a_whole() {
    let store = Arc::new(MemoryStore::new(64 << 20, HOUR));
    let core = core(store).with_limits(Limits {
        max_pixels: 5_000_000,
        ..Limits::default()
    });
    let page = png(2000, 1000, image::ExtendedColorType::Rgb8);
    let job = Job {
        input: page.clone(),
        more: vec![page.clone(), page],
        options: Options::parse(["pdf"]).unwrap(),
        platform: Platform::Telegram,
        received: Instant::now(),
        user: None,
        client: Client::of("album"),
    };
    let refused = core.run(job).await;
    assert!(
        matches!(
            refused,
            Err(UserError::AlbumTooLarge {
                images: 3,
                limit: 5
            })
        ),
        "{refused:?}"
    );
}

#[tokio::test]
async fn every_platform_s_work_is_counted_in_the_core_s_metrics() {
    let store = Arc::new(MemoryStore::new(64 << 20, HOUR));
    let core = core(store);
    let job = |input: Bytes, platform| Job {
        input,
        more: Vec::new(),
        options: Options::parse(["webp"]).unwrap(),
        platform,
        received: Instant::now(),
        user: None,
        client: Client::ANONYMOUS,
    };
    let image = png(16, 16, image::ExtendedColorType::Rgb8);
    for platform in [Platform::Telegram, Platform::Discord, Platform::Discord] {
        core.run(job(image.clone(), platform)).await.unwrap();
    }
    core.run(job(Bytes::from_static(b"not an image"), Platform::Telegram))
        .await
        .unwrap_err();
    core.count_refusal(Platform::Web, &UserError::RateLimited { seconds: 3 });

    let text = core.metrics_text().await;
    let count = |series: &str| {
        text.lines()
            .find_map(|line| line.strip_prefix(series)?.trim().parse::<u64>().ok())
            .unwrap_or_else(|| panic!("no {series} in\n{text}"))
    };
    let ok = |platform: &str| {
        format!(
            "pixdrop_conversions_total{{platform=\"{platform}\",input=\"png\",output=\"webp\",outcome=\"ok\"}}"
        )
    };
    assert_eq!(count(&ok("telegram")), 1);
    assert_eq!(count(&ok("discord")), 2);
    assert_eq!(
        count(
            "pixdrop_conversions_total{platform=\"telegram\",input=\"unknown\",output=\"unknown\",outcome=\"unsupported-format\"}"
        ),
        1
    );
    assert_eq!(
        count("pixdrop_conversion_seconds_count{platform=\"discord\"}"),
        2
    );
    assert_eq!(count("pixdrop_rate_limited_total{platform=\"web\"}"), 1);
    assert_eq!(count("pixdrop_store_entries"), 3);
    assert!(count("pixdrop_input_bytes_total{platform=\"telegram\"}") > image.len() as u64);
    assert!(count("pixdrop_store_oldest_seconds") < 5);
}

#[tokio::test]
async fn only_the_person_who_asked_can_delete_a_result_from_a_chat_button() {
    let store = Arc::new(MemoryStore::new(64 << 20, HOUR));
    let core = core(store.clone());
    let asker = core.user(Platform::Telegram, "1001");
    let other = core.user(Platform::Telegram, "1002");
    let job = Job {
        input: png(16, 16, image::ExtendedColorType::Rgb8),
        more: Vec::new(),
        options: Options::parse(["webp"]).unwrap(),
        platform: Platform::Telegram,
        received: Instant::now(),
        user: Some(asker.clone()),
        client: Client::of(&asker),
    };
    let reply = core.run(job).await.unwrap();
    let tag = core.deletion_tag(reply.id, &asker);
    assert!(tag.len() + reply.id.to_string().len() + 3 <= 64, "{tag}");
    assert_ne!(tag, core.deletion_tag(reply.id, &other));

    assert_eq!(
        core.delete_for(reply.id, &other, &tag).await,
        Err(UserError::NotYours)
    );
    assert!(matches!(
        store_get(&store, reply.id).await,
        Lookup::Found(_)
    ));
    let forged = "0".repeat(tag.len());
    assert_eq!(
        core.delete_for(reply.id, &asker, &forged).await,
        Err(UserError::NotYours)
    );

    core.delete_for(reply.id, &asker, &tag).await.unwrap();
    assert!(matches!(store_get(&store, reply.id).await, Lookup::Gone));
    core.delete_for(reply.id, &asker, &tag).await.unwrap();
}
