//! "Target as of": the time of the data a copy holds, so the operator sees
//! the RPO a cutover would have now and which copies need a final sync.
//! From the journal alone, no AWS call: a copy that snapshotted its source
//! knows when it started; a copy of an existing AMI, snapshot or DB
//! snapshot holds the source's own time, which the step that read the
//! source recorded (`SOURCE_TIME`); a read replica, and a bucket with S3
//! Replication, are live.

use crate::migrate::{
    CopyKind, Step, Task, TaskState, PROMOTE_CONFIRMED, REPLICATING, SOURCE_TIME,
};
use serde::Serialize;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case", tag = "as_of")]
pub(crate) enum AsOf {
    /// Data as of this time (ms since the epoch), and what it is the time of.
    At { at_ms: u64, basis: &'static str },
    /// Writes to the source follow to the target as they happen; `status`
    /// is what the replication said when last read.
    Live { basis: &'static str, status: String },
    /// Copied by a cutover that did not record the source's time.
    SourceTime { basis: &'static str },
    /// Nothing copied yet, or not data at all.
    NotApplicable,
}

impl AsOf {
    /// The "which is" words of the report and the cockpit.
    pub(crate) fn basis(&self) -> &'static str {
        match self {
            AsOf::At { basis, .. } | AsOf::Live { basis, .. } | AsOf::SourceTime { basis } => basis,
            AsOf::NotApplicable => "",
        }
    }
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

/// What the source's own time is called, per kind that copies an existing
/// source as it is.
fn source_time_basis(kind: CopyKind) -> Option<&'static str> {
    match kind {
        CopyKind::Image => Some("the source AMI's CreationDate"),
        CopyKind::Snapshot => Some("the source snapshot's StartTime"),
        CopyKind::DbSnapshot => Some("the source DB snapshot's SnapshotCreateTime"),
        _ => None,
    }
}

pub(crate) fn target_as_of(task: &Task) -> AsOf {
    if let Some(live) = live(task) {
        return live;
    }
    if task.state != TaskState::Done {
        return AsOf::NotApplicable;
    }
    if let Some(basis) = source_time_basis(task.spec.kind) {
        return match task.outputs.get(SOURCE_TIME).and_then(|t| t.parse().ok()) {
            Some(at_ms) => AsOf::At { at_ms, basis },
            None => AsOf::SourceTime {
                basis: "the source's own time, not recorded by the cutover that copied it",
            },
        };
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

/// A replica in sync (until its promote, after which the data is as of
/// the moment the operator said writes stopped), or a bucket whose new
/// writes S3 Replication carries.
fn live(task: &Task) -> Option<AsOf> {
    match task.spec.kind {
        CopyKind::DbReplica => {
            if let Some(at_ms) = task
                .outputs
                .get(PROMOTE_CONFIRMED)
                .and_then(|t| t.parse().ok())
            {
                return Some(AsOf::At {
                    at_ms,
                    basis: "the promote (writes to the source had stopped)",
                });
            }
            let status = task.outputs.get("replication")?;
            if matches!(
                task.state,
                TaskState::Failed { .. } | TaskState::Cancelled { .. }
            ) {
                return None;
            }
            Some(AsOf::Live {
                basis: "a read replica",
                status: status.clone(),
            })
        }
        CopyKind::Bucket if task.state == TaskState::Done => {
            let to = task.outputs.get(REPLICATING)?;
            Some(AsOf::Live {
                basis: "S3 Replication (objects written before it were copied)",
                status: format!("replication rule set, to {to}"),
            })
        }
        _ => None,
    }
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
        assert!(
            matches!(
                target_as_of(&run_all(CopyKind::Snapshot, None)),
                AsOf::SourceTime { .. }
            ),
            "a copy journaled without the source's time says it was not recorded"
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

    #[test]
    fn a_recorded_source_time_dates_a_copy_and_replicas_are_live_until_promoted() {
        let mut snap = run_all(CopyKind::Snapshot, None);
        snap.outputs.insert(SOURCE_TIME.into(), "1234".into());
        assert_eq!(
            target_as_of(&snap),
            AsOf::At {
                at_ms: 1234,
                basis: "the source snapshot's StartTime"
            }
        );
        let mut replica = task(
            CopyKind::DbReplica,
            &[(5_000, TaskEvent::StepStarted { step: 0 })],
        );
        assert_eq!(target_as_of(&replica), AsOf::NotApplicable, "not made yet");
        replica
            .outputs
            .insert("replication".into(), "available; lag not reported".into());
        assert_eq!(
            target_as_of(&replica),
            AsOf::Live {
                basis: "a read replica",
                status: "available; lag not reported".into()
            }
        );
        replica
            .outputs
            .insert(PROMOTE_CONFIRMED.into(), "7000".into());
        assert!(matches!(
            target_as_of(&replica),
            AsOf::At { at_ms: 7000, .. }
        ));
        let mut bucket = run_all(CopyKind::Bucket, None);
        bucket.outputs.insert(REPLICATING.into(), "b-eu".into());
        assert!(matches!(target_as_of(&bucket), AsOf::Live { .. }));
    }
}
