//! `cutover tasks` and `cutover report`: copy tasks from the journal.

use crate::cli::{Output, ReportArgs, ReportFormat, TasksArgs};
use crate::config::{AwsEnv, FlagSettings, Paths, Settings};
use crate::journal::replay;
use crate::migrate::edit::{edit, parse_setting};
use crate::migrate::{of_pair, tasks_from, Scheduler, Task, TaskState};
use crate::migrate::{Changed, TaskChange};
use crate::model::printable;
use crate::report;
use serde::Serialize;
use std::process::ExitCode;
use tokio::sync::mpsc::Receiver;

pub(super) fn journal_tasks(paths: &Paths) -> anyhow::Result<Vec<Task>> {
    let found = replay(&paths.journal_file)?;
    for (line, why) in &found.skipped {
        eprintln!("cutover: journal line {line} skipped: {why}");
    }
    Ok(tasks_from(&found))
}

/// Listing needs only the journal; resuming needs the regions too.
pub(crate) async fn run(flags: &FlagSettings, args: &TasksArgs) -> anyhow::Result<ExitCode> {
    if args.wait || args.retry.is_some() {
        return run_tasks(&super::load_settings(flags)?, args).await;
    }
    let paths = Paths::locate(flags.config.as_deref()).map_err(anyhow::Error::msg)?;
    let all = journal_tasks(&paths)?;
    let pair = Settings::load(flags, &AwsEnv::from_process()).ok();
    let tasks = match (&pair, args.all) {
        (Some(s), false) => of_pair(all, &s.source.region, &s.target.region),
        (None, false) => {
            eprintln!("no --source/--target given: listing every region pair's tasks");
            all
        }
        (_, true) => all,
    };
    print_tasks(&tasks, args.output)?;
    Ok(ExitCode::SUCCESS)
}

/// `--wait` and `--retry`: this process becomes the journal's writer, then
/// reads it (so that nothing another writer finished meanwhile runs again).
#[allow(clippy::expect_used)] // each expect states the invariant it relies on
async fn run_tasks(settings: &Settings, args: &TasksArgs) -> anyhow::Result<ExitCode> {
    if settings.read_only {
        anyhow::bail!("refusing to resume or retry copy tasks in --read-only mode");
    }
    let journal = super::journal_for_writing(settings)?;
    let found = journal.replay()?;
    for (line, why) in &found.skipped {
        eprintln!("cutover: journal line {line} skipped: {why}");
    }
    let mut tasks = tasks_from(&found);
    if !args.all {
        tasks = of_pair(tasks, &settings.source.region, &settings.target.region);
    }
    let mut ids: Vec<String> = tasks
        .iter()
        .filter(|t| t.is_resumable())
        .map(|t| t.spec.id.clone())
        .collect();
    let (retried, left_out) = match &args.retry {
        Some(which) => to_retry(&tasks, which)?,
        None => (Vec::new(), None),
    };
    if left_out.is_some() && !args.set.is_empty() {
        anyhow::bail!(
            "--set changes a failed task's options; task {} is done with warnings (its retry carries what it left out, with the options it had)",
            args.retry.as_deref().unwrap_or_default()
        );
    }
    // Every change is checked before anything runs: bad input half-applies nothing.
    let changes = args
        .set
        .iter()
        .map(|s| parse_setting(s))
        .collect::<Result<Vec<_>, _>>()
        .map_err(anyhow::Error::msg)?;
    let mut edits = Vec::new();
    for id in retried.iter().filter(|_| !changes.is_empty()) {
        let task = tasks
            .iter()
            .find(|t| &t.spec.id == id)
            .expect("to_retry names known tasks");
        let (spec, change) = edit(task, &changes).map_err(anyhow::Error::msg)?;
        edits.push((id.clone(), spec, change));
    }
    let left_out_step = match &left_out {
        Some(task) => Some(left_out_or_say(task)?),
        None => None,
    };
    if ids.is_empty() && retried.is_empty() && left_out.is_none() {
        print_tasks(&tasks, args.output)?;
        return Ok(ExitCode::SUCCESS);
    }
    let regions = super::connect(settings).await?;
    let (store, rx) = crate::migrate::TaskStore::with_changes(crate::migrate::CHANGES_BOUND);
    let scheduler = Scheduler::new(regions, journal, settings.copy_caps, store);
    if !ids.is_empty() {
        eprintln!("resuming {} unfinished tasks", ids.len());
    }
    for task in tasks {
        scheduler.restore(task);
    }
    for (id, spec, change) in edits {
        scheduler
            .edit(&id, spec, change)
            .map_err(anyhow::Error::msg)?;
    }
    for id in &retried {
        scheduler.retry(id).map_err(anyhow::Error::msg)?;
        eprintln!("retrying {id}");
        ids.push(id.clone());
    }
    if let (Some(task), Some(step)) = (&left_out, left_out_step) {
        let id = &task.spec.id;
        scheduler.retry_left_out(id).map_err(anyhow::Error::msg)?;
        eprintln!(
            "retrying what {id} left out, from step {}: {}",
            step + 1,
            task.spec.steps()[step].label()
        );
        ids.push(id.clone());
    }
    if let Some(code) = follow(&scheduler, rx, &ids, true).await {
        return Ok(stopped(&scheduler, &ids, args.output, code).await);
    }
    let tasks = scheduler.tasks();
    print_tasks(&tasks, args.output)?;
    if let Some(task) = left_out.and_then(|t| tasks.iter().find(|n| n.spec.id == t.spec.id)) {
        say_still_left_out(task);
    }
    let failed: Vec<&str> = tasks
        .iter()
        .filter(|t| ids.contains(&t.spec.id) && matches!(t.state, TaskState::Failed { .. }))
        .map(|t| t.spec.id.as_str())
        .collect();
    if failed.is_empty() {
        return Ok(ExitCode::SUCCESS);
    }
    eprintln!(
        "cutover: {} failed: {}; see the errors above, then `cutover tasks --retry failed` (with --set key=value to change an option)",
        if failed.len() == 1 { "1 task" } else { "tasks" },
        failed.join(", ")
    );
    Ok(ExitCode::FAILURE)
}

