//! Relaunching an instance: reading what it is made of in the source, and
//! the image it is captured in. The launch itself is in `launch.rs`.

use super::{found, tag_filter, tagged, CloudError};
use crate::cloud::ec2::{owned, tags};
use crate::cloud::error::sdk;
use crate::cloud::Clients;
use crate::model::launch::{BlockDevice, MetadataOptions, SourceInstance};
use crate::model::resource::TASK_ID_TAG;
use aws_sdk_ec2::types as t;
use std::collections::BTreeMap;

/// The instance `id` with its volumes, user data and Elastic IP; None when
/// the region does not hold it.
pub(crate) async fn read_instance(
    c: &Clients,
    id: &str,
) -> Result<Option<SourceInstance>, CloudError> {
    let Some(out) = found(
        "ec2:DescribeInstances",
        c.ec2.describe_instances().instance_ids(id).send().await,
    )?
    else {
        return Ok(None);
    };
    let Some(i) = out
        .reservations()
        .iter()
        .flat_map(|r| r.instances())
        .find(|i| i.instance_id() == Some(id))
    else {
        return Ok(None);
    };
    let mut found = SourceInstance {
        id: id.to_string(),
        state: i
            .state()
            .and_then(|s| s.name())
            .map(|s| s.as_str().to_string())
            .unwrap_or_default(),
        instance_type: i
            .instance_type()
            .map(|t| t.as_str().to_string())
            .unwrap_or_default(),
        availability_zone: i
            .placement()
            .and_then(|p| p.availability_zone())
            .unwrap_or_default()
            .to_string(),
        vpc_id: owned(i.vpc_id()),
        subnet_id: owned(i.subnet_id()),
        key_name: owned(i.key_name()),
        security_group_ids: i
            .security_groups()
            .iter()
            .filter_map(|g| owned(g.group_id()))
            .collect(),
        iam_profile: i
            .iam_instance_profile()
            .and_then(|p| p.arn())
            .and_then(|arn| arn.rsplit('/').next())
            .map(str::to_string),
        monitoring: i.monitoring().and_then(|m| m.state()).is_some_and(|s| {
            matches!(s, t::MonitoringState::Enabled | t::MonitoringState::Pending)
        }),
        metadata: i.metadata_options().map(|m| MetadataOptions {
            http_tokens: m.http_tokens().map(|s| s.as_str().to_string()),
            hop_limit: m.http_put_response_hop_limit(),
            endpoint: m.http_endpoint().map(|s| s.as_str().to_string()),
        }),
        tags: tags(i.tags()),
        root_device_type: i
            .root_device_type()
            .map(|d| d.as_str().to_string())
            .unwrap_or_default(),
        root_device_name: owned(i.root_device_name()),
        image_id: owned(i.image_id()),
        product_codes: i
            .product_codes()
            .iter()
            .filter_map(|p| owned(p.product_code_id()))
            .collect(),
        block_devices: Vec::new(),
        user_data: None,
        elastic_ip: None,
    };
    let attached: Vec<(String, String, bool)> = i
        .block_device_mappings()
        .iter()
        .filter_map(|m| {
            let ebs = m.ebs()?;
            Some((
                m.device_name()?.to_string(),
                ebs.volume_id()?.to_string(),
                ebs.delete_on_termination().unwrap_or(false),
            ))
        })
        .collect();
    found.block_devices = block_devices(c, attached).await?;
    found.user_data = user_data(c, id).await?;
    found.elastic_ip = elastic_ip(c, id).await?;
    Ok(Some(found))
}

async fn block_devices(
    c: &Clients,
    attached: Vec<(String, String, bool)>,
) -> Result<Vec<BlockDevice>, CloudError> {
    if attached.is_empty() {
        return Ok(Vec::new());
    }
    let out = c
        .ec2
        .describe_volumes()
        .set_volume_ids(Some(attached.iter().map(|(_, v, _)| v.clone()).collect()))
        .send()
        .await
        .map_err(sdk("ec2:DescribeVolumes"))?;
    let volumes: BTreeMap<&str, &t::Volume> = out
        .volumes()
        .iter()
        .filter_map(|v| Some((v.volume_id()?, v)))
        .collect();
    Ok(attached
        .iter()
        .map(|(device, volume, delete)| {
            let v = volumes.get(volume.as_str());
            BlockDevice {
                device_name: device.clone(),
                volume_id: volume.clone(),
                size_gib: v.and_then(|v| v.size()),
                volume_type: v
                    .and_then(|v| v.volume_type())
                    .map(|t| t.as_str().to_string()),
                iops: v.and_then(|v| v.iops()),
                throughput: v.and_then(|v| v.throughput()),
                encrypted: v.and_then(|v| v.encrypted()).unwrap_or(false),
                delete_on_termination: *delete,
            }
        })
        .collect())
}

