//! The paths that must work when things went off plan: rollback, which acts
//! on what Route 53 holds whatever the journal says, and adopting Route 53's
//! state after someone else changed the record.

use super::batch::{changes_between, describe_sets};
use super::engine::differs;
use super::guards;
use super::health::HealthCheckSpec;
use super::plan::{Answer, DnsPlan, RecordState, Side, Weights};
use super::progress::{answers_only_source, topic, Action, DnsEvent, Progress};
use super::{DnsCutover, DnsError, Outcome};
use crate::cloud::health_check;

impl DnsCutover {
    /// Source 100 / target 0 in one batch, from whatever Route 53 holds (a
    /// step, a half-made batch, someone else's weights); never waits for a
    /// cache, never needs the journal to agree. What it found is journaled
    /// first, and said in the outcome when it differs from the journal.
    pub async fn rollback(&self, zone_id: &str, record: &str) -> Result<Outcome, DnsError> {
        let progress = self.planned(zone_id, record)?;
        let plan = &progress.plan;
        let (sets, found) = self.read_state(plan).await?;
        let expected = progress.state;
        self.write(
            &topic(&plan.zone_id, &plan.record_name),
            &DnsEvent::Found {
                action: Action::Rollback,
                expected,
                found,
                sets: sets.clone(),
            },
        )?;
        let agrees = found == Some(expected) && progress.pending.is_none();
        let drift = (!agrees).then(|| differs(&progress, found, &sets));
        if let Some(state) = found.filter(|s| answers_only_source(*s)) {
            if agrees {
                return Err(DnsError::State(format!(
                    "{} already sends all traffic to the source ({state}): nothing to roll back",
                    plan.record_name
                )));
            }
            // Route 53 is already where a rollback would put it: the
            // journal is brought to agree, nothing is written to Route 53.
            return self.record_rollback_found(&progress, state, drift).await;
        }
        let ttl = match plan.original_ttl {
            None => None,
            Some(_) => sets.iter().filter_map(|s| s.ttl).min().or(expected.ttl()),
        };
        let to = RecordState::Weighted {
            ttl,
            weights: Weights::ALL_SOURCE,
        };
        let desired = plan.sets_for(to);
        guards::check_group(&desired)?;
        let changes = changes_between(&sets, &desired);
        // The cache wait after it counts the longest TTL Route 53 held.
        let from = found.unwrap_or(RecordState::Weighted {
            ttl: sets.iter().filter_map(|s| s.ttl).max().or(expected.ttl()),
            weights: Weights::ALL_SOURCE,
        });
        self.write(
            &topic(&plan.zone_id, &plan.record_name),
            &DnsEvent::Intent {
                action: Action::Rollback,
                from,
                to,
                changes: changes.clone(),
            },
        )?;
        let change_id = self
            .submit(
                plan,
                Action::Rollback,
                (from, to),
                &changes,
                "roll back to 100/0",
            )
            .await?;
        let mut description = "rolled back to 100/0".to_string();
        if let Some(d) = drift {
            description = format!("{description} ({d})");
        }
        self.outcome(plan, Action::Rollback, description, change_id, to)
    }

    async fn record_rollback_found(
        &self,
        progress: &Progress,
        state: RecordState,
        drift: Option<String>,
    ) -> Result<Outcome, DnsError> {
        let plan = &progress.plan;
        let topic = topic(&plan.zone_id, &plan.record_name);
        self.write(
            &topic,
            &DnsEvent::Intent {
                action: Action::Rollback,
                from: progress.state,
                to: state,
                changes: vec![],
            },
        )?;
        self.write(
            &topic,
            &DnsEvent::Reconciled {
                action: Action::Rollback,
                applied: true,
                found: state.to_string(),
            },
        )?;
        let description = format!(
            "Route 53 already sends all traffic to the source ({state}); nothing written to Route 53, the \
             journal now agrees{}",
            drift.map(|d| format!(" ({d})")).unwrap_or_default()
        );
        self.outcome(plan, Action::Rollback, description, String::new(), state)
    }

    /// Takes what Route 53 holds as where the cutover stands, when it is a
    /// state of the plan; forward steps then go on from there. Writes only
    /// to the journal.
    pub async fn adopt_route53(&self, zone_id: &str, record: &str) -> Result<Progress, DnsError> {
        let progress = self.planned(zone_id, record)?;
        let plan = &progress.plan;
        let (sets, found) = self.read_state(plan).await?;
        let Some(state) = found else {
            return Err(DnsError::Drift(format!(
                "Route 53 holds {} for {}, which is no state of the plan, so there is nothing to adopt: \
                 roll back (`cutover dns rollback --yes`, b: it puts 100/0 whatever Route 53 holds) or fix \
                 the record by hand",
                describe_sets(&sets),
                plan.record_name
            )));
        };
        if state == progress.state && progress.pending.is_none() {
            return Err(DnsError::State(format!(
                "Route 53 holds what the journal expects for {} ({state}): nothing to adopt",
                plan.record_name
            )));
        }
        let done = if state == plan.start() {
            Some(0)
        } else {
            plan.steps
                .iter()
                .rposition(|s| s.after == state)
                .map(|i| i + 1)
        };
        let Some(done) = done else {
            return Err(DnsError::State(format!(
                "Route 53 holds {state} for {}, which no step of the plan makes: roll back \
                 (`cutover dns rollback --yes`, b), or set it by hand to a state of the plan and adopt again",
                plan.record_name
            )));
        };
        let topic = topic(&plan.zone_id, &plan.record_name);
        self.write(
            &topic,
            &DnsEvent::Found {
                action: Action::Adopt,
                expected: progress.state,
                found,
                sets,
            },
        )?;
        self.write(&topic, &DnsEvent::Adopted { state, done })?;
        self.planned(zone_id, record)
    }
}

