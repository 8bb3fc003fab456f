//! `cutover sandbox`: start moto_server, seed the sandbox estate, open the
//! cockpit on it, and stop the server on the way out.

use crate::cli::SandboxArgs;
use crate::cloud::seed::{seed, seed_estate, seed_objects, Estate};
use crate::config::{AwsEnv, FlagSettings, Settings};
use crate::sandbox::{MotoServer, PaceFaults, Proxy};
use std::process::ExitCode;
use std::time::{Duration, Instant};

pub(crate) async fn run(flags: &FlagSettings, args: &SandboxArgs) -> anyhow::Result<ExitCode> {
    let estate = Estate::sandbox();
    let started = Instant::now();
    let paced = PaceFaults {
        pace: Duration::from_secs_f64(args.pace),
        faults: args.faults,
        seed: args.faults_seed.unwrap_or_else(clock_seed),
    };
    // --port names where the sandbox is served: the proxy's port when it runs.
    let moto_port = if paced.is_on() { None } else { args.port };
    let server = tokio::task::spawn_blocking(move || MotoServer::start(moto_port))
        .await?
        .map_err(anyhow::Error::msg)?;
    eprintln!("sandbox: moto_server on {}", server.endpoint());
    let proxy = if paced.is_on() {
        let proxy = Proxy::start(&server.endpoint(), args.port, paced.clone())
            .map_err(anyhow::Error::msg)?;
        eprintln!("sandbox: {} on {}", describe(&paced), proxy.endpoint());
        Some(proxy)
    } else {
        None
    };
    let endpoint = proxy
        .as_ref()
        .map_or_else(|| server.endpoint(), |p| p.endpoint().to_string());

    // Removed however this function ends (see sandbox_settings).
    let data_dir = tempfile::Builder::new()
        .prefix("cutover-sandbox-")
        .tempdir()?;
    let settings = sandbox_settings(flags, &estate, &endpoint, data_dir.path())?;
    // Seeding goes to moto directly: the estate exists already, it is not
    // being made, and a fault must not leave it half seeded.
    let mut direct = settings.clone();
    for spec in [&mut direct.source, &mut direct.target] {
        spec.endpoint_url = Some(server.endpoint());
    }
    let regions = super::connect(&direct).await?;
    if args.serve {
        // A served sandbox is used from other terminals: whole before it is announced.
        let seeded = seed(&regions, &estate, args.objects, &|stage| {
            eprintln!("sandbox: seeding {stage}…")
        })
        .await?;
        eprintln!(
            "sandbox: seeded {} instances, {} objects ({:.1} MB) in {:.1} s",
            estate.instance_count(),
            seeded.objects,
            seeded.bytes as f64 / 1e6,
            started.elapsed().as_secs_f64()
        );
        print_how_to_use(&endpoint, &estate, data_dir.path());
        // SIGTERM (a service manager, `kill`) stops it as Ctrl-C does.
        super::stop::stop_requested().await;
        eprintln!("sandbox: stopping moto_server");
        drop(proxy);
        return Ok(ExitCode::SUCCESS);
    }
    // The cockpit opens now: the estate is made behind it (listed once it is
    // there), then the objects go in, each step on the message line.
    let (notes_tx, notes) = tokio::sync::mpsc::unbounded_channel();
    let (ready, list_when) = tokio::sync::oneshot::channel();
    let seeding = tokio::spawn(seed_behind(regions, estate, args.objects, notes_tx, ready));
    let beside = crate::ui::Beside {
        notes: Some(notes),
        list_when: Some(list_when),
    };
    let code = super::cockpit(settings, true, Some(beside)).await;
    seeding.abort();
    drop(proxy);
    drop(server);
    code
}

