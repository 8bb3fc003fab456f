//! `cutover copy` for databases: the DB flags, the landing-zone survey and
//! the checks that run before anything is made, the typed confirmation of
//! `--replace`.

use crate::cli::CopyArgs;
use crate::cloud::copy::rds_landing;
use crate::cloud::Regions;
use crate::migrate::{replica_refusal, survey, CopyKind, Picks, RestoreOptions, TaskSpec};
use std::io::BufRead;

/// What the DB flags ask of a restore (or a replica), before the survey.
pub fn restore_options(args: &CopyArgs) -> anyhow::Result<Option<RestoreOptions>> {
    let any_db_flag = args.db_instance_class.is_some()
        || args.db_subnet_group.is_some()
        || !args.db_subnets.is_empty()
        || args.no_db_subnet_group
        || !args.db_security_groups.is_empty()
        || args.db_parameter_group.is_some()
        || args.db_option_group.is_some()
        || args.db_multi_az.is_some()
        || args.db_storage_type.is_some()
        || args.db_backup_retention.is_some()
        || args.db_deletion_protection.is_some()
        || args.replace;
    if any_db_flag && args.restore_as.is_none() && !args.replica {
        anyhow::bail!("the --db-* flags and --replace describe a new DB instance: add --restore-as NAME (snapshot path) or --replica");
    }
    if args.restore_as.is_none() && !args.replica {
        return Ok(None);
    }
    Ok(Some(RestoreOptions {
        instance_id: args.restore_as.clone().unwrap_or_default(),
        instance_class: args.db_instance_class.clone(),
        subnet_group: args.db_subnet_group.clone(),
        security_group_ids: args.db_security_groups.clone(),
        replace: args.replace,
        parameter_group: args.db_parameter_group.clone(),
        option_group: args.db_option_group.clone(),
        multi_az: args.db_multi_az,
        storage_type: args.db_storage_type.clone(),
        backup_retention_days: args.db_backup_retention,
        deletion_protection: args.db_deletion_protection,
        landing: None,
    }))
}

/// The DB part of the plan: lines to show, names to rename after a typed
/// confirmation.
#[derive(Debug, Default)]
pub struct DbPrep {
    pub lines: Vec<String>,
    pub to_replace: Vec<String>,
}

