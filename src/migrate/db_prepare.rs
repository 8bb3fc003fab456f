//! Before a DB copy starts (CLI or cockpit): replica tasks made from DB
//! instance tasks, each new instance's landing zone surveyed, and bad input
//! refused while nothing is made yet. Reads only.

use super::landing::{survey, Picks};
use super::replica::refusal as replica_refusal;
use super::task::{CopyKind, TaskSpec};
use crate::cloud::copy::{rds as rds_copy, rds_landing};
use crate::cloud::{CloudError, Regions};
use crate::model::Details;

/// The DB part of a plan: lines to show, names to rename after a typed
/// confirmation (`--replace`).
#[derive(Debug, Default, PartialEq)]
pub(crate) struct DbPrep {
    pub(crate) lines: Vec<String>,
    pub(crate) to_replace: Vec<String>,
}

/// DB instance tasks become read replica tasks; anything else is refused
/// (a replica is made of an instance only).
pub(crate) fn make_replicas(tasks: &mut [TaskSpec]) -> Result<(), String> {
    let not_db: Vec<&str> = tasks
        .iter()
        .filter(|t| !matches!(t.kind, CopyKind::DbInstance | CopyKind::DbReplica))
        .map(|t| t.source_ids[0].as_str())
        .collect();
    if !not_db.is_empty() {
        return Err(format!(
            "a read replica is made of a DB instance only; copy these separately: {}",
            not_db.join(", ")
        ));
    }
    for t in tasks.iter_mut() {
        t.kind = CopyKind::DbReplica;
        t.options.restore.get_or_insert_with(Default::default);
    }
    Ok(())
}

/// Whether a task makes a DB instance and so needs its landing zone surveyed.
pub(crate) fn needs_survey(task: &TaskSpec) -> bool {
    matches!(
        task.kind,
        CopyKind::DbInstance | CopyKind::DbSnapshot | CopyKind::DbReplica
    ) && task.options.restore.is_some()
}

fn setup(text: String) -> CloudError {
    CloudError::Refused(text)
}

/// Surveys each task that makes a DB instance and fills its settings;
/// refuses bad input before anything is made.
pub(crate) async fn prepare(
    regions: &Regions,
    tasks: &mut [TaskSpec],
    picks: &Picks,
) -> Result<DbPrep, CloudError> {
    let mut prep = DbPrep::default();
    for task in tasks.iter_mut().filter(|t| needs_survey(t)) {
        let Some(wanted) = task.options.restore.clone() else {
            continue;
        };
        let source_db = match task.kind {
            CopyKind::DbSnapshot => {
                let snap = rds_copy::db_snapshot(&regions.source, &task.source_ids[0])
                    .await?
                    .ok_or_else(|| setup(format!("{} is gone", task.source_ids[0])))?;
                let Details::DbSnapshot(d) = snap.details else {
                    continue;
                };
                // The snapshot outlived its instance: restore with the
                // settings as given, no landing zone to survey.
                if rds_landing::placement(&regions.source, &d.instance_id)
                    .await?
                    .is_none()
                {
                    prep.lines.push(format!(
                        "{} is gone from {}: no landing zone surveyed; the DB settings apply as given",
                        d.instance_id, regions.source.region
                    ));
                    continue;
                }
                d.instance_id
            }
            _ => task.source_ids[0].clone(),
        };
        let mut wanted = wanted;
        if wanted.instance_id.is_empty() {
            wanted.instance_id = source_db.clone();
        }
        // The cheap refusals first, then the landing zone.
        let source = rds_landing::placement(&regions.source, &source_db)
            .await?
            .ok_or_else(|| {
                setup(format!(
                    "no DB instance {source_db} in {}",
                    regions.source.region
                ))
            })?;
        let kms = task.options.kms_key_id.as_deref();
        if task.kind == CopyKind::DbReplica {
            if let Some(why) = replica_refusal(&source, kms, &regions.target.region) {
                return Err(setup(why));
            }
        } else if source.encrypted && kms.is_none() {
            return Err(setup(format!("{source_db} is encrypted: KMS keys belong to one region, so give a key of {} for the copy (--kms-key-id)", regions.target.region)));
        }
        let found = survey(regions, &source_db, wanted, picks).await?;
        let name = found.restore.instance_id.clone();
        if let Some(existing) = rds_landing::placement(&regions.target, &name).await? {
            if !found.restore.replace {
                return Err(setup(format!(
                    "a DB instance named {name} already exists in {} ({}); pick another name (--restore-as), or rename it out of the way (--replace)",
                    regions.target.region, existing.status
                )));
            }
            prep.to_replace.push(name.clone());
            prep.lines.push(format!(
                "{name} exists in {}: it will be renamed out of the way (--replace)",
                regions.target.region
            ));
        }
        prep.lines.push(format!(
            "{} {source_db} -> {name} in {}",
            if task.kind == CopyKind::DbReplica {
                "read replica of"
            } else {
                "restore of"
            },
            regions.target.region
        ));
        prep.lines.extend(found.lines);
        task.options.restore = Some(found.restore);
    }
    Ok(prep)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::migrate::task::{CopyOptions, RestoreOptions};

    fn task(kind: CopyKind, restore: Option<RestoreOptions>) -> TaskSpec {
        TaskSpec {
            id: "t".into(),
            kind,
            source_ids: vec!["shop".into()],
            names: Default::default(),
            source_region: "us-east-1".into(),
            target_region: "eu-west-1".into(),
            options: CopyOptions {
                restore,
                ..Default::default()
            },
            known_copies: Default::default(),
        }
    }

    #[test]
    fn replicas_are_made_of_instances_only() {
        let mut tasks = vec![task(CopyKind::DbInstance, None)];
        make_replicas(&mut tasks).unwrap();
        assert_eq!(tasks[0].kind, CopyKind::DbReplica);
        assert!(needs_survey(&tasks[0]), "a replica always lands somewhere");
        let mut mixed = vec![
            task(CopyKind::DbInstance, None),
            task(CopyKind::DbSnapshot, None),
        ];
        let why = make_replicas(&mut mixed).unwrap_err();
        assert!(why.contains("DB instance only"), "{why}");
        assert!(!needs_survey(&task(CopyKind::DbInstance, None)));
        assert!(!needs_survey(&task(
            CopyKind::Image,
            Some(Default::default())
        )));
    }
}
