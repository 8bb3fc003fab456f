//! Runs copy tasks concurrently within caps per kind, takes the operator's
//! pause / resume / cancel / retry, and journals every state change before
//! anyone is told of it.

use super::cancel::undo;
use super::events::TaskEvent;
use super::steps::{run_step, StepContext};
use super::store::{Changed, TaskStore};
use super::task::{CopyKind, Task, TaskSpec, TaskState};
use crate::cloud::Regions;
use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use tokio::sync::{watch, Semaphore};

/// Where task events are written before they take effect.
pub trait TaskJournal: Send + Sync {
    fn record(&self, task_id: &str, at_ms: u64, event: &TaskEvent) -> Result<(), String>;

    /// As `record`, knowing the whole task (the journal names its region
    /// pair in the topic).
    fn record_for(&self, spec: &TaskSpec, at_ms: u64, event: &TaskEvent) -> Result<(), String> {
        self.record(&spec.id, at_ms, event)
    }

    /// Opened read-only: the scheduler then refuses every change
    /// (`SchedulerError::ReadOnly`) and runs nothing.
    fn read_only(&self) -> bool {
        false
    }
}

/// Why the scheduler did not do what it was asked.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SchedulerError {
    /// Built on a read-only journal: nothing is journaled, nothing runs.
    #[error("read-only: copy tasks are shown, not started or changed; run without --read-only to act on them")]
    ReadOnly,
    /// The task is not in a state for this (the sentence says what to do).
    #[error("{0}")]
    Refused(String),
}

impl From<String> for SchedulerError {
    fn from(why: String) -> Self {
        SchedulerError::Refused(why)
    }
}

/// Concurrent tasks per kind. AWS allows 20 concurrent snapshot copies into
/// one region and a limited number of concurrent AMI copies; stay inside.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Caps {
    pub image_copies: usize,
    pub snapshot_copies: usize,
    pub db_snapshot_copies: usize,
    /// Key pairs, security groups, bucket migrations.
    pub other: usize,
}

impl Default for Caps {
    fn default() -> Self {
        Caps {
            image_copies: 5,
            snapshot_copies: 20,
            db_snapshot_copies: 5,
            other: 4,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Control {
    Run,
    Pause,
    Cancel,
}

struct Inner {
    regions: Regions,
    /// Clients for tasks journaled with another region pair than `regions`.
    other_pairs: Mutex<BTreeMap<(String, String), Regions>>,
    journal: Arc<dyn TaskJournal>,
    /// Shared with whoever shows the tasks; each change is told through it.
    tasks: TaskStore,
    /// One change at a time is journaled then applied, in that order,
    /// without holding `tasks` while the journal writes (the cockpit draws
    /// from it and must not wait on the disk).
    writing: Mutex<()>,
    controls: Mutex<BTreeMap<String, watch::Sender<Control>>>,
    /// The running tasks' futures, to end them at once when cutover stops.
    running: Mutex<BTreeMap<String, tokio::task::AbortHandle>>,
    images: Arc<Semaphore>,
    snapshots: Arc<Semaphore>,
    db: Arc<Semaphore>,
    other: Arc<Semaphore>,
}

#[derive(Clone)]
pub struct Scheduler {
    inner: Arc<Inner>,
}

pub(crate) fn now_ms() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis() as u64)
        .unwrap_or(0)
}

impl Scheduler {
    /// `tasks` holds the tasks and tells each change (for the tasks pane);
    /// `TaskStore::default()` when nobody listens.
    pub fn new(
        regions: Regions,
        journal: Arc<dyn TaskJournal>,
        caps: Caps,
        tasks: TaskStore,
    ) -> Self {
        Scheduler {
            inner: Arc::new(Inner {
                regions,
                other_pairs: Mutex::new(BTreeMap::new()),
                journal,
                tasks,
                writing: Mutex::new(()),
                controls: Mutex::new(BTreeMap::new()),
                running: Mutex::new(BTreeMap::new()),
                images: Arc::new(Semaphore::new(caps.image_copies.max(1))),
                snapshots: Arc::new(Semaphore::new(caps.snapshot_copies.max(1))),
                db: Arc::new(Semaphore::new(caps.db_snapshot_copies.max(1))),
                other: Arc::new(Semaphore::new(caps.other.max(1))),
            }),
        }
    }