/// Turns DB tasks into replica tasks (`--replica`), surveys each one's
/// landing zone, and refuses bad input; reads only.
pub async fn prepare(
    regions: &Regions,
    args: &CopyArgs,
    tasks: &mut [TaskSpec],
) -> anyhow::Result<DbPrep> {
    let mut prep = DbPrep::default();
    let picks = Picks {
        subnets: args.db_subnets.clone(),
        no_subnet_group: args.no_db_subnet_group,
    };
    if args.replica {
        let not_db: Vec<&str> = tasks
            .iter()
            .filter(|t| t.kind != CopyKind::DbInstance)
            .map(|t| t.source_ids[0].as_str())
            .collect();
        if !not_db.is_empty() {
            anyhow::bail!(
                "--replica makes read replicas of DB instances only; copy these separately: {}",
                not_db.join(", ")
            );
        }
        if tasks.len() > 1 && args.restore_as.is_some() {
            anyhow::bail!("--restore-as names one replica: give one DB instance, or leave it out (each replica then keeps its source's name)");
        }
    }
    for task in tasks.iter_mut() {
        let Some(wanted) = task.options.restore.clone() else {
            continue;
        };
        let source_db = match task.kind {
            CopyKind::DbInstance => task.source_ids[0].clone(),
            CopyKind::DbSnapshot => {
                let snap =
                    crate::cloud::copy::rds::db_snapshot(&regions.source, &task.source_ids[0])
                        .await?
                        .ok_or_else(|| anyhow::anyhow!("{} is gone", task.source_ids[0]))?;
                let instance = match snap.details {
                    crate::model::Details::DbSnapshot(d) => d.instance_id,
                    _ => continue,
                };
                // The snapshot outlived its instance: restore with the flags
                // as given, no landing zone to survey.
                if rds_landing::placement(&regions.source, &instance)
                    .await?
                    .is_none()
                {
                    prep.lines.push(format!(
                        "{instance} is gone from {}: no landing zone surveyed; the --db-* flags apply as given",
                        regions.source.region
                    ));
                    continue;
                }
                instance
            }
            _ => continue,
        };
        if args.replica {
            task.kind = CopyKind::DbReplica;
        }
        let mut wanted = wanted;
        if wanted.instance_id.is_empty() {
            wanted.instance_id = source_db.clone();
        }
        // The cheap refusals first, then the landing zone.
        let source = rds_landing::placement(&regions.source, &source_db)
            .await?
            .ok_or_else(|| {
                anyhow::anyhow!("no DB instance {source_db} in {}", regions.source.region)
            })?;
        if task.kind == CopyKind::DbReplica {
            let kms = args.kms_key_id.as_deref();
            if let Some(why) = replica_refusal(&source, kms, &regions.target.region) {
                anyhow::bail!("nothing started: {why}");
            }
        } else if source.encrypted && args.kms_key_id.is_none() {
            anyhow::bail!("nothing started: {source_db} is encrypted: KMS keys belong to one region, so give a key of {} for the copy (--kms-key-id)", regions.target.region);
        }
        let found = survey(regions, &source_db, wanted, &picks).await?;
        let name = found.restore.instance_id.clone();
        if let Some(existing) = rds_landing::placement(&regions.target, &name).await? {
            if !found.restore.replace {
                anyhow::bail!(
                    "nothing started: a DB instance named {name} already exists in {} ({}); pick another name with --restore-as, or pass --replace to rename it out of the way",
                    regions.target.region,
                    existing.status
                );
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

/// `--replace` renames a running instance: the operator types its name.
pub fn confirm_replace(names: &[String], region: &str) -> anyhow::Result<()> {
    let stdin = std::io::stdin();
    for name in names {
        eprint!("{name} in {region} will be renamed to {name}-old-... and keeps running. Type its name to confirm: ");
        let mut typed = String::new();
        stdin.lock().read_line(&mut typed)?;
        if typed.trim() != name {
            anyhow::bail!("nothing started: the name typed was not {name}");
        }
    }
    Ok(())
}

/// Copy tasks for the ids that are manual Aurora cluster snapshots of the
/// source; the other ids are handed back, still unknown.
pub async fn cluster_snapshot_tasks<'a>(
    regions: &Regions,
    ids: &[&'a str],
    args: &CopyArgs,
    stamp: u64,
) -> anyhow::Result<(Vec<TaskSpec>, Vec<&'a str>)> {
    let (mut tasks, mut unknown) = (Vec::new(), Vec::new());
    // Only names RDS would take are asked about (others make RDS answer
    // InvalidParameterValue, not "not found").
    let rds_name = |id: &str| {
        id.starts_with(|c: char| c.is_ascii_alphabetic())
            && id.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
            && !id.contains("--")
            && !id.ends_with('-')
    };
    for id in ids {
        if !rds_name(id) {
            unknown.push(*id);
            continue;
        }
        match crate::cloud::copy::rds_replica::cluster_snapshot(&regions.source, id).await? {
            Some(_) => tasks.push(TaskSpec {
                id: format!("{id}-{stamp:x}"),
                kind: CopyKind::DbClusterSnapshot,
                source_ids: vec![id.to_string()],
                names: Default::default(),
                source_region: regions.source.region.clone(),
                target_region: regions.target.region.clone(),
                options: crate::migrate::CopyOptions {
                    kms_key_id: args.kms_key_id.clone(),
                    ..Default::default()
                },
                known_copies: Default::default(),
            }),
            None => unknown.push(*id),
        }
    }
    Ok((tasks, unknown))
}
