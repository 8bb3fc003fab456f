//! `:messages`: every notice the message line showed, newest first.

use super::super::app::App;
use super::super::state::{clock_text, Level};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::Frame;

pub(crate) fn lines(app: &App) -> Vec<Line<'static>> {
    let t = &app.theme;
    if app.messages.is_empty() {
        return vec![Line::styled("no messages yet", t.dim)];
    }
    app.messages
        .iter()
        .rev()
        .map(|m| {
            let style = match m.level {
                Level::Error => t.error,
                Level::Warn => t.differs,
                Level::Info => Style::new(),
            };
            Line::from(vec![
                Span::styled(format!("{} ", clock_text(m.at)), t.dim),
                Span::styled(m.text.clone(), style),
            ])
        })
        .collect()
}

pub(crate) fn draw(frame: &mut Frame, app: &App, scroll: u16) {
    let lines = lines(app);
    let area = super::popup_area(app.size, lines.len());
    super::draw_scrolling_popup(
        frame,
        area,
        app,
        format!(" Messages ({}) ", app.messages.len()),
        lines,
        scroll,
    );
}
