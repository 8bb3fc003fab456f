//! `cutover copy`: the copy engine, headless, for runbooks. Progress goes to
//! stderr; the result (table or JSON) to stdout.

use super::tasks::{follow, print_tasks, stopped};
use crate::cli::CopyArgs;
use crate::config::Settings;
use crate::migrate::{
    network_preview, now_ms, of_pair, plan, tasks_from, CopyKind, CopyOptions, Scheduler, Task,
    TaskSpec, TaskState,
};
use crate::model::{Kind, Resource};
use std::process::ExitCode;

/// Kinds that can hold a copyable id, plus those whose ids get a reason.
const KINDS: [Kind; 12] = [
    Kind::Image,
    Kind::Volume,
    Kind::Snapshot,
    Kind::KeyPair,
    Kind::SecurityGroup,
    Kind::Instance,
    Kind::ElasticIp,
    Kind::Vpc,
    Kind::Subnet,
    Kind::Bucket,
    Kind::DbInstance,
    Kind::DbSnapshot,
];

pub async fn run(settings: &Settings, args: &CopyArgs) -> anyhow::Result<ExitCode> {
    let regions = super::connect(settings).await?;
    let (inventory, _, _) =
        super::collect_inventory(&regions, settings.bucket_naming.clone(), &KINDS).await;
    if let Some((side, kind, error)) = inventory.failures().next() {
        anyhow::bail!(
            "cannot read the {} {}: {error}",
            inventory.region_of(side),
            kind.title()
        );
    }
    let unknown: Vec<&str> = args
        .ids
        .iter()
        .map(String::as_str)
        .filter(|id| inventory.find_source(id).is_none())
        .collect();
    // Aurora cluster snapshots are not in the inventory: looked up here.
    let (cluster_tasks, unknown) =
        super::copy_db::cluster_snapshot_tasks(&regions, &unknown, args, now_ms()).await?;
    if !unknown.is_empty() {
        anyhow::bail!(
            "not found in {}: {}; check the ids with `cutover inventory` (ids are ami-..., vol-..., snap-..., sg-..., a key pair or bucket name, a DB instance or snapshot id)",
            inventory.source_region(),
            unknown.join(", ")
        );
    }
    // `--ids X,X` is one copy of X.
    let mut ids: Vec<&String> = Vec::new();
    for id in &args.ids {
        if !ids.contains(&id) {
            ids.push(id);
        }
    }
    let selected: Vec<&Resource> = ids
        .into_iter()
        .filter_map(|id| inventory.find_source(id))
        .collect();
    let db_flags = super::copy_db::restore_options(args)?;
    let options = CopyOptions {
        target_vpc: args.target_vpc.clone(),
        kms_key_id: args.kms_key_id.clone(),
        target_az: args.target_az.clone(),
        target_bucket: args.target_bucket.clone(),
        s3: settings.s3_tuning,
        restore: db_flags.clone(),
        az_map: args.az_map.clone().or_else(|| settings.az_map.clone()),
    };
    let mut planned = plan(&selected, &inventory, &options, now_ms());
    planned.tasks.extend(cluster_tasks);
    if !planned.refused.is_empty() {
        let why: Vec<String> = planned
            .refused
            .iter()
            .map(|(id, why)| format!("  {id}: {why}"))
            .collect();
        anyhow::bail!(
            "nothing started; these cannot be copied:\n{}",
            why.join("\n")
        );
    }
    // Databases: landing zone surveyed and bad input refused before the plan
    // is shown; nothing is made yet.
    let db = super::copy_db::prepare(&regions, args, &mut planned.tasks).await?;
    eprintln!(
        "Copies into {} ({} tasks):",
        inventory.target_region(),
        planned.tasks.len()
    );
    for t in &planned.tasks {
        eprintln!("  {:<16} {}", t.kind.label(), t.what());
        if t.kind == CopyKind::Vpc {
            // The whole network plan, and a bad AZ map refused, before
            // anything is made.
            let shown = network_preview(&regions, t)
                .await
                .map_err(|e| anyhow::anyhow!("nothing started: {e}"))?;
            for line in &shown.lines {
                eprintln!("      + {line}");
            }
            for warning in &shown.warnings {
                eprintln!("      ! {warning}");
            }
        }
    }
    for line in &db.lines {
        eprintln!("    {line}");
    }
    if settings.read_only {
        if args.yes {
            anyhow::bail!("refusing to copy in --read-only mode: nothing was started");
        }
        eprintln!("read-only: shown, not started");
        return Ok(ExitCode::SUCCESS);
    }
    if !args.yes {
        eprintln!("Nothing started: pass --yes to start these copies (they create resources that cost money in {}).", inventory.target_region());
        return Ok(ExitCode::SUCCESS);
    }
    super::copy_db::confirm_replace(&db.to_replace, inventory.target_region())?;

    let journal = super::journal_for_writing(settings)?;
    let earlier = of_pair(
        tasks_from(&journal.replay()?),
        &settings.source.region,
        &settings.target.region,
    );
    let (store, rx) = crate::migrate::TaskStore::with_changes(crate::migrate::CHANGES_BOUND);
    let scheduler = Scheduler::new(regions, journal, settings.copy_caps, store);
    let mut ids: Vec<String> = Vec::new();
    for spec in planned.tasks {
        match unfinished_copy_of(&earlier, &spec) {
            // A copy of the same source left running by an earlier run
            // (or a crash): take it up instead of copying twice.
            Some(task) if task.is_resumable() => {
                eprintln!(
                    "  {} is already being copied by task {}: resuming it",
                    spec.what(),
                    task.spec.id
                );
                ids.push(task.spec.id.clone());
                scheduler.restore(task.clone());
            }
            Some(task) => eprintln!(
                "  {} has an unfinished task {} ({}): not copied again; `cutover tasks --retry {}` runs it again",
                spec.what(),
                task.spec.id,
                task.state_name(),
                task.spec.id
            ),
            None => {
                ids.push(spec.id.clone());
                scheduler.submit(spec).map_err(anyhow::Error::msg)?;
            }
        }
    }
    if let Some(code) = follow(&scheduler, rx, &ids, args.wait).await {
        return Ok(stopped(&scheduler, &ids, args.output, code).await);
    }
    let tasks: Vec<_> = ids.iter().filter_map(|id| scheduler.task(id)).collect();
    print_tasks(&tasks, args.output)?;
    let failed = tasks
        .iter()
        .any(|t| matches!(t.state, TaskState::Failed { .. }));
    Ok(if failed {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    })
}

/// An earlier task of the same kind on the same sources that has not
/// ended (done or cancelled).
fn unfinished_copy_of<'a>(earlier: &'a [Task], spec: &TaskSpec) -> Option<&'a Task> {
    let sources = |s: &TaskSpec| {
        let mut ids = s.source_ids.clone();
        ids.sort();
        ids
    };
    earlier.iter().rev().find(|t| {
        t.spec.kind == spec.kind && !t.state.is_finished() && sources(&t.spec) == sources(spec)
    })
}
