//! S3 buckets of one region. ListBuckets is account-wide; a bucket belongs
//! to the region it lives in.

use super::ec2::time;
use super::error::{sdk, CloudError};
use super::Clients;
use crate::model::resource::{self as m, Details, Resource};
use crate::model::Kind;
use aws_smithy_runtime_api::client::result::SdkError;
use aws_smithy_runtime_api::http::Response;
use futures::stream::{self, StreamExt, TryStreamExt};
use std::collections::BTreeMap;

/// Bucket detail calls in flight at once.
const DETAIL_CONCURRENCY: usize = 8;

pub(crate) async fn buckets(c: &Clients) -> Result<Vec<Resource>, CloudError> {
    buckets_where(c, |_| true).await
}

/// Only the named buckets of this region, with their settings: one
/// ListBuckets, and detail calls for these names only (a one-bucket copy
/// must not read every bucket's settings).
pub(crate) async fn buckets_named(
    c: &Clients,
    names: &[String],
) -> Result<Vec<Resource>, CloudError> {
    buckets_where(c, |name| names.iter().any(|n| n == name)).await
}

async fn buckets_where(
    c: &Clients,
    wanted: impl Fn(&str) -> bool,
) -> Result<Vec<Resource>, CloudError> {
    const OP: &str = "s3:ListBuckets";
    // BucketRegion filters on AWS; where it is ignored, the region check below still holds.
    let all =
        c.s3.list_buckets()
            .bucket_region(&c.region)
            .into_paginator()
            .items()
            .send()
            .try_collect()
            .await
            .map_err(sdk(OP))?;
    let all = all
        .into_iter()
        .filter(|b| wanted(b.name().unwrap_or_default()));
    let found: Vec<Option<Resource>> = stream::iter(all)
        .map(|b| async move { bucket_in_region(c, b).await })
        .buffered(DETAIL_CONCURRENCY)
        .try_collect()
        .await?;
    Ok(found.into_iter().flatten().collect())
}

/// The bucket's region as GetBucketLocation words it ("" is us-east-1, "EU" is eu-west-1).
pub(crate) fn location_region(constraint: Option<&str>) -> String {
    match constraint.unwrap_or_default() {
        "" => "us-east-1".into(),
        "EU" => "eu-west-1".into(),
        other => other.to_string(),
    }
}

/// moto answers GetBucketVersioning under the root `GetBucketVersioningResponse`
/// instead of `VersioningConfiguration`, which the SDK refuses. When a 200
/// answer failed to parse, read `<Status>` from the body (None inside: never
/// enabled). AWS itself never takes this path.
fn unparsed_versioning<E>(e: &SdkError<E, Response>) -> Option<Option<String>> {
    let SdkError::ServiceError(ctx) = e else {
        return None;
    };
    if ctx.raw().status().as_u16() != 200 {
        return None;
    }
    let body = std::str::from_utf8(ctx.raw().body().bytes()?).ok()?;
    if !body.contains("GetBucketVersioningResponse") {
        return None;
    }
    let status = body
        .split_once("<Status>")
        .and_then(|(_, rest)| rest.split_once("</Status>"))
        .map(|(s, _)| s.to_string());
    Some(status)
}

/// "Enabled", "Suspended", or None when never enabled.
pub async fn versioning(c: &Clients, bucket: &str) -> Result<Option<String>, CloudError> {
    match c.s3.get_bucket_versioning().bucket(bucket).send().await {
        Ok(v) => Ok(v.status().map(|s| s.as_str().to_string())),
        Err(e) => match unparsed_versioning(&e) {
            Some(status) => Ok(status),
            None => Err(CloudError::from_sdk("s3:GetBucketVersioning", e)),
        },
    }
}

/// A bucket's tags; none when it has no tag set.
pub async fn bucket_tags(
    c: &Clients,
    bucket: &str,
) -> Result<BTreeMap<String, String>, CloudError> {
    match c.s3.get_bucket_tagging().bucket(bucket).send().await {
        Ok(t) => Ok(t
            .tag_set()
            .iter()
            .map(|t| (t.key().to_string(), t.value().to_string()))
            .collect()),
        Err(e) => {
            let e = CloudError::from_sdk("s3:GetBucketTagging", e);
            // NotImplemented: an S3-compatible server without bucket tags.
            if e.code() == Some("NoSuchTagSet") || e.code() == Some("NotImplemented") {
                Ok(BTreeMap::new())
            } else {
                Err(e)
            }
        }
    }
}

async fn bucket_in_region(
    c: &Clients,
    b: aws_sdk_s3::types::Bucket,
) -> Result<Option<Resource>, CloudError> {
    let name = b.name().unwrap_or_default().to_string();
    let region = match b.bucket_region() {
        Some(r) => r.to_string(),
        None => {
            let loc =
                c.s3.get_bucket_location()
                    .bucket(&name)
                    .send()
                    .await
                    .map_err(sdk("s3:GetBucketLocation"))?;
            location_region(loc.location_constraint().map(|l| l.as_str()))
        }
    };
    if region != c.region {
        return Ok(None);
    }
    // A bucket policy may deny these reads on one bucket: show the bucket anyway.
    let mut state = "available".to_string();
    let versioning = match versioning(c, &name).await {
        Ok(v) => v,
        Err(e) => {
            state = format!("partial: {e}");
            None
        }
    };
    let tags = match bucket_tags(c, &name).await {
        Ok(t) => t,
        Err(e) => {
            state = format!("partial: {e}");
            BTreeMap::new()
        }
    };
    let details = m::Bucket {
        created: time(b.creation_date()),
        versioning,
        objects: None,
        bytes: None,
    };
    Ok(Some(
        Resource::new(&region, Kind::Bucket, &name, Details::Bucket(details))
            .with_state(state)
            .with_tags(tags)
            .with_name(&name),
    ))
}
