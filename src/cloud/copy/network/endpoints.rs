//! Gateway endpoints (S3, DynamoDB): the service in the target region, the
//! copied route tables, the same policy.

use super::vpc::Tags;
use super::{gone_is_fine, returned};
use crate::cloud::copy::tagged;
use crate::cloud::error::sdk;
use crate::cloud::{Clients, CloudError};
use aws_sdk_ec2::types as t;

pub(crate) async fn create_gateway_endpoint(
    c: &Clients,
    vpc_id: &str,
    service_name: &str,
    route_tables: &[String],
    policy: Option<&str>,
    tags: Tags<'_>,
) -> Result<String, CloudError> {
    const OP: &str = "ec2:CreateVpcEndpoint";
    let out = c
        .ec2
        .create_vpc_endpoint()
        .vpc_id(vpc_id)
        .vpc_endpoint_type(t::VpcEndpointType::Gateway)
        .service_name(service_name)
        .set_route_table_ids(Some(route_tables.to_vec()))
        .set_policy_document(policy.map(str::to_string))
        .set_tag_specifications(tagged(t::ResourceType::VpcEndpoint, tags))
        .send()
        .await
        .map_err(sdk(OP))?;
    returned(OP, out.vpc_endpoint().and_then(|e| e.vpc_endpoint_id()))
}

pub(crate) async fn delete_endpoint(c: &Clients, id: &str) -> Result<(), CloudError> {
    let r = c
        .ec2
        .delete_vpc_endpoints()
        .vpc_endpoint_ids(id)
        .send()
        .await;
    gone_is_fine(r.map(|_| ()).map_err(sdk("ec2:DeleteVpcEndpoints")))
}
