//! S3 buckets: is a name free, create the copy, carry its settings over.

use crate::cloud::error::{sdk, CloudError};
use crate::cloud::s3::{bucket_tags, versioning};
use crate::cloud::Clients;
use crate::model::resource::SOURCE_ID_TAG;
use aws_sdk_s3::types as t;
use std::collections::BTreeMap;

/// What a target name is now.
#[derive(Debug, Clone, PartialEq)]
pub enum NameState {
    Free,
    /// Ours, with these tags (a copy of ours if it has the source-id tag).
    Ours(BTreeMap<String, String>),
    /// Exists and is not ours (names are global across all accounts).
    Taken,
}

pub async fn name_state(c: &Clients, bucket: &str) -> Result<NameState, CloudError> {
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

pub async fn create_bucket(c: &Clients, bucket: &str) -> Result<(), CloudError> {
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

pub async fn put_tags(
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
                .map_err(|e| CloudError::Setup(e.to_string()))?,
        );
    }
    let tagging = tagging
        .build()
        .map_err(|e| CloudError::Setup(e.to_string()))?;
    c.s3.put_bucket_tagging()
        .bucket(bucket)
        .tagging(tagging)
        .send()
        .await
        .map_err(sdk("s3:PutBucketTagging"))?;
    Ok(())
}

pub async fn enable_versioning(c: &Clients, bucket: &str) -> Result<(), CloudError> {
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

/// Whether the source had a setting, and whether it was carried.
enum Carried {
    Yes,
    NotSet,
    No(String),
}

fn absent(e: &CloudError, codes: &[&str]) -> bool {
    e.code().is_some_and(|c| codes.contains(&c))
}

/// Copies versioning, default encryption, tags, lifecycle rules, CORS and the
/// public-access block. Returns notes on what was not carried, and why.
pub async fn carry_settings(
    source: &Clients,
    target: &Clients,
    from: &str,
    to: &str,
    cutover_tags: &[(&str, &str)],
) -> Result<Vec<String>, CloudError> {
    let mut notes = Vec::new();
    let mut say = |what: &str, c: Carried| match c {
        Carried::Yes | Carried::NotSet => {}
        Carried::No(why) => notes.push(format!("{what} not carried: {why}")),
    };
    say(
        "versioning",
        carry_versioning(source, target, from, to).await?,
    );
    say(
        "default encryption",
        carry_encryption(source, target, from, to).await?,
    );
    say(
        "lifecycle rules",
        carry_lifecycle(source, target, from, to).await?,
    );
    say("CORS", carry_cors(source, target, from, to).await?);
    say(
        "public access block",
        carry_public_access_block(source, target, from, to).await?,
    );
    let mut tags = bucket_tags(source, from).await?;
    tags.retain(|k, _| !k.starts_with("aws:"));
    tags.extend(
        cutover_tags
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string())),
    );
    put_tags(target, to, &tags).await?;
    notes.push("bucket policy, replication, notifications, logging and website settings are not carried: they name source ARNs; review and set them on the copy".into());
    Ok(notes)
}

async fn carry_versioning(
    source: &Clients,
    target: &Clients,
    from: &str,
    to: &str,
) -> Result<Carried, CloudError> {
    let Some(status) = versioning(source, from).await? else {
        return Ok(Carried::NotSet);
    };
    if status != "Enabled" {
        return Ok(Carried::NotSet);
    }
    enable_versioning(target, to).await?;
    Ok(Carried::Yes)
}

