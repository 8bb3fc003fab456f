#![allow(clippy::unwrap_used, clippy::expect_used)] // tests may panic: that is how they fail
//! The long crash campaign (run by `.ci/run` when CUTOVER_SOAK=1): rounds
//! of the mix copied through the paced, slightly faulty sandbox
//! proxy, each killed with SIGKILL at seeded points (after some requests,
//! after journal lines, inside a create's lost answer), resumed, and read
//! back with the SDK. Prints the figures kept in the README.

#[path = "support/campaign.rs"]
mod campaign;
mod common;
#[path = "support/own.rs"]
mod own;

use campaign::{kill_points, Campaign, Mix};
use cutover::sandbox::PaceFaults;
use std::time::Duration;

const ROUNDS: u64 = 5;
const POINTS_PER_ROUND: usize = 8;

#[tokio::test(flavor = "multi_thread")]
#[ignore = "long: run with CUTOVER_SOAK=1 .ci/run, or cargo test --test soak_crash -- --ignored"]
async fn twenty_and_more_kills_leave_everything_copied_once() {
    let seed: u64 = std::env::var("CUTOVER_SOAK_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(15);
    let (mut kills, mut faults, mut requests) = (0, 0, 0);
    let mut problems = Vec::new();
    for round in 0..ROUNDS {
        let campaign = Campaign::new(
            PaceFaults {
                pace: Duration::from_secs(2),
                faults: 0.05,
                seed: seed + round,
            },
            Mix::default(),
        )
        .await;
        let points = kill_points(seed * 100 + round, POINTS_PER_ROUND);
        kills += tokio::task::block_in_place(|| campaign.run(&points));
        let found = campaign.check().await;
        faults += found.faults;
        requests += found.requests;
        eprintln!("round {round}: points {points:?}\n{found:#?}");
        for (what, list) in [
            ("duplicated", &found.duplicates),
            ("missing", &found.missing),
            ("left open", &found.open_uploads),
            ("not done", &found.not_done),
        ] {
            problems.extend(list.iter().map(|p| format!("round {round}: {what}: {p}")));
        }
    }
    eprintln!(
        "soak: {kills} kills, {faults} faults in {requests} requests, {} problems (seed {seed})",
        problems.len()
    );
    assert!(kills >= 20, "at least 20 kills: {kills}");
    assert!(problems.is_empty(), "{problems:#?}");
}
