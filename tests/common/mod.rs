//! Shared by the integration tests: a moto_server per test binary (killed
//! when the binary ends), the sandbox estate seeded into it once, and
//! clients connected to it.
#![allow(dead_code)]

pub mod recorder;

use cutover::cloud::seed::{seed, Estate, Seeded};
use cutover::cloud::{connect, RegionSpec, Regions, StaticKeys};
use cutover::sandbox::{sandbox_keys, MotoServer};
use std::sync::OnceLock;

/// Objects seeded into the test estate: enough to page, quick to put.
pub const TEST_OBJECTS: usize = 300;

pub struct Fixture {
    pub server: MotoServer,
    pub estate: Estate,
    pub seeded: Seeded,
}

/// The seeded sandbox estate, started on first use.
pub fn seeded() -> &'static Fixture {
    static FIXTURE: OnceLock<Fixture> = OnceLock::new();
    FIXTURE.get_or_init(|| {
        let server = MotoServer::start(None).unwrap_or_else(|e| panic!("{e}"));
        stop_at_exit(server.pid());
        let estate = Estate::sandbox();
        // Its own thread and runtime: the caller is inside a #[tokio::test]
        // runtime, and clients must not outlive the runtime that made them.
        let endpoint = server.endpoint();
        let seed_estate = estate.clone();
        let seeded = std::thread::spawn(move || {
            let rt = tokio::runtime::Runtime::new().unwrap();
            rt.block_on(async {
                let regions = regions_at(&endpoint, sandbox_keys()).await;
                seed(&regions, &seed_estate, TEST_OBJECTS, &|_| {})
                    .await
                    .expect("seeding the test estate")
            })
        })
        .join()
        .expect("seeding thread");
        Fixture {
            server,
            estate,
            seeded,
        }
    })
}

/// A static is never dropped, so the fixture's server would outlive the
/// test binary: stop it when the process exits.
pub fn stop_at_exit(pid: u32) {
    static PID: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
    extern "C" fn stop() {
        let pid = PID.load(std::sync::atomic::Ordering::SeqCst);
        if pid != 0 {
            // SAFETY: kill(2) on a child we started; no memory is touched.
            unsafe {
                libc::kill(pid as libc::pid_t, libc::SIGKILL);
            }
        }
    }
    PID.store(pid, std::sync::atomic::Ordering::SeqCst);
    // SAFETY: registers a plain function with no captured state.
    unsafe {
        libc::atexit(stop);
    }
}

pub fn spec(role: &'static str, region: &str, endpoint: &str, keys: StaticKeys) -> RegionSpec {
    RegionSpec {
        role,
        region: region.into(),
        profile: None,
        endpoint_url: Some(endpoint.into()),
        endpoint_from_env: false,
        use_instance_metadata: false,
        extra_regions: vec![],
        static_keys: Some(keys),
    }
}

pub async fn regions_at(endpoint: &str, keys: StaticKeys) -> Regions {
    Regions {
        source: connect(&spec("source", "us-east-1", endpoint, keys.clone()))
            .await
            .unwrap(),
        target: connect(&spec("target", "eu-west-1", endpoint, keys))
            .await
            .unwrap(),
    }
}

/// The cutover binary, with an environment that cannot reach real AWS or
/// the user's own files.
pub fn cutover_command(home: &std::path::Path) -> std::process::Command {
    let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_cutover"));
    for var in [
        "AWS_PROFILE",
        "AWS_REGION",
        "AWS_DEFAULT_REGION",
        "AWS_ENDPOINT_URL",
        "AWS_ACCESS_KEY_ID",
        "AWS_SECRET_ACCESS_KEY",
        "AWS_SESSION_TOKEN",
    ] {
        cmd.env_remove(var);
    }
    for (var, _) in std::env::vars().filter(|(k, _)| k.starts_with("CUTOVER_")) {
        cmd.env_remove(var);
    }
    cmd.env("HOME", home)
        .env("XDG_CONFIG_HOME", home.join(".config"))
        .env("XDG_DATA_HOME", home.join(".local/share"));
    cmd
}

/// A fresh empty directory to serve as HOME, removed (with everything the
/// test wrote into it) when dropped. Derefs to its path.
pub struct TempHome(tempfile::TempDir);

impl std::ops::Deref for TempHome {
    type Target = std::path::Path;
    fn deref(&self) -> &std::path::Path {
        self.0.path()
    }
}

impl AsRef<std::path::Path> for TempHome {
    fn as_ref(&self) -> &std::path::Path {
        self.0.path()
    }
}

impl AsRef<std::ffi::OsStr> for TempHome {
    fn as_ref(&self) -> &std::ffi::OsStr {
        self.0.path().as_os_str()
    }
}

pub fn temp_home(name: &str) -> TempHome {
    TempHome(
        tempfile::Builder::new()
            .prefix(&format!("cutover-test-{name}-"))
            .tempdir()
            .unwrap(),
    )
}

/// A task journal in memory, for scheduler tests that do not need a file:
/// every event the scheduler journals, in order.
#[derive(Default)]
pub struct MemoryJournal(pub std::sync::Mutex<Vec<(String, u64, cutover::migrate::TaskEvent)>>);

impl cutover::migrate::TaskJournal for MemoryJournal {
    fn record(
        &self,
        task_id: &str,
        at_ms: u64,
        event: &cutover::migrate::TaskEvent,
    ) -> Result<(), String> {
        self.0
            .lock()
            .unwrap()
            .push((task_id.to_string(), at_ms, event.clone()));
        Ok(())
    }
}
