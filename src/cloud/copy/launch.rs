//! The launch in the target: a launch template made from the source
//! instance, RunInstances from it, a new Elastic IP; and the launches
//! cutover made, for adoption and cleanup.

use super::{tag_filter, tagged, CloudError};
use crate::cloud::ec2::{owned, tags};
use crate::cloud::error::sdk;
use crate::cloud::Clients;
use crate::model::launch::{BlockDevice, Launch, MetadataOptions, LAUNCH_TAG, TEST_OF_TAG};
use crate::model::resource::SOURCE_ID_TAG;
use aws_sdk_ec2::types as t;

/// What the launch template holds, with every id already a target id.
#[derive(Debug, Clone, Default)]
pub(crate) struct LaunchSpec {
    pub(crate) image_id: String,
    pub(crate) instance_type: String,
    pub(crate) key_name: Option<String>,
    pub(crate) security_group_ids: Vec<String>,
    pub(crate) iam_profile: Option<String>,
    pub(crate) monitoring: bool,
    pub(crate) metadata: Option<MetadataOptions>,
    pub(crate) block_devices: Vec<BlockDevice>,
    pub(crate) user_data: Option<String>,
    /// Put on the instance and its volumes.
    pub(crate) tags: Vec<(String, String)>,
}

/// The launch template called `name`, if one exists.
pub(crate) async fn find_template(c: &Clients, name: &str) -> Result<Option<String>, CloudError> {
    let out = c
        .ec2
        .describe_launch_templates()
        .filters(
            t::Filter::builder()
                .name("launch-template-name")
                .values(name)
                .build(),
        )
        .send()
        .await
        .map_err(sdk("ec2:DescribeLaunchTemplates"))?;
    Ok(out
        .launch_templates()
        .iter()
        .find(|l| l.launch_template_name() == Some(name))
        .and_then(|l| owned(l.launch_template_id())))
}

pub(crate) async fn create_template(
    c: &Clients,
    name: &str,
    spec: &LaunchSpec,
    own_tags: &[(&str, &str)],
) -> Result<String, CloudError> {
    let mut data = t::RequestLaunchTemplateData::builder()
        .image_id(&spec.image_id)
        .instance_type(t::InstanceType::from(spec.instance_type.as_str()))
        .set_key_name(spec.key_name.clone())
        .set_security_group_ids(Some(spec.security_group_ids.clone()))
        .set_user_data(spec.user_data.clone())
        .monitoring(
            t::LaunchTemplatesMonitoringRequest::builder()
                .enabled(spec.monitoring)
                .build(),
        );
    if let Some(profile) = &spec.iam_profile {
        data = data.iam_instance_profile(
            t::LaunchTemplateIamInstanceProfileSpecificationRequest::builder()
                .name(profile)
                .build(),
        );
    }
    if let Some(m) = &spec.metadata {
        data = data.metadata_options(
            t::LaunchTemplateInstanceMetadataOptionsRequest::builder()
                .set_http_tokens(
                    m.http_tokens
                        .as_deref()
                        .map(t::LaunchTemplateHttpTokensState::from),
                )
                .set_http_put_response_hop_limit(m.hop_limit)
                .set_http_endpoint(
                    m.endpoint
                        .as_deref()
                        .map(t::LaunchTemplateInstanceMetadataEndpointState::from),
                )
                .build(),
        );
    }
    for d in &spec.block_devices {
        // No snapshot id: the copied image holds the volumes' data; the
        // template keeps their size, type and speed.
        let ebs = t::LaunchTemplateEbsBlockDeviceRequest::builder()
            .set_volume_size(d.size_gib)
            .set_volume_type(d.volume_type.as_deref().map(t::VolumeType::from))
            .set_iops(d.iops.filter(|_| provisioned_iops(d)))
            .set_throughput(
                d.throughput
                    .filter(|_| d.volume_type.as_deref() == Some("gp3")),
            )
            .encrypted(d.encrypted)
            .delete_on_termination(d.delete_on_termination)
            .build();
        data = data.block_device_mappings(
            t::LaunchTemplateBlockDeviceMappingRequest::builder()
                .device_name(&d.device_name)
                .ebs(ebs)
                .build(),
        );
    }
    if !spec.tags.is_empty() {
        for kind in [t::ResourceType::Instance, t::ResourceType::Volume] {
            let mut tags = t::LaunchTemplateTagSpecificationRequest::builder().resource_type(kind);
            for (k, v) in &spec.tags {
                tags = tags.tags(t::Tag::builder().key(k).value(v).build());
            }
            data = data.tag_specifications(tags.build());
        }
    }
    let out = c
        .ec2
        .create_launch_template()
        .launch_template_name(name)
        .version_description("cutover relaunch")
        .launch_template_data(data.build())
        .set_tag_specifications(tagged(t::ResourceType::LaunchTemplate, own_tags))
        .send()
        .await
        .map_err(sdk("ec2:CreateLaunchTemplate"))?;
    out.launch_template()
        .and_then(|l| owned(l.launch_template_id()))
        .ok_or_else(|| CloudError::Incomplete("CreateLaunchTemplate returned no id".into()))
}

