//! One resource as cutover shows it, whatever service it came from.

pub use super::shared_text::SharedText;
use super::Kind;
use serde::Serialize;
use std::collections::BTreeMap;

/// The tag every copy made by cutover carries: the id of what it was copied from.
pub const SOURCE_ID_TAG: &str = "cutover:source-id";
/// The tag naming the copy task that made a resource.
pub const TASK_ID_TAG: &str = "cutover:task-id";
/// The region label of global (Route 53) resources.
pub(crate) const GLOBAL_REGION: &str = "global";

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Resource {
    /// Shared: every row of a listing names the same region.
    pub region: SharedText,
    pub(crate) kind: Kind,
    /// What names it in its service: `i-...`, a key pair name, a bucket name.
    pub id: String,
    /// The Name tag, or the service's own name; the id when it has neither.
    pub name: String,
    /// Shared: a state is one of a few words ("running", "simple").
    pub state: SharedText,
    pub tags: BTreeMap<String, String>,
    /// For a source resource: the id of its copy in the target, if one exists.
    pub counterpart: Option<String>,
    /// Set when a counterpart exists but does not match (e.g. another public key).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub differs: Option<String>,
    pub details: Details,
}

impl Resource {
    pub fn new(region: &str, kind: Kind, id: impl Into<String>, details: Details) -> Self {
        let id = id.into();
        Resource {
            region: SharedText::new(region),
            kind,
            name: id.clone(),
            id,
            state: SharedText::default(),
            tags: BTreeMap::new(),
            counterpart: None,
            differs: None,
            details,
        }
    }

    pub fn with_state(mut self, state: impl AsRef<str>) -> Self {
        self.state = SharedText::new(state.as_ref());
        self
    }

    /// Sets the tags and takes the name from the Name tag when there is one.
    pub fn with_tags(mut self, tags: BTreeMap<String, String>) -> Self {
        if let Some(name) = tags.get("Name").filter(|n| !n.is_empty()) {
            self.name = name.clone();
        }
        self.tags = tags;
        self
    }

    pub fn with_name(mut self, name: impl Into<String>) -> Self {
        let name = name.into();
        if !name.is_empty() {
            self.name = name;
        }
        self
    }

    /// The id this resource was copied from, if cutover made it.
    pub(crate) fn source_id(&self) -> Option<&str> {
        self.tags.get(SOURCE_ID_TAG).map(String::as_str)
    }
}

