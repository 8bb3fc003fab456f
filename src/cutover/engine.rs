//! Runs a DNS plan against Route 53: every change journaled as an intent
//! before it is sent and as an outcome after INSYNC; on start, the journal
//! is replayed, and a change left between intent and outcome by a crash is
//! settled by reading Route 53, never by guessing.

use super::batch::{changes_between, describe_sets, of_type};
use super::clock::Clock;
use super::guards;
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

/// One engine per process; cheap to clone into a spawned task.
#[derive(Clone)]
pub struct DnsCutover {
    /// Route 53 is global: either region's clients will do.
    route53: Clients,
    journal: Arc<Journal>,
    clock: Arc<dyn Clock>,
    /// (source, target) region names: the SetIdentifiers of the pair.
    regions: (String, String),
    /// Hears "waiting for INSYNC" while a change propagates.
    on_progress: Arc<dyn Fn(&str) + Send + Sync>,
    pub insync_timeout: Duration,
}

/// A change made and confirmed.
#[derive(Debug, Clone, Serialize)]
pub struct Outcome {
    pub action: Action,
    pub description: String,
    pub change_id: String,
    pub state: RecordState,
    pub insync_at: SystemTime,
    pub next_safe_at: Option<SystemTime>,
}

/// Where a cutover stands, with what Route 53 holds now.
#[derive(Debug, Clone, Serialize)]
pub struct Status {
    pub progress: Progress,
    /// What Route 53 holds, as a state of the plan; None if unrecognised.
    pub route53: Option<RecordState>,
    pub route53_sets: Vec<RecordSet>,
    /// Route 53 differs from what the journal says it should hold.
    pub drift: bool,
    pub now: SystemTime,
}

impl DnsCutover {
    pub fn new(
        route53: Clients,
        journal: Arc<Journal>,
        clock: Arc<dyn Clock>,
        regions: (String, String),
    ) -> Self {
        DnsCutover {
            route53,
            journal,
            clock,
            regions,
            on_progress: Arc::new(|_| {}),
            insync_timeout: Duration::from_secs(15 * 60),
        }
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
        let zone_name = r53::zone_name(&self.route53, zone_id).await?;
        let name = guards::name_in_zone(record, &zone_name)?;
        let at_name = r53::record_sets_named(&self.route53, zone_id, &zone_name, &name).await?;
        let found = super::plan::Found {
            zone_id,
            zone_name: &zone_name,
            record_name: &name,
            at_name: &at_name,
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

    /// The cutover of this record as the journal tells it; None if never planned.
    pub fn load(&self, zone_id: &str, record: &str) -> Result<Option<Progress>, DnsError> {
        let replay = self.journal.replay()?;
        let topic = topic(zone_id, record);
        let events: Vec<(SystemTime, DnsEvent)> = replay
            .topic(&topic)
            .filter_map(|e| Some((e.at(), e.event_as::<DnsEvent>()?)))
            .collect();
        Ok(Progress::replay(events.iter().map(|(t, e)| (*t, e))))
    }

    /// The journaled plan, or an error saying there is none.
    fn planned(&self, zone_id: &str, record: &str) -> Result<Progress, DnsError> {
        self.load(zone_id, record)?.ok_or_else(|| DnsError::NoPlan {
            zone: zone_id.to_string(),
            record: normal_name(record),
        })
    }

    /// Loaded, with any change left half-done settled against Route 53.
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

    /// Weights back to 100/0 in one batch, from any step; never waits.
    pub async fn rollback(&self, zone_id: &str, record: &str) -> Result<Outcome, DnsError> {
        let progress = self.resume(zone_id, record).await?;
        let Some(to) = progress.rollback_to() else {
            return Err(DnsError::State(format!(
                "{} already sends all traffic to the source ({}): nothing to roll back",
                progress.plan.record_name, progress.state
            )));
        };
        self.change(&progress, Action::Rollback, to, "roll back to 100/0")
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
        Ok(Status {
            progress,
            route53,
            route53_sets,
            drift,
            now: self.clock.now(),
        })
    }

    async fn change(
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
        if plan.state_of(&actual) != Some(progress.state) {
            return Err(DnsError::Drift(format!(
                "Route 53 does not hold what the journal expects for {} ({}); it holds {}. Someone else changed it: \
                 check it, then roll back or fix it by hand",
                plan.record_name, progress.state, describe_sets(&actual)
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
        let comment = format!("cutover: {} {what}", plan.record_name);
        let change_id =
            match r53::submit_batch(&self.route53, &plan.zone_id, &comment, &changes).await {
                Ok(id) => id,
                Err(e) => {
                    self.write(
                        &topic,
                        &DnsEvent::Failed {
                            action,
                            error: e.to_string(),
                        },
                    )?;
                    return Err(e.into());
                }
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
        let after = self
            .load(&plan.zone_id, &plan.record_name)?
            .expect("the plan was just read");
        Ok(Outcome {
            action,
            description: what.to_string(),
            change_id,
            state: to,
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

    async fn read_state(
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

    fn write(&self, topic: &str, event: &DnsEvent) -> Result<(), DnsError> {
        Ok(self
            .journal
            .append(&Entry::new(self.clock.now(), KIND, topic, event)?)?)
    }
}
