#![allow(clippy::unwrap_used, clippy::expect_used)] // tests may panic: that is how they fail
//! Copies, waits and the DNS cache-wait through the sandbox proxy, which
//! puts back what moto leaves out: AWS's pending states and AWS under
//! stress. Outcomes are read with the SDK straight from moto.

mod common;
#[path = "support/own.rs"]
mod own;

use common::{regions_at, seeded};
use cutover::cloud::Regions;
use cutover::migrate::{Caps, CopyKind, CopyOptions, Scheduler, Task, TaskSpec, TaskState};
use cutover::sandbox::{sandbox_keys, PaceFaults, Proxy};
use std::collections::BTreeMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

static NEXT: AtomicUsize = AtomicUsize::new(1);

fn unique(what: &str) -> String {
    format!(
        "paced-{what}-{}-{}",
        std::process::id(),
        NEXT.fetch_add(1, Ordering::SeqCst)
    )
}

fn spec(kind: CopyKind, id: &str, options: CopyOptions) -> TaskSpec {
    TaskSpec {
        id: unique("task"),
        kind,
        source_ids: vec![id.to_string()],
        names: BTreeMap::new(),
        source_region: "us-east-1".into(),
        target_region: "eu-west-1".into(),
        options,
        known_copies: BTreeMap::new(),
    }
}

fn paced(seconds: u64) -> PaceFaults {
    PaceFaults {
        pace: Duration::from_secs(seconds),
        ..Default::default()
    }
}

/// Clients straight to moto (for making and checking), and clients through
/// a proxy of their own (for the code under test).
async fn through_proxy(options: PaceFaults) -> (Proxy, Regions, Regions) {
    let moto = seeded().server.endpoint();
    let proxy = Proxy::start(&moto, None, options).unwrap();
    let direct = regions_at(&moto, sandbox_keys()).await;
    let proxied = regions_at(proxy.endpoint(), sandbox_keys()).await;
    (proxy, direct, proxied)
}

fn scheduler(regions: &Regions) -> Scheduler {
    Scheduler::new(
        regions.clone(),
        Arc::new(common::MemoryJournal::default()),
        Caps::default(),
        Default::default(),
    )
}

/// Deadlines stretch on slow machines: CUTOVER_TEST_SLOW=3 triples them.
fn deadline(secs: u64) -> Duration {
    let factor = std::env::var("CUTOVER_TEST_SLOW")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1);
    Duration::from_secs(secs * factor)
}

