#![allow(clippy::unwrap_used, clippy::expect_used)] // tests may panic: that is how they fail
//! "Target as of" of each copy kind, against moto: the cutover binary
//! copies, `cutover report` (which reads only the journal) says as of
//! when, and the oracle is the source's own time read with SDK calls:
//! the snapshot's StartTime, the AMI's CreationDate, the DB snapshot's
//! SnapshotCreateTime; "live" with the replica's status for a read
//! replica and a bucket with --replicate.

mod common;
#[path = "support/own.rs"]
mod own;

use common::{cutover_command, regions_at, seeded, temp_home};
use cutover::sandbox::sandbox_keys;
use std::path::Path;
use std::process::Output;

fn cutover(home: &Path, args: &[&str]) -> Output {
    let o = cutover_command(home)
        .env("AWS_ACCESS_KEY_ID", "test")
        .env("AWS_SECRET_ACCESS_KEY", "test-secret")
        .env("AWS_ENDPOINT_URL", seeded().server.endpoint())
        .args(["--source", "us-east-1", "--target", "eu-west-1"])
        .args(args)
        .output()
        .unwrap();
    assert!(
        o.status.success(),
        "cutover {args:?}: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    o
}

/// The report's "target as of" rows, by the source id the task copied.
fn as_of_rows(home: &Path) -> (serde_json::Value, String) {
    let json = cutover(home, &["report", "--format", "json"]);
    let doc: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    let md = String::from_utf8(cutover(home, &["report"]).stdout).unwrap();
    (doc["timeline"]["target_as_of"].clone(), md)
}

fn row<'a>(rows: &'a serde_json::Value, what: &str) -> &'a serde_json::Value {
    rows.as_array()
        .unwrap()
        .iter()
        .find(|r| r["what"].as_str().unwrap().contains(what))
        .unwrap_or_else(|| panic!("no row for {what} in {rows:#}"))
}

fn ms(t: &aws_smithy_types::DateTime) -> u64 {
    t.to_millis().unwrap() as u64
}

#[tokio::test(flavor = "multi_thread")]
async fn copies_of_an_ami_a_snapshot_and_a_db_snapshot_hold_the_sources_time() {
    let r = regions_at(&seeded().server.endpoint(), sandbox_keys()).await;
    let src = &r.source;
    // Sources of this test's own, made a moment apart.
    let snap = own::snapshot(src, "asof-snap").await;
    let base = seeded().seeded.images.values().next().unwrap().clone();
    let ami = own::image(src, &base, "asof-ami").await;
    src.rds
        .create_db_instance()
        .db_instance_identifier("asof-db")
        .db_instance_class("db.t3.micro")
        .engine("postgres")
        .allocated_storage(20)
        .master_username("admin")
        .master_user_password("not-a-secret-1")
        .send()
        .await
        .unwrap();
    own::db_snapshot(src, "asof-db", "asof-db-snap").await;

    let home = temp_home("as-of");
    cutover(
        &home,
        &[
            "copy",
            "--ids",
            &format!("{snap},{ami},asof-db-snap"),
            "--yes",
            "--wait",
        ],
    );
    let (rows, md) = as_of_rows(&home);

    // The oracle: the source's own times, read with the SDK.
    let s = src
        .ec2
        .describe_snapshots()
        .snapshot_ids(&snap)
        .send()
        .await
        .unwrap();
    let started = ms(s.snapshots()[0].start_time().unwrap());
    let i = src
        .ec2
        .describe_images()
        .image_ids(&ami)
        .send()
        .await
        .unwrap();
    let created = aws_smithy_types::DateTime::from_str(
        i.images()[0].creation_date().unwrap(),
        aws_smithy_types::date_time::Format::DateTime,
    )
    .unwrap();
    let d = src
        .rds
        .describe_db_snapshots()
        .db_snapshot_identifier("asof-db-snap")
        .send()
        .await
        .unwrap();
    let db_created = ms(d.db_snapshots()[0].snapshot_create_time().unwrap());

    for (what, at, basis) in [
        (snap.as_str(), started, "the source snapshot's StartTime"),
        (ami.as_str(), ms(&created), "the source AMI's CreationDate"),
        (
            "asof-db-snap",
            db_created,
            "the source DB snapshot's SnapshotCreateTime",
        ),
    ] {
        let got = row(&rows, what);
        assert_eq!(got["as_of"], "at", "{got}");
        assert_eq!(got["at_ms"].as_u64(), Some(at), "{what}: {got}");
        assert_eq!(got["basis"], basis);
        assert!(md.contains(basis), "{md}");
    }
    assert!(
        !md.contains("the source's time"),
        "every time was recorded: {md}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_read_replica_and_a_replicated_bucket_are_live() {
    let r = regions_at(&seeded().server.endpoint(), sandbox_keys()).await;
    let src = &r.source;
    src.rds
        .create_db_instance()
        .db_instance_identifier("asof-live-db")
        .db_instance_class("db.t3.micro")
        .engine("mysql")
        .allocated_storage(20)
        .master_username("admin")
        .master_user_password("not-a-secret-1")
        .backup_retention_period(1)
        .send()
        .await
        .unwrap();
    own::bucket(src, "asof-live-bucket", 3, None).await;
    let home = temp_home("as-of-live");
    // moto refuses a cross-region replica given a DBSubnetGroupName.
    cutover(
        &home,
        &[
            "copy",
            "--ids",
            "asof-live-db",
            "--replica",
            "--restore-as",
            "asof-live-db-eu",
            "--no-db-subnet-group",
            "--yes",
            "--wait",
        ],
    );
    cutover(
        &home,
        &[
            "copy",
            "--ids",
            "asof-live-bucket",
            "--replicate",
            "--role-arn",
            "arn:aws:iam::123456789012:role/s3-replication",
            "--yes",
            "--wait",
        ],
    );
    let (rows, md) = as_of_rows(&home);

    let replica = r
        .target
        .rds
        .describe_db_instances()
        .db_instance_identifier("asof-live-db-eu")
        .send()
        .await
        .unwrap();
    let replica = &replica.db_instances()[0];
    assert!(replica
        .read_replica_source_db_instance_identifier()
        .is_some());
    let status = replica.db_instance_status().unwrap();
    let got = row(&rows, "asof-live-db");
    assert_eq!(got["as_of"], "live", "{got}");
    assert_eq!(got["basis"], "a read replica");
    assert!(
        got["status"].as_str().unwrap().starts_with(status),
        "the replica's status as AWS gave it ({status}): {got}"
    );
    assert!(md.contains(&format!("live ({status}")), "{md}");

    let config = src
        .s3
        .get_bucket_replication()
        .bucket("asof-live-bucket")
        .send()
        .await
        .unwrap();
    let rule = &config.replication_configuration().unwrap().rules()[0];
    let to = rule
        .destination()
        .unwrap()
        .bucket()
        .trim_start_matches("arn:aws:s3:::");
    let got = row(&rows, "asof-live-bucket");
    assert_eq!(got["as_of"], "live", "{got}");
    assert_eq!(
        got["status"].as_str().unwrap(),
        format!("replication rule set, to {to}")
    );
}
