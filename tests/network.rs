#![allow(clippy::unwrap_used, clippy::expect_used)] // tests may panic: that is how they fail
//! Network clone end to end against moto: a VPC with public and private
//! subnets in two AZs, an IGW, a NAT gateway, two route tables (one with a
//! peering route), a custom ACL and an S3 endpoint lands in the target as
//! the SDK reads it back; a second run and a resume make nothing twice; a
//! bad AZ map makes nothing at all; cancel deletes what the task made.
//! Each test seeds its own VPC (own CIDR, own Name), as tests share moto.

mod common;

use aws_sdk_ec2::types as t;
use aws_sdk_ec2::Client;
use common::{regions_at, seeded};
use cutover::cloud::Regions;
use cutover::migrate::{
    network_preview, Caps, CopyKind, CopyOptions, Scheduler, Task, TaskEvent, TaskSpec, TaskState,
};
use cutover::model::resource::{SOURCE_ID_TAG, TASK_ID_TAG};
use cutover::model::{BucketNaming, Details, Inventory, Kind, Side};
use cutover::sandbox::sandbox_keys;
use std::collections::BTreeMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use common::MemoryJournal;

static NEXT: AtomicUsize = AtomicUsize::new(1);

fn spec(ids: &[&str], az_map: Option<&str>) -> TaskSpec {
    TaskSpec {
        id: format!(
            "net-{}-{}",
            std::process::id(),
            NEXT.fetch_add(1, Ordering::SeqCst)
        ),
        kind: CopyKind::Vpc,
        source_ids: ids.iter().map(|s| s.to_string()).collect(),
        names: BTreeMap::new(),
        source_region: "us-east-1".into(),
        target_region: "eu-west-1".into(),
        options: CopyOptions {
            az_map: az_map.map(str::to_string),
            ..Default::default()
        },
        known_copies: BTreeMap::new(),
    }
}

async fn setup() -> (Regions, Scheduler, Arc<MemoryJournal>) {
    let regions = regions_at(&seeded().server.endpoint(), sandbox_keys()).await;
    let journal = Arc::new(MemoryJournal::default());
    let scheduler = Scheduler::new(
        regions.clone(),
        journal.clone(),
        Caps::default(),
        Default::default(),
    );
    (regions, scheduler, journal)
}

async fn run_one(s: &Scheduler, spec: TaskSpec) -> Task {
    let id = spec.id.clone();
    s.submit(spec).unwrap();
    s.settled().await;
    s.task(&id).unwrap()
}

fn filter(name: &str, value: &str) -> t::Filter {
    t::Filter::builder().name(name).values(value).build()
}

fn tag(key: &str, value: &str) -> t::TagSpecification {
    tag_as(t::ResourceType::Vpc, key, value)
}

fn tag_as(kind: t::ResourceType, key: &str, value: &str) -> t::TagSpecification {
    t::TagSpecification::builder()
        .resource_type(kind)
        .tags(t::Tag::builder().key(key).value(value).build())
        .build()
}

/// What the seeding made in the source, by role.
struct SourceNet {
    vpc: String,
    public: Vec<String>,
    private: Vec<String>,
    igw: String,
    nat: String,
    nat_ip: String,
    public_rtb: String,
    private_rtb: String,
    acl: String,
    endpoint: String,
}

