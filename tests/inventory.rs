#![allow(clippy::unwrap_used, clippy::expect_used)] // tests may panic: that is how they fail
//! The inventory of both regions, read from a seeded moto_server, checked
//! kind by kind against what was seeded.

mod common;

use common::{regions_at, seeded};
use cutover::commands::collect_inventory;
use cutover::model::resource::SOURCE_ID_TAG;
use cutover::model::{BucketNaming, Details, Inventory, Kind, Resource, Side};
use cutover::sandbox::sandbox_keys;

async fn inventory() -> Inventory {
    let f = seeded();
    let regions = regions_at(&f.server.endpoint(), sandbox_keys()).await;
    let (inv, _, _) = collect_inventory(&regions, BucketNaming::default(), &Kind::ALL).await;
    assert_eq!(
        inv.failures().count(),
        0,
        "{:?}",
        inv.failures().collect::<Vec<_>>()
    );
    inv
}

fn names(list: &[Resource]) -> Vec<&str> {
    let mut n: Vec<&str> = list.iter().map(|r| r.name.as_str()).collect();
    n.sort();
    n
}

fn find<'a>(list: &'a [Resource], name: &str) -> &'a Resource {
    list.iter()
        .find(|r| r.name == name)
        .unwrap_or_else(|| panic!("{name} not in {:?}", names(list)))
}

#[tokio::test]
async fn instances_images_volumes_and_snapshots_match_the_seed() {
    let f = seeded();
    let inv = inventory().await;
    let instances = inv.resources(Side::Source, Kind::Instance);
    assert_eq!(instances.len(), f.estate.instance_count());
    assert_eq!(
        names(instances),
        [
            "shop-api-1",
            "shop-api-2",
            "shop-batch-1",
            "shop-web-1",
            "shop-web-2",
            "shop-web-3"
        ]
    );
    let web1 = find(instances, "shop-web-1");
    assert_eq!(web1.region, "us-east-1");
    assert_eq!(web1.state, "running");
    assert_eq!(web1.tags.get("app").map(String::as_str), Some("web"));
    let Details::Instance(d) = &web1.details else {
        panic!()
    };
    assert_eq!(d.instance_type, "t3.small");
    assert_eq!(d.key_name.as_deref(), Some("shop-ops"));
    assert_eq!(
        d.security_group_ids,
        vec![f.seeded.groups["shop-web"].clone()]
    );
    assert_eq!(
        d.public_ip.as_deref(),
        Some(f.seeded.elastic_ips["web"].as_str()),
        "the Elastic IP is associated"
    );
    assert!(inv.resources(Side::Target, Kind::Instance).is_empty());

    let images = inv.resources(Side::Source, Kind::Image);
    assert_eq!(
        names(images),
        [
            "shop-api-2026-11-20",
            "shop-batch-2026-11-18",
            "shop-web-2026-11-20"
        ]
    );
    assert_eq!(
        find(images, "shop-web-2026-11-20")
            .tags
            .get("built-by")
            .map(String::as_str),
        Some("packer")
    );

    let volumes = inv.resources(Side::Source, Kind::Volume);
    let data: Vec<_> = volumes
        .iter()
        .filter(|v| v.name.ends_with("-data"))
        .collect();
    assert_eq!(
        data.len(),
        f.estate.instance_count(),
        "one data volume per instance"
    );
    let Details::Volume(v) = &find(volumes, "shop-batch-1-data").details else {
        panic!()
    };
    assert_eq!((v.size_gib, v.volume_type.as_str()), (200, "gp3"));
    assert_eq!(
        v.attached_to.as_deref(),
        Some(f.seeded.instances["batch"][0].as_str())
    );

    let snapshots = inv.resources(Side::Source, Kind::Snapshot);
    for id in &f.seeded.snapshots {
        assert!(
            snapshots.iter().any(|s| &s.id == id),
            "snapshot {id} listed"
        );
    }
    assert_eq!(
        find(snapshots, "shop-web-1-data-nightly").state,
        "completed"
    );
}

#[tokio::test]
async fn counterparts_show_what_the_target_already_holds() {
    let f = seeded();
    let inv = inventory().await;
    let images = inv.resources(Side::Source, Kind::Image);
    let web = find(images, "shop-web-2026-11-20");
    let copy = &f.seeded.target_images["shop-web-2026-11-20"];
    assert_eq!(web.counterpart.as_ref(), Some(copy));
    let target_copy = inv
        .resources(Side::Target, Kind::Image)
        .iter()
        .find(|r| &r.id == copy)
        .unwrap();
    assert_eq!(target_copy.tags.get(SOURCE_ID_TAG), Some(&web.id));
    assert_eq!(find(images, "shop-api-2026-11-20").counterpart, None);

    let keys = inv.resources(Side::Source, Kind::KeyPair);
    assert_eq!(
        find(keys, "shop-ops").counterpart.as_deref(),
        Some("shop-ops")
    );
    assert_eq!(find(keys, "shop-ops").differs, None, "same public key");
    assert_eq!(find(keys, "shop-deploy").counterpart, None);
    let Details::KeyPair(k) = &find(keys, "shop-deploy").details else {
        panic!()
    };
    assert!(k.public_key.as_deref().unwrap().starts_with("ssh-rsa "));

    // Default VPCs pair; so do their default groups. The shop VPC has no copy yet.
    let vpcs = inv.resources(Side::Source, Kind::Vpc);
    assert_eq!(find(vpcs, "shop-prod").counterpart, None);
    let groups = inv.resources(Side::Source, Kind::SecurityGroup);
    assert_eq!(find(groups, "shop-web").counterpart, None);
    assert_eq!(
        inv.resources(Side::Source, Kind::Bucket)
            .iter()
            .filter(|b| b.counterpart.is_some())
            .count(),
        0
    );
}

