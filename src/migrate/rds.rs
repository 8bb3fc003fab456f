//! RDS steps: snapshot the instance, copy the snapshot into the target,
//! optionally restore an instance from the copy.

use super::steps::{StepContext, StepResult};
use super::task::CopyKind;
use super::wait::{until_ready, Poll};
use crate::cloud::copy::{copy_tags, rds};
use crate::cloud::{Clients, CloudError};
use crate::model::{Details, Resource};

/// RDS identifiers: letters, digits and single hyphens, starting with a letter.
pub(crate) fn identifier(text: &str) -> String {
    let mut out = String::new();
    for c in text.chars() {
        let c = if c.is_ascii_alphanumeric() {
            c.to_ascii_lowercase()
        } else {
            '-'
        };
        if !(c == '-' && out.ends_with('-')) {
            out.push(c);
        }
    }
    let out = out.trim_matches('-').to_string();
    if out.starts_with(|c: char| c.is_ascii_alphabetic()) {
        out
    } else {
        format!("c-{out}")
    }
}

fn missing(what: &str) -> CloudError {
    CloudError::Refused(format!(
        "{what} is gone: it may have been deleted since the task started"
    ))
}

fn snapshot_facts(r: &Resource) -> (Option<String>, bool) {
    match &r.details {
        Details::DbSnapshot(d) => (d.arn.clone(), d.encrypted),
        _ => (None, false),
    }
}

pub(crate) async fn snapshot_instance(ctx: &StepContext<'_>) -> Result<StepResult, CloudError> {
    let instance = &ctx.spec.source_ids[0];
    let id = identifier(&format!("cutover-{}", ctx.spec.id));
    if rds::db_snapshot(&ctx.regions.source, &id).await?.is_none() {
        let made = rds::create_db_snapshot(
            &ctx.regions.source,
            &id,
            instance,
            &copy_tags(instance, &ctx.spec.id),
        )
        .await;
        match made {
            // The name holds this task's id: "already exists" is our own
            // create whose first answer was lost.
            Err(e) if e.code() == Some("DBSnapshotAlreadyExists") => {}
            other => other?,
        }
    }
    let mut r = StepResult::default();
    r.leftovers.push(super::leftover::Leftover::new(
        &ctx.spec.source_region,
        super::leftover::LeftoverKind::DbSnapshot,
        &id,
        "taken of the source DB instance to copy it",
    ));
    r.outputs.insert("snapshot".into(), id);
    Ok(r)
}

async fn wait_snapshot(
    ctx: &StepContext<'_>,
    c: &Clients,
    id: &str,
) -> Result<StepResult, CloudError> {
    until_ready(
        || async {
            let Some(s) = rds::db_snapshot(c, id).await? else {
                return Ok(Poll::Failed(format!(
                    "DB snapshot {id} is gone from {}",
                    c.region
                )));
            };
            let progress = match &s.details {
                Details::DbSnapshot(d) => d.percent_progress.map(|p| p.clamp(0, 100) as u8),
                _ => None,
            };
            Ok(match s.state.as_str() {
                "available" => Poll::Ready,
                "creating" | "copying" | "pending" => Poll::Pending(progress),
                other => Poll::Failed(format!("DB snapshot {id} in {} is {other}", c.region)),
            })
        },
        ctx.progress,
    )
    .await?;
    Ok(StepResult::default())
}

pub(crate) async fn wait_source_snapshot(ctx: &StepContext<'_>) -> Result<StepResult, CloudError> {
    let id = ctx
        .outputs
        .get("snapshot")
        .cloned()
        .ok_or_else(|| missing("the DB snapshot"))?;
    wait_snapshot(ctx, &ctx.regions.source, &id).await
}

pub(crate) async fn wait_copy(ctx: &StepContext<'_>) -> Result<StepResult, CloudError> {
    let id = ctx
        .outputs
        .get("copy")
        .cloned()
        .ok_or_else(|| missing("the DB snapshot copy"))?;
    wait_snapshot(ctx, &ctx.regions.target, &id).await
}

