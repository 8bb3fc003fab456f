//! Records that the DNS plan must treat with care: health checks, existing
//! weights, and TTLs so high that the staged plan must start hours early.

use super::{Findings, Input, Severity};
use crate::cutover::plan::DEFAULT_TTL_STAGES;
use crate::model::Details;

/// A lead time above this is worth a warning: the plan cannot be started
/// at the beginning of a window.
const LEAD_WORTH_A_WARNING_S: i64 = 3600;

pub(crate) fn check(input: &Input, f: &mut Findings) {
    for r in input.selected() {
        let Details::Record(rec) = &r.details else {
            continue;
        };
        if let Some(hc) = &rec.health_check_id {
            f.add(
                Severity::Warning,
                "record-health-check",
                Some(&r.id),
                format!("{} has health check {hc}: it probes the source's endpoint", r.name),
                Some("it stays on the source's set; `cutover dns plan --health-check https:443/PATH` makes one for the target's answer and attaches it to the target's set".into()),
            );
        }
        if rec.weight.is_some() {
            f.add(
                Severity::Warning,
                "record-weighted",
                Some(&r.id),
                format!(
                    "{} is already weighted (set {})",
                    r.name,
                    rec.set_identifier.as_deref().unwrap_or("?")
                ),
                Some(format!(
                    "if it is not an earlier cutover's pair (`cutover dns status`), plan from it by naming its source set: `cutover dns plan --zone {} --record {} --source-set SET-ID`",
                    rec.zone_name, r.name
                )),
            );
        }
        if let Some(ttl) = rec.ttl {
            let lead = ttl_lead_seconds(ttl, &DEFAULT_TTL_STAGES);
            if lead >= LEAD_WORTH_A_WARNING_S {
                f.add(
                    Severity::Warning,
                    "record-ttl",
                    Some(&r.id),
                    format!(
                        "{} has TTL {ttl} s: the staged TTL plan ({}) needs at least {} before the first weight shift",
                        r.name,
                        DEFAULT_TTL_STAGES.map(|s| s.to_string()).join(" → "),
                        hours(lead)
                    ),
                    Some(format!("start `cutover dns plan` at least {} before the window", hours(lead))),
                );
            }
        }
    }
}

/// Seconds from the first step of the staged plan to the first weight
/// shift, waiting out resolvers' caches: after each lowering, the TTL
/// before it. Mirrors cutover::plan's stages (those below the TTL).
pub(crate) fn ttl_lead_seconds(ttl: i64, stages: &[i64]) -> i64 {
    let mut held = ttl;
    let mut lead = 0;
    for &stage in stages.iter().filter(|s| **s < ttl) {
        lead += held;
        held = stage;
    }
    lead
}

/// "25.1 h", rounded up to a tenth.
fn hours(seconds: i64) -> String {
    let tenths = (seconds + 359) / 360;
    format!("{}.{} h", tenths / 10, tenths % 10)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lead_waits_out_each_ttl_before_the_next_stage() {
        // 86400 -> 3600 (wait 86400) -> 300 (wait 3600) -> 60 (wait 300).
        assert_eq!(ttl_lead_seconds(86_400, &[3600, 300, 60]), 90_300);
        // 300 -> 60 (wait 300): only the stages below the TTL count.
        assert_eq!(ttl_lead_seconds(300, &[3600, 300, 60]), 300);
        assert_eq!(ttl_lead_seconds(60, &[3600, 300, 60]), 0);
        assert_eq!(hours(90_300), "25.1 h");
        assert_eq!(hours(3600), "1.0 h");
    }
}
