#![allow(clippy::unwrap_used, clippy::expect_used)] // tests may panic: that is how they fail
//! Bucket migration and RDS copies end to end against moto: objects equal
//! (bytes, ETag, metadata, tags), multipart with a small threshold, settings
//! carried, a second run copies only what is missing, naming errors,
//! verification catching a difference; RDS snapshot, copy and restore.

mod common;

use aws_sdk_s3::primitives::ByteStream;
use common::{regions_at, seeded};
use cutover::cloud::copy::objects::{list_page, ObjectEntry};
use cutover::cloud::copy::rds;
use cutover::cloud::{Clients, Regions};
use cutover::migrate::{
    run_step, Caps, CopyKind, CopyOptions, RestoreOptions, S3Tuning, Scheduler, Step, StepContext,
    Task, TaskSpec, TaskState,
};
use cutover::model::resource::SOURCE_ID_TAG;
use cutover::sandbox::sandbox_keys;
use std::collections::BTreeMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

const MIB: u64 = 1024 * 1024;
static NEXT: AtomicUsize = AtomicUsize::new(1);

fn small_parts() -> S3Tuning {
    S3Tuning {
        multipart_threshold: 8 * MIB,
        part_size: 5 * MIB,
        concurrency: 16,
        part_concurrency: 3,
        ..Default::default()
    }
}

fn spec(kind: CopyKind, id: &str, options: CopyOptions) -> TaskSpec {
    TaskSpec {
        id: format!(
            "t{}-{}",
            std::process::id(),
            NEXT.fetch_add(1, Ordering::SeqCst)
        ),
        kind,
        source_ids: vec![id.to_string()],
        names: BTreeMap::new(),
        source_region: "us-east-1".into(),
        target_region: "eu-west-1".into(),
        options,
        known_copies: BTreeMap::new(),
    }
}

fn bucket_spec(from: &str, to: &str) -> TaskSpec {
    spec(
        CopyKind::Bucket,
        from,
        CopyOptions {
            target_bucket: Some(to.into()),
            s3: small_parts(),
            ..Default::default()
        },
    )
}

async fn run(regions: &Regions, spec: TaskSpec) -> Task {
    let s = Scheduler::new(
        regions.clone(),
        Arc::new(common::MemoryJournal::default()),
        Caps::default(),
        Default::default(),
    );
    let id = spec.id.clone();
    s.submit(spec).unwrap();
    s.settled().await;
    s.task(&id).unwrap()
}

async fn listing(c: &Clients, bucket: &str) -> Vec<ObjectEntry> {
    let mut all = Vec::new();
    let mut token = None;
    loop {
        let (page, next) = list_page(c, bucket, token).await.unwrap();
        all.extend(page);
        match next {
            Some(t) => token = Some(t),
            None => return all,
        }
    }
}

async fn body(c: &Clients, bucket: &str, key: &str) -> Vec<u8> {
    c.s3.get_object()
        .bucket(bucket)
        .key(key)
        .send()
        .await
        .unwrap()
        .body
        .collect()
        .await
        .unwrap()
        .into_bytes()
        .to_vec()
}

async fn head(
    c: &Clients,
    bucket: &str,
    key: String,
) -> aws_sdk_s3::operation::head_object::HeadObjectOutput {
    c.s3.head_object()
        .bucket(bucket)
        .key(key)
        .send()
        .await
        .unwrap()
}

async fn object_tags(c: &Clients, bucket: &str, key: &str) -> BTreeMap<String, String> {
    let out =
        c.s3.get_object_tagging()
            .bucket(bucket)
            .key(key)
            .send()
            .await
            .unwrap();
    out.tag_set()
        .iter()
        .map(|t| (t.key().to_string(), t.value().to_string()))
        .collect()
}