    /// Journals and starts a new task.
    pub fn submit(&self, spec: TaskSpec) -> Result<(), SchedulerError> {
        self.may_write()?;
        let at = now_ms();
        let id = spec.id.clone();
        if self.task(&id).is_some() {
            return Err(format!("task {id} exists already").into());
        }
        self.inner.journal.record_for(
            &spec,
            at,
            &TaskEvent::Created {
                spec: Box::new(spec.clone()),
            },
        )?;
        let mut task = Task::new(spec.clone(), at);
        task.apply(
            at,
            &TaskEvent::Created {
                spec: Box::new(spec),
            },
        );
        self.inner.tasks.put(task);
        self.spawn(id);
        Ok(())
    }

    /// Takes a task rebuilt from the journal; runs it again if it was
    /// running (unless read-only).
    pub fn restore(&self, task: Task) {
        let id = task.spec.id.clone();
        // Read-only: shown as the journal left it, not run.
        let resume = task.is_resumable() && self.may_write().is_ok();
        self.inner.tasks.put(task);
        if resume {
            self.spawn(id);
        }
    }

    pub(crate) fn tasks(&self) -> Vec<Task> {
        self.inner
            .tasks
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .values()
            .cloned()
            .collect()
    }

    pub fn task(&self, id: &str) -> Option<Task> {
        self.inner.tasks.get(id)
    }

    /// Stops the task at the next step boundary (a wait is left at once: it
    /// only polls, and is taken up again on resume).
    pub fn pause(&self, id: &str) {
        self.control(id, Control::Pause);
    }

    pub fn resume(&self, id: &str) -> Result<(), SchedulerError> {
        self.may_write()?;
        let paused = matches!(
            self.task(id).map(|t| t.state),
            Some(TaskState::Paused { .. })
        );
        if !paused {
            self.control(id, Control::Run);
            return Ok(());
        }
        self.record(id, TaskEvent::Resumed)?;
        self.spawn(id.to_string());
        Ok(())
    }

    /// Stops the task and undoes what can be undone (see `cancel::undo`).
    pub fn cancel(&self, id: &str) -> Result<(), SchedulerError> {
        self.may_write()?;
        let running = self
            .inner
            .controls
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .contains_key(id);
        if running {
            self.control(id, Control::Cancel);
            return Ok(());
        }
        // Not running (queued before a restart, paused, failed): undo here.
        let task = self.task(id).ok_or_else(|| format!("no task {id}"))?;
        if !task.state.can_cancel() {
            return Err(format!("task {id} is already {}", task.state.name()).into());
        }
        let this = self.clone();
        let id = id.to_string();
        tokio::spawn(async move {
            let note = undo(&this.regions_for(&task.spec), &task).await;
            let _ = this.record(&id, TaskEvent::Cancelled { note });
        });
        Ok(())
    }

    /// The operator confirmed that writes to the source have stopped: the
    /// replica task goes on to promote (and, if asked, the reverse replica).
    pub fn promote(&self, id: &str, reverse_replica: bool) -> Result<(), SchedulerError> {
        self.may_write()?;
        let task = self.task(id).ok_or_else(|| format!("no task {id}"))?;
        if !task.ready_to_promote() {
            return Err(format!(
                "task {id} is {}, not a read replica waiting for its promote",
                task.state_name()
            )
            .into());
        }
        self.record(id, TaskEvent::PromoteConfirmed { reverse_replica })?;
        self.spawn(id.to_string());
        Ok(())
    }

    /// Runs a failed task again from the step that failed.
    pub fn retry(&self, id: &str) -> Result<(), SchedulerError> {
        self.may_write()?;
        match self.task(id).map(|t| t.state) {
            Some(TaskState::Failed { .. }) => {
                self.record(id, TaskEvent::Retried)?;
                self.spawn(id.to_string());
                Ok(())
            }
            Some(other) => Err(format!(
                "task {id} is {}, only failed tasks are retried",
                other.name()
            )
            .into()),
            None => Err(format!("no task {id}").into()),
        }
    }

    /// Runs a task done with warnings again from the step that left
    /// something out which can now be carried (see `left_out`).
    pub fn retry_left_out(&self, id: &str) -> Result<(), SchedulerError> {
        self.may_write()?;
        let task = self.task(id).ok_or_else(|| format!("no task {id}"))?;
        let step = super::left_out::retry_step(&task)?;
        self.record(id, TaskEvent::RetryLeftOut { step })?;
        self.spawn(id.to_string());
        Ok(())
    }

