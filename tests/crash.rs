//! Crash campaign in the normal suite: the real binary copies a bucket
//! (300 objects and a multipart one), an AMI, snapshots, a security group
//! and a DB snapshot through the paced sandbox proxy; it is killed with
//! SIGKILL three times (mid multipart copy, mid object flood, between
//! steps), resumed with `cutover tasks --wait`, and the target is read back
//! with the SDK. Kills inside a create's lost answer are in
//! crash_defects.rs; the long campaign is soak_crash.rs.

#[path = "support/campaign.rs"]
mod campaign;
mod common;
#[path = "support/own.rs"]
mod own;

use campaign::{Campaign, KillPoint, Mix};
use cutover::sandbox::PaceFaults;
use std::time::Duration;

#[tokio::test(flavor = "multi_thread")]
async fn killed_three_times_a_copy_resumes_to_everything_copied_and_done() {
    let campaign = Campaign::new(
        PaceFaults {
            pace: Duration::from_secs(2),
            ..Default::default()
        },
        Mix::default(),
    )
    .await;
    let points = [
        KillPoint::Held("UploadPartCopy"),
        KillPoint::Requests(60),
        KillPoint::JournalLines(2),
    ];
    let kills = tokio::task::block_in_place(|| campaign.run(&points));
    let found = campaign.check().await;
    eprintln!("crash campaign: {kills} kills, {found:#?}");
    assert_eq!(kills, 3, "every kill point was reached");
    assert_eq!(found.missing, Vec::<String>::new(), "nothing missing");
    assert_eq!(found.not_done, Vec::<String>::new(), "every task done");
}
