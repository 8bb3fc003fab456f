//! cutover: a terminal cockpit for moving a live AWS estate from one region
//! to another. Layers, top to bottom: commands (the CLI), ui, config,
//! cloud, model. Arrows point down only.

// Unit tests may unwrap: a panic is how a test fails. (Cargo.toml's
// [lints] denies unwrap everywhere else.)
#![cfg_attr(test, allow(clippy::unwrap_used, clippy::expect_used))]

pub(crate) mod as_of;
pub mod check;
pub mod cli;
pub mod cloud;
pub mod commands;
pub(crate) mod config;
pub mod cutover;
pub mod journal;
pub mod journal_follow;
pub mod journal_lock;
pub mod migrate;
pub mod model;
pub mod report;
pub mod sandbox;
pub(crate) mod timeline;
pub mod ui;
pub mod window;
