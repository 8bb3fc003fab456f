//! Plan building and the step state machine, on hand-made record sets.

use super::plan::*;
use super::progress::*;
use crate::cloud::dns_change::{Alias, RecordSet};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

fn simple(record_type: &str, ttl: i64, value: &str) -> RecordSet {
    RecordSet {
        name: "www.shop.example.com.".into(),
        record_type: record_type.into(),
        ttl: Some(ttl),
        set_identifier: None,
        weight: None,
        values: vec![value.into()],
        alias: None,
        health_check_id: None,
    }
}

fn plan_from(
    at_name: &[RecordSet],
    target: &str,
    choices: &PlanChoices,
) -> Result<DnsPlan, super::DnsError> {
    let found = Found {
        zone_id: "Z1",
        zone_name: "shop.example.com.",
        record_name: "www.shop.example.com",
        at_name,
        public_zone: true,
    };
    DnsPlan::build(&found, ("us-east-1", "eu-west-1"), target, choices)
}

fn steps(p: &DnsPlan) -> Vec<DnsStep> {
    p.steps.iter().map(|s| s.step).collect()
}

fn w(source: u8, target: u8) -> Weights {
    Weights { source, target }
}

#[test]
fn default_plan_skips_ttl_stages_at_or_above_the_current_ttl() {
    let p = plan_from(
        &[simple("A", 300, "192.0.2.1")],
        "198.51.100.7",
        &PlanChoices::default(),
    )
    .unwrap();
    assert_eq!(
        steps(&p),
        vec![
            DnsStep::MakeWeighted,
            DnsStep::LowerTtl { to: 60 },
            DnsStep::ShiftWeights { to: w(0, 100) },
            DnsStep::RestoreTtl { to: 300 },
        ]
    );
    assert_eq!(
        p.steps[0].after,
        RecordState::Weighted {
            ttl: Some(300),
            weights: w(100, 0)
        }
    );
    assert_eq!(
        p.steps[2].after,
        RecordState::Weighted {
            ttl: Some(60),
            weights: w(0, 100)
        }
    );

    let long = plan_from(
        &[simple("A", 86400, "192.0.2.1")],
        "198.51.100.7",
        &PlanChoices::default(),
    )
    .unwrap();
    let lowered: Vec<DnsStep> = steps(&long)
        .into_iter()
        .filter(|s| matches!(s, DnsStep::LowerTtl { .. }))
        .collect();
    assert_eq!(
        lowered,
        vec![
            DnsStep::LowerTtl { to: 3600 },
            DnsStep::LowerTtl { to: 300 },
            DnsStep::LowerTtl { to: 60 }
        ]
    );
}

/// The default plan is one flip: no state it passes through answers from
/// both regions at once, because the target's database is a separate copy.
#[test]
fn the_default_plan_never_holds_two_non_zero_weights() {
    for ttl in [60, 300, 86400] {
        let p = plan_from(
            &[simple("A", ttl, "192.0.2.1")],
            "198.51.100.7",
            &PlanChoices::default(),
        )
        .unwrap();
        let states = std::iter::once(p.start()).chain(p.steps.iter().map(|s| s.after));
        for state in states {
            if let RecordState::Weighted { weights, .. } = state {
                assert!(
                    weights.source == 0 || weights.target == 0,
                    "TTL {ttl}: {state} answers from both regions"
                );
            }
        }
        assert!(!p.mixed());
    }
    let gradual = PlanChoices {
        gradual: true,
        ..Default::default()
    };
    let p = plan_from(&[simple("A", 300, "192.0.2.1")], "198.51.100.7", &gradual).unwrap();
    let shifts: Vec<DnsStep> = steps(&p)
        .into_iter()
        .filter(|s| matches!(s, DnsStep::ShiftWeights { .. }))
        .collect();
    assert_eq!(
        shifts,
        vec![
            DnsStep::ShiftWeights { to: w(90, 10) },
            DnsStep::ShiftWeights { to: w(50, 50) },
            DnsStep::ShiftWeights { to: w(0, 100) },
        ]
    );
    assert!(
        p.mixed(),
        "a gradual plan says it needs writes in both regions"
    );
}

