//! The window key: opens or closes the migration window (the RTO clock)
//! from the cockpit, through the confirm gate, journaled exactly as
//! `cutover window open|close` does.

use super::action::Effect;
use super::app::App;
use super::confirm::Confirm;
use super::state::Level;
use crate::cutover::clock::{clock_time, countdown};
use crate::window::Window;

impl App {
    /// Asks to open the window, or to close the one open.
    pub(super) fn window_key(&mut self) {
        let now = (self.clock)();
        let confirm = match self.window_opened {
            None => Confirm::new(
                "open the migration window",
                vec![
                    format!("The window's clock starts now ({}).", clock_time(now)),
                    "The header counts the time since (the RTO so far); the report measures the RTO when it closes.".into(),
                    "Journaled as `cutover window open` does.".into(),
                ],
                vec![Effect::WindowOpen],
            ),
            Some(opened) => Confirm::new(
                "close the migration window",
                vec![
                    format!(
                        "The window open since {} closes now: RTO {}.",
                        clock_time(opened),
                        countdown(now.duration_since(opened).unwrap_or_default())
                    ),
                    "Journaled as `cutover window close` does.".into(),
                ],
                vec![Effect::WindowClose],
            ),
        };
        self.ask(confirm);
    }

    /// The journal took the open or close (or refused it).
    pub(super) fn window_changed(&mut self, result: Result<Window, String>) {
        match result {
            Ok(w) if w.is_open() => {
                self.window_opened = Some(w.opened);
                self.note(
                    Level::Info,
                    format!(
                        "window open since {}: the header counts the RTO",
                        clock_time(w.opened)
                    ),
                );
            }
            Ok(w) => {
                self.window_opened = None;
                self.note(
                    Level::Info,
                    format!(
                        "window closed; RTO {}",
                        countdown(w.rto().unwrap_or_default())
                    ),
                );
            }
            Err(e) => self.note(Level::Error, format!("window: {e}")),
        }
    }
}
