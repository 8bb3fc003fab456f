//! Carries out the app's effects: listings, copy tasks on the scheduler,
//! DNS changes on the engine. Everything slow runs in a spawned task that
//! reports back as an `Action`; nothing here awaits.

use super::action::{Action, Effect};
use super::copy_dialog_instance::SubnetChoice;
use super::dns_board::DnsSnapshot;
use crate::cloud::{spawn_listings, Listed, Regions};
use crate::cutover::progress::topic;
use crate::cutover::{DnsCutover, DnsError};
use crate::migrate::relaunch::prepare::{refusals as relaunch_refusals, relaunches};
use crate::migrate::{prepare_db, CopyKind, Picks, Scheduler, SchedulerError, TaskSpec};
use crate::model::{Details, Resource};
use tokio::sync::mpsc::UnboundedSender;

/// An operator's control of one task, on the scheduler; None for an
/// effect that is not about one task. Public for tests, which carry the
/// cockpit's effects out on a scheduler of their own.
pub fn task_effect(s: &Scheduler, effect: Effect) -> Option<Result<(), SchedulerError>> {
    Some(match effect {
        Effect::PauseTask(id) => {
            s.pause(&id);
            Ok(())
        }
        Effect::ResumeTask(id) => s.resume(&id),
        Effect::PromoteReplica(id) => s.promote(&id, false),
        Effect::CancelTask(id) => s.cancel(&id),
        Effect::RetryTask(id) => s.retry(&id),
        Effect::RetryLeftOut(id) => s.retry_left_out(&id),
        // The change is journaled before the retry: a crash between the
        // two resumes the changed task as failed, to be retried.
        Effect::EditTask { id, spec, change } => {
            s.edit(&id, *spec, change).and_then(|()| s.retry(&id))
        }
        _ => return None,
    })
}

pub(crate) struct Jobs {
    pub(crate) regions: Regions,
    pub(crate) listings: UnboundedSender<Listed>,
    pub(crate) actions: UnboundedSender<Action>,
    /// None in --read-only: nothing may run, and the gate stops effects first.
    pub(crate) scheduler: Option<Scheduler>,
    pub(crate) dns: DnsCutover,
    /// Where the window's open / close are written.
    pub(crate) journal: std::sync::Arc<crate::journal::Journal>,
}

