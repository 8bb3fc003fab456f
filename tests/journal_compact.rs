#![allow(clippy::unwrap_used, clippy::expect_used)] // tests may panic: that is how they fail
//! Journal compaction with real processes: copies made by the cutover
//! binary against moto, the report read by the binary before and after, a
//! follower reading across the file's replacement, and only the process
//! holding the writer lock compacting.

mod common;

use common::{cutover_command, regions_at, seeded, temp_home};
use cutover::journal::{Entry, Journal};
use cutover::journal_follow::Follower;
use cutover::migrate::{CopyKind, CopyOptions, TaskEvent, TaskSpec, TaskState, TaskThreads};
use cutover::sandbox::sandbox_keys;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const PAIR: (&str, &str) = ("us-east-1", "eu-west-1");

fn journal_path(home: &Path) -> PathBuf {
    home.join(".local/share/cutover/journal.jsonl")
}

fn cutover(home: &Path, args: &[&str]) -> Command {
    let mut cmd = cutover_command(home);
    cmd.env("AWS_ACCESS_KEY_ID", "test")
        .env("AWS_SECRET_ACCESS_KEY", "test-secret")
        .env("AWS_ENDPOINT_URL", seeded().server.endpoint())
        .args(["--source", PAIR.0, "--target", PAIR.1])
        .args(args);
    cmd
}