/// A VPC in us-east-1 with `second` as its second octet (10.N.0.0/16).
async fn seed_network(ec2: &Client, second: u8, name: &str) -> SourceNet {
    let cidr = |third: u8| format!("10.{second}.{third}.0/24");
    let vpc = ec2
        .create_vpc()
        .cidr_block(format!("10.{second}.0.0/16"))
        .tag_specifications(tag("Name", name))
        .send()
        .await
        .unwrap()
        .vpc()
        .unwrap()
        .vpc_id()
        .unwrap()
        .to_string();
    ec2.modify_vpc_attribute()
        .vpc_id(&vpc)
        .enable_dns_hostnames(t::AttributeBooleanValue::builder().value(true).build())
        .send()
        .await
        .unwrap();
    let subnet = |third: u8, zone: &'static str, role: &'static str| {
        let (ec2, vpc, cidr) = (ec2.clone(), vpc.clone(), cidr(third));
        async move {
            ec2.create_subnet()
                .vpc_id(&vpc)
                .cidr_block(cidr)
                .availability_zone(zone)
                .tag_specifications(tag_as(t::ResourceType::Subnet, "Name", role))
                .send()
                .await
                .unwrap()
                .subnet()
                .unwrap()
                .subnet_id()
                .unwrap()
                .to_string()
        }
    };
    let public = vec![
        subnet(0, "us-east-1a", "public-a").await,
        subnet(1, "us-east-1b", "public-b").await,
    ];
    let private = vec![
        subnet(10, "us-east-1a", "private-a").await,
        subnet(11, "us-east-1b", "private-b").await,
    ];
    for s in &public {
        ec2.modify_subnet_attribute()
            .subnet_id(s)
            .map_public_ip_on_launch(t::AttributeBooleanValue::builder().value(true).build())
            .send()
            .await
            .unwrap();
    }
    let igw = ec2
        .create_internet_gateway()
        .send()
        .await
        .unwrap()
        .internet_gateway()
        .unwrap()
        .internet_gateway_id()
        .unwrap()
        .to_string();
    ec2.attach_internet_gateway()
        .internet_gateway_id(&igw)
        .vpc_id(&vpc)
        .send()
        .await
        .unwrap();
    let eip = ec2
        .allocate_address()
        .domain(t::DomainType::Vpc)
        .send()
        .await
        .unwrap();
    let nat = ec2
        .create_nat_gateway()
        .subnet_id(&public[0])
        .allocation_id(eip.allocation_id().unwrap())
        .send()
        .await
        .unwrap()
        .nat_gateway()
        .unwrap()
        .nat_gateway_id()
        .unwrap()
        .to_string();
    let table = |name: &'static str| {
        let (ec2, vpc) = (ec2.clone(), vpc.clone());
        async move {
            ec2.create_route_table()
                .vpc_id(&vpc)
                .tag_specifications(tag_as(t::ResourceType::RouteTable, "Name", name))
                .send()
                .await
                .unwrap()
                .route_table()
                .unwrap()
                .route_table_id()
                .unwrap()
                .to_string()
        }
    };
    let public_rtb = table("public").await;
    let private_rtb = table("private").await;
    ec2.create_route()
        .route_table_id(&public_rtb)
        .destination_cidr_block("0.0.0.0/0")
        .gateway_id(&igw)
        .send()
        .await
        .unwrap();
    ec2.create_route()
        .route_table_id(&private_rtb)
        .destination_cidr_block("0.0.0.0/0")
        .nat_gateway_id(&nat)
        .send()
        .await
        .unwrap();
    // A peering route: the copy cannot follow it and must say so.
    let peer_vpc = ec2
        .create_vpc()
        .cidr_block(format!("10.{}.0.0/16", second + 100))
        .send()
        .await
        .unwrap()
        .vpc()
        .unwrap()
        .vpc_id()
        .unwrap()
        .to_string();
    let pcx = ec2
        .create_vpc_peering_connection()
        .vpc_id(&vpc)
        .peer_vpc_id(&peer_vpc)
        .send()
        .await
        .unwrap()
        .vpc_peering_connection()
        .unwrap()
        .vpc_peering_connection_id()
        .unwrap()
        .to_string();
    ec2.create_route()
        .route_table_id(&private_rtb)
        .destination_cidr_block(format!("10.{}.0.0/16", second + 100))
        .vpc_peering_connection_id(&pcx)
        .send()
        .await
        .unwrap();
    for s in &public {
        ec2.associate_route_table()
            .route_table_id(&public_rtb)
            .subnet_id(s)
            .send()
            .await
            .unwrap();
    }
    for s in &private {
        ec2.associate_route_table()
            .route_table_id(&private_rtb)
            .subnet_id(s)
            .send()
            .await
            .unwrap();
    }
    let acl = ec2
        .create_network_acl()
        .vpc_id(&vpc)
        .send()
        .await
        .unwrap()
        .network_acl()
        .unwrap()
        .network_acl_id()
        .unwrap()
        .to_string();
    let entries = [
        (
            100,
            false,
            "6",
            t::RuleAction::Allow,
            "0.0.0.0/0",
            Some((443, 443)),
        ),
        (
            110,
            false,
            "17",
            t::RuleAction::Deny,
            "10.0.0.0/8",
            Some((53, 53)),
        ),
        (100, true, "-1", t::RuleAction::Allow, "0.0.0.0/0", None),
    ];
    for (n, egress, proto, action, cidr, ports) in entries {
        ec2.create_network_acl_entry()
            .network_acl_id(&acl)
            .rule_number(n)
            .egress(egress)
            .protocol(proto)
            .rule_action(action)
            .cidr_block(cidr)
            .set_port_range(ports.map(|(a, b)| t::PortRange::builder().from(a).to(b).build()))
            .send()
            .await
            .unwrap();
    }
    for s in &private {
        let current = ec2
            .describe_network_acls()
            .filters(filter("association.subnet-id", s))
            .send()
            .await
            .unwrap();
        let association = current
            .network_acls()
            .iter()
            .flat_map(|a| a.associations())
            .find(|a| a.subnet_id() == Some(s))
            .unwrap()
            .network_acl_association_id()
            .unwrap()
            .to_string();
        ec2.replace_network_acl_association()
            .association_id(association)
            .network_acl_id(&acl)
            .send()
            .await
            .unwrap();
    }
    let endpoint = ec2
        .create_vpc_endpoint()
        .vpc_id(&vpc)
        .vpc_endpoint_type(t::VpcEndpointType::Gateway)
        .service_name("com.amazonaws.us-east-1.s3")
        .route_table_ids(&private_rtb)
        .send()
        .await
        .unwrap()
        .vpc_endpoint()
        .unwrap()
        .vpc_endpoint_id()
        .unwrap()
        .to_string();
    SourceNet {
        vpc,
        public,
        private,
        igw,
        nat,
        nat_ip: eip.public_ip().unwrap().to_string(),
        public_rtb,
        private_rtb,
        acl,
        endpoint,
    }
}