async fn carry_encryption(
    source: &Clients,
    target: &Clients,
    from: &str,
    to: &str,
) -> Result<Carried, CloudError> {
    let config = match source.s3.get_bucket_encryption().bucket(from).send().await {
        Ok(out) => out.server_side_encryption_configuration().cloned(),
        Err(e) => {
            let e = CloudError::from_sdk("s3:GetBucketEncryption", e);
            if absent(&e, &["ServerSideEncryptionConfigurationNotFoundError"]) {
                return Ok(Carried::NotSet);
            }
            return Err(e);
        }
    };
    let Some(config) = config else {
        return Ok(Carried::NotSet);
    };
    let uses_kms_key = config.rules().iter().any(|r| {
        r.apply_server_side_encryption_by_default()
            .and_then(|d| d.kms_master_key_id())
            .is_some()
    });
    if uses_kms_key {
        return Ok(Carried::No(
            "it names a KMS key of the source region; set a target key on the copy".into(),
        ));
    }
    target
        .s3
        .put_bucket_encryption()
        .bucket(to)
        .server_side_encryption_configuration(config)
        .send()
        .await
        .map_err(sdk("s3:PutBucketEncryption"))?;
    Ok(Carried::Yes)
}

async fn carry_lifecycle(
    source: &Clients,
    target: &Clients,
    from: &str,
    to: &str,
) -> Result<Carried, CloudError> {
    let rules = match source
        .s3
        .get_bucket_lifecycle_configuration()
        .bucket(from)
        .send()
        .await
    {
        Ok(out) => out.rules().to_vec(),
        Err(e) => {
            let e = CloudError::from_sdk("s3:GetBucketLifecycleConfiguration", e);
            if absent(&e, &["NoSuchLifecycleConfiguration"]) {
                return Ok(Carried::NotSet);
            }
            return Err(e);
        }
    };
    if rules.is_empty() {
        return Ok(Carried::NotSet);
    }
    let config = t::BucketLifecycleConfiguration::builder()
        .set_rules(Some(rules))
        .build()
        .map_err(|e| CloudError::Setup(e.to_string()))?;
    target
        .s3
        .put_bucket_lifecycle_configuration()
        .bucket(to)
        .lifecycle_configuration(config)
        .send()
        .await
        .map_err(sdk("s3:PutBucketLifecycleConfiguration"))?;
    Ok(Carried::Yes)
}

async fn carry_cors(
    source: &Clients,
    target: &Clients,
    from: &str,
    to: &str,
) -> Result<Carried, CloudError> {
    let rules = match source.s3.get_bucket_cors().bucket(from).send().await {
        Ok(out) => out.cors_rules().to_vec(),
        Err(e) => {
            let e = CloudError::from_sdk("s3:GetBucketCors", e);
            if absent(&e, &["NoSuchCORSConfiguration"]) {
                return Ok(Carried::NotSet);
            }
            return Err(e);
        }
    };
    if rules.is_empty() {
        return Ok(Carried::NotSet);
    }
    let config = t::CorsConfiguration::builder()
        .set_cors_rules(Some(rules))
        .build()
        .map_err(|e| CloudError::Setup(e.to_string()))?;
    target
        .s3
        .put_bucket_cors()
        .bucket(to)
        .cors_configuration(config)
        .send()
        .await
        .map_err(sdk("s3:PutBucketCors"))?;
    Ok(Carried::Yes)
}

async fn carry_public_access_block(
    source: &Clients,
    target: &Clients,
    from: &str,
    to: &str,
) -> Result<Carried, CloudError> {
    let config = match source
        .s3
        .get_public_access_block()
        .bucket(from)
        .send()
        .await
    {
        Ok(out) => out.public_access_block_configuration().cloned(),
        Err(e) => {
            let e = CloudError::from_sdk("s3:GetPublicAccessBlock", e);
            if absent(&e, &["NoSuchPublicAccessBlockConfiguration"]) {
                return Ok(Carried::NotSet);
            }
            return Err(e);
        }
    };
    let Some(config) = config else {
        return Ok(Carried::NotSet);
    };
    target
        .s3
        .put_public_access_block()
        .bucket(to)
        .public_access_block_configuration(config)
        .send()
        .await
        .map_err(sdk("s3:PutPublicAccessBlock"))?;
    Ok(Carried::Yes)
}

/// Is this bucket a copy cutover made of `source_bucket`?
pub fn is_copy_of(tags: &BTreeMap<String, String>, source_bucket: &str) -> bool {
    tags.get(SOURCE_ID_TAG).is_some_and(|s| s == source_bucket)
}
