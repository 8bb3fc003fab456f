//! The VPC, its subnets, its internet gateways and NAT gateways.

use super::{tags_for, Work};
use crate::cloud::copy::network::{gateways as gw, made, read, vpc as v, Piece};
use crate::cloud::CloudError;
use crate::migrate::wait::{until_ready, Poll};
use crate::model::network::{map_zones, parse_az_map};
use std::collections::BTreeMap;

/// Source AZ -> target AZ, checked against the target's zones: refused
/// before anything is made.
pub(crate) async fn zone_map(work: &Work<'_>) -> Result<BTreeMap<String, String>, CloudError> {
    let spec = work.ctx.spec;
    let asked = parse_az_map(spec.options.az_map.as_deref().unwrap_or_default())
        .map_err(CloudError::Refused)?;
    let target_zones = read::zones(&work.ctx.regions.target).await?;
    map_zones(
        &work.net.zones(),
        &target_zones,
        &asked,
        &spec.target_region,
    )
    .map_err(CloudError::Refused)
}

pub(crate) async fn vpc(work: &mut Work<'_>) -> Result<(), CloudError> {
    let zones = zone_map(work).await?;
    let target = &work.ctx.regions.target;
    for (from, to) in &zones {
        work.result.outputs.insert(format!("az:{from}"), to.clone());
    }
    let net = work.net.clone();
    let task = work.task_id().to_string();
    let (vpc, created) = match made(target, Piece::Vpc).await?.get(&net.vpc_id) {
        Some(found) => (found.clone(), false),
        None => {
            let primary = net.cidrs.first().ok_or_else(|| {
                CloudError::Refused(format!("VPC {} has no IPv4 CIDR block", net.vpc_id))
            })?;
            let tags = tags_for(&net.tags, &net.vpc_id, &task);
            (
                v::create_vpc(target, primary, &tags)
                    .await
                    .map_err(vpc_limit)?,
                true,
            )
        }
    };
    work.record(&net.vpc_id, &vpc, created);
    let has: Vec<String> = read::vpc_cidrs(target)
        .await?
        .into_iter()
        .filter(|(id, _)| *id == vpc)
        .map(|(_, cidr)| cidr)
        .collect();
    for cidr in net.cidrs.iter().skip(1).filter(|c| !has.contains(c)) {
        v::add_cidr(target, &vpc, cidr).await?;
    }
    v::set_dns(target, &vpc, net.dns_support, net.dns_hostnames).await?;
    if let Some(dhcp) = &net.dhcp {
        let id = match made(target, Piece::DhcpOptions).await?.get(&dhcp.id) {
            Some(found) => found.clone(),
            None => {
                let id = v::create_dhcp_options(
                    target,
                    &dhcp.settings,
                    &tags_for(&dhcp.tags, &dhcp.id, &task),
                )
                .await?;
                work.created.push(id.clone());
                id
            }
        };
        v::use_dhcp_options(target, &vpc, &id).await?;
        work.record(&dhcp.id, &id, false);
    }
    let spread: Vec<String> = zones.iter().map(|(a, b)| format!("{a} -> {b}")).collect();
    work.result.notes.push(format!(
        "{} is {vpc} in {}; subnets by AZ: {}",
        net.vpc_id,
        work.ctx.spec.target_region,
        spread.join(", ")
    ));
    Ok(())
}

pub(crate) async fn subnets(work: &mut Work<'_>) -> Result<(), CloudError> {
    let target = &work.ctx.regions.target;
    let vpc = work.target_vpc()?;
    let task = work.task_id().to_string();
    let existing = made(target, Piece::Subnet).await?;
    for s in work.net.subnets.clone() {
        let id = match existing.get(&s.id) {
            Some(found) => found.clone(),
            None => {
                let zone = work
                    .ctx
                    .outputs
                    .get(&format!("az:{}", s.zone))
                    .cloned()
                    .ok_or_else(|| {
                        CloudError::Refused(format!(
                            "subnet {} is in {}, which the AZ map does not name: retry the task from its first step",
                            s.id, s.zone
                        ))
                    })?;
                let id = v::create_subnet(
                    target,
                    &vpc,
                    &s.cidr,
                    &zone,
                    &tags_for(&s.tags, &s.id, &task),
                )
                .await?;
                work.created.push(id.clone());
                id
            }
        };
        if s.map_public_ip {
            v::set_public_ip_on_launch(target, &id, true).await?;
        }
        work.record(&s.id, &id, false);
    }
    Ok(())
}