pub(crate) async fn copy_snapshot(ctx: &StepContext<'_>) -> Result<StepResult, CloudError> {
    let source_id = &ctx.spec.source_ids[0];
    let snap = match ctx.spec.kind {
        CopyKind::DbInstance => ctx
            .outputs
            .get("snapshot")
            .cloned()
            .ok_or_else(|| missing("the DB snapshot"))?,
        _ => source_id.clone(),
    };
    let found = rds::db_snapshot(&ctx.regions.source, &snap)
        .await?
        .ok_or_else(|| missing(&snap))?;
    let (arn, encrypted) = snapshot_facts(&found);
    let arn = arn.ok_or_else(|| CloudError::Refused(format!("DB snapshot {snap} has no ARN")))?;
    let kms = ctx.spec.options.kms_key_id.as_deref();
    if encrypted && kms.is_none() {
        return Err(CloudError::Refused(format!(
            "{snap} is encrypted: KMS keys belong to one region, so give a key of {} for the copy (--kms-key-id)",
            ctx.spec.target_region
        )));
    }
    let mut r = StepResult::default();
    r.outputs.extend(super::steps::source_time(&found));
    // The copy keeps the snapshot's identifier: pairing matches on it.
    match rds::db_snapshot(&ctx.regions.target, &snap).await? {
        Some(existing) if existing.source_id() == Some(snap.as_str()) => r.notes.push(format!("adopted {snap}, copied earlier")),
        Some(_) => {
            return Err(CloudError::Refused(format!(
                "a DB snapshot named {snap} already exists in {} and is not a copy made by cutover: delete or rename it, then retry",
                ctx.spec.target_region
            )))
        }
        None => {
            let option_group = ctx.spec.options.restore.as_ref().and_then(|o| o.option_group.as_deref());
            rds::copy_db_snapshot(&ctx.regions.target, &arn, &snap, kms, option_group, &copy_tags(&snap, &ctx.spec.id)).await?
        }
    }
    r.outputs.insert("copy".into(), snap.clone());
    r.outputs.insert(format!("target:{source_id}"), snap);
    Ok(r)
}

pub(crate) async fn restore(ctx: &StepContext<'_>) -> Result<StepResult, CloudError> {
    let options = ctx
        .spec
        .options
        .restore
        .clone()
        .ok_or_else(|| missing("the restore options"))?;
    let copy = ctx
        .outputs
        .get("copy")
        .cloned()
        .ok_or_else(|| missing("the DB snapshot copy"))?;
    let target = &ctx.regions.target;
    // A name already taken is never adopted unless this task made it: an
    // older restore must not pass for this one.
    let (adopted, mut r) =
        super::replica::clear_the_name(ctx, target, &options.instance_id, options.replace).await?;
    if !adopted {
        let request = rds::Restore {
            instance_id: &options.instance_id,
            snapshot_id: &copy,
            placement: crate::cloud::copy::rds_replica::Placement {
                instance_class: options.instance_class.as_deref(),
                subnet_group: options.subnet_group.as_deref(),
                parameter_group: options.parameter_group.as_deref(),
                option_group: options.option_group.as_deref(),
                security_group_ids: &options.security_group_ids,
                multi_az: options.multi_az,
                storage_type: options.storage_type.as_deref(),
                deletion_protection: options.deletion_protection,
            },
            backup_retention_days: options.backup_retention_days,
        };
        rds::restore(
            target,
            &request,
            &copy_tags(&ctx.spec.source_ids[0], &ctx.spec.id),
        )
        .await?;
    }
    r.outputs.insert("restored".into(), options.instance_id);
    Ok(r)
}

pub(crate) async fn wait_instance(ctx: &StepContext<'_>) -> Result<StepResult, CloudError> {
    let id = ctx
        .outputs
        .get("restored")
        .cloned()
        .ok_or_else(|| missing("the restored instance"))?;
    let target = &ctx.regions.target;
    until_ready(
        || async {
            let Some(d) = rds::db_instance(target, &id).await? else {
                return Ok(Poll::Pending(None));
            };
            Ok(match d.state.as_str() {
                "available" => Poll::Ready,
                "failed"
                | "incompatible-restore"
                | "incompatible-parameters"
                | "incompatible-network" => Poll::Failed(format!(
                    "DB instance {id} in {} is {}",
                    target.region, d.state
                )),
                _ => Poll::Pending(None),
            })
        },
        ctx.progress,
    )
    .await?;
    let mut r = StepResult::default();
    if let Some(Details::DbInstance(d)) = rds::db_instance(target, &id).await?.map(|d| d.details) {
        if let (Some(host), Some(port)) = (d.endpoint, d.port) {
            r.outputs
                .insert("endpoint:target".into(), format!("{host}:{port}"));
        }
    }
    if let Some(Details::DbInstance(d)) =
        rds::db_instance(&ctx.regions.source, &ctx.spec.source_ids[0])
            .await?
            .map(|d| d.details)
    {
        if let (Some(host), Some(port)) = (d.endpoint, d.port) {
            r.outputs
                .insert("endpoint:source".into(), format!("{host}:{port}"));
        }
    }
    Ok(r)
}

#[cfg(test)]
mod tests {
    #[test]
    fn identifiers_follow_rds_rules() {
        assert_eq!(
            super::identifier("cutover-shop_orders--1a2B"),
            "cutover-shop-orders-1a2b"
        );
        assert_eq!(super::identifier("9lives-"), "c-9lives");
    }
}
