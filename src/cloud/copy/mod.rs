//! The AWS calls copy tasks make. Every copy is tagged with the source id
//! (and the task id) so a re-run finds it instead of making a second one.

pub(crate) mod archive;
pub mod batch;
pub(crate) mod bucket;
pub(crate) mod bucket_policy;
pub(crate) mod bucket_settings;
pub mod image;
pub(crate) mod instance;
pub mod key_pair;
pub(crate) mod launch;
pub(crate) mod launch_permissions;
pub(crate) mod network;
pub mod objects;
pub mod rds;
pub(crate) mod rds_landing;
pub(crate) mod rds_replica;
pub(crate) mod replication;
pub mod security_group;
pub mod snapshot;
pub(crate) mod versions;

use super::error::{sdk, CloudError};
use super::Clients;
use crate::model::resource::{SOURCE_ID_TAG, TASK_ID_TAG};
use aws_sdk_ec2::types as t;
use aws_smithy_runtime_api::client::result::SdkError;
use aws_smithy_runtime_api::http::Response;
use aws_smithy_types::error::metadata::ProvideErrorMetadata;
use std::collections::BTreeMap;

/// Tags to put on a resource as it is created, for `set_tag_specifications`:
/// none at all when there are no tags (AWS refuses an empty specification).
pub(crate) fn tagged(
    kind: t::ResourceType,
    tags: &[(&str, &str)],
) -> Option<Vec<t::TagSpecification>> {
    if tags.is_empty() {
        return None;
    }
    let mut spec = t::TagSpecification::builder().resource_type(kind);
    for (k, v) in tags {
        spec = spec.tags(t::Tag::builder().key(*k).value(*v).build());
    }
    Some(vec![spec.build()])
}

/// The tags that mark a copy: what it was copied from, and by which task.
pub(crate) fn copy_tags<'a>(source_id: &'a str, task_id: &'a str) -> [(&'static str, &'a str); 2] {
    [(SOURCE_ID_TAG, source_id), (TASK_ID_TAG, task_id)]
}

/// The tags a copy should carry over: the user's, not AWS's or cutover's own.
pub(crate) fn user_tags(tags: &BTreeMap<String, String>) -> Vec<(&str, &str)> {
    tags.iter()
        .filter(|(k, _)| !k.starts_with("aws:") && !k.starts_with("cutover:"))
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect()
}

/// Adds tags to existing EC2 resources.
pub(crate) async fn tag(
    c: &Clients,
    ids: &[&str],
    tags: &[(&str, &str)],
) -> Result<(), CloudError> {
    if tags.is_empty() {
        return Ok(());
    }
    let mut req = c.ec2.create_tags();
    for id in ids {
        req = req.resources(*id);
    }
    for (k, v) in tags {
        req = req.tags(t::Tag::builder().key(*k).value(*v).build());
    }
    req.send().await.map_err(sdk("ec2:CreateTags"))?;
    Ok(())
}

fn tag_filter(key: &str, value: &str) -> t::Filter {
    t::Filter::builder()
        .name(format!("tag:{key}"))
        .values(value)
        .build()
}

/// A describe-by-id answer: None when AWS says the thing is not there
/// ("InvalidSnapshot.NotFound", "DBSnapshotNotFound" and kin).
pub(crate) fn found<T, E>(
    operation: &'static str,
    answer: Result<T, SdkError<E, Response>>,
) -> Result<Option<T>, CloudError>
where
    E: ProvideErrorMetadata + std::error::Error + 'static,
{
    match answer {
        Ok(out) => Ok(Some(out)),
        Err(e) => {
            let e = CloudError::from_sdk(operation, e);
            let missing = e.code().is_some_and(|c| {
                c.ends_with("NotFound") || c.ends_with("NotFoundFault") || c.ends_with(".Malformed")
            });
            if missing {
                Ok(None)
            } else {
                Err(e)
            }
        }
    }
}
