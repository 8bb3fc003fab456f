//! Source ids to target ids for a launch: the id map known when the task
//! was planned (`known_copies`), then what cutover's copies carry in their
//! `cutover:source-id` tag (made by the tasks this one needed).

use super::super::steps::StepContext;
use crate::cloud::copy::launch::LaunchSpec;
use crate::cloud::copy::network::{made, Piece};
use crate::cloud::copy::{instance, user_tags};
use crate::cloud::CloudError;
use crate::model::launch::SourceInstance;

/// The target groups for the source's, in the source's order.
pub(crate) async fn groups(
    ctx: &StepContext<'_>,
    source: &[String],
) -> Result<Vec<String>, CloudError> {
    let known = &ctx.spec.known_copies;
    let unknown: Vec<String> = source
        .iter()
        .filter(|g| !known.contains_key(*g))
        .cloned()
        .collect();
    let copied = instance::copied_groups(&ctx.regions.target, &unknown).await?;
    source
        .iter()
        .map(|g| {
            known.get(g).or_else(|| copied.get(g)).cloned().ok_or_else(|| {
                CloudError::Refused(format!(
                    "security group {g} has no copy in {}: copy it first (`cutover copy --ids {g}`), then retry this task",
                    ctx.spec.target_region
                ))
            })
        })
        .collect()
}

/// The subnet to launch in: the one the operator picked, or the copy of
/// the source's.
pub(crate) async fn subnet(
    ctx: &StepContext<'_>,
    src: &SourceInstance,
) -> Result<String, CloudError> {
    if let Some(picked) = &ctx.spec.options.launch.target_subnet {
        return Ok(picked.clone());
    }
    let Some(source) = &src.subnet_id else {
        return Err(CloudError::Refused(format!(
            "{} is in no subnet (EC2-Classic?): pick a target subnet for it (the copy dialog, or --target-subnet)",
            src.id
        )));
    };
    if let Some(known) = ctx.spec.known_copies.get(source) {
        return Ok(known.clone());
    }
    made(&ctx.regions.target, Piece::Subnet)
        .await?
        .remove(source)
        .ok_or_else(|| {
            CloudError::Refused(format!(
                "subnet {source} has no copy in {}: clone its VPC first (select the VPC) or relaunch with --target-subnet",
                ctx.spec.target_region
            ))
        })
}

/// The launch template's content: the source instance with target ids.
pub(crate) fn launch_spec(
    src: &SourceInstance,
    image_id: String,
    groups: Vec<String>,
) -> LaunchSpec {
    LaunchSpec {
        image_id,
        instance_type: src.instance_type.clone(),
        key_name: src.key_name.clone(),
        security_group_ids: groups,
        iam_profile: src.iam_profile.clone(),
        monitoring: src.monitoring,
        metadata: src.metadata.clone(),
        block_devices: src.block_devices.clone(),
        user_data: src.user_data.clone(),
        tags: user_tags(&src.tags)
            .into_iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::launch::BlockDevice;

    #[test]
    fn the_template_keeps_the_instance_and_drops_cutover_and_aws_tags() {
        let src = SourceInstance {
            id: "i-1".into(),
            instance_type: "t3.small".into(),
            key_name: Some("ops".into()),
            iam_profile: Some("web-role".into()),
            monitoring: true,
            user_data: Some("IyEvYmluL3No".into()),
            block_devices: vec![BlockDevice {
                device_name: "/dev/sdf".into(),
                size_gib: Some(20),
                volume_type: Some("gp3".into()),
                ..Default::default()
            }],
            tags: [
                ("Name".to_string(), "web".to_string()),
                ("aws:cloudformation:stack-name".into(), "x".into()),
                ("cutover:task-id".into(), "t".into()),
            ]
            .into(),
            ..Default::default()
        };
        let spec = launch_spec(&src, "ami-T".into(), vec!["sg-T".into()]);
        assert_eq!(spec.image_id, "ami-T");
        assert_eq!(spec.instance_type, "t3.small");
        assert_eq!(spec.security_group_ids, ["sg-T"]);
        assert_eq!(spec.iam_profile.as_deref(), Some("web-role"));
        assert_eq!(spec.user_data.as_deref(), Some("IyEvYmluL3No"));
        assert_eq!(spec.block_devices[0].size_gib, Some(20));
        assert_eq!(spec.tags, [("Name".to_string(), "web".to_string())]);
    }
}