#[tokio::test]
async fn a_bucket_migrates_whole_with_metadata_tags_and_a_multipart_object() {
    let f = seeded();
    let regions = regions_at(&f.server.endpoint(), sandbox_keys()).await;
    let task = run(
        &regions,
        bucket_spec("shop-assets", "shop-assets-eu-west-1"),
    )
    .await;
    assert_eq!(task.state, TaskState::Done, "{:#?}", task.history);
    assert!(
        task.notes.iter().any(|n| n.starts_with("verified:")),
        "{:?}",
        task.notes
    );
    let t = task.transfer.unwrap();
    assert!(t.listing_done);
    assert_eq!(
        t.objects_done as usize,
        f.estate
            .objects_in(&f.estate.buckets[0], common::TEST_OBJECTS)
    );

    let (s, c) = (&regions.source, &regions.target);
    let loc =
        c.s3.get_bucket_location()
            .bucket("shop-assets-eu-west-1")
            .send()
            .await
            .unwrap();
    assert_eq!(
        loc.location_constraint().map(|l| l.as_str()),
        Some("eu-west-1")
    );
    assert_eq!(
        cutover::cloud::s3::versioning(c, "shop-assets-eu-west-1")
            .await
            .unwrap()
            .as_deref(),
        Some("Enabled")
    );
    let tags = cutover::cloud::s3::bucket_tags(c, "shop-assets-eu-west-1")
        .await
        .unwrap();
    assert_eq!(tags.get("team").map(String::as_str), Some("storefront"));
    assert_eq!(
        tags.get(SOURCE_ID_TAG).map(String::as_str),
        Some("shop-assets")
    );

    let (from, to) = (
        listing(s, "shop-assets").await,
        listing(c, "shop-assets-eu-west-1").await,
    );
    assert_eq!(from.len(), to.len());
    for (a, b) in from.iter().zip(&to) {
        assert_eq!((&a.key, a.size), (&b.key, b.size));
        if !a.is_multipart() && a.size <= 8 * MIB {
            assert_eq!(a.etag, b.etag, "{}", a.key);
        }
    }
    let large = to.iter().find(|o| o.key.starts_with("releases/")).unwrap();
    assert!(
        large.is_multipart(),
        "12 MiB over an 8 MiB threshold goes in parts: {}",
        large.etag
    );
    assert!(large.etag.ends_with("-3\""), "5 MiB parts: {}", large.etag);
    assert_eq!(
        body(s, "shop-assets", &large.key).await,
        body(c, "shop-assets-eu-west-1", &large.key).await
    );
    let big_head = head(c, "shop-assets-eu-west-1", large.key.clone()).await;
    assert_eq!(big_head.content_type(), Some("application/x-tar"));
    assert_eq!(
        big_head
            .metadata()
            .and_then(|m| m.get("release"))
            .map(String::as_str),
        Some("2026.11")
    );

    // Seeded: every 3rd object has metadata, every 5th tags, css/js a
    // cache-control. Pick keys from the source listing that carry each, and
    // check the source really has it, so the comparison below cannot pass
    // on two empty values.
    let seq = |key: &str| -> usize {
        let digits: String = key.chars().filter(char::is_ascii_digit).collect();
        digits.parse().unwrap_or(usize::MAX)
    };
    let first = |what: &str, pred: &dyn Fn(&str) -> bool| -> String {
        from.iter()
            .find(|o| pred(&o.key))
            .unwrap_or_else(|| panic!("the seeded bucket has no {what}"))
            .key
            .clone()
    };
    let css = first("css object", &|k| k.ends_with(".css"));
    let js = first("js object", &|k| k.ends_with(".js"));
    let meta_and_tags = first("object with metadata and tags", &|k| {
        k.starts_with("img/") && seq(k) % 15 == 0
    });
    for key in [&css, &js] {
        let src = head(s, "shop-assets", key.clone()).await;
        assert_eq!(src.cache_control(), Some("max-age=86400"), "{key}");
    }
    let src = head(s, "shop-assets", meta_and_tags.clone()).await;
    assert!(
        src.metadata().is_some_and(|m| !m.is_empty()),
        "{meta_and_tags}"
    );
    assert!(!object_tags(s, "shop-assets", &meta_and_tags)
        .await
        .is_empty());
    for key in [&css, &js, &meta_and_tags] {
        let key = key.as_str();
        let obj = from.iter().find(|o| o.key == key).unwrap();
        let (a, b) = (
            head(s, "shop-assets", obj.key.clone()).await,
            head(c, "shop-assets-eu-west-1", obj.key.clone()).await,
        );
        assert_eq!(a.content_type(), b.content_type(), "{key}");
        assert_eq!(a.cache_control(), b.cache_control(), "{key}");
        assert_eq!(a.metadata(), b.metadata(), "{key}");
        assert_eq!(
            object_tags(s, "shop-assets", key).await,
            object_tags(c, "shop-assets-eu-west-1", key).await,
            "{key}"
        );
        assert_eq!(
            body(s, "shop-assets", key).await,
            body(c, "shop-assets-eu-west-1", key).await,
            "{key}"
        );
    }
}

