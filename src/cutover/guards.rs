//! Route 53's rules, checked by cutover itself: emulators (and a typo in a
//! runbook) accept weight 300 or TTL -5, and a refused change mid-cutover
//! is worse than one refused before the first write. Each error says what
//! is wrong and what to do.

use super::plan::Weights;
use super::DnsError;
use crate::cloud::dns_change::RecordSet;
use std::collections::{HashMap, HashSet};

pub(crate) const MAX_TTL: i64 = 2_147_483_647;
pub(crate) const MAX_WEIGHT: i64 = 255;

fn invalid(msg: String) -> DnsError {
    DnsError::Invalid(msg)
}

pub(crate) fn check_ttl(ttl: i64) -> Result<i64, DnsError> {
    if (0..=MAX_TTL).contains(&ttl) {
        return Ok(ttl);
    }
    Err(invalid(format!(
        "TTL {ttl} is out of range: Route 53 TTLs are whole seconds from 0 to {MAX_TTL}; use e.g. 60"
    )))
}

pub(crate) fn check_weight(weight: i64) -> Result<u8, DnsError> {
    match u8::try_from(weight) {
        Ok(w) => Ok(w),
        Err(_) => Err(invalid(format!(
            "weight {weight} is out of range: Route 53 weights are integers from 0 to {MAX_WEIGHT}; \
             write steps as SOURCE/TARGET, e.g. 90/10"
        ))),
    }
}

/// All-zero weights make Route 53 split traffic evenly: the opposite of
/// "send nothing", so refuse them.
pub(crate) fn check_weights(w: Weights) -> Result<Weights, DnsError> {
    if w.source == 0 && w.target == 0 {
        return Err(invalid(
            "weights 0/0 are refused: with every weight 0 Route 53 splits traffic evenly; \
             use 100/0 to send everything to the source, 0/100 for the target"
                .into(),
        ));
    }
    Ok(w)
}

/// "100/0,90/10,50/50,0/100".
pub(crate) fn parse_weight_steps(text: &str) -> Result<Vec<Weights>, DnsError> {
    let steps = split_list(text, "--weights", "100/0,90/10,50/50,0/100")?;
    steps
        .iter()
        .map(|step| {
            let (s, t) = step.split_once('/').ok_or_else(|| {
                invalid(format!(
                    "weight step '{step}' is not SOURCE/TARGET: write e.g. --weights 100/0,90/10,50/50,0/100"
                ))
            })?;
            let number = |n: &str| {
                n.trim().parse::<i64>().map_err(|_| {
                    invalid(format!(
                        "weight step '{step}': '{n}' is not a whole number; write e.g. 90/10"
                    ))
                })
            };
            check_weights(Weights {
                source: check_weight(number(s)?)?,
                target: check_weight(number(t)?)?,
            })
        })
        .collect()
}

/// "3600,300,60": each a valid TTL, going down.
pub(crate) fn parse_ttl_stages(text: &str) -> Result<Vec<i64>, DnsError> {
    let stages = split_list(text, "--ttl-stages", "3600,300,60")?
        .iter()
        .map(|s| {
            let ttl = s.parse::<i64>().map_err(|_| {
                invalid(format!(
                    "TTL stage '{s}' is not a whole number of seconds; write e.g. --ttl-stages 3600,300,60"
                ))
            })?;
            check_ttl(ttl)
        })
        .collect::<Result<Vec<_>, _>>()?;
    if stages.windows(2).any(|w| w[1] >= w[0]) {
        return Err(invalid(format!(
            "TTL stages {text} must go down, each lower than the one before (e.g. 3600,300,60)"
        )));
    }
    Ok(stages)
}

fn split_list(text: &str, flag: &str, example: &str) -> Result<Vec<String>, DnsError> {
    let items: Vec<String> = text.split(',').map(|s| s.trim().to_string()).collect();
    if items.iter().any(String::is_empty) {
        return Err(invalid(format!(
            "{flag} '{text}' has an empty item: write a comma-separated list, e.g. {flag} {example}"
        )));
    }
    Ok(items)
}

