//! Internet gateways (plain and egress-only), Elastic IPs and NAT gateways.

use super::vpc::Tags;
use super::{gone_is_fine, returned};
use crate::cloud::copy::tagged;
use crate::cloud::error::sdk;
use crate::cloud::{Clients, CloudError};
use aws_sdk_ec2::types as t;

pub(crate) async fn create_internet_gateway(
    c: &Clients,
    tags: Tags<'_>,
) -> Result<String, CloudError> {
    const OP: &str = "ec2:CreateInternetGateway";
    let out = c
        .ec2
        .create_internet_gateway()
        .set_tag_specifications(tagged(t::ResourceType::InternetGateway, tags))
        .send()
        .await
        .map_err(sdk(OP))?;
    returned(
        OP,
        out.internet_gateway().and_then(|g| g.internet_gateway_id()),
    )
}

/// Attaches the gateway; one already attached to this VPC counts as done.
pub(crate) async fn attach_internet_gateway(
    c: &Clients,
    igw: &str,
    vpc_id: &str,
) -> Result<(), CloudError> {
    let r = c
        .ec2
        .attach_internet_gateway()
        .internet_gateway_id(igw)
        .vpc_id(vpc_id)
        .send()
        .await
        .map(|_| ())
        .map_err(sdk("ec2:AttachInternetGateway"));
    match r {
        Err(e) if e.code() == Some("Resource.AlreadyAssociated") => Ok(()),
        other => other,
    }
}

/// Detaches the gateway from `vpc_id` (when known), then deletes it.
pub(crate) async fn delete_internet_gateway(
    c: &Clients,
    igw: &str,
    vpc_id: Option<&str>,
) -> Result<(), CloudError> {
    if let Some(vpc_id) = vpc_id {
        let detach = c
            .ec2
            .detach_internet_gateway()
            .internet_gateway_id(igw)
            .vpc_id(vpc_id)
            .send()
            .await
            .map(|_| ())
            .map_err(sdk("ec2:DetachInternetGateway"));
        match detach {
            Err(e) if e.code() == Some("Gateway.NotAttached") => {}
            other => gone_is_fine(other)?,
        }
    }
    let r = c
        .ec2
        .delete_internet_gateway()
        .internet_gateway_id(igw)
        .send()
        .await;
    gone_is_fine(r.map(|_| ()).map_err(sdk("ec2:DeleteInternetGateway")))
}

pub(crate) async fn create_egress_only_gateway(
    c: &Clients,
    vpc_id: &str,
    tags: Tags<'_>,
) -> Result<String, CloudError> {
    const OP: &str = "ec2:CreateEgressOnlyInternetGateway";
    let out = c
        .ec2
        .create_egress_only_internet_gateway()
        .vpc_id(vpc_id)
        .set_tag_specifications(tagged(t::ResourceType::EgressOnlyInternetGateway, tags))
        .send()
        .await
        .map_err(sdk(OP))?;
    returned(
        OP,
        out.egress_only_internet_gateway()
            .and_then(|g| g.egress_only_internet_gateway_id()),
    )
}

pub(crate) async fn delete_egress_only_gateway(c: &Clients, id: &str) -> Result<(), CloudError> {
    let r = c
        .ec2
        .delete_egress_only_internet_gateway()
        .egress_only_internet_gateway_id(id)
        .send()
        .await;
    gone_is_fine(
        r.map(|_| ())
            .map_err(sdk("ec2:DeleteEgressOnlyInternetGateway")),
    )
}

/// A new Elastic IP: (allocation id, public IP).
pub(crate) async fn allocate_address(
    c: &Clients,
    tags: Tags<'_>,
) -> Result<(String, String), CloudError> {
    const OP: &str = "ec2:AllocateAddress";
    let out = c
        .ec2
        .allocate_address()
        .domain(t::DomainType::Vpc)
        .set_tag_specifications(tagged(t::ResourceType::ElasticIp, tags))
        .send()
        .await
        .map_err(sdk(OP))?;
    Ok((
        returned(OP, out.allocation_id())?,
        out.public_ip().unwrap_or_default().to_string(),
    ))
}

