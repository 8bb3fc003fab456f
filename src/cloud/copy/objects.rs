//! S3 objects, server side: the bytes never pass through this machine.
//! CopyObject up to a threshold, multipart UploadPartCopy in parallel parts
//! above it.

use crate::cloud::ec2::owned;
use crate::cloud::error::{sdk, CloudError};
use crate::cloud::Clients;
use aws_sdk_s3::types as t;
use futures::stream::{self, StreamExt, TryStreamExt};
use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};

/// One object of a listing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ObjectEntry {
    pub key: String,
    pub size: u64,
    pub etag: String,
    pub storage_class: Option<String>,
    /// One version of the key (a copy of all versions); None: the current.
    pub version_id: Option<String>,
}

impl ObjectEntry {
    /// A multipart ETag ("...-N") depends on the part size, so two equal
    /// objects copied with other part sizes have other ETags.
    pub fn is_multipart(&self) -> bool {
        self.etag.trim_matches('"').contains('-')
    }
}

/// One page of a bucket's listing (keys in UTF-8 binary order). Paged by
/// hand, not with the SDK's paginator: the copy starts on each page as it
/// arrives and shows `N listed…` while the listing goes on.
pub async fn list_page(
    c: &Clients,
    bucket: &str,
    token: Option<String>,
) -> Result<(Vec<ObjectEntry>, Option<String>), CloudError> {
    let page =
        c.s3.list_objects_v2()
            .bucket(bucket)
            .set_continuation_token(token)
            // Keys may hold control characters, which XML 1.0 cannot carry:
            // have them URL-encoded in the answer, and decode them here.
            .encoding_type(t::EncodingType::Url)
            .send()
            .await
            .map_err(sdk("s3:ListObjectsV2"))?;
    let entries = page
        .contents()
        .iter()
        .map(|o| ObjectEntry {
            key: url_decode(o.key().unwrap_or_default()),
            size: o.size().unwrap_or_default().max(0) as u64,
            etag: o.e_tag().unwrap_or_default().to_string(),
            storage_class: o.storage_class().map(|s| s.as_str().to_string()),
            version_id: None,
        })
        .collect();
    let next = if page.is_truncated().unwrap_or(false) {
        owned(page.next_continuation_token())
    } else {
        None
    };
    Ok((entries, next))
}

/// "bucket/key" with the key percent-encoded, as x-amz-copy-source wants.
pub(crate) fn copy_source(bucket: &str, key: &str) -> String {
    format!("{bucket}/{}", utf8_percent_encode(key, KEY_PATH))
}

/// The copy source of an object or of one of its versions.
fn source_of(bucket: &str, object: &ObjectEntry) -> String {
    match &object.version_id {
        Some(v) => format!(
            "{}?versionId={}",
            copy_source(bucket, &object.key),
            copy_source("", v).trim_start_matches('/')
        ),
        None => copy_source(bucket, &object.key),
    }
}

/// One request: metadata, content headers and tags come along (COPY
/// directives); the storage class is set again, as CopyObject would reset it.
pub(crate) async fn copy_object(
    target: &Clients,
    from: &str,
    to: &str,
    object: &ObjectEntry,
) -> Result<(), CloudError> {
    target
        .s3
        .copy_object()
        .copy_source(source_of(from, object))
        .bucket(to)
        .key(&object.key)
        .metadata_directive(t::MetadataDirective::Copy)
        .tagging_directive(t::TaggingDirective::Copy)
        .set_storage_class(object.storage_class.as_deref().map(t::StorageClass::from))
        .send()
        .await
        .map_err(sdk("s3:CopyObject"))?;
    Ok(())
}

