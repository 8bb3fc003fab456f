//! The top line: which regions, which credentials, read-only, progress.

use super::super::app::App;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use ratatui::Frame;

pub(crate) fn draw(frame: &mut Frame, area: Rect, app: &App) {
    let h = &app.header;
    let t = &app.theme;
    let mut spans = vec![Span::styled(" cutover ", t.accent)];
    // First after the name: on a narrow terminal the end of the line is cut.
    if let Some(writer) = &h.follower_of {
        spans.push(Span::styled(
            format!(" FOLLOWING: run by {writer} "),
            t.error.add_modifier(ratatui::style::Modifier::REVERSED),
        ));
    } else if h.read_only {
        spans.push(Span::styled(
            " READ-ONLY ",
            t.error.add_modifier(ratatui::style::Modifier::REVERSED),
        ));
    }
    if let Some(opened) = app.window_opened {
        // The window's clock (the RTO so far), also near the front: at 80
        // columns the end of the line is cut.
        let elapsed = (app.clock)().duration_since(opened).unwrap_or_default();
        spans.push(Span::styled(
            format!(" window {} ", crate::cutover::clock::countdown(elapsed)),
            t.accent.add_modifier(ratatui::style::Modifier::REVERSED),
        ));
    }
    // Unread errors near the front too: at 80 columns the end is cut.
    if app.unread_errors > 0 {
        spans.push(Span::styled(
            format!(
                " {} error{} (:messages) ",
                app.unread_errors,
                if app.unread_errors == 1 { "" } else { "s" }
            ),
            t.error,
        ));
    }
    spans.extend([
        Span::raw(" source "),
        Span::styled(h.source_region.clone(), t.header),
        Span::styled(format!(" ({})", h.source_profile), t.dim),
        Span::raw("  →  target "),
        Span::styled(h.target_region.clone(), t.header),
        Span::styled(format!(" ({})", h.target_profile), t.dim),
    ]);
    if let Some(url) = &h.endpoint {
        spans.push(Span::styled(format!("  via {url}"), t.dim));
    }
    let total = app.inventory.listings().count();
    let loading = app
        .inventory
        .listings()
        .filter(|(s, k, l)| {
            matches!(l, crate::model::Listing::Loading) || app.refreshing.contains(&(*s, *k))
        })
        .count();
    if loading > 0 {
        spans.push(Span::styled(
            format!(
                "  {} reading {}/{total}",
                super::spinner(app),
                total - loading
            ),
            t.dim,
        ));
    }
    // Cut with … at the edge, never mid-word without a mark.
    let mut lines = vec![super::fit_line(Line::from(spans), area.width as usize)];
    lines.extend(super::dns::header_lines(app));
    frame.render_widget(Paragraph::new(lines), area);
}
