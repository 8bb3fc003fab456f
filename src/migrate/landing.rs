//! A DB's landing zone in the target: DB subnet group, parameter and option
//! groups, security groups. Surveyed before the confirm (so the plan shows
//! it, and bad input stops everything), made by the task's first step.

use super::steps::{StepContext, StepResult};
use super::task::RestoreOptions;
use crate::cloud::copy::copy_tags;
use crate::cloud::copy::rds_landing::{self as rl, DbPlacement, Parameter, SubnetGroup};
use crate::cloud::{CloudError, Regions};
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;

/// What the task makes in the target when it is still missing there.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct LandingZone {
    pub(crate) subnet_group: Option<NewSubnetGroup>,
    pub(crate) parameter_group: Option<NewParameterGroup>,
    pub(crate) option_group: Option<NewOptionGroup>,
    /// Options of the source's group the target region does not offer.
    #[serde(default)]
    pub(crate) options_left_out: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct NewSubnetGroup {
    pub(crate) name: String,
    pub(crate) description: String,
    pub(crate) subnet_ids: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct NewParameterGroup {
    pub(crate) name: String,
    pub(crate) family: String,
    pub(crate) description: String,
    pub(crate) parameters: Vec<Parameter>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct NewOptionGroup {
    pub(crate) name: String,
    pub(crate) engine: String,
    pub(crate) major_version: String,
    pub(crate) description: String,
    pub(crate) options: Vec<String>,
}

/// The operator's picks that a survey respects.
#[derive(Debug, Clone, Default)]
pub struct Picks {
    /// Target subnets for a new DB subnet group.
    pub(crate) subnets: Vec<String>,
    /// No DB subnet group: the target's default VPC (AWS's choice).
    pub(crate) no_subnet_group: bool,
}

/// A survey's answer: the settings for the new instance, what to make, and
/// lines for the plan.
#[derive(Debug, Clone, PartialEq)]
pub struct Survey {
    pub restore: RestoreOptions,
    pub(crate) source: DbPlacement,
    pub lines: Vec<String>,
}

fn refuse(text: String) -> CloudError {
    CloudError::Refused(text)
}

fn is_default_group(name: &str) -> bool {
    name.starts_with("default.") || name.starts_with("default:")
}

/// Fewer than two AZs among the subnets: a DB subnet group is refused.
pub(crate) fn zones_too_few(subnets: &[rl::Subnet]) -> Option<String> {
    let zones: BTreeSet<&str> = subnets.iter().map(|s| s.zone.as_str()).collect();
    (zones.len() < 2).then(|| zones.into_iter().collect::<Vec<_>>().join(", "))
}

/// Reads the source DB and the target, fills `wanted`'s unset settings from
/// the source, and says what must be made. Nothing is written.
pub async fn survey(
    regions: &Regions,
    source_db: &str,
    mut wanted: RestoreOptions,
    picks: &Picks,
) -> Result<Survey, CloudError> {
    let (source, target) = (&regions.source, &regions.target);
    let src = rl::placement(source, source_db).await?.ok_or_else(|| {
        refuse(format!(
            "no DB instance {source_db} in {}: check the id with `cutover inventory --kinds db`",
            source.region
        ))
    })?;
    let mut zone = LandingZone::default();
    let mut lines = Vec::new();

    // DB subnet group.
    if picks.no_subnet_group {
        wanted.subnet_group = None;
        lines.push("DB subnet group: none (the target's default VPC)".into());
    } else {
        let name = wanted
            .subnet_group
            .clone()
            .or_else(|| src.subnet_group.clone().filter(|n| n != "default"))
            .unwrap_or_else(|| super::rds::identifier(&format!("cutover-{source_db}")));
        if let Some(existing) = rl::subnet_group(target, &name).await? {
            lines.push(format!(
                "DB subnet group: {name} (exists in the target, {})",
                existing.vpc_id
            ));
        } else {
            let subnets = if !picks.subnets.is_empty() {
                rl::subnets(target, &picks.subnets).await?
            } else {
                let from = match &src.subnet_group {
                    Some(g) => rl::subnet_group(source, g).await?,
                    None => None,
                };
                let source_subnets = from.map(|g| g.subnet_ids).unwrap_or_default();
                if source_subnets.is_empty() {
                    return Err(refuse(format!("{source_db} has no DB subnet group to translate: pick target subnets with --db-subnets (two AZs at least)")));
                }
                let found = rl::subnets_copied_from(target, &source_subnets).await?;
                if found.is_empty() {
                    return Err(refuse(format!(
                        "{} has no copies of the subnets of {source_db} ({}): clone the network first, or pick target subnets with --db-subnets",
                        target.region,
                        source_subnets.join(", ")
                    )));
                }
                found
            };
            if let Some(zones) = zones_too_few(&subnets) {
                let vpc = subnets
                    .first()
                    .map(|s| s.vpc_id.clone())
                    .unwrap_or_default();
                let all = rl::subnets_of_vpc(target, &vpc).await?;
                let hint = match zones_too_few(&all) {
                    Some(_) => format!("the VPC {vpc} has subnets in fewer than two AZs: add a subnet in a second AZ first"),
                    None => "pick subnets in two AZs with --db-subnets".into(),
                };
                return Err(refuse(format!(
                    "a DB subnet group needs subnets in two AZs at least, these are all in {zones}: {hint}"
                )));
            }
            let ids: Vec<String> = subnets.iter().map(|s| s.id.clone()).collect();
            lines.push(format!(
                "DB subnet group: {name}, to make from {}",
                ids.join(", ")
            ));
            zone.subnet_group = Some(NewSubnetGroup {
                name: name.clone(),
                description: format!("cutover: for {source_db} from {}", source.region),
                subnet_ids: ids,
            });
        }
        wanted.subnet_group = Some(name);
    }

    // Security groups: the target's copies of the source's.
    if wanted.security_group_ids.is_empty() && !src.security_group_ids.is_empty() {
        let copies = rl::groups_copied_from(target, &src.security_group_ids).await?;
        // A VPC's default group is not copied: the target VPC's default
        // group takes its place (AWS's choice when none is given).
        let names = rl::group_names(source, &src.security_group_ids).await?;
        let defaults: Vec<&String> = src
            .security_group_ids
            .iter()
            .filter(|g| !copies.contains_key(*g))
            .filter(|g| names.get(*g).is_none_or(|n| n == "default"))
            .collect();
        if !defaults.is_empty() {
            lines.push(format!(
                "security group {}: the source VPC's default; the target VPC's default group takes its place",
                defaults.iter().map(|g| g.as_str()).collect::<Vec<_>>().join(", ")
            ));
        }
        let missing: Vec<&String> = src
            .security_group_ids
            .iter()
            .filter(|g| !copies.contains_key(*g) && !defaults.contains(g))
            .collect();
        if !missing.is_empty() {
            return Err(refuse(format!(
                "{} has no copy of {}: copy them first (`cutover copy --ids {}`), or name target groups with --db-security-groups",
                target.region,
                missing.iter().map(|g| g.as_str()).collect::<Vec<_>>().join(", "),
                missing.iter().map(|g| g.as_str()).collect::<Vec<_>>().join(",")
            )));
        }
        wanted.security_group_ids = src
            .security_group_ids
            .iter()
            .filter_map(|g| copies.get(g).cloned())
            .collect();
    }
    if !wanted.security_group_ids.is_empty() {
        lines.push(format!(
            "security groups: {}",
            wanted.security_group_ids.join(", ")
        ));
    }

    // Parameter group.
    if wanted.parameter_group.is_none() {
        wanted.parameter_group = src
            .parameter_groups
            .first()
            .filter(|g| !is_default_group(g))
            .cloned();
        if let Some(name) = wanted.parameter_group.clone() {
            if rl::parameter_group_family(target, &name).await?.is_some() {
                lines.push(format!("DB parameter group: {name} (exists in the target)"));
            } else {
                let family = rl::parameter_group_family(source, &name)
                    .await?
                    .ok_or_else(|| {
                        refuse(format!("the source's parameter group {name} is gone"))
                    })?;
                let parameters = rl::user_parameters(source, &name).await?;
                if let Some(known) = rl::family_parameters(target, &family).await? {
                    let unknown: Vec<&str> = parameters
                        .iter()
                        .map(|p| p.name.as_str())
                        .filter(|n| !known.iter().any(|k| k == n))
                        .collect();
                    if !unknown.is_empty() {
                        return Err(refuse(format!(
                            "{} does not know these parameters of {name} in family {family}: {}; remove them from the source group, or give a target group with --db-parameter-group",
                            target.region,
                            unknown.join(", ")
                        )));
                    }
                }
                lines.push(format!(
                    "DB parameter group: {name} ({family}), to make with {} user-set parameters",
                    parameters.len()
                ));
                zone.parameter_group = Some(NewParameterGroup {
                    name,
                    family,
                    description: format!("cutover: copy of the group of {source_db}"),
                    parameters,
                });
            }
        }
    } else if let Some(name) = &wanted.parameter_group {
        if rl::parameter_group_family(target, name).await?.is_none() {
            return Err(refuse(format!(
                "no DB parameter group {name} in {}",
                target.region
            )));
        }
    }

    // Option group.
    if wanted.option_group.is_none() {
        wanted.option_group = src
            .option_groups
            .first()
            .filter(|g| !is_default_group(g))
            .cloned();
        if let Some(name) = wanted.option_group.clone() {
            if rl::option_group(target, &name).await?.is_some() {
                lines.push(format!("option group: {name} (exists in the target)"));
            } else if let Some(group) = rl::option_group(source, &name).await? {
                let offered =
                    rl::offered_options(target, &group.engine, &group.major_version).await?;
                let (carried, left): (Vec<String>, Vec<String>) = group
                    .options
                    .iter()
                    .cloned()
                    .partition(|o| offered.contains(o));
                lines.push(format!(
                    "option group: {name}, to make with {} options{}",
                    carried.len(),
                    if left.is_empty() {
                        String::new()
                    } else {
                        format!(
                            " ({} not offered in {}: {})",
                            left.len(),
                            target.region,
                            left.join(", ")
                        )
                    }
                ));
                zone.options_left_out = left;
                zone.option_group = Some(NewOptionGroup {
                    name,
                    engine: group.engine,
                    major_version: group.major_version,
                    description: group.description,
                    options: carried,
                });
            }
        }
    }

    // Settings carried from the source unless the operator set them.
    wanted.multi_az = wanted.multi_az.or(Some(src.multi_az));
    wanted.storage_type = wanted.storage_type.clone().or(src.storage_type.clone());
    wanted.backup_retention_days = wanted
        .backup_retention_days
        .or(Some(src.backup_retention_days));
    wanted.deletion_protection = wanted.deletion_protection.or(Some(src.deletion_protection));
    lines.push(format!(
        "Multi-AZ {}, storage {}, backups kept {} days, deletion protection {}",
        if wanted.multi_az == Some(true) {
            "on"
        } else {
            "off"
        },
        wanted.storage_type.as_deref().unwrap_or("as the source"),
        wanted.backup_retention_days.unwrap_or(0),
        if wanted.deletion_protection == Some(true) {
            "on"
        } else {
            "off"
        },
    ));
    let makes = zone.subnet_group.is_some()
        || zone.parameter_group.is_some()
        || zone.option_group.is_some()
        || !zone.options_left_out.is_empty();
    wanted.landing = makes.then_some(zone);
    Ok(Survey {
        restore: wanted,
        source: src,
        lines,
    })
}

/// The step: make what is missing (a re-run finds what it made by name).
pub(crate) async fn make(ctx: &StepContext<'_>) -> Result<StepResult, CloudError> {
    let mut r = StepResult::default();
    let Some(zone) = ctx
        .spec
        .options
        .restore
        .as_ref()
        .and_then(|o| o.landing.clone())
    else {
        return Ok(r);
    };
    let target = &ctx.regions.target;
    let source_id = &ctx.spec.source_ids[0];
    let tags = copy_tags(source_id, &ctx.spec.id);
    if let Some(g) = &zone.subnet_group {
        if rl::subnet_group(target, &g.name).await?.is_none() {
            let group = SubnetGroup {
                name: g.name.clone(),
                description: g.description.clone(),
                vpc_id: String::new(),
                subnet_ids: g.subnet_ids.clone(),
            };
            rl::create_subnet_group(target, &group, &tags).await?;
        } else {
            r.notes
                .push(format!("DB subnet group {} was there already", g.name));
        }
        r.outputs.insert("subnet_group".into(), g.name.clone());
    }
    if let Some(g) = &zone.parameter_group {
        if rl::parameter_group_family(target, &g.name).await?.is_none() {
            rl::create_parameter_group(
                target,
                &g.name,
                &g.family,
                &g.description,
                &g.parameters,
                &tags,
            )
            .await?;
        }
        r.outputs.insert("parameter_group".into(), g.name.clone());
        let reboot: Vec<&str> = g
            .parameters
            .iter()
            .filter(|p| !p.dynamic)
            .map(|p| p.name.as_str())
            .collect();
        if !reboot.is_empty() {
            r.notes.push(format!(
                "static parameters of {} apply at the instance's first boot: {}",
                g.name,
                reboot.join(", ")
            ));
        }
    }
    if let Some(g) = &zone.option_group {
        if rl::option_group(target, &g.name).await?.is_none() {
            let group = rl::OptionGroup {
                name: g.name.clone(),
                engine: g.engine.clone(),
                major_version: g.major_version.clone(),
                description: g.description.clone(),
                options: g.options.clone(),
            };
            rl::create_option_group(target, &group, &tags).await?;
        }
        r.outputs.insert("option_group".into(), g.name.clone());
    }
    for option in &zone.options_left_out {
        r.warnings.push(format!(
            "option {option} is not offered in {}: it was left out of the option group; set up its equivalent by hand",
            ctx.spec.target_region
        ));
    }
    Ok(r)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn subnet(id: &str, zone: &str) -> rl::Subnet {
        rl::Subnet {
            id: id.into(),
            zone: zone.into(),
            vpc_id: "vpc-1".into(),
            source_id: None,
        }
    }

    #[test]
    fn a_subnet_group_needs_two_zones() {
        assert_eq!(
            zones_too_few(&[subnet("a", "eu-west-1a"), subnet("b", "eu-west-1a")]).as_deref(),
            Some("eu-west-1a")
        );
        assert_eq!(
            zones_too_few(&[subnet("a", "eu-west-1a"), subnet("b", "eu-west-1b")]),
            None
        );
        assert_eq!(zones_too_few(&[]).as_deref(), Some(""));
    }

    #[test]
    fn default_groups_are_not_copied() {
        assert!(is_default_group("default.mysql8.0"));
        assert!(is_default_group("default:mysql-8-0"));
        assert!(!is_default_group("shop-params"));
    }
}
