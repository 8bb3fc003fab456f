//! What CopyImage, CopySnapshot and CopyDBSnapshot will refuse or need:
//! KMS keys for encrypted data, AMIs that are not this account's to copy.

use super::{Findings, Input, Severity};
use crate::model::{Details, Kind};

pub(crate) fn check(input: &Input, f: &mut Findings) {
    encryption(input, f);
    images(input, f);
}

fn encryption(input: &Input, f: &mut Findings) {
    let key = input.options.kms_key_id.as_deref();
    let target = input.inventory.target_region();
    for r in input.selected() {
        let (encrypted, what) = match &r.details {
            Details::Volume(v) => (v.encrypted, "volume"),
            Details::Snapshot(s) => (s.encrypted, "snapshot"),
            Details::DbSnapshot(s) => (s.encrypted, "DB snapshot"),
            Details::DbInstance(d) => (d.encrypted, "DB instance"),
            _ => continue,
        };
        if !encrypted || key.is_some() {
            continue;
        }
        if matches!(r.kind, Kind::DbSnapshot | Kind::DbInstance) {
            // CopyDBSnapshot and cross-region replicas of encrypted DBs
            // require a key of the target region: AWS refuses without one.
            f.add(
                Severity::Blocker,
                "kms-key",
                Some(&r.id),
                format!(
                    "the {what} is encrypted; its copy in {target} needs a KMS key of {target}"
                ),
                Some(format!(
                    "create or pick a key in {target} and pass --kms-key-id"
                )),
            );
        } else {
            f.add(
                Severity::Warning,
                "kms-key",
                Some(&r.id),
                format!("the {what} is encrypted; without --kms-key-id its copy uses the default aws/ebs key of {target}"),
                Some(format!("pass --kms-key-id with a key of {target} if the copy must use your own key")),
            );
        }
    }
    for img in &input.facts.images {
        if !img.encrypted_snapshots.is_empty() && key.is_none() {
            f.add(
                Severity::Warning,
                "kms-key",
                Some(&img.id),
                format!(
                    "the AMI's snapshots are encrypted ({}); without --kms-key-id the copy uses the default aws/ebs key of {target}",
                    img.encrypted_snapshots.join(", ")
                ),
                Some(format!("pass --kms-key-id with a key of {target} if the copy must use your own key")),
            );
        }
    }
}

fn images(input: &Input, f: &mut Findings) {
    let own: Vec<&str> = input
        .inventory
        .resources(crate::model::Side::Source, Kind::Image)
        .iter()
        .map(|r| r.id.as_str())
        .collect();
    for img in &input.facts.images {
        if !img.product_codes.is_empty() {
            f.add(
                Severity::Blocker,
                "ami-product-code",
                Some(&img.id),
                format!(
                    "the AMI carries product codes ({}): CopyImage refuses Marketplace AMIs",
                    img.product_codes.join(", ")
                ),
                Some(
                    "subscribe to the same product in the target and launch from its AMI there"
                        .into(),
                ),
            );
        } else if !own.contains(&img.id.as_str()) {
            f.add(
                Severity::Warning,
                "ami-owner",
                Some(&img.id),
                format!(
                    "the AMI belongs to another account ({}): it can be copied only if shared with launch permission",
                    img.owner_id.as_deref().unwrap_or("unknown owner")
                ),
                Some("use the owner's AMI published in the target (public AMIs have other ids per region), or ask the owner to share it".into()),
            );
        }
    }
    let described: Vec<&str> = input.facts.images.iter().map(|i| i.id.as_str()).collect();
    for r in input.selected() {
        if let Details::Instance(i) = &r.details {
            if let Some(image) = &i.image_id {
                if !described.contains(&image.as_str()) && !own.contains(&image.as_str()) {
                    f.add(
                        Severity::Warning,
                        "ami-missing",
                        Some(&r.id),
                        format!("the instance's AMI {image} no longer exists (or is not visible): it cannot be copied"),
                        Some("create an image from the instance first (CreateImage), then copy that".into()),
                    );
                }
            }
        }
    }
}
