//! A bucket's settings carried to its copy: versioning, default encryption
//! (SSE-KMS with a target key), lifecycle rules, CORS, public access block,
//! the bucket policy (its own ARN rewritten), website, tags. What is not
//! carried is said: a note when it needs no action, a warning when the
//! copy lacks something the source had.

use super::bucket::{enable_versioning, put_tags};
use super::bucket_policy;
use crate::cloud::error::{sdk, CloudError};
use crate::cloud::s3::{bucket_tags, versioning};
use crate::cloud::Clients;
use aws_sdk_s3::types as t;

/// Whether the source had a setting, and whether it was carried.
enum Carried {
    Yes,
    NotSet,
    /// Carried, with something for the operator to review.
    Review(String),
    /// Not carried: the copy lacks it.
    No(String),
}

/// What carrying the settings says.
#[derive(Debug, Default, PartialEq)]
pub(crate) struct SettingsCarried {
    pub(crate) notes: Vec<String>,
    pub(crate) warnings: Vec<String>,
}

fn absent(e: &CloudError, codes: &[&str]) -> bool {
    e.code().is_some_and(|c| codes.contains(&c))
}

/// S3-compatible servers (and moto for some calls) answer NotImplemented
/// for settings they do not have: nothing to carry there, and no failure.
pub(crate) fn unsupported(e: &CloudError) -> bool {
    e.code()
        .is_some_and(|c| c == "NotImplemented" || c == "HTTP 501")
}

pub(crate) async fn carry_settings(
    source: &Clients,
    target: &Clients,
    from: &str,
    to: &str,
    cutover_tags: &[(&str, &str)],
    kms_key_id: Option<&str>,
) -> Result<SettingsCarried, CloudError> {
    let mut out = SettingsCarried::default();
    let mut say = |what: &str, c: Result<Carried, CloudError>| -> Result<(), CloudError> {
        match c {
            Ok(Carried::Yes | Carried::NotSet) => {}
            Ok(Carried::Review(what_to_check)) => out.notes.push(format!("{what} carried; review: {what_to_check}")),
            Ok(Carried::No(why)) => out.warnings.push(format!("{what} not carried: {why}")),
            Err(e) if unsupported(&e) => out.warnings.push(format!(
                "{what} cannot be carried: the server does not implement it ({e}); set it on the copy by hand if the source has it"
            )),
            Err(e) => return Err(e),
        }
        Ok(())
    };
    say(
        "versioning",
        carry_versioning(source, target, from, to).await,
    )?;
    say(
        "default encryption",
        carry_encryption(source, target, from, to, kms_key_id).await,
    )?;
    say(
        "lifecycle rules",
        carry_lifecycle(source, target, from, to).await,
    )?;
    say("CORS", carry_cors(source, target, from, to).await)?;
    say(
        "public access block",
        carry_public_access_block(source, target, from, to).await,
    )?;
    say(
        "bucket policy",
        carry_policy(source, target, from, to).await,
    )?;
    say(
        "website configuration",
        carry_website(source, target, from, to).await,
    )?;
    say(
        "tags",
        carry_tags(source, target, from, to, cutover_tags).await,
    )?;
    out.notes.push("replication, notifications and logging settings are not carried: they name source ARNs; review and set them on the copy (--replicate sets up replication to the copy)".into());
    Ok(out)
}

async fn carry_tags(
    source: &Clients,
    target: &Clients,
    from: &str,
    to: &str,
    cutover_tags: &[(&str, &str)],
) -> Result<Carried, CloudError> {
    let mut tags = bucket_tags(source, from).await?;
    tags.retain(|k, _| !k.starts_with("aws:"));
    tags.extend(
        cutover_tags
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string())),
    );
    put_tags(target, to, &tags).await?;
    Ok(Carried::Yes)
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

