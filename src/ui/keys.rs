//! Which action a key press means, according to what is open: the keymap
//! in the panes, line editing in the prompts, scrolling in popups.

use super::action::{Action, Command, DialogKey, PromptKey};
use super::app::{App, Mode};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use tui_input::InputRequest;

impl App {
    /// Turns a key into an action, according to what is open.
    pub(crate) fn action_for_key(&self, key: KeyEvent) -> Option<Action> {
        let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
        if ctrl && key.code == KeyCode::Char('c') {
            return Some(Action::Command(Command::Quit));
        }
        match &self.mode {
            Mode::Normal => self.keymap.command(&key).map(Action::Command),
            Mode::Filter(_) | Mode::KindPrompt(_) => {
                let edit = |r| Some(Action::Prompt(PromptKey::Edit(r)));
                match key.code {
                    KeyCode::Esc => Some(Action::Prompt(PromptKey::Cancel)),
                    KeyCode::Enter => Some(Action::Prompt(PromptKey::Accept)),
                    KeyCode::Tab => Some(Action::Prompt(PromptKey::Complete)),
                    // Moving while filtering shows what the filter kept.
                    KeyCode::Up => Some(Action::Command(Command::Up)),
                    KeyCode::Down => Some(Action::Command(Command::Down)),
                    _ => input_request(key).and_then(edit),
                }
            }
            Mode::CopyDialog(d) => dialog_key(key, d.wants_text()),
            Mode::DnsPlan(_) => dialog_key(key, true),
            Mode::Confirm(c) => dialog_key(key, c.wants_text()),
            Mode::TaskEdit(_) => dialog_key(key, true),
            Mode::Details { .. }
            | Mode::Help { .. }
            | Mode::TaskHistory { .. }
            | Mode::Messages { .. }
            | Mode::Check { .. } => match key.code {
                // The check view runs again on the refresh key.
                _ if matches!(self.mode, Mode::Check { .. })
                    && self.keymap.command(&key) == Some(Command::Refresh) =>
                {
                    Some(Action::Command(Command::Refresh))
                }
                KeyCode::Esc | KeyCode::Enter | KeyCode::Char('q') | KeyCode::Char('?') => {
                    Some(Action::ClosePopup)
                }
                KeyCode::Up | KeyCode::Char('k') => Some(Action::PopupScroll(-1)),
                KeyCode::Down | KeyCode::Char('j') => Some(Action::PopupScroll(1)),
                KeyCode::PageUp => Some(Action::PopupScroll(-10)),
                KeyCode::PageDown | KeyCode::Char(' ') => Some(Action::PopupScroll(10)),
                KeyCode::Home | KeyCode::Char('g') => Some(Action::PopupScroll(i32::MIN / 2)),
                KeyCode::End | KeyCode::Char('G') => Some(Action::PopupScroll(i32::MAX / 2)),
                _ => None,
            },
        }
    }
}

/// Keys in a dialog. `text`: the focused field takes typing, so letters
/// are text and `y` does not confirm.
fn dialog_key(key: KeyEvent, text: bool) -> Option<Action> {
    let dialog = |k| Some(Action::Dialog(k));
    let edit = |r| dialog(DialogKey::Edit(r));
    match key.code {
        KeyCode::Esc => dialog(DialogKey::Cancel),
        KeyCode::Enter => dialog(DialogKey::Accept),
        KeyCode::Tab => dialog(DialogKey::NextField),
        KeyCode::BackTab => dialog(DialogKey::PrevField),
        KeyCode::Up => dialog(DialogKey::Choose(-1)),
        KeyCode::Down => dialog(DialogKey::Choose(1)),
        KeyCode::Char('y') if !text => dialog(DialogKey::Accept),
        KeyCode::Char('n') if !text => dialog(DialogKey::Cancel),
        KeyCode::Char('+') if !text => dialog(DialogKey::AddReferenced),
        KeyCode::Left if !text => dialog(DialogKey::Choose(-1)),
        KeyCode::Right if !text => dialog(DialogKey::Choose(1)),
        _ if !text => None,
        _ => input_request(key).and_then(edit),
    }
}

/// Line editing, the same in the prompt and in dialogs' text fields.
fn input_request(key: KeyEvent) -> Option<InputRequest> {
    let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
    Some(match key.code {
        KeyCode::Backspace if ctrl => InputRequest::DeletePrevWord,
        KeyCode::Backspace => InputRequest::DeletePrevChar,
        KeyCode::Delete => InputRequest::DeleteNextChar,
        KeyCode::Left => InputRequest::GoToPrevChar,
        KeyCode::Right => InputRequest::GoToNextChar,
        KeyCode::Home => InputRequest::GoToStart,
        KeyCode::End => InputRequest::GoToEnd,
        KeyCode::Char('u') if ctrl => InputRequest::DeleteLine,
        KeyCode::Char('w') if ctrl => InputRequest::DeletePrevWord,
        KeyCode::Char(c) if !ctrl => InputRequest::InsertChar(c),
        _ => return None,
    })
}
