//! The DNS cutover against moto_server: the records in Route 53 after each
//! step, rollback, collapse, resume from the journal after a crash, and the
//! headless CLI. Each test has its own moto_server, zone and journal.

mod common;

use common::{cutover_command, regions_at, temp_home};
use cutover::cloud::dns_change::{self as r53, ChangeAction, RecordChange, RecordSet};
use cutover::cloud::Clients;
use cutover::cutover::{
    Action, Clock, DnsCutover, DnsError, DnsEvent, DnsStep, ManualClock, PlanChoices, RecordState,
    Weights,
};
use cutover::journal::{Entry, Journal};
use cutover::sandbox::{sandbox_keys, MotoServer};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

const ZONE: &str = "shop.example.com.";
const WWW: &str = "www.shop.example.com.";
const SOURCE_IP: &str = "192.0.2.10";
const TARGET_IP: &str = "198.51.100.7";

struct Sandbox {
    server: MotoServer,
    route53: Clients,
    zone_id: String,
    journal: PathBuf,
}

/// A fresh moto_server with zone shop.example.com.: `www` A 300 s to the source.
async fn sandbox(name: &str) -> Sandbox {
    let server = MotoServer::start(None).unwrap_or_else(|e| panic!("{e}"));
    let regions = regions_at(&server.endpoint(), sandbox_keys()).await;
    let zone = regions
        .source
        .route53
        .create_hosted_zone()
        .name(ZONE)
        .caller_reference(format!("dns-test-{name}"))
        .send()
        .await
        .unwrap();
    let zone_id = zone
        .hosted_zone()
        .unwrap()
        .id()
        .trim_start_matches("/hostedzone/")
        .to_string();
    let www = simple("A", WWW, 300, SOURCE_IP);
    let app = simple(
        "CNAME",
        "app.shop.example.com.",
        300,
        "web.us-east-1.example.net.",
    );
    let create = |set| RecordChange {
        action: ChangeAction::Create,
        set,
    };
    r53::submit_batch(
        &regions.source,
        &zone_id,
        "seed",
        &[create(www), create(app)],
    )
    .await
    .unwrap();
    let journal = temp_home(&format!("dns-{name}")).join("journal.jsonl");
    Sandbox {
        server,
        route53: regions.source,
        zone_id,
        journal,
    }
}

fn simple(record_type: &str, name: &str, ttl: i64, value: &str) -> RecordSet {
    RecordSet {
        name: name.into(),
        record_type: record_type.into(),
        ttl: Some(ttl),
        set_identifier: None,
        weight: None,
        values: vec![value.into()],
        alias: None,
    }
}

fn start_time() -> SystemTime {
    UNIX_EPOCH + Duration::from_secs(1_800_000_000)
}

impl Sandbox {
    fn engine(&self, clock: &Arc<ManualClock>) -> DnsCutover {
        let journal = Arc::new(Journal::at(&self.journal));
        let regions = ("us-east-1".to_string(), "eu-west-1".to_string());
        DnsCutover::new(self.route53.clone(), journal, clock.clone(), regions)
    }

    async fn www(&self) -> Vec<RecordSet> {
        let mut sets = r53::record_sets_named(&self.route53, &self.zone_id, ZONE, WWW)
            .await
            .unwrap();
        sets.sort_by(|a, b| a.set_identifier.cmp(&b.set_identifier));
        sets
    }

    /// Asserts Route 53 holds the weighted pair at these weights and TTL, and nothing else.
    async fn assert_pair(&self, source: i64, target: i64, ttl: i64) {
        let sets = self.www().await;
        let weighted = |id: &str, weight: i64, value: &str| RecordSet {
            set_identifier: Some(id.into()),
            weight: Some(weight),
            ..simple("A", WWW, ttl, value)
        };
        assert_eq!(
            sets,
            vec![
                weighted("eu-west-1", target, TARGET_IP),
                weighted("us-east-1", source, SOURCE_IP),
            ]
        );
    }
}

fn weights(source: u8, target: u8) -> Weights {
    Weights { source, target }
}

