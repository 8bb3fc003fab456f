//! What `cutover dns` prints: plans, where a cutover stands, outcomes, and
//! every cutover at once.

use crate::cutover::clock::{clock_time, countdown};
use crate::cutover::{DnsCutover, DnsPlan, Outcome, Progress, Status};
use crate::journal::unix_ms;
use serde::Serialize;
use std::process::ExitCode;
use std::time::SystemTime;

pub(crate) fn print_plan(plan: &DnsPlan) {
    println!(
        "DNS cutover plan for {} {} in zone {} ({})",
        plan.record_name, plan.record_type, plan.zone_id, plan.zone_name
    );
    println!("  now:    {}  ({})", plan.source, plan.start());
    if let Some(start) = &plan.weighted_start {
        println!(
            "  from:   the weighted pair Route 53 holds: {} (the plan makes no pair of its own)",
            crate::cutover::batch::describe_sets(&start.sets)
        );
    }
    println!(
        "  target: {}  (SetIdentifiers {} / {})",
        plan.target, plan.source_region, plan.target_region
    );
    for (i, s) in plan.steps.iter().enumerate() {
        println!("  {:>2}. {:<52} -> {}", i + 1, s.step.to_string(), s.after);
    }
    println!("  Each step waits for INSYNC; the next is offered once resolvers' caches may have expired.");
    if plan.mixed() {
        println!("  NOTE: {}", DnsPlan::MIXED_WARNING);
    }
}

pub(crate) fn print_progress(p: &Progress, now: SystemTime) {
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

pub(crate) fn print_outcome(
    engine: &DnsCutover,
    zone_id: &str,
    record: &str,
    o: &Outcome,
) -> anyhow::Result<ExitCode> {
    println!("done: {}", o.description);
    println!(
        "  change {} INSYNC at {}",
        o.change_id,
        clock_time(o.insync_at)
    );
    println!("  Route 53 now: {}", o.state);
    if let Some(p) = engine.load(zone_id, record)? {
        print_progress(&p, SystemTime::now());
    }
    Ok(ExitCode::SUCCESS)
}

pub(crate) fn print_status(s: &Status) {
    print_progress(&s.progress, s.now);
    let found = s
        .route53
        .map(|r| r.to_string())
        .unwrap_or_else(|| "something this plan did not write".into());
    println!("  Route 53 holds: {found}");
    if let (Some(id), Some(h)) = (&s.progress.plan.target_health_check, &s.target_health) {
        let word = if h.healthy {
            "healthy"
        } else {
            "UNHEALTHY: shifts to it are held"
        };
        println!("  target health check {id}: {word} ({})", h.detail);
    }
    if let Some(differs) = &s.differs {
        println!("  DRIFT: {differs}.");
        println!("  Forward steps wait: `cutover dns adopt --yes` takes Route 53's state, `cutover dns rollback --yes` puts 100/0.");
    }
    if s.progress.overrides > 0 {
        println!(
            "  {} step(s) were made before their cache wait was over (--force); the next safe time counts every TTL still cached",
            s.progress.overrides
        );
    }
}

/// `dns status --output json`: times as Unix milliseconds and UTC text.
#[derive(Serialize)]
pub(crate) struct StatusView<'a> {
    record: &'a str,
    zone_id: &'a str,
    record_type: &'a str,
    steps_total: usize,
    steps_done: usize,
    state: String,
    route53: Option<String>,
    drift: bool,
    differs: Option<&'a str>,
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
    pub(crate) fn of(s: &'a Status) -> Self {
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
            differs: s.differs.as_deref(),
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

/// `cutover dns status` without a record: one line per cutover.
pub(crate) fn print_all(statuses: &[Status]) {
    if statuses.is_empty() {
        println!("No DNS cutover in the journal: plan one with `cutover dns plan --zone ZONE --record NAME --target-value VALUE`.");
        return;
    }
    println!(
        "{:<32} {:<16} {:>5}  {:<40} {:<6} NEXT SAFE STEP",
        "RECORD", "ZONE", "STEP", "ROUTE 53", "DRIFT"
    );
    for s in statuses {
        let p = &s.progress;
        let route53 = s
            .route53
            .map(|r| r.to_string())
            .unwrap_or_else(|| "not a state of the plan".into());
        let next = match (p.next_step(), p.next_safe_at()) {
            (None, _) if p.closed.is_some() => "closed".to_string(),
            (None, _) => "complete (finish collapses it)".to_string(),
            (Some(_), Some(at)) if p.wait_left(s.now).is_some() => clock_time(at),
            (Some(_), _) => "now".to_string(),
        };
        println!(
            "{:<32} {:<16} {:>5}  {:<40} {:<6} {next}",
            p.plan.record_name,
            p.plan.zone_id,
            format!("{}/{}", p.done, p.plan.steps.len()),
            route53,
            if s.drift { "YES" } else { "no" },
        );
    }
    for s in statuses.iter().filter(|s| s.drift) {
        if let Some(d) = &s.differs {
            println!("DRIFT: {d}.");
        }
    }
}
