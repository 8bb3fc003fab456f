//! The target value, checked by cutover before anything is written: Route 53
//! (and emulators more so) accepts a URL as a CNAME, `0.0.0.0` as an A
//! record or a record pointing at itself, and the first a person hears of it
//! is traffic going nowhere. The cockpit dialog and the CLI share this check.

use super::plan::Answer;
use super::DnsError;
use crate::cloud::dns_change::Alias;
use crate::model::{Details, Inventory, Kind, Resource, Side};
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

/// What the value is checked against.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Rules<'a> {
    pub(crate) record_type: &'a str,
    /// The record being moved, fully qualified: a CNAME may not point at it.
    pub(crate) record_name: &'a str,
    /// A public zone answers the internet: private addresses are refused.
    pub(crate) public_zone: bool,
    /// `--allow-private`: private addresses are meant (e.g. a VPN-only name).
    pub(crate) allow_private: bool,
}

fn invalid(msg: String) -> DnsError {
    DnsError::Invalid(msg)
}

/// The target answer for a record whose source answer is `source`: values
/// (comma-separated for several A/AAAA values), or `HOSTEDZONEID:dns-name`
/// for an alias record.
pub(crate) fn parse_target(source: &Answer, text: &str, rules: Rules) -> Result<Answer, DnsError> {
    let text = text.trim();
    if text.is_empty() {
        return Err(invalid(
            "the target value is empty: give the target region's IP, host name or HOSTEDZONEID:dns-name".into(),
        ));
    }
    if let Answer::Alias(a) = source {
        return parse_alias(text, a.evaluate_target_health).map(Answer::Alias);
    }
    let values: Vec<String> = text.split(',').map(|v| v.trim().to_string()).collect();
    if rules.record_type == "CNAME" && values.len() != 1 {
        return Err(invalid(
            "a CNAME has exactly one value: give one host name".into(),
        ));
    }
    for v in &values {
        check_value(v, rules)?;
    }
    Ok(Answer::Values(values))
}

/// One value of a record of `rules.record_type`.
pub(crate) fn check_value(value: &str, rules: Rules) -> Result<(), DnsError> {
    match rules.record_type {
        "A" => {
            let ip = value.parse::<Ipv4Addr>().map_err(|_| {
                invalid(format!(
                    "target value '{value}' does not fit an A record: give an IPv4 address such as 198.51.100.7"
                ))
            })?;
            check_address(value, IpAddr::V4(ip), rules)
        }
        "AAAA" => {
            let ip = value.parse::<Ipv6Addr>().map_err(|_| {
                invalid(format!(
                    "target value '{value}' does not fit an AAAA record: give an IPv6 address such as 2001:db8::7"
                ))
            })?;
            check_address(value, IpAddr::V6(ip), rules)
        }
        "CNAME" => {
            check_host_name(value, "CNAME target")?;
            let own = rules.record_name.trim_end_matches('.').to_lowercase();
            if value.trim_end_matches('.').to_lowercase() == own {
                return Err(invalid(format!(
                    "target value '{value}' is the record itself: a CNAME to its own name is a loop; give the \
                     target region's host name"
                )));
            }
            Ok(())
        }
        _ => Ok(()),
    }
}

fn check_address(value: &str, ip: IpAddr, rules: Rules) -> Result<(), DnsError> {
    let refuse = |what: &str| {
        Err(invalid(format!(
            "target value {value} is {what}: nobody on the internet reaches the target there; give the \
             target's public address (an Elastic IP or the instance's public IP)"
        )))
    };
    if ip.is_unspecified() {
        return refuse("the unspecified address");
    }
    if ip.is_loopback() {
        return refuse("a loopback address");
    }
    if ip.is_multicast() || ip == IpAddr::V4(Ipv4Addr::BROADCAST) {
        return refuse("a multicast or broadcast address");
    }
    if is_link_local(ip) {
        return refuse("a link-local address");
    }
    if rules.public_zone && !rules.allow_private && is_private(ip) {
        return Err(invalid(format!(
            "target value {value} is a private address and the zone is public: the internet cannot reach \
             it; give the target's public address, or pass --allow-private if the name is meant for a \
             private network"
        )));
    }
    Ok(())
}

fn is_link_local(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => v4.is_link_local(),
        IpAddr::V6(v6) => (v6.segments()[0] & 0xffc0) == 0xfe80,
    }
}

/// RFC 1918, shared address space (RFC 6598) and IPv6 unique local.
fn is_private(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => {
            let [a, b, ..] = v4.octets();
            v4.is_private() || (a == 100 && (64..128).contains(&b))
        }
        IpAddr::V6(v6) => (v6.segments()[0] & 0xfe00) == 0xfc00,
    }
}

