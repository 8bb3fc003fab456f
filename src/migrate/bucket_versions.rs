//! `--versions all`: each key's history copied oldest first (a CopyObject
//! per version, a DeleteObject per delete marker), so the copy's versions
//! come in the same order. A key whose copy already holds the first N
//! entries of its history continues from there, so a resume adds nothing
//! twice.

use super::bucket::names;
use super::bucket_archived::skipped_warning;
use super::bucket_listing::same;
use super::bucket_options::Archived;
use super::bucket_pipeline::{meanwhile, PageAhead};
use super::steps::{StepContext, StepResult};
use super::task::Transfer;
use crate::cloud::copy::archive;
use crate::cloud::copy::bucket::enable_versioning;
use crate::cloud::copy::objects;
use crate::cloud::copy::versions::{self, VersionEntry, VersionMarker};
use crate::cloud::{Clients, CloudError};
use futures::stream::{FuturesUnordered, StreamExt};
use std::collections::{BTreeMap, VecDeque};
use std::time::{Duration, Instant};

/// One key's versions and delete markers, oldest first.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct History {
    pub(crate) key: String,
    pub(crate) entries: Vec<VersionEntry>,
}

/// Oldest first. The SDK hands versions and delete markers back as two
/// lists (each newest first), and LastModified counts whole seconds: within
/// one second, older versions come first, then markers, and the entry AWS
/// marks latest last.
pub(crate) fn oldest_first(mut listed: Vec<VersionEntry>) -> Vec<VersionEntry> {
    let (mut versions, mut markers): (Vec<_>, Vec<_>) =
        listed.drain(..).partition(|e| !e.delete_marker);
    versions.reverse();
    markers.reverse();
    versions.extend(markers);
    let rank = |e: &VersionEntry| match (e.latest, e.delete_marker) {
        (true, _) => 2,
        (false, true) => 1,
        (false, false) => 0,
    };
    versions.sort_by_key(|e| (e.modified_ms, rank(e)));
    versions
}

type VersionPage = (Vec<VersionEntry>, Option<VersionMarker>);

/// A version listing walked key by key (a key's entries may span pages).
/// The next page is asked for as soon as a page comes (see `Cursor`).
struct HistoryCursor<'a> {
    clients: &'a Clients,
    bucket: &'a str,
    ready: VecDeque<History>,
    /// The page's last key: its history may go on in the next page.
    open: Option<(String, Vec<VersionEntry>)>,
    ahead: PageAhead<VersionPage>,
    started: bool,
    pages: crate::cloud::paging::Pages,
}

impl<'a> HistoryCursor<'a> {
    fn new(clients: &'a Clients, bucket: &'a str) -> Self {
        HistoryCursor {
            clients,
            bucket,
            ready: VecDeque::new(),
            open: None,
            ahead: PageAhead::new(),
            started: false,
            pages: crate::cloud::paging::Pages::new("s3:ListObjectVersions"),
        }
    }

    fn ask(&mut self, marker: Option<VersionMarker>) {
        let (clients, bucket) = (self.clients.clone(), self.bucket.to_string());
        self.ahead
            .start(async move { versions::list_page(&clients, &bucket, marker).await });
    }

    async fn next(&mut self) -> Result<Option<History>, CloudError> {
        while self.ready.is_empty() {
            if !self.started {
                self.started = true;
                self.ask(None);
            }
            let Some(fetched) = self.ahead.take().await else {
                return Ok(self.open.take().map(|(key, listed)| History {
                    key,
                    entries: oldest_first(listed),
                }));
            };
            let (entries, next) = fetched?;
            let token = next
                .as_ref()
                .map(|m| format!("{}\n{}", m.key, m.version_id.as_deref().unwrap_or("")));
            let more = self.pages.next(token)?.and(next);
            let last_page = more.is_none();
            if !last_page {
                self.ask(more);
            }
            let mut by_key: BTreeMap<String, Vec<VersionEntry>> = BTreeMap::new();
            if let Some((key, listed)) = self.open.take() {
                by_key.insert(key, listed);
            }
            for e in entries {
                by_key.entry(e.object.key.clone()).or_default().push(e);
            }
            let last = by_key.keys().next_back().cloned();
            for (key, listed) in by_key {
                if !last_page && Some(&key) == last.as_ref() {
                    self.open = Some((key, listed));
                } else {
                    self.ready.push_back(History {
                        key,
                        entries: oldest_first(listed),
                    });
                }
            }
        }
        Ok(self.ready.pop_front())
    }

