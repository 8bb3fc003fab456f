//! The journal: one append-only file of JSON lines, shared by every part of
//! cutover that changes something (DNS cutovers, copy tasks). An intent is
//! written before the change is made and its outcome after, each line
//! flushed and fsynced before the caller goes on, so that after a crash a
//! replay tells exactly what was asked and what is known to have happened.

use crate::journal_lock::WriterLock;
pub use compact::{scratch_path, DEFAULT_COMPACT_PAST};
pub(crate) use compact::{Compaction, Policy};

mod compact;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use std::fs::{File, OpenOptions};
use std::io::{BufRead, BufReader, Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// One line of the journal.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Entry {
    /// When it was written, in milliseconds since the Unix epoch (UTC).
    pub at_ms: u64,
    /// Which part of cutover wrote it, e.g. "dns" or "copy".
    pub kind: String,
    /// What it is about, so a replay can pick one thread out of many, e.g.
    /// "dns:Z123:www.shop.example.com.".
    pub topic: String,
    /// The writer's own event, as JSON: each writer keeps its own typed
    /// enum and can grow it without touching the journal.
    pub event: serde_json::Value,
}

impl Entry {
    pub fn new<T: Serialize>(
        at: SystemTime,
        kind: &str,
        topic: &str,
        event: &T,
    ) -> Result<Self, JournalError> {
        Ok(Entry {
            at_ms: unix_ms(at),
            kind: kind.to_string(),
            topic: topic.to_string(),
            event: serde_json::to_value(event).map_err(|e| JournalError::Encode(e.to_string()))?,
        })
    }

    pub(crate) fn at(&self) -> SystemTime {
        UNIX_EPOCH + Duration::from_millis(self.at_ms)
    }

    /// The event as the writer's type; None if it is of another shape
    /// (e.g. written by a newer cutover).
    pub fn event_as<T: DeserializeOwned>(&self) -> Option<T> {
        serde_json::from_value(self.event.clone()).ok()
    }
}

pub(crate) fn unix_ms(at: SystemTime) -> u64 {
    at.duration_since(UNIX_EPOCH)
        .map(|d| d.as_millis() as u64)
        .unwrap_or(0)
}

