//! The DNS cutovers as the journal tells them: per record, each step and
//! rollback with its times, Route 53's refusals, and the operator's
//! overrides of the cache wait.

use crate::cutover::clock::clock_time;
use crate::cutover::{progress::Action, DnsEvent, Progress};
use crate::journal::Replay;
use serde::Serialize;
use std::collections::BTreeMap;

#[derive(Debug, Clone, PartialEq, Serialize)]
pub(crate) struct DnsCutover {
    pub(crate) record: String,
    pub(crate) zone_id: String,
    pub(crate) steps_done: usize,
    pub(crate) steps: usize,
    pub(crate) rolled_back: bool,
    /// Steps made before the cache wait was over.
    pub(crate) overrides: usize,
    /// What happened, oldest first: (UTC time, what).
    pub(crate) timeline: Vec<(String, String)>,
}

fn action_text(action: &Action) -> String {
    action.label()
}

fn line(event: &DnsEvent) -> String {
    match event {
        DnsEvent::Planned { plan } => format!(
            "planned: {} steps, {} → {}",
            plan.steps.len(),
            plan.source_region,
            plan.target_region
        ),
        DnsEvent::Intent { action, .. } => format!("{} sent", action_text(action)),
        DnsEvent::Submitted { action, change_id } => {
            format!("{} accepted by Route 53 ({change_id})", action_text(action))
        }
        DnsEvent::Insync { action, .. } => format!("{} INSYNC", action_text(action)),
        DnsEvent::Failed { action, error } => {
            format!("{} refused: {error}", action_text(action))
        }
        DnsEvent::Reconciled {
            action,
            applied,
            found,
        } => format!(
            "{} {} after a restart (Route 53 held {found})",
            action_text(action),
            if *applied {
                "found applied"
            } else {
                "found not applied"
            }
        ),
        DnsEvent::Override {
            action,
            early_by_secs,
        } => format!(
            "OVERRIDE: {} made {early_by_secs} s before the cache wait was over",
            action_text(action)
        ),
        DnsEvent::Found {
            action,
            expected,
            found,
            ..
        } => format!(
            "{}: Route 53 held {}, the journal expected {expected}",
            action_text(action),
            found
                .as_ref()
                .map(|f| f.to_string())
                .unwrap_or_else(|| "a state of no plan (drift)".into())
        ),
        DnsEvent::Adopted { state, done } => {
            format!("adopted Route 53's state {state} ({done} steps done)")
        }
        DnsEvent::AutoRollback {
            health_check,
            detail,
        } => format!("AUTO-ROLLBACK: health check {health_check} failed: {detail}"),
    }
}

/// Every DNS cutover in the journal, by record.
pub(crate) fn cutovers(replay: &Replay) -> Vec<DnsCutover> {
    let mut threads: BTreeMap<&str, Vec<_>> = BTreeMap::new();
    for entry in replay.entries.iter().filter(|e| e.kind == "dns") {
        if let Some(event) = entry.event_as::<DnsEvent>() {
            threads
                .entry(entry.topic.as_str())
                .or_default()
                .push((entry.at(), event));
        }
    }
    threads
        .into_values()
        .filter_map(|events| {
            let p = Progress::replay(events.iter().map(|(at, e)| (*at, e)))?;
            Some(DnsCutover {
                record: p.plan.record_name.clone(),
                zone_id: p.plan.zone_id.clone(),
                steps_done: p.done,
                steps: p.plan.steps.len(),
                rolled_back: p.rolled_back,
                overrides: p.overrides,
                timeline: events
                    .iter()
                    .map(|(at, e)| (clock_time(*at), line(e)))
                    .collect(),
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cloud::dns_change::RecordSet;
    use crate::cutover::plan::Found;
    use crate::cutover::{DnsPlan, PlanChoices};
    use crate::journal::Entry;
    use std::time::{Duration, UNIX_EPOCH};

    #[test]
    fn the_timeline_has_each_step_its_times_and_the_overrides() {
        let at_name = [RecordSet {
            name: "www.shop.example.com.".into(),
            record_type: "A".into(),
            ttl: Some(300),
            set_identifier: None,
            weight: None,
            values: vec!["54.0.0.1".into()],
            alias: None,
            health_check_id: None,
        }];
        let found = Found {
            zone_id: "Z1",
            zone_name: "shop.example.com.",
            record_name: "www.shop.example.com",
            at_name: &at_name,
            public_zone: true,
        };
        let plan = DnsPlan::build(
            &found,
            ("us-east-1", "eu-west-1"),
            "63.0.0.1",
            &PlanChoices::default(),
        )
        .unwrap();
        let steps = plan.steps.len();
        let first = plan.steps[0].after;
        let start = UNIX_EPOCH + Duration::from_secs(1_772_000_000);
        let step = |index| Action::Step { index };
        let events = [
            DnsEvent::Planned {
                plan: Box::new(plan.clone()),
            },
            DnsEvent::Intent {
                action: step(0),
                from: plan.start(),
                to: first,
                changes: vec![],
            },
            DnsEvent::Submitted {
                action: step(0),
                change_id: "C1".into(),
            },
            DnsEvent::Insync {
                action: step(0),
                change_id: "C1".into(),
            },
            DnsEvent::Override {
                action: step(1),
                early_by_secs: 120,
            },
        ];
        let topic = crate::cutover::progress::topic("Z1", "www.shop.example.com.");
        let replay = Replay {
            entries: events
                .iter()
                .enumerate()
                .map(|(i, e)| {
                    Entry::new(start + Duration::from_secs(i as u64 * 60), "dns", &topic, e)
                        .unwrap()
                })
                .collect(),
            skipped: vec![],
        };
        let found = cutovers(&replay);
        assert_eq!(found.len(), 1);
        let c = &found[0];
        assert_eq!(c.record, "www.shop.example.com.");
        assert_eq!((c.steps_done, c.steps), (1, steps));
        assert_eq!(c.overrides, 1);
        assert_eq!(c.timeline.len(), 5);
        assert_eq!(
            c.timeline[3],
            (
                "2026-02-25 06:16:20 UTC".to_string(),
                "step 1 INSYNC".to_string()
            )
        );
        assert_eq!(
            c.timeline[4].1,
            "OVERRIDE: step 2 made 120 s before the cache wait was over"
        );
        let md = crate::report::markdown_with(&[], &found);
        let json = crate::report::json_with(&[], &found);
        for text in [&md, &json] {
            assert!(text.contains("step 1 INSYNC"), "{text}");
            assert!(text.contains("OVERRIDE: step 2 made 120 s"), "{text}");
        }
    }
}
