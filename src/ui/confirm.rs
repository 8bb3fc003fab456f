//! The one gate for outward work: every copy, task control and DNS change
//! leaves `update` through `App::gate`, which refuses it in --read-only.
//! Steps that cost money or move users first ask through a `Confirm`.

use super::action::{DialogKey, Effect};
use super::app::{App, Mode};
use super::state::Level;
use tui_input::Input;

#[derive(Debug, Clone)]
pub struct Confirm {
    pub title: String,
    /// What will happen, one line each.
    pub lines: Vec<String>,
    pub(crate) effects: Vec<Effect>,
    /// A word to type before enter counts (going early on DNS): None when
    /// enter or y is enough.
    pub(crate) typed: Option<(&'static str, Input)>,
    /// Accepting quits the cockpit (no effects: nothing outward).
    pub quits: bool,
}

impl Confirm {
    pub(crate) fn new(title: impl Into<String>, lines: Vec<String>, effects: Vec<Effect>) -> Self {
        Confirm {
            title: title.into(),
            lines,
            effects,
            typed: None,
            quits: false,
        }
    }

    pub(crate) fn typing(mut self, word: &'static str) -> Self {
        self.typed = Some((word, Input::default()));
        self
    }

    pub(crate) fn wants_text(&self) -> bool {
        self.typed.is_some()
    }

    fn word_matches(&self) -> bool {
        self.typed
            .as_ref()
            .is_none_or(|(word, input)| input.value().trim() == *word)
    }
}

impl App {
    pub(crate) fn read_only(&self) -> bool {
        self.header.read_only
    }

    /// Opens a confirmation, or in --read-only says no at once.
    pub(crate) fn ask(&mut self, confirm: Confirm) {
        if self.read_only() {
            self.refuse(&confirm.title);
        } else {
            self.mode = Mode::Confirm(Box::new(confirm));
        }
    }

    /// Lets outward effects through, except in --read-only.
    pub(crate) fn gate(&mut self, what: &str, effects: Vec<Effect>) -> Vec<Effect> {
        if self.read_only() {
            self.refuse(what);
            return Vec::new();
        }
        for effect in &effects {
            self.dns_started(effect);
        }
        effects
    }

    fn refuse(&mut self, what: &str) {
        self.note(
            Level::Warn,
            format!("read-only: {what} refused; nothing was changed"),
        );
    }

    pub(super) fn confirm_key(&mut self, mut confirm: Box<Confirm>, key: DialogKey) -> Vec<Effect> {
        match key {
            DialogKey::Cancel => {
                self.note(Level::Info, format!("{}: cancelled", confirm.title));
            }
            DialogKey::Accept if confirm.quits => self.quit = true,
            DialogKey::Accept if confirm.word_matches() => {
                let title = confirm.title.clone();
                return self.gate(&title, confirm.effects);
            }
            DialogKey::Accept => {
                let word = confirm.typed.as_ref().map_or("", |(w, _)| w);
                self.note(
                    Level::Warn,
                    format!("type '{word}' then enter to go on, or esc"),
                );
                self.mode = Mode::Confirm(confirm);
            }
            DialogKey::Edit(request) => {
                if let Some((_, input)) = confirm.typed.as_mut() {
                    input.handle(request);
                }
                self.mode = Mode::Confirm(confirm);
            }
            _ => self.mode = Mode::Confirm(confirm),
        }
        Vec::new()
    }
}
