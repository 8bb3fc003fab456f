//! Security groups: created in a target VPC, then given their rules.

use super::{tagged, CloudError};
use crate::cloud::ec2;
use crate::cloud::error::sdk;
use crate::cloud::Clients;
use crate::model::resource::Rule;
use crate::model::Resource;
use aws_sdk_ec2::types as t;

pub async fn groups(c: &Clients, ids: &[String]) -> Result<Vec<Resource>, CloudError> {
    let out = c
        .ec2
        .describe_security_groups()
        .set_group_ids(Some(ids.to_vec()))
        .send()
        .await
        .map_err(sdk("ec2:DescribeSecurityGroups"))?;
    Ok(out
        .security_groups()
        .iter()
        .map(|g| ec2::security_group(&c.region, g))
        .collect())
}

/// The group called `name` in `vpc_id`, if any.
pub(crate) async fn group_named(
    c: &Clients,
    vpc_id: &str,
    name: &str,
) -> Result<Option<Resource>, CloudError> {
    let filter = |k: &str, v: &str| t::Filter::builder().name(k).values(v).build();
    let out = c
        .ec2
        .describe_security_groups()
        .filters(filter("vpc-id", vpc_id))
        .filters(filter("group-name", name))
        .send()
        .await
        .map_err(sdk("ec2:DescribeSecurityGroups"))?;
    Ok(out
        .security_groups()
        .first()
        .map(|g| ec2::security_group(&c.region, g)))
}

/// source group id -> its copy, for the groups in `vpc_id` that cutover
/// made (tagged with their source id).
pub(crate) async fn copies_in(
    c: &Clients,
    vpc_id: &str,
) -> Result<std::collections::BTreeMap<String, String>, CloudError> {
    let out = c
        .ec2
        .describe_security_groups()
        .filters(t::Filter::builder().name("vpc-id").values(vpc_id).build())
        .send()
        .await
        .map_err(sdk("ec2:DescribeSecurityGroups"))?;
    Ok(out
        .security_groups()
        .iter()
        .map(|g| ec2::security_group(&c.region, g))
        .filter_map(|r| Some((r.source_id()?.to_string(), r.id.clone())))
        .collect())
}

pub async fn default_vpc(c: &Clients) -> Result<Option<String>, CloudError> {
    let out = c
        .ec2
        .describe_vpcs()
        .filters(
            t::Filter::builder()
                .name("is-default")
                .values("true")
                .build(),
        )
        .send()
        .await
        .map_err(sdk("ec2:DescribeVpcs"))?;
    Ok(out
        .vpcs()
        .first()
        .and_then(|v| v.vpc_id().map(str::to_string)))
}

pub(crate) async fn create_group(
    c: &Clients,
    vpc_id: &str,
    name: &str,
    description: &str,
    tags: &[(&str, &str)],
) -> Result<String, CloudError> {
    let out = c
        .ec2
        .create_security_group()
        .vpc_id(vpc_id)
        .group_name(name)
        .description(description)
        .set_tag_specifications(tagged(t::ResourceType::SecurityGroup, tags))
        .send()
        .await
        .map_err(sdk("ec2:CreateSecurityGroup"))?;
    out.group_id()
        .map(str::to_string)
        .ok_or_else(|| CloudError::Incomplete("CreateSecurityGroup returned no id".into()))
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Direction {
    Ingress,
    Egress,
}

fn permission(r: &Rule) -> t::IpPermission {
    t::IpPermission::builder()
        .ip_protocol(&r.protocol)
        .set_from_port(r.from_port)
        .set_to_port(r.to_port)
        .set_ip_ranges(Some(
            r.cidrs
                .iter()
                .map(|c| t::IpRange::builder().cidr_ip(c).build())
                .collect(),
        ))
        .set_ipv6_ranges(Some(
            r.ipv6_cidrs
                .iter()
                .map(|c| t::Ipv6Range::builder().cidr_ipv6(c).build())
                .collect(),
        ))
        .set_prefix_list_ids(Some(
            r.prefix_lists
                .iter()
                .map(|p| t::PrefixListId::builder().prefix_list_id(p).build())
                .collect(),
        ))
        .set_user_id_group_pairs(Some(
            r.groups
                .iter()
                .map(|g| t::UserIdGroupPair::builder().group_id(g).build())
                .collect(),
        ))
        .build()
}

/// Adds one rule. A rule already there counts as added, so a resumed task
/// can add its rules again.
pub(crate) async fn authorize(
    c: &Clients,
    group_id: &str,
    direction: Direction,
    rule: &Rule,
) -> Result<(), CloudError> {
    let result = match direction {
        Direction::Ingress => c
            .ec2
            .authorize_security_group_ingress()
            .group_id(group_id)
            .ip_permissions(permission(rule))
            .send()
            .await
            .map(|_| ())
            .map_err(|e| CloudError::from_sdk("ec2:AuthorizeSecurityGroupIngress", e)),
        Direction::Egress => c
            .ec2
            .authorize_security_group_egress()
            .group_id(group_id)
            .ip_permissions(permission(rule))
            .send()
            .await
            .map(|_| ())
            .map_err(|e| CloudError::from_sdk("ec2:AuthorizeSecurityGroupEgress", e)),
    };
    match result {
        Err(e) if e.code() == Some("InvalidPermission.Duplicate") => Ok(()),
        other => other,
    }
}

/// Removes an egress rule (the allow-all a new group starts with, when the
/// source group does not have it).
pub(crate) async fn revoke_egress(
    c: &Clients,
    group_id: &str,
    rule: &Rule,
) -> Result<(), CloudError> {
    let result = c
        .ec2
        .revoke_security_group_egress()
        .group_id(group_id)
        .ip_permissions(permission(rule))
        .send()
        .await;
    match result {
        Ok(_) => Ok(()),
        Err(e) => {
            let e = CloudError::from_sdk("ec2:RevokeSecurityGroupEgress", e);
            if e.code() == Some("InvalidPermission.NotFound") {
                Ok(())
            } else {
                Err(e)
            }
        }
    }
}
