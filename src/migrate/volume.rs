//! A volume copy keeps what the volume is: its type, IOPS, throughput,
//! encryption (with a target key the operator named) and tags, in an AZ of
//! the target region. What would be refused is refused before any write.

use super::steps::{missing, StepContext, StepResult};
use super::task::{CopyKind, TaskSpec};
use crate::cloud::copy::network::read::zones;
use crate::cloud::copy::{self, snapshot};
use crate::cloud::{CloudError, Regions};
use crate::model::resource::TASK_ID_TAG;
use crate::model::Details;

/// The IOPS and throughput a new volume of this type may be given: AWS
/// refuses IOPS on gp2/st1/sc1/standard (gp2 reports its baseline) and
/// throughput on anything but gp3.
pub(crate) fn performance(
    volume_type: &str,
    iops: Option<i32>,
    throughput: Option<i32>,
) -> (Option<i32>, Option<i32>) {
    match volume_type {
        "gp3" => (iops, throughput),
        "io1" | "io2" => (iops, None),
        _ => (None, None),
    }
}

/// Why `az` cannot take the volume: it is not one of the target's AZs.
pub(crate) fn az_refusal(az: &str, target_region: &str, target_zones: &[String]) -> Option<String> {
    if target_zones.iter().any(|z| z == az) {
        return None;
    }
    Some(format!(
        "{az} is not an availability zone of {target_region}: pick one of {} (--target-az, or `--set target-az=...` on a retry); nothing was made",
        target_zones.join(", ")
    ))
}

/// An encrypted volume needs a target key named by the operator: KMS keys
/// are regional, and the target's default key is a guess nobody made.
pub(crate) fn kms_refusal(
    volume_id: &str,
    encrypted: bool,
    kms_key_id: Option<&str>,
    target_region: &str,
) -> Option<String> {
    (encrypted && kms_key_id.is_none()).then(|| {
        format!(
            "{volume_id} is encrypted: name a KMS key of {target_region} for its copy (--kms-key-id, or the dialog's KMS key field); nothing was made"
        )
    })
}

/// Checks a volume copy against AWS before anything is written: the
/// source volume is there, an encrypted one has a target key, and the
/// target AZ (when one is given) is one of the target region's.
pub(crate) async fn preflight(regions: &Regions, spec: &TaskSpec) -> Result<(), CloudError> {
    if spec.kind != CopyKind::Volume {
        return Ok(());
    }
    let id = &spec.source_ids[0];
    let vol = snapshot::volume(&regions.source, id)
        .await?
        .ok_or_else(|| missing(id))?;
    if let Details::Volume(v) = &vol.details {
        let key = spec.options.kms_key_id.as_deref();
        if let Some(why) = kms_refusal(id, v.encrypted, key, &spec.target_region) {
            return Err(CloudError::Refused(why));
        }
    }
    if let Some(az) = &spec.options.target_az {
        let offered = zones(&regions.target).await?;
        if let Some(why) = az_refusal(az, &spec.target_region, &offered) {
            return Err(CloudError::Refused(why));
        }
    }
    Ok(())
}

/// The last step of a volume copy: a volume like the source's, from the
/// snapshot copy, in the chosen target AZ.
pub(crate) async fn create_volume(ctx: &StepContext<'_>) -> Result<StepResult, CloudError> {
    let (source, target, spec) = (&ctx.regions.source, &ctx.regions.target, ctx.spec);
    let id = spec.source_ids[0].as_str();
    let key = format!("target:{id}");
    if let Some(found) = snapshot::find_volume_tagged(target, TASK_ID_TAG, &spec.id).await? {
        let mut done = StepResult::default();
        done.outputs.insert(key, found.clone());
        done.notes
            .push(format!("adopted the volume {found} made earlier"));
        return Ok(done);
    }
    let src = snapshot::volume(source, id)
        .await?
        .ok_or_else(|| missing(id))?;
    let Details::Volume(v) = &src.details else {
        return Err(missing(id));
    };
    let (iops, throughput) = performance(&v.volume_type, v.iops, v.throughput);
    let mut tags = copy::user_tags(&src.tags);
    tags.extend(copy::copy_tags(id, &spec.id));
    let zone = spec.options.target_az.as_deref().unwrap_or_default();
    let request = snapshot::VolumeRequest {
        zone,
        snapshot_id: ctx.output("copy")?,
        volume_type: Some(v.volume_type.as_str()).filter(|t| !t.is_empty()),
        iops,
        throughput,
        kms_key_id: spec.options.kms_key_id.as_deref(),
        tags: &tags,
    };
    let new = snapshot::create_volume(target, &request).await?;
    let mut done = StepResult::default();
    done.outputs.insert(key, new.clone());
    done.notes.push(format!(
        "volume {new} in {zone}: {}",
        describe(&v.volume_type, iops, throughput, request.kms_key_id)
    ));
    Ok(done)
}

/// "gp3, 4000 IOPS, 250 MiB/s, encrypted with KEY".
fn describe(
    volume_type: &str,
    iops: Option<i32>,
    throughput: Option<i32>,
    kms: Option<&str>,
) -> String {
    let mut parts = vec![volume_type.to_string()];
    parts.extend(iops.map(|i| format!("{i} IOPS")));
    parts.extend(throughput.map(|t| format!("{t} MiB/s")));
    parts.extend(kms.map(|k| format!("encrypted with {k}")));
    parts.join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_settings_a_type_takes_are_sent() {
        assert_eq!(
            performance("gp3", Some(4000), Some(250)),
            (Some(4000), Some(250))
        );
        assert_eq!(performance("io2", Some(8000), None), (Some(8000), None));
        assert_eq!(
            performance("gp2", Some(300), None),
            (None, None),
            "gp2's baseline IOPS is not settable"
        );
        assert_eq!(performance("st1", Some(500), Some(40)), (None, None));
    }

    #[test]
    fn an_az_of_another_region_is_refused_with_the_targets_list() {
        let zones = ["eu-central-1a".to_string(), "eu-central-1b".to_string()];
        assert_eq!(az_refusal("eu-central-1b", "eu-central-1", &zones), None);
        let why = az_refusal("ap-southeast-2a", "eu-central-1", &zones).unwrap();
        assert!(
            why.contains("ap-southeast-2a is not an availability zone of eu-central-1"),
            "{why}"
        );
        assert!(why.contains("eu-central-1a, eu-central-1b"), "{why}");
    }

    #[test]
    fn an_encrypted_volume_needs_a_named_key() {
        assert_eq!(kms_refusal("vol-1", false, None, "eu-west-1"), None);
        assert_eq!(
            kms_refusal("vol-1", true, Some("alias/x"), "eu-west-1"),
            None
        );
        let why = kms_refusal("vol-1", true, None, "eu-west-1").unwrap();
        assert!(why.contains("--kms-key-id"), "{why}");
        assert_eq!(
            describe("gp3", Some(4000), Some(250), Some("k")),
            "gp3, 4000 IOPS, 250 MiB/s, encrypted with k"
        );
    }
}
