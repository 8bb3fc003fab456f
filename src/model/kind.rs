//! The resource kinds cutover shows, in the operator's words.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    Instance,
    Image,
    Volume,
    Snapshot,
    SecurityGroup,
    KeyPair,
    Vpc,
    Subnet,
    ElasticIp,
    Bucket,
    DbInstance,
    DbSnapshot,
    DbCluster,
    DbClusterSnapshot,
    HostedZone,
    Record,
    RouteTable,
    InternetGateway,
    NatGateway,
    NetworkAcl,
    VpcEndpoint,
}

impl Kind {
    /// Every kind, in the order panes and reports list them.
    /// Later kinds go after the first ten, so the number keys stay as they were.
    pub const ALL: [Kind; 21] = [
        Kind::Instance,
        Kind::Image,
        Kind::Volume,
        Kind::Snapshot,
        Kind::SecurityGroup,
        Kind::KeyPair,
        Kind::Vpc,
        Kind::Subnet,
        Kind::ElasticIp,
        Kind::Bucket,
        Kind::DbInstance,
        Kind::DbSnapshot,
        Kind::DbCluster,
        Kind::DbClusterSnapshot,
        Kind::HostedZone,
        Kind::Record,
        Kind::RouteTable,
        Kind::InternetGateway,
        Kind::NatGateway,
        Kind::NetworkAcl,
        Kind::VpcEndpoint,
    ];

    /// The name used on the command line and in JSON.
    pub fn name(self) -> &'static str {
        match self {
            Kind::Instance => "instance",
            Kind::Image => "image",
            Kind::Volume => "volume",
            Kind::Snapshot => "snapshot",
            Kind::SecurityGroup => "security_group",
            Kind::KeyPair => "key_pair",
            Kind::Vpc => "vpc",
            Kind::Subnet => "subnet",
            Kind::ElasticIp => "elastic_ip",
            Kind::Bucket => "bucket",
            Kind::DbInstance => "db_instance",
            Kind::DbSnapshot => "db_snapshot",
            Kind::HostedZone => "hosted_zone",
            Kind::Record => "record",
            Kind::RouteTable => "route_table",
            Kind::InternetGateway => "internet_gateway",
            Kind::NatGateway => "nat_gateway",
            Kind::NetworkAcl => "network_acl",
            Kind::VpcEndpoint => "vpc_endpoint",
            Kind::DbCluster => "db_cluster",
            Kind::DbClusterSnapshot => "db_cluster_snapshot",
        }
    }

    /// A heading for panes and tables.
    pub(crate) fn title(self) -> &'static str {
        match self {
            Kind::Instance => "EC2 instances",
            Kind::Image => "AMIs",
            Kind::Volume => "EBS volumes",
            Kind::Snapshot => "EBS snapshots",
            Kind::SecurityGroup => "Security groups",
            Kind::KeyPair => "Key pairs",
            Kind::Vpc => "VPCs",
            Kind::Subnet => "Subnets",
            Kind::ElasticIp => "Elastic IPs",
            Kind::Bucket => "S3 buckets",
            Kind::DbInstance => "RDS instances",
            Kind::DbSnapshot => "RDS snapshots",
            Kind::HostedZone => "Hosted zones",
            Kind::Record => "DNS records",
            Kind::RouteTable => "Route tables",
            Kind::InternetGateway => "Internet gateways",
            Kind::NatGateway => "NAT gateways",
            Kind::NetworkAcl => "Network ACLs",
            Kind::VpcEndpoint => "VPC endpoints",
            Kind::DbCluster => "Aurora clusters",
            Kind::DbClusterSnapshot => "Cluster snapshots",
        }
    }

    /// Short names operators already type (k9s style, AWS console habits).
    fn aliases(self) -> &'static [&'static str] {
        match self {
            Kind::Instance => &["instances", "ec2", "inst", "i"],
            Kind::Image => &["images", "ami", "amis"],
            Kind::Volume => &["volumes", "vol", "ebs"],
            Kind::Snapshot => &["snapshots", "snap"],
            Kind::SecurityGroup => &["security_groups", "sg", "sgs", "security-group"],
            Kind::KeyPair => &["key_pairs", "key", "keys", "key-pair"],
            Kind::Vpc => &["vpcs"],
            Kind::Subnet => &["subnets"],
            Kind::ElasticIp => &["elastic_ips", "eip", "eips", "elastic-ip"],
            Kind::Bucket => &["buckets", "s3"],
            Kind::DbInstance => &["db_instances", "rds", "db", "db-instance"],
            Kind::DbSnapshot => &["db_snapshots", "dbsnap", "db-snapshot"],
            Kind::HostedZone => &["hosted_zones", "zone", "zones", "hosted-zone"],
            Kind::Record => &["records", "rec", "dns", "r53", "route53"],
            Kind::RouteTable => &["route_tables", "rtb", "route-table", "routes"],
            Kind::InternetGateway => &["internet_gateways", "igw", "eigw", "internet-gateway"],
            Kind::NatGateway => &["nat_gateways", "nat", "nat-gateway"],
            Kind::NetworkAcl => &["network_acls", "acl", "nacl", "network-acl"],
            Kind::VpcEndpoint => &["vpc_endpoints", "vpce", "endpoint", "vpc-endpoint"],
            Kind::DbCluster => &[
                "db_clusters",
                "aurora",
                "cluster",
                "db-cluster",
                "dbcluster",
            ],
            Kind::DbClusterSnapshot => &[
                "db_cluster_snapshots",
                "clsnap",
                "dbclsnap",
                "cluster-snapshot",
                "db-cluster-snapshot",
            ],
        }
    }

    /// Route 53 is global: its kinds are read once, not per region.
    pub(crate) fn is_global(self) -> bool {
        matches!(self, Kind::HostedZone | Kind::Record)
    }

    /// Kinds that must be read for this kind to pair: security groups pair
    /// within paired VPCs.
    pub(crate) fn pairs_through(self) -> &'static [Kind] {
        match self {
            Kind::SecurityGroup
            | Kind::Subnet
            | Kind::RouteTable
            | Kind::InternetGateway
            | Kind::NatGateway
            | Kind::NetworkAcl
            | Kind::VpcEndpoint => &[Kind::Vpc],
            _ => &[],
        }
    }

    /// Kinds a copy of this kind plans with besides its own: a relaunch
    /// pulls in the instance's groups, key pair and network.
    pub(crate) fn copy_needs(self) -> &'static [Kind] {
        match self {
            Kind::Instance => &[Kind::SecurityGroup, Kind::KeyPair, Kind::Vpc, Kind::Subnet],
            _ => &[],
        }
    }

    /// `kinds` plus what they pair through, each once, in `ALL` order.
    pub(crate) fn with_pairing_needs(kinds: &[Kind]) -> Vec<Kind> {
        Kind::ALL
            .into_iter()
            .filter(|k| kinds.contains(k) || kinds.iter().any(|w| w.pairs_through().contains(k)))
            .collect()
    }

    /// Kinds whose names start with `prefix` (for `:` completion), exact
    /// name or alias matches first.
    pub(crate) fn completions(prefix: &str) -> Vec<Kind> {
        let p = prefix.trim().to_ascii_lowercase();
        if let Ok(exact) = p.parse::<Kind>() {
            return vec![exact];
        }
        Kind::ALL
            .into_iter()
            .filter(|k| k.name().starts_with(&p) || k.aliases().iter().any(|a| a.starts_with(&p)))
            .collect()
    }
}

impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown resource kind '{0}'; kinds are: {list}", list = Kind::ALL.map(Kind::name).join(", "))]
pub struct UnknownKind(pub(crate) String);

impl FromStr for Kind {
    type Err = UnknownKind;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let s = s.trim().to_ascii_lowercase();
        Kind::ALL
            .into_iter()
            .find(|k| k.name() == s || k.aliases().contains(&s.as_str()))
            .ok_or(UnknownKind(s))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_aliases_parse() {
        for k in Kind::ALL {
            assert_eq!(k.name().parse::<Kind>(), Ok(k));
        }
        assert_eq!("sg".parse::<Kind>(), Ok(Kind::SecurityGroup));
        assert_eq!("AMI".parse::<Kind>(), Ok(Kind::Image));
        for (alias, kind) in [
            ("rtb", Kind::RouteTable),
            ("igw", Kind::InternetGateway),
            ("nat", Kind::NatGateway),
            ("acl", Kind::NetworkAcl),
            ("vpce", Kind::VpcEndpoint),
            ("aurora", Kind::DbCluster),
            ("cluster", Kind::DbCluster),
            ("clsnap", Kind::DbClusterSnapshot),
        ] {
            assert_eq!(alias.parse::<Kind>(), Ok(kind));
        }
        assert!("gizmo"
            .parse::<Kind>()
            .unwrap_err()
            .to_string()
            .contains("key_pair"));
    }

    #[test]
    fn groups_bring_their_vpcs() {
        assert_eq!(
            Kind::with_pairing_needs(&[Kind::SecurityGroup, Kind::Image]),
            vec![Kind::Image, Kind::SecurityGroup, Kind::Vpc]
        );
        assert_eq!(
            Kind::with_pairing_needs(&[Kind::Bucket]),
            vec![Kind::Bucket]
        );
    }

    #[test]
    fn completion_by_prefix() {
        assert_eq!(Kind::completions("inst"), vec![Kind::Instance]);
        assert_eq!(Kind::completions("rec"), vec![Kind::Record]);
        assert_eq!(
            Kind::completions("s"),
            vec![
                Kind::Snapshot,
                Kind::SecurityGroup,
                Kind::Subnet,
                Kind::Bucket
            ]
        );
        assert!(Kind::completions("zzz").is_empty());
    }
}
