//! `cutover dns plan` without `--target-value`: the record's answer is read
//! and, when it is a source instance's address, the address of its
//! relaunch in the target is planned with (said, and written only with
//! --yes). Reads both regions' Elastic IPs and instances and the journal.

use crate::cloud::{self, dns_change as r53};
use crate::config::Settings;
use crate::cutover::guards::name_in_zone;
use crate::cutover::suggest::{suggest, Suggestion};
use crate::model::{Inventory, Kind, Side};

const KINDS: [Kind; 2] = [Kind::ElasticIp, Kind::Instance];

pub(crate) async fn suggested_value(
    settings: &Settings,
    zone_id: &str,
    record: &str,
) -> anyhow::Result<Option<Suggestion>> {
    let source = cloud::connect(&settings.source).await?;
    let target = cloud::connect(&settings.target).await?;
    let (zone_name, _) = r53::zone_info(&source, zone_id).await?;
    let name = name_in_zone(record, &zone_name)?;
    let sets = r53::record_sets_named(&source, zone_id, &zone_name, &name).await?;
    // The simple record's answer (a weighted pair answers with the source's set first).
    let Some(set) = sets.iter().find(|s| s.alias.is_none()) else {
        return Ok(None);
    };
    let mut inventory = Inventory::new(
        &settings.source.region,
        &settings.target.region,
        settings.bucket_naming.clone(),
        &KINDS,
    );
    // The target first: pairing happens as the source is applied.
    for (side, clients) in [(Side::Target, &target), (Side::Source, &source)] {
        for kind in KINDS {
            let listed = cloud::list(clients, kind).await?;
            inventory.apply(side, kind, Ok(listed));
        }
    }
    let tasks = super::tasks::journal_tasks(&settings.paths)?;
    let moved = crate::migrate::relaunch::moved_addresses(&tasks);
    Ok(suggest(&inventory, &set.record_type, &set.values, &moved))
}
