//! Health checks: the record's own kept on the source's set, one made for
//! the target and attached to its set (against moto), and the gate and
//! auto-rollback driven by an injected health source (moto always says
//! healthy).

use super::*;
use cutover::cutover::health::{Health, HealthCheckSpec, HealthFuture, HealthSource};
use cutover::cutover::{DnsError, DnsEvent, PlanChoices};
use std::sync::atomic::{AtomicBool, Ordering};

/// Says what the test tells it to.
struct Scripted(AtomicBool);

impl HealthSource for Scripted {
    fn status<'a>(&'a self, _id: &'a str) -> HealthFuture<'a> {
        let healthy = self.0.load(Ordering::SeqCst);
        Box::pin(async move {
            Ok(Health {
                healthy,
                detail: if healthy {
                    "3 of 3 checkers report success"
                } else {
                    "0 of 3 checkers report success"
                }
                .into(),
            })
        })
    }
}

/// (set id, weight, health check id) of each `www` set, read with the SDK.
async fn www_health(sb: &Sandbox) -> Vec<(Option<String>, Option<i64>, Option<String>)> {
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
        .filter(|s| s.name() == WWW && s.r#type().as_str() == "A")
        .map(|s| {
            (
                s.set_identifier().map(str::to_string),
                s.weight(),
                s.health_check_id().map(str::to_string),
            )
        })
        .collect();
    out.sort();
    out
}

#[tokio::test]
async fn health_checks_are_kept_made_attached_and_gate_the_shift() {
    let sb = sandbox("health").await;
    // The record already has a health check of its own.
    let source_check = sb
        .route53
        .route53
        .create_health_check()
        .caller_reference("source-check")
        .health_check_config(
            aws_sdk_route53::types::HealthCheckConfig::builder()
                .r#type(aws_sdk_route53::types::HealthCheckType::Tcp)
                .ip_address(SOURCE_IP)
                .port(443)
                .build()
                .unwrap(),
        )
        .send()
        .await
        .unwrap()
        .health_check()
        .unwrap()
        .id()
        .to_string();
    let with_check = RecordSet {
        health_check_id: Some(source_check.clone()),
        ..simple("A", WWW, 300, SOURCE_IP)
    };
    r53::submit_batch(
        &sb.route53,
        &sb.zone_id,
        "seed check",
        &[RecordChange {
            action: ChangeAction::Upsert,
            set: with_check,
        }],
    )
    .await
    .unwrap();

    let clock = Arc::new(ManualClock::at(start_time()));
    let health = Arc::new(Scripted(AtomicBool::new(true)));
    let engine = sb.engine(&clock).with_health(health.clone());
    let spec = HealthCheckSpec::parse("https:443/health").unwrap();
    let choices = PlanChoices {
        health_check: Some(spec.clone()),
        auto_rollback: true,
        ..Default::default()
    };
    let mut plan = engine
        .propose(&sb.zone_id, WWW, TARGET_IP, &choices)
        .await
        .unwrap();
    assert!(plan.auto_rollback);
    let target_check = engine.attach_health_check(&mut plan, &spec).await.unwrap();
    engine.adopt(&plan).unwrap();
    engine.step(&sb.zone_id, WWW, false).await.unwrap();

    // Created as asked, probing the target's value, and attached to its set;
    // the source's set keeps the record's own.
    let made = sb
        .route53
        .route53
        .get_health_check()
        .health_check_id(&target_check)
        .send()
        .await
        .unwrap();
    let config = made.health_check().unwrap().health_check_config().unwrap();
    assert_eq!(config.r#type().as_str(), "HTTPS");
    assert_eq!(config.port(), Some(443));
    assert_eq!(config.resource_path(), Some("/health"));
    assert_eq!(config.ip_address(), Some(TARGET_IP));
    assert_eq!(
        www_health(&sb).await,
        vec![
            (
                Some("eu-west-1".into()),
                Some(0),
                Some(target_check.clone())
            ),
            (
                Some("us-east-1".into()),
                Some(100),
                Some(source_check.clone())
            ),
        ]
    );

    // Lowering the TTL sends the target nothing more: not gated.
    health.0.store(false, Ordering::SeqCst);
    clock.advance(Duration::from_secs(300));
    engine.step(&sb.zone_id, WWW, false).await.unwrap();
    // The flip is held while the target is unhealthy, even forced.
    clock.advance(Duration::from_secs(300));
    match engine.step(&sb.zone_id, WWW, true).await {
        Err(DnsError::Held(m)) => {
            assert!(m.contains("not answering") && m.contains("0 of 3"), "{m}")
        }
        other => panic!("expected the step held, got {other:?}"),
    }
    let weights: Vec<Option<i64>> = www_health(&sb).await.into_iter().map(|s| s.1).collect();
    assert_eq!(weights, [Some(0), Some(100)], "nothing shifted");
    let status = engine.status(&sb.zone_id, WWW).await.unwrap();
    assert!(!status.target_health.unwrap().healthy);
    assert!(
        engine.watch(&sb.zone_id, WWW).await.unwrap().is_none(),
        "no traffic on the target yet"
    );

    health.0.store(true, Ordering::SeqCst);
    engine.step(&sb.zone_id, WWW, false).await.unwrap();
    let weights: Vec<Option<i64>> = www_health(&sb).await.into_iter().map(|s| s.1).collect();
    assert_eq!(weights, [Some(100), Some(0)], "flipped to the target");
    assert!(
        engine.watch(&sb.zone_id, WWW).await.unwrap().is_none(),
        "healthy: nothing"
    );

    // The target turns unhealthy after the shift: rolled back on its own.
    health.0.store(false, Ordering::SeqCst);
    let o = engine
        .watch(&sb.zone_id, WWW)
        .await
        .unwrap()
        .expect("an auto-rollback");
    assert!(
        o.description.starts_with("auto-rollback"),
        "{}",
        o.description
    );
    assert_eq!(
        www_health(&sb).await,
        vec![
            (Some("eu-west-1".into()), Some(0), Some(target_check)),
            (Some("us-east-1".into()), Some(100), Some(source_check)),
        ]
    );
    let replay = Journal::at(&sb.journal).replay().unwrap();
    assert!(replay
        .entries
        .iter()
        .filter_map(|e| e.event_as::<DnsEvent>())
        .any(|e| matches!(e, DnsEvent::AutoRollback { .. })));
    assert!(
        engine.watch(&sb.zone_id, WWW).await.unwrap().is_none(),
        "once"
    );
}
