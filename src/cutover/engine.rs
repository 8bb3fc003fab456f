//! Runs a DNS plan against Route 53: every change journaled as an intent
//! before it is sent and as an outcome after INSYNC; on start, the journal
//! is replayed, and a change left between intent and outcome by a crash is
//! settled by reading Route 53, never by guessing.

use super::batch::{changes_between, describe_sets, of_type};
use super::clock::Clock;
use super::guards;
use super::health::{Health, HealthSource, Route53Health};
use super::plan::{DnsPlan, PlanChoices, RecordState};
use super::progress::{normal_name, topic, Action, DnsEvent, Progress};
use super::DnsError;
use crate::cloud::dns_change::{self as r53, RecordSet};
use crate::cloud::Clients;
use crate::journal::{Entry, Journal};
use serde::Serialize;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

const KIND: &str = "dns";
/// The change id given when Route 53's answer was lost but the change was
/// found applied.
pub const LOST_ANSWER: &str = "(answer lost; found applied)";

/// One engine per process; cheap to clone into a spawned task.
#[derive(Clone)]
pub struct DnsCutover {
    /// Route 53 is global: either region's clients will do.
    pub(super) route53: Clients,
    pub(super) journal: Arc<Journal>,
    /// The journal's DNS entries, read once and then followed.
    pub(super) followed: super::followed::FollowedDns,
    pub(super) clock: Arc<dyn Clock>,
    /// (source, target) region names: the SetIdentifiers of the pair.
    pub(super) regions: (String, String),
    /// Hears "waiting for INSYNC" while a change propagates.
    pub(super) on_progress: Arc<dyn Fn(&str) + Send + Sync>,
    /// Where the target's health check status is read.
    pub(super) health: Arc<dyn HealthSource>,
    pub(crate) insync_timeout: Duration,
}

/// A change made and confirmed.
#[derive(Debug, Clone, Serialize)]
pub struct Outcome {
    pub action: Action,
    pub description: String,
    pub change_id: String,
    pub state: RecordState,
    pub(crate) insync_at: SystemTime,
    pub next_safe_at: Option<SystemTime>,
}

/// Where a cutover stands, with what Route 53 holds now.
#[derive(Debug, Clone, Serialize)]
pub struct Status {
    pub progress: Progress,
    /// What Route 53 holds, as a state of the plan; None if unrecognised.
    pub route53: Option<RecordState>,
    pub(crate) route53_sets: Vec<RecordSet>,
    /// Route 53 differs from what the journal says it should hold.
    pub drift: bool,
    /// The target's health check, when the plan has one.
    pub target_health: Option<Health>,
    /// What differs, in words, when it does.
    pub differs: Option<String>,
    pub(crate) now: SystemTime,
}

impl DnsCutover {
    pub fn new(
        route53: Clients,
        journal: Arc<Journal>,
        clock: Arc<dyn Clock>,
        regions: (String, String),
    ) -> Self {
        DnsCutover {
            health: Arc::new(Route53Health(route53.clone())),
            route53,
            followed: super::followed::FollowedDns::new(journal.path()),
            journal,
            clock,
            regions,
            on_progress: Arc::new(|_| {}),
            insync_timeout: Duration::from_secs(15 * 60),
        }
    }

    /// Reads health from `source` instead of Route 53 (tests: emulators
    /// always say healthy).
    pub fn with_health(mut self, source: Arc<dyn HealthSource>) -> Self {
        self.health = source;
        self
    }

    pub fn on_progress(mut self, f: impl Fn(&str) + Send + Sync + 'static) -> Self {
        self.on_progress = Arc::new(f);
        self
    }

    /// Reads the record and lays out a plan; writes nothing.
    pub async fn propose(
        &self,
        zone_id: &str,
        record: &str,
        target_value: &str,
        choices: &PlanChoices,
    ) -> Result<DnsPlan, DnsError> {
        let (zone_name, private) = r53::zone_info(&self.route53, zone_id).await?;
        let name = guards::name_in_zone(record, &zone_name)?;
        let at_name = r53::record_sets_named(&self.route53, zone_id, &zone_name, &name).await?;
        let found = super::plan::Found {
            zone_id,
            zone_name: &zone_name,
            record_name: &name,
            at_name: &at_name,
            public_zone: !private,
        };
        DnsPlan::build(
            &found,
            (&self.regions.0, &self.regions.1),
            target_value,
            choices,
        )
    }

