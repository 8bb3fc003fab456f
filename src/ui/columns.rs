//! The columns each kind shows, and the text of each cell. Widths adapt to
//! the content of the visible window; `priority` says which columns give way
//! first on a narrow terminal (higher goes first).

use super::pointing::PointIndex;
use crate::model::resource::Details;
use crate::model::{Kind, Resource, Side};

#[derive(Debug, Clone, Copy)]
pub(crate) struct Column {
    pub(crate) title: &'static str,
    /// Never wider than this, whatever the content.
    pub(crate) max: u16,
    pub(crate) priority: u8,
}

/// A macro, not a const fn: struct literals are promoted to 'static, calls are not.
macro_rules! col {
    ($title:expr, $max:expr, $priority:expr) => {
        Column {
            title: $title,
            max: $max,
            priority: $priority,
        }
    };
}

pub(crate) fn columns(kind: Kind) -> &'static [Column] {
    match kind {
        Kind::Instance => &[
            col!("NAME", 28, 0),
            col!("ID", 19, 0),
            col!("TYPE", 12, 2),
            col!("STATE", 10, 0),
            col!("AZ", 12, 4),
            col!("PRIVATE IP", 15, 3),
            col!("PUBLIC IP", 15, 3),
            col!("LAUNCH", 44, 4),
        ],
        Kind::Image => &[
            col!("NAME", 32, 0),
            col!("ID", 21, 0),
            col!("STATE", 10, 0),
            col!("CREATED", 20, 3),
        ],
        Kind::Volume => &[
            col!("ID", 21, 0),
            col!("NAME", 24, 0),
            col!("SIZE", 8, 1),
            col!("TYPE", 8, 2),
            col!("ATTACHED TO", 19, 2),
        ],
        Kind::Snapshot => &[
            col!("ID", 22, 0),
            col!("VOLUME", 21, 2),
            col!("SIZE", 8, 1),
            col!("PROGRESS", 8, 1),
            col!("STARTED", 20, 3),
        ],
        Kind::SecurityGroup => &[
            col!("NAME", 28, 0),
            col!("ID", 20, 0),
            col!("VPC", 21, 2),
            col!("RULES", 5, 1),
        ],
        Kind::KeyPair => &[col!("NAME", 28, 0), col!("FINGERPRINT", 59, 1)],
        Kind::Vpc => &[
            col!("ID", 21, 0),
            col!("NAME", 24, 0),
            col!("CIDR", 18, 1),
            col!("DEFAULT", 7, 2),
        ],
        Kind::Subnet => &[
            col!("ID", 24, 0),
            col!("NAME", 24, 0),
            col!("VPC", 21, 3),
            col!("CIDR", 18, 1),
            col!("AZ", 12, 2),
        ],
        Kind::ElasticIp => &[
            col!("PUBLIC IP", 15, 0),
            col!("ALLOCATION", 26, 0),
            col!("INSTANCE", 19, 1),
            col!("PRIVATE IP", 15, 3),
        ],
        Kind::Bucket => &[
            col!("NAME", 40, 0),
            col!("OBJECTS", 9, 1),
            col!("SIZE", 9, 1),
            col!("VERSIONING", 10, 2),
        ],
        Kind::DbInstance => &[
            col!("ID", 28, 0),
            col!("ENGINE", 12, 1),
            col!("CLASS", 14, 2),
            col!("STATUS", 10, 0),
            col!("STORAGE", 7, 3),
        ],
        Kind::DbSnapshot => &[
            col!("ID", 32, 0),
            col!("INSTANCE", 24, 1),
            col!("STATUS", 10, 0),
            col!("CREATED", 20, 2),
        ],
        Kind::HostedZone => &[
            col!("DOMAIN", 40, 0),
            col!("ID", 24, 0),
            col!("PRIVATE", 7, 2),
            col!("RECORDS", 7, 1),
        ],
        Kind::Record => &[
            col!("NAME", 40, 0),
            col!("TYPE", 5, 0),
            col!("PLAN", 16, 0),
            col!("TTL", 6, 1),
            col!("SET ID", 16, 0),
            col!("WEIGHT", 6, 1),
            col!("POINTS AT", 9, 1),
            col!("VALUE", 60, 0),
        ],
        Kind::RouteTable => &[
            col!("ID", 21, 0),
            col!("NAME", 24, 1),
            col!("VPC", 21, 2),
            col!("MAIN", 4, 2),
            col!("ROUTES", 6, 1),
            col!("SUBNETS", 7, 1),
        ],
        Kind::InternetGateway => &[
            col!("ID", 24, 0),
            col!("NAME", 24, 1),
            col!("VPC", 21, 1),
            col!("TYPE", 11, 2),
        ],
        Kind::NatGateway => &[
            col!("ID", 21, 0),
            col!("NAME", 24, 1),
            col!("SUBNET", 24, 2),
            col!("STATE", 10, 1),
            col!("PUBLIC IP", 15, 1),
        ],
        Kind::NetworkAcl => &[
            col!("ID", 21, 0),
            col!("NAME", 24, 1),
            col!("VPC", 21, 2),
            col!("DEFAULT", 7, 2),
            col!("ENTRIES", 7, 1),
            col!("SUBNETS", 7, 1),
        ],
        Kind::DbCluster => &[
            col!("ID", 28, 0),
            col!("ENGINE", 14, 1),
            col!("STATUS", 10, 0),
            col!("MEMBERS", 7, 2),
            col!("ENDPOINT", 48, 3),
        ],
        Kind::DbClusterSnapshot => &[
            col!("ID", 32, 0),
            col!("CLUSTER", 24, 1),
            col!("STATUS", 10, 0),
            col!("CREATED", 20, 2),
        ],
        Kind::VpcEndpoint => &[
            col!("ID", 22, 0),
            col!("SERVICE", 36, 0),
            col!("VPC", 21, 2),
            col!("TYPE", 9, 2),
            col!("STATE", 10, 1),
        ],
    }
}

