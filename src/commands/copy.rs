//! `cutover copy`: the copy engine, headless, for runbooks. Progress goes to
//! stderr; the result (table or JSON) to stdout.

use super::tasks::{follow, print_tasks, stopped};
use crate::cli::CopyArgs;
use crate::config::Settings;
use crate::migrate::{
    network_preview, now_ms, of_pair, plan, referenced_groups, tasks_from, volume_preflight,
    CopyKind, CopyOptions, Scheduler, Task, TaskSpec, TaskState,
};
use crate::model::Resource;
use std::process::ExitCode;

pub(crate) async fn run(settings: &Settings, args: &CopyArgs) -> anyhow::Result<ExitCode> {
    let regions = super::connect(settings).await?;
    let inventory = super::copy_reads::inventory_for(&regions, settings, args).await?;
    let unknown: Vec<&str> = args
        .ids
        .iter()
        .map(String::as_str)
        .filter(|id| inventory.find_source(id).is_none())
        .collect();
    if !unknown.is_empty() {
        anyhow::bail!(
            "not found in {}: {}; check the ids with `cutover inventory` (ids are ami-..., vol-..., snap-..., sg-..., a key pair or bucket name, a DB instance, snapshot or cluster snapshot id)",
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
    let mut selected: Vec<&Resource> = ids
        .into_iter()
        .filter_map(|id| inventory.find_source(id))
        .collect();
    if args.with_referenced {
        let more = referenced_groups(&selected, &inventory);
        if !more.is_empty() {
            let named: Vec<&str> = more.iter().map(|r| r.id.as_str()).collect();
            eprintln!(
                "With the groups the selected ones refer to: {}",
                named.join(", ")
            );
            selected.extend(more);
        }
    }
    let db_flags = super::copy_db::restore_options(args)?;
    let mut options = CopyOptions {
        target_vpc: args.target_vpc.clone(),
        kms_key_id: args.kms_key_id.clone(),
        target_az: args.target_az.clone(),
        target_bucket: args.target_bucket.clone(),
        s3: settings.s3_tuning,
        restore: db_flags.clone(),
        az_map: args.az_map.clone().or_else(|| settings.az_map.clone()),
        launch_permissions: args.launch_permissions,
        bucket: super::copy_bucket::options(args)?,
        launch: super::copy_instances::launch_options(args),
        ..Default::default()
    };
    super::copy_instances::check_target_subnet(&regions, &mut options).await?;
    let mut planned = plan(&selected, &inventory, &options, now_ms());
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
    let why = super::copy_instances::refused(&regions, &planned.tasks).await?;
    if !why.is_empty() {
        anyhow::bail!("nothing started:\n  {}", why.join("\n  "));
    }
    for note in &planned.notes {
        eprintln!("  {note}");
    }
    // Databases: landing zone surveyed and bad input refused before the plan
    // is shown; nothing is made yet.
    let db = super::copy_db::prepare(&regions, args, &mut planned.tasks).await?;
    // Volumes: a target AZ of another region, or an encrypted volume
    // without a target key, are refused here, before any write.
    for t in &planned.tasks {
        volume_preflight(&regions, t)
            .await
            .map_err(|e| anyhow::anyhow!("nothing started: {e}"))?;
    }
    eprintln!(
        "Copies into {} ({} tasks):",
        inventory.target_region(),
        planned.tasks.len()
    );
    for t in &planned.tasks {
        eprintln!("  {:<16} {}", t.kind.label(), t.what());
        if t.kind == CopyKind::Instance {
            eprintln!("      + {}", crate::migrate::relaunch::describe(t));
            for need in &t.options.needs {
                eprintln!("      after {need}");
            }
        }
        if t.kind == CopyKind::Bucket {
            for line in super::copy_bucket::plan_lines(&regions, t).await? {
                eprintln!("      {line}");
            }
        }
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
    if !planned.unselected_references.is_empty() {
        eprintln!(
            "Rules that will be left out (the task ends done with warnings); --with-referenced copies those groups too:"
        );
        for gap in &planned.unselected_references {
            eprintln!("  ! {}", gap.line());
        }
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
    // A planned task taken up from an earlier run: who needs it needs that.
    let mut taken_up: Vec<(String, String)> = Vec::new();
    for mut spec in planned.tasks {
        for (planned_id, earlier_id) in &taken_up {
            for need in spec.options.needs.iter_mut().filter(|n| *n == planned_id) {
                *need = earlier_id.clone();
            }
        }
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
                taken_up.push((spec.id.clone(), task.spec.id.clone()));
                scheduler.restore(task.clone());
            }
            Some(task) => {
                // Known to the scheduler, so that who needs it says why it waits.
                taken_up.push((spec.id.clone(), task.spec.id.clone()));
                scheduler.restore(task.clone());
                eprintln!(
                "  {} has an unfinished task {} ({}): not copied again; `cutover tasks --retry {}` runs it again",
                spec.what(),
                task.spec.id,
                task.state_name(),
                task.spec.id
            )
            }
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
