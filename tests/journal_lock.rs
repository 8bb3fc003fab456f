#![allow(clippy::unwrap_used, clippy::expect_used)] // tests may panic: that is how they fail
//! One writer per journal, with real processes: the cutover binary against
//! moto, AWS state checked with the SDK. Also: a resumed task runs in the
//! regions it was journaled for, and `tasks --wait`/`--retry` exit codes.

mod common;

use common::{cutover_command, regions_at, seeded};
use cutover::cloud::Regions;
use cutover::journal::Journal;
use cutover::migrate::{CopyKind, CopyOptions, TaskEvent, TaskJournal, TaskSpec};
use cutover::model::resource::SOURCE_ID_TAG;
use cutover::sandbox::sandbox_keys;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn journal_path(home: &Path) -> PathBuf {
    home.join(".local/share/cutover/journal.jsonl")
}

fn cutover(home: &Path, pair: (&str, &str), args: &[&str]) -> Command {
    let mut cmd = cutover_command(home);
    cmd.env("AWS_ACCESS_KEY_ID", "test")
        .env("AWS_SECRET_ACCESS_KEY", "test-secret")
        .env("AWS_ENDPOINT_URL", seeded().server.endpoint())
        .args(["--source", pair.0, "--target", pair.1])
        .args(args);
    cmd
}

const PAIR: (&str, &str) = ("us-east-1", "eu-west-1");

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// A task journaled as if the process running it had been killed in its
/// first step.
fn journal_unfinished(home: &Path, spec: &TaskSpec) {
    let journal = Journal::at(&journal_path(home));
    journal
        .record_for(
            spec,
            1,
            &TaskEvent::Created {
                spec: Box::new(spec.clone()),
            },
        )
        .unwrap();
    journal
        .record_for(spec, 2, &TaskEvent::StepStarted { step: 0 })
        .unwrap();
    // Dropping the journal lets go of this test process's lock.
}

fn spec(id: &str, kind: CopyKind, source: &str, pair: (&str, &str)) -> TaskSpec {
    TaskSpec {
        id: id.into(),
        kind,
        source_ids: vec![source.into()],
        names: Default::default(),
        source_region: pair.0.into(),
        target_region: pair.1.into(),
        options: CopyOptions::default(),
        known_copies: Default::default(),
    }
}

async fn regions() -> Regions {
    regions_at(&seeded().server.endpoint(), sandbox_keys()).await
}

/// A snapshot of its own in the source region, for one test.
async fn own_snapshot(r: &Regions) -> String {
    let ec2 = &r.source.ec2;
    let vol = ec2
        .create_volume()
        .availability_zone("us-east-1a")
        .size(1)
        .send()
        .await
        .unwrap();
    ec2.create_snapshot()
        .volume_id(vol.volume_id().unwrap())
        .send()
        .await
        .unwrap()
        .snapshot_id()
        .unwrap()
        .to_string()
}

/// Snapshots in `region` that are copies of `source` (by the tag every copy gets).
async fn copies_of(r: &Regions, region: &str, source: &str) -> usize {
    let ec2 = r.target.in_region(region).ec2;
    let found = ec2
        .describe_snapshots()
        .owner_ids("self")
        .filters(
            aws_sdk_ec2::types::Filter::builder()
                .name(format!("tag:{SOURCE_ID_TAG}"))
                .values(source)
                .build(),
        )
        .send()
        .await
        .unwrap();
    found.snapshots().len()
}

#[tokio::test]
async fn two_waits_on_one_unfinished_copy_copy_once() {
    let r = regions().await;
    let snap = own_snapshot(&r).await;
    let home = tempfile::tempdir().unwrap();
    journal_unfinished(
        home.path(),
        &spec("lock-twice", CopyKind::Snapshot, &snap, PAIR),
    );
    let start = || {
        cutover(home.path(), PAIR, &["tasks", "--wait"])
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap()
    };
    let (a, b) = (start(), start());
    let (a, b) = (a.wait_with_output().unwrap(), b.wait_with_output().unwrap());
    for o in [&a, &b] {
        let code = o.status.code();
        assert!(
            code == Some(0) || code == Some(3),
            "each either ran or refused: {code:?} {}",
            stderr(o)
        );
        if code == Some(3) {
            assert!(
                stderr(o).contains("is being written by pid"),
                "{}",
                stderr(o)
            );
        }
    }
    assert_eq!(
        copies_of(&r, PAIR.1, &snap).await,
        1,
        "one copy of {snap}, not one per process"
    );
}

