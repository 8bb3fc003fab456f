//! `cutover cleanup --leftovers`: the snapshots and images copies made in
//! the source on the way (journaled as leftovers), listed; with --yes,
//! those of tasks that have ended are deleted and the deletion journaled.
//! A leftover of a task still running, paused or failed is kept: a resume
//! or retry copies from it.

use crate::config::Settings;
use crate::migrate::leftover::{self, Leftover};
use crate::migrate::{now_ms, of_pair, tasks_from, Task, TaskEvent, TaskJournal, TaskState};
use std::process::ExitCode;

/// Whether the task is over, so its leftovers are no longer needed.
fn ended(t: &Task) -> bool {
    matches!(t.state, TaskState::Done | TaskState::Cancelled { .. })
}

pub(crate) async fn run(settings: &Settings, yes: bool) -> anyhow::Result<ExitCode> {
    let (source, target) = (&settings.source.region, &settings.target.region);
    if settings.read_only && yes {
        anyhow::bail!("refusing to delete in --read-only mode: nothing was deleted");
    }
    let deleting = yes && !settings.read_only;
    // The writer's lock first: no task changes under the list.
    let journal = if deleting {
        Some(super::journal_for_writing(settings)?)
    } else {
        None
    };
    let found = crate::journal::replay(&settings.paths.journal_file)?;
    let tasks = of_pair(tasks_from(&found), source, target);
    let listed: Vec<(&Task, &Leftover)> = tasks
        .iter()
        .flat_map(|t| t.leftovers.iter().map(move |l| (t, l)))
        .collect();
    if listed.is_empty() {
        eprintln!(
            "No leftovers: the journal's tasks for {source} > {target} left nothing in the source."
        );
        return Ok(ExitCode::SUCCESS);
    }
    println!(
        "{:<12} {:<13} {:<28} {:<20} WHY",
        "REGION", "KIND", "ID", "TASK (STATE)"
    );
    for (t, l) in &listed {
        println!(
            "{:<12} {:<13} {:<28} {:<20} {}",
            l.region,
            l.kind.label(),
            l.id,
            format!("{} ({})", t.spec.id, t.state_name()),
            l.why
        );
    }
    let (ready, kept): (Vec<_>, Vec<_>) = listed.into_iter().partition(|(t, _)| ended(t));
    for (t, l) in &kept {
        eprintln!(
            "  kept: {} {}: task {} is {}, and a resume or retry copies from it (cancel it first to delete it)",
            l.kind.label(),
            l.id,
            t.spec.id,
            t.state_name()
        );
    }
    let Some(journal) = journal else {
        if settings.read_only {
            eprintln!("read-only: listed, nothing deleted");
        } else {
            eprintln!(
                "Nothing deleted: pass --yes to delete the {} leftover(s) of ended tasks.",
                ready.len()
            );
        }
        return Ok(ExitCode::SUCCESS);
    };
    let regions = super::connect(settings).await?;
    let mut failed = Vec::new();
    for (t, l) in ready {
        let clients = if l.region == regions.source.region {
            regions.source.clone()
        } else if l.region == regions.target.region {
            regions.target.clone()
        } else {
            regions.source.in_region(&l.region)
        };
        match leftover::delete(&clients, l).await {
            Ok(was_there) => {
                let event = TaskEvent::LeftoverRemoved { id: l.id.clone() };
                journal
                    .record_for(&t.spec, now_ms(), &event)
                    .map_err(anyhow::Error::msg)?;
                eprintln!(
                    "{} {} {} in {}",
                    if was_there {
                        "deleted"
                    } else {
                        "already gone:"
                    },
                    l.kind.label(),
                    l.id,
                    l.region
                );
            }
            Err(e) => failed.push(format!("{} {} in {}: {e}", l.kind.label(), l.id, l.region)),
        }
    }
    if failed.is_empty() {
        return Ok(ExitCode::SUCCESS);
    }
    eprintln!("Could not delete ({}):", failed.len());
    for f in &failed {
        eprintln!("  {f}");
    }
    Ok(ExitCode::FAILURE)
}
