use clap::Parser;
use std::process::ExitCode;

fn main() -> ExitCode {
    // `cutover inventory | head` must end quietly, as other Unix tools do,
    // not panic on the closed pipe.
    #[cfg(unix)]
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
    let cli = cutover::cli::Cli::parse();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => {
            eprintln!("cutover: cannot start the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(cutover::commands::run(cli)) {
        Ok(code) => code,
        Err(e) => {
            // One readable line per cause, never a backtrace.
            eprintln!("cutover: {e:#}");
            if cutover::commands::journal_is_locked(&e) {
                // Another process writes the journal: scripts can tell
                // "busy, try later" from "failed".
                return ExitCode::from(3);
            }
            ExitCode::FAILURE
        }
    }
}
