#![allow(clippy::unwrap_used, clippy::expect_used)] // tests may panic: that is how they fail
//! The database path against moto: the landing zone made from a source in a
//! custom subnet group with custom parameter and option groups; a
//! cross-region read replica created, held in "replicating", and promoted
//! on the operator's word; a restore under a taken name refused, and
//! `--replace` renaming the old instance after a typed confirmation; the
//! report's endpoint map. Outcomes are read back with the SDK.

mod common;

use aws_sdk_rds::types::{ApplyMethod, OptionConfiguration, Parameter};
use common::{regions_at, seeded};
use cutover::cloud::Regions;
use cutover::migrate::{
    survey, Caps, CopyKind, CopyOptions, Picks, RestoreOptions, Scheduler, Task, TaskSpec,
    TaskState,
};
use cutover::model::resource::{SOURCE_ID_TAG, TASK_ID_TAG};
use cutover::sandbox::sandbox_keys;
use std::collections::BTreeMap;
use std::io::Write;
use std::process::{Output, Stdio};
use std::sync::Arc;

async fn run(regions: &Regions, spec: TaskSpec) -> Task {
    let s = Scheduler::new(
        regions.clone(),
        Arc::new(common::MemoryJournal::default()),
        Caps::default(),
        Default::default(),
    );
    let id = spec.id.clone();
    s.submit(spec).unwrap();
    s.settled().await;
    s.task(&id).unwrap()
}

fn tag(k: &str, v: &str) -> aws_sdk_ec2::types::TagSpecification {
    aws_sdk_ec2::types::TagSpecification::builder()
        .resource_type(aws_sdk_ec2::types::ResourceType::Subnet)
        .tags(aws_sdk_ec2::types::Tag::builder().key(k).value(v).build())
        .build()
}

async fn vpc(c: &cutover::cloud::Clients, cidr: &str) -> String {
    c.ec2
        .create_vpc()
        .cidr_block(cidr)
        .send()
        .await
        .unwrap()
        .vpc()
        .unwrap()
        .vpc_id()
        .unwrap()
        .to_string()
}

async fn subnet(
    c: &cutover::cloud::Clients,
    vpc: &str,
    cidr: &str,
    zone: &str,
    source: Option<&str>,
) -> String {
    c.ec2
        .create_subnet()
        .vpc_id(vpc)
        .cidr_block(cidr)
        .availability_zone(zone)
        .set_tag_specifications(source.map(|s| vec![tag(SOURCE_ID_TAG, s)]))
        .send()
        .await
        .unwrap()
        .subnet()
        .unwrap()
        .subnet_id()
        .unwrap()
        .to_string()
}

async fn group(c: &cutover::cloud::Clients, vpc: &str, name: &str, source: Option<&str>) -> String {
    let id = c
        .ec2
        .create_security_group()
        .vpc_id(vpc)
        .group_name(name)
        .description("db")
        .send()
        .await
        .unwrap()
        .group_id()
        .unwrap()
        .to_string();
    if let Some(s) = source {
        c.ec2
            .create_tags()
            .resources(&id)
            .tags(
                aws_sdk_ec2::types::Tag::builder()
                    .key(SOURCE_ID_TAG)
                    .value(s)
                    .build(),
            )
            .send()
            .await
            .unwrap();
    }
    id
}

/// A MySQL instance with automated backups; optionally in a subnet group,
/// a parameter group, an option group and security groups.
async fn mysql(
    c: &cutover::cloud::Clients,
    id: &str,
    subnet_group: Option<&str>,
    params: Option<&str>,
    options: Option<&str>,
    groups: &[String],
) {
    c.rds
        .create_db_instance()
        .db_instance_identifier(id)
        .db_instance_class("db.t3.micro")
        .engine("mysql")
        .engine_version("8.0.35")
        .allocated_storage(20)
        .master_username("admin")
        .master_user_password("not-a-secret-1")
        .backup_retention_period(1)
        .storage_type("gp3")
        .set_db_subnet_group_name(subnet_group.map(str::to_string))
        .set_db_parameter_group_name(params.map(str::to_string))
        .set_option_group_name(options.map(str::to_string))
        .set_vpc_security_group_ids((!groups.is_empty()).then(|| groups.to_vec()))
        .send()
        .await
        .unwrap();
}

