//! `cutover cleanup --test-launches`: the target's test launches (tagged
//! `cutover:launch=test`), listed, then terminated with `--yes`; cutover
//! launches and everything else stay.

use crate::cloud::copy::launch;
use crate::config::Settings;
use std::process::ExitCode;

pub(crate) async fn run(settings: &Settings, yes: bool) -> anyhow::Result<ExitCode> {
    let regions = super::connect(settings).await?;
    let target = &regions.target;
    let found = launch::test_launches(target).await?;
    if found.is_empty() {
        eprintln!("no test launches in {}", target.region);
        return Ok(ExitCode::SUCCESS);
    }
    println!("Test launches in {} ({}):", target.region, found.len());
    for l in &found {
        println!(
            "  {}  test of {}  {}  {}",
            l.instance_id,
            l.of,
            l.state,
            l.private_ip.as_deref().unwrap_or("-")
        );
    }
    if settings.read_only {
        if yes {
            anyhow::bail!("refusing to terminate in --read-only mode: nothing was changed");
        }
        eprintln!("read-only: listed, nothing terminated");
        return Ok(ExitCode::SUCCESS);
    }
    if !yes {
        eprintln!(
            "Nothing terminated: pass --yes to terminate these {} instance(s).",
            found.len()
        );
        return Ok(ExitCode::SUCCESS);
    }
    let ids: Vec<String> = found.into_iter().map(|l| l.instance_id).collect();
    launch::terminate(target, &ids).await?;
    eprintln!("terminated {}", ids.join(", "));
    Ok(ExitCode::SUCCESS)
}
