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

pub async fn create_db_snapshot(
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
pub async fn copy_db_snapshot(
    target: &Clients,
    source_arn: &str,
    new_id: &str,
    kms_key_id: Option<&str>,
    tag_pairs: &[(&str, &str)],
) -> Result<(), CloudError> {
    target
        .rds
        .copy_db_snapshot()
        .source_db_snapshot_identifier(source_arn)
        .target_db_snapshot_identifier(new_id)
        .set_kms_key_id(kms_key_id.map(str::to_string))
        .copy_tags(true)
        .set_tags(Some(tags(tag_pairs)))
        .send()
        .await
        .map_err(sdk("rds:CopyDBSnapshot"))?;
    Ok(())
}

pub struct Restore<'a> {
    pub instance_id: &'a str,
    pub snapshot_id: &'a str,
    pub instance_class: Option<&'a str>,
    pub subnet_group: Option<&'a str>,
    pub security_group_ids: &'a [String],
}

pub async fn restore(
    target: &Clients,
    r: &Restore<'_>,
    tag_pairs: &[(&str, &str)],
) -> Result<(), CloudError> {
    target
        .rds
        .restore_db_instance_from_db_snapshot()
        .db_instance_identifier(r.instance_id)
        .db_snapshot_identifier(r.snapshot_id)
        .set_db_instance_class(r.instance_class.map(str::to_string))
        .set_db_subnet_group_name(r.subnet_group.map(str::to_string))
        .set_vpc_security_group_ids(
            (!r.security_group_ids.is_empty()).then(|| r.security_group_ids.to_vec()),
        )
        .set_tags(Some(tags(tag_pairs)))
        .send()
        .await
        .map_err(sdk("rds:RestoreDBInstanceFromDBSnapshot"))?;
    Ok(())
}

pub async fn delete_db_snapshot(c: &Clients, id: &str) -> Result<(), CloudError> {
    c.rds
        .delete_db_snapshot()
        .db_snapshot_identifier(id)
        .send()
        .await
        .map_err(sdk("rds:DeleteDBSnapshot"))?;
    Ok(())
}
