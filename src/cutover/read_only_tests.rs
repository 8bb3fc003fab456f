//! An engine on a read-only journal refuses every write before it reaches
//! the journal or Route 53 (the clients point at a closed port: a request
//! that went out would fail otherwise than `ReadOnly`).

use super::health::HealthCheckSpec;
use super::plan::{DnsPlan, Found, PlanChoices};
use super::progress::Action;
use super::{DnsCutover, DnsError, ManualClock};
use crate::cloud::dns_change::RecordSet;
use crate::cloud::{connect, RegionSpec, StaticKeys};
use crate::journal::Journal;
use std::sync::Arc;
use std::time::{Duration, UNIX_EPOCH};

async fn engine(journal: Journal) -> DnsCutover {
    let clients = connect(&RegionSpec {
        role: "source",
        region: "us-east-1".into(),
        profile: None,
        endpoint_url: Some("http://127.0.0.1:9".into()),
        endpoint_from_env: false,
        use_instance_metadata: false,
        extra_regions: vec![],
        static_keys: Some(StaticKeys {
            access_key_id: "test".into(),
            secret_access_key: "test-secret".into(),
        }),
    })
    .await
    .unwrap();
    let clock = ManualClock::at(UNIX_EPOCH + Duration::from_secs(1_800_000_000));
    DnsCutover::new(
        clients,
        Arc::new(journal),
        Arc::new(clock),
        ("us-east-1".into(), "eu-west-1".into()),
    )
}

fn plan() -> DnsPlan {
    let at_name = [RecordSet {
        name: "www.shop.example.com.".into(),
        record_type: "A".into(),
        ttl: Some(300),
        set_identifier: None,
        weight: None,
        values: vec!["192.0.2.10".into()],
        alias: None,
        health_check_id: None,
    }];
    let found = Found {
        zone_id: "Z1",
        zone_name: "shop.example.com.",
        record_name: "www.shop.example.com",
        at_name: &at_name,
        public_zone: true,
    };
    DnsPlan::build(
        &found,
        ("us-east-1", "eu-west-1"),
        "198.51.100.20",
        &PlanChoices::default(),
    )
    .unwrap()
}

#[tokio::test]
async fn a_read_only_engine_refuses_every_write() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("journal.jsonl");
    let engine = engine(Journal::read_only_at(&path)).await;
    let mut plan = plan();
    assert!(matches!(engine.adopt(&plan), Err(DnsError::ReadOnly)));
    let health = HealthCheckSpec {
        protocol: "TCP",
        port: 443,
        path: None,
    };
    assert!(matches!(
        engine.attach_health_check(&mut plan, &health).await,
        Err(DnsError::ReadOnly)
    ));
    let (from, to) = (plan.start(), plan.state_after(1));
    let sent = engine
        .submit(&plan, Action::Step { index: 0 }, (from, to), &[], "step 1")
        .await;
    assert!(matches!(sent, Err(DnsError::ReadOnly)), "{sent:?}");
    assert!(!path.exists(), "nothing was journaled");
}

#[tokio::test]
async fn the_same_engine_writes_when_the_journal_may_be_written() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("journal.jsonl");
    let engine = engine(Journal::at(&path)).await;
    engine.adopt(&plan()).unwrap();
    assert_eq!(Journal::at(&path).replay().unwrap().entries.len(), 1);
}

/// The engine reads the journal once and then only what was added: its
/// own lines, lines of other writers, and the whole file again after a
/// compaction replaced it.
#[tokio::test]
async fn the_engine_follows_the_journal_across_a_compaction() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("journal.jsonl");
    let journal = crate::migrate::compact::compacting(Journal::at(&path), u64::MAX);
    let engine = engine(journal).await;
    assert!(engine.load("Z1", "www.shop.example.com").unwrap().is_none());
    engine.adopt(&plan()).unwrap();
    let planned = engine.load("Z1", "www.shop.example.com").unwrap().unwrap();
    assert_eq!(planned.done, 0);
    // Another copy task's lines, then a compaction (a new file, shorter).
    let other = crate::journal::Entry::new(
        std::time::SystemTime::now(),
        "copy",
        "copy:us-east-1>eu-west-1:t1",
        &serde_json::json!({"event": "resumed"}),
    )
    .unwrap();
    for _ in 0..50 {
        engine.journal.append(&other).unwrap();
    }
    engine.journal.compact().unwrap().unwrap();
    let again = engine.load("Z1", "www.shop.example.com").unwrap().unwrap();
    assert_eq!(again.plan, planned.plan, "the plan survives, read once");
    assert_eq!(engine.all().unwrap().len(), 1);
}
