//! The hand-off of a bucket copy to S3 Batch Operations: the manifest
//! lists what the copy lacks (or is the operator's S3 Inventory report),
//! CreateJob runs in the target region, DescribeJob feeds the task's
//! gauge, and the usual verification follows.

use super::bucket::names;
use super::bucket_archived::skipped_warning;
use super::bucket_listing::{same, Cursor};
use super::steps::{StepContext, StepResult};
use super::wait::{until_ready, Poll};
use crate::cloud::copy::archive;
use crate::cloud::copy::batch::{self, BatchCopy, ManifestUpload};
use crate::cloud::CloudError;

const JOB: &str = "batch_job";
const ACCOUNT: &str = "batch_account";

pub(crate) async fn hand_off(ctx: &StepContext<'_>) -> Result<StepResult, CloudError> {
    let (from, to) = names(ctx)?;
    let options = ctx
        .spec
        .options
        .bucket
        .batch
        .as_ref()
        .ok_or_else(|| CloudError::Internal("internal: no Batch Operations options".into()))?;
    let account = batch::account_of(&options.role_arn).ok_or_else(|| {
        CloudError::Refused(format!(
            "--role-arn {}: an IAM role ARN with its account is needed (arn:aws:iam::ACCOUNT:role/NAME)",
            options.role_arn
        ))
    })?;
    let mut result = StepResult::default();
    let manifest = match &options.inventory_manifest {
        Some(location) => batch::inventory_manifest(&ctx.regions.source, location).await?,
        None => {
            // What the copy lacks, archived objects aside (a job cannot
            // copy them either; they are named as with --archived skip).
            let key = format!("cutover/{}/manifest.csv", ctx.spec.id);
            let mut upload =
                ManifestUpload::start(&ctx.regions.source, &options.manifest_bucket, &key).await?;
            let mut listing = Cursor::new(&ctx.regions.source, from);
            let mut existing = Cursor::new(&ctx.regions.target, to);
            let mut archived = Vec::new();
            while let Some(object) = listing.next().await? {
                if existing
                    .seek_noting(&object.key, None)
                    .await?
                    .is_some_and(|there| same(&object, &there))
                {
                    continue;
                }
                if archive::is_archived(object.storage_class.as_deref()) {
                    archived.push(object.key);
                    continue;
                }
                upload.push(from, &object).await?;
            }
            if !archived.is_empty() {
                result.warnings.push(skipped_warning(&archived));
                result.outputs.insert(
                    super::bucket_archived::ARCHIVED_KEYS.into(),
                    serde_json::to_string(&archived).unwrap_or_default(),
                );
            }
            match upload.finish().await? {
                Some(m) => m,
                None => {
                    result.notes.push(format!(
                        "{to} already holds every object of {from}: no Batch Operations job needed"
                    ));
                    return Ok(result);
                }
            }
        }
    };
    let job = BatchCopy {
        task_id: ctx.spec.id.clone(),
        account_id: account.to_string(),
        target_bucket: to.to_string(),
        role_arn: options.role_arn.clone(),
        manifest,
        report_bucket: options.manifest_bucket.clone(),
    };
    let control = batch::control_client(&ctx.regions.target);
    let id = batch::create_job(&control, &job).await?;
    result.notes.push(format!(
        "S3 Batch Operations job {id} in {} copies {from} to {to} (manifest s3://{}/{}; failed tasks reported under s3://{}/cutover/{})",
        ctx.regions.target.region, job.manifest.bucket, job.manifest.key, job.report_bucket, ctx.spec.id
    ));
    result.outputs.insert(JOB.into(), id);
    result.outputs.insert(ACCOUNT.into(), account.to_string());
    Ok(result)
}

/// What DescribeJob says, as a poll.
pub(crate) fn job_poll(p: &batch::JobProgress) -> Poll {
    let percent = (p.total > 0).then(|| ((p.succeeded + p.failed) * 100 / p.total).min(100) as u8);
    match p.status.as_str() {
        "Complete" if p.failed == 0 => Poll::Ready,
        "Complete" => Poll::Failed(format!(
            "the Batch Operations job finished with {} of {} objects failed: see its report, fix the cause, and retry (the retry copies only what is missing)",
            p.failed, p.total
        )),
        "Failed" | "Cancelled" => Poll::Failed(format!(
            "the Batch Operations job is {}: see its report and the job in the S3 console",
            p.status
        )),
        _ => Poll::Pending(percent),
    }
}

pub(crate) async fn wait(ctx: &StepContext<'_>) -> Result<StepResult, CloudError> {
    let Some(job) = ctx.outputs.get(JOB) else {
        // Nothing was missing: no job was made.
        return Ok(StepResult::default());
    };
    let account = ctx
        .outputs
        .get(ACCOUNT)
        .map(String::as_str)
        .unwrap_or_default();
    let control = batch::control_client(&ctx.regions.target);
    until_ready(
        || async {
            Ok(job_poll(
                &batch::describe_job(&control, account, job).await?,
            ))
        },
        ctx.progress,
    )
    .await?;
    Ok(StepResult::default())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cloud::copy::batch::JobProgress;

    #[test]
    fn job_states_become_polls_with_a_percent() {
        let p = |status: &str, total, succeeded, failed| JobProgress {
            status: status.into(),
            total,
            succeeded,
            failed,
        };
        assert_eq!(job_poll(&p("Active", 200, 50, 0)), Poll::Pending(Some(25)));
        assert_eq!(job_poll(&p("Preparing", 0, 0, 0)), Poll::Pending(None));
        assert_eq!(job_poll(&p("Complete", 200, 200, 0)), Poll::Ready);
        assert!(
            matches!(job_poll(&p("Complete", 200, 198, 2)), Poll::Failed(w) if w.contains("2 of 200"))
        );
        assert!(matches!(
            job_poll(&p("Cancelled", 1, 0, 0)),
            Poll::Failed(_)
        ));
    }
}
