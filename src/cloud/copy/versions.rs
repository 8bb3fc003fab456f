//! Every version of a bucket's keys, and the delete markers between them.

use super::objects::{url_decode, ObjectEntry};
use crate::cloud::error::{sdk, CloudError};
use crate::cloud::Clients;
use aws_sdk_s3::types as t;

/// One version of a key, or a delete marker.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct VersionEntry {
    pub(crate) object: ObjectEntry,
    pub(crate) delete_marker: bool,
    pub(crate) latest: bool,
    pub(crate) modified_ms: i64,
}

/// Where the next page of a version listing starts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct VersionMarker {
    pub(crate) key: String,
    pub(crate) version_id: Option<String>,
}

/// One page: versions and delete markers, each in the listing's order
/// (keys ascending, newest first within a key). Paged by hand: the SDK has
/// no paginator for ListObjectVersions, and the copy starts on each page.
pub(crate) async fn list_page(
    c: &Clients,
    bucket: &str,
    marker: Option<VersionMarker>,
) -> Result<(Vec<VersionEntry>, Option<VersionMarker>), CloudError> {
    let (key_marker, version_marker) = match marker {
        Some(m) => (Some(m.key), m.version_id),
        None => (None, None),
    };
    let page =
        c.s3.list_object_versions()
            .bucket(bucket)
            .set_key_marker(key_marker)
            .set_version_id_marker(version_marker)
            .encoding_type(t::EncodingType::Url)
            .send()
            .await
            .map_err(sdk("s3:ListObjectVersions"))?;
    let ms = |d: Option<&aws_smithy_types::DateTime>| {
        d.and_then(|d| d.to_millis().ok()).unwrap_or_default()
    };
    let mut entries: Vec<VersionEntry> = page
        .versions()
        .iter()
        .map(|v| VersionEntry {
            object: ObjectEntry {
                key: url_decode(v.key().unwrap_or_default()),
                size: v.size().unwrap_or_default().max(0) as u64,
                etag: v.e_tag().unwrap_or_default().to_string(),
                storage_class: v.storage_class().map(|s| s.as_str().to_string()),
                version_id: v.version_id().map(str::to_string),
            },
            delete_marker: false,
            latest: v.is_latest().unwrap_or(false),
            modified_ms: ms(v.last_modified()),
        })
        .collect();
    entries.extend(page.delete_markers().iter().map(|d| VersionEntry {
        object: ObjectEntry {
            key: url_decode(d.key().unwrap_or_default()),
            size: 0,
            etag: String::new(),
            storage_class: None,
            version_id: d.version_id().map(str::to_string),
        },
        delete_marker: true,
        latest: d.is_latest().unwrap_or(false),
        modified_ms: ms(d.last_modified()),
    }));
    let next = if page.is_truncated().unwrap_or(false) {
        page.next_key_marker().map(|k| VersionMarker {
            // Asked URL-encoded, the marker comes back encoded too.
            key: url_decode(k),
            version_id: page.next_version_id_marker().map(str::to_string),
        })
    } else {
        None
    };
    Ok((entries, next))
}

/// A delete marker on a key of a versioned bucket: a DeleteObject without
/// a version id.
pub(crate) async fn put_delete_marker(
    c: &Clients,
    bucket: &str,
    key: &str,
) -> Result<(), CloudError> {
    c.s3.delete_object()
        .bucket(bucket)
        .key(key)
        .send()
        .await
        .map_err(sdk("s3:DeleteObject"))?;
    Ok(())
}
