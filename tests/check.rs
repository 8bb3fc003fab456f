#![allow(clippy::unwrap_used, clippy::expect_used)] // tests may panic: that is how they fail
//! `cutover check` against moto: each blocker and warning from an estate
//! seeded to trigger it, the JSON shape, exit codes, bad input, and that
//! `--read-only` makes no write call (counted on the wire by a proxy).

mod common;

use aws_sdk_ec2::types as ec2;
use aws_sdk_rds::types as rds;
use aws_sdk_route53::types as r53;
use aws_sdk_s3::types as s3;
use common::recorder::Recorder;
use common::{cutover_command, regions_at, stop_at_exit, temp_home};
use cutover::cloud::Regions;
use cutover::sandbox::{sandbox_keys, MotoServer};
use serde_json::Value;
use std::sync::OnceLock;

const AMI: &str = "ami-0a1b2c3d4e5f60718";

/// One moto server for this binary, with no estate: each test seeds its own,
/// under its own tag value and names.
fn server() -> &'static MotoServer {
    static SERVER: OnceLock<MotoServer> = OnceLock::new();
    SERVER.get_or_init(|| {
        let s = MotoServer::start(None).unwrap_or_else(|e| panic!("{e}"));
        stop_at_exit(s.pid());
        s
    })
}

async fn regions() -> Regions {
    regions_at(&server().endpoint(), sandbox_keys()).await
}

fn check(home: &std::path::Path, endpoint: &str, args: &[&str]) -> std::process::Output {
    cutover_command(home)
        .env("AWS_ACCESS_KEY_ID", "test")
        .env("AWS_SECRET_ACCESS_KEY", "test-secret")
        .args([
            "--source",
            "us-east-1",
            "--target",
            "eu-west-1",
            "--endpoint-url",
            endpoint,
            "check",
        ])
        .args(args)
        .output()
        .unwrap()
}

fn json_of(o: &std::process::Output) -> Value {
    serde_json::from_slice(&o.stdout).unwrap_or_else(|e| {
        panic!(
            "not JSON ({e}): {}\nstderr: {}",
            String::from_utf8_lossy(&o.stdout),
            String::from_utf8_lossy(&o.stderr)
        )
    })
}

/// The `check` names of one list of findings, sorted and deduplicated.
fn checks(doc: &Value, list: &str) -> Vec<String> {
    let mut out: Vec<String> = doc[list]
        .as_array()
        .unwrap_or_else(|| panic!("{list} is not a list: {doc}"))
        .iter()
        .map(|f| f["check"].as_str().unwrap().to_string())
        .collect();
    out.sort();
    out.dedup();
    out
}

fn finding<'a>(doc: &'a Value, list: &str, check: &str) -> Vec<&'a Value> {
    doc[list]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["check"] == check)
        .collect()
}

fn tag(key: &str, value: &str) -> ec2::Tag {
    ec2::Tag::builder().key(key).value(value).build()
}

fn tagged(kind: ec2::ResourceType, value: &str) -> ec2::TagSpecification {
    ec2::TagSpecification::builder()
        .resource_type(kind)
        .tags(tag("check", value))
        .build()
}

async fn vpc(r: &Regions, cidr: &str) -> String {
    let out = r
        .source
        .ec2
        .create_vpc()
        .cidr_block(cidr)
        .send()
        .await
        .unwrap();
    out.vpc().unwrap().vpc_id().unwrap().to_string()
}

async fn subnet(r: &Regions, vpc: &str, cidr: &str, az: &str) -> String {
    let out = r
        .source
        .ec2
        .create_subnet()
        .vpc_id(vpc)
        .cidr_block(cidr)
        .availability_zone(az)
        .send()
        .await
        .unwrap();
    out.subnet().unwrap().subnet_id().unwrap().to_string()
}

async fn instance(
    r: &Regions,
    subnet: &str,
    kind: &str,
    value: &str,
    user_data: Option<&str>,
) -> String {
    let out = r
        .source
        .ec2
        .run_instances()
        .image_id(AMI)
        .min_count(1)
        .max_count(1)
        .instance_type(ec2::InstanceType::from(kind))
        .subnet_id(subnet)
        .set_user_data(user_data.map(|u| aws_smithy_types::base64::encode(u.as_bytes())))
        .tag_specifications(tagged(ec2::ResourceType::Instance, value))
        .send()
        .await
        .unwrap();
    out.instances()[0].instance_id().unwrap().to_string()
}

