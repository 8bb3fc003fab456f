//! Who may launch an AMI: read from the source image, added to its copy.
//! Account ids and organization ARNs mean the same in every region.

use crate::cloud::error::sdk;
use crate::cloud::{Clients, CloudError};
use aws_sdk_ec2::types as t;

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct LaunchPermissions {
    pub(crate) user_ids: Vec<String>,
    /// Launchable by every AWS account (the group "all").
    pub(crate) public: bool,
    pub(crate) organization_arns: Vec<String>,
    pub(crate) organizational_unit_arns: Vec<String>,
}

impl LaunchPermissions {
    pub(crate) fn is_empty(&self) -> bool {
        *self == LaunchPermissions::default()
    }

    /// "accounts 1111, 2222; public; organization arn:...".
    pub(crate) fn describe(&self) -> String {
        let mut parts = Vec::new();
        if !self.user_ids.is_empty() {
            parts.push(format!("accounts {}", self.user_ids.join(", ")));
        }
        if self.public {
            parts.push("public (every AWS account)".to_string());
        }
        for arn in &self.organization_arns {
            parts.push(format!("organization {arn}"));
        }
        for arn in &self.organizational_unit_arns {
            parts.push(format!("organizational unit {arn}"));
        }
        parts.join("; ")
    }
}

pub(crate) async fn launch_permissions(
    c: &Clients,
    image_id: &str,
) -> Result<LaunchPermissions, CloudError> {
    let out = c
        .ec2
        .describe_image_attribute()
        .image_id(image_id)
        .attribute(t::ImageAttributeName::LaunchPermission)
        .send()
        .await
        .map_err(sdk("ec2:DescribeImageAttribute"))?;
    let mut found = LaunchPermissions::default();
    for p in out.launch_permissions() {
        if let Some(id) = p.user_id() {
            found.user_ids.push(id.to_string());
        }
        if p.group() == Some(&t::PermissionGroup::All) {
            found.public = true;
        }
        if let Some(arn) = p.organization_arn() {
            found.organization_arns.push(arn.to_string());
        }
        if let Some(arn) = p.organizational_unit_arn() {
            found.organizational_unit_arns.push(arn.to_string());
        }
    }
    Ok(found)
}

/// Adds the permissions to the image (those already there stay).
pub(crate) async fn add_launch_permissions(
    c: &Clients,
    image_id: &str,
    p: &LaunchPermissions,
) -> Result<(), CloudError> {
    if p.is_empty() {
        return Ok(());
    }
    let mut add: Vec<t::LaunchPermission> = p
        .user_ids
        .iter()
        .map(|id| t::LaunchPermission::builder().user_id(id).build())
        .collect();
    if p.public {
        add.push(
            t::LaunchPermission::builder()
                .group(t::PermissionGroup::All)
                .build(),
        );
    }
    add.extend(
        p.organization_arns
            .iter()
            .map(|a| t::LaunchPermission::builder().organization_arn(a).build()),
    );
    add.extend(p.organizational_unit_arns.iter().map(|a| {
        t::LaunchPermission::builder()
            .organizational_unit_arn(a)
            .build()
    }));
    c.ec2
        .modify_image_attribute()
        .image_id(image_id)
        .launch_permission(
            t::LaunchPermissionModifications::builder()
                .set_add(Some(add))
                .build(),
        )
        .send()
        .await
        .map_err(sdk("ec2:ModifyImageAttribute"))?;
    Ok(())
}
