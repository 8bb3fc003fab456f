//! What a pre-flight check reads from both regions, as plain data: the
//! cloud layer fills it, the checks in `check` judge it.

use serde::Serialize;
use std::collections::BTreeMap;

/// Everything the checks need beyond the two inventories.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Facts {
    /// The target region's AZs that are available.
    pub target_azs: Vec<String>,
    /// Instance type -> the target AZs that offer it (every type the target offers).
    pub offered_types: BTreeMap<String, Vec<String>>,
    pub quotas: Quotas,
    pub images: Vec<ImageFacts>,
    pub routes: Vec<RouteFacts>,
    pub buckets: Vec<BucketFacts>,
    pub databases: Vec<DbFacts>,
    /// Texts that may pin the source region: launch templates, user data,
    /// bucket policies, DB parameter values.
    pub texts: Vec<FoundText>,
    pub reserved: Reserved,
    /// Reads that failed: what could not be checked, and why.
    pub unread: Vec<String>,
}

/// Account limits and what the target holds against them.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Quotas {
    /// DescribeAccountAttributes `vpc-max-elastic-ips` (or `max-elastic-ips`).
    pub max_elastic_ips: Option<u32>,
    /// DescribeAccountAttributes `max-instances`.
    pub max_instances: Option<u32>,
    pub target_elastic_ips: usize,
    pub target_vpcs: usize,
    pub target_instances: usize,
    /// Target snapshots still `pending`: copies already using the concurrency.
    pub target_pending_snapshots: usize,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct ImageFacts {
    pub id: String,
    pub owner_id: Option<String>,
    pub product_codes: Vec<String>,
    /// Snapshots behind the AMI that are encrypted.
    pub encrypted_snapshots: Vec<String>,
}

/// Where a route sends its traffic, in the words of a route table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RouteVia {
    Local,
    InternetGateway,
    NatGateway,
    VpcPeering,
    TransitGateway,
    VpnGateway,
    Instance,
    NetworkInterface,
    Endpoint,
    Other,
}

#[derive(Debug, Clone, Serialize)]
pub struct RouteFacts {
    pub route_table_id: String,
    pub vpc_id: String,
    pub destination: String,
    pub via: RouteVia,
    /// The target's id, e.g. pcx-..., tgw-..., vgw-....
    pub target: String,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct BucketFacts {
    pub name: String,
    /// Current objects.
    pub objects: u64,
    pub bytes: u64,
    /// Objects in GLACIER or DEEP_ARCHIVE (current or not): CopyObject refuses them until restored.
    pub archived: u64,
    /// Noncurrent versions and delete markers.
    pub old_versions: u64,
    pub policy: Option<String>,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct DbFacts {
    pub id: String,
    pub engine: String,
    pub backup_retention_days: i32,
    /// Option groups other than the engine's `default:` ones.
    pub option_groups: Vec<String>,
}

/// A piece of text read from somewhere that a region name or ARN may be in.
#[derive(Debug, Clone, Serialize)]
pub struct FoundText {
    /// Where it was read, e.g. "launch template lt-1 (web) v3 user data".
    pub place: String,
    pub text: String,
}

/// Reserved instances in the source: those read, and what could not be
/// read (EC2's and RDS's are separate calls; one may fail alone).
#[derive(Debug, Clone, Default, Serialize)]
pub struct Reserved {
    pub reservations: Vec<Reservation>,
    /// Set when a read failed: the answer is then "unknown", not "none".
    pub unknown: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Reservation {
    /// "ec2" or "rds".
    pub service: String,
    pub id: String,
    /// Instance type or DB class.
    pub class: String,
    pub count: i32,
}

/// What the selection asks the pre-flight reads to look at in the source.
#[derive(Debug, Clone, Default)]
pub struct Wanted {
    pub image_ids: Vec<String>,
    pub instance_ids: Vec<String>,
    pub vpc_ids: Vec<String>,
    pub buckets: Vec<String>,
    pub db_ids: Vec<String>,
}
