//! What a journal compaction keeps of copy tasks. An unfinished task (and
//! every entry that is not a copy task's: DNS cutovers, the window, lines
//! of a shape this cutover does not know) is kept whole, in place. A
//! finished task (done or cancelled) keeps what the report, `cutover
//! tasks`, the timeline and the id map read: its creation (with its final
//! options), the last start of each step (the "target as of" of a volume,
//! DB or bucket copy is its dating step's last start), every step's
//! outputs, notes, warnings, leftovers, retries of what was left out, the
//! promote, and its end. Dropped: pauses, failures and retries it got past,
//! earlier starts of a step, option edits. Its history in the cockpit is
//! shorter after a compaction; nothing the report shows changes, and a
//! task whose rebuilt state would differ in any of those is kept whole.

use super::events::TaskEvent;
use super::journal_link::KIND;
use super::task::{Task, TaskState};
use crate::journal::{Entry, Journal};
use std::collections::{BTreeMap, HashSet};
use std::sync::Arc;

/// The journal a writer opens: compacted past `past_bytes` with this
/// module's policy.
pub fn compacting(journal: Journal, past_bytes: u64) -> Journal {
    journal.compacting(past_bytes, Arc::new(compact_entries))
}

/// The entries to write back, in their journal order.
pub(crate) fn compact_entries(entries: Vec<Entry>) -> Vec<Entry> {
    let mut threads: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    for (i, e) in entries.iter().enumerate() {
        if e.kind == KIND {
            threads.entry(e.topic.as_str()).or_default().push(i);
        }
    }
    let mut drop = HashSet::new();
    let mut new_created = BTreeMap::new();
    for lines in threads.values() {
        if let Some((dropped, created)) = finished_thread(&entries, lines) {
            drop.extend(dropped);
            new_created.insert(lines[0], created);
        }
    }
    entries
        .into_iter()
        .enumerate()
        .filter(|(i, _)| !drop.contains(i))
        .map(|(i, e)| new_created.remove(&i).unwrap_or(e))
        .collect()
}

/// For a finished task: the lines it can lose and its creation line
/// rewritten with its final options. None keeps the thread whole.
fn finished_thread(entries: &[Entry], lines: &[usize]) -> Option<(Vec<usize>, Entry)> {
    let events: Vec<(u64, TaskEvent)> = lines
        .iter()
        .map(|&i| Some((entries[i].at_ms, entries[i].event_as::<TaskEvent>()?)))
        .collect::<Option<_>>()?;
    let whole = Task::replay(events.iter().map(|(at, e)| (*at, e)))?;
    if !matches!(whole.state, TaskState::Done | TaskState::Cancelled { .. }) {
        return None;
    }
    let last_start: BTreeMap<usize, usize> = events
        .iter()
        .enumerate()
        .filter_map(|(n, (_, e))| match e {
            TaskEvent::StepStarted { step } => Some((*step, n)),
            _ => None,
        })
        .collect();
    let mut kept = Vec::new();
    let mut dropped = Vec::new();
    for (n, (at, event)) in events.iter().enumerate() {
        let keep = match event {
            TaskEvent::Created { .. } => n == 0,
            TaskEvent::StepStarted { step } => last_start.get(step) == Some(&n),
            TaskEvent::Paused { .. }
            | TaskEvent::Resumed
            | TaskEvent::Failed { .. }
            | TaskEvent::Retried
            | TaskEvent::AwaitingPromote { .. }
            | TaskEvent::Edited { .. } => false,
            _ => true,
        };
        if keep && n > 0 {
            kept.push((*at, event.clone()));
        } else if !keep {
            dropped.push(lines[n]);
        }
    }
    if dropped.is_empty() {
        return None;
    }
    let created = TaskEvent::Created {
        spec: Box::new(whole.spec.clone()),
    };
    let first_at = events[0].0;
    let compacted = Task::replay(
        std::iter::once((first_at, &created)).chain(kept.iter().map(|(at, e)| (*at, e))),
    )?;
    if what_is_read(&compacted) != what_is_read(&whole) {
        return None;
    }
    let mut entry = entries[lines[0]].clone();
    entry.event = serde_json::to_value(&created).ok()?;
    Some((dropped, entry))
}

