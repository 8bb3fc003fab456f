//! The DNS plan: which record moves to which value, and the steps that get
//! it there: make the simple record a weighted pair, lower the TTL in
//! stages, shift the weights, restore the TTL, optionally collapse. A
//! record that is already a weighted pair starts from the weights it holds
//! (`weighted_start`).

use super::guards;
use super::weighted_start::{self, WeightedStart};
use super::DnsError;
use crate::cloud::dns_change::RecordSet;
use serde::{Deserialize, Serialize};

pub(crate) use super::states::{Answer, PlannedStep};
pub use super::states::{DnsStep, RecordState, Side, Weights};

/// TTL stages proposed when the operator names none.
pub(crate) const DEFAULT_TTL_STAGES: [i64; 3] = [3600, 300, 60];
/// Weight steps proposed when the operator names none: one flip. While the
/// target's database is a separate copy, a record answering both regions
/// splits writes between two databases.
pub(crate) const DEFAULT_WEIGHTS: [Weights; 2] = [
    Weights {
        source: 100,
        target: 0,
    },
    Weights {
        source: 0,
        target: 100,
    },
];
/// `--gradual`: for an application that serves writes from both regions.
pub(crate) const GRADUAL_WEIGHTS: [Weights; 4] = [
    Weights {
        source: 100,
        target: 0,
    },
    Weights {
        source: 90,
        target: 10,
    },
    Weights {
        source: 50,
        target: 50,
    },
    Weights {
        source: 0,
        target: 100,
    },
];

/// What the operator chose; None means cutover's default.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PlanChoices {
    pub ttl_stages: Option<Vec<i64>>,
    pub weights: Option<Vec<Weights>>,
    pub final_ttl: Option<i64>,
    pub collapse: bool,
    /// Mixed weight steps (90/10, 50/50) when `weights` names none.
    pub gradual: bool,
    /// Private addresses are meant, even in a public zone.
    pub allow_private: bool,
    /// A health check to make for the target (made when the plan is
    /// journaled, not when it is proposed).
    pub health_check: Option<super::health::HealthCheckSpec>,
    /// Roll back on its own when that health check fails after a shift.
    pub auto_rollback: bool,
    /// The record is already a weighted pair: this set is the source, the
    /// other one the target, and the plan starts from their weights.
    pub source_set: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DnsPlan {
    pub(crate) zone_id: String,
    pub(crate) zone_name: String,
    /// Fully qualified, lower case, trailing dot.
    pub(crate) record_name: String,
    pub(crate) record_type: String,
    /// SetIdentifiers of the pair: the region names, or the sets' own ids
    /// when the plan starts from a weighted record.
    pub(crate) source_region: String,
    pub(crate) target_region: String,
    pub(crate) source: Answer,
    pub(crate) target: Answer,
    /// The simple record's TTL before the cutover (None for an alias).
    pub(crate) original_ttl: Option<i64>,
    pub steps: Vec<PlannedStep>,
    /// The record's own health check, kept on the source's set.
    #[serde(default)]
    pub(crate) source_health_check: Option<String>,
    /// The health check made for the target's answer (`--health-check`),
    /// attached to the target's set and read before each shift to it.
    #[serde(default)]
    pub(crate) target_health_check: Option<String>,
    /// Roll back on its own when the target turns unhealthy after a shift.
    #[serde(default)]
    pub auto_rollback: bool,
    /// Set when the record was already a weighted pair: the plan starts
    /// from what Route 53 held then, and makes no pair of its own.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub weighted_start: Option<WeightedStart>,
}

/// The record the plan starts from, as found in Route 53.
pub struct Found<'a> {
    pub zone_id: &'a str,
    pub zone_name: &'a str,
    pub record_name: &'a str,
    /// Every record set at that name, any type.
    pub at_name: &'a [RecordSet],
    /// The zone answers the internet (private addresses are refused).
    pub public_zone: bool,
}

