//! Following a journal as it grows: each poll reads only the bytes added
//! since the last one and returns the whole lines among them. A process
//! that does not hold the lock (a follower cockpit) sees the writer's
//! tasks this way without re-reading the file. A compaction replaces the
//! file (a new inode, renamed over the old): the follower keeps the file
//! it read open, so it can tell the one at the path is another one even if
//! the new one is already longer, and then reads the new one from its start.

use crate::journal::{Entry, JournalError};
use std::fs::File;
use std::io::{Read, Seek, SeekFrom};
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};

#[derive(Debug)]
pub struct Follower {
    path: PathBuf,
    offset: u64,
    /// The file read last, held open so its inode cannot be reused by a
    /// later file while we compare against it.
    reading: Option<(File, (u64, u64))>,
    /// The start of a line whose end has not been written yet.
    partial: Vec<u8>,
}

/// What one poll found.
#[derive(Debug, Default)]
pub struct Grown {
    pub entries: Vec<Entry>,
    /// The file got shorter (compacted or replaced): everything known from
    /// it before is void, and `entries` hold it again from the start.
    pub restarted: bool,
    /// Lines that could not be read, with the reason.
    pub(crate) skipped: Vec<String>,
}

impl Follower {
    pub fn new(path: &Path) -> Self {
        Follower {
            path: path.to_path_buf(),
            offset: 0,
            reading: None,
            partial: Vec::new(),
        }
    }

    /// The lines added since the last poll (all of them the first time).
    pub fn poll(&mut self) -> Result<Grown, JournalError> {
        let read_err = |source| JournalError::Read {
            path: self.path.clone(),
            source,
        };
        let mut file = match File::open(&self.path) {
            Ok(f) => f,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Grown::default()),
            Err(e) => return Err(read_err(e)),
        };
        let meta = file.metadata().map_err(read_err)?;
        let (len, identity) = (meta.len(), (meta.dev(), meta.ino()));
        let mut grown = Grown::default();
        let replaced = self.reading.as_ref().is_some_and(|(_, id)| *id != identity);
        if replaced || len < self.offset {
            grown.restarted = true;
            self.offset = 0;
            self.partial.clear();
        }
        if len == self.offset {
            self.reading = Some((file, identity));
            return Ok(grown);
        }
        file.seek(SeekFrom::Start(self.offset)).map_err(read_err)?;
        let mut bytes = std::mem::take(&mut self.partial);
        let read = (&mut file)
            .take(len - self.offset)
            .read_to_end(&mut bytes)
            .map_err(read_err)?;
        self.offset += read as u64;
        self.reading = Some((file, identity));
        let whole = bytes.iter().rposition(|&b| b == b'\n').map_or(0, |i| i + 1);
        self.partial = bytes.split_off(whole);
        for line in bytes.split(|&b| b == b'\n') {
            if line.iter().all(u8::is_ascii_whitespace) {
                continue;
            }
            match serde_json::from_slice::<Entry>(line) {
                Ok(entry) => grown.entries.push(entry),
                Err(e) => grown.skipped.push(e.to_string()),
            }
        }
        Ok(grown)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn line(topic: &str) -> String {
        let e = Entry::new(std::time::SystemTime::now(), "copy", topic, &1).unwrap();
        format!("{}\n", serde_json::to_string(&e).unwrap())
    }

    #[test]
    fn each_poll_returns_only_new_whole_lines() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("journal.jsonl");
        let mut f = Follower::new(&path);
        assert!(f.poll().unwrap().entries.is_empty(), "no file yet");
        let mut file = std::fs::File::create(&path).unwrap();
        let (a, b) = (line("a"), line("b"));
        file.write_all(a.as_bytes()).unwrap();
        file.write_all(&b.as_bytes()[..10]).unwrap();
        let got = f.poll().unwrap();
        assert_eq!(got.entries.len(), 1);
        assert_eq!(got.entries[0].topic, "a");
        assert!(got.skipped.is_empty(), "half a line waits for its end");
        file.write_all(&b.as_bytes()[10..]).unwrap();
        let got = f.poll().unwrap();
        assert_eq!(got.entries.len(), 1);
        assert_eq!(got.entries[0].topic, "b");
        assert!(f.poll().unwrap().entries.is_empty());
        std::fs::write(&path, line("c")).unwrap();
        let got = f.poll().unwrap();
        assert!(got.restarted);
        assert_eq!(got.entries[0].topic, "c");
    }
}
