#![allow(clippy::unwrap_used, clippy::expect_used)] // tests may panic: that is how they fail
//! Listings follow every page: more instances than moto's 100 reservations
//! a page, more records than Route 53's 300 a page, with a weighted set.

mod common;

use common::regions_at;
use cutover::cloud::list;
use cutover::model::{Details, Kind};
use cutover::sandbox::{sandbox_keys, MotoServer};
use std::collections::HashSet;

#[tokio::test]
async fn instances_and_records_beyond_one_page() {
    let server = MotoServer::start(None).unwrap();
    let regions = regions_at(&server.endpoint(), sandbox_keys()).await;
    let ec2 = &regions.source.ec2;
    // One reservation per call: moto pages DescribeInstances by reservation.
    for _ in 0..105 {
        ec2.run_instances()
            .image_id("ami-0a1b2c3d4e5f60718")
            .min_count(1)
            .max_count(1)
            .send()
            .await
            .unwrap();
    }
    let instances = list(&regions.source, Kind::Instance).await.unwrap();
    assert_eq!(instances.len(), 105);
    assert_eq!(
        instances
            .iter()
            .map(|i| &i.id)
            .collect::<HashSet<_>>()
            .len(),
        105
    );

    use aws_sdk_route53::types::{
        Change, ChangeAction, ChangeBatch, ResourceRecord, ResourceRecordSet, RrType,
    };
    let r53 = &regions.source.route53;
    let zone = r53
        .create_hosted_zone()
        .name("paging.example.")
        .caller_reference("paging")
        .send()
        .await
        .unwrap();
    let zone_id = zone
        .hosted_zone()
        .unwrap()
        .id()
        .trim_start_matches("/hostedzone/")
        .to_string();
    let set = |name: String, set_id: Option<&str>, weight: Option<i64>| {
        let rrs = ResourceRecordSet::builder()
            .name(name)
            .r#type(RrType::A)
            .ttl(60)
            .set_set_identifier(set_id.map(str::to_string))
            .set_weight(weight)
            .resource_records(
                ResourceRecord::builder()
                    .value("192.0.2.1")
                    .build()
                    .unwrap(),
            )
            .build()
            .unwrap();
        Change::builder()
            .action(ChangeAction::Create)
            .resource_record_set(rrs)
            .build()
            .unwrap()
    };
    let mut batch = ChangeBatch::builder();
    for n in 0..320 {
        batch = batch.changes(set(format!("host{n:03}.paging.example."), None, None));
    }
    // A weighted pair near the page boundary.
    for (id, w) in [("blue", 100), ("green", 0)] {
        batch = batch.changes(set("host299.paging.example.".into(), Some(id), Some(w)));
    }
    r53.change_resource_record_sets()
        .hosted_zone_id(&zone_id)
        .change_batch(batch.build().unwrap())
        .send()
        .await
        .unwrap();

    let records = list(&regions.source, Kind::Record).await.unwrap();
    assert_eq!(
        records.len(),
        320 + 2 + 2,
        "plain records + weighted pair + NS + SOA, each once"
    );
    assert_eq!(
        records.iter().map(|r| &r.id).collect::<HashSet<_>>().len(),
        records.len()
    );
    let weighted: Vec<_> = records
        .iter()
        .filter_map(|r| match &r.details {
            Details::Record(d) if d.weight.is_some() => {
                Some((d.set_identifier.clone().unwrap(), d.weight.unwrap()))
            }
            _ => None,
        })
        .collect();
    assert_eq!(weighted.len(), 2);
    assert!(weighted.contains(&("blue".into(), 100)) && weighted.contains(&("green".into(), 0)));
}
