#![allow(clippy::unwrap_used, clippy::expect_used)] // tests may panic: that is how they fail
//! Copy tasks end to end against moto: each kind lands in the target with
//! the right tags and fields; adopt instead of duplicate; resume from the
//! journal; cancel; retry; caps.

mod common;

use common::{regions_at, seeded};
use cutover::cloud::copy::{image, key_pair, security_group, snapshot};
use cutover::cloud::Regions;
use cutover::migrate::{
    Caps, CopyKind, CopyOptions, Scheduler, Task, TaskEvent, TaskSpec, TaskState,
};
use cutover::model::resource::{SOURCE_ID_TAG, TASK_ID_TAG};
use cutover::model::Details;
use cutover::sandbox::{sandbox_keys, MotoServer};
use std::collections::BTreeMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use common::MemoryJournal;

static NEXT: AtomicUsize = AtomicUsize::new(1);

fn spec(kind: CopyKind, ids: &[&str], options: CopyOptions) -> TaskSpec {
    TaskSpec {
        id: format!(
            "test-{}-{}",
            std::process::id(),
            NEXT.fetch_add(1, Ordering::SeqCst)
        ),
        kind,
        source_ids: ids.iter().map(|s| s.to_string()).collect(),
        names: BTreeMap::new(),
        source_region: "us-east-1".into(),
        target_region: "eu-west-1".into(),
        options,
        known_copies: BTreeMap::new(),
    }
}

async fn setup(caps: Caps) -> (Regions, Scheduler, Arc<MemoryJournal>) {
    let regions = regions_at(&seeded().server.endpoint(), sandbox_keys()).await;
    let journal = Arc::new(MemoryJournal::default());
    let scheduler = Scheduler::new(regions.clone(), journal.clone(), caps, Default::default());
    (regions, scheduler, journal)
}

async fn run_one(s: &Scheduler, spec: TaskSpec) -> Task {
    let id = spec.id.clone();
    s.submit(spec).unwrap();
    s.settled().await;
    s.task(&id).unwrap()
}

fn done(task: &Task) {
    assert_eq!(task.state, TaskState::Done, "{:#?}", task.history);
}

#[tokio::test]
async fn ami_copy_lands_tagged_and_a_second_run_adopts_it() {
    let f = seeded();
    let (regions, s, _) = setup(Caps::default()).await;
    let source = &f.seeded.images["shop-api-2026-11-20"];
    let task = run_one(&s, spec(CopyKind::Image, &[source], CopyOptions::default())).await;
    done(&task);
    let copy = task.copies()[source.as_str()].clone();
    let found = image::image(&regions.target, &copy).await.unwrap().unwrap();
    let Details::Image(d) = &found.details else {
        panic!()
    };
    assert_eq!(d.ami_name, "shop-api-2026-11-20");
    assert_eq!(found.state, "available");
    assert_eq!(found.tags.get(SOURCE_ID_TAG), Some(source));
    assert_eq!(found.tags.get(TASK_ID_TAG), Some(&task.spec.id));
    assert_eq!(
        found.tags.get("built-by").map(String::as_str),
        Some("packer"),
        "user tags re-applied"
    );
    assert!(task.notes.iter().any(|n| n.contains("launch permissions")));

    let again = run_one(&s, spec(CopyKind::Image, &[source], CopyOptions::default())).await;
    done(&again);
    assert_eq!(
        again.copies()[source.as_str()],
        copy,
        "adopted, not copied twice"
    );
    assert!(again.notes.iter().any(|n| n.contains("adopted")));
}

#[tokio::test]
async fn volume_copy_snapshots_copies_tags_and_makes_a_volume() {
    let f = seeded();
    let (regions, s, _) = setup(Caps::default()).await;
    let vol = &f.seeded.volumes[1];
    let options = CopyOptions {
        target_az: Some("eu-west-1b".into()),
        ..Default::default()
    };
    let task = run_one(&s, spec(CopyKind::Volume, &[vol], options)).await;
    done(&task);
    let source_snap = snapshot::snapshot(&regions.source, &task.outputs["snapshot"])
        .await
        .unwrap()
        .unwrap();
    assert_eq!(source_snap.tags.get(TASK_ID_TAG), Some(&task.spec.id));
    let copy = snapshot::snapshot(&regions.target, &task.outputs["copy"])
        .await
        .unwrap()
        .unwrap();
    assert_eq!(copy.tags.get(SOURCE_ID_TAG), Some(&source_snap.id));
    assert_eq!(
        copy.tags.get("app").map(String::as_str),
        Some("web"),
        "the volume's tags are carried"
    );
    let new_vol = snapshot::volume(&regions.target, &task.copies()[vol.as_str()])
        .await
        .unwrap()
        .unwrap();
    let Details::Volume(v) = &new_vol.details else {
        panic!()
    };
    assert_eq!(v.availability_zone, "eu-west-1b");
    assert_eq!(v.snapshot_id.as_deref(), Some(copy.id.as_str()));
    assert_eq!(new_vol.tags.get(SOURCE_ID_TAG), Some(vol));
}

