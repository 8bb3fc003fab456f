//! What the target offers against what the move needs: AZs, instance
//! types, and the account's limits.

use super::{Findings, Input, Severity};
use crate::model::{Details, Kind};
use std::collections::{BTreeMap, BTreeSet};

/// The default VPCs-per-region quota; EC2 does not report it (Service
/// Quotas code L-F678F1CE does).
pub(crate) const DEFAULT_VPC_QUOTA: usize = 5;
/// Snapshot copies AWS runs at once into one destination region; more queue.
pub(crate) const SNAPSHOT_COPY_CONCURRENCY: usize = 20;

pub(crate) fn check(input: &Input, f: &mut Findings) {
    az_count(input, f);
    instance_types(input, f);
    quotas(input, f);
}

/// The AZs the selection uses in the source.
fn source_azs(input: &Input) -> BTreeSet<String> {
    input
        .selected()
        .filter_map(|r| match &r.details {
            Details::Subnet(s) => Some(s.availability_zone.clone()),
            Details::Instance(i) => Some(i.availability_zone.clone()),
            Details::Volume(v) => Some(v.availability_zone.clone()),
            _ => None,
        })
        .filter(|az| !az.is_empty())
        .collect()
}

fn az_count(input: &Input, f: &mut Findings) {
    let used = source_azs(input);
    let offered = &input.facts.target_azs;
    if offered.is_empty() || used.len() <= offered.len() {
        return;
    }
    f.add(
        Severity::Blocker,
        "az-count",
        None,
        format!(
            "the selection uses {} AZs in {} ({}), the target {} has {} ({})",
            used.len(),
            input.inventory.source_region(),
            used.iter().cloned().collect::<Vec<_>>().join(", "),
            input.inventory.target_region(),
            offered.len(),
            offered.join(", ")
        ),
        Some("map several source AZs onto one target AZ (fewer subnets), or pick a target region with more AZs".into()),
    );
}

fn instance_types(input: &Input, f: &mut Findings) {
    let offered = &input.facts.offered_types;
    if offered.is_empty() {
        return;
    }
    let azs_used = source_azs(input).len();
    let mut seen = BTreeSet::new();
    for r in input.selected().filter(|r| r.kind == Kind::Instance) {
        let Details::Instance(i) = &r.details else {
            continue;
        };
        if !seen.insert(i.instance_type.clone()) {
            continue;
        }
        match offered.get(&i.instance_type) {
            None => f.add(
                Severity::Blocker,
                "instance-type",
                Some(&r.id),
                format!(
                    "{} is not offered in any AZ of {}",
                    i.instance_type,
                    input.inventory.target_region()
                ),
                Some(match nearest(&i.instance_type, offered).as_slice() {
                    [] => "pick another instance type for the relaunch".to_string(),
                    near => format!("nearest offered: {}", near.join(", ")),
                }),
            ),
            Some(azs) if azs.len() < azs_used => f.add(
                Severity::Warning,
                "instance-type",
                Some(&r.id),
                format!(
                    "{} is offered in only {} of the target's AZs ({}), the selection spans {azs_used}",
                    i.instance_type,
                    azs.len(),
                    azs.join(", ")
                ),
                Some("place those instances' subnets in these AZs".into()),
            ),
            Some(_) => {}
        }
    }
}

/// Sizes from small to large, to measure how far one size is from another.
const SIZES: [&str; 20] = [
    "nano", "micro", "small", "medium", "large", "xlarge", "2xlarge", "3xlarge", "4xlarge",
    "6xlarge", "8xlarge", "9xlarge", "10xlarge", "12xlarge", "16xlarge", "18xlarge", "24xlarge",
    "32xlarge", "48xlarge", "metal",
];

/// "m5.large" -> ("m", 5, "", "large"); "c6gn.xlarge" -> ("c", 6, "gn", "xlarge").
fn parse_type(t: &str) -> Option<(String, u32, String, String)> {
    let (family, size) = t.split_once('.')?;
    let digit = family.find(|c: char| c.is_ascii_digit())?;
    let class = &family[..digit];
    let rest = &family[digit..];
    let end = rest
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(rest.len());
    let generation = rest[..end].parse().ok()?;
    Some((
        class.to_string(),
        generation,
        rest[end..].to_string(),
        size.to_string(),
    ))
}

fn size_rank(size: &str) -> Option<usize> {
    SIZES.iter().position(|s| *s == size)
}

