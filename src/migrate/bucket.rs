//! Bucket migration steps. Objects are listed while they are copied, and the
//! target's listing is walked beside the source's (both come in key order),
//! so "already there" costs no extra request and memory stays at a page.

use super::steps::{StepContext, StepResult};
use super::task::Transfer;
use crate::cloud::copy::bucket::{self, NameState};
use crate::cloud::copy::copy_tags;
use crate::cloud::copy::objects::{self, ObjectEntry};
use crate::cloud::{Clients, CloudError};
use crate::model::check_bucket_name;
use futures::stream::{FuturesUnordered, StreamExt};
use std::collections::VecDeque;
use std::time::{Duration, Instant};

fn names<'a>(ctx: &'a StepContext<'_>) -> Result<(&'a str, &'a str), CloudError> {
    let to = ctx
        .spec
        .options
        .target_bucket
        .as_deref()
        .ok_or_else(|| CloudError::Setup("internal: no target bucket name".into()))?;
    Ok((&ctx.spec.source_ids[0], to))
}

pub async fn create_bucket(ctx: &StepContext<'_>) -> Result<StepResult, CloudError> {
    let (from, to) = names(ctx)?;
    check_bucket_name(to)
        .map_err(|e| CloudError::Setup(format!("{e}; choose another target name")))?;
    if from == to {
        return Err(CloudError::Setup(format!(
            "the copy of {from} needs another name: bucket names are global"
        )));
    }
    let mut result = StepResult::default();
    match bucket::name_state(&ctx.regions.target, to).await? {
        NameState::Free => match bucket::create_bucket(&ctx.regions.target, to).await {
            Ok(()) => {}
            // The name was free a moment ago: "already ours" is our own
            // CreateBucket whose first answer was lost.
            Err(e) if e.code() == Some("BucketAlreadyOwnedByYou") => {}
            Err(e) => return Err(e),
        },
        NameState::Ours(tags) if bucket::is_copy_of(&tags, from) => result.notes.push(format!("{to} exists from an earlier run: objects already there are skipped")),
        // Made by this step's earlier run, which stopped before tagging it.
        NameState::Ours(tags)
            if ctx.started_before
                && !tags.contains_key(crate::model::resource::SOURCE_ID_TAG) =>
        {
            result.notes.push(format!(
                "{to} was made by an earlier run of this task that stopped before tagging it: taken up"
            ))
        }
        NameState::Ours(_) => {
            return Err(CloudError::Setup(format!("a bucket named {to} already exists in this account and is not a copy of {from}: choose another target name")))
        }
        NameState::Taken => return Err(CloudError::Setup(format!("the bucket name {to} is taken (by another account or in another region): choose another target name"))),
    }
    // Tagged at once, so a re-run recognises its own bucket.
    let tags = [(
        crate::model::resource::SOURCE_ID_TAG.to_string(),
        from.to_string(),
    )]
    .into();
    bucket::put_tags(&ctx.regions.target, to, &tags).await?;
    result
        .outputs
        .insert(format!("target:{from}"), to.to_string());
    Ok(result)
}

pub async fn carry_settings(ctx: &StepContext<'_>) -> Result<StepResult, CloudError> {
    let (from, to) = names(ctx)?;
    let notes = bucket::carry_settings(
        &ctx.regions.source,
        &ctx.regions.target,
        from,
        to,
        &copy_tags(from, &ctx.spec.id),
    )
    .await?;
    Ok(StepResult {
        notes,
        ..Default::default()
    })
}

/// A listing read page by page, for walking in key order.
struct Cursor<'a> {
    clients: &'a Clients,
    bucket: &'a str,
    page: VecDeque<ObjectEntry>,
    token: Option<String>,
    started: bool,
    pages: crate::cloud::paging::Pages,
}

impl<'a> Cursor<'a> {
    fn new(clients: &'a Clients, bucket: &'a str) -> Self {
        Cursor {
            clients,
            bucket,
            page: VecDeque::new(),
            token: None,
            started: false,
            pages: crate::cloud::paging::Pages::new("s3:ListObjectsV2"),
        }
    }

