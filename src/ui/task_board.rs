//! The copy tasks as the cockpit knows them: the latest copy of each task
//! the scheduler sent (or the journal replayed), in the order they began,
//! with throughput samples of bucket copies kept for the sparkline.

use crate::migrate::{Task, TaskState, Transfer};
use std::collections::{HashMap, HashSet, VecDeque};

/// Samples kept per bucket task: about as many as a sparkline shows.
pub const SAMPLES: usize = 120;

/// Successive transfer figures of one bucket copy.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct TransferSamples {
    pub last: Option<Transfer>,
    /// Bytes per second between successive reports, oldest first.
    pub rates: VecDeque<u64>,
}

impl TransferSamples {
    /// Takes a new report. The rate comes from the engine's own elapsed
    /// time, so it is right however late the report reaches the screen.
    pub fn push(&mut self, now: Transfer) {
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
    pub fn average_rate(&self) -> Option<u64> {
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

#[derive(Debug, Clone, Default)]
pub struct TaskBoard {
    pub tasks: Vec<Task>,
    pub samples: HashMap<String, TransferSamples>,
    pub cursor: usize,
    pub offset: usize,
    /// Source id -> position of the newest task copying it.
    by_source: HashMap<String, usize>,
    /// Tasks asked to pause that have not yet said they are paused.
    pub pausing: HashSet<String>,
}

/// running / queued / paused / done / failed / cancelled, for the summary line.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Tally {
    pub running: usize,
    pub queued: usize,
    pub paused: usize,
    /// Done with nothing left out.
    pub done: usize,
    /// Done, but something was left out: never counted as done.
    pub done_with_warnings: usize,
    pub failed: usize,
    pub cancelled: usize,
    /// Read replicas in sync, waiting for `cutover db promote`.
    pub ready_to_promote: usize,
}

impl TaskBoard {
    /// A task's newest state replaces its older one; a new task goes last.
    pub fn update(&mut self, task: Task) {
        if let Some(t) = task.transfer {
            self.samples
                .entry(task.spec.id.clone())
                .or_default()
                .push(t);
        }
        if !matches!(task.state, TaskState::Running { .. } | TaskState::Queued) {
            self.pausing.remove(&task.spec.id);
        }
        match self.tasks.iter().position(|t| t.spec.id == task.spec.id) {
            Some(at) => self.tasks[at] = task,
            None => {
                let at = self.tasks.len();
                for id in &task.spec.source_ids {
                    self.by_source.insert(id.clone(), at);
                }
                self.tasks.push(task);
            }
        }
    }

    /// The newest task copying this source resource.
    pub fn task_for(&self, source_id: &str) -> Option<&Task> {
        self.by_source.get(source_id).map(|&at| &self.tasks[at])
    }

    /// Tasks that want the operator: failed, paused, or done with warnings.
    pub fn needing_attention(&self) -> usize {
        self.tasks
            .iter()
            .filter(|t| {
                matches!(t.state, TaskState::Failed { .. } | TaskState::Paused { .. })
                    || (t.state == TaskState::Done && !t.warnings.is_empty())
            })
            .count()
    }

    pub fn selected(&self) -> Option<&Task> {
        self.tasks.get(self.cursor)
    }

    pub fn move_cursor(&mut self, by: i64, page: usize) {
        let last = self.tasks.len().saturating_sub(1) as i64;
        self.cursor = (self.cursor as i64)
            .saturating_add(by)
            .clamp(0, last.max(0)) as usize;
        let page = page.max(1);
        self.offset = self.offset.min(self.tasks.len().saturating_sub(page));
        if self.cursor < self.offset {
            self.offset = self.cursor;
        } else if self.cursor >= self.offset + page.max(1) {
            self.offset = self.cursor + 1 - page.max(1);
        }
    }

    pub fn tally(&self) -> Tally {
        let mut t = Tally::default();
        for task in &self.tasks {
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

/// "1.5 GB", "300 kB": decimal units, as S3's console shows sizes.
pub fn bytes_text(n: u64) -> String {
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
