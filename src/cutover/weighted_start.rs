//! A plan from a record that is already a weighted pair (`--source-set`):
//! the named set is the source, the one other weighted set of the same name
//! and type is the target, and the plan starts from the weights Route 53
//! holds instead of making the pair itself.

use super::guards;
use super::plan::Weights;
use super::DnsError;
use crate::cloud::dns_change::RecordSet;
use serde::{Deserialize, Serialize};

/// Where a plan from a weighted record starts, journaled with the plan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WeightedStart {
    /// The weights Route 53 held when the plan was made.
    pub weights: Weights,
    /// The sets of that name and type as Route 53 held them: recognised as
    /// the plan's start even when the plan changes the target's value or
    /// health check with its first step.
    pub sets: Vec<RecordSet>,
}

/// The source and target sets of a weighted pair, and their weights.
#[derive(Debug)]
pub(crate) struct Pair<'a> {
    pub(crate) source: &'a RecordSet,
    pub(crate) target: &'a RecordSet,
    pub(crate) weights: Weights,
    /// Every set of the pair's type at that name (the two of the pair).
    pub(crate) sets: Vec<RecordSet>,
}

fn invalid(msg: String) -> DnsError {
    DnsError::Invalid(msg)
}

/// "us-east-1 (A, weight 100), eu-west-1 (A, weight 0)".
fn list_sets(sets: &[&RecordSet]) -> String {
    let one = |s: &&RecordSet| {
        let weight = s
            .weight
            .map(|w| format!("weight {w}"))
            .unwrap_or_else(|| "not weighted".into());
        format!(
            "{} ({}, {weight})",
            s.set_identifier.as_deref().unwrap_or("(simple record)"),
            s.record_type
        )
    };
    sets.iter().map(one).collect::<Vec<_>>().join(", ")
}

/// Finds the pair whose source is the set named `source_set`; refuses
/// anything cutover cannot move as one pair, naming the sets there are.
pub(crate) fn pick_pair<'a>(
    name: &str,
    at_name: &'a [RecordSet],
    source_set: &str,
) -> Result<Pair<'a>, DnsError> {
    let movable = |s: &&RecordSet| matches!(s.record_type.as_str(), "A" | "AAAA" | "CNAME");
    let candidates: Vec<&RecordSet> = at_name.iter().filter(movable).collect();
    if candidates.is_empty() {
        return Err(invalid(format!(
            "no A, AAAA or CNAME record named {name} in the zone; check the name with `cutover inventory --kinds record`"
        )));
    }
    let source_set = source_set.trim();
    let Some(source) = candidates
        .iter()
        .copied()
        .find(|s| s.set_identifier.as_deref() == Some(source_set))
    else {
        return Err(invalid(format!(
            "{name} has no set with SetIdentifier '{source_set}'; its sets are: {}. Give one of those to --source-set",
            list_sets(&candidates)
        )));
    };
    let same_type: Vec<&RecordSet> = candidates
        .iter()
        .copied()
        .filter(|s| s.record_type == source.record_type)
        .collect();
    let others: Vec<&RecordSet> = same_type
        .iter()
        .copied()
        .filter(|s| s.set_identifier.as_deref() != Some(source_set))
        .collect();
    let [target] = others.as_slice() else {
        return Err(invalid(format!(
            "{name} {} has {} set(s) beside '{source_set}' ({}): cutover moves a pair, so there must be \
             exactly one other weighted set; its sets are: {}",
            source.record_type,
            others.len(),
            if others.is_empty() {
                "none".to_string()
            } else {
                list_sets(&others)
            },
            list_sets(&same_type)
        )));
    };
    let weight_of = |s: &RecordSet| -> Result<u8, DnsError> {
        let id = s.set_identifier.as_deref().unwrap_or("(simple record)");
        let w = s.weight.ok_or_else(|| {
            invalid(format!(
                "set '{id}' of {name} has no weight (another routing policy, or a simple record): cutover \
                 moves weighted pairs only; its sets are: {}",
                list_sets(&same_type)
            ))
        })?;
        guards::check_weight(w)
    };
    let weights = Weights {
        source: weight_of(source)?,
        target: weight_of(target)?,
    };
    if weights.source == 0 && weights.target == 0 {
        return Err(invalid(format!(
            "both sets of {name} have weight 0, so Route 53 splits traffic evenly between them: set the \
             source's weight (e.g. 100) by hand first, then plan"
        )));
    }
    Ok(Pair {
        source,
        target,
        weights,
        sets: same_type.into_iter().cloned().collect(),
    })
}

