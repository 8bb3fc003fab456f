//! Where a cutover stands, rebuilt from its journal entries: the plan, the
//! steps done, a change asked for but not known to be done, and when the
//! next step is safe. Pure: no Route 53, no clock of its own.

use super::clock::{cache_hold, next_safe_at, remaining};
use super::plan::Weights;
use super::plan::{DnsPlan, DnsStep, PlannedStep, RecordState};
use crate::cloud::dns_change::{RecordChange, RecordSet};
use serde::{Deserialize, Serialize};
use std::time::{Duration, SystemTime};

/// What the DNS cutover writes to the journal (kind "dns").
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "event", rename_all = "snake_case")]
pub enum DnsEvent {
    Planned {
        plan: Box<DnsPlan>,
    },
    /// Written before the batch is sent.
    Intent {
        action: Action,
        from: RecordState,
        to: RecordState,
        changes: Vec<RecordChange>,
    },
    /// Route 53 took the batch: it will be applied, all of it.
    Submitted {
        action: Action,
        change_id: String,
    },
    /// The change reached every Route 53 name server; the cache wait starts
    /// at this entry's time.
    Insync {
        action: Action,
        change_id: String,
    },
    /// Route 53 refused the batch: nothing changed.
    Failed {
        action: Action,
        error: String,
    },
    /// After a crash between intent and outcome: what Route 53 was found to hold.
    Reconciled {
        action: Action,
        applied: bool,
        found: String,
    },
    /// The operator went on before the cache wait was over.
    Override {
        action: Action,
        early_by_secs: u64,
    },
    /// What Route 53 held when a rollback or an adopt read it, next to what
    /// the journal expected: the record of drift, whatever happens next.
    Found {
        action: Action,
        expected: RecordState,
        /// As a state of the plan; None if it is none of them.
        found: Option<RecordState>,
        sets: Vec<RecordSet>,
    },
    /// The operator took Route 53's state as the cutover's: the plan goes on
    /// from step `done`.
    Adopted {
        state: RecordState,
        done: usize,
    },
    /// The target's health check failed after a shift and `--auto-rollback`
    /// was on: a rollback follows.
    AutoRollback {
        health_check: String,
        detail: String,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Action {
    /// Step `index` of the plan (0-based).
    Step {
        index: usize,
    },
    Rollback,
    /// Adopting what Route 53 holds (no change is written).
    Adopt,
    /// Collapse a completed cutover to the target's simple record.
    Finish,
    /// Collapse a rolled-back cutover to the source's simple record.
    Abort,
}

impl Action {
    /// In the operator's words, for timelines and reports.
    pub(crate) fn label(&self) -> String {
        match self {
            Action::Step { index } => format!("step {}", index + 1),
            Action::Rollback => "rollback".into(),
            Action::Adopt => "adopt Route 53's state".into(),
            Action::Finish => "finish (collapse to the target)".into(),
            Action::Abort => "abort (collapse to the source)".into(),
        }
    }
}

/// The journal thread of one record: "dns:Z123:www.shop.example.com.".
pub fn topic(zone_id: &str, record: &str) -> String {
    format!(
        "dns:{}:{}",
        crate::cloud::route53::bare_zone_id(zone_id),
        normal_name(record)
    )
}

pub(crate) fn normal_name(record: &str) -> String {
    format!("{}.", record.trim().trim_end_matches('.').to_lowercase())
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Pending {
    pub(crate) action: Action,
    pub(crate) from: RecordState,
    pub(crate) to: RecordState,
    /// Known once Route 53 accepted the batch.
    pub(crate) change_id: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub(crate) struct LastChange {
    pub(crate) action: Action,
    pub(crate) change_id: Option<String>,
    pub(crate) insync_at: SystemTime,
    /// How long resolvers may keep the answer from before it.
    pub(crate) hold: Duration,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Progress {
    pub plan: DnsPlan,
    /// Steps done, counted from the start of the plan.
    pub done: usize,
    /// What Route 53 should hold now.
    pub state: RecordState,
    pub(crate) last_change: Option<LastChange>,
    pub pending: Option<Pending>,
    pub rolled_back: bool,
    pub overrides: usize,
    /// Until when resolvers may still hold an answer from before any change
    /// so far: the latest of every change's INSYNC time plus the TTL before
    /// it. After a forced step an older, longer TTL may still be cached.
    pub(crate) cached_until: Option<SystemTime>,
    /// The TTL (or alias hold) behind `cached_until`.
    pub(crate) longest_hold: Option<Duration>,
    /// Set once `finish` or `abort` left a simple record: the cutover is closed.
    pub closed: Option<Action>,
}

impl Progress {
    pub fn new(plan: DnsPlan) -> Self {
        Progress {
            state: plan.start(),
            plan,
            done: 0,
            last_change: None,
            pending: None,
            rolled_back: false,
            overrides: 0,
            cached_until: None,
            longest_hold: None,
            closed: None,
        }
    }

    /// Folds a topic's events, in journal order. Events before the first
    /// plan are ignored; a new plan starts over.
    pub fn replay<'a>(
        events: impl IntoIterator<Item = (SystemTime, &'a DnsEvent)>,
    ) -> Option<Self> {
        let mut progress: Option<Progress> = None;
        for (at, event) in events {
            if let DnsEvent::Planned { plan } = event {
                progress = Some(Progress::new((**plan).clone()));
            } else if let Some(p) = progress.as_mut() {
                p.apply(at, event);
            }
        }
        progress
    }

    pub fn apply(&mut self, at: SystemTime, event: &DnsEvent) {
        match event {
            DnsEvent::Planned { plan } => *self = Progress::new((**plan).clone()),
            DnsEvent::Intent {
                action, from, to, ..
            } => {
                self.pending = Some(Pending {
                    action: *action,
                    from: *from,
                    to: *to,
                    change_id: None,
                });
            }
            DnsEvent::Submitted { change_id, .. } => {
                if let Some(p) = self.pending.as_mut() {
                    p.change_id = Some(change_id.clone());
                }
            }
            DnsEvent::Insync { .. } | DnsEvent::Reconciled { applied: true, .. } => {
                self.complete(at)
            }
            DnsEvent::Failed { .. } | DnsEvent::Reconciled { applied: false, .. } => {
                self.pending = None
            }
            DnsEvent::Override { .. } => self.overrides += 1,
            DnsEvent::Found { .. } | DnsEvent::AutoRollback { .. } => {}
            DnsEvent::Adopted { state, done } => {
                // Someone else's change may have just propagated: the wait
                // counts from now, with the longer of the two TTLs.
                let ttl = self.state.ttl().max(state.ttl());
                self.pending = None;
                self.state = *state;
                self.done = (*done).min(self.plan.steps.len());
                self.rolled_back = false;
                self.closed = None;
                self.changed_at(at, cache_hold(ttl));
                self.last_change = Some(LastChange {
                    action: Action::Adopt,
                    change_id: None,
                    insync_at: at,
                    hold: cache_hold(ttl),
                });
            }
        }
    }

    /// Remembers that answers from before a change may be cached for `hold`
    /// after `at`, keeping the latest such time of every change.
    fn changed_at(&mut self, at: SystemTime, hold: Duration) {
        let until = next_safe_at(at, hold);
        if self.cached_until.is_none_or(|t| until >= t) {
            self.cached_until = Some(until);
            self.longest_hold = Some(hold);
        }
    }

    fn complete(&mut self, at: SystemTime) {
        let Some(p) = self.pending.take() else { return };
        self.state = p.to;
        match p.action {
            Action::Step { index } => {
                self.done = index + 1;
                self.rolled_back = false;
            }
            Action::Rollback => {
                self.done = self.done.min(self.rollback_resumes_at());
                self.rolled_back = true;
                self.closed = None;
            }
            Action::Finish | Action::Abort => self.closed = Some(p.action),
            Action::Adopt => {}
        }
        self.changed_at(at, cache_hold(p.from.ttl()));
        self.last_change = Some(LastChange {
            action: p.action,
            change_id: p.change_id,
            insync_at: at,
            hold: cache_hold(p.from.ttl()),
        });
    }

    /// After a rollback the TTL stays low; the plan resumes at its first
    /// weight shift.
    fn rollback_resumes_at(&self) -> usize {
        self.plan
            .steps
            .iter()
            .position(|s| matches!(s.step, DnsStep::ShiftWeights { .. }))
            .unwrap_or(self.plan.steps.len())
    }

    pub fn next_step(&self) -> Option<(usize, PlannedStep)> {
        if self.closed.is_some() {
            return None;
        }
        self.plan.steps.get(self.done).map(|s| (self.done, *s))
    }

    pub fn finished(&self) -> bool {
        self.closed.is_some() || self.done >= self.plan.steps.len()
    }

    /// A cutover is under way once a step is done and it has not finished.
    pub(crate) fn under_way(&self) -> bool {
        self.pending.is_some() || (self.done > 0 && !self.finished())
    }

    /// In flight: a step made and not closed by finish or abort (a
    /// completed cutover still holds the weighted pair), or a plan from a
    /// weighted record: it holds live weights from the start.
    pub fn in_flight(&self) -> bool {
        self.closed.is_none()
            && (self.pending.is_some() || self.done > 0 || self.plan.weighted_start.is_some())
    }

    /// A new plan may replace this one: nothing made yet, or closed.
    pub(crate) fn may_replan(&self) -> bool {
        self.pending.is_none() && (self.done == 0 || self.closed.is_some())
    }

    /// When the next step is safe: once every answer cached from before
    /// any change so far may have expired (forced steps included).
    pub(crate) fn next_safe_at(&self) -> Option<SystemTime> {
        self.cached_until
    }

    /// Time left before the next step is safe; None if it is safe now.
    pub fn wait_left(&self, now: SystemTime) -> Option<Duration> {
        self.next_safe_at().and_then(|t| remaining(t, now))
    }

    /// `finish` applies: every step done, all traffic on the target, and
    /// not yet one simple record.
    pub(crate) fn may_finish(&self) -> bool {
        use super::plan::Side;
        let on_target = match self.state {
            RecordState::Weighted { weights, .. } => weights.source == 0,
            RecordState::Simple { side, .. } => side == Side::Target,
        };
        self.closed.is_none()
            && self.pending.is_none()
            && self.done >= self.plan.steps.len()
            && on_target
            && !matches!(self.state, RecordState::Simple { .. })
    }

    /// `abort` applies: all traffic on the source (a rollback, or a plan
    /// not stepped yet), and not yet the source's simple record.
    pub(crate) fn may_abort(&self) -> bool {
        self.closed.is_none()
            && self.pending.is_none()
            && answers_only_source(self.state)
            && self.state != self.plan.source_simple()
    }

    /// What a rollback would write: 100/0, keeping the current TTL; None
    /// when the record already answers only the source.
    pub(crate) fn rollback_to(&self) -> Option<RecordState> {
        let to = RecordState::Weighted {
            ttl: self.state.ttl(),
            weights: Weights::ALL_SOURCE,
        };
        match self.state {
            _ if self.closed == Some(Action::Abort) => None,
            RecordState::Weighted { weights, .. } if weights == Weights::ALL_SOURCE => None,
            RecordState::Simple {
                side: super::plan::Side::Source,
                ..
            } => None,
            _ => Some(to),
        }
    }
}

/// True when the record sends every answer to the source.
pub(crate) fn answers_only_source(state: RecordState) -> bool {
    match state {
        RecordState::Simple { side, .. } => side == super::plan::Side::Source,
        RecordState::Weighted { weights, .. } => weights.target == 0 && weights.source > 0,
    }
}

/// Every DNS cutover in a journal, by topic: pure, no Route 53.
pub(crate) fn all_cutovers(
    replay: &crate::journal::Replay,
) -> std::collections::BTreeMap<String, Progress> {
    let mut threads: std::collections::BTreeMap<&str, Vec<_>> = Default::default();
    for entry in replay.entries.iter().filter(|e| e.kind == "dns") {
        if let Some(event) = entry.event_as::<DnsEvent>() {
            threads
                .entry(entry.topic.as_str())
                .or_default()
                .push((entry.at(), event));
        }
    }
    threads
        .into_iter()
        .filter_map(|(t, events)| {
            let p = Progress::replay(events.iter().map(|(at, e)| (*at, e)))?;
            Some((t.to_string(), p))
        })
        .collect()
}
