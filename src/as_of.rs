//! "Target as of": the time of the data a copy holds, so the operator sees
//! the RPO a cutover would have now and which copies need a final sync.
//! From the journal alone: a copy that snapshotted its source knows when;
//! a copy of an existing snapshot or AMI holds the source's own time, which
//! only AWS knows (its StartTime / creation date).

use crate::migrate::{CopyKind, Step, Task, TaskState};
use serde::Serialize;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case", tag = "as_of")]
pub enum AsOf {
    /// Data as of this time (ms since the epoch), and what it is the time of.
    At { at_ms: u64, basis: &'static str },
    /// The source's own snapshot time: read it in AWS.
    SourceTime { basis: &'static str },
    /// Nothing copied yet, or not data at all.
    NotApplicable,
}

/// The step whose start dates the data the copy holds, per kind.
fn dating_step(kind: CopyKind) -> Option<(Step, &'static str)> {
    match kind {
        CopyKind::Volume => Some((Step::SnapshotVolume, "the volume snapshot's start")),
        CopyKind::DbInstance => Some((Step::SnapshotDb, "the DB snapshot's start")),
        CopyKind::Bucket => Some((Step::CopyObjects, "the start of the last completed sync")),
        _ => None,
    }
}

pub(crate) fn target_as_of(task: &Task) -> AsOf {
    if task.state != TaskState::Done {
        return AsOf::NotApplicable;
    }
    match task.spec.kind {
        CopyKind::Image => {
            return AsOf::SourceTime {
                basis: "the source AMI's creation date",
            }
        }
        CopyKind::Snapshot => {
            return AsOf::SourceTime {
                basis: "the source snapshot's StartTime",
            }
        }
        CopyKind::DbSnapshot => {
            return AsOf::SourceTime {
                basis: "the source DB snapshot's creation time",
            }
        }
        _ => {}
    }
    let Some((step, basis)) = dating_step(task.spec.kind) else {
        return AsOf::NotApplicable;
    };
    let Some(index) = task.spec.steps().iter().position(|s| *s == step) else {
        return AsOf::NotApplicable;
    };
    // The step's start, written before its AWS call: the data is at least
    // this fresh. The last start counts: a retried sync copies again.
    let started = format!("step {}: {}", index + 1, step.label());
    task.history
        .iter()
        .rev()
        .find(|(_, line)| *line == started)
        .map(|(at_ms, _)| AsOf::At {
            at_ms: *at_ms,
            basis,
        })
        .unwrap_or(AsOf::NotApplicable)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::migrate::{TaskEvent, TaskSpec};

    fn task(kind: CopyKind, events: &[(u64, TaskEvent)]) -> Task {
        let spec = TaskSpec {
            id: "t1".into(),
            kind,
            source_ids: vec!["src-1".into()],
            names: Default::default(),
            source_region: "us-east-1".into(),
            target_region: "eu-west-1".into(),
            options: Default::default(),
            known_copies: Default::default(),
        };
        let created = TaskEvent::Created {
            spec: Box::new(spec),
        };
        let all: Vec<(u64, &TaskEvent)> = std::iter::once((1_000, &created))
            .chain(events.iter().map(|(at, e)| (*at, e)))
            .collect();
        Task::replay(all).unwrap()
    }

    fn run_all(kind: CopyKind, retry_at: Option<(usize, u64)>) -> Task {
        let steps = task(kind, &[]).spec.steps();
        let mut events = Vec::new();
        for (i, _) in steps.iter().enumerate() {
            let at = 10_000 * (i as u64 + 1);
            events.push((at, TaskEvent::StepStarted { step: i }));
            if let Some((step, at)) = retry_at.filter(|(s, _)| *s == i) {
                events.push((
                    at - 1,
                    TaskEvent::Failed {
                        step,
                        error: "x".into(),
                    },
                ));
                events.push((at - 1, TaskEvent::Retried));
                events.push((at, TaskEvent::StepStarted { step }));
            }
            events.push((
                at + 5,
                TaskEvent::StepDone {
                    step: i,
                    outputs: Default::default(),
                },
            ));
        }
        events.push((999_999, TaskEvent::Done));
        task(kind, &events)
    }

    #[test]
    fn each_copy_kind_dates_its_data() {
        // Volume: SnapshotVolume is step 1 -> started at 10_000.
        assert_eq!(
            target_as_of(&run_all(CopyKind::Volume, None)),
            AsOf::At {
                at_ms: 10_000,
                basis: "the volume snapshot's start"
            }
        );
        // DB instance: SnapshotDb is step 1.
        assert!(matches!(
            target_as_of(&run_all(CopyKind::DbInstance, None)),
            AsOf::At { at_ms: 10_000, .. }
        ));
        // Bucket: CopyObjects is step 3; a retried sync counts from its last start.
        assert_eq!(
            target_as_of(&run_all(CopyKind::Bucket, Some((2, 35_000)))),
            AsOf::At {
                at_ms: 35_000,
                basis: "the start of the last completed sync"
            }
        );
        assert_eq!(
            target_as_of(&run_all(CopyKind::Snapshot, None)),
            AsOf::SourceTime {
                basis: "the source snapshot's StartTime"
            }
        );
        assert!(matches!(
            target_as_of(&run_all(CopyKind::Image, None)),
            AsOf::SourceTime { .. }
        ));
        assert!(matches!(
            target_as_of(&run_all(CopyKind::DbSnapshot, None)),
            AsOf::SourceTime { .. }
        ));
        assert_eq!(
            target_as_of(&run_all(CopyKind::KeyPair, None)),
            AsOf::NotApplicable
        );
        // An unfinished copy holds nothing to date.
        assert_eq!(
            target_as_of(&task(
                CopyKind::Volume,
                &[(5_000, TaskEvent::StepStarted { step: 0 })]
            )),
            AsOf::NotApplicable
        );
    }
}
