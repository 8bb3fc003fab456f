//! Compaction: when the journal grows past a size, the process holding the
//! writer lock rewrites it with what a policy keeps (the copy tasks' own,
//! `migrate::compact`). The new text is written to a file beside it,
//! fsynced, renamed over the journal and the directory fsynced: a crash at
//! any point leaves the old journal or the new one, never a torn one.
//! Followers notice the file was replaced (another inode) and read it anew.

use super::{open_for_append, replay, Entry, Journal, JournalError};
use std::fs::{File, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Arc;

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
}

impl std::fmt::Debug for Compaction {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Compaction")
            .field("past_bytes", &self.past_bytes)
            .field("next_at", &self.next_at)
            .finish()
    }
}

impl Compaction {
    pub(crate) fn new(past_bytes: u64, policy: Policy) -> Self {
        Compaction {
            past_bytes,
            policy,
            next_at: past_bytes,
        }
    }

    pub(super) fn due(&self, len: u64) -> bool {
        len > self.next_at
    }

    pub(super) fn done(&mut self, len_after: u64) {
        self.next_at = self.past_bytes.max(len_after.saturating_mul(2));
    }
}

/// What one compaction did.
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

impl Journal {
    /// Compacts now with `policy` (the lock is taken first: only the
    /// writer compacts). Lines no one can read (torn by a crash) go.
    pub(crate) fn compact_with(&self, policy: &Policy) -> Result<Compacted, JournalError> {
        self.refuse_if_read_only()?;
        self.lock_for_writing()?;
        let mut slot = self.file.lock().unwrap_or_else(|e| e.into_inner());
        let done = rewrite(&self.path, policy)?;
        // The open handle names the old file: the next append opens the new.
        *slot = None;
        Ok(done)
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
        let c = self.compaction.lock().unwrap_or_else(|e| e.into_inner());
        c.as_ref().map(|c| c.policy.clone())
    }

    /// Called after an append with the file's new length, holding the file
    /// slot. A compaction that fails leaves the journal as it was (the
    /// line is already on disk): it is logged and tried again later.
    pub(super) fn compact_if_due(&self, len: u64, slot: &mut Option<File>) {
        let mut guard = self.compaction.lock().unwrap_or_else(|e| e.into_inner());
        let Some(c) = guard.as_mut().filter(|c| c.due(len)) else {
            return;
        };
        match rewrite(&self.path, &c.policy) {
            Ok(done) => {
                tracing::info!(
                    "journal compacted: {} -> {} bytes, {} -> {} entries",
                    done.bytes_before,
                    done.bytes_after,
                    done.entries_before,
                    done.entries_after
                );
                c.done(done.bytes_after);
                *slot = None;
            }
            Err(e) => {
                tracing::warn!("journal compaction failed, the journal is unchanged: {e}");
                c.done(len);
            }
        }
    }
}

/// Replaces the journal at `path` with what `policy` keeps of it.
fn rewrite(path: &Path, policy: &Policy) -> Result<Compacted, JournalError> {
    let write_err = |source| JournalError::Write {
        path: path.to_path_buf(),
        source,
    };
    let bytes_before = std::fs::metadata(path).map(|m| m.len()).unwrap_or(0);
    let found = replay(path)?;
    let entries_before = found.entries.len();
    let kept = policy(found.entries);
    let mut text = Vec::with_capacity(bytes_before as usize / 2);
    for entry in &kept {
        serde_json::to_writer(&mut text, entry).map_err(|e| JournalError::Encode(e.to_string()))?;
        text.push(b'\n');
    }
    let scratch = scratch_path(path);
    let mut file = OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(true)
        .open(&scratch)
        .map_err(write_err)?;
    file.write_all(&text)
        .and_then(|()| file.sync_all())
        .map_err(write_err)?;
    drop(file);
    std::fs::rename(&scratch, path).map_err(write_err)?;
    if let Some(dir) = path.parent() {
        File::open(dir)
            .and_then(|d| d.sync_all())
            .map_err(write_err)?;
    }
    // Opening for append checks the new file ends cleanly.
    drop(open_for_append(path).map_err(write_err)?);
    Ok(Compacted {
        bytes_before,
        bytes_after: text.len() as u64,
        entries_before,
        entries_after: kept.len(),
    })
}
