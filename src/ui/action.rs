//! Everything that can change the cockpit's state. Keys, mouse, ticks and
//! background results all become an `Action`, so `App::update` is the one
//! place state changes and tests can drive it without a terminal.

use crate::model::{Kind, Resource, Side};
use std::time::Duration;
use tui_input::InputRequest;

/// What a key can be bound to (names are the `[keys]` names in the config).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Command {
    Quit,
    Help,
    ToggleLog,
    Refresh,
    /// Opens the `:` kind prompt.
    KindPrompt,
    /// Opens the `/` filter line.
    Filter,
    ClearFilter,
    NextKind,
    PrevKind,
    /// Number keys: the n-th kind of `Kind::ALL`.
    GotoKind(usize),
    Up,
    Down,
    PageUp,
    PageDown,
    Top,
    Bottom,
    FocusLeft,
    FocusRight,
    ToggleSelect,
    SelectAllVisible,
    ClearSelection,
    Details,
}

/// A line-editing request for the prompt that is open (filter or kind).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PromptKey {
    Edit(InputRequest),
    /// Tab in the kind prompt: take the first completion.
    Complete,
    Accept,
    Cancel,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Action {
    Command(Command),
    Prompt(PromptKey),
    /// In a popup: scroll by this many lines (negative is up).
    PopupScroll(i32),
    ClosePopup,
    /// The terminal's size, so scrolling knows the page height.
    Resize {
        width: u16,
        height: u16,
    },
    ScrollAt {
        column: u16,
        row: u16,
        lines: i32,
    },
    ClickAt {
        column: u16,
        row: u16,
    },
    Tick,
    /// A background listing arrived (the error already worded for a person).
    Listed {
        side: Side,
        kind: Kind,
        result: Result<Vec<Resource>, String>,
        took: Duration,
    },
}

/// Work the event loop must start on the app's behalf: the app itself
/// never touches the network.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Effect {
    /// List these kinds again on their sides.
    Refresh(Vec<Kind>),
}
