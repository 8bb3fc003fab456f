//! What each step does in AWS. Every step first looks for what an earlier
//! run of it made (by the copy's tags, or the task id), so a step re-run
//! after a crash adopts instead of duplicating.

use super::task::{Step, TaskSpec};
use super::wait::{until_ready, Poll};
use crate::cloud::copy::{self, image, key_pair, snapshot};
use crate::cloud::{CloudError, Regions};
use crate::model::resource::TASK_ID_TAG;
use crate::model::Details;
use std::collections::BTreeMap;

pub struct StepContext<'a> {
    pub regions: &'a Regions,
    pub spec: &'a TaskSpec,
    /// What earlier steps produced.
    pub outputs: &'a BTreeMap<String, String>,
    pub progress: &'a (dyn Fn(Option<u8>) + Send + Sync),
    /// What AWS says of a wait, in words, for the tasks pane.
    pub status: &'a (dyn Fn(String) + Send + Sync),
    /// Objects and bytes of a bucket copy.
    pub transfer: &'a (dyn Fn(super::task::Transfer) + Send + Sync),
    /// The operator asked to pause: a long step stops at its next safe
    /// point (a bucket copy, between object batches) and says so with
    /// `StepResult::interrupted`.
    pub pause_requested: &'a (dyn Fn() -> bool + Send + Sync),
    /// This task started this step before (a crash or a failure cut it
    /// short): an untagged resource it finds may be its own.
    pub started_before: bool,
}

#[derive(Debug, Default)]
pub struct StepResult {
    pub outputs: BTreeMap<String, String>,
    pub(crate) notes: Vec<String>,
    /// What the step left out (a rule, a route, an object): the task then
    /// ends "done with warnings", never plain done. Each says the fix.
    pub(crate) warnings: Vec<String>,
    /// The step stopped early for a pause: it is not done, and runs again
    /// on resume (copying only what is missing).
    pub interrupted: bool,
    /// What it made that stays after the task (journaled before its outputs).
    pub(crate) leftovers: Vec<super::leftover::Leftover>,
}

impl StepResult {
    fn output(mut self, key: impl Into<String>, value: impl Into<String>) -> Self {
        self.outputs.insert(key.into(), value.into());
        self
    }

    pub(crate) fn note(mut self, text: impl Into<String>) -> Self {
        self.notes.push(text.into());
        self
    }

    #[allow(dead_code)]
    fn warning(mut self, text: impl Into<String>) -> Self {
        self.warnings.push(text.into());
        self
    }
}

/// The time of the source's data, as the step that read it found it: an
/// AMI's CreationDate, a snapshot's StartTime, a DB snapshot's
/// SnapshotCreateTime. Recorded so the report needs no AWS call.
pub(super) fn source_time(r: &crate::model::Resource) -> Option<(String, String)> {
    let text = match &r.details {
        Details::Image(d) => d.created.as_deref(),
        Details::Snapshot(d) => d.started.as_deref(),
        Details::DbSnapshot(d) => d.created.as_deref(),
        _ => None,
    }?;
    let ms = crate::cloud::time_ms(text)?;
    Some((super::task::SOURCE_TIME.to_string(), ms.to_string()))
}

pub(super) fn missing(what: &str) -> CloudError {
    CloudError::Refused(format!(
        "{what} is gone: it may have been deleted since the task started"
    ))
}

impl StepContext<'_> {
    fn source_id(&self) -> &str {
        &self.spec.source_ids[0]
    }

    fn target_key(&self) -> String {
        format!("target:{}", self.source_id())
    }

    pub(super) fn output(&self, key: &str) -> Result<&str, CloudError> {
        self.outputs.get(key).map(String::as_str).ok_or_else(|| {
            CloudError::Internal(format!("internal: step output '{key}' is missing"))
        })
    }
}

