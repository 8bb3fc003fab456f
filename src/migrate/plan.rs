//! From selected source resources to copy tasks: one task per AMI, volume,
//! snapshot and key pair; one task for all selected security groups (their
//! references to each other must remap together). What cannot move says why.

use super::relaunch::plan as relaunch;
use super::task::{CopyKind, CopyOptions, TaskSpec};
use crate::model::{Inventory, Kind, Resource, Side};
use std::collections::BTreeMap;

#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct Plan {
    pub(crate) tasks: Vec<TaskSpec>,
    /// (id, why it is not copied, and what to do instead).
    pub(crate) refused: Vec<(String, String)>,
    /// What the plan decided without a task (an instance already launched).
    pub(crate) notes: Vec<String>,
    /// Rules of selected groups that name groups neither selected nor
    /// copied: left out unless those groups are added.
    pub(crate) unselected_references: Vec<super::references::MissingReference>,
}

/// Why a kind is not copied by a task, if it is not.
pub(crate) fn not_copyable(kind: Kind) -> Option<&'static str> {
    Some(match kind {
        Kind::Image | Kind::Volume | Kind::Snapshot | Kind::KeyPair | Kind::SecurityGroup | Kind::Bucket | Kind::DbInstance | Kind::DbSnapshot | Kind::DbClusterSnapshot | Kind::Vpc | Kind::Instance => {
            return None
        }
        Kind::ElasticIp => "Elastic IPs cannot move between regions: allocate one in the target and move DNS to it (the DNS plan)",
        Kind::Subnet => "subnets are copied with their VPC: select the VPC (it brings its subnets, gateways, routes and ACLs)",
        Kind::HostedZone | Kind::Record => "Route 53 is global: nothing to copy; cut DNS over with the DNS plan",
        Kind::RouteTable | Kind::InternetGateway | Kind::NatGateway | Kind::NetworkAcl | Kind::VpcEndpoint => {
            "network pieces are copied with their VPC: select the VPC"
        }
        Kind::DbCluster => "Aurora clusters are not copied as such: copy a cluster snapshot (clsnap) and restore it in the target; a cross-region replica cluster is not built yet",
    })
}

