//! Buckets and databases: how much there is to copy, what CopyObject
//! refuses, what a replica needs.

use super::{Findings, Input, Severity};
use crate::cutover::clock::countdown;
use std::time::Duration;

/// The rate the copy estimate assumes: server-side CopyObject between
/// regions, cutover's default concurrency. A first sync measures the real one.
pub(crate) const ASSUMED_BYTES_PER_S: u64 = 50 * 1024 * 1024;
pub(crate) const ASSUMED_OBJECTS_PER_S: u64 = 100;

/// Engines that can have a cross-region read replica.
const REPLICA_ENGINES: [&str; 5] = ["mysql", "mariadb", "postgres", "oracle-ee", "sqlserver-ee"];

pub(crate) fn check(input: &Input, f: &mut Findings) {
    buckets(input, f);
    databases(input, f);
}

/// The copy's duration at the assumed rate: bytes or objects, whichever is slower.
pub(crate) fn copy_estimate(objects: u64, bytes: u64) -> Duration {
    let by_bytes = bytes.div_ceil(ASSUMED_BYTES_PER_S);
    let by_objects = objects.div_ceil(ASSUMED_OBJECTS_PER_S);
    Duration::from_secs(by_bytes.max(by_objects))
}

fn buckets(input: &Input, f: &mut Findings) {
    for b in &input.facts.buckets {
        f.add(
            Severity::Note,
            "bucket-size",
            Some(&b.name),
            format!(
                "{} objects, {} bytes: about {} to copy at {} MiB/s and {} objects/s (assumed; a first sync measures the real rate)",
                b.objects,
                b.bytes,
                countdown(copy_estimate(b.objects, b.bytes)),
                ASSUMED_BYTES_PER_S / 1024 / 1024,
                ASSUMED_OBJECTS_PER_S
            ),
            None,
        );
        if b.archived > 0 {
            f.add(
                Severity::Blocker,
                "bucket-archived",
                Some(&b.name),
                format!("{} objects are in GLACIER or DEEP_ARCHIVE: CopyObject refuses them until they are restored", b.archived),
                Some("restore them (RestoreObject; hours for GLACIER, up to 48 h for DEEP_ARCHIVE) before the copy, or leave them out".into()),
            );
        }
        if b.old_versions > 0 {
            f.add(
                Severity::Warning,
                "bucket-versions",
                Some(&b.name),
                format!("{} old versions and delete markers: a copy of current objects leaves the history behind", b.old_versions),
                Some("copy with versions if the history matters; it multiplies the copy time".into()),
            );
        }
        if let Some(policy) = &b.policy {
            if policy.contains(&format!("arn:aws:s3:::{}", b.name)) {
                f.add(
                    Severity::Warning,
                    "bucket-policy-names-source",
                    Some(&b.name),
                    "the bucket policy names the source bucket's ARN: copied as is, it would not apply to the new bucket".to_string(),
                    Some(format!(
                        "rewrite the ARN to arn:aws:s3:::{} in the copy's policy",
                        input.inventory.bucket_copy_name(&b.name)
                    )),
                );
            }
        }
    }
}

fn databases(input: &Input, f: &mut Findings) {
    for d in &input.facts.databases {
        let replica_capable = REPLICA_ENGINES.contains(&d.engine.as_str());
        if !replica_capable {
            f.add(
                Severity::Warning,
                "db-no-replica",
                Some(&d.id),
                format!("{} has no cross-region read replica: the DB moves by snapshot copy, and its RPO is the final snapshot's time", d.engine),
                Some("stop writes, take a final snapshot in the window, copy and restore it".into()),
            );
        }
        if d.backup_retention_days == 0 {
            f.add(
                Severity::Warning,
                "db-no-backups",
                Some(&d.id),
                "automated backups are off: a cross-region read replica needs them on the source".to_string(),
                Some("set a backup retention of at least 1 day (modify-db-instance), or move by snapshot copy".into()),
            );
        }
        for group in &d.option_groups {
            f.add(
                Severity::Warning,
                "db-option-group",
                Some(&d.id),
                format!("option group {group} is regional: the target has no copy of it"),
                Some(format!(
                    "create {group} in {} with the same options before the DB lands there",
                    input.inventory.target_region()
                )),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_estimate_takes_the_slower_of_bytes_and_objects() {
        assert_eq!(copy_estimate(0, 0), Duration::ZERO);
        assert_eq!(copy_estimate(1000, 1), Duration::from_secs(10));
        assert_eq!(
            copy_estimate(1, 100 * 1024 * 1024 + 1),
            Duration::from_secs(3)
        );
    }
}