/// The public IP of an allocation.
pub(crate) async fn address_ip(
    c: &Clients,
    allocation_id: &str,
) -> Result<Option<String>, CloudError> {
    let out = c
        .ec2
        .describe_addresses()
        .allocation_ids(allocation_id)
        .send()
        .await
        .map_err(sdk("ec2:DescribeAddresses"))?;
    Ok(out
        .addresses()
        .first()
        .and_then(|a| a.public_ip().map(str::to_string)))
}

pub(crate) async fn release_address(c: &Clients, allocation_id: &str) -> Result<(), CloudError> {
    let r = c
        .ec2
        .release_address()
        .allocation_id(allocation_id)
        .send()
        .await;
    gone_is_fine(r.map(|_| ()).map_err(sdk("ec2:ReleaseAddress")))
}

pub(crate) async fn create_nat_gateway(
    c: &Clients,
    subnet_id: &str,
    allocation_id: Option<&str>,
    tags: Tags<'_>,
    client_token: &str,
) -> Result<String, CloudError> {
    const OP: &str = "ec2:CreateNatGateway";
    let connectivity = match allocation_id {
        Some(_) => t::ConnectivityType::Public,
        None => t::ConnectivityType::Private,
    };
    let out = c
        .ec2
        .create_nat_gateway()
        .subnet_id(subnet_id)
        .set_allocation_id(allocation_id.map(str::to_string))
        .connectivity_type(connectivity)
        .client_token(client_token)
        .set_tag_specifications(tagged(t::ResourceType::Natgateway, tags))
        .send()
        .await
        .map_err(sdk(OP))?;
    returned(OP, out.nat_gateway().and_then(|g| g.nat_gateway_id()))
}

/// "available", "pending", "deleted", ... and AWS's reason when it failed.
pub(crate) async fn nat_state(
    c: &Clients,
    id: &str,
) -> Result<(String, Option<String>), CloudError> {
    let out = c
        .ec2
        .describe_nat_gateways()
        .nat_gateway_ids(id)
        .send()
        .await
        .map_err(sdk("ec2:DescribeNatGateways"))?;
    let g = out.nat_gateways().first();
    Ok((
        g.and_then(|g| g.state())
            .map(|s| s.as_str().to_string())
            .unwrap_or_else(|| "deleted".into()),
        g.and_then(|g| g.failure_message().map(str::to_string)),
    ))
}

/// How long a NAT gateway's deletion is waited for before the undo says so.
const NAT_DELETE_WAIT: std::time::Duration = std::time::Duration::from_secs(600);

/// Waits until a NAT gateway is gone (it holds its address and subnet
/// until then). Nothing shows this wait's progress, so the SDK's waiter
/// polls (DescribeNatGateways; NatGatewayNotFound also counts as gone).
pub(crate) async fn wait_nat_gateway_deleted(c: &Clients, id: &str) -> Result<(), CloudError> {
    use aws_sdk_ec2::client::Waiters;
    c.ec2
        .wait_until_nat_gateway_deleted()
        .nat_gateway_ids(id)
        .wait(NAT_DELETE_WAIT)
        .await
        .map(|_| ())
        .map_err(crate::cloud::error::waited(
            "ec2:DescribeNatGateways",
            format!("the deletion of NAT gateway {id} in {}", c.region),
        ))
}

pub(crate) async fn delete_nat_gateway(c: &Clients, id: &str) -> Result<(), CloudError> {
    let r = c.ec2.delete_nat_gateway().nat_gateway_id(id).send().await;
    gone_is_fine(r.map(|_| ()).map_err(sdk("ec2:DeleteNatGateway")))
}