/// What a finished task shows anywhere but its cockpit history: the
/// report, `cutover tasks`, the timeline, the id map, "target as of"
/// (from the last start of each step).
fn what_is_read(t: &Task) -> impl PartialEq + std::fmt::Debug + '_ {
    let last_starts: BTreeMap<&str, u64> = t
        .history
        .iter()
        .filter(|(_, line)| line.starts_with("step "))
        .map(|(at, line)| (line.as_str(), *at))
        .collect();
    (
        (t.spec.clone(), t.state.clone(), t.state_name(), t.next_step),
        (t.outputs.clone(), t.notes.clone(), t.warnings.clone()),
        (t.leftovers.clone(), t.warning_steps.clone()),
        (t.created_ms, t.finished_ms, last_starts),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::migrate::{CopyKind, TaskSpec};

    fn spec(id: &str) -> TaskSpec {
        TaskSpec {
            id: id.into(),
            kind: CopyKind::Volume,
            source_ids: vec![format!("vol-{id}")],
            names: Default::default(),
            source_region: "us-east-1".into(),
            target_region: "eu-west-1".into(),
            options: Default::default(),
            known_copies: Default::default(),
        }
    }

    fn entry(id: &str, at_ms: u64, e: TaskEvent) -> Entry {
        Entry {
            at_ms,
            kind: KIND.into(),
            topic: format!("copy:us-east-1>eu-west-1:{id}"),
            event: serde_json::to_value(e).unwrap(),
        }
    }

    fn tasks(entries: &[Entry]) -> Vec<Task> {
        let mut threads = crate::migrate::TaskThreads::default();
        threads.add(entries);
        threads.tasks()
    }

    /// A volume copy that failed twice at its snapshot, was edited, and
    /// finished; and one that is still failed.
    fn journal() -> Vec<Entry> {
        let mut edited = spec("a");
        edited.options.target_az = Some("eu-west-1b".into());
        let failed = |step| TaskEvent::Failed {
            step,
            error: "Throttling".into(),
        };
        vec![
            entry(
                "a",
                1,
                TaskEvent::Created {
                    spec: Box::new(spec("a")),
                },
            ),
            entry(
                "b",
                2,
                TaskEvent::Created {
                    spec: Box::new(spec("b")),
                },
            ),
            entry("a", 3, TaskEvent::StepStarted { step: 0 }),
            entry("b", 4, TaskEvent::StepStarted { step: 0 }),
            entry("a", 5, failed(0)),
            entry("b", 6, failed(0)),
            entry(
                "a",
                7,
                TaskEvent::Edited {
                    spec: Box::new(edited),
                    change: "target-az=eu-west-1b".into(),
                },
            ),
            entry("a", 8, TaskEvent::Retried),
            entry("a", 9, TaskEvent::StepStarted { step: 0 }),
            entry(
                "a",
                10,
                TaskEvent::Note {
                    text: "kept".into(),
                },
            ),
            entry(
                "a",
                11,
                TaskEvent::StepDone {
                    step: 0,
                    outputs: [("snapshot".to_string(), "snap-1".to_string())].into(),
                },
            ),
            entry("a", 12, TaskEvent::Done),
        ]
    }

    #[test]
    fn a_finished_task_loses_what_it_got_past_and_an_unfinished_one_nothing() {
        let before = journal();
        let after = compact_entries(before.clone());
        let topics = |es: &[Entry], id: &str| {
            es.iter()
                .filter(|e| e.topic.ends_with(&format!(":{id}")))
                .map(|e| e.at_ms)
                .collect::<Vec<_>>()
        };
        assert_eq!(topics(&after, "a"), vec![1, 9, 10, 11, 12]);
        assert_eq!(
            topics(&after, "b"),
            topics(&before, "b"),
            "unfinished: whole"
        );
        let (old, new) = (tasks(&before), tasks(&after));
        assert_eq!(new.len(), 2);
        for (o, n) in old.iter().zip(&new) {
            assert_eq!(what_is_read(o), what_is_read(n));
        }
        assert_eq!(new[0].spec.options.target_az.as_deref(), Some("eu-west-1b"));
        assert_eq!(
            compact_entries(after.clone()),
            after,
            "a second pass changes nothing"
        );
    }

    #[test]
    fn entries_of_other_kinds_and_unknown_shapes_stay_whole() {
        let mut before = journal();
        before.insert(
            1,
            Entry {
                at_ms: 2,
                kind: "dns".into(),
                topic: "dns:Z1:www.".into(),
                event: serde_json::json!({"type": "intent"}),
            },
        );
        let mut odd = entry("a", 13, TaskEvent::Retried);
        odd.event = serde_json::json!({"event": "from_a_newer_cutover"});
        before.push(odd);
        let after = compact_entries(before.clone());
        assert_eq!(
            after, before,
            "a thread with a line it cannot read is kept whole"
        );
    }
}
