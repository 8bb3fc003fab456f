//! `cutover window open|close|status`: the window's clock, in the journal.

use crate::cli::WindowCommand;
use crate::config::{FlagSettings, Paths};
use crate::cutover::clock::{clock_time, countdown, Clock, SystemClock};
use crate::journal::Journal;
use crate::window;
use std::process::ExitCode;

pub(crate) fn run(flags: &FlagSettings, command: WindowCommand) -> anyhow::Result<ExitCode> {
    let paths = Paths::locate(flags.config.as_deref()).map_err(anyhow::Error::msg)?;
    let journal = Journal::open(&paths.journal_file, flags.read_only);
    let clock = SystemClock;
    match command {
        WindowCommand::Open | WindowCommand::Close if flags.read_only => {
            anyhow::bail!(
                "refusing to open or close the window in --read-only mode (it writes the journal)"
            )
        }
        WindowCommand::Open => {
            let w = window::open(&journal, &clock)?;
            println!("window open since {}", clock_time(w.opened));
        }
        WindowCommand::Close => {
            let w = window::close(&journal, &clock)?;
            println!(
                "window closed at {}; RTO {}",
                clock_time(w.closed.unwrap_or(w.opened)),
                countdown(w.rto().unwrap_or_default())
            );
        }
        WindowCommand::Status => match window::latest(&journal.replay()?) {
            Some(w) if w.is_open() => println!(
                "window open since {}: {} so far",
                clock_time(w.opened),
                countdown(w.elapsed(clock.now()))
            ),
            Some(w) => println!(
                "no window open; the last ran {} from {}",
                countdown(w.rto().unwrap_or_default()),
                clock_time(w.opened)
            ),
            None => println!("no window yet; open one with `cutover window open`"),
        },
    }
    Ok(ExitCode::SUCCESS)
}