/// `stamp` makes task ids unique (e.g. the time in ms).
pub(crate) fn plan<'a>(
    selected: &[&'a Resource],
    inventory: &'a Inventory,
    options: &CopyOptions,
    stamp: u64,
) -> Plan {
    let mut result = Plan::default();
    // An instance brings what it needs that the target lacks; its own task
    // comes last, needing theirs.
    let mut selection: Vec<&'a Resource> = Vec::new();
    let mut relaunches = Vec::new();
    for r in selected.iter().filter(|r| r.kind != Kind::Instance) {
        if !selection.iter().any(|s| s.id == r.id) {
            selection.push(r);
        }
    }
    for r in selected.iter().filter(|r| r.kind == Kind::Instance) {
        match relaunch::relaunch(r, inventory, options) {
            relaunch::Outcome::Relaunch(p) => {
                if let Some(earlier) = &p.replaces {
                    result.notes.push(format!(
                        "{} is launched anew, then its earlier cutover launch {earlier} in {} is TERMINATED (--replace)",
                        r.id,
                        inventory.target_region()
                    ));
                }
                for n in &p.needs {
                    if !selection.iter().any(|s| s.id == n.id) {
                        selection.push(n);
                    }
                }
                relaunches.push(p);
            }
            relaunch::Outcome::Adopted(note) => result.notes.push(note),
            relaunch::Outcome::Refused(why) => result.refused.push((r.id.clone(), why)),
        }
    }
    let selected = &selection;
    let mut groups: Vec<&Resource> = Vec::new();
    for r in selected {
        if let Some(why) = not_copyable(r.kind) {
            result.refused.push((r.id.clone(), why.to_string()));
            continue;
        }
        let kind = match r.kind {
            Kind::Image => CopyKind::Image,
            Kind::Volume => CopyKind::Volume,
            Kind::Snapshot => CopyKind::Snapshot,
            Kind::KeyPair => CopyKind::KeyPair,
            Kind::Bucket => CopyKind::Bucket,
            Kind::DbInstance => CopyKind::DbInstance,
            Kind::DbSnapshot => CopyKind::DbSnapshot,
            Kind::DbClusterSnapshot => CopyKind::DbClusterSnapshot,
            Kind::Vpc => CopyKind::Vpc,
            _ => {
                groups.push(r);
                continue;
            }
        };
        let mut spec = spec(kind, &[r], inventory, options, stamp);
        // Each option means something to one kind only.
        if kind != CopyKind::Volume {
            spec.options.target_az = None;
        }
        if kind == CopyKind::Bucket {
            let named = spec
                .options
                .target_bucket
                .clone()
                .filter(|_| selected.iter().filter(|s| s.kind == Kind::Bucket).count() == 1);
            spec.options.target_bucket =
                Some(named.unwrap_or_else(|| inventory.bucket_copy_name(&r.id)));
        } else {
            spec.options.target_bucket = None;
        }
        if !matches!(kind, CopyKind::DbInstance | CopyKind::DbSnapshot) {
            spec.options.restore = None;
        }
        if kind == CopyKind::Vpc {
            // Groups selected with their VPC are made in its clone.
            let (inside, rest): (Vec<&Resource>, Vec<&Resource>) = groups
                .iter()
                .partition(|g| group_vpc(g) == Some(r.id.as_str()));
            spec.source_ids.extend(inside.iter().map(|g| g.id.clone()));
            spec.names
                .extend(inside.iter().map(|g| (g.id.clone(), g.name.clone())));
            spec.options.target_vpc = None;
            groups = rest;
        } else {
            spec.options.az_map = None;
        }
        result.tasks.push(spec);
    }
    // Groups listed before their VPC: they join its task too.
    for task in result.tasks.iter_mut().filter(|t| t.kind == CopyKind::Vpc) {
        let vpc = task.source_ids[0].clone();
        for g in groups.iter().filter(|g| group_vpc(g) == Some(vpc.as_str())) {
            if !task.source_ids.contains(&g.id) {
                task.source_ids.push(g.id.clone());
                task.names.insert(g.id.clone(), g.name.clone());
            }
        }
        groups.retain(|g| group_vpc(g) != Some(vpc.as_str()));
    }
    if !groups.is_empty() {
        let mut spec = spec(CopyKind::SecurityGroups, &groups, inventory, options, stamp);
        spec.options.az_map = None;
        // Without a chosen VPC, groups go to the clone of their source VPC.
        if spec.options.target_vpc.is_none() {
            spec.options.target_vpc = paired_vpc(&groups, inventory);
        }
        spec.known_copies = inventory
            .resources(Side::Source, Kind::SecurityGroup)
            .iter()
            .filter_map(|g| Some((g.id.clone(), g.counterpart.clone()?)))
            .collect();
        result.tasks.push(spec);
    }
    for r in &relaunches {
        let mut base = spec(CopyKind::Instance, &[r.instance], inventory, options, stamp);
        base.options.launch = options.launch.clone();
        base.options.target_vpc = None;
        base.options.target_az = None;
        base.options.target_bucket = None;
        base.options.restore = None;
        base.options.az_map = None;
        let task = relaunch::task(r, &result.tasks, base);
        result.tasks.push(task);
    }
    let selected_groups: Vec<&Resource> = selected
        .iter()
        .copied()
        .filter(|r| r.kind == Kind::SecurityGroup)
        .collect();
    result.unselected_references =
        super::references::missing_references(&selected_groups, inventory);
    result
}

fn group_vpc(g: &Resource) -> Option<&str> {
    match &g.details {
        crate::model::Details::SecurityGroup(d) => d.vpc_id.as_deref(),
        _ => None,
    }
}

/// The target VPC paired with the groups' one source VPC (a clone made by
/// cutover, or one that pairs by name), when they share one.
fn paired_vpc(groups: &[&Resource], inventory: &Inventory) -> Option<String> {
    let first = group_vpc(groups.first()?)?;
    if groups.iter().any(|g| group_vpc(g) != Some(first)) {
        return None;
    }
    let vpc = inventory
        .resources(Side::Source, Kind::Vpc)
        .iter()
        .find(|v| v.id == first)?;
    // Default VPCs pair with each other, and the default is the default anyway.
    match &vpc.details {
        crate::model::Details::Vpc(v) if v.is_default => None,
        _ => vpc.counterpart.clone(),
    }
}

