//! The one loop: terminal events, a tick, listing results, copy task
//! changes and job reports, merged in a single `select!` into actions. It
//! draws after each action and never awaits the network itself: listings,
//! copies and DNS changes run in their own tasks (see `jobs`).

use super::action::{Action, Effect};
use super::app::App;
use super::jobs::Jobs;
use super::tui::Term;
use super::views;
use crate::cloud::{spawn_listings, Listed, Regions};
use crate::cutover::{DnsCutover, SystemClock};
use crate::journal::Journal;
use crate::journal_follow::Follower;
use crate::migrate::{Caps, Scheduler, Task, TaskStore, TaskThreads, CHANGES_BOUND};
use crate::model::Kind;
use crossterm::event::{Event, EventStream, KeyEventKind, MouseButton, MouseEventKind};
use futures::StreamExt;
use std::sync::Arc;
use std::time::Duration;
use tokio::signal::unix::{signal, Signal, SignalKind};
use tokio::sync::mpsc::unbounded_channel;

/// What the loop needs besides the app: where AWS is and where the journal is.
pub(crate) struct Setup {
    pub(crate) regions: Regions,
    pub(crate) journal: Arc<Journal>,
    pub(crate) caps: Caps,
    /// Tasks replayed from the journal, for the scheduler to resume.
    pub(crate) restore: Vec<Task>,
    /// Reads to start with (Route 53 state of journaled DNS cutovers).
    pub(crate) first_effects: Vec<Effect>,
    /// Another process writes the journal: follow its tasks as it grows.
    pub(crate) follow: Option<(Follower, TaskThreads)>,
    /// The current (source, target): only its tasks are shown.
    pub(crate) pair: (String, String),
    /// Lines from work running beside the cockpit (the sandbox's seeding).
    pub(crate) notes: Option<tokio::sync::mpsc::UnboundedReceiver<String>>,
    /// The estate is still being made (the sandbox): list once this fires,
    /// so the first frame does not wait for it and the listings see it whole.
    pub(crate) list_when: Option<tokio::sync::oneshot::Receiver<()>>,
}

/// How often a follower looks at the journal's length.
const FOLLOW_EVERY: Duration = Duration::from_millis(400);

/// Reads what the writing process adds to the journal and puts the tasks
/// it changed (of the current pair) in the store, off the UI task.
fn spawn_follower(
    (mut follower, mut threads): (Follower, TaskThreads),
    pair: (String, String),
    tasks: TaskStore,
) {
    tokio::task::spawn_blocking(move || loop {
        std::thread::sleep(FOLLOW_EVERY);
        let Ok(grown) = follower.poll() else { continue };
        if grown.restarted {
            threads = TaskThreads::default();
        }
        for task in threads.add(&grown.entries) {
            if (&task.spec.source_region, &task.spec.target_region) == (&pair.0, &pair.1) {
                tasks.put(task);
            }
        }
        if tasks.unheard() {
            return;
        }
    });
}

/// Spinner speed; also bounds how stale the screen can be.
const TICK: Duration = Duration::from_millis(120);
/// Lines per mouse wheel notch.
const WHEEL: i32 = 3;

