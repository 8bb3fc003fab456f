//! What each command does, on top of config, cloud and model.

mod check;
mod cleanup;
mod cleanup_launches;
mod cleanup_leftovers;
mod copy;
mod copy_bucket;
mod copy_db;
mod copy_instances;
mod copy_reads;
mod db;
mod dns;
mod dns_print;
mod dns_suggest;
mod inventory;
mod logging;
mod paths;
mod sandbox;
mod stop;
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
        Some(Command::Db(args)) => db::run(&load_settings(&flags)?, &args).await,
        Some(Command::Check(args)) => check::run(&load_settings(&flags)?, &args).await,
        Some(Command::Window(args)) => window::run(&flags, args.command),
        Some(Command::Cleanup {
            test_launches,
            leftovers,
            yes,
        }) => cleanup::run(&load_settings(&flags)?, test_launches, leftovers, yes).await,
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

/// Whether an error (or one of its causes) is another process holding the
/// journal's lock.
pub fn journal_is_locked(e: &anyhow::Error) -> bool {
    e.chain().any(|cause| {
        // Transparent wrappers hide the journal's error from the chain.
        let in_dns = matches!(
            cause.downcast_ref::<crate::cutover::DnsError>(),
            Some(crate::cutover::DnsError::Journal(j)) if j.is_locked()
        );
        in_dns
            || cause
                .downcast_ref::<crate::journal::JournalError>()
                .is_some_and(|j| j.is_locked())
            || matches!(
                cause.downcast_ref::<crate::journal_lock::LockError>(),
                Some(crate::journal_lock::LockError::Held { .. })
            )
    })
}

/// Takes the journal for writing, before a command does anything; says so
/// when it took over from a writer that died.
pub(crate) fn journal_for_writing(
    settings: &Settings,
) -> anyhow::Result<std::sync::Arc<crate::journal::Journal>> {
    let journal = crate::migrate::compact::compacting(
        crate::journal::Journal::at(&settings.paths.journal_file),
        settings.journal_compact_past,
    );
    let lock = journal.lock_for_writing()?;
    if let Some(dead) = &lock.took_over {
        eprintln!("cutover: took over the journal lock of {dead}, which is no longer running");
    }
    Ok(std::sync::Arc::new(journal))
}

/// The default command: the cockpit.
pub(crate) async fn open_cockpit(settings: Settings) -> anyhow::Result<ExitCode> {
    cockpit(settings, false, None).await
}

/// The cockpit; on the way out, one line on what was left and where.
pub(crate) async fn cockpit(
    settings: Settings,
    sandbox: bool,
    beside: Option<crate::ui::Beside>,
) -> anyhow::Result<ExitCode> {
    let summary = crate::ui::run(settings, sandbox, beside).await?;
    println!("{summary}");
    Ok(ExitCode::SUCCESS)
}

pub(crate) fn start_logging(settings: &Settings) {
    logging::init(&settings.paths);
}

pub(crate) fn load_settings(flags: &crate::config::FlagSettings) -> anyhow::Result<Settings> {
    let settings = Settings::load(flags, &AwsEnv::from_process()).map_err(anyhow::Error::msg)?;
    start_logging(&settings);
    Ok(settings)
}

/// Both regions' clients, connected at once.
pub(crate) async fn connect(settings: &Settings) -> anyhow::Result<Regions> {
    let (source, target) = tokio::join!(
        cloud::connect(&settings.source),
        cloud::connect(&settings.target)
    );
    Ok(Regions {
        source: source.context("cannot open the source region")?,
        target: target.context("cannot open the target region")?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::journal::JournalError;
    use crate::journal_lock::{Holder, LockError};

    #[test]
    fn a_held_journal_is_recognised_through_every_wrapper() {
        let held = || {
            JournalError::Locked(LockError::Held {
                path: "/j".into(),
                holder: Holder {
                    pid: 1,
                    host: "h".into(),
                    since_ms: 0,
                },
            })
        };
        assert!(journal_is_locked(&anyhow::Error::from(held())));
        assert!(journal_is_locked(&anyhow::Error::from(
            crate::cutover::DnsError::Journal(held())
        )));
        assert!(journal_is_locked(
            &anyhow::Error::from(held()).context("dns step")
        ));
        assert!(!journal_is_locked(&anyhow::anyhow!("other")));
    }
}
