#![allow(clippy::unwrap_used, clippy::expect_used)] // tests may panic: that is how they fail
//! Crash checks for two defects the first campaign found (issue 15), kept
//! so they stay fixed: a bucket made by CreateBucket whose answer was lost
//! (killed before PutBucketTagging) was refused on resume as "already
//! exists ... not a copy"; a kill in the middle of a multipart copy left the
//! upload open (billed for its parts) although the resume completed the
//! object.

#[path = "support/campaign.rs"]
mod campaign;
mod common;
#[path = "support/own.rs"]
mod own;

use campaign::{lost_answer, Mix, NOTHING};

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
