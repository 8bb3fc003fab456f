//! What a relaunch needs to know about a source instance, read once from
//! AWS (instance, its volumes, its user data, its Elastic IP), so that the
//! checks and the launch template are plain functions of it.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The tag that says which launch an instance is: `test` or `cutover`.
pub(crate) const LAUNCH_TAG: &str = "cutover:launch";
/// On a test launch, the source instance it tests (test launches carry no
/// `cutover:source-id`: they are not the source's counterpart).
pub(crate) const TEST_OF_TAG: &str = "cutover:test-of";

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub(crate) struct SourceInstance {
    pub(crate) id: String,
    pub(crate) state: String,
    pub(crate) instance_type: String,
    pub(crate) availability_zone: String,
    pub(crate) vpc_id: Option<String>,
    pub(crate) subnet_id: Option<String>,
    pub(crate) key_name: Option<String>,
    pub(crate) security_group_ids: Vec<String>,
    /// The instance profile's name (ARNs name the source account's path).
    pub(crate) iam_profile: Option<String>,
    pub(crate) monitoring: bool,
    pub(crate) metadata: Option<MetadataOptions>,
    pub(crate) tags: BTreeMap<String, String>,
    /// "ebs" or "instance-store".
    pub(crate) root_device_type: String,
    pub(crate) root_device_name: Option<String>,
    pub(crate) image_id: Option<String>,
    /// Marketplace product codes: AWS refuses to copy such an image.
    pub(crate) product_codes: Vec<String>,
    pub(crate) block_devices: Vec<BlockDevice>,
    /// Base64, as AWS gives and takes it.
    pub(crate) user_data: Option<String>,
    /// (allocation id, public IP) of the Elastic IP it holds.
    pub(crate) elastic_ip: Option<(String, String)>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub(crate) struct MetadataOptions {
    pub(crate) http_tokens: Option<String>,
    pub(crate) hop_limit: Option<i32>,
    pub(crate) endpoint: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub(crate) struct BlockDevice {
    pub(crate) device_name: String,
    pub(crate) volume_id: String,
    pub(crate) size_gib: Option<i32>,
    pub(crate) volume_type: Option<String>,
    pub(crate) iops: Option<i32>,
    pub(crate) throughput: Option<i32>,
    pub(crate) encrypted: bool,
    pub(crate) delete_on_termination: bool,
}

/// A launch in the target, as cleanup and the cockpit see it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub(crate) struct Launch {
    pub(crate) instance_id: String,
    pub(crate) state: String,
    /// The source instance it relaunches (or tests).
    pub(crate) of: String,
    pub(crate) test: bool,
    pub(crate) private_ip: Option<String>,
    pub(crate) public_ip: Option<String>,
}
