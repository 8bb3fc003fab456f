//! Which key runs which command: defaults, overridden by the `[keys]` table
//! of the config file. A bad override is an error at start-up, never a key
//! that silently does nothing.

use super::action::Command;
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use std::collections::{BTreeMap, HashMap};
use std::fmt;

/// One key press as written in the config: "q", "ctrl-r", "space", "f5".
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) struct Key {
    pub(crate) code: KeyCode,
    pub(crate) ctrl: bool,
    pub(crate) alt: bool,
}

impl Key {
    pub(crate) const fn plain(code: KeyCode) -> Self {
        Key {
            code,
            ctrl: false,
            alt: false,
        }
    }

    pub(crate) fn from_event(e: &KeyEvent) -> Self {
        // Shift is already in the character ('G', '?'); only BackTab keeps it apart.
        Key {
            code: e.code,
            ctrl: e.modifiers.contains(KeyModifiers::CONTROL),
            alt: e.modifiers.contains(KeyModifiers::ALT),
        }
    }

    pub(crate) fn parse(text: &str) -> Result<Self, String> {
        let mut key = Key::plain(KeyCode::Null);
        let mut rest = text.trim();
        loop {
            let lower = rest.to_ascii_lowercase();
            if let Some(r) = lower.strip_prefix("ctrl-").filter(|r| !r.is_empty()) {
                key.ctrl = true;
                rest = &rest[rest.len() - r.len()..];
            } else if let Some(r) = lower.strip_prefix("alt-").filter(|r| !r.is_empty()) {
                key.alt = true;
                rest = &rest[rest.len() - r.len()..];
            } else {
                break;
            }
        }
        let named = match rest.to_ascii_lowercase().as_str() {
            "space" => Some(KeyCode::Char(' ')),
            "enter" | "return" => Some(KeyCode::Enter),
            "esc" | "escape" => Some(KeyCode::Esc),
            "tab" => Some(KeyCode::Tab),
            "backtab" | "shift-tab" => Some(KeyCode::BackTab),
            "backspace" => Some(KeyCode::Backspace),
            "up" => Some(KeyCode::Up),
            "down" => Some(KeyCode::Down),
            "left" => Some(KeyCode::Left),
            "right" => Some(KeyCode::Right),
            "pageup" | "pgup" => Some(KeyCode::PageUp),
            "pagedown" | "pgdn" => Some(KeyCode::PageDown),
            "home" => Some(KeyCode::Home),
            "end" => Some(KeyCode::End),
            "delete" | "del" => Some(KeyCode::Delete),
            f if f.len() >= 2 && f.starts_with('f') => f[1..]
                .parse::<u8>()
                .ok()
                .filter(|n| (1..=12).contains(n))
                .map(KeyCode::F),
            _ => None,
        };
        let mut chars = rest.chars();
        key.code = match (named, chars.next(), chars.next()) {
            (Some(code), _, _) => code,
            (None, Some(c), None) => KeyCode::Char(c),
            _ => {
                return Err(format!(
                    "'{text}' is not a key; write one character (\"x\", \"?\"), a name (space, enter, esc, tab, up, pagedown, f5), \
                     optionally with ctrl- or alt- (\"ctrl-r\")"
                ))
            }
        };
        Ok(key)
    }
}

impl fmt::Display for Key {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.ctrl {
            f.write_str("ctrl-")?;
        }
        if self.alt {
            f.write_str("alt-")?;
        }
        match self.code {
            KeyCode::Char(' ') => f.write_str("space"),
            KeyCode::Char(c) => write!(f, "{c}"),
            KeyCode::Enter => f.write_str("enter"),
            KeyCode::Esc => f.write_str("esc"),
            KeyCode::Tab => f.write_str("tab"),
            KeyCode::BackTab => f.write_str("shift-tab"),
            KeyCode::Backspace => f.write_str("backspace"),
            KeyCode::Up => f.write_str("↑"),
            KeyCode::Down => f.write_str("↓"),
            KeyCode::Left => f.write_str("←"),
            KeyCode::Right => f.write_str("→"),
            KeyCode::PageUp => f.write_str("pgup"),
            KeyCode::PageDown => f.write_str("pgdn"),
            KeyCode::Home => f.write_str("home"),
            KeyCode::End => f.write_str("end"),
            KeyCode::Delete => f.write_str("del"),
            KeyCode::F(n) => write!(f, "f{n}"),
            other => write!(f, "{other:?}"),
        }
    }
}