/// Where the PLAN cell sits in a record's row: the pane fills it from the
/// DNS cutovers the cockpit follows.
pub(crate) const RECORD_PLAN_COLUMN: usize = 2;

fn opt(v: &Option<String>) -> String {
    v.clone().unwrap_or_else(|| "-".into())
}

fn gib(n: i32) -> String {
    format!("{n} GiB")
}

/// "2026-03-01T10:20:30.000Z" -> "2026-03-01 10:20:30": the same instant, fewer columns.
fn when(v: &Option<String>) -> String {
    match v {
        Some(t) => t.replace('T', " ").chars().take(19).collect(),
        None => "-".into(),
    }
}

/// 1536 -> "1.5 KiB".
pub(crate) fn bytes(n: u64) -> String {
    const UNITS: [&str; 6] = ["B", "KiB", "MiB", "GiB", "TiB", "PiB"];
    let mut v = n as f64;
    let mut unit = 0;
    while v >= 1024.0 && unit + 1 < UNITS.len() {
        v /= 1024.0;
        unit += 1;
    }
    if unit == 0 {
        format!("{n} B")
    } else {
        format!("{v:.1} {}", UNITS[unit])
    }
}

/// The cells of one row, in `columns(kind)` order.
pub(crate) fn cells(r: &Resource, points: &PointIndex) -> Vec<String> {
    match &r.details {
        Details::Instance(i) => vec![
            r.name.clone(),
            r.id.clone(),
            i.instance_type.clone(),
            r.state.to_string(),
            i.availability_zone.clone(),
            opt(&i.private_ip),
            opt(&i.public_ip),
            // Source rows: what the target holds of it; target rows: which launch it is.
            match r.tags.get(crate::model::launch::LAUNCH_TAG) {
                Some(which) => format!("{which} launch"),
                None if r.region == points.source_region() => points.launch_of(&r.id),
                None => "-".into(),
            },
        ],
        Details::Image(i) => vec![
            r.name.clone(),
            r.id.clone(),
            r.state.to_string(),
            when(&i.created),
        ],
        Details::Volume(v) => vec![
            r.id.clone(),
            if r.name == r.id {
                "-".into()
            } else {
                r.name.clone()
            },
            gib(v.size_gib),
            v.volume_type.clone(),
            opt(&v.attached_to),
        ],
        Details::Snapshot(s) => vec![
            r.id.clone(),
            opt(&s.volume_id),
            gib(s.size_gib),
            opt(&s.progress),
            when(&s.started),
        ],
        Details::SecurityGroup(g) => vec![
            r.name.clone(),
            r.id.clone(),
            opt(&g.vpc_id),
            g.rule_count().to_string(),
        ],
        Details::KeyPair(k) => vec![r.name.clone(), opt(&k.fingerprint)],
        Details::Vpc(v) => vec![
            r.id.clone(),
            if r.name == r.id {
                "-".into()
            } else {
                r.name.clone()
            },
            v.cidr.clone(),
            if v.is_default { "yes" } else { "no" }.into(),
        ],
        Details::Subnet(s) => vec![
            r.id.clone(),
            if r.name == r.id {
                "-".into()
            } else {
                r.name.clone()
            },
            s.vpc_id.clone(),
            s.cidr.clone(),
            s.availability_zone.clone(),
        ],
        Details::ElasticIp(e) => vec![
            e.public_ip.clone(),
            opt(&e.allocation_id),
            opt(&e.instance_id),
            opt(&e.private_ip),
        ],
        Details::Bucket(b) => vec![
            r.name.clone(),
            b.objects
                .map(super::views::thousands)
                .unwrap_or_else(|| "?".into()),
            b.bytes.map(bytes).unwrap_or_else(|| "?".into()),
            b.versioning.clone().unwrap_or_else(|| "off".into()),
        ],
        Details::DbInstance(d) => vec![
            r.id.clone(),
            d.engine.clone(),
            d.class.clone(),
            r.state.to_string(),
            gib(d.storage_gib),
        ],
        Details::DbSnapshot(s) => vec![
            r.id.clone(),
            s.instance_id.clone(),
            r.state.to_string(),
            when(&s.created),
        ],
        Details::DbCluster(c) => vec![
            r.id.clone(),
            c.engine.clone(),
            r.state.to_string(),
            c.members.len().to_string(),
            opt(&c.endpoint),
        ],
        Details::DbClusterSnapshot(s) => vec![
            r.id.clone(),
            s.cluster_id.clone(),
            r.state.to_string(),
            when(&s.created),
        ],
        Details::HostedZone(z) => vec![
            z.domain.clone(),
            r.id.clone(),
            if z.private { "yes" } else { "no" }.into(),
            z.record_count
                .map(|n| n.to_string())
                .unwrap_or_else(|| "?".into()),
        ],
        Details::Record(rec) => {
            let value = match &rec.alias_target {
                Some(a) => format!("alias {}", a.dns_name),
                None => rec.values.join(", "),
            };
            let points = match points.points_at(r) {
                Some(Side::Source) => "source",
                Some(Side::Target) => "target",
                Some(Side::Global) => "both",
                None => "-",
            };
            vec![
                r.name.clone(),
                rec.record_type.to_string(),
                "-".into(), // PLAN: filled from the cutovers, see RECORD_PLAN_COLUMN
                rec.ttl.map(|t| t.to_string()).unwrap_or_else(|| "-".into()),
                rec.set_identifier.clone().unwrap_or_else(|| "-".into()),
                rec.weight
                    .map(|w| w.to_string())
                    .unwrap_or_else(|| "-".into()),
                points.into(),
                value,
            ]
        }
        Details::RouteTable(_)
        | Details::InternetGateway(_)
        | Details::NatGateway(_)
        | Details::NetworkAcl(_)
        | Details::VpcEndpoint(_) => network_cells(r),
    }
}