#[cfg(test)]
mod tests {
    use super::super::plan::{DnsPlan, DnsStep, Found, PlanChoices, RecordState};
    use super::*;

    fn set(id: &str, weight: i64, ttl: i64, value: &str) -> RecordSet {
        RecordSet {
            name: "beta.shop.example.com.".into(),
            record_type: "A".into(),
            ttl: Some(ttl),
            set_identifier: Some(id.into()),
            weight: Some(weight),
            values: vec![value.into()],
            alias: None,
            health_check_id: None,
        }
    }

    fn beta(ttl: i64) -> Vec<RecordSet> {
        vec![
            set("us-east-1", 100, ttl, "192.0.2.10"),
            set("eu-west-1", 0, ttl, "198.51.100.20"),
        ]
    }

    fn plan(at_name: &[RecordSet], target: &str, source_set: &str) -> Result<DnsPlan, DnsError> {
        let found = Found {
            zone_id: "Z1",
            zone_name: "shop.example.com.",
            record_name: "beta.shop.example.com",
            at_name,
            public_zone: true,
        };
        let choices = PlanChoices {
            source_set: Some(source_set.into()),
            ..Default::default()
        };
        DnsPlan::build(&found, ("src-region", "tgt-region"), target, &choices)
    }

    fn w(source: u8, target: u8) -> Weights {
        Weights { source, target }
    }

    #[test]
    fn a_weighted_pair_starts_where_route53_holds_it_and_makes_no_pair() {
        let sets = beta(60);
        let p = plan(&sets, "", "us-east-1").unwrap();
        assert_eq!(
            (p.source_region.as_str(), p.target_region.as_str()),
            ("us-east-1", "eu-west-1"),
            "the sets keep their own ids"
        );
        assert_eq!(
            p.target.to_string(),
            "198.51.100.20",
            "the other set's value"
        );
        assert_eq!(
            p.start(),
            RecordState::Weighted {
                ttl: Some(60),
                weights: w(100, 0)
            }
        );
        let steps: Vec<DnsStep> = p.steps.iter().map(|s| s.step).collect();
        assert_eq!(steps, vec![DnsStep::ShiftWeights { to: w(0, 100) }]);
        assert_eq!(p.state_of(&sets), Some(p.start()));
        assert!(!p.mixed(), "one flip");

        let long = plan(&beta(3600), "", "us-east-1").unwrap();
        let steps: Vec<DnsStep> = long.steps.iter().map(|s| s.step).collect();
        assert_eq!(
            steps,
            vec![
                DnsStep::LowerTtl { to: 300 },
                DnsStep::LowerTtl { to: 60 },
                DnsStep::ShiftWeights { to: w(0, 100) },
                DnsStep::RestoreTtl { to: 3600 },
            ]
        );
    }

    #[test]
    fn a_pair_already_on_the_target_has_no_steps_and_may_only_finish() {
        use super::super::progress::Progress;
        let mut sets = beta(60);
        sets[0].weight = Some(0);
        sets[1].weight = Some(100);
        let p = plan(&sets, "", "us-east-1").unwrap();
        assert!(p.steps.is_empty());
        let progress = Progress::new(p);
        assert!(progress.may_finish() && !progress.may_abort());

        let progress = Progress::new(plan(&beta(60), "", "us-east-1").unwrap());
        assert!(
            progress.may_abort() && !progress.may_finish(),
            "all on the source: abort collapses it to the source's simple record"
        );
        assert!(
            progress.in_flight() && progress.may_replan(),
            "live weights from the start, and nothing made yet"
        );
    }

