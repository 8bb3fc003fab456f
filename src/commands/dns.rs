//! `cutover dns plan|step|rollback|adopt|finish|abort|status`: the DNS
//! cutover for runbooks, on the same engine and journal as the cockpit.
//! Changes need --yes; without it a command shows what it would do and
//! writes nothing.

use super::dns_print::{
    print_all, print_outcome, print_plan, print_progress, print_status, StatusView,
};
use crate::cli::{DnsCommand, DnsPlanArgs, DnsRecordArgs, DnsStatusArgs, Output};
use crate::cloud;
use crate::config::Settings;
use crate::cutover::guards::{check_ttl, parse_ttl_stages, parse_weight_steps};
use crate::cutover::health::HealthCheckSpec;
use crate::cutover::plan::Answer;
use crate::cutover::target_value::{kinds_answering, known_in, unknown_value_warning};
use crate::cutover::{DnsCutover, PlanChoices, SystemClock};
use crate::journal::Journal;
use anyhow::Context;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::SystemTime;

/// A record as the engine names it: the zone resolved to its id.
struct At {
    zone_id: String,
    record: String,
}

pub(crate) async fn run(settings: &Settings, command: &DnsCommand) -> anyhow::Result<ExitCode> {
    // Bad input fails here, before any connection or write.
    let choices = match command {
        DnsCommand::Plan(args) => Some(choices(args)?),
        _ => None,
    };
    let engine = engine(settings).await?;
    let may_write = |yes: bool| yes && !settings.read_only;
    match command {
        DnsCommand::Plan(args) => plan(settings, &engine, args, &choices.unwrap_or_default()).await,
        DnsCommand::Step(args) => {
            let at = resolve(&engine, &args.at).await?;
            if !may_write(args.yes) {
                let status = engine.status(&at.zone_id, &at.record).await?;
                print_status(&status);
                return refuse_or_hint(settings, args.yes, "make the next step");
            }
            // With --auto-rollback, a target that turned unhealthy is rolled back first.
            if let Some(rolled_back) = engine.watch(&at.zone_id, &at.record).await? {
                print_outcome(&engine, &at.zone_id, &at.record, &rolled_back)?;
                anyhow::bail!("the target is unhealthy: rolled back instead of stepping");
            }
            let outcome = engine.step(&at.zone_id, &at.record, args.force).await?;
            print_outcome(&engine, &at.zone_id, &at.record, &outcome)
        }
        DnsCommand::Rollback(args) => {
            let at = resolve(&engine, &args.at).await?;
            if !may_write(args.yes) {
                // Rollback acts on Route 53: the preview says what it holds.
                let status = engine.status(&at.zone_id, &at.record).await?;
                print_status(&status);
                println!(
                    "rollback would set {} to 100/0 (source/target) in one change, from what Route 53 holds",
                    status.progress.plan.record_name
                );
                return refuse_or_hint(settings, args.yes, "roll back");
            }
            let outcome = engine.rollback(&at.zone_id, &at.record).await?;
            print_outcome(&engine, &at.zone_id, &at.record, &outcome)
        }
        DnsCommand::Adopt(args) => {
            let at = resolve(&engine, &args.at).await?;
            if !may_write(args.yes) {
                let status = engine.status(&at.zone_id, &at.record).await?;
                print_status(&status);
                return refuse_or_hint(
                    settings,
                    args.yes,
                    "take Route 53's state as the cutover's",
                );
            }
            let progress = engine.adopt_route53(&at.zone_id, &at.record).await?;
            println!(
                "adopted: the journal now follows Route 53 ({})",
                progress.state
            );
            print_progress(&progress, SystemTime::now());
            Ok(ExitCode::SUCCESS)
        }
        DnsCommand::Finish(args) | DnsCommand::Abort(args) => {
            let finish = matches!(command, DnsCommand::Finish(_));
            let at = resolve(&engine, &args.at).await?;
            if !may_write(args.yes) {
                let status = engine.status(&at.zone_id, &at.record).await?;
                print_status(&status);
                let what = if finish {
                    "collapse the record to a simple record answering the target"
                } else {
                    "collapse the record back to the source's simple record"
                };
                return refuse_or_hint(settings, args.yes, what);
            }
            let outcome = if finish {
                engine.finish(&at.zone_id, &at.record).await?
            } else {
                engine.abort(&at.zone_id, &at.record).await?
            };
            print_outcome(&engine, &at.zone_id, &at.record, &outcome)
        }
        DnsCommand::Status(args) => status(&engine, args).await,
    }
}

async fn resolve(engine: &DnsCutover, at: &DnsRecordArgs) -> anyhow::Result<At> {
    Ok(At {
        zone_id: engine.resolve_zone(&at.zone).await?,
        record: at.record.clone(),
    })
}