    /// The history of this key, skipping smaller keys.
    async fn seek(
        &mut self,
        key: &str,
        held: &mut Option<History>,
    ) -> Result<Option<History>, CloudError> {
        loop {
            if held.is_none() {
                *held = self.next().await?;
            }
            match held {
                None => return Ok(None),
                Some(h) if h.key.as_str() < key => *held = None,
                Some(h) if h.key == key => return Ok(held.take()),
                Some(_) => return Ok(None),
            }
        }
    }
}

/// Same entry: both markers, or versions with the same bytes.
fn same_entry(a: &VersionEntry, b: &VersionEntry) -> bool {
    a.delete_marker == b.delete_marker && (a.delete_marker || same(&a.object, &b.object))
}

/// How many leading entries of `source` the copy already holds, or why
/// the copy's history is not a beginning of the source's.
pub(crate) fn already_copied(
    source: &[VersionEntry],
    copy: &[VersionEntry],
) -> Result<usize, String> {
    if copy.len() > source.len() {
        return Err(format!(
            "the copy holds {} versions, the source {}",
            copy.len(),
            source.len()
        ));
    }
    match source.iter().zip(copy).position(|(s, c)| !same_entry(s, c)) {
        Some(at) => Err(format!("version {} differs from the source's", at + 1)),
        None => Ok(copy.len()),
    }
}

fn wanted(h: History, archived: Archived, skipped: &mut Vec<String>) -> History {
    if archived == Archived::Restore {
        return h;
    }
    let entries = h
        .entries
        .into_iter()
        .filter(|e| {
            let cold = archive::is_archived(e.object.storage_class.as_deref());
            if cold {
                skipped.push(format!(
                    "{}@{}",
                    e.object.key,
                    e.object.version_id.as_deref().unwrap_or("null")
                ));
            }
            !cold
        })
        .collect();
    History { entries, ..h }
}

/// Copies the entries after `from_index`, in order: a version at a time.
async fn copy_rest(
    ctx: &StepContext<'_>,
    source_history: &History,
    from_index: usize,
) -> Result<(), CloudError> {
    let (from, to) = names(ctx)?;
    let (source, target) = (&ctx.regions.source, &ctx.regions.target);
    let tuning = ctx.spec.options.s3;
    let tier = ctx.spec.options.bucket.restore_tier.as_str();
    for e in &source_history.entries[from_index..] {
        if e.delete_marker {
            versions::put_delete_marker(target, to, &e.object.key).await?;
            continue;
        }
        if archive::is_archived(e.object.storage_class.as_deref()) {
            // --archived restore: later versions wait for this one.
            let version = e.object.version_id.as_deref();
            archive::restore(source, from, &e.object.key, version, tier).await?;
            let mut delay = Duration::from_secs(2);
            while !archive::is_restored(source, from, &e.object.key, version).await? {
                tokio::time::sleep(delay).await;
                delay = (delay * 2).min(Duration::from_secs(300));
            }
        }
        if e.object.size > tuning.multipart_threshold {
            objects::multipart_copy(
                source,
                target,
                from,
                to,
                &e.object,
                tuning.part_size,
                tuning.part_concurrency,
            )
            .await?;
        } else {
            objects::copy_object(target, from, to, &e.object).await?;
        }
    }
    Ok(())
}

