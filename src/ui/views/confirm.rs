//! The confirm popup: what is about to happen, and for going early the
//! word to type.

use super::super::app::App;
use super::super::confirm::Confirm;
use super::wrapped_popup_area;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders};
use ratatui::Frame;

pub(crate) fn draw(frame: &mut Frame, app: &App, c: &Confirm) {
    let t = &app.theme;
    let mut lines: Vec<Line> = c.lines.iter().map(|l| Line::from(l.clone())).collect();
    lines.push(Line::default());
    let mut cursor = None;
    let hint = match &c.typed {
        Some((word, input)) => {
            let label = format!("type '{word}': ");
            cursor = Some((lines.len(), label.chars().count() + input.visual_cursor()));
            lines.push(Line::from(vec![
                Span::styled(label, t.error),
                Span::raw(input.value().to_string()),
            ]));
            " enter goes on once the word is typed · esc cancels "
        }
        None => {
            lines.push(Line::from(Span::styled(
                "Go on? enter/y yes · esc/n no",
                t.accent,
            )));
            " enter/y yes · esc/n no "
        }
    };
    let area = wrapped_popup_area(frame.area(), &lines);
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(t.error)
        .title(format!(" {}? ", c.title))
        .title_bottom(hint);
    super::draw_dialog(frame, area, block, lines, cursor);
}