impl DnsPlan {
    /// Checks the record and the choices against Route 53's rules and lays
    /// out the steps. `target` is the value (or `HOSTEDZONEID:dns-name` for
    /// an alias record).
    pub fn build(
        found: &Found,
        regions: (&str, &str),
        target: &str,
        choices: &PlanChoices,
    ) -> Result<Self, DnsError> {
        let name = guards::name_in_zone(found.record_name, found.zone_name)?;
        let pair = match choices.source_set.as_deref() {
            Some(id) => Some(weighted_start::pick_pair(&name, found.at_name, id)?),
            None => None,
        };
        let current = match &pair {
            Some(p) => p.source,
            None => simple_record(&name, found.at_name)?,
        };
        guards::check_no_cname_mix(&name, &current.record_type, found.at_name)?;
        let source = answer_of(current);
        let rules = super::target_value::Rules {
            record_type: &current.record_type,
            record_name: &name,
            public_zone: found.public_zone,
            allow_private: choices.allow_private,
        };
        let target = match &pair {
            // No value given: the target set's own, checked like a typed one.
            Some(p) if target.trim().is_empty() => {
                super::target_value::parse_target(&source, &answer_text(p.target), rules)?;
                answer_of(p.target)
            }
            _ => super::target_value::parse_target(&source, target, rules)?,
        };
        if target == source {
            return Err(DnsError::Invalid(format!(
                "{name} already answers {target}: nothing to move; give the target region's value"
            )));
        }
        if let Some(p) = &pair {
            check_pair_target(&name, p, &target, choices)?;
        }
        if choices.auto_rollback && choices.health_check.is_none() && !target_health_check_of(&pair)
        {
            return Err(DnsError::Invalid(
                "--auto-rollback needs a health check of the target to watch: give --health-check \
                 (e.g. https:443/health), or plan a --source-set pair whose target set has one"
                    .into(),
            ));
        }
        let (set_ids, target_health_check) = match &pair {
            Some(p) => (
                (
                    p.source.set_identifier.clone().unwrap_or_default(),
                    p.target.set_identifier.clone().unwrap_or_default(),
                ),
                p.target.health_check_id.clone(),
            ),
            None => ((regions.0.to_string(), regions.1.to_string()), None),
        };
        let mut plan = DnsPlan {
            zone_id: found.zone_id.to_string(),
            zone_name: found.zone_name.to_string(),
            record_name: name,
            record_type: current.record_type.clone(),
            source_region: set_ids.0,
            target_region: set_ids.1,
            source,
            target,
            original_ttl: current.ttl,
            steps: vec![],
            source_health_check: current.health_check_id.clone(),
            target_health_check,
            auto_rollback: choices.auto_rollback,
            weighted_start: pair.map(|p| WeightedStart {
                weights: p.weights,
                sets: p.sets,
            }),
        };
        let start_weights = plan.weighted_start.as_ref().map(|w| w.weights);
        plan.steps = lay_out_steps(current.ttl, start_weights, choices)?;
        for state in std::iter::once(plan.start()).chain(plan.steps.iter().map(|s| s.after)) {
            guards::check_group(&plan.sets_for(state))?;
        }
        Ok(plan)
    }

    /// True when some step sends traffic to both regions at once.
    pub(crate) fn mixed(&self) -> bool {
        self.steps.iter().any(|s| {
            matches!(s.after, RecordState::Weighted { weights, .. } if weights.source > 0 && weights.target > 0)
        })
    }

    /// The one line a mixed plan must say.
    pub(crate) const MIXED_WARNING: &'static str = "mixed weights send live traffic to BOTH regions at once: only safe when the application serves writes from both (one database, or replicated both ways)";

    pub fn start(&self) -> RecordState {
        match &self.weighted_start {
            Some(w) => RecordState::Weighted {
                ttl: self.original_ttl,
                weights: w.weights,
            },
            None => self.source_simple(),
        }
    }

    /// The source's simple record at the TTL it had: where `abort` ends.
    pub(crate) fn source_simple(&self) -> RecordState {
        RecordState::Simple {
            side: Side::Source,
            ttl: self.original_ttl,
        }
    }

    #[cfg(test)]
    /// The state after `done` steps.
    pub(crate) fn state_after(&self, done: usize) -> RecordState {
        match done {
            0 => self.start(),
            n => self.steps[n.min(self.steps.len()) - 1].after,
        }
    }

