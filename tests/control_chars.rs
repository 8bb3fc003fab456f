#![allow(clippy::unwrap_used, clippy::expect_used)] // tests may panic: that is how they fail
//! Control characters from AWS data: an S3 key holding them (legal in S3)
//! copies like any other, checked with the SDK against moto.

mod common;

use common::{regions_at, seeded};
use cutover::migrate::{Caps, CopyKind, CopyOptions, Scheduler, TaskSpec, TaskState};
use cutover::sandbox::sandbox_keys;

#[tokio::test]
async fn a_key_with_control_characters_copies() {
    let r = regions_at(&seeded().server.endpoint(), sandbox_keys()).await;
    let pid = std::process::id();
    let (from, to) = (format!("cc-src-{pid}"), format!("cc-dst-{pid}"));
    r.source
        .s3
        .create_bucket()
        .bucket(&from)
        .send()
        .await
        .unwrap();
    let keys = [
        "plain",
        "tab\there",
        "bell\u{7}and\u{1b}[31mred",
        "c1\u{85}\u{9b}x",
        "rtl\u{202e}gpj.exe",
    ];
    for key in keys {
        r.source
            .s3
            .put_object()
            .bucket(&from)
            .key(key)
            .body(key.as_bytes().to_vec().into())
            .send()
            .await
            .unwrap();
    }
    let dir = tempfile::tempdir().unwrap();
    let journal = std::sync::Arc::new(cutover::journal::Journal::at(
        &dir.path().join("journal.jsonl"),
    ));
    let s = Scheduler::new(r.clone(), journal, Caps::default(), Default::default());
    s.submit(TaskSpec {
        id: format!("cc-{pid}"),
        kind: CopyKind::Bucket,
        source_ids: vec![from.clone()],
        names: Default::default(),
        source_region: "us-east-1".into(),
        target_region: "eu-west-1".into(),
        options: CopyOptions {
            target_bucket: Some(to.clone()),
            ..Default::default()
        },
        known_copies: Default::default(),
    })
    .unwrap();
    s.settled().await;
    let task = s.task(&format!("cc-{pid}")).unwrap();
    assert_eq!(task.state, TaskState::Done, "{:?}", task.history);
    for key in keys {
        let got = r
            .target
            .s3
            .get_object()
            .bucket(&to)
            .key(key)
            .send()
            .await
            .unwrap_or_else(|e| panic!("{key:?} not copied: {e:?}"));
        let body = got.body.collect().await.unwrap().into_bytes();
        assert_eq!(&body[..], key.as_bytes());
    }
}

#[tokio::test]
async fn a_tag_with_a_newline_cannot_forge_an_inventory_row() {
    let r = regions_at(&seeded().server.endpoint(), sandbox_keys()).await;
    let forged = format!("vol-forged{}", std::process::id());
    let name = format!("evil\nus-east-1  volume  {forged}\u{202e}");
    r.source
        .ec2
        .create_volume()
        .availability_zone("us-east-1a")
        .size(1)
        .tag_specifications(
            aws_sdk_ec2::types::TagSpecification::builder()
                .resource_type(aws_sdk_ec2::types::ResourceType::Volume)
                .tags(
                    aws_sdk_ec2::types::Tag::builder()
                        .key("Name")
                        .value(&name)
                        .build(),
                )
                .build(),
        )
        .send()
        .await
        .unwrap();
    let home = tempfile::tempdir().unwrap();
    let o = common::cutover_command(home.path())
        .env("AWS_ACCESS_KEY_ID", "test")
        .env("AWS_SECRET_ACCESS_KEY", "test-secret")
        .env("AWS_ENDPOINT_URL", seeded().server.endpoint())
        .args(["--source", "us-east-1", "--target", "eu-west-1"])
        .args(["inventory", "--kinds", "volume"])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(
        out.contains(&format!("evil\\nus-east-1  volume  {forged}\\u{{202e}}")),
        "{out}"
    );
    assert!(
        !out.lines()
            .any(|l| l.starts_with("us-east-1  volume  vol-forged")),
        "a forged row: {out}"
    );
    assert!(!out.contains('\u{202e}'));
}
