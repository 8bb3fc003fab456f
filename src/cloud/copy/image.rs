//! AMI copies: CopyImage called in the target with the source region.

use super::snapshot::parse_percent;
use super::{tag_filter, CloudError};
use crate::cloud::ec2;
use crate::cloud::error::sdk;
use crate::cloud::Clients;
use crate::model::resource::SOURCE_ID_TAG;
use crate::model::{Details, Resource};

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

/// Where an image stands: its state ("pending" | "available" | "failed"
/// ...), why when it is not there, and how far a pending one is.
pub(crate) struct ImageState {
    pub(crate) state: String,
    pub(crate) reason: Option<String>,
    pub(crate) percent: Option<u8>,
}

pub(crate) async fn image_state(c: &Clients, id: &str) -> Result<ImageState, CloudError> {
    let Some(found) = image(c, id).await? else {
        return Ok(ImageState {
            state: "missing".into(),
            reason: Some(format!("{id} is not in {}", c.region)),
            percent: None,
        });
    };
    let state: String = found.state.into();
    let percent = match &found.details {
        Details::Image(i) if state == "pending" => snapshots_percent(c, &i.snapshot_ids).await,
        _ => None,
    };
    Ok(ImageState {
        state,
        reason: None,
        percent,
    })
}

/// An image says only "pending" while it is made or copied; the snapshots
/// behind it say how far they are. A read that fails shows no percent
/// rather than failing the wait: the image's own state decides.
async fn snapshots_percent(c: &Clients, ids: &[String]) -> Option<u8> {
    if ids.is_empty() {
        return None;
    }
    let out = c
        .ec2
        .describe_snapshots()
        .set_snapshot_ids(Some(ids.to_vec()))
        .send()
        .await
        .ok()?;
    mean_percent(out.snapshots().iter().map(|s| s.progress()))
}

/// The mean of the percents that parse ("45%"); None if none does.
fn mean_percent<'a>(progress: impl Iterator<Item = Option<&'a str>>) -> Option<u8> {
    let known: Vec<u32> = progress
        .filter_map(|p| p.and_then(parse_percent))
        .map(u32::from)
        .collect();
    if known.is_empty() {
        return None;
    }
    u8::try_from(known.iter().sum::<u32>() / known.len() as u32).ok()
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

#[cfg(test)]
mod tests {
    use super::mean_percent;

    #[test]
    fn a_pending_image_is_as_far_as_the_mean_of_its_snapshots() {
        let p = |v: &[Option<&'static str>]| mean_percent(v.iter().copied());
        assert_eq!(p(&[Some("40%"), Some("80%")]), Some(60));
        // A snapshot that does not say yet is left out, not counted as 0.
        assert_eq!(p(&[Some("30%"), None, Some("bogus")]), Some(30));
        assert_eq!(p(&[None]), None);
        assert_eq!(p(&[]), None);
        assert_eq!(p(&[Some("100%"), Some("100%")]), Some(100));
    }
}
