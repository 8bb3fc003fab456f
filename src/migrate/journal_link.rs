//! Copy tasks in the shared journal: kind "copy", one topic per task.

use super::events::TaskEvent;
use super::scheduler::TaskJournal;
use super::task::Task;
use crate::journal::{Entry, Journal, Replay};
use std::collections::BTreeMap;

pub const KIND: &str = "copy";

fn topic(task_id: &str) -> String {
    format!("copy:{task_id}")
}

impl TaskJournal for Journal {
    fn record(&self, task_id: &str, at_ms: u64, event: &TaskEvent) -> Result<(), String> {
        let entry = Entry {
            at_ms,
            kind: KIND.into(),
            topic: topic(task_id),
            event: serde_json::to_value(event).map_err(|e| e.to_string())?,
        };
        self.append(&entry).map_err(|e| e.to_string())
    }
}

/// A task's events in order, and where its first line stood.
type Thread = (usize, Vec<(u64, TaskEvent)>);

/// Every copy task the journal knows, rebuilt, in the order they began.
pub fn tasks_from(replay: &Replay) -> Vec<Task> {
    let mut threads: BTreeMap<&str, Thread> = BTreeMap::new();
    for (n, entry) in replay
        .entries
        .iter()
        .enumerate()
        .filter(|(_, e)| e.kind == KIND)
    {
        // An event of a shape this cutover does not know is skipped, not fatal.
        if let Some(event) = entry.event_as::<TaskEvent>() {
            threads
                .entry(entry.topic.as_str())
                .or_insert((n, Vec::new()))
                .1
                .push((entry.at_ms, event));
        }
    }
    let mut ordered: Vec<_> = threads.into_values().collect();
    ordered.sort_by_key(|(first, _)| *first);
    ordered
        .iter()
        .filter_map(|(_, events)| Task::replay(events.iter().map(|(at, e)| (*at, e))))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::migrate::{CopyKind, CopyOptions, TaskSpec, TaskState};

    #[test]
    fn tasks_survive_a_restart_through_the_file() {
        let dir = std::env::temp_dir().join(format!("cutover-copy-journal-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let path = dir.join("journal.jsonl");
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
            .record(
                "b",
                1,
                &TaskEvent::Created {
                    spec: Box::new(spec("b")),
                },
            )
            .unwrap();
        journal
            .record(
                "a",
                2,
                &TaskEvent::Created {
                    spec: Box::new(spec("a")),
                },
            )
            .unwrap();
        journal
            .record("b", 3, &TaskEvent::StepStarted { step: 0 })
            .unwrap();
        journal.record("a", 4, &TaskEvent::Done).unwrap();
        let tasks = tasks_from(&crate::journal::replay(&path).unwrap());
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
