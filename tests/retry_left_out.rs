#![allow(clippy::unwrap_used, clippy::expect_used)] // tests may panic: that is how they fail
//! A security-group copy done with warnings (a rule names a group not
//! copied) is retried for what it left out once that group has a copy: the
//! rules step runs again, the rule lands whole (its CIDR grant, already
//! there, does not stop the new group grant), and the warning goes.

mod common;

use aws_sdk_ec2::types as ec2;
use common::{regions_at, stop_at_exit, MemoryJournal};
use cutover::migrate::{Caps, CopyKind, CopyOptions, Scheduler, Task, TaskSpec, TaskState};
use cutover::sandbox::{sandbox_keys, MotoServer};
use std::sync::Arc;

fn server() -> &'static MotoServer {
    static SERVER: std::sync::OnceLock<MotoServer> = std::sync::OnceLock::new();
    SERVER.get_or_init(|| {
        let s = MotoServer::start(None).unwrap_or_else(|e| panic!("{e}"));
        stop_at_exit(s.pid());
        s
    })
}

fn spec(id: &str, group: &str) -> TaskSpec {
    TaskSpec {
        id: id.into(),
        kind: CopyKind::SecurityGroups,
        source_ids: vec![group.into()],
        names: Default::default(),
        source_region: "us-east-1".into(),
        target_region: "eu-west-1".into(),
        options: CopyOptions::default(),
        known_copies: Default::default(),
    }
}

async fn until_settled(s: &Scheduler, id: &str) -> Task {
    s.settled().await;
    s.task(id).unwrap()
}

#[tokio::test]
async fn rules_left_out_land_once_their_group_is_copied() {
    let regions = regions_at(&server().endpoint(), sandbox_keys()).await;
    let src = &regions.source.ec2;
    let vpc = src
        .describe_vpcs()
        .send()
        .await
        .unwrap()
        .vpcs()
        .iter()
        .find(|v| v.is_default() == Some(true))
        .and_then(|v| v.vpc_id().map(str::to_string))
        .expect("moto has a default VPC");
    let make = |name: &'static str| {
        let vpc = vpc.clone();
        async move {
            src.create_security_group()
                .group_name(name)
                .description(name)
                .vpc_id(vpc)
                .send()
                .await
                .unwrap()
                .group_id()
                .unwrap()
                .to_string()
        }
    };
    let db = make("retry-left-out-db").await;
    let app = make("retry-left-out-app").await;
    // One rule, two grants: a CIDR (always carried) and the app group.
    src.authorize_security_group_ingress()
        .group_id(&db)
        .ip_permissions(
            ec2::IpPermission::builder()
                .ip_protocol("tcp")
                .from_port(5432)
                .to_port(5432)
                .ip_ranges(ec2::IpRange::builder().cidr_ip("10.9.0.0/16").build())
                .user_id_group_pairs(ec2::UserIdGroupPair::builder().group_id(&app).build())
                .build(),
        )
        .send()
        .await
        .unwrap();

    let journal = Arc::new(MemoryJournal::default());
    let s = Scheduler::new(
        regions.clone(),
        journal.clone(),
        Caps::default(),
        Default::default(),
    );
    s.submit(spec("left-out-db", &db)).unwrap();
    let first = until_settled(&s, "left-out-db").await;
    assert_eq!(
        first.state_name(),
        "done with warnings",
        "{:#?}",
        first.history
    );
    assert_eq!(first.warnings.len(), 1, "{:?}", first.warnings);
    assert!(first.warnings[0].contains(&app));

    // Nothing to carry yet is not refused: the rule is just left out again.
    s.submit(spec("left-out-app", &app)).unwrap();
    let app_task = until_settled(&s, "left-out-app").await;
    assert_eq!(app_task.state, TaskState::Done, "{:#?}", app_task.history);
    let app_copy = app_task.copies()[&app].clone();

    s.retry_left_out("left-out-db").unwrap();
    let again = until_settled(&s, "left-out-db").await;
    assert_eq!(again.state_name(), "done", "{:#?}", again.history);
    assert!(again.warnings.is_empty(), "{:?}", again.warnings);

    let db_copy = again.copies()[&db].clone();
    let got = regions
        .target
        .ec2
        .describe_security_groups()
        .group_ids(&db_copy)
        .send()
        .await
        .unwrap();
    let grants: Vec<(Vec<String>, Vec<String>)> = got.security_groups()[0]
        .ip_permissions()
        .iter()
        .filter(|p| p.from_port() == Some(5432))
        .map(|p| {
            (
                p.ip_ranges()
                    .iter()
                    .filter_map(|r| r.cidr_ip().map(str::to_string))
                    .collect(),
                p.user_id_group_pairs()
                    .iter()
                    .filter_map(|g| g.group_id().map(str::to_string))
                    .collect(),
            )
        })
        .collect();
    let cidrs: Vec<&String> = grants.iter().flat_map(|(c, _)| c).collect();
    let groups: Vec<&String> = grants.iter().flat_map(|(_, g)| g).collect();
    assert_eq!(cidrs, [&"10.9.0.0/16".to_string()], "{grants:?}");
    assert_eq!(groups, [&app_copy], "the app group's copy is granted now");

    // A second retry has nothing left out to carry.
    assert!(s
        .retry_left_out("left-out-db")
        .unwrap_err()
        .to_string()
        .contains("only a task done with warnings"));
}

