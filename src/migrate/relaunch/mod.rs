//! Relaunching an instance in the target, step by step: a fresh image of
//! it (its disks have changed since it was launched), that image copied,
//! a launch template translated to target ids, the instance, a new Elastic
//! IP. Every step first finds what an earlier run of it made.

mod address;
pub(crate) mod checks;
pub(crate) mod plan;
pub(crate) mod prepare;
pub(crate) mod status;
mod translate;

use super::steps::{wait_image, StepContext, StepResult};
use super::task::Step;
use super::wait::{until_ready, Poll};
use crate::cloud::copy::{self, image, instance, launch};
use crate::cloud::{CloudError, Regions};
use crate::model::launch::{LAUNCH_TAG, TEST_OF_TAG};
use crate::model::resource::{SOURCE_ID_TAG, TASK_ID_TAG};

/// Output keys, as the report and the cockpit read them.
pub(crate) const IMAGE: &str = "image";
pub(crate) const AMI: &str = "ami";
pub(crate) const LAUNCH_TEMPLATE: &str = "launch_template";
pub(crate) const LAUNCHED: &str = "launched";
pub(crate) const PRIVATE_IP: &str = "private_ip";
pub(crate) const PUBLIC_IP: &str = "public_ip";
pub(crate) const ELASTIC_IP: &str = "eip";

pub(crate) async fn run(ctx: &StepContext<'_>, step: Step) -> Result<StepResult, CloudError> {
    match step {
        Step::ImageInstance => image_instance(ctx).await,
        Step::WaitInstanceImage => {
            let id = output(ctx, IMAGE)?;
            wait_image(ctx, &ctx.regions.source, &id).await?;
            Ok(StepResult::default())
        }
        Step::CopyInstanceImage => copy_image(ctx).await,
        Step::WaitInstanceCopy => {
            let id = output(ctx, AMI)?;
            wait_image(ctx, &ctx.regions.target, &id).await?;
            Ok(StepResult::default())
        }
        Step::MakeLaunchTemplate => make_template(ctx).await,
        Step::RunInstance => run_instance(ctx).await,
        Step::WaitRunning => wait_running(ctx).await,
        Step::WaitStatusChecks => status::wait_status_checks(ctx).await,
        Step::AttachElasticIp => address::attach(ctx).await,
        Step::RetireEarlierLaunch => retire(ctx).await,
        other => Err(CloudError::Refused(format!(
            "internal: {} is not a relaunch step",
            other.label()
        ))),
    }
}

fn source_id<'a>(ctx: &'a StepContext<'_>) -> &'a str {
    &ctx.spec.source_ids[0]
}

fn output(ctx: &StepContext<'_>, key: &str) -> Result<String, CloudError> {
    ctx.outputs
        .get(key)
        .cloned()
        .ok_or_else(|| CloudError::Internal(format!("internal: step output '{key}' is missing")))
}

fn gone(id: &str, region: &str) -> CloudError {
    CloudError::Refused(format!(
        "{id} is not in {region} any more: it may have been terminated since the task started"
    ))
}

/// The name of the image and of the launch template: unique per task.
fn made_name(ctx: &StepContext<'_>) -> String {
    format!("cutover-{}", ctx.spec.id)
}

async fn image_instance(ctx: &StepContext<'_>) -> Result<StepResult, CloudError> {
    let source = &ctx.regions.source;
    let mut done = StepResult::default();
    if let Some(found) = instance::image_of_task(source, &ctx.spec.id).await? {
        done.outputs.insert(IMAGE.into(), found);
        return Ok(done);
    }
    let id = source_id(ctx);
    let name = ctx.spec.names.get(id).cloned().unwrap_or_else(|| id.into());
    let reboot = ctx.spec.options.launch.reboot;
    let tags = [(TASK_ID_TAG, ctx.spec.id.as_str()), ("Name", name.as_str())];
    let new = instance::create_image(source, id, &made_name(ctx), !reboot, &tags).await?;
    done.outputs.insert(IMAGE.into(), new.clone());
    done.notes.push(if reboot {
        format!("imaged {id} as {new} with a reboot (consistent file systems)")
    } else {
        format!("imaged {id} as {new} without a reboot: files being written at that moment may be inconsistent; relaunch with --reboot for a consistent image")
    });
    Ok(done)
}

async fn copy_image(ctx: &StepContext<'_>) -> Result<StepResult, CloudError> {
    let (source, target) = (&ctx.regions.source, &ctx.regions.target);
    let fresh = output(ctx, IMAGE)?;
    let mut done = StepResult::default();
    if let Some(found) = image::find_copy(target, &fresh).await? {
        done.outputs.insert(AMI.into(), found);
        return Ok(done);
    }
    let name = made_name(ctx);
    let copy = image::ImageCopy {
        source_region: &ctx.spec.source_region,
        source_id: &fresh,
        name: &name,
        description: Some("cutover: relaunch image"),
        client_token: &ctx.spec.id,
        kms_key_id: ctx.spec.options.kms_key_id.as_deref(),
    };
    let new = image::copy_image(target, &copy).await?;
    // Tag at once: the tag is how a re-run finds this copy. CopyImage
    // does not carry tags: the instance's are put back here.
    copy::tag(target, &[&new], &copy::copy_tags(&fresh, &ctx.spec.id)).await?;
    if let Some(src) = instance::read_instance(source, source_id(ctx)).await? {
        copy::tag(target, &[&new], &copy::user_tags(&src.tags)).await?;
    }
    done.outputs.insert(AMI.into(), new);
    Ok(done)
}

