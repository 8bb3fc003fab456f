//! Security groups are copied as a set: all groups first, then their rules,
//! so references among them (cycles and self-references too) remap to the
//! new groups.

use super::steps::{StepContext, StepResult};
use crate::cloud::copy::security_group::{self as sg, Direction};
use crate::cloud::copy::{self};
use crate::cloud::CloudError;
use crate::model::resource::{Rule, SecurityGroup};
use crate::model::{Details, Resource};
use std::collections::BTreeMap;

fn details(r: &Resource) -> Result<&SecurityGroup, CloudError> {
    match &r.details {
        Details::SecurityGroup(g) => Ok(g),
        _ => Err(CloudError::Refused(format!(
            "{} is not a security group",
            r.id
        ))),
    }
}

/// The groups of the task: all its ids, or those after the VPC of a
/// network clone (whose groups land in the clone).
fn group_ids(spec: &super::TaskSpec) -> &[String] {
    match spec.kind {
        super::CopyKind::Vpc => &spec.source_ids[1..],
        _ => &spec.source_ids,
    }
}

pub(crate) async fn create_groups(ctx: &StepContext<'_>) -> Result<StepResult, CloudError> {
    let (source, target, spec) = (&ctx.regions.source, &ctx.regions.target, ctx.spec);
    let clone = match spec.kind {
        super::CopyKind::Vpc => ctx
            .outputs
            .get(&format!("target:{}", spec.source_ids[0]))
            .cloned(),
        _ => None,
    };
    let vpc = match clone.as_ref().or(spec.options.target_vpc.as_ref()) {
        Some(v) => v.clone(),
        None => sg::default_vpc(target).await?.ok_or_else(|| {
            CloudError::Refused(format!(
                "{} has no default VPC: choose the target VPC (--target-vpc vpc-...)",
                spec.target_region
            ))
        })?,
    };
    let mut result = StepResult::default();
    result.outputs.insert("target_vpc".into(), vpc.clone());
    for src in sg::groups(source, group_ids(spec)).await? {
        let g = details(&src)?;
        let existing = sg::group_named(target, &vpc, &g.group_name).await?;
        let id = match existing {
            // Every VPC has its own "default" group: the rules go there.
            Some(t) if g.group_name == "default" => {
                result.notes.push(format!("{}: rules go into {vpc}'s own default group {}", src.id, t.id));
                t.id
            }
            Some(t) if t.source_id() == Some(src.id.as_str()) => t.id,
            Some(t) => {
                return Err(CloudError::Refused(format!(
                    "a group named {} already exists in {vpc} ({}) and is not a copy of {}: rename or delete it, or pick another target VPC",
                    g.group_name, t.id, src.id
                )))
            }
            None => {
                let mut tags = copy::user_tags(&src.tags);
                tags.extend(copy::copy_tags(&src.id, &spec.id));
                match sg::create_group(target, &vpc, &g.group_name, &g.description, &tags).await {
                    Ok(id) => id,
                    // A retried create whose first answer was lost: the
                    // group tagged as this source's copy is ours.
                    Err(e) if e.code() == Some("InvalidGroup.Duplicate") => {
                        match sg::group_named(target, &vpc, &g.group_name).await? {
                            Some(t) if t.source_id() == Some(src.id.as_str()) => t.id,
                            _ => return Err(e),
                        }
                    }
                    Err(e) => return Err(e),
                }
            }
        };
        result.outputs.insert(format!("target:{}", src.id), id);
    }
    Ok(result)
}

pub(crate) async fn add_rules(ctx: &StepContext<'_>) -> Result<StepResult, CloudError> {
    let (source, target, spec) = (&ctx.regions.source, &ctx.regions.target, ctx.spec);
    let mut copies: BTreeMap<String, String> = spec.known_copies.clone();
    copies.extend(ctx.outputs.iter().filter_map(|(k, v)| {
        k.strip_prefix("target:")
            .map(|s| (s.to_string(), v.clone()))
    }));
    // Groups copied since the task was planned (by another task): a rule
    // naming one is carried now instead of left out.
    if let Some(vpc) = ctx.outputs.get("target_vpc") {
        for (source_id, copy) in sg::copies_in(target, vpc).await? {
            copies.entry(source_id).or_insert(copy);
        }
    }
    let mut result = StepResult::default();
    for src in sg::groups(source, group_ids(spec)).await? {
        let g = details(&src)?;
        let new = copies
            .get(&src.id)
            .ok_or_else(|| CloudError::Internal(format!("internal: {} was not created", src.id)))?
            .clone();
        for (direction, rules) in [
            (Direction::Ingress, &g.ingress),
            (Direction::Egress, &g.egress),
        ] {
            for rule in rules {
                if direction == Direction::Egress && is_default_egress(rule) {
                    continue; // every new group starts with it
                }
                let (mapped, notes) = remap(rule, &copies, &src.id, &spec.target_region);
                result.warnings.extend(notes);
                let Some(mapped) = mapped else { continue };
                if ctx.started_before {
                    // Run before (a retry of what was left out, a crash):
                    // part of the rule is there, and AWS refuses a whole
                    // call for one grant already there; one grant a call.
                    for grant in grants(&mapped) {
                        sg::authorize(target, &new, direction, &grant).await?;
                    }
                } else {
                    sg::authorize(target, &new, direction, &mapped).await?;
                }
            }
        }
        if !g.egress.iter().any(is_default_egress) {
            sg::revoke_egress(target, &new, &default_egress()).await?;
        }
    }
    Ok(result)
}

