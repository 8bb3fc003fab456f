//! `cutover paths`: where everything lives (like `k9s info`).

use crate::config::{FlagSettings, Paths};
use std::process::ExitCode;

pub(crate) fn run(flags: &FlagSettings) -> anyhow::Result<ExitCode> {
    let p = Paths::locate(flags.config.as_deref()).map_err(anyhow::Error::msg)?;
    let exists = |path: &std::path::Path| {
        if path.exists() {
            ""
        } else {
            "  (not created yet)"
        }
    };
    println!(
        "config   {}{}",
        p.config_file.display(),
        exists(&p.config_file)
    );
    println!("data     {}{}", p.data_dir.display(), exists(&p.data_dir));
    println!(
        "journal  {}{}",
        p.journal_file.display(),
        exists(&p.journal_file)
    );
    println!("log      {}{}", p.log_file.display(), exists(&p.log_file));
    println!(
        "reports  {}{}",
        p.reports_dir.display(),
        exists(&p.reports_dir)
    );
    Ok(ExitCode::SUCCESS)
}