fn spec(kind: CopyKind, id: &str, task_id: &str, restore: RestoreOptions) -> TaskSpec {
    TaskSpec {
        id: task_id.into(),
        kind,
        source_ids: vec![id.into()],
        names: BTreeMap::new(),
        source_region: "us-east-1".into(),
        target_region: "eu-west-1".into(),
        options: CopyOptions {
            restore: Some(restore),
            ..Default::default()
        },
        known_copies: BTreeMap::new(),
    }
}

#[tokio::test]
async fn the_landing_zone_is_made_from_the_sources_groups() {
    let f = seeded();
    let regions = regions_at(&f.server.endpoint(), sandbox_keys()).await;
    let (src, dst) = (&regions.source, &regions.target);

    let src_vpc = vpc(src, "10.61.0.0/16").await;
    let s1 = subnet(src, &src_vpc, "10.61.1.0/24", "us-east-1a", None).await;
    let s2 = subnet(src, &src_vpc, "10.61.2.0/24", "us-east-1b", None).await;
    src.rds
        .create_db_subnet_group()
        .db_subnet_group_name("lz-subnets")
        .db_subnet_group_description("shop db")
        .subnet_ids(&s1)
        .subnet_ids(&s2)
        .send()
        .await
        .unwrap();
    src.rds
        .create_db_parameter_group()
        .db_parameter_group_name("lz-params")
        .db_parameter_group_family("mysql8.0")
        .description("shop tuning")
        .send()
        .await
        .unwrap();
    src.rds
        .modify_db_parameter_group()
        .db_parameter_group_name("lz-params")
        .parameters(
            Parameter::builder()
                .parameter_name("max_connections")
                .parameter_value("150")
                .apply_method(ApplyMethod::Immediate)
                .build(),
        )
        .send()
        .await
        .unwrap();
    src.rds
        .create_option_group()
        .option_group_name("lz-options")
        .engine_name("mysql")
        .major_engine_version("8.0")
        .option_group_description("shop options")
        .send()
        .await
        .unwrap();
    src.rds
        .modify_option_group()
        .option_group_name("lz-options")
        .options_to_include(
            OptionConfiguration::builder()
                .option_name("MEMCACHED")
                .build(),
        )
        .options_to_include(
            OptionConfiguration::builder()
                .option_name("LZ_NOT_OFFERED")
                .build(),
        )
        .apply_immediately(true)
        .send()
        .await
        .unwrap();
    let src_sg = group(src, &src_vpc, "lz-db", None).await;
    mysql(
        src,
        "lz-db",
        Some("lz-subnets"),
        Some("lz-params"),
        Some("lz-options"),
        std::slice::from_ref(&src_sg),
    )
    .await;

    // The network clone's work, as tags on the target's subnets and group.
    let dst_vpc = vpc(dst, "10.62.0.0/16").await;
    let t1 = subnet(dst, &dst_vpc, "10.62.1.0/24", "eu-west-1a", Some(&s1)).await;
    let t2 = subnet(dst, &dst_vpc, "10.62.2.0/24", "eu-west-1b", Some(&s2)).await;
    let dst_sg = group(dst, &dst_vpc, "lz-db", Some(&src_sg)).await;

    let wanted = RestoreOptions {
        instance_id: "lz-db-eu".into(),
        ..Default::default()
    };
    let found = survey(&regions, "lz-db", wanted, &Picks::default())
        .await
        .unwrap();
    let plan = found.lines.join("\n");
    assert!(
        plan.contains("DB subnet group: lz-subnets, to make from"),
        "{plan}"
    );
    assert!(plan.contains("1 user-set parameters"), "{plan}");
    assert!(plan.contains("LZ_NOT_OFFERED"), "{plan}");
    assert_eq!(found.restore.security_group_ids, vec![dst_sg.clone()]);

    let task = run(
        &regions,
        spec(CopyKind::DbInstance, "lz-db", "lz-task-1", found.restore),
    )
    .await;
    assert_eq!(task.state, TaskState::Done, "{:#?}", task.history);
    assert_eq!(task.state_name(), "done with warnings");
    assert!(
        task.warnings.iter().any(|w| w.contains("LZ_NOT_OFFERED")),
        "{:?}",
        task.warnings
    );

    let groups = dst
        .rds
        .describe_db_subnet_groups()
        .db_subnet_group_name("lz-subnets")
        .send()
        .await
        .unwrap();
    let mut made: Vec<String> = groups.db_subnet_groups()[0]
        .subnets()
        .iter()
        .filter_map(|s| s.subnet_identifier().map(str::to_string))
        .collect();
    made.sort();
    let mut expected = vec![t1, t2];
    expected.sort();
    assert_eq!(made, expected, "the source's subnets, translated");

    let params = dst
        .rds
        .describe_db_parameters()
        .db_parameter_group_name("lz-params")
        .source("user")
        .send()
        .await
        .unwrap();
    let carried: Vec<(String, String)> = params
        .parameters()
        .iter()
        .map(|p| {
            (
                p.parameter_name().unwrap_or_default().to_string(),
                p.parameter_value().unwrap_or_default().to_string(),
            )
        })
        .collect();
    assert_eq!(carried, vec![("max_connections".into(), "150".into())]);
    let family = dst
        .rds
        .describe_db_parameter_groups()
        .db_parameter_group_name("lz-params")
        .send()
        .await
        .unwrap();
    assert_eq!(
        family.db_parameter_groups()[0].db_parameter_group_family(),
        Some("mysql8.0")
    );
    let options = dst
        .rds
        .describe_option_groups()
        .option_group_name("lz-options")
        .send()
        .await
        .unwrap();
    let names: Vec<&str> = options.option_groups_list()[0]
        .options()
        .iter()
        .filter_map(|o| o.option_name())
        .collect();
    assert_eq!(names, vec!["MEMCACHED"], "offered options only");

    let db = dst
        .rds
        .describe_db_instances()
        .db_instance_identifier("lz-db-eu")
        .send()
        .await
        .unwrap();
    let db = &db.db_instances()[0];
    assert_eq!(
        db.db_subnet_group().and_then(|g| g.db_subnet_group_name()),
        Some("lz-subnets")
    );
    let sgs: Vec<&str> = db
        .vpc_security_groups()
        .iter()
        .filter_map(|g| g.vpc_security_group_id())
        .collect();
    assert_eq!(sgs, vec![dst_sg.as_str()]);
    assert!(db
        .db_parameter_groups()
        .iter()
        .any(|g| g.db_parameter_group_name() == Some("lz-params")));
    assert!(db
        .option_group_memberships()
        .iter()
        .any(|g| g.option_group_name() == Some("lz-options")));
}

