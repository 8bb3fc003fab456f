//! EC2 listings: instances, AMIs, volumes, snapshots, security groups, key
//! pairs, VPCs, subnets, Elastic IPs.

use super::error::{sdk, CloudError};
use super::Clients;
use crate::model::resource::{self as m, Details, Resource};
use crate::model::Kind;
use aws_sdk_ec2::types as t;
use std::collections::BTreeMap;

pub(crate) fn tags(tags: &[t::Tag]) -> BTreeMap<String, String> {
    tags.iter()
        .filter_map(|t| {
            Some((
                t.key()?.to_string(),
                t.value().unwrap_or_default().to_string(),
            ))
        })
        .collect()
}

pub(crate) fn time(t: Option<&aws_smithy_types::DateTime>) -> Option<String> {
    t.and_then(|t| t.fmt(aws_smithy_types::date_time::Format::DateTime).ok())
}

pub(crate) fn owned(s: Option<&str>) -> Option<String> {
    s.map(str::to_string)
}

pub(crate) async fn instances(c: &Clients) -> Result<Vec<Resource>, CloudError> {
    const OP: &str = "ec2:DescribeInstances";
    let reservations = c
        .ec2
        .describe_instances()
        .into_paginator()
        .items()
        .send()
        .try_collect()
        .await
        .map_err(sdk(OP))?;
    Ok(reservations
        .iter()
        .flat_map(|r| r.instances())
        .map(|i| instance(&c.region, i))
        .collect())
}

fn instance(region: &str, i: &t::Instance) -> Resource {
    let details = m::Instance {
        instance_type: i
            .instance_type()
            .map(|t| t.as_str().to_string())
            .unwrap_or_default(),
        availability_zone: i
            .placement()
            .and_then(|p| p.availability_zone())
            .unwrap_or_default()
            .to_string(),
        private_ip: owned(i.private_ip_address()),
        public_ip: owned(i.public_ip_address()),
        vpc_id: owned(i.vpc_id()),
        subnet_id: owned(i.subnet_id()),
        image_id: owned(i.image_id()),
        key_name: owned(i.key_name()),
        security_group_ids: i
            .security_groups()
            .iter()
            .filter_map(|g| owned(g.group_id()))
            .collect(),
        launched: time(i.launch_time()),
    };
    let state = i
        .state()
        .and_then(|s| s.name())
        .map(|s| s.as_str())
        .unwrap_or_default();
    Resource::new(
        region,
        Kind::Instance,
        i.instance_id().unwrap_or_default(),
        Details::Instance(Box::new(details)),
    )
    .with_state(state)
    .with_tags(tags(i.tags()))
}

pub(crate) async fn images(c: &Clients) -> Result<Vec<Resource>, CloudError> {
    const OP: &str = "ec2:DescribeImages";
    c.ec2
        .describe_images()
        .owners("self")
        .into_paginator()
        .items()
        .send()
        .try_collect()
        .await
        .map_err(sdk(OP))
        .map(|images| images.iter().map(|i| image(&c.region, i)).collect())
}

pub(crate) fn image(region: &str, i: &t::Image) -> Resource {
    let ami_name = i.name().unwrap_or_default().to_string();
    let details = m::Image {
        ami_name: ami_name.clone(),
        created: owned(i.creation_date()),
        description: owned(i.description()),
        architecture: i.architecture().map(|a| a.as_str().to_string()),
        root_device: i.root_device_type().map(|a| a.as_str().to_string()),
        snapshot_ids: i
            .block_device_mappings()
            .iter()
            .filter_map(|b| owned(b.ebs()?.snapshot_id()))
            .collect(),
        public: i.public().unwrap_or(false),
    };
    Resource::new(
        region,
        Kind::Image,
        i.image_id().unwrap_or_default(),
        Details::Image(details),
    )
    .with_state(i.state().map(|s| s.as_str()).unwrap_or_default())
    .with_tags(tags(i.tags()))
    .with_name(ami_name)
}

pub(crate) async fn volumes(c: &Clients) -> Result<Vec<Resource>, CloudError> {
    const OP: &str = "ec2:DescribeVolumes";
    c.ec2
        .describe_volumes()
        .into_paginator()
        .items()
        .send()
        .try_collect()
        .await
        .map_err(sdk(OP))
        .map(|volumes| volumes.iter().map(|v| volume(&c.region, v)).collect())
}

