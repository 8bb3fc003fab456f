//! What a DB instance stands on: its DB subnet group, parameter and option
//! groups, security groups; read in the source, made in the target.

use super::found;
use crate::cloud::ec2::owned;
use crate::cloud::error::{sdk, CloudError};
use crate::cloud::Clients;
use crate::model::resource::SOURCE_ID_TAG;
use aws_sdk_rds::types as t;
use std::collections::BTreeMap;

fn tags(pairs: &[(&str, &str)]) -> Vec<t::Tag> {
    pairs
        .iter()
        .map(|(k, v)| t::Tag::builder().key(*k).value(*v).build())
        .collect()
}

/// A DB instance's placement and settings, as DescribeDBInstances gives them.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct DbPlacement {
    pub(crate) id: String,
    pub(crate) arn: Option<String>,
    pub(crate) engine: String,
    pub(crate) engine_version: Option<String>,
    pub(crate) status: String,
    pub(crate) subnet_group: Option<String>,
    pub(crate) vpc_id: Option<String>,
    pub(crate) parameter_groups: Vec<String>,
    pub(crate) option_groups: Vec<String>,
    pub(crate) security_group_ids: Vec<String>,
    pub(crate) multi_az: bool,
    pub(crate) storage_type: Option<String>,
    pub(crate) backup_retention_days: i32,
    pub(crate) deletion_protection: bool,
    pub(crate) encrypted: bool,
    pub(crate) endpoint: Option<String>,
    pub(crate) port: Option<i32>,
    pub(crate) tags: BTreeMap<String, String>,
    /// The instance this one replicates, when it is a read replica.
    pub(crate) replica_source: Option<String>,
    /// What AWS reports of replication: (type, status, normal, message).
    pub(crate) status_infos: Vec<(String, String, bool, Option<String>)>,
}

pub(crate) async fn placement(c: &Clients, id: &str) -> Result<Option<DbPlacement>, CloudError> {
    let out = found(
        "rds:DescribeDBInstances",
        c.rds
            .describe_db_instances()
            .db_instance_identifier(id)
            .send()
            .await,
    )?;
    Ok(out.and_then(|o| o.db_instances().first().map(from_instance)))
}

fn from_instance(d: &t::DbInstance) -> DbPlacement {
    DbPlacement {
        id: d.db_instance_identifier().unwrap_or_default().to_string(),
        arn: owned(d.db_instance_arn()),
        engine: d.engine().unwrap_or_default().to_string(),
        engine_version: owned(d.engine_version()),
        status: d.db_instance_status().unwrap_or_default().to_string(),
        subnet_group: owned(d.db_subnet_group().and_then(|g| g.db_subnet_group_name())),
        vpc_id: owned(d.db_subnet_group().and_then(|g| g.vpc_id())),
        parameter_groups: d
            .db_parameter_groups()
            .iter()
            .filter_map(|g| owned(g.db_parameter_group_name()))
            .collect(),
        option_groups: d
            .option_group_memberships()
            .iter()
            .filter_map(|g| owned(g.option_group_name()))
            .collect(),
        security_group_ids: d
            .vpc_security_groups()
            .iter()
            .filter_map(|g| owned(g.vpc_security_group_id()))
            .collect(),
        multi_az: d.multi_az().unwrap_or(false),
        storage_type: owned(d.storage_type()),
        backup_retention_days: d.backup_retention_period().unwrap_or(0),
        deletion_protection: d.deletion_protection().unwrap_or(false),
        encrypted: d.storage_encrypted().unwrap_or(false),
        endpoint: owned(d.endpoint().and_then(|e| e.address())),
        port: d.endpoint().and_then(|e| e.port()),
        tags: d
            .tag_list()
            .iter()
            .filter_map(|t| Some((t.key()?.to_string(), t.value()?.to_string())))
            .collect(),
        replica_source: owned(d.read_replica_source_db_instance_identifier()),
        status_infos: d
            .status_infos()
            .iter()
            .map(|s| {
                (
                    s.status_type().unwrap_or_default().to_string(),
                    s.status().unwrap_or_default().to_string(),
                    s.normal().unwrap_or(true),
                    owned(s.message()),
                )
            })
            .collect(),
    }
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) struct SubnetGroup {
    pub(crate) name: String,
    pub(crate) description: String,
    pub(crate) vpc_id: String,
    pub(crate) subnet_ids: Vec<String>,
}

