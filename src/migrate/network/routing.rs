//! Route tables (routes translated through the id map), network ACLs and
//! gateway endpoints.

use super::{tags_for, Work};
use crate::cloud::copy::network::{acls as a, endpoints as e, made, read, routes as r, Piece};
use crate::cloud::copy::{copy_tags, tag};
use crate::cloud::CloudError;
use crate::model::network::{route_warning, RouteTarget};

pub(crate) async fn route_tables(work: &mut Work<'_>) -> Result<(), CloudError> {
    let target = &work.ctx.regions.target;
    let vpc = work.target_vpc()?;
    let task = work.task_id().to_string();
    let existing = made(target, Piece::RouteTable).await?;
    let target_main = read::route_tables(target, &vpc)
        .await?
        .into_iter()
        .find(|t| t.main)
        .map(|t| t.id);
    for table in work.net.route_tables.clone() {
        let id = match (existing.get(&table.id), table.main, &target_main) {
            (Some(found), _, _) => found.clone(),
            // The clone's own main table plays the source's main table; it
            // is marked as the copy but never the task's to delete.
            (None, true, Some(main)) => {
                let mut tags = crate::cloud::copy::user_tags(&table.tags);
                tags.push(copy_tags(&table.id, &task)[0]);
                tag(target, &[main], &tags).await?;
                main.clone()
            }
            _ => {
                let id =
                    r::create_route_table(target, &vpc, &tags_for(&table.tags, &table.id, &task))
                        .await?;
                work.created.push(id.clone());
                id
            }
        };
        work.record(&table.id, &id, false);
        let now = r::route_table(target, &id).await?.unwrap_or_default();
        for route in &table.routes {
            let gateway = match &route.target {
                RouteTarget::Local | RouteTarget::Endpoint(_) => continue,
                RouteTarget::Elsewhere { what, id: to } => {
                    work.result.warnings.push(route_warning(
                        &table.id,
                        &route.destination,
                        what,
                        to,
                    ));
                    continue;
                }
                RouteTarget::Gateway(g) => g,
            };
            let Some(mapped) = work.copy_of(gateway) else {
                work.result.warnings.push(route_warning(
                    &table.id,
                    &route.destination,
                    "a gateway outside this VPC's copy",
                    gateway,
                ));
                continue;
            };
            let there = now.routes.iter().any(|x| {
                x.destination == route.destination && x.target == RouteTarget::of(&mapped)
            });
            if !there {
                r::create_route(target, &id, &route.destination, &mapped).await?;
            }
        }
        for subnet in &table.subnet_ids {
            let new = work.need(subnet)?;
            if !now.subnet_ids.contains(&new) {
                r::associate(target, &id, &new).await?;
            }
        }
        if table.main && !now.main {
            r::make_main(target, &vpc, &id).await?;
        }
    }
    Ok(())
}

pub(crate) async fn acls(work: &mut Work<'_>) -> Result<(), CloudError> {
    let target = &work.ctx.regions.target;
    let vpc = work.target_vpc()?;
    let task = work.task_id().to_string();
    let existing = made(target, Piece::NetworkAcl).await?;
    let target_default = read::acls(target, &vpc)
        .await?
        .into_iter()
        .find(|a| a.default)
        .map(|a| a.id);
    for acl in work.net.acls.clone() {
        let id = match (existing.get(&acl.id), acl.default, &target_default) {
            (Some(found), _, _) => found.clone(),
            (None, true, Some(default)) => {
                let mut tags = crate::cloud::copy::user_tags(&acl.tags);
                tags.push(copy_tags(&acl.id, &task)[0]);
                tag(target, &[default], &tags).await?;
                default.clone()
            }
            _ => {
                let id = a::create_acl(target, &vpc, &tags_for(&acl.tags, &acl.id, &task)).await?;
                work.created.push(id.clone());
                id
            }
        };
        work.record(&acl.id, &id, false);
        let now = a::acl(target, &id).await?.unwrap_or_default();
        let wanted: Vec<_> = acl.entries.iter().filter(|e| !e.is_catch_all()).collect();
        for entry in &wanted {
            let same_slot = now
                .entries
                .iter()
                .find(|x| x.rule_number == entry.rule_number && x.egress == entry.egress);
            match same_slot {
                Some(x) if x == *entry => {}
                Some(_) => a::put_entry(target, &id, entry, true).await?,
                None => a::put_entry(target, &id, entry, false).await?,
            }
        }
        // An entry the source does not have (the default ACL's allow-all
        // when the source removed it) goes, so both ACLs filter alike.
        for extra in now.entries.iter().filter(|x| {
            !x.is_catch_all()
                && !wanted
                    .iter()
                    .any(|e| e.rule_number == x.rule_number && e.egress == x.egress)
        }) {
            a::delete_entry(target, &id, extra.rule_number, extra.egress).await?;
        }
        if !acl.default {
            for subnet in &acl.subnet_ids {
                a::associate(target, &work.need(subnet)?, &id).await?;
            }
        }
    }
    Ok(())
}

pub(crate) async fn endpoints(work: &mut Work<'_>) -> Result<(), CloudError> {
    let target = &work.ctx.regions.target;
    let vpc = work.target_vpc()?;
    let task = work.task_id().to_string();
    let spec = work.ctx.spec;
    let existing = made(target, Piece::Endpoint).await?;
    for ep in work.net.endpoints.clone() {
        if !ep.gateway {
            work.result.warnings.push(format!(
                "interface endpoint {} ({}) not copied: cutover copies gateway endpoints only; create it in {} with its subnets and groups",
                ep.id, ep.service_name, spec.target_region
            ));
            continue;
        }
        let tables: Vec<String> = ep
            .route_table_ids
            .iter()
            .filter_map(|t| work.copy_of(t))
            .collect();
        let id = match existing.get(&ep.id) {
            Some(found) => found.clone(),
            None => {
                let service = ep.service_in(&spec.source_region, &spec.target_region);
                let id = e::create_gateway_endpoint(
                    target,
                    &vpc,
                    &service,
                    &tables,
                    ep.policy.as_deref(),
                    &tags_for(&ep.tags, &ep.id, &task),
                )
                .await?;
                work.created.push(id.clone());
                id
            }
        };
        work.record(&ep.id, &id, false);
    }
    Ok(())
}
