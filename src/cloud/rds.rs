//! RDS DB instances, Aurora clusters and their manual snapshots.

use super::ec2::{owned, time};
use super::error::{sdk, CloudError};
use super::Clients;
use crate::model::resource::{self as m, Details, Resource};
use crate::model::Kind;
use aws_sdk_rds::types as t;
use std::collections::BTreeMap;

fn tags(tags: &[t::Tag]) -> BTreeMap<String, String> {
    tags.iter()
        .filter_map(|t| {
            Some((
                t.key()?.to_string(),
                t.value().unwrap_or_default().to_string(),
            ))
        })
        .collect()
}

pub(crate) async fn db_instances(c: &Clients) -> Result<Vec<Resource>, CloudError> {
    const OP: &str = "rds:DescribeDBInstances";
    c.rds
        .describe_db_instances()
        .into_paginator()
        .items()
        .send()
        .try_collect()
        .await
        .map_err(sdk(OP))
        .map(|db_instances| {
            db_instances
                .iter()
                .map(|d| db_instance(&c.region, d))
                .collect()
        })
}

pub(crate) fn db_instance(region: &str, d: &t::DbInstance) -> Resource {
    let id = d.db_instance_identifier().unwrap_or_default();
    let details = m::DbInstance {
        engine: d.engine().unwrap_or_default().to_string(),
        engine_version: owned(d.engine_version()),
        class: d.db_instance_class().unwrap_or_default().to_string(),
        storage_gib: d.allocated_storage().unwrap_or_default(),
        endpoint: owned(d.endpoint().and_then(|e| e.address())),
        port: d.endpoint().and_then(|e| e.port()),
        multi_az: d.multi_az().unwrap_or(false),
        encrypted: d.storage_encrypted().unwrap_or(false),
        kms_key_id: owned(d.kms_key_id()),
        arn: owned(d.db_instance_arn()),
        subnet_group: owned(d.db_subnet_group().and_then(|g| g.db_subnet_group_name())),
        security_group_ids: d
            .vpc_security_groups()
            .iter()
            .filter_map(|g| owned(g.vpc_security_group_id()))
            .collect(),
    };
    Resource::new(
        region,
        Kind::DbInstance,
        id,
        Details::DbInstance(Box::new(details)),
    )
    .with_state(d.db_instance_status().unwrap_or_default())
    .with_tags(tags(d.tag_list()))
    .with_name(id)
}

pub(crate) async fn db_snapshots(c: &Clients) -> Result<Vec<Resource>, CloudError> {
    const OP: &str = "rds:DescribeDBSnapshots";
    c.rds
        .describe_db_snapshots()
        .snapshot_type("manual")
        .into_paginator()
        .items()
        .send()
        .try_collect()
        .await
        .map_err(sdk(OP))
        .map(|db_snapshots| {
            db_snapshots
                .iter()
                .map(|s| db_snapshot(&c.region, s))
                .collect()
        })
}

pub(crate) fn db_snapshot(region: &str, s: &t::DbSnapshot) -> Resource {
    let id = s.db_snapshot_identifier().unwrap_or_default();
    let details = m::DbSnapshot {
        instance_id: s.db_instance_identifier().unwrap_or_default().to_string(),
        engine: s.engine().unwrap_or_default().to_string(),
        storage_gib: s.allocated_storage().unwrap_or_default(),
        created: time(s.snapshot_create_time()),
        percent_progress: s.percent_progress(),
        encrypted: s.encrypted().unwrap_or(false),
        kms_key_id: owned(s.kms_key_id()),
        arn: owned(s.db_snapshot_arn()),
    };
    Resource::new(region, Kind::DbSnapshot, id, Details::DbSnapshot(details))
        .with_state(s.status().unwrap_or_default())
        .with_tags(tags(s.tag_list()))
        .with_name(id)
}

pub(crate) async fn db_clusters(c: &Clients) -> Result<Vec<Resource>, CloudError> {
    const OP: &str = "rds:DescribeDBClusters";
    c.rds
        .describe_db_clusters()
        .into_paginator()
        .items()
        .send()
        .try_collect()
        .await
        .map_err(sdk(OP))
        .map(|db_clusters| {
            db_clusters
                .iter()
                .map(|d| db_cluster(&c.region, d))
                .collect()
        })
}

fn db_cluster(region: &str, d: &t::DbCluster) -> Resource {
    let id = d.db_cluster_identifier().unwrap_or_default();
    let details = m::DbCluster {
        engine: d.engine().unwrap_or_default().to_string(),
        engine_version: owned(d.engine_version()),
        endpoint: owned(d.endpoint()),
        reader_endpoint: owned(d.reader_endpoint()),
        port: d.port(),
        members: d
            .db_cluster_members()
            .iter()
            .filter_map(|m| owned(m.db_instance_identifier()))
            .collect(),
        multi_az: d.multi_az().unwrap_or(false),
        encrypted: d.storage_encrypted().unwrap_or(false),
        kms_key_id: owned(d.kms_key_id()),
        arn: owned(d.db_cluster_arn()),
        subnet_group: owned(d.db_subnet_group()),
        security_group_ids: d
            .vpc_security_groups()
            .iter()
            .filter_map(|g| owned(g.vpc_security_group_id()))
            .collect(),
    };
    Resource::new(
        region,
        Kind::DbCluster,
        id,
        Details::DbCluster(Box::new(details)),
    )
    .with_state(d.status().unwrap_or_default())
    .with_tags(tags(d.tag_list()))
    .with_name(id)
}

/// Manual cluster snapshots (automated ones go with their cluster).
pub(crate) async fn db_cluster_snapshots(c: &Clients) -> Result<Vec<Resource>, CloudError> {
    const OP: &str = "rds:DescribeDBClusterSnapshots";
    c.rds
        .describe_db_cluster_snapshots()
        .snapshot_type("manual")
        .into_paginator()
        .items()
        .send()
        .try_collect()
        .await
        .map_err(sdk(OP))
        .map(|db_cluster_snapshots| {
            db_cluster_snapshots
                .iter()
                .map(|s| db_cluster_snapshot(&c.region, s))
                .collect()
        })
}

fn db_cluster_snapshot(region: &str, s: &t::DbClusterSnapshot) -> Resource {
    let id = s.db_cluster_snapshot_identifier().unwrap_or_default();
    let details = m::DbClusterSnapshot {
        cluster_id: s.db_cluster_identifier().unwrap_or_default().to_string(),
        engine: s.engine().unwrap_or_default().to_string(),
        storage_gib: s.allocated_storage().unwrap_or_default(),
        created: time(s.snapshot_create_time()),
        percent_progress: s.percent_progress(),
        encrypted: s.storage_encrypted().unwrap_or(false),
        kms_key_id: owned(s.kms_key_id()),
        arn: owned(s.db_cluster_snapshot_arn()),
    };
    Resource::new(
        region,
        Kind::DbClusterSnapshot,
        id,
        Details::DbClusterSnapshot(details),
    )
    .with_state(s.status().unwrap_or_default())
    .with_tags(tags(s.tag_list()))
    .with_name(id)
}
