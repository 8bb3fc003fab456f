//! Mouse wheel and clicks on the panes, and scrolling in popups: both need
//! the layout the frame was drawn with, so a click lands where it was seen.

use super::app::{App, Mode};
use ratatui::layout::Rect;

impl App {
    pub(super) fn popup_scroll(&mut self, lines: i32) {
        let max = match &self.mode {
            Mode::Details { .. } => self
                .cursor_resource(self.focus)
                .map_or(0, |r| super::views::details::lines(r, &self.theme).len()),
            Mode::Help { .. } => super::views::help::lines(self).len(),
            // Errors are long: count the rows they wrap to.
            Mode::TaskHistory { .. } => self.tasks.read().selected().map_or(0, |t| {
                super::views::wrapped_rows(
                    self.size,
                    &super::views::task_history::lines(t, &self.theme),
                )
            }),
            Mode::Messages { .. } => super::views::messages::lines(self).len(),
            Mode::Check { .. } => {
                super::views::wrapped_rows(self.size, &super::views::check::lines(self))
            }
            _ => return,
        };
        let page = super::views::popup_area(self.size, max)
            .height
            .saturating_sub(2) as usize;
        let max = max.saturating_sub(page) as i64;
        if let Mode::Details { scroll }
        | Mode::Help { scroll }
        | Mode::TaskHistory { scroll }
        | Mode::Messages { scroll }
        | Mode::Check { scroll } = &mut self.mode
        {
            *scroll = (*scroll as i64 + lines as i64).clamp(0, max) as u16;
        }
    }

    fn pane_at(&self, column: u16, row: u16) -> Option<(usize, Rect)> {
        self.areas().panes.into_iter().enumerate().find(|(_, r)| {
            column >= r.x && column < r.x + r.width && row >= r.y && row < r.y + r.height
        })
    }

    pub(super) fn scroll_at(&mut self, column: u16, row: u16, lines: i32) {
        if matches!(
            self.mode,
            Mode::Details { .. } | Mode::Help { .. } | Mode::TaskHistory { .. }
        ) {
            return self.popup_scroll(lines);
        }
        if let Some((pane, _)) = self.pane_at(column, row) {
            self.focus = pane;
            self.move_cursor(lines as i64);
        }
    }

    pub(super) fn click_at(&mut self, column: u16, row: u16) {
        if !matches!(self.mode, Mode::Normal) {
            return;
        }
        let Some((pane, area)) = self.pane_at(column, row) else {
            return;
        };
        self.focus = pane;
        // Rows start below the top border and the column titles.
        let first_row = area.y + 2;
        if row < first_row || row >= area.y + area.height - 1 {
            return;
        }
        let offset = self.pane_state(pane).offset;
        let target = offset + (row - first_row) as usize;
        if target < self.visible[pane].len() {
            self.kind_state_mut().panes[pane].cursor = target;
            self.keep_cursors_visible();
        }
    }
}