async fn bucket(r: &Regions, name: &str, value: &str) {
    let c = &r.source.s3;
    c.create_bucket().bucket(name).send().await.unwrap();
    c.put_bucket_tagging()
        .bucket(name)
        .tagging(
            s3::Tagging::builder()
                .tag_set(
                    s3::Tag::builder()
                        .key("check")
                        .value(value)
                        .build()
                        .unwrap(),
                )
                .build()
                .unwrap(),
        )
        .send()
        .await
        .unwrap();
}

async fn put(
    r: &Regions,
    bucket: &str,
    key: &str,
    body: &'static [u8],
    class: Option<s3::StorageClass>,
) {
    r.source
        .s3
        .put_object()
        .bucket(bucket)
        .key(key)
        .body(aws_sdk_s3::primitives::ByteStream::from_static(body))
        .set_storage_class(class)
        .send()
        .await
        .unwrap();
}

fn rds_tag(value: &str) -> rds::Tag {
    rds::Tag::builder().key("check").value(value).build()
}

/// Four AZs, an instance type eu-west-1 does not offer, an Elastic IP the
/// full target cannot take, an archived object, an encrypted DB.
#[tokio::test(flavor = "multi_thread")]
async fn a_blocked_move_lists_each_blocker_and_exits_4() {
    let r = regions().await;
    let v = vpc(&r, "10.61.0.0/16").await;
    let mut first = None;
    for (n, az) in ["us-east-1a", "us-east-1b", "us-east-1c", "us-east-1d"]
        .iter()
        .enumerate()
    {
        let s = subnet(&r, &v, &format!("10.61.{n}.0/24"), az).await;
        let i = instance(&r, &s, "c9g.large", "blocked", None).await;
        first.get_or_insert(i);
    }
    let first = first.unwrap();
    let eip = r
        .source
        .ec2
        .allocate_address()
        .domain(ec2::DomainType::Vpc)
        .send()
        .await
        .unwrap();
    r.source
        .ec2
        .associate_address()
        .allocation_id(eip.allocation_id().unwrap())
        .instance_id(&first)
        .send()
        .await
        .unwrap();
    // Fill the target's Elastic IP quota (moto: 5).
    loop {
        let held = r.target.ec2.describe_addresses().send().await.unwrap();
        if held.addresses().len() >= 5 {
            break;
        }
        r.target
            .ec2
            .allocate_address()
            .domain(ec2::DomainType::Vpc)
            .send()
            .await
            .unwrap();
    }
    bucket(&r, "check-blocked-archive", "blocked").await;
    put(
        &r,
        "check-blocked-archive",
        "old/report.csv",
        b"a,b\n",
        Some(s3::StorageClass::Glacier),
    )
    .await;
    put(
        &r,
        "check-blocked-archive",
        "new/report.csv",
        b"a,b,c\n",
        None,
    )
    .await;
    r.source
        .rds
        .create_db_instance()
        .db_instance_identifier("check-blocked-db")
        .engine("mysql")
        .db_instance_class("db.t3.micro")
        .allocated_storage(20)
        .master_username("admin")
        .master_user_password("password123")
        .storage_encrypted(true)
        .tags(rds_tag("blocked"))
        .send()
        .await
        .unwrap();

    let home = temp_home("check-blocked");
    let o = check(
        &home,
        &server().endpoint(),
        &["--tag", "check=blocked", "-o", "json"],
    );
    assert_eq!(
        o.status.code(),
        Some(4),
        "stderr: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    let doc = json_of(&o);
    assert_eq!(doc["verdict"], "blocked");
    assert_eq!(
        (doc["source"].as_str(), doc["target"].as_str()),
        (Some("us-east-1"), Some("eu-west-1"))
    );
    assert_eq!(
        checks(&doc, "blockers"),
        [
            "az-count",
            "bucket-archived",
            "instance-type",
            "kms-key",
            "quota-eip"
        ]
    );
    let az = &finding(&doc, "blockers", "az-count")[0];
    assert!(
        az["message"].as_str().unwrap().contains("uses 4 AZs"),
        "{az}"
    );
    let types = &finding(&doc, "blockers", "instance-type")[0];
    assert!(
        types["fix"]
            .as_str()
            .unwrap()
            .starts_with("nearest offered: c8g.large"),
        "{types}"
    );
    let eips = &finding(&doc, "blockers", "quota-eip")[0];
    assert!(
        eips["message"]
            .as_str()
            .unwrap()
            .contains("holds 5 of at most 5"),
        "{eips}"
    );
    let archived = &finding(&doc, "blockers", "bucket-archived")[0];
    assert_eq!(archived["resource"], "check-blocked-archive");
    assert!(
        archived["message"]
            .as_str()
            .unwrap()
            .starts_with("1 objects"),
        "{archived}"
    );
    assert_eq!(
        finding(&doc, "blockers", "kms-key")[0]["resource"],
        "check-blocked-db"
    );
    // The shape every consumer relies on.
    for key in [
        "source", "target", "verdict", "selected", "blockers", "warnings", "notes", "order",
    ] {
        assert!(doc.get(key).is_some(), "no {key} in {doc}");
    }
    let stage = &doc["order"][0];
    for key in ["stage", "what", "ids", "why"] {
        assert!(stage.get(key).is_some(), "no {key} in {stage}");
    }
    let selected: Vec<&str> = doc["selected"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s.as_str().unwrap())
        .collect();
    assert!(
        selected.contains(&first.as_str()) && selected.contains(&v.as_str()),
        "{selected:?}"
    );
    assert!(
        selected.contains(&eip.allocation_id().unwrap()),
        "the instance's EIP comes with it"
    );

    // A KMS key clears the DB's blocker and nothing else.
    let o = check(
        &home,
        &server().endpoint(),
        &[
            "--tag",
            "check=blocked",
            "--kms-key-id",
            "alias/move",
            "-o",
            "json",
        ],
    );
    assert_eq!(o.status.code(), Some(4));
    assert_eq!(
        checks(&json_of(&o), "blockers"),
        ["az-count", "bucket-archived", "instance-type", "quota-eip"]
    );
    // Table and markdown carry the same verdict.
    let o = check(
        &home,
        &server().endpoint(),
        &["--tag", "check=blocked", "-o", "markdown"],
    );
    let md = String::from_utf8_lossy(&o.stdout);
    assert!(
        md.contains("**blocked**") && md.contains("| az-count |"),
        "{md}"
    );
    let _ = std::fs::remove_dir_all(home);
}

/// Everything that moves but needs a hand: warnings only, exit 0.
#[tokio::test(flavor = "multi_thread")]
async fn a_move_with_warnings_is_ready_and_says_what_to_fix() {
    let r = regions().await;
    let e = &r.source.ec2;
    let v = vpc(&r, "10.62.0.0/16").await;
    let s = subnet(&r, &v, "10.62.1.0/24", "us-east-1a").await;
    let i = instance(
        &r,
        &s,
        "t3.micro",
        "warned",
        Some("#!/bin/sh\naws s3 cp s3://x . --region us-east-1\n"),
    )
    .await;
    // A group whose rules name a group left out and a prefix list.
    let other = e
        .create_security_group()
        .group_name("check-warned-other")
        .description("x")
        .vpc_id(&v)
        .send()
        .await
        .unwrap();
    let web = e
        .create_security_group()
        .group_name("check-warned-web")
        .description("x")
        .vpc_id(&v)
        .tag_specifications(tagged(ec2::ResourceType::SecurityGroup, "warned"))
        .send()
        .await
        .unwrap();
    let pl = e
        .create_managed_prefix_list()
        .prefix_list_name("check-warned-office")
        .max_entries(5)
        .address_family("IPv4")
        .send()
        .await
        .unwrap();
    e.authorize_security_group_ingress()
        .group_id(web.group_id().unwrap())
        .ip_permissions(
            ec2::IpPermission::builder()
                .ip_protocol("tcp")
                .from_port(443)
                .to_port(443)
                .user_id_group_pairs(
                    ec2::UserIdGroupPair::builder()
                        .group_id(other.group_id().unwrap())
                        .build(),
                )
                .prefix_list_ids(
                    ec2::PrefixListId::builder()
                        .prefix_list_id(pl.prefix_list().unwrap().prefix_list_id().unwrap())
                        .build(),
                )
                .build(),
        )
        .send()
        .await
        .unwrap();
    // A route through a peering connection.
    let peer = vpc(&r, "10.63.0.0/16").await;
    let pcx = e
        .create_vpc_peering_connection()
        .vpc_id(&v)
        .peer_vpc_id(&peer)
        .send()
        .await
        .unwrap();
    let pcx = pcx
        .vpc_peering_connection()
        .unwrap()
        .vpc_peering_connection_id()
        .unwrap()
        .to_string();
    let rt = e.create_route_table().vpc_id(&v).send().await.unwrap();
    let rt = rt
        .route_table()
        .unwrap()
        .route_table_id()
        .unwrap()
        .to_string();
    e.create_route()
        .route_table_id(&rt)
        .destination_cidr_block("10.63.0.0/16")
        .vpc_peering_connection_id(&pcx)
        .send()
        .await
        .unwrap();
    e.create_launch_template()
        .launch_template_name("check-warned-lt")
        .launch_template_data(
            ec2::RequestLaunchTemplateData::builder()
                .user_data(aws_smithy_types::base64::encode(
                    "export AWS_REGION=us-east-1",
                ))
                .build(),
        )
        .send()
        .await
        .unwrap();
    // A versioned bucket whose policy names itself.
    bucket(&r, "check-warned-assets", "warned").await;
    r.source
        .s3
        .put_bucket_versioning()
        .bucket("check-warned-assets")
        .versioning_configuration(
            s3::VersioningConfiguration::builder()
                .status(s3::BucketVersioningStatus::Enabled)
                .build(),
        )
        .send()
        .await
        .unwrap();
    put(&r, "check-warned-assets", "a.txt", b"one", None).await;
    put(&r, "check-warned-assets", "a.txt", b"two!", None).await;
    put(&r, "check-warned-assets", "b.txt", b"bee", None).await;
    let policy = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:root"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::check-warned-assets/*","Condition":{"StringEquals":{"aws:SourceArn":"arn:aws:sns:us-east-1:123456789012:uploads"}}}]}"#;
    r.source
        .s3
        .put_bucket_policy()
        .bucket("check-warned-assets")
        .policy(policy)
        .send()
        .await
        .unwrap();
    // A DB with no replica path, no backups, its own option and parameter groups.
    let d = &r.source.rds;
    d.create_option_group()
        .option_group_name("check-warned-og")
        .engine_name("sqlserver-ex")
        .major_engine_version("15.00")
        .option_group_description("x")
        .send()
        .await
        .unwrap();
    d.create_db_parameter_group()
        .db_parameter_group_name("check-warned-pg")
        .db_parameter_group_family("sqlserver-ex-15.0")
        .description("x")
        .send()
        .await
        .unwrap();
    d.modify_db_parameter_group()
        .db_parameter_group_name("check-warned-pg")
        .parameters(
            rds::Parameter::builder()
                .parameter_name("alert_topic")
                .parameter_value("arn:aws:sns:us-east-1:123456789012:db-alerts")
                .apply_method(rds::ApplyMethod::Immediate)
                .build(),
        )
        .send()
        .await
        .unwrap();
    d.create_db_instance()
        .db_instance_identifier("check-warned-db")
        .engine("sqlserver-ex")
        .db_instance_class("db.t3.micro")
        .allocated_storage(20)
        .master_username("admin")
        .master_user_password("password123")
        .backup_retention_period(0)
        .option_group_name("check-warned-og")
        .db_parameter_group_name("check-warned-pg")
        .tags(rds_tag("warned"))
        .send()
        .await
        .unwrap();
    // Records: a day-long TTL with a health check, and a weighted one.
    let zone = r
        .source
        .route53
        .create_hosted_zone()
        .name("check-warned.example.com")
        .caller_reference("check-warned")
        .send()
        .await
        .unwrap();
    let zone_id = zone
        .hosted_zone()
        .unwrap()
        .id()
        .trim_start_matches("/hostedzone/")
        .to_string();
    let hc = r
        .source
        .route53
        .create_health_check()
        .caller_reference("check-warned-hc")
        .health_check_config(
            r53::HealthCheckConfig::builder()
                .r#type(r53::HealthCheckType::Http)
                .ip_address("192.0.2.10")
                .port(80)
                .resource_path("/")
                .build()
                .unwrap(),
        )
        .send()
        .await
        .unwrap();
    let hc = hc.health_check().unwrap().id().to_string();
    let set = |name: &str, ttl: i64, weighted: bool, hc: Option<&str>| {
        let mut b = r53::ResourceRecordSet::builder()
            .name(name)
            .r#type(r53::RrType::A)
            .ttl(ttl)
            .resource_records(
                r53::ResourceRecord::builder()
                    .value("192.0.2.10")
                    .build()
                    .unwrap(),
            )
            .set_health_check_id(hc.map(str::to_string));
        if weighted {
            b = b.set_identifier("blue").weight(100);
        }
        r53::Change::builder()
            .action(r53::ChangeAction::Create)
            .resource_record_set(b.build().unwrap())
            .build()
            .unwrap()
    };
    r.source
        .route53
        .change_resource_record_sets()
        .hosted_zone_id(&zone_id)
        .change_batch(
            r53::ChangeBatch::builder()
                .changes(set(
                    "www.check-warned.example.com",
                    86_400,
                    false,
                    Some(&hc),
                ))
                .changes(set("api.check-warned.example.com", 60, true, None))
                .build()
                .unwrap(),
        )
        .send()
        .await
        .unwrap();
    let www = format!("{zone_id}/www.check-warned.example.com./A");
    let api = format!("{zone_id}/api.check-warned.example.com./A/blue");

    let home = temp_home("check-warned");
    let ids = format!("{www},{api}");
    let o = check(
        &home,
        &server().endpoint(),
        &["--tag", "check=warned", "--ids", &ids, "-o", "json"],
    );
    assert_eq!(
        o.status.code(),
        Some(0),
        "stderr: {}\n{}",
        String::from_utf8_lossy(&o.stderr),
        String::from_utf8_lossy(&o.stdout)
    );
    let doc = json_of(&o);
    assert_eq!(doc["verdict"], "ready");
    assert_eq!(doc["blockers"], Value::Array(vec![]));
    assert_eq!(
        checks(&doc, "warnings"),
        [
            "ami-missing",
            "db-no-backups",
            "db-no-replica",
            "db-option-group",
            "pinned-region",
            "bucket-policy-names-source",
            "bucket-versions",
            "record-health-check",
            "record-ttl",
            "record-weighted",
            "reserved-unknown",
            "route-untranslatable",
            "sg-prefix-list",
            "sg-rule-outside",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .collect::<Vec<_>>(),
        "no read failed (no not-checked), and each seeded case was found"
    );
    let places: Vec<&str> = finding(&doc, "warnings", "pinned-region")
        .iter()
        .map(|f| f["resource"].as_str().unwrap())
        .collect();
    for want in [
        format!("instance {i} user data"),
        "bucket check-warned-assets policy".to_string(),
        "DB check-warned-db parameter group check-warned-pg: alert_topic".to_string(),
    ] {
        assert!(places.contains(&want.as_str()), "{want} not in {places:?}");
    }
    assert!(
        places
            .iter()
            .any(|p| p.contains("(check-warned-lt)") && p.ends_with("user data")),
        "{places:?}"
    );
    let ttl = &finding(&doc, "warnings", "record-ttl")[0];
    assert_eq!(ttl["resource"], www.as_str());
    assert!(
        ttl["message"].as_str().unwrap().contains("at least 25.1 h"),
        "{ttl}"
    );
    let route = &finding(&doc, "warnings", "route-untranslatable")[0];
    assert!(route["message"].as_str().unwrap().contains(&pcx), "{route}");
    let versions = &finding(&doc, "warnings", "bucket-versions")[0];
    assert!(
        versions["message"]
            .as_str()
            .unwrap()
            .starts_with("1 old versions"),
        "{versions}"
    );
    let size = &finding(&doc, "notes", "bucket-size")[0];
    assert!(
        size["message"]
            .as_str()
            .unwrap()
            .starts_with("2 objects, 7 bytes"),
        "{size}"
    );
    let outside = &finding(&doc, "warnings", "sg-rule-outside")[0];
    assert!(
        outside["message"]
            .as_str()
            .unwrap()
            .contains(other.group_id().unwrap()),
        "{outside}"
    );
    let _ = std::fs::remove_dir_all(home);
}

