//! Reading a VPC's skeleton: the VPC, its subnets, gateways, route tables,
//! ACLs and endpoints, as plain data.

use crate::cloud::copy::found;
use crate::cloud::ec2::{owned, tags};
use crate::cloud::error::sdk;
use crate::cloud::{Clients, CloudError};
use crate::model::network::{self as n, Network};
use aws_sdk_ec2::types as t;

pub(crate) fn filter(name: &str, value: &str) -> t::Filter {
    t::Filter::builder().name(name).values(value).build()
}

/// The VPC and everything in it, or None when the VPC does not exist.
pub(crate) async fn network(c: &Clients, vpc_id: &str) -> Result<Option<Network>, CloudError> {
    const OP: &str = "ec2:DescribeVpcs";
    let Some(out) = found(OP, c.ec2.describe_vpcs().vpc_ids(vpc_id).send().await)? else {
        return Ok(None);
    };
    let Some(vpc) = out.vpcs().first() else {
        return Ok(None);
    };
    let mut cidrs: Vec<String> = vpc.cidr_block().map(str::to_string).into_iter().collect();
    for a in vpc.cidr_block_association_set() {
        let associated = a
            .cidr_block_state()
            .and_then(|s| s.state())
            .is_none_or(|s| *s == t::VpcCidrBlockStateCode::Associated);
        if let Some(cidr) = a
            .cidr_block()
            .filter(|c| associated && !cidrs.iter().any(|x| x == c))
        {
            cidrs.push(cidr.to_string());
        }
    }
    let dhcp = match vpc.dhcp_options_id() {
        Some(id) if id != "default" => dhcp_options(c, id).await?,
        _ => None,
    };
    Ok(Some(Network {
        vpc_id: vpc_id.to_string(),
        cidrs,
        dns_support: vpc_attribute(c, vpc_id, t::VpcAttributeName::EnableDnsSupport).await?,
        dns_hostnames: vpc_attribute(c, vpc_id, t::VpcAttributeName::EnableDnsHostnames).await?,
        tags: tags(vpc.tags()),
        dhcp,
        subnets: subnets(c, vpc_id).await?,
        internet_gateway: internet_gateways(c, Some(vpc_id)).await?.into_iter().next(),
        egress_only_gateway: egress_only_gateways(c, Some(vpc_id))
            .await?
            .into_iter()
            .next(),
        nat_gateways: nat_gateways(c, vpc_id).await?,
        route_tables: route_tables(c, vpc_id).await?,
        acls: acls(c, vpc_id).await?,
        endpoints: endpoints(c, vpc_id).await?,
    }))
}

async fn vpc_attribute(
    c: &Clients,
    vpc_id: &str,
    name: t::VpcAttributeName,
) -> Result<bool, CloudError> {
    let out = c
        .ec2
        .describe_vpc_attribute()
        .vpc_id(vpc_id)
        .attribute(name.clone())
        .send()
        .await
        .map_err(sdk("ec2:DescribeVpcAttribute"))?;
    let value = match name {
        t::VpcAttributeName::EnableDnsHostnames => out.enable_dns_hostnames(),
        _ => out.enable_dns_support(),
    };
    Ok(value.and_then(|v| v.value()).unwrap_or(false))
}

async fn dhcp_options(c: &Clients, id: &str) -> Result<Option<n::DhcpOptions>, CloudError> {
    const OP: &str = "ec2:DescribeDhcpOptions";
    let out = found(
        OP,
        c.ec2
            .describe_dhcp_options()
            .dhcp_options_ids(id)
            .send()
            .await,
    )?;
    Ok(out.and_then(|o| o.dhcp_options().first().map(dhcp)))
}

pub(crate) fn dhcp(d: &t::DhcpOptions) -> n::DhcpOptions {
    n::DhcpOptions {
        id: d.dhcp_options_id().unwrap_or_default().to_string(),
        settings: d
            .dhcp_configurations()
            .iter()
            .map(|s| {
                (
                    s.key().unwrap_or_default().to_string(),
                    s.values().iter().filter_map(|v| owned(v.value())).collect(),
                )
            })
            .collect(),
        tags: tags(d.tags()),
    }
}

