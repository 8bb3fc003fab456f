//! The cockpit's state and the one function that changes it, `update`.
//! Drawing only reads an `App`; the event loop only feeds it actions and
//! carries out the `Effect`s it returns.

use super::action::{Action, Command, DialogKey, Effect, PromptKey};
use super::confirm::Confirm;
use super::copy_dialog::CopyDialog;
use super::dns_board::DnsView;
use super::dns_dialog::DnsDialog;
use super::filter::Filter;
use super::index::ListingIndex;
use super::keymap::Keymap;
use super::layout::{self, page_height};
use super::messages::{is_view_word, view_words};
use super::pointing::PointIndex;
use super::state::{Header, KindState, Level, LogBook, LogLine};
use super::task_board::TaskBoard;
use super::theme::Theme;
use crate::migrate::S3Tuning;
use crate::model::{Inventory, Kind, Listing, Resource, Side};
use crossterm::event::KeyEvent;
use ratatui::layout::Rect;
use std::collections::{BTreeMap, HashMap, HashSet, VecDeque};
use std::time::SystemTime;
use tui_input::Input;

#[derive(Debug, Clone)]
pub enum Mode {
    Normal,
    Filter(Input),
    KindPrompt(Input),
    Details {
        scroll: u16,
    },
    Help {
        scroll: u16,
    },
    CopyDialog(Box<CopyDialog>),
    /// The step history, notes and error of the task under the tasks cursor.
    TaskHistory {
        scroll: u16,
    },
    DnsPlan(Box<DnsDialog>),
    Confirm(Box<Confirm>),
    /// `:messages`: every notice shown on the message line, newest first.
    Messages {
        scroll: u16,
    },
    /// `:check`: the pre-flight check, per resource.
    Check {
        scroll: u16,
    },
    /// A failed task's options, changed before its retry.
    TaskEdit(Box<super::task_edit::TaskEdit>),
}

pub struct App {
    pub inventory: Inventory,
    pub header: Header,
    pub keymap: Keymap,
    pub(crate) theme: Theme,
    pub kind: Kind,
    pub(crate) kinds: HashMap<Kind, KindState>,
    /// Which pane has the cursor: 0 is the source (or the only) pane.
    pub focus: usize,
    pub mode: Mode,
    /// Visible rows of the current kind per pane, as positions in the listing.
    pub visible: [Vec<usize>; 2],
    pub(crate) indexes: HashMap<(Side, Kind), ListingIndex>,
    pub(crate) points: PointIndex,
    /// Records pointing at (source, target), for the DNS view's title.
    pub(crate) dns_tally: (usize, usize),
    /// Listings being re-read; their old rows stay on screen meanwhile.
    pub refreshing: HashSet<(Side, Kind)>,
    pub log: LogBook,
    /// What reached the message line, oldest first (`:messages`).
    pub messages: VecDeque<LogLine>,
    /// Errors since `:messages` was last opened, counted in the header.
    pub unread_errors: usize,
    /// Listings whose last re-read failed: when the rows shown (the last
    /// good ones) were read, and why the re-read failed.
    pub(crate) stale: HashMap<(Side, Kind), (SystemTime, String)>,
    /// When each listing was last read whole.
    pub(crate) listed_at: HashMap<(Side, Kind), SystemTime>,
    /// Per kind cutover copies: how its source rows stand (the overview).
    pub(crate) tally: Vec<super::overview::KindTally>,
    /// `cutover sandbox`: quitting ends the estate and its journal.
    pub sandbox: bool,
    /// Where the journal is, for the exit summary.
    pub journal_path: Option<String>,
    pub(crate) show_log: bool,
    pub size: Rect,
    pub(crate) spinner: usize,
    pub quit: bool,
    /// The clock for log time stamps, elapsed times and DNS countdowns; tests fix it.
    pub clock: fn() -> SystemTime,
    /// Copy tasks, shown in place of the panes while `show_tasks`.
    pub tasks: TaskBoard,
    pub show_tasks: bool,
    /// DNS cutovers by journal topic ("dns:ZONE:name.").
    pub dns: BTreeMap<String, DnsView>,
    /// How bucket copies copy objects (from the settings).
    pub(crate) s3_tuning: S3Tuning,
    /// The settings' AZ map for network clones (the copy dialog starts with it).
    pub(crate) az_map: Option<String>,
    /// When the open migration window began (journaled by `cutover window
    /// open`); the header counts the RTO so far from it.
    pub window_opened: Option<SystemTime>,
    /// `:check`: the last pre-flight check and the one running.
    pub(crate) check: super::check_board::CheckBoard,
}

