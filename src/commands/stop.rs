//! Stopping on a signal, as Unix tools do: SIGINT exits 130, SIGTERM 143
//! (128 + the signal's number), after the command says where it stands.

use tokio::signal::unix::{signal, SignalKind};

/// Resolves when SIGINT or SIGTERM arrives, with the exit code to use.
/// Never resolves if the handlers cannot be installed.
pub(crate) async fn stop_requested() -> u8 {
    let (Ok(mut int), Ok(mut term)) = (
        signal(SignalKind::interrupt()),
        signal(SignalKind::terminate()),
    ) else {
        return std::future::pending().await;
    };
    tokio::select! {
        _ = int.recv() => 130,
        _ = term.recv() => 143,
    }
}