fn run(home: &Path, args: &[&str]) -> Output {
    let o = cutover(home, args).output().unwrap();
    assert!(
        o.status.success(),
        "cutover {args:?}: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    o
}

fn report(home: &Path, format: &str) -> String {
    String::from_utf8(run(home, &["report", "--format", format]).stdout).unwrap()
}

async fn own_snapshot() -> String {
    let r = regions_at(&seeded().server.endpoint(), sandbox_keys()).await;
    let vol = r
        .source
        .ec2
        .create_volume()
        .availability_zone("us-east-1a")
        .size(1)
        .send()
        .await
        .unwrap();
    r.source
        .ec2
        .create_snapshot()
        .volume_id(vol.volume_id().unwrap())
        .send()
        .await
        .unwrap()
        .snapshot_id()
        .unwrap()
        .to_string()
}

fn spec(id: &str) -> TaskSpec {
    TaskSpec {
        id: id.into(),
        kind: CopyKind::Volume,
        source_ids: vec![format!("vol-{id}")],
        names: [(format!("vol-{id}"), format!("data-{id}"))].into(),
        source_region: PAIR.0.into(),
        target_region: PAIR.1.into(),
        options: CopyOptions::default(),
        known_copies: Default::default(),
    }
}

fn line(id: &str, at_ms: u64, event: &TaskEvent) -> Entry {
    Entry {
        at_ms,
        kind: "copy".into(),
        topic: format!("copy:{}>{}:{id}", PAIR.0, PAIR.1),
        event: serde_json::to_value(event).unwrap(),
    }
}

/// A finished volume copy that was throttled, paused and retried before
/// it got through (what compaction can drop), with a note, a warning and
/// a leftover (what it must keep).
fn finished_with_retries(id: &str, t: u64) -> Vec<Entry> {
    let fail = |step| TaskEvent::Failed {
        step,
        error: "Throttling: Rate exceeded".into(),
    };
    let mut edited = spec(id);
    edited.options.target_az = Some("eu-west-1b".into());
    let mut out = vec![line(
        id,
        t,
        &TaskEvent::Created {
            spec: Box::new(spec(id)),
        },
    )];
    for round in 0..3 {
        let at = t + 10 * round;
        out.push(line(id, at + 1, &TaskEvent::StepStarted { step: 0 }));
        out.push(line(id, at + 2, &fail(0)));
        out.push(line(id, at + 3, &TaskEvent::Retried));
        out.push(line(id, at + 4, &TaskEvent::Paused { step: 0 }));
        out.push(line(id, at + 5, &TaskEvent::Resumed));
    }
    out.push(line(
        id,
        t + 40,
        &TaskEvent::Edited {
            spec: Box::new(edited),
            change: "target-az=eu-west-1b".into(),
        },
    ));
    let done = |step, k: &str, v: String| TaskEvent::StepDone {
        step,
        outputs: [(k.to_string(), v)].into(),
    };
    out.extend([
        line(id, t + 41, &TaskEvent::StepStarted { step: 0 }),
        line(id, t + 42, &done(0, "snapshot", format!("snap-{id}"))),
        line(
            id,
            t + 43,
            &TaskEvent::Leftover {
                leftover: cutover::migrate::leftover::Leftover::new(
                    PAIR.0,
                    cutover::migrate::leftover::LeftoverKind::EbsSnapshot,
                    &format!("snap-{id}"),
                    "taken of the source volume to copy it",
                ),
            },
        ),
        line(id, t + 44, &TaskEvent::StepStarted { step: 1 }),
        line(id, t + 45, &done(1, "copy", format!("snap-{id}-copy"))),
        line(
            id,
            t + 46,
            &TaskEvent::Note {
                text: "copied unencrypted".into(),
            },
        ),
        line(id, t + 47, &TaskEvent::StepStarted { step: 2 }),
        line(
            id,
            t + 48,
            &TaskEvent::Warning {
                text: "no tags carried".into(),
            },
        ),
        line(
            id,
            t + 49,
            &done(2, &format!("target:vol-{id}"), format!("vol-{id}-copy")),
        ),
        line(id, t + 50, &TaskEvent::Done),
    ]);
    out
}

/// A copy still failed: the operator may retry it, so it stays whole.
fn unfinished(id: &str, t: u64) -> Vec<Entry> {
    vec![
        line(
            id,
            t,
            &TaskEvent::Created {
                spec: Box::new(spec(id)),
            },
        ),
        line(id, t + 1, &TaskEvent::StepStarted { step: 0 }),
        line(
            id,
            t + 2,
            &TaskEvent::Failed {
                step: 0,
                error: "Throttling".into(),
            },
        ),
        line(id, t + 3, &TaskEvent::Retried),
        line(id, t + 4, &TaskEvent::StepStarted { step: 0 }),
        line(
            id,
            t + 5,
            &TaskEvent::Failed {
                step: 0,
                error: "InvalidVolume.NotFound".into(),
            },
        ),
    ]
}

/// The window opened and closed, and a DNS step in sync: kept whole.
fn window_and_dns(t: u64) -> Vec<Entry> {
    let insync = cutover::cutover::DnsEvent::Insync {
        action: cutover::cutover::Action::Step { index: 0 },
        change_id: "C1".into(),
    };
    vec![
        Entry {
            at_ms: t,
            kind: "window".into(),
            topic: "window".into(),
            event: serde_json::json!({"event": "opened"}),
        },
        Entry {
            at_ms: t + 5,
            kind: "dns".into(),
            topic: "dns:Z1:www.shop.example.".into(),
            event: serde_json::to_value(&insync).unwrap(),
        },
        Entry {
            at_ms: t + 900_000,
            kind: "window".into(),
            topic: "window".into(),
            event: serde_json::json!({"event": "closed"}),
        },
    ]
}

/// Appends entries as lines (test setup: no fsync per line).
fn write_lines(path: &Path, entries: &[Entry]) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    let mut f = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)
        .unwrap();
    for e in entries {
        writeln!(f, "{}", serde_json::to_string(e).unwrap()).unwrap();
    }
}

fn entries(path: &Path) -> Vec<Entry> {
    cutover::journal::replay(path).unwrap().entries
}

