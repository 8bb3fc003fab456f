//! Route tables, their routes and their subnet associations.

use super::vpc::Tags;
use super::{gone_is_fine, read, returned};
use crate::cloud::copy::tagged;
use crate::cloud::error::sdk;
use crate::cloud::{Clients, CloudError};
use crate::model::network::RouteTable;
use aws_sdk_ec2::types as t;

pub(crate) async fn create_route_table(
    c: &Clients,
    vpc_id: &str,
    tags: Tags<'_>,
) -> Result<String, CloudError> {
    const OP: &str = "ec2:CreateRouteTable";
    let out = c
        .ec2
        .create_route_table()
        .vpc_id(vpc_id)
        .set_tag_specifications(tagged(t::ResourceType::RouteTable, tags))
        .send()
        .await
        .map_err(sdk(OP))?;
    returned(OP, out.route_table().and_then(|r| r.route_table_id()))
}

/// One route table as it stands now.
pub(crate) async fn route_table(c: &Clients, id: &str) -> Result<Option<RouteTable>, CloudError> {
    let out = c
        .ec2
        .describe_route_tables()
        .route_table_ids(id)
        .send()
        .await
        .map_err(sdk("ec2:DescribeRouteTables"))?;
    Ok(out.route_tables().first().map(read::route_table))
}

/// Adds a route to a gateway the copy made (igw-, eigw-, nat-); a route
/// already there to the same destination counts as added.
pub(crate) async fn create_route(
    c: &Clients,
    table: &str,
    destination: &str,
    target: &str,
) -> Result<(), CloudError> {
    let mut req = c.ec2.create_route().route_table_id(table);
    req = if destination.starts_with("pl-") {
        req.destination_prefix_list_id(destination)
    } else if destination.contains(':') {
        req.destination_ipv6_cidr_block(destination)
    } else {
        req.destination_cidr_block(destination)
    };
    req = match target.split('-').next() {
        Some("nat") => req.nat_gateway_id(target),
        Some("eigw") => req.egress_only_internet_gateway_id(target),
        _ => req.gateway_id(target),
    };
    match req.send().await.map(|_| ()).map_err(sdk("ec2:CreateRoute")) {
        Err(e) if e.code() == Some("RouteAlreadyExists") => Ok(()),
        other => other,
    }
}

pub(crate) async fn associate(c: &Clients, table: &str, subnet_id: &str) -> Result<(), CloudError> {
    c.ec2
        .associate_route_table()
        .route_table_id(table)
        .subnet_id(subnet_id)
        .send()
        .await
        .map_err(sdk("ec2:AssociateRouteTable"))?;
    Ok(())
}

/// Makes `table` the VPC's main route table.
pub(crate) async fn make_main(c: &Clients, vpc_id: &str, table: &str) -> Result<(), CloudError> {
    let out = c
        .ec2
        .describe_route_tables()
        .filters(read::filter("vpc-id", vpc_id))
        .filters(read::filter("association.main", "true"))
        .send()
        .await
        .map_err(sdk("ec2:DescribeRouteTables"))?;
    let Some(main) = out
        .route_tables()
        .iter()
        .flat_map(|r| r.associations())
        .find(|a| a.main() == Some(true))
    else {
        return Ok(());
    };
    if main.route_table_id() == Some(table) {
        return Ok(());
    }
    c.ec2
        .replace_route_table_association()
        .association_id(main.route_table_association_id().unwrap_or_default())
        .route_table_id(table)
        .send()
        .await
        .map_err(sdk("ec2:ReplaceRouteTableAssociation"))?;
    Ok(())
}

/// Removes the table's subnet associations, then the table.
pub(crate) async fn delete_route_table(c: &Clients, id: &str) -> Result<(), CloudError> {
    let answer = c
        .ec2
        .describe_route_tables()
        .route_table_ids(id)
        .send()
        .await
        .map_err(sdk("ec2:DescribeRouteTables"));
    let out = match answer {
        Ok(out) => out,
        Err(e) if e.code().is_some_and(|c| c.ends_with("NotFound")) => return Ok(()),
        Err(e) => return Err(e),
    };
    for a in out.route_tables().iter().flat_map(|r| r.associations()) {
        if a.main() != Some(true) {
            if let Some(assoc) = a.route_table_association_id() {
                c.ec2
                    .disassociate_route_table()
                    .association_id(assoc)
                    .send()
                    .await
                    .map_err(sdk("ec2:DisassociateRouteTable"))?;
            }
        }
    }
    let r = c.ec2.delete_route_table().route_table_id(id).send().await;
    gone_is_fine(r.map(|_| ()).map_err(sdk("ec2:DeleteRouteTable")))
}