fn spec(
    kind: CopyKind,
    of: &[&Resource],
    inventory: &Inventory,
    options: &CopyOptions,
    stamp: u64,
) -> TaskSpec {
    let first = &of[0].id;
    let id = match of {
        [_] => format!("{first}-{stamp:x}"),
        _ => format!("groups-{}-{stamp:x}", of.len()),
    };
    TaskSpec {
        id,
        kind,
        source_ids: of.iter().map(|r| r.id.clone()).collect(),
        names: of
            .iter()
            .map(|r| (r.id.clone(), r.name.clone()))
            .collect::<BTreeMap<_, _>>(),
        source_region: inventory.source_region().to_string(),
        target_region: inventory.target_region().to_string(),
        // Launch choices and dependencies belong to a relaunch task only.
        options: CopyOptions {
            launch: Default::default(),
            needs: Vec::new(),
            ..options.clone()
        },
        known_copies: BTreeMap::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::resource::{self as m, Details};
    use crate::model::BucketNaming;

    fn res(kind: Kind, id: &str, details: Details) -> Resource {
        Resource::new("us-east-1", kind, id, details)
    }

    #[test]
    fn groups_go_together_and_the_unmovable_say_why() {
        let mut inv = Inventory::new(
            "us-east-1",
            "eu-west-1",
            BucketNaming::default(),
            &[Kind::SecurityGroup],
        );
        let old = res(
            Kind::SecurityGroup,
            "sg-old",
            Details::SecurityGroup(m::SecurityGroup::default()),
        );
        let tags = [(
            crate::model::resource::SOURCE_ID_TAG.to_string(),
            "sg-old".to_string(),
        )]
        .into();
        let copy = Resource::new(
            "eu-west-1",
            Kind::SecurityGroup,
            "sg-OLD",
            Details::SecurityGroup(m::SecurityGroup::default()),
        )
        .with_tags(tags);
        inv.apply(Side::Target, Kind::SecurityGroup, Ok(vec![copy]));
        inv.apply(Side::Source, Kind::SecurityGroup, Ok(vec![old]));
        let ami = res(Kind::Image, "ami-1", Details::Image(m::Image::default())).with_name("web");
        let sg1 = res(
            Kind::SecurityGroup,
            "sg-1",
            Details::SecurityGroup(m::SecurityGroup::default()),
        );
        let sg2 = res(
            Kind::SecurityGroup,
            "sg-2",
            Details::SecurityGroup(m::SecurityGroup::default()),
        );
        let eip = res(
            Kind::ElasticIp,
            "eipalloc-1",
            Details::ElasticIp(m::ElasticIp::default()),
        );
        let vol = res(Kind::Volume, "vol-1", Details::Volume(m::Volume::default()));
        let bucket = res(
            Kind::Bucket,
            "assets",
            Details::Bucket(m::Bucket::default()),
        );
        let options = CopyOptions {
            target_az: Some("eu-west-1a".into()),
            ..Default::default()
        };
        let p = plan(
            &[&ami, &sg1, &eip, &sg2, &vol, &bucket],
            &inv,
            &options,
            0xabc,
        );
        assert_eq!(p.tasks.len(), 4);
        assert_eq!(
            p.tasks[2].options.target_bucket.as_deref(),
            Some("assets-eu-west-1"),
            "the naming rule names the copy"
        );
        assert_eq!(p.tasks[0].id, "ami-1-abc");
        assert_eq!(p.tasks[0].names["ami-1"], "web");
        assert_eq!(p.tasks[0].options.target_az, None);
        assert_eq!(p.tasks[1].options.target_az.as_deref(), Some("eu-west-1a"));
        let groups = &p.tasks[3];
        assert_eq!(
            (groups.kind, groups.source_ids.clone()),
            (
                CopyKind::SecurityGroups,
                vec!["sg-1".to_string(), "sg-2".to_string()]
            )
        );
        assert_eq!(
            groups.known_copies["sg-old"], "sg-OLD",
            "earlier copies remap references"
        );
        assert_eq!(p.refused.len(), 1);
        assert!(p.refused[0].1.contains("cannot move between regions"));
    }

    #[test]
    fn a_cluster_snapshot_is_copied_and_a_cluster_says_how() {
        let inv = Inventory::new("us-east-1", "eu-west-1", BucketNaming::default(), &[]);
        let snap = res(
            Kind::DbClusterSnapshot,
            "au-snap",
            Details::DbClusterSnapshot(m::DbClusterSnapshot::default()),
        );
        let cluster = res(Kind::DbCluster, "au", Details::DbCluster(Box::default()));
        let options = CopyOptions {
            kms_key_id: Some("key-1".into()),
            restore: Some(Default::default()),
            ..Default::default()
        };
        let p = plan(&[&snap, &cluster], &inv, &options, 1);
        assert_eq!(p.tasks.len(), 1);
        assert_eq!(p.tasks[0].kind, CopyKind::DbClusterSnapshot);
        assert_eq!(p.tasks[0].source_ids, vec!["au-snap".to_string()]);
        assert_eq!(p.tasks[0].options.kms_key_id.as_deref(), Some("key-1"));
        assert_eq!(p.tasks[0].options.restore, None, "no restore of a cluster");
        assert_eq!(p.refused.len(), 1);
        assert_eq!(p.refused[0].0, "au");
        assert!(
            p.refused[0].1.contains("cluster snapshot"),
            "{:?}",
            p.refused
        );
    }

    #[test]
    fn a_vpc_takes_its_groups_and_later_groups_go_to_its_clone() {
        let group = |id: &str, vpc: &str| {
            res(
                Kind::SecurityGroup,
                id,
                Details::SecurityGroup(m::SecurityGroup {
                    vpc_id: Some(vpc.into()),
                    ..Default::default()
                }),
            )
        };
        let vpc = res(Kind::Vpc, "vpc-1", Details::Vpc(m::Vpc::default()));
        let mut inv = Inventory::new(
            "us-east-1",
            "eu-west-1",
            BucketNaming::default(),
            &[Kind::Vpc],
        );
        let options = CopyOptions {
            az_map: Some("us-east-1a=eu-west-1b".into()),
            ..Default::default()
        };
        let (inside, other) = (group("sg-in", "vpc-1"), group("sg-out", "vpc-2"));
        let p = plan(&[&inside, &vpc, &other], &inv, &options, 1);
        assert_eq!(p.tasks.len(), 2);
        let net = p.tasks.iter().find(|t| t.kind == CopyKind::Vpc).unwrap();
        assert_eq!(net.source_ids, ["vpc-1", "sg-in"], "its group rides along");
        assert_eq!(net.options.az_map.as_deref(), Some("us-east-1a=eu-west-1b"));
        let groups = p
            .tasks
            .iter()
            .find(|t| t.kind == CopyKind::SecurityGroups)
            .unwrap();
        assert_eq!(groups.source_ids, ["sg-out"]);
        assert_eq!(groups.options.az_map, None);
        assert_eq!(groups.options.target_vpc, None, "vpc-2 has no clone");

        // Once vpc-1 has a clone, its groups default to it.
        let clone = Resource::new(
            "eu-west-1",
            Kind::Vpc,
            "vpc-C",
            Details::Vpc(m::Vpc::default()),
        )
        .with_tags(
            [(
                crate::model::resource::SOURCE_ID_TAG.to_string(),
                "vpc-1".to_string(),
            )]
            .into(),
        );
        inv.apply(Side::Target, Kind::Vpc, Ok(vec![clone]));
        inv.apply(Side::Source, Kind::Vpc, Ok(vec![vpc.clone()]));
        let p = plan(&[&inside], &inv, &CopyOptions::default(), 2);
        assert_eq!(p.tasks[0].options.target_vpc.as_deref(), Some("vpc-C"));
        let subnet = res(
            Kind::Subnet,
            "subnet-1",
            Details::Subnet(m::Subnet::default()),
        );
        let p = plan(&[&subnet], &inv, &CopyOptions::default(), 3);
        assert!(p.refused[0].1.contains("select the VPC"));
    }
}