pub async fn run_step(ctx: &StepContext<'_>, step: Step) -> Result<StepResult, CloudError> {
    let (source, target) = (&ctx.regions.source, &ctx.regions.target);
    let spec = ctx.spec;
    match step {
        Step::CopyImage => {
            let id = ctx.source_id();
            if let Some(found) = image::find_copy(target, id).await? {
                let note = format!("adopted {found}, copied from {id} earlier");
                return Ok(StepResult::default()
                    .output(ctx.target_key(), found)
                    .note(note));
            }
            let src = image::image(source, id).await?.ok_or_else(|| missing(id))?;
            let Details::Image(d) = &src.details else {
                return Err(missing(id));
            };
            let copy = image::ImageCopy {
                source_region: &spec.source_region,
                source_id: id,
                name: &d.ami_name,
                description: d.description.as_deref(),
                client_token: &spec.id,
                kms_key_id: spec.options.kms_key_id.as_deref(),
            };
            let new = image::copy_image(target, &copy).await?;
            // Tag at once: the tag is how a re-run finds this copy.
            copy::tag(target, &[&new], &copy::copy_tags(id, &spec.id)).await?;
            let mut done = StepResult::default();
            done.outputs.extend(source_time(&src));
            Ok(done
                .output(ctx.target_key(), new)
                .note(if spec.options.launch_permissions {
                    "product codes are not copied; launch permissions follow once the copy is available"
                } else {
                    "launch permissions and product codes are not copied; --launch-permissions carries the launch permissions"
                }))
        }
        Step::WaitImage => {
            let id = ctx.output(&ctx.target_key())?.to_string();
            wait_image(ctx, target, &id).await?;
            Ok(StepResult::default())
        }
        Step::TagImage => {
            let src = image::image(source, ctx.source_id())
                .await?
                .ok_or_else(|| missing(ctx.source_id()))?;
            let new = ctx.output(&ctx.target_key())?;
            copy::tag(target, &[new], &copy::user_tags(&src.tags)).await?;
            // An adopted copy skipped the read above: the time is read here.
            let mut done = StepResult::default();
            done.outputs.extend(source_time(&src));
            Ok(done)
        }
        Step::SnapshotVolume => {
            let vol = ctx.source_id();
            let leftover = |id: &str| {
                super::leftover::Leftover::new(
                    &spec.source_region,
                    super::leftover::LeftoverKind::EbsSnapshot,
                    id,
                    "taken of the source volume to copy it",
                )
            };
            if let Some(found) = snapshot::find_tagged(source, TASK_ID_TAG, &spec.id).await? {
                let mut done = StepResult::default().output("snapshot", &found);
                done.leftovers.push(leftover(&found));
                return Ok(done);
            }
            // Refused before the first write: a bad target AZ, an encrypted
            // volume without a target key.
            super::volume::preflight(ctx.regions, spec).await?;
            let name = spec
                .names
                .get(vol)
                .cloned()
                .unwrap_or_else(|| vol.to_string());
            let description = format!("cutover: {vol} ({name}) for {}", spec.target_region);
            let snap = snapshot::create_snapshot(
                source,
                vol,
                &description,
                &copy::copy_tags(vol, &spec.id),
            )
            .await?;
            let mut done = StepResult::default().output("snapshot", &snap);
            done.leftovers.push(leftover(&snap));
            Ok(done)
        }
        Step::WaitSnapshot => {
            wait_snapshot(ctx, source, ctx.output("snapshot")?).await?;
            Ok(StepResult::default())
        }
        Step::CopySnapshot => {
            let from = match spec.kind {
                super::CopyKind::Volume => ctx.output("snapshot")?.to_string(),
                _ => ctx.source_id().to_string(),
            };
            if let Some(found) =
                snapshot::find_tagged(target, crate::model::resource::SOURCE_ID_TAG, &from).await?
            {
                return Ok(StepResult::default()
                    .output("copy", &found)
                    .output(ctx.target_key(), found));
            }
            let description = format!("cutover: copy of {from} from {}", spec.source_region);
            let tags = copy::copy_tags(&from, &spec.id);
            let request = snapshot::SnapshotCopy {
                source_region: &spec.source_region,
                source_id: &from,
                description: &description,
                kms_key_id: spec.options.kms_key_id.as_deref(),
                tags: &tags,
            };
            let new = snapshot::copy_snapshot(target, &request).await?;
            Ok(StepResult::default()
                .output("copy", &new)
                .output(ctx.target_key(), new))
        }
        Step::WaitCopy => {
            wait_snapshot(ctx, target, ctx.output("copy")?).await?;
            Ok(StepResult::default())
        }
        Step::TagCopy => {
            let read = match spec.kind {
                super::CopyKind::Volume => snapshot::volume(source, ctx.source_id()).await?,
                _ => snapshot::snapshot(source, ctx.source_id()).await?,
            }
            .ok_or_else(|| missing(ctx.source_id()))?;
            copy::tag(target, &[ctx.output("copy")?], &copy::user_tags(&read.tags)).await?;
            // A snapshot copy holds the source snapshot's data: its StartTime.
            let mut done = StepResult::default();
            done.outputs.extend(source_time(&read));
            Ok(done)
        }
        Step::CreateVolume => super::volume::create_volume(ctx).await,
        Step::ImportKey => import_key(ctx).await,
        Step::CreateGroups => super::groups::create_groups(ctx).await,
        Step::AddRules => super::groups::add_rules(ctx).await,
        Step::CreateBucket => super::bucket::create_bucket(ctx).await,
        Step::CarrySettings => super::bucket::carry_settings(ctx).await,
        Step::CopyObjects => super::bucket::copy_objects(ctx).await,
        Step::VerifyObjects => super::bucket::verify(ctx).await,
        Step::Replicate => super::bucket::replicate(ctx).await,
        Step::BatchCopy => super::bucket_batch::hand_off(ctx).await,
        Step::WaitBatch => super::bucket_batch::wait(ctx).await,
        Step::SnapshotDb => super::rds::snapshot_instance(ctx).await,
        Step::WaitDbSnapshot => super::rds::wait_source_snapshot(ctx).await,
        Step::CopyDbSnapshot => super::rds::copy_snapshot(ctx).await,
        Step::WaitDbCopy => super::rds::wait_copy(ctx).await,
        Step::RestoreDb => super::rds::restore(ctx).await,
        Step::WaitDb => super::rds::wait_instance(ctx).await,
        Step::CreateVpc
        | Step::CreateSubnets
        | Step::CreateGateways
        | Step::CreateNatGateways
        | Step::CreateRouteTables
        | Step::CopyNetworkAcls
        | Step::CreateEndpoints => super::network::run(ctx, step).await,
        Step::MakeLandingZone => super::landing::make(ctx).await,
        Step::CreateReplica => super::replica::create(ctx).await,
        Step::WaitReplica => super::replica::wait(ctx).await,
        Step::PromoteReplica => super::replica::promote(ctx).await,
        Step::WaitPromoted => super::replica::wait_promoted(ctx).await,
        Step::ReverseReplica => super::replica::reverse(ctx).await,
        Step::WaitReverseReplica => super::replica::wait_reverse(ctx).await,
        Step::CopyDbClusterSnapshot => super::cluster::copy(ctx).await,
        Step::CarryLaunchPermissions => carry_launch_permissions(ctx).await,
        Step::WaitDbClusterCopy => super::cluster::wait(ctx).await,
        Step::ImageInstance
        | Step::WaitInstanceImage
        | Step::CopyInstanceImage
        | Step::WaitInstanceCopy
        | Step::MakeLaunchTemplate
        | Step::RunInstance
        | Step::WaitRunning
        | Step::WaitStatusChecks
        | Step::AttachElasticIp
        | Step::RetireEarlierLaunch => super::relaunch::run(ctx, step).await,
    }
}

