//! A crash campaign: the real binary copies a mix of resources through the
//! sandbox proxy, is killed with SIGKILL at points chosen by waiting for
//! journal lines and proxied requests, is resumed with `cutover tasks
//! --wait`, and what landed is read back with the SDK straight from moto.
#![allow(dead_code)]

use super::common::{cutover_command, regions_at, seeded};
use super::own;
use cutover::cloud::Regions;
use cutover::sandbox::proxy::SplitMix64;
use cutover::sandbox::{sandbox_keys, PaceFaults, Proxy};
use std::path::{Path, PathBuf};
use std::process::{Child, Stdio};
use std::time::{Duration, Instant};

/// Objects in the campaign's bucket, besides the multipart one.
pub const OBJECTS: usize = 300;
/// The multipart object: 12 MiB over an 8 MiB threshold, 5 MiB parts.
const BIG_MIB: usize = 12;

/// What one campaign found.
#[derive(Debug, Default)]
pub struct Findings {
    pub faults: usize,
    pub requests: usize,
    /// Copies made more than once: "snap-1: 2 copies".
    pub duplicates: Vec<String>,
    /// What should have landed and did not.
    pub missing: Vec<String>,
    pub open_uploads: Vec<String>,
    /// Tasks that did not end done, with their reason.
    pub not_done: Vec<String>,
}

/// What a campaign copies: the mix by default.
#[derive(Debug, Clone, Copy)]
pub struct Mix {
    /// Small objects in the bucket (plus the multipart one); 0: no bucket.
    pub objects: usize,
    pub image: bool,
    pub snapshots: usize,
    pub group: bool,
    pub db_snapshot: bool,
}

impl Default for Mix {
    fn default() -> Self {
        Mix {
            objects: OBJECTS,
            image: true,
            snapshots: 2,
            group: true,
            db_snapshot: true,
        }
    }
}

#[derive(Debug, Default)]
pub struct Sources {
    /// (source, target) bucket names.
    pub bucket: Option<(String, String)>,
    pub image: Option<String>,
    pub snapshots: Vec<String>,
    /// (id, name)
    pub group: Option<(String, String)>,
    pub db_snapshot: Option<String>,
}

impl Sources {
    fn ids(&self) -> Vec<String> {
        let mut ids: Vec<String> = self.bucket.iter().map(|(b, _)| b.clone()).collect();
        ids.extend(self.image.clone());
        ids.extend(self.group.iter().map(|(id, _)| id.clone()));
        ids.extend(self.db_snapshot.clone());
        ids.extend(self.snapshots.iter().cloned());
        ids
    }
}

fn unique(what: &str) -> String {
    use std::sync::atomic::{AtomicUsize, Ordering};
    static NEXT: AtomicUsize = AtomicUsize::new(1);
    format!(
        "crash-{what}-{}-{}",
        std::process::id(),
        NEXT.fetch_add(1, Ordering::SeqCst)
    )
}

pub async fn make_sources(direct: &Regions, mix: Mix) -> Sources {
    let mut s = Sources::default();
    if mix.objects > 0 {
        let bucket = unique("bucket");
        own::bucket(&direct.source, &bucket, mix.objects, Some(BIG_MIB)).await;
        s.bucket = Some((bucket.clone(), format!("{bucket}-eu")));
    }
    if mix.image {
        let base = &seeded().seeded.images["shop-api-2026-11-20"];
        s.image = Some(own::image(&direct.source, base, &unique("ami")).await);
    }
    for _ in 0..mix.snapshots {
        s.snapshots
            .push(own::snapshot(&direct.source, &unique("snap")).await);
    }
    if mix.group {
        let name = unique("sg");
        s.group = Some((own::security_group(&direct.source, &name).await, name));
    }
    if mix.db_snapshot {
        let name = unique("dbsnap");
        own::db_snapshot(&direct.source, "shop-catalog", &name).await;
        s.db_snapshot = Some(name);
    }
    s
}

/// Where a kill lands: after the journal has the tasks, once this many
/// more requests went through the proxy, or this many more journal lines
/// were written.
#[derive(Debug, Clone, Copy)]
pub enum KillPoint {
    Requests(usize),
    JournalLines(usize),
    /// When AWS has acted on the next call of this action and its answer
    /// is held back: the change is made, cutover never heard.
    Held(&'static str),
}

pub struct Campaign {
    pub home: tempfile::TempDir,
    pub proxy: Proxy,
    pub direct: Regions,
    pub sources: Sources,
}

impl Campaign {
    pub async fn new(options: PaceFaults, mix: Mix) -> Campaign {
        let moto = seeded().server.endpoint();
        let direct = regions_at(&moto, sandbox_keys()).await;
        let sources = make_sources(&direct, mix).await;
        let home = tempfile::tempdir().unwrap();
        let config = home.path().join(".config/cutover");
        std::fs::create_dir_all(&config).unwrap();
        std::fs::write(
            config.join("config.toml"),
            "[s3]\nmultipart_threshold_mib = 8\npart_size_mib = 5\n",
        )
        .unwrap();
        Campaign {
            home,
            proxy: Proxy::start(&moto, None, options).unwrap(),
            direct,
            sources,
        }
    }

