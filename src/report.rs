//! What moved where: the id map of finished copy tasks, every task with
//! its notes and warnings, the DNS cutovers from the journal, what was left
//! behind that costs money, as markdown and JSON (the same content), and a
//! CloudFormation `Mappings` snippet mapping AMI ids per region.

mod dns;
mod left_behind;

pub(crate) use dns::{cutovers as dns_cutovers, DnsCutover};
pub(crate) use left_behind::{left_behind, LeftBehind};

mod endpoints;
mod instances;

pub(crate) use instances::{relaunched, Relaunched};

pub(crate) use endpoints::{endpoint_map, Endpoint};

use crate::migrate::{CopyKind, Task, TaskState};
use serde::Serialize;
use std::collections::BTreeMap;

/// One copied resource.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub(crate) struct Moved {
    pub(crate) kind: CopyKind,
    pub(crate) name: String,
    pub(crate) source_region: String,
    pub(crate) source_id: String,
    pub(crate) target_region: String,
    pub(crate) target_id: String,
    pub(crate) task_id: String,
    pub(crate) seconds: Option<u64>,
}

/// Every copy made by a finished task, in task order.
pub(crate) fn moved(tasks: &[Task]) -> Vec<Moved> {
    tasks
        .iter()
        .filter(|t| t.state == TaskState::Done)
        .flat_map(|t| {
            let seconds = t.finished_ms.map(|f| f.saturating_sub(t.created_ms) / 1000);
            t.copies()
                .into_iter()
                .map(move |(source_id, target_id)| Moved {
                    kind: t.spec.kind,
                    name: t
                        .spec
                        .names
                        .get(&source_id)
                        .cloned()
                        .unwrap_or_else(|| source_id.clone()),
                    source_region: t.spec.source_region.clone(),
                    target_region: t.spec.target_region.clone(),
                    task_id: t.spec.id.clone(),
                    seconds,
                    source_id,
                    target_id,
                })
        })
        .collect()
}

#[derive(Serialize)]
struct JsonReport<'a> {
    moved: &'a [Moved],
    instances: Vec<Relaunched>,
    endpoints: Vec<Endpoint>,
    unfinished: Vec<TaskEntry<'a>>,
    tasks: Vec<TaskEntry<'a>>,
    dns_cutovers: &'a [DnsCutover],
    left_behind: Vec<LeftBehind>,
}

#[derive(Serialize)]
struct TaskEntry<'a> {
    task_id: &'a str,
    what: String,
    state: &'static str,
    error: Option<&'a str>,
    notes: &'a [String],
    warnings: &'a [String],
    /// A bucket copy's archived objects left out (`--archived skip`), all
    /// of them (the task's warning names the first 20).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    archived_left_out: Vec<String>,
}

fn entry(t: &Task) -> TaskEntry<'_> {
    TaskEntry {
        task_id: &t.spec.id,
        what: format!("{} {}", t.spec.kind.label(), t.spec.what()),
        state: t.state_name(),
        error: match &t.state {
            TaskState::Failed { error, .. } => Some(error),
            TaskState::Cancelled { note } => Some(note),
            _ => None,
        },
        notes: &t.notes,
        warnings: &t.warnings,
        archived_left_out: t
            .outputs
            .get("archived_keys")
            .and_then(|list| serde_json::from_str(list).ok())
            .unwrap_or_default(),
    }
}

/// The report as JSON without DNS cutovers (the unit tests' shorthand).
#[cfg(test)]
pub(crate) fn json(tasks: &[Task]) -> String {
    json_with(tasks, &[])
}

/// The report as JSON, with the DNS cutovers read from the journal.
pub(crate) fn json_with(tasks: &[Task], dns: &[DnsCutover]) -> String {
    let moved = moved(tasks);
    let unfinished = tasks
        .iter()
        .filter(|t| t.state != TaskState::Done || !t.warnings.is_empty())
        .map(entry)
        .collect();
    serde_json::to_string_pretty(&JsonReport {
        moved: &moved,
        instances: relaunched(tasks),
        endpoints: endpoint_map(tasks),
        unfinished,
        tasks: tasks.iter().map(entry).collect(),
        dns_cutovers: dns,
        left_behind: left_behind(tasks),
    })
    .unwrap_or_default()
}

pub fn markdown(tasks: &[Task]) -> String {
    markdown_with(tasks, &[])
}

