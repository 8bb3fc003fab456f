//! Leaving the cockpit: `q` asks first while something keeps going (tasks
//! running, a DNS step due) or when the sandbox would end; on the way out
//! one line says what was left and where the journal is.

use super::app::{App, Mode};
use super::confirm::Confirm;
use crate::migrate::{CopyKind, TaskState};

impl App {
    /// `q`: quits at once when nothing is in flight, else asks.
    pub(super) fn ask_to_quit(&mut self) {
        // A second ctrl-c (or q) on the question itself: go.
        if matches!(&self.mode, Mode::Confirm(c) if c.quits) {
            self.quit = true;
            return;
        }
        let lines = self.what_keeps_going();
        if lines.is_empty() {
            self.quit = true;
            return;
        }
        // Not through `ask`: quitting is allowed in --read-only.
        let mut confirm = Confirm::new("quit cutover", lines, Vec::new());
        confirm.quits = true;
        self.mode = Mode::Confirm(Box::new(confirm));
    }

    /// What quitting now leaves going, one line each; empty when nothing.
    pub(crate) fn what_keeps_going(&self) -> Vec<String> {
        let mut lines = Vec::new();
        let running = |t: &&crate::migrate::Task| {
            matches!(t.state, TaskState::Running { .. } | TaskState::Queued)
        };
        let tasks = self.tasks.read();
        let (buckets, aws): (Vec<_>, Vec<_>) = tasks
            .iter()
            .filter(running)
            .partition(|t| t.spec.kind == CopyKind::Bucket);
        if !aws.is_empty() {
            let after = if self.sandbox {
                "end with the sandbox"
            } else {
                "go on there; cutover picks them up when it next starts"
            };
            lines.push(format!(
                "{} copy task(s) running in AWS (AMI, snapshot, DB) {after}.",
                aws.len()
            ));
        }
        if !buckets.is_empty() {
            let n = buckets.len();
            let (copies, they, s) = if n == 1 {
                ("copy runs", "it stops", "s")
            } else {
                ("copies run", "they stop", "")
            };
            let after = if self.sandbox {
                "for good: the sandbox does not resume".to_string()
            } else {
                format!("and resume{s} when cutover next starts")
            };
            lines.push(format!(
                "{n} bucket {copies} in this process: {they} {after}."
            ));
        }
        for c in self.cutovers_in_flight() {
            let when = match &c.next_safe {
                Some(t) => format!("its next step is safe at {t}"),
                None => "its next step is due now".into(),
            };
            lines.push(format!(
                "DNS cutover of {} is at step {}/{}: {when}; nothing moves until you make it.",
                c.record, c.done, c.steps
            ));
        }
        if self.sandbox {
            lines.push(
                "This is the sandbox: its estate (moto_server) and its journal go away when you quit."
                    .into(),
            );
        }
        lines
    }

    /// The one line printed after the terminal is restored.
    pub fn exit_summary(&self) -> String {
        let tally = self.tasks.tally();
        let in_flight = self.cutovers_in_flight().len();
        let journal = match (&self.journal_path, self.sandbox) {
            (_, true) => "journal: removed with the sandbox".to_string(),
            (Some(path), false) => format!("journal: {path}"),
            (None, false) => "no journal".to_string(),
        };
        format!(
            "cutover: {} task(s) running, {} paused, {} failed; {} DNS cutover(s) in flight; {journal}",
            tally.running + tally.queued,
            tally.paused,
            tally.failed,
            in_flight
        )
    }
}