/// Target ids of the pieces copied from `source_id`, read with the SDK.
async fn copies_of(ec2: &Client, source_id: &str) -> Vec<String> {
    let by_tag = filter(&format!("tag:{SOURCE_ID_TAG}"), source_id);
    let prefix = source_id.split('-').next().unwrap();
    match prefix {
        "vpc" => ec2
            .describe_vpcs()
            .filters(by_tag)
            .send()
            .await
            .unwrap()
            .vpcs()
            .iter()
            .map(|v| v.vpc_id().unwrap().to_string())
            .collect(),
        "subnet" => ec2
            .describe_subnets()
            .filters(by_tag)
            .send()
            .await
            .unwrap()
            .subnets()
            .iter()
            .map(|v| v.subnet_id().unwrap().to_string())
            .collect(),
        "igw" => ec2
            .describe_internet_gateways()
            .filters(by_tag)
            .send()
            .await
            .unwrap()
            .internet_gateways()
            .iter()
            .map(|v| v.internet_gateway_id().unwrap().to_string())
            .collect(),
        // moto ignores tag filters on NAT gateways: filter here.
        "nat" => ec2
            .describe_nat_gateways()
            .send()
            .await
            .unwrap()
            .nat_gateways()
            .iter()
            .filter(|g| g.state() != Some(&t::NatGatewayState::Deleted))
            .filter(|g| {
                g.tags()
                    .iter()
                    .any(|t| t.key() == Some(SOURCE_ID_TAG) && t.value() == Some(source_id))
            })
            .map(|v| v.nat_gateway_id().unwrap().to_string())
            .collect(),
        "rtb" => ec2
            .describe_route_tables()
            .filters(by_tag)
            .send()
            .await
            .unwrap()
            .route_tables()
            .iter()
            .map(|v| v.route_table_id().unwrap().to_string())
            .collect(),
        "acl" => ec2
            .describe_network_acls()
            .filters(by_tag)
            .send()
            .await
            .unwrap()
            .network_acls()
            .iter()
            .map(|v| v.network_acl_id().unwrap().to_string())
            .collect(),
        "vpce" => ec2
            .describe_vpc_endpoints()
            .filters(by_tag)
            .send()
            .await
            .unwrap()
            .vpc_endpoints()
            .iter()
            // AWS (and moto) show a deleted endpoint for a while.
            .filter(|e| {
                !e.state()
                    .is_some_and(|s| s.as_str().eq_ignore_ascii_case("deleted"))
            })
            .map(|v| v.vpc_endpoint_id().unwrap().to_string())
            .collect(),
        other => panic!("no reader for {other}"),
    }
}

