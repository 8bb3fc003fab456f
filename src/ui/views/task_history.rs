//! The task history popup: everything the journal knows of one task, its
//! full error and notes unabridged. It scrolls; nothing is cut.

use super::super::app::App;
use super::super::state::clock_text;
use super::super::theme::Theme;
use super::tasks::task_style;
use super::wrapped_popup_area;
use crate::migrate::{Task, TaskState};
use ratatui::text::{Line, Span};
use ratatui::Frame;
use std::time::{Duration, UNIX_EPOCH};

fn field(t: &Theme, name: &str, value: String) -> Line<'static> {
    Line::from(vec![
        Span::styled(format!("{name:>10}  "), t.dim),
        Span::raw(value),
    ])
}

/// "Target as of": the time of the data the copy holds (the RPO if the
/// cutover were now), or "live" for a replica with its status.
pub(crate) fn as_of_text(task: &Task) -> Option<String> {
    use crate::as_of::{target_as_of, AsOf};
    let found = target_as_of(task);
    let when = match &found {
        AsOf::At { at_ms, .. } => {
            crate::cutover::clock::clock_time(UNIX_EPOCH + Duration::from_millis(*at_ms))
        }
        AsOf::Live { status, .. } => format!("live ({status})"),
        AsOf::SourceTime { .. } => "the source's time".into(),
        AsOf::NotApplicable => return None,
    };
    Some(format!("{when}: {}", found.basis()))
}

pub(crate) fn lines(task: &Task, t: &Theme) -> Vec<Line<'static>> {
    let at = |ms: u64| clock_text(UNIX_EPOCH + Duration::from_millis(ms));
    let spec = &task.spec;
    let mut out = vec![
        field(t, "task", spec.id.clone()),
        field(
            t,
            "copies",
            format!("{} {}", spec.kind.label(), spec.what()),
        ),
        field(
            t,
            "from",
            format!("{} → {}", spec.source_region, spec.target_region),
        ),
        Line::from(vec![
            Span::styled(format!("{:>10}  ", "state"), t.dim),
            Span::styled(task.state_name(), task_style(task, t)),
        ]),
    ];
    for (source, target) in task.copies() {
        out.push(field(t, "made", format!("{source} → {target}")));
    }
    if let Some(when) = as_of_text(task) {
        out.push(field(t, "as of", when));
    }
    if let TaskState::Failed { error, .. } = &task.state {
        out.push(Line::default());
        out.push(Line::from(Span::styled("Error", t.error)));
        out.push(Line::from(error.clone()));
        out.push(Line::from(Span::styled(
            "R retries from the step that failed; x cancels and undoes what AWS allows.",
            t.dim,
        )));
    }
    if !task.notes.is_empty() {
        out.push(Line::default());
        out.push(Line::from(Span::styled(
            format!("Notes ({})", task.notes.len()),
            t.header,
        )));
        out.extend(task.notes.iter().map(|n| Line::from(format!("  {n}"))));
    }
    out.push(Line::default());
    out.push(Line::from(Span::styled(
        format!("History ({}, UTC)", task.history.len()),
        t.header,
    )));
    out.extend(task.history.iter().map(|(ms, text)| {
        Line::from(vec![
            Span::styled(format!("  {}  ", at(*ms)), t.dim),
            Span::raw(text.clone()),
        ])
    }));
    out
}

pub(crate) fn draw(frame: &mut Frame, app: &App, scroll: u16) {
    let tasks = app.tasks.read();
    let Some(task) = tasks.selected() else {
        return;
    };
    let lines = lines(task, &app.theme);
    let area = wrapped_popup_area(frame.area(), &lines);
    super::draw_scrolling_popup(
        frame,
        area,
        app,
        format!(" {} {} ", task.spec.kind.label(), task.spec.id),
        lines,
        scroll,
    );
}