fn named(r: &Resource) -> String {
    if r.name == r.id {
        "-".into()
    } else {
        r.name.clone()
    }
}

fn yes(b: bool) -> String {
    if b { "yes" } else { "no" }.into()
}

/// The cells of the network pieces' rows.
fn network_cells(r: &Resource) -> Vec<String> {
    match &r.details {
        Details::RouteTable(t) => vec![
            r.id.clone(),
            named(r),
            t.vpc_id.clone(),
            yes(t.main),
            t.routes.len().to_string(),
            t.subnet_ids.len().to_string(),
        ],
        Details::InternetGateway(g) => vec![
            r.id.clone(),
            named(r),
            opt(&g.vpc_id),
            if g.egress_only {
                "egress-only"
            } else {
                "internet"
            }
            .into(),
        ],
        Details::NatGateway(n) => vec![
            r.id.clone(),
            named(r),
            n.subnet_id.clone(),
            r.state.to_string(),
            opt(&n.public_ip),
        ],
        Details::NetworkAcl(a) => vec![
            r.id.clone(),
            named(r),
            a.vpc_id.clone(),
            yes(a.default),
            a.entries.len().to_string(),
            a.subnet_ids.len().to_string(),
        ],
        Details::VpcEndpoint(e) => vec![
            r.id.clone(),
            e.service_name.clone(),
            e.vpc_id.clone(),
            e.endpoint_type.clone(),
            r.state.to_string(),
        ],
        _ => Vec::new(),
    }
}

/// What a filter searches: every id and name a person might type,
/// lower-cased, one per line so a regex's `^` and `$` anchor to a field.
pub(crate) fn haystack(r: &Resource) -> String {
    let mut fields: Vec<&str> = vec![&r.id, &r.name, &r.state];
    fields.extend(r.tags.values().map(String::as_str));
    match &r.details {
        Details::Instance(i) => {
            fields.extend(i.private_ip.as_deref());
            fields.extend(i.public_ip.as_deref());
            fields.push(&i.instance_type);
        }
        Details::Record(rec) => {
            fields.push(&rec.record_type);
            fields.extend(rec.values.iter().map(String::as_str));
            fields.extend(rec.set_identifier.as_deref());
        }
        Details::ElasticIp(e) => fields.push(&e.public_ip),
        Details::DbInstance(d) => fields.push(&d.engine),
        Details::DbCluster(c) => fields.push(&c.engine),
        Details::DbClusterSnapshot(s) => fields.push(&s.cluster_id),
        _ => {}
    }
    fields.join("\n").to_lowercase()
}
