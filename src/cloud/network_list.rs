//! Inventory listings of a region's network pieces: route tables, internet
//! gateways (plain and egress-only), NAT gateways, network ACLs, endpoints.

use super::copy::network::read;
use super::ec2::{owned, tags};
use super::error::{sdk, CloudError};
use super::Clients;
use crate::model::resource::{self as m, Details, Resource};
use crate::model::Kind;

pub(crate) async fn route_tables(c: &Clients) -> Result<Vec<Resource>, CloudError> {
    const OP: &str = "ec2:DescribeRouteTables";
    c.ec2
        .describe_route_tables()
        .into_paginator()
        .items()
        .send()
        .try_collect()
        .await
        .map_err(sdk(OP))
        .map(|route_tables| {
            route_tables
                .iter()
                .map(|t| {
                    let table = read::route_table(t);
                    let details = m::RouteTable {
                        vpc_id: t.vpc_id().unwrap_or_default().to_string(),
                        main: table.main,
                        routes: table
                            .routes
                            .iter()
                            .map(|r| format!("{} -> {}", r.destination, target(&r.target)))
                            .collect(),
                        subnet_ids: table.subnet_ids,
                    };
                    Resource::new(
                        &c.region,
                        Kind::RouteTable,
                        table.id,
                        Details::RouteTable(details),
                    )
                    .with_state("available")
                    .with_tags(table.tags)
                })
                .collect()
        })
}

fn target(t: &crate::model::network::RouteTarget) -> String {
    use crate::model::network::RouteTarget as T;
    match t {
        T::Local => "local".into(),
        T::Gateway(id) | T::Endpoint(id) | T::Elsewhere { id, .. } => id.clone(),
    }
}

pub(crate) async fn internet_gateways(c: &Clients) -> Result<Vec<Resource>, CloudError> {
    const OP: &str = "ec2:DescribeInternetGateways";
    let plain: Vec<Resource> = c
        .ec2
        .describe_internet_gateways()
        .into_paginator()
        .items()
        .send()
        .try_collect()
        .await
        .map_err(sdk(OP))
        .map(|internet_gateways| {
            internet_gateways
                .iter()
                .map(|g| {
                    let vpc = g.attachments().iter().find_map(|a| owned(a.vpc_id()));
                    let state = if vpc.is_some() {
                        "attached"
                    } else {
                        "detached"
                    };
                    let details = m::InternetGateway {
                        vpc_id: vpc,
                        egress_only: false,
                    };
                    Resource::new(
                        &c.region,
                        Kind::InternetGateway,
                        g.internet_gateway_id().unwrap_or_default(),
                        Details::InternetGateway(details),
                    )
                    .with_state(state)
                    .with_tags(tags(g.tags()))
                })
                .collect()
        })?;
    const EOP: &str = "ec2:DescribeEgressOnlyInternetGateways";
    let egress: Vec<Resource> = c
        .ec2
        .describe_egress_only_internet_gateways()
        .into_paginator()
        .items()
        .send()
        .try_collect()
        .await
        .map_err(sdk(EOP))
        .map(|egress_only_internet_gateways| {
            egress_only_internet_gateways
                .iter()
                .map(|g| {
                    let vpc = g.attachments().iter().find_map(|a| owned(a.vpc_id()));
                    let details = m::InternetGateway {
                        vpc_id: vpc,
                        egress_only: true,
                    };
                    Resource::new(
                        &c.region,
                        Kind::InternetGateway,
                        g.egress_only_internet_gateway_id().unwrap_or_default(),
                        Details::InternetGateway(details),
                    )
                    .with_state("attached")
                    .with_tags(tags(g.tags()))
                })
                .collect()
        })?;
    Ok(plain.into_iter().chain(egress).collect())
}

pub(crate) async fn nat_gateways(c: &Clients) -> Result<Vec<Resource>, CloudError> {
    const OP: &str = "ec2:DescribeNatGateways";
    c.ec2
        .describe_nat_gateways()
        .into_paginator()
        .items()
        .send()
        .try_collect()
        .await
        .map_err(sdk(OP))
        .map(|nat_gateways| {
            nat_gateways
                .iter()
                .map(|g| {
                    let details = m::NatGateway {
                        vpc_id: g.vpc_id().unwrap_or_default().to_string(),
                        subnet_id: g.subnet_id().unwrap_or_default().to_string(),
                        public_ip: g
                            .nat_gateway_addresses()
                            .iter()
                            .find_map(|a| owned(a.public_ip())),
                        private: g.connectivity_type().map(|t| t.as_str()) == Some("private"),
                    };
                    Resource::new(
                        &c.region,
                        Kind::NatGateway,
                        g.nat_gateway_id().unwrap_or_default(),
                        Details::NatGateway(details),
                    )
                    .with_state(g.state().map(|s| s.as_str()).unwrap_or_default())
                    .with_tags(tags(g.tags()))
                })
                .collect()
        })
}

pub(crate) async fn network_acls(c: &Clients) -> Result<Vec<Resource>, CloudError> {
    const OP: &str = "ec2:DescribeNetworkAcls";
    c.ec2
        .describe_network_acls()
        .into_paginator()
        .items()
        .send()
        .try_collect()
        .await
        .map_err(sdk(OP))
        .map(|network_acls| {
            network_acls
                .iter()
                .map(|a| {
                    let acl = read::acl(a);
                    let details = m::NetworkAcl {
                        vpc_id: a.vpc_id().unwrap_or_default().to_string(),
                        default: acl.default,
                        entries: acl.entries.iter().map(|e| e.describe()).collect(),
                        subnet_ids: acl.subnet_ids,
                    };
                    Resource::new(
                        &c.region,
                        Kind::NetworkAcl,
                        acl.id,
                        Details::NetworkAcl(details),
                    )
                    .with_state("available")
                    .with_tags(acl.tags)
                })
                .collect()
        })
}

pub(crate) async fn vpc_endpoints(c: &Clients) -> Result<Vec<Resource>, CloudError> {
    const OP: &str = "ec2:DescribeVpcEndpoints";
    c.ec2
        .describe_vpc_endpoints()
        .into_paginator()
        .items()
        .send()
        .try_collect()
        .await
        .map_err(sdk(OP))
        .map(|vpc_endpoints| {
            vpc_endpoints
                .iter()
                .filter(|e| !super::copy::network::endpoint_gone(e.state()))
                .map(|e| {
                    let details = m::VpcEndpoint {
                        vpc_id: e.vpc_id().unwrap_or_default().to_string(),
                        service_name: e.service_name().unwrap_or_default().to_string(),
                        endpoint_type: e
                            .vpc_endpoint_type()
                            .map(|t| t.as_str().to_string())
                            .unwrap_or_default(),
                        route_table_ids: e.route_table_ids().to_vec(),
                    };
                    Resource::new(
                        &c.region,
                        Kind::VpcEndpoint,
                        e.vpc_endpoint_id().unwrap_or_default(),
                        Details::VpcEndpoint(details),
                    )
                    .with_state(e.state().map(|s| s.as_str()).unwrap_or_default())
                    .with_tags(tags(e.tags()))
                })
                .collect()
        })
}