    #[test]
    fn auto_rollback_watches_the_target_sets_own_health_check() {
        let found = |sets: &[RecordSet], auto_rollback: bool| {
            let found = Found {
                zone_id: "Z1",
                zone_name: "shop.example.com.",
                record_name: "beta.shop.example.com",
                at_name: sets,
                public_zone: true,
            };
            let choices = PlanChoices {
                source_set: Some("us-east-1".into()),
                auto_rollback,
                ..Default::default()
            };
            DnsPlan::build(&found, ("a", "b"), "", &choices)
        };
        let e = found(&beta(60), true).unwrap_err().to_string();
        assert!(e.contains("--auto-rollback needs a health check"), "{e}");
        let mut sets = beta(60);
        sets[1].health_check_id = Some("hc-eu".into());
        let p = found(&sets, true).unwrap();
        assert_eq!(p.target_health_check.as_deref(), Some("hc-eu"));
        assert!(p.auto_rollback);
        assert_eq!(p.state_of(&sets), Some(p.start()), "kept on the target set");
    }

    #[test]
    fn the_start_weights_are_route53s_even_when_mixed() {
        let sets = vec![
            set("blue", 70, 60, "192.0.2.10"),
            set("green", 30, 60, "198.51.100.20"),
        ];
        let p = plan(&sets, "", "blue").unwrap();
        assert_eq!(
            p.start(),
            RecordState::Weighted {
                ttl: Some(60),
                weights: w(70, 30)
            }
        );
        assert_eq!(p.steps.len(), 1);
        assert_eq!(p.state_of(&sets), Some(p.start()));
    }

    #[test]
    fn unknown_sets_and_pairs_of_other_sizes_are_refused_naming_the_sets() {
        let e = plan(&beta(60), "", "us-west-2").unwrap_err().to_string();
        assert!(
            e.contains("no set with SetIdentifier 'us-west-2'")
                && e.contains("us-east-1 (A, weight 100)")
                && e.contains("eu-west-1 (A, weight 0)"),
            "{e}"
        );
        let mut three = beta(60);
        three.push(set("ap-south-1", 10, 60, "203.0.113.9"));
        let e = plan(&three, "", "us-east-1").unwrap_err().to_string();
        assert!(
            e.contains("2 set(s) beside 'us-east-1'") && e.contains("ap-south-1"),
            "{e}"
        );
        let alone = vec![set("us-east-1", 100, 60, "192.0.2.10")];
        let e = plan(&alone, "", "us-east-1").unwrap_err().to_string();
        assert!(e.contains("0 set(s) beside"), "{e}");
        let mut simple = beta(60);
        simple.truncate(1);
        simple[0].set_identifier = None;
        simple[0].weight = None;
        let e = plan(&simple, "", "us-east-1").unwrap_err().to_string();
        assert!(e.contains("no set with SetIdentifier"), "{e}");
    }

    #[test]
    fn a_new_target_value_only_while_the_target_has_no_traffic() {
        let sets = beta(60);
        let p = plan(&sets, "198.51.100.7", "us-east-1").unwrap();
        assert_eq!(p.target.to_string(), "198.51.100.7");
        assert_eq!(
            p.state_of(&sets),
            Some(p.start()),
            "the pair as found is the start, though its target set changes with the first step"
        );
        let mut live = beta(60);
        live[1].weight = Some(20);
        let e = plan(&live, "198.51.100.7", "us-east-1")
            .unwrap_err()
            .to_string();
        assert!(e.contains("move live traffic"), "{e}");
        let e = plan(&sets, "10.0.0.5", "us-east-1")
            .unwrap_err()
            .to_string();
        assert!(e.contains("private address"), "the value is checked: {e}");
        let mut zeros = beta(60);
        zeros[0].weight = Some(0);
        let e = plan(&zeros, "", "us-east-1").unwrap_err().to_string();
        assert!(e.contains("both sets"), "{e}");
    }
}
