//! Reading both estates at once: one task per (side, kind), each result sent
//! as soon as it is ready, so a slow or forbidden service never holds up the
//! rest and the cockpit fills in progressively.

use super::error::CloudError;
use super::{ec2, network_list, rds, route53, s3, Clients};
use crate::model::{Kind, Resource, Side};
use std::time::{Duration, Instant};
use tokio::sync::mpsc::UnboundedSender;
use tokio::task::JoinHandle;

/// The two regions being worked on.
#[derive(Debug, Clone)]
pub struct Regions {
    pub source: Clients,
    pub target: Clients,
}

impl Regions {
    /// The same credentials and endpoint against another pair of regions:
    /// a task journaled for that pair runs there, whatever the current
    /// `--source/--target` are.
    pub(crate) fn for_pair(&self, source: &str, target: &str) -> Regions {
        Regions {
            source: self.source.in_region(source),
            target: self.target.in_region(target),
        }
    }

    /// The clients a side's listing uses. Route 53 is global: any region's
    /// client reaches it, the source's is used.
    pub(crate) fn clients(&self, side: Side) -> &Clients {
        match side {
            Side::Target => &self.target,
            Side::Source | Side::Global => &self.source,
        }
    }
}

/// One listing's outcome.
#[derive(Debug)]
pub(crate) struct Listed {
    pub(crate) side: Side,
    pub(crate) kind: Kind,
    pub(crate) result: Result<Vec<Resource>, CloudError>,
    pub(crate) took: Duration,
}

/// Lists one kind in one region, following every page.
pub async fn list(c: &Clients, kind: Kind) -> Result<Vec<Resource>, CloudError> {
    match kind {
        Kind::Instance => ec2::instances(c).await,
        Kind::Image => ec2::images(c).await,
        Kind::Volume => ec2::volumes(c).await,
        Kind::Snapshot => ec2::snapshots(c).await,
        Kind::SecurityGroup => ec2::security_groups(c).await,
        Kind::KeyPair => ec2::key_pairs(c).await,
        Kind::Vpc => ec2::vpcs(c).await,
        Kind::Subnet => ec2::subnets(c).await,
        Kind::ElasticIp => ec2::elastic_ips(c).await,
        Kind::Bucket => s3::buckets(c).await,
        Kind::DbInstance => rds::db_instances(c).await,
        Kind::DbSnapshot => rds::db_snapshots(c).await,
        Kind::HostedZone => route53::hosted_zones(c).await,
        Kind::Record => route53::records(c).await,
        Kind::RouteTable => network_list::route_tables(c).await,
        Kind::InternetGateway => network_list::internet_gateways(c).await,
        Kind::NatGateway => network_list::nat_gateways(c).await,
        Kind::NetworkAcl => network_list::network_acls(c).await,
        Kind::VpcEndpoint => network_list::vpc_endpoints(c).await,
        Kind::DbCluster => rds::db_clusters(c).await,
        Kind::DbClusterSnapshot => rds::db_cluster_snapshots(c).await,
    }
}

/// Starts every listing of `kinds` on both sides; each result goes to `tx`.
/// Exactly one `Listed` arrives per (side, kind), error or not.
pub(crate) fn spawn_listings(
    regions: &Regions,
    kinds: &[Kind],
    tx: UnboundedSender<Listed>,
) -> Vec<JoinHandle<()>> {
    let mut handles = Vec::new();
    for &kind in kinds {
        for &side in Side::of(kind) {
            let clients = regions.clients(side).clone();
            let tx = tx.clone();
            handles.push(tokio::spawn(async move {
                let started = Instant::now();
                let result = list(&clients, kind).await;
                if let Err(e) = &result {
                    tracing::warn!(side = ?side, kind = %kind, error = %e, "listing failed");
                }
                // The receiver may be gone (the cockpit quit): nothing to do then.
                let _ = tx.send(Listed {
                    side,
                    kind,
                    result,
                    took: started.elapsed(),
                });
            }));
        }
    }
    handles
}