pub(crate) async fn subnet_group(
    c: &Clients,
    name: &str,
) -> Result<Option<SubnetGroup>, CloudError> {
    let out = found(
        "rds:DescribeDBSubnetGroups",
        c.rds
            .describe_db_subnet_groups()
            .db_subnet_group_name(name)
            .send()
            .await,
    )?;
    Ok(out.and_then(|o| {
        o.db_subnet_groups().first().map(|g| SubnetGroup {
            name: g.db_subnet_group_name().unwrap_or_default().to_string(),
            description: g
                .db_subnet_group_description()
                .unwrap_or_default()
                .to_string(),
            vpc_id: g.vpc_id().unwrap_or_default().to_string(),
            subnet_ids: g
                .subnets()
                .iter()
                .filter_map(|s| owned(s.subnet_identifier()))
                .collect(),
        })
    }))
}

pub(crate) async fn create_subnet_group(
    c: &Clients,
    g: &SubnetGroup,
    tag_pairs: &[(&str, &str)],
) -> Result<(), CloudError> {
    c.rds
        .create_db_subnet_group()
        .db_subnet_group_name(&g.name)
        .db_subnet_group_description(&g.description)
        .set_subnet_ids(Some(g.subnet_ids.clone()))
        .set_tags(Some(tags(tag_pairs)))
        .send()
        .await
        .map_err(sdk("rds:CreateDBSubnetGroup"))?;
    Ok(())
}

/// A subnet of the target: id, AZ, VPC.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Subnet {
    pub(crate) id: String,
    pub(crate) zone: String,
    pub(crate) vpc_id: String,
    /// The source subnet it copies, by the `cutover:source-id` tag.
    pub(crate) source_id: Option<String>,
}

async fn subnets_where(
    c: &Clients,
    filter: aws_sdk_ec2::types::Filter,
) -> Result<Vec<Subnet>, CloudError> {
    let out = c
        .ec2
        .describe_subnets()
        .filters(filter)
        .send()
        .await
        .map_err(sdk("ec2:DescribeSubnets"))?;
    Ok(out
        .subnets()
        .iter()
        .map(|s| Subnet {
            id: s.subnet_id().unwrap_or_default().to_string(),
            zone: s.availability_zone().unwrap_or_default().to_string(),
            vpc_id: s.vpc_id().unwrap_or_default().to_string(),
            source_id: s
                .tags()
                .iter()
                .find(|t| t.key() == Some(SOURCE_ID_TAG))
                .and_then(|t| owned(t.value())),
        })
        .collect())
}

fn filter(name: &str, values: &[String]) -> aws_sdk_ec2::types::Filter {
    aws_sdk_ec2::types::Filter::builder()
        .name(name)
        .set_values(Some(values.to_vec()))
        .build()
}

/// Target subnets copied from these source subnets (whoever copied them:
/// the tag is the link).
pub(crate) async fn subnets_copied_from(
    c: &Clients,
    source_ids: &[String],
) -> Result<Vec<Subnet>, CloudError> {
    subnets_where(c, filter(&format!("tag:{SOURCE_ID_TAG}"), source_ids)).await
}

pub(crate) async fn subnets(c: &Clients, ids: &[String]) -> Result<Vec<Subnet>, CloudError> {
    subnets_where(c, filter("subnet-id", ids)).await
}

pub(crate) async fn subnets_of_vpc(c: &Clients, vpc_id: &str) -> Result<Vec<Subnet>, CloudError> {
    subnets_where(c, filter("vpc-id", &[vpc_id.to_string()])).await
}

