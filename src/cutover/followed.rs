//! The DNS cutovers as the journal tells them, read once per engine and
//! then followed: each look reads only what was added since the last (its
//! own writes and anyone else's), not the whole file for every step. A
//! compaction (the file replaced) starts the reading over.

use crate::journal::{Entry, JournalError, Replay};
use crate::journal_follow::Follower;
use std::path::Path;
use std::sync::{Arc, Mutex};

#[derive(Debug, Clone)]
pub(crate) struct FollowedDns {
    inner: Arc<Mutex<Seen>>,
}

#[derive(Debug)]
struct Seen {
    follower: Follower,
    /// The journal's "dns" entries, in order.
    dns: Vec<Entry>,
}

impl FollowedDns {
    pub(crate) fn new(journal: &Path) -> Self {
        FollowedDns {
            inner: Arc::new(Mutex::new(Seen {
                follower: Follower::new(journal),
                dns: Vec::new(),
            })),
        }
    }

    /// The DNS entries now, as a replay.
    pub(crate) fn replay(&self) -> Result<Replay, JournalError> {
        let mut seen = self.inner.lock().unwrap_or_else(|e| e.into_inner());
        let grown = seen.follower.poll()?;
        if grown.restarted {
            seen.dns.clear();
        }
        seen.dns
            .extend(grown.entries.into_iter().filter(|e| e.kind == "dns"));
        Ok(Replay {
            entries: seen.dns.clone(),
            skipped: Vec::new(),
        })
    }
}
