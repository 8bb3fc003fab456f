//! The report's timeline: when each copy started and ended, each DNS step,
//! the window's open and close, and the RTO measured between them. Built
//! from the journal alone: no AWS call.

use crate::as_of::{target_as_of, AsOf};
use crate::cutover::clock::{clock_time, countdown};
use crate::cutover::progress::{Action, DnsEvent};
use crate::journal::Replay;
use crate::migrate::Task;
use crate::window;
use serde::Serialize;
use std::time::{Duration, UNIX_EPOCH};

#[derive(Debug, Clone, PartialEq, Serialize)]
pub(crate) struct Moment {
    pub(crate) at_ms: u64,
    pub(crate) what: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub(crate) struct Timeline {
    pub(crate) moments: Vec<Moment>,
    /// The last closed window's length: the measured RTO.
    pub(crate) rto_seconds: Option<u64>,
    /// Set while a window is open: when it opened (ms since the epoch).
    pub(crate) window_open_since_ms: Option<u64>,
    /// Per finished copy, the time of the data the target holds.
    pub(crate) target_as_of: Vec<TargetAsOf>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub(crate) struct TargetAsOf {
    pub(crate) task_id: String,
    pub(crate) what: String,
    #[serde(flatten)]
    pub(crate) as_of: AsOf,
}

fn ms(t: std::time::SystemTime) -> u64 {
    crate::journal::unix_ms(t)
}

pub(crate) fn timeline(replay: &Replay, tasks: &[Task]) -> Timeline {
    let mut moments = Vec::new();
    for t in tasks {
        let what = format!("{} {}", t.spec.kind.label(), t.spec.what());
        moments.push(Moment {
            at_ms: t.created_ms,
            what: format!("{what} started"),
        });
        if let Some(end) = t.finished_ms {
            moments.push(Moment {
                at_ms: end,
                what: format!("{what} ended: {}", t.state_name()),
            });
        }
    }
    for entry in replay.entries.iter().filter(|e| e.kind == "dns") {
        let record = entry.topic.trim_start_matches("dns:");
        let said = match entry.event_as::<DnsEvent>() {
            Some(DnsEvent::Planned { .. }) => "planned".to_string(),
            Some(DnsEvent::Insync { action, .. }) => format!("{} in sync", action_name(action)),
            Some(DnsEvent::Failed { action, error }) => {
                format!("{} refused: {error}", action_name(action))
            }
            Some(DnsEvent::Override {
                action,
                early_by_secs,
            }) => format!("{} made {early_by_secs} s early", action_name(action)),
            Some(DnsEvent::Reconciled {
                action, applied, ..
            }) => format!(
                "{} {} (found after a crash)",
                action_name(action),
                if applied { "applied" } else { "not applied" }
            ),
            // Intents and submissions: the in-sync line says when it took.
            _ => continue,
        };
        moments.push(Moment {
            at_ms: entry.at_ms,
            what: format!("DNS {record}: {said}"),
        });
    }
    let windows = window::windows(replay);
    for w in &windows {
        moments.push(Moment {
            at_ms: ms(w.opened),
            what: "window opened".into(),
        });
        if let (Some(closed), Some(rto)) = (w.closed, w.rto()) {
            moments.push(Moment {
                at_ms: ms(closed),
                what: format!("window closed: RTO {}", countdown(rto)),
            });
        }
    }
    moments.sort_by_key(|m| m.at_ms);
    let last = windows.last();
    Timeline {
        moments,
        rto_seconds: last.and_then(|w| w.rto()).map(|d| d.as_secs()),
        window_open_since_ms: last.filter(|w| w.is_open()).map(|w| ms(w.opened)),
        target_as_of: tasks
            .iter()
            .map(|t| TargetAsOf {
                task_id: t.spec.id.clone(),
                what: format!("{} {}", t.spec.kind.label(), t.spec.what()),
                as_of: target_as_of(t),
            })
            .filter(|r| r.as_of != AsOf::NotApplicable)
            .collect(),
    }
}

fn action_name(a: Action) -> String {
    a.label()
}

pub(crate) fn markdown(t: &Timeline) -> String {
    let mut out = as_of_markdown(t);
    out.push_str("\n## Timeline\n\n");
    if t.moments.is_empty() {
        out.push_str("Nothing journaled yet.\n");
        return out;
    }
    out.push_str("| when | what |\n|---|---|\n");
    for m in &t.moments {
        let at = UNIX_EPOCH + Duration::from_millis(m.at_ms);
        out.push_str(&format!("| {} | {} |\n", clock_time(at), m.what));
    }
    match (t.rto_seconds, t.window_open_since_ms) {
        (_, Some(since)) => out.push_str(&format!(
            "\nThe window is open since {}.\n",
            clock_time(UNIX_EPOCH + Duration::from_millis(since))
        )),
        (Some(rto), None) => out.push_str(&format!(
            "\nMeasured RTO (the last window): {}.\n",
            countdown(Duration::from_secs(rto))
        )),
        (None, None) => {}
    }
    out
}

/// The RPO a cutover would have now, per copy.
fn as_of_markdown(t: &Timeline) -> String {
    if t.target_as_of.is_empty() {
        return String::new();
    }
    let mut out =
        String::from("\n## Target as of\n\n| copy | data as of | which is |\n|---|---|---|\n");
    for row in &t.target_as_of {
        let (when, basis) = match &row.as_of {
            AsOf::At { at_ms, basis } => (
                clock_time(UNIX_EPOCH + Duration::from_millis(*at_ms)),
                *basis,
            ),
            AsOf::Live { basis, status } => (format!("live ({status})"), *basis),
            AsOf::SourceTime { basis } => ("the source's time".to_string(), *basis),
            AsOf::NotApplicable => continue,
        };
        out.push_str(&format!("| {} | {when} | {basis} |\n", row.what));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cutover::clock::{Clock, ManualClock};
    use crate::journal::{Entry, Journal};

    #[test]
    fn the_timeline_orders_window_and_dns_and_measures_the_rto() {
        let dir = tempfile::tempdir().unwrap();
        let journal = Journal::at(&dir.path().join("j.jsonl"));
        let start = UNIX_EPOCH + Duration::from_secs(1_800_000_000);
        let clock = ManualClock::at(start);
        window::open(&journal, &clock).unwrap();
        clock.advance(Duration::from_secs(600));
        let insync = DnsEvent::Insync {
            action: Action::Step { index: 2 },
            change_id: "C1".into(),
        };
        journal
            .append(&Entry::new(clock.now(), "dns", "dns:Z1:www.shop.example.", &insync).unwrap())
            .unwrap();
        clock.advance(Duration::from_secs(1200));
        window::close(&journal, &clock).unwrap();

        let t = timeline(&journal.replay().unwrap(), &[]);
        let whats: Vec<&str> = t.moments.iter().map(|m| m.what.as_str()).collect();
        assert_eq!(
            whats,
            [
                "window opened",
                "DNS Z1:www.shop.example.: step 3 in sync",
                "window closed: RTO 30m 00s"
            ]
        );
        assert_eq!(t.rto_seconds, Some(1800));
        assert_eq!(t.window_open_since_ms, None);
        assert_eq!(t.moments[1].at_ms, ms(start + Duration::from_secs(600)));
        let md = markdown(&t);
        assert!(
            md.contains("Measured RTO (the last window): 30m 00s."),
            "{md}"
        );
    }
}
