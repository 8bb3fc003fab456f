//! DNS cutovers as the cockpit follows them: per record, where the journal
//! says the plan stands, what Route 53 was last read to hold, and the change
//! in flight. The keys for the next step and rollback start here, through
//! the confirm gate.

use super::action::{Action, Effect};
use super::app::App;
use super::confirm::Confirm;
use super::state::Level;
use crate::cutover::clock::{clock_time, countdown};
use crate::cutover::progress::topic;
use crate::cutover::{Progress, RecordState};
use crate::journal::Replay;
use crate::model::{Details, Kind, Resource};
use std::collections::BTreeMap;

/// Where a cutover stands, as read by the engine (journal and Route 53).
#[derive(Debug, Clone, PartialEq)]
pub struct DnsSnapshot {
    pub progress: Progress,
    /// What Route 53 holds, as a state of the plan; None if unrecognised.
    pub route53: Option<RecordState>,
    /// Route 53 differs from what the journal expects.
    pub drift: bool,
    /// What differs, in words.
    pub differs: Option<String>,
    /// Why shifts to the target wait (its health check fails).
    pub held: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct DnsView {
    pub(crate) progress: Option<Progress>,
    /// None until Route 53 has been read; then what it held.
    pub(crate) route53: Option<Option<RecordState>>,
    pub(crate) drift: bool,
    /// What differs from the journal, in words, while it does.
    pub(crate) differs: Option<String>,
    /// Why shifts to the target wait, while they do.
    pub(crate) held: Option<String>,
    /// The change in flight and how it goes ("waiting for INSYNC").
    pub busy: Option<String>,
    /// The last change's outcome, or why it failed.
    pub(crate) last: Option<Result<String, String>>,
    /// The records list's PLAN cell, kept up to date by `settle` whenever
    /// the journal or Route 53 news changes this view, so that drawing a
    /// row only reads it.
    pub(crate) cell: String,
}

impl DnsView {
    /// Recomputes what follows from the view's facts (its PLAN cell);
    /// called after every change to them.
    fn settle(&mut self) {
        self.cell = self.plan_cell();
    }

    fn plan_cell(&self) -> String {
        let Some(p) = &self.progress else {
            return "-".into();
        };
        if self.drift {
            return "DRIFT".into();
        }
        if self.busy.is_some() || p.pending.is_some() {
            return "changing".into();
        }
        match (p.closed, p.next_step()) {
            (Some(crate::cutover::Action::Finish), _) => "finished".into(),
            (Some(_), _) => "aborted".into(),
            (None, None) => "complete".into(),
            (None, Some(_)) if p.rolled_back => {
                format!("rolled back {}/{}", p.done, p.plan.steps.len())
            }
            (None, Some(_)) => format!("step {}/{}", p.done, p.plan.steps.len()),
        }
    }
}

/// The journal topic of a record resource.
pub(crate) fn topic_of(r: &Resource) -> String {
    match &r.details {
        Details::Record(rec) => topic(&rec.zone_id, &r.name),
        _ => String::new(),
    }
}

/// Every DNS cutover the journal knows, by topic: pure, no Route 53.
pub fn cutovers_from(replay: &Replay) -> BTreeMap<String, Progress> {
    crate::cutover::progress::all_cutovers(replay)
}

impl App {
    /// The cutover of the record under the Route 53 cursor, if planned.
    pub(crate) fn cursor_cutover(&self) -> Option<(&Resource, &DnsView)> {
        let r = self.cursor_record()?;
        let view = self.dns.get(&topic_of(r))?;
        view.progress.as_ref()?;
        Some((r, view))
    }

    /// Takes what the journal held at start; Route 53 is read afterwards.
    pub fn load_cutovers(&mut self, cutovers: BTreeMap<String, Progress>) -> Vec<Effect> {
        let mut reads = Vec::new();
        for (t, progress) in cutovers {
            reads.push(Effect::DnsStatus {
                zone_id: progress.plan.zone_id.clone(),
                record: progress.plan.record_name.clone(),
            });
            let view = self.dns.entry(t).or_default();
            view.progress = Some(progress);
            view.settle();
        }
        reads
    }

