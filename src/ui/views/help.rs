//! The `?` popup: every binding, as remapped by the config.

use super::super::app::App;
use super::popup_area;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph};
use ratatui::Frame;

pub fn lines(app: &App) -> Vec<Line<'static>> {
    let t = &app.theme;
    let key_line = |keys: String, text: &str| {
        Line::from(vec![
            Span::styled(format!("  {keys:>16}  "), t.accent),
            Span::raw(text.to_string()),
        ])
    };
    let view = if app.kind.is_global() {
        "Route 53 view"
    } else {
        "Both regions"
    };
    let mut out = vec![Line::from(Span::styled(
        format!("{view} ({})", app.kind.title()),
        t.header,
    ))];
    out.extend(
        app.keymap
            .help()
            .into_iter()
            .map(|(k, text)| key_line(k, text)),
    );
    out.push(Line::default());
    out.push(Line::from(Span::styled("In the : and / prompts", t.header)));
    out.push(key_line(
        "enter".into(),
        "accept (: switches to the first completion)",
    ));
    out.push(key_line("tab".into(), "complete the kind name"));
    out.push(key_line("esc".into(), "cancel (/ clears the filter)"));
    out.push(key_line(
        "ctrl-u / ctrl-w".into(),
        "clear line / delete word",
    ));
    out.push(Line::default());
    out.push(Line::from(Span::styled(
        "In the copy and DNS dialogs",
        t.header,
    )));
    out.push(key_line("tab / shift-tab".into(), "next / previous field"));
    out.push(key_line(
        "↑↓ (←→)".into(),
        "choose (target VPC, target value)",
    ));
    out.push(key_line(
        "enter (y)".into(),
        "start; refused in --read-only",
    ));
    out.push(key_line("esc".into(), "cancel: nothing is started"));
    out.push(Line::default());
    out.push(Line::from(Span::styled(
        "In the edit dialog of a failed task",
        t.header,
    )));
    out.push(key_line(
        "tab / ↑↓".into(),
        "next / previous option (the words of `cutover tasks --set`)",
    ));
    out.push(key_line(
        "enter".into(),
        "change the task and retry it; refused in --read-only",
    ));
    out.push(key_line("esc".into(), "close: nothing changes"));
    out.push(Line::default());
    out.push(Line::from(Span::styled("In a popup", t.header)));
    out.push(key_line("↑↓ pgup pgdn".into(), "scroll"));
    out.push(key_line("esc / q".into(), "close"));
    out.push(Line::default());
    out.push(Line::from(Span::styled(
        "Remap keys in the [keys] table of the config file (see `cutover paths`).",
        t.dim,
    )));
    out
}

pub(crate) fn draw(frame: &mut Frame, app: &App, scroll: u16) {
    let area = popup_area(frame.area(), lines(app).len());
    // Cut with … at the border, never mid-word without a mark.
    let inner = area.width.saturating_sub(2) as usize;
    let lines: Vec<Line> = lines(app)
        .into_iter()
        .map(|l| super::fit_line(l, inner))
        .collect();
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(app.theme.focused_border)
        .title(" Keys ")
        .title_bottom(" esc closes ");
    frame.render_widget(Clear, area);
    frame.render_widget(Paragraph::new(lines).block(block).scroll((scroll, 0)), area);
}
