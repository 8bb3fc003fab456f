#![allow(clippy::unwrap_used, clippy::expect_used)] // tests may panic: that is how they fail
//! The DNS cutover against moto_server: the records in Route 53 after each
//! step, rollback, collapse, resume from the journal after a crash, and the
//! headless CLI. Each test has its own moto_server, zone and journal.

mod cli;
#[path = "../common/mod.rs"]
mod common;
mod engine;
mod health;
mod lossy;
mod safety;
mod weighted;

use common::{regions_at, temp_home};
use cutover::cloud::dns_change::{self as r53, ChangeAction, RecordChange, RecordSet};
use cutover::cloud::Clients;
use cutover::cutover::{DnsCutover, ManualClock, Weights};
use cutover::journal::Journal;
use cutover::sandbox::{sandbox_keys, MotoServer};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

pub const ZONE: &str = "shop.example.com.";
pub const WWW: &str = "www.shop.example.com.";
pub const SOURCE_IP: &str = "192.0.2.10";
pub const TARGET_IP: &str = "198.51.100.7";

pub struct Sandbox {
    pub server: MotoServer,
    pub route53: Clients,
    pub zone_id: String,
    pub journal: PathBuf,
    /// Holds the journal's directory; removed with the sandbox.
    _home: common::TempHome,
}

/// A fresh moto_server with zone shop.example.com.: `www` A 300 s to the source.
pub async fn sandbox(name: &str) -> Sandbox {
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
    let home = temp_home(&format!("dns-{name}"));
    let journal = home.join("journal.jsonl");
    Sandbox {
        server,
        route53: regions.source,
        zone_id,
        journal,
        _home: home,
    }
}

pub fn simple(record_type: &str, name: &str, ttl: i64, value: &str) -> RecordSet {
    RecordSet {
        name: name.into(),
        record_type: record_type.into(),
        ttl: Some(ttl),
        set_identifier: None,
        weight: None,
        values: vec![value.into()],
        alias: None,
        health_check_id: None,
    }
}

pub fn start_time() -> SystemTime {
    UNIX_EPOCH + Duration::from_secs(1_800_000_000)
}

impl Sandbox {
    pub fn engine(&self, clock: &Arc<ManualClock>) -> DnsCutover {
        let journal = Arc::new(Journal::at(&self.journal));
        let regions = ("us-east-1".to_string(), "eu-west-1".to_string());
        DnsCutover::new(self.route53.clone(), journal, clock.clone(), regions)
    }

    pub async fn www(&self) -> Vec<RecordSet> {
        let mut sets = r53::record_sets_named(&self.route53, &self.zone_id, ZONE, WWW)
            .await
            .unwrap();
        sets.sort_by(|a, b| a.set_identifier.cmp(&b.set_identifier));
        sets
    }

    /// Asserts Route 53 holds the weighted pair at these weights and TTL, and nothing else.
    pub async fn assert_pair(&self, source: i64, target: i64, ttl: i64) {
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

pub fn weights(source: u8, target: u8) -> Weights {
    Weights { source, target }
}
