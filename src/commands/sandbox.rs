//! `cutover sandbox`: a local two-region estate to try cutover on.

use crate::cli::SandboxArgs;
use crate::config::FlagSettings;
use std::process::ExitCode;

pub async fn run(_flags: &FlagSettings, _args: &SandboxArgs) -> anyhow::Result<ExitCode> {
    anyhow::bail!("not yet")
}
