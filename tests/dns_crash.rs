#![allow(clippy::unwrap_used, clippy::expect_used)] // tests may panic: that is how they fail
//! A DNS cutover killed with SIGKILL in the middle of a step (its change
//! sent, Route 53 still PENDING through the pacing proxy): Route 53 never
//! leaves the record without an answer, `dns status` says the outcome is
//! unknown, and the next `dns step` settles it before anything else. Route 53 is read with the SDK straight from moto.

mod common;

use common::{cutover_command, regions_at, seeded};
use cutover::cloud::dns_change::{self as r53, ChangeAction, RecordChange, RecordSet};
use cutover::cloud::Clients;
use cutover::sandbox::{sandbox_keys, PaceFaults, Proxy};
use std::time::{Duration, Instant};

const SOURCE_IP: &str = "192.0.2.10";
const TARGET_IP: &str = "198.51.100.7";

async fn zone_with_www(c: &Clients, zone: &str) -> String {
    let made = c
        .route53
        .create_hosted_zone()
        .name(zone)
        .caller_reference(format!("dns-crash-{}", std::process::id()))
        .send()
        .await
        .unwrap();
    let id = made
        .hosted_zone()
        .unwrap()
        .id()
        .trim_start_matches("/hostedzone/")
        .to_string();
    let www = RecordSet {
        name: format!("www.{zone}"),
        record_type: "A".into(),
        ttl: Some(300),
        set_identifier: None,
        weight: None,
        values: vec![SOURCE_IP.into()],
        alias: None,
        health_check_id: None,
    };
    let create = RecordChange {
        action: ChangeAction::Create,
        set: www,
    };
    r53::submit_batch(c, &id, "seed", &[create]).await.unwrap();
    id
}

/// What `www` answers now: the values of the sets with weight above 0.
async fn answers(c: &Clients, zone_id: &str, zone: &str) -> Vec<String> {
    let sets = r53::record_sets_named(c, zone_id, zone, &format!("www.{zone}"))
        .await
        .unwrap();
    sets.iter()
        .filter(|s| s.weight != Some(0))
        .flat_map(|s| s.values.clone())
        .collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn a_step_killed_while_pending_never_leaves_the_record_without_an_answer() {
    let moto = seeded().server.endpoint();
    let direct = regions_at(&moto, sandbox_keys()).await.source;
    let zone = format!("crash{}.example.com.", std::process::id());
    let zone_id = zone_with_www(&direct, &zone).await;
    let proxy = Proxy::start(
        &moto,
        None,
        PaceFaults {
            pace: Duration::from_secs(8),
            ..Default::default()
        },
    )
    .unwrap();
    let home = tempfile::tempdir().unwrap();
    let dns = |args: &[&str]| {
        let keys = sandbox_keys();
        let mut cmd = cutover_command(home.path());
        cmd.env("AWS_ACCESS_KEY_ID", keys.access_key_id)
            .env("AWS_SECRET_ACCESS_KEY", keys.secret_access_key)
            .env("AWS_ENDPOINT_URL", proxy.endpoint())
            .args(["--source", "us-east-1", "--target", "eu-west-1", "dns"])
            .args(args);
        cmd
    };
    let www = format!("www.{zone}");
    let at = ["--zone", zone_id.as_str(), "--record", www.as_str()];
    let mut step = dns(&[&["plan"], &at[..], &["--target-value", TARGET_IP, "--yes"]].concat())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();

    // Sample what www answers until the step's change is PENDING, then kill.
    let started = Instant::now();
    let mut samples = 0;
    while proxy.count(|r| r.call.action == "GetChange") == 0 {
        assert!(
            step.try_wait().unwrap().is_none(),
            "the step ended before INSYNC"
        );
        assert!(started.elapsed() < Duration::from_secs(60), "no GetChange");
        assert_ne!(
            answers(&direct, &zone_id, &zone).await,
            Vec::<String>::new()
        );
        samples += 1;
    }
    step.kill().unwrap();
    step.wait().unwrap();
    assert!(samples > 0);
    let after = answers(&direct, &zone_id, &zone).await;
    assert_eq!(
        after,
        vec![SOURCE_IP.to_string()],
        "the pair at 100/0 answers the source"
    );

    let status = dns(&[&["status"], &at[..]].concat()).output().unwrap();
    let said = format!(
        "{}{}",
        String::from_utf8_lossy(&status.stdout),
        String::from_utf8_lossy(&status.stderr)
    );
    eprintln!("{said}");
    assert!(!said.contains("panicked"), "{said}");
    assert!(status.status.success(), "status after the kill: {said}");
    assert_eq!(
        answers(&direct, &zone_id, &zone).await,
        vec![SOURCE_IP.to_string()]
    );

    // Resumed: the next step settles the one the kill interrupted.
    let resumed = dns(&[&["step"], &at[..], &["--yes"]].concat())
        .output()
        .unwrap();
    let said = format!(
        "{}{}",
        String::from_utf8_lossy(&resumed.stdout),
        String::from_utf8_lossy(&resumed.stderr)
    );
    eprintln!("step after the kill: {}\n{said}", resumed.status);
    assert!(!said.contains("panicked"), "{said}");
    // It waits the interrupted change out, then holds the next step for
    // the resolvers' caches (TTL 300 s): a refusal, not a second change.
    assert!(
        said.contains("INSYNC") && said.contains("not yet"),
        "{said}"
    );
    let status = dns(&[&["status"], &at[..]].concat()).output().unwrap();
    let said = String::from_utf8_lossy(&status.stdout).to_string();
    assert!(said.contains("1 of 4 steps done"), "{said}");
    assert_eq!(
        answers(&direct, &zone_id, &zone).await,
        vec![SOURCE_IP.to_string()]
    );
}