/// The failed tasks `--retry` names (one id, or `failed` for every one),
/// or the task done with warnings whose left-out part it names.
fn to_retry(tasks: &[Task], which: &str) -> anyhow::Result<(Vec<String>, Option<Task>)> {
    let failed = |t: &&Task| matches!(t.state, TaskState::Failed { .. });
    if which == "failed" {
        let ids: Vec<String> = tasks
            .iter()
            .filter(failed)
            .map(|t| t.spec.id.clone())
            .collect();
        if ids.is_empty() {
            eprintln!("no failed tasks to retry");
        }
        return Ok((ids, None));
    }
    match tasks.iter().find(|t| t.spec.id == which) {
        Some(t) if failed(&t) => Ok((vec![t.spec.id.clone()], None)),
        Some(t) if t.state == TaskState::Done && !t.warnings.is_empty() => {
            Ok((Vec::new(), Some(t.clone())))
        }
        Some(t) => anyhow::bail!(
            "task {which} is {}: only failed tasks, and what a task done with warnings left out, are retried",
            t.state_name()
        ),
        None => anyhow::bail!(
            "no task {which} for this region pair; `cutover tasks --all` lists every task"
        ),
    }
}

/// The step a retry of what `task` left out starts from; when nothing of
/// it can be carried now, says what to add by hand and refuses.
fn left_out_or_say(task: &Task) -> anyhow::Result<usize> {
    match crate::migrate::left_out::retry_step(task) {
        Ok(step) => Ok(step),
        Err(why) => {
            say_still_left_out(task);
            anyhow::bail!(
                "nothing of what {} left out is retried: {why}",
                task.spec.id
            )
        }
    }
}

/// What a task done with warnings still leaves out, each with its fix.
fn say_still_left_out(task: &Task) {
    if task.warnings.is_empty() {
        eprintln!("{}: nothing is left out any more", printable(&task.spec.id));
        return;
    }
    eprintln!(
        "{}: still left out ({}), each with its fix:",
        printable(&task.spec.id),
        task.warnings.len()
    );
    for w in &task.warnings {
        eprintln!("  - {}", printable(w));
    }
}

