//! Archived objects met by a bucket copy: left out and named (`--archived
//! skip`), or restored, waited for and copied in their storage class
//! (`--archived restore`).

use super::bucket_options::{Archived, BucketOptions};
use super::steps::StepResult;
use crate::cloud::copy::archive;
use crate::cloud::copy::objects::ObjectEntry;
use crate::cloud::{Clients, CloudError};
use std::collections::HashSet;
use std::future::Future;
use std::time::Duration;

/// Output of the object step: every archived key left out, as a JSON list
/// (the report prints them all; the task shows the first few).
pub(crate) const ARCHIVED_KEYS: &str = "archived_keys";
/// Keys the warning names; the rest are in the report.
const NAMED_IN_TASK: usize = 20;

pub(crate) struct ArchivedObjects {
    mode: Archived,
    tier: &'static str,
    /// Left out (skip).
    pub(crate) skipped: Vec<String>,
    /// Restore asked, not copied yet (restore).
    pub(crate) waiting: Vec<ObjectEntry>,
}

impl ArchivedObjects {
    pub(crate) fn new(options: &BucketOptions) -> Self {
        ArchivedObjects {
            mode: options.archived,
            tier: options.restore_tier.as_str(),
            skipped: Vec::new(),
            waiting: Vec::new(),
        }
    }

    /// An archived object the listing showed, or CopyObject refused.
    pub(crate) async fn take(
        &mut self,
        source: &Clients,
        bucket: &str,
        object: ObjectEntry,
    ) -> Result<(), CloudError> {
        match self.mode {
            Archived::Skip => self.skipped.push(object.key),
            Archived::Restore => {
                archive::restore(source, bucket, &object.key, None, self.tier).await?;
                self.waiting.push(object);
            }
        }
        Ok(())
    }

    /// The warning and the full list, when anything was left out.
    pub(crate) fn report(&self, result: &mut StepResult) {
        if self.skipped.is_empty() {
            return;
        }
        result.warnings.push(skipped_warning(&self.skipped));
        result.outputs.insert(
            ARCHIVED_KEYS.into(),
            serde_json::to_string(&self.skipped).unwrap_or_default(),
        );
    }
}

pub(crate) fn skipped_warning(keys: &[String]) -> String {
    let named: Vec<&str> = keys
        .iter()
        .take(NAMED_IN_TASK)
        .map(String::as_str)
        .collect();
    let rest = if keys.len() > NAMED_IN_TASK {
        format!(" (first {NAMED_IN_TASK}; all in the report)")
    } else {
        String::new()
    };
    format!(
        "{} archived object(s) (GLACIER or DEEP_ARCHIVE) not copied: {}{rest}; copy them with --archived restore (RestoreObject, billed per GB), or restore them in the source and retry",
        keys.len(),
        named.join(", ")
    )
}

/// The keys an earlier object step left out, for the verification.
pub(crate) fn left_out(outputs: &std::collections::BTreeMap<String, String>) -> HashSet<String> {
    outputs
        .get(ARCHIVED_KEYS)
        .and_then(|list| serde_json::from_str::<Vec<String>>(list).ok())
        .unwrap_or_default()
        .into_iter()
        .collect()
}

/// How a wait for restores ended.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Restored {
    AllCopied,
    /// The operator paused: the step runs again on resume (the restores
    /// asked go on in AWS; asking again is harmless).
    Paused,
}

/// Polls each waiting object until its restore is readable, copies it,
/// and tells `waiting` how many are left. Restores take minutes
/// (Expedited) to hours (Bulk, DEEP_ARCHIVE): polls start at 2 s and
/// back off to 5 minutes.
pub(crate) async fn copy_when_restored<C, CFut, S, SFut>(
    source: &Clients,
    bucket: &str,
    mut pending: Vec<ObjectEntry>,
    copy: C,
    waiting: &(dyn Fn(u64) + Send + Sync),
    pause_requested: &(dyn Fn() -> bool + Send + Sync),
    mut sleep: S,
) -> Result<Restored, CloudError>
where
    C: Fn(ObjectEntry) -> CFut,
    CFut: Future<Output = Result<(), CloudError>>,
    S: FnMut(Duration) -> SFut,
    SFut: Future<Output = ()>,
{
    let mut delay = Duration::from_secs(2);
    loop {
        let mut still = Vec::new();
        for object in pending {
            if archive::is_restored(source, bucket, &object.key, None).await? {
                copy(object).await?;
            } else {
                still.push(object);
            }
        }
        pending = still;
        waiting(pending.len() as u64);
        if pending.is_empty() {
            return Ok(Restored::AllCopied);
        }
        if pause_requested() {
            return Ok(Restored::Paused);
        }
        sleep(delay).await;
        delay = (delay * 2).min(Duration::from_secs(300));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_warning_counts_all_and_names_the_first_twenty() {
        let keys: Vec<String> = (0..25).map(|n| format!("cold/{n:02}")).collect();
        let w = skipped_warning(&keys);
        assert!(w.starts_with("25 archived object(s)"), "{w}");
        assert!(w.contains("cold/19") && !w.contains("cold/20"), "{w}");
        assert!(w.contains("all in the report") && w.contains("--archived restore"));
        let one = skipped_warning(&keys[..1]);
        assert!(!one.contains("first 20"), "{one}");
        let mut result = StepResult::default();
        let a = ArchivedObjects {
            skipped: keys.clone(),
            ..ArchivedObjects::new(&BucketOptions::default())
        };
        a.report(&mut result);
        assert_eq!(left_out(&result.outputs).len(), 25);
    }
}
