//! A small two-region estate built from model types (plain data, not a fake
//! AWS), and an App around it with a fixed clock, for view and state tests.
#![allow(dead_code)]

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use cutover::model::resource::{self as r, SOURCE_ID_TAG};
use cutover::model::{BucketNaming, Details, Inventory, Kind, Resource, Side};
use cutover::ui::{App, Header, Keymap, Theme};
use ratatui::backend::TestBackend;
use ratatui::Terminal;
use std::collections::BTreeMap;
use std::time::{Duration, SystemTime};

pub const SRC: &str = "us-east-1";
pub const DST: &str = "eu-west-1";

fn tags(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

pub fn instance(region: &str, id: &str, name: &str, ip: &str, extra: &[(&str, &str)]) -> Resource {
    let mut t = vec![("Name", name)];
    t.extend_from_slice(extra);
    Resource::new(
        region,
        Kind::Instance,
        id,
        Details::Instance(Box::new(r::Instance {
            instance_type: "t3.micro".into(),
            availability_zone: format!("{region}a"),
            private_ip: Some(format!("10.0.1.{}", id.len())),
            public_ip: Some(ip.into()),
            vpc_id: Some("vpc-1".into()),
            ..Default::default()
        })),
    )
    .with_state("running")
    .with_tags(tags(&t))
}

fn rule(proto: &str, port: i32, cidr: &str) -> r::Rule {
    r::Rule {
        protocol: proto.into(),
        from_port: Some(port),
        to_port: Some(port),
        cidrs: vec![cidr.into()],
        ..Default::default()
    }
}

fn group(region: &str, id: &str, vpc: &str, rules: Vec<r::Rule>) -> Resource {
    Resource::new(
        region,
        Kind::SecurityGroup,
        id,
        Details::SecurityGroup(r::SecurityGroup {
            group_name: "web".into(),
            vpc_id: Some(vpc.into()),
            description: "web tier".into(),
            ingress: rules,
            egress: vec![r::Rule {
                protocol: "-1".into(),
                cidrs: vec!["0.0.0.0/0".into()],
                ..Default::default()
            }],
        }),
    )
    .with_name("web")
}

fn key_pair(region: &str, name: &str, public: &str) -> Resource {
    Resource::new(
        region,
        Kind::KeyPair,
        name,
        Details::KeyPair(r::KeyPair {
            key_pair_id: Some(format!("key-{name}")),
            fingerprint: Some(format!("ab:cd:{public}")),
            key_type: Some("ed25519".into()),
            public_key: Some(format!("ssh-ed25519 {public}")),
        }),
    )
}

fn record(name: &str, kind: &str, set: Option<&str>, weight: Option<i64>, value: &str) -> Resource {
    let id = r::Record::id("Z1", name, kind, set);
    Resource::new(
        "global",
        Kind::Record,
        id,
        Details::Record(r::Record {
            zone_id: "Z1".into(),
            zone_name: "acme.example.".into(),
            record_type: kind.into(),
            ttl: Some(300),
            set_identifier: set.map(str::to_string),
            weight,
            values: vec![value.into()],
            ..Default::default()
        }),
    )
    .with_name(name)
}

/// Every listing loaded: some copied, some missing, one that differs.
pub fn estate() -> Inventory {
    let mut inv = Inventory::new(SRC, DST, BucketNaming::default(), &Kind::ALL);
    let mut put = |side, kind, list: Vec<Resource>| inv.apply(side, kind, Ok(list));
    put(
        Side::Source,
        Kind::Instance,
        vec![
            instance(
                SRC,
                "i-0a1",
                "prod-web-1",
                "54.0.0.1",
                &[("team", "platform")],
            ),
            instance(SRC, "i-0a2", "prod-web-2", "54.0.0.2", &[]),
            instance(SRC, "i-0b1", "prod-db-proxy", "54.0.0.3", &[]),
        ],
    );
    put(
        Side::Target,
        Kind::Instance,
        vec![instance(
            DST,
            "i-9f1",
            "prod-web-1",
            "63.0.0.1",
            &[(SOURCE_ID_TAG, "i-0a1")],
        )],
    );
    let image = |region: &str, id: &str, name: &str| {
        Resource::new(
            region,
            Kind::Image,
            id,
            Details::Image(r::Image {
                ami_name: name.into(),
                created: Some("2026-03-01T10:20:30.000Z".into()),
                ..Default::default()
            }),
        )
        .with_name(name)
        .with_state("available")
    };
    put(
        Side::Source,
        Kind::Image,
        vec![image(SRC, "ami-0s1", "web-base-2026")],
    );
    put(
        Side::Target,
        Kind::Image,
        vec![image(DST, "ami-0t1", "web-base-2026")],
    );
    put(
        Side::Source,
        Kind::Volume,
        vec![Resource::new(
            SRC,
            Kind::Volume,
            "vol-0s1",
            Details::Volume(r::Volume {
                size_gib: 50,
                volume_type: "gp3".into(),
                availability_zone: "us-east-1a".into(),
                attached_to: Some("i-0a1".into()),
                ..Default::default()
            }),
        )
        .with_state("in-use")],
    );
    put(Side::Target, Kind::Volume, vec![]);
    put(
        Side::Source,
        Kind::Snapshot,
        vec![Resource::new(
            SRC,
            Kind::Snapshot,
            "snap-0s1",
            Details::Snapshot(r::Snapshot {
                volume_id: Some("vol-0s1".into()),
                size_gib: 50,
                progress: Some("100%".into()),
                started: Some("2026-03-02T01:00:00.000Z".into()),
                ..Default::default()
            }),
        )
        .with_state("completed")],
    );
    put(Side::Target, Kind::Snapshot, vec![]);
    let vpc = |region: &str, id: &str| {
        Resource::new(
            region,
            Kind::Vpc,
            id,
            Details::Vpc(r::Vpc {
                cidr: "172.31.0.0/16".into(),
                is_default: true,
            }),
        )
    };
    put(Side::Source, Kind::Vpc, vec![vpc(SRC, "vpc-s")]);
    put(Side::Target, Kind::Vpc, vec![vpc(DST, "vpc-t")]);
    put(
        Side::Source,
        Kind::SecurityGroup,
        vec![group(
            SRC,
            "sg-0s1",
            "vpc-s",
            vec![rule("tcp", 443, "0.0.0.0/0"), rule("tcp", 22, "10.0.0.0/8")],
        )],
    );
    put(
        Side::Target,
        Kind::SecurityGroup,
        vec![group(
            DST,
            "sg-0t1",
            "vpc-t",
            vec![rule("tcp", 443, "0.0.0.0/0")],
        )],
    );
    put(
        Side::Source,
        Kind::KeyPair,
        vec![
            key_pair(SRC, "deploy", "AAAA1"),
            key_pair(SRC, "ops", "AAAA2"),
        ],
    );
    put(
        Side::Target,
        Kind::KeyPair,
        vec![key_pair(DST, "deploy", "BBBB9")],
    );
    put(
        Side::Source,
        Kind::Subnet,
        vec![Resource::new(
            SRC,
            Kind::Subnet,
            "subnet-0s1",
            Details::Subnet(r::Subnet {
                vpc_id: "vpc-s".into(),
                cidr: "172.31.0.0/20".into(),
                availability_zone: "us-east-1a".into(),
            }),
        )],
    );
    put(Side::Target, Kind::Subnet, vec![]);
    put(
        Side::Source,
        Kind::ElasticIp,
        vec![Resource::new(
            SRC,
            Kind::ElasticIp,
            "eipalloc-0s1",
            Details::ElasticIp(r::ElasticIp {
                public_ip: "54.0.0.9".into(),
                allocation_id: Some("eipalloc-0s1".into()),
                instance_id: Some("i-0a1".into()),
                private_ip: Some("10.0.1.5".into()),
            }),
        )],
    );
    put(Side::Target, Kind::ElasticIp, vec![]);
    let bucket = |region: &str, name: &str, objects: Option<u64>| {
        Resource::new(
            region,
            Kind::Bucket,
            name,
            Details::Bucket(r::Bucket {
                versioning: Some("Enabled".into()),
                objects,
                bytes: objects.map(|n| n * 1_500_000),
                ..Default::default()
            }),
        )
    };
    put(
        Side::Source,
        Kind::Bucket,
        vec![
            bucket(SRC, "acme-assets", Some(2400)),
            bucket(SRC, "acme-logs", None),
        ],
    );
    put(
        Side::Target,
        Kind::Bucket,
        vec![bucket(DST, "acme-assets-eu-west-1", Some(2400))],
    );
    put(
        Side::Source,
        Kind::DbInstance,
        vec![Resource::new(
            SRC,
            Kind::DbInstance,
            "orders-db",
            Details::DbInstance(Box::new(r::DbInstance {
                engine: "postgres".into(),
                class: "db.t3.medium".into(),
                storage_gib: 20,
                ..Default::default()
            })),
        )
        .with_state("available")],
    );
    put(Side::Target, Kind::DbInstance, vec![]);
    put(
        Side::Source,
        Kind::DbSnapshot,
        vec![Resource::new(
            SRC,
            Kind::DbSnapshot,
            "orders-db-final",
            Details::DbSnapshot(r::DbSnapshot {
                instance_id: "orders-db".into(),
                engine: "postgres".into(),
                storage_gib: 20,
                created: Some("2026-03-02T02:00:00Z".into()),
                ..Default::default()
            }),
        )
        .with_state("available")],
    );
    put(
        Side::Source,
        Kind::DbCluster,
        vec![Resource::new(
            SRC,
            Kind::DbCluster,
            "orders-aurora",
            Details::DbCluster(Box::new(r::DbCluster {
                engine: "aurora-postgresql".into(),
                endpoint: Some("orders-aurora.cluster-c1.us-east-1.rds.amazonaws.com".into()),
                port: Some(5432),
                members: vec!["orders-aurora-1".into(), "orders-aurora-2".into()],
                ..Default::default()
            })),
        )
        .with_state("available")],
    );
    put(Side::Target, Kind::DbCluster, vec![]);
    let cluster_snapshot = |region: &str| {
        Resource::new(
            region,
            Kind::DbClusterSnapshot,
            "orders-aurora-final",
            Details::DbClusterSnapshot(r::DbClusterSnapshot {
                cluster_id: "orders-aurora".into(),
                engine: "aurora-postgresql".into(),
                created: Some("2026-03-02T03:00:00Z".into()),
                ..Default::default()
            }),
        )
        .with_state("available")
    };
    put(
        Side::Source,
        Kind::DbClusterSnapshot,
        vec![cluster_snapshot(SRC)],
    );
    put(
        Side::Target,
        Kind::DbClusterSnapshot,
        vec![cluster_snapshot(DST)],
    );
    put(
        Side::Global,
        Kind::HostedZone,
        vec![Resource::new(
            "global",
            Kind::HostedZone,
            "Z1",
            Details::HostedZone(r::HostedZone {
                domain: "acme.example.".into(),
                record_count: Some(4),
                ..Default::default()
            }),
        )
        .with_name("acme.example.")],
    );
    put(
        Side::Global,
        Kind::Record,
        vec![
            record(
                "www.acme.example.",
                "A",
                Some("us-east-1"),
                Some(90),
                "54.0.0.1",
            ),
            record(
                "www.acme.example.",
                "A",
                Some("eu-west-1"),
                Some(10),
                "63.0.0.1",
            ),
            record(
                "api.acme.example.",
                "CNAME",
                None,
                None,
                "api-lb.us-east-1.elb.amazonaws.com",
            ),
            record("acme.example.", "TXT", None, None, "\"v=spf1 -all\""),
        ],
    );
    // The network pieces: a route table with its routes, the rest empty.
    inv.apply(
        Side::Source,
        Kind::RouteTable,
        Ok(vec![Resource::new(
            SRC,
            Kind::RouteTable,
            "rtb-0s1",
            Details::RouteTable(r::RouteTable {
                vpc_id: "vpc-s".into(),
                main: true,
                routes: vec![
                    "172.31.0.0/16 -> local".into(),
                    "0.0.0.0/0 -> igw-0s1".into(),
                ],
                subnet_ids: vec!["subnet-0s1".into()],
            }),
        )
        .with_state("available")]),
    );
    for kind in [
        Kind::RouteTable,
        Kind::InternetGateway,
        Kind::NatGateway,
        Kind::NetworkAcl,
        Kind::VpcEndpoint,
    ] {
        inv.apply(Side::Target, kind, Ok(vec![]));
        if kind != Kind::RouteTable {
            inv.apply(Side::Source, kind, Ok(vec![]));
        }
    }
    // One listing failed, as a forbidden service does.
    inv.apply(
        Side::Target,
        Kind::DbSnapshot,
        Err("rds:DescribeDBSnapshots failed: AccessDenied: not allowed (the credentials lack this permission)".into()),
    );
    inv
}

fn fixed_clock() -> SystemTime {
    SystemTime::UNIX_EPOCH + Duration::from_secs(1_772_000_000)
}

pub fn header(read_only: bool) -> Header {
    Header {
        source_region: SRC.into(),
        source_profile: "prod".into(),
        target_region: DST.into(),
        target_profile: "prod".into(),
        endpoint: None,
        read_only,
        follower_of: None,
    }
}

pub fn app_with(inv: Inventory, width: u16, height: u16) -> App {
    let mut app = App::new(inv, header(false), Keymap::default(), Theme::default());
    app.clock = fixed_clock;
    app.update(cutover::ui::action::Action::Resize { width, height });
    app
}

pub fn app(width: u16, height: u16) -> App {
    app_with(estate(), width, height)
}

pub fn key(app: &mut App, code: KeyCode) {
    app.key(KeyEvent::new(code, KeyModifiers::NONE));
}

pub fn chars(app: &mut App, text: &str) {
    for c in text.chars() {
        key(app, KeyCode::Char(c));
    }
}

/// The screen as text, for snapshots.
pub fn screen(app: &App) -> String {
    let mut terminal = Terminal::new(TestBackend::new(app.size.width, app.size.height)).unwrap();
    terminal
        .draw(|frame| cutover::ui::views::draw(frame, app))
        .unwrap();
    terminal.backend().to_string()
}

// ----- copy tasks and DNS cutovers, built from the engines' own events -----

use cutover::cutover::{DnsEvent, Progress};
use cutover::migrate::{CopyKind, CopyOptions, Task, TaskEvent, TaskSpec, Transfer};

/// Milliseconds since the epoch of the fixed clock.
pub fn now_ms() -> u64 {
    fixed_clock()
        .duration_since(SystemTime::UNIX_EPOCH)
        .unwrap()
        .as_millis() as u64
}

pub fn spec(id: &str, kind: CopyKind, source: &str, name: &str) -> TaskSpec {
    TaskSpec {
        id: id.into(),
        kind,
        source_ids: vec![source.into()],
        names: [(source.to_string(), name.to_string())].into(),
        source_region: SRC.into(),
        target_region: DST.into(),
        options: CopyOptions {
            target_bucket: (kind == CopyKind::Bucket).then(|| format!("{source}-{DST}")),
            ..Default::default()
        },
        known_copies: Default::default(),
    }
}

/// A task as the journal would rebuild it: events a second apart, ending
/// `secs_ago` before the fixed clock.
pub fn task_from(spec: TaskSpec, events: Vec<TaskEvent>, secs_ago: u64) -> Task {
    let start = now_ms() - secs_ago * 1000 - events.len() as u64 * 1000;
    let mut all = vec![TaskEvent::Created {
        spec: Box::new(spec),
    }];
    all.extend(events);
    Task::replay(
        all.iter()
            .enumerate()
            .map(|(i, e)| (start + i as u64 * 1000, e)),
    )
    .unwrap()
}

fn started(step: usize) -> TaskEvent {
    TaskEvent::StepStarted { step }
}

fn step_done(step: usize, outputs: &[(&str, &str)]) -> TaskEvent {
    TaskEvent::StepDone {
        step,
        outputs: outputs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect(),
    }
}

/// An AMI copy waiting on AWS at 42 %.
pub fn running_image() -> Task {
    let mut t = task_from(
        spec("ami-0s1-1", CopyKind::Image, "ami-0s1", "web-base-2026"),
        vec![
            started(0),
            step_done(0, &[("target:ami-0s1", "ami-0t9")]),
            started(1),
        ],
        75,
    );
    t.progress = Some(42);
    t
}

/// A task as the scheduler leaves it: in the cockpit's store, then told
/// (which task, what changed), as the event loop does.
pub fn told(
    a: &mut App,
    task: Task,
    what: cutover::migrate::Changed,
) -> Vec<cutover::ui::action::Effect> {
    let id = task.spec.id.clone();
    a.tasks.store().put(task);
    a.update(cutover::ui::action::Action::TaskChanged(
        cutover::migrate::TaskChange { id, what },
    ))
}

/// A bucket copy in its object step; `transfer` is filled by the caller.
pub fn bucket_task() -> Task {
    task_from(
        spec("acme-logs-1", CopyKind::Bucket, "acme-logs", "acme-logs"),
        vec![
            started(0),
            step_done(0, &[]),
            started(1),
            step_done(1, &[]),
            started(2),
        ],
        30,
    )
}

pub fn transfer(secs: u64, objects: u64, listed: u64, listing_done: bool) -> Transfer {
    Transfer {
        objects_listed: listed,
        bytes_listed: listed * 1_000_000,
        listing_done,
        objects_done: objects,
        bytes_done: objects * 1_000_000,
        objects_skipped: 0,
        elapsed_ms: secs * 1000,
        restoring: 0,
    }
}

pub fn failed_snapshot() -> Task {
    task_from(
        spec("snap-0s1-1", CopyKind::Snapshot, "snap-0s1", "snap-0s1"),
        vec![
            started(0),
            TaskEvent::Failed {
                step: 0,
                error: "ec2:CopySnapshot failed: InvalidParameterValue: the KMS key alias/missing does not exist in eu-west-1; create the key in the target or leave the KMS key empty".into(),
            },
        ],
        120,
    )
}

pub fn done_key_pair() -> Task {
    task_from(
        spec("deploy-1", CopyKind::KeyPair, "deploy", "deploy"),
        vec![
            started(0),
            step_done(0, &[("target:deploy", "key-0t7")]),
            TaskEvent::Note {
                text: "imported the public key only: the private key never leaves your machine"
                    .into(),
            },
            TaskEvent::Done,
        ],
        600,
    )
}

/// A simple A record at 300 s, ready for a DNS plan.
pub fn simple_record(name: &str, value: &str) -> Resource {
    record(name, "A", None, None, value)
}

/// The estate with `shop.acme.example.` as a simple A record too.
pub fn estate_with_shop() -> Inventory {
    let mut inv = estate();
    let mut records = inv.resources(Side::Global, Kind::Record).to_vec();
    records.push(simple_record("shop.acme.example.", "54.0.0.1"));
    inv.apply(Side::Global, Kind::Record, Ok(records));
    inv
}

/// A cutover of shop.acme.example. whose step 1 went INSYNC `secs_ago`
/// seconds before the fixed clock.
pub fn shop_cutover(secs_ago: u64) -> (String, Progress) {
    use cutover::cloud::dns_change::RecordSet;
    use cutover::cutover::plan::Found;
    use cutover::cutover::{progress::Action as Step, DnsPlan, PlanChoices};
    let at_name = [RecordSet {
        name: "shop.acme.example.".into(),
        record_type: "A".into(),
        ttl: Some(300),
        set_identifier: None,
        weight: None,
        values: vec!["54.0.0.1".into()],
        alias: None,
        health_check_id: None,
    }];
    let found = Found {
        zone_id: "Z1",
        zone_name: "acme.example.",
        record_name: "shop.acme.example.",
        at_name: &at_name,
        public_zone: true,
    };
    let plan = DnsPlan::build(&found, (SRC, DST), "63.0.0.1", &PlanChoices::default()).unwrap();
    let first = plan.steps[0].after;
    let at = fixed_clock() - Duration::from_secs(secs_ago);
    let events = [
        DnsEvent::Planned {
            plan: Box::new(plan.clone()),
        },
        DnsEvent::Intent {
            action: Step::Step { index: 0 },
            from: plan.start(),
            to: first,
            changes: vec![],
        },
        DnsEvent::Submitted {
            action: Step::Step { index: 0 },
            change_id: "C0SHOP1".into(),
        },
        DnsEvent::Insync {
            action: Step::Step { index: 0 },
            change_id: "C0SHOP1".into(),
        },
    ];
    let progress = Progress::replay(events.iter().map(|e| (at, e))).unwrap();
    (
        cutover::cutover::progress::topic("Z1", "shop.acme.example."),
        progress,
    )
}

/// Moves the Route 53 cursor to the record named `name`.
pub fn cursor_on_record(app: &mut App, name: &str) {
    app.switch_kind(Kind::Record);
    key(app, KeyCode::Home);
    for _ in 0..20 {
        if app.cursor_resource(0).is_some_and(|r| r.name == name) {
            return;
        }
        key(app, KeyCode::Down);
    }
    panic!("no record {name}");
}
