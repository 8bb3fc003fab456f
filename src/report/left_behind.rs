//! What the copies made on the way that still costs money: the leftovers
//! the tasks journaled in the source (the snapshot of a volume or DB
//! instance taken to copy it; `cutover cleanup --leftovers` deletes them),
//! and in the target the snapshot copy a volume or DB instance was made
//! from. Each with the command that deletes it, once the operator has
//! checked it is no longer needed.

use crate::migrate::{CopyKind, Task, TaskState};
use serde::Serialize;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub(crate) struct LeftBehind {
    pub(crate) task_id: String,
    pub(crate) region: String,
    /// "EBS snapshot", "DB snapshot".
    pub(crate) what: &'static str,
    pub(crate) id: String,
    pub(crate) why: String,
    pub(crate) delete: String,
}

fn ebs(task: &Task, region: &str, id: &str, why: &'static str) -> LeftBehind {
    LeftBehind {
        task_id: task.spec.id.clone(),
        region: region.to_string(),
        what: "EBS snapshot",
        id: id.to_string(),
        why: why.to_string(),
        delete: format!("aws ec2 delete-snapshot --region {region} --snapshot-id {id}"),
    }
}

fn rds(task: &Task, region: &str, id: &str, why: &'static str) -> LeftBehind {
    LeftBehind {
        task_id: task.spec.id.clone(),
        region: region.to_string(),
        what: "DB snapshot",
        id: id.to_string(),
        why: why.to_string(),
        delete: format!(
            "aws rds delete-db-snapshot --region {region} --db-snapshot-identifier {id}"
        ),
    }
}

/// The leftovers the tasks journaled (not yet cleaned up), and the
/// target snapshots volumes and DB instances were made from. A cancelled
/// task's undo already removed what it could in the target.
pub(crate) fn left_behind(tasks: &[Task]) -> Vec<LeftBehind> {
    let mut out = Vec::new();
    for t in tasks {
        out.extend(t.leftovers.iter().map(|l| LeftBehind {
            task_id: t.spec.id.clone(),
            region: l.region.clone(),
            what: l.kind.label(),
            id: l.id.clone(),
            why: l.why.clone(),
            delete: l.delete_command(),
        }));
        if matches!(t.state, TaskState::Cancelled { .. }) {
            continue;
        }
        let target = &t.spec.target_region;
        let copy = t.outputs.get("copy");
        match t.spec.kind {
            CopyKind::Volume => {
                if let (Some(id), Some(_)) = (copy, &t.spec.options.target_az) {
                    out.push(ebs(
                        t,
                        target,
                        id,
                        "the copy the target volume was made from",
                    ));
                }
            }
            CopyKind::DbInstance | CopyKind::DbSnapshot => {
                if let (Some(id), Some(_)) = (copy, &t.spec.options.restore) {
                    out.push(rds(
                        t,
                        target,
                        id,
                        "the copy the target DB instance was restored from",
                    ));
                }
            }
            _ => {}
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::migrate::leftover::{Leftover, LeftoverKind};
    use crate::migrate::{CopyOptions, TaskEvent, TaskSpec};

    fn volume_task(target_az: Option<&str>) -> Task {
        let spec = TaskSpec {
            id: "vol-1-1".into(),
            kind: CopyKind::Volume,
            source_ids: vec!["vol-1".into()],
            names: Default::default(),
            source_region: "us-east-1".into(),
            target_region: "eu-west-1".into(),
            options: CopyOptions {
                target_az: target_az.map(String::from),
                ..Default::default()
            },
            known_copies: Default::default(),
        };
        let mut t = Task::new(spec, 0);
        let outputs = [("snapshot", "snap-s1"), ("copy", "snap-t1")]
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .into();
        let leftover = Leftover::new(
            "us-east-1",
            LeftoverKind::EbsSnapshot,
            "snap-s1",
            "taken of the source volume to copy it",
        );
        t.apply(1, &TaskEvent::Leftover { leftover });
        t.apply(1, &TaskEvent::StepDone { step: 0, outputs });
        t.apply(2, &TaskEvent::Done);
        t
    }

    #[test]
    fn intermediate_snapshots_come_with_the_command_that_deletes_them() {
        let left = left_behind(&[volume_task(None)]);
        assert_eq!(left.len(), 1, "the target snapshot is the copy itself");
        assert_eq!(left[0].region, "us-east-1");
        assert_eq!(
            left[0].delete,
            "aws ec2 delete-snapshot --region us-east-1 --snapshot-id snap-s1"
        );
        let left = left_behind(&[volume_task(Some("eu-west-1a"))]);
        assert_eq!(left.len(), 2, "a volume was made from the target copy");
        assert_eq!(left[1].id, "snap-t1");
        let tasks = [volume_task(None)];
        let md = crate::report::markdown(&tasks);
        let json: serde_json::Value = serde_json::from_str(&crate::report::json(&tasks)).unwrap();
        assert!(md.contains(&left[0].delete), "{md}");
        assert_eq!(json["left_behind"][0]["delete"], left[0].delete.as_str());
        assert_eq!(json["tasks"][0]["state"], "done");

        let mut cleaned = volume_task(None);
        cleaned.apply(
            3,
            &TaskEvent::LeftoverRemoved {
                id: "snap-s1".into(),
            },
        );
        assert!(left_behind(&[cleaned]).is_empty(), "cleaned up: gone");
    }
}