/// Seeds the estate, says it is ready (to be listed), then puts the objects,
/// telling the cockpit how far it got.
async fn seed_behind(
    regions: crate::cloud::Regions,
    estate: Estate,
    objects: usize,
    notes: tokio::sync::mpsc::UnboundedSender<String>,
    ready: tokio::sync::oneshot::Sender<()>,
) {
    let begun = Instant::now();
    let say = |text: String| {
        // The cockpit may be gone already: nobody to tell then.
        let _ = notes.send(text);
    };
    say("sandbox: seeding the estate (instances, network, databases, DNS, buckets)…".into());
    let made = seed_estate(&regions, &estate, &|_| {}).await;
    let _ = ready.send(());
    let mut seeded = match made {
        Ok(seeded) => seeded,
        Err(e) => return say(format!("sandbox: seeding the estate failed: {e}")),
    };
    say(format!(
        "sandbox: estate seeded in {:.1} s; putting {objects} objects into the buckets in the background (a bucket copied before they are in copies what is there)",
        begun.elapsed().as_secs_f64()
    ));
    let quarter = std::sync::atomic::AtomicUsize::new(0);
    let progress = |n: usize| {
        let q = n * 4 / objects.max(1);
        if q > quarter.fetch_max(q, std::sync::atomic::Ordering::Relaxed) && q < 4 {
            say(format!("sandbox: {n} of {objects} objects put"));
        }
    };
    let putting = Instant::now();
    say(
        match seed_objects(&regions, &estate, objects, &mut seeded, &progress).await {
            Ok(()) => format!(
                "sandbox: all {} objects ({:.1} MB) are in the buckets ({:.1} s)",
                seeded.objects,
                seeded.bytes as f64 / 1e6,
                putting.elapsed().as_secs_f64()
            ),
            Err(e) => format!("sandbox: putting the objects failed: {e}"),
        },
    );
}

/// A seed that differs per run; printed so that a run can be repeated.
fn clock_seed() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos() as u64)
        .unwrap_or(1)
}

fn describe(paced: &PaceFaults) -> String {
    let mut what = vec![format!(
        "pacing proxy (in progress for {} s",
        paced.pace.as_secs_f64()
    )];
    if paced.faults > 0.0 {
        what.push(format!(
            "faults on {:.0}% of requests, repeat with --faults-seed {}",
            paced.faults * 100.0,
            paced.seed
        ));
    }
    what.join("; ") + ")"
}

/// The user's settings file still gives keys and colours; regions, endpoint
/// and credentials are the sandbox's.
fn sandbox_settings(
    flags: &FlagSettings,
    estate: &Estate,
    endpoint: &str,
    data_dir: &std::path::Path,
) -> anyhow::Result<Settings> {
    let flags = FlagSettings {
        source: Some(estate.source.clone()),
        target: Some(estate.target.clone()),
        profile: None,
        source_profile: None,
        target_profile: None,
        endpoint_url: Some(endpoint.to_string()),
        read_only: flags.read_only,
        config: flags.config.clone(),
    };
    let mut settings = Settings::load(&flags, &AwsEnv::default()).map_err(anyhow::Error::msg)?;
    for spec in [&mut settings.source, &mut settings.target] {
        spec.profile = None;
        spec.static_keys = Some(crate::sandbox::sandbox_keys());
    }
    settings.ambient_profile = None;
    // The estate lives only as long as this moto_server: so do its journal
    // and reports. Tasks from an earlier sandbox must not resume against a
    // new, empty one (nor mix into the user's real journal).
    // Laid out as XDG_DATA_HOME=<dir> would, so headless commands given
    // that variable (see --serve) find the same journal.
    let data = data_dir.join("cutover");
    settings.paths.journal_file = data.join("journal.jsonl");
    settings.paths.reports_dir = data.join("reports");
    super::start_logging(&settings);
    Ok(settings)
}

fn print_how_to_use(endpoint: &str, estate: &Estate, data_dir: &std::path::Path) {
    println!("The sandbox estate is up. In another terminal:");
    println!();
    let keys = crate::sandbox::sandbox_keys();
    println!(
        "  export AWS_ACCESS_KEY_ID={} AWS_SECRET_ACCESS_KEY={}",
        keys.access_key_id, keys.secret_access_key
    );
    println!("  export AWS_ENDPOINT_URL={endpoint}");
    // The journal lives in the data dir: keep the sandbox's apart from yours.
    println!("  export XDG_DATA_HOME={}", data_dir.display());
    println!(
        "  cutover --source {} --target {}",
        estate.source, estate.target
    );
    println!(
        "  cutover --source {} --target {} inventory --output json",
        estate.source, estate.target
    );
    println!();
    println!("Ctrl-C stops the server.");
}
