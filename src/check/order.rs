//! What must land before what: the move in stages, each listing the
//! selected resources it holds and why it comes where it does.

use super::dns::ttl_lead_seconds;
use super::Input;
use crate::cutover::plan::DEFAULT_TTL_STAGES;
use crate::model::{Details, Kind};
use serde::Serialize;

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Stage {
    pub stage: usize,
    pub what: String,
    pub ids: Vec<String>,
    pub why: String,
}

/// The stages, in order, leaving out those with nothing selected.
pub(crate) fn stages(input: &Input) -> Vec<Stage> {
    let ids = |kinds: &[Kind]| -> Vec<String> {
        input
            .selected()
            .filter(|r| kinds.contains(&r.kind))
            .map(|r| r.id.clone())
            .collect()
    };
    let lead = input
        .selected()
        .filter_map(|r| match &r.details {
            Details::Record(rec) => rec.ttl,
            _ => None,
        })
        .map(|ttl| ttl_lead_seconds(ttl, &DEFAULT_TTL_STAGES))
        .max()
        .unwrap_or(0);
    let plan: Vec<(String, Vec<String>, &str)> = vec![
        (
            format!(
                "start the DNS plan's TTL stages, at least {} s before the window",
                lead
            ),
            ids(&[Kind::Record]),
            "resolvers keep the old TTL: each stage waits the one before",
        ),
        (
            "network: VPCs and subnets".into(),
            ids(&[Kind::Vpc, Kind::Subnet]),
            "groups, instances and DB subnet groups are made inside them",
        ),
        (
            "security groups and key pairs".into(),
            ids(&[Kind::SecurityGroup, Kind::KeyPair]),
            "instances and DBs are launched with them",
        ),
        (
            "AMIs, snapshots and volumes (copies)".into(),
            ids(&[Kind::Image, Kind::Snapshot, Kind::Volume]),
            "the longest copies: start early, instances launch from them",
        ),
        (
            "buckets (first sync) and DBs (replica or snapshot copy)".into(),
            ids(&[Kind::Bucket, Kind::DbInstance, Kind::DbSnapshot]),
            "data copies run before the window, a final sync inside it",
        ),
        (
            "instances and Elastic IPs".into(),
            ids(&[Kind::Instance, Kind::ElasticIp]),
            "they need the network, groups, key pairs and AMIs above",
        ),
        (
            "window: final syncs, promote replicas, then the DNS weight shift".into(),
            ids(&[Kind::Record]),
            "traffic moves last, once the target holds current data",
        ),
    ];
    plan.into_iter()
        .filter(|(_, ids, _)| !ids.is_empty())
        .enumerate()
        .map(|(i, (what, ids, why))| Stage {
            stage: i + 1,
            what,
            ids,
            why: why.to_string(),
        })
        .collect()
}
