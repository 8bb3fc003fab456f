//! Bucket migration steps. Objects are listed while they are copied, and the
//! target's listing is walked beside the source's (both come in key order),
//! so "already there" costs no extra request and memory stays at a page.

use super::bucket_archived::{copy_when_restored, ArchivedObjects, Restored};
use super::bucket_listing::{same, Cursor};
use super::bucket_options::Versions;
use super::bucket_pipeline::meanwhile;
use super::steps::{StepContext, StepResult};
use super::task::Transfer;
use crate::cloud::copy::archive;
use crate::cloud::copy::bucket::{self, NameState};
use crate::cloud::copy::copy_tags;
use crate::cloud::copy::objects::{self, ObjectEntry};
use crate::cloud::{Clients, CloudError};
use crate::model::check_bucket_name;
use futures::stream::{FuturesUnordered, StreamExt};
use std::time::{Duration, Instant};

/// Task outputs of a verified bucket copy: its object count and bytes
/// (the same in both buckets), for the cockpit's bucket rows.
pub const VERIFIED_OBJECTS: &str = "verified_objects";
pub const VERIFIED_BYTES: &str = "verified_bytes";

pub(super) fn names<'a>(ctx: &'a StepContext<'_>) -> Result<(&'a str, &'a str), CloudError> {
    let to = ctx
        .spec
        .options
        .target_bucket
        .as_deref()
        .ok_or_else(|| CloudError::Internal("internal: no target bucket name".into()))?;
    Ok((&ctx.spec.source_ids[0], to))
}