pub(crate) async fn subnets(c: &Clients, vpc_id: &str) -> Result<Vec<n::Subnet>, CloudError> {
    let out = c
        .ec2
        .describe_subnets()
        .filters(filter("vpc-id", vpc_id))
        .send()
        .await
        .map_err(sdk("ec2:DescribeSubnets"))?;
    let mut subnets: Vec<n::Subnet> = out
        .subnets()
        .iter()
        .map(|s| n::Subnet {
            id: s.subnet_id().unwrap_or_default().to_string(),
            cidr: s.cidr_block().unwrap_or_default().to_string(),
            zone: s.availability_zone().unwrap_or_default().to_string(),
            map_public_ip: s.map_public_ip_on_launch().unwrap_or(false),
            tags: tags(s.tags()),
        })
        .collect();
    subnets.sort_by(|a, b| (&a.zone, &a.cidr).cmp(&(&b.zone, &b.cidr)));
    Ok(subnets)
}

/// Internet gateways attached to `vpc_id`, or every one in the region.
pub(crate) async fn internet_gateways(
    c: &Clients,
    vpc_id: Option<&str>,
) -> Result<Vec<n::Gateway>, CloudError> {
    let out = c
        .ec2
        .describe_internet_gateways()
        .set_filters(vpc_id.map(|v| vec![filter("attachment.vpc-id", v)]))
        .send()
        .await
        .map_err(sdk("ec2:DescribeInternetGateways"))?;
    Ok(out
        .internet_gateways()
        .iter()
        .map(|g| n::Gateway {
            id: g.internet_gateway_id().unwrap_or_default().to_string(),
            tags: tags(g.tags()),
        })
        .collect())
}

/// Egress-only gateways attached to `vpc_id`, or every one in the region.
pub(crate) async fn egress_only_gateways(
    c: &Clients,
    vpc_id: Option<&str>,
) -> Result<Vec<n::Gateway>, CloudError> {
    let out = c
        .ec2
        .describe_egress_only_internet_gateways()
        .send()
        .await
        .map_err(sdk("ec2:DescribeEgressOnlyInternetGateways"))?;
    Ok(out
        .egress_only_internet_gateways()
        .iter()
        .filter(|g| vpc_id.is_none_or(|v| g.attachments().iter().any(|a| a.vpc_id() == Some(v))))
        .map(|g| n::Gateway {
            id: g
                .egress_only_internet_gateway_id()
                .unwrap_or_default()
                .to_string(),
            tags: tags(g.tags()),
        })
        .collect())
}

pub(crate) async fn nat_gateways(
    c: &Clients,
    vpc_id: &str,
) -> Result<Vec<n::NatGateway>, CloudError> {
    let out = c
        .ec2
        .describe_nat_gateways()
        .filter(filter("vpc-id", vpc_id))
        .send()
        .await
        .map_err(sdk("ec2:DescribeNatGateways"))?;
    Ok(out
        .nat_gateways()
        .iter()
        .filter(|g| {
            !matches!(
                g.state(),
                Some(
                    t::NatGatewayState::Deleted
                        | t::NatGatewayState::Deleting
                        | t::NatGatewayState::Failed
                )
            )
        })
        .map(|g| n::NatGateway {
            id: g.nat_gateway_id().unwrap_or_default().to_string(),
            subnet_id: g.subnet_id().unwrap_or_default().to_string(),
            public_ip: g
                .nat_gateway_addresses()
                .iter()
                .find_map(|a| owned(a.public_ip())),
            private: g.connectivity_type() == Some(&t::ConnectivityType::Private),
            tags: tags(g.tags()),
        })
        .collect())
}

pub(crate) async fn route_tables(
    c: &Clients,
    vpc_id: &str,
) -> Result<Vec<n::RouteTable>, CloudError> {
    let out = c
        .ec2
        .describe_route_tables()
        .filters(filter("vpc-id", vpc_id))
        .send()
        .await
        .map_err(sdk("ec2:DescribeRouteTables"))?;
    Ok(out.route_tables().iter().map(route_table).collect())
}

pub(crate) fn route_table(r: &t::RouteTable) -> n::RouteTable {
    n::RouteTable {
        id: r.route_table_id().unwrap_or_default().to_string(),
        main: r.associations().iter().any(|a| a.main() == Some(true)),
        subnet_ids: r
            .associations()
            .iter()
            .filter_map(|a| owned(a.subnet_id()))
            .collect(),
        routes: r
            .routes()
            .iter()
            // Propagated routes come back by themselves once the VPN does.
            .filter(|r| r.origin() != Some(&t::RouteOrigin::EnableVgwRoutePropagation))
            .filter_map(route)
            .collect(),
        tags: tags(r.tags()),
    }
}

