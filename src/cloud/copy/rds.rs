//! RDS: manual snapshots, cross-region snapshot copies, restores.

use crate::cloud::error::{sdk, CloudError};
use crate::cloud::{rds, Clients};
use crate::model::Resource;
use aws_sdk_rds::types::Tag;

fn tags(pairs: &[(&str, &str)]) -> Vec<Tag> {
    pairs
        .iter()
        .map(|(k, v)| Tag::builder().key(*k).value(*v).build())
        .collect()
}

pub async fn db_instance(c: &Clients, id: &str) -> Result<Option<Resource>, CloudError> {
    let out = super::found(
        "rds:DescribeDBInstances",
        c.rds
            .describe_db_instances()
            .db_instance_identifier(id)
            .send()
            .await,
    )?;
    Ok(out.and_then(|o| {
        o.db_instances()
            .first()
            .map(|d| rds::db_instance(&c.region, d))
    }))
}

pub async fn db_snapshot(c: &Clients, id: &str) -> Result<Option<Resource>, CloudError> {
    let out = super::found(
        "rds:DescribeDBSnapshots",
        c.rds
            .describe_db_snapshots()
            .db_snapshot_identifier(id)
            .send()
            .await,
    )?;
    Ok(out.and_then(|o| {
        o.db_snapshots()
            .first()
            .map(|s| rds::db_snapshot(&c.region, s))
    }))
}

pub(crate) async fn create_db_snapshot(
    c: &Clients,
    snapshot_id: &str,
    instance_id: &str,
    tag_pairs: &[(&str, &str)],
) -> Result<(), CloudError> {
    c.rds
        .create_db_snapshot()
        .db_snapshot_identifier(snapshot_id)
        .db_instance_identifier(instance_id)
        .set_tags(Some(tags(tag_pairs)))
        .send()
        .await
        .map_err(sdk("rds:CreateDBSnapshot"))?;
    Ok(())
}

/// CopyDBSnapshot called in the target, the source given as its ARN (the
/// Rust SDK has no SourceRegion; the ARN names the region outside GovCloud).
pub(crate) async fn copy_db_snapshot(
    target: &Clients,
    source_arn: &str,
    new_id: &str,
    kms_key_id: Option<&str>,
    option_group: Option<&str>,
    tag_pairs: &[(&str, &str)],
) -> Result<(), CloudError> {
    target
        .rds
        .copy_db_snapshot()
        .source_db_snapshot_identifier(source_arn)
        .target_db_snapshot_identifier(new_id)
        .set_kms_key_id(kms_key_id.map(str::to_string))
        .set_option_group_name(option_group.map(str::to_string))
        .copy_tags(true)
        .set_tags(Some(tags(tag_pairs)))
        .send()
        .await
        .map_err(sdk("rds:CopyDBSnapshot"))?;
    Ok(())
}

pub(crate) struct Restore<'a> {
    pub(crate) instance_id: &'a str,
    pub(crate) snapshot_id: &'a str,
    pub(crate) placement: super::rds_replica::Placement<'a>,
    pub(crate) backup_retention_days: Option<i32>,
}

pub(crate) async fn restore(
    target: &Clients,
    r: &Restore<'_>,
    tag_pairs: &[(&str, &str)],
) -> Result<(), CloudError> {
    let p = &r.placement;
    let text = |v: Option<&str>| v.map(str::to_string);
    target
        .rds
        .restore_db_instance_from_db_snapshot()
        .db_instance_identifier(r.instance_id)
        .db_snapshot_identifier(r.snapshot_id)
        .set_db_instance_class(text(p.instance_class))
        .set_db_subnet_group_name(text(p.subnet_group))
        .set_db_parameter_group_name(text(p.parameter_group))
        .set_option_group_name(text(p.option_group))
        .set_vpc_security_group_ids(
            (!p.security_group_ids.is_empty()).then(|| p.security_group_ids.to_vec()),
        )
        .set_multi_az(p.multi_az)
        .set_storage_type(text(p.storage_type))
        .set_deletion_protection(p.deletion_protection)
        .set_backup_retention_period(r.backup_retention_days)
        .set_tags(Some(tags(tag_pairs)))
        .send()
        .await
        .map_err(sdk("rds:RestoreDBInstanceFromDBSnapshot"))?;
    Ok(())
}

pub(crate) async fn delete_db_snapshot(c: &Clients, id: &str) -> Result<(), CloudError> {
    c.rds
        .delete_db_snapshot()
        .db_snapshot_identifier(id)
        .send()
        .await
        .map_err(sdk("rds:DeleteDBSnapshot"))?;
    Ok(())
}