#[tokio::test]
async fn snapshot_copy() {
    let f = seeded();
    let (regions, s, _) = setup(Caps::default()).await;
    let snap = &f.seeded.snapshots[2];
    let task = run_one(
        &s,
        spec(CopyKind::Snapshot, &[snap], CopyOptions::default()),
    )
    .await;
    done(&task);
    let copy = snapshot::snapshot(&regions.target, &task.copies()[snap.as_str()])
        .await
        .unwrap()
        .unwrap();
    assert_eq!(copy.tags.get(SOURCE_ID_TAG), Some(snap));
    assert_eq!(copy.state, "completed");
}

#[tokio::test]
async fn key_pairs_import_the_same_key_and_refuse_a_clash_until_fixed() {
    let (regions, s, _) = setup(Caps::default()).await;
    let task = run_one(
        &s,
        spec(CopyKind::KeyPair, &["shop-deploy"], CopyOptions::default()),
    )
    .await;
    done(&task);
    let key = |r| async move {
        let k = key_pair::key_pair(r, "shop-deploy").await.unwrap().unwrap();
        match k.details {
            Details::KeyPair(d) => d.public_key.unwrap(),
            _ => panic!(),
        }
    };
    let (a, b) = (key(&regions.source).await, key(&regions.target).await);
    assert_eq!(
        a.split_whitespace().nth(1),
        b.split_whitespace().nth(1),
        "same public key"
    );

    // A different key already under the name: a clear failure, then a retry once it is gone.
    let other = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOalbE1seM95xHvmIHjOsZqGmxMteypVM3v6L62R3tic";
    let name = "clash-key";
    let src_key = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/assets/sandbox/estate.toml"
    ))
    .unwrap();
    let rsa = src_key
        .lines()
        .find(|l| l.contains("ssh-rsa"))
        .unwrap()
        .split('"')
        .nth(1)
        .unwrap()
        .to_string();
    key_pair::import_key(&regions.source, name, &rsa, &[])
        .await
        .unwrap();
    key_pair::import_key(&regions.target, name, other, &[])
        .await
        .unwrap();
    let task = run_one(&s, spec(CopyKind::KeyPair, &[name], CopyOptions::default())).await;
    let TaskState::Failed { error, .. } = &task.state else {
        panic!("{:?}", task.state)
    };
    assert!(
        error.contains("already exists in eu-west-1 with another public key"),
        "{error}"
    );
    regions
        .target
        .ec2
        .delete_key_pair()
        .key_name(name)
        .send()
        .await
        .unwrap();
    s.retry(&task.spec.id).unwrap();
    s.settled().await;
    done(&s.task(&task.spec.id).unwrap());
}

#[tokio::test]
async fn security_groups_are_recreated_with_remapped_references() {
    let f = seeded();
    let (regions, s, _) = setup(Caps::default()).await;
    let g = |n: &str| f.seeded.groups[n].clone();
    // Only shop-db first: its references to api and batch are reported.
    let alone = run_one(
        &s,
        spec(
            CopyKind::SecurityGroups,
            &[&g("shop-db")],
            CopyOptions::default(),
        ),
    )
    .await;
    done(&alone);
    // Rules left out are warnings: the task is done with warnings.
    assert_eq!(
        alone
            .warnings
            .iter()
            .filter(|n| n.contains("neither selected nor copied"))
            .count(),
        3,
        "{:?}",
        alone.warnings
    );
    assert_eq!(alone.state_name(), "done with warnings");

    let ids = [g("shop-web"), g("shop-api"), g("shop-batch"), g("shop-db")];
    let mut all = spec(
        CopyKind::SecurityGroups,
        &ids.iter().map(String::as_str).collect::<Vec<_>>(),
        CopyOptions::default(),
    );
    all.id = format!("{}-all", all.id);
    let task = run_one(&s, all).await;
    done(&task);
    let copies = task.copies();
    assert_eq!(copies.len(), 4);
    assert_eq!(
        copies[&g("shop-db")],
        alone.copies()[&g("shop-db")],
        "shop-db adopted, not duplicated"
    );
    let target_vpc = security_group::default_vpc(&regions.target)
        .await
        .unwrap()
        .unwrap();
    let made = security_group::groups(
        &regions.target,
        &copies.values().cloned().collect::<Vec<_>>(),
    )
    .await
    .unwrap();
    let sg = |name: &str| match &made.iter().find(|r| r.name == name).unwrap().details {
        Details::SecurityGroup(d) => d.clone(),
        _ => panic!(),
    };
    let db = sg("shop-db");
    assert_eq!(db.vpc_id.as_deref(), Some(target_vpc.as_str()));
    let refs: Vec<&String> = db.ingress.iter().flat_map(|r| &r.groups).collect();
    for peer in ["shop-api", "shop-batch", "shop-db"] {
        assert!(
            refs.contains(&&copies[&g(peer)]),
            "shop-db refers to the copy of {peer}: {refs:?}"
        );
    }
    assert!(
        !refs.iter().any(|r| ids.contains(r)),
        "no reference to a source group remains"
    );
    assert!(
        db.ingress
            .iter()
            .any(|r| r.protocol == "-1" && r.groups == [copies[&g("shop-db")].clone()]),
        "self reference"
    );
    let web = sg("shop-web");
    assert!(web
        .ingress
        .iter()
        .any(|r| r.ports() == "tcp 443" && r.ipv6_cidrs == ["::/0"]));
    assert_eq!(web.rule_count(), 4, "3 ingress grants + the default egress");
    assert_eq!(
        sg("shop-api")
            .ingress
            .iter()
            .map(|r| r.grant_count())
            .sum::<usize>(),
        2
    );
}