/// Only io1/io2/gp3 take an IOPS figure; gp2's is derived from its size.
fn provisioned_iops(d: &BlockDevice) -> bool {
    matches!(d.volume_type.as_deref(), Some("io1" | "io2" | "gp3"))
}

pub(crate) async fn delete_template(c: &Clients, id: &str) -> Result<(), CloudError> {
    c.ec2
        .delete_launch_template()
        .launch_template_id(id)
        .send()
        .await
        .map_err(sdk("ec2:DeleteLaunchTemplate"))?;
    Ok(())
}

/// One instance from the template, in `subnet`. `client_token` makes AWS
/// answer a repeated call with the first call's instance; `tags` go on
/// with the launch itself, so no instance ever exists untagged.
pub(crate) async fn run_from_template(
    c: &Clients,
    template_id: &str,
    subnet: &str,
    client_token: &str,
    tags: &[(&str, &str)],
) -> Result<String, CloudError> {
    let out = c
        .ec2
        .run_instances()
        .launch_template(
            t::LaunchTemplateSpecification::builder()
                .launch_template_id(template_id)
                .version("$Latest")
                .build(),
        )
        .subnet_id(subnet)
        .min_count(1)
        .max_count(1)
        .client_token(client_token)
        .set_tag_specifications(tagged(t::ResourceType::Instance, tags))
        .send()
        .await
        .map_err(sdk("ec2:RunInstances"))?;
    out.instances()
        .first()
        .and_then(|i| owned(i.instance_id()))
        .ok_or_else(|| CloudError::Incomplete("RunInstances returned no instance".into()))
}

/// Instances (not terminated) carrying `key=value`, as launches.
pub(crate) async fn launches_tagged(
    c: &Clients,
    key: &str,
    value: &str,
) -> Result<Vec<Launch>, CloudError> {
    let out = c
        .ec2
        .describe_instances()
        .filters(tag_filter(key, value))
        .send()
        .await
        .map_err(sdk("ec2:DescribeInstances"))?;
    Ok(out
        .reservations()
        .iter()
        .flat_map(|r| r.instances())
        .map(launch)
        .filter(|l| !matches!(l.state.as_str(), "terminated" | "shutting-down"))
        .collect())
}

/// Every test launch cutover made in `c`'s region (not terminated).
pub(crate) async fn test_launches(c: &Clients) -> Result<Vec<Launch>, CloudError> {
    launches_tagged(c, LAUNCH_TAG, "test").await
}

/// The cutover launch of `source` in the target, if one is there.
pub(crate) async fn cutover_launch_of(
    c: &Clients,
    source: &str,
) -> Result<Option<Launch>, CloudError> {
    Ok(launches_tagged(c, SOURCE_ID_TAG, source)
        .await?
        .into_iter()
        .find(|l| !l.test))
}

