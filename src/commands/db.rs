//! `cutover db promote`: the window's database step. The replica task waits
//! in "replicating" until the operator says writes to the source stopped.

use super::tasks::{follow, journal_tasks, print_tasks};
use crate::cli::{DbArgs, DbCommand, DbPromoteArgs, Output};
use crate::cloud::copy::rds_landing;
use crate::config::Settings;
use crate::journal::Journal;
use crate::migrate::{replication_line, CopyKind, Scheduler, TaskState};
use crate::model::{Details, Kind};
use std::process::ExitCode;
use std::sync::Arc;

pub(crate) async fn run(settings: &Settings, args: &DbArgs) -> anyhow::Result<ExitCode> {
    match &args.command {
        DbCommand::Promote(a) => promote(settings, a).await,
        DbCommand::Clusters(a) => clusters(settings, a.output).await,
    }
}

/// Aurora clusters and cluster snapshots of both regions; a target snapshot
/// made by cutover names its source.
async fn clusters(settings: &Settings, output: Output) -> anyhow::Result<ExitCode> {
    let regions = super::connect(settings).await?;
    let mut all = serde_json::Map::new();
    for c in [&regions.source, &regions.target] {
        let (clusters, snapshots) = tokio::try_join!(
            crate::cloud::list(c, Kind::DbCluster),
            crate::cloud::list(c, Kind::DbClusterSnapshot)
        )?;
        if output == Output::Table {
            println!("{} ({}):", c.region, c.role);
            for k in &clusters {
                let Details::DbCluster(d) = &k.details else {
                    continue;
                };
                println!(
                    "  cluster  {:<28} {:<14} {:<10} {} members  {}",
                    k.id,
                    d.engine,
                    k.state,
                    d.members.len(),
                    match (&d.endpoint, d.port) {
                        (Some(e), Some(p)) => format!("{e}:{p}"),
                        _ => "-".into(),
                    }
                );
            }
            for s in &snapshots {
                let Details::DbClusterSnapshot(d) = &s.details else {
                    continue;
                };
                println!(
                    "  snapshot {:<28} {:<14} {:<10}{}",
                    s.id,
                    d.cluster_id,
                    s.state,
                    s.source_id()
                        .map(|src| format!(" copy of {src}"))
                        .unwrap_or_default()
                );
            }
            if clusters.is_empty() && snapshots.is_empty() {
                println!("  no Aurora clusters or cluster snapshots");
            }
        }
        let clusters: Vec<serde_json::Value> = clusters
            .iter()
            .filter_map(|k| match &k.details {
                Details::DbCluster(d) => Some(serde_json::json!({
                    "id": k.id, "engine": d.engine, "status": k.state,
                    "endpoint": d.endpoint, "port": d.port, "members": d.members.len(),
                })),
                _ => None,
            })
            .collect();
        let snapshots: Vec<serde_json::Value> = snapshots
            .iter()
            .filter_map(|s| match &s.details {
                Details::DbClusterSnapshot(d) => Some(serde_json::json!({
                    "id": s.id, "cluster": d.cluster_id, "status": s.state,
                    "source_id": s.source_id(),
                })),
                _ => None,
            })
            .collect();
        all.insert(
            c.role.to_string(),
            serde_json::json!({"region": c.region, "clusters": clusters, "cluster_snapshots": snapshots}),
        );
    }
    if output == Output::Json {
        println!("{}", serde_json::to_string_pretty(&all)?);
    }
    Ok(ExitCode::SUCCESS)
}

async fn promote(settings: &Settings, a: &DbPromoteArgs) -> anyhow::Result<ExitCode> {
    let tasks = journal_tasks(&settings.paths)?;
    let Some(task) = tasks
        .iter()
        .rev()
        .find(|t| {
            t.spec.kind == CopyKind::DbReplica
                && t.spec.source_ids.first() == Some(&a.source_db_id)
                && !matches!(t.state, TaskState::Cancelled { .. })
        })
        .cloned()
    else {
        anyhow::bail!(
            "no read replica of {} in the journal: make one with `cutover copy --ids {} --replica --yes`",
            a.source_db_id,
            a.source_db_id
        );
    };
    if !task.ready_to_promote() {
        anyhow::bail!(
            "the replica task {} is {} ({}), not waiting for its promote; see `cutover tasks`",
            task.spec.id,
            task.state_name(),
            task.current_step().map(|s| s.label()).unwrap_or("finished")
        );
    }
    let replica = task
        .spec
        .options
        .restore
        .as_ref()
        .map(|r| r.instance_id.clone())
        .unwrap_or_default();
    let regions = super::connect(settings).await?;
    let live = rds_landing::placement(&regions.target, &replica)
        .await?
        .ok_or_else(|| {
            anyhow::anyhow!(
                "the replica {replica} is not in {}: it was deleted; cancel the task",
                regions.target.region
            )
        })?;
    eprintln!(
        "Replica {replica} in {}: {}",
        regions.target.region,
        replication_line(&live, None)
    );
    eprintln!(
        "Promoting makes {replica} a standalone instance that takes writes; it stops following {} in {}.",
        a.source_db_id, regions.source.region
    );
    eprintln!(
        "STOP WRITES IN THE SOURCE FIRST: writes made there after the promote are not carried."
    );
    if a.reverse_replica {
        eprintln!(
            "Then a read replica of {replica} is made back in {}, for a fail-back that keeps the new writes.",
            regions.source.region
        );
    }
    if settings.read_only {
        if a.yes {
            anyhow::bail!("refusing to promote in --read-only mode: nothing was done");
        }
        eprintln!("read-only: shown, not done");
        return Ok(ExitCode::SUCCESS);
    }
    if !a.yes {
        eprintln!("Nothing done: pass --yes once writes in the source have stopped (the journal records when you confirmed).");
        return Ok(ExitCode::SUCCESS);
    }
    let journal = Arc::new(crate::migrate::compact::compacting(
        Journal::at(&settings.paths.journal_file),
        settings.journal_compact_past,
    ));
    let (store, rx) = crate::migrate::TaskStore::with_changes(crate::migrate::CHANGES_BOUND);
    let scheduler = Scheduler::new(regions, journal, settings.copy_caps, store);
    let id = task.spec.id.clone();
    scheduler.restore(task);
    scheduler
        .promote(&id, a.reverse_replica)
        .map_err(anyhow::Error::msg)?;
    follow(&scheduler, rx, std::slice::from_ref(&id), a.wait).await;
    let done = scheduler.task(&id);
    print_tasks(&done.iter().cloned().collect::<Vec<_>>(), Output::Table)?;
    Ok(match done.map(|t| t.state) {
        Some(TaskState::Failed { .. }) => ExitCode::FAILURE,
        _ => ExitCode::SUCCESS,
    })
}