    /// Marks a DNS change as in flight once it passed the gate.
    pub(super) fn dns_started(&mut self, effect: &Effect) {
        let (zone_id, record, what) = match effect {
            Effect::DnsStart {
                zone_id, record, ..
            } => (zone_id, record, "making step 1"),
            Effect::DnsStep {
                zone_id, record, ..
            } => (zone_id, record, "making the next step"),
            Effect::DnsRollback { zone_id, record } => (zone_id, record, "rolling back"),
            Effect::DnsAdopt { zone_id, record } => (zone_id, record, "adopting Route 53's state"),
            Effect::DnsFinish { zone_id, record } => (zone_id, record, "finishing"),
            Effect::DnsAbort { zone_id, record } => (zone_id, record, "aborting"),
            _ => return,
        };
        let view = self.dns.entry(topic(zone_id, record)).or_default();
        view.busy = Some(format!("{what}…"));
        view.last = None;
        view.settle();
    }

    pub(super) fn dns_report(&mut self, action: Action) -> Vec<Effect> {
        match action {
            Action::DnsStatus { topic, result } => {
                let view = self.dns.entry(topic).or_default();
                match result {
                    Ok(snap) => {
                        let newly = snap.drift && !view.drift;
                        let what = snap.differs.clone().unwrap_or_default();
                        view.progress = Some(snap.progress);
                        view.route53 = Some(snap.route53);
                        view.drift = snap.drift;
                        view.differs = snap.differs;
                        view.held = snap.held;
                        view.settle();
                        if newly {
                            // Said where the eye is, once, when it appears.
                            self.note(
                                Level::Error,
                                format!("DRIFT: {what}. o adopts Route 53's state, b rolls back"),
                            );
                        }
                    }
                    Err(e) => {
                        view.last = Some(Err(e));
                        view.settle();
                    }
                }
            }
            Action::DnsProgress { topic, text } => {
                let view = self.dns.entry(topic).or_default();
                view.busy = Some(text);
                view.settle();
            }
            Action::DnsDone { topic, result } => {
                let view = self.dns.entry(topic.clone()).or_default();
                view.busy = None;
                view.last = Some(result.clone());
                view.settle();
                let name = topic.rsplit(':').next().unwrap_or_default().to_string();
                match result {
                    Ok(text) => {
                        self.note(Level::Info, format!("{name}: {text}"));
                        // The records list shows the record as Route 53 now holds it.
                        return self.refresh_kinds(vec![Kind::Record]);
                    }
                    Err(e) => self.note(Level::Error, format!("{name}: {e}")),
                }
            }
            _ => {}
        }
        Vec::new()
    }

