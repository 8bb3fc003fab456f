use clap::Parser;
use std::process::ExitCode;

fn main() -> ExitCode {
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
            ExitCode::FAILURE
        }
    }
}
