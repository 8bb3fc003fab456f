#![allow(clippy::unwrap_used, clippy::expect_used)]
//! A scheduler on a read-only journal refuses every change with its typed
//! error, and shows the tasks it is given without running them. Its
//! clients point at a closed port: nothing here may reach AWS.

mod common;

use common::regions_at;
use cutover::journal::Journal;
use cutover::migrate::{
    Caps, CopyKind, Scheduler, SchedulerError, Task, TaskEvent, TaskSpec, TaskState,
};
use cutover::sandbox::sandbox_keys;
use std::sync::Arc;

fn spec(id: &str) -> TaskSpec {
    TaskSpec {
        id: id.into(),
        kind: CopyKind::KeyPair,
        source_ids: vec!["key-0abc".into()],
        names: Default::default(),
        source_region: "us-east-1".into(),
        target_region: "eu-west-1".into(),
        options: Default::default(),
        known_copies: Default::default(),
    }
}

fn task(id: &str, events: &[TaskEvent]) -> Task {
    let mut task = Task::new(spec(id), 1);
    for e in events {
        task.apply(2, e);
    }
    task
}

#[tokio::test(flavor = "current_thread")]
async fn a_read_only_scheduler_refuses_every_change_and_runs_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("journal.jsonl");
    let regions = regions_at("http://127.0.0.1:9", sandbox_keys()).await;
    let journal = Arc::new(Journal::read_only_at(&path));
    let s = Scheduler::new(regions, journal, Caps::default(), Default::default());

    let running = task("t-running", &[TaskEvent::StepStarted { step: 0 }]);
    assert!(running.is_resumable());
    s.restore(running.clone());
    let failed = task(
        "t-failed",
        &[TaskEvent::Failed {
            step: 0,
            error: "throttled".into(),
        }],
    );
    s.restore(failed.clone());
    let paused = task("t-paused", &[TaskEvent::Paused { step: 0 }]);
    s.restore(paused.clone());

    let read_only = Err(SchedulerError::ReadOnly);
    assert_eq!(s.submit(spec("t-new")), read_only);
    assert_eq!(s.resume("t-paused"), read_only);
    assert_eq!(s.retry("t-failed"), read_only);
    assert_eq!(s.cancel("t-running"), read_only);
    assert_eq!(s.promote("t-running", false), read_only);
    assert_eq!(
        s.edit("t-failed", spec("t-failed"), "kms_key_id=k".into()),
        read_only
    );

    // A run spawned on this single-threaded runtime would have taken its
    // first step (and failed on the journal) by the time these yields end.
    for _ in 0..20 {
        tokio::task::yield_now().await;
    }
    assert_eq!(s.task("t-running"), Some(running), "shown as left, not run");
    assert!(matches!(
        s.task("t-failed").map(|t| t.state),
        Some(TaskState::Failed { .. })
    ));
    assert_eq!(s.task("t-paused"), Some(paused));
    assert_eq!(s.task("t-new"), None, "nothing submitted");
    assert!(!path.exists(), "nothing journaled");
}