#[tokio::test]
async fn settings_are_carried_and_a_second_run_copies_only_what_is_missing() {
    let f = seeded();
    let regions = regions_at(&f.server.endpoint(), sandbox_keys()).await;
    let s3 = &regions.source.s3;
    use aws_sdk_s3::types as t;
    s3.create_bucket()
        .bucket("settings-src")
        .send()
        .await
        .unwrap();
    let rule = t::LifecycleRule::builder()
        .id("expire-tmp")
        .status(t::ExpirationStatus::Enabled)
        .filter(t::LifecycleRuleFilter::builder().prefix("tmp/").build())
        .expiration(t::LifecycleExpiration::builder().days(7).build())
        .build()
        .unwrap();
    s3.put_bucket_lifecycle_configuration()
        .bucket("settings-src")
        .lifecycle_configuration(
            t::BucketLifecycleConfiguration::builder()
                .rules(rule)
                .build()
                .unwrap(),
        )
        .send()
        .await
        .unwrap();
    let cors = t::CorsRule::builder()
        .allowed_methods("GET")
        .allowed_origins("https://shop.example.com")
        .build()
        .unwrap();
    s3.put_bucket_cors()
        .bucket("settings-src")
        .cors_configuration(
            t::CorsConfiguration::builder()
                .cors_rules(cors)
                .build()
                .unwrap(),
        )
        .send()
        .await
        .unwrap();
    let block = t::PublicAccessBlockConfiguration::builder()
        .block_public_acls(true)
        .block_public_policy(true)
        .build();
    s3.put_public_access_block()
        .bucket("settings-src")
        .public_access_block_configuration(block)
        .send()
        .await
        .unwrap();
    for n in 0..12 {
        s3.put_object()
            .bucket("settings-src")
            .key(format!("tmp/{n:02}"))
            .body(ByteStream::from(vec![n as u8; 100 + n]))
            .send()
            .await
            .unwrap();
    }
    let first = run(&regions, bucket_spec("settings-src", "settings-src-copy")).await;
    assert_eq!(first.state, TaskState::Done, "{:#?}", first.history);
    let c = &regions.target.s3;
    let lc = c
        .get_bucket_lifecycle_configuration()
        .bucket("settings-src-copy")
        .send()
        .await
        .unwrap();
    assert_eq!(lc.rules()[0].id(), Some("expire-tmp"));
    let cors = c
        .get_bucket_cors()
        .bucket("settings-src-copy")
        .send()
        .await
        .unwrap();
    assert_eq!(
        cors.cors_rules()[0].allowed_origins(),
        ["https://shop.example.com"]
    );
    let pab = c
        .get_public_access_block()
        .bucket("settings-src-copy")
        .send()
        .await
        .unwrap();
    assert_eq!(
        pab.public_access_block_configuration()
            .unwrap()
            .block_public_acls(),
        Some(true)
    );

    // As after a crash part-way: three objects are not in the copy yet.
    for n in [1, 5, 9] {
        c.delete_object()
            .bucket("settings-src-copy")
            .key(format!("tmp/{n:02}"))
            .send()
            .await
            .unwrap();
    }
    let second = run(&regions, bucket_spec("settings-src", "settings-src-copy")).await;
    assert_eq!(second.state, TaskState::Done, "{:#?}", second.history);
    let t = second.transfer.unwrap();
    assert_eq!(
        (t.objects_skipped, t.objects_done),
        (9, 12),
        "only the 3 missing objects are copied"
    );
    assert!(second
        .notes
        .iter()
        .any(|n| n.contains("exists from an earlier run")));
}

