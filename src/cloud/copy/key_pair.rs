//! Key pairs: the public key is imported into the target under the same name.

use super::{tagged, CloudError};
use crate::cloud::ec2;
use crate::cloud::error::sdk;
use crate::cloud::Clients;
use crate::model::Resource;
use aws_sdk_ec2::primitives::Blob;
use aws_sdk_ec2::types as t;

/// The key pair called `name`, with its public key.
pub async fn key_pair(c: &Clients, name: &str) -> Result<Option<Resource>, CloudError> {
    let out = super::found(
        "ec2:DescribeKeyPairs",
        c.ec2
            .describe_key_pairs()
            .key_names(name)
            .include_public_key(true)
            .send()
            .await,
    )?;
    Ok(out.and_then(|o| o.key_pairs().first().map(|k| ec2::key_pair(&c.region, k))))
}

pub async fn import_key(
    c: &Clients,
    name: &str,
    public_key: &str,
    tags: &[(&str, &str)],
) -> Result<(), CloudError> {
    c.ec2
        .import_key_pair()
        .key_name(name)
        .public_key_material(Blob::new(public_key.as_bytes()))
        .set_tag_specifications(tagged(t::ResourceType::KeyPair, tags))
        .send()
        .await
        .map_err(sdk("ec2:ImportKeyPair"))?;
    Ok(())
}
