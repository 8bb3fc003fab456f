//! The endpoint map: what the application's configuration must change.
//! Each source DB endpoint -> the target's (host:port), each bucket -> its
//! copy, each public IP -> the new one, from what finished tasks recorded.

use crate::migrate::{CopyKind, Task, TaskState};
use serde::Serialize;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub(crate) struct Endpoint {
    /// "db", "bucket" or "ip".
    pub(crate) kind: &'static str,
    pub(crate) name: String,
    pub(crate) source: String,
    pub(crate) target: String,
    /// Said when the target is not yet the one to write to.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) note: Option<String>,
}

fn usable(t: &Task) -> bool {
    t.state == TaskState::Done || t.ready_to_promote()
}

pub(crate) fn endpoint_map(tasks: &[Task]) -> Vec<Endpoint> {
    let mut out = Vec::new();
    for t in tasks.iter().filter(|t| usable(t)) {
        let name = t.spec.source_ids.first().cloned().unwrap_or_default();
        if let (Some(source), Some(target)) = (
            t.outputs.get("endpoint:source"),
            t.outputs.get("endpoint:target"),
        ) {
            out.push(Endpoint {
                kind: "db",
                name: name.clone(),
                source: source.clone(),
                target: target.clone(),
                note: t
                    .ready_to_promote()
                    .then(|| "read replica: read-only until `cutover db promote`".into()),
            });
        }
        if t.spec.kind == CopyKind::Bucket {
            for (source, target) in t.copies() {
                out.push(Endpoint {
                    kind: "bucket",
                    name: source.clone(),
                    source: format!("s3://{source}"),
                    target: format!("s3://{target}"),
                    note: None,
                });
            }
        }
        for (key, target) in &t.outputs {
            if let Some(ip) = key.strip_prefix("public_ip:") {
                out.push(Endpoint {
                    kind: "ip",
                    name: name.clone(),
                    source: ip.to_string(),
                    target: target.clone(),
                    note: None,
                });
            }
        }
    }
    out
}

/// A markdown section with a block to paste: `old -> new` per line.
pub(crate) fn markdown(map: &[Endpoint]) -> String {
    if map.is_empty() {
        return String::new();
    }
    let mut out = String::from(
        "\n## Endpoint map\n\nWhat the application's configuration must change:\n\n```\n",
    );
    for e in map {
        out.push_str(&format!("{} -> {}", e.source, e.target));
        if let Some(n) = &e.note {
            out.push_str(&format!("  # {n}"));
        }
        out.push('\n');
    }
    out.push_str("```\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::migrate::{CopyOptions, TaskSpec};
    use std::collections::BTreeMap;

    fn task(kind: CopyKind, id: &str, outputs: &[(&str, &str)]) -> Task {
        let spec = TaskSpec {
            id: format!("{id}-1"),
            kind,
            source_ids: vec![id.into()],
            names: BTreeMap::new(),
            source_region: "us-east-1".into(),
            target_region: "eu-west-1".into(),
            options: CopyOptions::default(),
            known_copies: BTreeMap::new(),
        };
        let mut t = Task::new(spec, 0);
        t.state = TaskState::Done;
        t.outputs = outputs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        t
    }

    #[test]
    fn dbs_buckets_and_ips_map_old_to_new() {
        let db = task(
            CopyKind::DbInstance,
            "shop",
            &[
                ("endpoint:source", "shop.a.us-east-1.rds.amazonaws.com:3306"),
                (
                    "endpoint:target",
                    "shop-eu.b.eu-west-1.rds.amazonaws.com:3306",
                ),
            ],
        );
        let bucket = task(
            CopyKind::Bucket,
            "assets",
            &[("target:assets", "assets-eu")],
        );
        let ip = task(CopyKind::Image, "web", &[("public_ip:3.3.3.3", "5.5.5.5")]);
        let mut failed = task(CopyKind::Bucket, "logs", &[("target:logs", "logs-eu")]);
        failed.state = TaskState::Failed {
            step: 1,
            error: "x".into(),
        };
        let map = endpoint_map(&[db, bucket, ip, failed]);
        let lines: Vec<String> = map
            .iter()
            .map(|e| format!("{} {} -> {}", e.kind, e.source, e.target))
            .collect();
        assert_eq!(
            lines,
            vec![
                "db shop.a.us-east-1.rds.amazonaws.com:3306 -> shop-eu.b.eu-west-1.rds.amazonaws.com:3306",
                "bucket s3://assets -> s3://assets-eu",
                "ip 3.3.3.3 -> 5.5.5.5",
            ]
        );
        let md = markdown(&map);
        assert!(md.contains("```\nshop.a.us-east-1.rds.amazonaws.com:3306 -> shop-eu.b.eu-west-1.rds.amazonaws.com:3306\n"), "{md}");
        assert_eq!(markdown(&[]), "");
    }
}
