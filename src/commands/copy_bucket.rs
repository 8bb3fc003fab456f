//! `cutover copy` for buckets: the flags that shape a bucket migration, and
//! what the plan shows before anything is written.

use crate::cli::CopyArgs;
use crate::cloud::Regions;
use crate::migrate::{
    deletions_preview, Archived, BatchOptions, BucketOptions, TaskSpec, Versions,
};

pub(crate) fn options(args: &CopyArgs) -> anyhow::Result<BucketOptions> {
    let options = BucketOptions {
        versions: args.versions,
        archived: args.archived,
        restore_tier: args.restore_tier,
        delete: args.delete,
        replicate_role: args.replicate.then(|| args.role_arn.clone()).flatten(),
        batch: args
            .batch_manifest_bucket
            .as_ref()
            .map(|bucket| BatchOptions {
                manifest_bucket: bucket.clone(),
                inventory_manifest: args.inventory_manifest.clone(),
                role_arn: args.role_arn.clone().unwrap_or_default(),
            }),
    };
    if let Some(why) = options.refusal() {
        anyhow::bail!("nothing started: {why}");
    }
    let roles = options
        .replicate_role
        .iter()
        .chain(options.batch.iter().map(|b| &b.role_arn));
    for role in roles {
        if !role.starts_with("arn:") || !role.contains(":role/") {
            anyhow::bail!("nothing started: --role-arn {role} is not an IAM role ARN (arn:aws:iam::ACCOUNT:role/NAME)");
        }
    }
    Ok(options)
}

/// The lines the plan shows under a bucket task: what it carries, and with
/// --delete, which keys of the copy would go.
pub(crate) async fn plan_lines(regions: &Regions, spec: &TaskSpec) -> anyhow::Result<Vec<String>> {
    let o = &spec.options.bucket;
    let mut lines = Vec::new();
    lines.push(match o.versions {
        Versions::All => "every version, oldest first, and the delete markers".to_string(),
        Versions::Current => "current objects only (--versions all copies the history)".to_string(),
    });
    lines.push(match o.archived {
        Archived::Skip => "archived objects (GLACIER, DEEP_ARCHIVE) left out and named".to_string(),
        Archived::Restore => format!(
            "archived objects restored ({} tier, billed per GB) and copied in their storage class",
            o.restore_tier.as_str()
        ),
    });
    if let Some(role) = &o.replicate_role {
        lines.push(format!(
            "then S3 Replication with {role} (versioning turned on in both buckets)"
        ));
    }
    if let Some(b) = &o.batch {
        lines.push(format!(
            "objects copied by an S3 Batch Operations job in {} (role {}; manifest {}), then verified here",
            spec.target_region,
            b.role_arn,
            b.inventory_manifest
                .clone()
                .unwrap_or_else(|| format!("written to s3://{}/cutover/{}/manifest.csv", b.manifest_bucket, spec.id))
        ));
    }
    if o.delete {
        let (shown, total) = deletions_preview(regions, spec, 20).await.map_err(|e| {
            anyhow::anyhow!("nothing started: cannot list what --delete removes: {e}")
        })?;
        if total == 0 {
            lines.push("--delete: nothing in the copy to remove".into());
        } else {
            lines.push(format!(
                "--delete removes {total} object(s) the source no longer has:"
            ));
            lines.extend(shown.into_iter().map(|k| format!("  - {k}")));
            if total > 20 {
                lines.push(format!("  … and {} more", total - 20));
            }
        }
    }
    Ok(lines)
}
