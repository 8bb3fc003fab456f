//! The line above the footer: the open prompt (`:` with completions, `/`
//! with the filter), else the filter in force and the selection count.

use super::super::app::{App, Mode};
use crate::model::Kind;
use ratatui::layout::{Position, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use ratatui::Frame;

pub(crate) fn draw(frame: &mut Frame, area: Rect, app: &App) {
    let t = &app.theme;
    let state = app.kind_state_ref(app.kind);
    let mut spans = Vec::new();
    match &app.mode {
        Mode::KindPrompt(input) => {
            spans.push(Span::styled(":", t.accent));
            spans.push(Span::raw(input.value().to_string()));
            let matches = Kind::completions(input.value());
            let hint = match matches.as_slice() {
                [] => " no such kind".to_string(),
                many => format!(
                    "   → {}",
                    many.iter().map(|k| k.name()).collect::<Vec<_>>().join("  ")
                ),
            };
            spans.push(Span::styled(
                hint,
                if matches.is_empty() { t.error } else { t.dim },
            ));
            frame.set_cursor_position(Position::new(
                area.x + 1 + input.visual_cursor() as u16,
                area.y,
            ));
        }
        Mode::Filter(input) => {
            spans.push(Span::styled("/", t.accent));
            spans.push(Span::raw(input.value().to_string()));
            if let Some(e) = state.and_then(|s| s.filter_error.as_ref()) {
                spans.push(Span::styled(format!("   {e}"), t.error));
            }
            frame.set_cursor_position(Position::new(
                area.x + 1 + input.visual_cursor() as u16,
                area.y,
            ));
        }
        _ => {
            if let Some(s) = state.filter(|s| !s.filter_text.is_empty()) {
                spans.push(Span::styled("filter ", t.dim));
                spans.push(Span::styled(format!("/{}", s.filter_text), t.accent));
                if let Some(e) = &s.filter_error {
                    spans.push(Span::styled(format!("  {e}"), t.error));
                }
                spans.push(Span::raw("  "));
            }
            let selected = app.selected_count(app.kind);
            if selected > 0 {
                spans.push(Span::styled(format!("{selected} selected"), t.selected));
            }
        }
    }
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
}