#[tokio::test]
async fn bad_or_taken_names_fail_before_anything_is_made() {
    let f = seeded();
    let regions = regions_at(&f.server.endpoint(), sandbox_keys()).await;
    let failed = |t: &Task| match &t.state {
        TaskState::Failed { error, step: 0 } => error.clone(),
        other => panic!(
            "expected a failure at the first step, got {other:?}: {:#?}",
            t.history
        ),
    };
    let e = failed(&run(&regions, bucket_spec("shop-logs", "Shop_Logs")).await);
    assert!(
        e.contains("lowercase") && e.contains("choose another target name"),
        "{e}"
    );
    let e = failed(&run(&regions, bucket_spec("shop-logs", "shop-logs")).await);
    assert!(e.contains("bucket names are global"), "{e}");
    regions
        .target
        .s3
        .create_bucket()
        .bucket("someone-elses")
        .create_bucket_configuration(
            aws_sdk_s3::types::CreateBucketConfiguration::builder()
                .location_constraint(aws_sdk_s3::types::BucketLocationConstraint::EuWest1)
                .build(),
        )
        .send()
        .await
        .unwrap();
    let e = failed(&run(&regions, bucket_spec("shop-logs", "someone-elses")).await);
    assert!(
        e.contains("already exists in this account and is not a copy of shop-logs"),
        "{e}"
    );
    let listed = listing(&regions.target, "someone-elses").await;
    assert!(
        listed.is_empty(),
        "nothing was written into the taken bucket"
    );
}

#[tokio::test]
async fn verification_catches_a_difference() {
    let f = seeded();
    let regions = regions_at(&f.server.endpoint(), sandbox_keys()).await;
    let spec = bucket_spec("shop-uploads", "shop-uploads-verify");
    let task = run(&regions, spec.clone()).await;
    assert_eq!(task.state, TaskState::Done, "{:#?}", task.history);
    let c = &regions.target.s3;
    c.put_object()
        .bucket("shop-uploads-verify")
        .key("zz-extra")
        .body(ByteStream::from_static(b"x"))
        .send()
        .await
        .unwrap();
    let first = listing(&regions.source, "shop-uploads").await.remove(0);
    c.put_object()
        .bucket("shop-uploads-verify")
        .key(&first.key)
        .body(ByteStream::from_static(b"changed"))
        .send()
        .await
        .unwrap();
    let transfer = |_| {};
    let ctx = StepContext {
        regions: &regions,
        spec: &spec,
        outputs: &task.outputs,
        progress: &|_| {},
        status: &|_| {},
        transfer: &transfer,
        pause_requested: &|| false,
        started_before: false,
    };
    let err = run_step(&ctx, Step::VerifyObjects)
        .await
        .unwrap_err()
        .to_string();
    assert!(err.contains("verification found 2 differences"), "{err}");
    assert!(
        err.contains("zz-extra is only in the copy") && err.contains(&first.key),
        "{err}"
    );
}