/// Kind-specific fields. Serialized without a wrapper: `kind` already says which.
///
/// Every row is as large as the largest variant, and a listing can hold
/// 100,000 records: the variants larger than `Record` (instances, DBs and
/// clusters, a few thousand rows at most) are boxed so that records do not
/// pay for their fields.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub enum Details {
    Instance(Box<Instance>),
    Image(Image),
    Volume(Volume),
    Snapshot(Snapshot),
    SecurityGroup(SecurityGroup),
    KeyPair(KeyPair),
    Vpc(Vpc),
    Subnet(Subnet),
    ElasticIp(ElasticIp),
    Bucket(Bucket),
    DbInstance(Box<DbInstance>),
    DbSnapshot(DbSnapshot),
    HostedZone(HostedZone),
    Record(Record),
    RouteTable(RouteTable),
    InternetGateway(InternetGateway),
    NatGateway(NatGateway),
    NetworkAcl(NetworkAcl),
    VpcEndpoint(VpcEndpoint),
    DbCluster(Box<DbCluster>),
    DbClusterSnapshot(DbClusterSnapshot),
}

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct RouteTable {
    pub vpc_id: String,
    pub main: bool,
    /// "0.0.0.0/0 -> igw-0abc", one per route.
    pub routes: Vec<String>,
    pub subnet_ids: Vec<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct InternetGateway {
    pub(crate) vpc_id: Option<String>,
    /// An egress-only (IPv6) gateway.
    pub(crate) egress_only: bool,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct NatGateway {
    pub(crate) vpc_id: String,
    pub(crate) subnet_id: String,
    pub(crate) public_ip: Option<String>,
    pub(crate) private: bool,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct NetworkAcl {
    pub(crate) vpc_id: String,
    pub(crate) default: bool,
    /// "in 100 allow tcp 443 0.0.0.0/0", one per entry.
    pub(crate) entries: Vec<String>,
    pub(crate) subnet_ids: Vec<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct VpcEndpoint {
    pub(crate) vpc_id: String,
    pub(crate) service_name: String,
    /// "Gateway" or "Interface".
    pub(crate) endpoint_type: String,
    pub(crate) route_table_ids: Vec<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Instance {
    pub instance_type: String,
    pub availability_zone: String,
    pub private_ip: Option<String>,
    pub public_ip: Option<String>,
    pub vpc_id: Option<String>,
    pub subnet_id: Option<String>,
    pub image_id: Option<String>,
    pub key_name: Option<String>,
    pub security_group_ids: Vec<String>,
    pub launched: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Image {
    /// The AMI's own name (unique per region and account), not its Name tag.
    pub ami_name: String,
    pub created: Option<String>,
    pub description: Option<String>,
    pub architecture: Option<String>,
    pub root_device: Option<String>,
    pub snapshot_ids: Vec<String>,
    pub public: bool,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Volume {
    pub size_gib: i32,
    pub volume_type: String,
    pub availability_zone: String,
    pub attached_to: Option<String>,
    pub encrypted: bool,
    pub kms_key_id: Option<String>,
    pub snapshot_id: Option<String>,
    /// Provisioned IOPS (io1/io2/gp3; gp2 reports its baseline).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub iops: Option<i32>,
    /// MiB/s, gp3 only.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub throughput: Option<i32>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Snapshot {
    pub volume_id: Option<String>,
    pub size_gib: i32,
    /// AWS's own progress text, e.g. "45%".
    pub progress: Option<String>,
    pub started: Option<String>,
    pub encrypted: bool,
    pub description: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct SecurityGroup {
    /// The group's own name (unique per VPC), not its Name tag.
    pub group_name: String,
    pub vpc_id: Option<String>,
    pub description: String,
    pub ingress: Vec<Rule>,
    pub egress: Vec<Rule>,
}

impl SecurityGroup {
    pub fn rule_count(&self) -> usize {
        self.ingress
            .iter()
            .chain(&self.egress)
            .map(Rule::grant_count)
            .sum()
    }
}

/// One AWS IpPermission: a protocol and port range, granted to several peers.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Rule {
    /// "tcp", "udp", "icmp", "-1" (all), or a protocol number.
    pub protocol: String,
    pub from_port: Option<i32>,
    pub to_port: Option<i32>,
    pub cidrs: Vec<String>,
    pub ipv6_cidrs: Vec<String>,
    pub prefix_lists: Vec<String>,
    /// Other security groups (or this one) the rule grants to.
    pub groups: Vec<String>,
}

impl Rule {
    pub fn grant_count(&self) -> usize {
        self.cidrs.len() + self.ipv6_cidrs.len() + self.prefix_lists.len() + self.groups.len()
    }

    /// "tcp 443", "tcp 1024-2048", "all".
    pub fn ports(&self) -> String {
        let proto = if self.protocol == "-1" {
            "all"
        } else {
            self.protocol.as_str()
        };
        match (self.from_port, self.to_port) {
            (Some(a), Some(b)) if a == b && a >= 0 => format!("{proto} {a}"),
            (Some(a), Some(b)) if a >= 0 => format!("{proto} {a}-{b}"),
            _ => proto.to_string(),
        }
    }
}

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct KeyPair {
    pub key_pair_id: Option<String>,
    pub fingerprint: Option<String>,
    pub key_type: Option<String>,
    pub public_key: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Vpc {
    pub cidr: String,
    pub is_default: bool,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Subnet {
    pub vpc_id: String,
    pub cidr: String,
    pub availability_zone: String,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct ElasticIp {
    pub public_ip: String,
    pub allocation_id: Option<String>,
    pub instance_id: Option<String>,
    pub private_ip: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Bucket {
    pub created: Option<String>,
    /// "Enabled", "Suspended", or None when never enabled.
    pub versioning: Option<String>,
    /// Known once a migration has listed the bucket.
    pub objects: Option<u64>,
    pub bytes: Option<u64>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct DbInstance {
    pub engine: String,
    pub engine_version: Option<String>,
    pub class: String,
    pub storage_gib: i32,
    pub endpoint: Option<String>,
    pub port: Option<i32>,
    pub multi_az: bool,
    pub encrypted: bool,
    pub kms_key_id: Option<String>,
    pub arn: Option<String>,
    pub subnet_group: Option<String>,
    pub security_group_ids: Vec<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct DbSnapshot {
    pub instance_id: String,
    pub engine: String,
    pub storage_gib: i32,
    pub created: Option<String>,
    pub percent_progress: Option<i32>,
    pub encrypted: bool,
    pub kms_key_id: Option<String>,
    pub arn: Option<String>,
}

/// An Aurora (or Multi-AZ) DB cluster.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct DbCluster {
    pub engine: String,
    pub engine_version: Option<String>,
    pub endpoint: Option<String>,
    pub reader_endpoint: Option<String>,
    pub port: Option<i32>,
    /// The DB instances in the cluster.
    pub members: Vec<String>,
    pub multi_az: bool,
    pub encrypted: bool,
    pub kms_key_id: Option<String>,
    pub arn: Option<String>,
    pub subnet_group: Option<String>,
    pub security_group_ids: Vec<String>,
}

/// A manual DB cluster snapshot.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct DbClusterSnapshot {
    pub cluster_id: String,
    pub engine: String,
    pub storage_gib: i32,
    pub created: Option<String>,
    pub percent_progress: Option<i32>,
    pub encrypted: bool,
    pub kms_key_id: Option<String>,
    pub arn: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct HostedZone {
    /// The zone's DNS name, with the trailing dot.
    pub domain: String,
    pub private: bool,
    pub record_count: Option<i64>,
    pub comment: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Record {
    /// Shared by the zone's records, like `zone_name` and `record_type`.
    pub zone_id: SharedText,
    pub zone_name: SharedText,
    pub record_type: SharedText,
    pub ttl: Option<i64>,
    pub set_identifier: Option<String>,
    pub weight: Option<i64>,
    pub values: Vec<String>,
    /// Boxed: few records are aliases, and the box keeps the others small.
    pub alias_target: Option<Box<AliasTarget>>,
    pub health_check_id: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct AliasTarget {
    pub(crate) dns_name: String,
    pub(crate) hosted_zone_id: String,
    pub(crate) evaluate_target_health: bool,
}

impl Record {
    /// The id cutover gives a record set: zone, name, type and set identifier.
    pub fn id(
        zone_id: &str,
        name: &str,
        record_type: &str,
        set_identifier: Option<&str>,
    ) -> String {
        match set_identifier {
            Some(set) => format!("{zone_id}/{name}/{record_type}/{set}"),
            None => format!("{zone_id}/{name}/{record_type}"),
        }
    }
}

/// A deliberate guard, not a measurement: a listing can hold 100,000 rows and
/// every row is as large as the largest `Details` variant (320 bytes, was
/// 416 before `SharedText` and the boxed variants). A field that makes rows
/// grow past this belongs in a boxed variant, or the bound is raised knowingly
/// after re-running the cockpit benchmark (README, "Cockpit at scale").
#[cfg(all(test, target_pointer_width = "64"))]
#[test]
fn a_row_stays_small() {
    let row = std::mem::size_of::<Resource>();
    assert!(row <= 320, "a Resource is {row} bytes");
    let details = std::mem::size_of::<Details>();
    assert!(
        details <= 160,
        "Details is {details} bytes: box its largest variant"
    );
}