    /// Journals the plan, refusing to replace one that is under way.
    pub fn adopt(&self, plan: &DnsPlan) -> Result<(), DnsError> {
        if let Some(p) = self.load(&plan.zone_id, &plan.record_name)? {
            if p.under_way() {
                return Err(DnsError::State(format!(
                    "a cutover of {} is under way ({} of {} steps done): go on with `cutover dns step`, or `cutover dns rollback`",
                    plan.record_name, p.done, p.plan.steps.len()
                )));
            }
        }
        self.write(
            &topic(&plan.zone_id, &plan.record_name),
            &DnsEvent::Planned {
                plan: Box::new(plan.clone()),
            },
        )
    }

    /// Journals the plan and makes its first step when that step makes the
    /// pair (no traffic moves). A plan from a record that is already a
    /// weighted pair is only journaled: its first step may move traffic, so
    /// it waits for the operator's `step`. None when nothing was written to
    /// Route 53.
    pub async fn begin(&self, plan: &DnsPlan) -> Result<Option<Outcome>, DnsError> {
        self.adopt(plan)?;
        if plan.weighted_start.is_some() {
            return Ok(None);
        }
        let outcome = self.step(&plan.zone_id, &plan.record_name, false).await?;
        Ok(Some(outcome))
    }

    /// The cutover of this record as the journal tells it; None if never planned.
    pub fn load(&self, zone_id: &str, record: &str) -> Result<Option<Progress>, DnsError> {
        let replay = self.followed.replay()?;
        let topic = topic(zone_id, record);
        let events: Vec<(SystemTime, DnsEvent)> = replay
            .topic(&topic)
            .filter_map(|e| Some((e.at(), e.event_as::<DnsEvent>()?)))
            .collect();
        Ok(Progress::replay(events.iter().map(|(t, e)| (*t, e))))
    }

    /// A zone given by id or by name, as its bare id.
    pub(crate) async fn resolve_zone(&self, zone: &str) -> Result<String, DnsError> {
        let zone = zone.trim();
        if !zone.contains('.') {
            return Ok(crate::cloud::route53::bare_zone_id(zone).to_string());
        }
        let ids = r53::zone_ids_named(&self.route53, zone).await?;
        match ids.as_slice() {
            [id] => Ok(id.clone()),
            [] => Err(DnsError::Invalid(format!(
                "no hosted zone is named {zone}: check the name, or list zones with `cutover inventory --kinds zone`"
            ))),
            many => Err(DnsError::Invalid(format!(
                "several hosted zones are named {zone} ({}): give the zone by id",
                many.join(", ")
            ))),
        }
    }

    /// Every cutover the journal holds, one per record.
    pub(crate) fn all(&self) -> Result<Vec<Progress>, DnsError> {
        Ok(super::progress::all_cutovers(&self.followed.replay()?)
            .into_values()
            .collect())
    }

    /// The journaled plan, or an error saying there is none.
    pub(super) fn planned(&self, zone_id: &str, record: &str) -> Result<Progress, DnsError> {
        self.load(zone_id, record)?.ok_or_else(|| DnsError::NoPlan {
            zone: zone_id.to_string(),
            record: normal_name(record),
        })
    }

    /// Loaded, with any change left half-done settled against Route 53.
    #[allow(clippy::expect_used)] // each expect states the invariant it relies on
    pub async fn resume(&self, zone_id: &str, record: &str) -> Result<Progress, DnsError> {
        let progress = self.planned(zone_id, record)?;
        let Some(pending) = progress.pending.clone() else {
            return Ok(progress);
        };
        let topic = topic(zone_id, record);
        if let Some(change_id) = &pending.change_id {
            // Route 53 accepted the batch, so it is applied whole: only INSYNC is unknown.
            self.wait_insync(change_id).await?;
            self.write(
                &topic,
                &DnsEvent::Insync {
                    action: pending.action,
                    change_id: change_id.clone(),
                },
            )?;
        } else {
            let (sets, found) = self.read_state(&progress.plan).await?;
            let applied = match found {
                Some(s) if s == pending.to => true,
                Some(s) if s == pending.from => false,
                _ => {
                    return Err(DnsError::Drift(format!(
                        "a change to {} was asked for but its outcome is unknown, and Route 53 now holds neither the \
                         state before ({}) nor after ({}): {}; fix the record by hand, or run `cutover dns rollback`",
                        progress.plan.record_name, pending.from, pending.to, describe_sets(&sets)
                    )))
                }
            };
            let found = found.map(|s| s.to_string()).unwrap_or_default();
            self.write(
                &topic,
                &DnsEvent::Reconciled {
                    action: pending.action,
                    applied,
                    found,
                },
            )?;
        }
        Ok(self.load(zone_id, record)?.expect("the plan was just read"))
    }

