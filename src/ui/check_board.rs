//! `:check` in the cockpit: the same pre-flight as `cutover check`, run in
//! the background on the selection (or the whole source estate), shown as
//! blocked / at risk / ready per resource, and run again on demand.

use super::action::{Command, Effect};
use super::app::{App, Mode};
use super::state::Level;
use crate::check::{CheckReport, Finding};
use crate::model::{Inventory, Kind, Side};
use std::sync::Arc;
use std::time::SystemTime;

/// The inventory as it stood when the check was asked for, handed to the
/// background job (cloned once; the cockpit goes on changing its own).
#[derive(Debug, Clone)]
pub struct Frozen(pub(crate) Arc<Inventory>);

impl PartialEq for Frozen {
    fn eq(&self, other: &Self) -> bool {
        Arc::ptr_eq(&self.0, &other.0)
    }
}

/// What one resource (or the move as a whole) comes to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Verdict {
    Blocked,
    AtRisk,
    Ready,
}

impl Verdict {
    pub(crate) fn word(self) -> &'static str {
        match self {
            Verdict::Blocked => "blocked",
            Verdict::AtRisk => "at risk",
            Verdict::Ready => "ready",
        }
    }
}

/// One line of the check view: a resource and what was found about it.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct CheckItem {
    /// None: findings about the move as a whole (AZs, quotas).
    pub(crate) id: Option<String>,
    pub(crate) verdict: Verdict,
    pub(crate) blockers: Vec<Finding>,
    pub(crate) warnings: Vec<Finding>,
}

/// Per resource: blocked if any blocker names it, at risk if a warning
/// does, else ready; worst first, the move as a whole before resources.
pub(crate) fn items(report: &CheckReport) -> Vec<CheckItem> {
    let mut ids: Vec<Option<String>> = vec![None];
    ids.extend(report.selected.iter().cloned().map(Some));
    for f in report.blockers.iter().chain(&report.warnings) {
        if !ids.contains(&f.resource) {
            ids.push(f.resource.clone());
        }
    }
    let about = |list: &[Finding], id: &Option<String>| -> Vec<Finding> {
        list.iter().filter(|f| &f.resource == id).cloned().collect()
    };
    let mut out: Vec<CheckItem> = ids
        .into_iter()
        .map(|id| {
            let blockers = about(&report.blockers, &id);
            let warnings = about(&report.warnings, &id);
            let verdict = match (blockers.is_empty(), warnings.is_empty()) {
                (false, _) => Verdict::Blocked,
                (true, false) => Verdict::AtRisk,
                (true, true) => Verdict::Ready,
            };
            CheckItem {
                id,
                verdict,
                blockers,
                warnings,
            }
        })
        // The move as a whole shows only when something is said about it.
        .filter(|i| i.id.is_some() || i.verdict != Verdict::Ready)
        .collect();
    out.sort_by_key(|i| (i.verdict, i.id.is_some()));
    out
}

/// The last check and the one running.
#[derive(Debug, Clone, Default)]
pub(crate) struct CheckBoard {
    /// What the check covers, in words: "3 selected", "the whole source estate (42)".
    pub(crate) scope: String,
    /// A check is running since then (the last answer stays on screen).
    pub(crate) running_since: Option<SystemTime>,
    /// The last answer and when it came.
    pub(crate) last: Option<(SystemTime, Result<CheckReport, String>)>,
}

impl App {
    /// `:check`: opens the view and starts a check (unless one runs).
    pub(super) fn open_check(&mut self) -> Vec<Effect> {
        self.mode = Mode::Check { scroll: 0 };
        if self.check.running_since.is_some() {
            return Vec::new();
        }
        self.run_check()
    }

