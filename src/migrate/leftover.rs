//! What a copy makes on the way and leaves in the source: the snapshot of
//! a volume or DB instance it copied through, an image it launched from.
//! Journaled when made, shown in the task's notes and the report, and
//! deleted by `cutover cleanup --leftovers` once the task has ended.

use crate::cloud::copy::{image, rds, snapshot};
use crate::cloud::{Clients, CloudError};
use crate::model::Details;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LeftoverKind {
    EbsSnapshot,
    /// An AMI (its backing snapshots go with it).
    Image,
    DbSnapshot,
}

impl LeftoverKind {
    pub(crate) fn label(self) -> &'static str {
        match self {
            LeftoverKind::EbsSnapshot => "EBS snapshot",
            LeftoverKind::Image => "AMI",
            LeftoverKind::DbSnapshot => "DB snapshot",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Leftover {
    pub(crate) region: String,
    pub(crate) kind: LeftoverKind,
    pub(crate) id: String,
    /// "taken of the source volume to copy it".
    pub(crate) why: String,
}

impl Leftover {
    pub fn new(region: &str, kind: LeftoverKind, id: &str, why: &str) -> Self {
        Leftover {
            region: region.into(),
            kind,
            id: id.into(),
            why: why.into(),
        }
    }

    /// The AWS CLI command that deletes it, for the report.
    pub(crate) fn delete_command(&self) -> String {
        let (region, id) = (&self.region, &self.id);
        match self.kind {
            LeftoverKind::EbsSnapshot => {
                format!("aws ec2 delete-snapshot --region {region} --snapshot-id {id}")
            }
            LeftoverKind::Image => format!(
                "aws ec2 deregister-image --region {region} --image-id {id} (then delete its snapshots)"
            ),
            LeftoverKind::DbSnapshot => format!(
                "aws rds delete-db-snapshot --region {region} --db-snapshot-identifier {id}"
            ),
        }
    }

    /// The task note: what stays, and how it goes.
    pub(crate) fn note(&self) -> String {
        format!(
            "left in {}: {} {} ({}); `cutover cleanup --leftovers` deletes it once the task has ended",
            self.region,
            self.kind.label(),
            self.id,
            self.why
        )
    }
}

/// Whether AWS's answer says the thing is not there (deleted already).
fn is_gone(e: &CloudError) -> bool {
    e.code().is_some_and(|c| {
        c.ends_with("NotFound") || c.ends_with("NotFoundFault") || c == "InvalidAMIID.Unavailable"
    })
}

/// Deletes it in `c`'s region (an AMI with its backing snapshots). Ok(false):
/// it was gone already.
pub(crate) async fn delete(c: &Clients, l: &Leftover) -> Result<bool, CloudError> {
    let deleted = match l.kind {
        LeftoverKind::EbsSnapshot => snapshot::delete_snapshot(c, &l.id).await,
        LeftoverKind::DbSnapshot => rds::delete_db_snapshot(c, &l.id).await,
        LeftoverKind::Image => {
            let Some(found) = image::image(c, &l.id).await? else {
                return Ok(false);
            };
            image::deregister(c, &l.id).await?;
            if let Details::Image(d) = &found.details {
                for snap in &d.snapshot_ids {
                    match snapshot::delete_snapshot(c, snap).await {
                        Err(e) if !is_gone(&e) => return Err(e),
                        _ => {}
                    }
                }
            }
            Ok(())
        }
    };
    match deleted {
        Ok(()) => Ok(true),
        Err(e) if is_gone(&e) => Ok(false),
        Err(e) => Err(e),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_leftover_says_what_it_is_and_how_it_goes() {
        let l = Leftover::new(
            "us-east-1",
            LeftoverKind::EbsSnapshot,
            "snap-1",
            "taken of the source volume to copy it",
        );
        assert_eq!(
            l.delete_command(),
            "aws ec2 delete-snapshot --region us-east-1 --snapshot-id snap-1"
        );
        assert!(l
            .note()
            .starts_with("left in us-east-1: EBS snapshot snap-1"));
        let json = serde_json::to_string(&l).unwrap();
        assert!(json.contains("\"kind\":\"ebs_snapshot\""), "{json}");
    }
}
