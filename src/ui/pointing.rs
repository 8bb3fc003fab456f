//! Which region a DNS record sends traffic to: the source, the target, or
//! neither as far as cutover can tell. Used by the Route 53 view.

use crate::model::{Details, Inventory, Kind, Resource, Side};
use std::collections::HashSet;

/// The addresses each side owns, gathered when instances or Elastic IPs arrive.
#[derive(Debug, Clone, Default)]
pub(crate) struct PointIndex {
    source_region: String,
    target_region: String,
    source_ips: HashSet<String>,
    target_ips: HashSet<String>,
    /// Source instance id -> what the target holds of it, in words.
    launches: std::collections::HashMap<String, String>,
}

impl PointIndex {
    pub(crate) fn build(inv: &Inventory) -> Self {
        let ips = |side| {
            let mut set = HashSet::new();
            for kind in [Kind::Instance, Kind::ElasticIp] {
                for r in inv.resources(side, kind) {
                    match &r.details {
                        Details::Instance(i) => {
                            set.extend(i.public_ip.iter().chain(&i.private_ip).cloned())
                        }
                        Details::ElasticIp(e) => {
                            set.insert(e.public_ip.clone());
                        }
                        _ => {}
                    }
                }
            }
            set
        };
        PointIndex {
            source_region: inv.source_region().to_string(),
            target_region: inv.target_region().to_string(),
            source_ips: ips(Side::Source),
            target_ips: ips(Side::Target),
            launches: launches(inv),
        }
    }

    pub(crate) fn source_region(&self) -> &str {
        &self.source_region
    }

    /// The LAUNCH cell of a source instance: not launched, a test launch,
    /// or the cutover launch with its new address.
    pub(crate) fn launch_of(&self, source_instance: &str) -> String {
        self.launches
            .get(source_instance)
            .cloned()
            .unwrap_or_else(|| "not launched".into())
    }

    /// Source, Target, or Global when the record points at both (a weighted
    /// set mid-cutover shows one record per side, so this is rare).
    pub(crate) fn points_at(&self, record: &Resource) -> Option<Side> {
        let Details::Record(rec) = &record.details else {
            return None;
        };
        let targets = rec
            .values
            .iter()
            .map(String::as_str)
            .chain(rec.alias_target.as_ref().map(|a| a.dns_name.as_str()));
        let (mut source, mut target) = (false, false);
        for value in targets {
            // Regional endpoints name their region: elb, rds, s3-website, execute-api.
            let has_region = |region: &str| !region.is_empty() && value.contains(region);
            let ip = ec2_host_ip(value);
            let owns = |ips: &HashSet<String>| {
                ips.contains(value) || ip.as_ref().is_some_and(|ip| ips.contains(ip))
            };
            source |= owns(&self.source_ips) || has_region(&self.source_region);
            target |= owns(&self.target_ips) || has_region(&self.target_region);
        }
        match (source, target) {
            (true, true) => Some(Side::Global),
            (true, false) => Some(Side::Source),
            (false, true) => Some(Side::Target),
            _ => None,
        }
    }

    /// How many records point at the source and how many at the target.
    pub(crate) fn tally(&self, records: &[Resource]) -> (usize, usize) {
        let (mut source, mut target) = (0, 0);
        for r in records {
            match self.points_at(r) {
                Some(Side::Source) => source += 1,
                Some(Side::Target) => target += 1,
                Some(Side::Global) => {
                    source += 1;
                    target += 1;
                }
                None => {}
            }
        }
        (source, target)
    }
}

/// Launches in the target, by the source instance they relaunch; the
/// cutover launch wins over a test launch.
fn launches(inv: &Inventory) -> std::collections::HashMap<String, String> {
    use crate::model::launch::TEST_OF_TAG;
    let mut found = std::collections::HashMap::new();
    let live = inv
        .resources(Side::Target, Kind::Instance)
        .iter()
        .filter(|r| !matches!(r.state.as_str(), "terminated" | "shutting-down"));
    for r in live {
        let Details::Instance(i) = &r.details else {
            continue;
        };
        if let Some(of) = r.source_id() {
            let ip = i.public_ip.as_ref().or(i.private_ip.as_ref());
            let text = match ip {
                Some(ip) => format!("launched {} {ip}", r.id),
                None => format!("launched {}", r.id),
            };
            found.insert(of.to_string(), text);
        } else if let Some(of) = r.tags.get(TEST_OF_TAG) {
            found
                .entry(of.clone())
                .or_insert_with(|| format!("test {}", r.id));
        }
    }
    found
}

/// The address inside an EC2 public host name:
/// "ec2-54-1-2-3.compute-1.amazonaws.com" -> "54.1.2.3" (us-east-1 names
/// carry no region, so the address is the only clue).
fn ec2_host_ip(value: &str) -> Option<String> {
    let first = value.split('.').next()?.strip_prefix("ec2-")?;
    let parts: Vec<&str> = first.split('-').collect();
    let is_ip = parts.len() == 4 && parts.iter().all(|p| p.parse::<u8>().is_ok());
    (is_ip && value.contains(".amazonaws.com")).then(|| parts.join("."))
}

#[cfg(test)]
mod host_tests {
    #[test]
    fn ec2_host_names_give_their_address() {
        assert_eq!(
            super::ec2_host_ip("ec2-54-1-2-3.compute-1.amazonaws.com").as_deref(),
            Some("54.1.2.3")
        );
        assert_eq!(
            super::ec2_host_ip("ec2-54-1-2-3.eu-west-1.compute.amazonaws.com.").as_deref(),
            Some("54.1.2.3")
        );
        assert_eq!(super::ec2_host_ip("ec2-x.example.com"), None);
        assert_eq!(super::ec2_host_ip("shop.example.com"), None);
    }
}

#[cfg(test)]
mod launch_tests {
    use super::*;
    use crate::model::launch::TEST_OF_TAG;
    use crate::model::resource::{Instance, SOURCE_ID_TAG};
    use crate::model::BucketNaming;

    fn target(id: &str, tag: &str, of: &str, ip: Option<&str>) -> Resource {
        Resource::new(
            "eu-west-1",
            Kind::Instance,
            id,
            Details::Instance(Box::new(Instance {
                private_ip: ip.map(str::to_string),
                ..Default::default()
            })),
        )
        .with_state("running")
        .with_tags([(tag.to_string(), of.to_string())].into())
    }

    #[test]
    fn a_source_instance_says_whether_and_where_it_was_launched() {
        let mut inv = Inventory::new(
            "us-east-1",
            "eu-west-1",
            BucketNaming::default(),
            &[Kind::Instance],
        );
        inv.apply(
            Side::Target,
            Kind::Instance,
            Ok(vec![
                target("i-test", TEST_OF_TAG, "i-a", None),
                target("i-new", SOURCE_ID_TAG, "i-a", Some("10.0.1.9")),
                target("i-t2", TEST_OF_TAG, "i-b", None),
                target("i-old", SOURCE_ID_TAG, "i-c", None).with_state("terminated"),
            ]),
        );
        let points = PointIndex::build(&inv);
        assert_eq!(points.launch_of("i-a"), "launched i-new 10.0.1.9");
        assert_eq!(points.launch_of("i-b"), "test i-t2");
        assert_eq!(points.launch_of("i-c"), "not launched");
    }
}