#[test]
fn chosen_stages_final_ttl_and_collapse_shape_the_plan() {
    let choices = PlanChoices {
        ttl_stages: Some(vec![120, 30]),
        weights: Some(vec![w(100, 0), w(0, 100)]),
        final_ttl: Some(600),
        collapse: true,
        ..Default::default()
    };
    let p = plan_from(
        &[simple("CNAME", 300, "web.us-east-1.example.net.")],
        "web.eu-west-1.example.net.",
        &choices,
    )
    .unwrap();
    assert_eq!(
        steps(&p),
        vec![
            DnsStep::MakeWeighted,
            DnsStep::LowerTtl { to: 120 },
            DnsStep::LowerTtl { to: 30 },
            DnsStep::ShiftWeights { to: w(0, 100) },
            DnsStep::RestoreTtl { to: 600 },
            DnsStep::Collapse,
        ]
    );
    assert_eq!(
        p.steps[5].after,
        RecordState::Simple {
            side: Side::Target,
            ttl: Some(600)
        }
    );
    let bad = PlanChoices {
        weights: Some(vec![w(50, 50)]),
        collapse: true,
        ..Default::default()
    };
    assert!(
        plan_from(&[simple("A", 60, "192.0.2.1")], "198.51.100.7", &bad)
            .unwrap_err()
            .to_string()
            .contains("0/100")
    );
}

#[test]
fn alias_records_have_no_ttl_stages() {
    let mut alias = simple("A", 0, "");
    alias.ttl = None;
    alias.values = vec![];
    alias.alias = Some(Alias {
        hosted_zone_id: "Z35SXDOTRQ7X7K".into(),
        dns_name: "lb.us-east-1.elb.amazonaws.com.".into(),
        evaluate_target_health: false,
    });
    let p = plan_from(
        &[alias.clone()],
        "Z32O12XQLNTSW2:lb.eu-west-1.elb.amazonaws.com",
        &PlanChoices::default(),
    )
    .unwrap();
    assert!(steps(&p)
        .iter()
        .all(|s| !matches!(s, DnsStep::LowerTtl { .. } | DnsStep::RestoreTtl { .. })));
    let sets = p.sets_for(p.steps[0].after);
    assert_eq!(
        sets[1].alias.as_ref().unwrap().dns_name,
        "lb.eu-west-1.elb.amazonaws.com."
    );
    assert!(plan_from(
        &[alias],
        "lb.eu-west-1.elb.amazonaws.com",
        &PlanChoices::default()
    )
    .is_err());
}

#[test]
fn records_that_cannot_start_a_cutover_are_refused() {
    let a = simple("A", 300, "192.0.2.1");
    let mut cname = simple("CNAME", 300, "x.example.net.");
    assert!(plan_from(
        &[a.clone(), cname.clone()],
        "198.51.100.7",
        &PlanChoices::default()
    )
    .is_err());
    assert!(plan_from(&[], "198.51.100.7", &PlanChoices::default())
        .unwrap_err()
        .to_string()
        .contains("no A, AAAA or CNAME"));
    let e = plan_from(
        std::slice::from_ref(&a),
        "192.0.2.1",
        &PlanChoices::default(),
    )
    .unwrap_err()
    .to_string();
    assert!(e.contains("already answers"), "{e}");
    assert!(plan_from(
        std::slice::from_ref(&a),
        "not-an-ip",
        &PlanChoices::default()
    )
    .is_err());
    cname.set_identifier = Some("us-east-1".into());
    cname.weight = Some(100);
    cname.record_type = "A".into();
    assert!(plan_from(&[cname], "198.51.100.7", &PlanChoices::default())
        .unwrap_err()
        .to_string()
        .contains("already a weighted"));
}