/// Parts of `part_size` copied `parallel` at a time. Metadata and tags are
/// read from the source (multipart uploads do not copy them), and a failed
/// upload is aborted so no parts are left to pay for.
pub(crate) async fn multipart_copy(
    source: &Clients,
    target: &Clients,
    from: &str,
    to: &str,
    object: &ObjectEntry,
    part_size: u64,
    parallel: usize,
) -> Result<(), CloudError> {
    let head = source
        .s3
        .head_object()
        .bucket(from)
        .key(&object.key)
        .set_version_id(object.version_id.clone())
        .send()
        .await
        .map_err(sdk("s3:HeadObject"))?;
    let tags = source
        .s3
        .get_object_tagging()
        .bucket(from)
        .key(&object.key)
        .set_version_id(object.version_id.clone())
        .send()
        .await
        .map_err(sdk("s3:GetObjectTagging"))?;
    let tagging: Vec<String> = tags
        .tag_set()
        .iter()
        .map(|t| format!("{}={}", form_encode(t.key()), form_encode(t.value())))
        .collect();
    let upload = target
        .s3
        .create_multipart_upload()
        .bucket(to)
        .key(&object.key)
        .set_metadata(head.metadata().cloned())
        .set_content_type(owned(head.content_type()))
        .set_cache_control(owned(head.cache_control()))
        .set_content_disposition(owned(head.content_disposition()))
        .set_content_encoding(owned(head.content_encoding()))
        .set_content_language(owned(head.content_language()))
        .set_storage_class(object.storage_class.as_deref().map(t::StorageClass::from))
        .set_tagging((!tagging.is_empty()).then(|| tagging.join("&")))
        .send()
        .await
        .map_err(sdk("s3:CreateMultipartUpload"))?;
    let upload_id = upload.upload_id().unwrap_or_default().to_string();
    let parts = part_ranges(object.size, part_size);
    let copied: Result<Vec<t::CompletedPart>, CloudError> =
        stream::iter(parts.into_iter().enumerate())
            .map(|(n, (first, last))| {
                let upload_id = upload_id.clone();
                async move {
                    let part = (n + 1) as i32;
                    let out = target
                        .s3
                        .upload_part_copy()
                        .bucket(to)
                        .key(&object.key)
                        .upload_id(upload_id)
                        .part_number(part)
                        .copy_source(source_of(from, object))
                        .copy_source_range(format!("bytes={first}-{last}"))
                        .send()
                        .await
                        .map_err(sdk("s3:UploadPartCopy"))?;
                    let etag = out
                        .copy_part_result()
                        .and_then(|r| r.e_tag())
                        .unwrap_or_default();
                    Ok(t::CompletedPart::builder()
                        .part_number(part)
                        .e_tag(etag)
                        .build())
                }
            })
            .buffered(parallel.max(1))
            .try_collect()
            .await;
    let parts = match copied {
        Ok(p) => p,
        Err(e) => {
            abort(target, to, &object.key, &upload_id).await;
            return Err(e);
        }
    };
    let done = target
        .s3
        .complete_multipart_upload()
        .bucket(to)
        .key(&object.key)
        .upload_id(&upload_id)
        .multipart_upload(
            t::CompletedMultipartUpload::builder()
                .set_parts(Some(parts))
                .build(),
        )
        .send()
        .await;
    if let Err(e) = done {
        abort(target, to, &object.key, &upload_id).await;
        return Err(CloudError::from_sdk("s3:CompleteMultipartUpload", e));
    }
    Ok(())
}

/// Aborts every unfinished multipart upload in a bucket (one of ours: a
/// copy's target), e.g. when cutover is stopped mid-copy. Returns how many.
/// Paged by hand: the SDK has no paginator for ListMultipartUploads (its
/// page ends on two markers).
pub(crate) async fn abort_open_uploads(
    target: &Clients,
    bucket: &str,
) -> Result<usize, CloudError> {
    let mut aborted = 0;
    let mut pages = crate::cloud::paging::Pages::new("s3:ListMultipartUploads");
    let (mut key_marker, mut id_marker) = (None, None);
    loop {
        let open = target
            .s3
            .list_multipart_uploads()
            .bucket(bucket)
            .set_key_marker(key_marker.take())
            .set_upload_id_marker(id_marker.take())
            .send()
            .await
            .map_err(sdk("s3:ListMultipartUploads"))?;
        for upload in open.uploads() {
            if let (Some(key), Some(id)) = (upload.key(), upload.upload_id()) {
                abort(target, bucket, key, id).await;
                aborted += 1;
            }
        }
        let next = open
            .is_truncated()
            .unwrap_or(false)
            .then(|| {
                owned(open.next_key_marker())
                    .map(|k| format!("{k}\n{}", open.next_upload_id_marker().unwrap_or_default()))
            })
            .flatten();
        match pages.next(next)? {
            Some(token) => {
                let (k, id) = token.split_once('\n').unwrap_or((token.as_str(), ""));
                key_marker = Some(k.to_string());
                id_marker = (!id.is_empty()).then(|| id.to_string());
            }
            None => return Ok(aborted),
        }
    }
}