#[tokio::test]
async fn a_second_writer_refuses_with_who_holds_the_journal() {
    let r = regions().await;
    let snap = own_snapshot(&r).await;
    let home = tempfile::tempdir().unwrap();
    let journal = journal_path(home.path());
    journal_unfinished(
        home.path(),
        &spec("lock-held", CopyKind::Snapshot, &snap, PAIR),
    );
    // This test process is the writer now.
    let held = cutover::journal_lock::acquire(&journal).unwrap();

    let o = cutover(home.path(), PAIR, &["tasks", "--wait"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(3), "{}", stderr(&o));
    let said = stderr(&o);
    assert!(
        said.contains(&format!(
            "pid {} on host {}",
            std::process::id(),
            cutover::journal_lock::host_name()
        )) && said.contains(" since 20"),
        "{said}"
    );
    let o = cutover(home.path(), PAIR, &["copy", "--ids", &snap, "--yes"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(3), "{}", stderr(&o));
    assert_eq!(copies_of(&r, PAIR.1, &snap).await, 0, "nothing was copied");

    // Listing only reads: it goes on while another process writes.
    let o = cutover(home.path(), PAIR, &["tasks"]).output().unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(String::from_utf8_lossy(&o.stdout).contains("lock-held"));
    drop(held);

    // A holder that died (a pid that cannot exist) is taken over, and said so.
    let dead = cutover::journal_lock::Holder {
        pid: 999_999_999,
        host: cutover::journal_lock::host_name(),
        since_ms: 1_800_000_000_000,
    };
    std::fs::write(
        cutover::journal_lock::lock_path(&journal),
        serde_json::to_string(&dead).unwrap(),
    )
    .unwrap();
    let o = cutover(home.path(), PAIR, &["tasks", "--wait"])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("took over the journal lock of pid 999999999"),
        "{}",
        stderr(&o)
    );
    assert_eq!(copies_of(&r, PAIR.1, &snap).await, 1);
}

#[tokio::test]
async fn a_resumed_task_runs_in_the_regions_it_was_made_for() {
    let r = regions().await;
    let snap = own_snapshot(&r).await;
    let home = tempfile::tempdir().unwrap();
    journal_unfinished(
        home.path(),
        &spec("lock-regions", CopyKind::Snapshot, &snap, PAIR),
    );
    let other = ("us-east-1", "ap-southeast-2");

    // Another migration's pair does not see (or run) this task...
    let o = cutover(home.path(), other, &["tasks", "--wait"])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        !String::from_utf8_lossy(&o.stdout).contains("lock-regions"),
        "only the current pair's tasks are listed"
    );
    assert_eq!(copies_of(&r, PAIR.1, &snap).await, 0);
    // ...and `--all` lists and runs it, in its own regions.
    let o = cutover(home.path(), other, &["tasks", "--wait", "--all"])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(String::from_utf8_lossy(&o.stdout).contains("lock-regions"));
    assert_eq!(
        copies_of(&r, PAIR.1, &snap).await,
        1,
        "landed in {}",
        PAIR.1
    );
    assert_eq!(copies_of(&r, other.1, &snap).await, 0, "not in {}", other.1);
}