    /// The record sets Route 53 should hold in `state`.
    pub fn sets_for(&self, state: RecordState) -> Vec<RecordSet> {
        let set = |answer: &Answer, ttl, id: Option<&str>, weight: Option<u8>| {
            // By identity: the closure is only ever given &self.source or &self.target.
            let health_check_id = if std::ptr::eq(answer, &self.source) {
                self.source_health_check.clone()
            } else {
                self.target_health_check.clone()
            };
            let (values, alias) = match answer {
                Answer::Values(v) => (v.clone(), None),
                Answer::Alias(a) => (vec![], Some(a.clone())),
            };
            RecordSet {
                name: self.record_name.clone(),
                record_type: self.record_type.clone(),
                ttl,
                set_identifier: id.map(str::to_string),
                weight: weight.map(i64::from),
                values,
                alias,
                health_check_id,
            }
        };
        match state {
            RecordState::Simple {
                side: Side::Source,
                ttl,
            } => vec![set(&self.source, ttl, None, None)],
            RecordState::Simple {
                side: Side::Target,
                ttl,
            } => vec![set(&self.target, ttl, None, None)],
            RecordState::Weighted { ttl, weights } => vec![
                set(
                    &self.source,
                    ttl,
                    Some(&self.source_region),
                    Some(weights.source),
                ),
                set(
                    &self.target,
                    ttl,
                    Some(&self.target_region),
                    Some(weights.target),
                ),
            ],
        }
    }

    /// Recognises what Route 53 holds (sets of this name and type) as a
    /// state of this plan; None if it is anything else.
    pub(crate) fn state_of(&self, actual: &[RecordSet]) -> Option<RecordState> {
        let mut candidates = vec![
            RecordState::Simple {
                side: Side::Source,
                ttl: actual.first()?.ttl,
            },
            RecordState::Simple {
                side: Side::Target,
                ttl: actual.first()?.ttl,
            },
        ];
        if let [a, b] = actual {
            let by_id = |id: &str| {
                [a, b]
                    .into_iter()
                    .find(|s| s.set_identifier.as_deref() == Some(id))
            };
            if let (Some(s), Some(t)) = (by_id(&self.source_region), by_id(&self.target_region)) {
                let weight = |w: Option<i64>| w.and_then(|w| u8::try_from(w).ok());
                if let (Some(source), Some(target)) = (weight(s.weight), weight(t.weight)) {
                    candidates.push(RecordState::Weighted {
                        ttl: s.ttl,
                        weights: Weights { source, target },
                    });
                }
            }
        }
        let sorted = |sets: &[RecordSet]| {
            let mut sets = sets.to_vec();
            sets.sort_by(|a, b| a.set_identifier.cmp(&b.set_identifier));
            sets
        };
        let have = sorted(actual);
        let same = |state: &RecordState| sorted(&self.sets_for(*state)) == have;
        candidates.into_iter().find(same).or_else(|| {
            // The pair as it was found, before the first step set the
            // target's value or health check the plan's way.
            let start = self.weighted_start.as_ref()?;
            (sorted(&start.sets) == have).then(|| self.start())
        })
    }
}

fn simple_record<'a>(name: &str, at_name: &'a [RecordSet]) -> Result<&'a RecordSet, DnsError> {
    let movable = |s: &&RecordSet| matches!(s.record_type.as_str(), "A" | "AAAA" | "CNAME");
    let candidates: Vec<&RecordSet> = at_name.iter().filter(movable).collect();
    match candidates.as_slice() {
        [] => Err(DnsError::Invalid(format!(
            "no A, AAAA or CNAME record named {name} in the zone; check the name with `cutover inventory --kinds record`"
        ))),
        [one] if one.set_identifier.is_none() => Ok(one),
        _ => Err(DnsError::Invalid(format!(
            "{name} is already a weighted or multi-set record ({} sets: {}): name the set that is the \
             source with --source-set (the plan starts from the weights Route 53 holds); if an earlier \
             cutover made it, use `cutover dns status`",
            candidates.len(),
            candidates
                .iter()
                .map(|s| s.set_identifier.as_deref().unwrap_or("(simple)"))
                .collect::<Vec<_>>()
                .join(", ")
        ))),
    }
}