/// The rule split into one rule per grant (CIDR, group, prefix list).
fn grants(rule: &Rule) -> Vec<Rule> {
    let bare = Rule {
        cidrs: vec![],
        ipv6_cidrs: vec![],
        prefix_lists: vec![],
        groups: vec![],
        ..rule.clone()
    };
    let one = |f: &dyn Fn(&mut Rule)| {
        let mut r = bare.clone();
        f(&mut r);
        r
    };
    let mut out = Vec::new();
    out.extend(
        rule.cidrs
            .iter()
            .map(|c| one(&|r| r.cidrs = vec![c.clone()])),
    );
    out.extend(
        rule.ipv6_cidrs
            .iter()
            .map(|c| one(&|r| r.ipv6_cidrs = vec![c.clone()])),
    );
    out.extend(
        rule.prefix_lists
            .iter()
            .map(|p| one(&|r| r.prefix_lists = vec![p.clone()])),
    );
    out.extend(
        rule.groups
            .iter()
            .map(|g| one(&|r| r.groups = vec![g.clone()])),
    );
    out
}

fn default_egress() -> Rule {
    Rule {
        protocol: "-1".into(),
        cidrs: vec!["0.0.0.0/0".into()],
        ..Default::default()
    }
}

fn is_default_egress(r: &Rule) -> bool {
    r.protocol == "-1" && r.cidrs == ["0.0.0.0/0"] && r.grant_count() == 1
}

/// The rule with group references pointing at the copies. What cannot be
/// carried is reported, never dropped in silence.
pub(crate) fn remap(
    rule: &Rule,
    copies: &BTreeMap<String, String>,
    group: &str,
    target_region: &str,
) -> (Option<Rule>, Vec<String>) {
    let mut notes = Vec::new();
    let mut mapped = rule.clone();
    mapped.groups = rule
        .groups
        .iter()
        .filter_map(|g| match copies.get(g) {
            Some(copy) => Some(copy.clone()),
            None => {
                notes.push(format!(
                    "{group}: rule {} with {g} left out: {g} is neither selected nor copied to {target_region}; fix: `cutover copy --ids {group},{g} --yes` (the copy of {group} is adopted and the rule added), or select {g} with it (the copy dialog's +, --with-referenced)",
                    rule.ports()
                ));
                None
            }
        })
        .collect();
    for p in &rule.prefix_lists {
        notes.push(format!(
            "{group}: rule {} with prefix list {p} left out: prefix lists belong to one region",
            rule.ports()
        ));
    }
    mapped.prefix_lists.clear();
    ((mapped.grant_count() > 0).then_some(mapped), notes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn references_remap_and_the_rest_is_reported() {
        let copies: BTreeMap<String, String> = [
            ("sg-api".to_string(), "sg-API".to_string()),
            ("sg-db".to_string(), "sg-DB".to_string()),
        ]
        .into();
        let rule = Rule {
            protocol: "tcp".into(),
            from_port: Some(5432),
            to_port: Some(5432),
            cidrs: vec!["10.0.0.0/8".into()],
            groups: vec!["sg-api".into(), "sg-db".into(), "sg-other".into()],
            prefix_lists: vec!["pl-123".into()],
            ..Default::default()
        };
        let (mapped, notes) = remap(&rule, &copies, "sg-db", "eu-west-1");
        let mapped = mapped.unwrap();
        assert_eq!(
            mapped.groups,
            ["sg-API", "sg-DB"],
            "self-reference and selected group both remap"
        );
        assert_eq!(mapped.cidrs, ["10.0.0.0/8"]);
        assert!(mapped.prefix_lists.is_empty());
        assert_eq!(notes.len(), 2);
        assert!(notes[0].contains("sg-other is neither selected nor copied"));
        assert!(
            notes[0].contains("cutover copy --ids sg-db,sg-other --yes"),
            "the fix: {}",
            notes[0]
        );

        let only_unknown = Rule {
            protocol: "tcp".into(),
            groups: vec!["sg-other".into()],
            ..Default::default()
        };
        let (mapped, notes) = remap(&only_unknown, &copies, "sg-db", "eu-west-1");
        assert_eq!(mapped, None, "a rule with nothing left is not added");
        assert_eq!(notes.len(), 1);
    }

    #[test]
    fn a_rule_splits_into_one_rule_per_grant() {
        let rule = Rule {
            protocol: "tcp".into(),
            from_port: Some(5432),
            to_port: Some(5432),
            cidrs: vec!["10.0.0.0/8".into()],
            groups: vec!["sg-A".into(), "sg-B".into()],
            ..Default::default()
        };
        let split = grants(&rule);
        assert_eq!(split.len(), 3);
        assert!(split
            .iter()
            .all(|r| r.grant_count() == 1 && r.ports() == "tcp 5432"));
        assert_eq!(split[2].groups, ["sg-B"]);
    }

    #[test]
    fn the_default_egress_is_recognised() {
        assert!(is_default_egress(&default_egress()));
        let narrow = Rule {
            protocol: "-1".into(),
            cidrs: vec!["10.0.0.0/8".into()],
            ..Default::default()
        };
        assert!(!is_default_egress(&narrow));
    }
}