/// Returns the jobs (the journal among them) for the caller to let go of
/// once the terminal is given back: letting go of the journal waits for a
/// compaction still running, which must not hold a frozen screen.
pub(crate) async fn run(terminal: &mut Term, app: &mut App, setup: Setup) -> anyhow::Result<Jobs> {
    let (tx, mut rx) = unbounded_channel::<Listed>();
    let (actions_tx, mut actions) = unbounded_channel::<Action>();
    // The tasks pane reads the tasks from this store when it draws; the
    // scheduler (or the follower) tells which task changed.
    let (store, mut task_changes) = TaskStore::with_changes(CHANGES_BOUND);
    app.tasks.share(store.clone());
    let regions = setup.regions;
    let mut notes = setup.notes;
    match setup.list_when {
        None => drop(spawn_listings(&regions, &Kind::ALL, tx.clone())),
        Some(ready) => {
            let (regions, tx) = (regions.clone(), tx.clone());
            tokio::spawn(async move {
                // A seeding that failed still lists: whatever is there shows.
                let _ = ready.await;
                spawn_listings(&regions, &Kind::ALL, tx);
            });
        }
    }
    if let Some(follow) = setup.follow {
        spawn_follower(follow, setup.pair.clone(), store.clone());
    }
    // In --read-only no scheduler exists: replayed tasks are only shown.
    let scheduler = (!app.read_only()).then(|| {
        let s = Scheduler::new(regions.clone(), setup.journal.clone(), setup.caps, store);
        for task in setup.restore {
            s.restore(task);
        }
        s
    });
    let journal = setup.journal.clone();
    let dns = DnsCutover::new(
        // Route 53 is global: the source region's clients reach it.
        regions.source.clone(),
        setup.journal,
        Arc::new(SystemClock),
        (regions.source.region.clone(), regions.target.region.clone()),
    );
    let jobs = Jobs {
        regions,
        listings: tx,
        actions: actions_tx,
        scheduler,
        dns,
        journal,
    };
    for effect in setup.first_effects {
        jobs.perform(effect);
    }
    let size = terminal.size()?;
    app.update(Action::Resize {
        width: size.width,
        height: size.height,
    });
    // SIGTERM and SIGHUP (a closed terminal window) end the loop like a
    // quit, so the terminal is given back instead of left raw.
    let mut hangup = signal(SignalKind::hangup()).ok();
    let mut terminate = signal(SignalKind::terminate()).ok();
    let mut events = EventStream::new();
    let mut tick = tokio::time::interval(TICK);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
    while !app.quit {
        terminal.draw(|frame| views::draw(frame, app))?;
        let action = tokio::select! {
            event = events.next() => match event {
                Some(Ok(event)) => translate(app, event),
                Some(Err(e)) => return Err(anyhow::anyhow!("cannot read the terminal: {e}")),
                None => break,
            },
            _ = tick.tick() => Some(Action::Tick),
            _ = next_signal(&mut hangup) => break,
            _ = next_signal(&mut terminate) => break,
            Some(listed) = rx.recv() => Some(Action::Listed {
                side: listed.side,
                kind: listed.kind,
                result: listed.result.map_err(|e| e.to_string()),
                took: listed.took,
            }),
            Some(change) = task_changes.recv() => Some(Action::TaskChanged(change)),
            Some(action) = actions.recv() => Some(action),
            Some(text) = next_note(&mut notes) => Some(Action::Note(text)),
        };
        if let Some(action) = action {
            for effect in app.update(action) {
                jobs.perform(effect);
            }
        }
    }
    Ok(jobs)
}

/// The next note, or never when there is no sender (or it is done).
async fn next_note(
    notes: &mut Option<tokio::sync::mpsc::UnboundedReceiver<String>>,
) -> Option<String> {
    match notes {
        Some(rx) => match rx.recv().await {
            Some(text) => Some(text),
            None => {
                *notes = None;
                None
            }
        },
        None => std::future::pending().await,
    }
}

/// The next delivery of a signal; pending forever without a handler.
async fn next_signal(s: &mut Option<Signal>) {
    match s {
        Some(s) => {
            s.recv().await;
        }
        None => std::future::pending().await,
    }
}

fn translate(app: &App, event: Event) -> Option<Action> {
    match event {
        // Windows reports releases too; acting on them would double every key.
        Event::Key(key) if key.kind != KeyEventKind::Release => app.action_for_key(key),
        Event::Mouse(m) => match m.kind {
            MouseEventKind::ScrollDown => Some(Action::ScrollAt {
                column: m.column,
                row: m.row,
                lines: WHEEL,
            }),
            MouseEventKind::ScrollUp => Some(Action::ScrollAt {
                column: m.column,
                row: m.row,
                lines: -WHEEL,
            }),
            MouseEventKind::Down(MouseButton::Left) => Some(Action::ClickAt {
                column: m.column,
                row: m.row,
            }),
            _ => None,
        },
        Event::Resize(width, height) => Some(Action::Resize { width, height }),
        _ => None,
    }
}