/// SSE-S3 as it is; SSE-KMS only with a key of the target region (the
/// source's key cannot encrypt in another region).
async fn carry_encryption(
    source: &Clients,
    target: &Clients,
    from: &str,
    to: &str,
    kms_key_id: Option<&str>,
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
    let source_key = config.rules().iter().find_map(|r| {
        r.apply_server_side_encryption_by_default()
            .and_then(|d| d.kms_master_key_id())
            .map(str::to_string)
    });
    let config = match (&source_key, kms_key_id) {
        (None, _) => config,
        (Some(key), None) => {
            return Ok(Carried::No(format!(
                "SSE-KMS with {key}, a key of the source region; give --kms-key-id with a key of the target region to carry it"
            )))
        }
        (Some(_), Some(target_key)) => with_key(&config, target_key)?,
    };
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

/// The same rules, naming the target's key where the source's named one.
fn with_key(
    config: &t::ServerSideEncryptionConfiguration,
    key: &str,
) -> Result<t::ServerSideEncryptionConfiguration, CloudError> {
    let bad = |e: aws_sdk_s3::error::BuildError| CloudError::Internal(e.to_string());
    let mut rules = Vec::new();
    for rule in config.rules() {
        let mut rule = rule.clone();
        if let Some(d) = rule.apply_server_side_encryption_by_default() {
            if d.kms_master_key_id().is_some() {
                let d = t::ServerSideEncryptionByDefault::builder()
                    .sse_algorithm(d.sse_algorithm().clone())
                    .kms_master_key_id(key)
                    .build()
                    .map_err(bad)?;
                rule.apply_server_side_encryption_by_default = Some(d);
            }
        }
        rules.push(rule);
    }
    t::ServerSideEncryptionConfiguration::builder()
        .set_rules(Some(rules))
        .build()
        .map_err(bad)
}

async fn carry_policy(
    source: &Clients,
    target: &Clients,
    from: &str,
    to: &str,
) -> Result<Carried, CloudError> {
    let policy = match source.s3.get_bucket_policy().bucket(from).send().await {
        Ok(out) => out.policy().map(str::to_string),
        Err(e) => {
            let e = CloudError::from_sdk("s3:GetBucketPolicy", e);
            if absent(&e, &["NoSuchBucketPolicy"]) {
                return Ok(Carried::NotSet);
            }
            return Err(e);
        }
    };
    let Some(policy) = policy.filter(|p| !p.trim().is_empty()) else {
        return Ok(Carried::NotSet);
    };
    let rewritten = match bucket_policy::rewrite(&policy, from, to) {
        Ok(r) => r,
        Err(why) => return Ok(Carried::No(format!("{why}; set it on the copy by hand"))),
    };
    target
        .s3
        .put_bucket_policy()
        .bucket(to)
        .policy(&rewritten.policy)
        .send()
        .await
        .map_err(sdk("s3:PutBucketPolicy"))?;
    if rewritten.other_arns.is_empty() {
        return Ok(Carried::Yes);
    }
    Ok(Carried::Review(format!(
        "{from} became {to}; these ARNs were left as they are (they may name the source region): {}",
        rewritten.other_arns.join(", ")
    )))
}

async fn carry_website(
    source: &Clients,
    target: &Clients,
    from: &str,
    to: &str,
) -> Result<Carried, CloudError> {
    let site = match source.s3.get_bucket_website().bucket(from).send().await {
        Ok(out) => out,
        Err(e) => {
            let e = CloudError::from_sdk("s3:GetBucketWebsite", e);
            if absent(&e, &["NoSuchWebsiteConfiguration"]) {
                return Ok(Carried::NotSet);
            }
            return Err(e);
        }
    };
    let config = t::WebsiteConfiguration::builder()
        .set_index_document(site.index_document().cloned())
        .set_error_document(site.error_document().cloned())
        .set_redirect_all_requests_to(site.redirect_all_requests_to().cloned())
        .set_routing_rules(
            (!site.routing_rules().is_empty()).then(|| site.routing_rules().to_vec()),
        )
        .build();
    target
        .s3
        .put_bucket_website()
        .bucket(to)
        .website_configuration(config)
        .send()
        .await
        .map_err(sdk("s3:PutBucketWebsite"))?;
    Ok(Carried::Review(format!(
        "the website endpoint of the copy is {to}.s3-website.{}.amazonaws.com: point DNS at it at the cutover",
        target.region
    )))
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
        .map_err(|e| CloudError::Internal(e.to_string()))?;
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
        .map_err(|e| CloudError::Internal(e.to_string()))?;
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