#[test]
fn route53_sets_are_recognised_as_plan_states() {
    let p = plan_from(
        &[simple("A", 300, "192.0.2.1")],
        "198.51.100.7",
        &PlanChoices::default(),
    )
    .unwrap();
    for state in std::iter::once(p.start()).chain(p.steps.iter().map(|s| s.after)) {
        assert_eq!(p.state_of(&p.sets_for(state)), Some(state));
    }
    let mut odd = p.sets_for(p.steps[2].after);
    odd[1].values = vec!["203.0.113.9".into()];
    assert_eq!(
        p.state_of(&odd),
        None,
        "a foreign value is not a state of the plan"
    );
}

fn at(secs: u64) -> SystemTime {
    UNIX_EPOCH + Duration::from_secs(1_800_000_000 + secs)
}

fn done_step(p: &mut Progress, t: u64) {
    let (index, next) = p.next_step().unwrap();
    let action = Action::Step { index };
    p.apply(
        at(t),
        &DnsEvent::Intent {
            action,
            from: p.state,
            to: next.after,
            changes: vec![],
        },
    );
    p.apply(
        at(t),
        &DnsEvent::Submitted {
            action,
            change_id: "C1".into(),
        },
    );
    p.apply(
        at(t),
        &DnsEvent::Insync {
            action,
            change_id: "C1".into(),
        },
    );
}

#[test]
fn steps_advance_only_on_outcomes_and_waits_follow_the_old_ttl() {
    let plan = plan_from(
        &[simple("A", 3600, "192.0.2.1")],
        "198.51.100.7",
        &PlanChoices::default(),
    )
    .unwrap();
    let mut p = Progress::new(plan);
    assert_eq!(p.next_safe_at(), None, "the first step need not wait");
    done_step(&mut p, 0); // pair at TTL 3600
    assert_eq!(p.wait_left(at(0)), Some(Duration::from_secs(3600)));
    done_step(&mut p, 3600); // lower to 300: resolvers may hold the 3600 s answer
    assert_eq!(p.next_step().unwrap().1.step, DnsStep::LowerTtl { to: 60 });
    assert_eq!(p.wait_left(at(3600 + 3599)), Some(Duration::from_secs(1)));
    assert_eq!(p.wait_left(at(7200)), None);
    done_step(&mut p, 7200); // lower to 60: the old 300 s
    assert_eq!(p.wait_left(at(7200)), Some(Duration::from_secs(300)));
    done_step(&mut p, 7500); // 90/10 at 60 s
    assert_eq!(p.wait_left(at(7500)), Some(Duration::from_secs(60)));

    // An intent without an outcome does not advance; a refusal clears it.
    let (index, next) = p.next_step().unwrap();
    let action = Action::Step { index };
    p.apply(
        at(7600),
        &DnsEvent::Intent {
            action,
            from: p.state,
            to: next.after,
            changes: vec![],
        },
    );
    assert!(p.pending.is_some() && p.done == 4);
    p.apply(
        at(7600),
        &DnsEvent::Failed {
            action,
            error: "no".into(),
        },
    );
    assert!(p.pending.is_none() && p.done == 4);
}

#[test]
fn rollback_returns_to_100_0_and_resumes_at_the_first_shift() {
    let plan = plan_from(
        &[simple("A", 300, "192.0.2.1")],
        "198.51.100.7",
        &PlanChoices {
            gradual: true,
            ..Default::default()
        },
    )
    .unwrap();
    let mut p = Progress::new(plan);
    assert_eq!(
        p.rollback_to(),
        None,
        "nothing to roll back before the pair exists"
    );
    for t in 0..4 {
        done_step(&mut p, t * 1000);
    }
    assert_eq!(
        p.state,
        RecordState::Weighted {
            ttl: Some(60),
            weights: w(50, 50)
        }
    );
    let to = p.rollback_to().unwrap();
    assert_eq!(
        to,
        RecordState::Weighted {
            ttl: Some(60),
            weights: w(100, 0)
        }
    );
    p.apply(
        at(5000),
        &DnsEvent::Intent {
            action: Action::Rollback,
            from: p.state,
            to,
            changes: vec![],
        },
    );
    p.apply(
        at(5000),
        &DnsEvent::Reconciled {
            action: Action::Rollback,
            applied: true,
            found: String::new(),
        },
    );
    assert!(p.rolled_back);
    assert_eq!(
        p.next_step().unwrap().1.step,
        DnsStep::ShiftWeights { to: w(90, 10) }
    );
    assert_eq!(p.rollback_to(), None);
}

