//! Network ACLs, their entries and their subnet associations.

use super::vpc::Tags;
use super::{gone_is_fine, read, returned};
use crate::cloud::copy::tagged;
use crate::cloud::error::sdk;
use crate::cloud::{Clients, CloudError};
use crate::model::network::{AclEntry, NetworkAcl};
use aws_sdk_ec2::types as t;

pub(crate) async fn create_acl(
    c: &Clients,
    vpc_id: &str,
    tags: Tags<'_>,
) -> Result<String, CloudError> {
    const OP: &str = "ec2:CreateNetworkAcl";
    let out = c
        .ec2
        .create_network_acl()
        .vpc_id(vpc_id)
        .set_tag_specifications(tagged(t::ResourceType::NetworkAcl, tags))
        .send()
        .await
        .map_err(sdk(OP))?;
    returned(OP, out.network_acl().and_then(|a| a.network_acl_id()))
}

pub(crate) async fn acl(c: &Clients, id: &str) -> Result<Option<NetworkAcl>, CloudError> {
    let out = c
        .ec2
        .describe_network_acls()
        .network_acl_ids(id)
        .send()
        .await
        .map_err(sdk("ec2:DescribeNetworkAcls"))?;
    Ok(out.network_acls().first().map(read::acl))
}

fn ports(e: &AclEntry) -> Option<t::PortRange> {
    e.ports
        .map(|(a, b)| t::PortRange::builder().from(a).to(b).build())
}

fn icmp(e: &AclEntry) -> Option<t::IcmpTypeCode> {
    e.icmp
        .map(|(ty, code)| t::IcmpTypeCode::builder().r#type(ty).code(code).build())
}

fn action(e: &AclEntry) -> t::RuleAction {
    if e.allow {
        t::RuleAction::Allow
    } else {
        t::RuleAction::Deny
    }
}

/// Adds an entry, or replaces the one with its rule number when `replace`.
pub(crate) async fn put_entry(
    c: &Clients,
    acl_id: &str,
    e: &AclEntry,
    replace: bool,
) -> Result<(), CloudError> {
    if replace {
        c.ec2
            .replace_network_acl_entry()
            .network_acl_id(acl_id)
            .rule_number(e.rule_number)
            .egress(e.egress)
            .protocol(&e.protocol)
            .rule_action(action(e))
            .set_cidr_block(e.cidr.clone())
            .set_ipv6_cidr_block(e.ipv6_cidr.clone())
            .set_port_range(ports(e))
            .set_icmp_type_code(icmp(e))
            .send()
            .await
            .map_err(sdk("ec2:ReplaceNetworkAclEntry"))?;
    } else {
        c.ec2
            .create_network_acl_entry()
            .network_acl_id(acl_id)
            .rule_number(e.rule_number)
            .egress(e.egress)
            .protocol(&e.protocol)
            .rule_action(action(e))
            .set_cidr_block(e.cidr.clone())
            .set_ipv6_cidr_block(e.ipv6_cidr.clone())
            .set_port_range(ports(e))
            .set_icmp_type_code(icmp(e))
            .send()
            .await
            .map_err(sdk("ec2:CreateNetworkAclEntry"))?;
    }
    Ok(())
}

pub(crate) async fn delete_entry(
    c: &Clients,
    acl_id: &str,
    rule_number: i32,
    egress: bool,
) -> Result<(), CloudError> {
    c.ec2
        .delete_network_acl_entry()
        .network_acl_id(acl_id)
        .rule_number(rule_number)
        .egress(egress)
        .send()
        .await
        .map_err(sdk("ec2:DeleteNetworkAclEntry"))?;
    Ok(())
}

/// Puts the subnet under `acl_id` (every subnet has exactly one ACL).
pub(crate) async fn associate(
    c: &Clients,
    subnet_id: &str,
    acl_id: &str,
) -> Result<(), CloudError> {
    let out = c
        .ec2
        .describe_network_acls()
        .filters(read::filter("association.subnet-id", subnet_id))
        .send()
        .await
        .map_err(sdk("ec2:DescribeNetworkAcls"))?;
    let current = out.network_acls().iter().find_map(|a| {
        let assoc = a
            .associations()
            .iter()
            .find(|s| s.subnet_id() == Some(subnet_id))?;
        Some((a.network_acl_id()?, assoc.network_acl_association_id()?))
    });
    let Some((now, association)) = current else {
        return Err(CloudError::Refused(format!(
            "subnet {subnet_id} has no network ACL association in {}; AWS gives every subnet one, retry in a moment",
            c.region
        )));
    };
    if now == acl_id {
        return Ok(());
    }
    c.ec2
        .replace_network_acl_association()
        .association_id(association)
        .network_acl_id(acl_id)
        .send()
        .await
        .map_err(sdk("ec2:ReplaceNetworkAclAssociation"))?;
    Ok(())
}

/// Gives the ACL's subnets back to their VPC's default ACL, then deletes it.
pub(crate) async fn delete_acl(c: &Clients, id: &str) -> Result<(), CloudError> {
    if let Some(out) = crate::cloud::copy::found(
        "ec2:DescribeNetworkAcls",
        c.ec2
            .describe_network_acls()
            .network_acl_ids(id)
            .send()
            .await,
    )? {
        for acl in out.network_acls() {
            let vpc = acl.vpc_id().unwrap_or_default();
            let defaults = c
                .ec2
                .describe_network_acls()
                .filters(read::filter("vpc-id", vpc))
                .filters(read::filter("default", "true"))
                .send()
                .await
                .map_err(sdk("ec2:DescribeNetworkAcls"))?;
            let Some(default) = defaults
                .network_acls()
                .iter()
                .find_map(|a| a.network_acl_id())
            else {
                continue;
            };
            for assoc in acl.associations() {
                c.ec2
                    .replace_network_acl_association()
                    .association_id(assoc.network_acl_association_id().unwrap_or_default())
                    .network_acl_id(default)
                    .send()
                    .await
                    .map_err(sdk("ec2:ReplaceNetworkAclAssociation"))?;
            }
        }
    }
    let r = c.ec2.delete_network_acl().network_acl_id(id).send().await;
    gone_is_fine(r.map(|_| ()).map_err(sdk("ec2:DeleteNetworkAcl")))
}
