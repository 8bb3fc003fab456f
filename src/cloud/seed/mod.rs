//! Writes a described estate into a region pair: the sandbox's (and the
//! tests') estate on moto. The description lives in assets/sandbox/estate.toml.

mod compute;
mod data;
mod dns;
mod network;
pub(crate) mod storage;

use super::error::CloudError;
use super::Regions;
use serde::Deserialize;
use std::collections::BTreeMap;

/// The sandbox estate shipped with cutover.
pub(crate) const SANDBOX_ESTATE: &str = include_str!("../../../assets/sandbox/estate.toml");

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Estate {
    pub(crate) source: String,
    pub(crate) target: String,
    pub base_image: String,
    pub(crate) vpc: VpcSpec,
    pub(crate) security_groups: Vec<GroupSpec>,
    pub(crate) key_pairs: Vec<KeyPairSpec>,
    pub(crate) apps: Vec<AppSpec>,
    pub buckets: Vec<BucketSpec>,
    pub(crate) databases: Vec<DatabaseSpec>,
    pub zone: ZoneSpec,
    pub(crate) target_already: TargetAlready,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct VpcSpec {
    pub(crate) name: String,
    pub(crate) cidr: String,
    pub(crate) subnets: Vec<SubnetSpec>,
    /// Route tables, a NAT gateway, an ACL, an endpoint, a peering route.
    #[serde(default)]
    pub(crate) routing: Option<RoutingSpec>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RoutingSpec {
    /// A second VPC peered with this one, routed from the private subnets.
    pub(crate) peer_cidr: Option<String>,
    #[serde(default)]
    pub(crate) s3_endpoint: bool,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct SubnetSpec {
    pub(crate) name: String,
    pub(crate) cidr: String,
    /// The zone letter: "a" is {region}a.
    pub(crate) zone: String,
    #[serde(default)]
    pub(crate) public: bool,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct GroupSpec {
    pub(crate) name: String,
    pub(crate) description: String,
    pub(crate) ingress: Vec<RuleSpec>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RuleSpec {
    pub(crate) protocol: String,
    pub(crate) from_port: Option<i32>,
    pub(crate) to_port: Option<i32>,
    /// A CIDR, an IPv6 CIDR, or the name of a group in the estate.
    pub(crate) peer: String,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct KeyPairSpec {
    pub(crate) name: String,
    pub(crate) public_key: String,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct AppSpec {
    pub(crate) name: String,
    pub(crate) instances: usize,
    pub(crate) instance_type: String,
    pub(crate) subnets: Vec<String>,
    pub(crate) security_groups: Vec<String>,
    pub(crate) key_pair: String,
    pub(crate) image_name: String,
    pub(crate) data_volume_gib: i32,
    pub(crate) elastic_ip: bool,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BucketSpec {
    pub(crate) name: String,
    /// This bucket's part of the total object count.
    pub(crate) share: f64,
    pub(crate) versioning: bool,
    #[serde(default)]
    pub(crate) tags: BTreeMap<String, String>,
    pub(crate) prefixes: Vec<String>,
    pub(crate) large_object_mib: Option<usize>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct DatabaseSpec {
    pub(crate) id: String,
    pub(crate) engine: String,
    pub(crate) class: String,
    pub(crate) storage_gib: i32,
    pub(crate) snapshots: Vec<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ZoneSpec {
    pub(crate) name: String,
    pub records: Vec<RecordSpec>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RecordSpec {
    pub(crate) name: String,
    #[serde(rename = "type")]
    pub(crate) record_type: String,
    pub(crate) ttl: i64,
    pub(crate) value: String,
    pub(crate) set: Option<String>,
    pub(crate) weight: Option<i64>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct TargetAlready {
    pub(crate) images: Vec<String>,
    pub(crate) key_pairs: Vec<String>,
}

impl Estate {
    #[allow(clippy::expect_used)] // each expect states the invariant it relies on
    pub fn sandbox() -> Self {
        toml::from_str(SANDBOX_ESTATE)
            .expect("assets/sandbox/estate.toml is checked by a unit test")
    }

    pub fn instance_count(&self) -> usize {
        self.apps.iter().map(|a| a.instances).sum()
    }

    /// Objects per bucket for a total of `objects`, plus its large object.
    pub fn objects_in(&self, bucket: &BucketSpec, objects: usize) -> usize {
        (bucket.share * objects as f64).round() as usize
            + usize::from(bucket.large_object_mib.is_some())
    }
}

/// What seeding made, for the sandbox's summary and the tests' checks.
#[derive(Debug, Clone, Default)]
pub struct Seeded {
    /// app name -> instance ids, in launch order.
    pub instances: BTreeMap<String, Vec<String>>,
    pub groups: BTreeMap<String, String>,
    pub(crate) subnets: BTreeMap<String, String>,
    pub vpc_id: String,
    /// AMI name -> id, in the source.
    pub images: BTreeMap<String, String>,
    /// AMI name -> id, in the target.
    pub target_images: BTreeMap<String, String>,
    pub volumes: Vec<String>,
    pub snapshots: Vec<String>,
    /// app name -> public IP.
    pub elastic_ips: BTreeMap<String, String>,
    /// database id -> endpoint address.
    pub db_endpoints: BTreeMap<String, String>,
    pub zone_id: String,
    pub(crate) objects: usize,
    pub(crate) bytes: u64,
}

/// Writes the estate; `objects` is the total object count over the buckets;
/// `progress` hears one line per stage.
pub async fn seed(
    regions: &Regions,
    estate: &Estate,
    objects: usize,
    progress: &(dyn Fn(&str) + Sync),
) -> Result<Seeded, CloudError> {
    let mut seeded = seed_estate(regions, estate, progress).await?;
    progress(&format!("S3 objects ({objects})"));
    seed_objects(regions, estate, objects, &mut seeded, &|_| {}).await?;
    Ok(seeded)
}

/// Everything but the objects: the buckets are made with their settings,
/// empty. A few seconds, so the sandbox's cockpit opens before the objects
/// (`seed_objects`) are in.
pub(crate) async fn seed_estate(
    regions: &Regions,
    estate: &Estate,
    progress: &(dyn Fn(&str) + Sync),
) -> Result<Seeded, CloudError> {
    // RDS and S3 need nothing from EC2: they go in while moto loads its
    // EC2 backend (about 2 s on its first call) and the EC2 estate goes in.
    progress("network, instances, AMIs and Elastic IPs; RDS; S3 buckets");
    let ec2 = async {
        let mut seeded = Seeded::default();
        compute::network(&regions.source, estate, &mut seeded).await?;
        network::routing(&regions.source, estate, &mut seeded).await?;
        compute::apps(&regions.source, estate, &mut seeded).await?;
        compute::target_already(regions, estate, &mut seeded).await?;
        Ok::<_, CloudError>(seeded)
    };
    let rds = async {
        let mut seeded = Seeded::default();
        data::databases(&regions.source, estate, &mut seeded).await?;
        Ok::<_, CloudError>(seeded.db_endpoints)
    };
    let (seeded, db_endpoints, buckets) =
        tokio::join!(ec2, rds, storage::create_buckets(&regions.source, estate));
    let mut seeded = seeded?;
    seeded.db_endpoints = db_endpoints?;
    buckets?;
    progress("Route 53 zone and records");
    dns::zone(&regions.source, estate, &mut seeded).await?;
    Ok(seeded)
}

/// The `objects` objects into the buckets `seed_estate` made; `progress`
/// hears the count put so far after each one.
pub(crate) async fn seed_objects(
    regions: &Regions,
    estate: &Estate,
    objects: usize,
    seeded: &mut Seeded,
    progress: storage::ObjectProgress<'_>,
) -> Result<(), CloudError> {
    storage::put_objects(&regions.source, estate, objects, seeded, progress).await
}

/// For SDK builders whose required fields are checked at build time.
fn built<T>(r: Result<T, impl std::error::Error>) -> Result<T, CloudError> {
    r.map_err(|e| CloudError::Refused(format!("seed: {e}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_sandbox_estate_parses_and_refers_to_what_it_defines() {
        let e = Estate::sandbox();
        let groups: Vec<&str> = e.security_groups.iter().map(|g| g.name.as_str()).collect();
        let subnets: Vec<&str> = e.vpc.subnets.iter().map(|s| s.name.as_str()).collect();
        for app in &e.apps {
            assert!(
                app.security_groups
                    .iter()
                    .all(|g| groups.contains(&g.as_str())),
                "{}",
                app.name
            );
            assert!(
                app.subnets.iter().all(|s| subnets.contains(&s.as_str())),
                "{}",
                app.name
            );
            assert!(
                e.key_pairs.iter().any(|k| k.name == app.key_pair),
                "{}",
                app.name
            );
        }
        for rule in e.security_groups.iter().flat_map(|g| &g.ingress) {
            assert!(
                rule.peer.contains('/') || groups.contains(&rule.peer.as_str()),
                "{}",
                rule.peer
            );
        }
        let shares: f64 = e.buckets.iter().map(|b| b.share).sum();
        assert!((shares - 1.0).abs() < 1e-9);
        assert_eq!(e.instance_count(), 6);
    }
}
