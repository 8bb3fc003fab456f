//! The relaunch's public address: Elastic IPs cannot move between regions,
//! so a cutover launch of an instance that held one gets a NEW one. What
//! this task allocated is found by its task tag, so a cancel or a failed
//! association gives it back (an idle Elastic IP is billed).

use super::super::steps::{StepContext, StepResult};
use super::{output, source_id, AMI, ELASTIC_IP, LAUNCHED, PUBLIC_IP};
use crate::cloud::copy::{self, instance, launch};
use crate::cloud::{Clients, CloudError};
use crate::model::resource::TASK_ID_TAG;

/// The output key pairing a source public address with the new one (the
/// report's endpoint map and the DNS plan read it).
pub(crate) fn public_ip_key(old: &str) -> String {
    format!("public_ip:{old}")
}

pub(crate) async fn attach(ctx: &StepContext<'_>) -> Result<StepResult, CloudError> {
    let (source, target) = (&ctx.regions.source, &ctx.regions.target);
    let mut done = StepResult::default();
    let id = source_id(ctx);
    let new_instance = output(ctx, LAUNCHED)?;
    let Some((old_allocation, old_ip)) = instance::elastic_ip(source, id).await? else {
        if !ctx.spec.options.launch.test_launch {
            carry_public_ip(ctx, &new_instance, &mut done).await?;
        }
        return Ok(done);
    };
    if ctx.spec.options.launch.test_launch {
        done.notes.push(format!(
            "test launch: no Elastic IP (the source holds {old_ip})"
        ));
        return Ok(done);
    }
    // An adopted launch that holds its Elastic IP already keeps it.
    if let Some((allocation, ip)) = instance::elastic_ip(target, &new_instance).await? {
        done.notes.push(format!(
            "{new_instance} holds the Elastic IP {ip} ({allocation}) already: no new one"
        ));
        record(&mut done, &old_allocation, &old_ip, &allocation, &ip);
        return Ok(done);
    }
    let (allocation, ip) = match launch::address_tagged(target, TASK_ID_TAG, &ctx.spec.id).await? {
        Some(found) => found,
        None => {
            // The source-id tag pairs the new address with the old one.
            let tags = copy::copy_tags(&old_allocation, &ctx.spec.id);
            launch::allocate_address(target, &tags).await?
        }
    };
    if let Err(e) = launch::associate_address(target, &allocation, &new_instance).await {
        // Not left billed and idle: the retry allocates again.
        let released = release_made(target, &ctx.spec.id).await;
        let ami = ctx.outputs.get(AMI).map(String::as_str).unwrap_or("-");
        return Err(CloudError::Failed(format!(
            "{}; {}; left: the instance {new_instance} and the image copy {ami} in {} (a retry takes them up, a cancel removes them)",
            e.for_task(),
            released.join("; "),
            target.region
        )));
    }
    done.notes.push(format!(
        "new public IP {ip} (Elastic IP {allocation}) on {new_instance}; the source's was {old_ip}: point DNS at the new one (the DNS plan offers it)"
    ));
    record(&mut done, &old_allocation, &old_ip, &allocation, &ip);
    Ok(done)
}

fn record(done: &mut StepResult, old_allocation: &str, old_ip: &str, allocation: &str, ip: &str) {
    done.outputs
        .insert(ELASTIC_IP.into(), allocation.to_string());
    done.outputs.insert(PUBLIC_IP.into(), ip.to_string());
    done.outputs
        .insert(format!("target:{old_allocation}"), allocation.to_string());
    done.outputs.insert(public_ip_key(old_ip), ip.to_string());
}

/// No Elastic IP in the source: its public IP (if any) pairs with the new
/// instance's own, for the endpoint map and the DNS plan.
async fn carry_public_ip(
    ctx: &StepContext<'_>,
    new_instance: &str,
    done: &mut StepResult,
) -> Result<(), CloudError> {
    let old = launch::instance(&ctx.regions.source, source_id(ctx))
        .await?
        .and_then(|l| l.public_ip);
    let new = launch::instance(&ctx.regions.target, new_instance)
        .await?
        .and_then(|l| l.public_ip);
    if let (Some(old), Some(new)) = (old, new) {
        done.notes.push(format!(
            "public IP {new} on {new_instance} (not an Elastic IP: it changes if the instance stops); the source's was {old}"
        ));
        done.outputs.insert(PUBLIC_IP.into(), new.clone());
        done.outputs.insert(public_ip_key(&old), new);
    }
    Ok(())
}

/// Releases every Elastic IP carrying this task's tag; says what it did,
/// one line each (an address it could not release is named with the
/// command that does).
pub(crate) async fn release_made(target: &Clients, task_id: &str) -> Vec<String> {
    let made = match launch::addresses_tagged(target, TASK_ID_TAG, task_id).await {
        Ok(made) => made,
        Err(e) => {
            return vec![format!(
                "could not look for the Elastic IPs this task allocated ({e}): list them with `aws ec2 describe-addresses --filters Name=tag:{TASK_ID_TAG},Values={task_id} --region {}`",
                target.region
            )]
        }
    };
    let mut said = Vec::new();
    for a in made {
        said.push(match launch::release_address(target, &a).await {
            Ok(()) => format!(
                "released the new Elastic IP {} ({})",
                a.public_ip, a.allocation_id
            ),
            Err(e) => format!(
                "could not release the Elastic IP {} ({e}): `aws ec2 release-address --allocation-id {} --region {}`",
                a.allocation_id, a.allocation_id, target.region
            ),
        });
    }
    said
}
