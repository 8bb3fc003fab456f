//! The copy tasks as the cockpit knows them: their order on the board, the
//! cursor, and throughput samples of bucket copies for the sparkline. The
//! tasks themselves are read from the shared store when drawn; the board
//! hears which task changed, not the task.

use crate::migrate::{Changed, Task, TaskChange, TaskState, TaskStore, Transfer};
use std::collections::{BTreeMap, HashMap, HashSet, VecDeque};
use std::sync::{MutexGuard, PoisonError};

/// Samples kept per bucket task: about as many as a sparkline shows.
pub(crate) const SAMPLES: usize = 120;

/// Successive transfer figures of one bucket copy.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct TransferSamples {
    pub(crate) last: Option<Transfer>,
    /// Bytes per second between successive reports, oldest first.
    pub rates: VecDeque<u64>,
}

impl TransferSamples {
    /// Takes a new report. The rate comes from the engine's own elapsed
    /// time, so it is right however late the report reaches the screen.
    pub(crate) fn push(&mut self, now: Transfer) {
        if let Some(before) = self.last {
            let ms = now.elapsed_ms.saturating_sub(before.elapsed_ms);
            // A restart (elapsed going back) or a repeat tells no rate.
            if ms > 0 && now.bytes_done >= before.bytes_done {
                let rate = (now.bytes_done - before.bytes_done) * 1000 / ms;
                if self.rates.len() == SAMPLES {
                    self.rates.pop_front();
                }
                self.rates.push_back(rate);
            }
        }
        self.last = Some(now);
    }

    /// Average bytes per second since the copy began.
    pub(crate) fn average_rate(&self) -> Option<u64> {
        let t = self.last?;
        (t.elapsed_ms > 0 && t.bytes_done > 0).then(|| t.bytes_done * 1000 / t.elapsed_ms)
    }

    /// Seconds left, once the listing has ended and there is a rate to go by.
    pub fn eta_secs(&self) -> Option<u64> {
        let t = self.last.filter(|t| t.listing_done)?;
        let rate = self.average_rate()?;
        Some(t.bytes_listed.saturating_sub(t.bytes_done) / rate.max(1))
    }
}

/// The tasks pane's own state; the tasks themselves stay in the shared
/// store (the scheduler's, or the follower's) and are read when drawn.
#[derive(Default)]
pub struct TaskBoard {
    store: TaskStore,
    /// Task ids in the order they began.
    order: Vec<String>,
    /// Task id -> its position in `order`.
    positions: HashMap<String, usize>,
    /// Source id -> position of the newest task copying it.
    by_source: HashMap<String, usize>,
    /// Tasks last heard finished, so that an end is said once.
    finished: HashSet<String>,
    pub samples: HashMap<String, TransferSamples>,
    pub(crate) cursor: usize,
    pub(crate) offset: usize,
    /// Tasks asked to pause that have not yet said they are paused.
    pub(crate) pausing: HashSet<String>,
}

/// running / queued / paused / done / failed / cancelled, for the summary line.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Tally {
    pub running: usize,
    pub(crate) queued: usize,
    pub(crate) paused: usize,
    /// Done with nothing left out.
    pub(crate) done: usize,
    /// Done, but something was left out: never counted as done.
    pub(crate) done_with_warnings: usize,
    pub(crate) failed: usize,
    pub(crate) cancelled: usize,
    /// Read replicas in sync, waiting for `cutover db promote`.
    pub ready_to_promote: usize,
}

/// The board's tasks as they stand, read under the store's lock: take it
/// for one frame (or one decision) and let it go.
pub struct Tasks<'a> {
    tasks: MutexGuard<'a, BTreeMap<String, Task>>,
    board: &'a TaskBoard,
}

impl Tasks<'_> {
    pub(crate) fn is_empty(&self) -> bool {
        self.board.order.is_empty()
    }

    /// The task at this row.
    pub fn get(&self, row: usize) -> Option<&Task> {
        self.tasks.get(self.board.order.get(row)?)
    }

    /// In the order they began.
    pub(crate) fn iter(&self) -> impl Iterator<Item = &Task> {
        self.board.order.iter().filter_map(|id| self.tasks.get(id))
    }

    pub(crate) fn selected(&self) -> Option<&Task> {
        self.get(self.board.cursor)
    }

    /// The newest task copying this source resource.
    pub(crate) fn task_for(&self, source_id: &str) -> Option<&Task> {
        self.get(*self.board.by_source.get(source_id)?)
    }

    pub(crate) fn needing_attention(&self) -> usize {
        self.iter()
            .filter(|t| {
                matches!(t.state, TaskState::Failed { .. } | TaskState::Paused { .. })
                    || (t.state == TaskState::Done && !t.warnings.is_empty())
            })
            .count()
    }

    pub(crate) fn tally(&self) -> Tally {
        let mut t = Tally::default();
        for task in self.iter() {
            match task.state {
                TaskState::Running { .. } => t.running += 1,
                TaskState::Queued => t.queued += 1,
                TaskState::Paused { .. } if task.ready_to_promote() => t.ready_to_promote += 1,
                TaskState::Paused { .. } => t.paused += 1,
                TaskState::Done if !task.warnings.is_empty() => t.done_with_warnings += 1,
                TaskState::Done => t.done += 1,
                TaskState::Failed { .. } => t.failed += 1,
                TaskState::Cancelled { .. } => t.cancelled += 1,
            }
        }
        t
    }
}