/// A DNS host name: no scheme, no path, no empty label, at most 253
/// characters, labels at most 63, and not an IP address.
pub(crate) fn check_host_name(value: &str, what: &str) -> Result<(), DnsError> {
    let name = value.strip_suffix('.').unwrap_or(value);
    let bad = |why: &str| {
        Err(invalid(format!(
            "{what} '{value}' is not a host name: {why}; give a name such as web.eu-west-1.example.net"
        )))
    };
    if value.contains("://") {
        return bad("it has a scheme (drop http:// or https://)");
    }
    if value.contains('/') {
        return bad("it has a path");
    }
    if value.parse::<IpAddr>().is_ok() {
        return bad("it is an IP address (an A or AAAA record holds addresses)");
    }
    if name.is_empty() || name.split('.').any(str::is_empty) {
        return bad("it has an empty label (two dots in a row, or a leading dot)");
    }
    if name.len() > 253 {
        return bad("it is longer than 253 characters");
    }
    if name.split('.').any(|l| l.len() > 63) {
        return bad("a label is longer than 63 characters");
    }
    let allowed = |c: char| c.is_ascii_alphanumeric() || c == '-' || c == '_';
    if name.split('.').any(|l| !l.chars().all(allowed)) {
        return bad("it has characters other than letters, digits, '-' and '_'");
    }
    Ok(())
}

/// `HOSTEDZONEID:dns-name` of the target's load balancer or distribution.
fn parse_alias(text: &str, evaluate_target_health: bool) -> Result<Alias, DnsError> {
    let example = "Z32O12XQLNTSW2:my-lb.eu-west-1.elb.amazonaws.com";
    let Some((zone, dns_name)) = text.split_once(':') else {
        return Err(invalid(format!(
            "the record is an alias: give the target as HOSTEDZONEID:dns-name (e.g. {example}), not '{text}'"
        )));
    };
    let zone = zone.trim();
    if zone.is_empty() || !zone.chars().all(|c| c.is_ascii_alphanumeric()) {
        return Err(invalid(format!(
            "alias target '{text}': '{zone}' is not a hosted zone id (letters and digits, e.g. Z32O12XQLNTSW2); \
             write HOSTEDZONEID:dns-name, e.g. {example}"
        )));
    }
    let dns_name = dns_name.trim();
    check_host_name(dns_name, "alias target")?;
    Ok(Alias {
        hosted_zone_id: zone.to_string(),
        dns_name: format!("{}.", dns_name.trim_end_matches('.').to_lowercase()),
        evaluate_target_health,
    })
}

/// Values in the target region a record of this type could answer with,
/// with where each comes from.
pub(crate) fn known_targets(inventory: &Inventory, record_type: &str) -> Vec<(String, String)> {
    let resources: Vec<&Resource> = kinds_answering(record_type)
        .iter()
        .flat_map(|k| inventory.resources(Side::Target, *k))
        .collect();
    known_in(&resources, record_type)
}

/// The kinds whose values a record of this type could answer with: what a
/// headless DNS plan reads of the target region to check its value, and no
/// more (an MX or TXT record reads nothing).
pub(crate) fn kinds_answering(record_type: &str) -> &'static [Kind] {
    match record_type {
        "A" => &[Kind::ElasticIp, Kind::Instance],
        "CNAME" => &[Kind::DbInstance],
        _ => &[],
    }
}

/// `known_targets` over resources already listed in the target region.
pub(crate) fn known_in(resources: &[&Resource], record_type: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for r in resources {
        match (&r.details, record_type) {
            (Details::ElasticIp(e), "A") => {
                out.push((e.public_ip.clone(), format!("Elastic IP {}", r.id)))
            }
            (Details::Instance(i), "A") => {
                if let Some(ip) = &i.public_ip {
                    out.push((ip.clone(), format!("instance {} {}", r.id, r.name)));
                }
            }
            (Details::DbInstance(db), "CNAME") => {
                if let Some(endpoint) = &db.endpoint {
                    out.push((endpoint.clone(), format!("DB instance {}", r.id)));
                }
            }
            _ => {}
        }
    }
    out
}