/// The record's fully qualified name, lower case with the trailing dot, if
/// it is inside the zone.
pub(crate) fn name_in_zone(name: &str, zone_name: &str) -> Result<String, DnsError> {
    let fqdn = format!("{}.", name.trim().trim_end_matches('.').to_lowercase());
    let zone = format!("{}.", zone_name.trim_end_matches('.').to_lowercase());
    if fqdn == zone || fqdn.ends_with(&format!(".{zone}")) {
        return Ok(fqdn);
    }
    Err(invalid(format!(
        "record {fqdn} is not inside zone {zone}; give the full name, e.g. {}{zone}",
        name.trim().trim_end_matches('.').to_lowercase() + "."
    )))
}

#[cfg(test)]
/// The target value, checked against the record type (the full rules,
/// zone and record included, are in `target_value`).
pub(crate) fn check_value(record_type: &str, value: &str) -> Result<(), DnsError> {
    super::target_value::check_value(
        value,
        super::target_value::Rules {
            record_type,
            record_name: "",
            public_zone: false,
            allow_private: true,
        },
    )
}

/// A CNAME must be the only record at its name (RFC 1034); Route 53 refuses
/// the mix, emulators do not.
pub(crate) fn check_no_cname_mix(
    name: &str,
    record_type: &str,
    at_name: &[RecordSet],
) -> Result<(), DnsError> {
    let others: HashSet<&str> = at_name
        .iter()
        .map(|s| s.record_type.as_str())
        .filter(|t| *t != record_type)
        .collect();
    let clash = if record_type == "CNAME" {
        !others.is_empty()
    } else {
        others.contains("CNAME")
    };
    if !clash {
        return Ok(());
    }
    let mut others: Vec<&str> = others.into_iter().collect();
    others.sort();
    Err(invalid(format!(
        "{name} has a CNAME beside other record types ({record_type} and {}): a CNAME must be \
         alone at its name; remove the extra records in Route 53 first",
        others.join(", ")
    )))
}

