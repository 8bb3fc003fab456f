//! The target value a record most likely wants: a record that answers with
//! a source instance's address (its Elastic IP or its public IP) gets the
//! address of that instance's relaunch in the target. The cockpit's DNS
//! plan dialog and `cutover dns plan` share it; neither writes with it
//! unless the operator confirms.

use crate::model::{Details, Inventory, Kind, Resource, Side};
use std::collections::BTreeMap;

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Suggestion {
    /// The value to plan with (comma-separated when several moved).
    pub(crate) value: String,
    /// Where it comes from, in words.
    pub(crate) why: String,
}

fn target(inventory: &Inventory, kind: Kind, id: &str) -> Option<Resource> {
    inventory
        .resources(Side::Target, kind)
        .iter()
        .find(|r| r.id == id)
        .cloned()
}

/// What the target holds for one source address, from the listings:
/// the new Elastic IP paired with the source's, or the public IP of the
/// instance's relaunch.
fn listed(inventory: &Inventory, old: &str) -> Option<(String, String)> {
    for r in inventory.resources(Side::Source, Kind::ElasticIp) {
        let Details::ElasticIp(e) = &r.details else {
            continue;
        };
        if e.public_ip != old {
            continue;
        }
        let new = r
            .counterpart
            .as_deref()
            .and_then(|id| target(inventory, Kind::ElasticIp, id))?;
        let Details::ElasticIp(n) = &new.details else {
            continue;
        };
        let of = match &e.instance_id {
            Some(i) => format!("the Elastic IP of {i}; its relaunch has the new one"),
            None => format!("the Elastic IP {}; its new one is", r.id),
        };
        return Some((
            n.public_ip.clone(),
            format!("{old} is {of} {} ({})", n.public_ip, new.id),
        ));
    }
    for r in inventory.resources(Side::Source, Kind::Instance) {
        let Details::Instance(i) = &r.details else {
            continue;
        };
        if i.public_ip.as_deref() != Some(old) {
            continue;
        }
        let new = r
            .counterpart
            .as_deref()
            .and_then(|id| target(inventory, Kind::Instance, id))?;
        let Details::Instance(n) = &new.details else {
            continue;
        };
        let ip = n.public_ip.clone()?;
        return Some((
            ip.clone(),
            format!(
                "{old} is {}'s public IP; its relaunch {} answers at {ip}",
                r.id, new.id
            ),
        ));
    }
    None
}

/// The suggested target value of an A record answering `values`, from the
/// listings first (what AWS holds now), then from what relaunch tasks
/// recorded (`moved`: old public IP -> new). None when no value is a
/// relaunched instance's address.
pub(crate) fn suggest(
    inventory: &Inventory,
    record_type: &str,
    values: &[String],
    moved: &BTreeMap<String, String>,
) -> Option<Suggestion> {
    if record_type != "A" {
        return None;
    }
    let mut new = Vec::new();
    let mut why = Vec::new();
    for old in values {
        let found = listed(inventory, old).or_else(|| {
            moved.get(old).map(|ip| {
                (
                    ip.clone(),
                    format!("{old} moved to {ip} (recorded by the relaunch task)"),
                )
            })
        });
        match found {
            Some((ip, said)) => {
                new.push(ip);
                why.push(said);
            }
            None => why.push(format!("{old}: no relaunch found")),
        }
    }
    if new.is_empty() {
        return None;
    }
    Some(Suggestion {
        value: new.join(","),
        why: why.join("; "),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::resource::{self as m, SOURCE_ID_TAG};
    use crate::model::BucketNaming;

    fn eip(region: &str, id: &str, ip: &str, instance: &str) -> Resource {
        Resource::new(
            region,
            Kind::ElasticIp,
            id,
            Details::ElasticIp(m::ElasticIp {
                public_ip: ip.into(),
                allocation_id: Some(id.into()),
                instance_id: Some(instance.into()),
                private_ip: None,
            }),
        )
    }

    fn instance(region: &str, id: &str, ip: &str) -> Resource {
        Resource::new(
            region,
            Kind::Instance,
            id,
            Details::Instance(Box::new(m::Instance {
                public_ip: Some(ip.into()),
                ..Default::default()
            })),
        )
    }

    fn of(r: Resource, source: &str) -> Resource {
        r.with_tags([(SOURCE_ID_TAG.to_string(), source.to_string())].into())
    }

    fn estate() -> Inventory {
        let mut inv = Inventory::new(
            "us-east-1",
            "eu-west-1",
            BucketNaming::default(),
            &[Kind::ElasticIp, Kind::Instance],
        );
        inv.apply(
            Side::Target,
            Kind::ElasticIp,
            Ok(vec![of(
                eip("eu-west-1", "eipalloc-new", "198.51.100.9", "i-new"),
                "eipalloc-old",
            )]),
        );
        inv.apply(
            Side::Target,
            Kind::Instance,
            Ok(vec![
                of(instance("eu-west-1", "i-new", "198.51.100.9"), "i-web"),
                of(instance("eu-west-1", "i-api2", "198.51.100.20"), "i-api"),
            ]),
        );
        inv.apply(
            Side::Source,
            Kind::ElasticIp,
            Ok(vec![eip(
                "us-east-1",
                "eipalloc-old",
                "203.0.113.5",
                "i-web",
            )]),
        );
        inv.apply(
            Side::Source,
            Kind::Instance,
            Ok(vec![
                instance("us-east-1", "i-web", "203.0.113.5"),
                instance("us-east-1", "i-api", "203.0.113.6"),
                instance("us-east-1", "i-batch", "203.0.113.7"),
            ]),
        );
        inv
    }

    #[test]
    fn an_elastic_ip_of_a_relaunched_instance_suggests_the_new_one() {
        let s = suggest(&estate(), "A", &["203.0.113.5".into()], &BTreeMap::new()).unwrap();
        assert_eq!(s.value, "198.51.100.9");
        assert_eq!(
            s.why,
            "203.0.113.5 is the Elastic IP of i-web; its relaunch has the new one 198.51.100.9 (eipalloc-new)"
        );
    }

    #[test]
    fn a_public_ip_suggests_the_relaunch_public_ip_then_what_tasks_recorded() {
        let s = suggest(&estate(), "A", &["203.0.113.6".into()], &BTreeMap::new()).unwrap();
        assert_eq!(s.value, "198.51.100.20");
        let moved = BTreeMap::from([("203.0.113.7".to_string(), "198.51.100.30".to_string())]);
        let s = suggest(&estate(), "A", &["203.0.113.7".into()], &moved).unwrap();
        assert_eq!(s.value, "198.51.100.30");
        assert!(s.why.contains("recorded by the relaunch task"));
    }

    #[test]
    fn nothing_is_suggested_for_other_values_or_types() {
        assert_eq!(
            suggest(&estate(), "A", &["192.0.2.1".into()], &BTreeMap::new()),
            None
        );
        assert_eq!(
            suggest(
                &estate(),
                "CNAME",
                &["203.0.113.5".into()],
                &BTreeMap::new()
            ),
            None
        );
        let s = suggest(
            &estate(),
            "A",
            &["203.0.113.5".into(), "192.0.2.1".into()],
            &BTreeMap::new(),
        )
        .unwrap();
        assert_eq!(s.value, "198.51.100.9");
        assert!(s.why.contains("192.0.2.1: no relaunch found"), "{}", s.why);
    }
}
