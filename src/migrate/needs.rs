//! Dependencies between tasks: a task that names others in
//! `options.needs` starts only when they are done. One that failed or was
//! cancelled stops it with the reason, instead of letting it wait forever
//! (a headless `--wait` would never return).

use super::task::{Task, TaskState};

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Needs {
    /// Every task it needs is done.
    Met,
    /// This one is still queued, running or paused.
    Waiting(String),
    /// It cannot start: what to do, in a sentence.
    Blocked(String),
}

/// Where `needs` stand, given a look-up of the scheduler's tasks.
pub(crate) fn check(needs: &[String], task: impl Fn(&str) -> Option<Task>) -> Needs {
    let mut waiting = None;
    for id in needs {
        let Some(t) = task(id) else {
            return Needs::Blocked(format!(
                "it needs task {id}, which this journal does not hold: copy what it made first, then retry this task"
            ));
        };
        let what = format!("{} {}", t.spec.kind.label(), t.spec.what());
        match t.state {
            TaskState::Done => {}
            TaskState::Failed { .. } => {
                return Needs::Blocked(format!(
                    "it needs task {id} ({what}), which failed: retry that task, then this one"
                ))
            }
            TaskState::Cancelled { .. } => {
                return Needs::Blocked(format!(
                    "it needs task {id} ({what}), which was cancelled: copy it again, then retry this task"
                ))
            }
            TaskState::Queued | TaskState::Running { .. } | TaskState::Paused { .. } => {
                waiting.get_or_insert_with(|| id.clone());
            }
        }
    }
    match waiting {
        Some(id) => Needs::Waiting(id),
        None => Needs::Met,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::migrate::task::{CopyKind, CopyOptions, TaskSpec};

    fn task(id: &str, state: TaskState) -> Task {
        let spec = TaskSpec {
            id: id.into(),
            kind: CopyKind::KeyPair,
            source_ids: vec!["ops".into()],
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
    fn starts_only_when_every_need_is_done() {
        let tasks = [
            task("key", TaskState::Done),
            task("groups", TaskState::Running { step: 1 }),
            task("net", TaskState::Queued),
        ];
        let look = |id: &str| tasks.iter().find(|t| t.spec.id == id).cloned();
        let needs = |ids: &[&str]| ids.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(check(&[], look), Needs::Met);
        assert_eq!(check(&needs(&["key"]), look), Needs::Met);
        assert_eq!(
            check(&needs(&["key", "groups", "net"]), look),
            Needs::Waiting("groups".into())
        );
    }

    #[test]
    fn a_failed_cancelled_or_unknown_need_blocks_with_the_reason() {
        let tasks = [
            task("key", TaskState::Done),
            task(
                "groups",
                TaskState::Failed {
                    step: 0,
                    error: "x".into(),
                },
            ),
            task("net", TaskState::Cancelled { note: "".into() }),
        ];
        let look = |id: &str| tasks.iter().find(|t| t.spec.id == id).cloned();
        let blocked = |ids: &[&str]| match check(
            &ids.iter().map(|s| s.to_string()).collect::<Vec<_>>(),
            look,
        ) {
            Needs::Blocked(why) => why,
            other => panic!("expected blocked, got {other:?}"),
        };
        assert!(blocked(&["key", "groups"])
            .contains("task groups (key pair import ops), which failed: retry that task"));
        assert!(blocked(&["net"]).contains("was cancelled"));
        assert!(blocked(&["gone"]).contains("does not hold"));
    }
}