impl TaskBoard {
    /// The store the tasks are read from.
    pub fn store(&self) -> &TaskStore {
        &self.store
    }

    /// Reads from `store` from now on (the scheduler's or the follower's),
    /// handing it the tasks known so far (those replayed from the journal).
    pub fn share(&mut self, store: TaskStore) {
        let known = std::mem::take(&mut *self.store.lock().unwrap_or_else(PoisonError::into_inner));
        store
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .extend(known);
        self.store = store;
    }

    pub fn read(&self) -> Tasks<'_> {
        Tasks {
            tasks: self.store.lock().unwrap_or_else(PoisonError::into_inner),
            board: self,
        }
    }

    /// Rows on the board.
    pub fn len(&self) -> usize {
        self.order.len()
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.order.is_empty()
    }

    /// Takes a change the store told: a new task goes last, a bucket copy's
    /// transfer becomes a sample. Returns the task when this change ended
    /// it (it was on the board, not finished, and now is).
    pub(crate) fn heard(&mut self, change: &TaskChange) -> Option<Task> {
        let tasks = self.store.lock().unwrap_or_else(PoisonError::into_inner);
        let task = tasks.get(&change.id)?;
        let id = &task.spec.id;
        let new = !self.positions.contains_key(id);
        if new {
            let at = self.order.len();
            for source in &task.spec.source_ids {
                self.by_source.insert(source.clone(), at);
            }
            self.positions.insert(id.clone(), at);
            self.order.push(id.clone());
        }
        if let Some(t) = task.transfer {
            self.samples.entry(id.clone()).or_default().push(t);
        }
        if change.what == Changed::Progress {
            return None;
        }
        if !matches!(task.state, TaskState::Running { .. } | TaskState::Queued) {
            self.pausing.remove(id);
        }
        if !task.state.is_finished() {
            self.finished.remove(id);
            return None;
        }
        let ended = self.finished.insert(id.clone()) && !new;
        ended.then(|| task.clone())
    }

    /// Tasks that want the operator: failed, paused, or done with warnings.
    pub(crate) fn needing_attention(&self) -> usize {
        self.read().needing_attention()
    }

    pub(crate) fn move_cursor(&mut self, by: i64, page: usize) {
        let len = self.order.len();
        let last = len.saturating_sub(1) as i64;
        self.cursor = (self.cursor as i64)
            .saturating_add(by)
            .clamp(0, last.max(0)) as usize;
        let page = page.max(1);
        self.offset = self.offset.min(len.saturating_sub(page));
        if self.cursor < self.offset {
            self.offset = self.cursor;
        } else if self.cursor >= self.offset + page {
            self.offset = self.cursor + 1 - page;
        }
    }

    pub fn tally(&self) -> Tally {
        self.read().tally()
    }
}

/// "1.5 GB", "300 kB": decimal units, as S3's console shows sizes.
pub(crate) fn bytes_text(n: u64) -> String {
    const UNITS: [&str; 5] = ["B", "kB", "MB", "GB", "TB"];
    let mut value = n as f64;
    let mut unit = 0;
    while value >= 1000.0 && unit < UNITS.len() - 1 {
        value /= 1000.0;
        unit += 1;
    }
    if unit == 0 {
        format!("{n} B")
    } else {
        format!("{value:.1} {}", UNITS[unit])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(ms: u64, bytes: u64) -> Transfer {
        Transfer {
            bytes_done: bytes,
            bytes_listed: 10_000,
            elapsed_ms: ms,
            ..Default::default()
        }
    }

    #[test]
    fn rates_come_from_successive_reports_and_eta_waits_for_the_listing() {
        let mut s = TransferSamples::default();
        s.push(at(1000, 1000));
        s.push(at(2000, 3000));
        s.push(at(2000, 3000));
        assert_eq!(s.rates, [2000], "a repeat adds no sample");
        assert_eq!(s.eta_secs(), None, "the total is not known yet");
        s.push(Transfer {
            listing_done: true,
            ..at(3000, 4500)
        });
        assert_eq!(s.rates, [2000, 1500]);
        assert_eq!(s.average_rate(), Some(1500));
        assert_eq!(s.eta_secs(), Some(3));
        assert_eq!(bytes_text(1_500_000), "1.5 MB");
        assert_eq!(bytes_text(999), "999 B");
    }
}
