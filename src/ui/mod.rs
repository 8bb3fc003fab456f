//! The cockpit: both estates side by side in the terminal.
//!
//! `app` holds the state and changes it; `views` draw it; `event_loop`
//! feeds actions from the terminal, a tick and background listings; `tui`
//! owns the terminal. Keys and colours come from the config.

pub mod action;
pub mod app;
pub mod columns;
pub mod confirm;
pub mod copy_dialog;
pub mod dns_board;
pub mod dns_dialog;
mod event_loop;
pub mod filter;
pub mod index;
mod jobs;
pub mod keymap;
mod keys;
pub mod layout;
mod listings;
mod mouse;
pub mod pointing;
pub mod state;
pub mod task_board;
mod task_control;
pub mod theme;
mod tui;
pub mod views;

use crate::cloud::{self, Regions};
use crate::config::Settings;
use crate::model::{Inventory, Kind};
use anyhow::Context;
pub use app::App;
pub use keymap::Keymap;
pub use state::Header;
pub use theme::Theme;

/// Checks keys and theme, connects to both regions, then opens the cockpit
/// until the operator quits. Anything wrong before the terminal is taken is
/// returned as an error for the caller to print.
pub async fn run(settings: Settings) -> anyhow::Result<()> {
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
    let mut app = App::new(inventory, Header::from_settings(&settings), keymap, theme);
    app.s3_tuning = settings.s3_tuning;
    // Copy tasks and DNS cutovers left by an earlier run (or a crash).
    let (restore, first_effects) = match crate::journal::replay(&settings.paths.journal_file) {
        Ok(replay) => {
            let tasks = crate::migrate::tasks_from(&replay);
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
        journal: std::sync::Arc::new(crate::journal::Journal::at(&settings.paths.journal_file)),
        caps: settings.copy_caps,
        restore,
        first_effects,
    };
    let result = event_loop::run(&mut terminal, &mut app, setup).await;
    drop(guard);
    result
}
