//! What the COPY column says about a source row: the journal's task for it
//! joined with what the target holds now. A counterpart alone is never
//! "copied": only a task that ended and verified makes it so.

use crate::migrate::{not_copyable, Task, TaskState};
use crate::model::{Kind, Resource};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum CopyState {
    /// Running (or queued) with a percent when one is known.
    Copying(Option<u8>),
    Queued,
    Paused,
    Failed,
    /// Cancelled after making something, or done with warnings.
    Partial,
    /// Made by a task that ended and verified, and unchanged since.
    Copied,
    /// A counterpart exists but no longer matches the source.
    Differs,
    /// A counterpart cutover did not make.
    Exists,
    Missing,
    /// A kind cutover does not copy.
    NotApplicable,
    /// An Elastic IP: belongs to its region; the DNS plan moves traffic.
    NotMovable,
}

impl CopyState {
    /// The words in the COPY column, long form (at most 11 columns).
    pub(crate) fn text(self) -> String {
        match self {
            CopyState::Copying(Some(p)) => format!("copying {p}%"),
            other => other.short(),
        }
    }

    /// The words when the pane is narrow (at most 8 columns).
    pub(crate) fn short(self) -> String {
        match self {
            CopyState::Copying(Some(p)) => format!("copy {p}%"),
            CopyState::Copying(None) => "copying".into(),
            CopyState::Queued => "queued".into(),
            CopyState::Paused => "paused".into(),
            CopyState::Failed => "failed".into(),
            CopyState::Partial => "partial".into(),
            CopyState::Copied => "copied".into(),
            CopyState::Differs => "differs".into(),
            CopyState::Exists => "exists".into(),
            CopyState::Missing => "missing".into(),
            CopyState::NotApplicable => "n/a".into(),
            CopyState::NotMovable => "no move".into(),
        }
    }
}

/// The state of `r` (a source row) given the newest task that copies it.
pub(crate) fn copy_state(r: &Resource, task: Option<&Task>) -> CopyState {
    if r.kind == Kind::ElasticIp {
        return CopyState::NotMovable;
    }
    let on_target = match (&r.counterpart, &r.differs) {
        (Some(_), Some(_)) => Some(CopyState::Differs),
        (Some(_), None) => Some(CopyState::Exists),
        (None, _) => None,
    };
    if not_copyable(r.kind).is_some() {
        return on_target.unwrap_or(CopyState::NotApplicable);
    }
    let Some(task) = task else {
        return on_target.unwrap_or(CopyState::Missing);
    };
    match &task.state {
        TaskState::Queued => CopyState::Queued,
        TaskState::Running { .. } => CopyState::Copying(percent(task)),
        TaskState::Paused { .. } => CopyState::Paused,
        TaskState::Failed { .. } => CopyState::Failed,
        TaskState::Done if !task.warnings.is_empty() => CopyState::Partial,
        TaskState::Done => match on_target {
            Some(CopyState::Differs) => CopyState::Differs,
            _ => CopyState::Copied,
        },
        TaskState::Cancelled { .. } if on_target.is_some() || !task.copies().is_empty() => {
            CopyState::Partial
        }
        TaskState::Cancelled { .. } => CopyState::Missing,
    }
}

/// AWS's percent, or objects once the bucket listing is complete; never
/// 100 while running.
fn percent(task: &Task) -> Option<u8> {
    if let Some(p) = task.progress {
        return Some(p.min(99));
    }
    let t = task.transfer.filter(|t| t.listing_done)?;
    let fraction = if t.bytes_listed > 0 {
        t.bytes_done as f64 / t.bytes_listed as f64
    } else if t.objects_listed > 0 {
        t.objects_done as f64 / t.objects_listed as f64
    } else {
        return None;
    };
    Some(((fraction * 100.0) as u8).min(99))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::migrate::{CopyKind, CopyOptions, TaskSpec, Transfer};
    use crate::model::resource::Details;

    fn bucket(counterpart: bool) -> Resource {
        let mut r = Resource::new(
            "us-east-1",
            Kind::Bucket,
            "logs",
            Details::Bucket(Default::default()),
        );
        r.counterpart = counterpart.then(|| "logs-eu".into());
        r
    }

    fn task(state: TaskState) -> Task {
        let spec = TaskSpec {
            id: "logs-1".into(),
            kind: CopyKind::Bucket,
            source_ids: vec!["logs".into()],
            names: Default::default(),
            source_region: "us-east-1".into(),
            target_region: "eu-west-1".into(),
            options: CopyOptions::default(),
            known_copies: Default::default(),
        };
        let mut t = Task::new(spec, 0);
        t.state = state;
        t
    }

    #[test]
    fn a_counterpart_alone_is_not_copied() {
        assert_eq!(copy_state(&bucket(true), None), CopyState::Exists);
        assert_eq!(copy_state(&bucket(false), None), CopyState::Missing);
    }

    #[test]
    fn the_task_decides_over_the_counterpart() {
        let failed = task(TaskState::Failed {
            step: 0,
            error: "BucketAlreadyExists".into(),
        });
        assert_eq!(copy_state(&bucket(true), Some(&failed)), CopyState::Failed);
        let cancelled = task(TaskState::Cancelled { note: "".into() });
        assert_eq!(
            copy_state(&bucket(true), Some(&cancelled)),
            CopyState::Partial
        );
        assert_eq!(
            copy_state(&bucket(false), Some(&cancelled)),
            CopyState::Missing
        );
        let mut warned = task(TaskState::Done);
        warned.warnings.push("3 objects skipped".into());
        assert_eq!(copy_state(&bucket(true), Some(&warned)), CopyState::Partial);
        assert_eq!(
            copy_state(&bucket(true), Some(&task(TaskState::Done))),
            CopyState::Copied
        );
        let mut differs = bucket(true);
        differs.differs = Some("policy".into());
        assert_eq!(
            copy_state(&differs, Some(&task(TaskState::Done))),
            CopyState::Differs
        );
    }

    #[test]
    fn copying_shows_a_percent_only_once_the_listing_is_complete() {
        let mut running = task(TaskState::Running { step: 2 });
        running.transfer = Some(Transfer {
            objects_listed: 1062,
            bytes_listed: 1000,
            objects_done: 500,
            bytes_done: 420,
            ..Default::default()
        });
        assert_eq!(
            copy_state(&bucket(false), Some(&running)),
            CopyState::Copying(None)
        );
        running.transfer.as_mut().unwrap().listing_done = true;
        let state = copy_state(&bucket(false), Some(&running));
        assert_eq!(state, CopyState::Copying(Some(42)));
        assert_eq!(state.text(), "copying 42%");
        assert_eq!(state.short(), "copy 42%");
    }

    #[test]
    fn kinds_not_copied_are_neutral() {
        // Subnets travel with their VPC: no copy of their own.
        let subnet = Resource::new(
            "us-east-1",
            Kind::Subnet,
            "subnet-1",
            Details::Subnet(Default::default()),
        );
        assert_eq!(copy_state(&subnet, None), CopyState::NotApplicable);
    }
}
