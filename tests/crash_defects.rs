//! Crashes inside a create's lost answer: AWS made the thing, cutover was
//! killed before it heard. Each resume must find what it made instead of
//! making it twice or refusing it as "already exists"; and a kill in the
//! middle of a multipart copy must not leave the upload open (it is billed).
//! These checks fail until the defects of issue 15 are fixed (tag at
//! creation and adopt by tag; recognise a bucket the task created; abort
//! the uploads a killed run left).

#[path = "support/campaign.rs"]
mod campaign;
mod common;
#[path = "support/own.rs"]
mod own;

use campaign::{Campaign, KillPoint, Mix};
use cutover::sandbox::PaceFaults;
use std::time::Duration;

fn paced() -> PaceFaults {
    PaceFaults {
        pace: Duration::from_secs(1),
        ..Default::default()
    }
}

const NOTHING: Mix = Mix {
    objects: 0,
    image: false,
    snapshots: 0,
    group: false,
    db_snapshot: false,
};

/// Kills once when the answer to `action` is held, resumes, and checks.
async fn lost_answer(action: &'static str, mix: Mix) -> campaign::Findings {
    let campaign = Campaign::new(paced(), mix).await;
    let kills = tokio::task::block_in_place(|| campaign.run(&[KillPoint::Held(action)]));
    assert_eq!(kills, 1, "killed while the {action} answer was held");
    let found = campaign.check().await;
    eprintln!("{action}: {found:#?}");
    found
}

#[tokio::test(flavor = "multi_thread")]
async fn a_snapshot_copy_whose_answer_was_lost_is_not_copied_twice() {
    let found = lost_answer(
        "CopySnapshot",
        Mix {
            snapshots: 1,
            ..NOTHING
        },
    )
    .await;
    assert_eq!(found.duplicates, Vec::<String>::new());
    assert_eq!(found.missing, Vec::<String>::new());
    assert_eq!(found.not_done, Vec::<String>::new());
}

#[tokio::test(flavor = "multi_thread")]
async fn an_ami_copy_whose_answer_was_lost_is_not_copied_twice() {
    let found = lost_answer(
        "CopyImage",
        Mix {
            image: true,
            ..NOTHING
        },
    )
    .await;
    assert_eq!(found.duplicates, Vec::<String>::new());
    assert_eq!(found.missing, Vec::<String>::new());
    assert_eq!(found.not_done, Vec::<String>::new());
}

#[tokio::test(flavor = "multi_thread")]
async fn a_db_snapshot_copy_whose_answer_was_lost_is_adopted() {
    let found = lost_answer(
        "CopyDBSnapshot",
        Mix {
            db_snapshot: true,
            ..NOTHING
        },
    )
    .await;
    assert_eq!(found.missing, Vec::<String>::new());
    assert_eq!(found.not_done, Vec::<String>::new());
}

#[tokio::test(flavor = "multi_thread")]
async fn a_security_group_whose_answer_was_lost_is_adopted() {
    let found = lost_answer(
        "CreateSecurityGroup",
        Mix {
            group: true,
            ..NOTHING
        },
    )
    .await;
    assert_eq!(found.duplicates, Vec::<String>::new());
    assert_eq!(found.not_done, Vec::<String>::new());
}

#[tokio::test(flavor = "multi_thread")]
async fn a_bucket_whose_create_answer_was_lost_is_copied_on_resume() {
    let found = lost_answer(
        "CreateBucket",
        Mix {
            objects: 20,
            ..NOTHING
        },
    )
    .await;
    assert_eq!(found.missing, Vec::<String>::new());
    assert_eq!(found.not_done, Vec::<String>::new());
}

#[tokio::test(flavor = "multi_thread")]
async fn a_copy_killed_mid_multipart_leaves_no_open_upload() {
    let found = lost_answer(
        "UploadPartCopy",
        Mix {
            objects: 5,
            ..NOTHING
        },
    )
    .await;
    assert_eq!(found.missing, Vec::<String>::new());
    assert_eq!(
        found.open_uploads,
        Vec::<String>::new(),
        "ListMultipartUploads"
    );
}