pub(crate) async fn copy_versions(ctx: &StepContext<'_>) -> Result<StepResult, CloudError> {
    let (from, to) = names(ctx)?;
    let (source, target) = (&ctx.regions.source, &ctx.regions.target);
    let archived = ctx.spec.options.bucket.archived;
    // Without versioning on, each copy would replace the last.
    enable_versioning(target, to).await?;
    if ctx.started_before {
        objects::abort_open_uploads(target, to).await?;
    }
    let started = Instant::now();
    let mut t = Transfer::default();
    let mut listing = HistoryCursor::new(source, from);
    let mut existing = HistoryCursor::new(target, to);
    let mut held = None;
    let mut skipped = Vec::new();
    let mut failures = Vec::new();
    let mut in_flight = FuturesUnordered::new();
    let concurrency = ctx.spec.options.s3.concurrency.max(1);
    let mut interrupted = false;
    let mut last_report = Instant::now();
    // Copies that ended while a listing page was awaited, not counted yet.
    let mut ended = Vec::new();
    loop {
        if !interrupted && (ctx.pause_requested)() {
            // What is in flight ends first: no version is half copied.
            interrupted = true;
        }
        if !interrupted && !t.listing_done && in_flight.len() < concurrency {
            let Some(h) = meanwhile(listing.next(), &mut in_flight, &mut ended).await? else {
                t.listing_done = true;
                continue;
            };
            let h = wanted(h, archived, &mut skipped);
            let size: u64 = h.entries.iter().map(|e| e.object.size).sum();
            t.objects_listed += h.entries.len() as u64;
            t.bytes_listed += size;
            let copy = meanwhile(existing.seek(&h.key, &mut held), &mut in_flight, &mut ended)
                .await?
                .map(|c| c.entries)
                .unwrap_or_default();
            match already_copied(&h.entries, &copy) {
                Ok(n) if n == h.entries.len() => {
                    t.objects_done += n as u64;
                    t.objects_skipped += n as u64;
                    t.bytes_done += size;
                }
                Ok(n) => {
                    t.objects_done += n as u64;
                    t.objects_skipped += n as u64;
                    in_flight.push(async move {
                        let copied = copy_rest(ctx, &h, n).await;
                        (h, n, size, copied)
                    })
                }
                Err(why) => failures.push(format!("{}: {why}", h.key)),
            }
        } else if let Some(done) = in_flight.next().await {
            ended.push(done);
        }
        for (h, n, size, copied) in ended.drain(..) {
            match copied {
                Ok(()) => {
                    t.objects_done += (h.entries.len() - n) as u64;
                    t.bytes_done += size;
                }
                Err(e) => failures.push(format!("{}: {e}", h.key)),
            }
        }
        if (t.listing_done || interrupted) && in_flight.is_empty() {
            break;
        }
        if last_report.elapsed() > Duration::from_millis(250) {
            t.elapsed_ms = started.elapsed().as_millis() as u64;
            (ctx.transfer)(t);
            last_report = Instant::now();
        }
    }
    t.elapsed_ms = started.elapsed().as_millis() as u64;
    (ctx.transfer)(t);
    if !failures.is_empty() {
        return Err(CloudError::Refused(format!(
            "{} key(s) failed (retry copies only what is missing), first: {}",
            failures.len(),
            failures[..failures.len().min(3)].join("; ")
        )));
    }
    let mut result = StepResult {
        interrupted,
        ..Default::default()
    };
    if interrupted {
        return Ok(result);
    }
    if !skipped.is_empty() {
        result.warnings.push(skipped_warning(&skipped));
        result.outputs.insert(
            super::bucket_archived::ARCHIVED_KEYS.into(),
            serde_json::to_string(&skipped).unwrap_or_default(),
        );
    }
    result
        .outputs
        .insert("versions".into(), t.objects_listed.to_string());
    result
        .outputs
        .insert("skipped".into(), t.objects_skipped.to_string());
    Ok(result)
}

/// Per key: the same number of versions and delete markers, the versions'
/// ETags in the same order, and the same kind of latest entry.
pub(crate) fn compare(source: &History, copy: Option<&History>) -> Option<String> {
    let empty = Vec::new();
    let copy = copy.map(|c| &c.entries).unwrap_or(&empty);
    let count =
        |h: &[VersionEntry], marker: bool| h.iter().filter(|e| e.delete_marker == marker).count();
    let (sv, sm) = (count(&source.entries, false), count(&source.entries, true));
    let (cv, cm) = (count(copy, false), count(copy, true));
    if (sv, sm) != (cv, cm) {
        return Some(format!(
            "{}: {sv} versions and {sm} delete markers in the source, {cv} and {cm} in the copy",
            source.key
        ));
    }
    let versions = |h: &[VersionEntry]| -> Vec<VersionEntry> {
        h.iter().filter(|e| !e.delete_marker).cloned().collect()
    };
    let differs = versions(&source.entries)
        .iter()
        .zip(versions(copy).iter())
        .position(|(s, c)| !same(&s.object, &c.object));
    if let Some(at) = differs {
        return Some(format!(
            "{}: version {} has another ETag or size in the copy",
            source.key,
            at + 1
        ));
    }
    let latest_marker = |h: &[VersionEntry]| h.last().is_some_and(|e| e.delete_marker);
    if latest_marker(&source.entries) != latest_marker(copy) {
        return Some(format!(
            "{}: the latest entry is a delete marker on one side only",
            source.key
        ));
    }
    None
}

