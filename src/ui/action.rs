//! Everything that can change the cockpit's state. Keys, mouse, ticks and
//! background results all become an `Action`, so `App::update` is the one
//! place state changes and tests can drive it without a terminal.

use super::dns_board::DnsSnapshot;
use crate::cutover::PlanChoices;
use crate::migrate::{TaskChange, TaskSpec};
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
    /// Opens the copy dialog for the selection (or the cursor row).
    Copy,
    /// Shows / hides the copy tasks in place of the panes.
    ToggleTasks,
    PauseTask,
    ResumeTask,
    CancelTask,
    RetryTask,
    /// Change a failed task's options, then retry it (the edit dialog).
    EditTask,
    /// On a Route 53 record: the DNS cutover plan dialog.
    DnsPlan,
    /// The next step of the record's DNS cutover.
    DnsStep,
    /// Weights back to 100/0 in one batch.
    DnsRollback,
    /// Take what Route 53 holds as where the cutover stands (after drift).
    DnsAdopt,
    /// A completed cutover becomes one simple record answering the target.
    DnsFinish,
    /// A rolled-back cutover becomes the source's simple record again.
    DnsAbort,
    /// Open or close the migration window (the RTO clock).
    Window,
}

/// A key in a dialog (copy, DNS plan, confirm): fields, choices, text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DialogKey {
    Edit(InputRequest),
    NextField,
    PrevField,
    /// ↑↓ on a choice: the previous / next option.
    Choose(i32),
    /// `+` in the copy dialog: add the groups the selected ones refer to.
    AddReferenced,
    Accept,
    Cancel,
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
    Dialog(DialogKey),
    /// A copy task changed: which, and what; the task itself is read
    /// from the shared store (`App::tasks`).
    TaskChanged(TaskChange),
    /// Where a record's DNS cutover stands, read after a change or on start.
    DnsStatus {
        topic: String,
        result: Result<Box<DnsSnapshot>, String>,
    },
    /// A DNS change in flight says how it goes ("waiting for INSYNC").
    DnsProgress {
        topic: String,
        text: String,
    },
    /// A DNS change ended: what it did, or why it failed.
    DnsDone {
        topic: String,
        result: Result<String, String>,
    },
    /// A background job could not be started or refused (worded for a person).
    JobFailed(String),
    /// The window was opened or closed in the journal (or refused).
    Window(Result<crate::window::Window, String>),
    /// The pre-flight check's answer (`:check`).
    Checked(Result<Box<crate::check::CheckReport>, String>),
    /// Progress of work outside the cockpit (the sandbox seeding its
    /// objects in the background), for the message line.
    Note(String),
    /// A background job says how it went (worded for a person).
    JobSaid(String),
    /// The target's DB subnet groups, for the copy dialog.
    DbSubnetGroups(Result<Vec<String>, String>),
    /// The target's subnets, for a relaunch in the copy dialog.
    TargetSubnets(Result<Vec<super::copy_dialog_instance::SubnetChoice>, String>),
    /// A VPC clone's whole plan read for the copy dialog: (VPC id, plan
    /// or why it cannot be made).
    NetworkPreview(String, Result<crate::migrate::NetworkPreview, String>),
}

/// Work the event loop must start on the app's behalf: the app itself
/// never touches the network.
/// Everything outward-facing (copies, DNS changes) reaches here only
/// through `App::gate`, which refuses it in --read-only.
#[derive(Debug, Clone, PartialEq)]
pub enum Effect {
    /// List these kinds again on their sides.
    Refresh(Vec<Kind>),
    StartCopies(Vec<TaskSpec>),
    /// Copies that make DB instances: each landing zone is surveyed and bad
    /// input refused first; none starts unless all pass.
    StartDbCopies {
        tasks: Vec<TaskSpec>,
        no_subnet_group: bool,
    },
    /// Copies with relaunches: the AWS-side checks run first (and the DB
    /// survey, when the plan makes a DB instance); none starts unless all pass.
    StartRelaunches {
        tasks: Vec<TaskSpec>,
        no_subnet_group: bool,
    },
    /// Read the target's DB subnet groups (for the copy dialog).
    ReadDbSubnetGroups,
    /// Read the target's subnets (for a relaunch in the copy dialog).
    ReadTargetSubnets,
    /// Read a VPC clone's whole plan (for the copy dialog).
    PreviewNetwork(Box<TaskSpec>),
    PauseTask(String),
    ResumeTask(String),
    CancelTask(String),
    RetryTask(String),
    /// Run a task done with warnings again for what it left out.
    RetryLeftOut(String),
    /// Change a failed task's options (checked by `migrate::edit`), then retry it.
    EditTask {
        id: String,
        spec: Box<TaskSpec>,
        change: String,
    },
    /// Re-read the record from Route 53, check the plan, journal it, make step 1.
    DnsStart {
        zone_id: String,
        record: String,
        target_value: String,
        choices: PlanChoices,
    },
    DnsStep {
        zone_id: String,
        record: String,
        /// Before the cache wait is over: journaled as an override.
        force: bool,
    },
    DnsRollback {
        zone_id: String,
        record: String,
    },
    /// Journal Route 53's state as the cutover's; writes only the journal.
    DnsAdopt {
        zone_id: String,
        record: String,
    },
    /// Collapse a completed cutover to the target's simple record.
    DnsFinish {
        zone_id: String,
        record: String,
    },
    /// Collapse a rolled-back cutover to the source's simple record.
    DnsAbort {
        zone_id: String,
        record: String,
    },
    /// Read where a cutover stands (journal and Route 53); writes nothing.
    DnsStatus {
        zone_id: String,
        record: String,
    },
    /// The operator stopped writes in the source: promote the replica task.
    PromoteReplica(String),
    /// Journal the window's open / close (`cutover window open|close`).
    WindowOpen,
    WindowClose,
    /// The pre-flight check of these source ids; reads only.
    RunCheck {
        inventory: super::check_board::Frozen,
        ids: Vec<String>,
    },
}
