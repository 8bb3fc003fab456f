//! Archived objects (GLACIER, DEEP_ARCHIVE): CopyObject refuses them until
//! a RestoreObject has made a temporary readable copy.

use crate::cloud::error::CloudError;
use crate::cloud::Clients;
use aws_sdk_s3::types as t;

/// Days the restored copy stays readable: long enough to copy it, short
/// enough not to pay twice for long.
const RESTORED_DAYS: i32 = 2;

/// Storage classes CopyObject refuses until restored. GLACIER_IR (instant
/// retrieval) reads like STANDARD.
pub(crate) fn is_archived(storage_class: Option<&str>) -> bool {
    matches!(storage_class, Some("GLACIER" | "DEEP_ARCHIVE"))
}

/// The answer S3 gives when an object is archived (and not restored).
pub(crate) fn is_archived_error(e: &CloudError) -> bool {
    e.code()
        .is_some_and(|c| c == "ObjectNotInActiveTierError" || c == "InvalidObjectState")
}

/// Asks S3 to restore one object (or one version). A restore already
/// under way is fine.
pub(crate) async fn restore(
    source: &Clients,
    bucket: &str,
    key: &str,
    version_id: Option<&str>,
    tier: &str,
) -> Result<(), CloudError> {
    let job = t::GlacierJobParameters::builder()
        .tier(t::Tier::from(tier))
        .build()
        .map_err(|e| CloudError::Internal(e.to_string()))?;
    let asked = source
        .s3
        .restore_object()
        .bucket(bucket)
        .key(key)
        .set_version_id(version_id.map(str::to_string))
        .restore_request(
            t::RestoreRequest::builder()
                .days(RESTORED_DAYS)
                .glacier_job_parameters(job)
                .build(),
        )
        .send()
        .await;
    match asked {
        Ok(_) => Ok(()),
        Err(e) => {
            let e = CloudError::from_sdk("s3:RestoreObject", e);
            if e.code() == Some("RestoreAlreadyInProgress") {
                Ok(())
            } else {
                Err(e)
            }
        }
    }
}

/// Whether the restored copy is readable now (HeadObject's `x-amz-restore`
/// says `ongoing-request="false"`).
pub(crate) async fn is_restored(
    source: &Clients,
    bucket: &str,
    key: &str,
    version_id: Option<&str>,
) -> Result<bool, CloudError> {
    let head = source
        .s3
        .head_object()
        .bucket(bucket)
        .key(key)
        .set_version_id(version_id.map(str::to_string))
        .send()
        .await
        .map_err(crate::cloud::error::sdk("s3:HeadObject"))?;
    Ok(restore_done(head.restore()))
}

/// `ongoing-request="false", expiry-date="..."` once the restore is done.
pub(crate) fn restore_done(header: Option<&str>) -> bool {
    header.is_some_and(|h| h.replace(' ', "").contains("ongoing-request=\"false\""))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn archived_classes_and_restore_headers() {
        assert!(is_archived(Some("GLACIER")));
        assert!(is_archived(Some("DEEP_ARCHIVE")));
        assert!(!is_archived(Some("GLACIER_IR")));
        assert!(!is_archived(Some("STANDARD")));
        assert!(!is_archived(None));
        assert!(restore_done(Some(
            "ongoing-request=\"false\", expiry-date=\"Fri, 21 Dec 2012 00:00:00 GMT\""
        )));
        assert!(!restore_done(Some("ongoing-request=\"true\"")));
        assert!(!restore_done(None));
    }
}