fn of_topic<'a>(all: &'a [Entry], id: &str) -> Vec<&'a Entry> {
    all.iter()
        .filter(|e| e.topic.ends_with(&format!(":{id}")))
        .collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn a_compaction_keeps_unfinished_tasks_whole_and_the_report_the_same() {
    let home = temp_home("compact-report");
    let path = journal_path(&home);
    // A real copy, run by the binary against moto.
    let snap = own_snapshot().await;
    run(&home, &["copy", "--ids", &snap, "--yes"]);
    run(&home, &["tasks", "--wait"]);
    // Earlier history beside it.
    let base = 1_800_000_000_000;
    let mut history = Vec::new();
    history.extend(finished_with_retries("old-a", base));
    history.extend(unfinished("old-b", base + 100));
    history.extend(window_and_dns(base + 200));
    history.extend(finished_with_retries("old-c", base + 300));
    write_lines(&path, &history);

    let before = entries(&path);
    let tasks_before = cutover::migrate::tasks_from(&cutover::journal::replay(&path).unwrap());
    assert_eq!(tasks_before.len(), 4, "the real copy and three journaled");
    assert_eq!(
        tasks_before[0].state,
        TaskState::Done,
        "the real copy finished"
    );
    let (md, json, list) = (
        report(&home, "markdown"),
        report(&home, "json"),
        run(&home, &["tasks"]).stdout,
    );
    assert!(md.contains("Timeline") && md.contains("old-a"), "{md}");
    let bytes_before = std::fs::metadata(&path).unwrap().len();
    assert_eq!(entries(&path), before, "reading wrote nothing");

    let journal = cutover::migrate::compact::compacting(Journal::at(&path), u64::MAX);
    let done = journal.compact().unwrap().expect("a policy was given");
    drop(journal);

    let after = entries(&path);
    assert_eq!(done.entries_before, before.len());
    assert_eq!(done.entries_after, after.len());
    // Each finished task with retries loses its 3 rounds (5 lines each)
    // and the edit (its creation's spec is the edited one).
    for id in ["old-a", "old-c"] {
        assert_eq!(of_topic(&after, id).len(), of_topic(&before, id).len() - 16);
    }
    assert!(std::fs::metadata(&path).unwrap().len() < bytes_before);
    assert_eq!(
        of_topic(&after, "old-b"),
        of_topic(&before, "old-b"),
        "the unfinished task is whole"
    );
    let other = |es: &[Entry]| {
        es.iter()
            .filter(|e| e.kind != "copy")
            .cloned()
            .collect::<Vec<_>>()
    };
    assert_eq!(other(&after), other(&before), "window and DNS whole");
    assert_eq!(of_topic(&after, "old-a").len(), 11);

    assert_eq!(report(&home, "markdown"), md, "the report is the same");
    assert_eq!(report(&home, "json"), json);
    assert_eq!(
        run(&home, &["tasks"]).stdout,
        list,
        "`cutover tasks` is the same"
    );
}

#[test]
fn a_follower_keeps_following_across_a_compaction() {
    let home = temp_home("compact-follow");
    let path = journal_path(&home);
    let writer = cutover::migrate::compact::compacting(Journal::at(&path), 16 * 1024);
    let mut follower = Follower::new(&path);
    let mut threads = TaskThreads::default();
    let mut n = 0u64;
    let add = |entries: &[Entry]| {
        for e in entries {
            writer.append(e).unwrap();
        }
    };
    add(&unfinished("kept", 1));
    threads.add(&follower.poll().unwrap().entries);
    // Finished tasks until the writer compacts (the file shrinks); the
    // follower has read up to somewhere in the old file.
    let mut last = std::fs::metadata(&path).unwrap().len();
    let mut compacted = false;
    let mut stood_at = 0;
    while !compacted {
        n += 1;
        add(&finished_with_retries(&format!("t{n}"), 1000 * n));
        let len = std::fs::metadata(&path).unwrap().len();
        compacted = len < last;
        last = len;
        if n == 1 {
            let grown = follower.poll().unwrap();
            assert!(!grown.restarted);
            threads.add(&grown.entries);
            stood_at = std::fs::metadata(&path).unwrap().len();
        }
        assert!(n < 100, "the writer never compacted");
    }
    // Grow the new file past where the follower stood in the old one, so
    // only the file's identity can tell it was replaced. At least one task
    // comes after the compaction was seen: the compaction runs on its own
    // thread, so the lines appended meanwhile may already have taken the
    // new file past 16 KiB.
    let followed_to = n;
    while n == followed_to || std::fs::metadata(&path).unwrap().len() < 16 * 1024 {
        n += 1;
        add(&unfinished(&format!("u{n}"), 1000 * n));
    }
    assert!(
        std::fs::metadata(&path).unwrap().len() > stood_at,
        "the new file is past where the follower stood in the old one"
    );
    let grown = follower.poll().unwrap();
    assert!(grown.restarted, "the follower saw the file was replaced");
    let mut fresh = TaskThreads::default();
    fresh.add(&grown.entries);
    let followed: Vec<_> = fresh.tasks();
    let read = cutover::migrate::tasks_from(&cutover::journal::replay(&path).unwrap());
    assert_eq!(followed, read, "the follower holds what a fresh read does");
    assert_eq!(followed.len() as u64, 1 + n, "every task, none twice");
    assert!(followed
        .iter()
        .any(|t| t.spec.id == "kept" && matches!(t.state, TaskState::Failed { .. })));
    // And it goes on following the new file.
    add(&unfinished("later", 1_000_000));
    let grown = follower.poll().unwrap();
    if grown.restarted {
        fresh = TaskThreads::default();
    }
    fresh.add(&grown.entries);
    assert_eq!(
        fresh.tasks(),
        cutover::migrate::tasks_from(&cutover::journal::replay(&path).unwrap())
    );
    assert!(fresh.tasks().iter().any(|t| t.spec.id == "later"));
}

