//! The engine against moto: each step, rollback, collapse, resume.

use super::*;
use cutover::cutover::{Action, Clock, DnsError, DnsEvent, DnsStep, PlanChoices, RecordState};
use cutover::journal::{Entry, Journal};

#[tokio::test]
async fn every_step_is_made_in_route53_after_its_cache_wait() {
    let sb = sandbox("steps").await;
    let clock = Arc::new(ManualClock::at(start_time()));
    let engine = sb.engine(&clock);
    let plan = engine
        .propose(&sb.zone_id, "www.shop.example.com", TARGET_IP, &gradual())
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
        .propose(&sb.zone_id, WWW, TARGET_IP, &gradual())
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

pub fn gradual() -> PlanChoices {
    PlanChoices {
        gradual: true,
        ..Default::default()
    }
}