#[tokio::test]
async fn a_target_vpc_in_one_zone_is_refused_before_anything_is_made() {
    let f = seeded();
    let regions = regions_at(&f.server.endpoint(), sandbox_keys()).await;
    let (src, dst) = (&regions.source, &regions.target);
    let src_vpc = vpc(src, "10.63.0.0/16").await;
    let s1 = subnet(src, &src_vpc, "10.63.1.0/24", "us-east-1a", None).await;
    let s2 = subnet(src, &src_vpc, "10.63.2.0/24", "us-east-1b", None).await;
    src.rds
        .create_db_subnet_group()
        .db_subnet_group_name("oz-subnets")
        .db_subnet_group_description("one zone")
        .subnet_ids(&s1)
        .subnet_ids(&s2)
        .send()
        .await
        .unwrap();
    mysql(src, "oz-db", Some("oz-subnets"), None, None, &[]).await;
    let dst_vpc = vpc(dst, "10.64.0.0/16").await;
    subnet(dst, &dst_vpc, "10.64.1.0/24", "eu-west-1a", Some(&s1)).await;
    subnet(dst, &dst_vpc, "10.64.2.0/24", "eu-west-1a", Some(&s2)).await;
    let wanted = RestoreOptions {
        instance_id: "oz-db-eu".into(),
        ..Default::default()
    };
    let err = survey(&regions, "oz-db", wanted, &Picks::default())
        .await
        .unwrap_err()
        .to_string();
    assert!(err.contains("fewer than two AZs"), "{err}");
    let none = dst
        .rds
        .describe_db_subnet_groups()
        .db_subnet_group_name("oz-subnets")
        .send()
        .await;
    assert!(none.is_err(), "no subnet group was made");
}