async fn one_copy(ec2: &Client, source_id: &str) -> String {
    let found = copies_of(ec2, source_id).await;
    assert_eq!(found.len(), 1, "{source_id} copied once: {found:?}");
    found[0].clone()
}

/// Every piece's copy count, to prove a run made nothing.
async fn census(ec2: &Client, net: &SourceNet) -> Vec<(String, usize)> {
    let mut ids = vec![
        net.vpc.clone(),
        net.igw.clone(),
        net.nat.clone(),
        net.public_rtb.clone(),
        net.private_rtb.clone(),
        net.acl.clone(),
        net.endpoint.clone(),
    ];
    ids.extend(net.public.iter().cloned());
    ids.extend(net.private.iter().cloned());
    let mut out = Vec::new();
    for id in ids {
        let n = copies_of(ec2, &id).await.len();
        out.push((id, n));
    }
    let eips = ec2
        .describe_addresses()
        .filters(filter(&format!("tag:{SOURCE_ID_TAG}"), &net.nat))
        .send()
        .await
        .unwrap()
        .addresses()
        .len();
    out.push(("eip".into(), eips));
    out
}

#[tokio::test]
async fn a_vpc_lands_whole_with_routes_on_the_new_gateways_and_runs_again_as_a_no_op() {
    let (regions, s, journal) = setup().await;
    let (src, dst) = (&regions.source.ec2, &regions.target.ec2);
    let net = seed_network(src, 61, "net-whole").await;

    let task = run_one(&s, spec(&[&net.vpc], None)).await;
    assert_eq!(task.state, TaskState::Done, "{:#?}", task.history);
    assert_eq!(task.state_name(), "done with warnings");
    assert_eq!(task.warnings.len(), 1, "{:?}", task.warnings);
    assert!(
        task.warnings[0].contains("pcx-") && task.warnings[0].contains("10.161.0.0/16"),
        "{:?}",
        task.warnings
    );

    // The VPC: CIDR, DNS host names, Name.
    let vpc = one_copy(dst, &net.vpc).await;
    assert_eq!(task.outputs[&format!("target:{}", net.vpc)], vpc);
    let v = dst.describe_vpcs().vpc_ids(&vpc).send().await.unwrap();
    let v = &v.vpcs()[0];
    assert_eq!(v.cidr_block(), Some("10.61.0.0/16"));
    assert!(v
        .tags()
        .iter()
        .any(|t| t.key() == Some("Name") && t.value() == Some("net-whole")));
    assert!(v.tags().iter().any(|t| t.key() == Some(TASK_ID_TAG)));
    let hostnames = dst
        .describe_vpc_attribute()
        .vpc_id(&vpc)
        .attribute(t::VpcAttributeName::EnableDnsHostnames)
        .send()
        .await
        .unwrap();
    assert_eq!(
        hostnames.enable_dns_hostnames().and_then(|b| b.value()),
        Some(true)
    );

    // Subnets: same CIDRs, the AZs by position, public IPs where the source had them.
    let subnets = dst
        .describe_subnets()
        .filters(filter("vpc-id", &vpc))
        .send()
        .await
        .unwrap();
    let mut got: Vec<(String, String, bool)> = subnets
        .subnets()
        .iter()
        .map(|s| {
            (
                s.cidr_block().unwrap().to_string(),
                s.availability_zone().unwrap().to_string(),
                s.map_public_ip_on_launch().unwrap_or(false),
            )
        })
        .collect();
    got.sort();
    let want = |c: &str, z: &str, p: bool| (c.to_string(), z.to_string(), p);
    assert_eq!(
        got,
        vec![
            want("10.61.0.0/24", "eu-west-1a", true),
            want("10.61.1.0/24", "eu-west-1b", true),
            want("10.61.10.0/24", "eu-west-1a", false),
            want("10.61.11.0/24", "eu-west-1b", false),
        ]
    );

    // IGW attached; NAT in the copy of its subnet with a new address.
    let igw = one_copy(dst, &net.igw).await;
    let g = dst
        .describe_internet_gateways()
        .internet_gateway_ids(&igw)
        .send()
        .await
        .unwrap();
    assert_eq!(
        g.internet_gateways()[0].attachments()[0].vpc_id(),
        Some(vpc.as_str())
    );
    let nat = one_copy(dst, &net.nat).await;
    let n = dst
        .describe_nat_gateways()
        .nat_gateway_ids(&nat)
        .send()
        .await
        .unwrap();
    let n = &n.nat_gateways()[0];
    let public_a = one_copy(dst, &net.public[0]).await;
    assert_eq!(n.subnet_id(), Some(public_a.as_str()));
    let new_ip = n.nat_gateway_addresses()[0]
        .public_ip()
        .unwrap()
        .to_string();
    assert_ne!(new_ip, net.nat_ip);
    assert_eq!(task.outputs[&format!("ip:{}", net.nat)], new_ip);
    assert!(
        task.notes
            .iter()
            .any(|n| n.contains(&new_ip) && n.contains(&net.nat_ip)),
        "the note names both addresses: {:?}",
        task.notes
    );

    // Route tables: routes point at the new IGW and NAT, no peering route,
    // the subnets associated as in the source.
    let public_rtb = one_copy(dst, &net.public_rtb).await;
    let private_rtb = one_copy(dst, &net.private_rtb).await;
    let tables = dst
        .describe_route_tables()
        .route_table_ids(&public_rtb)
        .route_table_ids(&private_rtb)
        .send()
        .await
        .unwrap();
    let table = |id: &str| {
        tables
            .route_tables()
            .iter()
            .find(|r| r.route_table_id() == Some(id))
            .unwrap()
            .clone()
    };
    let default_route = |r: &t::RouteTable| {
        r.routes()
            .iter()
            .find(|x| x.destination_cidr_block() == Some("0.0.0.0/0"))
            .cloned()
            .unwrap()
    };
    assert_eq!(
        default_route(&table(&public_rtb)).gateway_id(),
        Some(igw.as_str())
    );
    assert_eq!(
        default_route(&table(&private_rtb)).nat_gateway_id(),
        Some(nat.as_str())
    );
    assert!(!table(&private_rtb)
        .routes()
        .iter()
        .any(|r| r.destination_cidr_block() == Some("10.161.0.0/16")));
    let associated = |r: &t::RouteTable| {
        let mut s: Vec<String> = r
            .associations()
            .iter()
            .filter_map(|a| a.subnet_id().map(str::to_string))
            .collect();
        s.sort();
        s
    };
    let mut private_copies = vec![
        one_copy(dst, &net.private[0]).await,
        one_copy(dst, &net.private[1]).await,
    ];
    private_copies.sort();
    assert_eq!(associated(&table(&private_rtb)), private_copies);
    assert_eq!(associated(&table(&public_rtb)).len(), 2);

    // The ACL: every entry, and the private subnets under it.
    let acl = one_copy(dst, &net.acl).await;
    let a = dst
        .describe_network_acls()
        .network_acl_ids(&acl)
        .send()
        .await
        .unwrap();
    let a = &a.network_acls()[0];
    let mut entries: Vec<(i32, bool, String, String, Option<i32>)> = a
        .entries()
        .iter()
        .filter(|e| e.rule_number() != Some(32767))
        .map(|e| {
            (
                e.rule_number().unwrap(),
                e.egress().unwrap(),
                e.protocol().unwrap().to_string(),
                e.rule_action().unwrap().as_str().to_string(),
                e.port_range().and_then(|p| p.from()),
            )
        })
        .collect();
    entries.sort();
    assert_eq!(
        entries,
        vec![
            (100, false, "6".into(), "allow".into(), Some(443)),
            (100, true, "-1".into(), "allow".into(), None),
            (110, false, "17".into(), "deny".into(), Some(53)),
        ]
    );
    let mut under: Vec<String> = a
        .associations()
        .iter()
        .filter_map(|s| s.subnet_id().map(str::to_string))
        .collect();
    under.sort();
    assert_eq!(under, private_copies);

    // The S3 endpoint: the target region's service, on the private table.
    let endpoint = one_copy(dst, &net.endpoint).await;
    let e = dst
        .describe_vpc_endpoints()
        .vpc_endpoint_ids(&endpoint)
        .send()
        .await
        .unwrap();
    let e = &e.vpc_endpoints()[0];
    assert_eq!(e.service_name(), Some("com.amazonaws.eu-west-1.s3"));
    assert_eq!(e.route_table_ids(), std::slice::from_ref(&private_rtb));

    // The inventory pairs every piece with its copy, both regions listed.
    let kinds = [
        Kind::Vpc,
        Kind::Subnet,
        Kind::RouteTable,
        Kind::InternetGateway,
        Kind::NatGateway,
        Kind::NetworkAcl,
        Kind::VpcEndpoint,
    ];
    let mut inv = Inventory::new("us-east-1", "eu-west-1", BucketNaming::default(), &kinds);
    for kind in kinds {
        for (side, c) in [
            (Side::Target, &regions.target),
            (Side::Source, &regions.source),
        ] {
            let listed = cutover::cloud::list(c, kind)
                .await
                .map_err(|e| e.to_string());
            inv.apply(side, kind, listed);
        }
    }
    for (source, copy) in [
        (&net.vpc, &vpc),
        (&net.public[0], &public_a),
        (&net.private_rtb, &private_rtb),
        (&net.igw, &igw),
        (&net.nat, &nat),
        (&net.acl, &acl),
        (&net.endpoint, &endpoint),
    ] {
        let r = inv.find_source(source).unwrap();
        assert_eq!(
            r.counterpart.as_ref(),
            Some(copy),
            "{source} pairs with its copy"
        );
    }
    let rtb = inv.find_source(&net.private_rtb).unwrap();
    let Details::RouteTable(t) = &rtb.details else {
        panic!("{rtb:?}")
    };
    assert!(
        t.routes
            .iter()
            .any(|r| r == &format!("0.0.0.0/0 -> {}", net.nat)),
        "{t:?}"
    );

    // A second run adopts everything and makes nothing.
    let before = census(dst, &net).await;
    assert!(before.iter().all(|(_, n)| *n == 1), "{before:?}");
    let again = run_one(&s, spec(&[&net.vpc], None)).await;
    assert_eq!(again.state, TaskState::Done, "{:#?}", again.history);
    assert_eq!(census(dst, &net).await, before);
    assert_eq!(again.copies(), task.copies(), "the same id map");

    // A resume from the middle of the first run (the journal cut after the
    // NAT step started) makes nothing twice either.
    let full: Vec<(u64, TaskEvent)> = journal
        .0
        .lock()
        .unwrap()
        .iter()
        .filter(|(id, _, _)| *id == task.spec.id)
        .map(|(_, at, e)| (*at, e.clone()))
        .collect();
    let cut = full
        .iter()
        .position(|(_, e)| matches!(e, TaskEvent::StepStarted { step: 3 }))
        .unwrap()
        + 1;
    let replayed = Task::replay(full[..cut].iter().map(|(at, e)| (*at, e))).unwrap();
    assert_eq!(replayed.state, TaskState::Running { step: 3 });
    let other = Scheduler::new(
        regions.clone(),
        Arc::new(MemoryJournal::default()),
        Caps::default(),
        Default::default(),
    );
    other.restore(replayed);
    other.settled().await;
    let resumed = other.task(&task.spec.id).unwrap();
    assert_eq!(resumed.state, TaskState::Done, "{:#?}", resumed.history);
    assert_eq!(census(dst, &net).await, before);
    assert_eq!(resumed.copies(), task.copies());
}

