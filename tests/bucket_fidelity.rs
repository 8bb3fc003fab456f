#![allow(clippy::unwrap_used, clippy::expect_used)] // tests may panic: that is how they fail
//! Bucket migrations that keep what they copy, against moto: archived
//! objects skipped (named) or restored (same storage class), every version
//! with its delete markers, the bucket policy rewritten, website and
//! SSE-KMS carried, `--delete` on a resync, replication configured, and a
//! cancel that leaves no multipart upload open. Every outcome is read back
//! with the SDK.

mod common;

use aws_sdk_s3::primitives::ByteStream;
use aws_sdk_s3::types as t;
use common::regions_at;
use cutover::cloud::{Clients, Regions};
use cutover::migrate::{
    deletions_preview, Archived, BucketOptions, Caps, CopyKind, CopyOptions, S3Tuning, Scheduler,
    Task, TaskSpec, TaskState, Versions,
};
use cutover::sandbox::{sandbox_keys, MotoServer};
use std::collections::BTreeMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant};

const MIB: u64 = 1024 * 1024;
static NEXT: AtomicUsize = AtomicUsize::new(1);

/// One moto_server for this binary; each test owns its buckets.
fn endpoint() -> String {
    static SERVER: OnceLock<MotoServer> = OnceLock::new();
    SERVER
        .get_or_init(|| {
            let server = MotoServer::start(None).unwrap_or_else(|e| panic!("{e}"));
            common::stop_at_exit(server.pid());
            server
        })
        .endpoint()
}

async fn regions() -> Regions {
    regions_at(&endpoint(), sandbox_keys()).await
}

fn bucket_spec(from: &str, to: &str, bucket: BucketOptions) -> TaskSpec {
    TaskSpec {
        id: format!(
            "f{}-{}",
            std::process::id(),
            NEXT.fetch_add(1, Ordering::SeqCst)
        ),
        kind: CopyKind::Bucket,
        source_ids: vec![from.to_string()],
        names: BTreeMap::new(),
        source_region: "us-east-1".into(),
        target_region: "eu-west-1".into(),
        options: CopyOptions {
            target_bucket: Some(to.into()),
            s3: S3Tuning {
                multipart_threshold: 8 * MIB,
                part_size: 5 * MIB,
                concurrency: 8,
                part_concurrency: 2,
                ..Default::default()
            },
            bucket,
            ..Default::default()
        },
        known_copies: BTreeMap::new(),
    }
}

fn scheduler(regions: &Regions) -> Scheduler {
    Scheduler::new(
        regions.clone(),
        Arc::new(common::MemoryJournal::default()),
        Caps::default(),
        Default::default(),
    )
}

async fn run(regions: &Regions, spec: TaskSpec) -> Task {
    let s = scheduler(regions);
    let id = spec.id.clone();
    s.submit(spec).unwrap();
    s.settled().await;
    s.task(&id).unwrap()
}

async fn make_bucket(c: &Clients, name: &str) {
    let mut req = c.s3.create_bucket().bucket(name);
    if c.region != "us-east-1" {
        req = req.create_bucket_configuration(
            t::CreateBucketConfiguration::builder()
                .location_constraint(t::BucketLocationConstraint::from(c.region.as_str()))
                .build(),
        );
    }
    req.send().await.unwrap();
}

async fn put(c: &Clients, bucket: &str, key: &str, body: &[u8], class: Option<t::StorageClass>) {
    c.s3.put_object()
        .bucket(bucket)
        .key(key)
        .body(ByteStream::from(body.to_vec()))
        .set_storage_class(class)
        .send()
        .await
        .unwrap();
}

/// Keys and storage classes, read with the SDK.
async fn keys(c: &Clients, bucket: &str) -> BTreeMap<String, String> {
    let out = c.s3.list_objects_v2().bucket(bucket).send().await.unwrap();
    out.contents()
        .iter()
        .map(|o| {
            (
                o.key().unwrap().to_string(),
                o.storage_class()
                    .map(|s| s.as_str().to_string())
                    .unwrap_or_default(),
            )
        })
        .collect()
}