pub(crate) async fn create_bucket(ctx: &StepContext<'_>) -> Result<StepResult, CloudError> {
    let (from, to) = names(ctx)?;
    check_bucket_name(to)
        .map_err(|e| CloudError::Refused(format!("{e}; choose another target name")))?;
    if from == to {
        return Err(CloudError::Refused(format!(
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
            return Err(CloudError::Refused(format!("a bucket named {to} already exists in this account and is not a copy of {from}: choose another target name")))
        }
        NameState::Taken => return Err(CloudError::Refused(format!("the bucket name {to} is taken (by another account or in another region): choose another target name"))),
    }
    // Tagged at once, so a re-run recognises its own bucket.
    let tags = [(
        crate::model::resource::SOURCE_ID_TAG.to_string(),
        from.to_string(),
    )]
    .into();
    match bucket::put_tags(&ctx.regions.target, to, &tags).await {
        Ok(()) => {}
        Err(e) if crate::cloud::copy::bucket_settings::unsupported(&e) => result.warnings.push(format!(
            "{to} could not be tagged as the copy of {from} ({e}): a later run cannot tell it is ours; resume this task rather than starting a new one"
        )),
        Err(e) => return Err(e),
    }
    result
        .outputs
        .insert(format!("target:{from}"), to.to_string());
    Ok(result)
}

pub(crate) async fn carry_settings(ctx: &StepContext<'_>) -> Result<StepResult, CloudError> {
    let (from, to) = names(ctx)?;
    let carried = crate::cloud::copy::bucket_settings::carry_settings(
        &ctx.regions.source,
        &ctx.regions.target,
        from,
        to,
        &copy_tags(from, &ctx.spec.id),
        ctx.spec.options.kms_key_id.as_deref(),
    )
    .await?;
    Ok(StepResult {
        notes: carried.notes,
        warnings: carried.warnings,
        ..Default::default()
    })
}

/// One object, server side: CopyObject, or multipart above the threshold.
async fn copy_one(ctx: &StepContext<'_>, object: &ObjectEntry) -> Result<(), CloudError> {
    let (from, to) = names(ctx)?;
    let (source, target) = (&ctx.regions.source, &ctx.regions.target);
    let tuning = ctx.spec.options.s3;
    if object.size > tuning.multipart_threshold {
        objects::multipart_copy(
            source,
            target,
            from,
            to,
            object,
            tuning.part_size,
            tuning.part_concurrency,
        )
        .await
    } else {
        objects::copy_object(target, from, to, object).await
    }
}

pub(crate) async fn copy_objects(ctx: &StepContext<'_>) -> Result<StepResult, CloudError> {
    if ctx.spec.options.bucket.versions == Versions::All {
        return super::bucket_versions::copy_versions(ctx).await;
    }
    let (from, to) = names(ctx)?;
    let (source, target) = (&ctx.regions.source, &ctx.regions.target);
    let tuning = ctx.spec.options.s3;
    let options = &ctx.spec.options.bucket;
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
    let mut archived = ArchivedObjects::new(options);
    // Keys only in the copy: removed with --delete, in batches.
    let mut gone: Vec<String> = Vec::new();
    let mut deleted = 0u64;
    let mut interrupted = false;
    // Copies that ended while a listing page was awaited, not counted yet.
    let mut ended = Vec::new();
    loop {
        for (object, copied) in ended.drain(..) {
            settle(
                &mut t,
                &mut failures,
                &mut archived,
                source,
                from,
                object,
                copied,
            )
            .await?;
        }
        // A pause stops between batches: what is in flight ends first, so
        // no multipart upload is left open.
        if !t.listing_done && (ctx.pause_requested)() {
            while let Some((object, copied)) = in_flight.next().await {
                settle(
                    &mut t,
                    &mut failures,
                    &mut archived,
                    source,
                    from,
                    object,
                    copied,
                )
                .await?;
            }
            interrupted = true;
            break;
        }
        let next = if in_flight.len() >= tuning.concurrency.max(1) {
            None
        } else {
            Some(meanwhile(listing.next(), &mut in_flight, &mut ended).await?)
        };
        match next {
            Some(Some(object)) => {
                t.objects_listed += 1;
                t.bytes_listed += object.size;
                if t.objects_listed == tuning.batch_threshold.max(1) {
                    resumed_notes.push(format!(
                        "{from} has more than {} objects: for buckets this size, S3 Batch Operations copies faster (cancel, then copy again with --batch-manifest-bucket BUCKET --role-arn ARN; [s3] batch_threshold sets this)",
                        tuning.batch_threshold
                    ));
                }
                let passed = options.delete.then_some(&mut gone);
                let seek = existing.seek_noting(&object.key, passed);
                if meanwhile(seek, &mut in_flight, &mut ended)
                    .await?
                    .is_some_and(|there| same(&object, &there))
                {
                    t.objects_done += 1;
                    t.objects_skipped += 1;
                    t.bytes_done += object.size;
                    continue;
                }
                if gone.len() >= DELETE_BATCH {
                    deleted += delete_keys(target, to, &mut gone).await?;
                }
                if archive::is_archived(object.storage_class.as_deref()) {
                    archived.take(source, from, object).await?;
                    continue;
                }
                in_flight.push(async move {
                    let copied = copy_one(ctx, &object).await;
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
                settle(
                    &mut t,
                    &mut failures,
                    &mut archived,
                    source,
                    from,
                    object,
                    copied,
                )
                .await?;
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
    // The listing may end with copies counted only in `ended`.
    for (object, copied) in ended.drain(..) {
        settle(
            &mut t,
            &mut failures,
            &mut archived,
            source,
            from,
            object,
            copied,
        )
        .await?;
    }
    if options.delete && !interrupted {
        // What is left of the copy's listing is past the source's last key.
        while let Some(extra) = existing.next().await? {
            gone.push(extra.key);
            if gone.len() >= DELETE_BATCH {
                deleted += delete_keys(target, to, &mut gone).await?;
            }
        }
        deleted += delete_keys(target, to, &mut gone).await?;
    }
    t.elapsed_ms = started.elapsed().as_millis() as u64;
    (ctx.transfer)(t);
    if !failures.is_empty() {
        return Err(CloudError::Refused(format!(
            "{} of {} objects failed (retry copies only what is missing), first: {}",
            failures.len(),
            t.objects_listed,
            failures[..failures.len().min(3)].join("; ")
        )));
    }
    if !interrupted && !archived.waiting.is_empty() {
        let so_far = t;
        let waiting = move |n| {
            (ctx.transfer)(Transfer {
                restoring: n,
                ..so_far
            })
        };
        let pending = std::mem::take(&mut archived.waiting);
        let restored = copy_when_restored(
            source,
            from,
            pending,
            |object| async move { copy_one(ctx, &object).await },
            &waiting,
            ctx.pause_requested,
            tokio::time::sleep,
        )
        .await?;
        interrupted = restored == Restored::Paused;
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
    archived.report(&mut result);
    if options.delete {
        result.notes.push(format!(
            "deleted {deleted} object(s) from {to} that {from} no longer has"
        ));
        result.outputs.insert("deleted".into(), deleted.to_string());
    }
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

/// DeleteObjects takes at most 1,000 keys.
const DELETE_BATCH: usize = 1000;

async fn delete_keys(
    target: &Clients,
    bucket: &str,
    keys: &mut Vec<String>,
) -> Result<u64, CloudError> {
    let batch = std::mem::take(keys);
    objects::delete_objects(target, bucket, &batch).await?;
    Ok(batch.len() as u64)
}

/// Counts a finished copy; an object S3 refused as archived (an
/// INTELLIGENT_TIERING archive tier the listing cannot show) is handled
/// as archived, not as a failure.
async fn settle(
    t: &mut Transfer,
    failures: &mut Vec<String>,
    archived: &mut ArchivedObjects,
    source: &Clients,
    from: &str,
    object: ObjectEntry,
    copied: Result<(), CloudError>,
) -> Result<(), CloudError> {
    match copied {
        Ok(()) => {
            t.objects_done += 1;
            t.bytes_done += object.size;
        }
        Err(e) if archive::is_archived_error(&e) => archived.take(source, from, object).await?,
        Err(e) => failures.push(format!("{}: {e}", object.key)),
    }
    Ok(())
}

/// Both listings compared object by object; any difference fails the task.
/// Archived objects the copy step left out (`--archived skip`) are not
/// differences: the task's warning already names them.
pub(crate) async fn verify(ctx: &StepContext<'_>) -> Result<StepResult, CloudError> {
    if ctx.spec.options.bucket.versions == Versions::All {
        return super::bucket_versions::verify_versions(ctx).await;
    }
    let (from, to) = names(ctx)?;
    let left_out = super::bucket_archived::left_out(ctx.outputs);
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
            _ if left_out.contains(&s.key) => {}
            _ => differences.push(format!("{} is missing from the copy", s.key)),
        }
    }
    while let Some(t) = pending_target {
        target_count += 1;
        differences.push(format!("{} is only in the copy", t.key));
        pending_target = target.next().await?;
    }
    if !differences.is_empty() {
        return Err(CloudError::Refused(format!(
            "verification found {} differences ({count} objects in {from}, {target_count} in {to}), first: {}",
            differences.len(),
            differences[..differences.len().min(3)].join("; ")
        )));
    }
    let mut result = StepResult::default();
    let archived = if left_out.is_empty() {
        String::new()
    } else {
        format!(" ({} archived left out)", left_out.len())
    };
    result.notes.push(format!(
        "verified: {count} objects, {bytes} bytes, equal in {to}{archived}"
    ));
    // Journaled with the step: the bucket rows show the counts after a restart too.
    result
        .outputs
        .insert(VERIFIED_OBJECTS.into(), count.to_string());
    result
        .outputs
        .insert(VERIFIED_BYTES.into(), bytes.to_string());
    Ok(result)
}

/// For the plan of `--delete`: the first `limit` keys of the copy that the
/// source no longer has, and how many there are. Nothing when the copy
/// does not exist yet.
pub async fn deletions_preview(
    regions: &crate::cloud::Regions,
    spec: &super::task::TaskSpec,
    limit: usize,
) -> Result<(Vec<String>, u64), CloudError> {
    let Some(to) = spec.options.target_bucket.as_deref() else {
        return Ok((Vec::new(), 0));
    };
    if !matches!(
        bucket::name_state(&regions.target, to).await?,
        NameState::Ours(_)
    ) {
        return Ok((Vec::new(), 0));
    }
    let from = &spec.source_ids[0];
    let mut source = Cursor::new(&regions.source, from);
    let mut copy = Cursor::new(&regions.target, to);
    let (mut shown, mut total) = (Vec::new(), 0u64);
    let mut note = |key: String| {
        total += 1;
        if shown.len() < limit {
            shown.push(key);
        }
    };
    let mut passed = Vec::new();
    while let Some(object) = source.next().await? {
        copy.seek_noting(&object.key, Some(&mut passed)).await?;
        passed.drain(..).for_each(&mut note);
    }
    while let Some(extra) = copy.next().await? {
        note(extra.key);
    }
    Ok((shown, total))
}

/// `--replicate`: after the copy is verified, the source replicates new
/// writes to it until the cutover.
pub(crate) async fn replicate(ctx: &StepContext<'_>) -> Result<StepResult, CloudError> {
    let (from, to) = names(ctx)?;
    let role = ctx
        .spec
        .options
        .bucket
        .replicate_role
        .as_deref()
        .ok_or_else(|| CloudError::Internal("internal: --replicate without a role".into()))?;
    crate::cloud::copy::replication::replicate(
        &ctx.regions.source,
        &ctx.regions.target,
        from,
        to,
        role,
    )
    .await?;
    let mut result = StepResult::default();
    result
        .outputs
        .insert(super::task::REPLICATING.into(), to.to_string());
    result.notes.push(format!(
        "replicating: new writes to {from} follow to {to} (S3 Replication with {role}; versioning is now on in both); objects written before the rule was set were copied above. Remove the rule after the cutover (s3:DeleteBucketReplication)"
    ));
    Ok(result)
}
