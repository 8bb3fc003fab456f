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
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct DnsView {
    pub progress: Option<Progress>,
    /// None until Route 53 has been read; then what it held.
    pub route53: Option<Option<RecordState>>,
    pub drift: bool,
    /// The change in flight and how it goes ("waiting for INSYNC").
    pub busy: Option<String>,
    /// The last change's outcome, or why it failed.
    pub last: Option<Result<String, String>>,
}

/// The journal topic of a record resource.
pub fn topic_of(r: &Resource) -> String {
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
    pub fn cursor_cutover(&self) -> Option<(&Resource, &DnsView)> {
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
            self.dns.entry(t).or_default().progress = Some(progress);
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
            _ => return,
        };
        let view = self.dns.entry(topic(zone_id, record)).or_default();
        view.busy = Some(format!("{what}…"));
        view.last = None;
    }

    pub(super) fn dns_report(&mut self, action: Action) -> Vec<Effect> {
        match action {
            Action::DnsStatus { topic, result } => {
                let view = self.dns.entry(topic).or_default();
                match result {
                    Ok(snap) => {
                        view.progress = Some(snap.progress);
                        view.route53 = Some(snap.route53);
                        view.drift = snap.drift;
                    }
                    Err(e) => view.last = Some(Err(e)),
                }
            }
            Action::DnsProgress { topic, text } => {
                self.dns.entry(topic).or_default().busy = Some(text);
            }
            Action::DnsDone { topic, result } => {
                let view = self.dns.entry(topic.clone()).or_default();
                view.busy = None;
                view.last = Some(result.clone());
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
    pub(super) fn dns_command(&mut self, rollback: bool) -> Vec<Effect> {
        let Some((r, view)) = self.cursor_cutover() else {
            self.note(
                Level::Info,
                "no DNS cutover planned for this row: d plans one on a record",
            );
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
            let Some(to) = progress.rollback_to() else {
                self.note(
                    Level::Info,
                    format!("{name} already answers only the source: nothing to roll back"),
                );
                return Vec::new();
            };
            let lines = vec![
                format!("{name}: {} -> {to}", progress.state),
                "One Route 53 batch, then waits for INSYNC. No cache wait applies.".into(),
            ];
            let effects = vec![Effect::DnsRollback { zone_id, record }];
            self.ask(Confirm::new(format!("roll back {name}"), lines, effects));
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
