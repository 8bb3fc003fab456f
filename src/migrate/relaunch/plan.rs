//! A relaunch as a plan: what each selected instance needs that the target
//! lacks (its groups, its key pair, its network) joins the selection as
//! tasks of their own, and the relaunch task needs them.

use crate::migrate::task::{CopyKind, CopyOptions, TaskSpec};
use crate::model::resource::Details;
use crate::model::{Inventory, Kind, Resource, Side};
use std::collections::BTreeMap;

/// One instance's relaunch, before the task ids are known.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Relaunch<'a> {
    pub(crate) instance: &'a Resource,
    /// Source resources the target lacks, copied first.
    pub(crate) needs: Vec<&'a Resource>,
    /// source id -> target id of what the target already holds.
    pub(crate) known: BTreeMap<String, String>,
    /// The earlier cutover launch `--replace` terminates once the new one runs.
    pub(crate) replaces: Option<String>,
}

/// What becomes of one selected instance.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Outcome<'a> {
    Relaunch(Relaunch<'a>),
    /// A cutover launch is already there: nothing new (the sentence says so).
    Adopted(String),
    Refused(String),
}

fn find<'a>(inventory: &'a Inventory, kind: Kind, id: &str) -> Option<&'a Resource> {
    inventory
        .resources(Side::Source, kind)
        .iter()
        .find(|r| r.id == id)
}

/// The cutover launch of `instance` already in the target, if running or stopped.
fn earlier_launch<'a>(instance: &Resource, inventory: &'a Inventory) -> Option<&'a Resource> {
    inventory
        .resources(Side::Target, Kind::Instance)
        .iter()
        .find(|t| {
            t.source_id() == Some(instance.id.as_str())
                && !matches!(t.state.as_str(), "terminated" | "shutting-down")
        })
}

pub(crate) fn relaunch<'a>(
    instance: &'a Resource,
    inventory: &'a Inventory,
    options: &CopyOptions,
) -> Outcome<'a> {
    let Details::Instance(d) = &instance.details else {
        return Outcome::Refused(format!("{} is not an instance", instance.id));
    };
    let id = &instance.id;
    let source = inventory.source_region();
    let launch = &options.launch;
    if let Some(earlier) = earlier_launch(instance, inventory) {
        if !launch.test_launch && !launch.replace {
            return Outcome::Adopted(format!(
                "{id} is launched already as {} in {}: adopted, nothing new (--replace launches anew and terminates it)",
                earlier.id,
                inventory.target_region()
            ));
        }
    }
    if matches!(instance.state.as_str(), "terminated" | "shutting-down") {
        return Outcome::Refused(format!(
            "{id} is {}: there is nothing left to image; launch from an AMI instead",
            instance.state
        ));
    }
    let mut plan = Relaunch {
        instance,
        needs: Vec::new(),
        known: BTreeMap::new(),
        replaces: earlier_launch(instance, inventory)
            .filter(|_| launch.replace && !launch.test_launch)
            .map(|e| e.id.clone()),
    };
    let take = |r: &'a Resource, plan: &mut Relaunch<'a>| match &r.counterpart {
        Some(copy) => {
            plan.known.insert(r.id.clone(), copy.clone());
        }
        None => plan.needs.push(r),
    };
    for g in &d.security_group_ids {
        match find(inventory, Kind::SecurityGroup, g) {
            Some(group) => take(group, &mut plan),
            None => {
                return Outcome::Refused(format!(
                    "{id}: its security group {g} is not in the {source} listing; refresh and retry"
                ))
            }
        }
    }
    if let Some(key) = &d.key_name {
        match find(inventory, Kind::KeyPair, key) {
            Some(pair) => take(pair, &mut plan),
            None => return Outcome::Refused(format!(
                "{id}: its key pair {key} is no longer in {source}, so its public key cannot be copied: import the public key into {} under that name, then retry",
                inventory.target_region()
            )),
        }
    }
    if launch.target_subnet.is_some() {
        return Outcome::Relaunch(plan);
    }
    let (Some(vpc_id), Some(subnet_id)) = (&d.vpc_id, &d.subnet_id) else {
        return Outcome::Refused(format!(
            "{id} is in no VPC subnet: pick a target subnet for it (the copy dialog, or --target-subnet)"
        ));
    };
    let Some(vpc) = find(inventory, Kind::Vpc, vpc_id) else {
        return Outcome::Refused(format!(
            "{id}: its VPC {vpc_id} is not in the {source} listing; refresh and retry"
        ));
    };
    let default = matches!(&vpc.details, Details::Vpc(v) if v.is_default);
    match &vpc.counterpart {
        None if default => Outcome::Refused(format!(
            "{id} is in the default VPC and {} has none: pick a target subnet for it (the copy dialog, or --target-subnet)",
            inventory.target_region()
        )),
        None => {
            plan.needs.push(vpc);
            Outcome::Relaunch(plan)
        }
        Some(copy) => {
            plan.known.insert(vpc.id.clone(), copy.clone());
            let subnet =
                find(inventory, Kind::Subnet, subnet_id).and_then(|s| s.counterpart.clone());
            match subnet {
                Some(target) => {
                    plan.known.insert(subnet_id.clone(), target);
                    Outcome::Relaunch(plan)
                }
                None => Outcome::Refused(format!(
                    "{id}: its subnet {subnet_id} has no counterpart in {copy}: pick a target subnet for it (the copy dialog, or --target-subnet), or clone the VPC again"
                )),
            }
        }
    }
}