/// Watches a task until `until` holds, returning every reading.
async fn watch(s: &Scheduler, id: &str, secs: u64, until: impl Fn(&Task) -> bool) -> Vec<Task> {
    let started = Instant::now();
    let mut seen = Vec::new();
    loop {
        let task = s.task(id).expect("the task was submitted");
        let stop = until(&task);
        seen.push(task);
        if stop {
            return seen;
        }
        assert!(
            started.elapsed() < deadline(secs),
            "task {id} did not get there in {secs}s: {:#?}",
            seen.last().unwrap().history
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

fn finished(t: &Task) -> bool {
    matches!(
        t.state,
        TaskState::Done | TaskState::Failed { .. } | TaskState::Cancelled { .. }
    )
}

#[tokio::test]
async fn a_snapshot_copy_is_seen_pending_with_rising_progress_then_done() {
    let (proxy, direct, proxied) = through_proxy(paced(6)).await;
    let source = own::snapshot(&direct.source, &unique("snap")).await;
    let s = scheduler(&proxied);
    let task = spec(CopyKind::Snapshot, &source, CopyOptions::default());
    let id = task.id.clone();
    s.submit(task).unwrap();
    let readings = watch(&s, &id, 60, finished).await;

    let last = readings.last().unwrap();
    assert_eq!(last.state, TaskState::Done, "{:#?}", last.history);
    let mut progress: Vec<u8> = readings.iter().filter_map(|t| t.progress).collect();
    progress.dedup();
    assert!(
        progress.len() >= 2 && progress.windows(2).all(|w| w[0] < w[1]),
        "AWS's progress rises while the copy is pending: {progress:?}"
    );
    assert!(progress.iter().all(|p| *p < 100), "{progress:?}");
    let copies = own::snapshot_copies(&direct.target, &source).await;
    assert_eq!(copies.len(), 1, "{copies:?}");
    assert_eq!(copies[0].1, "completed");
    let describes =
        proxy.count(|r| r.call.action == "DescribeSnapshots" && r.call.region == "eu-west-1");
    assert!(describes >= 3, "polled while pending: {describes}");
}

#[tokio::test]
async fn an_ami_copy_waits_while_pending_and_lands_available() {
    let (proxy, direct, proxied) = through_proxy(paced(4)).await;
    let base = &seeded().seeded.images["shop-batch-2026-11-18"];
    let source = own::image(&direct.source, base, &unique("ami")).await;
    let s = scheduler(&proxied);
    let task = spec(CopyKind::Image, &source, CopyOptions::default());
    let id = task.id.clone();
    s.submit(task).unwrap();
    let waiting = watch(&s, &id, 60, |t| {
        t.current_step().is_some_and(|step| step.is_wait()) || finished(t)
    })
    .await;
    assert!(
        !finished(waiting.last().unwrap()),
        "the copy waits while AWS says pending"
    );
    let copy = proxy_copy(&direct, &source).await;
    let readings = watch(&s, &id, 60, finished).await;
    let last = readings.last().unwrap();
    assert_eq!(last.state, TaskState::Done, "{:#?}", last.history);
    assert_eq!(last.copies()[source.as_str()], copy);
    // The image says only "pending"; the percent is its snapshots'.
    let mut progress: Vec<u8> = waiting
        .iter()
        .chain(&readings)
        .filter_map(|t| t.progress)
        .collect();
    progress.dedup();
    assert!(
        progress.len() >= 2 && progress.windows(2).all(|w| w[0] < w[1]),
        "the wait shows the snapshots' progress rising: {progress:?}"
    );
    let pending_answers =
        proxy.count(|r| r.call.action == "DescribeImages" && r.call.region == "eu-west-1");
    assert!(
        pending_answers >= 2,
        "{pending_answers} DescribeImages in the target"
    );
    assert_eq!(
        own::image_copies(&direct.target, &source).await,
        vec![(copy, "available".to_string())]
    );
}

/// The AMI copy's id, read from moto: exactly one, whatever the proxy says.
async fn proxy_copy(direct: &Regions, source: &str) -> String {
    let started = Instant::now();
    loop {
        let copies = own::image_copies(&direct.target, source).await;
        if let [(id, _)] = copies.as_slice() {
            return id.clone();
        }
        assert!(copies.len() < 2, "duplicated: {copies:?}");
        assert!(started.elapsed() < deadline(30), "no copy of {source}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

#[tokio::test]
async fn a_pending_copy_pauses_resumes_and_cancels_leaving_nothing() {
    let (_proxy, direct, proxied) = through_proxy(paced(120)).await;
    let source = own::snapshot(&direct.source, &unique("snap")).await;
    let s = scheduler(&proxied);
    let task = spec(CopyKind::Snapshot, &source, CopyOptions::default());
    let id = task.id.clone();
    s.submit(task).unwrap();
    watch(&s, &id, 60, |t| t.progress.is_some()).await;
    let copy = s.task(&id).unwrap().outputs["copy"].clone();

    s.pause(&id);
    let paused = watch(&s, &id, 30, |t| {
        matches!(t.state, TaskState::Paused { .. }) || finished(t)
    })
    .await;
    assert!(matches!(
        paused.last().unwrap().state,
        TaskState::Paused { .. }
    ));
    s.resume(&id).unwrap();
    watch(&s, &id, 30, |t| {
        matches!(t.state, TaskState::Running { .. })
    })
    .await;

    s.cancel(&id).unwrap();
    let readings = watch(&s, &id, 30, finished).await;
    let TaskState::Cancelled { note } = &readings.last().unwrap().state else {
        panic!("{:#?}", readings.last().unwrap());
    };
    assert!(
        note.contains(&format!("deleted the snapshot copy {copy}")),
        "{note}"
    );
    assert_eq!(own::snapshot_copies(&direct.target, &source).await, vec![]);
}

#[tokio::test]
async fn a_dns_step_waits_for_insync_through_a_real_pending() {
    use cutover::cloud::dns_change::{self as r53, ChangeAction, RecordChange, RecordSet};
    use cutover::cutover::{DnsCutover, ManualClock, PlanChoices};
    use cutover::journal::Journal;

    let (proxy, direct, proxied) = through_proxy(paced(3)).await;
    let zone_name = format!("{}.example.com.", unique("zone"));
    let zone = direct
        .source
        .route53
        .create_hosted_zone()
        .name(&zone_name)
        .caller_reference(unique("ref"))
        .send()
        .await
        .unwrap();
    let zone_id = zone
        .hosted_zone()
        .unwrap()
        .id()
        .trim_start_matches("/hostedzone/")
        .to_string();
    let www = format!("www.{zone_name}");
    let set = RecordSet {
        name: www.clone(),
        record_type: "A".into(),
        ttl: Some(300),
        set_identifier: None,
        weight: None,
        values: vec!["192.0.2.10".into()],
        alias: None,
        health_check_id: None,
    };
    let create = RecordChange {
        action: ChangeAction::Create,
        set,
    };
    r53::submit_batch(&direct.source, &zone_id, "seed", &[create])
        .await
        .unwrap();

    let home = tempfile::tempdir().unwrap();
    let heard = Arc::new(std::sync::Mutex::new(Vec::<String>::new()));
    let log = heard.clone();
    let engine = DnsCutover::new(
        proxied.source.clone(),
        Arc::new(Journal::at(&home.path().join("journal.jsonl"))),
        Arc::new(ManualClock::at(std::time::SystemTime::now())),
        ("us-east-1".into(), "eu-west-1".into()),
    )
    .on_progress(move |line| log.lock().unwrap().push(line.to_string()));
    let plan = engine
        .propose(&zone_id, &www, "198.51.100.7", &PlanChoices::default())
        .await
        .unwrap();
    engine.adopt(&plan).unwrap();
    let outcome = tokio::time::timeout(deadline(60), engine.step(&zone_id, &www, false))
        .await
        .expect("the step ends")
        .unwrap();

    let heard = heard.lock().unwrap().clone();
    assert!(
        heard.iter().any(|l| l.contains("PENDING")),
        "the wait saw PENDING first: {heard:?}"
    );
    assert!(heard.last().unwrap().contains("INSYNC"), "{heard:?}");
    assert!(proxy.count(|r| r.call.action == "GetChange") >= 2);
    assert!(!outcome.change_id.is_empty());
    let sets = r53::record_sets_named(&direct.source, &zone_id, &zone_name, &www)
        .await
        .unwrap();
    let weights: Vec<_> = sets
        .iter()
        .map(|s| (s.set_identifier.clone(), s.weight))
        .collect();
    assert_eq!(
        sets.len(),
        2,
        "the weighted pair is in Route 53: {weights:?}"
    );
}

#[tokio::test]
async fn at_twenty_percent_faults_every_copy_ends_done_or_failed_with_a_reason() {
    let options = PaceFaults {
        pace: Duration::from_secs(2),
        faults: 0.2,
        seed: 20261130,
    };
    let (proxy, direct, proxied) = through_proxy(options).await;
    let base = &seeded().seeded.images["shop-web-2026-11-20"];
    let bucket = unique("bucket");
    own::bucket(&direct.source, &bucket, 40, None).await;
    let group_name = unique("sg");
    let group = own::security_group(&direct.source, &group_name).await;
    let mut sources = vec![
        (
            CopyKind::Snapshot,
            own::snapshot(&direct.source, &unique("snap")).await,
        ),
        (
            CopyKind::Snapshot,
            own::snapshot(&direct.source, &unique("snap")).await,
        ),
        (
            CopyKind::Image,
            own::image(&direct.source, base, &unique("ami")).await,
        ),
        (CopyKind::SecurityGroups, group),
        (CopyKind::Bucket, bucket.clone()),
    ];
    let db_snap = unique("dbsnap");
    own::db_snapshot(&direct.source, "shop-orders", &db_snap).await;
    sources.push((CopyKind::DbSnapshot, db_snap.clone()));

    let s = scheduler(&proxied);
    let mut ids = Vec::new();
    for (kind, source) in &sources {
        let options = CopyOptions {
            target_bucket: (*kind == CopyKind::Bucket).then(|| format!("{bucket}-eu")),
            ..Default::default()
        };
        let task = spec(*kind, source, options);
        ids.push(task.id.clone());
        s.submit(task).unwrap();
    }
    tokio::time::timeout(deadline(300), s.settled())
        .await
        .expect("no task hangs under faults");

    let faults = proxy.count(|r| r.fault.is_some());
    assert!(
        faults >= 5,
        "faults were injected: {faults} of {}",
        proxy.requests()
    );
    let mut done = 0;
    for (id, (kind, source)) in ids.iter().zip(&sources) {
        let task = s.task(id).unwrap();
        match &task.state {
            TaskState::Done => {
                done += 1;
                let landed = match kind {
                    CopyKind::Snapshot => !own::snapshot_copies(&direct.target, source)
                        .await
                        .is_empty(),
                    CopyKind::Image => !own::image_copies(&direct.target, source).await.is_empty(),
                    CopyKind::SecurityGroups => !own::groups_named(&direct.target, &group_name)
                        .await
                        .is_empty(),
                    CopyKind::Bucket => {
                        own::listing(&direct.target, &format!("{bucket}-eu"))
                            .await
                            .len()
                            == 40
                    }
                    CopyKind::DbSnapshot => !own::db_snapshots_named(&direct.target, &db_snap)
                        .await
                        .is_empty(),
                    _ => unreachable!(),
                };
                assert!(landed, "{kind:?} {source} done but not in the target");
            }
            TaskState::Failed { error, .. } => {
                assert!(
                    error.len() > 20 && !error.contains("no message"),
                    "{kind:?} {source} failed without a clear reason: {error}"
                );
            }
            other => panic!("{kind:?} {source} ended {other:?}"),
        }
    }
    eprintln!(
        "faults run: {faults} faults in {} requests, {done} of {} tasks done",
        proxy.requests(),
        ids.len()
    );
}