async fn make_template(ctx: &StepContext<'_>) -> Result<StepResult, CloudError> {
    let (source, target) = (&ctx.regions.source, &ctx.regions.target);
    let name = made_name(ctx);
    let mut done = StepResult::default();
    if let Some(found) = launch::find_template(target, &name).await? {
        done.outputs.insert(LAUNCH_TEMPLATE.into(), found);
        return Ok(done);
    }
    let id = source_id(ctx);
    let src = instance::read_instance(source, id)
        .await?
        .ok_or_else(|| gone(id, &source.region))?;
    let groups = translate::groups(ctx, &src.security_group_ids).await?;
    let spec = translate::launch_spec(&src, output(ctx, AMI)?, groups);
    let tags = copy::copy_tags(id, &ctx.spec.id);
    let template = launch::create_template(target, &name, &spec, &tags).await?;
    done.outputs.insert(LAUNCH_TEMPLATE.into(), template);
    if let Some(profile) = &spec.iam_profile {
        done.notes.push(format!("the launch names the instance profile {profile}: IAM is global, the same profile applies in {}", ctx.spec.target_region));
    }
    Ok(done)
}

/// The tags the new instance carries: the source's own, then what marks
/// it as cutover's launch (a test launch is not the source's counterpart).
fn launch_tags(ctx: &StepContext<'_>, user: &[(String, String)]) -> Vec<(String, String)> {
    let id = source_id(ctx).to_string();
    let mut tags: Vec<(String, String)> = user.to_vec();
    tags.push((TASK_ID_TAG.into(), ctx.spec.id.clone()));
    if ctx.spec.options.launch.test_launch {
        tags.push((LAUNCH_TAG.into(), "test".into()));
        tags.push((TEST_OF_TAG.into(), id));
    } else {
        tags.push((LAUNCH_TAG.into(), "cutover".into()));
        tags.push((SOURCE_ID_TAG.into(), id));
    }
    tags
}

fn launched(ctx: &StepContext<'_>, new: &str) -> StepResult {
    let mut done = StepResult::default();
    done.outputs.insert(LAUNCHED.into(), new.to_string());
    // Only a cutover launch enters the id map.
    if !ctx.spec.options.launch.test_launch {
        done.outputs
            .insert(format!("target:{}", source_id(ctx)), new.to_string());
    }
    done
}

async fn run_instance(ctx: &StepContext<'_>) -> Result<StepResult, CloudError> {
    let (source, target) = (&ctx.regions.source, &ctx.regions.target);
    // Its own launch first: a kill between RunInstances and the journal
    // entry must adopt, never launch twice (the client token covers AWS,
    // the task tag covers emulators and tokens that expired).
    if let Some(own) = launch::launches_tagged(target, TASK_ID_TAG, &ctx.spec.id)
        .await?
        .into_iter()
        .next()
    {
        let mut done = launched(ctx, &own.instance_id);
        done.notes.push(format!(
            "adopted {}, launched by this task before",
            own.instance_id
        ));
        return Ok(done);
    }
    let id = source_id(ctx);
    let options = &ctx.spec.options.launch;
    if !options.test_launch && !options.replace {
        if let Some(earlier) = launch::cutover_launch_of(target, id).await? {
            let mut done = launched(ctx, &earlier.instance_id);
            done.notes.push(format!(
                "adopted {}, the cutover launch of {id} already in {}: nothing new launched (--replace launches anew)",
                earlier.instance_id, ctx.spec.target_region
            ));
            return Ok(done);
        }
    }
    let src = instance::read_instance(source, id)
        .await?
        .ok_or_else(|| gone(id, &source.region))?;
    let subnet = translate::subnet(ctx, &src).await?;
    let user: Vec<(String, String)> = copy::user_tags(&src.tags)
        .into_iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    let tags = launch_tags(ctx, &user);
    let tags: Vec<(&str, &str)> = tags.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let template = output(ctx, LAUNCH_TEMPLATE)?;
    let new = launch::run_from_template(target, &template, &subnet, &ctx.spec.id, &tags).await?;
    let mut done = launched(ctx, &new);
    done.notes.push(format!(
        "launched {new} in {subnet} from {template}{}",
        if options.test_launch {
            " (test launch: `cutover cleanup --test-launches` ends it)"
        } else {
            ""
        }
    ));
    Ok(done)
}