// ----- the same from the command line: `cutover tasks --retry ID` -----

fn cli(home: &std::path::Path, args: &[&str]) -> std::process::Output {
    common::cutover_command(home)
        .env("AWS_ACCESS_KEY_ID", "test")
        .env("AWS_SECRET_ACCESS_KEY", "test-secret")
        .env("AWS_ENDPOINT_URL", server().endpoint())
        .args(["--source", "us-east-1", "--target", "eu-west-1"])
        .args(args)
        .output()
        .unwrap()
}

fn stderr(o: &std::process::Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// The id of the task that copies `source`, from `cutover tasks -o json`.
fn task_of(home: &std::path::Path, source: &str) -> (String, serde_json::Value) {
    let o = cli(home, &["tasks", "--output", "json"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let tasks: Vec<serde_json::Value> = serde_json::from_slice(&o.stdout).unwrap();
    let task = tasks
        .into_iter()
        .find(|t| t["what"].as_str().is_some_and(|w| w.contains(source)))
        .unwrap_or_else(|| panic!("no task copies {source}"));
    (task["id"].as_str().unwrap().to_string(), task)
}

#[tokio::test]
async fn tasks_retry_on_a_task_done_with_warnings_carries_what_it_left_out() {
    let regions = regions_at(&server().endpoint(), sandbox_keys()).await;
    let src = &regions.source.ec2;
    let vpc = src
        .describe_vpcs()
        .send()
        .await
        .unwrap()
        .vpcs()
        .iter()
        .find(|v| v.is_default() == Some(true))
        .and_then(|v| v.vpc_id().map(str::to_string))
        .unwrap();
    let make = |name: &'static str| {
        let vpc = vpc.clone();
        async move {
            src.create_security_group()
                .group_name(name)
                .description(name)
                .vpc_id(vpc)
                .send()
                .await
                .unwrap()
                .group_id()
                .unwrap()
                .to_string()
        }
    };
    let db = make("cli-left-out-db").await;
    let app = make("cli-left-out-app").await;
    src.authorize_security_group_ingress()
        .group_id(&db)
        .ip_permissions(
            ec2::IpPermission::builder()
                .ip_protocol("tcp")
                .from_port(6379)
                .to_port(6379)
                .user_id_group_pairs(ec2::UserIdGroupPair::builder().group_id(&app).build())
                .build(),
        )
        .send()
        .await
        .unwrap();
    let home = common::temp_home("retry-left-out");

    let o = cli(&home, &["copy", "--ids", &db, "--yes", "--wait"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let (id, task) = task_of(&home, &db);
    assert_eq!(task["state"], "done with warnings", "{task}");

    // A change of options is for failed tasks: refused, nothing runs.
    let o = cli(
        &home,
        &["tasks", "--retry", &id, "--set", "target-vpc=vpc-1"],
    );
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains("is done with warnings (its retry carries what it left out"),
        "{}",
        stderr(&o)
    );

    // The group the rule names has no copy yet: the rule is left out
    // again, and the command says so with the fix.
    let o = cli(&home, &["tasks", "--retry", &id]);
    assert!(o.status.success(), "{}", stderr(&o));
    let said = stderr(&o);
    assert!(
        said.contains(&format!(
            "retrying what {id} left out, from step 2: add the rules"
        )),
        "{said}"
    );
    assert!(
        said.contains(&format!("{id}: still left out (1), each with its fix:")),
        "{said}"
    );
    assert!(said.contains(&app), "the warning names the group: {said}");

    let o = cli(&home, &["copy", "--ids", &app, "--yes", "--wait"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let (_, app_task) = task_of(&home, &app);
    let app_copy = app_task["copies"][&app].as_str().unwrap().to_string();

    let o = cli(&home, &["tasks", "--retry", &id]);
    assert!(o.status.success(), "{}", stderr(&o));
    let said = stderr(&o);
    assert!(
        said.contains(&format!("{id}: nothing is left out any more")),
        "{said}"
    );
    let (_, task) = task_of(&home, &db);
    assert_eq!(task["state"], "done", "{task}");

    // AWS holds the rule now, granting the app group's copy.
    let db_copy = task["copies"][&db].as_str().unwrap();
    let got = regions
        .target
        .ec2
        .describe_security_groups()
        .group_ids(db_copy)
        .send()
        .await
        .unwrap();
    let granted: Vec<String> = got.security_groups()[0]
        .ip_permissions()
        .iter()
        .filter(|p| p.from_port() == Some(6379))
        .flat_map(|p| p.user_id_group_pairs())
        .filter_map(|g| g.group_id().map(str::to_string))
        .collect();
    assert_eq!(granted, [app_copy]);

    // Nothing left out: the retry is refused, saying why.
    let o = cli(&home, &["tasks", "--retry", &id]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains(
            "only failed tasks, and what a task done with warnings left out, are retried"
        ),
        "{}",
        stderr(&o)
    );
}

#[test]
fn tasks_retry_says_what_must_be_added_by_hand_when_nothing_can_be_carried() {
    let home = common::temp_home("left-out-by-hand");
    let mut spec = spec("dbsnap-by-hand", "rds:shop-db-2026");
    spec.kind = CopyKind::DbSnapshot;
    use cutover::migrate::TaskJournal as _;
    let journal = cutover::journal::Journal::at(&home.join(".local/share/cutover/journal.jsonl"));
    let warning = "option group option TDE is not offered in eu-west-1: add it to the copy's option group by hand";
    for (at, event) in [
        cutover::migrate::TaskEvent::Created {
            spec: Box::new(spec.clone()),
        },
        cutover::migrate::TaskEvent::StepStarted { step: 0 },
        cutover::migrate::TaskEvent::Warning {
            text: warning.into(),
        },
        cutover::migrate::TaskEvent::StepDone {
            step: 0,
            outputs: Default::default(),
        },
        cutover::migrate::TaskEvent::Done,
    ]
    .iter()
    .enumerate()
    {
        journal.record_for(&spec, at as u64 + 1, event).unwrap();
    }
    drop(journal);
    let o = cli(&home, &["tasks", "--retry", "dbsnap-by-hand"]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let said = stderr(&o);
    assert!(
        said.contains("dbsnap-by-hand: still left out (1), each with its fix:"),
        "{said}"
    );
    assert!(said.contains(&format!("  - {warning}")), "{said}");
    assert!(
        said.contains("nothing of what dbsnap-by-hand left out is retried: what it left out has no copy to wait for"),
        "{said}"
    );
}