fn route(r: &t::Route) -> Option<n::Route> {
    let destination = r
        .destination_cidr_block()
        .or(r.destination_ipv6_cidr_block())
        .or(r.destination_prefix_list_id())?
        .to_string();
    let target = r
        .gateway_id()
        .or(r.nat_gateway_id())
        .or(r.egress_only_internet_gateway_id())
        .or(r.vpc_peering_connection_id())
        .or(r.transit_gateway_id())
        .or(r.carrier_gateway_id())
        .or(r.local_gateway_id())
        .or(r.instance_id())
        .or(r.network_interface_id())
        .or(r.core_network_arn())
        .unwrap_or("unknown");
    Some(n::Route {
        destination,
        target: n::RouteTarget::of(target),
    })
}

pub(crate) async fn acls(c: &Clients, vpc_id: &str) -> Result<Vec<n::NetworkAcl>, CloudError> {
    let out = c
        .ec2
        .describe_network_acls()
        .filters(filter("vpc-id", vpc_id))
        .send()
        .await
        .map_err(sdk("ec2:DescribeNetworkAcls"))?;
    Ok(out.network_acls().iter().map(acl).collect())
}

pub(crate) fn acl(a: &t::NetworkAcl) -> n::NetworkAcl {
    n::NetworkAcl {
        id: a.network_acl_id().unwrap_or_default().to_string(),
        default: a.is_default().unwrap_or(false),
        subnet_ids: a
            .associations()
            .iter()
            .filter_map(|s| owned(s.subnet_id()))
            .collect(),
        entries: a
            .entries()
            .iter()
            .map(|e| n::AclEntry {
                rule_number: e.rule_number().unwrap_or_default(),
                egress: e.egress().unwrap_or(false),
                protocol: e.protocol().unwrap_or("-1").to_string(),
                allow: e.rule_action() == Some(&t::RuleAction::Allow),
                cidr: owned(e.cidr_block()),
                ipv6_cidr: owned(e.ipv6_cidr_block()),
                ports: e.port_range().and_then(|p| Some((p.from()?, p.to()?))),
                icmp: e
                    .icmp_type_code()
                    .and_then(|i| Some((i.r#type()?, i.code()?))),
            })
            .collect(),
        tags: tags(a.tags()),
    }
}

pub(crate) async fn endpoints(c: &Clients, vpc_id: &str) -> Result<Vec<n::Endpoint>, CloudError> {
    let out = c
        .ec2
        .describe_vpc_endpoints()
        .filters(filter("vpc-id", vpc_id))
        .send()
        .await
        .map_err(sdk("ec2:DescribeVpcEndpoints"))?;
    Ok(out
        .vpc_endpoints()
        .iter()
        .filter(|e| !super::endpoint_gone(e.state()))
        .map(endpoint)
        .collect())
}

pub(crate) fn endpoint(e: &t::VpcEndpoint) -> n::Endpoint {
    n::Endpoint {
        id: e.vpc_endpoint_id().unwrap_or_default().to_string(),
        service_name: e.service_name().unwrap_or_default().to_string(),
        gateway: e
            .vpc_endpoint_type()
            .is_none_or(|t| *t == t::VpcEndpointType::Gateway),
        route_table_ids: e.route_table_ids().to_vec(),
        policy: owned(e.policy_document()),
        tags: tags(e.tags()),
    }
}

/// The target's AZs a subnet can go to, sorted.
pub(crate) async fn zones(c: &Clients) -> Result<Vec<String>, CloudError> {
    let out = c
        .ec2
        .describe_availability_zones()
        .send()
        .await
        .map_err(sdk("ec2:DescribeAvailabilityZones"))?;
    let mut zones: Vec<String> = out
        .availability_zones()
        .iter()
        .filter(|z| z.zone_type().is_none_or(|t| t == "availability-zone"))
        .filter(|z| {
            z.state()
                .is_none_or(|s| *s == t::AvailabilityZoneState::Available)
        })
        .filter_map(|z| owned(z.zone_name()))
        .collect();
    zones.sort();
    Ok(zones)
}

/// (VPC id, CIDR) of every VPC in the region, to warn of overlaps.
pub(crate) async fn vpc_cidrs(c: &Clients) -> Result<Vec<(String, String)>, CloudError> {
    let out = c
        .ec2
        .describe_vpcs()
        .send()
        .await
        .map_err(sdk("ec2:DescribeVpcs"))?;
    Ok(out
        .vpcs()
        .iter()
        .flat_map(|v| {
            let id = v.vpc_id().unwrap_or_default().to_string();
            v.cidr_block_association_set()
                .iter()
                .filter_map(move |a| Some((id.clone(), a.cidr_block()?.to_string())))
        })
        .collect())
}