#[tokio::test]
async fn an_az_map_naming_a_source_az_is_refused_before_anything_is_made() {
    let (regions, s, _journal) = setup().await;
    let net = seed_network(&regions.source.ec2, 62, "net-badmap").await;
    let bad = spec(&[&net.vpc], Some("us-east-1a=us-east-1b"));

    let shown = network_preview(&regions, &bad)
        .await
        .unwrap_err()
        .to_string();
    assert!(
        shown.contains("us-east-1b") && shown.contains("eu-west-1a, eu-west-1b, eu-west-1c"),
        "{shown}"
    );

    let id = bad.id.clone();
    let task = run_one(&s, bad).await;
    let TaskState::Failed { step: 0, error } = &task.state else {
        panic!("{:#?}", task.history)
    };
    assert!(error.contains("not an AZ of the target"), "{error}");
    // Nothing carries the task's id: no VPC, subnet or anything else.
    let dst = &regions.target.ec2;
    let by_task = filter(&format!("tag:{TASK_ID_TAG}"), &id);
    let vpcs = dst
        .describe_vpcs()
        .filters(by_task.clone())
        .send()
        .await
        .unwrap();
    assert!(vpcs.vpcs().is_empty());
    assert!(copies_of(dst, &net.vpc).await.is_empty());
    let subnets = dst
        .describe_subnets()
        .filters(by_task)
        .send()
        .await
        .unwrap();
    assert!(subnets.subnets().is_empty());
}