pub(crate) async fn gateways(work: &mut Work<'_>) -> Result<(), CloudError> {
    let target = &work.ctx.regions.target;
    let vpc = work.target_vpc()?;
    let task = work.task_id().to_string();
    if let Some(igw) = work.net.internet_gateway.clone() {
        let id = match made(target, Piece::InternetGateway).await?.get(&igw.id) {
            Some(found) => found.clone(),
            None => {
                let id = gw::create_internet_gateway(target, &tags_for(&igw.tags, &igw.id, &task))
                    .await?;
                work.created.push(id.clone());
                id
            }
        };
        gw::attach_internet_gateway(target, &id, &vpc).await?;
        work.record(&igw.id, &id, false);
    }
    if let Some(eigw) = work.net.egress_only_gateway.clone() {
        let id = match made(target, Piece::EgressOnlyGateway).await?.get(&eigw.id) {
            Some(found) => found.clone(),
            None => {
                let id = gw::create_egress_only_gateway(
                    target,
                    &vpc,
                    &tags_for(&eigw.tags, &eigw.id, &task),
                )
                .await?;
                work.created.push(id.clone());
                id
            }
        };
        work.record(&eigw.id, &id, false);
    }
    Ok(())
}

/// Each NAT gateway in its mapped subnet with a NEW Elastic IP: the task
/// says the new address, since partners may allow-list the old one.
pub(crate) async fn nat_gateways(work: &mut Work<'_>) -> Result<(), CloudError> {
    let target = &work.ctx.regions.target;
    let task = work.task_id().to_string();
    let (gateways, addresses) = (
        made(target, Piece::NatGateway).await?,
        made(target, Piece::ElasticIp).await?,
    );
    for nat in work.net.nat_gateways.clone() {
        let subnet = work.need(&nat.subnet_id)?;
        let eip = if nat.private {
            None
        } else {
            let allocation = match addresses.get(&nat.id) {
                Some(found) => found.clone(),
                None => {
                    // The address is tagged with the NAT's source id: it
                    // is that gateway's, and a re-run finds it.
                    let (allocation, _) =
                        gw::allocate_address(target, &tags_for(&nat.tags, &nat.id, &task))
                            .await
                            .map_err(address_limit)?;
                    work.created.push(allocation.clone());
                    allocation
                }
            };
            Some(allocation)
        };
        let id = match gateways.get(&nat.id) {
            Some(found) => found.clone(),
            None => {
                let token = format!("{task}-{}", nat.id);
                let id = gw::create_nat_gateway(
                    target,
                    &subnet,
                    eip.as_deref(),
                    &tags_for(&nat.tags, &nat.id, &task),
                    &token[token.len().saturating_sub(64)..],
                )
                .await?;
                work.created.push(id.clone());
                id
            }
        };
        until_ready(
            || async {
                let (state, why) = gw::nat_state(target, &id).await?;
                Ok(match state.as_str() {
                    "available" => Poll::Ready,
                    "pending" => Poll::Pending(None),
                    other => Poll::Failed(format!(
                        "NAT gateway {id} in {} is {other}{}",
                        target.region,
                        why.map(|w| format!(": {w}")).unwrap_or_default()
                    )),
                })
            },
            work.ctx.progress,
        )
        .await?;
        work.record(&nat.id, &id, false);
        if let Some(allocation) = eip {
            let ip = gw::address_ip(target, &allocation)
                .await?
                .unwrap_or_default();
            let old = nat.public_ip.as_deref().unwrap_or("none");
            work.result
                .outputs
                .insert(format!("eip:{}", nat.id), allocation.clone());
            work.result
                .outputs
                .insert(format!("ip:{}", nat.id), ip.clone());
            work.result.notes.push(format!(
                "NAT gateway {} ({old}) is {id} in {} with the NEW public IP {ip} ({allocation}): partners who allow-list {old} must add {ip}",
                nat.id, work.ctx.spec.target_region
            ));
        }
    }
    Ok(())
}

fn address_limit(e: CloudError) -> CloudError {
    if e.code() == Some("AddressLimitExceeded") {
        CloudError::Refused(format!(
            "{e}: the target's Elastic IP quota is used up; release unused addresses or ask AWS for a higher quota, then retry"
        ))
    } else {
        e
    }
}

fn vpc_limit(e: CloudError) -> CloudError {
    if e.code() == Some("VpcLimitExceeded") {
        CloudError::Refused(format!(
            "{e}: the target region's VPC quota is used up; delete an unused VPC there or ask AWS for a higher quota, then retry"
        ))
    } else {
        e
    }
}
