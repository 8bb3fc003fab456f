//! DNS safety when things go off plan: drift, rollback from what Route 53
//! holds, adopting Route 53's state, a lost answer, finish and abort.
//! Outcomes are read with the SDK's own ListResourceRecordSets.

use super::engine::gradual;
use super::lossy::LossyProxy;
use super::*;
use common::regions_at;
use cutover::cutover::{Action, Clock, DnsError, DnsEvent, PlanChoices, RecordState};
use std::sync::atomic::Ordering;

/// (set id, weight, TTL, values) of one set, as the SDK reads it.
pub type SdkSet = (Option<String>, Option<i64>, Option<i64>, Vec<String>);

/// Every `www` A set, read with the SDK.
pub async fn sdk_www(sb: &Sandbox) -> Vec<SdkSet> {
    sdk_sets(sb, WWW).await
}

/// Every A set of `name`, read with the SDK (not with cutover's reader).
pub async fn sdk_sets(sb: &Sandbox, name: &str) -> Vec<SdkSet> {
    let page = sb
        .route53
        .route53
        .list_resource_record_sets()
        .hosted_zone_id(&sb.zone_id)
        .send()
        .await
        .unwrap();
    let mut out: Vec<_> = page
        .resource_record_sets()
        .iter()
        .filter(|s| s.name() == name && s.r#type().as_str() == "A")
        .map(|s| {
            (
                s.set_identifier().map(str::to_string),
                s.weight(),
                s.ttl(),
                s.resource_records()
                    .iter()
                    .map(|r| r.value().to_string())
                    .collect(),
            )
        })
        .collect();
    out.sort();
    out
}

pub fn pair(source: i64, target: i64, ttl: i64) -> Vec<SdkSet> {
    vec![
        (
            Some("eu-west-1".into()),
            Some(target),
            Some(ttl),
            vec![TARGET_IP.into()],
        ),
        (
            Some("us-east-1".into()),
            Some(source),
            Some(ttl),
            vec![SOURCE_IP.into()],
        ),
    ]
}

/// Someone else's change to the `www` sets, made straight in Route 53.
async fn by_hand(sb: &Sandbox, changes: Vec<RecordChange>) {
    r53::submit_batch(&sb.route53, &sb.zone_id, "by hand", &changes)
        .await
        .unwrap();
}

fn weighted(id: &str, weight: i64, ttl: i64, value: &str) -> RecordSet {
    RecordSet {
        set_identifier: Some(id.into()),
        weight: Some(weight),
        ..simple("A", WWW, ttl, value)
    }
}

fn upsert(set: RecordSet) -> RecordChange {
    RecordChange {
        action: ChangeAction::Upsert,
        set,
    }
}

fn dns_events(sb: &Sandbox) -> Vec<DnsEvent> {
    let replay = Journal::at(&sb.journal).replay().unwrap();
    replay
        .entries
        .iter()
        .filter(|e| e.kind == "dns")
        .filter_map(|e| e.event_as::<DnsEvent>())
        .collect()
}

#[tokio::test]
async fn weights_changed_outside_cutover_are_drift_and_rollback_undoes_them() {
    let sb = sandbox("drift-weights").await;
    let clock = Arc::new(ManualClock::at(start_time()));
    let engine = sb.engine(&clock);
    let plan = engine
        .propose(&sb.zone_id, WWW, TARGET_IP, &PlanChoices::default())
        .await
        .unwrap();
    engine.adopt(&plan).unwrap();
    engine.step(&sb.zone_id, WWW, false).await.unwrap();
    assert_eq!(sdk_www(&sb).await, pair(100, 0, 300));

    // The journal says 100/0; someone sets the target's weight to 50.
    by_hand(&sb, vec![upsert(weighted("eu-west-1", 50, 300, TARGET_IP))]).await;
    let status = engine.status(&sb.zone_id, WWW).await.unwrap();
    assert!(status.drift);
    let differs = status.differs.unwrap();
    assert!(
        differs.contains("weighted 100/50") && differs.contains("expects weighted 100/0"),
        "{differs}"
    );

    // Forward steps wait for the operator's choice, even forced.
    clock.advance(Duration::from_secs(3600));
    match engine.step(&sb.zone_id, WWW, true).await {
        Err(DnsError::Drift(m)) => assert!(m.contains("adopt") && m.contains("roll back"), "{m}"),
        other => panic!("expected drift, got {other:?}"),
    }
    assert_eq!(sdk_www(&sb).await, pair(100, 50, 300), "nothing written");

    // Rollback acts on what Route 53 holds: 100/0 again, drift journaled.
    let o = engine.rollback(&sb.zone_id, WWW).await.unwrap();
    assert!(o.description.contains("100/50"), "{}", o.description);
    assert_eq!(sdk_www(&sb).await, pair(100, 0, 300));
    let found = dns_events(&sb).into_iter().find_map(|e| match e {
        DnsEvent::Found {
            action: Action::Rollback,
            expected,
            found,
            ..
        } => Some((expected, found)),
        _ => None,
    });
    let weights_of = |s: Option<RecordState>| match s {
        Some(RecordState::Weighted { weights, .. }) => Some((weights.source, weights.target)),
        _ => None,
    };
    let (expected, found) = found.expect("the rollback journals what it found");
    assert_eq!(weights_of(Some(expected)), Some((100, 0)));
    assert_eq!(weights_of(found), Some((100, 50)));
    assert!(!engine.status(&sb.zone_id, WWW).await.unwrap().drift);
}

#[tokio::test]
async fn rollback_from_a_half_made_state_puts_the_whole_pair_back() {
    let sb = sandbox("drift-half").await;
    let clock = Arc::new(ManualClock::at(start_time()));
    let engine = sb.engine(&clock);
    let plan = engine
        .propose(&sb.zone_id, WWW, TARGET_IP, &gradual())
        .await
        .unwrap();
    engine.adopt(&plan).unwrap();
    engine.step(&sb.zone_id, WWW, false).await.unwrap();
    engine.step(&sb.zone_id, WWW, true).await.unwrap(); // TTL 60
                                                        // A step journaled as asked for, and Route 53 left half-made: the
                                                        // source's set gone, the target's at 100 (no state of the plan).
    let topic = format!("dns:{}:{WWW}", sb.zone_id);
    let (from, to) = (plan.steps[1].after, plan.steps[2].after);
    let intent = DnsEvent::Intent {
        action: Action::Step { index: 2 },
        from,
        to,
        changes: vec![],
    };
    Journal::at(&sb.journal)
        .append(&cutover::journal::Entry::new(clock.now(), "dns", &topic, &intent).unwrap())
        .unwrap();
    by_hand(
        &sb,
        vec![
            RecordChange {
                action: ChangeAction::Delete,
                set: weighted("us-east-1", 100, 60, SOURCE_IP),
            },
            upsert(weighted("eu-west-1", 100, 60, TARGET_IP)),
        ],
    )
    .await;
    assert!(matches!(
        engine.step(&sb.zone_id, WWW, true).await,
        Err(DnsError::Drift(_))
    ));
    let status = engine.status(&sb.zone_id, WWW).await.unwrap();
    assert!(status.drift && status.route53.is_none());

    engine.rollback(&sb.zone_id, WWW).await.unwrap();
    assert_eq!(sdk_www(&sb).await, pair(100, 0, 60));
    let p = engine.load(&sb.zone_id, WWW).unwrap().unwrap();
    assert!(p.pending.is_none() && p.rolled_back);
    assert!(!engine.status(&sb.zone_id, WWW).await.unwrap().drift);
}

#[tokio::test]
async fn adopting_route53s_state_lets_the_plan_go_on_from_there() {
    let sb = sandbox("adopt").await;
    let clock = Arc::new(ManualClock::at(start_time()));
    let engine = sb.engine(&clock);
    let plan = engine
        .propose(&sb.zone_id, WWW, TARGET_IP, &PlanChoices::default())
        .await
        .unwrap();
    engine.adopt(&plan).unwrap();
    engine.step(&sb.zone_id, WWW, false).await.unwrap();
    clock.advance(Duration::from_secs(300));
    engine.step(&sb.zone_id, WWW, false).await.unwrap(); // TTL 60

    // Someone makes the flip by hand: a state of the plan, not the journal's.
    by_hand(
        &sb,
        vec![
            upsert(weighted("us-east-1", 0, 60, SOURCE_IP)),
            upsert(weighted("eu-west-1", 100, 60, TARGET_IP)),
        ],
    )
    .await;
    assert!(engine.status(&sb.zone_id, WWW).await.unwrap().drift);
    let p = engine.adopt_route53(&sb.zone_id, WWW).await.unwrap();
    assert_eq!((p.done, p.state), (3, plan.steps[2].after));
    assert!(!engine.status(&sb.zone_id, WWW).await.unwrap().drift);
    // The wait restarts from the adoption: the old 300 s TTL may be cached.
    assert!(matches!(
        engine.step(&sb.zone_id, WWW, false).await,
        Err(DnsError::TooEarly { .. })
    ));
    clock.advance(Duration::from_secs(300));
    engine.step(&sb.zone_id, WWW, false).await.unwrap();
    assert_eq!(sdk_www(&sb).await, pair(0, 100, 300));

    // Weights no step makes cannot be adopted: roll back instead.
    by_hand(&sb, vec![upsert(weighted("us-east-1", 30, 300, SOURCE_IP))]).await;
    match engine.adopt_route53(&sb.zone_id, WWW).await {
        Err(DnsError::State(m)) => assert!(m.contains("roll back"), "{m}"),
        other => panic!("expected a refusal, got {other:?}"),
    }
}

/// Issue 15: a change applied whose answer was lost was journaled as
/// failed, and then every command blamed someone else.
#[tokio::test]
async fn a_change_whose_answer_was_lost_is_settled_by_reading_route53() {
    let sb = sandbox("lost-answer").await;
    let proxy = LossyProxy::start(&sb.server.endpoint());
    let through_proxy = regions_at(&proxy.endpoint, cutover::sandbox::sandbox_keys()).await;
    let clock = Arc::new(ManualClock::at(start_time()));
    let engine = DnsCutover::new(
        through_proxy.source,
        Arc::new(Journal::at(&sb.journal)),
        clock.clone(),
        ("us-east-1".into(), "eu-west-1".into()),
    );
    let plan = engine
        .propose(&sb.zone_id, WWW, TARGET_IP, &PlanChoices::default())
        .await
        .unwrap();
    engine.adopt(&plan).unwrap();
    // Every try's answer is lost (the SDK retries): the first applied it.
    proxy.lose.store(10, Ordering::SeqCst);
    let o = engine.step(&sb.zone_id, WWW, false).await.unwrap();
    assert!(proxy.batches.load(Ordering::SeqCst) >= 1);
    assert_eq!(o.change_id, cutover::cutover::LOST_ANSWER);
    assert_eq!(sdk_www(&sb).await, pair(100, 0, 300));
    let events = dns_events(&sb);
    assert!(
        events
            .iter()
            .any(|e| matches!(e, DnsEvent::Reconciled { applied: true, .. })),
        "{events:?}"
    );
    assert!(
        !events.iter().any(|e| matches!(e, DnsEvent::Failed { .. })),
        "an unknown outcome is never journaled as a failure: {events:?}"
    );
    proxy.lose.store(0, Ordering::SeqCst);
    let status = engine.status(&sb.zone_id, WWW).await.unwrap();
    assert!(!status.drift, "{:?}", status.differs);
    assert_eq!(status.progress.done, 1);
    clock.advance(Duration::from_secs(300));
    engine.step(&sb.zone_id, WWW, false).await.unwrap();
    assert_eq!(sdk_www(&sb).await, pair(100, 0, 60));
}

#[tokio::test]
async fn finish_collapses_to_the_target_and_abort_back_to_the_source() {
    let sb = sandbox("finish").await;
    let clock = Arc::new(ManualClock::at(start_time()));
    let engine = sb.engine(&clock);
    let plan = engine
        .propose(&sb.zone_id, WWW, TARGET_IP, &PlanChoices::default())
        .await
        .unwrap();
    engine.adopt(&plan).unwrap();
    engine.step(&sb.zone_id, WWW, false).await.unwrap();
    assert!(
        matches!(
            engine.finish(&sb.zone_id, WWW).await,
            Err(DnsError::State(_))
        ),
        "finish waits for a completed cutover"
    );
    for _ in 1..plan.steps.len() {
        clock.advance(Duration::from_secs(300));
        engine.step(&sb.zone_id, WWW, false).await.unwrap();
    }
    assert_eq!(sdk_www(&sb).await, pair(0, 100, 300));
    engine.finish(&sb.zone_id, WWW).await.unwrap();
    assert_eq!(
        sdk_www(&sb).await,
        vec![(None, None, Some(300), vec![TARGET_IP.to_string()])]
    );
    let p = engine.load(&sb.zone_id, WWW).unwrap().unwrap();
    assert!(p.closed.is_some() && !p.in_flight());

    // Rolled back from the collapsed record, then aborted: the source's
    // simple record at the TTL it had before the cutover.
    engine.rollback(&sb.zone_id, WWW).await.unwrap();
    assert_eq!(sdk_www(&sb).await, pair(100, 0, 300));
    engine.abort(&sb.zone_id, WWW).await.unwrap();
    assert_eq!(
        sdk_www(&sb).await,
        vec![(None, None, Some(300), vec![SOURCE_IP.to_string()])]
    );
    assert!(matches!(
        engine.abort(&sb.zone_id, WWW).await,
        Err(DnsError::State(_))
    ));
    assert!(matches!(
        engine.rollback(&sb.zone_id, WWW).await,
        Err(DnsError::State(_))
    ));
}
