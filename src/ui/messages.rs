//! Notices where the eye is: every refusal, warning and notice goes to the
//! message line under the panes (and the log); errors are counted in the
//! header until `:messages` shows them.

use super::app::{App, Mode};
use super::state::{Level, LogLine};
use std::time::{Duration, SystemTime};

/// Notices kept for `:messages`.
pub(crate) const MESSAGES_KEPT: usize = 200;
/// A message shows in full colour this long, then dimmed...
pub(crate) const MESSAGE_BRIGHT: Duration = Duration::from_secs(5);
/// ...and is gone from the line after this long (it stays in `:messages`).
pub(crate) const MESSAGE_SHOWN: Duration = Duration::from_secs(15);

/// Words the `:` prompt takes besides kind names.
const VIEWS: [&str; 2] = ["messages", "check"];

pub(crate) fn view_words(prefix: &str) -> Vec<&'static str> {
    let prefix = prefix.trim();
    VIEWS
        .iter()
        .copied()
        .filter(|w| !prefix.is_empty() && w.starts_with(prefix))
        .collect()
}

pub(crate) fn is_view_word(text: &str) -> bool {
    VIEWS.contains(&text.trim())
}

/// How a message on the line looks now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Freshness {
    Bright,
    Fading,
}

impl App {
    /// A notice for the operator: on the message line and in the log.
    pub fn note(&mut self, level: Level, text: impl Into<String>) {
        let line = LogLine {
            at: (self.clock)(),
            level,
            text: text.into(),
        };
        if level == Level::Error {
            self.unread_errors += 1;
        }
        if self.messages.len() == MESSAGES_KEPT {
            self.messages.pop_front();
        }
        self.messages.push_back(line.clone());
        self.log.push(line);
    }

    /// Chatter for the log only (listing times): not worth the eye.
    pub(crate) fn log_only(&mut self, level: Level, text: impl Into<String>) {
        self.log.push(LogLine {
            at: (self.clock)(),
            level,
            text: text.into(),
        });
    }

    /// The message the line shows now, if one is recent enough.
    pub fn current_message(&self) -> Option<(&LogLine, Freshness)> {
        let line = self.messages.back()?;
        let age = (self.clock)()
            .duration_since(line.at)
            .unwrap_or(Duration::ZERO);
        match age {
            a if a < MESSAGE_BRIGHT => Some((line, Freshness::Bright)),
            a if a < MESSAGE_SHOWN => Some((line, Freshness::Fading)),
            _ => None,
        }
    }

    pub(super) fn open_view(&mut self, word: &str) -> Vec<super::action::Effect> {
        match word {
            "messages" => {
                self.unread_errors = 0;
                self.mode = Mode::Messages { scroll: 0 };
            }
            "check" => return self.open_check(),
            _ => {}
        }
        Vec::new()
    }
}

/// "12s ago", "3m ago": how old a stale listing or a message is.
pub(crate) fn age_text(then: SystemTime, now: SystemTime) -> String {
    let s = now.duration_since(then).unwrap_or(Duration::ZERO).as_secs();
    match s {
        0..=59 => format!("{s}s"),
        60..=3599 => format!("{}m", s / 60),
        _ => format!("{}h", s / 3600),
    }
}