fn done(task: &Task) {
    assert_eq!(task.state, TaskState::Done, "history: {:#?}", task.history);
}

#[tokio::test]
async fn archived_objects_are_skipped_named_and_the_rest_copied_and_verified() {
    let r = regions().await;
    let (from, to) = ("fid-cold-src", "fid-cold-dst");
    make_bucket(&r.source, from).await;
    for key in ["a.txt", "b.txt", "c.txt"] {
        put(&r.source, from, key, key.as_bytes(), None).await;
    }
    put(
        &r.source,
        from,
        "old/ledger-2019.csv",
        b"archived",
        Some(t::StorageClass::Glacier),
    )
    .await;

    // The archived object's own error says what it is, with no IAM hint.
    make_bucket(&r.target, "fid-cold-probe").await;
    let refused = r
        .target
        .s3
        .copy_object()
        .copy_source(format!("{from}/old/ledger-2019.csv"))
        .bucket("fid-cold-probe")
        .key("x")
        .send()
        .await
        .unwrap_err();
    let refused = cutover::cloud::CloudError::from_sdk("s3:CopyObject", refused).to_string();
    assert!(refused.contains("ObjectNotInActiveTierError"), "{refused}");
    assert!(refused.contains("--archived"), "{refused}");
    assert!(!refused.contains("iam-policy"), "{refused}");

    let task = run(&r, bucket_spec(from, to, BucketOptions::default())).await;
    done(&task);
    assert_eq!(task.state_name(), "done with warnings");
    assert_eq!(task.warnings.len(), 1, "{:?}", task.warnings);
    assert!(
        task.warnings[0].starts_with("1 archived object(s)")
            && task.warnings[0].contains("old/ledger-2019.csv"),
        "{}",
        task.warnings[0]
    );
    let copied = keys(&r.target, to).await;
    assert_eq!(
        copied.keys().collect::<Vec<_>>(),
        ["a.txt", "b.txt", "c.txt"],
        "everything but the archived object"
    );
    let report = cutover::report::markdown(&[task]);
    assert!(report.contains("`old/ledger-2019.csv`"), "{report}");
}

#[tokio::test]
async fn archived_objects_are_restored_then_copied_in_their_storage_class() {
    let r = regions().await;
    let (from, to) = ("fid-thaw-src", "fid-thaw-dst");
    make_bucket(&r.source, from).await;
    put(&r.source, from, "warm.txt", b"warm", None).await;
    put(
        &r.source,
        from,
        "cold.bin",
        b"cold bytes",
        Some(t::StorageClass::Glacier),
    )
    .await;
    let options = BucketOptions {
        archived: Archived::Restore,
        ..Default::default()
    };
    let task = run(&r, bucket_spec(from, to, options)).await;
    done(&task);
    assert_eq!(task.state_name(), "done", "{:?}", task.warnings);
    // RestoreObject was asked in the source...
    let head = r
        .source
        .s3
        .head_object()
        .bucket(from)
        .key("cold.bin")
        .send()
        .await
        .unwrap();
    assert!(
        head.restore()
            .is_some_and(|h| h.contains("ongoing-request")),
        "{:?}",
        head.restore()
    );
    // ...and the copy is archived again, in the same class.
    let copied = keys(&r.target, to).await;
    assert_eq!(copied.get("cold.bin").map(String::as_str), Some("GLACIER"));
    assert_eq!(copied.get("warm.txt").map(String::as_str), Some("STANDARD"));
}