/// Config name, command and help text, in the order help lists them.
pub(crate) const COMMANDS: &[(&str, Command, &str)] = &[
    (
        "kind",
        Command::KindPrompt,
        "switch kind (:inst, :bucket, :rec; tab completes)",
    ),
    ("next_kind", Command::NextKind, "next kind"),
    ("prev_kind", Command::PrevKind, "previous kind"),
    (
        "filter",
        Command::Filter,
        "filter (text; ~regex; ! inverts)",
    ),
    ("clear_filter", Command::ClearFilter, "clear the filter"),
    ("up", Command::Up, "up"),
    ("down", Command::Down, "down"),
    ("page_up", Command::PageUp, "page up"),
    ("page_down", Command::PageDown, "page down"),
    ("top", Command::Top, "first row"),
    ("bottom", Command::Bottom, "last row"),
    ("focus_left", Command::FocusLeft, "focus the source pane"),
    ("focus_right", Command::FocusRight, "focus the target pane"),
    ("select", Command::ToggleSelect, "select / unselect the row"),
    (
        "select_all",
        Command::SelectAllVisible,
        "select every row the filter shows",
    ),
    (
        "clear_selection",
        Command::ClearSelection,
        "unselect everything of this kind",
    ),
    (
        "details",
        Command::Details,
        "details of the row (all fields, tags, rules)",
    ),
    (
        "copy",
        Command::Copy,
        "copy the selection (or the row) into the target: dialog",
    ),
    ("tasks", Command::ToggleTasks, "show / hide the copy tasks"),
    (
        "pause",
        Command::PauseTask,
        "tasks: pause the task at its next step",
    ),
    ("resume", Command::ResumeTask, "tasks: resume a paused task"),
    (
        "cancel",
        Command::CancelTask,
        "tasks: cancel the task (asks first)",
    ),
    (
        "retry",
        Command::RetryTask,
        "tasks: retry a failed task, or what a task done with warnings left out",
    ),
    (
        "edit",
        Command::EditTask,
        "tasks: change a failed task's options (bucket name, AZ, class, KMS key...), then retry it",
    ),
    (
        "dns_plan",
        Command::DnsPlan,
        "Route 53: plan the DNS cutover of the record",
    ),
    (
        "dns_step",
        Command::DnsStep,
        "Route 53: make the next cutover step (asks first)",
    ),
    (
        "dns_rollback",
        Command::DnsRollback,
        "Route 53: roll back to 100/0 (asks first)",
    ),
    (
        "dns_adopt",
        Command::DnsAdopt,
        "Route 53: after drift, take what Route 53 holds as the cutover's state (asks first)",
    ),
    (
        "dns_finish",
        Command::DnsFinish,
        "Route 53: a completed cutover becomes one simple record answering the target (asks first)",
    ),
    (
        "dns_abort",
        Command::DnsAbort,
        "Route 53: a rolled-back cutover becomes the source's simple record again (asks first)",
    ),
    (
        "window",
        Command::Window,
        "open / close the migration window: the RTO clock in the header (asks first)",
    ),
    (
        "refresh",
        Command::Refresh,
        "re-read both regions in the background",
    ),
    ("log", Command::ToggleLog, "show / hide the log pane"),
    ("help", Command::Help, "this help"),
    ("quit", Command::Quit, "quit (ctrl-c always quits too)"),
];

fn defaults() -> Vec<(Command, Vec<Key>)> {
    use KeyCode::*;
    let c = |ch| Key::plain(Char(ch));
    let p = Key::plain;
    vec![
        (Command::KindPrompt, vec![c(':')]),
        (Command::NextKind, vec![p(Tab)]),
        (Command::PrevKind, vec![p(BackTab)]),
        (Command::Filter, vec![c('/')]),
        (Command::ClearFilter, vec![p(Esc)]),
        (Command::Up, vec![p(Up), c('k')]),
        (Command::Down, vec![p(Down), c('j')]),
        (Command::PageUp, vec![p(PageUp)]),
        (Command::PageDown, vec![p(PageDown)]),
        (Command::Top, vec![p(Home), c('g')]),
        (Command::Bottom, vec![p(End), c('G')]),
        (Command::FocusLeft, vec![p(Left), c('h')]),
        (Command::FocusRight, vec![p(Right)]),
        (Command::ToggleSelect, vec![c(' ')]),
        (Command::SelectAllVisible, vec![c('a')]),
        (Command::ClearSelection, vec![c('A')]),
        (Command::Details, vec![p(Enter)]),
        (Command::Copy, vec![c('c')]),
        (Command::ToggleTasks, vec![c('t')]),
        (Command::PauseTask, vec![c('p')]),
        (Command::ResumeTask, vec![c('u')]),
        (Command::CancelTask, vec![c('x')]),
        (Command::RetryTask, vec![c('R')]),
        (Command::EditTask, vec![c('e')]),
        (Command::DnsPlan, vec![c('d')]),
        (Command::DnsStep, vec![c('n')]),
        (Command::DnsRollback, vec![c('b')]),
        (Command::DnsAdopt, vec![c('o')]),
        (Command::DnsFinish, vec![c('f')]),
        (Command::DnsAbort, vec![c('X')]),
        (Command::Window, vec![c('w')]),
        (Command::Refresh, vec![c('r')]),
        (Command::ToggleLog, vec![c('l')]),
        (Command::Help, vec![c('?')]),
        (Command::Quit, vec![c('q')]),
    ]
}

