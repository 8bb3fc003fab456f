//! S3 Batch Operations: the hand-off of a very large bucket copy to AWS's
//! own distributed engine. cutover writes the manifest (CSV of
//! bucket,key), or names an S3 Inventory manifest the operator gives,
//! creates an `S3PutObjectCopy` job in the target region with the
//! operator's IAM role, and reads its progress with DescribeJob.

use super::objects::ObjectEntry;
use crate::cloud::error::{sdk, CloudError};
use crate::cloud::Clients;
use aws_sdk_s3::primitives::ByteStream;
use aws_sdk_s3control::types as j;

/// What the job copies, and with what.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BatchCopy {
    /// Also the job's idempotency token: a retried CreateJob makes no
    /// second job.
    pub task_id: String,
    pub account_id: String,
    pub target_bucket: String,
    pub role_arn: String,
    pub manifest: Manifest,
    /// Where the completion report goes (failed tasks only).
    pub report_bucket: String,
}

/// The job's manifest: an object in S3 and its ETag (CreateJob wants both).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Manifest {
    pub(crate) bucket: String,
    pub(crate) key: String,
    pub etag: String,
    /// An S3 Inventory report's manifest.json rather than cutover's CSV.
    pub(crate) inventory: bool,
}

/// The account in an ARN (`arn:aws:iam::123456789012:role/x`): S3 Control
/// calls name it, and the operator's role ARN carries it.
pub fn account_of(arn: &str) -> Option<&str> {
    arn.split(':')
        .nth(4)
        .filter(|a| a.len() == 12 && a.bytes().all(|b| b.is_ascii_digit()))
}

/// One line per object: `bucket,key`, the key URL-encoded as Batch
/// Operations reads it.
pub(crate) fn manifest_csv<'a>(
    bucket: &str,
    objects: impl IntoIterator<Item = &'a ObjectEntry>,
) -> String {
    let mut out = String::new();
    for o in objects {
        out.push_str(bucket);
        out.push(',');
        out.push_str(&url_encode(&o.key));
        out.push('\n');
    }
    out
}

/// A manifest line's key, URL-encoded as S3 Batch Operations reads it.
fn url_encode(s: &str) -> String {
    percent_encoding::utf8_percent_encode(s, super::objects::KEY_PATH).to_string()
}

/// A manifest written as it is listed: parts of 16 MiB go up as they
/// fill, so a manifest of 100 million keys never sits in memory.
pub struct ManifestUpload<'a> {
    c: &'a Clients,
    bucket: String,
    key: String,
    upload_id: String,
    buffer: String,
    parts: Vec<aws_sdk_s3::types::CompletedPart>,
}

const MANIFEST_PART: usize = 16 * 1024 * 1024;

impl<'a> ManifestUpload<'a> {
    pub async fn start(c: &'a Clients, bucket: &str, key: &str) -> Result<Self, CloudError> {
        let out =
            c.s3.create_multipart_upload()
                .bucket(bucket)
                .key(key)
                .content_type("text/csv")
                .send()
                .await
                .map_err(sdk("s3:CreateMultipartUpload"))?;
        Ok(ManifestUpload {
            c,
            bucket: bucket.into(),
            key: key.into(),
            upload_id: out.upload_id().unwrap_or_default().to_string(),
            buffer: String::new(),
            parts: Vec::new(),
        })
    }

    pub async fn push(&mut self, bucket: &str, object: &ObjectEntry) -> Result<(), CloudError> {
        self.buffer
            .push_str(&manifest_csv(bucket, std::iter::once(object)));
        if self.buffer.len() >= MANIFEST_PART {
            self.flush().await?;
        }
        Ok(())
    }

    async fn flush(&mut self) -> Result<(), CloudError> {
        let number = self.parts.len() as i32 + 1;
        let body = std::mem::take(&mut self.buffer);
        let out = self
            .c
            .s3
            .upload_part()
            .bucket(&self.bucket)
            .key(&self.key)
            .upload_id(&self.upload_id)
            .part_number(number)
            .body(ByteStream::from(body.into_bytes()))
            .send()
            .await
            .map_err(sdk("s3:UploadPart"))?;
        self.parts.push(
            aws_sdk_s3::types::CompletedPart::builder()
                .part_number(number)
                .set_e_tag(out.e_tag().map(str::to_string))
                .build(),
        );
        Ok(())
    }

    /// Completes the upload; None when no object was listed (no job then).
    pub async fn finish(mut self) -> Result<Option<Manifest>, CloudError> {
        if self.parts.is_empty() && self.buffer.is_empty() {
            let _ = self
                .c
                .s3
                .abort_multipart_upload()
                .bucket(&self.bucket)
                .key(&self.key)
                .upload_id(&self.upload_id)
                .send()
                .await;
            return Ok(None);
        }
        if !self.buffer.is_empty() {
            self.flush().await?;
        }
        let out = self
            .c
            .s3
            .complete_multipart_upload()
            .bucket(&self.bucket)
            .key(&self.key)
            .upload_id(&self.upload_id)
            .multipart_upload(
                aws_sdk_s3::types::CompletedMultipartUpload::builder()
                    .set_parts(Some(std::mem::take(&mut self.parts)))
                    .build(),
            )
            .send()
            .await
            .map_err(sdk("s3:CompleteMultipartUpload"))?;
        Ok(Some(Manifest {
            bucket: self.bucket.clone(),
            key: self.key.clone(),
            etag: out
                .e_tag()
                .unwrap_or_default()
                .trim_matches('"')
                .to_string(),
            inventory: false,
        }))
    }
}