/// (ETag or "DM", is latest) per entry, newest first, for one key.
async fn history(c: &Clients, bucket: &str, key: &str) -> Vec<(String, bool)> {
    let out =
        c.s3.list_object_versions()
            .bucket(bucket)
            .prefix(key)
            .send()
            .await
            .unwrap();
    let versions: Vec<(String, bool)> = out
        .versions()
        .iter()
        .filter(|v| v.key() == Some(key))
        .map(|v| (v.e_tag().unwrap().to_string(), v.is_latest().unwrap()))
        .collect();
    let markers: Vec<(String, bool)> = out
        .delete_markers()
        .iter()
        .filter(|d| d.key() == Some(key))
        .map(|d| ("DM".to_string(), d.is_latest().unwrap()))
        .collect();
    versions.into_iter().chain(markers).collect()
}

#[tokio::test]
async fn every_version_and_delete_marker_is_copied_in_order_once() {
    let r = regions().await;
    let (from, to) = ("fid-versions-src", "fid-versions-dst");
    make_bucket(&r.source, from).await;
    r.source
        .s3
        .put_bucket_versioning()
        .bucket(from)
        .versioning_configuration(
            t::VersioningConfiguration::builder()
                .status(t::BucketVersioningStatus::Enabled)
                .build(),
        )
        .send()
        .await
        .unwrap();
    for body in ["a1", "a2", "a3"] {
        put(&r.source, from, "a", body.as_bytes(), None).await;
    }
    // b: written, deleted, written again; c: written, then deleted.
    put(&r.source, from, "b", b"b1", None).await;
    r.source
        .s3
        .delete_object()
        .bucket(from)
        .key("b")
        .send()
        .await
        .unwrap();
    put(&r.source, from, "b", b"b2", None).await;
    put(&r.source, from, "c", b"c1", None).await;
    r.source
        .s3
        .delete_object()
        .bucket(from)
        .key("c")
        .send()
        .await
        .unwrap();

    let options = BucketOptions {
        versions: Versions::All,
        ..Default::default()
    };
    let spec = bucket_spec(from, to, options.clone());
    let task = run(&r, spec.clone()).await;
    done(&task);
    assert!(
        task.notes
            .iter()
            .any(|n| n.starts_with("verified: 3 keys, 8 versions")),
        "{:?}",
        task.notes
    );
    for key in ["a", "b", "c"] {
        assert_eq!(
            history(&r.target, to, key).await,
            history(&r.source, from, key).await,
            "versions of {key}: ETags newest first, delete markers, latest"
        );
    }
    assert_eq!(history(&r.target, to, "a").await.len(), 3);
    assert_eq!(
        history(&r.target, to, "c").await.last(),
        Some(&("DM".to_string(), true)),
        "c stays deleted in the copy"
    );
    // A second run (a resync) adds nothing: each history is already there.
    let again = run(&r, bucket_spec(from, to, options)).await;
    done(&again);
    for key in ["a", "b", "c"] {
        assert_eq!(
            history(&r.target, to, key).await,
            history(&r.source, from, key).await
        );
    }
}

