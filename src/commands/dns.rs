//! `cutover dns plan|step|rollback|status`: the DNS cutover for runbooks, on
//! the same engine and journal as the cockpit. Changes need --yes; without
//! it a command shows what it would do and writes nothing.

use crate::cli::{DnsCommand, DnsPlanArgs, DnsRecordArgs, Output};
use crate::cloud;
use crate::config::Settings;
use crate::cutover::clock::{clock_time, countdown};
use crate::cutover::guards::{check_ttl, parse_ttl_stages, parse_weight_steps};
use crate::cutover::{DnsCutover, DnsPlan, Outcome, PlanChoices, Progress, Status, SystemClock};
use crate::journal::{unix_ms, Journal};
use anyhow::Context;
use serde::Serialize;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::SystemTime;

pub async fn run(settings: &Settings, command: &DnsCommand) -> anyhow::Result<ExitCode> {
    // Bad input fails here, before any connection or write.
    let choices = match command {
        DnsCommand::Plan(args) => Some(choices(args)?),
        _ => None,
    };
    let engine = engine(settings).await?;
    match command {
        DnsCommand::Plan(args) => plan(settings, &engine, args, &choices.unwrap_or_default()).await,
        DnsCommand::Step(args) => {
            let progress =
                where_it_stands(&engine, &args.at, args.yes && !settings.read_only).await?;
            if !args.yes || settings.read_only {
                print_progress(&progress, SystemTime::now());
                return refuse_or_hint(settings, args.yes, "make the next step");
            }
            let outcome = engine
                .step(&args.at.zone, &args.at.record, args.force)
                .await?;
            print_outcome(&engine, &args.at, &outcome)
        }
        DnsCommand::Rollback(args) => {
            let progress =
                where_it_stands(&engine, &args.at, args.yes && !settings.read_only).await?;
            if !args.yes || settings.read_only {
                match progress.rollback_to() {
                    Some(to) => println!(
                        "rollback would set {}: {} -> {to}",
                        progress.plan.record_name, progress.state
                    ),
                    None => println!(
                        "{} already sends all traffic to the source ({})",
                        progress.plan.record_name, progress.state
                    ),
                }
                return refuse_or_hint(settings, args.yes, "roll back");
            }
            let outcome = engine.rollback(&args.at.zone, &args.at.record).await?;
            print_outcome(&engine, &args.at, &outcome)
        }
        DnsCommand::Status(args) => {
            let status = engine.status(&args.at.zone, &args.at.record).await?;
            match args.output {
                Output::Json => println!(
                    "{}",
                    serde_json::to_string_pretty(&StatusView::of(&status))?
                ),
                Output::Table => print_status(&status),
            }
            Ok(ExitCode::SUCCESS)
        }
    }
}

fn choices(args: &DnsPlanArgs) -> anyhow::Result<PlanChoices> {
    let final_ttl = match &args.final_ttl {
        Some(t) => Some(check_ttl(t.trim().parse().map_err(|_| {
            anyhow::anyhow!(
                "--final-ttl '{t}' is not a whole number of seconds; write e.g. --final-ttl 300"
            )
        })?)?),
        None => None,
    };
    Ok(PlanChoices {
        ttl_stages: args
            .ttl_stages
            .as_deref()
            .map(parse_ttl_stages)
            .transpose()?,
        weights: args
            .weights
            .as_deref()
            .map(parse_weight_steps)
            .transpose()?,
        final_ttl,
        collapse: args.collapse,
    })
}

async fn engine(settings: &Settings) -> anyhow::Result<DnsCutover> {
    // Route 53 is global: the source region's clients reach it.
    let route53 = cloud::connect(&settings.source)
        .await
        .context("cannot open the source region")?;
    let journal = Arc::new(Journal::at(&settings.paths.journal_file));
    let regions = (
        settings.source.region.clone(),
        settings.target.region.clone(),
    );
    Ok(
        DnsCutover::new(route53, journal, Arc::new(SystemClock), regions)
            .on_progress(|m| eprintln!("  {m}")),
    )
}

/// Where the cutover stands. Settling a change left half-done by a crash
/// writes to the journal, so it happens only when the command may write.
async fn where_it_stands(
    engine: &DnsCutover,
    at: &DnsRecordArgs,
    may_write: bool,
) -> anyhow::Result<Progress> {
    if may_write {
        return Ok(engine.resume(&at.zone, &at.record).await?);
    }
    Ok(engine.status(&at.zone, &at.record).await?.progress)
}

async fn plan(
    settings: &Settings,
    engine: &DnsCutover,
    args: &DnsPlanArgs,
    choices: &PlanChoices,
) -> anyhow::Result<ExitCode> {
    let plan = engine
        .propose(&args.at.zone, &args.at.record, &args.target_value, choices)
        .await?;
    print_plan(&plan);
    if !args.yes || settings.read_only {
        return refuse_or_hint(settings, args.yes, "journal this plan and make step 1");
    }
    engine.adopt(&plan)?;
    let outcome = engine.step(&args.at.zone, &plan.record_name, false).await?;
    print_outcome(engine, &args.at, &outcome)
}

