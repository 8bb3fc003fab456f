#![allow(clippy::unwrap_used, clippy::expect_used)] // tests may panic: that is how they fail
//! EC2 copies keep what they copy (issue 14): a volume's type, IOPS,
//! throughput and tags; a target AZ of another region refused before any
//! write. Every outcome is read back with the SDK, not with cutover's own
//! listing. One moto_server for this binary, no seeded estate: each test
//! makes (and names) its own resources.

mod common;

use aws_sdk_ec2::types as t;
use common::{regions_at, MemoryJournal};
use cutover::cloud::Regions;
use cutover::migrate::{Caps, CopyKind, CopyOptions, Scheduler, Task, TaskSpec, TaskState};
use cutover::sandbox::{sandbox_keys, MotoServer};
use std::collections::BTreeMap;
use std::process::Output;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, OnceLock};

fn server() -> &'static MotoServer {
    static SERVER: OnceLock<MotoServer> = OnceLock::new();
    SERVER.get_or_init(|| {
        let s = MotoServer::start_with_env(None, &[("MOTO_EC2_LOAD_DEFAULT_AMIS", "false")])
            .unwrap_or_else(|e| panic!("{e}"));
        common::stop_at_exit(s.pid());
        s
    })
}

static NEXT: AtomicUsize = AtomicUsize::new(1);

fn unique(what: &str) -> String {
    format!(
        "{what}-{}-{}",
        std::process::id(),
        NEXT.fetch_add(1, Ordering::SeqCst)
    )
}

fn spec(kind: CopyKind, ids: &[&str], options: CopyOptions) -> TaskSpec {
    TaskSpec {
        id: unique("t"),
        kind,
        source_ids: ids.iter().map(|s| s.to_string()).collect(),
        names: BTreeMap::new(),
        source_region: "us-east-1".into(),
        target_region: "eu-west-1".into(),
        options,
        known_copies: BTreeMap::new(),
    }
}

async fn setup() -> (Regions, Scheduler) {
    let regions = regions_at(&server().endpoint(), sandbox_keys()).await;
    let scheduler = Scheduler::new(
        regions.clone(),
        Arc::new(MemoryJournal::default()),
        Caps::default(),
        Default::default(),
    );
    (regions, scheduler)
}

async fn run_one(s: &Scheduler, spec: TaskSpec) -> Task {
    let id = spec.id.clone();
    s.submit(spec).unwrap();
    s.settled().await;
    s.task(&id).unwrap()
}

fn tag(key: &str, value: &str) -> t::Tag {
    t::Tag::builder().key(key).value(value).build()
}

/// A gp3 volume in us-east-1a with its own IOPS, throughput and tags.
async fn gp3_volume(regions: &Regions, name: &str, encrypted: bool) -> String {
    let out = regions
        .source
        .ec2
        .create_volume()
        .availability_zone("us-east-1a")
        .size(20)
        .volume_type(t::VolumeType::Gp3)
        .iops(4000)
        .throughput(250)
        .encrypted(encrypted)
        .tag_specifications(
            t::TagSpecification::builder()
                .resource_type(t::ResourceType::Volume)
                .tags(tag("Name", name))
                .tags(tag("team", "payments"))
                .build(),
        )
        .send()
        .await
        .unwrap();
    out.volume_id().unwrap().to_string()
}

/// Snapshots in `client`'s region taken of `volume_id`, read with the SDK.
async fn snapshots_of(client: &aws_sdk_ec2::Client, volume_id: &str) -> Vec<String> {
    client
        .describe_snapshots()
        .filters(
            t::Filter::builder()
                .name("volume-id")
                .values(volume_id)
                .build(),
        )
        .send()
        .await
        .unwrap()
        .snapshots()
        .iter()
        .filter_map(|s| s.snapshot_id().map(String::from))
        .collect()
}