/// An S3 Inventory report's manifest.json named by the operator
/// (`s3://bucket/key`), with its ETag.
pub(crate) async fn inventory_manifest(
    c: &Clients,
    location: &str,
) -> Result<Manifest, CloudError> {
    let (bucket, key) = location
        .strip_prefix("s3://")
        .and_then(|rest| rest.split_once('/'))
        .ok_or_else(|| {
            CloudError::Refused(format!(
                "--inventory-manifest {location}: give s3://BUCKET/KEY of the report's manifest.json"
            ))
        })?;
    let head =
        c.s3.head_object()
            .bucket(bucket)
            .key(key)
            .send()
            .await
            .map_err(sdk("s3:HeadObject"))?;
    Ok(Manifest {
        bucket: bucket.into(),
        key: key.into(),
        etag: head
            .e_tag()
            .unwrap_or_default()
            .trim_matches('"')
            .to_string(),
        inventory: true,
    })
}

/// An S3 Control client with the same credentials and endpoint as `c`, in
/// `c`'s region (Batch Operations jobs run in the target's region).
pub fn control_client(c: &Clients) -> aws_sdk_s3control::Client {
    aws_sdk_s3control::Client::new(&c.sdk_config)
}

fn built<T>(r: Result<T, aws_sdk_s3control::error::BuildError>) -> Result<T, CloudError> {
    r.map_err(|e| CloudError::Internal(e.to_string()))
}

/// CreateJob: copy every object of the manifest into the target bucket,
/// metadata and tags along (COPY directives), no confirmation step.
pub async fn create_job(
    control: &aws_sdk_s3control::Client,
    job: &BatchCopy,
) -> Result<String, CloudError> {
    let (format, fields) = if job.manifest.inventory {
        (j::JobManifestFormat::S3InventoryReportCsv20161130, vec![])
    } else {
        (
            j::JobManifestFormat::S3BatchOperationsCsv20180820,
            vec![
                j::JobManifestFieldName::Bucket,
                j::JobManifestFieldName::Key,
            ],
        )
    };
    let manifest = j::JobManifest::builder()
        .spec(built(
            j::JobManifestSpec::builder()
                .format(format)
                .set_fields((!fields.is_empty()).then_some(fields))
                .build(),
        )?)
        .location(built(
            j::JobManifestLocation::builder()
                .object_arn(format!(
                    "arn:aws:s3:::{}/{}",
                    job.manifest.bucket, job.manifest.key
                ))
                .e_tag(&job.manifest.etag)
                .build(),
        )?)
        .build();
    let operation = j::JobOperation::builder()
        .s3_put_object_copy(
            j::S3CopyObjectOperation::builder()
                .target_resource(format!("arn:aws:s3:::{}", job.target_bucket))
                .metadata_directive(j::S3MetadataDirective::Copy)
                .build(),
        )
        .build();
    let report = j::JobReport::builder()
        .enabled(true)
        .bucket(format!("arn:aws:s3:::{}", job.report_bucket))
        .prefix(format!("cutover/{}", job.task_id))
        .format(j::JobReportFormat::ReportCsv20180820)
        .report_scope(j::JobReportScope::FailedTasksOnly)
        .build();
    let out = control
        .create_job()
        .account_id(&job.account_id)
        .confirmation_required(false)
        .client_request_token(&job.task_id)
        .description(format!(
            "cutover {}: copy into {}",
            job.task_id, job.target_bucket
        ))
        .priority(10)
        .role_arn(&job.role_arn)
        .manifest(manifest)
        .operation(operation)
        .report(report)
        .send()
        .await
        .map_err(sdk("s3:CreateJob"))?;
    out.job_id()
        .map(str::to_string)
        .ok_or_else(|| CloudError::Incomplete("s3:CreateJob answered without a job id".into()))
}

/// A job's state and counts, from DescribeJob.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub(crate) struct JobProgress {
    pub(crate) status: String,
    pub(crate) total: u64,
    pub(crate) succeeded: u64,
    pub(crate) failed: u64,
}

pub(crate) async fn describe_job(
    control: &aws_sdk_s3control::Client,
    account_id: &str,
    job_id: &str,
) -> Result<JobProgress, CloudError> {
    let out = control
        .describe_job()
        .account_id(account_id)
        .job_id(job_id)
        .send()
        .await
        .map_err(sdk("s3:DescribeJob"))?;
    let job = out.job();
    let summary = job.and_then(|j| j.progress_summary());
    let n = |v: Option<i64>| v.unwrap_or_default().max(0) as u64;
    Ok(JobProgress {
        status: job
            .and_then(|j| j.status())
            .map(|s| s.as_str().to_string())
            .unwrap_or_default(),
        total: n(summary.and_then(|s| s.total_number_of_tasks())),
        succeeded: n(summary.and_then(|s| s.number_of_tasks_succeeded())),
        failed: n(summary.and_then(|s| s.number_of_tasks_failed())),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_manifest_is_bucket_comma_encoded_key_and_the_account_comes_from_the_role() {
        let o = |key: &str| ObjectEntry {
            key: key.into(),
            size: 1,
            etag: String::new(),
            storage_class: None,
            version_id: None,
        };
        let objects = [o("a.txt"), o("img/a b,c.jpg")];
        assert_eq!(
            manifest_csv("shop", &objects),
            "shop,a.txt\nshop,img/a%20b%2Cc.jpg\n"
        );
        assert_eq!(
            account_of("arn:aws:iam::123456789012:role/batch"),
            Some("123456789012")
        );
        assert_eq!(account_of("arn:aws:iam::role/batch"), None);
    }
}
