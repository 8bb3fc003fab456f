//! The edit dialog of a failed task: the options of its kind in the
//! operator's words (those of `cutover tasks --retry ID --set key=value`),
//! each filled with what the task holds; enter checks them with
//! `migrate::edit` (the same refusals as the command line), changes the
//! task and retries it.

use super::action::{Command, DialogKey, Effect};
use super::app::{App, Mode};
use super::state::Level;
use crate::migrate::edit::{current, edit, keys_for};
use crate::migrate::{Task, TaskState};
use tui_input::Input;

#[derive(Debug, Clone)]
pub struct TaskEdit {
    pub(crate) id: String,
    /// (key, what it held when the dialog opened, what is typed now).
    pub fields: Vec<(&'static str, String, Input)>,
    pub(crate) focus: usize,
    /// The last refusal, shown in the dialog until the next try.
    pub refused: Option<String>,
}

impl TaskEdit {
    fn of(task: &Task) -> Self {
        let fields = keys_for(task.spec.kind)
            .iter()
            .map(|&key| {
                let now = current(&task.spec, key);
                (key, now.clone(), Input::new(now))
            })
            .collect();
        TaskEdit {
            id: task.spec.id.clone(),
            fields,
            focus: 0,
            refused: None,
        }
    }

    /// The settings the operator changed, as `--set key=value` takes them.
    pub(crate) fn changed(&self) -> Vec<(String, String)> {
        self.fields
            .iter()
            .filter(|(_, was, input)| input.value().trim() != was.trim())
            .map(|(key, _, input)| (key.to_string(), input.value().trim().to_string()))
            .collect()
    }
}

impl App {
    /// `e` in the tasks view: the edit dialog of the failed task under the
    /// cursor. Refused at once in --read-only (and when following).
    pub(super) fn open_task_edit(&mut self) {
        let Some(task) = self.tasks.read().selected().cloned() else {
            self.note(Level::Info, "no copy tasks yet");
            return;
        };
        let id = task.spec.id.clone();
        if !matches!(task.state, TaskState::Failed { .. }) {
            let text = format!(
                "{id} is {}: only a failed task is changed before its retry",
                task.state_name()
            );
            self.note(Level::Warn, text);
            return;
        }
        if self.read_only() {
            self.note(
                Level::Warn,
                format!("read-only: changing {id} refused; nothing was changed"),
            );
            return;
        }
        if keys_for(task.spec.kind).is_empty() {
            let text = format!(
                "a {} has no options to change; {} retries {id} as it is",
                task.spec.kind.label(),
                self.keymap.keys_of(Command::RetryTask)
            );
            self.note(Level::Info, text);
            return;
        }
        self.mode = Mode::TaskEdit(Box::new(TaskEdit::of(&task)));
    }

    pub(super) fn task_edit_key(&mut self, mut d: Box<TaskEdit>, key: DialogKey) -> Vec<Effect> {
        let n = d.fields.len().max(1);
        match key {
            DialogKey::Cancel => {
                self.note(Level::Info, format!("{}: nothing changed", d.id));
                return Vec::new();
            }
            DialogKey::NextField | DialogKey::Choose(1) => d.focus = (d.focus + 1) % n,
            DialogKey::PrevField | DialogKey::Choose(_) => d.focus = (d.focus + n - 1) % n,
            DialogKey::Edit(request) => {
                if let Some((_, _, input)) = d.fields.get_mut(d.focus) {
                    input.handle(request);
                }
            }
            DialogKey::Accept => return self.apply_task_edit(d),
            DialogKey::AddReferenced => {}
        }
        self.mode = Mode::TaskEdit(d);
        Vec::new()
    }

    /// Checks the changes as the command line does; the dialog stays open
    /// with the refusal when one does not hold.
    fn apply_task_edit(&mut self, mut d: Box<TaskEdit>) -> Vec<Effect> {
        // The task may have moved on while the dialog was open (another
        // key, a follower's journal): read it again.
        let Some(task) = self.tasks.store().get(&d.id) else {
            self.note(Level::Error, format!("no task {}", d.id));
            return Vec::new();
        };
        let changed = d.changed();
        if changed.is_empty() {
            return self.gate(
                &format!("retrying {}", d.id),
                vec![Effect::RetryTask(d.id.clone())],
            );
        }
        match edit(&task, &changed) {
            Ok((spec, change)) => {
                let effects = self.gate(
                    &format!("changing and retrying {}", d.id),
                    vec![Effect::EditTask {
                        id: d.id.clone(),
                        spec: Box::new(spec),
                        change: change.clone(),
                    }],
                );
                if !effects.is_empty() {
                    self.note(Level::Info, format!("{}: {change}; retrying", d.id));
                }
                effects
            }
            Err(why) => {
                self.note(Level::Error, why.clone());
                d.refused = Some(why);
                self.mode = Mode::TaskEdit(d);
                Vec::new()
            }
        }
    }
}