pub(crate) fn volume(region: &str, v: &t::Volume) -> Resource {
    let details = m::Volume {
        size_gib: v.size().unwrap_or_default(),
        volume_type: v
            .volume_type()
            .map(|t| t.as_str().to_string())
            .unwrap_or_default(),
        availability_zone: v.availability_zone().unwrap_or_default().to_string(),
        attached_to: v.attachments().iter().find_map(|a| owned(a.instance_id())),
        encrypted: v.encrypted().unwrap_or(false),
        kms_key_id: owned(v.kms_key_id()),
        snapshot_id: owned(v.snapshot_id()).filter(|s| !s.is_empty()),
        iops: v.iops(),
        throughput: v.throughput(),
    };
    Resource::new(
        region,
        Kind::Volume,
        v.volume_id().unwrap_or_default(),
        Details::Volume(details),
    )
    .with_state(v.state().map(|s| s.as_str()).unwrap_or_default())
    .with_tags(tags(v.tags()))
}

pub(crate) async fn snapshots(c: &Clients) -> Result<Vec<Resource>, CloudError> {
    const OP: &str = "ec2:DescribeSnapshots";
    c.ec2
        .describe_snapshots()
        .owner_ids("self")
        .into_paginator()
        .items()
        .send()
        .try_collect()
        .await
        .map_err(sdk(OP))
        .map(|snapshots| snapshots.iter().map(|s| snapshot(&c.region, s)).collect())
}

pub(crate) fn snapshot(region: &str, s: &t::Snapshot) -> Resource {
    let details = m::Snapshot {
        volume_id: owned(s.volume_id()),
        size_gib: s.volume_size().unwrap_or_default(),
        progress: owned(s.progress()),
        started: time(s.start_time()),
        encrypted: s.encrypted().unwrap_or(false),
        description: owned(s.description()),
    };
    Resource::new(
        region,
        Kind::Snapshot,
        s.snapshot_id().unwrap_or_default(),
        Details::Snapshot(details),
    )
    .with_state(s.state().map(|s| s.as_str()).unwrap_or_default())
    .with_tags(tags(s.tags()))
}

pub(crate) async fn security_groups(c: &Clients) -> Result<Vec<Resource>, CloudError> {
    const OP: &str = "ec2:DescribeSecurityGroups";
    c.ec2
        .describe_security_groups()
        .into_paginator()
        .items()
        .send()
        .try_collect()
        .await
        .map_err(sdk(OP))
        .map(|security_groups| {
            security_groups
                .iter()
                .map(|g| security_group(&c.region, g))
                .collect()
        })
}

pub(crate) fn security_group(region: &str, g: &t::SecurityGroup) -> Resource {
    let group_name = g.group_name().unwrap_or_default().to_string();
    let details = m::SecurityGroup {
        group_name: group_name.clone(),
        vpc_id: owned(g.vpc_id()),
        description: g.description().unwrap_or_default().to_string(),
        ingress: g.ip_permissions().iter().map(rule).collect(),
        egress: g.ip_permissions_egress().iter().map(rule).collect(),
    };
    Resource::new(
        region,
        Kind::SecurityGroup,
        g.group_id().unwrap_or_default(),
        Details::SecurityGroup(details),
    )
    .with_state("available")
    .with_tags(tags(g.tags()))
    .with_name(group_name)
}

fn rule(p: &t::IpPermission) -> m::Rule {
    m::Rule {
        protocol: p.ip_protocol().unwrap_or("-1").to_string(),
        from_port: p.from_port(),
        to_port: p.to_port(),
        cidrs: p
            .ip_ranges()
            .iter()
            .filter_map(|r| owned(r.cidr_ip()))
            .collect(),
        ipv6_cidrs: p
            .ipv6_ranges()
            .iter()
            .filter_map(|r| owned(r.cidr_ipv6()))
            .collect(),
        prefix_lists: p
            .prefix_list_ids()
            .iter()
            .filter_map(|r| owned(r.prefix_list_id()))
            .collect(),
        groups: p
            .user_id_group_pairs()
            .iter()
            .filter_map(|g| owned(g.group_id()))
            .collect(),
    }
}