#[tokio::test]
async fn every_step_is_made_in_route53_after_its_cache_wait() {
    let sb = sandbox("steps").await;
    let clock = Arc::new(ManualClock::at(start_time()));
    let engine = sb.engine(&clock);
    let plan = engine
        .propose(
            &sb.zone_id,
            "www.shop.example.com",
            TARGET_IP,
            &PlanChoices::default(),
        )
        .await
        .unwrap();
    assert_eq!(plan.steps.len(), 6);
    assert!(
        engine.load(&sb.zone_id, WWW).unwrap().is_none(),
        "proposing writes nothing"
    );
    engine.adopt(&plan).unwrap();

    // Step 1: simple -> weighted pair 100/0 in one batch, the simple record gone.
    let o = engine.step(&sb.zone_id, WWW, false).await.unwrap();
    assert!(!o.change_id.is_empty());
    sb.assert_pair(100, 0, 300).await;
    assert_eq!(
        o.next_safe_at,
        Some(start_time() + Duration::from_secs(300))
    );

    // Too early: refused, and nothing changes.
    match engine.step(&sb.zone_id, WWW, false).await {
        Err(DnsError::TooEarly { left, next, .. }) => {
            assert_eq!(left, Duration::from_secs(300));
            assert!(next.contains("lower the TTL to 60s"), "{next}");
        }
        other => panic!("expected a cache wait, got {other:?}"),
    }
    sb.assert_pair(100, 0, 300).await;

    // Step 2: TTL 60 on both; the wait after it is the OLD TTL (300 s).
    clock.advance(Duration::from_secs(300));
    engine.step(&sb.zone_id, WWW, false).await.unwrap();
    sb.assert_pair(100, 0, 60).await;
    clock.advance(Duration::from_secs(299));
    assert!(matches!(
        engine.step(&sb.zone_id, WWW, false).await,
        Err(DnsError::TooEarly { .. })
    ));
    clock.advance(Duration::from_secs(1));

    // Weight steps hold the current TTL (60 s) between them.
    for (s, t) in [(90, 10), (50, 50), (0, 100)] {
        let o = engine.step(&sb.zone_id, WWW, false).await.unwrap();
        assert_eq!(
            o.state,
            RecordState::Weighted {
                ttl: Some(60),
                weights: weights(s, t)
            }
        );
        sb.assert_pair(i64::from(s), i64::from(t), 60).await;
        clock.advance(Duration::from_secs(60));
    }

    // Restore the original TTL; the pair stays so rollback is one batch away.
    engine.step(&sb.zone_id, WWW, false).await.unwrap();
    sb.assert_pair(0, 100, 300).await;
    let status = engine.status(&sb.zone_id, WWW).await.unwrap();
    assert!(status.progress.finished() && !status.drift);
    assert!(matches!(
        engine.step(&sb.zone_id, WWW, false).await,
        Err(DnsError::State(_))
    ));
}

#[tokio::test]
async fn rollback_from_the_middle_and_forced_steps_are_journaled() {
    let sb = sandbox("rollback").await;
    let clock = Arc::new(ManualClock::at(start_time()));
    let engine = sb.engine(&clock);
    let plan = engine
        .propose(&sb.zone_id, WWW, TARGET_IP, &PlanChoices::default())
        .await
        .unwrap();
    engine.adopt(&plan).unwrap();
    engine.step(&sb.zone_id, WWW, false).await.unwrap();
    for _ in 0..3 {
        engine.step(&sb.zone_id, WWW, true).await.unwrap(); // no clock advance: forced
    }
    sb.assert_pair(50, 50, 60).await;
    assert!(
        engine.adopt(&plan).is_err(),
        "a plan under way is not replaced"
    );

    let o = engine.rollback(&sb.zone_id, WWW).await.unwrap();
    assert_eq!(o.action, Action::Rollback);
    sb.assert_pair(100, 0, 60).await;
    let p = engine.load(&sb.zone_id, WWW).unwrap().unwrap();
    assert_eq!(p.overrides, 3);
    assert!(p.rolled_back);
    assert_eq!(
        p.next_step().unwrap().1.step,
        DnsStep::ShiftWeights {
            to: weights(90, 10)
        }
    );
    assert!(matches!(
        engine.rollback(&sb.zone_id, WWW).await,
        Err(DnsError::State(_))
    ));
}

#[tokio::test]
async fn collapse_leaves_one_simple_record_answering_the_target() {
    let sb = sandbox("collapse").await;
    let clock = Arc::new(ManualClock::at(start_time()));
    let engine = sb.engine(&clock);
    let choices = PlanChoices {
        weights: Some(vec![weights(100, 0), weights(0, 100)]),
        collapse: true,
        ..Default::default()
    };
    let plan = engine
        .propose(&sb.zone_id, WWW, TARGET_IP, &choices)
        .await
        .unwrap();
    engine.adopt(&plan).unwrap();
    for _ in 0..plan.steps.len() {
        clock.advance(Duration::from_secs(3600));
        engine.step(&sb.zone_id, WWW, false).await.unwrap();
    }
    let sets = sb.www().await;
    assert_eq!(sets, vec![simple("A", WWW, 300, TARGET_IP)]);
    // Rollback still works from a collapsed record: back to the pair at 100/0.
    engine.rollback(&sb.zone_id, WWW).await.unwrap();
    sb.assert_pair(100, 0, 300).await;
}