fn launch(i: &t::Instance) -> Launch {
    let tags = tags(i.tags());
    let test = tags.get(LAUNCH_TAG).map(String::as_str) == Some("test");
    Launch {
        instance_id: i.instance_id().unwrap_or_default().to_string(),
        state: i
            .state()
            .and_then(|s| s.name())
            .map(|s| s.as_str().to_string())
            .unwrap_or_default(),
        of: tags
            .get(SOURCE_ID_TAG)
            .or_else(|| tags.get(TEST_OF_TAG))
            .cloned()
            .unwrap_or_default(),
        test,
        private_ip: owned(i.private_ip_address()),
        public_ip: owned(i.public_ip_address()),
    }
}

/// The instance's launch view (state and addresses); None when gone.
pub(crate) async fn instance(c: &Clients, id: &str) -> Result<Option<Launch>, CloudError> {
    let out = super::found(
        "ec2:DescribeInstances",
        c.ec2.describe_instances().instance_ids(id).send().await,
    )?;
    Ok(out.and_then(|o| {
        o.reservations()
            .iter()
            .flat_map(|r| r.instances())
            .find(|i| i.instance_id() == Some(id))
            .map(launch)
    }))
}

pub(crate) async fn terminate(c: &Clients, ids: &[String]) -> Result<(), CloudError> {
    if ids.is_empty() {
        return Ok(());
    }
    c.ec2
        .terminate_instances()
        .set_instance_ids(Some(ids.to_vec()))
        .send()
        .await
        .map_err(sdk("ec2:TerminateInstances"))?;
    Ok(())
}

/// (allocation id, public IP) of an address carrying `key=value`.
pub(crate) async fn address_tagged(
    c: &Clients,
    key: &str,
    value: &str,
) -> Result<Option<(String, String)>, CloudError> {
    let out = c
        .ec2
        .describe_addresses()
        .filters(tag_filter(key, value))
        .send()
        .await
        .map_err(sdk("ec2:DescribeAddresses"))?;
    Ok(out
        .addresses()
        .iter()
        .find_map(|a| Some((a.allocation_id()?.to_string(), a.public_ip()?.to_string()))))
}

/// A new Elastic IP, tagged as it is made: (allocation id, public IP).
pub(crate) async fn allocate_address(
    c: &Clients,
    tags: &[(&str, &str)],
) -> Result<(String, String), CloudError> {
    let out = c
        .ec2
        .allocate_address()
        .domain(t::DomainType::Vpc)
        .set_tag_specifications(tagged(t::ResourceType::ElasticIp, tags))
        .send()
        .await
        .map_err(sdk("ec2:AllocateAddress"))?;
    match (out.allocation_id(), out.public_ip()) {
        (Some(a), Some(ip)) => Ok((a.to_string(), ip.to_string())),
        _ => Err(CloudError::Refused(
            "AllocateAddress returned no allocation".into(),
        )),
    }
}

pub(crate) async fn associate_address(
    c: &Clients,
    allocation: &str,
    instance: &str,
) -> Result<(), CloudError> {
    c.ec2
        .associate_address()
        .allocation_id(allocation)
        .instance_id(instance)
        .allow_reassociation(true)
        .send()
        .await
        .map_err(sdk("ec2:AssociateAddress"))?;
    Ok(())
}

/// How many more Elastic IPs the region takes (its quota less those
/// allocated); None when AWS does not say.
pub(crate) async fn elastic_ip_room(c: &Clients) -> Result<Option<usize>, CloudError> {
    let out = c
        .ec2
        .describe_account_attributes()
        .attribute_names(t::AccountAttributeName::from("vpc-max-elastic-ips"))
        .send()
        .await
        .map_err(sdk("ec2:DescribeAccountAttributes"))?;
    let quota = out
        .account_attributes()
        .iter()
        .filter(|a| {
            matches!(
                a.attribute_name(),
                Some("vpc-max-elastic-ips" | "max-elastic-ips")
            )
        })
        .flat_map(|a| a.attribute_values())
        .find_map(|v| v.attribute_value()?.parse::<usize>().ok());
    let Some(quota) = quota else { return Ok(None) };
    let used = c
        .ec2
        .describe_addresses()
        .send()
        .await
        .map_err(sdk("ec2:DescribeAddresses"))?
        .addresses()
        .len();
    Ok(Some(quota.saturating_sub(used)))
}

