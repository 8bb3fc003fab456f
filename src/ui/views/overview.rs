//! The overview line, on every view: tasks that want the operator, DNS
//! cutovers in flight, and per kind how the copies stand.

use super::super::app::App;
use super::fit;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::Paragraph;
use ratatui::Frame;

pub(crate) fn draw(frame: &mut Frame, area: Rect, app: &App) {
    let t = &app.theme;
    let parts = app.overview_parts();
    let attention = app.tasks.needing_attention() > 0;
    let text = fit(&format!(" {}", parts.join(" · ")), area.width as usize);
    let style = if attention { t.differs } else { t.dim };
    frame.render_widget(Paragraph::new(Line::styled(text, style)), area);
}
