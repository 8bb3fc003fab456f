//! The tasks view: one row per copy task with a gauge, and below, the
//! task under the cursor: a bucket copy's objects, bytes, throughput
//! sparkline and ETA, or any other task's steps and error.

use super::super::app::App;
use super::super::task_board::{bytes_text, Tasks, TransferSamples};
use super::super::theme::Theme;
use super::fit;
use crate::cutover::clock::countdown;
use crate::migrate::{CopyKind, Task, TaskState};
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Cell, Paragraph, Row, Sparkline, Table, Wrap};
use ratatui::Frame;
use std::time::Duration;

/// Lines under the table for the task under the cursor.
pub(crate) const TASK_DETAIL_LINES: u16 = 5;
const GAUGE_WIDTH: usize = 10;

/// A task's state colour: done with warnings is amber, never green.
pub(crate) fn task_style(task: &Task, t: &Theme) -> Style {
    match task.state {
        TaskState::Done if !task.warnings.is_empty() => t.differs,
        ref state => state_style(state, t),
    }
}

/// "pausing…" from the key press until the task says it paused.
pub(crate) fn state_words(task: &Task, app: &App) -> &'static str {
    match task.state {
        TaskState::Running { .. } | TaskState::Queued
            if app.tasks.pausing.contains(&task.spec.id) =>
        {
            "pausing…"
        }
        _ => task.state_name(),
    }
}

pub(crate) fn state_style(state: &TaskState, t: &Theme) -> Style {
    match state {
        TaskState::Running { .. } => t.accent,
        TaskState::Queued | TaskState::Cancelled { .. } => t.dim,
        TaskState::Paused { .. } => t.differs,
        TaskState::Done => t.copied,
        TaskState::Failed { .. } => t.error,
    }
}

/// How far a task is, 0.0-1.0 (None: not known yet), and the words
/// beside the bar: AWS's own percent when it gives one, objects for a
/// bucket, else the step count.
pub(crate) fn gauge(task: &Task) -> (Option<f64>, String) {
    let steps = task.spec.steps().len().max(1);
    if task.state == TaskState::Done {
        return (Some(1.0), "done".into());
    }
    if let Some(p) = task.progress {
        return (Some(f64::from(p) / 100.0), format!("{p}%"));
    }
    if let Some(t) = task.transfer.filter(|t| t.restoring > 0) {
        return (None, format!("{} restoring…", thousands(t.restoring)));
    }
    if let Some(t) = task.transfer.filter(|t| t.objects_listed > 0) {
        // Filling against the part listed so far would tell a lie.
        if !t.listing_done {
            return (None, format!("{} listed…", thousands(t.objects_listed)));
        }
        let fraction = if t.bytes_listed > 0 {
            t.bytes_done as f64 / t.bytes_listed as f64
        } else {
            t.objects_done as f64 / t.objects_listed as f64
        };
        return (
            Some(fraction),
            format!("{}/{}", t.objects_done, t.objects_listed),
        );
    }
    let n = (task.next_step + 1).min(steps);
    (
        Some(task.next_step as f64 / steps as f64),
        format!("step {n}/{steps}"),
    )
}

/// 1062 -> "1,062".
pub(crate) fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

fn bar(fraction: Option<f64>) -> String {
    let Some(fraction) = fraction else {
        return "╌".repeat(GAUGE_WIDTH);
    };
    let filled =
        ((fraction.clamp(0.0, 1.0) * GAUGE_WIDTH as f64).round() as usize).min(GAUGE_WIDTH);
    format!("{}{}", "█".repeat(filled), "░".repeat(GAUGE_WIDTH - filled))
}

/// Time the task has run: the clock stops once it failed, paused or ended.
pub(crate) fn elapsed(task: &Task, now_ms: u64) -> String {
    let stopped = match task.state {
        TaskState::Running { .. } | TaskState::Queued => None,
        _ => task.history.last().map(|(at, _)| *at),
    };
    let end = task.finished_ms.or(stopped).unwrap_or(now_ms);
    countdown(Duration::from_millis(end.saturating_sub(task.created_ms)))
}

fn target_text(task: &Task) -> String {
    let copies = task.copies();
    if !copies.is_empty() {
        return copies.values().cloned().collect::<Vec<_>>().join(", ");
    }
    match (&task.spec.kind, &task.spec.options.target_bucket) {
        (CopyKind::Bucket, Some(name)) => name.clone(),
        _ => "…".into(),
    }
}

fn step_text(task: &Task) -> String {
    match (&task.state, task.current_step()) {
        (TaskState::Done, _) => "-".into(),
        (_, Some(step)) => step.label().to_string(),
        (_, None) => "-".into(),
    }
}

