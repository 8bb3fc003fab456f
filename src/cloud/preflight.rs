//! The pre-flight reads of EC2: what the target offers (AZs, instance
//! types, limits) and what the source's images, routes, launch templates
//! and user data hold. Read only: Describe* calls, nothing else.

use super::ec2::owned;
use super::error::{sdk, CloudError};
use super::{preflight_data, Clients, Regions};
use crate::model::facts::FoundText;
use crate::model::facts::{Facts, ImageFacts, Quotas, RouteFacts, RouteVia, Wanted};
use aws_sdk_ec2::types as t;
use std::collections::BTreeMap;

/// Reads every fact the checks need. A read that fails is noted in
/// `unread` (and its check says "not checked"), never fatal: a pre-flight
/// that stops at the first AccessDenied tells the operator nothing.
pub(crate) async fn read_facts(regions: &Regions, wanted: &Wanted) -> Facts {
    let (s, tg) = (&regions.source, &regions.target);
    let mut facts = Facts::default();
    let mut unread = Vec::new();
    let mut note = |what: &str, e: CloudError| unread.push(format!("{what}: {e}"));
    match target_azs(tg).await {
        Ok(v) => facts.target_azs = v,
        Err(e) => note("target AZs", e),
    }
    match offered_types(tg).await {
        Ok(v) => facts.offered_types = v,
        Err(e) => note("instance types offered in the target", e),
    }
    match quotas(tg).await {
        Ok(v) => facts.quotas = v,
        Err(e) => note("target quotas", e),
    }
    match images(s, &wanted.image_ids).await {
        Ok(v) => facts.images = v,
        Err(e) => note("source AMIs", e),
    }
    match routes(s, &wanted.vpc_ids).await {
        Ok(v) => facts.routes = v,
        Err(e) => note("source route tables", e),
    }
    match launch_templates(s).await {
        Ok(v) => facts.texts.extend(v),
        Err(e) => note("source launch templates", e),
    }
    for id in &wanted.instance_ids {
        match user_data(s, id).await {
            Ok(v) => facts.texts.extend(v),
            Err(e) => note(&format!("user data of {id}"), e),
        }
    }
    preflight_data::read_into(s, wanted, &mut facts, &mut note).await;
    facts.unread = unread;
    facts
}

async fn target_azs(c: &Clients) -> Result<Vec<String>, CloudError> {
    const OP: &str = "ec2:DescribeAvailabilityZones";
    let out = c
        .ec2
        .describe_availability_zones()
        .send()
        .await
        .map_err(sdk(OP))?;
    Ok(out
        .availability_zones()
        .iter()
        .filter(|z| z.state() == Some(&t::AvailabilityZoneState::Available) || z.state().is_none())
        .filter_map(|z| owned(z.zone_name()))
        .collect())
}

async fn offered_types(c: &Clients) -> Result<BTreeMap<String, Vec<String>>, CloudError> {
    const OP: &str = "ec2:DescribeInstanceTypeOfferings";
    let pairs: Vec<(String, String)> = c
        .ec2
        .describe_instance_type_offerings()
        .location_type(t::LocationType::AvailabilityZone)
        .into_paginator()
        .items()
        .send()
        .try_collect()
        .await
        .map_err(sdk(OP))
        .map(|instance_type_offerings| {
            instance_type_offerings
                .iter()
                .filter_map(|o| {
                    Some((
                        o.instance_type()?.as_str().to_string(),
                        o.location()?.to_string(),
                    ))
                })
                .collect()
        })?;
    let mut offered: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for (kind, az) in pairs {
        offered.entry(kind).or_default().push(az);
    }
    Ok(offered)
}

async fn quotas(c: &Clients) -> Result<Quotas, CloudError> {
    let attrs = c
        .ec2
        .describe_account_attributes()
        .send()
        .await
        .map_err(sdk("ec2:DescribeAccountAttributes"))?;
    let value = |name: &str| {
        attrs
            .account_attributes()
            .iter()
            .find(|a| a.attribute_name() == Some(name))
            .and_then(|a| a.attribute_values().first()?.attribute_value())
            .and_then(|v| v.parse::<u32>().ok())
    };
    let eips = c
        .ec2
        .describe_addresses()
        .send()
        .await
        .map_err(sdk("ec2:DescribeAddresses"))?;
    let vpcs = super::ec2::vpcs(c).await?;
    let instances = super::ec2::instances(c).await?;
    let pending = c
        .ec2
        .describe_snapshots()
        .owner_ids("self")
        .filters(
            t::Filter::builder()
                .name("status")
                .values("pending")
                .build(),
        )
        .send()
        .await
        .map_err(sdk("ec2:DescribeSnapshots"))?;
    Ok(Quotas {
        max_elastic_ips: value("vpc-max-elastic-ips").or_else(|| value("max-elastic-ips")),
        max_instances: value("max-instances"),
        target_elastic_ips: eips.addresses().len(),
        target_vpcs: vpcs.len(),
        target_instances: instances
            .iter()
            .filter(|i| i.state != "terminated" && i.state != "shutting-down")
            .count(),
        target_pending_snapshots: pending.snapshots().len(),
    })
}