fn cli(home: &std::path::Path, args: &[&str]) -> Output {
    common::cutover_command(home)
        .env("AWS_ACCESS_KEY_ID", "test")
        .env("AWS_SECRET_ACCESS_KEY", "test-secret")
        .env("AWS_ENDPOINT_URL", server().endpoint())
        .args(["--source", "us-east-1", "--target", "eu-west-1"])
        .args(args)
        .output()
        .unwrap()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

#[tokio::test]
async fn a_gp3_volume_lands_as_gp3_with_its_iops_throughput_and_tags() {
    let (regions, s) = setup().await;
    let name = unique("ledger-data");
    let vol = gp3_volume(&regions, &name, false).await;
    let options = CopyOptions {
        target_az: Some("eu-west-1b".into()),
        ..Default::default()
    };
    let task = run_one(&s, spec(CopyKind::Volume, &[&vol], options)).await;
    assert_eq!(task.state, TaskState::Done, "{:#?}", task.history);
    let new = task.copies()[vol.as_str()].clone();

    let out = regions
        .target
        .ec2
        .describe_volumes()
        .volume_ids(&new)
        .send()
        .await
        .unwrap();
    let v = &out.volumes()[0];
    assert_eq!(v.volume_type(), Some(&t::VolumeType::Gp3), "not gp2");
    assert_eq!(v.iops(), Some(4000));
    assert_eq!(v.throughput(), Some(250));
    assert_eq!(v.availability_zone(), Some("eu-west-1b"));
    let tags: BTreeMap<&str, &str> = v
        .tags()
        .iter()
        .map(|t| (t.key().unwrap(), t.value().unwrap()))
        .collect();
    assert_eq!(tags.get("Name"), Some(&name.as_str()));
    assert_eq!(tags.get("team"), Some(&"payments"));
    assert_eq!(tags.get("cutover:source-id"), Some(&vol.as_str()));
}

#[test]
fn an_az_of_the_source_region_is_refused_before_any_write() {
    let home = common::temp_home("ec2-az");
    let rt = tokio::runtime::Runtime::new().unwrap();
    let (regions, _) = rt.block_on(setup());
    let vol = rt.block_on(gp3_volume(&regions, &unique("orders-data"), false));

    let o = cli(
        &home,
        &["copy", "--ids", &vol, "--target-az", "us-east-1a", "--yes"],
    );
    assert!(!o.status.success(), "refused: {}", stderr(&o));
    let said = stderr(&o);
    assert!(
        said.contains("us-east-1a is not an availability zone of eu-west-1"),
        "{said}"
    );
    assert!(
        said.contains("eu-west-1a, eu-west-1b"),
        "the target's list: {said}"
    );
    assert_eq!(
        rt.block_on(snapshots_of(&regions.source.ec2, &vol)),
        Vec::<String>::new(),
        "no snapshot was made in the source"
    );

    // The same refusal from the task itself (the cockpit's path), still
    // before the source snapshot.
    let (_, s) = rt.block_on(setup());
    let options = CopyOptions {
        target_az: Some("us-east-1a".into()),
        ..Default::default()
    };
    let task = rt.block_on(run_one(&s, spec(CopyKind::Volume, &[&vol], options)));
    let TaskState::Failed { step: 0, error } = &task.state else {
        panic!("{:#?}", task.history)
    };
    assert!(error.contains("eu-west-1a"), "{error}");
    assert!(rt
        .block_on(snapshots_of(&regions.source.ec2, &vol))
        .is_empty());
}

#[tokio::test]
async fn an_encrypted_volume_without_a_target_key_is_refused_before_any_write() {
    let (regions, s) = setup().await;
    let vol = gp3_volume(&regions, &unique("vault-data"), true).await;
    let task = run_one(&s, spec(CopyKind::Volume, &[&vol], CopyOptions::default())).await;
    let TaskState::Failed { step: 0, error } = &task.state else {
        panic!("{:#?}", task.history)
    };
    assert!(error.contains("--kms-key-id"), "{error}");
    assert!(snapshots_of(&regions.source.ec2, &vol).await.is_empty());
}

/// A group in the source's default VPC; with `refers_to`, an ingress rule
/// on 5432 from that group.
async fn source_group(regions: &Regions, name: &str, refers_to: Option<&str>) -> String {
    let ec2 = &regions.source.ec2;
    let id = ec2
        .create_security_group()
        .group_name(name)
        .description("issue 14")
        .send()
        .await
        .unwrap()
        .group_id()
        .unwrap()
        .to_string();
    if let Some(other) = refers_to {
        ec2.authorize_security_group_ingress()
            .group_id(&id)
            .ip_permissions(
                t::IpPermission::builder()
                    .ip_protocol("tcp")
                    .from_port(5432)
                    .to_port(5432)
                    .user_id_group_pairs(t::UserIdGroupPair::builder().group_id(other).build())
                    .build(),
            )
            .send()
            .await
            .unwrap();
    }
    id
}

/// The target's copy of a source group (found by its source-id tag) and
/// the groups its ingress rules name, read with the SDK.
async fn target_copy(regions: &Regions, source_id: &str) -> Option<(String, Vec<String>)> {
    let out = regions
        .target
        .ec2
        .describe_security_groups()
        .filters(
            t::Filter::builder()
                .name("tag:cutover:source-id")
                .values(source_id)
                .build(),
        )
        .send()
        .await
        .unwrap();
    let g = out.security_groups().first()?;
    let named = g
        .ip_permissions()
        .iter()
        .flat_map(|p| p.user_id_group_pairs())
        .filter_map(|p| p.group_id().map(String::from))
        .collect();
    Some((g.group_id().unwrap().to_string(), named))
}

#[test]
fn groups_a_rule_names_are_listed_added_on_request_or_warned_about() {
    let home = common::temp_home("ec2-sg");
    let rt = tokio::runtime::Runtime::new().unwrap();
    let (regions, _) = rt.block_on(setup());
    let db = rt.block_on(source_group(&regions, &unique("db"), None));
    let api = rt.block_on(source_group(&regions, &unique("api"), Some(&db)));

    // Without --yes: the rule that would be left out is listed.
    let o = cli(&home, &["copy", "--ids", &api]);
    assert!(o.status.success(), "{}", stderr(&o));
    let said = stderr(&o);
    assert!(said.contains("Rules that will be left out"), "{said}");
    assert!(
        said.contains(&format!("ingress tcp 5432 names {db}")),
        "{said}"
    );

    // --with-referenced: both groups copied, the rule points at db's copy.
    let o = cli(
        &home,
        &[
            "copy",
            "--ids",
            &api,
            "--with-referenced",
            "--yes",
            "--wait",
            "--output",
            "json",
        ],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let tasks: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(tasks[0]["state"], "done", "{tasks}");
    let (db_copy, _) = rt.block_on(target_copy(&regions, &db)).expect("db copied");
    let (_, api_names) = rt
        .block_on(target_copy(&regions, &api))
        .expect("api copied");
    assert_eq!(api_names, [db_copy], "the rule names db's copy");

    // Without the flag: done with warnings, naming the rule and the fix.
    let db2 = rt.block_on(source_group(&regions, &unique("db"), None));
    let api2 = rt.block_on(source_group(&regions, &unique("api"), Some(&db2)));
    let o = cli(
        &home,
        &[
            "copy", "--ids", &api2, "--yes", "--wait", "--output", "json",
        ],
    );
    assert!(
        o.status.success(),
        "a warning is no failure: {}",
        stderr(&o)
    );
    let tasks: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(tasks[0]["state"], "done with warnings", "{tasks}");
    let warning = tasks[0]["warnings"][0].as_str().unwrap();
    assert!(
        warning.contains(&format!("with {db2} left out")),
        "{warning}"
    );
    assert!(
        warning.contains(&format!("cutover copy --ids {api2},{db2} --yes")),
        "{warning}"
    );
    assert!(rt.block_on(target_copy(&regions, &db2)).is_none());
    let (_, names) = rt
        .block_on(target_copy(&regions, &api2))
        .expect("api2 copied");
    assert!(names.is_empty(), "no rule names a group that is not there");
}

/// An AMI registered in the source (no instance needed), shared with one
/// other account.
async fn shared_image(regions: &Regions, name: &str, account: &str) -> String {
    let ec2 = &regions.source.ec2;
    let id = ec2
        .register_image()
        .name(name)
        .root_device_name("/dev/xvda")
        .architecture(t::ArchitectureValues::X8664)
        .send()
        .await
        .unwrap()
        .image_id()
        .unwrap()
        .to_string();
    ec2.modify_image_attribute()
        .image_id(&id)
        .launch_permission(
            t::LaunchPermissionModifications::builder()
                .add(t::LaunchPermission::builder().user_id(account).build())
                .build(),
        )
        .send()
        .await
        .unwrap();
    id
}

async fn launchers(client: &aws_sdk_ec2::Client, image: &str) -> Vec<String> {
    client
        .describe_image_attribute()
        .image_id(image)
        .attribute(t::ImageAttributeName::LaunchPermission)
        .send()
        .await
        .unwrap()
        .launch_permissions()
        .iter()
        .filter_map(|p| p.user_id().map(String::from))
        .collect()
}

#[tokio::test]
async fn launch_permissions_follow_the_ami_when_asked() {
    let (regions, s) = setup().await;
    let ami = shared_image(&regions, &unique("shared-base"), "111122223333").await;
    assert_eq!(
        launchers(&regions.source.ec2, &ami).await,
        ["111122223333"],
        "the source is shared"
    );

    let options = CopyOptions {
        launch_permissions: true,
        ..Default::default()
    };
    let task = run_one(&s, spec(CopyKind::Image, &[&ami], options)).await;
    assert_eq!(task.state, TaskState::Done, "{:#?}", task.history);
    let copy = task.copies()[ami.as_str()].clone();
    assert_eq!(
        launchers(&regions.target.ec2, &copy).await,
        ["111122223333"]
    );
    assert!(
        task.notes
            .iter()
            .any(|n| n.contains("launch permissions carried") && n.contains("111122223333")),
        "{:?}",
        task.notes
    );

    // Not asked: the copy is not shared.
    let ami2 = shared_image(&regions, &unique("private-base"), "444455556666").await;
    let task = run_one(&s, spec(CopyKind::Image, &[&ami2], CopyOptions::default())).await;
    assert_eq!(task.state, TaskState::Done, "{:#?}", task.history);
    let copy = task.copies()[ami2.as_str()].clone();
    assert!(launchers(&regions.target.ec2, &copy).await.is_empty());
}

async fn snapshot_exists(client: &aws_sdk_ec2::Client, id: &str) -> bool {
    match client.describe_snapshots().snapshot_ids(id).send().await {
        Ok(out) => !out.snapshots().is_empty(),
        Err(e) => {
            let code = aws_sdk_ec2::error::ProvideErrorMetadata::code(&e).map(String::from);
            assert_eq!(code.as_deref(), Some("InvalidSnapshot.NotFound"), "{e:?}");
            false
        }
    }
}

#[test]
fn the_source_snapshot_of_a_volume_copy_is_a_leftover_that_cleanup_deletes() {
    let home = common::temp_home("ec2-leftovers");
    let rt = tokio::runtime::Runtime::new().unwrap();
    let (regions, _) = rt.block_on(setup());
    let vol = rt.block_on(gp3_volume(&regions, &unique("scratch"), false));

    let o = cli(
        &home,
        &["copy", "--ids", &vol, "--yes", "--wait", "--output", "json"],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let snaps = rt.block_on(snapshots_of(&regions.source.ec2, &vol));
    let [snap] = snaps.as_slice() else {
        panic!("one source snapshot: {snaps:?}")
    };
    let tasks: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let notes = tasks[0]["notes"].to_string();
    assert!(
        notes.contains(&format!("left in us-east-1: EBS snapshot {snap}")),
        "the task's notes say so: {notes}"
    );
    let report = cli(&home, &["report", "--format", "json"]);
    let report: serde_json::Value = serde_json::from_slice(&report.stdout).unwrap();
    assert_eq!(report["left_behind"][0]["id"], snap.as_str(), "{report}");

    // Listed first; nothing deleted without --yes.
    let o = cli(&home, &["cleanup", "--leftovers"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let listed = String::from_utf8_lossy(&o.stdout).into_owned();
    assert!(listed.contains(snap.as_str()), "{listed}");
    assert!(stderr(&o).contains("pass --yes"), "{}", stderr(&o));
    assert!(rt.block_on(snapshot_exists(&regions.source.ec2, snap)));

    let o = cli(&home, &["--read-only", "cleanup", "--leftovers", "--yes"]);
    assert!(!o.status.success(), "read-only refuses");
    assert!(stderr(&o).contains("read-only"), "{}", stderr(&o));
    assert!(rt.block_on(snapshot_exists(&regions.source.ec2, snap)));

    let o = cli(&home, &["cleanup", "--leftovers", "--yes"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stderr(&o).contains(&format!("deleted EBS snapshot {snap}")));
    assert!(
        !rt.block_on(snapshot_exists(&regions.source.ec2, snap)),
        "gone from the source"
    );
    let report = cli(&home, &["report", "--format", "json"]);
    let report: serde_json::Value = serde_json::from_slice(&report.stdout).unwrap();
    assert_eq!(report["left_behind"], serde_json::json!([]), "{report}");
    let o = cli(&home, &["cleanup", "--leftovers"]);
    assert!(stderr(&o).contains("No leftovers"), "{}", stderr(&o));
}