#[tokio::test]
async fn policy_is_rewritten_and_website_and_kms_encryption_are_carried() {
    let r = regions().await;
    let (from, to) = ("fid-policy-src", "fid-policy-dst");
    make_bucket(&r.source, from).await;
    let role = "arn:aws:iam::123456789012:role/shop-web";
    let policy = format!(
        r#"{{"Version":"2012-10-17","Statement":[{{"Sid":"web","Effect":"Allow","Principal":{{"AWS":"{role}"}},"Action":"s3:GetObject","Resource":["arn:aws:s3:::{from}","arn:aws:s3:::{from}/*"]}}]}}"#
    );
    r.source
        .s3
        .put_bucket_policy()
        .bucket(from)
        .policy(&policy)
        .send()
        .await
        .unwrap();
    r.source
        .s3
        .put_bucket_website()
        .bucket(from)
        .website_configuration(
            t::WebsiteConfiguration::builder()
                .index_document(
                    t::IndexDocument::builder()
                        .suffix("index.html")
                        .build()
                        .unwrap(),
                )
                .error_document(t::ErrorDocument::builder().key("404.html").build().unwrap())
                .build(),
        )
        .send()
        .await
        .unwrap();
    let kms = |key: &str| {
        t::ServerSideEncryptionConfiguration::builder()
            .rules(
                t::ServerSideEncryptionRule::builder()
                    .apply_server_side_encryption_by_default(
                        t::ServerSideEncryptionByDefault::builder()
                            .sse_algorithm(t::ServerSideEncryption::AwsKms)
                            .kms_master_key_id(key)
                            .build()
                            .unwrap(),
                    )
                    .build(),
            )
            .build()
            .unwrap()
    };
    r.source
        .s3
        .put_bucket_encryption()
        .bucket(from)
        .server_side_encryption_configuration(kms(
            "arn:aws:kms:us-east-1:123456789012:key/source-key",
        ))
        .send()
        .await
        .unwrap();
    put(&r.source, from, "index.html", b"<h1>shop</h1>", None).await;

    let target_key = "arn:aws:kms:eu-west-1:123456789012:key/target-key";
    let mut spec = bucket_spec(from, to, BucketOptions::default());
    spec.options.kms_key_id = Some(target_key.into());
    let task = run(&r, spec).await;
    done(&task);
    assert_eq!(task.state_name(), "done", "{:?}", task.warnings);

    let carried = r
        .target
        .s3
        .get_bucket_policy()
        .bucket(to)
        .send()
        .await
        .unwrap();
    let carried: serde_json::Value = serde_json::from_str(carried.policy().unwrap()).unwrap();
    let statement = &carried["Statement"][0];
    assert_eq!(
        statement["Resource"],
        serde_json::json!([format!("arn:aws:s3:::{to}"), format!("arn:aws:s3:::{to}/*")])
    );
    assert_eq!(
        statement["Principal"]["AWS"], role,
        "other ARNs left as they are"
    );
    assert!(
        task.notes
            .iter()
            .any(|n| n.contains("bucket policy") && n.contains(role)),
        "the role is listed for review: {:?}",
        task.notes
    );
    let site = r
        .target
        .s3
        .get_bucket_website()
        .bucket(to)
        .send()
        .await
        .unwrap();
    assert_eq!(site.index_document().unwrap().suffix(), "index.html");
    assert_eq!(site.error_document().unwrap().key(), "404.html");
    let enc = r
        .target
        .s3
        .get_bucket_encryption()
        .bucket(to)
        .send()
        .await
        .unwrap();
    let default = enc.server_side_encryption_configuration().unwrap().rules()[0]
        .apply_server_side_encryption_by_default()
        .unwrap()
        .clone();
    assert_eq!(default.sse_algorithm(), &t::ServerSideEncryption::AwsKms);
    assert_eq!(default.kms_master_key_id(), Some(target_key));

    // Without a target key the encryption is not carried, and a warning says so.
    let task = run(
        &r,
        bucket_spec(from, "fid-policy-nokey", BucketOptions::default()),
    )
    .await;
    done(&task);
    assert_eq!(task.state_name(), "done with warnings");
    assert!(
        task.warnings
            .iter()
            .any(|w| w.contains("default encryption") && w.contains("--kms-key-id")),
        "{:?}",
        task.warnings
    );
    let none = r
        .target
        .s3
        .get_bucket_encryption()
        .bucket("fid-policy-nokey")
        .send()
        .await;
    assert!(none.is_err(), "no encryption set on the copy: {none:?}");
}

