//! The bottom line: the few keys that matter now, with the keys as the
//! operator has mapped them.

use super::super::action::Command;
use super::super::app::{App, Mode};
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use ratatui::Frame;

/// Hints for keys that change AWS: not offered in --read-only.
const WRITES: [&str; 16] = [
    "copy",
    "pause",
    "resume",
    "cancel",
    "retry",
    "plan",
    "step",
    "rollback",
    "adopt",
    "finish",
    "abort",
    "start",
    "edit",
    "change+retry",
    "retry left out",
    "promote",
];

pub(crate) fn draw(frame: &mut Frame, area: Rect, app: &App) {
    let t = &app.theme;
    let k = |c| app.keymap.keys_of(c);
    let hints: Vec<(String, &str)> = match &app.mode {
        Mode::Normal if app.show_tasks => task_hints(app),
        Mode::Normal if app.kind == crate::model::Kind::Record => {
            // Only the DNS keys that do something for the record under the
            // cursor: the line stays within 80 columns whatever the state.
            let dns = app.cursor_dns_keys();
            let mut hints = vec![
                (k(Command::KindPrompt), "kind"),
                (k(Command::Filter), "filter"),
                (k(Command::Details), "details"),
            ];
            for (applies, command, what) in [
                (dns.plan, Command::DnsPlan, "plan"),
                (dns.step, Command::DnsStep, "step"),
                (dns.rollback, Command::DnsRollback, "rollback"),
                (dns.adopt, Command::DnsAdopt, "adopt"),
                (dns.finish, Command::DnsFinish, "finish"),
                (dns.abort, Command::DnsAbort, "abort"),
            ] {
                if applies {
                    hints.push((k(command), what));
                }
            }
            hints.extend([
                (k(Command::ToggleTasks), "tasks"),
                (k(Command::Help), "help"),
                (k(Command::Quit), "quit"),
            ]);
            hints
        }
        Mode::Normal => vec![
            (k(Command::KindPrompt), "kind"),
            (k(Command::Filter), "filter"),
            (k(Command::ToggleSelect), "select"),
            (k(Command::Details), "details"),
            (k(Command::Copy), "copy"),
            (k(Command::ToggleTasks), "tasks"),
            (k(Command::ToggleLog), "log"),
            (k(Command::Help), "help"),
            (k(Command::Quit), "quit"),
        ],
        Mode::Filter(_) => vec![
            ("text".into(), "substring"),
            ("~".into(), "regex"),
            ("!".into(), "invert"),
            ("enter".into(), "keep"),
            ("esc".into(), "clear"),
        ],
        Mode::KindPrompt(_) => vec![
            ("tab".into(), "complete"),
            ("enter".into(), "switch"),
            ("esc".into(), "cancel"),
        ],
        Mode::CopyDialog(_) | Mode::DnsPlan(_) => vec![
            ("tab".into(), "next field"),
            ("↑↓".into(), "choose"),
            ("enter".into(), "start"),
            ("esc".into(), "close"),
        ],
        Mode::Confirm(_) => vec![("enter/y".into(), "yes"), ("esc/n".into(), "no")],
        Mode::TaskEdit(_) => vec![
            ("tab/↑↓".into(), "next field"),
            ("enter".into(), "change+retry"),
            ("esc".into(), "close"),
        ],
        Mode::Check { .. } => vec![
            (k(Command::Refresh), "check again"),
            ("↑↓/pgup/pgdn".into(), "scroll"),
            ("esc".into(), "close"),
        ],
        Mode::Details { .. }
        | Mode::Help { .. }
        | Mode::TaskHistory { .. }
        | Mode::Messages { .. } => {
            vec![("↑↓/pgup/pgdn".into(), "scroll"), ("esc".into(), "close")]
        }
    };
    let mut spans = Vec::new();
    let hints = hints
        .into_iter()
        .filter(|(_, what)| !(app.read_only() && WRITES.contains(what)));
    for (keys, what) in hints {
        // Tight spacing: the whole line must fit 80 columns.
        spans.push(Span::styled(format!(" {keys}"), t.accent));
        spans.push(Span::styled(format!(" {what}"), t.dim));
    }
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
}

/// The tasks view's keys for the task under the cursor: only those its
/// state takes (a failed task cannot pause, a done one cannot resume).
fn task_hints(app: &App) -> Vec<(String, &'static str)> {
    use crate::migrate::TaskState;
    let k = |c| app.keymap.keys_of(c);
    let mut hints = vec![(k(Command::Details), "history")];
    if let Some(task) = app.tasks.read().selected() {
        let ready = task.ready_to_promote();
        let left_out = task.state == TaskState::Done && !task.warnings.is_empty();
        hints.extend(match task.state {
            TaskState::Failed { .. } => vec![
                (k(Command::EditTask), "edit"),
                (k(Command::RetryTask), "retry"),
                (k(Command::CancelTask), "cancel"),
            ],
            TaskState::Running { .. } | TaskState::Queued => vec![
                (k(Command::PauseTask), "pause"),
                (k(Command::CancelTask), "cancel"),
            ],
            TaskState::Paused { .. } if ready => vec![(k(Command::ResumeTask), "promote")],
            TaskState::Paused { .. } => vec![
                (k(Command::ResumeTask), "resume"),
                (k(Command::CancelTask), "cancel"),
            ],
            TaskState::Done if left_out => vec![(k(Command::RetryTask), "retry left out")],
            _ => vec![],
        });
    }
    hints.extend([
        (k(Command::ToggleTasks), "panes"),
        (k(Command::ToggleLog), "log"),
        (k(Command::Help), "help"),
        (k(Command::Quit), "quit"),
    ]);
    hints
}
