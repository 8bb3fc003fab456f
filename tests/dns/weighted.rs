//! A plan from a record that is already a weighted pair (`--source-set`),
//! like the sandbox's `beta`: it starts from the weights Route 53 holds,
//! makes no pair of its own, and steps, rolls back, finishes and aborts
//! like any plan. Route 53 is read back with the SDK's own
//! ListResourceRecordSets.

use super::safety::SdkSet;
use super::*;
use common::recorder::Recorder;
use common::{cutover_command, temp_home};
use cutover::cutover::{DnsEvent, PlanChoices, RecordState};

const BETA: &str = "beta.shop.example.com.";
const BETA_TARGET: &str = "198.51.100.20";

/// Every `beta` A set, read with the SDK.
async fn sdk_beta(sb: &Sandbox) -> Vec<SdkSet> {
    super::safety::sdk_sets(sb, BETA).await
}

/// The pair as the SDK reads it: eu-west-1 (target) first, by set id.
fn beta_pair(source: i64, target: i64) -> Vec<SdkSet> {
    vec![
        (
            Some("eu-west-1".into()),
            Some(target),
            Some(60),
            vec![BETA_TARGET.into()],
        ),
        (
            Some("us-east-1".into()),
            Some(source),
            Some(60),
            vec![SOURCE_IP.into()],
        ),
    ]
}

/// `beta` as the sandbox seeds it: a weighted pair, all on the source.
async fn seed_beta(sb: &Sandbox) {
    let weighted = |id: &str, weight: i64, value: &str| RecordChange {
        action: ChangeAction::Create,
        set: RecordSet {
            set_identifier: Some(id.into()),
            weight: Some(weight),
            ..simple("A", BETA, 60, value)
        },
    };
    r53::submit_batch(
        &sb.route53,
        &sb.zone_id,
        "seed beta",
        &[
            weighted("us-east-1", 100, SOURCE_IP),
            weighted("eu-west-1", 0, BETA_TARGET),
        ],
    )
    .await
    .unwrap();
    assert_eq!(sdk_beta(sb).await, beta_pair(100, 0), "seeded");
}

fn from_set(id: &str) -> PlanChoices {
    PlanChoices {
        source_set: Some(id.into()),
        ..Default::default()
    }
}

#[tokio::test]
async fn a_weighted_record_is_planned_from_its_source_set_stepped_rolled_back_and_finished() {
    let sb = sandbox("weighted-start").await;
    seed_beta(&sb).await;
    let clock = Arc::new(ManualClock::at(start_time()));
    let engine = sb.engine(&clock);
    let plan = engine
        .propose(&sb.zone_id, BETA, "", &from_set("us-east-1"))
        .await
        .unwrap();
    assert_eq!(plan.steps.len(), 1, "TTL 60 has no stages: one flip");

    // Journaled from what Route 53 holds; nothing written to Route 53.
    assert!(engine.begin(&plan).await.unwrap().is_none());
    assert_eq!(sdk_beta(&sb).await, beta_pair(100, 0));
    let planned = Journal::at(&sb.journal)
        .replay()
        .unwrap()
        .entries
        .iter()
        .filter_map(|e| e.event_as::<DnsEvent>())
        .find_map(|e| match e {
            DnsEvent::Planned { plan } => Some(plan),
            _ => None,
        })
        .expect("the plan is journaled");
    let start = planned.weighted_start.expect("with where it started");
    assert_eq!(start.weights, weights(100, 0));
    assert_eq!(start.sets.len(), 2);

    // No change of cutover's came before: the flip is safe at once.
    engine.step(&sb.zone_id, BETA, false).await.unwrap();
    assert_eq!(sdk_beta(&sb).await, beta_pair(0, 100));
    let status = engine.status(&sb.zone_id, BETA).await.unwrap();
    assert!(!status.drift, "{:?}", status.differs);

    engine.rollback(&sb.zone_id, BETA).await.unwrap();
    assert_eq!(sdk_beta(&sb).await, beta_pair(100, 0));
    assert!(
        engine.finish(&sb.zone_id, BETA).await.is_err(),
        "finish needs the cutover completed"
    );
    assert_eq!(sdk_beta(&sb).await, beta_pair(100, 0));

    // After the rollback's cache wait (TTL 60), the flip again, then finish.
    clock.advance(Duration::from_secs(60));
    engine.step(&sb.zone_id, BETA, false).await.unwrap();
    assert_eq!(sdk_beta(&sb).await, beta_pair(0, 100));
    let o = engine.finish(&sb.zone_id, BETA).await.unwrap();
    assert_eq!(
        o.state,
        RecordState::Simple {
            side: cutover::cutover::plan::Side::Target,
            ttl: Some(60)
        }
    );
    assert_eq!(
        sdk_beta(&sb).await,
        vec![(None, None, Some(60), vec![BETA_TARGET.to_string()])],
        "one simple record answering the target"
    );
}

