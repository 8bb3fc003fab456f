//! What a pre-flight check reads from both regions, as plain data: the
//! cloud layer fills it, the checks in `check` judge it.

use serde::Serialize;
use std::collections::BTreeMap;

/// Everything the checks need beyond the two inventories.
#[derive(Debug, Clone, Default, Serialize)]
pub(crate) struct Facts {
    /// The target region's AZs that are available.
    pub(crate) target_azs: Vec<String>,
    /// Instance type -> the target AZs that offer it (every type the target offers).
    pub(crate) offered_types: BTreeMap<String, Vec<String>>,
    pub(crate) quotas: Quotas,
    pub(crate) images: Vec<ImageFacts>,
    pub(crate) routes: Vec<RouteFacts>,
    pub(crate) buckets: Vec<BucketFacts>,
    pub(crate) databases: Vec<DbFacts>,
    /// Texts that may pin the source region: launch templates, user data,
    /// bucket policies, DB parameter values.
    pub(crate) texts: Vec<FoundText>,
    pub(crate) reserved: Reserved,
    /// Reads that failed: what could not be checked, and why.
    pub(crate) unread: Vec<String>,
}

/// Account limits and what the target holds against them.
#[derive(Debug, Clone, Default, Serialize)]
pub(crate) struct Quotas {
    /// DescribeAccountAttributes `vpc-max-elastic-ips` (or `max-elastic-ips`).
    pub(crate) max_elastic_ips: Option<u32>,
    /// DescribeAccountAttributes `max-instances`.
    pub(crate) max_instances: Option<u32>,
    pub(crate) target_elastic_ips: usize,
    pub(crate) target_vpcs: usize,
    pub(crate) target_instances: usize,
    /// Target snapshots still `pending`: copies already using the concurrency.
    pub(crate) target_pending_snapshots: usize,
}

#[derive(Debug, Clone, Default, Serialize)]
pub(crate) struct ImageFacts {
    pub(crate) id: String,
    pub(crate) owner_id: Option<String>,
    pub(crate) product_codes: Vec<String>,
    /// Snapshots behind the AMI that are encrypted.
    pub(crate) encrypted_snapshots: Vec<String>,
}

/// Where a route sends its traffic, in the words of a route table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub(crate) enum RouteVia {
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
pub(crate) struct RouteFacts {
    pub(crate) route_table_id: String,
    pub(crate) vpc_id: String,
    pub(crate) destination: String,
    pub(crate) via: RouteVia,
    /// The target's id, e.g. pcx-..., tgw-..., vgw-....
    pub(crate) target: String,
}

#[derive(Debug, Clone, Default, Serialize)]
pub(crate) struct BucketFacts {
    pub(crate) name: String,
    /// Current objects.
    pub(crate) objects: u64,
    pub(crate) bytes: u64,
    /// Objects in GLACIER or DEEP_ARCHIVE (current or not): CopyObject refuses them until restored.
    pub(crate) archived: u64,
    /// Noncurrent versions and delete markers.
    pub(crate) old_versions: u64,
    pub(crate) policy: Option<String>,
}

#[derive(Debug, Clone, Default, Serialize)]
pub(crate) struct DbFacts {
    pub(crate) id: String,
    pub(crate) engine: String,
    pub(crate) backup_retention_days: i32,
    /// Option groups other than the engine's `default:` ones.
    pub(crate) option_groups: Vec<String>,
}

/// A piece of text read from somewhere that a region name or ARN may be in.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct FoundText {
    /// Where it was read, e.g. "launch template lt-1 (web) v3 user data".
    pub(crate) place: String,
    pub(crate) text: String,
}

/// Reserved instances in the source: those read, and what could not be
/// read (EC2's and RDS's are separate calls; one may fail alone).
#[derive(Debug, Clone, Default, Serialize)]
pub(crate) struct Reserved {
    pub(crate) reservations: Vec<Reservation>,
    /// Set when a read failed: the answer is then "unknown", not "none".
    pub(crate) unknown: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub(crate) struct Reservation {
    /// "ec2" or "rds".
    pub(crate) service: String,
    pub(crate) id: String,
    /// Instance type or DB class.
    pub(crate) class: String,
    pub(crate) count: i32,
}

/// What the selection asks the pre-flight reads to look at in the source.
#[derive(Debug, Clone, Default)]
pub(crate) struct Wanted {
    pub(crate) image_ids: Vec<String>,
    pub(crate) instance_ids: Vec<String>,
    pub(crate) vpc_ids: Vec<String>,
    pub(crate) buckets: Vec<String>,
    pub(crate) db_ids: Vec<String>,
}