#[tokio::test]
async fn a_half_done_task_resumes_from_the_journal_without_duplicating() {
    let f = seeded();
    let (regions, first, journal) = setup(Caps::default()).await;
    let vol = &f.seeded.volumes[3];
    let spec = spec(CopyKind::Volume, &[vol], CopyOptions::default());
    let id = spec.id.clone();
    first.submit(spec).unwrap();
    first.settled().await;
    let full = journal.0.lock().unwrap().clone();
    // As if the process died right after the copy step started: keep the
    // journal up to that line, and a copy made by the dead run exists.
    let cut = full
        .iter()
        .position(|(_, _, e)| matches!(e, TaskEvent::StepStarted { step: 2 }))
        .unwrap()
        + 1;
    let events: Vec<(u64, &TaskEvent)> = full[..cut].iter().map(|(_, at, e)| (*at, e)).collect();
    let task = Task::replay(events).unwrap();
    assert_eq!(task.state, TaskState::Running { step: 2 });
    let second = Scheduler::new(
        regions.clone(),
        Arc::new(MemoryJournal::default()),
        Caps::default(),
        Default::default(),
    );
    second.restore(task);
    second.settled().await;
    let resumed = second.task(&id).unwrap();
    done(&resumed);
    assert_eq!(
        resumed.outputs["copy"],
        first.task(&id).unwrap().outputs["copy"],
        "the dead run's copy was adopted"
    );
}