#[tokio::test]
async fn cancel_deletes_what_the_clone_made() {
    let (regions, s, journal) = setup().await;
    let dst = &regions.target.ec2;
    let net = seed_network(&regions.source.ec2, 63, "net-cancel").await;
    let task = run_one(&s, spec(&[&net.vpc], Some("us-east-1a=eu-west-1c"))).await;
    assert_eq!(task.state, TaskState::Done, "{:#?}", task.history);
    let public_a = one_copy(dst, &net.public[0]).await;
    let zone = dst
        .describe_subnets()
        .subnet_ids(&public_a)
        .send()
        .await
        .unwrap();
    assert_eq!(zone.subnets()[0].availability_zone(), Some("eu-west-1c"));
    let vpc = one_copy(dst, &net.vpc).await;
    let nat = one_copy(dst, &net.nat).await;

    // Rebuild it as paused before the endpoint step, then cancel it.
    let events: Vec<(u64, TaskEvent)> = journal
        .0
        .lock()
        .unwrap()
        .iter()
        .filter(|(id, _, _)| *id == task.spec.id)
        .map(|(_, at, e)| (*at, e.clone()))
        .collect();
    let cut = events
        .iter()
        .position(|(_, e)| matches!(e, TaskEvent::StepDone { step: 5, .. }))
        .unwrap()
        + 1;
    // The endpoint the last step made is found by the task's tag.
    let mut paused = events[..cut].to_vec();
    paused.push((0, TaskEvent::Paused { step: 6 }));
    let rebuilt = Task::replay(paused.iter().map(|(at, e)| (*at, e))).unwrap();
    let other = Scheduler::new(
        regions.clone(),
        Arc::new(MemoryJournal::default()),
        Caps::default(),
        Default::default(),
    );
    other.restore(rebuilt);
    other.cancel(&task.spec.id).unwrap();
    let mut note = String::new();
    for _ in 0..500 {
        if let TaskState::Cancelled { note: n } = other.task(&task.spec.id).unwrap().state {
            note = n;
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    assert!(note.contains(&vpc), "{note}");
    // The NAT gateway counts as deleted only once the SDK's waiter
    // (NatGatewayDeleted) has seen it gone: this runs that waiter.
    assert!(note.contains(&nat), "{note}");
    assert!(!note.contains("could not delete"), "{note}");
    let nat_state = dst
        .describe_nat_gateways()
        .nat_gateway_ids(&nat)
        .send()
        .await
        .unwrap();
    assert_eq!(
        nat_state.nat_gateways()[0].state(),
        Some(&t::NatGatewayState::Deleted)
    );
    let left = census(dst, &net).await;
    assert!(left.iter().all(|(_, n)| *n == 0), "{left:?}");
    let gone = dst
        .describe_vpcs()
        .filters(filter("vpc-id", &vpc))
        .send()
        .await
        .unwrap();
    assert!(gone.vpcs().is_empty());
}

/// The sandbox's shop VPC through the real binary: the plan is shown whole
/// without --yes, a bad AZ map is refused with nothing made, and the clone
/// lands with the groups selected beside it, done with warnings.
#[test]
fn headless_clone_of_the_sandbox_network_shows_the_plan_and_lands_its_groups() {
    let f = seeded();
    let home = common::temp_home("network-cli");
    let run = |args: &[&str]| {
        common::cutover_command(&home)
            .env("AWS_ACCESS_KEY_ID", "test")
            .env("AWS_SECRET_ACCESS_KEY", "test-secret")
            .env("AWS_ENDPOINT_URL", f.server.endpoint())
            .args(["--source", "us-east-1", "--target", "eu-west-1"])
            .args(args)
            .output()
            .unwrap()
    };
    let vpc = f.seeded.vpc_id.as_str();
    let web = f.seeded.groups["shop-web"].as_str();
    let journal = home.join(".local/share/cutover/journal.jsonl");

    let o = run(&["copy", "--ids", vpc]);
    let said = String::from_utf8_lossy(&o.stderr);
    assert!(o.status.success(), "{said}");
    for shown in [
        "AZ map: us-east-1a -> eu-west-1a, us-east-1b -> eu-west-1b",
        "NEW Elastic IP",
        "10.30.0.0/16 -> pcx-",
        "com.amazonaws.eu-west-1.s3",
        "Nothing started: pass --yes",
    ] {
        assert!(said.contains(shown), "{shown} in: {said}");
    }
    assert!(!journal.exists());

    let o = run(&[
        "copy",
        "--ids",
        vpc,
        "--az-map",
        "us-east-1a=us-east-1c",
        "--yes",
    ]);
    let said = String::from_utf8_lossy(&o.stderr);
    assert!(!o.status.success());
    assert!(
        said.contains("not an AZ of the target: eu-west-1 has eu-west-1a, eu-west-1b, eu-west-1c"),
        "{said}"
    );
    assert!(!journal.exists(), "nothing was started");

    let o = run(&[
        "copy",
        "--ids",
        &format!("{vpc},{web}"),
        "--yes",
        "--wait",
        "--output",
        "json",
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let tasks: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(
        tasks.as_array().unwrap().len(),
        1,
        "the group rides with its VPC"
    );
    assert_eq!(tasks[0]["state"], "done with warnings");
    let clone = tasks[0]["copies"][vpc].as_str().unwrap().to_string();
    let web_copy = tasks[0]["copies"][web].as_str().unwrap().to_string();

    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(async {
        let regions = regions_at(&f.server.endpoint(), sandbox_keys()).await;
        let g = regions
            .target
            .ec2
            .describe_security_groups()
            .group_ids(&web_copy)
            .send()
            .await
            .unwrap();
        assert_eq!(g.security_groups()[0].vpc_id(), Some(clone.as_str()));
        assert_eq!(g.security_groups()[0].group_name(), Some("shop-web"));
    });
}

/// The real binary killed (SIGKILL) right after the journal says the NAT
/// step started, then `cutover tasks --wait` resumes: every piece once.
#[test]
fn a_clone_killed_mid_way_resumes_and_makes_nothing_twice() {
    let f = seeded();
    let rt = tokio::runtime::Runtime::new().unwrap();
    let (regions, net) = rt.block_on(async {
        let regions = regions_at(&f.server.endpoint(), sandbox_keys()).await;
        let net = seed_network(&regions.source.ec2, 64, "net-killed").await;
        (regions, net)
    });
    let home = common::temp_home("network-kill");
    let command = |args: &[&str]| {
        let mut cmd = common::cutover_command(&home);
        cmd.env("AWS_ACCESS_KEY_ID", "test")
            .env("AWS_SECRET_ACCESS_KEY", "test-secret")
            .env("AWS_ENDPOINT_URL", f.server.endpoint())
            .args(["--source", "us-east-1", "--target", "eu-west-1"])
            .args(args)
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null());
        cmd
    };
    let journal = home.join(".local/share/cutover/journal.jsonl");
    let mut child = command(&["copy", "--ids", &net.vpc, "--yes", "--wait"])
        .spawn()
        .unwrap();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(120);
    loop {
        let text = std::fs::read_to_string(&journal).unwrap_or_default();
        if text
            .lines()
            .any(|l| l.contains("\"step_started\"") && l.contains("\"step\":3"))
        {
            break;
        }
        assert!(
            child.try_wait().unwrap().is_none(),
            "the copy ended before the NAT step: {text}"
        );
        assert!(
            std::time::Instant::now() < deadline,
            "no NAT step in {text}"
        );
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
    child.kill().unwrap();
    child.wait().unwrap();

    let resumed = command(&["tasks", "--wait"]).status().unwrap();
    assert!(resumed.success());
    rt.block_on(async {
        let dst = &regions.target.ec2;
        let counts = census(dst, &net).await;
        assert!(counts.iter().all(|(_, n)| *n == 1), "{counts:?}");
        let nat = one_copy(dst, &net.nat).await;
        let private_rtb = one_copy(dst, &net.private_rtb).await;
        let t = dst
            .describe_route_tables()
            .route_table_ids(&private_rtb)
            .send()
            .await
            .unwrap();
        assert!(t.route_tables()[0]
            .routes()
            .iter()
            .any(|r| r.nat_gateway_id() == Some(nat.as_str())));
    });
}
