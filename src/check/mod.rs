//! The pre-flight check of a whole move: pure functions over both
//! inventories and the facts `cloud::read_facts` gathered. Each family of
//! checks has its own file; each adds findings to one `Findings`.

mod capacity;
mod copies;
mod data;
mod dns;
pub(crate) mod live;
mod network;
mod order;
mod pinned;
pub(crate) mod render;
pub(crate) mod select;

use crate::model::facts::Facts;
use crate::model::{Inventory, Resource};
use serde::Serialize;

pub use order::Stage;
pub(crate) use select::Selection;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    /// The move as planned will be refused or cannot work: fix it first.
    Blocker,
    /// The move works, but something breaks, costs, or needs a hand.
    Warning,
    /// Worth knowing: sizes, durations.
    Note,
}

/// One thing the check found.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Finding {
    #[serde(skip)]
    pub severity: Severity,
    /// Which check, e.g. "az-count", "instance-type", "quota-eip".
    pub check: &'static str,
    /// What it is about (an id), if one resource.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub resource: Option<String>,
    pub message: String,
    /// What to do about it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fix: Option<String>,
}

/// What the operator chose beyond the selection.
#[derive(Debug, Clone, Default)]
pub(crate) struct CheckOptions {
    /// A target KMS key for encrypted copies.
    pub(crate) kms_key_id: Option<String>,
}

/// Everything a check reads.
pub(crate) struct Input<'a> {
    pub(crate) inventory: &'a Inventory,
    pub(crate) selection: &'a Selection,
    pub(crate) facts: &'a Facts,
    pub(crate) options: &'a CheckOptions,
}

impl Input<'_> {
    pub(crate) fn selected(&self) -> impl Iterator<Item = &Resource> {
        self.selection.resources.iter()
    }
}

#[derive(Debug, Default)]
pub(crate) struct Findings(Vec<Finding>);

impl Findings {
    pub(crate) fn add(
        &mut self,
        severity: Severity,
        check: &'static str,
        resource: Option<&str>,
        message: impl Into<String>,
        fix: Option<String>,
    ) {
        self.0.push(Finding {
            severity,
            check,
            resource: resource.map(str::to_string),
            message: message.into(),
            fix,
        });
    }
}

/// The check's answer.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CheckReport {
    pub source: String,
    pub target: String,
    /// "ready" or "blocked".
    pub verdict: &'static str,
    pub selected: Vec<String>,
    pub blockers: Vec<Finding>,
    pub warnings: Vec<Finding>,
    pub notes: Vec<Finding>,
    pub order: Vec<Stage>,
}

impl CheckReport {
    pub(crate) fn is_blocked(&self) -> bool {
        !self.blockers.is_empty()
    }
}

/// Runs every check.
pub(crate) fn run(input: &Input) -> CheckReport {
    let mut f = Findings::default();
    capacity::check(input, &mut f);
    copies::check(input, &mut f);
    network::check(input, &mut f);
    dns::check(input, &mut f);
    data::check(input, &mut f);
    pinned::check(input, &mut f);
    for what in &input.facts.unread {
        f.add(
            Severity::Warning,
            "not-checked",
            None,
            format!("not checked, the read failed: {what}"),
            Some("grant the read (see the IAM policy) and check again".into()),
        );
    }
    let pick = |s: Severity| f.0.iter().filter(|x| x.severity == s).cloned().collect();
    let blockers: Vec<Finding> = pick(Severity::Blocker);
    CheckReport {
        source: input.inventory.source_region().to_string(),
        target: input.inventory.target_region().to_string(),
        verdict: if blockers.is_empty() {
            "ready"
        } else {
            "blocked"
        },
        selected: input.selected().map(|r| r.id.clone()).collect(),
        blockers,
        warnings: pick(Severity::Warning),
        notes: pick(Severity::Note),
        order: order::stages(input),
    }
}

#[cfg(test)]
mod tests;