/// Up to three offered types closest to `wanted`: the same size in a
/// newer (then older) generation of the same class, then other sizes of
/// the same family, nearest size first.
pub(crate) fn nearest(wanted: &str, offered: &BTreeMap<String, Vec<String>>) -> Vec<String> {
    let Some((class, generation, suffix, size)) = parse_type(wanted) else {
        return vec![];
    };
    let rank = size_rank(&size);
    let mut scored: Vec<(u32, String)> = offered
        .keys()
        .filter_map(|t| {
            let (c, g, s, z) = parse_type(t)?;
            if c != class {
                return None;
            }
            if z == size && s == suffix && g != generation {
                // Newer generations first: they are the usual replacement.
                let score = if g > generation {
                    g - generation
                } else {
                    10 + generation - g
                };
                return Some((score, t.clone()));
            }
            if g == generation && s == suffix && z != size {
                let distance = match (rank, size_rank(&z)) {
                    (Some(a), Some(b)) => a.abs_diff(b) as u32,
                    _ => 50,
                };
                return Some((100 + distance, t.clone()));
            }
            None
        })
        .collect();
    scored.sort();
    scored.into_iter().take(3).map(|(_, t)| t).collect()
}

fn quotas(input: &Input, f: &mut Findings) {
    let q = &input.facts.quotas;
    let sel = input.selection;
    let eips = sel.of_kind(Kind::ElasticIp).count();
    if let Some(max) = q.max_elastic_ips {
        if eips > 0 && q.target_elastic_ips + eips > max as usize {
            f.add(
                Severity::Blocker,
                "quota-eip",
                None,
                format!(
                    "the move needs {eips} Elastic IPs; the target holds {} of at most {max}",
                    q.target_elastic_ips
                ),
                Some(format!(
                    "release unused Elastic IPs in {} or ask for a higher quota (Service Quotas L-0263D0A3) before the window",
                    input.inventory.target_region()
                )),
            );
        }
    }
    let instances = sel.of_kind(Kind::Instance).count();
    if let Some(max) = q.max_instances {
        if instances > 0 && q.target_instances + instances > max as usize {
            f.add(
                Severity::Blocker,
                "quota-instances",
                None,
                format!(
                    "the move launches {instances} instances; the target runs {} of at most {max}",
                    q.target_instances
                ),
                Some(
                    "ask for a higher On-Demand instance quota in the target before the window"
                        .into(),
                ),
            );
        }
    }
    let new_vpcs = sel
        .of_kind(Kind::Vpc)
        .filter(|r| r.counterpart.is_none())
        .filter(|r| !matches!(&r.details, Details::Vpc(v) if v.is_default))
        .count();
    if new_vpcs > 0 && q.target_vpcs + new_vpcs > DEFAULT_VPC_QUOTA {
        f.add(
            Severity::Warning,
            "quota-vpcs",
            None,
            format!(
                "the move creates {new_vpcs} VPCs; the target has {} and the default quota is {DEFAULT_VPC_QUOTA}",
                q.target_vpcs
            ),
            Some("check the quota in Service Quotas (L-F678F1CE) and raise it if needed".into()),
        );
    }
    let copies = snapshot_copies(input);
    if copies + q.target_pending_snapshots > SNAPSHOT_COPY_CONCURRENCY {
        f.add(
            Severity::Warning,
            "snapshot-copy-concurrency",
            None,
            format!(
                "the move copies {copies} EBS snapshots ({} already pending in the target); AWS runs {SNAPSHOT_COPY_CONCURRENCY} at once per destination region, the rest wait",
                q.target_pending_snapshots
            ),
            Some("start the copies early, largest first; the last ones finish later than the first".into()),
        );
    }
}

/// EBS snapshot copies the move makes: snapshots, volumes, AMIs' snapshots.
fn snapshot_copies(input: &Input) -> usize {
    input
        .selected()
        .map(|r| match &r.details {
            Details::Snapshot(_) | Details::Volume(_) => 1,
            Details::Image(i) => i.snapshot_ids.len().max(1),
            _ => 0,
        })
        .sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn offered(types: &[&str]) -> BTreeMap<String, Vec<String>> {
        types
            .iter()
            .map(|t| (t.to_string(), vec!["eu-west-1a".into()]))
            .collect()
    }

    #[test]
    fn nearest_prefers_the_next_generation_then_the_nearest_size() {
        let o = offered(&[
            "m6.large",
            "m7.large",
            "m5.xlarge",
            "m5.4xlarge",
            "c5.large",
            "m4.large",
        ]);
        assert_eq!(
            nearest("m5.large", &o),
            vec!["m6.large", "m7.large", "m4.large"]
        );
        let o = offered(&["m5.xlarge", "m5.4xlarge", "c5.large"]);
        assert_eq!(nearest("m5.large", &o), vec!["m5.xlarge", "m5.4xlarge"]);
        assert!(nearest("x9.large", &o).is_empty());
        assert!(nearest("not-a-type", &o).is_empty());
    }

    #[test]
    fn types_parse_with_suffixes() {
        assert_eq!(
            parse_type("c6gn.xlarge"),
            Some(("c".into(), 6, "gn".into(), "xlarge".into()))
        );
        assert_eq!(parse_type("t3.micro").map(|p| p.1), Some(3));
    }
}
