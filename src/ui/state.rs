//! Plain pieces of the cockpit's state: per-kind view state, the log, the
//! header facts. `App` (app.rs) owns them and is the only one to change them.

use super::filter::Filter;
use crate::config::Settings;
use crate::model::Side;
use std::collections::{BTreeSet, VecDeque};
use std::time::SystemTime;

/// Where one pane's cursor is and which row is at its top.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PaneState {
    /// Position in the visible (filtered, sorted) rows.
    pub cursor: usize,
    pub offset: usize,
}

/// What the operator set up for one kind; kept when switching kinds.
#[derive(Debug, Clone, Default)]
pub struct KindState {
    pub filter_text: String,
    pub(crate) filter: Filter,
    /// Set when `filter_text` is not a valid regex: everything shows meanwhile.
    pub filter_error: Option<String>,
    /// (side, id): ids are unique per side, not across.
    pub(crate) selected: BTreeSet<(Side, String)>,
    pub(crate) panes: [PaneState; 2],
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Level {
    Info,
    Warn,
    Error,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogLine {
    pub(crate) at: SystemTime,
    pub level: Level,
    pub text: String,
}

/// The log pane keeps the last lines; the log file keeps everything.
pub(crate) const LOG_LINES: usize = 500;

#[derive(Debug, Clone, Default)]
pub struct LogBook {
    pub lines: VecDeque<LogLine>,
}

impl LogBook {
    pub(crate) fn push(&mut self, line: LogLine) {
        match line.level {
            Level::Info => tracing::info!(target: "cutover::ui", "{}", line.text),
            Level::Warn => tracing::warn!(target: "cutover::ui", "{}", line.text),
            Level::Error => tracing::error!(target: "cutover::ui", "{}", line.text),
        }
        if self.lines.len() == LOG_LINES {
            self.lines.pop_front();
        }
        self.lines.push_back(line);
    }
}

/// "HH:MM:SS" (UTC) of a time: the log file has full dates.
pub(crate) fn clock_text(at: SystemTime) -> String {
    let secs = at
        .duration_since(SystemTime::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    format!(
        "{:02}:{:02}:{:02}",
        secs / 3600 % 24,
        secs / 60 % 60,
        secs % 60
    )
}

/// The facts the header shows, fixed for the session.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Header {
    pub source_region: String,
    pub source_profile: String,
    pub target_region: String,
    pub target_profile: String,
    pub endpoint: Option<String>,
    pub read_only: bool,
    /// Another process writes the journal and runs the tasks; this cockpit
    /// follows it read-only: "pid 4242 on host ops-1".
    pub follower_of: Option<String>,
}

impl Header {
    pub(crate) fn from_settings(s: &Settings) -> Self {
        // What the credentials are, never what they hold.
        let profile = |spec: &crate::cloud::RegionSpec| match (&spec.static_keys, &spec.profile) {
            (Some(_), _) => "static keys".to_string(),
            (None, Some(p)) => p.clone(),
            (None, None) => s
                .ambient_profile
                .clone()
                .unwrap_or_else(|| "default credentials".into()),
        };
        Header {
            source_region: s.source.region.clone(),
            source_profile: profile(&s.source),
            target_region: s.target.region.clone(),
            target_profile: profile(&s.target),
            endpoint: s.source.endpoint_url.clone(),
            read_only: s.read_only,
            follower_of: None,
        }
    }
}
