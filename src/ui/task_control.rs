//! Keys in the tasks view: moving among tasks, the history popup, and the
//! operator's pause / resume / cancel / retry, each checked against the
//! task's state before it becomes an effect.

use super::action::{Command, Effect};
use super::app::{App, Mode};
use super::confirm::Confirm;
use super::layout::page_height;
use super::state::Level;
use crate::migrate::{Changed, CopyKind, Task, TaskChange, TaskState};
use crate::model::Kind;

impl App {
    /// A task changed: the board hears which; the task is read from the
    /// store, and only when this change ended it is anything said.
    pub(super) fn task_changed(&mut self, change: TaskChange) -> Vec<Effect> {
        let rows = self.tasks.len();
        let Some(task) = self.tasks.heard(&change) else {
            // Progress alone moves no task from one COPY state to another.
            if change.what == Changed::State || self.tasks.len() != rows {
                self.recount();
            }
            return Vec::new();
        };
        let mut effects = Vec::new();
        {
            let level = match task.state {
                TaskState::Failed { .. } => Level::Error,
                _ if !task.warnings.is_empty() => Level::Warn,
                _ => Level::Info,
            };
            self.note(
                level,
                format!(
                    "{} {}: {}",
                    task.spec.kind.label(),
                    task.spec.what(),
                    task.state_name()
                ),
            );
            // The target now holds the copy (or no longer the undone part):
            // re-read those kinds so the COPY column tells.
            if !matches!(task.state, TaskState::Failed { .. }) {
                effects = self.refresh_kinds(kinds_made_by(task.spec.kind));
            }
        }
        self.recount();
        effects
    }

    /// State changes the full channel could not carry (see `TaskStore::take_missed`).
    pub(super) fn missed_task_changes(&mut self) -> Vec<Effect> {
        let missed = self.tasks.store().take_missed();
        missed
            .into_iter()
            .flat_map(|change| self.task_changed(change))
            .collect()
    }

    /// Tasks rebuilt from the journal at start, shown as they were left.
    pub fn load_tasks(&mut self, tasks: Vec<Task>) {
        let unfinished = tasks.iter().filter(|t| t.is_resumable()).count();
        let count = tasks.len();
        for task in tasks {
            let change = TaskChange::state(&task.spec.id);
            self.tasks.store().put(task);
            self.tasks.heard(&change);
        }
        self.recount();
        if count > 0 {
            let what = if self.read_only() {
                "read-only: shown, not resumed"
            } else {
                "resuming"
            };
            self.note(
                Level::Info,
                format!(
                    "journal: {count} copy task(s), {unfinished} unfinished ({what}); {} shows them",
                    self.keymap.keys_of(Command::ToggleTasks)
                ),
            );
        }
    }

    /// Rows the tasks table shows.
    pub(crate) fn task_page(&self) -> usize {
        self.areas().tasks.map_or(1, |r| {
            page_height(r)
                .saturating_sub(super::views::TASK_DETAIL_LINES as usize)
                .max(1)
        })
    }

    /// A command while the tasks view is open; None if it is not about tasks.
    pub(super) fn tasks_command(&mut self, c: Command) -> Option<Vec<Effect>> {
        let page = self.task_page();
        match c {
            Command::Up => self.tasks.move_cursor(-1, page),
            Command::Down => self.tasks.move_cursor(1, page),
            Command::PageUp => self.tasks.move_cursor(-(page as i64), page),
            Command::PageDown => self.tasks.move_cursor(page as i64, page),
            Command::Top => self.tasks.move_cursor(i64::MIN / 2, page),
            Command::Bottom => self.tasks.move_cursor(i64::MAX / 2, page),
            Command::Details => {
                if !self.tasks.is_empty() {
                    self.mode = Mode::TaskHistory { scroll: 0 };
                }
            }
            Command::ClearFilter | Command::ToggleTasks => self.show_tasks = false,
            Command::FocusLeft | Command::FocusRight | Command::ToggleSelect => {}
            Command::SelectAllVisible | Command::ClearSelection | Command::Filter => {}
            Command::Copy => {
                let text = format!(
                    "{} goes back to the panes, where {} copies the selection",
                    self.keymap.keys_of(Command::ToggleTasks),
                    self.keymap.keys_of(Command::Copy)
                );
                self.note(Level::Info, text)
            }
            _ => return None,
        }
        Some(Vec::new())
    }

