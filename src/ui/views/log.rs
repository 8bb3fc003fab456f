//! The log pane: the last things the cockpit did and every error, newest
//! at the bottom. The same lines go to the log file through tracing.

use super::super::app::App;
use super::super::state::{clock_text, Level};
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph};
use ratatui::Frame;

pub(crate) fn draw(frame: &mut Frame, area: Rect, app: &App) {
    let t = &app.theme;
    let height = area.height.saturating_sub(2) as usize;
    let skip = app.log.lines.len().saturating_sub(height);
    let lines: Vec<Line> = app
        .log
        .lines
        .iter()
        .skip(skip)
        .map(|l| {
            let style = match l.level {
                Level::Info => ratatui::style::Style::new(),
                Level::Warn => t.differs,
                Level::Error => t.error,
            };
            Line::from(vec![
                Span::styled(format!("{} ", clock_text(l.at)), t.dim),
                Span::styled(l.text.clone(), style),
            ])
        })
        .collect();
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(t.border)
        .title(" Log ");
    frame.render_widget(Paragraph::new(lines).block(block), area);
}