    /// Makes the next step of the plan. Refused while the cache wait runs,
    /// unless `force`, which is journaled as an override.
    pub async fn step(
        &self,
        zone_id: &str,
        record: &str,
        force: bool,
    ) -> Result<Outcome, DnsError> {
        let progress = self.resume(zone_id, record).await?;
        let Some((index, next)) = progress.next_step() else {
            return Err(DnsError::State(format!(
                "the cutover of {} is complete ({}); nothing left to do",
                progress.plan.record_name, progress.state
            )));
        };
        let action = Action::Step { index };
        self.hold_unless_healthy(&progress, next.after).await?;
        if let Some(left) = progress.wait_left(self.clock.now()) {
            if !force {
                return Err(DnsError::TooEarly {
                    next: next.step.to_string(),
                    safe_at: progress.next_safe_at().unwrap_or_else(|| self.clock.now()),
                    left,
                });
            }
            let early_by_secs = left.as_secs();
            self.write(
                &topic(zone_id, record),
                &DnsEvent::Override {
                    action,
                    early_by_secs,
                },
            )?;
        }
        self.change(&progress, action, next.after, &next.step.to_string())
            .await
    }

    /// The journal's view next to Route 53's; writes nothing.
    pub async fn status(&self, zone_id: &str, record: &str) -> Result<Status, DnsError> {
        let progress = self.planned(zone_id, record)?;
        let (route53_sets, route53) = self.read_state(&progress.plan).await?;
        let expected = [
            Some(progress.state),
            progress.pending.as_ref().map(|p| p.to),
        ];
        let drift = route53.is_none() || !expected.contains(&route53);
        let differs = drift.then(|| differs(&progress, route53, &route53_sets));
        let target_health = match &progress.plan.target_health_check {
            Some(id) => Some(self.health.status(id).await?),
            None => None,
        };
        Ok(Status {
            progress,
            route53,
            route53_sets,
            drift,
            target_health,
            differs,
            now: self.clock.now(),
        })
    }

    pub(super) async fn change(
        &self,
        progress: &Progress,
        action: Action,
        to: RecordState,
        what: &str,
    ) -> Result<Outcome, DnsError> {
        let plan = &progress.plan;
        let topic = topic(&plan.zone_id, &plan.record_name);
        let at_name = r53::record_sets_named(
            &self.route53,
            &plan.zone_id,
            &plan.zone_name,
            &plan.record_name,
        )
        .await?;
        guards::check_no_cname_mix(&plan.record_name, &plan.record_type, &at_name)?;
        let actual = of_type(&at_name, &plan.record_type);
        let found = plan.state_of(&actual);
        if found != Some(progress.state) {
            return Err(DnsError::Drift(format!(
                "{}. Forward steps wait until you choose: take Route 53's state as the cutover's \
                 (`cutover dns adopt --yes`, o in the cockpit), or roll back (`cutover dns rollback --yes`, b)",
                differs(progress, found, &actual)
            )));
        }
        let desired = plan.sets_for(to);
        guards::check_group(&desired)?;
        let changes = changes_between(&actual, &desired);
        let from = progress.state;
        self.write(
            &topic,
            &DnsEvent::Intent {
                action,
                from,
                to,
                changes: changes.clone(),
            },
        )?;
        let change_id = self
            .submit(plan, action, (from, to), &changes, what)
            .await?;
        self.outcome(plan, action, what.to_string(), change_id, to)
    }

    /// The outcome of a change just journaled, with the next safe time.
    pub(super) fn outcome(
        &self,
        plan: &DnsPlan,
        action: Action,
        description: String,
        change_id: String,
        state: RecordState,
    ) -> Result<Outcome, DnsError> {
        let after = self.planned(&plan.zone_id, &plan.record_name)?;
        Ok(Outcome {
            action,
            description,
            change_id,
            state,
            insync_at: after
                .last_change
                .as_ref()
                .map(|c| c.insync_at)
                .unwrap_or_else(|| self.clock.now()),
            next_safe_at: if after.finished() {
                None
            } else {
                after.next_safe_at()
            },
        })
    }