    /// Pause, resume, cancel or retry the task under the tasks cursor.
    pub(super) fn task_control(&mut self, c: Command) -> Vec<Effect> {
        if !self.show_tasks {
            let text = format!(
                "{} opens the tasks view; {} acts on its cursor row",
                self.keymap.keys_of(Command::ToggleTasks),
                self.keymap.keys_of(c)
            );
            self.note(Level::Info, text);
            return Vec::new();
        }
        let Some(task) = self.tasks.read().selected().cloned() else {
            self.note(Level::Info, "no copy tasks yet");
            return Vec::new();
        };
        let id = task.spec.id.clone();
        let state = task.state_name();
        match (c, &task.state) {
            // Resume on a replica in sync is its promote, behind the gate.
            (Command::ResumeTask, TaskState::Paused { .. }) if task.ready_to_promote() => {
                self.ask(promote_confirm(&task));
                Vec::new()
            }
            (Command::PauseTask, TaskState::Running { .. } | TaskState::Queued) => {
                let effects = self.gate(
                    &format!("pausing {id}"),
                    vec![Effect::PauseTask(id.clone())],
                );
                if !effects.is_empty() {
                    let when = if task.spec.kind == CopyKind::Bucket {
                        "after the object batch in flight"
                    } else {
                        "at its next step"
                    };
                    self.note(Level::Info, format!("pausing {id} {when}"));
                    self.tasks.pausing.insert(id);
                }
                effects
            }
            (Command::ResumeTask, TaskState::Paused { .. }) => {
                self.gate(&format!("resuming {id}"), vec![Effect::ResumeTask(id)])
            }
            (Command::RetryTask, TaskState::Failed { .. }) => {
                self.gate(&format!("retrying {id}"), vec![Effect::RetryTask(id)])
            }
            (Command::CancelTask, s) if s.can_cancel() => {
                self.ask(cancel_confirm(&task));
                Vec::new()
            }
            (Command::PauseTask, _) => {
                self.cannot(&id, state, "only running or queued tasks pause")
            }
            (Command::ResumeTask, _) => self.cannot(&id, state, "only paused tasks resume"),
            (Command::RetryTask, TaskState::Done) if !task.warnings.is_empty() => {
                match crate::migrate::left_out::retry_step(&task) {
                    Ok(step) => {
                        let effects = self.gate(
                            &format!("retrying what {id} left out"),
                            vec![Effect::RetryLeftOut(id.clone())],
                        );
                        if !effects.is_empty() {
                            let label = task.spec.steps()[step].label();
                            self.note(
                                Level::Info,
                                format!("{id}: retrying what was left out, from \"{label}\""),
                            );
                        }
                        effects
                    }
                    Err(why) => {
                        let why = format!(
                            "{why} ({} shows them)",
                            self.keymap.keys_of(Command::Details)
                        );
                        self.cannot(&id, state, &why)
                    }
                }
            }
            (Command::RetryTask, _) => self.cannot(&id, state, "only failed tasks are retried"),
            _ => self.cannot(&id, state, "it has ended"),
        }
    }

    fn cannot(&mut self, id: &str, state: &str, why: &str) -> Vec<Effect> {
        self.note(Level::Warn, format!("{id} is {state}: {why}"));
        Vec::new()
    }
}

fn promote_confirm(task: &Task) -> Confirm {
    let replica = task
        .spec
        .options
        .restore
        .as_ref()
        .map(|r| r.instance_id.clone())
        .unwrap_or_default();
    Confirm::new(
        format!("promote {replica}"),
        vec![
            format!(
                "{replica} in {} becomes a standalone instance that takes writes.",
                task.spec.target_region
            ),
            format!(
                "STOP WRITES IN THE SOURCE FIRST ({} in {}): later writes there are not carried.",
                task.spec.source_ids[0], task.spec.source_region
            ),
            "Confirming records in the journal that writes have stopped.".into(),
        ],
        vec![Effect::PromoteReplica(task.spec.id.clone())],
    )
    .typing("promote")
}

fn cancel_confirm(task: &Task) -> Confirm {
    let mut lines = vec![
        format!("{} {}", task.spec.kind.label(), task.spec.what()),
        "Stops the task and undoes what AWS allows; its history then says what stays.".into(),
    ];
    let copies = task.copies();
    if !copies.is_empty() {
        lines.push(format!(
            "Already made: {}",
            copies.values().cloned().collect::<Vec<_>>().join(", ")
        ));
    }
    Confirm::new(
        format!("cancel {}", task.spec.id),
        lines,
        vec![Effect::CancelTask(task.spec.id.clone())],
    )
}

/// The kinds a copy task creates in the target.
fn kinds_made_by(kind: CopyKind) -> Vec<Kind> {
    match kind {
        CopyKind::Image => vec![Kind::Image, Kind::Snapshot],
        CopyKind::Volume => vec![Kind::Snapshot, Kind::Volume],
        CopyKind::Snapshot => vec![Kind::Snapshot],
        CopyKind::KeyPair => vec![Kind::KeyPair],
        CopyKind::SecurityGroups => vec![Kind::SecurityGroup],
        CopyKind::Bucket => vec![Kind::Bucket],
        CopyKind::DbInstance | CopyKind::DbSnapshot => vec![Kind::DbSnapshot, Kind::DbInstance],
        CopyKind::Vpc => vec![Kind::Vpc, Kind::Subnet, Kind::SecurityGroup],
        CopyKind::DbReplica => vec![Kind::DbInstance],
        CopyKind::DbClusterSnapshot => vec![Kind::DbClusterSnapshot],
        CopyKind::Instance => vec![Kind::Image, Kind::Instance, Kind::ElasticIp],
    }
}
