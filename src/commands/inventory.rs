//! `cutover inventory`: both estates, headless, as JSON or a table.

use crate::cli::{InventoryArgs, Output};
use crate::cloud::{spawn_listings, Regions};
use crate::config::Settings;
use crate::model::printable;
use crate::model::{BucketNaming, Inventory, Kind, Resource};
use serde::Serialize;
use std::process::ExitCode;
use std::time::{Duration, Instant};

/// How long reading took: to the first listing, and to the last.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Timings {
    pub(crate) connect: Duration,
    pub(crate) first_result: Duration,
    pub(crate) complete: Duration,
}

/// Lists `kinds`, and the kinds they pair through, on both sides
/// concurrently, and gathers the results.
pub async fn collect_inventory(
    regions: &Regions,
    naming: BucketNaming,
    kinds: &[Kind],
) -> (Inventory, Duration, Duration) {
    let kinds = &Kind::with_pairing_needs(kinds);
    let started = Instant::now();
    let mut inventory = Inventory::new(
        &regions.source.region,
        &regions.target.region,
        naming,
        kinds,
    );
    let first = read_into(&mut inventory, regions, kinds).await;
    (
        inventory,
        first.map(|at| at - started).unwrap_or_default(),
        started.elapsed(),
    )
}

/// Lists `kinds` on both sides concurrently into `inventory`; when the
/// first listing arrived, if any did.
pub(crate) async fn read_into(
    inventory: &mut Inventory,
    regions: &Regions,
    kinds: &[Kind],
) -> Option<Instant> {
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    spawn_listings(regions, kinds, tx);
    let mut first = None;
    while let Some(listed) = rx.recv().await {
        first.get_or_insert_with(Instant::now);
        inventory.apply(
            listed.side,
            listed.kind,
            listed.result.map_err(|e| e.to_string()),
        );
    }
    first
}

#[derive(Serialize)]
struct Document<'a> {
    source: &'a str,
    target: &'a str,
    resources: Vec<&'a Resource>,
    errors: Vec<ListingError<'a>>,
}

#[derive(Serialize)]
struct ListingError<'a> {
    region: &'a str,
    kind: Kind,
    error: &'a str,
}

pub(crate) async fn run(settings: &Settings, args: &InventoryArgs) -> anyhow::Result<ExitCode> {
    let kinds: Vec<Kind> = if args.kinds.is_empty() {
        Kind::ALL.to_vec()
    } else {
        args.kinds.clone()
    };
    let started = Instant::now();
    let regions = super::connect(settings).await?;
    let connect = started.elapsed();
    let (inventory, first, complete) =
        collect_inventory(&regions, settings.bucket_naming.clone(), &kinds).await;
    let timings = Timings {
        connect,
        first_result: connect + first,
        complete: connect + complete,
    };
    tracing::info!(?timings, "inventory read");
    let wanted = |r: &&Resource| kinds.contains(&r.kind);
    match args.output {
        Output::Json => print_json(&inventory, wanted)?,
        Output::Table => print_table(&inventory, wanted),
    }
    let shown = inventory.all_resources().filter(wanted).count();
    report_end(&inventory, shown, timings)
}

/// Listing errors go to stderr too, and make the exit code 2: the document
/// is printed, but it is not the whole estate.
fn report_end(inventory: &Inventory, shown: usize, t: Timings) -> anyhow::Result<ExitCode> {
    let failures: Vec<_> = inventory.failures().collect();
    for (side, kind, error) in &failures {
        eprintln!(
            "cutover: {} {}: {error}",
            inventory.region_of(*side),
            kind.title()
        );
    }
    eprintln!(
        "{shown} resources ({} read, with what they pair through): credentials {} ms, first result {} ms, all {} ms",
        inventory.all_resources().count(),
        t.connect.as_millis(),
        t.first_result.as_millis(),
        t.complete.as_millis()
    );
    Ok(if failures.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(2)
    })
}

fn print_json(inventory: &Inventory, wanted: impl Fn(&&Resource) -> bool) -> anyhow::Result<()> {
    let doc = Document {
        source: inventory.source_region(),
        target: inventory.target_region(),
        resources: inventory.all_resources().filter(wanted).collect(),
        errors: inventory
            .failures()
            .map(|(side, kind, error)| ListingError {
                region: inventory.region_of(side),
                kind,
                error,
            })
            .collect(),
    };
    println!("{}", serde_json::to_string_pretty(&doc)?);
    Ok(())
}

fn print_table(inventory: &Inventory, wanted: impl Fn(&&Resource) -> bool) {
    let header = ["REGION", "KIND", "ID", "NAME", "STATE", "COUNTERPART"].map(String::from);
    let mut rows = vec![header];
    for r in inventory.all_resources().filter(wanted) {
        let counterpart = match (&r.counterpart, &r.differs) {
            (Some(c), Some(d)) => format!("{c} (differs: {d})"),
            (Some(c), None) => c.clone(),
            (None, _) if r.region == inventory.source_region() => "-".into(),
            (None, _) => String::new(),
        };
        // Names and states come from AWS: control characters are escaped
        // so that a tag cannot forge a row.
        rows.push([
            r.region.to_string(),
            r.kind.to_string(),
            printable(&r.id).into_owned(),
            printable(&r.name).into_owned(),
            printable(&r.state).into_owned(),
            printable(&counterpart).into_owned(),
        ]);
    }
    let widths: Vec<usize> = (0..6)
        .map(|c| {
            rows.iter()
                .map(|r| r[c].chars().count())
                .max()
                .unwrap_or(0)
                .min(60)
        })
        .collect();
    for row in rows {
        let line: Vec<String> = row
            .iter()
            .zip(&widths)
            .map(|(cell, w)| format!("{:w$}", truncate(cell, *w)))
            .collect();
        println!("{}", line.join("  ").trim_end());
    }
}

fn truncate(s: &str, width: usize) -> String {
    if s.chars().count() <= width {
        return s.to_string();
    }
    let mut t: String = s.chars().take(width.saturating_sub(1)).collect();
    t.push('…');
    t
}
