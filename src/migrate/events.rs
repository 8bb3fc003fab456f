//! What happens to a task, as journal entries. `Task::apply` is the one
//! state transition: the engine uses it live, the replay uses it after a
//! crash, so both always agree.

use super::task::{Task, TaskSpec, TaskState};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "event", rename_all = "snake_case")]
pub enum TaskEvent {
    // Boxed: the spec dwarfs every other event.
    Created {
        spec: Box<TaskSpec>,
    },
    /// Written before the step's AWS call: after a crash, the step is
    /// re-run, and each step first looks for what a previous run made.
    StepStarted {
        step: usize,
    },
    StepDone {
        step: usize,
        outputs: BTreeMap<String, String>,
    },
    Note {
        text: String,
    },
    /// Something left out: the task ends done with warnings.
    Warning {
        text: String,
    },
    /// Something the copy made on the way that stays (a source snapshot):
    /// journaled as it is made, so that cleanup can find it.
    Leftover {
        leftover: super::leftover::Leftover,
    },
    /// `cutover cleanup --leftovers` deleted it (or found it gone).
    LeftoverRemoved {
        id: String,
    },
    Paused {
        step: usize,
    },
    Resumed,
    Failed {
        step: usize,
        error: String,
    },
    Retried,
    /// A task done with warnings runs again from `step` to carry what it
    /// left out (rules whose referenced groups now exist); the warnings
    /// from that step on are forgotten, and said again if still true.
    RetryLeftOut {
        step: usize,
    },
    /// The operator changed the task's options before it runs again.
    Edited {
        spec: Box<TaskSpec>,
        change: String,
    },
    Cancelled {
        note: String,
    },
    Done,
    /// A read replica is in sync and waits for the operator's promote.
    AwaitingPromote {
        step: usize,
    },
    /// The operator confirmed the promote, saying writes to the source have
    /// stopped; the time of this event is when they said so.
    PromoteConfirmed {
        reverse_replica: bool,
    },
}

impl Task {
    pub fn apply(&mut self, at_ms: u64, event: &TaskEvent) {
        let steps = self.spec.steps();
        let label = |i: usize| steps.get(i).map(|s| s.label()).unwrap_or("?");
        let line = match event {
            TaskEvent::Created { spec } => {
                self.spec = (**spec).clone();
                format!("queued: {} {}", spec.kind.label(), spec.what())
            }
            TaskEvent::StepStarted { step } => {
                self.state = TaskState::Running { step: *step };
                self.next_step = *step;
                self.progress = None;
                self.status = None;
                format!("step {}: {}", step + 1, label(*step))
            }
            TaskEvent::StepDone { step, outputs } => {
                self.outputs.extend(outputs.clone());
                self.next_step = step + 1;
                self.progress = None;
                self.status = None;
                // Lists (e.g. every archived key left out) go to the report, not
                // the history line; so does the source's time ("target as of").
                let made: Vec<String> = outputs
                    .iter()
                    .filter(|(k, _)| !k.ends_with("_keys") && *k != super::task::SOURCE_TIME)
                    .map(|(k, v)| format!("{k}={v}"))
                    .collect();
                format!(
                    "done: {}{}",
                    label(*step),
                    if made.is_empty() {
                        String::new()
                    } else {
                        format!(" ({})", made.join(", "))
                    }
                )
            }
            TaskEvent::Note { text } => {
                self.notes.push(text.clone());
                format!("note: {text}")
            }
            TaskEvent::Warning { text } => {
                self.warnings.push(text.clone());
                self.warning_steps.push(self.next_step);
                format!("warning: {text}")
            }
            TaskEvent::Leftover { leftover } => {
                let note = leftover.note();
                if !self.leftovers.iter().any(|l| l.id == leftover.id) {
                    self.leftovers.push(leftover.clone());
                    self.notes.push(note.clone());
                }
                note
            }
            TaskEvent::LeftoverRemoved { id } => {
                self.leftovers.retain(|l| &l.id != id);
                let line = format!("leftover {id} deleted by `cutover cleanup --leftovers`");
                self.notes.push(line.clone());
                line
            }
            TaskEvent::Paused { step } => {
                self.state = TaskState::Paused { step: *step };
                "paused".into()
            }
            TaskEvent::Resumed => {
                self.state = TaskState::Queued;
                "resumed".into()
            }
            TaskEvent::Failed { step, error } => {
                self.state = TaskState::Failed {
                    step: *step,
                    error: error.clone(),
                };
                format!("failed at {}: {error}", label(*step))
            }
            TaskEvent::Retried => {
                self.state = TaskState::Queued;
                format!(
                    "retry from step {}: {}",
                    self.next_step + 1,
                    label(self.next_step)
                )
            }
            TaskEvent::RetryLeftOut { step } => {
                self.state = TaskState::Queued;
                self.next_step = *step;
                self.finished_ms = None;
                let kept: Vec<(String, usize)> = std::mem::take(&mut self.warnings)
                    .into_iter()
                    .zip(std::mem::take(&mut self.warning_steps))
                    .filter(|(_, at)| at < step)
                    .collect();
                (self.warnings, self.warning_steps) = kept.into_iter().unzip();
                format!(
                    "retry what was left out, from step {}: {}",
                    step + 1,
                    label(*step)
                )
            }
            TaskEvent::Edited { spec, change } => {
                self.spec = (**spec).clone();
                format!("changed: {change}")
            }
            TaskEvent::Cancelled { note } => {
                self.state = TaskState::Cancelled { note: note.clone() };
                self.finished_ms = Some(at_ms);
                format!("cancelled: {note}")
            }
            TaskEvent::AwaitingPromote { step } => {
                self.state = TaskState::Paused { step: *step };
                self.next_step = *step;
                "replicating: in sync, waiting for `cutover db promote`".into()
            }
            TaskEvent::PromoteConfirmed { reverse_replica } => {
                self.outputs
                    .insert(super::task::PROMOTE_CONFIRMED.into(), at_ms.to_string());
                if *reverse_replica {
                    self.outputs
                        .insert(super::task::REVERSE_REPLICA.into(), "yes".into());
                }
                self.state = TaskState::Queued;
                format!(
                    "promote confirmed: the operator stopped writes in the source{}",
                    if *reverse_replica {
                        "; a reverse replica follows"
                    } else {
                        ""
                    }
                )
            }
            TaskEvent::Done => {
                self.state = TaskState::Done;
                self.next_step = steps.len();
                self.finished_ms = Some(at_ms);
                "done".into()
            }
        };
        self.history.push((at_ms, line));
    }

