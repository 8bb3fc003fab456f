//! One writer per journal: an advisory lock (flock) on a file beside it,
//! held by the process that writes the journal and runs its tasks. The
//! kernel lets go of a flock when its holder dies, so a lock left by a
//! crash is free at once; the file's text (who held it, since when) then
//! tells the next writer it took over from a process that is gone.

use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::fs::{File, OpenOptions};
use std::io::{Read, Seek, SeekFrom, Write};
use std::os::unix::io::AsRawFd;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, Weak};

/// Who holds (or held) the lock.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Holder {
    pub pid: u32,
    pub host: String,
    /// Milliseconds since the Unix epoch.
    pub since_ms: u64,
}

impl std::fmt::Display for Holder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "pid {} on host {} since {}",
            self.pid,
            self.host,
            utc_text(self.since_ms)
        )
    }
}

/// "2026-11-30 18:49:13 UTC".
pub(crate) fn utc_text(ms: u64) -> String {
    let at = std::time::UNIX_EPOCH + std::time::Duration::from_millis(ms);
    crate::cutover::clock::clock_time(at)
}

#[derive(Debug, thiserror::Error)]
pub enum LockError {
    #[error("the journal {path} is being written by {holder}; wait until that process ends (or open the cockpit, which follows it read-only)", path = .path.display())]
    Held { path: PathBuf, holder: Holder },
    #[error("cannot lock the journal {path}: {source}; check the data dir (see `cutover paths`)", path = .path.display())]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
}

/// The lock, held while this lives.
#[derive(Debug)]
pub struct WriterLock {
    file: File,
    /// A holder that had died without letting go of the file's text.
    pub(crate) took_over: Option<Holder>,
}

impl Drop for WriterLock {
    fn drop(&mut self) {
        // A clean end leaves no name behind: only a crash leaves one.
        let _ = self.file.set_len(0);
    }
}

/// Where the lock file of a journal is.
pub fn lock_path(journal: &Path) -> PathBuf {
    let mut name = journal.file_name().unwrap_or_default().to_os_string();
    name.push(".lock");
    journal.with_file_name(name)
}

/// Locks held by this process, by journal: several `Journal`s of one
/// process on one file share the lock instead of refusing each other.
fn held() -> &'static Mutex<HashMap<PathBuf, Weak<WriterLock>>> {
    static HELD: std::sync::OnceLock<Mutex<HashMap<PathBuf, Weak<WriterLock>>>> =
        std::sync::OnceLock::new();
    HELD.get_or_init(Default::default)
}

/// Takes the journal's lock, or says who holds it.
#[allow(clippy::expect_used)] // each expect states the invariant it relies on
pub fn acquire(journal: &Path) -> Result<Arc<WriterLock>, LockError> {
    let path = lock_path(journal);
    let mut held = held().lock().unwrap_or_else(|e| e.into_inner());
    if let Some(lock) = held.get(&path).and_then(Weak::upgrade) {
        return Ok(lock);
    }
    let io = |source| LockError::Io {
        path: path.clone(),
        source,
    };
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(io)?;
    }
    let mut file = OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .open(&path)
        .map_err(io)?;
    // SAFETY: flock on a descriptor this function owns.
    let rc = unsafe { libc::flock(file.as_raw_fd(), libc::LOCK_EX | libc::LOCK_NB) };
    if rc != 0 {
        let err = std::io::Error::last_os_error();
        if err.raw_os_error() != Some(libc::EWOULDBLOCK) {
            return Err(io(err));
        }
        return Err(LockError::Held {
            path: journal.to_path_buf(),
            holder: read_holder(&path).unwrap_or(Holder {
                pid: 0,
                host: "unknown".into(),
                since_ms: 0,
            }),
        });
    }
    let previous = read_text(&mut file).and_then(|t| serde_json::from_str::<Holder>(&t).ok());
    let me = Holder {
        pid: std::process::id(),
        host: host_name(),
        since_ms: crate::journal::unix_ms(std::time::SystemTime::now()),
    };
    let took_over = previous.filter(|p| p.pid != me.pid || p.host != me.host);
    let text = serde_json::to_string(&me).expect("a holder encodes");
    file.set_len(0).map_err(io)?;
    file.seek(SeekFrom::Start(0)).map_err(io)?;
    file.write_all(text.as_bytes()).map_err(io)?;
    file.sync_data().map_err(io)?;
    if let Some(p) = &took_over {
        tracing::warn!("took over the journal lock of {p}, which is no longer running");
    }
    let lock = Arc::new(WriterLock { file, took_over });
    held.insert(path, Arc::downgrade(&lock));
    Ok(lock)
}

/// Who holds the journal's lock now, if anyone (only the unit tests ask).
#[cfg(test)]
pub(crate) fn holder(journal: &Path) -> Option<Holder> {
    read_holder(&lock_path(journal))
}

fn read_holder(path: &Path) -> Option<Holder> {
    // The holder writes its name just after taking the lock: give it a
    // moment rather than report an empty file.
    for _ in 0..20 {
        let text = File::open(path).ok().and_then(|mut f| read_text(&mut f));
        if let Some(h) = text.and_then(|t| serde_json::from_str(&t).ok()) {
            return Some(h);
        }
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    None
}

fn read_text(file: &mut File) -> Option<String> {
    let mut text = String::new();
    file.seek(SeekFrom::Start(0)).ok()?;
    file.take(4096).read_to_string(&mut text).ok()?;
    Some(text)
}

pub fn host_name() -> String {
    let mut buf = [0u8; 256];
    // SAFETY: the buffer is writable for its length.
    let rc = unsafe { libc::gethostname(buf.as_mut_ptr().cast(), buf.len()) };
    if rc != 0 {
        return "unknown".into();
    }
    let end = buf.iter().position(|&b| b == 0).unwrap_or(buf.len());
    String::from_utf8_lossy(&buf[..end]).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_process_shares_its_lock_and_a_clean_end_leaves_no_name() {
        let dir = tempfile::tempdir().unwrap();
        let journal = dir.path().join("journal.jsonl");
        let a = acquire(&journal).unwrap();
        let b = acquire(&journal).unwrap();
        assert!(Arc::ptr_eq(&a, &b));
        assert_eq!(holder(&journal).unwrap().pid, std::process::id());
        drop((a, b));
        assert_eq!(std::fs::read(lock_path(&journal)).unwrap().len(), 0);
    }

    #[test]
    fn a_name_left_by_a_dead_holder_is_taken_over() {
        let dir = tempfile::tempdir().unwrap();
        let journal = dir.path().join("journal.jsonl");
        let dead = Holder {
            pid: 999_999_999,
            host: host_name(),
            since_ms: 1_800_000_000_000,
        };
        std::fs::write(lock_path(&journal), serde_json::to_string(&dead).unwrap()).unwrap();
        let lock = acquire(&journal).unwrap();
        assert_eq!(lock.took_over.as_ref(), Some(&dead));
        assert_eq!(
            dead.to_string(),
            format!(
                "pid 999999999 on host {} since 2027-01-15 08:00:00 UTC",
                dead.host
            )
        );
    }
}