    pub fn journal(&self) -> PathBuf {
        self.home.path().join(".local/share/cutover/journal.jsonl")
    }

    /// The binary's stderr goes to a file: a pipe nobody reads would fill
    /// and stall it.
    fn stderr_log(&self) -> PathBuf {
        self.home.path().join("stderr.log")
    }

    fn command(&self, args: &[&str]) -> Child {
        let keys = sandbox_keys();
        let log = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(self.stderr_log())
            .unwrap();
        cutover_command(self.home.path())
            .env("AWS_ACCESS_KEY_ID", keys.access_key_id)
            .env("AWS_SECRET_ACCESS_KEY", keys.secret_access_key)
            .env("AWS_ENDPOINT_URL", self.proxy.endpoint())
            .args(["--source", "us-east-1", "--target", "eu-west-1"])
            .args(args)
            .stdout(Stdio::null())
            .stderr(Stdio::from(log))
            .spawn()
            .unwrap()
    }

    fn copy(&self) -> Child {
        let s = &self.sources;
        let mut args = vec!["copy".to_string(), "--ids".into(), s.ids().join(",")];
        if let Some((_, target)) = &s.bucket {
            args.extend(["--target-bucket".into(), target.clone()]);
        }
        args.extend(["--yes".into(), "--wait".into()]);
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        self.command(&args)
    }

    fn arm(&self, point: &KillPoint) {
        if let KillPoint::Held(action) = *point {
            self.proxy.hold_answers(move |call| call.action == action);
        }
    }

    fn resume(&self) -> Child {
        self.command(&["tasks", "--wait"])
    }

    /// Runs the copy, then a resume after each kill, killing at `points`
    /// (a run that ends first is not killed), and a last resume to the end.
    pub fn run(&self, points: &[KillPoint]) -> usize {
        let mut kills = 0;
        // A first hold is armed before the copy starts: its task may make
        // the call before the test sees the journal.
        let mut held = self.proxy.held();
        if let Some(first) = points.first() {
            self.arm(first);
        }
        let mut child = self.copy();
        // The copy reads both estates first, then journals its tasks one by
        // one: kills count from the last of them. (A kill between them
        // leaves the rest unjournaled: `cutover copy` again starts them.)
        let tasks = self.sources.ids().len();
        wait_for(&mut child, || {
            created(&self.journal()) >= tasks || self.proxy.held() > held
        });
        for (i, point) in points.iter().enumerate() {
            let (requests, journal) = (self.proxy.requests(), lines(&self.journal()));
            if i > 0 {
                held = self.proxy.held();
                self.arm(point);
            }
            let reached = wait_for(&mut child, || match *point {
                KillPoint::Requests(n) => self.proxy.requests() >= requests + n,
                KillPoint::JournalLines(n) => lines(&self.journal()) >= journal + n,
                KillPoint::Held(_) => self.proxy.held() > held,
            });
            if reached {
                child.kill().unwrap();
                kills += 1;
            }
            let _ = child.wait();
            self.proxy.release();
            child = self.resume();
        }
        let status = wait_exit(&mut child, Duration::from_secs(600));
        let err = std::fs::read_to_string(self.stderr_log()).unwrap_or_default();
        assert!(!err.contains("panicked"), "a run panicked: {err}");
        assert!(
            status.is_some(),
            "the last resume did not end in 10 minutes: {err}"
        );
        kills
    }

    /// Reads the target with the SDK: every source once, nothing twice.
    pub async fn check(&self) -> Findings {
        let (s, target) = (&self.sources, &self.direct.target);
        let mut f = Findings {
            faults: self.proxy.count(|r| r.fault.is_some()),
            requests: self.proxy.requests(),
            ..Default::default()
        };
        let mut count = |what: &str, n: usize| match n {
            0 => f.missing.push(what.to_string()),
            1 => {}
            n => f.duplicates.push(format!("{what}: {n} copies")),
        };
        if let Some(image) = &s.image {
            count(image, own::image_copies(target, image).await.len());
        }
        for snap in &s.snapshots {
            count(snap, own::snapshot_copies(target, snap).await.len());
        }
        if let Some((_, name)) = &s.group {
            count(name, own::groups_named(target, name).await.len());
        }
        if let Some(db) = &s.db_snapshot {
            count(db, own::db_snapshots_named(target, db).await.len());
        }
        if let Some((source, copy)) = &s.bucket {
            let source_objects = own::listing(&self.direct.source, source).await;
            let exists = target.s3.head_bucket().bucket(copy).send().await.is_ok();
            if exists {
                let copied = own::listing(target, copy).await;
                let key_size = |l: &[(String, i64, String)]| -> Vec<(String, i64)> {
                    l.iter().map(|(k, n, _)| (k.clone(), *n)).collect()
                };
                if key_size(&copied) != key_size(&source_objects) {
                    f.missing.push(format!(
                        "{copy}: {} of {} objects",
                        copied.len(),
                        source_objects.len()
                    ));
                }
                f.open_uploads = own::open_uploads(target, copy).await;
            } else {
                f.missing.push(copy.clone());
            }
        }
        f.not_done = self.tasks_not_done();
        f
    }

