//! The public zone whose records point at the source.

use super::{built, Estate, Seeded};
use crate::cloud::error::{sdk, CloudError};
use crate::cloud::Clients;
use aws_sdk_route53::types as t;

pub(crate) async fn zone(c: &Clients, e: &Estate, s: &mut Seeded) -> Result<(), CloudError> {
    let zone = c
        .route53
        .create_hosted_zone()
        .name(&e.zone.name)
        .caller_reference(format!("cutover-sandbox-{}", std::process::id()))
        .send()
        .await
        .map_err(sdk("route53:CreateHostedZone"))?;
    s.zone_id = zone
        .hosted_zone()
        .map(|z| crate::cloud::route53::bare_zone_id(z.id()).to_string())
        .unwrap_or_default();
    let mut batch = t::ChangeBatch::builder().comment("sandbox estate");
    for r in &e.zone.records {
        let value = resolve(&r.value, s)?;
        let set = t::ResourceRecordSet::builder()
            .name(format!("{}.{}", r.name, e.zone.name))
            .r#type(t::RrType::from(r.record_type.as_str()))
            .ttl(r.ttl)
            .set_set_identifier(r.set.clone())
            .set_weight(r.weight)
            .resource_records(built(t::ResourceRecord::builder().value(value).build())?);
        let change = t::Change::builder()
            .action(t::ChangeAction::Upsert)
            .resource_record_set(built(set.build())?);
        batch = batch.changes(built(change.build())?);
    }
    c.route53
        .change_resource_record_sets()
        .hosted_zone_id(&s.zone_id)
        .change_batch(built(batch.build())?)
        .send()
        .await
        .map_err(sdk("route53:ChangeResourceRecordSets"))?;
    Ok(())
}

/// "eip:web", "db:shop-orders", "dns:web", or a literal value.
fn resolve(value: &str, s: &Seeded) -> Result<String, CloudError> {
    let missing = || {
        CloudError::Refused(format!(
            "seed: record value '{value}' names nothing in the estate"
        ))
    };
    Ok(match value.split_once(':') {
        Some(("eip", app)) => s.elastic_ips.get(app).cloned().ok_or_else(missing)?,
        Some(("db", id)) => s.db_endpoints.get(id).cloned().ok_or_else(missing)?,
        // moto gives no public DNS names: derive AWS's form from the Elastic IP.
        Some(("dns", app)) => {
            let ip = s.elastic_ips.get(app).ok_or_else(missing)?;
            format!("ec2-{}.compute-1.amazonaws.com", ip.replace('.', "-"))
        }
        _ => value.to_string(),
    })
}
