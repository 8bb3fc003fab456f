//! A VPC's skeleton as plain data: what a network copy reads from the
//! source and re-creates in the target, piece by piece.

use serde::Serialize;
use std::collections::BTreeMap;

pub(crate) type Tags = BTreeMap<String, String>;

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub(crate) struct Network {
    pub(crate) vpc_id: String,
    /// The primary block first, then the associated ones.
    pub(crate) cidrs: Vec<String>,
    pub(crate) dns_support: bool,
    pub(crate) dns_hostnames: bool,
    pub(crate) tags: Tags,
    /// A custom DHCP options set (not AWS's default one).
    pub(crate) dhcp: Option<DhcpOptions>,
    pub(crate) subnets: Vec<Subnet>,
    pub(crate) internet_gateway: Option<Gateway>,
    pub(crate) egress_only_gateway: Option<Gateway>,
    pub(crate) nat_gateways: Vec<NatGateway>,
    pub(crate) route_tables: Vec<RouteTable>,
    pub(crate) acls: Vec<NetworkAcl>,
    pub(crate) endpoints: Vec<Endpoint>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub(crate) struct DhcpOptions {
    pub(crate) id: String,
    /// ("domain-name-servers", ["10.0.0.2"]), ...
    pub(crate) settings: Vec<(String, Vec<String>)>,
    pub(crate) tags: Tags,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub(crate) struct Subnet {
    pub(crate) id: String,
    pub(crate) cidr: String,
    pub(crate) zone: String,
    pub(crate) map_public_ip: bool,
    pub(crate) tags: Tags,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub(crate) struct Gateway {
    pub(crate) id: String,
    pub(crate) tags: Tags,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub(crate) struct NatGateway {
    pub(crate) id: String,
    pub(crate) subnet_id: String,
    /// The source's public IP (partners may allow-list it).
    pub(crate) public_ip: Option<String>,
    /// A private NAT gateway has no Elastic IP.
    pub(crate) private: bool,
    pub(crate) tags: Tags,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub(crate) struct RouteTable {
    pub(crate) id: String,
    pub(crate) main: bool,
    pub(crate) subnet_ids: Vec<String>,
    pub(crate) routes: Vec<Route>,
    pub(crate) tags: Tags,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub(crate) struct Route {
    /// An IPv4 or IPv6 CIDR, or a prefix list id.
    pub(crate) destination: String,
    pub(crate) target: RouteTarget,
}

/// Where a route sends traffic, by what the id names.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub(crate) enum RouteTarget {
    Local,
    /// Internet gateway, egress-only gateway, NAT gateway: re-created by the copy.
    Gateway(String),
    /// A gateway endpoint's route: made by the endpoint itself.
    Endpoint(String),
    /// Peering, transit gateway, VPN gateway, instance, ENI, ...: what the
    /// copy cannot re-create; `what` names it for the operator.
    Elsewhere {
        what: &'static str,
        id: String,
    },
}

impl RouteTarget {
    /// From the id AWS gives a route's target.
    pub(crate) fn of(id: &str) -> RouteTarget {
        let what = match id.split('-').next().unwrap_or_default() {
            "local" => return RouteTarget::Local,
            "igw" | "eigw" | "nat" => return RouteTarget::Gateway(id.into()),
            "vpce" => return RouteTarget::Endpoint(id.into()),
            "pcx" => "a peering connection",
            "tgw" => "a transit gateway",
            "vgw" => "a VPN gateway",
            "i" => "an instance",
            "eni" => "a network interface",
            "cagw" => "a carrier gateway",
            "lgw" => "a local gateway",
            _ => "a target cutover does not copy",
        };
        RouteTarget::Elsewhere {
            what,
            id: id.into(),
        }
    }
}

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub(crate) struct NetworkAcl {
    pub(crate) id: String,
    pub(crate) default: bool,
    pub(crate) subnet_ids: Vec<String>,
    pub(crate) entries: Vec<AclEntry>,
    pub(crate) tags: Tags,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub(crate) struct AclEntry {
    pub(crate) rule_number: i32,
    pub(crate) egress: bool,
    /// "-1" (all), "6" (tcp), "17" (udp), "1" (icmp), ...
    pub(crate) protocol: String,
    pub(crate) allow: bool,
    pub(crate) cidr: Option<String>,
    pub(crate) ipv6_cidr: Option<String>,
    pub(crate) ports: Option<(i32, i32)>,
    /// ICMP (type, code).
    pub(crate) icmp: Option<(i32, i32)>,
}

impl AclEntry {
    /// The last rule of every ACL (deny all): AWS makes it, nobody can change it.
    pub(crate) fn is_catch_all(&self) -> bool {
        self.rule_number == 32767
    }

    /// "in 100 allow tcp 443 0.0.0.0/0".
    pub(crate) fn describe(&self) -> String {
        let proto = match self.protocol.as_str() {
            "-1" => "all",
            "6" => "tcp",
            "17" => "udp",
            "1" => "icmp",
            other => other,
        };
        let ports = match self.ports {
            Some((a, b)) if a == b => format!(" {a}"),
            Some((a, b)) => format!(" {a}-{b}"),
            None => String::new(),
        };
        format!(
            "{} {} {} {proto}{ports} {}",
            if self.egress { "out" } else { "in" },
            self.rule_number,
            if self.allow { "allow" } else { "deny" },
            self.cidr
                .as_deref()
                .or(self.ipv6_cidr.as_deref())
                .unwrap_or("-")
        )
    }
}

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub(crate) struct Endpoint {
    pub(crate) id: String,
    /// "com.amazonaws.us-east-1.s3".
    pub(crate) service_name: String,
    /// Gateway endpoints (S3, DynamoDB) are copied; interface ones are not.
    pub(crate) gateway: bool,
    pub(crate) route_table_ids: Vec<String>,
    pub(crate) policy: Option<String>,
    pub(crate) tags: Tags,
}

impl Endpoint {
    /// The same service in the target region.
    pub(crate) fn service_in(&self, source_region: &str, target_region: &str) -> String {
        self.service_name
            .replace(&format!(".{source_region}."), &format!(".{target_region}."))
    }
}

impl Network {
    /// The AZs the subnets use, sorted, each once.
    pub(crate) fn zones(&self) -> Vec<String> {
        let mut zones: Vec<String> = self.subnets.iter().map(|s| s.zone.clone()).collect();
        zones.sort();
        zones.dedup();
        zones
    }

    /// Routes that point where the copy cannot follow: (route table, route, why).
    pub(crate) fn untranslatable_routes(&self) -> Vec<String> {
        let mut out = Vec::new();
        for t in &self.route_tables {
            for r in &t.routes {
                if let RouteTarget::Elsewhere { what, id } = &r.target {
                    out.push(route_warning(&t.id, &r.destination, what, id));
                }
            }
        }
        out
    }
}

pub(crate) fn route_warning(table: &str, destination: &str, what: &str, id: &str) -> String {
    format!("route {destination} -> {id} in {table} not copied: it points at {what} that cutover does not re-create; add it in the target by hand once its counterpart exists")
}

/// `us-east-1a=eu-west-1b,us-east-1b=eu-west-1a` as the operator typed it.
pub(crate) fn parse_az_map(text: &str) -> Result<Vec<(String, String)>, String> {
    text.split(',')
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .map(|pair| match pair.split_once('=') {
            Some((a, b)) if !a.trim().is_empty() && !b.trim().is_empty() => {
                Ok((a.trim().to_string(), b.trim().to_string()))
            }
            _ => Err(format!(
                "AZ map entry '{pair}' is not SOURCE_AZ=TARGET_AZ (e.g. us-east-1a=eu-west-1b)"
            )),
        })
        .collect()
}

/// Source AZ -> target AZ for every zone the VPC uses: the operator's map
/// first, the rest by position (the first zone used -> the target's first,
/// ...). Refused before anything is made when it cannot hold.
pub(crate) fn map_zones(
    used: &[String],
    target_zones: &[String],
    asked: &[(String, String)],
    target_region: &str,
) -> Result<BTreeMap<String, String>, String> {
    let listed = || format!("{target_region} has {}", target_zones.join(", "));
    let mut map = BTreeMap::new();
    for (from, to) in asked {
        if !used.contains(from) {
            return Err(format!(
                "AZ map names {from}, which the VPC does not use (it uses {}); map only those",
                used.join(", ")
            ));
        }
        if !target_zones.contains(to) {
            return Err(format!(
                "AZ map sends {from} to {to}, which is not an AZ of the target: {}",
                listed()
            ));
        }
        if map.insert(from.clone(), to.clone()).is_some() {
            return Err(format!(
                "AZ map names {from} twice; name each source AZ once"
            ));
        }
    }
    let mut taken: Vec<&String> = map.values().collect();
    taken.sort();
    if let Some(w) = taken.windows(2).find(|w| w[0] == w[1]) {
        return Err(format!(
            "AZ map sends two source AZs to {}; give each its own target AZ ({})",
            w[0],
            listed()
        ));
    }
    if used.len() > target_zones.len() {
        return Err(format!(
            "the VPC uses {} AZs ({}) and the target offers {}: {}; the spread cannot be kept",
            used.len(),
            used.join(", "),
            target_zones.len(),
            listed()
        ));
    }
    for (i, zone) in used.iter().enumerate() {
        if map.contains_key(zone) {
            continue;
        }
        let free = target_zones
            .iter()
            .skip(i)
            .chain(target_zones.iter().take(i))
            .find(|z| !map.values().any(|v| v == *z))
            .ok_or_else(|| format!("no free target AZ left for {zone}: {}", listed()))?;
        map.insert(zone.clone(), free.clone());
    }
    Ok(map)
}

/// An IPv4 CIDR as (network, mask), or None when it is not one.
fn ipv4(cidr: &str) -> Option<(u32, u32)> {
    let (ip, bits) = cidr.split_once('/')?;
    let bits: u32 = bits.parse().ok().filter(|b| *b <= 32)?;
    let ip: std::net::Ipv4Addr = ip.parse().ok()?;
    let mask = if bits == 0 {
        0
    } else {
        u32::MAX << (32 - bits)
    };
    Some((u32::from(ip) & mask, mask))
}

/// Whether two IPv4 CIDRs share any address.
pub(crate) fn cidrs_overlap(a: &str, b: &str) -> bool {
    match (ipv4(a), ipv4(b)) {
        (Some((na, ma)), Some((nb, mb))) => {
            let common = ma & mb;
            na & common == nb & common
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn zones(z: &[&str]) -> Vec<String> {
        z.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn zones_map_by_position_unless_asked() {
        let used = zones(&["us-east-1a", "us-east-1c"]);
        let target = zones(&["eu-west-1a", "eu-west-1b", "eu-west-1c"]);
        let map = map_zones(&used, &target, &[], "eu-west-1").unwrap();
        assert_eq!(map["us-east-1a"], "eu-west-1a");
        assert_eq!(map["us-east-1c"], "eu-west-1b");
        let asked = parse_az_map("us-east-1a=eu-west-1b").unwrap();
        let map = map_zones(&used, &target, &asked, "eu-west-1").unwrap();
        assert_eq!(map["us-east-1a"], "eu-west-1b");
        assert_eq!(
            map["us-east-1c"], "eu-west-1c",
            "the rest avoid taken zones"
        );
    }

    #[test]
    fn bad_maps_are_refused_with_the_target_zones() {
        let used = zones(&["us-east-1a", "us-east-1b"]);
        let target = zones(&["eu-west-1a", "eu-west-1b"]);
        let refuse = |text: &str| {
            map_zones(&used, &target, &parse_az_map(text).unwrap(), "eu-west-1").unwrap_err()
        };
        let e = refuse("us-east-1a=us-east-1b");
        assert!(
            e.contains("not an AZ of the target: eu-west-1 has eu-west-1a, eu-west-1b"),
            "{e}"
        );
        assert!(refuse("us-east-1a=eu-west-1a,us-east-1a=eu-west-1b").contains("twice"));
        assert!(refuse("us-east-1a=eu-west-1a,us-east-1b=eu-west-1a").contains("two source AZs"));
        assert!(refuse("us-east-1f=eu-west-1a").contains("does not use"));
        assert!(parse_az_map("us-east-1a").is_err());
        let three = zones(&["us-east-1a", "us-east-1b", "us-east-1c"]);
        let e = map_zones(&three, &target, &[], "eu-west-1").unwrap_err();
        assert!(
            e.contains("uses 3 AZs") && e.contains("eu-west-1a, eu-west-1b"),
            "{e}"
        );
    }

    #[test]
    fn route_targets_say_what_they_are() {
        assert_eq!(RouteTarget::of("local"), RouteTarget::Local);
        assert_eq!(
            RouteTarget::of("nat-1"),
            RouteTarget::Gateway("nat-1".into())
        );
        assert_eq!(
            RouteTarget::of("vpce-1"),
            RouteTarget::Endpoint("vpce-1".into())
        );
        assert!(matches!(
            RouteTarget::of("pcx-1"),
            RouteTarget::Elsewhere {
                what: "a peering connection",
                ..
            }
        ));
        let net = Network {
            route_tables: vec![RouteTable {
                id: "rtb-1".into(),
                routes: vec![
                    Route {
                        destination: "10.9.0.0/16".into(),
                        target: RouteTarget::of("pcx-9"),
                    },
                    Route {
                        destination: "0.0.0.0/0".into(),
                        target: RouteTarget::of("igw-1"),
                    },
                ],
                ..Default::default()
            }],
            ..Default::default()
        };
        let w = net.untranslatable_routes();
        assert_eq!(w.len(), 1);
        assert!(w[0].contains("10.9.0.0/16 -> pcx-9 in rtb-1"), "{}", w[0]);
    }

    #[test]
    fn overlap_and_service_names() {
        assert!(cidrs_overlap("10.0.0.0/16", "10.0.128.0/20"));
        assert!(!cidrs_overlap("10.0.0.0/16", "10.1.0.0/16"));
        assert!(!cidrs_overlap("10.0.0.0/16", "2600::/56"));
        let e = Endpoint {
            service_name: "com.amazonaws.us-east-1.s3".into(),
            ..Default::default()
        };
        assert_eq!(
            e.service_in("us-east-1", "eu-west-1"),
            "com.amazonaws.eu-west-1.s3"
        );
        let entry = AclEntry {
            rule_number: 100,
            protocol: "6".into(),
            allow: true,
            cidr: Some("0.0.0.0/0".into()),
            ports: Some((443, 443)),
            ..Default::default()
        };
        assert_eq!(entry.describe(), "in 100 allow tcp 443 0.0.0.0/0");
    }
}