/// Rules for the sets of one name and type as they would be written:
/// unique SetIdentifiers, one TTL per weighted group, weights and TTLs in
/// range, not all weights zero.
pub(crate) fn check_group(sets: &[RecordSet]) -> Result<(), DnsError> {
    let mut seen = HashSet::new();
    let mut ttls: HashMap<(&str, &str), Option<i64>> = HashMap::new();
    for s in sets {
        if let Some(ttl) = s.ttl {
            check_ttl(ttl)?;
        }
        if let Some(w) = s.weight {
            check_weight(w)?;
        }
        let Some(id) = &s.set_identifier else {
            continue;
        };
        if !seen.insert((s.name.as_str(), s.record_type.as_str(), id.as_str())) {
            return Err(invalid(format!(
                "SetIdentifier '{id}' is used twice for {} {}: each weighted record needs its own; \
                 use the source and target region names",
                s.name, s.record_type
            )));
        }
        let first = *ttls.entry((&s.name, &s.record_type)).or_insert(s.ttl);
        if first != s.ttl {
            return Err(invalid(format!(
                "the weighted records of {} {} would have different TTLs ({:?} and {:?}): Route 53 \
                 needs one TTL for the whole group; change both in the same step",
                s.name, s.record_type, first, s.ttl
            )));
        }
    }
    let weights: Vec<i64> = sets.iter().filter_map(|s| s.weight).collect();
    if !weights.is_empty() && weights.iter().all(|w| *w == 0) {
        return Err(invalid(
            "every weight of the group would be 0: Route 53 would then split traffic evenly; keep one above 0"
                .into(),
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn weighted(id: &str, weight: i64, ttl: i64) -> RecordSet {
        RecordSet {
            name: "www.shop.example.com.".into(),
            record_type: "A".into(),
            ttl: Some(ttl),
            set_identifier: Some(id.into()),
            weight: Some(weight),
            values: vec!["198.51.100.7".into()],
            alias: None,
            health_check_id: None,
        }
    }

    fn message(r: Result<impl std::fmt::Debug, DnsError>) -> String {
        r.unwrap_err().to_string()
    }

    #[test]
    fn weight_lists_parse_and_bad_ones_say_why() {
        let w = parse_weight_steps("100/0, 90/10,0/100").unwrap();
        assert_eq!(
            w[1],
            Weights {
                source: 90,
                target: 10
            }
        );
        assert!(message(parse_weight_steps("300/0")).contains("weight 300 is out of range"));
        assert!(message(parse_weight_steps("-1/101")).contains("0 to 255"));
        assert!(message(parse_weight_steps("100/0,0/0")).contains("0/0 are refused"));
        assert!(message(parse_weight_steps("100-0")).contains("not SOURCE/TARGET"));
        assert!(message(parse_weight_steps("a/b")).contains("not a whole number"));
        assert!(message(parse_weight_steps("100/0,,0/100")).contains("empty item"));
    }

    #[test]
    fn ttl_lists_parse_in_range_and_going_down() {
        assert_eq!(
            parse_ttl_stages("3600,300,60").unwrap(),
            vec![3600, 300, 60]
        );
        assert!(message(parse_ttl_stages("300,-5")).contains("TTL -5 is out of range"));
        assert!(message(parse_ttl_stages("2147483648")).contains("out of range"));
        assert!(message(parse_ttl_stages("60,300")).contains("must go down"));
        assert!(message(parse_ttl_stages("sixty")).contains("not a whole number"));
        assert_eq!(check_ttl(0).unwrap(), 0);
        assert_eq!(check_ttl(MAX_TTL).unwrap(), MAX_TTL);
    }

    #[test]
    fn names_must_be_inside_the_zone_with_or_without_the_dot() {
        let zone = "shop.example.com.";
        assert_eq!(
            name_in_zone("WWW.shop.example.com", zone).unwrap(),
            "www.shop.example.com."
        );
        assert_eq!(
            name_in_zone("www.shop.example.com.", zone).unwrap(),
            "www.shop.example.com."
        );
        assert!(message(name_in_zone("www.other.com", zone))
            .contains("not inside zone shop.example.com."));
        assert!(message(name_in_zone("www", zone)).contains("www.shop.example.com."));
        assert!(
            name_in_zone("myshop.example.com", zone).is_err(),
            "a suffix is not a subdomain"
        );
    }

    #[test]
    fn values_fit_their_type() {
        assert!(check_value("A", "198.51.100.7").is_ok());
        assert!(message(check_value("A", "web.example.net")).contains("IPv4"));
        assert!(check_value("AAAA", "2001:db8::7").is_ok());
        assert!(message(check_value("AAAA", "1.2.3.4")).contains("IPv6"));
        assert!(message(check_value("CNAME", "a b")).contains("host name"));
    }

    #[test]
    fn cname_cannot_share_a_name() {
        let mut cname = weighted("x", 1, 60);
        cname.record_type = "CNAME".into();
        let a = weighted("y", 1, 60);
        assert!(
            message(check_no_cname_mix("n.", "A", &[a.clone(), cname.clone()]))
                .contains("CNAME beside")
        );
        assert!(check_no_cname_mix("n.", "CNAME", std::slice::from_ref(&a)).is_err());
        assert!(check_no_cname_mix("n.", "A", &[a]).is_ok());
        assert!(check_no_cname_mix("n.", "CNAME", &[cname]).is_ok());
    }

    #[test]
    fn groups_need_unique_ids_one_ttl_and_a_live_weight() {
        assert!(
            check_group(&[weighted("us-east-1", 100, 60), weighted("eu-west-1", 0, 60)]).is_ok()
        );
        assert!(
            message(check_group(&[weighted("a", 1, 60), weighted("a", 1, 60)]))
                .contains("used twice")
        );
        assert!(
            message(check_group(&[weighted("a", 1, 60), weighted("b", 1, 300)]))
                .contains("one TTL")
        );
        assert!(
            message(check_group(&[weighted("a", 0, 60), weighted("b", 0, 60)]))
                .contains("every weight")
        );
        assert!(message(check_group(&[weighted("a", 300, 60)])).contains("weight 300"));
        assert!(message(check_group(&[weighted("a", 1, -5)])).contains("TTL -5"));
    }
}