#[tokio::test]
async fn a_resync_with_delete_removes_what_the_source_no_longer_has() {
    let r = regions().await;
    let (from, to) = ("fid-delete-src", "fid-delete-dst");
    make_bucket(&r.source, from).await;
    for key in ["a", "b", "c", "d", "z"] {
        put(&r.source, from, key, key.as_bytes(), None).await;
    }
    done(&run(&r, bucket_spec(from, to, BucketOptions::default())).await);
    for key in ["a", "c", "z"] {
        r.source
            .s3
            .delete_object()
            .bucket(from)
            .key(key)
            .send()
            .await
            .unwrap();
    }
    let options = BucketOptions {
        delete: true,
        ..Default::default()
    };
    let spec = bucket_spec(from, to, options);
    // The plan lists them first, and nothing is deleted by listing.
    let (shown, total) = deletions_preview(&r, &spec, 2).await.unwrap();
    assert_eq!((shown, total), (vec!["a".to_string(), "c".to_string()], 3));
    assert_eq!(keys(&r.target, to).await.len(), 5);

    let task = run(&r, spec).await;
    done(&task);
    assert_eq!(task.outputs.get("deleted").map(String::as_str), Some("3"));
    assert_eq!(
        keys(&r.target, to).await.keys().collect::<Vec<_>>(),
        ["b", "d"]
    );
}

#[tokio::test]
async fn replicate_writes_the_replication_configuration_and_shows_replicating() {
    let r = regions().await;
    let (from, to) = ("fid-repl-src", "fid-repl-dst");
    make_bucket(&r.source, from).await;
    put(&r.source, from, "k", b"v", None).await;
    let role = "arn:aws:iam::123456789012:role/s3-replication";
    let options = BucketOptions {
        replicate_role: Some(role.into()),
        ..Default::default()
    };
    let task = run(&r, bucket_spec(from, to, options)).await;
    done(&task);
    assert_eq!(task.state_name(), "replicating");
    let config = r
        .source
        .s3
        .get_bucket_replication()
        .bucket(from)
        .send()
        .await
        .unwrap();
    let config = config.replication_configuration().unwrap();
    assert_eq!(config.role(), role);
    assert_eq!(config.rules().len(), 1);
    let rule = &config.rules()[0];
    assert_eq!(rule.status(), &t::ReplicationRuleStatus::Enabled);
    assert_eq!(
        rule.destination().unwrap().bucket(),
        format!("arn:aws:s3:::{to}")
    );
    // moto answers GetBucketVersioning with a root element the SDK refuses;
    // cutover's reader falls back to the body's <Status> (see MOTO-NOTES).
    for (c, b) in [(&r.source, from), (&r.target, to)] {
        assert_eq!(
            cutover::cloud::s3::versioning(c, b)
                .await
                .unwrap()
                .as_deref(),
            Some("Enabled"),
            "{b}"
        );
    }
}

async fn open_uploads(c: &Clients, bucket: &str) -> usize {
    c.s3.list_multipart_uploads()
        .bucket(bucket)
        .send()
        .await
        .map(|o| o.uploads().len())
        .unwrap_or(0)
}

#[tokio::test]
async fn a_cancel_mid_copy_aborts_the_multipart_uploads_it_started() {
    let r = regions().await;
    let (from, to) = ("fid-cancel-src", "fid-cancel-dst");
    make_bucket(&r.source, from).await;
    let big = vec![7u8; (80 * MIB) as usize];
    put(&r.source, from, "big.bin", &big, None).await;
    let mut spec = bucket_spec(from, to, BucketOptions::default());
    spec.options.s3.part_concurrency = 1;
    let s = scheduler(&r);
    let id = spec.id.clone();
    s.submit(spec).unwrap();
    // Cancel once the upload is open in the copy.
    let deadline = Instant::now() + Duration::from_secs(60);
    while open_uploads(&r.target, to).await == 0 {
        assert!(Instant::now() < deadline, "no multipart upload was started");
        assert!(
            !s.task(&id).unwrap().state.is_finished(),
            "the copy ended before an upload was seen open"
        );
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    s.cancel(&id).unwrap();
    s.settled().await;
    let task = s.task(&id).unwrap();
    let TaskState::Cancelled { note } = &task.state else {
        panic!("not cancelled: {:?}", task.state);
    };
    assert!(note.contains("aborted 1 multipart upload"), "{note}");
    let left = r
        .target
        .s3
        .list_multipart_uploads()
        .bucket(to)
        .send()
        .await
        .unwrap();
    assert!(left.uploads().is_empty(), "{:?}", left.uploads());
}
