//! AMI copies: CopyImage called in the target with the source region.

use super::{tag_filter, CloudError};
use crate::cloud::ec2;
use crate::cloud::error::sdk;
use crate::cloud::Clients;
use crate::model::resource::SOURCE_ID_TAG;
use crate::model::Resource;

/// The account's image in `c`'s region with this id.
pub async fn image(c: &Clients, id: &str) -> Result<Option<Resource>, CloudError> {
    let out = super::found(
        "ec2:DescribeImages",
        c.ec2.describe_images().image_ids(id).send().await,
    )?;
    Ok(out.and_then(|o| o.images().first().map(|i| ec2::image(&c.region, i))))
}

/// A copy made earlier of `source_id`, found by its tag.
pub(crate) async fn find_copy(
    target: &Clients,
    source_id: &str,
) -> Result<Option<String>, CloudError> {
    let out = target
        .ec2
        .describe_images()
        .owners("self")
        .filters(tag_filter(SOURCE_ID_TAG, source_id))
        .send()
        .await
        .map_err(sdk("ec2:DescribeImages"))?;
    Ok(out
        .images()
        .iter()
        .find(|i| i.state().map(|s| s.as_str()) != Some("deregistered"))
        .and_then(|i| i.image_id().map(str::to_string)))
}

pub(crate) struct ImageCopy<'a> {
    pub(crate) source_region: &'a str,
    pub(crate) source_id: &'a str,
    pub(crate) name: &'a str,
    pub(crate) description: Option<&'a str>,
    /// Makes a retried call return the first call's image instead of a second.
    pub(crate) client_token: &'a str,
    pub(crate) kms_key_id: Option<&'a str>,
}

pub(crate) async fn copy_image(
    target: &Clients,
    copy: &ImageCopy<'_>,
) -> Result<String, CloudError> {
    let mut req = target
        .ec2
        .copy_image()
        .source_region(copy.source_region)
        .source_image_id(copy.source_id)
        .name(copy.name)
        .set_description(copy.description.map(str::to_string))
        .client_token(copy.client_token);
    if let Some(key) = copy.kms_key_id {
        req = req.encrypted(true).kms_key_id(key);
    }
    let out = req.send().await.map_err(sdk("ec2:CopyImage"))?;
    out.image_id()
        .map(str::to_string)
        .ok_or_else(|| CloudError::Incomplete("CopyImage returned no image id".into()))
}

/// ("pending" | "available" | "failed" ..., AWS's reason when failed).
pub(crate) async fn image_state(
    c: &Clients,
    id: &str,
) -> Result<(String, Option<String>), CloudError> {
    let found = image(c, id).await?;
    let Some(found) = found else {
        return Ok((
            "missing".into(),
            Some(format!("{id} is not in {}", c.region)),
        ));
    };
    Ok((found.state.into(), None))
}

/// Cancels an in-flight copy (or removes a finished one).
pub(crate) async fn deregister(c: &Clients, id: &str) -> Result<(), CloudError> {
    c.ec2
        .deregister_image()
        .image_id(id)
        .send()
        .await
        .map_err(sdk("ec2:DeregisterImage"))?;
    Ok(())
}