    /// `cutover tasks --output json`: the tasks that are not done, with why.
    fn tasks_not_done(&self) -> Vec<String> {
        let out = cutover_command(self.home.path())
            .args(["tasks", "--output", "json"])
            .output()
            .unwrap();
        let text = String::from_utf8_lossy(&out.stdout);
        let tasks: serde_json::Value = serde_json::from_str(&text)
            .unwrap_or_else(|e| panic!("tasks --output json: {e}: {text}"));
        tasks
            .as_array()
            .or_else(|| tasks["tasks"].as_array())
            .expect("a list of tasks")
            .iter()
            .filter(|t| t["state"] != "done" && t["state"] != "done with warnings")
            .map(|t| t.to_string())
            .collect()
    }
}

fn paced_a_second() -> PaceFaults {
    PaceFaults {
        pace: Duration::from_secs(1),
        ..Default::default()
    }
}

/// No resources: a mix names only what it copies.
pub const NOTHING: Mix = Mix {
    objects: 0,
    image: false,
    snapshots: 0,
    group: false,
    db_snapshot: false,
};

/// One kill when the answer to `action` is held, resumes, and checks.
pub async fn lost_answer(action: &'static str, mix: Mix) -> Findings {
    let campaign = Campaign::new(paced_a_second(), mix).await;
    let kills = tokio::task::block_in_place(|| campaign.run(&[KillPoint::Held(action)]));
    let calls: std::collections::BTreeSet<String> = campaign
        .proxy
        .seen()
        .iter()
        .map(|r| format!("{} {}", r.call.service, r.call.action))
        .collect();
    assert_eq!(
        kills, 1,
        "killed while the {action} answer was held; calls: {calls:?}"
    );
    let found = campaign.check().await;
    eprintln!("{action}: {found:#?}");
    found
}

/// Kill points drawn from a seed: after some requests (mid-call), right
/// after a journal line (between steps), or with a create's answer lost.
pub fn kill_points(seed: u64, n: usize) -> Vec<KillPoint> {
    const CREATES: [&str; 6] = [
        "CopySnapshot",
        "CopyImage",
        "CopyDBSnapshot",
        "CreateSecurityGroup",
        "CreateBucket",
        "CompleteMultipartUpload",
    ];
    let mut rng = SplitMix64::new(seed);
    // The first never holds: a hold can fire before every task is
    // journaled, and the kill would then lose the rest (see `run`).
    (0..n)
        .map(|i| match rng.next_u64() % 5 {
            1 if i > 0 => KillPoint::Held(CREATES[(rng.next_u64() % 6) as usize]),
            0 | 1 => KillPoint::JournalLines(1 + (rng.next_u64() % 3) as usize),
            _ => KillPoint::Requests(1 + (rng.next_u64() % 80) as usize),
        })
        .collect()
}

fn created(journal: &Path) -> usize {
    std::fs::read_to_string(journal)
        .map(|t| t.matches("\"event\":\"created\"").count())
        .unwrap_or(0)
}

fn lines(journal: &Path) -> usize {
    std::fs::read_to_string(journal)
        .map(|t| t.lines().count())
        .unwrap_or(0)
}

/// Waits until `reached` (true) or the process ends (false).
fn wait_for(child: &mut Child, reached: impl Fn() -> bool) -> bool {
    let started = Instant::now();
    loop {
        if reached() {
            return true;
        }
        if child.try_wait().unwrap().is_some() {
            return false;
        }
        assert!(
            started.elapsed() < Duration::from_secs(600),
            "no progress in 10 minutes"
        );
        std::thread::sleep(Duration::from_millis(10));
    }
}

fn wait_exit(child: &mut Child, limit: Duration) -> Option<std::process::ExitStatus> {
    let started = Instant::now();
    while started.elapsed() < limit {
        if let Some(status) = child.try_wait().unwrap() {
            return Some(status);
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let _ = child.kill();
    None
}
