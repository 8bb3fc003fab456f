#![allow(clippy::unwrap_used, clippy::expect_used)] // tests may panic: that is how they fail
//! Relaunching instances against moto: an instance with an Elastic IP, two
//! groups that refer to each other, a key pair, user data and a data
//! volume, in a custom VPC, relaunched with the real binary and read back
//! with the SDK; a second run makes nothing new; a test launch gets no
//! Elastic IP and `cleanup --test-launches` ends only it; a launch whose
//! journal entry was lost is adopted, not launched twice; a task whose
//! dependency failed says so. Each test seeds its own VPC, groups and key.

mod common;

use aws_sdk_ec2::types as t;
use aws_sdk_ec2::Client;
use common::{regions_at, seeded, MemoryJournal};
use cutover::migrate::{
    Caps, CopyKind, CopyOptions, LaunchOptions, Scheduler, Task, TaskEvent, TaskSpec, TaskState,
};
use cutover::model::resource::{SOURCE_ID_TAG, TASK_ID_TAG};
use cutover::sandbox::sandbox_keys;
use std::collections::BTreeMap;
use std::sync::Arc;

const KEY: &str =
    "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOalbE1seM95xHvmIHjOsZqGmxMteypVM3v6L62R3tic ops@shop";
const USER_DATA: &str = "#!/bin/sh\necho relaunched > /tmp/hello\n";

fn filter(name: &str, value: &str) -> t::Filter {
    t::Filter::builder().name(name).values(value).build()
}

fn tags(kind: t::ResourceType, pairs: &[(&str, &str)]) -> t::TagSpecification {
    let mut spec = t::TagSpecification::builder().resource_type(kind);
    for (k, v) in pairs {
        spec = spec.tags(t::Tag::builder().key(*k).value(*v).build());
    }
    spec.build()
}

/// What a test seeded in the source.
struct Seeded {
    instance: String,
    vpc: String,
    groups: [String; 2],
    key: String,
    public_ip: String,
}

/// A VPC 10.N.0.0/16 with one subnet, two groups that refer to each other,
/// a key pair, and a tagged t3.small with user data, a 20 GiB gp3 data
/// volume and an Elastic IP.
async fn seed_instance(ec2: &Client, second: u8, name: &str) -> Seeded {
    let vpc = ec2
        .create_vpc()
        .cidr_block(format!("10.{second}.0.0/16"))
        .tag_specifications(tags(t::ResourceType::Vpc, &[("Name", name)]))
        .send()
        .await
        .unwrap()
        .vpc()
        .unwrap()
        .vpc_id()
        .unwrap()
        .to_string();
    let subnet = ec2
        .create_subnet()
        .vpc_id(&vpc)
        .cidr_block(format!("10.{second}.1.0/24"))
        .availability_zone("us-east-1a")
        .send()
        .await
        .unwrap()
        .subnet()
        .unwrap()
        .subnet_id()
        .unwrap()
        .to_string();
    let mut groups = Vec::new();
    for role in ["app", "db"] {
        let id = ec2
            .create_security_group()
            .vpc_id(&vpc)
            .group_name(format!("{name}-{role}"))
            .description(format!("{role} of {name}"))
            .send()
            .await
            .unwrap()
            .group_id()
            .unwrap()
            .to_string();
        groups.push(id);
    }
    for (from, to) in [(0, 1), (1, 0)] {
        ec2.authorize_security_group_ingress()
            .group_id(&groups[to])
            .ip_permissions(
                t::IpPermission::builder()
                    .ip_protocol("tcp")
                    .from_port(5432)
                    .to_port(5432)
                    .user_id_group_pairs(
                        t::UserIdGroupPair::builder()
                            .group_id(&groups[from])
                            .build(),
                    )
                    .build(),
            )
            .send()
            .await
            .unwrap();
    }
    let key = format!("{name}-key");
    ec2.import_key_pair()
        .key_name(&key)
        .public_key_material(aws_smithy_types::Blob::new(KEY))
        .send()
        .await
        .unwrap();
    let instance = ec2
        .run_instances()
        .image_id(&common::seeded().estate.base_image)
        .instance_type(t::InstanceType::T3Small)
        .min_count(1)
        .max_count(1)
        .subnet_id(&subnet)
        .key_name(&key)
        .security_group_ids(&groups[0])
        .security_group_ids(&groups[1])
        .user_data(aws_smithy_types::base64::encode(USER_DATA))
        .block_device_mappings(
            t::BlockDeviceMapping::builder()
                .device_name("/dev/sdf")
                .ebs(
                    t::EbsBlockDevice::builder()
                        .volume_size(20)
                        .volume_type(t::VolumeType::Gp3)
                        .build(),
                )
                .build(),
        )
        .tag_specifications(tags(
            t::ResourceType::Instance,
            &[("Name", name), ("app", "relaunch-test")],
        ))
        .send()
        .await
        .unwrap()
        .instances()[0]
        .instance_id()
        .unwrap()
        .to_string();
    let address = ec2
        .allocate_address()
        .domain(t::DomainType::Vpc)
        .send()
        .await
        .unwrap();
    ec2.associate_address()
        .allocation_id(address.allocation_id().unwrap())
        .instance_id(&instance)
        .send()
        .await
        .unwrap();
    Seeded {
        instance,
        vpc,
        groups: [groups[0].clone(), groups[1].clone()],
        key,
        public_ip: address.public_ip().unwrap().to_string(),
    }
}