#[tokio::test]
async fn cancel_deregisters_the_ami_copy() {
    let f = seeded();
    let (regions, s, journal) = setup(Caps::default()).await;
    let source = &f.seeded.images["shop-batch-2026-11-18"];
    let task = run_one(&s, spec(CopyKind::Image, &[source], CopyOptions::default())).await;
    done(&task);
    // Rebuild it as paused after the copy call, then cancel it.
    let events: Vec<(u64, TaskEvent)> = journal
        .0
        .lock()
        .unwrap()
        .iter()
        .map(|(_, at, e)| (*at, e.clone()))
        .collect();
    let cut = events
        .iter()
        .position(|(_, e)| matches!(e, TaskEvent::StepDone { step: 0, .. }))
        .unwrap()
        + 1;
    let mut paused: Vec<(u64, TaskEvent)> = events[..cut].to_vec();
    paused.push((0, TaskEvent::Paused { step: 1 }));
    let rebuilt = Task::replay(paused.iter().map(|(at, e)| (*at, e))).unwrap();
    let copy = rebuilt.copies()[source.as_str()].clone();
    let other = Scheduler::new(
        regions.clone(),
        Arc::new(MemoryJournal::default()),
        Caps::default(),
        Default::default(),
    );
    other.restore(rebuilt);
    other.cancel(&task.spec.id).unwrap();
    other.settled().await;
    for _ in 0..100 {
        if other.task(&task.spec.id).unwrap().state.is_finished() {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    let TaskState::Cancelled { note } = other.task(&task.spec.id).unwrap().state else {
        panic!()
    };
    assert!(
        note.contains(&format!("deregistered the copy {copy}")),
        "{note}"
    );
    let gone = image::image(&regions.target, &copy).await.unwrap();
    assert!(gone.is_none() || gone.unwrap().state == "deregistered");
}

#[tokio::test]
async fn caps_bound_concurrent_snapshot_copies() {
    // Its own moto_server and snapshots: copying every seeded snapshot would
    // hand the other tests' snapshots a copy to adopt, so their outcome
    // would depend on which test ran first.
    let server = MotoServer::start(None).unwrap();
    let regions = regions_at(&server.endpoint(), sandbox_keys()).await;
    let ec2 = &regions.source.ec2;
    let volume = ec2
        .create_volume()
        .availability_zone("us-east-1a")
        .size(1)
        .send()
        .await
        .unwrap();
    let mut snapshots = Vec::new();
    for _ in 0..5 {
        let snap = ec2
            .create_snapshot()
            .volume_id(volume.volume_id().unwrap())
            .send()
            .await
            .unwrap();
        snapshots.push(snap.snapshot_id().unwrap().to_string());
    }
    let caps = Caps {
        snapshot_copies: 2,
        ..Caps::default()
    };
    let journal = Arc::new(MemoryJournal::default());
    let s = Scheduler::new(regions, journal.clone(), caps, Default::default());
    for snap in &snapshots {
        s.submit(spec(CopyKind::Snapshot, &[snap], CopyOptions::default()))
            .unwrap();
    }
    s.settled().await;
    // The journal, in the order it was written, is the oracle: a task holds
    // its slot from its first step to its end.
    let events = journal.0.lock().unwrap().clone();
    let (mut running, mut ended) = (BTreeMap::<String, bool>::new(), 0);
    let mut max_seen = 0;
    for (id, _, event) in &events {
        match event {
            TaskEvent::StepStarted { .. } => {
                running.insert(id.clone(), true);
            }
            TaskEvent::Done | TaskEvent::Failed { .. } | TaskEvent::Cancelled { .. } => {
                running.insert(id.clone(), false);
                ended += 1;
            }
            _ => {}
        }
        max_seen = max_seen.max(running.values().filter(|r| **r).count());
    }
    assert_eq!(ended, snapshots.len(), "every copy ended: {events:?}");
    assert!(
        !events
            .iter()
            .any(|(_, _, e)| matches!(e, TaskEvent::Failed { .. })),
        "and none failed: {events:?}"
    );
    // All copies submitted at once: two start together (each awaits moto
    // after journaling its first step), none beyond the cap.
    assert_eq!(
        max_seen, 2,
        "exactly 2 snapshot copies at once, saw {max_seen}"
    );
}

#[test]
fn headless_copy_journals_and_reports_and_refuses_what_it_must() {
    let f = seeded();
    let home = common::temp_home("copy-cli");
    let run = |args: &[&str]| {
        common::cutover_command(&home)
            .env("AWS_ACCESS_KEY_ID", "test")
            .env("AWS_SECRET_ACCESS_KEY", "test-secret")
            .env("AWS_ENDPOINT_URL", f.server.endpoint())
            .args(["--source", "us-east-1", "--target", "eu-west-1"])
            .args(args)
            .output()
            .unwrap()
    };
    let snap = f.seeded.snapshots[0].as_str();
    let eip = "eipalloc-unknown";
    let o = run(&["copy", "--ids", snap, eip, "--yes"]);
    assert!(!o.status.success());
    assert!(String::from_utf8_lossy(&o.stderr).contains("not found in us-east-1: eipalloc-unknown"));

    let o = run(&["--read-only", "copy", "--ids", snap, "--yes"]);
    assert!(!o.status.success());
    assert!(String::from_utf8_lossy(&o.stderr).contains("read-only"));
    let journal = home.join(".local/share/cutover/journal.jsonl");
    assert!(
        !journal.exists(),
        "refused runs write nothing, not even the journal"
    );

    let o = run(&["copy", "--ids", snap]);
    assert!(o.status.success());
    assert!(String::from_utf8_lossy(&o.stderr).contains("Nothing started: pass --yes"));
    assert!(!journal.exists());

    let o = run(&["copy", "--ids", snap, "--yes", "--wait", "--output", "json"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let tasks: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(tasks[0]["state"], "done");
    let copy = tasks[0]["copies"][snap].as_str().unwrap().to_string();
    assert!(copy.starts_with("snap-"));
    assert!(
        String::from_utf8_lossy(&o.stderr).contains("step 1: copy the snapshot"),
        "progress on stderr"
    );

    let listed = run(&["tasks", "--output", "json"]);
    let listed: serde_json::Value = serde_json::from_slice(&listed.stdout).unwrap();
    assert_eq!(
        listed[0]["copies"][snap],
        copy.as_str(),
        "the journal remembers the task"
    );
    let report = run(&["report", "--format", "json"]);
    let report: serde_json::Value = serde_json::from_slice(&report.stdout).unwrap();
    assert_eq!(report["moved"][0]["target_id"], copy.as_str());
}
