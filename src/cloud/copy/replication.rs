//! S3 Replication from the source bucket to its copy, so writes made
//! during the window follow until the cutover. It needs versioning on both
//! sides, and replaces the source's whole replication configuration: an
//! existing one that is not ours is refused, never overwritten.

use super::bucket::enable_versioning;
use crate::cloud::error::{sdk, CloudError};
use crate::cloud::Clients;
use aws_sdk_s3::types as t;

/// The rule's id, so a re-run recognises its own configuration.
pub(crate) fn rule_id(to: &str) -> String {
    format!("cutover-to-{to}")
}

/// What the source replicates now: the rule ids, or None.
pub(crate) async fn rule_ids(
    source: &Clients,
    bucket: &str,
) -> Result<Option<Vec<String>>, CloudError> {
    match source
        .s3
        .get_bucket_replication()
        .bucket(bucket)
        .send()
        .await
    {
        Ok(out) => Ok(out.replication_configuration().map(|c| {
            c.rules()
                .iter()
                .map(|r| r.id().unwrap_or_default().to_string())
                .collect()
        })),
        Err(e) => {
            let e = CloudError::from_sdk("s3:GetBucketReplication", e);
            if e.code() == Some("ReplicationConfigurationNotFoundError") {
                Ok(None)
            } else {
                Err(e)
            }
        }
    }
}

/// Turns versioning on in both buckets and writes one rule: every key,
/// delete markers too, to the copy.
pub(crate) async fn replicate(
    source: &Clients,
    target: &Clients,
    from: &str,
    to: &str,
    role_arn: &str,
) -> Result<(), CloudError> {
    let ours = rule_id(to);
    if let Some(ids) = rule_ids(source, from).await? {
        if ids.iter().any(|id| *id != ours) {
            return Err(CloudError::Refused(format!(
                "{from} already replicates (rules {}): cutover does not replace a replication configuration; add a rule to {to} by hand, or remove the existing one and retry",
                ids.join(", ")
            )));
        }
    }
    enable_versioning(target, to).await?;
    enable_versioning(source, from).await?;
    let bad = |e: aws_sdk_s3::error::BuildError| CloudError::Internal(e.to_string());
    let rule = t::ReplicationRule::builder()
        .id(&ours)
        .priority(1)
        .status(t::ReplicationRuleStatus::Enabled)
        .filter(t::ReplicationRuleFilter::builder().prefix("").build())
        .delete_marker_replication(
            t::DeleteMarkerReplication::builder()
                .status(t::DeleteMarkerReplicationStatus::Enabled)
                .build(),
        )
        .destination(
            t::Destination::builder()
                .bucket(format!("arn:aws:s3:::{to}"))
                .build()
                .map_err(bad)?,
        )
        .build()
        .map_err(bad)?;
    let config = t::ReplicationConfiguration::builder()
        .role(role_arn)
        .rules(rule)
        .build()
        .map_err(bad)?;
    source
        .s3
        .put_bucket_replication()
        .bucket(from)
        .replication_configuration(config)
        .send()
        .await
        .map_err(sdk("s3:PutBucketReplication"))?;
    Ok(())
}
