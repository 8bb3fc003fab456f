//! Logs go to a file in the data dir, never to the terminal the cockpit owns.

use crate::config::Paths;
use std::sync::Mutex;

/// Best effort: a cockpit without a log file is still a cockpit.
pub(crate) fn init(paths: &Paths) {
    let Ok(()) = std::fs::create_dir_all(&paths.data_dir) else {
        return;
    };
    let Ok(file) = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(&paths.log_file)
    else {
        return;
    };
    // The SDK's own debug logs can carry request details: keep them at warn.
    let filter = tracing_subscriber::EnvFilter::try_from_env("CUTOVER_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn,cutover=info"));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_ansi(false)
        .with_writer(Mutex::new(file))
        .try_init();
}
