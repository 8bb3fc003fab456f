//! EBS: snapshot a volume, copy a snapshot across regions, make a volume.

use super::{tag_filter, tagged, CloudError};
use crate::cloud::ec2;
use crate::cloud::error::sdk;
use crate::cloud::Clients;
use crate::model::Resource;
use aws_sdk_ec2::types as t;

pub async fn snapshot(c: &Clients, id: &str) -> Result<Option<Resource>, CloudError> {
    let out = super::found(
        "ec2:DescribeSnapshots",
        c.ec2.describe_snapshots().snapshot_ids(id).send().await,
    )?;
    Ok(out.and_then(|o| o.snapshots().first().map(|s| ec2::snapshot(&c.region, s))))
}

pub async fn volume(c: &Clients, id: &str) -> Result<Option<Resource>, CloudError> {
    let out = super::found(
        "ec2:DescribeVolumes",
        c.ec2.describe_volumes().volume_ids(id).send().await,
    )?;
    Ok(out.and_then(|o| o.volumes().first().map(|v| ec2::volume(&c.region, v))))
}

/// A snapshot of the account's carrying `key=value`.
pub(crate) async fn find_tagged(
    c: &Clients,
    key: &str,
    value: &str,
) -> Result<Option<String>, CloudError> {
    let out = c
        .ec2
        .describe_snapshots()
        .owner_ids("self")
        .filters(tag_filter(key, value))
        .send()
        .await
        .map_err(sdk("ec2:DescribeSnapshots"))?;
    Ok(out
        .snapshots()
        .first()
        .and_then(|s| s.snapshot_id().map(str::to_string)))
}

pub(crate) async fn create_snapshot(
    c: &Clients,
    volume_id: &str,
    description: &str,
    tags: &[(&str, &str)],
) -> Result<String, CloudError> {
    let out = c
        .ec2
        .create_snapshot()
        .volume_id(volume_id)
        .description(description)
        .set_tag_specifications(tagged(t::ResourceType::Snapshot, tags))
        .send()
        .await
        .map_err(sdk("ec2:CreateSnapshot"))?;
    out.snapshot_id()
        .map(str::to_string)
        .ok_or_else(|| CloudError::Incomplete("CreateSnapshot returned no id".into()))
}

pub(crate) struct SnapshotCopy<'a> {
    pub(crate) source_region: &'a str,
    pub(crate) source_id: &'a str,
    pub(crate) description: &'a str,
    pub(crate) kms_key_id: Option<&'a str>,
    pub(crate) tags: &'a [(&'a str, &'a str)],
}

/// CopySnapshot called in the target. Unencrypted sources need no presigned
/// URL; encrypted ones are re-encrypted with `kms_key_id`.
pub(crate) async fn copy_snapshot(
    target: &Clients,
    copy: &SnapshotCopy<'_>,
) -> Result<String, CloudError> {
    let mut req = target
        .ec2
        .copy_snapshot()
        .source_region(copy.source_region)
        .source_snapshot_id(copy.source_id)
        .description(copy.description)
        .set_tag_specifications(tagged(t::ResourceType::Snapshot, copy.tags));
    if let Some(key) = copy.kms_key_id {
        req = req.encrypted(true).kms_key_id(key);
    }
    let out = req.send().await.map_err(sdk("ec2:CopySnapshot"))?;
    out.snapshot_id()
        .map(str::to_string)
        .ok_or_else(|| CloudError::Incomplete("CopySnapshot returned no id".into()))
}

/// (state, AWS's progress in percent when it gives one).
pub(crate) async fn snapshot_state(
    c: &Clients,
    id: &str,
) -> Result<(String, Option<u8>), CloudError> {
    let Some(s) = snapshot(c, id).await? else {
        return Ok(("missing".into(), None));
    };
    let progress = match &s.details {
        crate::model::Details::Snapshot(d) => d.progress.as_deref().and_then(parse_percent),
        _ => None,
    };
    Ok((s.state.into(), progress))
}

/// "45%" -> 45.
pub(crate) fn parse_percent(text: &str) -> Option<u8> {
    text.trim()
        .trim_end_matches('%')
        .parse::<u8>()
        .ok()
        .filter(|p| *p <= 100)
}

pub(crate) async fn delete_snapshot(c: &Clients, id: &str) -> Result<(), CloudError> {
    c.ec2
        .delete_snapshot()
        .snapshot_id(id)
        .send()
        .await
        .map_err(sdk("ec2:DeleteSnapshot"))?;
    Ok(())
}

/// A volume to make from a snapshot copy, with the source volume's settings.
pub(crate) struct VolumeRequest<'a> {
    pub(crate) zone: &'a str,
    pub(crate) snapshot_id: &'a str,
    /// gp3, io2, ...; None: AWS's default (gp2 or gp3, by region).
    pub(crate) volume_type: Option<&'a str>,
    pub(crate) iops: Option<i32>,
    pub(crate) throughput: Option<i32>,
    /// Encrypt with this target key (a snapshot that is encrypted makes an
    /// encrypted volume anyway; the key says which).
    pub(crate) kms_key_id: Option<&'a str>,
    pub(crate) tags: &'a [(&'a str, &'a str)],
}

pub(crate) async fn create_volume(
    c: &Clients,
    v: &VolumeRequest<'_>,
) -> Result<String, CloudError> {
    let mut req = c
        .ec2
        .create_volume()
        .availability_zone(v.zone)
        .snapshot_id(v.snapshot_id)
        .set_volume_type(v.volume_type.map(t::VolumeType::from))
        .set_iops(v.iops)
        .set_throughput(v.throughput)
        .set_tag_specifications(tagged(t::ResourceType::Volume, v.tags));
    if let Some(key) = v.kms_key_id {
        req = req.encrypted(true).kms_key_id(key);
    }
    let out = req.send().await.map_err(sdk("ec2:CreateVolume"))?;
    out.volume_id()
        .map(str::to_string)
        .ok_or_else(|| CloudError::Incomplete("CreateVolume returned no id".into()))
}

/// A volume of the region carrying `key=value` (a re-run adopts it).
pub(crate) async fn find_volume_tagged(
    c: &Clients,
    key: &str,
    value: &str,
) -> Result<Option<String>, CloudError> {
    let out = c
        .ec2
        .describe_volumes()
        .filters(tag_filter(key, value))
        .send()
        .await
        .map_err(sdk("ec2:DescribeVolumes"))?;
    Ok(out
        .volumes()
        .first()
        .and_then(|v| v.volume_id().map(str::to_string)))
}

#[cfg(test)]
mod tests {
    #[test]
    fn percent_text() {
        assert_eq!(super::parse_percent("45%"), Some(45));
        assert_eq!(super::parse_percent("100%"), Some(100));
        assert_eq!(super::parse_percent(""), None);
        assert_eq!(super::parse_percent("300%"), None);
    }
}
