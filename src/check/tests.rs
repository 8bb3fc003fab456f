//! The checks moto cannot trigger (product codes, reservations, the
//! instance limit, VPC and copy-concurrency defaults), on hand-made data.

use super::*;
use crate::model::facts::{ImageFacts, Quotas, Reservation, Reserved};
use crate::model::resource::{self as m, Details};
use crate::model::{BucketNaming, Kind, Side};

fn inventory(source: Vec<Resource>) -> Inventory {
    let mut inv = Inventory::new(
        "us-east-1",
        "eu-west-1",
        BucketNaming::default(),
        &Kind::ALL,
    );
    for kind in Kind::ALL {
        let mine: Vec<Resource> = source.iter().filter(|r| r.kind == kind).cloned().collect();
        for &side in Side::of(kind) {
            let list = if side == Side::Target {
                vec![]
            } else {
                mine.clone()
            };
            inv.apply(side, kind, Ok(list));
        }
    }
    inv
}

fn instance(id: &str, kind: &str) -> Resource {
    Resource::new(
        "us-east-1",
        Kind::Instance,
        id,
        Details::Instance(Box::new(m::Instance {
            instance_type: kind.into(),
            availability_zone: "us-east-1a".into(),
            image_id: Some("ami-market".into()),
            vpc_id: Some("vpc-1".into()),
            ..Default::default()
        })),
    )
    .with_tags([("app".to_string(), "shop".to_string())].into())
}

fn vpc(id: &str) -> Resource {
    Resource::new(
        "us-east-1",
        Kind::Vpc,
        id,
        Details::Vpc(m::Vpc {
            cidr: "10.0.0.0/16".into(),
            is_default: false,
        }),
    )
}

fn snapshot(id: &str) -> Resource {
    Resource::new(
        "us-east-1",
        Kind::Snapshot,
        id,
        Details::Snapshot(m::Snapshot::default()),
    )
    .with_tags([("app".to_string(), "shop".to_string())].into())
}

fn run_on(source: Vec<Resource>, facts: Facts) -> CheckReport {
    let inv = inventory(source);
    let tag = ("app".to_string(), "shop".to_string());
    let selection = select::select(&inv, &[], Some(&tag)).unwrap();
    run(&Input {
        inventory: &inv,
        selection: &selection,
        facts: &facts,
        options: &CheckOptions::default(),
    })
}

fn names(list: &[Finding]) -> Vec<&'static str> {
    let mut v: Vec<&str> = list.iter().map(|f| f.check).collect();
    v.sort();
    v.dedup();
    v
}

#[test]
fn marketplace_amis_limits_and_reservations() {
    let mut source = vec![
        instance("i-1", "m5.large"),
        instance("i-2", "m5.large"),
        vpc("vpc-1"),
    ];
    source.extend((0..21).map(|n| snapshot(&format!("snap-{n}"))));
    let facts = Facts {
        offered_types: [("m5.large".to_string(), vec!["eu-west-1a".to_string()])].into(),
        quotas: Quotas {
            max_instances: Some(20),
            target_instances: 19,
            target_vpcs: 5,
            ..Default::default()
        },
        images: vec![ImageFacts {
            id: "ami-market".into(),
            owner_id: Some("679593333241".into()),
            product_codes: vec!["abc123".into()],
            encrypted_snapshots: vec![],
        }],
        reserved: Reserved {
            unknown: Some("rds:DescribeReservedDBInstances failed: AccessDenied".into()),
            reservations: vec![
                Reservation {
                    service: "ec2".into(),
                    id: "ri-1".into(),
                    class: "m5.large".into(),
                    count: 2,
                },
                Reservation {
                    service: "ec2".into(),
                    id: "ri-other".into(),
                    class: "c5.xlarge".into(),
                    count: 1,
                },
            ],
        },
        ..Default::default()
    };
    let report = run_on(source, facts);
    assert_eq!(
        names(&report.blockers),
        ["ami-product-code", "quota-instances"]
    );
    assert_eq!(
        names(&report.warnings),
        [
            "quota-vpcs",
            "reserved-ec2",
            "reserved-unknown",
            "snapshot-copy-concurrency"
        ]
    );
    let reserved: Vec<_> = report
        .warnings
        .iter()
        .filter(|f| f.check == "reserved-ec2")
        .map(|f| f.resource.as_deref())
        .collect();
    assert_eq!(
        reserved,
        [Some("ri-1")],
        "only the reservation the move strands"
    );
    assert_eq!(report.verdict, "blocked");
    let stages: Vec<usize> = report.order.iter().map(|s| s.stage).collect();
    assert_eq!(
        stages,
        [1, 2, 3],
        "network, copies, instances: numbered without gaps"
    );
    assert_eq!(report.order[0].ids, ["vpc-1"]);
}

#[test]
fn the_selection_brings_what_instances_need() {
    let inv = inventory(vec![
        instance("i-1", "t3.micro"),
        vpc("vpc-1"),
        vpc("vpc-other"),
    ]);
    let sel = select::select(&inv, &["i-1".to_string()], None).unwrap();
    let ids: Vec<&str> = sel.resources.iter().map(|r| r.id.as_str()).collect();
    assert_eq!(ids, ["i-1", "vpc-1"]);
    assert_eq!(select::wanted(&sel).image_ids, ["ami-market"]);
    assert_eq!(
        select::select(&inv, &[], None).unwrap_err(),
        select::SelectError::Nothing
    );
    assert_eq!(
        select::parse_tag("app"),
        Err(select::SelectError::BadTag("app".into()))
    );
}
