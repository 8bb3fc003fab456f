//! The VPC itself (CIDRs, DNS attributes, DHCP options) and its subnets.

use super::{gone_is_fine, returned};
use crate::cloud::copy::tagged;
use crate::cloud::error::sdk;
use crate::cloud::{Clients, CloudError};
use aws_sdk_ec2::types as t;

pub(crate) type Tags<'a> = &'a [(&'a str, &'a str)];

pub(crate) async fn create_vpc(
    c: &Clients,
    cidr: &str,
    tags: Tags<'_>,
) -> Result<String, CloudError> {
    const OP: &str = "ec2:CreateVpc";
    let out = c
        .ec2
        .create_vpc()
        .cidr_block(cidr)
        .set_tag_specifications(tagged(t::ResourceType::Vpc, tags))
        .send()
        .await
        .map_err(sdk(OP))?;
    returned(OP, out.vpc().and_then(|v| v.vpc_id()))
}

pub(crate) async fn add_cidr(c: &Clients, vpc_id: &str, cidr: &str) -> Result<(), CloudError> {
    c.ec2
        .associate_vpc_cidr_block()
        .vpc_id(vpc_id)
        .cidr_block(cidr)
        .send()
        .await
        .map_err(sdk("ec2:AssociateVpcCidrBlock"))?;
    Ok(())
}

/// DNS support and DNS host names (AWS takes one attribute per call).
pub(crate) async fn set_dns(
    c: &Clients,
    vpc_id: &str,
    support: bool,
    hostnames: bool,
) -> Result<(), CloudError> {
    const OP: &str = "ec2:ModifyVpcAttribute";
    let value = |v: bool| t::AttributeBooleanValue::builder().value(v).build();
    c.ec2
        .modify_vpc_attribute()
        .vpc_id(vpc_id)
        .enable_dns_support(value(support))
        .send()
        .await
        .map_err(sdk(OP))?;
    c.ec2
        .modify_vpc_attribute()
        .vpc_id(vpc_id)
        .enable_dns_hostnames(value(hostnames))
        .send()
        .await
        .map_err(sdk(OP))?;
    Ok(())
}

pub(crate) async fn create_dhcp_options(
    c: &Clients,
    settings: &[(String, Vec<String>)],
    tags: Tags<'_>,
) -> Result<String, CloudError> {
    const OP: &str = "ec2:CreateDhcpOptions";
    let out = c
        .ec2
        .create_dhcp_options()
        .set_dhcp_configurations(Some(
            settings
                .iter()
                .map(|(k, v)| {
                    t::NewDhcpConfiguration::builder()
                        .key(k)
                        .set_values(Some(v.clone()))
                        .build()
                })
                .collect(),
        ))
        .set_tag_specifications(tagged(t::ResourceType::DhcpOptions, tags))
        .send()
        .await
        .map_err(sdk(OP))?;
    returned(OP, out.dhcp_options().and_then(|d| d.dhcp_options_id()))
}

pub(crate) async fn use_dhcp_options(
    c: &Clients,
    vpc_id: &str,
    dhcp_id: &str,
) -> Result<(), CloudError> {
    c.ec2
        .associate_dhcp_options()
        .vpc_id(vpc_id)
        .dhcp_options_id(dhcp_id)
        .send()
        .await
        .map_err(sdk("ec2:AssociateDhcpOptions"))?;
    Ok(())
}

pub(crate) async fn create_subnet(
    c: &Clients,
    vpc_id: &str,
    cidr: &str,
    zone: &str,
    tags: Tags<'_>,
) -> Result<String, CloudError> {
    const OP: &str = "ec2:CreateSubnet";
    let out = c
        .ec2
        .create_subnet()
        .vpc_id(vpc_id)
        .cidr_block(cidr)
        .availability_zone(zone)
        .set_tag_specifications(tagged(t::ResourceType::Subnet, tags))
        .send()
        .await
        .map_err(sdk(OP))?;
    returned(OP, out.subnet().and_then(|s| s.subnet_id()))
}

pub(crate) async fn set_public_ip_on_launch(
    c: &Clients,
    subnet_id: &str,
    on: bool,
) -> Result<(), CloudError> {
    c.ec2
        .modify_subnet_attribute()
        .subnet_id(subnet_id)
        .map_public_ip_on_launch(t::AttributeBooleanValue::builder().value(on).build())
        .send()
        .await
        .map_err(sdk("ec2:ModifySubnetAttribute"))?;
    Ok(())
}

pub(crate) async fn delete_subnet(c: &Clients, id: &str) -> Result<(), CloudError> {
    let r = c.ec2.delete_subnet().subnet_id(id).send().await;
    gone_is_fine(r.map(|_| ()).map_err(sdk("ec2:DeleteSubnet")))
}

pub(crate) async fn delete_vpc(c: &Clients, id: &str) -> Result<(), CloudError> {
    let r = c.ec2.delete_vpc().vpc_id(id).send().await;
    gone_is_fine(r.map(|_| ()).map_err(sdk("ec2:DeleteVpc")))
}

pub(crate) async fn delete_dhcp_options(c: &Clients, id: &str) -> Result<(), CloudError> {
    let r = c.ec2.delete_dhcp_options().dhcp_options_id(id).send().await;
    gone_is_fine(r.map(|_| ()).map_err(sdk("ec2:DeleteDhcpOptions")))
}

/// Security groups a task made (tagged with its id) in one VPC.
pub(crate) async fn groups_made_by(
    c: &Clients,
    vpc_id: &str,
    task_id: &str,
) -> Result<Vec<String>, CloudError> {
    let out = c
        .ec2
        .describe_security_groups()
        .filters(super::read::filter("vpc-id", vpc_id))
        .filters(super::read::filter(
            &format!("tag:{}", crate::model::resource::TASK_ID_TAG),
            task_id,
        ))
        .send()
        .await
        .map_err(sdk("ec2:DescribeSecurityGroups"))?;
    Ok(out
        .security_groups()
        .iter()
        .filter(|g| g.group_name() != Some("default"))
        .filter_map(|g| g.group_id().map(str::to_string))
        .collect())
}

pub(crate) async fn delete_security_group(c: &Clients, id: &str) -> Result<(), CloudError> {
    let r = c.ec2.delete_security_group().group_id(id).send().await;
    gone_is_fine(r.map(|_| ()).map_err(sdk("ec2:DeleteSecurityGroup")))
}