pub(crate) fn draw(frame: &mut Frame, area: Rect, app: &App) {
    let t = &app.theme;
    // The tasks as they stand now, read once for the frame.
    let tasks = app.tasks.read();
    let tally = tasks.tally();
    let mut summary = format!(
        " Copy tasks · {} running · {} queued · {} done · {} failed ",
        tally.running, tally.queued, tally.done, tally.failed
    );
    if tally.done_with_warnings > 0 {
        summary.push_str(&format!(
            "· {} done with warnings ",
            tally.done_with_warnings
        ));
    }
    if tally.ready_to_promote > 0 {
        summary.push_str(&format!("· {} ready to promote ", tally.ready_to_promote));
    }
    if tally.paused + tally.cancelled > 0 {
        summary.push_str(&format!(
            "· {} paused · {} cancelled ",
            tally.paused, tally.cancelled
        ));
    }
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(t.focused_border)
        .title(Line::from(Span::styled(summary, t.header)));
    let inner = block.inner(area);
    frame.render_widget(block, area);
    if tasks.is_empty() {
        let text = format!(
            "no copy tasks yet: select source rows ({}), then {} copies them",
            app.keymap.keys_of(crate::ui::action::Command::ToggleSelect),
            app.keymap.keys_of(crate::ui::action::Command::Copy)
        );
        return frame.render_widget(Paragraph::new(text).style(t.dim), inner);
    }
    let [table_area, detail_area] =
        Layout::vertical([Constraint::Min(2), Constraint::Length(TASK_DETAIL_LINES)]).areas(inner);
    draw_table(frame, table_area, app, &tasks);
    if let Some(task) = tasks.selected() {
        draw_detail(frame, detail_area, app, task);
    }
}

fn draw_table(frame: &mut Frame, area: Rect, app: &App, tasks: &Tasks) {
    let t = &app.theme;
    let now_ms = crate::journal::unix_ms((app.clock)());
    let page = area.height.saturating_sub(1) as usize;
    let wanted = [
        Constraint::Length(16),
        Constraint::Min(12),
        Constraint::Length(22),
        Constraint::Length(24),
        Constraint::Length(8),
        Constraint::Length(18),
    ];
    // The widths the table will have: each cell is cut to its own with
    // `…`, never mid-word by the table (80 columns cannot hold them all).
    let w: Vec<usize> = Layout::horizontal(wanted)
        .spacing(1)
        .split(Rect::new(0, 0, area.width, 1))
        .iter()
        .map(|r| r.width as usize)
        .collect();
    let rows = tasks
        .iter()
        .enumerate()
        .skip(app.tasks.offset)
        .take(page)
        .map(|(i, task)| {
            let (fraction, words) = gauge(task);
            let what = format!("{} → {}", task.spec.what(), target_text(task));
            let what = crate::model::printable(&what);
            let row = Row::new(vec![
                Cell::from(fit(task.spec.kind.label(), w[0])),
                Cell::from(fit(&what, w[1])),
                Cell::from(fit(&step_text(task), w[2])),
                // Narrow: the words ("42%", "1,062 listed…") before the bar.
                Cell::from(if w[3] > GAUGE_WIDTH + words.chars().count() {
                    format!("{} {words}", bar(fraction))
                } else {
                    fit(&words, w[3])
                }),
                Cell::from(fit(&elapsed(task, now_ms), w[4])),
                Cell::from(fit(state_words(task, app), w[5])).style(if i == app.tasks.cursor {
                    Style::new()
                } else {
                    task_style(task, t)
                }),
            ]);
            if i == app.tasks.cursor {
                row.style(t.cursor)
            } else {
                row
            }
        });
    let titles = [
        "KIND",
        "SOURCE → TARGET",
        "STEP",
        "PROGRESS",
        "ELAPSED",
        "STATE",
    ];
    let header = Row::new(
        titles
            .iter()
            .zip(&w)
            .map(|(title, &width)| fit(title, width)),
    )
    .style(t.header);
    let widths: Vec<Constraint> = w.iter().map(|&n| Constraint::Length(n as u16)).collect();
    frame.render_widget(
        Table::new(rows, widths).header(header).column_spacing(1),
        area,
    );
}