impl App {
    pub fn new(inventory: Inventory, header: Header, keymap: Keymap, theme: Theme) -> Self {
        let mut app = App {
            inventory,
            header,
            keymap,
            theme,
            kind: Kind::Instance,
            kinds: HashMap::new(),
            focus: 0,
            mode: Mode::Normal,
            visible: Default::default(),
            indexes: HashMap::new(),
            points: PointIndex::default(),
            dns_tally: (0, 0),
            refreshing: HashSet::new(),
            log: LogBook::default(),
            messages: VecDeque::new(),
            unread_errors: 0,
            stale: HashMap::new(),
            listed_at: HashMap::new(),
            tally: Vec::new(),
            sandbox: false,
            journal_path: None,
            show_log: false,
            size: Rect::new(0, 0, 80, 24),
            spinner: 0,
            quit: false,
            clock: SystemTime::now,
            tasks: TaskBoard::default(),
            show_tasks: false,
            dns: BTreeMap::new(),
            s3_tuning: S3Tuning::default(),
            az_map: None,
            window_opened: None,
            check: Default::default(),
        };
        // An inventory may come already filled (tests, benches).
        let loaded: Vec<(Side, Kind)> = app
            .inventory
            .listings()
            .filter(|(_, _, l)| matches!(l, Listing::Loaded(_)))
            .map(|(s, k, _)| (s, k))
            .collect();
        for (side, kind) in loaded {
            app.index(side, kind);
        }
        app.repoint();
        app.refilter();
        app.recount();
        app
    }

    // ----- reading -----