async fn carry_launch_permissions(ctx: &StepContext<'_>) -> Result<StepResult, CloudError> {
    use crate::cloud::copy::launch_permissions as lp;
    let found = lp::launch_permissions(&ctx.regions.source, ctx.source_id()).await?;
    let copy = ctx.output(&ctx.target_key())?;
    if found.is_empty() {
        return Ok(StepResult::default().note(format!(
            "{} has no launch permissions to carry (only its owner launches it)",
            ctx.source_id()
        )));
    }
    lp::add_launch_permissions(&ctx.regions.target, copy, &found).await?;
    Ok(StepResult::default().note(format!(
        "launch permissions carried to {copy}: {}",
        found.describe()
    )))
}

/// Until the image is available, with the percent its snapshots show (an
/// AMI copy or an image of an instance is "pending" until they are done).
pub(crate) async fn wait_image(
    ctx: &StepContext<'_>,
    c: &crate::cloud::Clients,
    id: &str,
) -> Result<(), CloudError> {
    until_ready(
        || async {
            let now = image::image_state(c, id).await?;
            Ok(match now.state.as_str() {
                "available" => Poll::Ready,
                "pending" => Poll::Pending(now.percent),
                other => Poll::Failed(format!(
                    "the image {id} in {} is {other}{}",
                    c.region,
                    now.reason.map(|r| format!(": {r}")).unwrap_or_default()
                )),
            })
        },
        ctx.progress,
    )
    .await
}