/// Target security groups copied from these source groups: source -> target.
pub(crate) async fn groups_copied_from(
    c: &Clients,
    source_ids: &[String],
) -> Result<BTreeMap<String, String>, CloudError> {
    let out = c
        .ec2
        .describe_security_groups()
        .filters(filter(&format!("tag:{SOURCE_ID_TAG}"), source_ids))
        .send()
        .await
        .map_err(sdk("ec2:DescribeSecurityGroups"))?;
    Ok(out
        .security_groups()
        .iter()
        .filter_map(|g| {
            let source = g
                .tags()
                .iter()
                .find(|t| t.key() == Some(SOURCE_ID_TAG))
                .and_then(|t| owned(t.value()))?;
            Some((source, owned(g.group_id())?))
        })
        .collect())
}

/// The names of these security groups (id -> name); a group EC2 does not
/// know is absent from the answer.
pub(crate) async fn group_names(
    c: &Clients,
    ids: &[String],
) -> Result<BTreeMap<String, String>, CloudError> {
    let out = c
        .ec2
        .describe_security_groups()
        .filters(filter("group-id", ids))
        .send()
        .await
        .map_err(sdk("ec2:DescribeSecurityGroups"))?;
    Ok(out
        .security_groups()
        .iter()
        .filter_map(|g| Some((owned(g.group_id())?, owned(g.group_name())?)))
        .collect())
}

/// A user-set parameter: name, value, and whether it applies at once.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub(crate) struct Parameter {
    pub(crate) name: String,
    pub(crate) value: String,
    pub(crate) dynamic: bool,
}

/// The family of a DB parameter group, None when there is no such group.
pub(crate) async fn parameter_group_family(
    c: &Clients,
    name: &str,
) -> Result<Option<String>, CloudError> {
    let out = found(
        "rds:DescribeDBParameterGroups",
        c.rds
            .describe_db_parameter_groups()
            .db_parameter_group_name(name)
            .send()
            .await,
    )?;
    Ok(out.and_then(|o| {
        o.db_parameter_groups().first().map(|g| {
            g.db_parameter_group_family()
                .unwrap_or_default()
                .to_string()
        })
    }))
}

/// The parameters the user changed (`Source=user`) in a group.
pub(crate) async fn user_parameters(
    c: &Clients,
    group: &str,
) -> Result<Vec<Parameter>, CloudError> {
    const OP: &str = "rds:DescribeDBParameters";
    c.rds
        .describe_db_parameters()
        .db_parameter_group_name(group)
        .source("user")
        .into_paginator()
        .items()
        .send()
        .try_collect()
        .await
        .map_err(sdk(OP))
        .map(|parameters| {
            parameters
                .iter()
                .filter_map(|p| {
                    Some(Parameter {
                        name: owned(p.parameter_name())?,
                        value: owned(p.parameter_value())?,
                        dynamic: p.apply_type() != Some("static"),
                    })
                })
                .collect()
        })
}

/// Parameter names the engine family knows in this region; None when the
/// region does not say (then nothing is refused on this ground).
pub(crate) async fn family_parameters(
    c: &Clients,
    family: &str,
) -> Result<Option<Vec<String>>, CloudError> {
    let out = c
        .rds
        .describe_engine_default_parameters()
        .db_parameter_group_family(family)
        .send()
        .await
        .map_err(sdk("rds:DescribeEngineDefaultParameters"));
    // A region (or emulator) that cannot say refuses nothing on this ground.
    let out = match out {
        Ok(out) => out,
        Err(e) => {
            tracing::warn!(error = %e, "parameter names of {family} unknown");
            return Ok(None);
        }
    };
    let names: Vec<String> = out
        .engine_defaults()
        .map(|d| {
            d.parameters()
                .iter()
                .filter_map(|p| owned(p.parameter_name()))
                .collect()
        })
        .unwrap_or_default();
    Ok((!names.is_empty()).then_some(names))
}

