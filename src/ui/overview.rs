//! The migration window at a glance: per kind, how the source rows' copies
//! stand; DNS cutovers in flight; tasks that want the operator. Counted
//! when listings or tasks change, not on every frame.

use super::app::App;
use super::copy_state::{copy_state, CopyState};
use crate::model::{Kind, Side};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct KindTally {
    pub(crate) kind: Kind,
    pub(crate) copied: usize,
    pub(crate) copying: usize,
    pub(crate) failed: usize,
    /// Cancelled part way, or done with warnings.
    pub(crate) partial: usize,
    /// Still to do: missing, or differs from its source.
    pub(crate) left: usize,
}

impl KindTally {
    /// A kind the operator has started on.
    pub(crate) fn touched(&self) -> bool {
        self.copied + self.copying + self.failed + self.partial > 0
    }
}

/// A DNS cutover under way: its record, steps done of all, and when the
/// next step is safe (None: safe now).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct CutoverInFlight {
    pub(crate) record: String,
    pub(crate) done: usize,
    pub(crate) steps: usize,
    pub(crate) next_safe: Option<String>,
}

impl App {
    /// Recounts the overview's per-kind tallies.
    pub(super) fn recount(&mut self) {
        let mut tally = Vec::new();
        for kind in Kind::ALL {
            if crate::migrate::not_copyable(kind).is_some() {
                continue;
            }
            let mut t = KindTally {
                kind,
                copied: 0,
                copying: 0,
                failed: 0,
                partial: 0,
                left: 0,
            };
            let tasks = self.tasks.read();
            for r in self.inventory.resources(Side::Source, kind) {
                match copy_state(r, tasks.task_for(&r.id)) {
                    CopyState::Copied => t.copied += 1,
                    CopyState::Copying(_) | CopyState::Queued | CopyState::Paused => t.copying += 1,
                    CopyState::Failed => t.failed += 1,
                    CopyState::Partial => t.partial += 1,
                    CopyState::Missing | CopyState::Differs => t.left += 1,
                    _ => {}
                }
            }
            tally.push(t);
        }
        self.tally = tally;
    }

    /// DNS cutovers started and not finished (nor rolled back).
    pub(crate) fn cutovers_in_flight(&self) -> Vec<CutoverInFlight> {
        let now = (self.clock)();
        self.dns
            .values()
            .filter_map(|v| v.progress.as_ref())
            .filter(|p| p.under_way() && !p.rolled_back)
            .map(|p| CutoverInFlight {
                record: p.plan.record_name.clone(),
                done: p.done,
                steps: p.plan.steps.len(),
                next_safe: p
                    .wait_left(now)
                    .and(p.next_safe_at())
                    .map(|t| format!("{} UTC", super::state::clock_text(t))),
            })
            .collect()
    }

    /// The overview line's parts, most urgent first.
    pub fn overview_parts(&self) -> Vec<String> {
        let mut parts = Vec::new();
        let attention = self.tasks.needing_attention();
        if attention > 0 {
            parts.push(format!(
                "{attention} task{} need{} you ({})",
                if attention == 1 { "" } else { "s" },
                if attention == 1 { "s" } else { "" },
                self.keymap.keys_of(super::action::Command::ToggleTasks)
            ));
        }
        let ready = self.tasks.tally().ready_to_promote;
        if ready > 0 {
            parts.push(format!(
                "{ready} DB replica{} ready to promote ({} in tasks)",
                if ready == 1 { "" } else { "s" },
                self.keymap.keys_of(super::action::Command::ResumeTask)
            ));
        }
        for c in self.cutovers_in_flight() {
            let when = match &c.next_safe {
                Some(t) => format!("next safe {t}"),
                None => "next step safe now".into(),
            };
            parts.push(format!(
                "DNS {} step {}/{} {when}",
                c.record.trim_end_matches('.'),
                c.done,
                c.steps
            ));
        }
        let touched: Vec<&KindTally> = self.tally.iter().filter(|t| t.touched()).collect();
        for t in &touched {
            let counts = [
                (t.copied, "copied"),
                (t.copying, "copying"),
                (t.failed, "failed"),
                (t.partial, "partial"),
                (t.left, "left"),
            ];
            let words: Vec<String> = counts
                .iter()
                .filter(|(n, _)| *n > 0)
                .map(|(n, what)| format!("{n} {what}"))
                .collect();
            parts.push(format!(
                "{}: {}",
                super::views::kinds::label(t.kind),
                words.join(" ")
            ));
        }
        let untouched: usize = self
            .tally
            .iter()
            .filter(|t| !t.touched())
            .map(|t| t.left)
            .sum();
        if touched.is_empty() && !self.inventory.is_complete() {
            parts.push("reading both regions…".into());
        } else if touched.is_empty() {
            parts.push(format!("nothing copied yet · {untouched} to copy"));
        } else if untouched > 0 {
            parts.push(format!("{untouched} left in other kinds"));
        }
        parts
    }
}