pub(crate) async fn key_pairs(c: &Clients) -> Result<Vec<Resource>, CloudError> {
    const OP: &str = "ec2:DescribeKeyPairs";
    let page = c
        .ec2
        .describe_key_pairs()
        .include_public_key(true)
        .send()
        .await
        .map_err(sdk(OP))?;
    Ok(page
        .key_pairs()
        .iter()
        .map(|k| key_pair(&c.region, k))
        .collect())
}

pub(crate) fn key_pair(region: &str, k: &t::KeyPairInfo) -> Resource {
    let name = k.key_name().unwrap_or_default();
    let details = m::KeyPair {
        key_pair_id: owned(k.key_pair_id()),
        fingerprint: owned(k.key_fingerprint()),
        key_type: k.key_type().map(|t| t.as_str().to_string()),
        public_key: owned(k.public_key()),
    };
    Resource::new(region, Kind::KeyPair, name, Details::KeyPair(details))
        .with_state("available")
        .with_tags(tags(k.tags()))
        .with_name(name)
}

pub(crate) async fn vpcs(c: &Clients) -> Result<Vec<Resource>, CloudError> {
    const OP: &str = "ec2:DescribeVpcs";
    c.ec2
        .describe_vpcs()
        .into_paginator()
        .items()
        .send()
        .try_collect()
        .await
        .map_err(sdk(OP))
        .map(|vpcs| vpcs.iter().map(|v| vpc(&c.region, v)).collect())
}

fn vpc(region: &str, v: &t::Vpc) -> Resource {
    let details = m::Vpc {
        cidr: v.cidr_block().unwrap_or_default().to_string(),
        is_default: v.is_default().unwrap_or(false),
    };
    Resource::new(
        region,
        Kind::Vpc,
        v.vpc_id().unwrap_or_default(),
        Details::Vpc(details),
    )
    .with_state(v.state().map(|s| s.as_str()).unwrap_or_default())
    .with_tags(tags(v.tags()))
}

pub(crate) async fn subnets(c: &Clients) -> Result<Vec<Resource>, CloudError> {
    const OP: &str = "ec2:DescribeSubnets";
    c.ec2
        .describe_subnets()
        .into_paginator()
        .items()
        .send()
        .try_collect()
        .await
        .map_err(sdk(OP))
        .map(|subnets| subnets.iter().map(|s| subnet(&c.region, s)).collect())
}

fn subnet(region: &str, s: &t::Subnet) -> Resource {
    let details = m::Subnet {
        vpc_id: s.vpc_id().unwrap_or_default().to_string(),
        cidr: s.cidr_block().unwrap_or_default().to_string(),
        availability_zone: s.availability_zone().unwrap_or_default().to_string(),
    };
    Resource::new(
        region,
        Kind::Subnet,
        s.subnet_id().unwrap_or_default(),
        Details::Subnet(details),
    )
    .with_state(s.state().map(|s| s.as_str()).unwrap_or_default())
    .with_tags(tags(s.tags()))
}

pub(crate) async fn elastic_ips(c: &Clients) -> Result<Vec<Resource>, CloudError> {
    const OP: &str = "ec2:DescribeAddresses";
    let page = c.ec2.describe_addresses().send().await.map_err(sdk(OP))?;
    Ok(page
        .addresses()
        .iter()
        .map(|a| elastic_ip(&c.region, a))
        .collect())
}

fn elastic_ip(region: &str, a: &t::Address) -> Resource {
    let public_ip = a.public_ip().unwrap_or_default().to_string();
    let id = a
        .allocation_id()
        .map(str::to_string)
        .unwrap_or_else(|| public_ip.clone());
    // A NAT gateway's address is held by its network interface.
    let state = if a.instance_id().is_some() || a.network_interface_id().is_some() {
        "associated"
    } else {
        "unassociated"
    };
    let details = m::ElasticIp {
        public_ip: public_ip.clone(),
        allocation_id: owned(a.allocation_id()),
        instance_id: owned(a.instance_id()),
        private_ip: owned(a.private_ip_address()),
    };
    Resource::new(region, Kind::ElasticIp, id, Details::ElasticIp(details))
        .with_name(public_ip)
        .with_state(state)
        .with_tags(tags(a.tags()))
}