#[tokio::test]
async fn a_new_engine_resumes_from_the_journal_and_settles_crashes_by_reading_route53() {
    let sb = sandbox("resume").await;
    let clock = Arc::new(ManualClock::at(start_time()));
    let first = sb.engine(&clock);
    let plan = first
        .propose(&sb.zone_id, WWW, TARGET_IP, &PlanChoices::default())
        .await
        .unwrap();
    first.adopt(&plan).unwrap();
    first.step(&sb.zone_id, WWW, false).await.unwrap();
    drop(first);

    // A new process: the plan, the step done and the wait come from the journal.
    let second = sb.engine(&clock);
    let p = second
        .load(&sb.zone_id, "WWW.shop.example.com")
        .unwrap()
        .unwrap();
    assert_eq!(p.done, 1);
    assert_eq!(p.wait_left(clock.now()), Some(Duration::from_secs(300)));

    // Crash after the intent, before Route 53 was asked: found unchanged.
    let topic = format!("dns:{}:{WWW}", sb.zone_id);
    let journal = Journal::at(&sb.journal);
    let (from, to) = (plan.steps[0].after, plan.steps[1].after);
    let intent = DnsEvent::Intent {
        action: Action::Step { index: 1 },
        from,
        to,
        changes: vec![],
    };
    journal
        .append(&Entry::new(clock.now(), "dns", &topic, &intent).unwrap())
        .unwrap();
    let p = second.resume(&sb.zone_id, WWW).await.unwrap();
    assert_eq!(
        (p.done, p.pending.is_none()),
        (1, true),
        "not applied: the step is offered again"
    );

    // Crash after Route 53 took the batch, before its id was journaled: found applied.
    journal
        .append(&Entry::new(clock.now(), "dns", &topic, &intent).unwrap())
        .unwrap();
    let desired = plan.sets_for(to);
    let upserts: Vec<RecordChange> = desired
        .into_iter()
        .map(|set| RecordChange {
            action: ChangeAction::Upsert,
            set,
        })
        .collect();
    r53::submit_batch(&sb.route53, &sb.zone_id, "crashed run", &upserts)
        .await
        .unwrap();
    clock.advance(Duration::from_secs(10));
    let p = sb.engine(&clock).resume(&sb.zone_id, WWW).await.unwrap();
    assert_eq!(p.done, 2);
    assert_eq!(p.state, to);
    assert_eq!(
        p.wait_left(clock.now()),
        Some(Duration::from_secs(300)),
        "the wait starts when it was found"
    );

    // Someone else edits the record: the engine refuses rather than guess.
    let foreign = RecordSet {
        values: vec!["203.0.113.99".into()],
        ..plan.sets_for(to)[1].clone()
    };
    r53::submit_batch(
        &sb.route53,
        &sb.zone_id,
        "by hand",
        &[RecordChange {
            action: ChangeAction::Upsert,
            set: foreign,
        }],
    )
    .await
    .unwrap();
    assert!(
        sb.engine(&clock)
            .status(&sb.zone_id, WWW)
            .await
            .unwrap()
            .drift
    );
    assert!(matches!(
        sb.engine(&clock).step(&sb.zone_id, WWW, true).await,
        Err(DnsError::Drift(_))
    ));
}

fn cli(sb: &Sandbox, home: &std::path::Path, args: &[&str]) -> std::process::Output {
    let mut cmd = cutover_command(home);
    cmd.env("AWS_ACCESS_KEY_ID", "test")
        .env("AWS_SECRET_ACCESS_KEY", "test-secret")
        .env("AWS_ENDPOINT_URL", sb.server.endpoint())
        .args(["--source", "us-east-1", "--target", "eu-west-1", "dns"])
        .args(args);
    cmd.output().unwrap()
}

