//! `cutover tasks` and `cutover report`: copy tasks from the journal.

use crate::cli::{Output, ReportArgs, ReportFormat, TasksArgs};
use crate::config::{FlagSettings, Paths};
use crate::journal::{replay, Journal};
use crate::migrate::{tasks_from, Scheduler, Task, TaskState};
use crate::report;
use serde::Serialize;
use std::process::ExitCode;
use std::sync::Arc;
use tokio::sync::mpsc::UnboundedReceiver;

fn journal_tasks(paths: &Paths) -> anyhow::Result<Vec<Task>> {
    let found = replay(&paths.journal_file)?;
    for (line, why) in &found.skipped {
        eprintln!("cutover: journal line {line} skipped: {why}");
    }
    Ok(tasks_from(&found))
}

/// Listing needs only the journal; resuming needs the regions too.
pub async fn run(flags: &FlagSettings, args: &TasksArgs) -> anyhow::Result<ExitCode> {
    let paths = Paths::locate(flags.config.as_deref()).map_err(anyhow::Error::msg)?;
    let tasks = journal_tasks(&paths)?;
    let unfinished: Vec<&Task> = tasks.iter().filter(|t| t.is_resumable()).collect();
    if !args.wait || unfinished.is_empty() {
        print_tasks(&tasks, args.output)?;
        return Ok(ExitCode::SUCCESS);
    }
    let settings = super::load_settings(flags)?;
    if settings.read_only {
        anyhow::bail!("refusing to resume copy tasks in --read-only mode");
    }
    let regions = super::connect(&settings).await?;
    let (tx, rx) = tokio::sync::mpsc::unbounded_channel();
    let scheduler = Scheduler::new(
        regions,
        Arc::new(Journal::at(&settings.paths.journal_file)),
        settings.copy_caps,
        tx,
    );
    let ids: Vec<String> = unfinished.iter().map(|t| t.spec.id.clone()).collect();
    eprintln!("resuming {} unfinished tasks", ids.len());
    for task in tasks {
        scheduler.restore(task);
    }
    follow(&scheduler, rx, &ids, true).await;
    print_tasks(&scheduler.tasks(), args.output)?;
    Ok(ExitCode::SUCCESS)
}

pub fn report(flags: &FlagSettings, args: &ReportArgs) -> anyhow::Result<ExitCode> {
    let paths = Paths::locate(flags.config.as_deref()).map_err(anyhow::Error::msg)?;
    let found = replay(&paths.journal_file)?;
    for (line, why) in &found.skipped {
        eprintln!("cutover: journal line {line} skipped: {why}");
    }
    let tasks = tasks_from(&found);
    let dns = report::dns_cutovers(&found);
    let (markdown, json) = (
        report::markdown_with(&tasks, &dns),
        report::json_with(&tasks, &dns),
    );
    match args.format {
        ReportFormat::Markdown => print!("{markdown}"),
        ReportFormat::Json => println!("{json}"),
    }
    if args.save {
        let dir = &paths.reports_dir;
        std::fs::create_dir_all(dir)?;
        std::fs::write(dir.join("report.md"), &markdown)?;
        std::fs::write(dir.join("report.json"), &json)?;
        eprintln!("saved {} and report.json", dir.join("report.md").display());
    }
    Ok(ExitCode::SUCCESS)
}

/// Prints each change of the given tasks to stderr until they end, or (not
/// waiting) until each has started its AWS work.
pub async fn follow(
    scheduler: &Scheduler,
    mut updates: UnboundedReceiver<Task>,
    ids: &[String],
    wait: bool,
) {
    let settled = |s: &Scheduler| {
        ids.iter()
            .filter_map(|id| s.task(id))
            .all(|t| match t.state {
                TaskState::Queued => false,
                TaskState::Running { .. } => !wait && t.current_step().is_some_and(|s| s.is_wait()),
                _ => true,
            })
    };
    let mut said = std::collections::HashMap::<String, usize>::new();
    while !settled(scheduler) {
        let Ok(Some(task)) =
            tokio::time::timeout(std::time::Duration::from_millis(200), updates.recv()).await
        else {
            continue;
        };
        let seen = said.entry(task.spec.id.clone()).or_default();
        for (_, line) in task.history.iter().skip(*seen) {
            eprintln!("[{}] {line}", task.spec.id);
        }
        *seen = task.history.len();
    }
    if !wait
        && ids
            .iter()
            .filter_map(|id| scheduler.task(id))
            .any(|t| !t.state.is_finished())
    {
        eprintln!("The copies go on in AWS; `cutover tasks --wait` (or the cockpit) follows them to the end.");
    }
}

#[derive(Serialize)]
struct TaskLine<'a> {
    id: &'a str,
    kind: &'static str,
    what: String,
    state: &'static str,
    step: Option<&'static str>,
    copies: std::collections::BTreeMap<String, String>,
    error: Option<&'a str>,
    notes: &'a [String],
}

pub fn print_tasks(tasks: &[Task], output: Output) -> anyhow::Result<()> {
    let lines: Vec<TaskLine> = tasks
        .iter()
        .map(|t| TaskLine {
            id: &t.spec.id,
            kind: t.spec.kind.label(),
            what: t.spec.what(),
            state: t.state_name(),
            step: t.current_step().map(|s| s.label()),
            copies: t.copies(),
            error: match &t.state {
                TaskState::Failed { error, .. } => Some(error),
                _ => None,
            },
            notes: &t.notes,
        })
        .collect();
    match output {
        Output::Json => println!("{}", serde_json::to_string_pretty(&lines)?),
        Output::Table => {
            for l in &lines {
                let copies: Vec<String> = l
                    .copies
                    .iter()
                    .map(|(s, t)| format!("{s} -> {t}"))
                    .collect();
                println!(
                    "{:<28} {:<16} {:<10} {}",
                    l.id,
                    l.kind,
                    l.state,
                    copies.join(", ")
                );
                if let Some(e) = l.error {
                    println!("    error: {e}");
                }
            }
            if lines.is_empty() {
                println!("no copy tasks in the journal");
            }
        }
    }
    Ok(())
}