pub(crate) async fn create_parameter_group(
    c: &Clients,
    name: &str,
    family: &str,
    description: &str,
    parameters: &[Parameter],
    tag_pairs: &[(&str, &str)],
) -> Result<(), CloudError> {
    c.rds
        .create_db_parameter_group()
        .db_parameter_group_name(name)
        .db_parameter_group_family(family)
        .description(description)
        .set_tags(Some(tags(tag_pairs)))
        .send()
        .await
        .map_err(sdk("rds:CreateDBParameterGroup"))?;
    // AWS takes at most 20 parameters per call.
    for chunk in parameters.chunks(20) {
        let params = chunk
            .iter()
            .map(|p| {
                t::Parameter::builder()
                    .parameter_name(&p.name)
                    .parameter_value(&p.value)
                    .apply_method(if p.dynamic {
                        t::ApplyMethod::Immediate
                    } else {
                        t::ApplyMethod::PendingReboot
                    })
                    .build()
            })
            .collect();
        c.rds
            .modify_db_parameter_group()
            .db_parameter_group_name(name)
            .set_parameters(Some(params))
            .send()
            .await
            .map_err(sdk("rds:ModifyDBParameterGroup"))?;
    }
    Ok(())
}

/// An option group: engine, major version, and its options' names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct OptionGroup {
    pub(crate) name: String,
    pub(crate) engine: String,
    pub(crate) major_version: String,
    pub(crate) description: String,
    pub(crate) options: Vec<String>,
}

pub(crate) async fn option_group(
    c: &Clients,
    name: &str,
) -> Result<Option<OptionGroup>, CloudError> {
    let out = found(
        "rds:DescribeOptionGroups",
        c.rds
            .describe_option_groups()
            .option_group_name(name)
            .send()
            .await,
    )?;
    Ok(out.and_then(|o| {
        o.option_groups_list().first().map(|g| OptionGroup {
            name: g.option_group_name().unwrap_or_default().to_string(),
            engine: g.engine_name().unwrap_or_default().to_string(),
            major_version: g.major_engine_version().unwrap_or_default().to_string(),
            description: g.option_group_description().unwrap_or_default().to_string(),
            options: g
                .options()
                .iter()
                .filter_map(|o| owned(o.option_name()))
                .collect(),
        })
    }))
}

/// Option names the target region offers for this engine and version.
pub(crate) async fn offered_options(
    c: &Clients,
    engine: &str,
    major_version: &str,
) -> Result<Vec<String>, CloudError> {
    let out = c
        .rds
        .describe_option_group_options()
        .engine_name(engine)
        .major_engine_version(major_version)
        .send()
        .await
        .map_err(sdk("rds:DescribeOptionGroupOptions"))?;
    Ok(out
        .option_group_options()
        .iter()
        .filter_map(|o| owned(o.name()))
        .collect())
}

pub(crate) async fn create_option_group(
    c: &Clients,
    g: &OptionGroup,
    tag_pairs: &[(&str, &str)],
) -> Result<(), CloudError> {
    c.rds
        .create_option_group()
        .option_group_name(&g.name)
        .engine_name(&g.engine)
        .major_engine_version(&g.major_version)
        .option_group_description(&g.description)
        .set_tags(Some(tags(tag_pairs)))
        .send()
        .await
        .map_err(sdk("rds:CreateOptionGroup"))?;
    if !g.options.is_empty() {
        let include = g
            .options
            .iter()
            .map(|o| t::OptionConfiguration::builder().option_name(o).build())
            .collect::<Vec<_>>();
        c.rds
            .modify_option_group()
            .option_group_name(&g.name)
            .set_options_to_include(Some(include))
            .apply_immediately(true)
            .send()
            .await
            .map_err(sdk("rds:ModifyOptionGroup"))?;
    }
    Ok(())
}

pub(crate) async fn subnet_group_names(c: &Clients) -> Result<Vec<String>, CloudError> {
    let out = c
        .rds
        .describe_db_subnet_groups()
        .send()
        .await
        .map_err(sdk("rds:DescribeDBSubnetGroups"))?;
    Ok(out
        .db_subnet_groups()
        .iter()
        .filter_map(|g| owned(g.db_subnet_group_name()))
        .collect())
}
