//! S3 buckets: is a name free, create the copy, carry its settings over.

use crate::cloud::error::{sdk, CloudError};
use crate::cloud::s3::bucket_tags;
use crate::cloud::Clients;
use crate::model::resource::SOURCE_ID_TAG;
use aws_sdk_s3::types as t;
use std::collections::BTreeMap;

/// What a target name is now.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum NameState {
    Free,
    /// Ours, with these tags (a copy of ours if it has the source-id tag).
    Ours(BTreeMap<String, String>),
    /// Exists and is not ours (names are global across all accounts).
    Taken,
}

pub(crate) async fn name_state(c: &Clients, bucket: &str) -> Result<NameState, CloudError> {
    match c.s3.head_bucket().bucket(bucket).send().await {
        Ok(_) => Ok(NameState::Ours(bucket_tags(c, bucket).await?)),
        Err(e) => {
            let status = e.raw_response().map(|r| r.status().as_u16());
            match status {
                Some(404) => Ok(NameState::Free),
                // 403: another account's; 301: lives in another region.
                Some(403) | Some(301) => Ok(NameState::Taken),
                _ => Err(CloudError::from_sdk("s3:HeadBucket", e)),
            }
        }
    }
}

pub(crate) async fn create_bucket(c: &Clients, bucket: &str) -> Result<(), CloudError> {
    let mut req = c.s3.create_bucket().bucket(bucket);
    if c.region != "us-east-1" {
        req = req.create_bucket_configuration(
            t::CreateBucketConfiguration::builder()
                .location_constraint(t::BucketLocationConstraint::from(c.region.as_str()))
                .build(),
        );
    }
    req.send().await.map_err(sdk("s3:CreateBucket"))?;
    Ok(())
}

pub(crate) async fn put_tags(
    c: &Clients,
    bucket: &str,
    tags: &BTreeMap<String, String>,
) -> Result<(), CloudError> {
    let mut tagging = t::Tagging::builder();
    for (k, v) in tags {
        tagging = tagging.tag_set(
            t::Tag::builder()
                .key(k)
                .value(v)
                .build()
                .map_err(|e| CloudError::Internal(e.to_string()))?,
        );
    }
    let tagging = tagging
        .build()
        .map_err(|e| CloudError::Internal(e.to_string()))?;
    c.s3.put_bucket_tagging()
        .bucket(bucket)
        .tagging(tagging)
        .send()
        .await
        .map_err(sdk("s3:PutBucketTagging"))?;
    Ok(())
}

pub(crate) async fn enable_versioning(c: &Clients, bucket: &str) -> Result<(), CloudError> {
    c.s3.put_bucket_versioning()
        .bucket(bucket)
        .versioning_configuration(
            t::VersioningConfiguration::builder()
                .status(t::BucketVersioningStatus::Enabled)
                .build(),
        )
        .send()
        .await
        .map_err(sdk("s3:PutBucketVersioning"))?;
    Ok(())
}

/// Is this bucket a copy cutover made of `source_bucket`?
pub(crate) fn is_copy_of(tags: &BTreeMap<String, String>, source_bucket: &str) -> bool {
    tags.get(SOURCE_ID_TAG).is_some_and(|s| s == source_bucket)
}
