//! Both estates as they arrive: each (side, kind) listing is loading, loaded
//! or failed on its own, so a slow or forbidden service never hides the rest.

use super::pairing::{self, BucketNaming, PairingContext};
use super::{Kind, Resource};
use serde::Serialize;
use std::collections::BTreeMap;

/// Which estate a listing belongs to. Route 53 is global: neither side.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Side {
    Source,
    Target,
    Global,
}

impl Side {
    /// The sides a kind is listed on.
    pub(crate) fn of(kind: Kind) -> &'static [Side] {
        if kind.is_global() {
            &[Side::Global]
        } else {
            &[Side::Source, Side::Target]
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum Listing {
    Loading,
    Loaded(Vec<Resource>),
    /// The error, worded for the operator.
    Failed(String),
}

#[derive(Debug, Clone)]
pub struct Inventory {
    pairing: PairingContext,
    listings: BTreeMap<(Side, Kind), Listing>,
}

impl Inventory {
    /// An inventory waiting for `kinds` in both regions.
    pub fn new(
        source_region: &str,
        target_region: &str,
        bucket_naming: BucketNaming,
        kinds: &[Kind],
    ) -> Self {
        let mut inv = Inventory {
            pairing: PairingContext {
                source_region: source_region.into(),
                target_region: target_region.into(),
                bucket_naming,
                vpc_pairs: Default::default(),
            },
            listings: BTreeMap::new(),
        };
        for &kind in kinds {
            for &side in Side::of(kind) {
                inv.listings.insert((side, kind), Listing::Loading);
            }
        }
        inv
    }

    pub(crate) fn source_region(&self) -> &str {
        &self.pairing.source_region
    }

    pub(crate) fn target_region(&self) -> &str {
        &self.pairing.target_region
    }

    /// The name a source bucket's copy gets by the naming rule.
    pub(crate) fn bucket_copy_name(&self, source_bucket: &str) -> String {
        self.pairing.bucket_naming.target_name(
            source_bucket,
            self.source_region(),
            self.target_region(),
        )
    }

    pub(crate) fn region_of(&self, side: Side) -> &str {
        match side {
            Side::Source => self.source_region(),
            Side::Target => self.target_region(),
            Side::Global => super::resource::GLOBAL_REGION,
        }
    }

    /// Takes one listing's result and pairs what it affects.
    pub fn apply(&mut self, side: Side, kind: Kind, result: Result<Vec<Resource>, String>) {
        let listing = match result {
            Ok(list) => Listing::Loaded(list),
            Err(e) => Listing::Failed(e),
        };
        self.listings.insert((side, kind), listing);
        self.pair_kind(kind);
        if kind == Kind::Vpc {
            // Groups and network pieces pair within paired VPCs, so they
            // follow the VPCs.
            for k in Kind::ALL
                .into_iter()
                .filter(|k| k.pairs_through().contains(&Kind::Vpc))
            {
                self.pair_kind(k);
            }
        }
    }

    fn pair_kind(&mut self, kind: Kind) {
        if kind.is_global() {
            return;
        }
        // Lent, not cloned: a copy of a 10,000-row listing on every
        // arrival was a peak of its own.
        let target = match self.listings.get_mut(&(Side::Target, kind)) {
            Some(Listing::Loaded(t)) => std::mem::take(t),
            _ => Vec::new(),
        };
        if let Some(Listing::Loaded(source)) = self.listings.get_mut(&(Side::Source, kind)) {
            pairing::pair(source, &target, &self.pairing);
            if kind == Kind::Vpc {
                self.pairing.vpc_pairs = pairing::vpc_pairs(source);
            }
        }
        if let Some(Listing::Loaded(t)) = self.listings.get_mut(&(Side::Target, kind)) {
            *t = target;
        }
    }

    pub fn listing(&self, side: Side, kind: Kind) -> Option<&Listing> {
        self.listings.get(&(side, kind))
    }

    /// The resources of a listing; empty while loading or failed.
    pub fn resources(&self, side: Side, kind: Kind) -> &[Resource] {
        match self.listings.get(&(side, kind)) {
            Some(Listing::Loaded(list)) => list,
            _ => &[],
        }
    }

    /// Every listing, in side then kind order.
    pub(crate) fn listings(&self) -> impl Iterator<Item = (Side, Kind, &Listing)> {
        self.listings
            .iter()
            .map(|(&(side, kind), l)| (side, kind, l))
    }

    /// Every loaded resource.
    pub(crate) fn all_resources(&self) -> impl Iterator<Item = &Resource> {
        self.listings.values().flat_map(|l| match l {
            Listing::Loaded(list) => list.as_slice(),
            _ => &[],
        })
    }

    pub fn is_complete(&self) -> bool {
        !self
            .listings
            .values()
            .any(|l| matches!(l, Listing::Loading))
    }

    /// The failed listings, as (side, kind, error).
    pub fn failures(&self) -> impl Iterator<Item = (Side, Kind, &str)> {
        self.listings().filter_map(|(s, k, l)| match l {
            Listing::Failed(e) => Some((s, k, e.as_str())),
            _ => None,
        })
    }

    /// Finds a source resource by what names it in its service.
    pub fn find_source(&self, id: &str) -> Option<&Resource> {
        self.listings
            .iter()
            .filter(|((side, _), _)| *side != Side::Target)
            .flat_map(|(_, l)| match l {
                Listing::Loaded(list) => list.as_slice(),
                _ => &[],
            })
            .find(|r| r.id == id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::resource::{self as r, Details};

    fn vpc(region: &str, id: &str, default: bool) -> Resource {
        Resource::new(
            region,
            Kind::Vpc,
            id,
            Details::Vpc(r::Vpc {
                cidr: "10.0.0.0/16".into(),
                is_default: default,
            }),
        )
    }

    fn group(region: &str, id: &str, vpc: &str) -> Resource {
        Resource::new(
            region,
            Kind::SecurityGroup,
            id,
            Details::SecurityGroup(r::SecurityGroup {
                group_name: "web".into(),
                vpc_id: Some(vpc.into()),
                ..Default::default()
            }),
        )
    }

    #[test]
    fn listings_arrive_in_any_order_and_pairing_follows() {
        let kinds = [Kind::Vpc, Kind::SecurityGroup, Kind::Record];
        let mut inv = Inventory::new("us-east-1", "eu-west-1", BucketNaming::default(), &kinds);
        assert_eq!(
            inv.listings().count(),
            5,
            "two sides for regional kinds, one for Route 53"
        );
        assert!(!inv.is_complete());

        inv.apply(
            Side::Source,
            Kind::SecurityGroup,
            Ok(vec![group("us-east-1", "sg-1", "vpc-s")]),
        );
        inv.apply(
            Side::Target,
            Kind::SecurityGroup,
            Ok(vec![group("eu-west-1", "sg-a", "vpc-t")]),
        );
        assert_eq!(
            inv.resources(Side::Source, Kind::SecurityGroup)[0].counterpart,
            None
        );

        // The VPCs arrive last: the groups pair once the VPCs do.
        inv.apply(
            Side::Target,
            Kind::Vpc,
            Ok(vec![vpc("eu-west-1", "vpc-t", true)]),
        );
        inv.apply(
            Side::Source,
            Kind::Vpc,
            Ok(vec![vpc("us-east-1", "vpc-s", true)]),
        );
        assert_eq!(
            inv.resources(Side::Source, Kind::Vpc)[0]
                .counterpart
                .as_deref(),
            Some("vpc-t")
        );
        assert_eq!(
            inv.resources(Side::Source, Kind::SecurityGroup)[0]
                .counterpart
                .as_deref(),
            Some("sg-a")
        );

        inv.apply(Side::Global, Kind::Record, Err("AccessDenied".into()));
        assert!(inv.is_complete());
        assert_eq!(
            inv.failures().collect::<Vec<_>>(),
            vec![(Side::Global, Kind::Record, "AccessDenied")]
        );
        assert_eq!(
            inv.find_source("sg-1").map(|r| r.region.as_str()),
            Some("us-east-1")
        );
        assert!(
            inv.find_source("sg-a").is_none(),
            "target resources are not sources"
        );
    }
}