fn text(o: &std::process::Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

fn journal_in(home: &std::path::Path) -> PathBuf {
    home.join(".local/share/cutover/journal.jsonl")
}

#[tokio::test]
async fn headless_cli_end_to_end() {
    let sb = sandbox("cli").await;
    let home = temp_home("dns-cli");
    let at = ["--zone", &sb.zone_id, "--record", "www.shop.example.com"];
    let plan = |extra: &[&str]| {
        cli(
            &sb,
            &home,
            &[&["plan"], &at[..], &["--target-value", TARGET_IP], extra].concat(),
        )
    };

    let o = plan(&[]);
    assert!(o.status.success(), "{}", text(&o));
    let out = text(&o);
    assert!(
        out.contains("make the record a weighted pair") && out.contains("pass --yes"),
        "{out}"
    );
    assert!(!journal_in(&home).exists(), "no --yes: nothing written");

    let o = cli(
        &sb,
        &home,
        &[
            "--read-only",
            "plan",
            "--zone",
            &sb.zone_id,
            "--record",
            WWW,
            "--target-value",
            TARGET_IP,
            "--yes",
        ],
    );
    assert!(
        !o.status.success() && text(&o).contains("read-only"),
        "{}",
        text(&o)
    );
    assert_eq!(sb.www().await, vec![simple("A", WWW, 300, SOURCE_IP)]);

    let o = plan(&["--yes"]);
    assert!(o.status.success(), "{}", text(&o));
    assert!(text(&o).contains("INSYNC"), "{}", text(&o));
    sb.assert_pair(100, 0, 300).await;

    let step = |extra: &[&str]| cli(&sb, &home, &[&["step"], &at[..], extra].concat());
    let o = step(&["--yes"]);
    assert!(!o.status.success(), "the 300 s cache wait runs");
    assert!(
        text(&o).contains("--force") && text(&o).contains("UTC"),
        "{}",
        text(&o)
    );
    let o = step(&[]);
    assert!(
        o.status.success() && text(&o).contains("next: step 2 of 6"),
        "{}",
        text(&o)
    );
    let o = step(&["--yes", "--force"]);
    assert!(o.status.success(), "{}", text(&o));
    sb.assert_pair(100, 0, 60).await;

    let o = cli(
        &sb,
        &home,
        &[&["status"], &at[..], &["--output", "json"]].concat(),
    );
    assert!(o.status.success(), "{}", text(&o));
    let doc: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(doc["steps_done"], 2);
    assert_eq!(doc["overrides"], 1);
    assert_eq!(doc["drift"], false);
    assert!(doc["next_safe_at_ms"].as_u64().is_some());

    let o = cli(&sb, &home, &[&["rollback"], &at[..], &["--yes"]].concat());
    // Already at 100/0 after the TTL step: nothing to roll back, said plainly.
    assert!(
        !o.status.success() && text(&o).contains("nothing to roll back"),
        "{}",
        text(&o)
    );
    step(&["--yes", "--force"]);
    sb.assert_pair(90, 10, 60).await;
    let o = cli(&sb, &home, &[&["rollback"], &at[..], &["--yes"]].concat());
    assert!(o.status.success(), "{}", text(&o));
    sb.assert_pair(100, 0, 60).await;
}

#[tokio::test]
async fn invalid_cli_input_writes_nothing() {
    let sb = sandbox("bad-input").await;
    let home = temp_home("dns-bad-input");
    for (extra, needle) in [
        (
            &["--weights", "100/0,300/0"][..],
            "weight 300 is out of range",
        ),
        (&["--weights", "100/0,0/0"], "0/0 are refused"),
        (&["--weights", "100-0"], "not SOURCE/TARGET"),
        (&["--ttl-stages", "300,-5"], "TTL -5 is out of range"),
        (&["--ttl-stages", "60,,30"], "empty item"),
        (&["--final-ttl", "-1"], "out of range"),
    ] {
        let args = [
            &[
                "plan",
                "--zone",
                &sb.zone_id,
                "--record",
                WWW,
                "--target-value",
                TARGET_IP,
                "--yes",
            ][..],
            extra,
        ]
        .concat();
        let o = cli(&sb, &home, &args);
        assert!(!o.status.success(), "{extra:?} should fail");
        assert!(
            text(&o).contains(needle),
            "expected '{needle}' in {}",
            text(&o)
        );
        assert!(!text(&o).contains("panicked"));
    }
    for (record, value, needle) in [
        ("www.other.com", TARGET_IP, "not inside zone"),
        (WWW, "not-an-ip", "IPv4"),
        ("nope.shop.example.com", TARGET_IP, "no A, AAAA or CNAME"),
    ] {
        let o = cli(
            &sb,
            &home,
            &[
                "plan",
                "--zone",
                &sb.zone_id,
                "--record",
                record,
                "--target-value",
                value,
                "--yes",
            ],
        );
        assert!(
            !o.status.success() && text(&o).contains(needle),
            "{}",
            text(&o)
        );
    }
    let o = cli(
        &sb,
        &home,
        &["step", "--zone", &sb.zone_id, "--record", WWW, "--yes"],
    );
    assert!(
        !o.status.success() && text(&o).contains("no DNS cutover is planned"),
        "{}",
        text(&o)
    );
    assert!(!journal_in(&home).exists());
    assert_eq!(sb.www().await, vec![simple("A", WWW, 300, SOURCE_IP)]);
}