#[derive(Debug, thiserror::Error)]
pub enum JournalError {
    #[error("cannot write the journal {path}: {source}; check the disk and the data dir's permissions (see `cutover paths`)")]
    Write {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("cannot read the journal {path}: {source}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("cannot encode a journal entry: {0}")]
    Encode(String),
    /// Another process writes this journal.
    #[error(transparent)]
    Locked(#[from] crate::journal_lock::LockError),
    /// Opened read-only (`--read-only`, or following another writer).
    #[error("read-only: nothing was written to the journal {}; run without --read-only to change anything", path.display())]
    ReadOnly { path: PathBuf },
}

impl JournalError {
    /// Another process holds the journal: headless commands exit 3.
    pub(crate) fn is_locked(&self) -> bool {
        matches!(
            self,
            JournalError::Locked(crate::journal_lock::LockError::Held { .. })
        )
    }
}

/// What a replay found.
#[derive(Debug, Default)]
pub struct Replay {
    pub entries: Vec<Entry>,
    /// Lines that could not be read (1-based line number, reason). A crash
    /// mid-write leaves at most the last line torn; it is skipped, and
    /// everything before it is kept.
    pub skipped: Vec<(usize, String)>,
}

impl Replay {
    pub(crate) fn topic<'a>(&'a self, topic: &'a str) -> impl Iterator<Item = &'a Entry> + 'a {
        self.entries.iter().filter(move |e| e.topic == topic)
    }
}

/// The journal file, open for appending.
/// Shared by every writer in the process (wrap it in an `Arc`): appends
/// are serialised by the lock, so lines never interleave. Nothing is
/// created on disk until the first append, so commands that only look
/// (or refuse bad input) leave no file behind.
#[derive(Debug)]
pub struct Journal {
    path: PathBuf,
    /// Shared with a compaction's thread, which takes it to copy the lines
    /// written meanwhile and swap the file (see `compact`).
    file: Arc<Mutex<Option<File>>>,
    /// Taken before the first write (or up front by `lock_for_writing`).
    lock: Mutex<Option<Arc<WriterLock>>>,
    /// Every write is refused (`JournalError::ReadOnly`): whatever is built
    /// on this journal (scheduler, DNS engine) cannot change anything.
    read_only: bool,
    /// Set by `compacting`: the writer rewrites the file past a size.
    compaction: Arc<Mutex<Option<Compaction>>>,
    /// Held by whoever writes the scratch file: one compaction at a time.
    rewriting: Arc<Mutex<()>>,
    /// The compaction running on its own thread, waited for on drop.
    worker: Mutex<Option<std::thread::JoinHandle<()>>>,
}

impl Journal {
    pub fn at(path: &Path) -> Self {
        Journal::with_access(path, false)
    }

    fn with_access(path: &Path, read_only: bool) -> Self {
        Journal {
            path: path.to_path_buf(),
            file: Arc::new(Mutex::new(None)),
            lock: Mutex::new(None),
            read_only,
            compaction: Arc::new(Mutex::new(None)),
            rewriting: Arc::new(Mutex::new(())),
            worker: Mutex::new(None),
        }
    }

    /// Compacts with `policy`, on a thread of its own, whenever an append
    /// takes the file past `past_bytes` (see `compact`).
    pub(crate) fn compacting(self, past_bytes: u64, policy: Policy) -> Self {
        *self.compaction.lock().unwrap_or_else(|e| e.into_inner()) =
            Some(Compaction::new(past_bytes, policy));
        self
    }

    /// A journal that can be read and followed, never written or locked.
    pub fn read_only_at(path: &Path) -> Self {
        Journal::with_access(path, true)
    }

    /// `read_only_at` when `read_only`, else `at`.
    pub(crate) fn open(path: &Path, read_only: bool) -> Self {
        if read_only {
            Journal::read_only_at(path)
        } else {
            Journal::at(path)
        }
    }

    pub(crate) fn is_read_only(&self) -> bool {
        self.read_only
    }

    fn refuse_if_read_only(&self) -> Result<(), JournalError> {
        if self.read_only {
            return Err(JournalError::ReadOnly {
                path: self.path.clone(),
            });
        }
        Ok(())
    }

    /// Takes the one-writer lock now, so a command refuses before it does
    /// anything rather than at its first write. Returns the lock (its
    /// `took_over` names a dead holder it replaced, the first time).
    pub fn lock_for_writing(&self) -> Result<Arc<WriterLock>, JournalError> {
        self.refuse_if_read_only()?;
        let mut slot = self.lock.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(lock) = slot.as_ref() {
            return Ok(lock.clone());
        }
        let lock = crate::journal_lock::acquire(&self.path)?;
        *slot = Some(lock.clone());
        Ok(lock)
    }

    pub(crate) fn path(&self) -> &Path {
        &self.path
    }

    /// Writes one entry and returns only once it is on disk.
    #[allow(clippy::expect_used)] // each expect states the invariant it relies on
    pub fn append(&self, entry: &Entry) -> Result<(), JournalError> {
        self.refuse_if_read_only()?;
        let mut line =
            serde_json::to_string(entry).map_err(|e| JournalError::Encode(e.to_string()))?;
        line.push('\n');
        let write_err = |source| JournalError::Write {
            path: self.path.clone(),
            source,
        };
        self.lock_for_writing()?;
        let mut slot = self.file.lock().unwrap_or_else(|e| e.into_inner());
        if slot.is_none() {
            *slot = Some(open_for_append(&self.path).map_err(write_err)?);
        }
        let file = slot.as_mut().expect("opened above");
        let before = file.metadata().map_err(write_err)?.len();
        // One write call per line: a crash leaves a prefix of this line at
        // worst, never a mix of two.
        let written = file
            .write_all(line.as_bytes())
            .and_then(|()| file.flush())
            .and_then(|()| file.sync_data());
        if let Err(e) = written {
            // A full disk can take part of a line: cut it off, and open
            // afresh next time so that `open_for_append` starts the next
            // line clean even if the cut failed too.
            let _ = file.set_len(before);
            *slot = None;
            return Err(write_err(e));
        }
        self.compact_if_due(before + line.len() as u64);
        Ok(())
    }

    /// Every entry so far.
    pub fn replay(&self) -> Result<Replay, JournalError> {
        replay(&self.path)
    }
}

/// Creates the file and its directory if needed. If the last line was torn
/// by a crash, a newline is written first so the next entry starts on a
/// line of its own instead of being glued to the torn one.
fn open_for_append(path: &Path) -> std::io::Result<File> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)?;
    }
    let mut file = OpenOptions::new()
        .read(true)
        .append(true)
        .create(true)
        .open(path)?;
    let len = file.metadata()?.len();
    if len > 0 {
        let mut last = [0u8; 1];
        file.seek(SeekFrom::Start(len - 1))?;
        file.read_exact(&mut last)?;
        if last[0] != b'\n' {
            file.write_all(b"\n")?;
            file.sync_data()?;
        }
    }
    Ok(file)
}

