//! The edit dialog of a failed task: why it failed, its options in the
//! words of `cutover tasks --retry ID --set key=value`, the last refusal.

use super::super::app::App;
use super::super::task_edit::TaskEdit;
use super::{fit, wrapped_popup_area};
use crate::model::printable;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders};
use ratatui::Frame;

/// What an empty field stands for, per key.
fn unset(key: &str) -> &'static str {
    match key {
        "target-az" => "no volume made",
        "target-vpc" => "the target's default VPC",
        "kms-key-id" => "none",
        "restore-as" => "no instance restored",
        "instance-class" | "subnet-group" => "the source's",
        "security-groups" => "copies of the source's",
        "az-map" => "AZs by position",
        "target-subnet" => "the clone of the source's",
        _ => "-",
    }
}

pub(crate) fn lines(app: &App, d: &TaskEdit) -> (Vec<Line<'static>>, Option<(usize, usize)>) {
    let t = &app.theme;
    let mut out = Vec::new();
    let task = app.tasks.store().get(&d.id);
    if let Some(task) = &task {
        out.push(Line::from(format!(
            "{} {}",
            task.spec.kind.label(),
            printable(&task.spec.what())
        )));
        if let crate::migrate::TaskState::Failed { step, error } = &task.state {
            let label = task.spec.steps().get(*step).map_or("?", |s| s.label());
            out.push(Line::from(Span::styled(
                format!("failed at {label}: {}", printable(error)),
                t.error,
            )));
        }
    }
    out.push(Line::default());
    let width = d.fields.iter().map(|(k, _, _)| k.len()).max().unwrap_or(0);
    let mut cursor = None;
    for (i, (key, was, input)) in d.fields.iter().enumerate() {
        let focused = i == d.focus;
        let label = format!("{} {key:>width$}: ", if focused { "›" } else { " " });
        if focused {
            cursor = Some((out.len(), label.chars().count() + input.visual_cursor()));
        }
        let value = input.value().to_string();
        let mut spans = vec![
            Span::styled(label, if focused { t.accent } else { t.dim }),
            Span::raw(value.clone()),
        ];
        if value.trim().is_empty() {
            spans.push(Span::styled(format!("({})", unset(key)), t.dim));
        } else if value.trim() != was.trim() {
            spans.push(Span::styled(
                format!("  (was {})", if was.is_empty() { "-" } else { was }),
                t.dim,
            ));
        }
        out.push(Line::from(spans));
    }
    out.push(Line::default());
    if let Some(why) = &d.refused {
        out.push(Line::from(Span::styled(
            printable(why).into_owned(),
            t.error,
        )));
    }
    out.push(Line::from(Span::styled(
        "enter: change and retry · tab/↑↓: next field · esc: nothing changes",
        t.accent,
    )));
    (out, cursor)
}

pub(crate) fn draw(frame: &mut Frame, app: &App, d: &TaskEdit) {
    let (lines, cursor) = lines(app, d);
    let area = wrapped_popup_area(frame.area(), &lines);
    let title = fit(
        &format!(" change and retry {} ", d.id),
        (area.width as usize).saturating_sub(4),
    );
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(app.theme.focused_border)
        .title(title)
        .title_bottom(" enter retries · esc closes ");
    super::draw_dialog(frame, area, block, lines, cursor);
}