/// The report as markdown: the same content as `json_with`.
pub(crate) fn markdown_with(tasks: &[Task], dns: &[DnsCutover]) -> String {
    let moved = moved(tasks);
    let mut out = String::from("# cutover report\n\n## What moved\n\n");
    if moved.is_empty() {
        out.push_str("Nothing has been copied yet.\n");
    } else {
        out.push_str("| kind | name | source | target | took |\n|---|---|---|---|---|\n");
        for m in &moved {
            let took = m.seconds.map(|s| format!("{s} s")).unwrap_or_default();
            out.push_str(&format!(
                "| {} | {} | {} `{}` | {} `{}` | {took} |\n",
                m.kind.label(),
                m.name,
                m.source_region,
                m.source_id,
                m.target_region,
                m.target_id
            ));
        }
    }
    out.push_str(&instances::markdown(&relaunched(tasks)));
    out.push_str(&endpoints::markdown(&endpoint_map(tasks)));
    if !tasks.is_empty() {
        out.push_str("\n## Tasks\n\n");
        for t in tasks {
            let e = entry(t);
            out.push_str(&format!("- `{}` {}: **{}**\n", e.task_id, e.what, e.state));
            if let Some(error) = e.error {
                out.push_str(&format!("  - {error}\n"));
            }
            for w in e.warnings {
                out.push_str(&format!("  - warning (left out): {w}\n"));
            }
            if !e.archived_left_out.is_empty() {
                out.push_str("  - archived objects not copied:\n");
                for key in &e.archived_left_out {
                    out.push_str(&format!("    - `{key}`\n"));
                }
            }
            for n in e.notes {
                out.push_str(&format!("  - note: {n}\n"));
            }
        }
    }
    if !dns.is_empty() {
        out.push_str("\n## DNS cutovers\n");
        for c in dns {
            let stand = if c.rolled_back {
                "rolled back".to_string()
            } else {
                format!("{} of {} steps done", c.steps_done, c.steps)
            };
            out.push_str(&format!(
                "\n### {} (zone {})\n\n{stand}; {} override(s) of the cache wait\n\n",
                c.record, c.zone_id, c.overrides
            ));
            for (at, what) in &c.timeline {
                out.push_str(&format!("- {at}: {what}\n"));
            }
        }
    }
    let left = left_behind(tasks);
    if !left.is_empty() {
        out.push_str("\n## Left behind, still costing money\n\n");
        out.push_str("Delete each once nothing needs it (`cutover cleanup --leftovers` deletes those in the source):\n\n");
        for l in &left {
            out.push_str(&format!(
                "- {} `{}` in {} ({}, task `{}`): `{}`\n",
                l.what, l.id, l.region, l.why, l.task_id, l.delete
            ));
        }
    }
    let mut amis = moved.clone();
    amis.extend(instances::image_moves(tasks));
    let map = region_map(&amis);
    if !map.is_empty() {
        out.push_str("\n## CloudFormation\n\nAMI ids per region, for templates that launch from them:\n\n```yaml\n");
        out.push_str(&map);
        out.push_str("```\n");
    }
    // Names and errors come from AWS: one line of theirs must not become
    // two lines (or a forged row) of the report.
    out.lines()
        .map(|line| crate::model::printable(line) + "\n")
        .collect()
}

/// A `Mappings: RegionMap:` block: per region, one key per AMI name.
/// Second-level keys are alphanumeric, as CloudFormation requires.
pub(crate) fn region_map(moved: &[Moved]) -> String {
    let mut regions: BTreeMap<&str, BTreeMap<String, &str>> = BTreeMap::new();
    for m in moved.iter().filter(|m| m.kind == CopyKind::Image) {
        let key = mapping_key(&m.name);
        regions
            .entry(&m.source_region)
            .or_default()
            .insert(key.clone(), &m.source_id);
        regions
            .entry(&m.target_region)
            .or_default()
            .insert(key, &m.target_id);
    }
    if regions.is_empty() {
        return String::new();
    }
    let mut out = String::from("Mappings:\n  RegionMap:\n");
    for (region, amis) in regions {
        out.push_str(&format!("    {region}:\n"));
        for (key, id) in amis {
            out.push_str(&format!("      {key}: {id}\n"));
        }
    }
    out
}

/// "shop-web-2026-11-20" -> "ShopWeb20261120".
fn mapping_key(name: &str) -> String {
    name.split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|p| !p.is_empty())
        .map(|p| {
            let mut c = p.chars();
            c.next()
                .map(|f| f.to_ascii_uppercase().to_string() + c.as_str())
                .unwrap_or_default()
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::migrate::{CopyOptions, TaskEvent, TaskSpec};

    fn task(kind: CopyKind, id: &str, name: &str, copy: &str, finished: bool) -> Task {
        let spec = TaskSpec {
            id: format!("{id}-1"),
            kind,
            source_ids: vec![id.into()],
            names: [(id.to_string(), name.to_string())].into(),
            source_region: "us-east-1".into(),
            target_region: "eu-west-1".into(),
            options: CopyOptions::default(),
            known_copies: Default::default(),
        };
        let mut t = Task::new(spec, 1_000);
        t.apply(
            2_000,
            &TaskEvent::StepDone {
                step: 0,
                outputs: [(format!("target:{id}"), copy.to_string())].into(),
            },
        );
        if finished {
            t.apply(61_000, &TaskEvent::Done);
        } else {
            t.apply(
                3_000,
                &TaskEvent::Failed {
                    step: 1,
                    error: "AccessDenied".into(),
                },
            );
        }
        t
    }

    #[test]
    fn report_maps_ids_and_amis_per_region() {
        let tasks = vec![
            task(
                CopyKind::Image,
                "ami-111",
                "shop-web-2026-11-20",
                "ami-999",
                true,
            ),
            task(CopyKind::KeyPair, "ops", "ops", "ops", true),
            task(CopyKind::Image, "ami-222", "shop-api", "ami-888", false),
        ];
        let moved = moved(&tasks);
        assert_eq!(moved.len(), 2, "only finished tasks count as moved");
        assert_eq!(moved[0].seconds, Some(60));
        let map = region_map(&moved);
        assert_eq!(
            map,
            "Mappings:\n  RegionMap:\n    eu-west-1:\n      ShopWeb20261120: ami-999\n    us-east-1:\n      ShopWeb20261120: ami-111\n"
        );
        let md = markdown(&tasks);
        assert!(md.contains("| AMI copy | shop-web-2026-11-20 | us-east-1 `ami-111` | eu-west-1 `ami-999` | 60 s |"), "{md}");
        assert!(
            md.contains("## Tasks") && md.contains("**failed**") && md.contains("AccessDenied")
        );
        let json: serde_json::Value = serde_json::from_str(&json(&tasks)).unwrap();
        assert_eq!(json["moved"][1]["target_id"], "ops");
        assert_eq!(json["unfinished"][0]["state"], "failed");
    }
}