    /// The sides shown, left to right.
    pub fn sides(&self) -> &'static [Side] {
        Side::of(self.kind)
    }

    pub fn kind_state(&self) -> KindState {
        self.kinds.get(&self.kind).cloned().unwrap_or_default()
    }

    pub(crate) fn kind_state_ref(&self, kind: Kind) -> Option<&KindState> {
        self.kinds.get(&kind)
    }

    pub(super) fn kind_state_mut(&mut self) -> &mut KindState {
        self.kinds.entry(self.kind).or_default()
    }

    pub fn selected_count(&self, kind: Kind) -> usize {
        self.kinds.get(&kind).map_or(0, |k| k.selected.len())
    }

    /// The resource under a pane's cursor.
    pub fn cursor_resource(&self, pane: usize) -> Option<&Resource> {
        let side = *self.sides().get(pane)?;
        let state = self.kinds.get(&self.kind)?.panes[pane];
        let pos = *self.visible[pane].get(state.cursor)?;
        self.inventory.resources(side, self.kind).get(pos)
    }

    pub fn pane_state(&self, pane: usize) -> super::state::PaneState {
        self.kinds
            .get(&self.kind)
            .map(|k| k.panes[pane])
            .unwrap_or_default()
    }

    /// The (pane, position) of the counterpart of the focused row: the
    /// target copy of a source row, or the source of a target row.
    pub fn counterpart(&self) -> Option<(usize, usize)> {
        if self.kind.is_global() {
            return None;
        }
        let here = self.cursor_resource(self.focus)?;
        if self.focus == 0 {
            let id = here.counterpart.as_deref()?;
            let targets = self.inventory.resources(Side::Target, self.kind);
            let pos = self
                .indexes
                .get(&(Side::Target, self.kind))?
                .position(targets, id)?;
            Some((1, pos))
        } else {
            let pos = self
                .inventory
                .resources(Side::Source, self.kind)
                .iter()
                .position(|s| s.counterpart.as_deref() == Some(here.id.as_str()))?;
            Some((0, pos))
        }
    }

    pub fn is_selected(&self, side: Side, id: &str) -> bool {
        self.kinds
            .get(&self.kind)
            .is_some_and(|k| k.selected.contains(&(side, id.to_string())))
    }

    pub(crate) fn areas(&self) -> layout::Areas {
        let mut areas = self.base_areas();
        if self.show_tasks {
            areas.tasks = areas.panes.iter().copied().reduce(|a, b| a.union(b));
            areas.panes.clear();
        } else if let Some((_, view)) = self.cursor_cutover() {
            let steps = view.progress.as_ref().map_or(0, |p| p.plan.steps.len());
            layout::split_dns_panel(&mut areas, steps);
        }
        areas
    }

    /// The layout with a header line per DNS cutover in flight.
    fn base_areas(&self) -> layout::Areas {
        let mut areas = layout::areas(self.size, self.kind, self.show_log);
        layout::add_header_lines(&mut areas, self.dns_in_flight().len().min(3) as u16);
        areas
    }

    /// Rows of a pane, as if the panes were shown (the cursor keeps its
    /// place while the tasks view is open).
    fn page(&self) -> usize {
        let areas = if self.show_tasks {
            self.base_areas()
        } else {
            self.areas()
        };
        areas.panes.first().map_or(1, |p| page_height(*p))
    }

    // ----- keys -----

    /// For the integration tests: a key, straight to `update` (the event
    /// loop maps keys with `action_for_key` itself).
    pub fn key(&mut self, key: KeyEvent) -> Vec<Effect> {
        match self.action_for_key(key) {
            Some(action) => self.update(action),
            None => Vec::new(),
        }
    }

    // ----- changing -----

    pub fn update(&mut self, action: Action) -> Vec<Effect> {
        match action {
            Action::Command(c) => return self.command(c),
            Action::Prompt(p) => return self.prompt(p),
            Action::PopupScroll(lines) => self.popup_scroll(lines),
            Action::ClosePopup => self.mode = Mode::Normal,
            Action::Resize { width, height } => {
                self.size = Rect::new(0, 0, width, height);
                self.keep_cursors_visible();
                let page = self.task_page();
                self.tasks.move_cursor(0, page);
            }
            Action::ScrollAt { column, row, lines } => self.scroll_at(column, row, lines),
            Action::ClickAt { column, row } => self.click_at(column, row),
            Action::Tick => {
                self.spinner = self.spinner.wrapping_add(1);
                return self.missed_task_changes();
            }
            Action::Listed {
                side,
                kind,
                result,
                took,
            } => {
                self.listed(side, kind, result, took);
                if kind == Kind::Record {
                    // Every refresh of the records re-reads each cutover: drift shows at once.
                    return self.dns_reads();
                }
            }
            Action::Dialog(key) => return self.dialog(key),
            Action::TaskChanged(change) => return self.task_changed(change),
            a
            @ (Action::DnsStatus { .. } | Action::DnsProgress { .. } | Action::DnsDone { .. }) => {
                return self.dns_report(a)
            }
            Action::JobFailed(text) => self.note(Level::Error, text),
            Action::Checked(result) => self.checked(result.map(|r| *r)),
            Action::Window(result) => self.window_changed(result),
            Action::Note(text) => self.note(Level::Info, text),
            Action::JobSaid(text) => self.note(Level::Info, text),
            Action::DbSubnetGroups(result) => self.db_subnet_groups(result),
            Action::TargetSubnets(result) => self.target_subnets(result),
            Action::NetworkPreview(vpc, result) => self.network_preview(vpc, result),
        }
        Vec::new()
    }

    fn dialog(&mut self, key: DialogKey) -> Vec<Effect> {
        match std::mem::replace(&mut self.mode, Mode::Normal) {
            Mode::CopyDialog(d) => self.copy_dialog_key(d, key),
            Mode::DnsPlan(d) => self.dns_dialog_key(d, key),
            Mode::Confirm(c) => self.confirm_key(c, key),
            Mode::TaskEdit(d) => self.task_edit_key(d, key),
            other => {
                self.mode = other;
                Vec::new()
            }
        }
    }

    fn command(&mut self, c: Command) -> Vec<Effect> {
        if self.show_tasks {
            if let Some(effects) = self.tasks_command(c) {
                return effects;
            }
        }
        match c {
            Command::Copy => return self.open_copy_dialog(),
            Command::ToggleTasks => self.show_tasks = !self.show_tasks,
            Command::PauseTask | Command::ResumeTask | Command::CancelTask | Command::RetryTask => {
                return self.task_control(c)
            }
            Command::EditTask if self.show_tasks => self.open_task_edit(),
            Command::EditTask => return self.task_control(c),
            Command::DnsPlan => self.open_dns_dialog(),
            Command::DnsStep => return self.dns_command(false),
            Command::DnsRollback => return self.dns_command(true),
            Command::DnsAdopt => return self.dns_adopt(),
            Command::DnsFinish => return self.dns_close(true),
            Command::DnsAbort => return self.dns_close(false),
            Command::Window => self.window_key(),
            Command::Quit => self.ask_to_quit(),
            Command::Help => self.mode = Mode::Help { scroll: 0 },
            Command::ToggleLog => self.show_log = !self.show_log,
            Command::Refresh if matches!(self.mode, Mode::Check { .. }) => return self.run_check(),
            Command::Refresh => return self.refresh(),
            Command::KindPrompt => self.mode = Mode::KindPrompt(Input::default()),
            Command::Filter => {
                let text = self.kind_state().filter_text;
                self.mode = Mode::Filter(Input::new(text));
            }
            Command::ClearFilter => self.set_filter(String::new()),
            Command::NextKind | Command::PrevKind => {
                let i = Kind::ALL.iter().position(|k| *k == self.kind).unwrap_or(0);
                let n = Kind::ALL.len();
                let next = if c == Command::NextKind {
                    (i + 1) % n
                } else {
                    (i + n - 1) % n
                };
                self.switch_kind(Kind::ALL[next]);
            }
            Command::GotoKind(n) => {
                if let Some(kind) = Kind::ALL.get(n) {
                    self.switch_kind(*kind);
                }
            }
            Command::Up => self.move_cursor(-1),
            Command::Down => self.move_cursor(1),
            Command::PageUp => self.move_cursor(-(self.page() as i64)),
            Command::PageDown => self.move_cursor(self.page() as i64),
            Command::Top => self.move_cursor(i64::MIN / 2),
            Command::Bottom => self.move_cursor(i64::MAX / 2),
            Command::FocusLeft => self.focus = 0,
            Command::FocusRight => self.focus = self.sides().len() - 1,
            Command::ToggleSelect => {
                if let Some(r) = self.cursor_resource(self.focus) {
                    let key = (self.sides()[self.focus], r.id.clone());
                    let sel = &mut self.kind_state_mut().selected;
                    if !sel.remove(&key) {
                        sel.insert(key);
                    }
                    self.move_cursor(1);
                }
            }
            Command::SelectAllVisible => {
                let side = self.sides()[self.focus];
                let list = self.inventory.resources(side, self.kind);
                let keys: Vec<(Side, String)> = self.visible[self.focus]
                    .iter()
                    .map(|&i| (side, list[i].id.clone()))
                    .collect();
                self.kind_state_mut().selected.extend(keys);
            }
            Command::ClearSelection => self.kind_state_mut().selected.clear(),
            Command::Details => {
                if self.cursor_resource(self.focus).is_some() {
                    self.mode = Mode::Details { scroll: 0 };
                }
            }
        }
        Vec::new()
    }

    fn refresh(&mut self) -> Vec<Effect> {
        self.note(Level::Info, "refreshing both regions");
        self.refresh_kinds(Kind::ALL.to_vec())
    }

    /// Re-reads these kinds; their old rows stay on screen meanwhile.
    pub(super) fn refresh_kinds(&mut self, kinds: Vec<Kind>) -> Vec<Effect> {
        for &kind in &kinds {
            for &side in Side::of(kind) {
                self.refreshing.insert((side, kind));
            }
        }
        vec![Effect::Refresh(kinds)]
    }

    pub fn switch_kind(&mut self, kind: Kind) {
        self.show_tasks = false;
        if kind != self.kind {
            self.kind = kind;
            self.focus = self.focus.min(self.sides().len() - 1);
            self.refilter();
        }
    }

    fn prompt(&mut self, key: PromptKey) -> Vec<Effect> {
        let mode = std::mem::replace(&mut self.mode, Mode::Normal);
        match (mode, key) {
            (Mode::Filter(mut input), PromptKey::Edit(r)) => {
                input.handle(r);
                self.set_filter(input.value().to_string());
                self.mode = Mode::Filter(input);
            }
            (Mode::Filter(_), PromptKey::Accept | PromptKey::Complete) => {}
            (Mode::Filter(_), PromptKey::Cancel) => self.set_filter(String::new()),
            (Mode::KindPrompt(mut input), PromptKey::Edit(r)) => {
                input.handle(r);
                self.mode = Mode::KindPrompt(input);
            }
            (Mode::KindPrompt(input), PromptKey::Complete) => {
                let done = Kind::completions(input.value())
                    .first()
                    .map(|k| k.name())
                    .or_else(|| view_words(input.value()).first().copied())
                    .map(|w| Input::new(w.to_string()));
                self.mode = Mode::KindPrompt(done.unwrap_or(input));
            }
            (Mode::KindPrompt(input), PromptKey::Accept) if is_view_word(input.value()) => {
                return self.open_view(input.value().trim());
            }
            (Mode::KindPrompt(input), PromptKey::Accept) => {
                match Kind::completions(input.value()).first() {
                    Some(kind) => self.switch_kind(*kind),
                    None => {
                        let text = format!(
                            "no kind or view matches '{}'; {} lists them",
                            input.value(),
                            self.keymap.keys_of(Command::Help)
                        );
                        self.note(Level::Warn, text);
                    }
                }
            }
            (Mode::KindPrompt(_), PromptKey::Cancel) => {}
            (other, _) => self.mode = other,
        }
        Vec::new()
    }

    fn set_filter(&mut self, text: String) {
        let state = self.kind_state_mut();
        match Filter::parse(&text) {
            Ok(f) => {
                state.filter = f;
                state.filter_error = None;
            }
            Err(e) => {
                state.filter = Filter::default();
                state.filter_error = Some(e);
            }
        }
        state.filter_text = text;
        state.panes = Default::default();
        self.refilter();
    }

    /// Recomputes the visible rows of the current kind, keeping each
    /// cursor on the same resource when it is still visible.
    pub(crate) fn refilter(&mut self) {
        let kind = self.kind;
        let before: Vec<Option<String>> = (0..2)
            .map(|p| self.cursor_resource(p).map(|r| r.id.clone()))
            .collect();
        let state = self.kinds.entry(kind).or_default();
        for (pane, &side) in Side::of(kind).iter().enumerate() {
            let visible = match self.indexes.get(&(side, kind)) {
                Some(ix) if state.filter.is_all() => ix.order.clone(),
                Some(ix) => ix
                    .order
                    .iter()
                    .copied()
                    .filter(|&i| state.filter.matches(&ix.haystacks[i]))
                    .collect(),
                None => Vec::new(),
            };
            let list = self.inventory.resources(side, kind);
            let pane_state = &mut state.panes[pane];
            if let Some(id) = &before[pane] {
                if let Some(p) = visible.iter().position(|&i| list[i].id == *id) {
                    pane_state.cursor = p;
                }
            }
            pane_state.cursor = pane_state.cursor.min(visible.len().saturating_sub(1));
            self.visible[pane] = visible;
        }
        if kind.is_global() {
            self.visible[1].clear();
        }
        self.keep_cursors_visible();
    }

    pub(super) fn move_cursor(&mut self, by: i64) {
        let pane = self.focus;
        let len = self.visible[pane].len();
        let state = &mut self.kind_state_mut().panes[pane];
        let target = (state.cursor as i64).saturating_add(by);
        state.cursor = target.clamp(0, len.saturating_sub(1) as i64) as usize;
        self.keep_cursors_visible();
    }

    /// Scrolls each pane so its cursor shows; the other pane follows the
    /// counterpart of the focused row, so it is on screen to be seen.
    pub(super) fn keep_cursors_visible(&mut self) {
        let page = self.page();
        let counterpart = self.counterpart();
        let focus = self.focus;
        let counterpart_row = counterpart.and_then(|(pane, pos)| {
            Some((pane, self.visible[pane].iter().position(|&i| i == pos)?))
        });
        let lens = [self.visible[0].len(), self.visible[1].len()];
        let state = self.kinds.entry(self.kind).or_default();
        for (pane, ps) in state.panes.iter_mut().enumerate() {
            // A taller window (a resize, a closed log) shows the rows above
            // instead of leaving empty lines under the last.
            ps.offset = ps.offset.min(lens[pane].saturating_sub(page));
            let row = match counterpart_row {
                Some((p, row)) if p == pane && pane != focus => row,
                _ => ps.cursor,
            };
            if row < ps.offset {
                ps.offset = row;
            } else if row >= ps.offset + page {
                ps.offset = row + 1 - page;
            }
        }
    }
}