async fn wait_running(ctx: &StepContext<'_>) -> Result<StepResult, CloudError> {
    let target = &ctx.regions.target;
    let id = output(ctx, LAUNCHED)?;
    until_ready(
        || async {
            let Some(now) = launch::instance(target, &id).await? else {
                return Ok(Poll::Failed(format!("{id} is gone from {}", target.region)));
            };
            Ok(match now.state.as_str() {
                "running" => Poll::Ready,
                "pending" => Poll::Pending(None),
                other => Poll::Failed(format!(
                    "{id} is {other} instead of running: see its console output in {}",
                    target.region
                )),
            })
        },
        ctx.progress,
    )
    .await?;
    let mut done = StepResult::default();
    if let Some(ip) = launch::instance(target, &id)
        .await?
        .and_then(|l| l.private_ip)
    {
        done.notes.push(format!("{id} runs, private IP {ip}"));
        done.outputs.insert(PRIVATE_IP.into(), ip);
    }
    Ok(done)
}

async fn retire(ctx: &StepContext<'_>) -> Result<StepResult, CloudError> {
    let target = &ctx.regions.target;
    let ours = output(ctx, LAUNCHED)?;
    let earlier: Vec<String> = launch::launches_tagged(target, SOURCE_ID_TAG, source_id(ctx))
        .await?
        .into_iter()
        .filter(|l| l.instance_id != ours && !l.test)
        .map(|l| l.instance_id)
        .collect();
    launch::terminate(target, &earlier).await?;
    let mut done = StepResult::default();
    if !earlier.is_empty() {
        done.notes.push(format!(
            "terminated the earlier launch {} in {}, as --replace asked",
            earlier.join(", "),
            ctx.spec.target_region
        ));
    }
    Ok(done)
}

/// Cancel: what a relaunch made goes: the new Elastic IP first (an idle
/// one is billed), then the instance, the template, the images; the lines
/// say what stays.
pub(crate) async fn undo(regions: &Regions, task: &super::task::Task) -> Vec<String> {
    let target = &regions.target;
    let mut said = address::release_made(target, &task.spec.id).await;
    let adopted = task.notes.iter().any(|n| n.contains("already in"));
    if let Some(id) = task.outputs.get(LAUNCHED) {
        if adopted {
            said.push(format!(
                "{id} stays: it was an earlier launch this task adopted"
            ));
        } else {
            match launch::terminate(target, std::slice::from_ref(id)).await {
                Ok(()) => said.push(format!("terminated {id}")),
                Err(e) => said.push(format!("could not terminate {id}: {e}")),
            }
        }
    }
    if let Some(lt) = task.outputs.get(LAUNCH_TEMPLATE) {
        match launch::delete_template(target, lt).await {
            Ok(()) => said.push(format!("deleted the launch template {lt}")),
            Err(e) => said.push(format!("could not delete {lt}: {e}")),
        }
    }
    for (key, c) in [(AMI, target), (IMAGE, &regions.source)] {
        if let Some(ami) = task.outputs.get(key) {
            match image::deregister(c, ami).await {
                Ok(()) => said.push(format!(
                    "deregistered {ami} in {} (its snapshots stay: delete them if unwanted)",
                    c.region
                )),
                Err(e) => said.push(format!("could not deregister {ami}: {e}")),
            }
        }
    }
    said
}

/// Old public IP -> new, as finished cutover launches recorded them (the
/// DNS plan suggests the new one for a record answering the old).
pub(crate) fn moved_addresses<'a>(
    tasks: impl IntoIterator<Item = &'a super::task::Task>,
) -> std::collections::BTreeMap<String, String> {
    tasks
        .into_iter()
        .filter(|t| {
            t.spec.kind == super::task::CopyKind::Instance
                && t.state == super::task::TaskState::Done
                && !t.spec.options.launch.test_launch
        })
        .flat_map(|t| {
            t.outputs.iter().filter_map(|(k, v)| {
                k.strip_prefix("public_ip:")
                    .map(|old| (old.to_string(), v.clone()))
            })
        })
        .collect()
}

/// What a relaunch task makes, in words (the plan and the copy dialog).
pub(crate) fn describe(spec: &super::task::TaskSpec) -> String {
    let l = &spec.options.launch;
    let image = if l.reboot {
        "a fresh image (the instance REBOOTS for it: consistent disks)"
    } else {
        "a fresh image (no reboot: disks imaged live; --reboot for consistency)"
    };
    let subnet = match &l.target_subnet {
        Some(s) => format!("in {s}"),
        None => "in the copy of its subnet".into(),
    };
    let which = if l.test_launch {
        "a TEST launch (tagged cutover:launch=test, no Elastic IP; `cutover cleanup --test-launches` ends it)"
    } else {
        "the cutover launch, with a NEW Elastic IP if the source holds one"
    };
    let needs = match spec.options.needs.len() {
        0 => String::new(),
        n => format!("; after {n} task(s) it needs"),
    };
    let replace = if l.replace {
        "; then TERMINATES the earlier cutover launch"
    } else {
        ""
    };
    format!("{image}, copied; a launch template; {which} {subnet}{needs}{replace}")
}
