#![allow(clippy::unwrap_used, clippy::expect_used)] // tests may panic: that is how they fail
//! Creates that survive a crash or a lost answer: a re-run finds its own
//! half-done work instead of failing on "already exists". Checked with the
//! SDK against moto.

mod common;

use common::{regions_at, seeded};
use cutover::migrate::{
    Caps, CopyKind, CopyOptions, Scheduler, Task, TaskEvent, TaskSpec, TaskState,
};
use cutover::model::resource::SOURCE_ID_TAG;
use cutover::sandbox::sandbox_keys;

#[tokio::test]
async fn a_bucket_made_before_a_crash_but_never_tagged_is_taken_up() {
    let r = regions_at(&seeded().server.endpoint(), sandbox_keys()).await;
    let pid = std::process::id();
    let (from, to) = (format!("la-src-{pid}"), format!("la-dst-{pid}"));
    r.source
        .s3
        .create_bucket()
        .bucket(&from)
        .send()
        .await
        .unwrap();
    r.source
        .s3
        .put_object()
        .bucket(&from)
        .key("k")
        .body(b"v".to_vec().into())
        .send()
        .await
        .unwrap();
    // CreateBucket ran, then the process died before PutBucketTagging.
    r.target
        .s3
        .create_bucket()
        .bucket(&to)
        .create_bucket_configuration(
            aws_sdk_s3::types::CreateBucketConfiguration::builder()
                .location_constraint(aws_sdk_s3::types::BucketLocationConstraint::EuWest1)
                .build(),
        )
        .send()
        .await
        .unwrap();
    let spec = TaskSpec {
        id: format!("la-{pid}"),
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
    };
    let events = [
        TaskEvent::Created {
            spec: Box::new(spec.clone()),
        },
        TaskEvent::StepStarted { step: 0 },
    ];
    let task = Task::replay(events.iter().map(|e| (1, e))).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let journal = std::sync::Arc::new(cutover::journal::Journal::at(
        &dir.path().join("journal.jsonl"),
    ));
    let s = Scheduler::new(r.clone(), journal, Caps::default(), Default::default());
    s.restore(task);
    s.settled().await;
    let task = s.task(&spec.id).unwrap();
    assert_eq!(task.state, TaskState::Done, "{:?}", task.history);
    let tags = r
        .target
        .s3
        .get_bucket_tagging()
        .bucket(&to)
        .send()
        .await
        .unwrap();
    assert!(
        tags.tag_set()
            .iter()
            .any(|t| t.key() == SOURCE_ID_TAG && t.value() == from),
        "tagged as the copy of {from} now"
    );
    let got = r.target.s3.get_object().bucket(&to).key("k").send().await;
    assert!(got.is_ok(), "the object was copied");
}
