//! Aurora: copy a manual DB cluster snapshot into the target, as instance
//! snapshots are copied (same identifier, tagged with its source).

use super::steps::{StepContext, StepResult};
use super::wait::{until_ready, Poll};
use crate::cloud::copy::copy_tags;
use crate::cloud::copy::rds_replica as rr;
use crate::cloud::CloudError;

pub(crate) async fn copy(ctx: &StepContext<'_>) -> Result<StepResult, CloudError> {
    let snap = &ctx.spec.source_ids[0];
    let (source, target) = (&ctx.regions.source, &ctx.regions.target);
    let found = rr::cluster_snapshot(source, snap).await?.ok_or_else(|| {
        CloudError::Refused(format!(
            "DB cluster snapshot {snap} is gone from {}",
            source.region
        ))
    })?;
    let kms = ctx.spec.options.kms_key_id.as_deref();
    if found.encrypted && kms.is_none() {
        return Err(CloudError::Refused(format!(
            "{snap} is encrypted: KMS keys belong to one region, so give a key of {} for the copy (--kms-key-id)",
            ctx.spec.target_region
        )));
    }
    let mut r = StepResult::default();
    match rr::cluster_snapshot(target, snap).await? {
        Some(existing) if existing.source_tag.as_deref() == Some(snap.as_str()) => {
            r.notes.push(format!("adopted {snap}, copied earlier"))
        }
        Some(_) => {
            return Err(CloudError::Refused(format!(
                "a DB cluster snapshot named {snap} already exists in {} and is not a copy made by cutover: delete or rename it, then retry",
                target.region
            )))
        }
        None => {
            let arn = found.arn.ok_or_else(|| {
                CloudError::Refused(format!("DB cluster snapshot {snap} has no ARN"))
            })?;
            rr::copy_cluster_snapshot(target, &arn, snap, kms, &copy_tags(snap, &ctx.spec.id))
                .await?
        }
    }
    r.outputs.insert("copy".into(), snap.clone());
    r.outputs.insert(format!("target:{snap}"), snap.clone());
    Ok(r)
}

pub(crate) async fn wait(ctx: &StepContext<'_>) -> Result<StepResult, CloudError> {
    let snap = &ctx.spec.source_ids[0];
    let target = &ctx.regions.target;
    until_ready(
        || async {
            let Some(s) = rr::cluster_snapshot(target, snap).await? else {
                return Ok(Poll::Failed(format!(
                    "DB cluster snapshot {snap} is gone from {}",
                    target.region
                )));
            };
            Ok(match s.status.as_str() {
                "available" => Poll::Ready,
                "creating" | "copying" | "pending" => {
                    Poll::Pending(s.percent_progress.map(|p| p.clamp(0, 100) as u8))
                }
                other => Poll::Failed(format!(
                    "DB cluster snapshot {snap} in {} is {other}",
                    target.region
                )),
            })
        },
        ctx.progress,
    )
    .await?;
    Ok(StepResult::default())
}
