//! What each command does, on top of config, cloud and model.

mod check;
mod copy;
mod dns;
mod inventory;
mod logging;
mod paths;
mod sandbox;
mod tasks;
mod window;

use crate::cli::{Cli, Command};
use crate::cloud::{self, Regions};
use crate::config::{AwsEnv, Settings};
use anyhow::Context;
use std::process::ExitCode;

pub use inventory::collect_inventory;

pub async fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    let flags = cli.global.flag_settings();
    match cli.command {
        Some(Command::Paths) => paths::run(&flags),
        Some(Command::Sandbox(args)) => sandbox::run(&flags, &args).await,
        Some(Command::Copy(args)) => copy::run(&load_settings(&flags)?, &args).await,
        Some(Command::Tasks(args)) => tasks::run(&flags, &args).await,
        Some(Command::Report(args)) => tasks::report(&flags, &args),
        Some(Command::Check(args)) => check::run(&load_settings(&flags)?, &args).await,
        Some(Command::Window(args)) => window::run(&flags, args.command),
        Some(Command::Dns(args)) => {
            let settings = load_settings(&flags)?;
            dns::run(&settings, &args.command).await
        }
        Some(Command::Inventory(args)) => {
            let settings = load_settings(&flags)?;
            inventory::run(&settings, &args).await
        }
        None => {
            let settings = load_settings(&flags)?;
            open_cockpit(settings).await
        }
    }
}

/// The default command: the cockpit.
pub async fn open_cockpit(settings: Settings) -> anyhow::Result<ExitCode> {
    crate::ui::run(settings).await?;
    Ok(ExitCode::SUCCESS)
}

pub fn start_logging(settings: &Settings) {
    logging::init(&settings.paths);
}

pub fn load_settings(flags: &crate::config::FlagSettings) -> anyhow::Result<Settings> {
    let settings = Settings::load(flags, &AwsEnv::from_process()).map_err(anyhow::Error::msg)?;
    start_logging(&settings);
    Ok(settings)
}

/// Both regions' clients, connected at once.
pub async fn connect(settings: &Settings) -> anyhow::Result<Regions> {
    let (source, target) = tokio::join!(
        cloud::connect(&settings.source),
        cloud::connect(&settings.target)
    );
    Ok(Regions {
        source: source.context("cannot open the source region")?,
        target: target.context("cannot open the target region")?,
    })
}
