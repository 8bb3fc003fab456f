//! The pre-flight reads of data services: bucket contents and policies,
//! DB backups, option and parameter groups, reserved instances.

use super::ec2::owned;
use super::error::{sdk, CloudError};
use super::Clients;
use crate::model::facts::{BucketFacts, DbFacts, Facts, FoundText, Reservation, Reserved, Wanted};

pub(super) async fn read_into(
    s: &Clients,
    wanted: &Wanted,
    facts: &mut Facts,
    note: &mut impl FnMut(&str, CloudError),
) {
    for name in &wanted.buckets {
        match bucket(s, name).await {
            Ok(b) => {
                if let Some(policy) = &b.policy {
                    facts.texts.push(FoundText {
                        place: format!("bucket {name} policy"),
                        text: policy.clone(),
                    });
                }
                facts.buckets.push(b);
            }
            Err(e) => note(&format!("bucket {name}"), e),
        }
    }
    for id in &wanted.db_ids {
        match database(s, id).await {
            Ok((db, params)) => {
                facts.databases.push(db);
                facts.texts.extend(params);
            }
            Err(e) => note(&format!("DB instance {id}"), e),
        }
    }
    facts.reserved = reserved(s).await;
}

fn is_archived(class: &str) -> bool {
    matches!(class, "GLACIER" | "DEEP_ARCHIVE")
}

/// Counts a bucket's objects, bytes, archived objects and old versions.
/// ListObjectVersions sees everything at once; buckets that never had
/// versioning answer it too, with every object current. Paged by hand: the
/// SDK has no paginator for ListObjectVersions (its page ends on two markers).
async fn bucket(c: &Clients, name: &str) -> Result<BucketFacts, CloudError> {
    const OP: &str = "s3:ListObjectVersions";
    let mut facts = BucketFacts {
        name: name.to_string(),
        ..Default::default()
    };
    let mut pages = super::paging::Pages::new(OP);
    let (mut key, mut version) = (None, None);
    loop {
        let page =
            c.s3.list_object_versions()
                .bucket(name)
                .set_key_marker(key.take())
                .set_version_id_marker(version.take())
                .send()
                .await
                .map_err(sdk(OP))?;
        for v in page.versions() {
            let class = v.storage_class().map(|c| c.as_str()).unwrap_or("STANDARD");
            if is_archived(class) {
                facts.archived += 1;
            }
            if v.is_latest().unwrap_or(true) {
                facts.objects += 1;
                facts.bytes += v.size().unwrap_or_default().max(0) as u64;
            } else {
                facts.old_versions += 1;
            }
        }
        facts.old_versions += page.delete_markers().len() as u64;
        if page.is_truncated() != Some(true) {
            break;
        }
        let token = format!(
            "{}|{}",
            page.next_key_marker().unwrap_or_default(),
            page.next_version_id_marker().unwrap_or_default()
        );
        if pages.next(Some(token))?.is_none() {
            break;
        }
        key = owned(page.next_key_marker());
        version = owned(page.next_version_id_marker());
    }
    facts.policy = match c.s3.get_bucket_policy().bucket(name).send().await {
        Ok(p) => owned(p.policy()),
        Err(e) => {
            let e = CloudError::from_sdk("s3:GetBucketPolicy", e);
            if e.code() == Some("NoSuchBucketPolicy") {
                None
            } else {
                return Err(e);
            }
        }
    };
    Ok(facts)
}

async fn database(c: &Clients, id: &str) -> Result<(DbFacts, Vec<FoundText>), CloudError> {
    let out = c
        .rds
        .describe_db_instances()
        .db_instance_identifier(id)
        .send()
        .await
        .map_err(sdk("rds:DescribeDBInstances"))?;
    let Some(d) = out.db_instances().first() else {
        return Err(CloudError::Refused(format!("DB instance {id} not found")));
    };
    let db = DbFacts {
        id: id.to_string(),
        engine: d.engine().unwrap_or_default().to_string(),
        backup_retention_days: d.backup_retention_period().unwrap_or_default(),
        option_groups: d
            .option_group_memberships()
            .iter()
            .filter_map(|o| owned(o.option_group_name()))
            .filter(|n| !n.starts_with("default:"))
            .collect(),
    };
    let mut texts = Vec::new();
    for group in d
        .db_parameter_groups()
        .iter()
        .filter_map(|g| g.db_parameter_group_name())
        .filter(|n| !n.starts_with("default."))
    {
        let params = c
            .rds
            .describe_db_parameters()
            .db_parameter_group_name(group)
            .source("user")
            .send()
            .await
            .map_err(sdk("rds:DescribeDBParameters"))?;
        for p in params.parameters() {
            if let (Some(name), Some(value)) = (p.parameter_name(), p.parameter_value()) {
                texts.push(FoundText {
                    place: format!("DB {id} parameter group {group}: {name}"),
                    text: value.to_string(),
                });
            }
        }
    }
    Ok((db, texts))
}

/// Reserved EC2 and RDS instances. An error (moto does not implement
/// these calls; a role may lack the permission) makes the answer
/// "unknown", said as such, never "none".
async fn reserved(c: &Clients) -> Reserved {
    let ec2 = c
        .ec2
        .describe_reserved_instances()
        .send()
        .await
        .map_err(sdk("ec2:DescribeReservedInstances"));
    let rds = c
        .rds
        .describe_reserved_db_instances()
        .send()
        .await
        .map_err(sdk("rds:DescribeReservedDBInstances"));
    let mut reservations = Vec::new();
    let mut unknown = Vec::new();
    match ec2 {
        Ok(out) => reservations.extend(
            out.reserved_instances()
                .iter()
                .filter(|r| r.state().map(|s| s.as_str()) == Some("active"))
                .map(|r| Reservation {
                    service: "ec2".into(),
                    id: r.reserved_instances_id().unwrap_or_default().into(),
                    class: r
                        .instance_type()
                        .map(|t| t.as_str().to_string())
                        .unwrap_or_default(),
                    count: r.instance_count().unwrap_or_default(),
                }),
        ),
        Err(e) => unknown.push(e.to_string()),
    }
    match rds {
        Ok(out) => reservations.extend(
            out.reserved_db_instances()
                .iter()
                .filter(|r| r.state() == Some("active"))
                .map(|r| Reservation {
                    service: "rds".into(),
                    id: r.reserved_db_instance_id().unwrap_or_default().into(),
                    class: r.db_instance_class().unwrap_or_default().into(),
                    count: r.db_instance_count().unwrap_or_default(),
                }),
        ),
        Err(e) => unknown.push(e.to_string()),
    }
    Reserved {
        reservations,
        unknown: (!unknown.is_empty()).then(|| unknown.join("; ")),
    }
}