#[tokio::test(flavor = "multi_thread")]
async fn only_the_lock_holder_compacts() {
    let home = temp_home("compact-lock");
    let path = journal_path(&home);
    std::fs::create_dir_all(home.join(".config/cutover")).unwrap();
    std::fs::write(
        home.join(".config/cutover/config.toml"),
        "[journal]\ncompact_past_mib = 1\n",
    )
    .unwrap();
    let mut history = unfinished("kept", 1);
    let mut n = 0;
    while history.len() < 7_000 {
        n += 1;
        history.extend(finished_with_retries(&format!("t{n}"), 1000 * n));
    }
    write_lines(&path, &history);
    let bytes = std::fs::read(&path).unwrap();
    assert!(bytes.len() > 1024 * 1024, "past the size: {}", bytes.len());

    // This process holds the lock: the binary may not write, nor compact.
    let held = Journal::at(&path);
    held.lock_for_writing().unwrap();
    let snap = own_snapshot().await;
    let o = cutover(&home, &["copy", "--ids", &snap, "--yes"])
        .output()
        .unwrap();
    assert_eq!(
        o.status.code(),
        Some(3),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    assert_eq!(std::fs::read(&path).unwrap(), bytes, "not a byte changed");
    // A read-only journal refuses to compact too.
    let reader = cutover::migrate::compact::compacting(Journal::read_only_at(&path), 1);
    assert!(reader.compact().is_err());
    drop(held);
    assert_eq!(std::fs::read(&path).unwrap(), bytes);

    // Once it holds the lock, the binary's first line takes it past the
    // size and it compacts: smaller, the unfinished task whole, the copy there.
    run(&home, &["copy", "--ids", &snap, "--yes"]);
    run(&home, &["tasks", "--wait"]);
    let after = entries(&path);
    let len = std::fs::metadata(&path).unwrap().len();
    assert!(len < bytes.len() as u64 / 2, "{len} of {}", bytes.len());
    let before = entries_of(&bytes);
    assert_eq!(of_topic(&after, "kept"), of_topic(&before, "kept"));
    let tasks = cutover::migrate::tasks_from(&cutover::journal::replay(&path).unwrap());
    assert_eq!(tasks.len() as u64, n + 2, "every task is still there");
    assert!(tasks
        .iter()
        .any(|t| t.spec.source_ids == [snap.clone()] && t.state == TaskState::Done));
    assert!(
        !cutover::journal::scratch_path(&path).exists(),
        "no scratch file left"
    );
}

fn entries_of(bytes: &[u8]) -> Vec<Entry> {
    bytes
        .split(|b| *b == b'\n')
        .filter(|l| !l.is_empty())
        .map(|l| serde_json::from_slice(l).unwrap())
        .collect()
}

#[test]
fn a_crash_mid_compaction_leaves_the_old_journal_and_the_next_one_goes_through() {
    let home = temp_home("compact-crash");
    let path = journal_path(&home);
    let mut history = finished_with_retries("a", 1);
    history.extend(unfinished("b", 100));
    write_lines(&path, &history);
    let bytes = std::fs::read(&path).unwrap();
    // A crash while the new file was being written: half of it beside the
    // journal, never renamed.
    let scratch = cutover::journal::scratch_path(&path);
    std::fs::write(&scratch, &bytes[..bytes.len() / 3]).unwrap();
    assert_eq!(
        std::fs::read(&path).unwrap(),
        bytes,
        "the journal is the old one"
    );
    assert_eq!(entries(&path).len(), history.len());
    let journal = cutover::migrate::compact::compacting(Journal::at(&path), u64::MAX);
    journal.compact().unwrap();
    assert!(!scratch.exists());
    let after = entries(&path);
    assert_eq!(after.len(), history.len() - 16);
    assert_eq!(of_topic(&after, "b").len(), 6);
}

/// Writes finished tasks with retries (one in ten unfinished) until the
/// journal is past `bytes`; returns how many tasks it wrote.
fn fill_past(path: &Path, bytes: u64) -> u64 {
    let mut n = 0u64;
    let mut batch = Vec::new();
    while std::fs::metadata(path).map_or(0, |m| m.len()) < bytes {
        for _ in 0..200 {
            n += 1;
            batch.extend(finished_with_retries(&format!("t{n}"), 1000 * n));
            if n % 10 == 0 {
                batch.extend(unfinished(&format!("u{n}"), 1000 * n + 500));
            }
        }
        write_lines(path, &batch);
        batch.clear();
    }
    n
}

/// Figures for the README (not a timed assertion): how long a compaction
/// of a journal past the default size takes, and what it keeps.
/// `cargo test --test journal_compact -- --ignored --nocapture`
#[test]
#[ignore]
fn measure_a_compaction_past_the_default_size() {
    let home = temp_home("compact-measure");
    let path = journal_path(&home);
    let n = fill_past(&path, cutover::journal::DEFAULT_COMPACT_PAST);
    let journal = cutover::migrate::compact::compacting(Journal::at(&path), u64::MAX);
    let started = std::time::Instant::now();
    let done = journal.compact().unwrap().unwrap();
    let took = started.elapsed();
    let started = std::time::Instant::now();
    let read = cutover::journal::replay(&path).unwrap().entries.len();
    println!(
        "{n} tasks: {} -> {} bytes, {} -> {} entries, compaction {:.2?}, a fresh read after {:.2?} ({read} entries)",
        done.bytes_before,
        done.bytes_after,
        done.entries_before,
        done.entries_after,
        took,
        started.elapsed()
    );
}

/// Figures for the README (not a timed assertion): how long appends take
/// while a compaction runs on its thread, against how long it runs.
/// `CUTOVER_MEASURE_MIB=16 cargo test --test journal_compact -- --ignored --nocapture measure_appends`
#[test]
#[ignore]
fn measure_appends_during_a_compaction() {
    let home = temp_home("compact-appends");
    let path = journal_path(&home);
    let mib: u64 = std::env::var("CUTOVER_MEASURE_MIB")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(16);
    let past = mib * 1024 * 1024;
    let mut n = fill_past(&path, past);
    let bytes_before = std::fs::metadata(&path).unwrap().len();
    let journal = cutover::migrate::compact::compacting(Journal::at(&path), past);
    let inode = |p: &Path| std::os::unix::fs::MetadataExt::ino(&std::fs::metadata(p).unwrap());
    let old = inode(&path);
    let started = std::time::Instant::now();
    let mut took_each = Vec::new();
    // The first append passes the size and starts it; append until the
    // journal is another file.
    while inode(&path) == old {
        n += 1;
        let t = std::time::Instant::now();
        journal
            .append(&unfinished(&format!("m{n}"), 1000 * n)[0])
            .unwrap();
        took_each.push(t.elapsed());
        assert!(started.elapsed().as_secs() < 600, "no compaction");
    }
    let took = started.elapsed();
    drop(journal);
    let appends = took_each.len() as u64;
    let (first, last) = (took_each[0], took_each[took_each.len() - 1]);
    took_each.sort();
    let at = |q: f64| took_each[((took_each.len() - 1) as f64 * q) as usize];
    let read = cutover::journal::replay(&path).unwrap().entries;
    let ours = read.iter().filter(|e| e.topic.contains(":m")).count() as u64;
    println!(
        "{bytes_before} bytes -> {} bytes; compaction {took:.2?}; {appends} appends meanwhile (all {ours} in the new file): the first {first:.2?}, the last {last:.2?}, median {:.2?}, 99th percentile {:.2?}, the slowest {:.2?}",
        std::fs::metadata(&path).unwrap().len(),
        at(0.5),
        at(0.99),
        at(1.0)
    );
    assert_eq!(ours, appends);
}