pub(crate) async fn verify_versions(ctx: &StepContext<'_>) -> Result<StepResult, CloudError> {
    let (from, to) = names(ctx)?;
    let archived = ctx.spec.options.bucket.archived;
    let mut source = HistoryCursor::new(&ctx.regions.source, from);
    let mut target = HistoryCursor::new(&ctx.regions.target, to);
    let mut held = None;
    let (mut keys, mut entries, mut differences) = (0u64, 0u64, Vec::new());
    let mut ignored = Vec::new();
    while let Some(h) = source.next().await? {
        let h = wanted(h, archived, &mut ignored);
        keys += 1;
        entries += h.entries.len() as u64;
        let copy = target.seek(&h.key, &mut held).await?;
        if h.entries.is_empty() && copy.is_none() {
            continue;
        }
        if let Some(d) = compare(&h, copy.as_ref()) {
            differences.push(d);
        }
    }
    // Keys only in the copy.
    let mut extra = 0;
    if held.is_some() {
        extra += 1;
    }
    while target.next().await?.is_some() {
        extra += 1;
    }
    if extra > 0 {
        differences.push(format!("{extra} key(s) are only in the copy"));
    }
    if !differences.is_empty() {
        return Err(CloudError::Refused(format!(
            "verification found {} differences in the version histories of {from} and {to}, first: {}",
            differences.len(),
            differences[..differences.len().min(3)].join("; ")
        )));
    }
    Ok(StepResult {
        notes: vec![format!(
            "verified: {keys} keys, {entries} versions and delete markers, the same in {to}"
        )],
        ..Default::default()
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cloud::copy::objects::ObjectEntry;

    fn entry(etag: &str, marker: bool, latest: bool, secs: i64) -> VersionEntry {
        VersionEntry {
            object: ObjectEntry {
                key: "k".into(),
                size: if marker { 0 } else { 1 },
                etag: etag.into(),
                storage_class: None,
                version_id: Some(etag.into()),
            },
            delete_marker: marker,
            latest,
            modified_ms: secs * 1000,
        }
    }

    fn etags(h: &[VersionEntry]) -> Vec<&str> {
        h.iter()
            .map(|e| {
                if e.delete_marker {
                    "DM"
                } else {
                    e.object.etag.as_str()
                }
            })
            .collect()
    }

    #[test]
    fn history_is_oldest_first_with_markers_in_place() {
        // As listed: versions newest first, then markers.
        let listed = vec![
            entry("v4", false, true, 5),
            entry("v3", false, false, 3),
            entry("v2", false, false, 2),
            entry("v1", false, false, 1),
            entry("", true, false, 4),
        ];
        assert_eq!(etags(&oldest_first(listed)), ["v1", "v2", "v3", "DM", "v4"]);
        // All within one second: the latest goes last, markers before it.
        let same_second = vec![
            entry("v4", false, true, 1),
            entry("v3", false, false, 1),
            entry("v2", false, false, 1),
            entry("v1", false, false, 1),
            entry("", true, false, 1),
        ];
        assert_eq!(
            etags(&oldest_first(same_second)),
            ["v1", "v2", "v3", "DM", "v4"]
        );
        let deleted_last = vec![entry("v1", false, false, 1), entry("", true, true, 1)];
        assert_eq!(etags(&oldest_first(deleted_last)), ["v1", "DM"]);
    }

    #[test]
    fn a_copy_continues_only_from_a_matching_beginning() {
        let source = vec![
            entry("v1", false, false, 1),
            entry("", true, false, 2),
            entry("v2", false, true, 3),
        ];
        assert_eq!(already_copied(&source, &[]), Ok(0));
        assert_eq!(already_copied(&source, &source[..2]), Ok(2));
        assert_eq!(already_copied(&source, &source), Ok(3));
        let wrong = vec![entry("v9", false, false, 1)];
        assert!(already_copied(&source, &wrong).is_err());
        let h = |entries: Vec<VersionEntry>| History {
            key: "k".into(),
            entries,
        };
        assert_eq!(compare(&h(source.clone()), Some(&h(source.clone()))), None);
        assert!(compare(&h(source.clone()), Some(&h(source[..2].to_vec()))).is_some());
        assert!(compare(&h(source.clone()), None).is_some());
    }
}
