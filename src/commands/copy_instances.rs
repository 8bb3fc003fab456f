//! `cutover copy` of instances: the launch flags, and the checks that need
//! AWS (`migrate::relaunch::prepare`, shared with the cockpit), all before
//! anything is made.

use crate::cli::CopyArgs;
use crate::cloud::Regions;
use crate::migrate::relaunch::prepare;
use crate::migrate::{CopyOptions, LaunchOptions, TaskSpec};

pub(crate) fn launch_options(args: &CopyArgs) -> LaunchOptions {
    LaunchOptions {
        reboot: args.reboot,
        test_launch: args.test_launch,
        target_subnet: args.target_subnet.clone(),
        // A test launch leaves the cutover launch alone, --replace or not.
        replace: args.replace && !args.test_launch,
    }
}

/// The picked target subnet is in the target region; groups copied for the
/// relaunch go to its VPC. Errors are sentences for the operator.
pub(crate) async fn check_target_subnet(
    regions: &Regions,
    options: &mut CopyOptions,
) -> anyhow::Result<()> {
    prepare::check_target_subnet(regions, options)
        .await?
        .map_err(|why| anyhow::anyhow!("nothing started: {why}"))
}

/// Refusals of the planned relaunches (each a line), read from AWS.
pub(crate) async fn refused(regions: &Regions, tasks: &[TaskSpec]) -> anyhow::Result<Vec<String>> {
    Ok(prepare::refusals(regions, tasks).await?)
}