    /// Whether this step was started before (the history's "step N: ..."
    /// line, written by `apply` above): what a re-run finds may then be
    /// its own half-done work.
    pub(crate) fn was_started(&self, step: usize) -> bool {
        let line = format!("step {}: ", step + 1);
        self.history.iter().any(|(_, l)| l.starts_with(&line))
    }

    /// Rebuilds a task from its journal events, in order.
    pub fn replay<'a>(events: impl IntoIterator<Item = (u64, &'a TaskEvent)>) -> Option<Task> {
        let mut events = events.into_iter();
        let (at, TaskEvent::Created { spec }) = events.next()? else {
            return None;
        };
        let mut task = Task::new((**spec).clone(), at);
        task.apply(at, &TaskEvent::Created { spec: spec.clone() });
        for (at, e) in events {
            task.apply(at, e);
        }
        Some(task)
    }

    /// After a restart: a task that was running is runnable again from the
    /// step it was in; paused and failed tasks stay as they were.
    pub fn is_resumable(&self) -> bool {
        matches!(self.state, TaskState::Queued | TaskState::Running { .. })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::migrate::task::{CopyKind, CopyOptions};

    fn spec() -> TaskSpec {
        TaskSpec {
            id: "t1".into(),
            kind: CopyKind::Volume,
            source_ids: vec!["vol-1".into()],
            names: [("vol-1".to_string(), "web-data".to_string())].into(),
            source_region: "us-east-1".into(),
            target_region: "eu-west-1".into(),
            options: CopyOptions::default(),
            known_copies: Default::default(),
        }
    }

    #[test]
    fn replay_resumes_at_the_step_that_was_running() {
        let events = [
            TaskEvent::Created {
                spec: Box::new(spec()),
            },
            TaskEvent::StepStarted { step: 0 },
            TaskEvent::StepDone {
                step: 0,
                outputs: [("snapshot".into(), "snap-1".into())].into(),
            },
            TaskEvent::StepStarted { step: 1 },
            TaskEvent::StepDone {
                step: 1,
                outputs: Default::default(),
            },
            TaskEvent::StepStarted { step: 2 },
        ];
        let task = Task::replay(events.iter().enumerate().map(|(i, e)| (i as u64, e))).unwrap();
        assert_eq!(task.state, TaskState::Running { step: 2 });
        assert_eq!(
            task.next_step, 2,
            "the copy step starts again (it first looks for an earlier copy)"
        );
        assert_eq!(task.outputs["snapshot"], "snap-1");
        assert!(task.is_resumable());
        assert_eq!(task.history.len(), 6);
        assert_eq!(
            task.history[2].1,
            "done: snapshot the volume (snapshot=snap-1)"
        );
    }

    #[test]
    fn failure_retry_and_done() {
        let mut task = Task::new(spec(), 0);
        task.apply(1, &TaskEvent::StepStarted { step: 0 });
        task.apply(
            2,
            &TaskEvent::StepDone {
                step: 0,
                outputs: Default::default(),
            },
        );
        task.apply(3, &TaskEvent::StepStarted { step: 1 });
        task.apply(
            4,
            &TaskEvent::Failed {
                step: 1,
                error: "IncorrectState".into(),
            },
        );
        assert!(!task.is_resumable(), "a failed task waits for the operator");
        assert_eq!(task.state.name(), "failed");
        assert!(task.state.is_finished(), "nothing more happens on its own");
        assert!(task.state.can_cancel(), "its half can still be undone");
        task.apply(5, &TaskEvent::Retried);
        assert_eq!(task.next_step, 1, "retry starts at the failed step");
        assert!(task.is_resumable());
        task.apply(6, &TaskEvent::Done);
        assert!(task.state.is_finished());
        assert!(!task.state.can_cancel());
        assert_eq!(task.finished_ms, Some(6));
        assert!(
            Task::replay([(0, &TaskEvent::Done)]).is_none(),
            "a thread must start with Created"
        );
    }
}