/// A warning when a target value is nothing the target region holds, which
/// is usually a typo; None when every value is known.
pub(crate) fn unknown_value_warning(
    answer: &Answer,
    known: &[(String, String)],
    target_region: &str,
) -> Option<String> {
    let norm = |v: &str| v.trim().trim_end_matches('.').to_lowercase();
    let values: Vec<String> = match answer {
        Answer::Values(v) => v.clone(),
        Answer::Alias(a) => vec![a.dns_name.clone()],
    };
    let unknown: Vec<String> = values
        .into_iter()
        .filter(|v| !known.iter().any(|(k, _)| norm(k) == norm(v)))
        .collect();
    if unknown.is_empty() {
        return None;
    }
    Some(format!(
        "{} is not an Elastic IP, instance IP or endpoint cutover sees in {target_region}: check it for a typo",
        unknown.join(", ")
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rules(record_type: &'static str) -> Rules<'static> {
        Rules {
            record_type,
            record_name: "www.shop.example.com.",
            public_zone: true,
            allow_private: false,
        }
    }

    fn refused(record_type: &'static str, value: &str) -> String {
        let source = Answer::Values(vec!["192.0.2.1".into()]);
        parse_target(&source, value, rules(record_type))
            .unwrap_err()
            .to_string()
    }

    #[test]
    fn addresses_must_be_reachable_public_ips_of_the_right_family() {
        let source = Answer::Values(vec!["192.0.2.1".into()]);
        assert!(parse_target(&source, "198.51.100.7", rules("A")).is_ok());
        assert!(parse_target(&source, "2001:db8::7", rules("AAAA")).is_ok());
        assert!(refused("A", "0.0.0.0").contains("unspecified"));
        assert!(refused("A", "127.0.0.1").contains("loopback"));
        assert!(refused("A", "169.254.169.254").contains("link-local"));
        assert!(refused("A", "10.0.1.5").contains("private"));
        assert!(refused("A", "100.64.0.1").contains("private"));
        assert!(refused("A", "255.255.255.255").contains("broadcast"));
        assert!(refused("A", "2001:db8::7").contains("IPv4"));
        assert!(refused("A", "web.example.net").contains("IPv4"));
        assert!(refused("AAAA", "::").contains("unspecified"));
        assert!(refused("AAAA", "::1").contains("loopback"));
        assert!(refused("AAAA", "fe80::1").contains("link-local"));
        assert!(refused("AAAA", "fd00::1").contains("private"));
        assert!(refused("AAAA", "1.2.3.4").contains("IPv6"));
        assert!(refused("A", " ").contains("empty"));
        let private = Rules {
            allow_private: true,
            ..rules("A")
        };
        assert!(parse_target(&source, "10.0.1.5", private).is_ok());
        let private_zone = Rules {
            public_zone: false,
            ..rules("A")
        };
        assert!(parse_target(&source, "10.0.1.5", private_zone).is_ok());
        assert!(
            parse_target(&source, "127.0.0.1", private).is_err(),
            "--allow-private does not allow loopback"
        );
    }

    #[test]
    fn cname_targets_must_be_host_names_other_than_the_record() {
        let source = Answer::Values(vec!["web.us-east-1.example.net.".into()]);
        assert!(parse_target(&source, "web.eu-west-1.example.net.", rules("CNAME")).is_ok());
        assert!(refused("CNAME", "https://web.example.net").contains("scheme"));
        assert!(refused("CNAME", "web.example.net/app").contains("path"));
        assert!(refused("CNAME", "foo..bar").contains("empty label"));
        assert!(refused("CNAME", ".foo.bar").contains("empty label"));
        assert!(refused("CNAME", "198.51.100.7").contains("IP address"));
        assert!(refused("CNAME", "WWW.shop.example.com").contains("loop"));
        assert!(refused("CNAME", "a b").contains("characters"));
        assert!(refused("CNAME", "a.example.net,b.example.net").contains("exactly one"));
        let long_label = format!("{}.example.net", "a".repeat(64));
        assert!(refused("CNAME", &long_label).contains("63"));
        let long_name = vec!["abcdefghi"; 26].join(".");
        assert!(refused("CNAME", &long_name).contains("253"));
    }

    #[test]
    fn alias_targets_are_zone_id_and_dns_name() {
        let source = Answer::Alias(Alias {
            hosted_zone_id: "Z35SXDOTRQ7X7K".into(),
            dns_name: "lb.us-east-1.elb.amazonaws.com.".into(),
            evaluate_target_health: true,
        });
        let ok = parse_target(
            &source,
            "Z32O12XQLNTSW2:My-LB.eu-west-1.elb.amazonaws.com",
            rules("A"),
        )
        .unwrap();
        assert_eq!(
            ok,
            Answer::Alias(Alias {
                hosted_zone_id: "Z32O12XQLNTSW2".into(),
                dns_name: "my-lb.eu-west-1.elb.amazonaws.com.".into(),
                evaluate_target_health: true,
            })
        );
        let err = |v| {
            parse_target(&source, v, rules("A"))
                .unwrap_err()
                .to_string()
        };
        assert!(err("my-lb.eu-west-1.elb.amazonaws.com").contains("HOSTEDZONEID:dns-name"));
        assert!(err(":my-lb.example.com").contains("not a hosted zone id"));
        assert!(err("Z1:https://lb").contains("scheme"));
    }

    #[test]
    fn values_the_target_region_does_not_hold_are_warned_about() {
        let known = vec![(
            "198.51.100.7".to_string(),
            "Elastic IP eipalloc-1".to_string(),
        )];
        let answer = |v: &str| Answer::Values(vec![v.to_string()]);
        assert_eq!(
            unknown_value_warning(&answer("198.51.100.7"), &known, "eu-west-1"),
            None
        );
        let w = unknown_value_warning(&answer("198.51.100.8"), &known, "eu-west-1").unwrap();
        assert!(w.contains("198.51.100.8") && w.contains("eu-west-1"), "{w}");
    }
}