impl Jobs {
    pub(crate) fn perform(&self, effect: Effect) {
        match effect {
            Effect::Refresh(kinds) => {
                spawn_listings(&self.regions, &kinds, self.listings.clone());
            }
            Effect::StartCopies(specs) => {
                for spec in specs {
                    let id = spec.id.clone();
                    self.on_scheduler(&id, |s| s.submit(spec));
                }
            }
            Effect::StartDbCopies {
                tasks,
                no_subnet_group,
            }
            | Effect::StartRelaunches {
                tasks,
                no_subnet_group,
            } => self.start_checked_copies(tasks, no_subnet_group),
            Effect::ReadTargetSubnets => {
                let (target, actions) = (self.regions.target.clone(), self.actions.clone());
                tokio::spawn(async move {
                    let result = crate::cloud::list(&target, crate::model::Kind::Subnet)
                        .await
                        .map(|list| list.iter().filter_map(subnet_choice).collect())
                        .map_err(|e| e.to_string());
                    let _ = actions.send(Action::TargetSubnets(result));
                });
            }
            Effect::ReadDbSubnetGroups => {
                let (target, actions) = (self.regions.target.clone(), self.actions.clone());
                tokio::spawn(async move {
                    let result = crate::cloud::copy::rds_landing::subnet_group_names(&target)
                        .await
                        .map_err(|e| e.to_string());
                    let _ = actions.send(Action::DbSubnetGroups(result));
                });
            }
            Effect::PreviewNetwork(spec) => {
                let (regions, actions) = (self.regions.clone(), self.actions.clone());
                tokio::spawn(async move {
                    let vpc = spec.source_ids.first().cloned().unwrap_or_default();
                    let result = crate::migrate::network_preview(&regions, &spec)
                        .await
                        .map_err(|e| e.to_string());
                    let _ = actions.send(Action::NetworkPreview(vpc, result));
                });
            }
            Effect::PauseTask(ref id)
            | Effect::ResumeTask(ref id)
            | Effect::PromoteReplica(ref id)
            | Effect::CancelTask(ref id)
            | Effect::RetryTask(ref id)
            | Effect::RetryLeftOut(ref id)
            | Effect::EditTask { ref id, .. } => {
                let id = id.clone();
                self.on_scheduler(&id, |s| task_effect(s, effect).unwrap_or(Ok(())))
            }
            Effect::DnsStart {
                zone_id,
                record,
                target_value,
                choices,
            } => self.dns_change(&zone_id, &record, move |engine, zone, name| async move {
                let mut plan = engine
                    .propose(&zone, &name, &target_value, &choices)
                    .await?;
                if let Some(spec) = &choices.health_check {
                    engine.attach_health_check(&mut plan, spec).await?;
                }
                match engine.begin(&plan).await? {
                    Some(outcome) => said(Ok(outcome)),
                    None => Ok(format!(
                        "plan journaled from the weighted pair Route 53 holds ({}); nothing written to Route 53: \
                         the first step waits for you",
                        plan.start()
                    )),
                }
            }),
            Effect::DnsStep {
                zone_id,
                record,
                force,
            } => self.dns_change(&zone_id, &record, move |engine, zone, name| async move {
                said(engine.step(&zone, &name, force).await)
            }),
            Effect::DnsRollback { zone_id, record } => {
                self.dns_change(&zone_id, &record, |engine, zone, name| async move {
                    said(engine.rollback(&zone, &name).await)
                })
            }
            Effect::DnsAdopt { zone_id, record } => {
                self.dns_change(&zone_id, &record, |engine, zone, name| async move {
                    let p = engine.adopt_route53(&zone, &name).await?;
                    Ok(format!(
                        "adopted Route 53's state ({}): {} of {} steps done",
                        p.state,
                        p.done,
                        p.plan.steps.len()
                    ))
                })
            }
            Effect::DnsFinish { zone_id, record } => {
                self.dns_change(&zone_id, &record, |engine, zone, name| async move {
                    said(engine.finish(&zone, &name).await)
                })
            }
            Effect::DnsAbort { zone_id, record } => {
                self.dns_change(&zone_id, &record, |engine, zone, name| async move {
                    said(engine.abort(&zone, &name).await)
                })
            }
            Effect::WindowOpen | Effect::WindowClose => {
                let (journal, actions) = (self.journal.clone(), self.actions.clone());
                let open = effect == Effect::WindowOpen;
                // The journal is a file: written off the UI task.
                tokio::task::spawn_blocking(move || {
                    let clock = crate::cutover::SystemClock;
                    let result = if open {
                        crate::window::open(&journal, &clock)
                    } else {
                        crate::window::close(&journal, &clock)
                    };
                    let _ = actions.send(Action::Window(result.map_err(|e| e.to_string())));
                });
            }
            Effect::RunCheck { inventory, ids } => {
                let (regions, actions) = (self.regions.clone(), self.actions.clone());
                tokio::spawn(async move {
                    let inv = &inventory.0;
                    let result = match crate::check::select::select(inv, &ids, None) {
                        Ok(selection) => Ok(Box::new(
                            crate::check::live::check_now(
                                &regions,
                                inv,
                                &selection,
                                &Default::default(),
                            )
                            .await,
                        )),
                        Err(e) => Err(e.to_string()),
                    };
                    let _ = actions.send(Action::Checked(result));
                });
            }
            Effect::DnsStatus { zone_id, record } => {
                let (engine, actions) = (self.dns.clone(), self.actions.clone());
                // --auto-rollback acts on each read, except in --read-only.
                let may_write = self.scheduler.is_some();
                tokio::spawn(async move {
                    if may_write {
                        watch(&engine, &zone_id, &record, &actions).await;
                    }
                    read_status(&engine, &zone_id, &record, &actions).await
                });
            }
        }
    }

    /// Checks each relaunch with AWS (the CLI's refusals) and surveys each
    /// new DB instance's landing zone, then starts every task, or none when
    /// one is refused (nothing is made before the refusal).
    fn start_checked_copies(&self, mut tasks: Vec<TaskSpec>, no_subnet_group: bool) {
        let Some(scheduler) = self.scheduler.clone() else {
            let _ = self
                .actions
                .send(Action::JobFailed("read-only: copy tasks do not run".into()));
            return;
        };
        let (regions, actions) = (self.regions.clone(), self.actions.clone());
        tokio::spawn(async move {
            if relaunches(&tasks) {
                match relaunch_refusals(&regions, &tasks).await {
                    Ok(why) if why.is_empty() => {
                        let n = tasks
                            .iter()
                            .filter(|t| t.kind == CopyKind::Instance)
                            .count();
                        let _ = actions.send(Action::JobSaid(format!(
                            "{n} relaunch(es) checked with AWS (state, root device, Marketplace codes, instance type offered, subnet, Elastic IP room): nothing refuses them"
                        )));
                    }
                    Ok(why) => {
                        for line in why {
                            let _ =
                                actions.send(Action::JobFailed(format!("nothing started: {line}")));
                        }
                        return;
                    }
                    Err(e) => {
                        let _ = actions.send(Action::JobFailed(format!(
                            "nothing started: the relaunch could not be checked: {e}"
                        )));
                        return;
                    }
                }
            }
            let picks = Picks {
                subnets: Vec::new(),
                no_subnet_group,
            };
            let prep = match prepare_db(&regions, &mut tasks, &picks).await {
                Ok(prep) => prep,
                Err(e) => {
                    let _ = actions.send(Action::JobFailed(format!("nothing started: {e}")));
                    return;
                }
            };
            if !prep.to_replace.is_empty() {
                let _ = actions.send(Action::JobFailed(format!(
                    "nothing started: {} exists in the target; pick another name, or rename it out of the way with `cutover copy --replace` (a typed confirmation)",
                    prep.to_replace.join(", ")
                )));
                return;
            }
            for line in prep.lines {
                let _ = actions.send(Action::JobSaid(line));
            }
            for spec in tasks {
                let id = spec.id.clone();
                if let Err(e) = scheduler.submit(spec) {
                    let _ = actions.send(Action::JobFailed(format!("task {id}: {e}")));
                }
            }
        });
    }

