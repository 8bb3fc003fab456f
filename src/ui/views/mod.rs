//! Drawing: every function here reads the `App` and writes the frame,
//! nothing else. Layout comes from `ui::layout`, shared with mouse handling.

pub(crate) mod check;
mod confirm;
mod copy_dialog;
pub(crate) mod details;
mod dns;
mod footer;
mod header;
pub mod help;
pub(crate) mod kinds;
mod log;
mod message;
pub(crate) mod messages;
mod overview;
mod pane;
mod status;
pub(crate) mod task_edit;
pub(crate) mod task_history;
mod tasks;

pub(crate) use tasks::{thousands, TASK_DETAIL_LINES};

use super::app::{App, Mode};
use ratatui::layout::{Constraint, Flex, Layout, Rect};
use ratatui::text::Line;
use ratatui::Frame;

pub fn draw(frame: &mut Frame, app: &App) {
    let areas = app.areas();
    header::draw(frame, areas.header, app);
    kinds::draw(frame, areas.kinds, app);
    overview::draw(frame, areas.overview, app);
    for (pane, area) in areas.panes.iter().enumerate() {
        pane::draw(frame, *area, app, pane);
    }
    if let Some(area) = areas.tasks {
        tasks::draw(frame, area, app);
    }
    if let Some(area) = areas.dns {
        dns::draw_panel(frame, area, app);
    }
    if let Some(area) = areas.log {
        log::draw(frame, area, app);
    }
    message::draw(frame, areas.message, app);
    status::draw(frame, areas.status, app);
    footer::draw(frame, areas.footer, app);
    match &app.mode {
        Mode::Details { scroll } => details::draw(frame, app, *scroll),
        Mode::Help { scroll } => help::draw(frame, app, *scroll),
        Mode::TaskHistory { scroll } => task_history::draw(frame, app, *scroll),
        Mode::Messages { scroll } => messages::draw(frame, app, *scroll),
        Mode::Check { scroll } => check::draw(frame, app, *scroll),
        Mode::CopyDialog(d) => copy_dialog::draw(frame, app, d),
        Mode::DnsPlan(d) => dns::draw_dialog(frame, app, d),
        Mode::Confirm(c) => confirm::draw(frame, app, c),
        Mode::TaskEdit(d) => task_edit::draw(frame, app, d),
        _ => {}
    }
}

/// Where popups go: centred, as tall as `lines` need, at most most of the screen.
pub(crate) fn popup_area(size: Rect, lines: usize) -> Rect {
    let width = (size.width * 4 / 5).max(size.width.min(60));
    let most = (size.height * 4 / 5).max(size.height.min(12));
    let height = (lines as u16).saturating_add(2).min(most);
    let [area] = Layout::horizontal([Constraint::Length(width)])
        .flex(Flex::Center)
        .areas(size);
    let [area] = Layout::vertical([Constraint::Length(height)])
        .flex(Flex::Center)
        .areas(area);
    area
}

/// A popup as tall as `lines` are once wrapped to its width, so the last
/// line (the confirmation, the refusal) is never cut off.
pub(crate) fn wrapped_popup_area(size: Rect, lines: &[ratatui::text::Line]) -> Rect {
    popup_area(size, wrapped_rows(size, lines))
}

/// Rows `lines` take in a popup once wrapped (by characters: close enough
/// for sizing; word wrapping may take a row more).
pub(crate) fn wrapped_rows(size: Rect, lines: &[ratatui::text::Line]) -> usize {
    let inner = popup_area(size, 0).width.saturating_sub(2).max(1) as usize;
    lines.iter().map(|l| l.width().max(1).div_ceil(inner)).sum()
}

/// A spinner frame for things in flight.
pub(crate) fn spinner(app: &App) -> &'static str {
    const FRAMES: [&str; 10] = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"];
    FRAMES[app.spinner % FRAMES.len()]
}

/// Cuts `s` to `width` columns, marking the cut with an ellipsis.
pub(crate) fn fit(s: &str, width: usize) -> String {
    if s.chars().count() <= width {
        return s.to_string();
    }
    if width == 0 {
        return String::new();
    }
    let mut t: String = s.chars().take(width - 1).collect();
    t.push('…');
    t
}

/// A line cut to `width` columns, the cut marked with `…` (styles kept).
pub(crate) fn fit_line(line: Line<'static>, width: usize) -> Line<'static> {
    if line.width() <= width {
        return line;
    }
    let mut left = width;
    let mut spans = Vec::new();
    for span in line.spans {
        let w = span.content.chars().count();
        if w < left {
            left -= w;
            spans.push(span);
            continue;
        }
        // This span reaches the edge: its end becomes the ellipsis.
        spans.push(ratatui::text::Span::styled(
            fit(&span.content, left),
            span.style,
        ));
        break;
    }
    Line::from(spans).style(line.style)
}

/// A dialog: cleared area, bordered block, wrapped lines, and the text
/// cursor of its focused field (row, column inside the border) when it
/// falls inside the box.
pub(crate) fn draw_dialog(
    frame: &mut Frame,
    area: Rect,
    block: ratatui::widgets::Block,
    lines: Vec<ratatui::text::Line>,
    cursor: Option<(usize, usize)>,
) {
    frame.render_widget(ratatui::widgets::Clear, area);
    frame.render_widget(
        ratatui::widgets::Paragraph::new(lines)
            .block(block)
            .wrap(ratatui::widgets::Wrap { trim: false }),
        area,
    );
    if let Some((row, col)) = cursor {
        let (x, y) = (area.x + 1 + col as u16, area.y + 1 + row as u16);
        if y < area.bottom().saturating_sub(1) && x < area.right() {
            frame.set_cursor_position(ratatui::layout::Position::new(x, y));
        }
    }
}

/// A read-only popup that scrolls (details, task history).
pub(crate) fn draw_scrolling_popup(
    frame: &mut Frame,
    area: Rect,
    app: &App,
    title: String,
    lines: Vec<ratatui::text::Line>,
    scroll: u16,
) {
    let block = ratatui::widgets::Block::default()
        .borders(ratatui::widgets::Borders::ALL)
        .border_style(app.theme.focused_border)
        .title(title)
        .title_bottom(" ↑↓ pgup pgdn scroll · esc closes ");
    frame.render_widget(ratatui::widgets::Clear, area);
    frame.render_widget(
        ratatui::widgets::Paragraph::new(lines)
            .block(block)
            .wrap(ratatui::widgets::Wrap { trim: false })
            .scroll((scroll, 0)),
        area,
    );
}
