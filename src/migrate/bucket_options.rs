//! What a bucket migration carries beyond the current objects: old
//! versions, archived objects, deletions on a resync, ongoing replication.

use serde::{Deserialize, Serialize};

/// `--versions`: the current objects only, or every version in order.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Versions {
    #[default]
    Current,
    /// Every version oldest first, and the delete markers.
    All,
}

/// `--archived`: what happens to GLACIER / DEEP_ARCHIVE objects, which
/// cannot be copied before they are restored.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Archived {
    /// Left out, each named in the task's warnings.
    #[default]
    Skip,
    /// Restored (RestoreObject), then copied in the same storage class.
    Restore,
}

/// RestoreObject's retrieval tier: Expedited costs most, Bulk least (and
/// takes hours; DEEP_ARCHIVE has no Expedited).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RestoreTier {
    Expedited,
    #[default]
    Standard,
    Bulk,
}

impl RestoreTier {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            RestoreTier::Expedited => "Expedited",
            RestoreTier::Standard => "Standard",
            RestoreTier::Bulk => "Bulk",
        }
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct BucketOptions {
    #[serde(default)]
    pub versions: Versions,
    #[serde(default)]
    pub archived: Archived,
    #[serde(default)]
    pub restore_tier: RestoreTier,
    /// A resync removes from the copy what the source no longer has.
    #[serde(default)]
    pub delete: bool,
    /// Set up S3 Replication after the copy, with this IAM role.
    #[serde(default)]
    pub replicate_role: Option<String>,
    /// Hand the object copy to S3 Batch Operations.
    #[serde(default)]
    pub batch: Option<BatchOptions>,
}

/// `--batch-manifest-bucket` (and `--inventory-manifest`) with `--role-arn`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct BatchOptions {
    /// Where cutover writes the manifest, and the job its report.
    pub(crate) manifest_bucket: String,
    /// An S3 Inventory report's manifest.json (`s3://bucket/key`) instead
    /// of a manifest cutover lists and writes.
    #[serde(default)]
    pub(crate) inventory_manifest: Option<String>,
    /// The role S3 Batch Operations assumes.
    pub(crate) role_arn: String,
}

impl BucketOptions {
    /// Why these options cannot go together, said for the operator.
    pub(crate) fn refusal(&self) -> Option<&'static str> {
        if self.batch.is_some() && self.versions == Versions::All {
            return Some("S3 Batch Operations copies current objects: give --versions current with --batch-manifest-bucket");
        }
        if self.delete && self.versions == Versions::All {
            return Some("--delete works with --versions current: with all versions, the copy keeps the history of deleted keys as the source does (delete markers)");
        }
        None
    }
}

impl std::str::FromStr for Versions {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "current" => Ok(Versions::Current),
            "all" => Ok(Versions::All),
            other => Err(format!("--versions {other}: say all or current")),
        }
    }
}

impl std::str::FromStr for Archived {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "skip" => Ok(Archived::Skip),
            "restore" => Ok(Archived::Restore),
            other => Err(format!("--archived {other}: say skip or restore")),
        }
    }
}

impl std::str::FromStr for RestoreTier {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s.to_ascii_lowercase().as_str() {
            "expedited" => Ok(RestoreTier::Expedited),
            "standard" => Ok(RestoreTier::Standard),
            "bulk" => Ok(RestoreTier::Bulk),
            other => Err(format!(
                "--restore-tier {other}: say expedited, standard or bulk"
            )),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_parse_and_bad_ones_say_the_choices() {
        assert_eq!("all".parse::<Versions>(), Ok(Versions::All));
        assert_eq!("restore".parse::<Archived>(), Ok(Archived::Restore));
        assert_eq!("Bulk".parse::<RestoreTier>(), Ok(RestoreTier::Bulk));
        assert!("some"
            .parse::<Versions>()
            .unwrap_err()
            .contains("all or current"));
        let both = BucketOptions {
            delete: true,
            versions: Versions::All,
            ..Default::default()
        };
        assert!(both.refusal().is_some());
        assert_eq!(BucketOptions::default().refusal(), None);
    }

    #[test]
    fn old_journals_without_the_options_read_as_the_defaults() {
        let o: BucketOptions = serde_json::from_str("{}").unwrap();
        assert_eq!(o, BucketOptions::default());
    }
}