async fn wait_snapshot(
    ctx: &StepContext<'_>,
    c: &crate::cloud::Clients,
    id: &str,
) -> Result<(), CloudError> {
    until_ready(
        || async {
            let (state, progress) = snapshot::snapshot_state(c, id).await?;
            Ok(match state.as_str() {
                "completed" => Poll::Ready,
                "pending" => Poll::Pending(progress),
                other => Poll::Failed(format!("snapshot {id} in {} is {other}", c.region)),
            })
        },
        ctx.progress,
    )
    .await
}

async fn import_key(ctx: &StepContext<'_>) -> Result<StepResult, CloudError> {
    let name = ctx.source_id();
    let public_key = |r: &crate::model::Resource| match &r.details {
        Details::KeyPair(k) => k.public_key.clone(),
        _ => None,
    };
    let src = key_pair::key_pair(&ctx.regions.source, name)
        .await?
        .ok_or_else(|| missing(name))?;
    let material = public_key(&src).ok_or_else(|| {
        CloudError::Refused(format!("key pair {name} has no public key in {}: AWS keeps it only for keys made after 2021; import it by hand", ctx.spec.source_region))
    })?;
    let same = |a: &str, b: &str| {
        a.split_whitespace()
            .take(2)
            .eq(b.split_whitespace().take(2))
    };
    let material = &material;
    let existing = |note: &'static str| async move {
        let Some(existing) = key_pair::key_pair(&ctx.regions.target, name).await? else {
            return Ok(None);
        };
        match public_key(&existing) {
            Some(k) if same(&k, material) => Ok(Some(StepResult::default().output(ctx.target_key(), name).note(note))),
            _ => Err(CloudError::Refused(format!(
                "a key pair named {name} already exists in {} with another public key: delete or rename it there, then retry",
                ctx.spec.target_region
            ))),
        }
    };
    if let Some(done) = existing("the target already had this key").await? {
        return Ok(done);
    }
    match key_pair::import_key(
        &ctx.regions.target,
        name,
        material,
        &copy::copy_tags(name, &ctx.spec.id),
    )
    .await
    {
        Ok(()) => Ok(StepResult::default().output(ctx.target_key(), name)),
        // The import's answer was lost and the SDK asked again: "already
        // exists" may be our own import; the public key tells.
        Err(e) if e.code() == Some("InvalidKeyPair.Duplicate") => {
            existing("imported (the first answer was lost)")
                .await?
                .ok_or(e)
        }
        Err(e) => Err(e),
    }
}