    async fn next(&mut self) -> Result<Option<ObjectEntry>, CloudError> {
        while self.page.is_empty() {
            if self.started && self.token.is_none() {
                return Ok(None);
            }
            let (entries, next) =
                objects::list_page(self.clients, self.bucket, self.token.take()).await?;
            self.started = true;
            self.token = self.pages.next(next)?;
            self.page.extend(entries);
        }
        Ok(self.page.pop_front())
    }

    /// The entry with this key, skipping smaller keys (both listings ascend).
    async fn seek(&mut self, key: &str) -> Result<Option<ObjectEntry>, CloudError> {
        loop {
            let Some(front) = self.peek().await? else {
                return Ok(None);
            };
            if front.key.as_str() < key {
                self.page.pop_front();
                continue;
            }
            return Ok((front.key == key).then(|| front.clone()));
        }
    }

    async fn peek(&mut self) -> Result<Option<&ObjectEntry>, CloudError> {
        if self.page.is_empty() {
            match self.next().await? {
                Some(e) => self.page.push_front(e),
                None => return Ok(None),
            }
        }
        Ok(self.page.front())
    }
}

/// Same object: same size, and the same ETag unless either was uploaded in
/// parts (its ETag then depends on the part size).
fn same(a: &ObjectEntry, b: &ObjectEntry) -> bool {
    a.size == b.size && (a.etag == b.etag || a.is_multipart() || b.is_multipart())
}

/// Counts one copy that ended.
fn settle(
    t: &mut Transfer,
    failures: &mut Vec<String>,
    object: ObjectEntry,
    copied: Result<(), CloudError>,
) {
    match copied {
        Ok(()) => {
            t.objects_done += 1;
            t.bytes_done += object.size;
        }
        Err(e) => failures.push(format!("{}: {e}", object.key)),
    }
}

/// Awaits `work` (a listing page) while the copies in flight go on ending:
/// without this, every page fetched stalls them all for a round trip.
async fn meanwhile<T, S>(
    work: impl std::future::Future<Output = T>,
    in_flight: &mut S,
    t: &mut Transfer,
    failures: &mut Vec<String>,
) -> T
where
    S: futures::Stream<Item = (ObjectEntry, Result<(), CloudError>)> + Unpin,
{
    let mut work = std::pin::pin!(work);
    loop {
        tokio::select! {
            biased;
            out = &mut work => return out,
            Some((object, copied)) = in_flight.next() => settle(t, failures, object, copied),
        }
    }
}