#[test]
fn replay_ignores_events_before_a_plan_and_restarts_on_a_new_one() {
    let plan = plan_from(
        &[simple("A", 300, "192.0.2.1")],
        "198.51.100.7",
        &PlanChoices::default(),
    )
    .unwrap();
    let stray = DnsEvent::Override {
        action: Action::Step { index: 0 },
        early_by_secs: 5,
    };
    let planned = DnsEvent::Planned {
        plan: Box::new(plan.clone()),
    };
    let p = Progress::replay([(at(0), &stray), (at(1), &planned), (at(2), &stray)]).unwrap();
    assert_eq!(p.overrides, 1);
    assert_eq!(p.plan, plan);
    assert!(Progress::replay([(at(0), &stray)]).is_none());
    // Round trip through JSON, as the journal stores it.
    let json = serde_json::to_string(&planned).unwrap();
    assert_eq!(serde_json::from_str::<DnsEvent>(&json).unwrap(), planned);
}

/// A forced step does not forget a longer TTL still cached: the next safe
/// time is the latest of every change's INSYNC plus the TTL before it.
#[test]
fn after_a_forced_step_the_safe_time_counts_every_ttl_still_cached() {
    let plan = plan_from(
        &[simple("A", 86400, "192.0.2.1")],
        "198.51.100.7",
        &PlanChoices::default(),
    )
    .unwrap();
    let mut p = Progress::new(plan);
    done_step(&mut p, 0); // pair at TTL 86400
    done_step(&mut p, 86400); // lower to 3600: the 86400 s answer may live a day
    assert_eq!(p.next_safe_at(), Some(at(2 * 86400)));
    // Forced: lower to 300 an hour in; its own wait would be the old 3600 s.
    p.apply(
        at(86400 + 3600),
        &DnsEvent::Override {
            action: Action::Step { index: 2 },
            early_by_secs: 86400 - 3600,
        },
    );
    done_step(&mut p, 86400 + 3600);
    assert_eq!(p.overrides, 1);
    assert_eq!(
        p.next_safe_at(),
        Some(at(2 * 86400)),
        "answers cached with the day-long TTL may still live"
    );
    assert_eq!(p.longest_hold, Some(Duration::from_secs(86400)));
    assert_eq!(
        p.wait_left(at(86400 + 3600)),
        Some(Duration::from_secs(86400 - 3600))
    );
    // Once that has passed, waits follow each step's own TTL again.
    done_step(&mut p, 2 * 86400); // lower to 60 after the 300 s answers
    assert_eq!(p.next_safe_at(), Some(at(2 * 86400 + 300)));
}

#[test]
fn adopting_route53s_state_moves_the_plan_and_restarts_the_wait() {
    let plan = plan_from(
        &[simple("A", 300, "192.0.2.1")],
        "198.51.100.7",
        &PlanChoices::default(),
    )
    .unwrap();
    let mut p = Progress::new(plan.clone());
    done_step(&mut p, 0);
    let later = plan.steps[2].after; // someone made the flip by hand
    p.apply(
        at(100),
        &DnsEvent::Adopted {
            state: later,
            done: 3,
        },
    );
    assert_eq!((p.state, p.done), (later, 3));
    assert_eq!(
        p.next_safe_at(),
        Some(at(400)),
        "someone else's change may have just propagated: the longer TTL counts from now"
    );
}