/// A pair's target may take a new value only while it has no traffic, and
/// keeps the health check it has.
fn check_pair_target(
    name: &str,
    pair: &weighted_start::Pair,
    target: &Answer,
    choices: &PlanChoices,
) -> Result<(), DnsError> {
    let id = pair.target.set_identifier.as_deref().unwrap_or_default();
    if *target != answer_of(pair.target) && pair.weights.target > 0 {
        return Err(DnsError::Invalid(format!(
            "the target set '{id}' of {name} answers {} with weight {}: giving it another value would move \
             live traffic at once; leave out the target value to keep its own, or set its weight to 0 first",
            answer_of(pair.target),
            pair.weights.target
        )));
    }
    if let (Some(hc), Some(_)) = (&pair.target.health_check_id, &choices.health_check) {
        return Err(DnsError::Invalid(format!(
            "the target set '{id}' of {name} already has health check {hc}: cutover reads that one before \
             each shift; leave out the health check"
        )));
    }
    Ok(())
}

fn target_health_check_of(pair: &Option<weighted_start::Pair>) -> bool {
    pair.as_ref()
        .is_some_and(|p| p.target.health_check_id.is_some())
}

/// An answer as the operator types it: values, or HOSTEDZONEID:dns-name.
fn answer_text(s: &RecordSet) -> String {
    match &s.alias {
        Some(a) => format!("{}:{}", a.hosted_zone_id, a.dns_name),
        None => s.values.join(","),
    }
}

fn answer_of(s: &RecordSet) -> Answer {
    match &s.alias {
        Some(a) => Answer::Alias(a.clone()),
        None => Answer::Values(s.values.clone()),
    }
}

/// The steps from the record's TTL and, for a record already weighted,
/// the weights it holds (then no pair is made and TTL stages keep them).
fn lay_out_steps(
    current_ttl: Option<i64>,
    start_weights: Option<Weights>,
    choices: &PlanChoices,
) -> Result<Vec<PlannedStep>, DnsError> {
    let weights = match (&choices.weights, choices.gradual) {
        (Some(w), _) => w.clone(),
        (None, true) => GRADUAL_WEIGHTS.to_vec(),
        (None, false) => DEFAULT_WEIGHTS.to_vec(),
    };
    for w in &weights {
        guards::check_weights(*w)?;
    }
    if choices.collapse
        && weights.last()
            != Some(&Weights {
                source: 0,
                target: 100,
            })
    {
        return Err(DnsError::Invalid(
            "--collapse leaves only the target's answer, so the weight steps must end at 0/100"
                .into(),
        ));
    }
    let mut ttl = current_ttl;
    let held = start_weights.unwrap_or(Weights::ALL_SOURCE);
    let mut steps = Vec::new();
    if start_weights.is_none() {
        steps.push(PlannedStep {
            step: DnsStep::MakeWeighted,
            after: RecordState::Weighted {
                ttl,
                weights: Weights::ALL_SOURCE,
            },
        });
    }
    // Alias records take their target's TTL: there is nothing to stage.
    if let Some(current) = current_ttl {
        let stages = choices
            .ttl_stages
            .clone()
            .unwrap_or_else(|| DEFAULT_TTL_STAGES.to_vec());
        for to in stages.into_iter().filter(|s| *s < current) {
            ttl = Some(to);
            steps.push(PlannedStep {
                step: DnsStep::LowerTtl { to },
                after: RecordState::Weighted { ttl, weights: held },
            });
        }
    }
    let mut last = held;
    for to in weights
        .into_iter()
        .skip_while(|w| *w == Weights::ALL_SOURCE || *w == held)
    {
        if to == last {
            continue;
        }
        last = to;
        steps.push(PlannedStep {
            step: DnsStep::ShiftWeights { to },
            after: RecordState::Weighted { ttl, weights: to },
        });
    }
    let final_ttl = choices.final_ttl.or(current_ttl);
    if let (Some(to), Some(_)) = (final_ttl, current_ttl) {
        if Some(guards::check_ttl(to)?) != ttl {
            ttl = Some(to);
            steps.push(PlannedStep {
                step: DnsStep::RestoreTtl { to },
                after: RecordState::Weighted { ttl, weights: last },
            });
        }
    }
    if choices.collapse {
        steps.push(PlannedStep {
            step: DnsStep::Collapse,
            after: RecordState::Simple {
                side: Side::Target,
                ttl,
            },
        });
    }
    Ok(steps)
}