#[tokio::test]
async fn security_groups_keep_every_rule_and_reference() {
    let f = seeded();
    let inv = inventory().await;
    let groups = inv.resources(Side::Source, Kind::SecurityGroup);
    let g = |name: &str| match &find(groups, name).details {
        Details::SecurityGroup(sg) => sg.clone(),
        _ => panic!(),
    };
    let web = g("shop-web");
    assert_eq!(web.vpc_id.as_deref(), Some(f.seeded.vpc_id.as_str()));
    assert!(web
        .ingress
        .iter()
        .any(|r| r.ports() == "tcp 443" && r.cidrs == ["0.0.0.0/0"]));
    assert!(web
        .ingress
        .iter()
        .any(|r| r.ports() == "tcp 443" && r.ipv6_cidrs == ["::/0"]));
    assert!(web.ingress.iter().any(|r| r.ports() == "tcp 80"));

    let api = g("shop-api");
    assert!(api
        .ingress
        .iter()
        .any(|r| r.ports() == "tcp 9090-9100" && r.cidrs == ["10.20.0.0/16"]));

    let db = g("shop-db");
    let refs: Vec<&String> = db.ingress.iter().flat_map(|r| &r.groups).collect();
    for peer in ["shop-api", "shop-batch", "shop-db"] {
        assert!(
            refs.contains(&&f.seeded.groups[peer]),
            "shop-db refers to {peer}: {refs:?}"
        );
    }
    assert!(
        db.ingress
            .iter()
            .any(|r| r.protocol == "-1" && r.groups == [f.seeded.groups["shop-db"].clone()]),
        "self reference"
    );
    assert_eq!(db.rule_count(), 5, "4 ingress grants + the default egress");
}

#[tokio::test]
async fn buckets_databases_and_addresses_belong_to_their_region() {
    let inv = inventory().await;
    let buckets = inv.resources(Side::Source, Kind::Bucket);
    assert_eq!(names(buckets), ["shop-assets", "shop-logs", "shop-uploads"]);
    let assets = find(buckets, "shop-assets");
    assert_eq!(assets.region, "us-east-1");
    assert_eq!(
        assets.tags.get("team").map(String::as_str),
        Some("storefront")
    );
    let Details::Bucket(b) = &assets.details else {
        panic!()
    };
    assert_eq!(b.versioning.as_deref(), Some("Enabled"));
    let Details::Bucket(b) = &find(buckets, "shop-logs").details else {
        panic!()
    };
    assert_eq!(b.versioning, None);
    assert!(
        inv.resources(Side::Target, Kind::Bucket).is_empty(),
        "no bucket lives in the target"
    );

    let dbs = inv.resources(Side::Source, Kind::DbInstance);
    assert_eq!(names(dbs), ["shop-catalog", "shop-orders"]);
    let Details::DbInstance(d) = &find(dbs, "shop-orders").details else {
        panic!()
    };
    assert_eq!(
        (d.engine.as_str(), d.class.as_str(), d.storage_gib),
        ("postgres", "db.t3.medium", 100)
    );
    let snaps = inv.resources(Side::Source, Kind::DbSnapshot);
    assert_eq!(
        names(snaps),
        [
            "shop-catalog-2026-11-19",
            "shop-orders-2026-11-20",
            "shop-orders-pre-cutover"
        ]
    );
    let Details::DbSnapshot(s) = &find(snaps, "shop-orders-pre-cutover").details else {
        panic!()
    };
    assert_eq!(s.instance_id, "shop-orders");

    let eips = inv.resources(Side::Source, Kind::ElasticIp);
    assert_eq!(names(eips).len(), 3, "web, api and the NAT gateway's");
    assert!(eips.iter().all(|e| e.state == "associated"));
}

#[tokio::test]
async fn route53_is_global_with_weighted_records() {
    let f = seeded();
    let inv = inventory().await;
    assert!(
        inv.listing(Side::Source, Kind::Record).is_none(),
        "Route 53 is read once, not per region"
    );
    let zones = inv.resources(Side::Global, Kind::HostedZone);
    assert_eq!(names(zones), ["shop.example.com."]);
    assert_eq!(zones[0].region, "global");
    assert_eq!(zones[0].id, f.seeded.zone_id);

    let records = inv.resources(Side::Global, Kind::Record);
    assert_eq!(
        records.len(),
        f.estate.zone.records.len() + 2,
        "seeded records + NS + SOA"
    );
    let record = |name: &str, set: Option<&str>| -> cutover::model::resource::Record {
        records
            .iter()
            .find_map(|r| match &r.details {
                Details::Record(d) if r.name == name && d.set_identifier.as_deref() == set => {
                    Some(d.clone())
                }
                _ => None,
            })
            .unwrap_or_else(|| panic!("{name} {set:?}"))
    };
    let www = record("www.shop.example.com.", None);
    assert_eq!((www.record_type.as_str(), www.ttl), ("A", Some(300)));
    assert_eq!(www.values, vec![f.seeded.elastic_ips["web"].clone()]);
    assert_eq!(
        record("orders-db.shop.example.com.", None).values,
        vec![f.seeded.db_endpoints["shop-orders"].clone()]
    );
    let source = record("beta.shop.example.com.", Some("us-east-1"));
    let target = record("beta.shop.example.com.", Some("eu-west-1"));
    assert_eq!((source.weight, target.weight), (Some(100), Some(0)));
    assert_eq!((source.ttl, target.ttl), (Some(60), Some(60)));
}
