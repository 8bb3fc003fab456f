//! The shop VPC's routing, so a newcomer can watch a network clone land: a
//! NAT gateway for the private subnets, a route table per tier, a custom
//! ACL on the private subnets, an S3 gateway endpoint and a peering route
//! to an analytics VPC (which a clone cannot follow, and says so).

use super::{Estate, Seeded};
use crate::cloud::copy::tagged;
use crate::cloud::error::{sdk, CloudError};
use crate::cloud::Clients;
use aws_sdk_ec2::types as t;

fn name(kind: t::ResourceType, name: &str) -> Option<Vec<t::TagSpecification>> {
    tagged(kind, &[("Name", name)])
}

pub(crate) async fn routing(c: &Clients, e: &Estate, s: &mut Seeded) -> Result<(), CloudError> {
    let Some(r) = &e.vpc.routing else {
        return Ok(());
    };
    let ec2 = &c.ec2;
    let vpc = s.vpc_id.clone();
    let subnets = |public: bool| -> Vec<String> {
        e.vpc
            .subnets
            .iter()
            .filter(|x| x.public == public)
            .map(|x| s.subnets[&x.name].clone())
            .collect()
    };
    let (public, private) = (subnets(true), subnets(false));
    let igw = ec2
        .describe_internet_gateways()
        .filters(
            t::Filter::builder()
                .name("attachment.vpc-id")
                .values(&vpc)
                .build(),
        )
        .send()
        .await
        .map_err(sdk("ec2:DescribeInternetGateways"))?
        .internet_gateways()
        .first()
        .and_then(|g| g.internet_gateway_id().map(str::to_string))
        .unwrap_or_default();
    let eip = ec2
        .allocate_address()
        .domain(t::DomainType::Vpc)
        .set_tag_specifications(name(t::ResourceType::ElasticIp, "shop-nat"))
        .send()
        .await
        .map_err(sdk("ec2:AllocateAddress"))?;
    let nat = ec2
        .create_nat_gateway()
        .subnet_id(&public[0])
        .allocation_id(eip.allocation_id().unwrap_or_default())
        .set_tag_specifications(name(t::ResourceType::Natgateway, "shop-nat"))
        .send()
        .await
        .map_err(sdk("ec2:CreateNatGateway"))?
        .nat_gateway()
        .and_then(|n| n.nat_gateway_id().map(str::to_string))
        .unwrap_or_default();
    let vpc_ref = &vpc;
    let table = |label: &'static str| async move {
        let out = ec2
            .create_route_table()
            .vpc_id(vpc_ref)
            .set_tag_specifications(name(t::ResourceType::RouteTable, label))
            .send()
            .await
            .map_err(sdk("ec2:CreateRouteTable"))?;
        Ok::<_, CloudError>(
            out.route_table()
                .and_then(|t| t.route_table_id().map(str::to_string))
                .unwrap_or_default(),
        )
    };
    let public_rtb = table("shop-public").await?;
    let private_rtb = table("shop-private").await?;
    ec2.create_route()
        .route_table_id(&public_rtb)
        .destination_cidr_block("0.0.0.0/0")
        .gateway_id(&igw)
        .send()
        .await
        .map_err(sdk("ec2:CreateRoute"))?;
    ec2.create_route()
        .route_table_id(&private_rtb)
        .destination_cidr_block("0.0.0.0/0")
        .nat_gateway_id(&nat)
        .send()
        .await
        .map_err(sdk("ec2:CreateRoute"))?;
    for (table, subnets) in [(&public_rtb, &public), (&private_rtb, &private)] {
        for subnet in subnets {
            ec2.associate_route_table()
                .route_table_id(table)
                .subnet_id(subnet)
                .send()
                .await
                .map_err(sdk("ec2:AssociateRouteTable"))?;
        }
    }
    if let Some(peer_cidr) = &r.peer_cidr {
        let peer = ec2
            .create_vpc()
            .cidr_block(peer_cidr)
            .set_tag_specifications(name(t::ResourceType::Vpc, "shop-analytics"))
            .send()
            .await
            .map_err(sdk("ec2:CreateVpc"))?
            .vpc()
            .and_then(|v| v.vpc_id().map(str::to_string))
            .unwrap_or_default();
        let pcx = ec2
            .create_vpc_peering_connection()
            .vpc_id(&vpc)
            .peer_vpc_id(&peer)
            .send()
            .await
            .map_err(sdk("ec2:CreateVpcPeeringConnection"))?
            .vpc_peering_connection()
            .and_then(|p| p.vpc_peering_connection_id().map(str::to_string))
            .unwrap_or_default();
        ec2.create_route()
            .route_table_id(&private_rtb)
            .destination_cidr_block(peer_cidr)
            .vpc_peering_connection_id(&pcx)
            .send()
            .await
            .map_err(sdk("ec2:CreateRoute"))?;
    }
    let acl = ec2
        .create_network_acl()
        .vpc_id(&vpc)
        .set_tag_specifications(name(t::ResourceType::NetworkAcl, "shop-private"))
        .send()
        .await
        .map_err(sdk("ec2:CreateNetworkAcl"))?
        .network_acl()
        .and_then(|a| a.network_acl_id().map(str::to_string))
        .unwrap_or_default();
    let entries = [
        (
            100,
            false,
            "6",
            t::RuleAction::Allow,
            e.vpc.cidr.as_str(),
            Some((0, 65535)),
        ),
        (
            110,
            false,
            "6",
            t::RuleAction::Allow,
            "0.0.0.0/0",
            Some((1024, 65535)),
        ),
        (
            120,
            false,
            "6",
            t::RuleAction::Deny,
            "0.0.0.0/0",
            Some((22, 22)),
        ),
        (100, true, "-1", t::RuleAction::Allow, "0.0.0.0/0", None),
    ];
    for (n, egress, proto, action, cidr, ports) in entries {
        ec2.create_network_acl_entry()
            .network_acl_id(&acl)
            .rule_number(n)
            .egress(egress)
            .protocol(proto)
            .rule_action(action)
            .cidr_block(cidr)
            .set_port_range(ports.map(|(a, b)| t::PortRange::builder().from(a).to(b).build()))
            .send()
            .await
            .map_err(sdk("ec2:CreateNetworkAclEntry"))?;
    }
    for subnet in &private {
        let now = ec2
            .describe_network_acls()
            .filters(
                t::Filter::builder()
                    .name("association.subnet-id")
                    .values(subnet)
                    .build(),
            )
            .send()
            .await
            .map_err(sdk("ec2:DescribeNetworkAcls"))?;
        let association = now
            .network_acls()
            .iter()
            .flat_map(|a| a.associations())
            .find(|a| a.subnet_id() == Some(subnet.as_str()))
            .and_then(|a| a.network_acl_association_id().map(str::to_string))
            .unwrap_or_default();
        ec2.replace_network_acl_association()
            .association_id(association)
            .network_acl_id(&acl)
            .send()
            .await
            .map_err(sdk("ec2:ReplaceNetworkAclAssociation"))?;
    }
    if r.s3_endpoint {
        ec2.create_vpc_endpoint()
            .vpc_id(&vpc)
            .vpc_endpoint_type(t::VpcEndpointType::Gateway)
            .service_name(format!("com.amazonaws.{}.s3", c.region))
            .route_table_ids(&private_rtb)
            .set_tag_specifications(name(t::ResourceType::VpcEndpoint, "shop-s3"))
            .send()
            .await
            .map_err(sdk("ec2:CreateVpcEndpoint"))?;
    }
    Ok(())
}
