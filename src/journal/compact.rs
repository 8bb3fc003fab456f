//! Compaction: when the journal grows past a size, the process holding the
//! writer lock rewrites it with what a policy keeps (the copy tasks' own,
//! `migrate::compact`). It runs on a thread of its own, so the append that
//! passed the size and every one after it go on at once: the thread reads
//! the journal up to its length then (a boundary between two appends'
//! lines), writes what the policy keeps to a file beside it, and only then
//! takes the file slot, briefly: it copies the lines appended meanwhile
//! onto the end of the new file, fsyncs it, renames it over the journal and
//! fsyncs the directory. A crash at any point leaves the old journal or the
//! new one, never a torn one, and every line an append returned Ok for is
//! in the file the directory names (a stale scratch file from a crash is
//! truncated by the next compaction). Followers notice the file was
//! replaced (another inode) and read it anew.

use super::{replay_lines, Entry, Journal, JournalError};
use std::fs::{File, OpenOptions};
use std::io::{BufReader, Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard};

/// Which entries a compaction writes back, in order.
pub(crate) type Policy = Arc<dyn Fn(Vec<Entry>) -> Vec<Entry> + Send + Sync>;

/// 64 MiB: a journal of years of migrations is read in well under a second.
pub const DEFAULT_COMPACT_PAST: u64 = 64 * 1024 * 1024;

/// When to compact, and how.
#[derive(Clone)]
pub(crate) struct Compaction {
    pub(crate) past_bytes: u64,
    pub(crate) policy: Policy,
    /// The next size that triggers one: after a compaction that could not
    /// shrink the file much, wait until it doubles (never every append).
    next_at: u64,
    /// A compaction's thread is at work: appends do not start another.
    running: bool,
}

impl std::fmt::Debug for Compaction {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Compaction")
            .field("past_bytes", &self.past_bytes)
            .field("next_at", &self.next_at)
            .field("running", &self.running)
            .finish()
    }
}

impl Compaction {
    pub(crate) fn new(past_bytes: u64, policy: Policy) -> Self {
        Compaction {
            past_bytes,
            policy,
            next_at: past_bytes,
            running: false,
        }
    }

    pub(super) fn due(&self, len: u64) -> bool {
        len > self.next_at
    }

    pub(super) fn done(&mut self, len_after: u64) {
        self.next_at = self.past_bytes.max(len_after.saturating_mul(2));
    }
}

/// What one compaction did. `entries_*` count what it read and kept of
/// the journal as it was when it began; `bytes_after` is the new file's
/// length, lines appended meanwhile included.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Compacted {
    pub bytes_before: u64,
    pub bytes_after: u64,
    pub entries_before: usize,
    pub entries_after: usize,
}

/// The file the new journal is written to before it replaces the old one.
pub fn scratch_path(journal: &Path) -> PathBuf {
    let mut name = journal.file_name().unwrap_or_default().to_os_string();
    name.push(".compacting");
    journal.with_file_name(name)
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

impl Journal {
    /// Compacts now with `policy` and returns once it is done (the lock is
    /// taken first: only the writer compacts; a compaction already running
    /// on its thread is waited for). Appends go on meanwhile. Lines no one
    /// can read (torn by a crash) go.
    pub(crate) fn compact_with(&self, policy: &Policy) -> Result<Compacted, JournalError> {
        self.refuse_if_read_only()?;
        self.lock_for_writing()?;
        let _one = lock(&self.rewriting);
        rewrite(&self.path, &self.file, policy)
    }

    /// Compacts with the policy this journal was opened with, if any.
    pub fn compact(&self) -> Result<Option<Compacted>, JournalError> {
        let policy = self.compaction_policy();
        match policy {
            Some(p) => self.compact_with(&p).map(Some),
            None => Ok(None),
        }
    }

    fn compaction_policy(&self) -> Option<Policy> {
        lock(&self.compaction).as_ref().map(|c| c.policy.clone())
    }

    /// Called after an append with the file's new length, holding the file
    /// slot (so it must not take it): starts a compaction on its thread if
    /// one is due and none is running, and returns at once. A compaction
    /// that fails leaves the journal as it was: it is logged and tried
    /// again once the file has doubled.
    pub(super) fn compact_if_due(&self, len: u64) {
        let mut guard = lock(&self.compaction);
        let Some(c) = guard.as_mut().filter(|c| !c.running && c.due(len)) else {
            return;
        };
        // Held already (the append took it); the thread keeps it alive even
        // if this journal is dropped first.
        let Ok(writer) = self.lock_for_writing() else {
            return;
        };
        let (path, file, state, rewriting) = (
            self.path.clone(),
            self.file.clone(),
            self.compaction.clone(),
            self.rewriting.clone(),
        );
        let policy = c.policy.clone();
        let spawned = std::thread::Builder::new()
            .name("journal-compaction".into())
            .spawn(move || {
                let _writer = writer;
                let result = {
                    let _one = lock(&rewriting);
                    // A policy that panics fails this compaction, not the
                    // process, and does not leave `running` set for ever.
                    std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                        rewrite(&path, &file, &policy)
                    }))
                };
                let len_now = std::fs::metadata(&path).map_or(len, |m| m.len());
                let mut guard = lock(&state);
                let Some(c) = guard.as_mut() else { return };
                c.running = false;
                match result {
                    Ok(Ok(done)) => {
                        tracing::info!(
                            "journal compacted: {} -> {} bytes, {} -> {} entries",
                            done.bytes_before,
                            done.bytes_after,
                            done.entries_before,
                            done.entries_after
                        );
                        c.done(done.bytes_after);
                    }
                    Ok(Err(e)) => {
                        tracing::warn!("journal compaction failed, the journal keeps every line: {e}");
                        c.done(len_now);
                    }
                    Err(_) => {
                        tracing::warn!("journal compaction failed (its policy panicked), the journal is unchanged");
                        c.done(len_now);
                    }
                }
            });
        match spawned {
            Ok(handle) => {
                c.running = true;
                // The one before has finished (`running` was off).
                *lock(&self.worker) = Some(handle);
            }
            Err(e) => {
                tracing::warn!("journal compaction not started, the journal is unchanged: {e}");
                c.done(len);
            }
        }
    }

    /// Returns once no compaction runs on its thread (for tests, and drop).
    pub(crate) fn wait_for_compaction(&self) {
        let handle = lock(&self.worker).take();
        if let Some(handle) = handle {
            let _ = handle.join();
        }
    }
}