impl DnsCutover {
    /// A completed cutover (every step done, all traffic on the target)
    /// becomes one simple record answering the target.
    pub async fn finish(&self, zone_id: &str, record: &str) -> Result<Outcome, DnsError> {
        let progress = self.resume(zone_id, record).await?;
        let name = &progress.plan.record_name;
        let on_target = match progress.state {
            RecordState::Weighted { weights, .. } => weights.source == 0,
            RecordState::Simple { side, .. } => side == Side::Target,
        };
        if progress.closed.is_some() || !progress.finished() || !on_target {
            return Err(DnsError::State(format!(
                "finish collapses a completed cutover; {name} stands at {} ({} of {} steps done{}): go on with \
                 `cutover dns step`, or after a rollback use `cutover dns abort`",
                progress.state,
                progress.done,
                progress.plan.steps.len(),
                if progress.closed.is_some() { ", closed" } else { "" }
            )));
        }
        let to = RecordState::Simple {
            side: Side::Target,
            ttl: progress.state.ttl(),
        };
        if progress.state == to {
            return Err(DnsError::State(format!(
                "{name} is already a simple record answering the target: nothing to finish"
            )));
        }
        self.change(
            &progress,
            Action::Finish,
            to,
            "finish: simple record answering the target",
        )
        .await
    }

    /// A rolled-back cutover (all traffic on the source) becomes the
    /// source's simple record again, at the TTL it had before the cutover.
    pub async fn abort(&self, zone_id: &str, record: &str) -> Result<Outcome, DnsError> {
        let progress = self.resume(zone_id, record).await?;
        let name = &progress.plan.record_name;
        if progress.closed.is_some() || !answers_only_source(progress.state) {
            return Err(DnsError::State(format!(
                "abort undoes a cutover that answers only the source; {name} stands at {}{}: roll back first \
                 (`cutover dns rollback --yes`)",
                progress.state,
                if progress.closed.is_some() { " (closed)" } else { "" }
            )));
        }
        // A plan from a weighted record ends here too: one simple record.
        let to = progress.plan.source_simple();
        if progress.state == to {
            return Err(DnsError::State(format!(
                "{name} is already the source's simple record: nothing to abort"
            )));
        }
        self.change(
            &progress,
            Action::Abort,
            to,
            "abort: back to the source's simple record",
        )
        .await
    }
}

impl DnsCutover {
    /// Creates a Route 53 health check probing the target's answer and puts
    /// it on the plan, so every state's target set carries it.
    pub async fn attach_health_check(
        &self,
        plan: &mut DnsPlan,
        spec: &HealthCheckSpec,
    ) -> Result<String, DnsError> {
        self.may_write()?;
        let (ip, host) = match &plan.target {
            Answer::Values(v) if plan.record_type == "CNAME" => (None, v.first().cloned()),
            Answer::Values(v) => (v.first().cloned(), None),
            Answer::Alias(a) => (None, Some(a.dns_name.clone())),
        };
        let probe = health_check::Probe {
            protocol: spec.protocol,
            port: spec.port,
            path: spec.path.as_deref(),
            ip: ip.as_deref(),
            host: host.as_deref(),
        };
        let millis = self
            .clock
            .now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_millis())
            .unwrap_or(0);
        let mut reference = format!("cutover-{millis}-{}", plan.record_name);
        reference.truncate(64);
        let id = health_check::create(&self.route53, &probe, &reference).await?;
        plan.target_health_check = Some(id.clone());
        Ok(id)
    }

    /// A step that sends the target more traffic waits while its health
    /// check says it is not answering.
    pub(super) async fn hold_unless_healthy(
        &self,
        progress: &Progress,
        after: RecordState,
    ) -> Result<(), DnsError> {
        let Some(id) = &progress.plan.target_health_check else {
            return Ok(());
        };
        if target_share(after) <= target_share(progress.state) {
            return Ok(());
        }
        let health = self.health.status(id).await?;
        if health.healthy {
            return Ok(());
        }
        Err(DnsError::Held(format!(
            "held: the target's health check {id} says it is not answering ({}); the step waits until it is \
             healthy. Check the target, or roll back with `cutover dns rollback --yes`",
            health.detail
        )))
    }

    /// With `--auto-rollback`: when the target has traffic and its health
    /// check fails, journal why and roll back. Returns the rollback made.
    pub async fn watch(&self, zone_id: &str, record: &str) -> Result<Option<Outcome>, DnsError> {
        let progress = self.planned(zone_id, record)?;
        let plan = &progress.plan;
        let Some(id) = plan.target_health_check.clone() else {
            return Ok(None);
        };
        if !plan.auto_rollback || target_share(progress.state) == 0 || progress.closed.is_some() {
            return Ok(None);
        }
        let health = self.health.status(&id).await?;
        if health.healthy {
            return Ok(None);
        }
        self.write(
            &topic(&plan.zone_id, &plan.record_name),
            &DnsEvent::AutoRollback {
                health_check: id,
                detail: health.detail.clone(),
            },
        )?;
        let mut outcome = self.rollback(zone_id, record).await?;
        outcome.description = format!(
            "auto-rollback: the target turned unhealthy ({}); {}",
            health.detail, outcome.description
        );
        Ok(Some(outcome))
    }
}

/// The share of answers the target gets in a state, out of 255.
fn target_share(state: RecordState) -> u32 {
    match state {
        RecordState::Simple { side, .. } => {
            if side == Side::Target {
                255
            } else {
                0
            }
        }
        RecordState::Weighted { weights, .. } => {
            let total = u32::from(weights.source) + u32::from(weights.target);
            (u32::from(weights.target) * 255)
                .checked_div(total)
                .unwrap_or(0)
        }
    }
}
