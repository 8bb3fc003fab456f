//! Before a relaunch starts (CLI or cockpit): the checks that need AWS
//! (the picked subnet's region, the instance's root device, product codes,
//! the target AZ's instance types, room for the new Elastic IPs). Reads
//! only; a refusal starts nothing.

use super::super::task::{CopyKind, CopyOptions, TaskSpec};
use super::checks::refusals as instance_refusals;
use crate::cloud::copy::{instance, launch};
use crate::cloud::{CloudError, Regions};

/// The picked target subnet is one of the target region's: returns its
/// VPC and AZ, or the sentence that refuses it.
pub(crate) async fn target_subnet(
    regions: &Regions,
    subnet: &str,
) -> Result<Result<(String, String), String>, CloudError> {
    if let Some((vpc, az, _)) = instance::subnet(&regions.target, subnet).await? {
        return Ok(Ok((vpc, az)));
    }
    let in_source = instance::subnet(&regions.source, subnet).await?.is_some();
    Ok(Err(format!(
        "{subnet} is {} {}: pick a subnet of {} for the relaunch (`cutover inventory --kinds subnet`)",
        if in_source {
            "a subnet of the source region"
        } else {
            "not a subnet of"
        },
        if in_source {
            regions.source.region.as_str()
        } else {
            regions.target.region.as_str()
        },
        regions.target.region
    )))
}

/// Checks the picked subnet (if any) and sends the groups copied for the
/// relaunch to its VPC; the refusal is a sentence.
pub(crate) async fn check_target_subnet(
    regions: &Regions,
    options: &mut CopyOptions,
) -> Result<Result<(), String>, CloudError> {
    let Some(subnet) = options.launch.target_subnet.clone() else {
        return Ok(Ok(()));
    };
    Ok(match target_subnet(regions, &subnet).await? {
        Ok((vpc, _)) => {
            options.target_vpc.get_or_insert(vpc);
            Ok(())
        }
        Err(why) => Err(why),
    })
}

/// Why the planned relaunches cannot start, one line each (empty: they
/// can), read from AWS.
pub(crate) async fn refusals(
    regions: &Regions,
    tasks: &[TaskSpec],
) -> Result<Vec<String>, CloudError> {
    let mut why = Vec::new();
    let mut elastic_ips = 0;
    for t in tasks.iter().filter(|t| t.kind == CopyKind::Instance) {
        let id = &t.source_ids[0];
        let Some(src) = instance::read_instance(&regions.source, id).await? else {
            why.push(format!("{id} is not in {} any more", regions.source.region));
            continue;
        };
        if let Some(subnet) = &t.options.launch.target_subnet {
            if let Err(refused) = target_subnet(regions, subnet).await? {
                why.push(refused);
                continue;
            }
        }
        if src.elastic_ip.is_some() && !t.options.launch.test_launch {
            elastic_ips += 1;
        }
        // The AZ it lands in, when its subnet exists already; else the
        // region's offerings.
        let landing = t
            .options
            .launch
            .target_subnet
            .as_ref()
            .or_else(|| t.known_copies.get(src.subnet_id.as_deref()?));
        let az = match landing {
            Some(subnet) => instance::subnet(&regions.target, subnet)
                .await?
                .map(|(_, az, _)| az),
            None => None,
        };
        let place = az.clone().unwrap_or_else(|| regions.target.region.clone());
        let offered = instance::offered_types(&regions.target, az.as_deref()).await?;
        why.extend(instance_refusals(&src, Some((&place, &offered))));
    }
    if elastic_ips > 0 {
        if let Some(room) = launch::elastic_ip_room(&regions.target).await? {
            if room < elastic_ips {
                why.push(format!(
                    "{} needs {elastic_ips} new Elastic IP(s) and has room for {room} (AddressLimitExceeded would follow): release unused ones or ask for a higher limit, or relaunch as a test launch",
                    regions.target.region
                ));
            }
        }
    }
    Ok(why)
}

/// Whether a plan relaunches anything (the checks above then run first).
pub(crate) fn relaunches(tasks: &[TaskSpec]) -> bool {
    tasks.iter().any(|t| t.kind == CopyKind::Instance)
}
