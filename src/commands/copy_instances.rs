//! `cutover copy` of instances: the launch flags, and the checks that need
//! AWS (the picked subnet's region, the instance's root device, product
//! codes, the target AZ's instance types, the Elastic IP quota), all before
//! anything is made.

use crate::cli::CopyArgs;
use crate::cloud::copy::instance;
use crate::cloud::Regions;
use crate::migrate::relaunch::checks::refusals;
use crate::migrate::{CopyKind, CopyOptions, LaunchOptions, TaskSpec};
use crate::model::resource::Details;
use crate::model::{Inventory, Kind, Resource, Side};

pub(crate) fn launch_options(args: &CopyArgs) -> LaunchOptions {
    LaunchOptions {
        reboot: args.reboot,
        test_launch: args.test_launch,
        target_subnet: args.target_subnet.clone(),
        replace: args.replace,
    }
}

/// The picked target subnet is in the target region; groups copied for the
/// relaunch go to its VPC. Errors are sentences for the operator.
pub(crate) async fn check_target_subnet(
    regions: &Regions,
    options: &mut CopyOptions,
) -> anyhow::Result<Option<String>> {
    let Some(subnet) = options.launch.target_subnet.clone() else {
        return Ok(None);
    };
    match instance::subnet(&regions.target, &subnet).await? {
        Some((vpc, az, _)) => {
            if options.target_vpc.is_none() {
                options.target_vpc = Some(vpc);
            }
            Ok(Some(az))
        }
        None => {
            let in_source = instance::subnet(&regions.source, &subnet).await?.is_some();
            anyhow::bail!(
                "nothing started: {subnet} is {} {}: pick a subnet of {} for --target-subnet (`cutover inventory --kinds subnet`)",
                if in_source { "a subnet of the source region" } else { "not a subnet of" },
                if in_source { regions.source.region.as_str() } else { regions.target.region.as_str() },
                regions.target.region
            )
        }
    }
}

/// Refusals of the planned relaunches (each a line), read from AWS.
pub async fn refused(
    regions: &Regions,
    inventory: &Inventory,
    tasks: &[TaskSpec],
    picked_az: Option<&str>,
) -> anyhow::Result<Vec<String>> {
    let mut why = Vec::new();
    let mut elastic_ips = 0;
    for t in tasks.iter().filter(|t| t.kind == CopyKind::Instance) {
        let id = &t.source_ids[0];
        let Some(src) = instance::read_instance(&regions.source, id).await? else {
            why.push(format!("{id} is not in {} any more", regions.source.region));
            continue;
        };
        if src.elastic_ip.is_some() && !t.options.launch.test_launch {
            elastic_ips += 1;
        }
        // The AZ it lands in, when known now; else the region's offerings.
        let az = picked_az
            .map(str::to_string)
            .or_else(|| target_subnet_az(inventory, t, src.subnet_id.as_deref()));
        let place = az.clone().unwrap_or_else(|| regions.target.region.clone());
        let offered = instance::offered_types(&regions.target, az.as_deref()).await?;
        why.extend(refusals(&src, Some((&place, &offered))));
    }
    if elastic_ips > 0 {
        if let Some(room) = crate::cloud::copy::launch::elastic_ip_room(&regions.target).await? {
            if room < elastic_ips {
                why.push(format!(
                    "{} needs {elastic_ips} new Elastic IP(s) and has room for {room} (AddressLimitExceeded would follow): release unused ones or ask for a higher limit, or relaunch with --test-launch",
                    regions.target.region
                ));
            }
        }
    }
    Ok(why)
}

fn target_subnet_az(inventory: &Inventory, t: &TaskSpec, source: Option<&str>) -> Option<String> {
    let target = t.known_copies.get(source?)?;
    inventory
        .resources(Side::Target, Kind::Subnet)
        .iter()
        .find(|s| &s.id == target)
        .and_then(|s: &Resource| match &s.details {
            Details::Subnet(d) => Some(d.availability_zone.clone()),
            _ => None,
        })
}