/// The instance's user data, base64 as AWS keeps it.
pub(crate) async fn user_data(c: &Clients, id: &str) -> Result<Option<String>, CloudError> {
    let out = c
        .ec2
        .describe_instance_attribute()
        .instance_id(id)
        .attribute(t::InstanceAttributeName::UserData)
        .send()
        .await
        .map_err(sdk("ec2:DescribeInstanceAttribute"))?;
    Ok(out
        .user_data()
        .and_then(|u| u.value())
        .filter(|v| !v.is_empty())
        .map(str::to_string))
}

/// (allocation id, public IP) of the Elastic IP associated with `instance`.
pub(crate) async fn elastic_ip(
    c: &Clients,
    instance: &str,
) -> Result<Option<(String, String)>, CloudError> {
    let out = c
        .ec2
        .describe_addresses()
        .filters(
            t::Filter::builder()
                .name("instance-id")
                .values(instance)
                .build(),
        )
        .send()
        .await
        .map_err(sdk("ec2:DescribeAddresses"))?;
    Ok(out
        .addresses()
        .iter()
        .find_map(|a| Some((a.allocation_id()?.to_string(), a.public_ip()?.to_string()))))
}

/// A fresh image of the instance (its root and attached EBS volumes).
/// `no_reboot` keeps it running; the file systems may then be mid-write.
pub(crate) async fn create_image(
    c: &Clients,
    instance: &str,
    name: &str,
    no_reboot: bool,
    tags: &[(&str, &str)],
) -> Result<String, CloudError> {
    let out = c
        .ec2
        .create_image()
        .instance_id(instance)
        .name(name)
        .description(format!("cutover: relaunch image of {instance}"))
        .no_reboot(no_reboot)
        .set_tag_specifications(tagged(t::ResourceType::Image, tags))
        .send()
        .await
        .map_err(sdk("ec2:CreateImage"))?;
    out.image_id()
        .map(str::to_string)
        .ok_or_else(|| CloudError::Incomplete("CreateImage returned no image id".into()))
}

/// The image a task made earlier in `c`'s region, found by its task tag.
pub(crate) async fn image_of_task(
    c: &Clients,
    task_id: &str,
) -> Result<Option<String>, CloudError> {
    let out = c
        .ec2
        .describe_images()
        .owners("self")
        .filters(tag_filter(TASK_ID_TAG, task_id))
        .send()
        .await
        .map_err(sdk("ec2:DescribeImages"))?;
    Ok(out
        .images()
        .iter()
        .find(|i| i.state().map(|s| s.as_str()) != Some("deregistered"))
        .and_then(|i| i.image_id().map(str::to_string)))
}

/// source group id -> target group id, for groups cutover copied earlier
/// (they carry `cutover:source-id`).
pub(crate) async fn copied_groups(
    target: &Clients,
    source_ids: &[String],
) -> Result<BTreeMap<String, String>, CloudError> {
    if source_ids.is_empty() {
        return Ok(BTreeMap::new());
    }
    let out = target
        .ec2
        .describe_security_groups()
        .filters(
            t::Filter::builder()
                .name(format!("tag:{}", crate::model::resource::SOURCE_ID_TAG))
                .set_values(Some(source_ids.to_vec()))
                .build(),
        )
        .send()
        .await
        .map_err(sdk("ec2:DescribeSecurityGroups"))?;
    Ok(out
        .security_groups()
        .iter()
        .filter_map(|g| {
            let source = tags(g.tags()).remove(crate::model::resource::SOURCE_ID_TAG)?;
            Some((source, g.group_id()?.to_string()))
        })
        .collect())
}

/// A subnet of `c`'s region: (VPC id, AZ, CIDR); None when the region does
/// not hold it (e.g. a subnet of the other region).
pub(crate) async fn subnet(
    c: &Clients,
    id: &str,
) -> Result<Option<(String, String, String)>, CloudError> {
    let out = found(
        "ec2:DescribeSubnets",
        c.ec2.describe_subnets().subnet_ids(id).send().await,
    )?;
    Ok(out.and_then(|o| {
        o.subnets().first().map(|s| {
            (
                s.vpc_id().unwrap_or_default().to_string(),
                s.availability_zone().unwrap_or_default().to_string(),
                s.cidr_block().unwrap_or_default().to_string(),
            )
        })
    }))
}

/// The instance types offered in an AZ of `c`'s region (or in the region
/// when `az` is None).
pub(crate) async fn offered_types(
    c: &Clients,
    az: Option<&str>,
) -> Result<Vec<String>, CloudError> {
    let req = c.ec2.describe_instance_type_offerings();
    let req = match az {
        Some(az) => req
            .location_type(t::LocationType::AvailabilityZone)
            .filters(t::Filter::builder().name("location").values(az).build()),
        None => req.location_type(t::LocationType::Region),
    };
    let offerings = req
        .into_paginator()
        .items()
        .send()
        .try_collect()
        .await
        .map_err(sdk("ec2:DescribeInstanceTypeOfferings"))?;
    let mut types: Vec<String> = offerings
        .iter()
        .filter_map(|o| o.instance_type().map(|t| t.as_str().to_string()))
        .collect();
    types.sort();
    types.dedup();
    Ok(types)
}