fn cli(home: &std::path::Path, endpoint: &str, args: &[&str], stdin: Option<&str>) -> Output {
    let mut child = common::cutover_command(home)
        .env("AWS_ACCESS_KEY_ID", "test")
        .env("AWS_SECRET_ACCESS_KEY", "test-secret")
        .env("AWS_ENDPOINT_URL", endpoint)
        .args(["--source", "us-east-1", "--target", "eu-west-1"])
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    {
        let mut input = child.stdin.take().unwrap();
        if let Some(text) = stdin {
            input.write_all(text.as_bytes()).unwrap();
        }
    }
    child.wait_with_output().unwrap()
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

async fn tags_of(c: &cutover::cloud::Clients, id: &str) -> Option<BTreeMap<String, String>> {
    let out = c
        .rds
        .describe_db_instances()
        .db_instance_identifier(id)
        .send()
        .await
        .ok()?;
    Some(
        out.db_instances()
            .first()?
            .tag_list()
            .iter()
            .filter_map(|t| Some((t.key()?.to_string(), t.value()?.to_string())))
            .collect(),
    )
}

#[tokio::test]
async fn a_taken_name_is_refused_and_replace_renames_after_typing_it() {
    let f = seeded();
    let endpoint = f.server.endpoint();
    let regions = regions_at(&endpoint, sandbox_keys()).await;
    let (src, dst) = (&regions.source, &regions.target);
    mysql(src, "rs-db", None, None, None, &[]).await;
    // An older restore, still serving under the name.
    dst.rds
        .create_db_instance()
        .db_instance_identifier("rs-db-eu")
        .db_instance_class("db.t3.micro")
        .engine("mysql")
        .allocated_storage(20)
        .master_username("admin")
        .master_user_password("not-a-secret-1")
        .tags(
            aws_sdk_rds::types::Tag::builder()
                .key("owner")
                .value("older-restore")
                .build(),
        )
        .send()
        .await
        .unwrap();
    // moto names automated snapshots rds:ID-MINUTE, for every instance made
    // (whatever its retention): the new restore's would collide with the old
    // one's within the same minute. AWS does not; drop moto's.
    let automated = dst
        .rds
        .describe_db_snapshots()
        .db_instance_identifier("rs-db-eu")
        .snapshot_type("automated")
        .send()
        .await
        .unwrap();
    for s in automated.db_snapshots() {
        dst.rds
            .delete_db_snapshot()
            .db_snapshot_identifier(s.db_snapshot_identifier().unwrap())
            .send()
            .await
            .unwrap();
    }
    let home = tempfile::tempdir().unwrap();
    let args = [
        "copy",
        "--ids",
        "rs-db",
        "--restore-as",
        "rs-db-eu",
        "--no-db-subnet-group",
        "--yes",
        "--wait",
    ];
    let o = cli(home.path(), &endpoint, &args, None);
    assert!(!o.status.success(), "{}", text(&o.stderr));
    assert!(
        text(&o.stderr).contains("a DB instance named rs-db-eu already exists in eu-west-1"),
        "{}",
        text(&o.stderr)
    );
    let snaps = src
        .rds
        .describe_db_snapshots()
        .db_instance_identifier("rs-db")
        .snapshot_type("manual")
        .send()
        .await
        .unwrap();
    let made: Vec<&str> = snaps
        .db_snapshots()
        .iter()
        .filter_map(|s| s.db_snapshot_identifier())
        .filter(|id| id.starts_with("cutover-"))
        .collect();
    assert!(made.is_empty(), "nothing was made: {made:?}");

    let mut replace = args.to_vec();
    replace.push("--replace");
    let o = cli(home.path(), &endpoint, &replace, Some("rs-db\n"));
    assert!(!o.status.success());
    assert!(
        text(&o.stderr).contains("the name typed was not rs-db-eu"),
        "{}",
        text(&o.stderr)
    );
    assert_eq!(
        tags_of(dst, "rs-db-eu")
            .await
            .unwrap()
            .get("owner")
            .map(String::as_str),
        Some("older-restore"),
        "a wrong name changes nothing"
    );

    let o = cli(home.path(), &endpoint, &replace, Some("rs-db-eu\n"));
    assert!(o.status.success(), "{}", text(&o.stderr));
    let all = dst.rds.describe_db_instances().send().await.unwrap();
    let renamed: Vec<&str> = all
        .db_instances()
        .iter()
        .filter_map(|d| d.db_instance_identifier())
        .filter(|id| id.starts_with("rs-db-eu-old-"))
        .collect();
    assert_eq!(renamed.len(), 1, "{renamed:?}");
    assert_eq!(
        tags_of(dst, renamed[0])
            .await
            .unwrap()
            .get("owner")
            .map(String::as_str),
        Some("older-restore"),
        "the old instance keeps running under its new name"
    );
    let new = tags_of(dst, "rs-db-eu").await.unwrap();
    assert_eq!(new.get(SOURCE_ID_TAG).map(String::as_str), Some("rs-db"));
    assert!(new.contains_key(TASK_ID_TAG));
    let listed = cli(home.path(), &endpoint, &["tasks", "--output", "json"], None);
    let listed: serde_json::Value = serde_json::from_slice(&listed.stdout).unwrap();
    assert_eq!(
        listed[0]["state"], "done with warnings",
        "never plain done while the older one runs"
    );
}

#[tokio::test]
async fn a_replica_waits_replicating_and_is_promoted_on_the_operators_word() {
    let f = seeded();
    let endpoint = f.server.endpoint();
    let regions = regions_at(&endpoint, sandbox_keys()).await;
    let (src, dst) = (&regions.source, &regions.target);
    mysql(src, "rp-db", None, None, None, &[]).await;
    let home = tempfile::tempdir().unwrap();
    // moto refuses a cross-region replica given a DBSubnetGroupName: this
    // test places it in the default VPC (--no-db-subnet-group).
    let o = cli(
        home.path(),
        &endpoint,
        &[
            "copy",
            "--ids",
            "rp-db",
            "--replica",
            "--restore-as",
            "rp-db-eu",
            "--no-db-subnet-group",
            "--db-backup-retention",
            "9",
            "--yes",
            "--wait",
            "--output",
            "json",
        ],
        None,
    );
    assert!(o.status.success(), "{}", text(&o.stderr));
    let tasks: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(tasks[0]["state"], "replicating", "{}", text(&o.stderr));
    assert_eq!(tasks[0]["step"], "promote the read replica");
    let replica = dst
        .rds
        .describe_db_instances()
        .db_instance_identifier("rp-db-eu")
        .send()
        .await
        .unwrap();
    let replica = &replica.db_instances()[0];
    assert!(
        replica
            .read_replica_source_db_instance_identifier()
            .is_some_and(|s| s.ends_with(":db:rp-db")),
        "{replica:?}"
    );
    assert_eq!(
        replica.backup_retention_period(),
        Some(1),
        "as the source, until the promote"
    );

    // Report while replicating: the endpoint is there, marked read-only.
    let report = cli(
        home.path(),
        &endpoint,
        &["report", "--format", "json"],
        None,
    );
    let report: serde_json::Value = serde_json::from_slice(&report.stdout).unwrap();
    let e = &report["endpoints"][0];
    assert_eq!(e["kind"], "db");
    let source_host = src
        .rds
        .describe_db_instances()
        .db_instance_identifier("rp-db")
        .send()
        .await
        .unwrap();
    let source_host = source_host.db_instances()[0].endpoint().unwrap().clone();
    assert_eq!(
        e["source"],
        format!(
            "{}:{}",
            source_host.address().unwrap(),
            source_host.port().unwrap()
        )
    );
    let target_host = replica.endpoint().unwrap();
    assert_eq!(
        e["target"],
        format!(
            "{}:{}",
            target_host.address().unwrap(),
            target_host.port().unwrap()
        )
    );
    assert!(e["note"].as_str().unwrap().contains("read-only"));

    // Without --yes nothing happens.
    let o = cli(home.path(), &endpoint, &["db", "promote", "rp-db"], None);
    assert!(o.status.success(), "{}", text(&o.stderr));
    assert!(text(&o.stderr).contains("STOP WRITES IN THE SOURCE"));
    let journal =
        std::fs::read_to_string(home.path().join(".local/share/cutover/journal.jsonl")).unwrap();
    assert!(
        !journal.contains("promote_confirmed"),
        "nothing journaled without --yes"
    );

    let o = cli(
        home.path(),
        &endpoint,
        &["db", "promote", "rp-db", "--yes", "--wait"],
        None,
    );
    assert!(o.status.success(), "{}", text(&o.stderr));
    let listed = cli(home.path(), &endpoint, &["tasks", "--output", "json"], None);
    let listed: serde_json::Value = serde_json::from_slice(&listed.stdout).unwrap();
    assert_eq!(listed[0]["state"], "done", "{}", text(&o.stderr));
    // The promote call carried the backup retention asked for: moto applies it.
    let promoted = dst
        .rds
        .describe_db_instances()
        .db_instance_identifier("rp-db-eu")
        .send()
        .await
        .unwrap();
    assert_eq!(
        promoted.db_instances()[0].backup_retention_period(),
        Some(9)
    );
    assert_eq!(
        promoted.db_instances()[0].db_instance_status(),
        Some("available")
    );
    let journal =
        std::fs::read_to_string(home.path().join(".local/share/cutover/journal.jsonl")).unwrap();
    assert!(
        journal.contains("\"event\":\"promote_confirmed\""),
        "the journal records when the operator confirmed"
    );
    let again = cli(
        home.path(),
        &endpoint,
        &["db", "promote", "rp-db", "--yes"],
        None,
    );
    assert!(
        !again.status.success(),
        "a promoted replica is not promoted twice"
    );
}

#[tokio::test]
async fn bad_replica_input_is_refused_before_anything_is_made() {
    let f = seeded();
    let endpoint = f.server.endpoint();
    let regions = regions_at(&endpoint, sandbox_keys()).await;
    let (src, dst) = (&regions.source, &regions.target);
    src.rds
        .create_db_instance()
        .db_instance_identifier("nb-db")
        .db_instance_class("db.t3.micro")
        .engine("mysql")
        .allocated_storage(20)
        .master_username("admin")
        .master_user_password("not-a-secret-1")
        .backup_retention_period(0)
        .send()
        .await
        .unwrap();
    let home = tempfile::tempdir().unwrap();
    let o = cli(
        home.path(),
        &endpoint,
        &[
            "copy",
            "--ids",
            "nb-db",
            "--replica",
            "--no-db-subnet-group",
            "--yes",
        ],
        None,
    );
    assert!(!o.status.success());
    assert!(
        text(&o.stderr).contains("--backup-retention-period 7"),
        "{}",
        text(&o.stderr)
    );
    assert!(dst
        .rds
        .describe_db_instances()
        .db_instance_identifier("nb-db")
        .send()
        .await
        .is_err());
    assert!(!home
        .path()
        .join(".local/share/cutover/journal.jsonl")
        .exists());
}

#[tokio::test]
async fn an_aurora_cluster_snapshot_is_listed_and_copied() {
    let f = seeded();
    let endpoint = f.server.endpoint();
    let regions = regions_at(&endpoint, sandbox_keys()).await;
    let (src, dst) = (&regions.source, &regions.target);
    src.rds
        .create_db_cluster()
        .db_cluster_identifier("au-cluster")
        .engine("aurora-mysql")
        .master_username("admin")
        .master_user_password("not-a-secret-1")
        .send()
        .await
        .unwrap();
    src.rds
        .create_db_cluster_snapshot()
        .db_cluster_identifier("au-cluster")
        .db_cluster_snapshot_identifier("au-snap")
        .send()
        .await
        .unwrap();
    let home = tempfile::tempdir().unwrap();
    let listed = cli(
        home.path(),
        &endpoint,
        &["db", "clusters", "--output", "json"],
        None,
    );
    assert!(listed.status.success(), "{}", text(&listed.stderr));
    let listed: serde_json::Value = serde_json::from_slice(&listed.stdout).unwrap();
    let clusters = listed["source"]["clusters"].as_array().unwrap();
    assert!(clusters.iter().any(|c| c["id"] == "au-cluster"), "{listed}");
    let o = cli(
        home.path(),
        &endpoint,
        &[
            "copy", "--ids", "au-snap", "--yes", "--wait", "--output", "json",
        ],
        None,
    );
    assert!(o.status.success(), "{}", text(&o.stderr));
    let tasks: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(tasks[0]["state"], "done", "{}", text(&o.stderr));
    let copy = dst
        .rds
        .describe_db_cluster_snapshots()
        .db_cluster_snapshot_identifier("au-snap")
        .send()
        .await
        .unwrap();
    let copy = &copy.db_cluster_snapshots()[0];
    assert_eq!(copy.status(), Some("available"));
    assert!(copy
        .tag_list()
        .iter()
        .any(|t| t.key() == Some(SOURCE_ID_TAG) && t.value() == Some("au-snap")));
    // The inventory lists both kinds in both regions; the copy pairs.
    let o = cli(
        home.path(),
        &endpoint,
        &["inventory", "--kinds", "aurora,clsnap", "--output", "json"],
        None,
    );
    assert!(o.status.success(), "{}", text(&o.stderr));
    let doc: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let found = |kind: &str, region: &str, id: &str| {
        doc["resources"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["kind"] == kind && r["region"] == region && r["id"] == id)
            .cloned()
    };
    let cluster = found("db_cluster", "us-east-1", "au-cluster").expect("cluster listed");
    assert_eq!(cluster["details"]["engine"], "aurora-mysql", "{cluster}");
    let snap = found("db_cluster_snapshot", "us-east-1", "au-snap").expect("snapshot listed");
    assert_eq!(snap["details"]["cluster_id"], "au-cluster", "{snap}");
    assert_eq!(snap["counterpart"], "au-snap", "the copy pairs: {snap}");
    let target = found("db_cluster_snapshot", "eu-west-1", "au-snap").expect("copy listed");
    assert_eq!(target["tags"][SOURCE_ID_TAG], "au-snap", "{target}");
}