    /// `n` / `b` on a record with a plan: the next step or a rollback,
    /// each asked first; going early needs the word typed.
    #[allow(clippy::expect_used)] // each expect states the invariant it relies on
    pub(super) fn dns_command(&mut self, rollback: bool) -> Vec<Effect> {
        let Some((r, view)) = self.cursor_cutover() else {
            let text = format!(
                "no DNS cutover planned for this row: {} plans one on a record",
                self.keymap.keys_of(super::action::Command::DnsPlan)
            );
            self.note(Level::Info, text);
            return Vec::new();
        };
        let name = r.name.clone();
        let progress = view.progress.clone().expect("cursor_cutover checks it");
        if view.busy.is_some() {
            self.note(
                Level::Warn,
                format!("{name}: a change is in flight; wait for INSYNC"),
            );
            return Vec::new();
        }
        let (zone_id, record) = (
            progress.plan.zone_id.clone(),
            progress.plan.record_name.clone(),
        );
        if rollback {
            // Rollback acts on what Route 53 holds, never on the journal
            // alone: it is offered from any state, drift included.
            let holds = match (&view.differs, &view.route53) {
                (Some(d), _) => d.clone(),
                (None, Some(Some(state))) => format!("Route 53 holds {state}"),
                _ => format!("the journal says {}", progress.state),
            };
            let lines = vec![
                format!("{name}: {holds}"),
                "Rollback reads Route 53 and sets source 100 / target 0 in one batch, whatever it holds, then waits for INSYNC. No cache wait applies.".into(),
            ];
            let effects = vec![Effect::DnsRollback { zone_id, record }];
            self.ask(Confirm::new(format!("roll back {name}"), lines, effects));
            return Vec::new();
        }
        if view.drift {
            self.note(
                Level::Warn,
                format!(
                    "{name}: Route 53 differs from the journal; forward steps wait: o adopts Route 53's state, b rolls back"
                ),
            );
            return Vec::new();
        }
        let Some((index, next)) = progress.next_step() else {
            self.note(Level::Info, format!("the cutover of {name} is complete"));
            return Vec::new();
        };
        let total = progress.plan.steps.len();
        let mut lines = vec![
            format!("step {} of {total}: {}", index + 1, next.step),
            format!("{} -> {}", progress.state, next.after),
        ];
        let now = (self.clock)();
        let early = progress.wait_left(now);
        if progress.overrides > 0 {
            lines.push(format!(
                "{} step(s) were forced: the safe time counts every TTL still cached.",
                progress.overrides
            ));
        }
        if let (Some(left), Some(at)) = (early, progress.next_safe_at()) {
            lines.push(format!(
                "NOT YET SAFE: resolvers may hold the old answer until {} (in {}).",
                clock_time(at),
                countdown(left)
            ));
            lines.push("Going early is journaled as an override. Type 'early' to go on.".into());
        }
        let effects = vec![Effect::DnsStep {
            zone_id,
            record,
            force: early.is_some(),
        }];
        let confirm = Confirm::new(format!("step {} of {name}", index + 1), lines, effects);
        self.ask(if early.is_some() {
            confirm.typing("early")
        } else {
            confirm
        });
        Vec::new()
    }
}

impl App {
    /// Re-reads every cutover the cockpit follows (journal and Route 53).
    pub(super) fn dns_reads(&self) -> Vec<Effect> {
        self.dns
            .values()
            .filter_map(|v| v.progress.as_ref())
            .map(|p| Effect::DnsStatus {
                zone_id: p.plan.zone_id.clone(),
                record: p.plan.record_name.clone(),
            })
            .collect()
    }

    /// The cutovers in flight (a step made, not closed), for the header.
    pub fn dns_in_flight(&self) -> Vec<&DnsView> {
        self.dns
            .values()
            .filter(|v| v.progress.as_ref().is_some_and(|p| p.in_flight()))
            .collect()
    }

    /// `o` on a record whose cutover drifted: take Route 53's state, asked first.
    #[allow(clippy::expect_used)] // each expect states the invariant it relies on
    pub(super) fn dns_adopt(&mut self) -> Vec<Effect> {
        let Some((r, view)) = self.cursor_cutover() else {
            self.note(Level::Info, "no DNS cutover planned for this row");
            return Vec::new();
        };
        let name = r.name.clone();
        if !view.drift || view.busy.is_some() {
            self.note(
                Level::Info,
                format!("{name}: Route 53 holds what the journal expects: nothing to adopt"),
            );
            return Vec::new();
        }
        let progress = view.progress.clone().expect("cursor_cutover checks it");
        let lines = vec![
            format!("{name}: {}", view.differs.clone().unwrap_or_default()),
            "Adopting journals Route 53's state as the cutover's; the plan goes on from the step that makes it, after a fresh cache wait. Route 53 is not changed.".into(),
        ];
        let effects = vec![Effect::DnsAdopt {
            zone_id: progress.plan.zone_id.clone(),
            record: progress.plan.record_name.clone(),
        }];
        self.ask(Confirm::new(
            format!("adopt Route 53's state for {name}"),
            lines,
            effects,
        ));
        Vec::new()
    }

    /// The PLAN column of a record row: where its cutover stands, as
    /// kept in its view (nothing is worked out here: drawing calls it).
    pub fn plan_cell(&self, r: &Resource) -> &str {
        self.dns
            .get(&topic_of(r))
            .map_or("-", |view| view.cell.as_str())
    }
}
