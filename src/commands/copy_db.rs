//! `cutover copy` for databases: the DB flags, the landing-zone survey and
//! the checks that run before anything is made, the typed confirmation of
//! `--replace`.

use crate::cli::CopyArgs;
use crate::cloud::Regions;
use crate::migrate::{make_replicas, prepare_db, DbPrep, Picks, RestoreOptions, TaskSpec};
use std::io::BufRead;

/// What the DB flags ask of a restore (or a replica), before the survey.
pub(crate) fn restore_options(args: &CopyArgs) -> anyhow::Result<Option<RestoreOptions>> {
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

/// Turns DB tasks into replica tasks (`--replica`), surveys each one's
/// landing zone, and refuses bad input; reads only.
pub(crate) async fn prepare(
    regions: &Regions,
    args: &CopyArgs,
    tasks: &mut [TaskSpec],
) -> anyhow::Result<DbPrep> {
    let picks = Picks {
        subnets: args.db_subnets.clone(),
        no_subnet_group: args.no_db_subnet_group,
    };
    if args.replica {
        make_replicas(tasks).map_err(|e| anyhow::anyhow!("--replica: {e}"))?;
        if tasks.len() > 1 && args.restore_as.is_some() {
            anyhow::bail!("--restore-as names one replica: give one DB instance, or leave it out (each replica then keeps its source's name)");
        }
    }
    prepare_db(regions, tasks, &picks)
        .await
        .map_err(|e| anyhow::anyhow!("nothing started: {e}"))
}

/// `--replace` renames a running instance: the operator types its name.
pub(crate) fn confirm_replace(names: &[String], region: &str) -> anyhow::Result<()> {
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