#[tokio::test]
async fn failed_tasks_stop_the_wait_and_retry_with_changed_options() {
    let r = regions().await;
    let pid = std::process::id();
    let (source, target) = (format!("lk-src-{pid}"), format!("lk-dst-{pid}"));
    let home = tempfile::tempdir().unwrap();
    let mut task = spec("lock-retry", CopyKind::Bucket, &source, PAIR);
    task.options.target_bucket = Some(target.clone());
    journal_unfinished(home.path(), &task);

    // The source bucket does not exist yet: the task fails, and says so.
    let o = cutover(home.path(), PAIR, &["tasks", "--wait"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(stderr(&o).contains("failed: lock-retry"), "{}", stderr(&o));

    let s3 = &r.source.s3;
    s3.create_bucket().bucket(&source).send().await.unwrap();
    for key in ["a", "b", "c"] {
        s3.put_object()
            .bucket(&source)
            .key(key)
            .body(key.as_bytes().to_vec().into())
            .send()
            .await
            .unwrap();
    }
    // An option in other words than the operator's is refused, nothing retried.
    let o = cutover(
        home.path(),
        PAIR,
        &["tasks", "--retry", "failed", "--set", "colour=red"],
    )
    .output()
    .unwrap();
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains("unknown option 'colour'"),
        "{}",
        stderr(&o)
    );
    let o = cutover(
        home.path(),
        PAIR,
        &["tasks", "--retry", "failed", "--set", "kms-key-id="],
    )
    .output()
    .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("changed: kms-key-id cleared"),
        "{}",
        stderr(&o)
    );
    let listed = r
        .target
        .s3
        .list_objects_v2()
        .bucket(&target)
        .send()
        .await
        .unwrap();
    let keys: Vec<&str> = listed.contents().iter().filter_map(|o| o.key()).collect();
    assert_eq!(keys, ["a", "b", "c"]);

    let o = cutover(home.path(), PAIR, &["tasks", "--retry", "nope"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("no task nope"), "{}", stderr(&o));
}

/// Writes the first `left` lines, then fails as a full disk does.
struct FillingJournal(std::sync::atomic::AtomicUsize);

impl TaskJournal for FillingJournal {
    fn record(&self, _: &str, _: u64, _: &TaskEvent) -> Result<(), String> {
        let left = self.0.load(std::sync::atomic::Ordering::SeqCst);
        if left == 0 {
            return Err("cannot write the journal: No space left on device (os error 28)".into());
        }
        self.0.store(left - 1, std::sync::atomic::Ordering::SeqCst);
        Ok(())
    }
}

#[tokio::test]
async fn a_journal_that_fills_up_stops_the_task_instead_of_hanging() {
    let r = regions().await;
    let snap = own_snapshot(&r).await;
    // Created and the first StepStarted are written; StepDone is not.
    let journal = std::sync::Arc::new(FillingJournal(2.into()));
    let s = cutover::migrate::Scheduler::new(
        r.clone(),
        journal,
        Default::default(),
        Default::default(),
    );
    let task = spec("lock-full", CopyKind::Snapshot, &snap, PAIR);
    s.submit(task).unwrap();
    tokio::time::timeout(std::time::Duration::from_secs(60), s.settled())
        .await
        .expect("the wait ends");
    match s.task("lock-full").unwrap().state {
        cutover::migrate::TaskState::Failed { error, .. } => {
            assert!(error.contains("journal cannot be written"), "{error}");
            assert!(error.contains("No space left"), "{error}");
        }
        other => panic!("expected failed, got {other:?}"),
    }
}

#[test]
fn a_task_that_panics_fails_with_its_message() {
    let home = tempfile::tempdir().unwrap();
    // A hostile (or hand-edited) journal line: a copy of nothing.
    let mut hostile = spec("lock-panic", CopyKind::Snapshot, "x", PAIR);
    hostile.source_ids.clear();
    journal_unfinished(home.path(), &hostile);
    let mut child = cutover(home.path(), PAIR, &["tasks", "--wait"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    while child.try_wait().unwrap().is_none() {
        if std::time::Instant::now() > deadline {
            let _ = child.kill();
            panic!("`tasks --wait` hangs on a task that panicked");
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    let o = child.wait_with_output().unwrap();
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("cutover hit a bug in this task"),
        "{}",
        stderr(&o)
    );
}
