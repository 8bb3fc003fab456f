//! Route 53 hosted zones and record sets. Global: read once, region "global".

use super::ec2::owned;
use super::error::{sdk, CloudError};
use super::paging::Pages;
use super::Clients;
use crate::model::resource::{self as m, Details, Resource, SharedText, GLOBAL_REGION};
use crate::model::Kind;
use aws_sdk_route53::types as t;
use std::collections::HashSet;

/// "/hostedzone/Z123" -> "Z123".
pub(crate) fn bare_zone_id(id: &str) -> &str {
    id.trim_start_matches("/hostedzone/")
}

pub(crate) async fn hosted_zones(c: &Clients) -> Result<Vec<Resource>, CloudError> {
    const OP: &str = "route53:ListHostedZones";
    let zones = c
        .route53
        .list_hosted_zones()
        .into_paginator()
        .items()
        .send()
        .try_collect()
        .await
        .map_err(sdk(OP))?;
    Ok(zones.iter().map(hosted_zone).collect())
}

fn hosted_zone(z: &t::HostedZone) -> Resource {
    let details = m::HostedZone {
        domain: z.name().to_string(),
        private: z.config().map(|c| c.private_zone()).unwrap_or(false),
        record_count: z.resource_record_set_count(),
        comment: owned(z.config().and_then(|c| c.comment())),
    };
    Resource::new(
        GLOBAL_REGION,
        Kind::HostedZone,
        bare_zone_id(z.id()),
        Details::HostedZone(details),
    )
    .with_name(z.name())
    .with_state(if details_private(z) {
        "private"
    } else {
        "public"
    })
}

fn details_private(z: &t::HostedZone) -> bool {
    z.config().map(|c| c.private_zone()).unwrap_or(false)
}

/// Every record set of every zone.
pub(crate) async fn records(c: &Clients) -> Result<Vec<Resource>, CloudError> {
    let zones = hosted_zones(c).await?;
    // Sized once from the zones' own counts: a 100,000-row listing grown by
    // doubling was copied at each step and kept up to half of it unused.
    let expected: i64 = zones
        .iter()
        .filter_map(|z| match &z.details {
            Details::HostedZone(h) => h.record_count,
            _ => None,
        })
        .sum();
    let mut out = Vec::with_capacity(usize::try_from(expected).unwrap_or(0));
    for zone in &zones {
        read_zone_records(c, &zone.id, &zone.name, &mut out).await?;
    }
    // A count that was off (records changing meanwhile) leaves no slack.
    out.shrink_to_fit();
    Ok(out)
}

/// The record sets of one zone, paged by hand: the SDK has no paginator for
/// ListResourceRecordSets (three start fields), and moto repeats records
/// across pages. A page that ends inside a weighted set may
/// repeat records on the next (seen on emulators that omit
/// NextRecordIdentifier), so records are deduplicated by name, type and set.
pub(crate) async fn zone_records(
    c: &Clients,
    zone_id: &str,
    zone_name: &str,
) -> Result<Vec<Resource>, CloudError> {
    let mut out = Vec::new();
    read_zone_records(c, zone_id, zone_name, &mut out).await?;
    Ok(out)
}

/// `zone_records`, appended to `out`.
async fn read_zone_records(
    c: &Clients,
    zone_id: &str,
    zone_name: &str,
    out: &mut Vec<Resource>,
) -> Result<(), CloudError> {
    const OP: &str = "route53:ListResourceRecordSets";
    let mut pages = Pages::new(OP);
    let mut seen = HashSet::new();
    let mut start: Option<(String, t::RrType, Option<String>)> = None;
    // Looked up once here, then shared by every record of the zone.
    let zone = (SharedText::new(zone_id), SharedText::new(zone_name));
    loop {
        let mut req = c
            .route53
            .list_resource_record_sets()
            .hosted_zone_id(zone_id);
        if let Some((name, kind, id)) = start.take() {
            req = req
                .start_record_name(name)
                .start_record_type(kind)
                .set_start_record_identifier(id);
        }
        let page = req.send().await.map_err(sdk(OP))?;
        for set in page.resource_record_sets() {
            let key = (
                set.name().to_string(),
                set.r#type().as_str().to_string(),
                owned(set.set_identifier()),
            );
            if seen.insert(key) {
                out.push(record(&zone, set));
            }
        }
        if !page.is_truncated() {
            return Ok(());
        }
        let (Some(name), Some(kind)) = (page.next_record_name(), page.next_record_type()) else {
            return Ok(());
        };
        let token = format!(
            "{name}|{}|{}",
            kind.as_str(),
            page.next_record_identifier().unwrap_or_default()
        );
        if pages.next(Some(token))?.is_none() {
            return Ok(());
        }
        start = Some((
            name.to_string(),
            kind.clone(),
            owned(page.next_record_identifier()),
        ));
    }
}

fn record((zone_id, zone_name): &(SharedText, SharedText), set: &t::ResourceRecordSet) -> Resource {
    let record_type = set.r#type().as_str();
    let details = m::Record {
        zone_id: zone_id.clone(),
        zone_name: zone_name.clone(),
        record_type: SharedText::new(record_type),
        ttl: set.ttl(),
        set_identifier: owned(set.set_identifier()),
        weight: set.weight(),
        values: set
            .resource_records()
            .iter()
            .map(|r| r.value().to_string())
            .collect(),
        alias_target: set.alias_target().map(|a| {
            Box::new(m::AliasTarget {
                dns_name: a.dns_name().to_string(),
                hosted_zone_id: a.hosted_zone_id().to_string(),
                evaluate_target_health: a.evaluate_target_health(),
            })
        }),
        health_check_id: owned(set.health_check_id()),
    };
    let id = m::Record::id(zone_id, set.name(), record_type, set.set_identifier());
    Resource::new(GLOBAL_REGION, Kind::Record, id, Details::Record(details))
        .with_name(set.name())
        .with_state(if set.weight().is_some() {
            "weighted"
        } else {
            "simple"
        })
}
