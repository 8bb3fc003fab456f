//! Compaction on its own thread: appends go on while the policy runs, and
//! the new journal holds what the policy kept plus every line appended
//! meanwhile, in order.

use super::*;
use crate::journal::replay;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc;
use std::time::Duration;

/// Long enough for a compaction that is blocked to be told from one that
/// is not, even on a loaded machine.
const PATIENCE: Duration = Duration::from_secs(60);

fn entry(topic: &str, n: u64) -> Entry {
    Entry {
        at_ms: n,
        kind: "test".into(),
        topic: topic.into(),
        event: serde_json::json!({ "n": n }),
    }
}

/// Keeps all but the "noise" lines.
fn quiet(entries: Vec<Entry>) -> Vec<Entry> {
    entries.into_iter().filter(|e| e.topic != "noise").collect()
}

fn journal_in(dir: &tempfile::TempDir) -> PathBuf {
    dir.path().join("data").join("journal.jsonl")
}

#[test]
fn appends_go_on_while_a_compaction_runs_and_every_one_is_kept() {
    let dir = tempfile::tempdir().unwrap();
    let path = journal_in(&dir);
    let (started_tx, started_rx) = mpsc::channel::<usize>();
    let (release_tx, release_rx) = mpsc::channel::<()>();
    let (started_tx, release_rx) = (Mutex::new(started_tx), Mutex::new(release_rx));
    // Says how many entries it was given, then waits until the test lets
    // it go (the sender dropped: also when the test fails).
    let policy: Policy = Arc::new(move |entries: Vec<Entry>| {
        let _ = lock(&started_tx).send(entries.len());
        let _ = lock(&release_rx).recv();
        quiet(entries)
    });
    const PAST: u64 = 4 * 1024;
    let journal = Arc::new(Journal::at(&path).compacting(PAST, policy));

    let (crossed_tx, crossed_rx) = mpsc::channel::<Vec<Entry>>();
    let (go_tx, go_rx) = mpsc::channel::<()>();
    let (done_tx, done_rx) = mpsc::channel::<Vec<Entry>>();
    let writer = journal.clone();
    let appender = std::thread::spawn(move || {
        let mut early = Vec::new();
        let mut n = 0;
        while std::fs::metadata(&path).map_or(0, |m| m.len()) <= PAST {
            n += 1;
            let e = entry(if n % 2 == 0 { "noise" } else { "keep" }, n);
            writer.append(&e).unwrap();
            early.push(e);
        }
        let _ = crossed_tx.send(early);
        if go_rx.recv().is_err() {
            return;
        }
        let mut later = Vec::new();
        for i in 0..30 {
            n += 1;
            let e = entry(if i % 2 == 0 { "noise" } else { "later" }, n);
            writer.append(&e).unwrap();
            later.push(e);
        }
        let _ = done_tx.send(later);
    });

    let early = crossed_rx
        .recv_timeout(PATIENCE)
        .expect("the append that passed the size returned while the policy was blocked");
    let given = started_rx
        .recv_timeout(PATIENCE)
        .expect("a compaction started");
    assert_eq!(
        given,
        early.len(),
        "it read the journal up to the append that started it"
    );
    go_tx.send(()).unwrap();
    let later = done_rx
        .recv_timeout(PATIENCE)
        .expect("appends went on while the policy was blocked");
    let path = journal_in(&dir);
    assert_eq!(
        replay(&path).unwrap().entries,
        [early.clone(), later.clone()].concat(),
        "not replaced yet: every line as written"
    );

    drop(release_tx);
    appender.join().unwrap();
    journal.wait_for_compaction();
    let kept = quiet(early.clone());
    assert!(kept.len() < early.len(), "the policy dropped some");
    assert_eq!(
        replay(&path).unwrap().entries,
        [kept, later].concat(),
        "what the policy kept, then every line appended meanwhile (noise too)"
    );
    assert!(!scratch_path(&path).exists(), "no scratch file left");
    // The next append goes into the new file.
    let last = entry("keep", 1_000_000);
    journal.append(&last).unwrap();
    assert_eq!(replay(&path).unwrap().entries.last(), Some(&last));
}

#[test]
fn a_failed_compaction_leaves_the_journal_as_it_was_and_the_next_one_runs() {
    let dir = tempfile::tempdir().unwrap();
    let path = journal_in(&dir);
    let first = Arc::new(AtomicBool::new(true));
    let fails_once = first.clone();
    let policy: Policy = Arc::new(move |entries: Vec<Entry>| {
        if fails_once.swap(false, Ordering::SeqCst) {
            panic!("the policy fails (as a test)");
        }
        quiet(entries)
    });
    let journal = Journal::at(&path).compacting(1024, policy);
    let mut written = Vec::new();
    let mut n = 0;
    while std::fs::metadata(&path).map_or(0, |m| m.len()) <= 1024 {
        n += 1;
        let e = entry(if n % 2 == 0 { "noise" } else { "keep" }, n);
        journal.append(&e).unwrap();
        written.push(e);
    }
    journal.wait_for_compaction();
    assert!(!first.load(Ordering::SeqCst), "the compaction ran");
    assert_eq!(replay(&path).unwrap().entries, written, "unchanged");
    assert!(!scratch_path(&path).exists());
    let e = entry("keep", 0);
    journal.append(&e).unwrap();
    written.push(e);
    // Not stuck as running: the next one goes through.
    let done = journal.compact().unwrap().unwrap();
    assert_eq!(done.entries_before, written.len());
    assert_eq!(replay(&path).unwrap().entries, quiet(written));
}