pub(crate) fn report(flags: &FlagSettings, args: &ReportArgs) -> anyhow::Result<ExitCode> {
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
    // The timeline and the RTO: after the report's own sections.
    let timeline = crate::timeline::timeline(&found, &tasks);
    let markdown = markdown + &crate::timeline::markdown(&timeline);
    let json = match serde_json::from_str::<serde_json::Value>(&json) {
        Ok(serde_json::Value::Object(mut doc)) => {
            doc.insert("timeline".into(), serde_json::to_value(&timeline)?);
            serde_json::to_string_pretty(&doc)?
        }
        _ => json,
    };
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
/// waiting) until each has started its AWS work. Returns the exit code if
/// SIGINT or SIGTERM stopped the wait (see `stopped`).
pub(crate) async fn follow(
    scheduler: &Scheduler,
    mut changes: Receiver<TaskChange>,
    ids: &[String],
    wait: bool,
) -> Option<u8> {
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
    // History lines come with journaled changes only: progress reports
    // (the most frequent) are not read at all.
    let mut tell = |id: &str| {
        let Some(task) = scheduler.task(id) else {
            return;
        };
        let seen = said.entry(task.spec.id.clone()).or_default();
        for (_, line) in task.history.iter().skip(*seen) {
            eprintln!("[{}] {}", printable(&task.spec.id), printable(line));
        }
        *seen = task.history.len();
    };
    let stop = super::stop::stop_requested();
    tokio::pin!(stop);
    while !settled(scheduler) {
        tokio::select! {
            code = &mut stop => return Some(code),
            next = tokio::time::timeout(std::time::Duration::from_millis(200), changes.recv()) => {
                if let Ok(Some(TaskChange { id, what: Changed::State })) = next {
                    tell(&id);
                }
            }
        }
    }
    // The last changes (a failure and its reason) arrived with the end; a
    // change the full channel could not hold is told here too.
    while let Ok(change) = changes.try_recv() {
        if change.what == Changed::State {
            tell(&change.id);
        }
    }
    for id in ids {
        tell(id);
    }
    if !wait
        && ids
            .iter()
            .filter_map(|id| scheduler.task(id))
            .any(|t| !t.state.is_finished())
    {
        eprintln!("The copies go on in AWS; `cutover tasks --wait` (or the cockpit) follows them to the end.");
    }
    None
}

/// After SIGINT/SIGTERM: abort the multipart uploads of running bucket
/// copies (their parts are billed until aborted), then say where things
/// stand. The journal line being written is finished first: appends are
/// synchronous, and the runtime ends tasks only between them.
pub(crate) async fn stopped(
    scheduler: &Scheduler,
    ids: &[String],
    output: Output,
    code: u8,
) -> ExitCode {
    eprintln!(
        "cutover: stopping ({})",
        if code == 130 { "SIGINT" } else { "SIGTERM" }
    );
    let aborted = scheduler.abort_open_uploads().await;
    if aborted > 0 {
        eprintln!("cutover: aborted {aborted} open multipart uploads");
    }
    let tasks: Vec<Task> = ids.iter().filter_map(|id| scheduler.task(id)).collect();
    let _ = print_tasks(&tasks, output);
    eprintln!(
        "cutover: stopped; `cutover tasks --wait` takes the unfinished tasks up where they are"
    );
    ExitCode::from(code)
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
    warnings: &'a [String],
}

pub(crate) fn print_tasks(tasks: &[Task], output: Output) -> anyhow::Result<()> {
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
            warnings: &t.warnings,
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
                    printable(l.id),
                    l.kind,
                    l.state,
                    printable(&copies.join(", "))
                );
                if let Some(e) = l.error {
                    println!("    error: {}", printable(e));
                }
            }
            if lines.is_empty() {
                println!("no copy tasks in the journal");
            }
        }
    }
    Ok(())
}