/// Number keys 1..9 and 0 jump to the first ten kinds; not remappable.
fn kind_digit(key: &Key) -> Option<usize> {
    match key.code {
        KeyCode::Char(d @ '1'..='9') if !key.ctrl && !key.alt => Some(d as usize - '1' as usize),
        KeyCode::Char('0') if !key.ctrl && !key.alt => Some(9),
        _ => None,
    }
}

#[derive(Debug, Clone)]
pub struct Keymap {
    by_key: HashMap<Key, Command>,
    by_command: BTreeMap<Command, Vec<Key>>,
}

impl Default for Keymap {
    #[allow(clippy::expect_used)] // each expect states the invariant it relies on
    fn default() -> Self {
        Keymap::from_config(&BTreeMap::new()).expect("the default keys are valid")
    }
}

impl Keymap {
    /// The defaults with `overrides` (config name -> keys, space-separated)
    /// replacing the keys of the commands they name.
    pub fn from_config(overrides: &BTreeMap<String, String>) -> Result<Self, String> {
        let mut by_command: BTreeMap<Command, Vec<Key>> = defaults().into_iter().collect();
        for (name, keys) in overrides {
            let command = COMMANDS
                .iter()
                .find(|(n, _, _)| n == name)
                .map(|(_, c, _)| *c)
                .ok_or_else(|| {
                    let names: Vec<&str> = COMMANDS.iter().map(|(n, _, _)| *n).collect();
                    format!(
                        "[keys] {name}: no such action; actions are: {}",
                        names.join(", ")
                    )
                })?;
            let parsed = keys
                .split_whitespace()
                .map(Key::parse)
                .collect::<Result<Vec<_>, _>>()
                .map_err(|e| format!("[keys] {name}: {e}"))?;
            if parsed.is_empty() {
                return Err(format!("[keys] {name}: give at least one key"));
            }
            by_command.insert(command, parsed);
        }
        let mut by_key = HashMap::new();
        for (&command, keys) in &by_command {
            for key in keys {
                let reserved =
                    kind_digit(key).is_some() || (key.ctrl && key.code == KeyCode::Char('c'));
                if reserved {
                    return Err(format!(
                        "[keys] {}: {key} is reserved (number keys switch kinds, ctrl-c quits)",
                        name_of(command)
                    ));
                }
                if let Some(other) = by_key.insert(*key, command) {
                    return Err(format!(
                        "[keys] {key} is bound to both {} and {}; give one of them another key",
                        name_of(other),
                        name_of(command)
                    ));
                }
            }
        }
        Ok(Keymap { by_key, by_command })
    }

    pub(crate) fn command(&self, key: &KeyEvent) -> Option<Command> {
        let key = Key::from_event(key);
        if key.ctrl && key.code == KeyCode::Char('c') {
            return Some(Command::Quit);
        }
        if let Some(n) = kind_digit(&key) {
            return Some(Command::GotoKind(n));
        }
        self.by_key.get(&key).copied()
    }

    /// The keys of a command, for help and the footer ("j/↓").
    pub(crate) fn keys_of(&self, command: Command) -> String {
        self.by_command
            .get(&command)
            .map(|keys| {
                keys.iter()
                    .map(Key::to_string)
                    .collect::<Vec<_>>()
                    .join("/")
            })
            .unwrap_or_default()
    }

    /// (keys, what they do) for every command, in help order.
    pub fn help(&self) -> Vec<(String, &'static str)> {
        let mut lines: Vec<(String, &'static str)> = COMMANDS
            .iter()
            .map(|(_, c, text)| (self.keys_of(*c), *text))
            .collect();
        lines.insert(3, ("1..9, 0".into(), "jump to the first ten kinds"));
        lines
    }
}

fn name_of(command: Command) -> &'static str {
    COMMANDS
        .iter()
        .find(|(_, c, _)| *c == command)
        .map(|(n, _, _)| *n)
        .unwrap_or("?")
}