    /// Sends the batch journaled by the intent just written and waits for
    /// INSYNC. When the answer is lost (a reset, a timeout, a retry that
    /// Route 53 refused because the first try had been applied), the
    /// outcome is settled by reading Route 53, never assumed: applied, not
    /// applied, or left unsettled for `resume` when it cannot be read.
    pub(super) async fn submit(
        &self,
        plan: &DnsPlan,
        action: Action,
        (from, to): (RecordState, RecordState),
        changes: &[crate::cloud::dns_change::RecordChange],
        what: &str,
    ) -> Result<String, DnsError> {
        self.may_write()?;
        let topic = topic(&plan.zone_id, &plan.record_name);
        let comment = format!("cutover: {} {what}", plan.record_name);
        let change_id =
            match r53::submit_batch(&self.route53, &plan.zone_id, &comment, changes).await {
                Ok(id) => id,
                Err(e) => return self.settle_lost_answer(plan, action, (from, to), e).await,
            };
        self.write(
            &topic,
            &DnsEvent::Submitted {
                action,
                change_id: change_id.clone(),
            },
        )?;
        self.wait_insync(&change_id).await?;
        self.write(
            &topic,
            &DnsEvent::Insync {
                action,
                change_id: change_id.clone(),
            },
        )?;
        Ok(change_id)
    }

    async fn settle_lost_answer(
        &self,
        plan: &DnsPlan,
        action: Action,
        (from, to): (RecordState, RecordState),
        error: crate::cloud::CloudError,
    ) -> Result<String, DnsError> {
        let topic = topic(&plan.zone_id, &plan.record_name);
        let (sets, found) = match self.read_state(plan).await {
            Ok(read) => read,
            Err(read_error) => {
                return Err(DnsError::State(format!(
                    "the change to {} may or may not have been applied ({error}), and Route 53 could not be \
                     read to tell ({read_error}); it stays journaled as unsettled: run `cutover dns status`, \
                     then `cutover dns step` or `rollback` settles it by reading Route 53",
                    plan.record_name
                )))
            }
        };
        if found == Some(to) {
            self.write(
                &topic,
                &DnsEvent::Reconciled {
                    action,
                    applied: true,
                    found: to.to_string(),
                },
            )?;
            (self.on_progress)(&format!(
                "the answer was lost ({error}), but Route 53 holds the change: applied"
            ));
            return Ok(LOST_ANSWER.to_string());
        }
        if found == Some(from) {
            self.write(
                &topic,
                &DnsEvent::Failed {
                    action,
                    error: error.to_string(),
                },
            )?;
            return Err(error.into());
        }
        Err(DnsError::Drift(format!(
            "the change to {} ended with \"{error}\", and Route 53 now holds neither the state before ({from}) \
             nor after ({to}): {}; run `cutover dns rollback --yes` (it acts on what Route 53 holds)",
            plan.record_name,
            describe_sets(&sets)
        )))
    }

    async fn wait_insync(&self, change_id: &str) -> Result<(), DnsError> {
        let say = self.on_progress.clone();
        let id = change_id.to_string();
        let on_poll = move |waited: Duration| {
            say(&format!(
                "change {id} PENDING ({}s), waiting for INSYNC",
                waited.as_secs()
            ))
        };
        r53::wait_insync(&self.route53, change_id, self.insync_timeout, &on_poll).await?;
        (self.on_progress)(&format!("change {change_id} INSYNC"));
        Ok(())
    }

    pub(super) async fn read_state(
        &self,
        plan: &DnsPlan,
    ) -> Result<(Vec<RecordSet>, Option<RecordState>), DnsError> {
        let at_name = r53::record_sets_named(
            &self.route53,
            &plan.zone_id,
            &plan.zone_name,
            &plan.record_name,
        )
        .await?;
        let sets = of_type(&at_name, &plan.record_type);
        let state = plan.state_of(&sets);
        Ok((sets, state))
    }

    /// Every write (journal, Route 53 change, health check) passes here
    /// first: an engine on a read-only journal refuses them all, so no
    /// command has to remember to.
    pub(super) fn may_write(&self) -> Result<(), DnsError> {
        if self.journal.is_read_only() {
            return Err(DnsError::ReadOnly);
        }
        Ok(())
    }

    pub(super) fn write(&self, topic: &str, event: &DnsEvent) -> Result<(), DnsError> {
        self.may_write()?;
        Ok(self
            .journal
            .append(&Entry::new(self.clock.now(), KIND, topic, event)?)?)
    }
}

/// "Route 53 holds X where the journal expects Y".
pub(super) fn differs(
    progress: &Progress,
    found: Option<RecordState>,
    sets: &[RecordSet],
) -> String {
    let holds = match found {
        Some(state) => state.to_string(),
        None => describe_sets(sets),
    };
    format!(
        "Route 53 holds {holds} for {} where the journal expects {}: someone or something else changed it",
        progress.plan.record_name, progress.state
    )
}
