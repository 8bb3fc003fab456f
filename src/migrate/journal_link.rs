//! Copy tasks in the shared journal: kind "copy", one topic per task.

use super::events::TaskEvent;
use super::scheduler::TaskJournal;
use super::task::{Task, TaskSpec};
use crate::journal::{Entry, Journal, Replay};
use std::collections::BTreeMap;

pub(crate) const KIND: &str = "copy";

/// A task's thread in the journal names its region pair, so that tasks of
/// different migrations in one journal stay apart: "copy:us-east-1>eu-west-1:t1".
pub(crate) fn topic(spec: &TaskSpec) -> String {
    format!(
        "copy:{}>{}:{}",
        spec.source_region, spec.target_region, spec.id
    )
}

impl TaskJournal for Journal {
    fn record(&self, task_id: &str, at_ms: u64, event: &TaskEvent) -> Result<(), String> {
        self.append_copy(format!("copy:{task_id}"), at_ms, event)
    }

    fn record_for(&self, spec: &TaskSpec, at_ms: u64, event: &TaskEvent) -> Result<(), String> {
        self.append_copy(topic(spec), at_ms, event)
    }

    fn read_only(&self) -> bool {
        self.is_read_only()
    }
}

impl Journal {
    fn append_copy(&self, topic: String, at_ms: u64, event: &TaskEvent) -> Result<(), String> {
        let entry = Entry {
            at_ms,
            kind: KIND.into(),
            topic,
            event: serde_json::to_value(event).map_err(|e| e.to_string())?,
        };
        self.append(&entry).map_err(|e| e.to_string())
    }
}

/// Copy tasks rebuilt from journal entries as they come: all at once from
/// a replay, or a few at a time from a `Follower`.
#[derive(Debug, Default)]
pub struct TaskThreads {
    /// topic -> (where its first line stood, its events in order).
    threads: BTreeMap<String, (usize, Vec<(u64, TaskEvent)>)>,
    seen: usize,
}

impl TaskThreads {
    /// Takes entries in journal order; returns the tasks they changed.
    pub fn add<'a>(&mut self, entries: impl IntoIterator<Item = &'a Entry>) -> Vec<Task> {
        let mut changed = Vec::new();
        for entry in entries {
            self.seen += 1;
            if entry.kind != KIND {
                continue;
            }
            // An event of a shape this cutover does not know is skipped, not fatal.
            let Some(event) = entry.event_as::<TaskEvent>() else {
                continue;
            };
            let n = self.seen;
            self.threads
                .entry(entry.topic.clone())
                .or_insert((n, Vec::new()))
                .1
                .push((entry.at_ms, event));
            if !changed.contains(&entry.topic) {
                changed.push(entry.topic.clone());
            }
        }
        changed.iter().filter_map(|t| self.task(t)).collect()
    }

    fn task(&self, topic: &str) -> Option<Task> {
        let (_, events) = self.threads.get(topic)?;
        Task::replay(events.iter().map(|(at, e)| (*at, e)))
    }

    /// Every task, in the order they began.
    pub fn tasks(&self) -> Vec<Task> {
        let mut ordered: Vec<_> = self.threads.iter().collect();
        ordered.sort_by_key(|(_, (first, _))| *first);
        ordered
            .into_iter()
            .filter_map(|(topic, _)| self.task(topic))
            .collect()
    }
}

/// Every copy task the journal knows, rebuilt, in the order they began.
pub fn tasks_from(replay: &Replay) -> Vec<Task> {
    let mut threads = TaskThreads::default();
    threads.add(&replay.entries);
    threads.tasks()
}

/// Only the tasks of one source/target pair (the cockpit's and `cutover
/// tasks`'s view; `--all` shows every pair's).
pub(crate) fn of_pair(tasks: Vec<Task>, source: &str, target: &str) -> Vec<Task> {
    tasks
        .into_iter()
        .filter(|t| t.spec.source_region == source && t.spec.target_region == target)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::migrate::{CopyKind, CopyOptions, TaskSpec, TaskState};

    #[test]
    fn tasks_survive_a_restart_through_the_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("journal.jsonl");
        let journal = Journal::at(&path);
        let spec = |id: &str| TaskSpec {
            id: id.into(),
            kind: CopyKind::Snapshot,
            source_ids: vec![format!("snap-{id}")],
            names: Default::default(),
            source_region: "us-east-1".into(),
            target_region: "eu-west-1".into(),
            options: CopyOptions::default(),
            known_copies: Default::default(),
        };
        journal
            .record_for(
                &spec("b"),
                1,
                &TaskEvent::Created {
                    spec: Box::new(spec("b")),
                },
            )
            .unwrap();
        journal
            .record_for(
                &spec("a"),
                2,
                &TaskEvent::Created {
                    spec: Box::new(spec("a")),
                },
            )
            .unwrap();
        journal
            .record_for(&spec("b"), 3, &TaskEvent::StepStarted { step: 0 })
            .unwrap();
        journal.record_for(&spec("a"), 4, &TaskEvent::Done).unwrap();
        let mut other = spec("c");
        other.target_region = "ap-south-1".into();
        journal
            .record_for(
                &other,
                5,
                &TaskEvent::Created {
                    spec: Box::new(other.clone()),
                },
            )
            .unwrap();
        let all = tasks_from(&crate::journal::replay(&path).unwrap());
        assert_eq!(all.len(), 3, "every pair's tasks are in the journal");
        let tasks = of_pair(all, "us-east-1", "eu-west-1");
        assert_eq!(
            tasks.iter().map(|t| t.spec.id.as_str()).collect::<Vec<_>>(),
            ["b", "a"],
            "in the order they began"
        );
        assert_eq!(tasks[0].state, TaskState::Running { step: 0 });
        assert!(tasks[0].is_resumable());
        assert_eq!(tasks[1].state, TaskState::Done);
        std::fs::remove_dir_all(dir).unwrap();
    }
}
