//! `cutover cleanup`: deletes what the move left behind, one kind per flag,
//! each listing first and deleting only with --yes.

use crate::config::Settings;
use std::process::ExitCode;

pub(crate) async fn run(
    settings: &Settings,
    test_launches: bool,
    leftovers: bool,
    yes: bool,
) -> anyhow::Result<ExitCode> {
    if !test_launches && !leftovers {
        anyhow::bail!(
            "name what to clean up: --leftovers (snapshots and images copies made in the source) or --test-launches (test instances in the target)"
        );
    }
    let mut code = ExitCode::SUCCESS;
    if leftovers {
        code = super::cleanup_leftovers::run(settings, yes).await?;
    }
    if test_launches {
        let launches = super::cleanup_launches::run(settings, yes).await?;
        if launches != ExitCode::SUCCESS {
            code = launches;
        }
    }
    Ok(code)
}