    /// Changes a failed or paused task's options (see `edit::set_option`)
    /// before it runs again.
    pub fn edit(&self, id: &str, spec: TaskSpec, change: String) -> Result<(), SchedulerError> {
        self.may_write()?;
        match self.task(id).map(|t| t.state) {
            Some(TaskState::Failed { .. } | TaskState::Paused { .. }) => {}
            Some(other) => {
                return Err(format!(
                    "task {id} is {}: only failed or paused tasks can be changed",
                    other.name()
                )
                .into())
            }
            None => return Err(format!("no task {id}").into()),
        }
        if spec.id != id {
            return Err(format!("task {id} cannot become task {}", spec.id).into());
        }
        Ok(self.record(
            id,
            TaskEvent::Edited {
                spec: Box::new(spec),
                change,
            },
        )?)
    }

    /// Every change passes here first: a scheduler on a read-only journal
    /// refuses them all, so no caller has to remember to.
    fn may_write(&self) -> Result<(), SchedulerError> {
        if self.inner.journal.read_only() {
            return Err(SchedulerError::ReadOnly);
        }
        Ok(())
    }

    /// Stops every running task where it is (the journal keeps it running:
    /// the next run takes it up), then aborts the multipart uploads its
    /// bucket copies left open. Returns how many uploads were aborted.
    pub(crate) async fn abort_open_uploads(&self) -> usize {
        let stopped: Vec<String> = {
            let mut running = self
                .inner
                .running
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner);
            for handle in running.values() {
                handle.abort();
            }
            std::mem::take(&mut *running).into_keys().collect()
        };
        let mut aborted = 0;
        for id in stopped {
            let Some(task) = self.task(&id) else { continue };
            if task.spec.kind != CopyKind::Bucket {
                continue;
            }
            let Some(bucket) = task.copies().into_values().next().or(task
                .spec
                .options
                .target_bucket
                .clone())
            else {
                continue;
            };
            let regions = self.regions_for(&task.spec);
            match crate::cloud::copy::objects::abort_open_uploads(&regions.target, &bucket).await {
                Ok(n) => aborted += n,
                Err(e) => tracing::warn!(bucket, error = %e, "open uploads not aborted"),
            }
        }
        aborted
    }

    /// Until no task is queued or running.
    pub async fn settled(&self) {
        loop {
            let busy = self
                .inner
                .tasks
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner)
                .values()
                .any(|t| matches!(t.state, TaskState::Queued | TaskState::Running { .. }));
            if !busy {
                return;
            }
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
    }

    fn control(&self, id: &str, c: Control) {
        if let Some(tx) = self
            .inner
            .controls
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .get(id)
        {
            let _ = tx.send(c);
        }
    }

    /// The regions a task was made for: its own pair, not necessarily the
    /// current one (a task resumed after a restart under other flags).
    fn regions_for(&self, spec: &TaskSpec) -> Regions {
        let current = &self.inner.regions;
        if spec.source_region == current.source.region
            && spec.target_region == current.target.region
        {
            return current.clone();
        }
        let pair = (spec.source_region.clone(), spec.target_region.clone());
        self.inner
            .other_pairs
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .entry(pair)
            .or_insert_with(|| current.for_pair(&spec.source_region, &spec.target_region))
            .clone()
    }

    /// Journals, then applies, then tells. A journal that cannot be written
    /// stops the change: nothing happens that the journal does not know,
    /// and the task is shown failed (in this process only) with the reason,
    /// so that nobody waits for it.
    fn record(&self, id: &str, event: TaskEvent) -> Result<(), String> {
        let at = now_ms();
        let _writing = self
            .inner
            .writing
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let spec = self.task_spec(id).ok_or_else(|| format!("no task {id}"))?;
        let journaled = self.inner.journal.record_for(&spec, at, &event);
        let mut tasks = self
            .inner
            .tasks
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let task = tasks.get_mut(id).ok_or_else(|| format!("no task {id}"))?;
        if let Err(e) = journaled {
            let error = format!(
                "stopped: the journal cannot be written ({e}); nothing more was done. Free the disk or fix the data dir, then resume with `cutover tasks --wait`"
            );
            tracing::error!(task = id, "{error}");
            let step = task.next_step;
            task.apply(at, &TaskEvent::Failed { step, error });
            drop(tasks);
            self.inner.tasks.changed(id, Changed::State);
            return Err(e);
        }
        task.apply(at, &event);
        drop(tasks);
        self.inner.tasks.changed(id, Changed::State);
        Ok(())
    }

