//! The message line under the panes: the newest notice, red for errors,
//! amber for warnings, dimmed as it ages and gone after a while.

use super::super::app::App;
use super::super::messages::Freshness;
use super::super::state::Level;
use super::fit;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use ratatui::Frame;

pub(crate) fn draw(frame: &mut Frame, area: Rect, app: &App) {
    let t = &app.theme;
    let Some((line, freshness)) = app.current_message() else {
        return;
    };
    let style = match (freshness, line.level) {
        (Freshness::Fading, _) => t.dim,
        (_, Level::Error) => t.error,
        (_, Level::Warn) => t.differs,
        (_, Level::Info) => Style::new(),
    };
    let mark = match line.level {
        Level::Error => "✗ ",
        Level::Warn => "! ",
        Level::Info => "· ",
    };
    let text = fit(
        &format!("{mark}{}", line.text),
        area.width.saturating_sub(1) as usize,
    );
    frame.render_widget(
        Paragraph::new(Line::from(vec![Span::raw(" "), Span::styled(text, style)])),
        area,
    );
}
