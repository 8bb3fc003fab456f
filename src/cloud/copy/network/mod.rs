//! A VPC's skeleton in the target: reading it, finding what an earlier run
//! made (every piece carries `cutover:source-id`), making and deleting the
//! pieces. One file per piece.

pub(crate) mod acls;
pub(crate) mod endpoints;
pub(crate) mod gateways;
pub(crate) mod read;
pub(crate) mod routes;
pub(crate) mod vpc;

use crate::cloud::ec2::tags;
use crate::cloud::error::sdk;
use crate::cloud::{Clients, CloudError};
use crate::model::resource::{SOURCE_ID_TAG, TASK_ID_TAG};
use aws_sdk_ec2::types as t;
use std::collections::BTreeMap;

/// The pieces of a network, as `made` looks them up.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Piece {
    Vpc,
    DhcpOptions,
    Subnet,
    InternetGateway,
    EgressOnlyGateway,
    ElasticIp,
    NatGateway,
    RouteTable,
    NetworkAcl,
    Endpoint,
}

/// What earlier runs made in `c`'s region: source id -> the copy's id.
pub(crate) async fn made(
    c: &Clients,
    piece: Piece,
) -> Result<BTreeMap<String, String>, CloudError> {
    Ok(listed(c, piece)
        .await?
        .into_iter()
        .filter_map(|(id, mut tags)| Some((tags.remove(SOURCE_ID_TAG)?, id)))
        .collect())
}

/// The ids of the pieces one task made (it tagged them with its id).
pub(crate) async fn made_by_task(
    c: &Clients,
    piece: Piece,
    task_id: &str,
) -> Result<Vec<String>, CloudError> {
    Ok(listed(c, piece)
        .await?
        .into_iter()
        .filter(|(_, tags)| tags.get(TASK_ID_TAG).map(String::as_str) == Some(task_id))
        .map(|(id, _)| id)
        .collect())
}

async fn listed(
    c: &Clients,
    piece: Piece,
) -> Result<Vec<(String, BTreeMap<String, String>)>, CloudError> {
    let ec2 = &c.ec2;
    let tagged: Vec<(String, BTreeMap<String, String>)> = match piece {
        Piece::Vpc => ec2
            .describe_vpcs()
            .send()
            .await
            .map_err(sdk("ec2:DescribeVpcs"))?
            .vpcs()
            .iter()
            .map(|v| (id(v.vpc_id()), tags(v.tags())))
            .collect(),
        Piece::DhcpOptions => ec2
            .describe_dhcp_options()
            .send()
            .await
            .map_err(sdk("ec2:DescribeDhcpOptions"))?
            .dhcp_options()
            .iter()
            .map(|d| (id(d.dhcp_options_id()), tags(d.tags())))
            .collect(),
        Piece::Subnet => ec2
            .describe_subnets()
            .send()
            .await
            .map_err(sdk("ec2:DescribeSubnets"))?
            .subnets()
            .iter()
            .map(|s| (id(s.subnet_id()), tags(s.tags())))
            .collect(),
        Piece::InternetGateway => read::internet_gateways(c, None)
            .await?
            .into_iter()
            .map(|g| (g.id, g.tags))
            .collect(),
        Piece::EgressOnlyGateway => read::egress_only_gateways(c, None)
            .await?
            .into_iter()
            .map(|g| (g.id, g.tags))
            .collect(),
        Piece::ElasticIp => ec2
            .describe_addresses()
            .send()
            .await
            .map_err(sdk("ec2:DescribeAddresses"))?
            .addresses()
            .iter()
            .map(|a| (id(a.allocation_id()), tags(a.tags())))
            .collect(),
        Piece::NatGateway => ec2
            .describe_nat_gateways()
            .send()
            .await
            .map_err(sdk("ec2:DescribeNatGateways"))?
            .nat_gateways()
            .iter()
            .filter(|g| {
                !matches!(
                    g.state(),
                    Some(t::NatGatewayState::Deleted | t::NatGatewayState::Deleting)
                )
            })
            .map(|g| (id(g.nat_gateway_id()), tags(g.tags())))
            .collect(),
        Piece::RouteTable => ec2
            .describe_route_tables()
            .send()
            .await
            .map_err(sdk("ec2:DescribeRouteTables"))?
            .route_tables()
            .iter()
            .map(|r| (id(r.route_table_id()), tags(r.tags())))
            .collect(),
        Piece::NetworkAcl => ec2
            .describe_network_acls()
            .send()
            .await
            .map_err(sdk("ec2:DescribeNetworkAcls"))?
            .network_acls()
            .iter()
            .map(|a| (id(a.network_acl_id()), tags(a.tags())))
            .collect(),
        Piece::Endpoint => ec2
            .describe_vpc_endpoints()
            .send()
            .await
            .map_err(sdk("ec2:DescribeVpcEndpoints"))?
            .vpc_endpoints()
            .iter()
            .filter(|e| !endpoint_gone(e.state()))
            .map(|e| (id(e.vpc_endpoint_id()), tags(e.tags())))
            .collect(),
    };
    Ok(tagged)
}

/// AWS says "Deleted", moto "deleted": either way the endpoint is gone.
pub(crate) fn endpoint_gone(state: Option<&t::State>) -> bool {
    state.is_some_and(|s| {
        ["deleted", "deleting", "failed"]
            .iter()
            .any(|g| s.as_str().eq_ignore_ascii_case(g))
    })
}

fn id(s: Option<&str>) -> String {
    s.unwrap_or_default().to_string()
}

/// The id a create call returned, or an error saying it returned none.
pub(crate) fn returned(operation: &str, id: Option<&str>) -> Result<String, CloudError> {
    id.map(str::to_string)
        .ok_or_else(|| CloudError::Incomplete(format!("{operation} returned no id")))
}

/// A delete that finds the thing already gone has done its job.
pub(crate) fn gone_is_fine(result: Result<(), CloudError>) -> Result<(), CloudError> {
    match result {
        Err(e) if e.code().is_some_and(|c| c.ends_with("NotFound")) => Ok(()),
        other => other,
    }
}