fn draw_detail(frame: &mut Frame, area: Rect, app: &App, task: &Task) {
    let t = &app.theme;
    let mut lines = vec![Line::from(vec![
        Span::styled(format!("{} ", task.spec.id), t.header),
        Span::raw(format!(
            "{} {} → {}",
            task.spec.kind.label(),
            task.spec.what(),
            target_text(task)
        )),
    ])];
    let samples = app.tasks.samples.get(&task.spec.id);
    if let (CopyKind::Bucket, Some(s)) = (task.spec.kind, samples) {
        lines.push(Line::from(transfer_text(s)));
        // A copy that failed part way says why before its throughput.
        if let TaskState::Failed { error, .. } = &task.state {
            lines.push(Line::from(Span::styled(
                format!("error: {}", crate::model::printable(error)),
                t.error,
            )));
            if !app.read_only() {
                lines.push(Line::from(Span::styled(retry_hint(app, task), t.accent)));
            }
        }
        let rows = lines.len() as u16;
        let [text, spark] =
            Layout::vertical([Constraint::Length(rows), Constraint::Min(1)]).areas(area);
        frame.render_widget(Paragraph::new(lines), text);
        let data: Vec<u64> = s.rates.iter().copied().collect();
        // The newest samples, as many as fit.
        let shown = &data[data.len().saturating_sub(spark.width as usize)..];
        frame.render_widget(Sparkline::default().data(shown).style(t.accent), spark);
        return;
    }
    let steps = task.spec.steps();
    let chain: Vec<Span> = steps
        .iter()
        .enumerate()
        .flat_map(|(i, step)| {
            let (mark, style) = if i < task.next_step || task.state == TaskState::Done {
                ("✓", t.copied)
            } else if i == task.next_step {
                ("▶", state_style(&task.state, t))
            } else {
                ("·", t.dim)
            };
            [
                Span::styled(format!("{mark} {}", step.label()), style),
                Span::styled("  ", t.dim),
            ]
        })
        .collect();
    lines.push(Line::from(chain));
    if let (TaskState::Running { .. }, Some(status)) = (&task.state, &task.status) {
        lines.push(Line::from(Span::styled(
            format!("AWS says: {}", crate::model::printable(status)),
            t.accent,
        )));
    }
    match &task.state {
        TaskState::Failed { error, .. } => {
            lines.push(Line::from(Span::styled(
                format!("error: {}", crate::model::printable(error)),
                t.error,
            )));
            if !app.read_only() {
                lines.push(Line::from(Span::styled(retry_hint(app, task), t.accent)));
            }
        }
        TaskState::Cancelled { note } => lines.push(Line::from(Span::styled(note.clone(), t.dim))),
        _ => {}
    }
    for warning in &task.warnings {
        lines.push(Line::from(Span::styled(
            format!("left out: {warning}"),
            t.differs,
        )));
    }
    if task.state == TaskState::Done && !task.warnings.is_empty() {
        lines.push(Line::from(Span::styled(
            format!(
                "each warning says its fix; {} shows the whole history",
                app.keymap.keys_of(crate::ui::action::Command::Details)
            ),
            t.accent,
        )));
    }
    if task.spec.kind == CopyKind::DbReplica {
        if let Some(line) = task.outputs.get("replication") {
            lines.push(Line::from(Span::styled(
                format!("replica: {line} (lag is CloudWatch's ReplicaLag: not read)"),
                t.accent,
            )));
        }
    }
    if let Some(note) = task.notes.last() {
        lines.push(Line::from(Span::styled(format!("note: {note}"), t.dim)));
    }
    // The error in full matters more than the note under it.
    frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), area);
}

/// "objects 120/300 · 180.0 MB of 450.0 MB · 12.0 MB/s · ETA 23s".
pub(crate) fn transfer_text(s: &TransferSamples) -> String {
    let Some(x) = s.last else {
        return String::new();
    };
    let more = if x.listing_done { "" } else { "+ (listing)" };
    let mut text = format!(
        "objects {}/{}{more} · {} of {}",
        x.objects_done,
        x.objects_listed,
        bytes_text(x.bytes_done),
        bytes_text(x.bytes_listed)
    );
    if x.objects_skipped > 0 {
        text.push_str(&format!(" · {} already there", x.objects_skipped));
    }
    if let Some(rate) = s.rates.back().copied().or(s.average_rate()) {
        text.push_str(&format!(" · {}/s", bytes_text(rate)));
    }
    match s.eta_secs() {
        Some(eta) => text.push_str(&format!(" · ETA {}", countdown(Duration::from_secs(eta)))),
        None if !x.listing_done => text.push_str(" · ETA once listed"),
        None => {}
    }
    text
}

/// Under a failed task: the keys that take it up, with the options its
/// kind can change (the words of `cutover tasks --set`).
fn retry_hint(app: &App, task: &Task) -> String {
    use crate::ui::action::Command;
    let retry = app.keymap.keys_of(Command::RetryTask);
    let keys = crate::migrate::edit::keys_for(task.spec.kind);
    if keys.is_empty() {
        return format!("{retry} retries it from the step that failed");
    }
    format!(
        "{} changes {} then retries; {retry} retries as it is",
        app.keymap.keys_of(Command::EditTask),
        keys.join(", ")
    )
}