async fn images(c: &Clients, ids: &[String]) -> Result<Vec<ImageFacts>, CloudError> {
    if ids.is_empty() {
        return Ok(vec![]);
    }
    let out = c
        .ec2
        .describe_images()
        // A filter, not ImageIds: one deregistered AMI would fail the whole
        // call (InvalidAMIID.NotFound); missing ones are simply not listed.
        .filters(
            t::Filter::builder()
                .name("image-id")
                .set_values(Some(ids.to_vec()))
                .build(),
        )
        .send()
        .await
        .map_err(sdk("ec2:DescribeImages"))?;
    Ok(out
        .images()
        .iter()
        .map(|i| ImageFacts {
            id: i.image_id().unwrap_or_default().to_string(),
            owner_id: owned(i.owner_id()),
            product_codes: i
                .product_codes()
                .iter()
                .filter_map(|p| owned(p.product_code_id()))
                .collect(),
            encrypted_snapshots: i
                .block_device_mappings()
                .iter()
                .filter_map(|b| b.ebs())
                .filter(|e| e.encrypted() == Some(true))
                .filter_map(|e| owned(e.snapshot_id()))
                .collect(),
        })
        .collect())
}

async fn routes(c: &Clients, vpc_ids: &[String]) -> Result<Vec<RouteFacts>, CloudError> {
    if vpc_ids.is_empty() {
        return Ok(vec![]);
    }
    const OP: &str = "ec2:DescribeRouteTables";
    let tables = c
        .ec2
        .describe_route_tables()
        .filters(
            t::Filter::builder()
                .name("vpc-id")
                .set_values(Some(vpc_ids.to_vec()))
                .build(),
        )
        .into_paginator()
        .items()
        .send()
        .try_collect()
        .await
        .map_err(sdk(OP))?;
    let mut out = Vec::new();
    for table in &tables {
        for r in table.routes() {
            let (via, target) = route_via(r);
            out.push(RouteFacts {
                route_table_id: table.route_table_id().unwrap_or_default().to_string(),
                vpc_id: table.vpc_id().unwrap_or_default().to_string(),
                destination: r
                    .destination_cidr_block()
                    .or(r.destination_ipv6_cidr_block())
                    .or(r.destination_prefix_list_id())
                    .unwrap_or_default()
                    .to_string(),
                via,
                target,
            });
        }
    }
    Ok(out)
}

fn route_via(r: &t::Route) -> (RouteVia, String) {
    let pick = |via, id: Option<&str>| id.map(|id| (via, id.to_string()));
    pick(RouteVia::VpcPeering, r.vpc_peering_connection_id())
        .or_else(|| pick(RouteVia::TransitGateway, r.transit_gateway_id()))
        .or_else(|| pick(RouteVia::NatGateway, r.nat_gateway_id()))
        .or_else(|| pick(RouteVia::Instance, r.instance_id()))
        .or_else(|| pick(RouteVia::NetworkInterface, r.network_interface_id()))
        .or_else(|| pick(RouteVia::Other, r.local_gateway_id()))
        .or_else(|| pick(RouteVia::Other, r.carrier_gateway_id()))
        .or_else(|| pick(RouteVia::Other, r.core_network_arn()))
        .or_else(|| pick(RouteVia::Other, r.egress_only_internet_gateway_id()))
        .or_else(|| {
            let id = r.gateway_id()?;
            let via = match id {
                "local" => RouteVia::Local,
                g if g.starts_with("igw-") => RouteVia::InternetGateway,
                g if g.starts_with("vgw-") => RouteVia::VpnGateway,
                g if g.starts_with("vpce-") => RouteVia::Endpoint,
                _ => RouteVia::Other,
            };
            Some((via, id.to_string()))
        })
        .unwrap_or((RouteVia::Other, String::new()))
}

/// The latest version of every launch template: its data as text (user
/// data decoded), where region names and ARNs hide.
async fn launch_templates(c: &Clients) -> Result<Vec<FoundText>, CloudError> {
    const OP: &str = "ec2:DescribeLaunchTemplates";
    let templates = c
        .ec2
        .describe_launch_templates()
        .into_paginator()
        .items()
        .send()
        .try_collect()
        .await
        .map_err(sdk(OP))?;
    let mut out = Vec::new();
    for lt in &templates {
        let Some(id) = lt.launch_template_id() else {
            continue;
        };
        let versions = c
            .ec2
            .describe_launch_template_versions()
            .launch_template_id(id)
            .versions("$Latest")
            .send()
            .await
            .map_err(sdk("ec2:DescribeLaunchTemplateVersions"))?;
        for v in versions.launch_template_versions() {
            let Some(data) = v.launch_template_data() else {
                continue;
            };
            let place = format!(
                "launch template {id} ({}) v{}",
                lt.launch_template_name().unwrap_or_default(),
                v.version_number().unwrap_or_default()
            );
            if let Some(text) = data.user_data().and_then(decode) {
                out.push(FoundText {
                    place: format!("{place} user data"),
                    text,
                });
            }
            // The rest of the data (instance profile ARN, AMI, tags...) as
            // one text: the region hides in any of its strings.
            out.push(FoundText {
                place,
                text: format!("{data:?}"),
            });
        }
    }
    Ok(out)
}

async fn user_data(c: &Clients, instance_id: &str) -> Result<Option<FoundText>, CloudError> {
    let out = c
        .ec2
        .describe_instance_attribute()
        .instance_id(instance_id)
        .attribute(t::InstanceAttributeName::UserData)
        .send()
        .await
        .map_err(sdk("ec2:DescribeInstanceAttribute"))?;
    Ok(out
        .user_data()
        .and_then(|v| v.value())
        .and_then(decode)
        .map(|text| FoundText {
            place: format!("instance {instance_id} user data"),
            text,
        }))
}

/// User data is base64; a blob that is not text is of no use to a search.
fn decode(b64: &str) -> Option<String> {
    let bytes = aws_smithy_types::base64::decode(b64.trim()).ok()?;
    String::from_utf8(bytes).ok()
}
