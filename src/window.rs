//! The migration window's clock: `window open` and `window close` are
//! journaled under their own topic, so the elapsed time (the RTO so far)
//! survives a crash and the report can measure the RTO afterwards.

use crate::cutover::clock::Clock;
use crate::journal::{Entry, Journal, JournalError, Replay};
use serde::{Deserialize, Serialize};
use std::time::{Duration, SystemTime};

/// The journal topic (and kind) of window events.
pub(crate) const TOPIC: &str = "window";

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "event", rename_all = "snake_case")]
pub(crate) enum WindowEvent {
    Opened,
    Closed,
}

/// One window: opened, and closed once it is over.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Window {
    pub opened: SystemTime,
    pub closed: Option<SystemTime>,
}

impl Window {
    pub(crate) fn is_open(&self) -> bool {
        self.closed.is_none()
    }

    /// Time since it opened, up to `now` (or its close): the RTO so far.
    pub(crate) fn elapsed(&self, now: SystemTime) -> Duration {
        self.closed
            .unwrap_or(now)
            .duration_since(self.opened)
            .unwrap_or_default()
    }

    /// The measured RTO, once the window is closed.
    pub(crate) fn rto(&self) -> Option<Duration> {
        let closed = self.closed?;
        Some(closed.duration_since(self.opened).unwrap_or_default())
    }
}

#[derive(Debug, thiserror::Error)]
pub(crate) enum WindowError {
    #[error("a window is already open (since {0}); close it with `cutover window close` first")]
    AlreadyOpen(String),
    #[error("no window is open; open one with `cutover window open`")]
    NotOpen,
    #[error(transparent)]
    Journal(#[from] JournalError),
}

/// Every window in the journal, oldest first. A close with no open before
/// it is ignored; a second open while one is open is too.
pub(crate) fn windows(replay: &Replay) -> Vec<Window> {
    let mut out: Vec<Window> = Vec::new();
    for entry in replay.topic(TOPIC) {
        match entry.event_as::<WindowEvent>() {
            Some(WindowEvent::Opened) if !out.last().is_some_and(Window::is_open) => {
                out.push(Window {
                    opened: entry.at(),
                    closed: None,
                })
            }
            Some(WindowEvent::Closed) => {
                if let Some(w) = out.last_mut().filter(|w| w.is_open()) {
                    w.closed = Some(entry.at());
                }
            }
            _ => {}
        }
    }
    out
}

/// The last window, open or closed.
pub(crate) fn latest(replay: &Replay) -> Option<Window> {
    windows(replay).pop()
}

pub(crate) fn open(journal: &Journal, clock: &dyn Clock) -> Result<Window, WindowError> {
    if let Some(w) = latest(&journal.replay()?).filter(Window::is_open) {
        return Err(WindowError::AlreadyOpen(crate::cutover::clock::clock_time(
            w.opened,
        )));
    }
    let now = clock.now();
    journal.append(&Entry::new(now, TOPIC, TOPIC, &WindowEvent::Opened)?)?;
    Ok(Window {
        opened: now,
        closed: None,
    })
}

pub(crate) fn close(journal: &Journal, clock: &dyn Clock) -> Result<Window, WindowError> {
    let Some(mut w) = latest(&journal.replay()?).filter(Window::is_open) else {
        return Err(WindowError::NotOpen);
    };
    let now = clock.now();
    journal.append(&Entry::new(now, TOPIC, TOPIC, &WindowEvent::Closed)?)?;
    w.closed = Some(now);
    Ok(w)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cutover::clock::ManualClock;
    use std::time::UNIX_EPOCH;

    #[test]
    fn the_clock_runs_from_open_to_close_on_the_injected_clock() {
        let dir = tempfile::tempdir().unwrap();
        let journal = Journal::at(&dir.path().join("journal.jsonl"));
        let clock = ManualClock::at(UNIX_EPOCH + Duration::from_secs(1_800_000_000));

        assert!(matches!(close(&journal, &clock), Err(WindowError::NotOpen)));
        let opened = open(&journal, &clock).unwrap();
        clock.advance(Duration::from_secs(95 * 60));
        assert_eq!(
            opened.elapsed(clock.now()),
            Duration::from_secs(95 * 60),
            "RTO so far while open"
        );
        assert!(matches!(
            open(&journal, &clock),
            Err(WindowError::AlreadyOpen(_))
        ));
        let closed = close(&journal, &clock).unwrap();
        assert_eq!(closed.rto(), Some(Duration::from_secs(95 * 60)));

        // Replayed from disk, as after a crash: the same window.
        let replayed = windows(&journal.replay().unwrap());
        assert_eq!(replayed, vec![closed]);
        clock.advance(Duration::from_secs(3600));
        assert_eq!(
            replayed[0].elapsed(clock.now()),
            Duration::from_secs(95 * 60),
            "a closed window's clock has stopped"
        );
    }
}
