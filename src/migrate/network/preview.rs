//! The whole plan of a network clone, shown before anything is made: what
//! will be created, the AZ map, the new NAT addresses, the routes that will
//! not translate, and CIDRs that overlap a VPC already in the target.

use crate::cloud::copy::network::read;
use crate::cloud::{CloudError, Regions};
use crate::migrate::task::TaskSpec;
use crate::model::network::{cidrs_overlap, map_zones, parse_az_map, Network};
use std::collections::BTreeMap;

#[derive(Debug, Default, Clone, PartialEq)]
pub struct NetworkPreview {
    /// What will be made, one line each.
    pub lines: Vec<String>,
    /// What the operator must know (untranslated routes, overlaps).
    pub warnings: Vec<String>,
}

/// Reads the source VPC and the target's AZs and VPCs; an AZ map that
/// cannot hold is an error here, before anything is made.
pub async fn preview(regions: &Regions, spec: &TaskSpec) -> Result<NetworkPreview, CloudError> {
    let vpc_id = &spec.source_ids[0];
    let net = read::network(&regions.source, vpc_id)
        .await?
        .ok_or_else(|| {
            CloudError::Refused(format!(
                "VPC {vpc_id} is not in {}; check the id with `cutover inventory --kinds vpc`",
                spec.source_region
            ))
        })?;
    let asked = parse_az_map(spec.options.az_map.as_deref().unwrap_or_default())
        .map_err(CloudError::Refused)?;
    let zones = map_zones(
        &net.zones(),
        &read::zones(&regions.target).await?,
        &asked,
        &spec.target_region,
    )
    .map_err(CloudError::Refused)?;
    let target_vpcs = read::vpc_cidrs(&regions.target).await?;
    Ok(describe(&net, &zones, &target_vpcs, spec))
}

/// The plan in words, from what was read.
pub(crate) fn describe(
    net: &Network,
    zones: &BTreeMap<String, String>,
    target_vpcs: &[(String, String)],
    spec: &TaskSpec,
) -> NetworkPreview {
    let mut p = NetworkPreview::default();
    let name = net
        .tags
        .get("Name")
        .map(|n| format!(" ({n})"))
        .unwrap_or_default();
    p.lines.push(format!(
        "VPC {}{name}: {} (DNS support {}, DNS host names {}){}",
        net.vpc_id,
        net.cidrs.join(", "),
        on(net.dns_support),
        on(net.dns_hostnames),
        if net.dhcp.is_some() {
            ", custom DHCP options"
        } else {
            ""
        }
    ));
    let spread: Vec<String> = zones.iter().map(|(a, b)| format!("{a} -> {b}")).collect();
    p.lines.push(format!("AZ map: {}", spread.join(", ")));
    for s in &net.subnets {
        p.lines.push(format!(
            "subnet {} {} in {}{}",
            s.id,
            s.cidr,
            zones.get(&s.zone).map(String::as_str).unwrap_or("?"),
            if s.map_public_ip {
                " (public IPs on launch)"
            } else {
                ""
            }
        ));
    }
    if let Some(g) = &net.internet_gateway {
        p.lines.push(format!("internet gateway for {}", g.id));
    }
    if let Some(g) = &net.egress_only_gateway {
        p.lines
            .push(format!("egress-only internet gateway for {}", g.id));
    }
    for n in &net.nat_gateways {
        p.lines.push(match (&n.public_ip, n.private) {
            (_, true) => format!("private NAT gateway for {}", n.id),
            (old, false) => format!(
                "NAT gateway for {} with a NEW Elastic IP in {} (the source's is {}; partners who allow-list it must be told)",
                n.id,
                spec.target_region,
                old.as_deref().unwrap_or("unknown")
            ),
        });
    }
    for t in &net.route_tables {
        p.lines.push(format!(
            "route table {}{}: {}, {}",
            t.id,
            if t.main { " (main)" } else { "" },
            counted(t.routes.len(), "route"),
            counted(t.subnet_ids.len(), "subnet")
        ));
    }
    for a in &net.acls {
        let entries = a.entries.iter().filter(|e| !e.is_catch_all()).count();
        p.lines.push(format!(
            "network ACL {}{}: {}, {}",
            a.id,
            if a.default {
                " (default: entries applied to the clone's default ACL)"
            } else {
                ""
            },
            if entries == 1 {
                "1 entry".to_string()
            } else {
                format!("{entries} entries")
            },
            counted(a.subnet_ids.len(), "subnet")
        ));
    }
    for e in &net.endpoints {
        if e.gateway {
            p.lines.push(format!(
                "gateway endpoint {} for {}",
                e.id,
                e.service_in(&spec.source_region, &spec.target_region)
            ));
        } else {
            p.warnings.push(format!(
                "interface endpoint {} ({}) is not copied",
                e.id, e.service_name
            ));
        }
    }
    p.warnings.extend(net.untranslatable_routes());
    for cidr in &net.cidrs {
        for (vpc, theirs) in target_vpcs {
            if cidrs_overlap(cidr, theirs) {
                p.warnings.push(format!(
                    "{cidr} overlaps {vpc} ({theirs}) in {}: the two cannot be peered",
                    spec.target_region
                ));
            }
        }
    }
    p
}

fn on(b: bool) -> &'static str {
    if b {
        "on"
    } else {
        "off"
    }
}

/// "1 route", "3 routes": the preview is read by a person.
fn counted(n: usize, noun: &str) -> String {
    if n == 1 {
        format!("1 {noun}")
    } else {
        format!("{n} {noun}s")
    }
}