/// Target instances (not terminated) carrying `key=value`.
async fn instances_tagged(ec2: &Client, key: &str, value: &str) -> Vec<t::Instance> {
    ec2.describe_instances()
        .filters(filter(&format!("tag:{key}"), value))
        .send()
        .await
        .unwrap()
        .reservations()
        .iter()
        .flat_map(|r| r.instances().to_vec())
        .filter(|i| {
            !matches!(
                i.state().and_then(|s| s.name()),
                Some(t::InstanceStateName::Terminated | t::InstanceStateName::ShuttingDown)
            )
        })
        .collect()
}

fn run_cli(home: &std::path::Path, args: &[&str]) -> std::process::Output {
    common::cutover_command(home)
        .env("AWS_ACCESS_KEY_ID", "test")
        .env("AWS_SECRET_ACCESS_KEY", "test-secret")
        .env("AWS_ENDPOINT_URL", seeded().server.endpoint())
        .args(["--source", "us-east-1", "--target", "eu-west-1"])
        .args(args)
        .output()
        .unwrap()
}

fn said(o: &std::process::Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

#[tokio::test(flavor = "multi_thread")]
async fn an_instance_relaunches_with_its_groups_key_network_and_a_new_elastic_ip() {
    let f = seeded();
    let regions = regions_at(&f.server.endpoint(), sandbox_keys()).await;
    let (source, target) = (&regions.source.ec2, &regions.target.ec2);
    let name = format!("rl-web-{}", std::process::id());
    let s = seed_instance(source, 77, &name).await;
    let home = common::temp_home("relaunch");

    // Shown whole, nothing made.
    let o = tokio::task::block_in_place(|| run_cli(&home, &["copy", "--ids", &s.instance]));
    let text = said(&o);
    assert!(o.status.success(), "{text}");
    for shown in [
        "relaunch",
        "network clone",
        "key pair import",
        "no reboot",
        "NEW Elastic IP",
        "after ",
        "Nothing started: pass --yes",
    ] {
        assert!(text.contains(shown), "{shown} in: {text}");
    }
    assert!(instances_tagged(target, SOURCE_ID_TAG, &s.instance)
        .await
        .is_empty());

    // The relaunch.
    let o = tokio::task::block_in_place(|| {
        run_cli(&home, &["copy", "--ids", &s.instance, "--yes", "--wait"])
    });
    let text = said(&o);
    assert!(o.status.success(), "{text}");
    let launched = instances_tagged(target, SOURCE_ID_TAG, &s.instance).await;
    assert_eq!(launched.len(), 1, "one cutover launch: {text}");
    let new = &launched[0];
    let new_id = new.instance_id().unwrap().to_string();
    assert_eq!(new.instance_type(), Some(&t::InstanceType::T3Small));
    assert_eq!(new.key_name(), Some(s.key.as_str()));
    let new_tags: BTreeMap<&str, &str> = new
        .tags()
        .iter()
        .map(|t| (t.key().unwrap(), t.value().unwrap()))
        .collect();
    assert_eq!(new_tags.get("Name"), Some(&name.as_str()));
    assert_eq!(new_tags.get("app"), Some(&"relaunch-test"));
    assert_eq!(new_tags.get("cutover:launch"), Some(&"cutover"));
    let user_data = target
        .describe_instance_attribute()
        .instance_id(&new_id)
        .attribute(t::InstanceAttributeName::UserData)
        .send()
        .await
        .unwrap();
    let decoded =
        aws_smithy_types::base64::decode(user_data.user_data().and_then(|u| u.value()).unwrap())
            .unwrap();
    assert_eq!(String::from_utf8(decoded).unwrap(), USER_DATA);
    // Its groups: the copies of both, by name.
    let group_ids: Vec<String> = new
        .security_groups()
        .iter()
        .map(|g| g.group_id().unwrap().to_string())
        .collect();
    let groups = target
        .describe_security_groups()
        .set_group_ids(Some(group_ids))
        .send()
        .await
        .unwrap();
    let mut names: Vec<&str> = groups
        .security_groups()
        .iter()
        .map(|g| g.group_name().unwrap())
        .collect();
    names.sort();
    assert_eq!(names, [format!("{name}-app"), format!("{name}-db")]);
    let sources: Vec<&str> = groups
        .security_groups()
        .iter()
        .flat_map(|g| g.tags())
        .filter(|t| t.key() == Some(SOURCE_ID_TAG))
        .map(|t| t.value().unwrap())
        .collect();
    assert!(sources.contains(&s.groups[0].as_str()) && sources.contains(&s.groups[1].as_str()));
    // Its subnet: same CIDR, in the clone of the VPC.
    let subnet = target
        .describe_subnets()
        .subnet_ids(new.subnet_id().unwrap())
        .send()
        .await
        .unwrap()
        .subnets()[0]
        .clone();
    assert_eq!(subnet.cidr_block(), Some("10.77.1.0/24"));
    let vpc = target
        .describe_vpcs()
        .vpc_ids(subnet.vpc_id().unwrap())
        .send()
        .await
        .unwrap()
        .vpcs()[0]
        .clone();
    assert!(vpc
        .tags()
        .iter()
        .any(|t| t.key() == Some(SOURCE_ID_TAG) && t.value() == Some(s.vpc.as_str())));
    // A new Elastic IP on it.
    let eips = target
        .describe_addresses()
        .filters(filter("instance-id", &new_id))
        .send()
        .await
        .unwrap();
    assert_eq!(eips.addresses().len(), 1);
    let new_ip = eips.addresses()[0].public_ip().unwrap().to_string();
    assert_ne!(new_ip, s.public_ip);
    // The report names the pair and the new addresses.
    let o = tokio::task::block_in_place(|| run_cli(&home, &["report", "--format", "json"]));
    let report = said(&o);
    assert!(o.status.success(), "{report}");
    let json: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let pair = json["instances"]
        .as_array()
        .and_then(|all| all.iter().find(|i| i["source"] == s.instance.as_str()))
        .unwrap_or_else(|| panic!("the report names {}: {report}", s.instance));
    assert_eq!(pair["target"], new_id.as_str());
    assert_eq!(pair["public_ip"], new_ip.as_str());
    // The endpoint map pairs the old public address with the new one.
    let ip = json["endpoints"]
        .as_array()
        .and_then(|all| all.iter().find(|e| e["kind"] == "ip"))
        .unwrap_or_else(|| panic!("an ip in the endpoint map: {report}"));
    assert_eq!(
        (&ip["source"], &ip["target"]),
        (&s.public_ip.as_str().into(), &new_ip.as_str().into())
    );
    assert_eq!(
        pair["private_ip"].as_str(),
        new.private_ip_address(),
        "{report}"
    );

    // The DNS plan suggests the new address for a record answering the old.
    let zone = format!("rl{}.example.com", std::process::id());
    let r53 = &regions.source.route53;
    let made = r53
        .create_hosted_zone()
        .name(&zone)
        .caller_reference(format!("relaunch-{}", std::process::id()))
        .send()
        .await
        .unwrap();
    let zone_id = made
        .hosted_zone()
        .unwrap()
        .id()
        .trim_start_matches("/hostedzone/")
        .to_string();
    use aws_sdk_route53::types as r;
    let www = r::ResourceRecordSet::builder()
        .name(format!("www.{zone}"))
        .r#type(r::RrType::A)
        .ttl(300)
        .resource_records(
            r::ResourceRecord::builder()
                .value(&s.public_ip)
                .build()
                .unwrap(),
        )
        .build()
        .unwrap();
    r53.change_resource_record_sets()
        .hosted_zone_id(&zone_id)
        .change_batch(
            r::ChangeBatch::builder()
                .changes(
                    r::Change::builder()
                        .action(r::ChangeAction::Create)
                        .resource_record_set(www)
                        .build()
                        .unwrap(),
                )
                .build()
                .unwrap(),
        )
        .send()
        .await
        .unwrap();
    let record = format!("www.{zone}");
    let o = tokio::task::block_in_place(|| {
        run_cli(
            &home,
            &["dns", "plan", "--zone", &zone_id, "--record", &record],
        )
    });
    let text = said(&o);
    assert!(
        text.contains(&format!(
            "target value {new_ip} (suggested: {} is the Elastic IP of {}",
            s.public_ip, s.instance
        )),
        "{text}"
    );
    // moto's Elastic IPs are 127.x addresses, which the DNS guard refuses
    // as loopback; on AWS the plan is printed.
    assert!(o.status.success() || text.contains("loopback"), "{text}");

    // A second run makes nothing new.
    let o = tokio::task::block_in_place(|| {
        run_cli(&home, &["copy", "--ids", &s.instance, "--yes", "--wait"])
    });
    let text = said(&o);
    assert!(o.status.success(), "{text}");
    assert!(text.contains("launched already"), "{text}");
    assert_eq!(
        instances_tagged(target, SOURCE_ID_TAG, &s.instance)
            .await
            .len(),
        1
    );
    let addresses = target
        .describe_addresses()
        .filters(filter(
            &format!("tag:{SOURCE_ID_TAG}"),
            eips.addresses()[0]
                .tags()
                .iter()
                .find(|t| t.key() == Some(SOURCE_ID_TAG))
                .and_then(|t| t.value())
                .unwrap(),
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(addresses.addresses().len(), 1, "no second Elastic IP");

    // A test launch: no Elastic IP, and cleanup ends only it.
    let o = tokio::task::block_in_place(|| {
        run_cli(
            &home,
            &[
                "copy",
                "--ids",
                &s.instance,
                "--test-launch",
                "--yes",
                "--wait",
            ],
        )
    });
    let text = said(&o);
    assert!(o.status.success(), "{text}");
    let tests = instances_tagged(target, "cutover:test-of", &s.instance).await;
    assert_eq!(tests.len(), 1, "{text}");
    let test_id = tests[0].instance_id().unwrap().to_string();
    assert!(tests[0]
        .tags()
        .iter()
        .any(|t| t.key() == Some("cutover:launch") && t.value() == Some("test")));
    let test_eips = target
        .describe_addresses()
        .filters(filter("instance-id", &test_id))
        .send()
        .await
        .unwrap();
    assert!(
        test_eips.addresses().is_empty(),
        "a test launch gets no EIP"
    );

    let o = tokio::task::block_in_place(|| run_cli(&home, &["cleanup", "--test-launches"]));
    let text = said(&o);
    assert!(o.status.success() && text.contains(&test_id), "{text}");
    assert!(
        !text.contains(&new_id),
        "the cutover launch is not listed: {text}"
    );
    assert_eq!(
        instances_tagged(target, "cutover:test-of", &s.instance)
            .await
            .len(),
        1,
        "listed only"
    );
    let o = tokio::task::block_in_place(|| {
        run_cli(
            &home,
            &["--read-only", "cleanup", "--test-launches", "--yes"],
        )
    });
    assert!(!o.status.success(), "{}", said(&o));
    assert_eq!(
        instances_tagged(target, "cutover:test-of", &s.instance)
            .await
            .len(),
        1,
        "read-only ends nothing"
    );
    let o =
        tokio::task::block_in_place(|| run_cli(&home, &["cleanup", "--test-launches", "--yes"]));
    assert!(o.status.success(), "{}", said(&o));
    assert!(instances_tagged(target, "cutover:test-of", &s.instance)
        .await
        .is_empty());
    let kept = instances_tagged(target, SOURCE_ID_TAG, &s.instance).await;
    assert_eq!(kept.len(), 1);
    assert_eq!(kept[0].instance_id(), Some(new_id.as_str()));
    assert_eq!(
        kept[0].state().and_then(|s| s.name()),
        Some(&t::InstanceStateName::Running)
    );
}

fn relaunch_spec(
    id: &str,
    instance: &str,
    subnet: &str,
    groups: &[String; 2],
    copies: &[String],
) -> TaskSpec {
    TaskSpec {
        id: id.into(),
        kind: CopyKind::Instance,
        source_ids: vec![instance.into()],
        names: BTreeMap::new(),
        source_region: "us-east-1".into(),
        target_region: "eu-west-1".into(),
        options: CopyOptions {
            launch: LaunchOptions {
                target_subnet: Some(subnet.into()),
                ..Default::default()
            },
            ..Default::default()
        },
        known_copies: groups.iter().cloned().zip(copies.iter().cloned()).collect(),
    }
}

/// Where a relaunch lands when the operator picks it: a subnet 10.N.1.0/24
/// in a target VPC, copies of the two groups, and the key pair imported.
async fn landing(target: &Client, second: u8, name: &str, key: &str) -> (String, Vec<String>) {
    let vpc = target
        .create_vpc()
        .cidr_block(format!("10.{second}.0.0/16"))
        .send()
        .await
        .unwrap()
        .vpc()
        .unwrap()
        .vpc_id()
        .unwrap()
        .to_string();
    let subnet = target
        .create_subnet()
        .vpc_id(&vpc)
        .cidr_block(format!("10.{second}.1.0/24"))
        .send()
        .await
        .unwrap()
        .subnet()
        .unwrap()
        .subnet_id()
        .unwrap()
        .to_string();
    let mut copies = Vec::new();
    for role in ["app", "db"] {
        copies.push(
            target
                .create_security_group()
                .vpc_id(&vpc)
                .group_name(format!("{name}-{role}"))
                .description("picked")
                .send()
                .await
                .unwrap()
                .group_id()
                .unwrap()
                .to_string(),
        );
    }
    target
        .import_key_pair()
        .key_name(key)
        .public_key_material(aws_smithy_types::Blob::new(KEY))
        .send()
        .await
        .unwrap();
    (subnet, copies)
}

#[tokio::test(flavor = "multi_thread")]
async fn a_launch_whose_journal_entry_was_lost_is_adopted_not_launched_twice() {
    let f = seeded();
    let regions = regions_at(&f.server.endpoint(), sandbox_keys()).await;
    let (source, target) = (&regions.source.ec2, &regions.target.ec2);
    let name = format!("rl-crash-{}", std::process::id());
    let s = seed_instance(source, 78, &name).await;
    let (subnet, copies) = landing(target, 79, &name, &s.key).await;
    let task_id = format!("{}-crash", s.instance);
    let spec = relaunch_spec(&task_id, &s.instance, &subnet, &s.groups, &copies);
    let journal = Arc::new(MemoryJournal::default());
    let scheduler = Scheduler::new(
        regions.clone(),
        journal.clone(),
        Caps::default(),
        Default::default(),
    );
    scheduler.submit(spec).unwrap();
    scheduler.settled().await;
    let first = scheduler.task(&task_id).unwrap();
    assert_eq!(first.state, TaskState::Done, "{:#?}", first.history);
    // After `running`, the status checks were waited for (moto says ok at once).
    assert!(
        first
            .notes
            .iter()
            .any(|n| n.contains("passed its status checks")),
        "{:#?}",
        first.notes
    );
    let launched = instances_tagged(target, TASK_ID_TAG, &task_id).await;
    assert_eq!(launched.len(), 1);
    assert_eq!(launched[0].subnet_id(), Some(subnet.as_str()));

    // The journal as a kill right after RunInstances left it: the launch
    // step started, its StepDone never written.
    let run_step = first
        .spec
        .steps()
        .iter()
        .position(|s| *s == cutover::migrate::Step::RunInstance)
        .unwrap();
    let events: Vec<(u64, TaskEvent)> = journal
        .0
        .lock()
        .unwrap()
        .iter()
        .filter(|(id, _, _)| id == &task_id)
        .map(|(_, at, e)| (*at, e.clone()))
        .collect();
    let cut = events
        .iter()
        .position(|(_, e)| matches!(e, TaskEvent::StepStarted { step } if *step == run_step))
        .unwrap();
    let replayed = Task::replay(events[..=cut].iter().map(|(at, e)| (*at, e))).unwrap();
    assert_eq!(replayed.state, TaskState::Running { step: run_step });
    let resumed = Scheduler::new(
        regions.clone(),
        Arc::new(MemoryJournal::default()),
        Caps::default(),
        Default::default(),
    );
    resumed.restore(replayed);
    resumed.settled().await;
    let after = resumed.task(&task_id).unwrap();
    assert_eq!(after.state, TaskState::Done, "{:#?}", after.history);
    let now = instances_tagged(target, TASK_ID_TAG, &task_id).await;
    assert_eq!(now.len(), 1, "adopted, not launched twice");
    assert_eq!(now[0].instance_id(), launched[0].instance_id());
    assert_eq!(
        after.outputs.get("launched").map(String::as_str),
        launched[0].instance_id()
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_task_whose_dependency_failed_fails_with_the_reason_and_makes_nothing() {
    let f = seeded();
    let regions = regions_at(&f.server.endpoint(), sandbox_keys()).await;
    let key_task = TaskSpec {
        id: format!("missing-key-{}", std::process::id()),
        kind: CopyKind::KeyPair,
        source_ids: vec![format!("no-such-key-{}", std::process::id())],
        names: BTreeMap::new(),
        source_region: "us-east-1".into(),
        target_region: "eu-west-1".into(),
        options: CopyOptions::default(),
        known_copies: BTreeMap::new(),
    };
    let instance = f.seeded.instances["web"][0].clone();
    let mut relaunch = relaunch_spec(
        &format!("dependent-{}", std::process::id()),
        &instance,
        "subnet-none",
        &[String::new(), String::new()],
        &[],
    );
    relaunch.options.needs = vec![key_task.id.clone()];
    let scheduler = Scheduler::new(
        regions.clone(),
        Arc::new(MemoryJournal::default()),
        Caps::default(),
        Default::default(),
    );
    // In plan order (what is needed first); the dependent must not run.
    scheduler.submit(key_task.clone()).unwrap();
    scheduler.submit(relaunch.clone()).unwrap();
    scheduler.settled().await;
    assert!(matches!(
        scheduler.task(&key_task.id).unwrap().state,
        TaskState::Failed { .. }
    ));
    let dependent = scheduler.task(&relaunch.id).unwrap();
    match &dependent.state {
        TaskState::Failed { step: 0, error } => assert!(
            error.contains(&format!("it needs task {}", key_task.id))
                && error.contains("which failed"),
            "{error}"
        ),
        other => panic!("expected failed at its first step, got {other:?}"),
    }
    assert!(
        !dependent
            .history
            .iter()
            .any(|(_, l)| l.starts_with("step ")),
        "no step ran: {:#?}",
        dependent.history
    );
    assert!(
        instances_tagged(&regions.target.ec2, TASK_ID_TAG, &relaunch.id)
            .await
            .is_empty()
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn the_sandbox_batch_instance_relaunches_cleanly() {
    let f = seeded();
    let regions = regions_at(&f.server.endpoint(), sandbox_keys()).await;
    let batch = f.seeded.instances["batch"][0].clone();
    let home = common::temp_home("sandbox-relaunch");
    let o = tokio::task::block_in_place(|| {
        run_cli(&home, &["copy", "--ids", &batch, "--yes", "--wait"])
    });
    let text = said(&o);
    assert!(o.status.success(), "{text}");
    let launched = instances_tagged(&regions.target.ec2, SOURCE_ID_TAG, &batch).await;
    assert_eq!(launched.len(), 1, "{text}");
    assert_eq!(launched[0].key_name(), Some("shop-deploy"));
    assert_eq!(
        launched[0].state().and_then(|s| s.name()),
        Some(&t::InstanceStateName::Running)
    );
}

/// The addresses of the target carrying this task's tag.
async fn addresses_of_task(ec2: &Client, task_id: &str) -> Vec<t::Address> {
    ec2.describe_addresses()
        .filters(filter(&format!("tag:{TASK_ID_TAG}"), task_id))
        .send()
        .await
        .unwrap()
        .addresses()
        .to_vec()
}

#[tokio::test(flavor = "multi_thread")]
async fn a_cancel_after_the_new_elastic_ip_releases_it_and_says_what_it_left() {
    let f = seeded();
    let regions = regions_at(&f.server.endpoint(), sandbox_keys()).await;
    let (source, target) = (&regions.source.ec2, &regions.target.ec2);
    let name = format!("rl-cancel-{}", std::process::id());
    let s = seed_instance(source, 80, &name).await;
    let (subnet, copies) = landing(target, 81, &name, &s.key).await;
    let task_id = format!("{}-cancel", s.instance);
    let mut spec = relaunch_spec(&task_id, &s.instance, &subnet, &s.groups, &copies);
    // --replace puts a step after the Elastic IP: the task can stop there.
    spec.options.launch.replace = true;
    let journal = Arc::new(MemoryJournal::default());
    let scheduler = Scheduler::new(
        regions.clone(),
        journal.clone(),
        Caps::default(),
        Default::default(),
    );
    scheduler.submit(spec).unwrap();
    scheduler.settled().await;
    let first = scheduler.task(&task_id).unwrap();
    assert_eq!(first.state, TaskState::Done, "{:#?}", first.history);
    let new_id = first.outputs["launched"].clone();
    let made = addresses_of_task(target, &task_id).await;
    assert_eq!(made.len(), 1, "one new Elastic IP");
    let allocation = made[0].allocation_id().unwrap().to_string();
    assert_eq!(made[0].instance_id(), Some(new_id.as_str()));
    assert_ne!(made[0].public_ip(), Some(s.public_ip.as_str()));

    // The journal as a pause right after the Elastic IP step left it.
    let eip_step = first
        .spec
        .steps()
        .iter()
        .position(|s| *s == cutover::migrate::Step::AttachElasticIp)
        .unwrap();
    let mut events: Vec<(u64, TaskEvent)> = journal
        .0
        .lock()
        .unwrap()
        .iter()
        .filter(|(id, _, _)| id == &task_id)
        .map(|(_, at, e)| (*at, e.clone()))
        .collect();
    let cut = events
        .iter()
        .position(|(_, e)| matches!(e, TaskEvent::StepDone { step, .. } if *step == eip_step))
        .unwrap();
    events.truncate(cut + 1);
    let at = events.last().unwrap().0;
    events.push((at, TaskEvent::Paused { step: eip_step + 1 }));
    let paused = Task::replay(events.iter().map(|(at, e)| (*at, e))).unwrap();
    assert!(matches!(paused.state, TaskState::Paused { .. }));

    let resumed_journal = Arc::new(MemoryJournal::default());
    let again = Scheduler::new(
        regions.clone(),
        resumed_journal.clone(),
        Caps::default(),
        Default::default(),
    );
    again.restore(paused);
    again.cancel(&task_id).unwrap();
    // The undo of a task not running goes on in the background.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    let cancelled = loop {
        let now = again.task(&task_id).unwrap();
        if matches!(now.state, TaskState::Cancelled { .. }) {
            break now;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "no cancel: {:?}",
            now.state
        );
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    };
    let TaskState::Cancelled { note } = &cancelled.state else {
        panic!("expected cancelled: {:?}", cancelled.state);
    };
    // Read back with the SDK: the address is gone, the instance ends.
    let gone = target
        .describe_addresses()
        .filters(filter("allocation-id", &allocation))
        .send()
        .await
        .unwrap();
    assert!(gone.addresses().is_empty(), "released: {note}");
    assert!(addresses_of_task(target, &task_id).await.is_empty());
    assert!(instances_tagged(target, TASK_ID_TAG, &task_id)
        .await
        .is_empty());
    // The journaled note says what it released and what stays.
    assert!(note.contains("released the new Elastic IP"), "{note}");
    assert!(note.contains(&allocation), "{note}");
    assert!(note.contains(&format!("terminated {new_id}")), "{note}");
    assert!(note.contains("its snapshots stay"), "{note}");
    let journaled_cancel = resumed_journal.0.lock().unwrap().iter().any(|(id, _, e)| {
        id == &task_id && matches!(e, TaskEvent::Cancelled { note } if note.contains(&allocation))
    });
    assert!(journaled_cancel, "the cancel and its note are journaled");
    // The source keeps its own address.
    let old = source
        .describe_addresses()
        .filters(filter("instance-id", &s.instance))
        .send()
        .await
        .unwrap();
    assert_eq!(old.addresses()[0].public_ip(), Some(s.public_ip.as_str()));
}