#[tokio::test]
async fn rds_instance_snapshot_copy_and_restore() {
    let f = seeded();
    let regions = regions_at(&f.server.endpoint(), sandbox_keys()).await;
    let restore = RestoreOptions {
        instance_id: "shop-catalog-eu".into(),
        instance_class: Some("db.t3.small".into()),
        ..Default::default()
    };
    let task = run(
        &regions,
        spec(
            CopyKind::DbInstance,
            "shop-catalog",
            CopyOptions {
                restore: Some(restore),
                ..Default::default()
            },
        ),
    )
    .await;
    assert_eq!(task.state, TaskState::Done, "{:#?}", task.history);
    let snap = &task.outputs["snapshot"];
    assert!(
        rds::db_snapshot(&regions.source, snap)
            .await
            .unwrap()
            .is_some(),
        "a manual snapshot in the source"
    );
    let copy = rds::db_snapshot(&regions.target, &task.outputs["copy"])
        .await
        .unwrap()
        .unwrap();
    assert_eq!(copy.state, "available");
    assert_eq!(copy.tags.get(SOURCE_ID_TAG), Some(snap));
    let restored = rds::db_instance(&regions.target, "shop-catalog-eu")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(restored.state, "available");
    assert_eq!(
        restored.tags.get(SOURCE_ID_TAG).map(String::as_str),
        Some("shop-catalog")
    );

    let snap_task = run(
        &regions,
        spec(
            CopyKind::DbSnapshot,
            "shop-orders-2026-11-20",
            CopyOptions::default(),
        ),
    )
    .await;
    assert_eq!(snap_task.state, TaskState::Done, "{:#?}", snap_task.history);
    assert!(rds::db_snapshot(&regions.target, "shop-orders-2026-11-20")
        .await
        .unwrap()
        .is_some());
    let again = run(
        &regions,
        spec(
            CopyKind::DbSnapshot,
            "shop-orders-2026-11-20",
            CopyOptions::default(),
        ),
    )
    .await;
    assert_eq!(again.state, TaskState::Done);
    assert!(
        again.notes.iter().any(|n| n.contains("adopted")),
        "{:?}",
        again.notes
    );
}

/// A pause asked during the object step stops after the batch in flight:
/// the step says it was interrupted, part of the objects are there, none
/// is half-written (no open multipart upload), and running it again
/// finishes the copy.
#[tokio::test]
async fn a_pause_stops_a_bucket_copy_between_object_batches() {
    let f = seeded();
    let regions = regions_at(&f.server.endpoint(), sandbox_keys()).await;
    let mut spec = bucket_spec("shop-uploads", "shop-uploads-paused");
    spec.options.s3.concurrency = 4;
    let outputs = BTreeMap::new();
    let transfer = |_| {};
    let calls = AtomicUsize::new(0);
    // Asked after the first few objects were sent off.
    let pause_after_some = || calls.fetch_add(1, Ordering::SeqCst) >= 6;
    let ctx = StepContext {
        regions: &regions,
        spec: &spec,
        outputs: &outputs,
        progress: &|_| {},
        status: &|_| {},
        transfer: &transfer,
        pause_requested: &pause_after_some,
        started_before: false,
    };
    run_step(&ctx, Step::CreateBucket).await.unwrap();
    let done = run_step(&ctx, Step::CopyObjects).await.unwrap();
    assert!(done.interrupted, "the step says it stopped early");
    assert!(done.outputs.is_empty(), "an interrupted step is not done");
    let source = listing(&regions.source, "shop-uploads").await.len();
    let copied = regions
        .target
        .s3
        .list_objects_v2()
        .bucket("shop-uploads-paused")
        .send()
        .await
        .unwrap()
        .key_count()
        .unwrap_or(0) as usize;
    assert!(copied > 0 && copied < source, "{copied} of {source} copied");
    let open = regions
        .target
        .s3
        .list_multipart_uploads()
        .bucket("shop-uploads-paused")
        .send()
        .await
        .unwrap();
    assert!(open.uploads().is_empty(), "no upload left open");

    let go_on = StepContext {
        pause_requested: &|| false,
        ..ctx
    };
    let done = run_step(&go_on, Step::CopyObjects).await.unwrap();
    assert!(!done.interrupted);
    assert_eq!(done.outputs["objects"], source.to_string());
}