/// Reads a journal file; an absent file is an empty journal.
pub fn replay(path: &Path) -> Result<Replay, JournalError> {
    let read_err = |source| JournalError::Read {
        path: path.to_path_buf(),
        source,
    };
    let file = match File::open(path) {
        Ok(f) => f,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Replay::default()),
        Err(e) => return Err(read_err(e)),
    };
    replay_lines(BufReader::new(file)).map_err(read_err)
}

/// The entries in `text`, lines that are none skipped.
fn replay_lines(text: impl BufRead) -> std::io::Result<Replay> {
    let mut out = Replay::default();
    for (i, line) in text.split(b'\n').enumerate() {
        let line = line?;
        if line.iter().all(u8::is_ascii_whitespace) {
            continue;
        }
        match serde_json::from_slice::<Entry>(&line) {
            Ok(entry) => out.entries.push(entry),
            Err(e) => out.skipped.push((i + 1, e.to_string())),
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A journal path in a fresh directory, removed with the returned guard.
    fn temp(name: &str) -> (tempfile::TempDir, PathBuf) {
        let dir = tempfile::Builder::new()
            .prefix(&format!("cutover-journal-{name}-"))
            .tempdir()
            .unwrap();
        let path = dir.path().join("data").join("journal.jsonl");
        (dir, path)
    }

    #[derive(Debug, PartialEq, Serialize, Deserialize)]
    #[serde(tag = "type")]
    enum Event {
        Intent { step: u32 },
        Outcome { change_id: String },
    }

    #[test]
    fn a_read_only_journal_refuses_every_write_and_still_reads() {
        let (_dir, path) = temp("read-only");
        let t = UNIX_EPOCH + Duration::from_secs(1_800_000_000);
        let entry = Entry::new(t, "dns", "dns:Z1:www.", &Event::Intent { step: 1 }).unwrap();
        Journal::at(&path).append(&entry).unwrap();
        let j = Journal::read_only_at(&path);
        assert!(matches!(
            j.append(&entry),
            Err(JournalError::ReadOnly { .. })
        ));
        assert!(matches!(
            j.lock_for_writing(),
            Err(JournalError::ReadOnly { .. })
        ));
        assert_eq!(j.replay().unwrap().entries.len(), 1, "nothing added");
    }

    #[test]
    fn entries_come_back_in_order_by_topic() {
        let (_dir, path) = temp("order");
        let j = Journal::at(&path);
        let t = UNIX_EPOCH + Duration::from_secs(1_800_000_000);
        j.append(&Entry::new(t, "dns", "dns:Z1:www.", &Event::Intent { step: 1 }).unwrap())
            .unwrap();
        j.append(&Entry::new(t, "copy", "copy:ami-1", &serde_json::json!({"percent": 5})).unwrap())
            .unwrap();
        j.append(
            &Entry::new(
                t,
                "dns",
                "dns:Z1:www.",
                &Event::Outcome {
                    change_id: "C1".into(),
                },
            )
            .unwrap(),
        )
        .unwrap();
        let r = replay(&path).unwrap();
        assert_eq!(r.entries.len(), 3);
        assert!(r.skipped.is_empty());
        let dns: Vec<Event> = r.topic("dns:Z1:www.").filter_map(Entry::event_as).collect();
        assert_eq!(
            dns,
            vec![
                Event::Intent { step: 1 },
                Event::Outcome {
                    change_id: "C1".into()
                }
            ]
        );
        assert_eq!(r.entries[0].at(), t);
        assert_eq!(
            replay(&path.with_file_name("absent"))
                .unwrap()
                .entries
                .len(),
            0
        );
    }

    #[test]
    fn a_torn_last_line_is_skipped_and_the_next_entry_starts_clean() {
        let (_dir, path) = temp("torn");
        let j = Journal::at(&path);
        let t = SystemTime::now();
        j.append(&Entry::new(t, "dns", "a", &Event::Intent { step: 1 }).unwrap())
            .unwrap();
        drop(j);
        // A crash in the middle of the second write.
        let mut f = OpenOptions::new().append(true).open(&path).unwrap();
        f.write_all(br#"{"at_ms":1,"kind":"dns","topic":"a","ev"#)
            .unwrap();
        drop(f);
        let r = replay(&path).unwrap();
        assert_eq!(r.entries.len(), 1, "the whole first entry survives");
        assert_eq!(r.skipped.len(), 1);
        assert_eq!(r.skipped[0].0, 2);

        let j = Journal::at(&path);
        j.append(
            &Entry::new(
                t,
                "dns",
                "a",
                &Event::Outcome {
                    change_id: "C".into(),
                },
            )
            .unwrap(),
        )
        .unwrap();
        let r = j.replay().unwrap();
        assert_eq!(
            r.entries.len(),
            2,
            "the new entry is not glued to the torn line"
        );
        assert_eq!(r.skipped.len(), 1);
    }
}
