//! What a check looks at: the resources named (ids or a tag) and what they
//! need to move with them (an instance's AMI, groups, subnet, VPC, key
//! pair and Elastic IP; the records that answer with their addresses).

use crate::model::facts::Wanted;
use crate::model::{Details, Inventory, Kind, Resource, Side};
use std::collections::BTreeSet;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub(crate) enum SelectError {
    #[error("nothing to check: give --ids (e.g. --ids i-0abc,shop-assets) or --tag (e.g. --tag app=shop)")]
    Nothing,
    #[error("--tag must be KEY=VALUE (e.g. --tag app=shop), not '{0}'")]
    BadTag(String),
    #[error("not found in the source region: {0}; check the ids with `cutover inventory`")]
    Unknown(String),
    #[error("no source resource has the tag {0}; check the tags with `cutover inventory -o json`")]
    NoMatch(String),
}

/// The resources a check covers: source resources (and Route 53 records).
#[derive(Debug, Clone, Default)]
pub(crate) struct Selection {
    pub(crate) resources: Vec<Resource>,
}

impl Selection {
    pub(crate) fn of_kind(&self, kind: Kind) -> impl Iterator<Item = &Resource> {
        self.resources.iter().filter(move |r| r.kind == kind)
    }

    pub(crate) fn contains(&self, id: &str) -> bool {
        self.resources.iter().any(|r| r.id == id)
    }
}

pub(crate) fn parse_tag(s: &str) -> Result<(String, String), SelectError> {
    match s.split_once('=') {
        Some((k, v)) if !k.is_empty() => Ok((k.to_string(), v.to_string())),
        _ => Err(SelectError::BadTag(s.to_string())),
    }
}

/// Resolves ids and a tag against the source inventory, then adds what
/// the chosen resources depend on.
pub(crate) fn select(
    inv: &Inventory,
    ids: &[String],
    tag: Option<&(String, String)>,
) -> Result<Selection, SelectError> {
    if ids.is_empty() && tag.is_none() {
        return Err(SelectError::Nothing);
    }
    let unknown: Vec<&str> = ids
        .iter()
        .map(String::as_str)
        .filter(|id| inv.find_source(id).is_none())
        .collect();
    if !unknown.is_empty() {
        return Err(SelectError::Unknown(unknown.join(", ")));
    }
    let mut chosen: Vec<Resource> = ids
        .iter()
        .filter_map(|id| inv.find_source(id))
        .cloned()
        .collect();
    if let Some((k, v)) = tag {
        let tagged: Vec<Resource> = sources(inv)
            .filter(|r| r.tags.get(k) == Some(v))
            .cloned()
            .collect();
        if tagged.is_empty() {
            return Err(SelectError::NoMatch(format!("{k}={v}")));
        }
        chosen.extend(tagged);
    }
    let mut sel = Selection::default();
    for r in chosen {
        add(&mut sel, r);
    }
    expand(&mut sel, inv);
    Ok(sel)
}

fn sources(inv: &Inventory) -> impl Iterator<Item = &Resource> {
    Kind::ALL.into_iter().flat_map(move |k| {
        let side = if k.is_global() {
            Side::Global
        } else {
            Side::Source
        };
        inv.resources(side, k).iter()
    })
}

fn add(sel: &mut Selection, r: Resource) {
    if !sel.contains(&r.id) {
        sel.resources.push(r);
    }
}

/// Adds dependencies until nothing new comes in.
fn expand(sel: &mut Selection, inv: &Inventory) {
    loop {
        let before = sel.resources.len();
        let mut needed: Vec<String> = Vec::new();
        for r in &sel.resources {
            match &r.details {
                Details::Instance(i) => {
                    needed.extend(i.image_id.clone());
                    needed.extend(i.subnet_id.clone());
                    needed.extend(i.vpc_id.clone());
                    needed.extend(i.key_name.clone());
                    needed.extend(i.security_group_ids.iter().cloned());
                }
                Details::Subnet(s) => needed.push(s.vpc_id.clone()),
                Details::Image(i) => needed.extend(i.snapshot_ids.iter().cloned()),
                Details::DbInstance(d) => needed.extend(d.security_group_ids.iter().cloned()),
                _ => {}
            }
        }
        let ids: BTreeSet<String> = sel.resources.iter().map(|r| r.id.clone()).collect();
        // Addresses that answer for the selection: an EIP on a chosen
        // instance, a record whose value is one of their addresses.
        let addresses = addresses(sel);
        let more: Vec<Resource> = sources(inv)
            .filter(|r| !ids.contains(&r.id))
            .filter(|r| {
                needed.contains(&r.id)
                    || match &r.details {
                        Details::ElasticIp(e) => {
                            e.instance_id.as_ref().is_some_and(|i| ids.contains(i))
                        }
                        Details::Record(rec) => rec
                            .values
                            .iter()
                            .chain(rec.alias_target.iter().map(|a| &a.dns_name))
                            .any(|v| addresses.contains(v.trim_end_matches('.'))),
                        _ => false,
                    }
            })
            .cloned()
            .collect();
        for r in more {
            add(sel, r);
        }
        if sel.resources.len() == before {
            return;
        }
    }
}

fn addresses(sel: &Selection) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for r in &sel.resources {
        match &r.details {
            Details::Instance(i) => out.extend(i.public_ip.clone()),
            Details::ElasticIp(e) => {
                out.insert(e.public_ip.clone());
            }
            Details::DbInstance(d) => out.extend(d.endpoint.clone()),
            _ => {}
        }
    }
    out.retain(|a| !a.is_empty());
    out
}

/// What the pre-flight reads must look at in the source.
pub(crate) fn wanted(sel: &Selection) -> Wanted {
    let ids = |kind| sel.of_kind(kind).map(|r| r.id.clone()).collect::<Vec<_>>();
    let mut image_ids = ids(Kind::Image);
    for r in sel.of_kind(Kind::Instance) {
        if let Details::Instance(i) = &r.details {
            image_ids.extend(i.image_id.clone());
        }
    }
    image_ids.sort();
    image_ids.dedup();
    let mut vpc_ids = ids(Kind::Vpc);
    for r in &sel.resources {
        match &r.details {
            Details::Instance(i) => vpc_ids.extend(i.vpc_id.clone()),
            Details::Subnet(s) => vpc_ids.push(s.vpc_id.clone()),
            _ => {}
        }
    }
    vpc_ids.sort();
    vpc_ids.dedup();
    Wanted {
        image_ids,
        instance_ids: ids(Kind::Instance),
        vpc_ids,
        buckets: ids(Kind::Bucket),
        db_ids: ids(Kind::DbInstance),
    }
}
