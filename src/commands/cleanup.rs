//! `cutover cleanup`: removes what a migration leaves behind, one kind of
//! leftover per flag, each listed before anything goes.

use crate::config::Settings;
use std::process::ExitCode;

pub async fn run(
    settings: &Settings,
    test_launches: bool,
    leftovers: bool,
    yes: bool,
) -> anyhow::Result<ExitCode> {
    if !test_launches && !leftovers {
        anyhow::bail!(
            "say what to clean up: --test-launches (test instances in the target) or --leftovers"
        );
    }
    if leftovers {
        anyhow::bail!("--leftovers is not built yet in this version: nothing was changed");
    }
    super::cleanup_launches::run(settings, yes).await
}