impl Drop for Journal {
    /// A process that ends soon after an append that started a compaction
    /// (`cutover copy --yes`) finishes it: otherwise short commands would
    /// start one each and never get it done. Nothing would be lost either
    /// way (the lines are in the journal; the scratch file is overwritten
    /// by the next compaction).
    fn drop(&mut self) {
        self.wait_for_compaction();
    }
}

/// Replaces the journal at `path` with what `policy` keeps of it, followed
/// by the lines appended (through `slot`) while the policy ran. The caller
/// holds `Journal::rewriting`.
fn rewrite(
    path: &Path,
    slot: &Mutex<Option<File>>,
    policy: &Policy,
) -> Result<Compacted, JournalError> {
    let read_err = |source| JournalError::Read {
        path: path.to_path_buf(),
        source,
    };
    let write_err = |source| JournalError::Write {
        path: path.to_path_buf(),
        source,
    };
    // Where the part read ends: the length between two appends (they
    // write whole lines holding the slot).
    let (mut old, head_len) = {
        let _slot = lock(slot);
        let old = match File::open(path) {
            Ok(f) => f,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Ok(Compacted {
                    bytes_before: 0,
                    bytes_after: 0,
                    entries_before: 0,
                    entries_after: 0,
                })
            }
            Err(e) => return Err(read_err(e)),
        };
        let len = old.metadata().map_err(read_err)?.len();
        (old, len)
    };
    let found =
        replay_lines(BufReader::new(Read::by_ref(&mut old).take(head_len))).map_err(read_err)?;
    let entries_before = found.entries.len();
    let kept = policy(found.entries);
    let mut text = Vec::with_capacity(head_len as usize / 2);
    for entry in &kept {
        serde_json::to_writer(&mut text, entry).map_err(|e| JournalError::Encode(e.to_string()))?;
        text.push(b'\n');
    }
    let scratch = scratch_path(path);
    let written = (|| {
        let mut new = OpenOptions::new()
            .write(true)
            .create(true)
            .truncate(true)
            .open(&scratch)?;
        new.write_all(&text)?;
        // The lines appended while the policy ran, without holding appends
        // up: up to a length read holding the slot (a boundary between
        // lines, never cut back: a failed append only cuts its own line).
        // `old` is still the journal: only a holder of `rewriting`
        // replaces it.
        let caught_up = {
            let _slot = lock(slot);
            old.metadata()?.len()
        };
        old.seek(SeekFrom::Start(head_len))?;
        let mut tail = std::io::copy(
            &mut Read::by_ref(&mut old).take(caught_up.saturating_sub(head_len)),
            &mut new,
        )?;
        // Most of the fsync before appends are held up.
        new.sync_data()?;
        let mut slot = lock(slot);
        // The few lines appended since. No append can land in the old file
        // from here on: the slot is held until it is replaced.
        tail += std::io::copy(&mut old, &mut new)?;
        new.sync_all()?;
        drop(new);
        std::fs::rename(&scratch, path)?;
        // The open handle names the old file: the next append opens the new.
        *slot = None;
        if let Some(dir) = path.parent() {
            File::open(dir).and_then(|d| d.sync_all())?;
        }
        Ok(text.len() as u64 + tail)
    })();
    let bytes_after = written.map_err(|e| {
        let _ = std::fs::remove_file(&scratch);
        write_err(e)
    })?;
    Ok(Compacted {
        bytes_before: head_len,
        bytes_after,
        entries_before,
        entries_after: kept.len(),
    })
}

#[cfg(test)]
#[path = "compact_tests.rs"]
mod tests;