    fn task_spec(&self, id: &str) -> Option<TaskSpec> {
        self.inner
            .tasks
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .get(id)
            .map(|t| t.spec.clone())
    }

    /// A panic inside a task (a bug, or a hostile journal line) fails that
    /// task with its message instead of leaving it running forever.
    fn fail_on_panic(&self, id: &str, panic: Box<dyn std::any::Any + Send>) {
        let what = panic
            .downcast_ref::<String>()
            .map(String::as_str)
            .or_else(|| panic.downcast_ref::<&str>().copied())
            .unwrap_or("no message");
        let step = self.task(id).map_or(0, |t| t.next_step);
        let _ = self.record(
            id,
            TaskEvent::Failed {
                step,
                error: format!("cutover hit a bug in this task: {what}; please report it"),
            },
        );
    }

    fn set_transfer(&self, id: &str, transfer: super::task::Transfer) {
        let mut tasks = self
            .inner
            .tasks
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if let Some(task) = tasks.get_mut(id) {
            task.transfer = Some(transfer);
            drop(tasks);
            self.inner.tasks.changed(id, Changed::Progress);
        }
    }

    fn set_progress(&self, id: &str, progress: Option<u8>) {
        let mut tasks = self
            .inner
            .tasks
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if let Some(task) = tasks.get_mut(id) {
            task.progress = progress;
            drop(tasks);
            self.inner.tasks.changed(id, Changed::Progress);
        }
    }

    fn set_status(&self, id: &str, status: String) {
        let mut tasks = self
            .inner
            .tasks
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if let Some(task) = tasks.get_mut(id) {
            task.status = Some(status);
            drop(tasks);
            self.inner.tasks.changed(id, Changed::Progress);
        }
    }