pub async fn copy_objects(ctx: &StepContext<'_>) -> Result<StepResult, CloudError> {
    let (from, to) = names(ctx)?;
    let (source, target) = (&ctx.regions.source, &ctx.regions.target);
    let tuning = ctx.spec.options.s3;
    // A run of this step that was killed (kill -9, power loss) may have
    // left multipart uploads open in the copy, billed until aborted. The
    // bucket is this task's own copy and the journal lock keeps other
    // writers out, so every open upload in it is ours to abort.
    let mut resumed_notes = Vec::new();
    if ctx.started_before {
        let aborted = objects::abort_open_uploads(target, to).await?;
        if aborted > 0 {
            resumed_notes.push(format!(
                "aborted {aborted} multipart upload(s) an interrupted run left open in {to}"
            ));
        }
    }
    let started = Instant::now();
    let mut t = Transfer::default();
    let mut last_report = Instant::now();
    let mut listing = Cursor::new(source, from);
    let mut existing = Cursor::new(target, to);
    let mut in_flight = FuturesUnordered::new();
    let mut failures: Vec<String> = Vec::new();
    let mut interrupted = false;
    loop {
        // A pause stops between batches: what is in flight ends first, so
        // no multipart upload is left open.
        if !t.listing_done && (ctx.pause_requested)() {
            while let Some((object, copied)) = in_flight.next().await {
                settle(&mut t, &mut failures, object, copied);
            }
            interrupted = true;
            break;
        }
        let next = if in_flight.len() >= tuning.concurrency.max(1) {
            None
        } else {
            Some(meanwhile(listing.next(), &mut in_flight, &mut t, &mut failures).await?)
        };
        match next {
            Some(Some(object)) => {
                t.objects_listed += 1;
                t.bytes_listed += object.size;
                if meanwhile(
                    existing.seek(&object.key),
                    &mut in_flight,
                    &mut t,
                    &mut failures,
                )
                .await?
                .is_some_and(|there| same(&object, &there))
                {
                    t.objects_done += 1;
                    t.objects_skipped += 1;
                    t.bytes_done += object.size;
                    continue;
                }
                in_flight.push(async move {
                    let copied = if object.size > tuning.multipart_threshold {
                        objects::multipart_copy(
                            source,
                            target,
                            from,
                            to,
                            &object,
                            tuning.part_size,
                            tuning.part_concurrency,
                        )
                        .await
                    } else {
                        objects::copy_object(target, from, to, &object).await
                    };
                    (object, copied)
                });
            }
            Some(None) => {
                t.listing_done = true;
                if in_flight.is_empty() {
                    break;
                }
            }
            None => {}
        }
        // Wait for a copy when the window is full, or the listing has ended.
        if in_flight.len() >= tuning.concurrency.max(1) || (t.listing_done && !in_flight.is_empty())
        {
            if let Some((object, copied)) = in_flight.next().await {
                settle(&mut t, &mut failures, object, copied);
            }
            if t.listing_done && in_flight.is_empty() {
                break;
            }
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
        return Err(CloudError::Setup(format!(
            "{} of {} objects failed (retry copies only what is missing), first: {}",
            failures.len(),
            t.objects_listed,
            failures[..failures.len().min(3)].join("; ")
        )));
    }
    if interrupted {
        return Ok(StepResult {
            interrupted: true,
            notes: resumed_notes,
            ..Default::default()
        });
    }
    let mut result = StepResult {
        notes: resumed_notes,
        ..Default::default()
    };
    result
        .outputs
        .insert("objects".into(), t.objects_listed.to_string());
    result
        .outputs
        .insert("bytes".into(), t.bytes_listed.to_string());
    result
        .outputs
        .insert("skipped".into(), t.objects_skipped.to_string());
    Ok(result)
}

/// Both listings compared object by object; any difference fails the task.
pub async fn verify(ctx: &StepContext<'_>) -> Result<StepResult, CloudError> {
    let (from, to) = names(ctx)?;
    let mut source = Cursor::new(&ctx.regions.source, from);
    let mut target = Cursor::new(&ctx.regions.target, to);
    let (mut count, mut bytes, mut differences) = (0u64, 0u64, Vec::new());
    let mut target_count = 0u64;
    let mut pending_target: Option<ObjectEntry> = target.next().await?;
    while let Some(s) = source.next().await? {
        count += 1;
        bytes += s.size;
        // Target keys below this one are extra objects.
        while pending_target.as_ref().is_some_and(|t| t.key < s.key) {
            target_count += 1;
            differences.push(format!(
                "{} is only in the copy",
                pending_target
                    .as_ref()
                    .map(|t| t.key.as_str())
                    .unwrap_or_default()
            ));
            pending_target = target.next().await?;
        }
        match &pending_target {
            Some(t) if t.key == s.key => {
                target_count += 1;
                if !same(&s, t) {
                    differences.push(format!(
                        "{}: {} bytes {} in source, {} bytes {} in the copy",
                        s.key, s.size, s.etag, t.size, t.etag
                    ));
                }
                pending_target = target.next().await?;
            }
            _ => differences.push(format!("{} is missing from the copy", s.key)),
        }
    }
    while let Some(t) = pending_target {
        target_count += 1;
        differences.push(format!("{} is only in the copy", t.key));
        pending_target = target.next().await?;
    }
    if !differences.is_empty() {
        return Err(CloudError::Setup(format!(
            "verification found {} differences ({count} objects in {from}, {target_count} in {to}), first: {}",
            differences.len(),
            differences[..differences.len().min(3)].join("; ")
        )));
    }
    let mut result = StepResult::default();
    result.notes.push(format!(
        "verified: {count} objects, {bytes} bytes, equal in {to}"
    ));
    Ok(result)
}
