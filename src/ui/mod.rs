//! The cockpit: both estates side by side in the terminal.
//!
//! `app` holds the state and changes it; `views` draw it; `event_loop`
//! feeds actions from the terminal, a tick and background listings; `tui`
//! owns the terminal. Keys and colours come from the config.

pub mod action;
pub mod app;
pub(crate) mod check_board;
pub(crate) mod columns;
pub(crate) mod confirm;
pub(crate) mod copy_dialog;
pub(crate) mod copy_dialog_db;
pub mod copy_dialog_instance;
pub(crate) mod copy_state;
pub mod dns_board;
pub mod dns_close;
pub(crate) mod dns_dialog;
mod event_loop;
pub(crate) mod filter;
pub(crate) mod index;
mod jobs;
pub(crate) mod keymap;
mod keys;
pub(crate) mod layout;
mod listings;
mod messages;
mod mouse;
pub(crate) mod overview;
pub(crate) mod pointing;
mod quit;
pub mod state;
pub(crate) mod task_board;
mod task_control;
pub mod task_edit;
pub(crate) mod theme;
mod tui;
pub mod views;
mod window_key;

use crate::cloud::{self, Regions};
use crate::config::Settings;
use crate::model::{Inventory, Kind};
use anyhow::Context;
pub use app::App;
pub use jobs::task_effect;
pub use keymap::Keymap;
pub use state::Header;
pub use theme::Theme;

/// Checks keys and theme, connects to both regions, then opens the cockpit
/// until the operator quits. Anything wrong before the terminal is taken is
/// returned as an error for the caller to print; on a clean exit, the one
/// line that sums up what was left (for the caller to print once the
/// terminal is restored). `sandbox`: quitting ends the estate, so it asks.
/// Work running beside the cockpit (the sandbox seeding its estate).
#[derive(Debug)]
pub(crate) struct Beside {
    /// Lines to show as they come.
    pub(crate) notes: Option<tokio::sync::mpsc::UnboundedReceiver<String>>,
    /// Fires when the estate is there to be listed.
    pub(crate) list_when: Option<tokio::sync::oneshot::Receiver<()>>,
}

pub(crate) async fn run(
    settings: Settings,
    sandbox: bool,
    mut beside: Option<Beside>,
) -> anyhow::Result<String> {
    let keymap = Keymap::from_config(&settings.keys).map_err(anyhow::Error::msg)?;
    let theme = Theme::from_config(&settings.theme, Theme::no_color_from_env())
        .map_err(anyhow::Error::msg)?;
    let (source, target) = tokio::join!(
        cloud::connect(&settings.source),
        cloud::connect(&settings.target)
    );
    let regions = Regions {
        source: source.context("cannot open the source region")?,
        target: target.context("cannot open the target region")?,
    };
    let inventory = Inventory::new(
        &settings.source.region,
        &settings.target.region,
        settings.bucket_naming.clone(),
        &Kind::ALL,
    );
    // One writer per journal: if another process holds it, this cockpit
    // follows that one read-only instead of running the same tasks twice.
    let journal = crate::migrate::compact::compacting(
        crate::journal::Journal::at(&settings.paths.journal_file),
        settings.journal_compact_past,
    );
    let mut header = Header::from_settings(&settings);
    let mut lock_note = None;
    if !settings.read_only {
        match journal.lock_for_writing() {
            Ok(lock) => {
                lock_note = lock.took_over.as_ref().map(|dead| {
                    (
                        state::Level::Warn,
                        format!("took over the journal lock of {dead}, which is no longer running"),
                    )
                })
            }
            Err(crate::journal::JournalError::Locked(crate::journal_lock::LockError::Held {
                holder,
                ..
            })) => {
                header.read_only = true;
                header.follower_of = Some(format!("pid {} on host {}", holder.pid, holder.host));
                lock_note = Some((
                    state::Level::Warn,
                    format!("the journal is written by {holder}: following its tasks read-only"),
                ));
            }
            Err(e) => lock_note = Some((state::Level::Error, e.to_string())),
        }
    }
    let following = header.follower_of.is_some();
    // Read-only (asked, or following another writer): the journal itself
    // refuses writes, and with it the DNS engine built on it.
    let journal = if header.read_only {
        crate::journal::Journal::read_only_at(&settings.paths.journal_file)
    } else {
        journal
    };
    let mut app = App::new(inventory, header, keymap, theme);
    app.s3_tuning = settings.s3_tuning;
    app.sandbox = sandbox;
    app.journal_path = Some(settings.paths.journal_file.display().to_string());
    app.az_map = settings.az_map.clone();
    if let Some((level, text)) = lock_note {
        app.note(level, text);
    }
    // Copy tasks and DNS cutovers left by an earlier run (or a crash), read
    // once; a follower then reads only what the writer adds.
    let mut follower = crate::journal_follow::Follower::new(&settings.paths.journal_file);
    let pair = (
        settings.source.region.clone(),
        settings.target.region.clone(),
    );
    let mut threads = crate::migrate::TaskThreads::default();
    let (restore, first_effects) = match follower.poll() {
        Ok(grown) => {
            let replay = crate::journal::Replay {
                entries: grown.entries,
                skipped: Vec::new(),
            };
            threads.add(&replay.entries);
            let tasks = crate::migrate::of_pair(threads.tasks(), &pair.0, &pair.1);
            app.load_tasks(tasks.clone());
            let reads = app.load_cutovers(dns_board::cutovers_from(&replay));
            app.window_opened = crate::window::latest(&replay)
                .filter(|w| w.is_open())
                .map(|w| w.opened);
            (tasks, reads)
        }
        Err(e) => {
            app.note(
                state::Level::Error,
                format!("{e}; copy tasks and DNS cutovers from earlier runs are not shown"),
            );
            (Vec::new(), Vec::new())
        }
    };
    app.note(
        state::Level::Info,
        format!(
            "reading {} (source) and {} (target)",
            settings.source.region, settings.target.region
        ),
    );
    let (mut terminal, guard) = tui::enter().context("cannot open the terminal")?;
    let setup = event_loop::Setup {
        regions,
        journal: std::sync::Arc::new(journal),
        follow: following.then_some((follower, threads)),
        pair,
        caps: settings.copy_caps,
        restore,
        first_effects,
        notes: beside.as_mut().and_then(|b| b.notes.take()),
        list_when: beside.and_then(|b| b.list_when),
    };
    let result = event_loop::run(&mut terminal, &mut app, setup).await;
    drop(guard);
    // Only now: the journal's last holder waits for a running compaction.
    result.map(|jobs| {
        drop(jobs);
        app.exit_summary()
    })
}