    fn spawn(&self, id: String) {
        let (tx, rx) = watch::channel(Control::Run);
        self.inner
            .controls
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .insert(id.clone(), tx);
        let this = self.clone();
        let key = id.clone();
        let handle = tokio::spawn(async move {
            let run = std::panic::AssertUnwindSafe(this.run(&id, rx));
            if let Err(panic) = futures::FutureExt::catch_unwind(run).await {
                this.fail_on_panic(&id, panic);
            }
            this.inner
                .controls
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner)
                .remove(&id);
            this.inner
                .running
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner)
                .remove(&id);
        });
        self.inner
            .running
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .insert(key, handle.abort_handle());
    }

    async fn run(&self, id: &str, mut control: watch::Receiver<Control>) {
        let Some(task) = self.task(id) else { return };
        let semaphore = match task.spec.kind {
            CopyKind::Image | CopyKind::Instance => &self.inner.images,
            CopyKind::Volume | CopyKind::Snapshot => &self.inner.snapshots,
            CopyKind::DbInstance
            | CopyKind::DbSnapshot
            | CopyKind::DbReplica
            | CopyKind::DbClusterSnapshot => &self.inner.db,
            CopyKind::KeyPair | CopyKind::SecurityGroups | CopyKind::Bucket | CopyKind::Vpc => {
                &self.inner.other
            }
        };
        if !task.spec.options.needs.is_empty() {
            tokio::select! {
                blocked = self.until_needs_met(&task.spec.options.needs) => if let Some(error) = blocked {
                    let step = task.next_step;
                    let _ = self.record(id, TaskEvent::Failed { step, error });
                    return;
                },
                _ = until(&mut control, Control::Cancel) => return self.finish_cancel(id).await,
            }
        }
        let _permit = tokio::select! {
            permit = semaphore.clone().acquire_owned() => permit.ok(),
            _ = until(&mut control, Control::Cancel) => return self.finish_cancel(id).await,
        };
        let steps = task.spec.steps();
        loop {
            let Some(task) = self.task(id) else { return };
            let Some(&step) = steps.get(task.next_step) else {
                break;
            };
            let index = task.next_step;
            let wanted = *control.borrow();
            match wanted {
                Control::Cancel => return self.finish_cancel(id).await,
                Control::Pause => {
                    let _ = self.record(id, TaskEvent::Paused { step: index });
                    return;
                }
                Control::Run => {}
            }
            if step == super::task::Step::PromoteReplica
                && !task.outputs.contains_key(super::task::PROMOTE_CONFIRMED)
            {
                let _ = self.record(id, TaskEvent::AwaitingPromote { step: index });
                return;
            }
            let started_before = task.was_started(index);
            if self
                .record(id, TaskEvent::StepStarted { step: index })
                .is_err()
            {
                return;
            }
            let regions = self.regions_for(&task.spec);
            let this = self.clone();
            let task_id = id.to_string();
            let progress = move |p: Option<u8>| this.set_progress(&task_id, p);
            let (this, task_id) = (self.clone(), id.to_string());
            let transfer = move |t| this.set_transfer(&task_id, t);
            let (this, task_id) = (self.clone(), id.to_string());
            let status = move |s: String| this.set_status(&task_id, s);
            let watching = control.clone();
            let pause_requested = move || *watching.borrow() == Control::Pause;
            let ctx = StepContext {
                pause_requested: &pause_requested,
                regions: &regions,
                spec: &task.spec,
                outputs: &task.outputs,
                progress: &progress,
                status: &status,
                transfer: &transfer,
                started_before,
            };
            // Boxed so that a cancel can drop it (ending its requests)
            // before the undo lists what is left open.
            let mut step_run = Box::pin(run_step(&ctx, step));
            let result = loop {
                tokio::select! {
                    r = &mut step_run => break Some(r),
                    c = changed(&mut control) => match c {
                        Control::Cancel => break None,
                        // A wait only polls: leave it now, poll again on resume.
                        Control::Pause if step.is_wait() => {
                            let _ = self.record(id, TaskEvent::Paused { step: index });
                            return;
                        }
                        _ => {}
                    },
                }
            };
            drop(step_run);
            match result {
                None => return self.finish_cancel(id).await,
                Some(Ok(done)) if done.interrupted => {
                    let _ = self.record(id, TaskEvent::Paused { step: index });
                    return;
                }
                Some(Ok(done)) => {
                    for text in done.notes {
                        let _ = self.record(id, TaskEvent::Note { text });
                    }
                    for text in done.warnings {
                        let _ = self.record(id, TaskEvent::Warning { text });
                    }
                    for leftover in done.leftovers {
                        let _ = self.record(id, TaskEvent::Leftover { leftover });
                    }
                    if self
                        .record(
                            id,
                            TaskEvent::StepDone {
                                step: index,
                                outputs: done.outputs,
                            },
                        )
                        .is_err()
                    {
                        return;
                    }
                }
                Some(Err(e)) => {
                    let _ = self.record(
                        id,
                        TaskEvent::Failed {
                            step: index,
                            error: e.for_task(),
                        },
                    );
                    return;
                }
            }
        }
        let _ = self.record(id, TaskEvent::Done);
    }

    /// Until every task in `needs` is done (None), or one of them can no
    /// longer be (Some(why)).
    async fn until_needs_met(&self, needs: &[String]) -> Option<String> {
        loop {
            match super::needs::check(needs, |id| self.task(id)) {
                super::needs::Needs::Met => return None,
                super::needs::Needs::Blocked(why) => return Some(why),
                super::needs::Needs::Waiting(_) => {
                    tokio::time::sleep(std::time::Duration::from_millis(100)).await
                }
            }
        }
    }

    async fn finish_cancel(&self, id: &str) {
        let Some(task) = self.task(id) else { return };
        let note = undo(&self.regions_for(&task.spec), &task).await;
        let _ = self.record(id, TaskEvent::Cancelled { note });
    }
}

/// The next control value that differs from Run (pending forever if the
/// sender is gone).
async fn changed(rx: &mut watch::Receiver<Control>) -> Control {
    loop {
        if rx.changed().await.is_err() {
            std::future::pending::<()>().await;
        }
        let c = *rx.borrow();
        if c != Control::Run {
            return c;
        }
    }
}

async fn until(rx: &mut watch::Receiver<Control>, wanted: Control) {
    loop {
        if *rx.borrow() == wanted {
            return;
        }
        if rx.changed().await.is_err() {
            std::future::pending::<()>().await;
        }
    }
}