#[tokio::test]
async fn abort_of_a_weighted_start_leaves_the_source_simple_record() {
    let sb = sandbox("weighted-abort").await;
    seed_beta(&sb).await;
    let clock = Arc::new(ManualClock::at(start_time()));
    let engine = sb.engine(&clock);
    let plan = engine
        .propose(&sb.zone_id, BETA, "", &from_set("us-east-1"))
        .await
        .unwrap();
    engine.begin(&plan).await.unwrap();
    engine.abort(&sb.zone_id, BETA).await.unwrap();
    assert_eq!(
        sdk_beta(&sb).await,
        vec![(None, None, Some(60), vec![SOURCE_IP.to_string()])]
    );
}

fn cli(endpoint: &str, home: &std::path::Path, args: &[&str]) -> std::process::Output {
    let mut cmd = cutover_command(home);
    cmd.env("AWS_ACCESS_KEY_ID", "test")
        .env("AWS_SECRET_ACCESS_KEY", "test-secret")
        .env("AWS_ENDPOINT_URL", endpoint)
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

#[tokio::test]
async fn the_cli_refuses_an_unknown_source_set_with_zero_writes_and_plans_from_a_known_one() {
    let sb = sandbox("weighted-cli").await;
    seed_beta(&sb).await;
    let home = temp_home("dns-weighted-cli");
    let journal = home.join(".local/share/cutover/journal.jsonl");
    let recorder = Recorder::start(sb.server.port());
    let endpoint = format!("http://127.0.0.1:{}", recorder.port);
    let plan = |set: &str| {
        cli(
            &endpoint,
            &home,
            &[
                "plan",
                "--zone",
                ZONE,
                "--record",
                "beta.shop.example.com",
                "--source-set",
                set,
                "--yes",
            ],
        )
    };

    let o = plan("us-west-2");
    assert!(!o.status.success());
    let said = text(&o);
    assert!(
        said.contains("no set with SetIdentifier 'us-west-2'")
            && said.contains("us-east-1 (A, weight 100)")
            && said.contains("eu-west-1 (A, weight 0)"),
        "{said}"
    );
    let (calls, writes) = recorder.calls();
    assert!(
        !calls.is_empty(),
        "the record was read through the recorder"
    );
    assert!(writes.is_empty(), "no write: {writes:?}");
    assert!(
        std::fs::read_to_string(&journal)
            .unwrap_or_default()
            .is_empty(),
        "nothing journaled"
    );
    assert_eq!(sdk_beta(&sb).await, beta_pair(100, 0));

    // A known set: journaled, and still no write to Route 53.
    let o = plan("us-east-1");
    assert!(o.status.success(), "{}", text(&o));
    assert!(text(&o).contains("already a weighted pair"), "{}", text(&o));
    let (_, writes) = recorder.calls();
    assert!(writes.is_empty(), "no write: {writes:?}");
    assert!(std::fs::read_to_string(&journal)
        .unwrap()
        .contains("weighted_start"));

    let o = cli(
        &endpoint,
        &home,
        &["step", "--zone", ZONE, "--record", BETA, "--yes"],
    );
    assert!(o.status.success(), "{}", text(&o));
    assert_eq!(sdk_beta(&sb).await, beta_pair(0, 100));
}
