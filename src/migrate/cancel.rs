//! What cancelling a task can undo, and what it says it could not.

use super::task::{CopyKind, Task};
use crate::cloud::copy::{image, snapshot};
use crate::cloud::Regions;

/// Undoes what the task made in the target where AWS allows it, and returns
/// a note saying what was undone and what was left.
pub(crate) async fn undo(regions: &Regions, task: &Task) -> String {
    let mut said = Vec::new();
    let source_id = task.spec.source_ids.first().cloned().unwrap_or_default();
    match task.spec.kind {
        CopyKind::Image => {
            let copy = match task.outputs.get(&format!("target:{source_id}")) {
                Some(id) => Some(id.clone()),
                // The copy call may have gone out just before the cancel.
                None => image::find_copy(&regions.target, &source_id)
                    .await
                    .ok()
                    .flatten(),
            };
            match copy {
                Some(id) => match image::deregister(&regions.target, &id).await {
                    Ok(()) => said.push(format!("deregistered the copy {id} in {}; its snapshots in the target stay (delete them if unwanted)", regions.target.region)),
                    Err(e) => said.push(format!("could not deregister {id}: {e}")),
                },
                None => said.push("no copy had been started".into()),
            }
        }
        CopyKind::Volume | CopyKind::Snapshot => {
            if let Some(copy) = task.outputs.get("copy") {
                match snapshot::delete_snapshot(&regions.target, copy).await {
                    Ok(()) => said.push(format!(
                        "deleted the snapshot copy {copy} in {}",
                        regions.target.region
                    )),
                    Err(e) => said.push(format!("could not delete the copy {copy}: {e}")),
                }
            }
            if let Some(snap) = task.outputs.get("snapshot") {
                said.push(format!("the source snapshot {snap} stays in {} (a snapshot costs little; delete it if unwanted)", regions.source.region));
            }
            if let Some(vol) = task
                .outputs
                .get(&format!("target:{source_id}"))
                .filter(|v| v.starts_with("vol-"))
            {
                said.push(format!(
                    "the new volume {vol} stays in {}",
                    regions.target.region
                ));
            }
        }
        CopyKind::DbInstance | CopyKind::DbSnapshot => {
            if let Some(copy) = task.outputs.get("copy") {
                match crate::cloud::copy::rds::delete_db_snapshot(&regions.target, copy).await {
                    Ok(()) => said.push(format!(
                        "deleted the DB snapshot copy {copy} in {}",
                        regions.target.region
                    )),
                    Err(e) => {
                        said.push(format!("could not delete the DB snapshot copy {copy}: {e}"))
                    }
                }
            }
            if let Some(snap) = task.outputs.get("snapshot") {
                said.push(format!(
                    "the source DB snapshot {snap} stays in {}",
                    regions.source.region
                ));
            }
            if let Some(db) = task.outputs.get("restored") {
                said.push(format!("the restored DB instance {db} stays in {} (it costs money: delete it if unwanted)", regions.target.region));
            }
        }
        CopyKind::Bucket => {
            // Parts of an upload cut short by the cancel are billed until
            // aborted; the copy is this task's own bucket.
            let bucket = task.outputs.get(&format!("target:{source_id}")).or(task
                .spec
                .options
                .target_bucket
                .as_ref());
            if let Some(bucket) = bucket {
                match crate::cloud::copy::objects::abort_open_uploads(&regions.target, bucket).await {
                    Ok(0) => {}
                    Ok(n) => said.push(format!("aborted {n} multipart upload(s) left open in {bucket}")),
                    // No bucket yet: nothing was uploaded.
                    Err(e) if e.code() == Some("NoSuchBucket") => {}
                    Err(e) => said.push(format!("could not abort the open multipart uploads in {bucket} ({e}): a lifecycle rule AbortIncompleteMultipartUpload removes them")),
                }
            }
            if let Some(bucket) = task.outputs.get(&format!("target:{source_id}")) {
                said.push(format!("the bucket {bucket} and the objects copied so far stay in {}: a later run copies only what is missing", regions.target.region));
            }
        }
        CopyKind::Vpc => said.extend(super::network::undo::undo(regions, task).await),
        CopyKind::Instance => said.extend(super::relaunch::undo(regions, task).await),
        // A replica is not deleted behind the operator's back: it may be
        // the only copy of writes made after a promote.
        CopyKind::DbReplica | CopyKind::DbClusterSnapshot => {
            for made in task.copies().into_values() {
                said.push(format!(
                    "{made} stays in {} (it costs money: delete it if unwanted)",
                    regions.target.region
                ));
            }
        }
        CopyKind::KeyPair | CopyKind::SecurityGroups => {
            let made: Vec<String> = task.copies().into_values().collect();
            if !made.is_empty() {
                said.push(format!("left in the target: {}", made.join(", ")));
            }
        }
    }
    if said.is_empty() {
        "nothing had been made yet".into()
    } else {
        said.join("; ")
    }
}