async fn status(engine: &DnsCutover, args: &DnsStatusArgs) -> anyhow::Result<ExitCode> {
    let statuses = match (&args.zone, &args.record) {
        (Some(zone), Some(record)) => {
            let zone_id = engine.resolve_zone(zone).await?;
            vec![engine.status(&zone_id, record).await?]
        }
        _ => {
            let mut all = Vec::new();
            for p in engine.all()? {
                all.push(engine.status(&p.plan.zone_id, &p.plan.record_name).await?);
            }
            all
        }
    };
    let one = args.zone.is_some();
    match args.output {
        Output::Json if one => println!(
            "{}",
            serde_json::to_string_pretty(&StatusView::of(&statuses[0]))?
        ),
        Output::Json => {
            let views: Vec<StatusView> = statuses.iter().map(StatusView::of).collect();
            println!("{}", serde_json::to_string_pretty(&views)?)
        }
        Output::Table if one => print_status(&statuses[0]),
        Output::Table => print_all(&statuses),
    }
    Ok(ExitCode::SUCCESS)
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
        gradual: args.gradual,
        allow_private: args.allow_private,
        health_check: args
            .health_check
            .as_deref()
            .map(HealthCheckSpec::parse)
            .transpose()?,
        auto_rollback: args.auto_rollback,
        source_set: args.source_set.clone(),
    })
}

async fn engine(settings: &Settings) -> anyhow::Result<DnsCutover> {
    // Route 53 is global: the source region's clients reach it.
    let route53 = cloud::connect(&settings.source)
        .await
        .context("cannot open the source region")?;
    // In --read-only the engine itself refuses every write.
    let journal = Arc::new(crate::migrate::compact::compacting(
        Journal::open(&settings.paths.journal_file, settings.read_only),
        settings.journal_compact_past,
    ));
    let regions = (
        settings.source.region.clone(),
        settings.target.region.clone(),
    );
    Ok(
        DnsCutover::new(route53, journal, Arc::new(SystemClock), regions)
            .on_progress(|m| eprintln!("  {m}")),
    )
}

async fn plan(
    settings: &Settings,
    engine: &DnsCutover,
    args: &DnsPlanArgs,
    choices: &PlanChoices,
) -> anyhow::Result<ExitCode> {
    let health_check = choices.health_check.as_ref();
    let at = resolve(engine, &args.at).await?;
    let target_value = match (&args.target_value, &args.source_set) {
        (Some(value), _) => value.clone(),
        // With --source-set an empty value means the other set's own value.
        (None, Some(_)) => String::new(),
        (None, None) => match super::dns_suggest::suggested_value(settings, &at.zone_id, &at.record).await? {
            Some(s) => {
                println!("target value {} (suggested: {})", s.value, s.why);
                s.value
            }
            None => anyhow::bail!(
                "give --target-value: {} answers with no address of a relaunched instance, so there is nothing to suggest",
                at.record
            ),
        },
    };
    let mut plan = engine
        .propose(&at.zone_id, &at.record, &target_value, choices)
        .await?;
    print_plan(&plan);
    if let Some(spec) = health_check {
        println!(
            "  health: a {spec} check of the target is made and attached to its set; each shift waits while it fails{}",
            if args.auto_rollback { "; --auto-rollback rolls back when it fails after a shift" } else { "" }
        );
    }
    if let Some(warning) = unknown_target(settings, &plan.record_type, &plan.target).await {
        println!("  WARNING: {warning}");
    }
    if !args.yes || settings.read_only {
        return refuse_or_hint(settings, args.yes, "journal this plan and make step 1");
    }
    if let Some(spec) = health_check {
        let id = engine.attach_health_check(&mut plan, spec).await?;
        println!("  health check {id} created");
    }
    match engine.begin(&plan).await? {
        Some(outcome) => print_outcome(engine, &at.zone_id, &at.record, &outcome),
        None => {
            let next = if plan.steps.is_empty() {
                "it already sends everything to the target: `cutover dns finish --yes` collapses it to one simple record"
            } else {
                "make the first step with `cutover dns step --yes`"
            };
            println!(
                "Journaled. {} is already a weighted pair: nothing was written to Route 53; {next}.",
                plan.record_name
            );
            if let Some(progress) = engine.load(&at.zone_id, &plan.record_name)? {
                print_progress(&progress, SystemTime::now());
            }
            Ok(ExitCode::SUCCESS)
        }
    }
}

/// The warning for a target value the target region does not hold (a typo,
/// usually); None when it does, or when it cannot be told.
async fn unknown_target(settings: &Settings, record_type: &str, target: &Answer) -> Option<String> {
    if matches!(target, Answer::Alias(_)) {
        return None; // load balancers and distributions are not listed
    }
    let kinds = kinds_answering(record_type);
    if kinds.is_empty() {
        // Nothing in a region answers this type: the warning needs no read.
        return unknown_value_warning(target, &[], &settings.target.region);
    }
    let region = &settings.target.region;
    let clients = match cloud::connect(&settings.target).await {
        Ok(c) => c,
        Err(e) => {
            return Some(format!(
                "could not read {region} to check the target value: {e}"
            ))
        }
    };
    let mut listed = Vec::new();
    // The kinds at once: each is a few describes.
    let results =
        futures::future::join_all(kinds.iter().map(|&kind| cloud::list(&clients, kind))).await;
    for result in results {
        match result {
            Ok(found) => listed.extend(found),
            Err(e) => {
                return Some(format!(
                    "could not list {region} to check the target value: {e}"
                ))
            }
        }
    }
    let refs: Vec<&crate::model::Resource> = listed.iter().collect();
    unknown_value_warning(target, &known_in(&refs, record_type), region)
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