/// The relaunch task of `r`, needing the tasks that copy what it lacks.
pub(crate) fn task(r: &Relaunch<'_>, tasks: &[TaskSpec], base: TaskSpec) -> TaskSpec {
    let mut spec = base;
    spec.kind = CopyKind::Instance;
    spec.known_copies = r.known.clone();
    spec.options.needs = tasks
        .iter()
        .filter(|t| {
            r.needs
                .iter()
                .any(|n| t.source_ids.iter().any(|s| s == &n.id))
        })
        .map(|t| t.id.clone())
        .collect();
    spec
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::migrate::plan;
    use crate::migrate::task::LaunchOptions;
    use crate::model::resource::{self as m, SOURCE_ID_TAG};
    use crate::model::BucketNaming;

    fn src(kind: Kind, id: &str, details: Details) -> Resource {
        Resource::new("us-east-1", kind, id, details)
    }

    fn copy_of(kind: Kind, id: &str, of: &str, details: Details) -> Resource {
        Resource::new("eu-west-1", kind, id, details)
            .with_tags([(SOURCE_ID_TAG.to_string(), of.to_string())].into())
    }

    fn web() -> Resource {
        src(
            Kind::Instance,
            "i-web",
            Details::Instance(Box::new(m::Instance {
                instance_type: "t3.small".into(),
                vpc_id: Some("vpc-1".into()),
                subnet_id: Some("subnet-1".into()),
                key_name: Some("ops".into()),
                security_group_ids: vec!["sg-web".into(), "sg-db".into()],
                ..Default::default()
            })),
        )
        .with_state("running")
    }

    fn estate(copied: bool) -> Inventory {
        let mut inv = Inventory::new(
            "us-east-1",
            "eu-west-1",
            BucketNaming::default(),
            &[
                Kind::Instance,
                Kind::SecurityGroup,
                Kind::KeyPair,
                Kind::Vpc,
                Kind::Subnet,
            ],
        );
        let group = |id: &str| {
            src(
                Kind::SecurityGroup,
                id,
                Details::SecurityGroup(m::SecurityGroup {
                    vpc_id: Some("vpc-1".into()),
                    ..Default::default()
                }),
            )
        };
        let subnet = src(
            Kind::Subnet,
            "subnet-1",
            Details::Subnet(m::Subnet {
                vpc_id: "vpc-1".into(),
                cidr: "10.0.1.0/24".into(),
                ..Default::default()
            }),
        );
        let vpc = src(Kind::Vpc, "vpc-1", Details::Vpc(m::Vpc::default()));
        let key = src(
            Kind::KeyPair,
            "ops",
            Details::KeyPair(m::KeyPair::default()),
        );
        if copied {
            inv.apply(
                Side::Target,
                Kind::Vpc,
                Ok(vec![copy_of(
                    Kind::Vpc,
                    "vpc-T",
                    "vpc-1",
                    Details::Vpc(m::Vpc::default()),
                )]),
            );
            inv.apply(
                Side::Target,
                Kind::Subnet,
                Ok(vec![copy_of(
                    Kind::Subnet,
                    "subnet-T",
                    "subnet-1",
                    Details::Subnet(m::Subnet {
                        vpc_id: "vpc-T".into(),
                        cidr: "10.0.1.0/24".into(),
                        ..Default::default()
                    }),
                )]),
            );
        }
        inv.apply(Side::Source, Kind::Vpc, Ok(vec![vpc]));
        inv.apply(Side::Source, Kind::Subnet, Ok(vec![subnet]));
        inv.apply(
            Side::Source,
            Kind::SecurityGroup,
            Ok(vec![group("sg-web"), group("sg-db")]),
        );
        inv.apply(Side::Source, Kind::KeyPair, Ok(vec![key]));
        inv.apply(Side::Source, Kind::Instance, Ok(vec![web()]));
        inv
    }

    #[test]
    fn a_relaunch_needs_its_network_groups_and_key_first() {
        let inv = estate(false);
        let instance = web();
        let p = plan(&[&instance], &inv, &CopyOptions::default(), 0x10);
        let kinds: Vec<CopyKind> = p.tasks.iter().map(|t| t.kind).collect();
        assert_eq!(
            kinds,
            [CopyKind::KeyPair, CopyKind::Vpc, CopyKind::Instance],
            "the groups ride with their VPC's clone: {p:?}"
        );
        let net = &p.tasks[1];
        assert_eq!(net.source_ids, ["vpc-1", "sg-web", "sg-db"]);
        let relaunch = &p.tasks[2];
        assert_eq!(relaunch.source_ids, ["i-web"]);
        assert_eq!(
            relaunch.options.needs,
            [p.tasks[0].id.clone(), net.id.clone()]
        );
        assert!(p.tasks[0].options.needs.is_empty());
        assert!(p.refused.is_empty());
    }

    #[test]
    fn with_the_network_copied_only_what_is_missing_is_planned() {
        let inv = estate(true);
        let instance = web();
        let p = plan(&[&instance], &inv, &CopyOptions::default(), 0x10);
        let kinds: Vec<CopyKind> = p.tasks.iter().map(|t| t.kind).collect();
        assert_eq!(
            kinds,
            [
                CopyKind::KeyPair,
                CopyKind::SecurityGroups,
                CopyKind::Instance
            ]
        );
        assert_eq!(p.tasks[1].options.target_vpc.as_deref(), Some("vpc-T"));
        let relaunch = &p.tasks[2];
        assert_eq!(relaunch.known_copies["subnet-1"], "subnet-T");
        assert_eq!(relaunch.options.needs.len(), 2);
    }

    #[test]
    fn an_earlier_launch_is_adopted_unless_replaced_and_the_terminated_refused() {
        let mut inv = estate(true);
        inv.apply(
            Side::Target,
            Kind::Instance,
            Ok(vec![copy_of(
                Kind::Instance,
                "i-T",
                "i-web",
                Details::Instance(Box::default()),
            )
            .with_state("running")]),
        );
        inv.apply(Side::Source, Kind::Instance, Ok(vec![web()]));
        let instance = web();
        let p = plan(&[&instance], &inv, &CopyOptions::default(), 1);
        assert!(p.tasks.is_empty(), "nothing new: {p:?}");
        assert!(p.notes[0].contains("launched already as i-T"));
        let replace = CopyOptions {
            launch: LaunchOptions {
                replace: true,
                ..Default::default()
            },
            ..Default::default()
        };
        let p = plan(&[&instance], &inv, &replace, 1);
        assert_eq!(p.tasks.last().map(|t| t.kind), Some(CopyKind::Instance));
        assert_eq!(
            p.notes,
            ["i-web is launched anew, then its earlier cutover launch i-T in eu-west-1 is TERMINATED (--replace)"]
        );

        let gone = web().with_state("terminated");
        let p = plan(&[&gone], &estate(true), &CopyOptions::default(), 1);
        assert!(p.tasks.is_empty());
        assert!(p.refused[0].1.contains("is terminated"));
    }

    #[test]
    fn a_picked_subnet_skips_the_network() {
        let inv = estate(false);
        let instance = web();
        let options = CopyOptions {
            launch: LaunchOptions {
                target_subnet: Some("subnet-X".into()),
                ..Default::default()
            },
            ..Default::default()
        };
        let p = plan(&[&instance], &inv, &options, 1);
        let kinds: Vec<CopyKind> = p.tasks.iter().map(|t| t.kind).collect();
        assert_eq!(
            kinds,
            [
                CopyKind::KeyPair,
                CopyKind::SecurityGroups,
                CopyKind::Instance
            ]
        );
        assert_eq!(
            p.tasks[2].options.launch.target_subnet.as_deref(),
            Some("subnet-X")
        );
        assert!(p.tasks[0].options.launch.target_subnet.is_none());
    }
}
