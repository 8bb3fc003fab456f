//! Where each part of the screen goes. One function, used by drawing and by
//! mouse handling, so a click lands on the row that was drawn there.

use crate::model::Kind;
use ratatui::layout::{Constraint, Direction, Layout, Rect};

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Areas {
    pub(crate) header: Rect,
    pub(crate) kinds: Rect,
    /// The migration window at a glance, on every view.
    pub(crate) overview: Rect,
    /// One pane for Route 53 kinds, two (source, target) otherwise.
    pub(crate) panes: Vec<Rect>,
    pub(crate) log: Option<Rect>,
    /// The copy tasks, in place of the panes, while shown.
    pub(crate) tasks: Option<Rect>,
    /// Below the records: the DNS cutover of the record under the cursor.
    pub(crate) dns: Option<Rect>,
    /// The newest refusal, warning or notice, under the panes.
    pub(crate) message: Rect,
    pub(crate) status: Rect,
    pub(crate) footer: Rect,
}

/// Lines of a pane that are not rows: two borders and the column titles.
pub(crate) const PANE_CHROME: u16 = 3;

pub(crate) fn areas(area: Rect, kind: Kind, show_log: bool) -> Areas {
    let log_height = if show_log {
        (area.height / 3).clamp(3, 12)
    } else {
        0
    };
    let [header, kinds, overview, body, log, message, status, footer] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Length(1),
        Constraint::Length(1),
        Constraint::Min(3),
        Constraint::Length(log_height),
        Constraint::Length(1),
        Constraint::Length(1),
        Constraint::Length(1),
    ])
    .areas(area);
    let panes = if kind.is_global() {
        vec![body]
    } else {
        Layout::default()
            .direction(Direction::Horizontal)
            .constraints([Constraint::Ratio(1, 2), Constraint::Ratio(1, 2)])
            .split(body)
            .to_vec()
    };
    Areas {
        header,
        kinds,
        overview,
        panes,
        log: show_log.then_some(log),
        tasks: None,
        dns: None,
        message,
        status,
        footer,
    }
}

/// Takes `lines` more for the header from the top of the body (the DNS
/// cutovers in flight), leaving the panes at least 3 lines.
pub(crate) fn add_header_lines(areas: &mut Areas, lines: u16) {
    let room = areas
        .panes
        .iter()
        .map(|p| p.height.saturating_sub(3))
        .min()
        .unwrap_or(0);
    let lines = lines.min(room);
    areas.header.height += lines;
    areas.kinds.y += lines;
    areas.overview.y += lines;
    for pane in &mut areas.panes {
        pane.y += lines;
        pane.height -= lines;
    }
}

/// How many rows a pane shows.
pub(crate) fn page_height(pane: Rect) -> usize {
    pane.height.saturating_sub(PANE_CHROME).max(1) as usize
}

/// Gives the lower part of the Route 53 pane to the DNS status panel, as
/// tall as the plan's steps need, leaving the records at least 5 lines.
pub(crate) fn split_dns_panel(areas: &mut Areas, steps: usize) {
    let Some(pane) = areas.panes.first_mut() else {
        return;
    };
    let want = (steps as u16).saturating_add(7);
    let height = want.min(pane.height.saturating_sub(5));
    if height < 6 {
        return;
    }
    let [top, bottom] =
        Layout::vertical([Constraint::Min(5), Constraint::Length(height)]).areas(*pane);
    *pane = top;
    areas.dns = Some(bottom);
}