/// Without --yes: a hint, success. In --read-only with --yes: a refusal.
fn refuse_or_hint(settings: &Settings, yes: bool, what: &str) -> anyhow::Result<ExitCode> {
    if settings.read_only {
        if yes {
            anyhow::bail!("refusing to change DNS in --read-only mode: nothing was written");
        }
        println!("read-only: shown, not applied");
        return Ok(ExitCode::SUCCESS);
    }
    println!("Nothing changed: pass --yes to {what}.");
    Ok(ExitCode::SUCCESS)
}

fn print_plan(plan: &DnsPlan) {
    println!(
        "DNS cutover plan for {} {} in zone {} ({})",
        plan.record_name, plan.record_type, plan.zone_id, plan.zone_name
    );
    println!("  now:    {}  ({})", plan.source, plan.start());
    println!(
        "  target: {}  (SetIdentifiers {} / {})",
        plan.target, plan.source_region, plan.target_region
    );
    for (i, s) in plan.steps.iter().enumerate() {
        println!("  {:>2}. {:<52} -> {}", i + 1, s.step.to_string(), s.after);
    }
    println!("  Each step waits for INSYNC; the next is offered once resolvers' caches may have expired.");
}

fn print_progress(p: &Progress, now: SystemTime) {
    let total = p.plan.steps.len();
    println!(
        "{}: {} of {total} steps done; Route 53 should hold {}",
        p.plan.record_name, p.done, p.state
    );
    if let Some(pending) = &p.pending {
        println!(
            "  unsettled: {:?} to {} (journaled, outcome not yet known)",
            pending.action, pending.to
        );
    }
    match p.next_step() {
        None => println!("  complete"),
        Some((i, next)) => {
            let when = match (p.wait_left(now), p.next_safe_at()) {
                (Some(left), Some(at)) => {
                    format!("safe at {} (in {})", clock_time(at), countdown(left))
                }
                _ => "safe now".into(),
            };
            println!("  next: step {} of {total}, {}: {when}", i + 1, next.step);
        }
    }
}

fn print_outcome(engine: &DnsCutover, at: &DnsRecordArgs, o: &Outcome) -> anyhow::Result<ExitCode> {
    println!("done: {}", o.description);
    println!(
        "  change {} INSYNC at {}",
        o.change_id,
        clock_time(o.insync_at)
    );
    println!("  Route 53 now: {}", o.state);
    if let Some(p) = engine.load(&at.zone, &at.record)? {
        print_progress(&p, SystemTime::now());
    }
    Ok(ExitCode::SUCCESS)
}

fn print_status(s: &Status) {
    print_progress(&s.progress, s.now);
    let found = s
        .route53
        .map(|r| r.to_string())
        .unwrap_or_else(|| "something this plan did not write".into());
    println!("  Route 53 holds: {found}");
    if s.drift {
        println!("  WARNING: Route 53 differs from the journal; someone else changed the record. Check it before stepping.");
    }
    if s.progress.overrides > 0 {
        println!(
            "  {} step(s) were made before their cache wait was over (--force)",
            s.progress.overrides
        );
    }
}

/// `dns status --output json`: times as Unix milliseconds and UTC text.
#[derive(Serialize)]
struct StatusView<'a> {
    record: &'a str,
    zone_id: &'a str,
    record_type: &'a str,
    steps_total: usize,
    steps_done: usize,
    state: String,
    route53: Option<String>,
    drift: bool,
    rolled_back: bool,
    overrides: usize,
    pending: Option<String>,
    next_step: Option<String>,
    next_safe_at_ms: Option<u64>,
    next_safe_at: Option<String>,
    wait_left_secs: Option<u64>,
    plan: &'a DnsPlan,
}

impl<'a> StatusView<'a> {
    fn of(s: &'a Status) -> Self {
        let p = &s.progress;
        let safe_at = p.next_step().and(p.next_safe_at());
        StatusView {
            record: &p.plan.record_name,
            zone_id: &p.plan.zone_id,
            record_type: &p.plan.record_type,
            steps_total: p.plan.steps.len(),
            steps_done: p.done,
            state: p.state.to_string(),
            route53: s.route53.map(|r| r.to_string()),
            drift: s.drift,
            rolled_back: p.rolled_back,
            overrides: p.overrides,
            pending: p.pending.as_ref().map(|x| x.to.to_string()),
            next_step: p.next_step().map(|(_, n)| n.step.to_string()),
            next_safe_at_ms: safe_at.map(unix_ms),
            next_safe_at: safe_at.map(clock_time),
            wait_left_secs: p.next_step().and(p.wait_left(s.now)).map(|d| d.as_secs()),
            plan: &p.plan,
        }
    }
}
