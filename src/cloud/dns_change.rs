//! Route 53 writes for the DNS cutover: one change batch per step, then
//! GetChange until INSYNC. Record sets cross this boundary as plain
//! `RecordSet`s; this file is the only one that names the SDK's write types.

use super::error::{sdk, CloudError};
use super::route53::{bare_zone_id, zone_records};
use super::Clients;
use crate::model::resource::Details;
use aws_sdk_route53::types as t;
use serde::{Deserialize, Serialize};
use std::time::{Duration, Instant};

/// One record set, as cutover reads and writes it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecordSet {
    /// Fully qualified, with the trailing dot, lower case.
    pub name: String,
    pub record_type: String,
    /// None for alias records (they take the target's TTL).
    pub ttl: Option<i64>,
    pub set_identifier: Option<String>,
    pub weight: Option<i64>,
    pub values: Vec<String>,
    pub alias: Option<Alias>,
    /// The Route 53 health check attached to this set.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub health_check_id: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Alias {
    pub(crate) hosted_zone_id: String,
    pub(crate) dns_name: String,
    pub(crate) evaluate_target_health: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum ChangeAction {
    Create,
    Delete,
    Upsert,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecordChange {
    pub action: ChangeAction,
    pub set: RecordSet,
}

/// The zone's domain name and whether it is private (VPC-only).
pub(crate) async fn zone_info(c: &Clients, zone_id: &str) -> Result<(String, bool), CloudError> {
    let zone = c
        .route53
        .get_hosted_zone()
        .id(bare_zone_id(zone_id))
        .send()
        .await
        .map_err(sdk("route53:GetHostedZone"))?;
    let z = zone.hosted_zone();
    Ok((
        z.map(|z| z.name().to_lowercase()).unwrap_or_default(),
        z.and_then(|z| z.config()).is_some_and(|c| c.private_zone()),
    ))
}

/// The ids of the hosted zones named `name` (public and private zones may
/// share a name).
pub(crate) async fn zone_ids_named(c: &Clients, name: &str) -> Result<Vec<String>, CloudError> {
    let wanted = format!("{}.", name.trim().trim_end_matches('.').to_lowercase());
    Ok(super::route53::hosted_zones(c)
        .await?
        .into_iter()
        .filter(|z| z.name.to_lowercase() == wanted)
        .map(|z| z.id)
        .collect())
}

/// Every record set named `name` (any type, any set identifier), read with
/// the inventory's zone reader.
pub async fn record_sets_named(
    c: &Clients,
    zone_id: &str,
    zone_name: &str,
    name: &str,
) -> Result<Vec<RecordSet>, CloudError> {
    let wanted = name.to_lowercase();
    let all = zone_records(c, bare_zone_id(zone_id), zone_name).await?;
    Ok(all
        .into_iter()
        .filter(|r| r.name.to_lowercase() == wanted)
        .filter_map(|r| match r.details {
            Details::Record(d) => Some(RecordSet {
                name: r.name.to_lowercase(),
                record_type: d.record_type.into(),
                ttl: d.ttl,
                set_identifier: d.set_identifier,
                weight: d.weight,
                values: d.values,
                alias: d.alias_target.map(|a| Alias {
                    hosted_zone_id: a.hosted_zone_id,
                    dns_name: a.dns_name,
                    evaluate_target_health: a.evaluate_target_health,
                }),
                health_check_id: d.health_check_id,
            }),
            _ => None,
        })
        .collect())
}

/// Sends all `changes` as ONE batch (Route 53 applies a batch atomically,
/// so a DELETE of the simple record and the CREATE of the weighted pair
/// leave no instant without an answer). Returns the change id.
pub async fn submit_batch(
    c: &Clients,
    zone_id: &str,
    comment: &str,
    changes: &[RecordChange],
) -> Result<String, CloudError> {
    const OP: &str = "route53:ChangeResourceRecordSets";
    let mut batch = t::ChangeBatch::builder().comment(comment);
    for change in changes {
        let action = match change.action {
            ChangeAction::Create => t::ChangeAction::Create,
            ChangeAction::Delete => t::ChangeAction::Delete,
            ChangeAction::Upsert => t::ChangeAction::Upsert,
        };
        let built = t::Change::builder()
            .action(action)
            .resource_record_set(sdk_set(&change.set)?)
            .build();
        batch = batch.changes(built.map_err(build_error(OP))?);
    }
    let answer = c
        .route53
        .change_resource_record_sets()
        .hosted_zone_id(bare_zone_id(zone_id))
        .change_batch(batch.build().map_err(build_error(OP))?)
        .send()
        .await
        .map_err(sdk(OP))?;
    Ok(answer
        .change_info()
        .map(|i| i.id().trim_start_matches("/change/").to_string())
        .unwrap_or_default())
}

fn sdk_set(s: &RecordSet) -> Result<t::ResourceRecordSet, CloudError> {
    const OP: &str = "route53:ChangeResourceRecordSets";
    let mut b = t::ResourceRecordSet::builder()
        .name(&s.name)
        .r#type(t::RrType::from(s.record_type.as_str()))
        .set_ttl(s.ttl)
        .set_set_identifier(s.set_identifier.clone())
        .set_weight(s.weight)
        .set_health_check_id(s.health_check_id.clone());
    for v in &s.values {
        b = b.resource_records(
            t::ResourceRecord::builder()
                .value(v)
                .build()
                .map_err(build_error(OP))?,
        );
    }
    if let Some(a) = &s.alias {
        let alias = t::AliasTarget::builder()
            .hosted_zone_id(&a.hosted_zone_id)
            .dns_name(&a.dns_name)
            .evaluate_target_health(a.evaluate_target_health)
            .build()
            .map_err(build_error(OP))?;
        b = b.alias_target(alias);
    }
    b.build().map_err(build_error(OP))
}

fn build_error<E: std::fmt::Display>(op: &'static str) -> impl Fn(E) -> CloudError {
    move |e| CloudError::Internal(format!("{op}: cannot build the request: {e}"))
}

/// True once Route 53 reports the change INSYNC on all its name servers.
pub(crate) async fn is_insync(c: &Clients, change_id: &str) -> Result<bool, CloudError> {
    let answer = c
        .route53
        .get_change()
        .id(change_id)
        .send()
        .await
        .map_err(sdk("route53:GetChange"))?;
    Ok(answer
        .change_info()
        .is_some_and(|i| *i.status() == t::ChangeStatus::Insync))
}

/// Polls GetChange until INSYNC. AWS usually takes well under a minute;
/// the waits grow so a slow propagation does not spend the API rate limit
/// (5 requests/s per account). `on_poll` hears each PENDING answer, with
/// the time waited so far, so a screen can show it live.
pub(crate) async fn wait_insync(
    c: &Clients,
    change_id: &str,
    give_up_after: Duration,
    on_poll: &(dyn Fn(Duration) + Send + Sync),
) -> Result<(), CloudError> {
    let started = Instant::now();
    for pause in poll_pauses() {
        if is_insync(c, change_id).await? {
            return Ok(());
        }
        let waited = started.elapsed();
        if waited >= give_up_after {
            break;
        }
        on_poll(waited);
        tokio::time::sleep(pause).await;
    }
    Err(CloudError::StillPending(format!(
        "route53:GetChange: change {change_id} is still PENDING after {}s; it was submitted and \
         will most likely complete: run `cutover dns status` to check it again",
        give_up_after.as_secs()
    )))
}

/// 1 s, 2 s, 4 s, then every 10 s.
fn poll_pauses() -> impl Iterator<Item = Duration> {
    (0u32..).map(|i| Duration::from_secs(2u64.saturating_pow(i).min(10)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn polling_backs_off_to_ten_seconds() {
        let secs: Vec<u64> = poll_pauses().take(6).map(|d| d.as_secs()).collect();
        assert_eq!(secs, vec![1, 2, 4, 8, 10, 10]);
    }

    #[test]
    fn record_sets_become_sdk_sets() {
        let set = RecordSet {
            name: "www.shop.example.com.".into(),
            record_type: "A".into(),
            ttl: Some(60),
            set_identifier: Some("eu-west-1".into()),
            weight: Some(10),
            values: vec!["198.51.100.7".into()],
            alias: None,
            health_check_id: None,
        };
        let s = sdk_set(&set).unwrap();
        assert_eq!(s.weight(), Some(10));
        assert_eq!(s.set_identifier(), Some("eu-west-1"));
        assert_eq!(s.resource_records()[0].value(), "198.51.100.7");
    }
}