#[test]
fn bad_input_exits_1_with_what_to_do() {
    let home = temp_home("check-bad");
    let ep = server().endpoint();
    for (args, needle) in [
        (vec![], "give --ids"),
        (vec!["--tag", "app"], "--tag must be KEY=VALUE"),
        (
            vec!["--ids", "i-0doesnotexist"],
            "not found in the source region: i-0doesnotexist",
        ),
        (
            vec!["--tag", "check=nobody-has-this"],
            "no source resource has the tag check=nobody-has-this",
        ),
    ] {
        let o = check(&home, &ep, &args);
        let err = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(1), "{args:?}: {err}");
        assert!(
            err.contains(needle),
            "{args:?}: expected '{needle}' in {err}"
        );
    }
    let _ = std::fs::remove_dir_all(home);
}

#[tokio::test(flavor = "multi_thread")]
async fn read_only_check_makes_no_write_call() {
    let r = regions().await;
    let v = vpc(&r, "10.64.0.0/16").await;
    let s = subnet(&r, &v, "10.64.1.0/24", "us-east-1b").await;
    instance(&r, &s, "t3.micro", "readonly", Some("region=us-east-1")).await;
    bucket(&r, "check-readonly-data", "readonly").await;
    put(&r, "check-readonly-data", "k", b"v", None).await;

    let proxy = Recorder::start(server().port());
    let home = temp_home("check-readonly");
    let o = check(
        &home,
        &format!("http://127.0.0.1:{}", proxy.port),
        &["--read-only", "--tag", "check=readonly", "-o", "json"],
    );
    assert_eq!(
        o.status.code(),
        Some(0),
        "stderr: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    let doc = json_of(&o);
    assert_eq!(
        finding(&doc, "warnings", "not-checked"),
        Vec::<&Value>::new(),
        "every read went through the proxy and worked"
    );
    let (calls, writes) = proxy.calls();
    for want in [
        "Action=DescribeInstanceTypeOfferings",
        "Action=DescribeAccountAttributes",
        "Action=DescribeInstanceAttribute",
    ] {
        let name = want.trim_start_matches("Action=");
        assert!(
            calls.iter().any(|c| c == name),
            "{name} not seen: {calls:?}"
        );
    }
    assert!(
        calls
            .iter()
            .any(|c| c.starts_with("GET /check-readonly-data/?versions")),
        "{calls:?}"
    );
    assert_eq!(writes, Vec::<String>::new(), "check wrote: {writes:?}");

    // The recorder does see writes: the same proxy, two writes through it.
    let via = regions_at(&format!("http://127.0.0.1:{}", proxy.port), sandbox_keys()).await;
    via.source
        .ec2
        .create_tags()
        .resources(&v)
        .tags(tag("seen", "yes"))
        .send()
        .await
        .unwrap();
    put(&via, "check-readonly-data", "seen", b"yes", None).await;
    let (_, writes) = proxy.calls();
    assert_eq!(
        writes,
        [
            "CreateTags".to_string(),
            "PUT /check-readonly-data/seen?x-id=PutObject".to_string()
        ]
    );
    let _ = std::fs::remove_dir_all(home);
}

/// `cutover window` journals the clock; `report` shows it in the timeline.
#[test]
fn window_open_close_and_the_report_timeline() {
    let home = temp_home("check-window");
    let run = |args: &[&str]| cutover_command(&home).args(args).output().unwrap();
    let text = |o: &std::process::Output| String::from_utf8_lossy(&o.stdout).into_owned();

    let o = run(&["window", "close"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&o.stderr).contains("no window is open"));
    let o = run(&["--read-only", "window", "open"]);
    assert_eq!(
        o.status.code(),
        Some(1),
        "read-only refuses to start the clock"
    );
    assert!(text(&run(&["window", "status"])).contains("no window yet"));

    let o = run(&["window", "open"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(text(&o).starts_with("window open since "));
    assert!(text(&run(&["window", "status"])).contains("so far"));
    let o = run(&["window", "open"]);
    assert!(String::from_utf8_lossy(&o.stderr).contains("a window is already open"));
    let o = run(&["window", "close"]);
    assert!(o.status.success());
    assert!(text(&o).contains("; RTO "), "{}", text(&o));

    let report = text(&run(&["report"]));
    assert!(report.contains("## Timeline"), "{report}");
    assert!(
        report.contains("| window opened |") && report.contains("window closed: RTO"),
        "{report}"
    );
    assert!(
        report.contains("Measured RTO (the last window)"),
        "{report}"
    );
    let json: Value = serde_json::from_str(&text(&run(&["report", "--format", "json"]))).unwrap();
    assert_eq!(
        json["timeline"]["moments"].as_array().map(Vec::len),
        Some(2),
        "{json}"
    );
    assert!(json["timeline"]["rto_seconds"].is_u64(), "{json}");
    let _ = std::fs::remove_dir_all(home);
}