/// What EC2's status checks say of a running instance: `ok`,
/// `initializing`, `impaired`, `insufficient-data` or `not-applicable`,
/// with the failed details ("reachability failed").
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct StatusChecks {
    pub(crate) instance: String,
    pub(crate) system: String,
    pub(crate) failed: Vec<String>,
}

/// The status checks of `id` (DescribeInstanceStatus); None while AWS has
/// no status for it yet.
pub(crate) async fn status_checks(
    c: &Clients,
    id: &str,
) -> Result<Option<StatusChecks>, CloudError> {
    let out = c
        .ec2
        .describe_instance_status()
        .instance_ids(id)
        .include_all_instances(true)
        .send()
        .await
        .map_err(sdk("ec2:DescribeInstanceStatus"))?;
    let Some(s) = out
        .instance_statuses()
        .iter()
        .find(|s| s.instance_id() == Some(id))
    else {
        return Ok(None);
    };
    let word = |summary: Option<&t::InstanceStatusSummary>| {
        summary
            .and_then(|x| x.status())
            .map(|x| x.as_str().to_string())
            .unwrap_or_default()
    };
    let failed = [
        ("instance", s.instance_status()),
        ("system", s.system_status()),
    ]
    .into_iter()
    .flat_map(|(which, summary)| {
        summary
            .map(|x| x.details().to_vec())
            .unwrap_or_default()
            .into_iter()
            .filter(|d| d.status().is_some_and(|v| v.as_str() != "passed"))
            .map(move |d| {
                format!(
                    "{which} {} {}",
                    d.name().map(|n| n.as_str()).unwrap_or("check"),
                    d.status().map(|v| v.as_str()).unwrap_or_default()
                )
            })
    })
    .collect();
    Ok(Some(StatusChecks {
        instance: word(s.instance_status()),
        system: word(s.system_status()),
        failed,
    }))
}

/// An Elastic IP cutover made: allocation id, public IP, association id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct MadeAddress {
    pub(crate) allocation_id: String,
    pub(crate) public_ip: String,
    pub(crate) association_id: Option<String>,
}

/// Every address carrying `key=value`.
pub(crate) async fn addresses_tagged(
    c: &Clients,
    key: &str,
    value: &str,
) -> Result<Vec<MadeAddress>, CloudError> {
    let out = c
        .ec2
        .describe_addresses()
        .filters(tag_filter(key, value))
        .send()
        .await
        .map_err(sdk("ec2:DescribeAddresses"))?;
    Ok(out
        .addresses()
        .iter()
        .filter_map(|a| {
            Some(MadeAddress {
                allocation_id: a.allocation_id()?.to_string(),
                public_ip: a.public_ip().unwrap_or_default().to_string(),
                association_id: owned(a.association_id()),
            })
        })
        .collect())
}

/// Gives an Elastic IP back: disassociated first (AWS refuses to release
/// an address still in use), then released.
pub(crate) async fn release_address(c: &Clients, address: &MadeAddress) -> Result<(), CloudError> {
    if let Some(association) = &address.association_id {
        let gone = c
            .ec2
            .disassociate_address()
            .association_id(association)
            .send()
            .await;
        // Already disassociated (its instance went): go on to the release.
        if let Err(e) = gone {
            let e = sdk("ec2:DisassociateAddress")(e);
            if !e.code().is_some_and(|c| c.contains("NotFound")) {
                return Err(e);
            }
        }
    }
    c.ec2
        .release_address()
        .allocation_id(&address.allocation_id)
        .send()
        .await
        .map_err(sdk("ec2:ReleaseAddress"))?;
    Ok(())
}
