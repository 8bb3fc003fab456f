//! What `cutover copy` reads before it plans: only the kinds its ids name
//! (and what those pair through), and of buckets only the named ones and
//! their counterparts. A one-bucket copy makes no EC2 or RDS call, so it
//! works with the S3 statements of the IAM policy alone.

use super::inventory::read_into;
use crate::cli::CopyArgs;
use crate::cloud::{s3, Regions};
use crate::config::Settings;
use crate::model::id_kind::{first_reads, NAMED_KINDS};
use crate::model::{Inventory, Kind, Side};

/// The inventory the copy of `args.ids` needs; an error when a listing it
/// needs failed.
pub(crate) async fn inventory_for(
    regions: &Regions,
    settings: &Settings,
    args: &CopyArgs,
) -> anyhow::Result<Inventory> {
    let mut inventory = Inventory::new(
        &regions.source.region,
        &regions.target.region,
        settings.bucket_naming.clone(),
        &[],
    );
    let (kinds, names) = first_reads(&args.ids);
    let kinds: Vec<Kind> = kinds
        .iter()
        .flat_map(|k| std::iter::once(*k).chain(k.copy_needs().iter().copied()))
        .collect();
    let kinds = Kind::with_pairing_needs(&kinds);
    let source_names: Vec<String> = names.iter().map(|n| n.to_string()).collect();
    // The counterparts a bucket copy would land in, read to pair.
    let mut target_names: Vec<String> = names
        .iter()
        .map(|n| inventory.bucket_copy_name(n))
        .collect();
    target_names.extend(args.target_bucket.clone());
    let buckets = async {
        if source_names.is_empty() {
            return None;
        }
        Some(tokio::join!(
            s3::buckets_named(&regions.source, &source_names),
            s3::buckets_named(&regions.target, &target_names)
        ))
    };
    let (_, buckets) = tokio::join!(read_into(&mut inventory, regions, &kinds), buckets);
    if let Some((source, target)) = buckets {
        inventory.apply(
            Side::Target,
            Kind::Bucket,
            target.map_err(|e| e.to_string()),
        );
        inventory.apply(
            Side::Source,
            Kind::Bucket,
            source.map_err(|e| e.to_string()),
        );
    }
    refuse_failures(&inventory)?;
    // Names that are not buckets: key pairs or databases, read only now.
    if args
        .ids
        .iter()
        .any(|id| inventory.find_source(id).is_none())
    {
        let rest: Vec<Kind> = NAMED_KINDS
            .into_iter()
            .filter(|k| inventory.listing(Side::Source, *k).is_none())
            .collect();
        read_into(&mut inventory, regions, &rest).await;
        refuse_failures(&inventory)?;
    }
    Ok(inventory)
}

fn refuse_failures(inventory: &Inventory) -> anyhow::Result<()> {
    if let Some((side, kind, error)) = inventory.failures().next() {
        anyhow::bail!(
            "cannot read the {} {}: {error}",
            inventory.region_of(side),
            kind.title()
        );
    }
    Ok(())
}