    fn on_scheduler(&self, id: &str, f: impl FnOnce(&Scheduler) -> Result<(), SchedulerError>) {
        let result = match &self.scheduler {
            Some(s) => f(s),
            None => Err(SchedulerError::ReadOnly),
        };
        if let Err(e) = result {
            let _ = self
                .actions
                .send(Action::JobFailed(format!("task {id}: {e}")));
        }
    }

    /// Runs one DNS change in its own task: progress lines while Route 53
    /// propagates, the outcome, then a fresh read of where it stands.
    fn dns_change<F, Fut>(&self, zone_id: &str, record: &str, change: F)
    where
        F: FnOnce(DnsCutover, String, String) -> Fut + Send + 'static,
        Fut: std::future::Future<Output = Result<String, DnsError>> + Send,
    {
        let t = topic(zone_id, record);
        let actions = self.actions.clone();
        let (say, say_topic) = (actions.clone(), t.clone());
        let engine = self.dns.clone().on_progress(move |text| {
            let _ = say.send(Action::DnsProgress {
                topic: say_topic.clone(),
                text: text.to_string(),
            });
        });
        let (zone_id, record) = (zone_id.to_string(), record.to_string());
        tokio::spawn(async move {
            let result = change(engine.clone(), zone_id.clone(), record.clone())
                .await
                .map_err(|e| e.to_string());
            let _ = actions.send(Action::DnsDone { topic: t, result });
            read_status(&engine, &zone_id, &record, &actions).await;
        });
    }
}

/// A target subnet as the relaunch choice shows it.
fn subnet_choice(r: &Resource) -> Option<SubnetChoice> {
    let Details::Subnet(s) = &r.details else {
        return None;
    };
    let name = if r.name.is_empty() || r.name == r.id {
        String::new()
    } else {
        format!(" {}", r.name)
    };
    Some(SubnetChoice {
        id: r.id.clone(),
        vpc_id: s.vpc_id.clone(),
        label: format!(
            "{} {} {}{name} ({})",
            r.id, s.cidr, s.availability_zone, s.vpc_id
        ),
    })
}

/// With `--auto-rollback` on the plan: rolls back a target that turned
/// unhealthy, said like any change the operator made.
async fn watch(
    engine: &DnsCutover,
    zone_id: &str,
    record: &str,
    actions: &UnboundedSender<Action>,
) {
    let result = match engine.watch(zone_id, record).await {
        Ok(None) | Err(DnsError::NoPlan { .. }) => return,
        Ok(Some(o)) => Ok(o.description),
        Err(e) => Err(format!("auto-rollback check: {e}")),
    };
    let _ = actions.send(Action::DnsDone {
        topic: topic(zone_id, record),
        result,
    });
}

/// A change's outcome as the cockpit says it.
fn said(outcome: Result<crate::cutover::Outcome, DnsError>) -> Result<String, DnsError> {
    outcome.map(|o| {
        if o.change_id.is_empty() {
            o.description
        } else {
            format!("{} (change {} INSYNC)", o.description, o.change_id)
        }
    })
}

async fn read_status(
    engine: &DnsCutover,
    zone_id: &str,
    record: &str,
    actions: &UnboundedSender<Action>,
) {
    let result = match engine.status(zone_id, record).await {
        Ok(s) => Ok(Box::new(DnsSnapshot {
            progress: s.progress,
            route53: s.route53,
            drift: s.drift,
            differs: s.differs,
            held: s
                .target_health
                .filter(|h| !h.healthy)
                .map(|h| format!("target unhealthy ({})", h.detail)),
        })),
        // A plan refused before it was journaled: its own error was said.
        Err(DnsError::NoPlan { .. }) => return,
        Err(e) => Err(e.to_string()),
    };
    let _ = actions.send(Action::DnsStatus {
        topic: topic(zone_id, record),
        result,
    });
}