/// Removes keys from a bucket (at most 1,000 a call); a key already gone
/// is no error.
pub(crate) async fn delete_objects(
    target: &Clients,
    bucket: &str,
    keys: &[String],
) -> Result<(), CloudError> {
    for chunk in keys.chunks(1000) {
        let ids: Result<Vec<t::ObjectIdentifier>, _> = chunk
            .iter()
            .map(|k| t::ObjectIdentifier::builder().key(k).build())
            .collect();
        let delete = t::Delete::builder()
            .set_objects(Some(ids.map_err(|e| CloudError::Internal(e.to_string()))?))
            .quiet(true)
            .build()
            .map_err(|e| CloudError::Internal(e.to_string()))?;
        let out = target
            .s3
            .delete_objects()
            .bucket(bucket)
            .delete(delete)
            .send()
            .await
            .map_err(sdk("s3:DeleteObjects"))?;
        if let Some(e) = out.errors().first() {
            return Err(CloudError::Refused(format!(
                "s3:DeleteObjects failed for {} of {} keys, first {}: {}: {}",
                out.errors().len(),
                chunk.len(),
                e.key().unwrap_or_default(),
                e.code().unwrap_or_default(),
                e.message().unwrap_or_default()
            )));
        }
    }
    Ok(())
}

/// Parts of an unfinished upload are stored (and billed) until aborted.
async fn abort(target: &Clients, bucket: &str, key: &str, upload_id: &str) {
    let aborted = target
        .s3
        .abort_multipart_upload()
        .bucket(bucket)
        .key(key)
        .upload_id(upload_id)
        .send()
        .await;
    if let Err(e) = aborted {
        let e = CloudError::from_sdk("s3:AbortMultipartUpload", e);
        tracing::warn!(bucket, key, upload_id, error = %e, "multipart upload left behind: a lifecycle rule AbortIncompleteMultipartUpload removes it");
    }
}

/// Inclusive byte ranges of at most `part_size` covering `size` bytes.
pub(crate) fn part_ranges(size: u64, part_size: u64) -> Vec<(u64, u64)> {
    let part_size = part_size.max(1);
    (0..size.div_ceil(part_size))
        .map(|n| (n * part_size, ((n + 1) * part_size).min(size) - 1))
        .collect()
}

/// A key from a listing asked with `encoding-type=url` ('+' is a space).
pub(crate) fn url_decode(s: &str) -> String {
    let spaced = s.replace('+', " ");
    percent_encoding::percent_decode_str(&spaced)
        .decode_utf8()
        .map_or_else(|_| s.to_string(), |k| k.into_owned())
}

fn form_encode(s: &str) -> String {
    utf8_percent_encode(s, FORM_VALUE).to_string()
}

/// A key in a URL path: every byte but letters, digits and `-_.~/`
/// percent-encoded, as S3 reads a copy source or a manifest line.
pub(crate) const KEY_PATH: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'~')
    .remove(b'/');

/// A query value: as `KEY_PATH`, `/` encoded too.
const FORM_VALUE: &AsciiSet = &KEY_PATH.add(b'/');

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges_cover_every_byte_once() {
        assert_eq!(part_ranges(10, 4), vec![(0, 3), (4, 7), (8, 9)]);
        assert_eq!(part_ranges(8, 4), vec![(0, 3), (4, 7)]);
        assert_eq!(part_ranges(0, 4), vec![]);
    }

    #[test]
    fn listed_keys_are_url_decoded() {
        assert_eq!(url_decode("a+b%2Bc%0A%C3%BC%"), "a b+c\nü%");
        assert_eq!(url_decode("%e2%80%aeexe%4"), "\u{202e}exe%4");
    }

    #[test]
    fn copy_sources_are_percent_encoded() {
        assert_eq!(copy_source("b", "img/a b+c.jpg"), "b/img/a%20b%2Bc.jpg");
        assert_eq!(copy_source("b", "ü"), "b/%C3%BC");
        assert_eq!(form_encode("a=b&c"), "a%3Db%26c");
        let version = ObjectEntry {
            key: "a b".into(),
            size: 1,
            etag: String::new(),
            storage_class: None,
            version_id: Some("3/L4kq+x".into()),
        };
        assert_eq!(source_of("b", &version), "b/a%20b?versionId=3/L4kq%2Bx");
    }

    #[test]
    fn multipart_etags_are_recognised() {
        let o = |etag: &str| ObjectEntry {
            key: "k".into(),
            size: 1,
            etag: etag.into(),
            storage_class: None,
            version_id: None,
        };
        assert!(o("\"abc-3\"").is_multipart());
        assert!(!o("\"abc\"").is_multipart());
    }
}
