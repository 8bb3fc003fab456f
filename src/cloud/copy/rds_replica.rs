//! Cross-region read replicas (create, promote), renaming an instance out
//! of the way, and Aurora cluster snapshot copies.

use crate::cloud::error::{sdk, CloudError};
use crate::cloud::Clients;
use aws_sdk_rds::types::Tag;

fn tags(pairs: &[(&str, &str)]) -> Vec<Tag> {
    pairs
        .iter()
        .map(|(k, v)| Tag::builder().key(*k).value(*v).build())
        .collect()
}

/// What the new instance (a replica, or a restore) stands on and keeps.
#[derive(Debug, Clone, Default)]
pub(crate) struct Placement<'a> {
    pub(crate) instance_class: Option<&'a str>,
    pub(crate) subnet_group: Option<&'a str>,
    pub(crate) parameter_group: Option<&'a str>,
    pub(crate) option_group: Option<&'a str>,
    pub(crate) security_group_ids: &'a [String],
    pub(crate) multi_az: Option<bool>,
    pub(crate) storage_type: Option<&'a str>,
    pub(crate) deletion_protection: Option<bool>,
}

fn some(v: Option<&str>) -> Option<String> {
    v.map(str::to_string)
}

fn groups(ids: &[String]) -> Option<Vec<String>> {
    (!ids.is_empty()).then(|| ids.to_vec())
}

/// CreateDBInstanceReadReplica called in the region the replica lives in,
/// the source given as its ARN (which names the source region).
pub(crate) async fn create_replica(
    c: &Clients,
    replica_id: &str,
    source_arn: &str,
    p: &Placement<'_>,
    kms_key_id: Option<&str>,
    tag_pairs: &[(&str, &str)],
) -> Result<(), CloudError> {
    c.rds
        .create_db_instance_read_replica()
        .db_instance_identifier(replica_id)
        .source_db_instance_identifier(source_arn)
        .set_db_instance_class(some(p.instance_class))
        .set_db_subnet_group_name(some(p.subnet_group))
        .set_db_parameter_group_name(some(p.parameter_group))
        .set_option_group_name(some(p.option_group))
        .set_vpc_security_group_ids(groups(p.security_group_ids))
        .set_multi_az(p.multi_az)
        .set_storage_type(some(p.storage_type))
        .set_deletion_protection(p.deletion_protection)
        .set_kms_key_id(some(kms_key_id))
        .set_tags(Some(tags(tag_pairs)))
        .send()
        .await
        .map_err(sdk("rds:CreateDBInstanceReadReplica"))?;
    Ok(())
}

pub(crate) async fn promote(
    c: &Clients,
    replica_id: &str,
    backup_retention_days: Option<i32>,
) -> Result<(), CloudError> {
    c.rds
        .promote_read_replica()
        .db_instance_identifier(replica_id)
        .set_backup_retention_period(backup_retention_days)
        .send()
        .await
        .map_err(sdk("rds:PromoteReadReplica"))?;
    Ok(())
}

/// ModifyDBInstance NewDBInstanceIdentifier, applied now: the old instance
/// keeps running under the new name, its endpoint changes with it.
pub(crate) async fn rename(c: &Clients, id: &str, new_id: &str) -> Result<(), CloudError> {
    c.rds
        .modify_db_instance()
        .db_instance_identifier(id)
        .new_db_instance_identifier(new_id)
        .apply_immediately(true)
        .send()
        .await
        .map_err(sdk("rds:ModifyDBInstance"))?;
    Ok(())
}

/// CopyDBClusterSnapshot in the target, the source given as its ARN.
pub(crate) async fn copy_cluster_snapshot(
    target: &Clients,
    source_arn: &str,
    new_id: &str,
    kms_key_id: Option<&str>,
    tag_pairs: &[(&str, &str)],
) -> Result<(), CloudError> {
    target
        .rds
        .copy_db_cluster_snapshot()
        .source_db_cluster_snapshot_identifier(source_arn)
        .target_db_cluster_snapshot_identifier(new_id)
        .set_kms_key_id(some(kms_key_id))
        .copy_tags(true)
        .set_tags(Some(tags(tag_pairs)))
        .send()
        .await
        .map_err(sdk("rds:CopyDBClusterSnapshot"))?;
    Ok(())
}

/// A cluster snapshot's status, ARN and tags; None when it is not there.
pub(crate) async fn cluster_snapshot(
    c: &Clients,
    id: &str,
) -> Result<Option<ClusterSnapshot>, CloudError> {
    let out = super::found(
        "rds:DescribeDBClusterSnapshots",
        c.rds
            .describe_db_cluster_snapshots()
            .db_cluster_snapshot_identifier(id)
            .send()
            .await,
    )?;
    Ok(out.and_then(|o| {
        o.db_cluster_snapshots().first().map(|s| ClusterSnapshot {
            status: s.status().unwrap_or_default().to_string(),
            arn: s.db_cluster_snapshot_arn().map(str::to_string),
            encrypted: s.storage_encrypted().unwrap_or(false),
            percent_progress: s.percent_progress(),
            source_tag: s
                .tag_list()
                .iter()
                .find(|t| t.key() == Some(crate::model::resource::SOURCE_ID_TAG))
                .and_then(|t| t.value().map(str::to_string)),
        })
    }))
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) struct ClusterSnapshot {
    pub(crate) status: String,
    pub(crate) arn: Option<String>,
    pub(crate) encrypted: bool,
    pub(crate) percent_progress: Option<i32>,
    pub(crate) source_tag: Option<String>,
}