    /// Starts a check of the selection (every kind's selected source
    /// rows), or of every source resource when nothing is selected.
    /// Read-only: allowed in --read-only.
    pub(super) fn run_check(&mut self) -> Vec<Effect> {
        if self.check.running_since.is_some() {
            self.note(Level::Info, "a check is running; its answer comes here");
            return Vec::new();
        }
        if !self.inventory.is_complete() {
            let text = format!(
                "both regions are still being read; {} checks again once they are in",
                self.keymap.keys_of(Command::Refresh)
            );
            self.note(Level::Warn, text);
            return Vec::new();
        }
        let mut ids: Vec<String> = self
            .kinds
            .values()
            .flat_map(|k| k.selected.iter())
            .filter(|(side, _)| *side != Side::Target)
            .map(|(_, id)| id.clone())
            .collect();
        ids.sort();
        ids.dedup();
        self.check.scope = if ids.is_empty() {
            ids = whole_source(&self.inventory);
            format!("the whole source estate ({})", ids.len())
        } else {
            format!("{} selected", ids.len())
        };
        if ids.is_empty() {
            self.note(Level::Info, "nothing in the source to check");
            return Vec::new();
        }
        self.check.running_since = Some((self.clock)());
        vec![Effect::RunCheck {
            inventory: Frozen(Arc::new(self.inventory.clone())),
            ids,
        }]
    }

    pub(super) fn checked(&mut self, result: Result<CheckReport, String>) {
        self.check.running_since = None;
        match &result {
            Ok(r) => {
                let blocked = r.is_blocked();
                let (level, text) = if blocked {
                    (
                        Level::Warn,
                        format!("check: BLOCKED by {} finding(s)", r.blockers.len()),
                    )
                } else {
                    (
                        Level::Info,
                        format!("check: ready ({} warning(s))", r.warnings.len()),
                    )
                };
                // Said on the line only when the view is not open to say it.
                if !matches!(self.mode, Mode::Check { .. }) {
                    self.note(level, format!("{text}; :check shows it"));
                }
            }
            Err(e) => self.note(Level::Error, format!("check failed: {e}")),
        }
        self.check.last = Some(((self.clock)(), result));
    }
}

/// Every source (and Route 53) resource listed.
fn whole_source(inv: &Inventory) -> Vec<String> {
    Kind::ALL
        .iter()
        .flat_map(|&k| {
            let side = if k.is_global() {
                Side::Global
            } else {
                Side::Source
            };
            inv.resources(side, k).iter().map(|r| r.id.clone())
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::Severity;

    fn finding(severity: Severity, on: Option<&str>) -> Finding {
        Finding {
            severity,
            check: "x",
            resource: on.map(str::to_string),
            message: "m".into(),
            fix: None,
        }
    }

    #[test]
    fn each_resource_gets_its_worst_finding_and_the_worst_come_first() {
        let report = CheckReport {
            source: "us-east-1".into(),
            target: "eu-west-1".into(),
            verdict: "blocked",
            selected: vec!["i-1".into(), "ami-1".into(), "b-1".into()],
            blockers: vec![finding(Severity::Blocker, Some("ami-1"))],
            warnings: vec![
                finding(Severity::Warning, Some("ami-1")),
                finding(Severity::Warning, Some("b-1")),
                finding(Severity::Warning, None),
            ],
            notes: vec![],
            order: vec![],
        };
        let all = items(&report);
        let got: Vec<(Option<&str>, Verdict)> =
            all.iter().map(|i| (i.id.as_deref(), i.verdict)).collect();
        assert_eq!(
            got,
            [
                (Some("ami-1"), Verdict::Blocked),
                (None, Verdict::AtRisk),
                (Some("b-1"), Verdict::AtRisk),
                (Some("i-1"), Verdict::Ready),
            ]
        );
    }

    #[test]
    fn the_move_as_a_whole_shows_only_when_something_is_said_of_it() {
        let report = CheckReport {
            source: "a".into(),
            target: "b".into(),
            verdict: "ready",
            selected: vec!["i-1".into()],
            blockers: vec![],
            warnings: vec![],
            notes: vec![],
            order: vec![],
        };
        let got = items(&report);
        assert_eq!(got.len(), 1);
        assert_eq!(got[0].id.as_deref(), Some("i-1"));
    }
}
