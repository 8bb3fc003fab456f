//! Cloning a VPC's skeleton into the target: one task per VPC, one step per
//! layer (VPC, subnets, gateways, NAT, routes, ACLs, endpoints), in the
//! order of their dependencies. Every piece carries `cutover:source-id`, so
//! each step first adopts what an earlier run made. The id map lands in the
//! task outputs as `target:SOURCE_ID` -> target id (NAT EIPs as `eip:` and
//! `ip:`), for the report and for relaunching instances later.

mod build;
pub(crate) mod preview;
mod routing;
pub(crate) mod undo;

use super::steps::{StepContext, StepResult};
use super::task::Step;
use crate::cloud::copy::network::read;
use crate::cloud::copy::{copy_tags, user_tags};
use crate::cloud::CloudError;
use crate::model::network::Network;
use std::collections::BTreeMap;

/// One step's work in progress: what it found, made and has to say.
struct Work<'a> {
    ctx: &'a StepContext<'a>,
    net: Network,
    result: StepResult,
    /// Ids this step created (not adopted), to name them if it fails.
    created: Vec<String>,
}

impl Work<'_> {
    /// The target copy of a source piece, from this or an earlier step.
    fn copy_of(&self, source_id: &str) -> Option<String> {
        let key = format!("target:{source_id}");
        self.result
            .outputs
            .get(&key)
            .or_else(|| self.ctx.outputs.get(&key))
            .cloned()
    }

    fn need(&self, source_id: &str) -> Result<String, CloudError> {
        self.copy_of(source_id).ok_or_else(|| {
            CloudError::Refused(format!(
                "internal: {source_id} has no copy yet; retry the task from its first step"
            ))
        })
    }

    fn target_vpc(&self) -> Result<String, CloudError> {
        self.need(&self.net.vpc_id)
    }

    fn record(&mut self, source_id: &str, target_id: &str, created: bool) {
        if created {
            self.created.push(target_id.to_string());
        }
        self.result
            .outputs
            .insert(format!("target:{source_id}"), target_id.to_string());
    }

    fn task_id(&self) -> &str {
        &self.ctx.spec.id
    }
}

/// The user's tags plus cutover's marks, as create calls take them.
fn tags_for<'a>(
    user: &'a BTreeMap<String, String>,
    source_id: &'a str,
    task_id: &'a str,
) -> Vec<(&'a str, &'a str)> {
    let mut tags = user_tags(user);
    tags.extend(copy_tags(source_id, task_id));
    tags
}

pub(super) async fn run(ctx: &StepContext<'_>, step: Step) -> Result<StepResult, CloudError> {
    let vpc_id = &ctx.spec.source_ids[0];
    let net = read::network(&ctx.regions.source, vpc_id)
        .await?
        .ok_or_else(|| {
            CloudError::Refused(format!(
                "VPC {vpc_id} is not in {}: it may have been deleted; check with `cutover inventory --kinds vpc`",
                ctx.spec.source_region
            ))
        })?;
    let mut work = Work {
        ctx,
        net,
        result: StepResult::default(),
        created: Vec::new(),
    };
    let outcome = match step {
        Step::CreateVpc => build::vpc(&mut work).await,
        Step::CreateSubnets => build::subnets(&mut work).await,
        Step::CreateGateways => build::gateways(&mut work).await,
        Step::CreateNatGateways => build::nat_gateways(&mut work).await,
        Step::CreateRouteTables => routing::route_tables(&mut work).await,
        Step::CopyNetworkAcls => routing::acls(&mut work).await,
        Step::CreateEndpoints => routing::endpoints(&mut work).await,
        other => Err(CloudError::Refused(format!(
            "internal: {} is not a network step",
            other.label()
        ))),
    };
    match outcome {
        Ok(()) => Ok(work.result),
        Err(e) if work.created.is_empty() => Err(e),
        // Say what is there: a retry adopts it, a cancel deletes it.
        Err(e) => Err(CloudError::Refused(format!(
            "{e}; made before the failure: {} (a retry adopts them, cancel deletes them)",
            work.created.join(", ")
        ))),
    }
}
