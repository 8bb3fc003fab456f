//! The copy tasks as they stand now, shared by what changes them (the
//! scheduler, or a follower reading another process's journal) and what
//! shows them (the cockpit reads them when it draws). Each change is told
//! as a small notification, which task and what changed, over a bounded
//! channel; whoever listens pulls the task itself. A task's history only
//! grows, so sending whole tasks on every progress report would cost more
//! the longer a copy runs.

use super::task::Task;
use std::collections::{BTreeMap, BTreeSet};
use std::sync::{Arc, LockResult, Mutex, MutexGuard, PoisonError};
use tokio::sync::mpsc::{self, error::TrySendError};

/// How many changes may wait for the listener (the cockpit reads them
/// between frames; 200 busy tasks report about 800 a second).
pub const CHANGES_BOUND: usize = 1024;

/// What changed in a task.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Changed {
    /// Progress or transfer figures: frequent, not journaled. Dropped when
    /// the listener is behind (the next draw shows the newest figures).
    Progress,
    /// New here, or its state, step, history, notes or warnings (each
    /// journaled). Never lost: see `TaskStore::take_missed`.
    State,
}

/// One change of one task, as told to the listener.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TaskChange {
    pub id: String,
    pub what: Changed,
}

impl TaskChange {
    pub fn state(id: &str) -> Self {
        TaskChange {
            id: id.to_string(),
            what: Changed::State,
        }
    }
}

/// Tasks by id, behind one lock; cloning shares the same tasks.
#[derive(Clone, Default)]
pub struct TaskStore {
    shared: Arc<Shared>,
}

#[derive(Default)]
struct Shared {
    tasks: Mutex<BTreeMap<String, Task>>,
    listener: Option<mpsc::Sender<TaskChange>>,
    /// Tasks whose state change found the channel full.
    missed: Mutex<BTreeSet<String>>,
}

impl TaskStore {
    /// A store that tells its changes over a new channel of `bound` changes.
    pub fn with_changes(bound: usize) -> (TaskStore, mpsc::Receiver<TaskChange>) {
        let (tx, rx) = mpsc::channel(bound.max(1));
        let store = TaskStore {
            shared: Arc::new(Shared {
                listener: Some(tx),
                ..Shared::default()
            }),
        };
        (store, rx)
    }

    /// The tasks, to read or change in place. Hold it briefly: the cockpit
    /// draws from it. Whoever changes a task calls `changed` after.
    pub fn lock(&self) -> LockResult<MutexGuard<'_, BTreeMap<String, Task>>> {
        self.shared.tasks.lock()
    }

    /// A copy of one task.
    pub(crate) fn get(&self, id: &str) -> Option<Task> {
        self.lock()
            .unwrap_or_else(PoisonError::into_inner)
            .get(id)
            .cloned()
    }

    /// Adds or replaces a task whole, and tells.
    pub fn put(&self, task: Task) {
        let id = task.spec.id.clone();
        self.lock()
            .unwrap_or_else(PoisonError::into_inner)
            .insert(id.clone(), task);
        self.changed(&id, Changed::State);
    }

    /// Tells the listener, without waiting: the scheduler calls this from
    /// inside its steps, and a slow screen must not slow a copy.
    pub fn changed(&self, id: &str, what: Changed) {
        let Some(listener) = &self.shared.listener else {
            return;
        };
        let change = TaskChange {
            id: id.to_string(),
            what,
        };
        if let Err(TrySendError::Full(change)) = listener.try_send(change) {
            if change.what == Changed::State {
                self.shared
                    .missed
                    .lock()
                    .unwrap_or_else(PoisonError::into_inner)
                    .insert(change.id);
            }
        }
    }

    /// State changes that did not fit in the channel, for the listener to
    /// take up now and then (the cockpit does on each tick).
    pub(crate) fn take_missed(&self) -> Vec<TaskChange> {
        let missed = std::mem::take(
            &mut *self
                .shared
                .missed
                .lock()
                .unwrap_or_else(PoisonError::into_inner),
        );
        missed.iter().map(|id| TaskChange::state(id)).collect()
    }

    /// Nobody listens any more (the cockpit ended): a follower may stop.
    pub(crate) fn unheard(&self) -> bool {
        self.shared
            .listener
            .as_ref()
            .is_some_and(mpsc::Sender::is_closed)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::migrate::{CopyKind, TaskSpec};

    fn task(id: &str) -> Task {
        let spec = TaskSpec {
            id: id.into(),
            kind: CopyKind::KeyPair,
            source_ids: vec!["key-1".into()],
            names: Default::default(),
            source_region: "us-east-1".into(),
            target_region: "eu-west-1".into(),
            options: Default::default(),
            known_copies: Default::default(),
        };
        Task::new(spec, 0)
    }

    #[test]
    fn a_full_channel_drops_progress_and_keeps_state_changes_for_later() {
        let (store, mut rx) = TaskStore::with_changes(1);
        store.put(task("a"));
        store.changed("a", Changed::Progress);
        store.put(task("b"));
        assert_eq!(rx.try_recv().ok(), Some(TaskChange::state("a")));
        assert!(rx.try_recv().is_err(), "the channel holds one change");
        assert_eq!(store.take_missed(), [TaskChange::state("b")]);
        assert!(store.take_missed().is_empty(), "each missed change once");
        assert_eq!(store.get("b").map(|t| t.spec.id), Some("b".into()));
    }

    #[test]
    fn a_store_nobody_listens_to_only_keeps_tasks() {
        let store = TaskStore::default();
        store.put(task("a"));
        assert!(!store.unheard());
        assert!(store.take_missed().is_empty());
        assert_eq!(store.lock().map(|t| t.len()).unwrap_or(0), 1);
    }
}
