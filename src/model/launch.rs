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
    pub id: String,
    pub state: String,
    pub instance_type: String,
    pub availability_zone: String,
    pub vpc_id: Option<String>,
    pub subnet_id: Option<String>,
    pub key_name: Option<String>,
    pub security_group_ids: Vec<String>,
    /// The instance profile's name (ARNs name the source account's path).
    pub iam_profile: Option<String>,
    pub monitoring: bool,
    pub metadata: Option<MetadataOptions>,
    pub tags: BTreeMap<String, String>,
    /// "ebs" or "instance-store".
    pub root_device_type: String,
    pub root_device_name: Option<String>,
    pub image_id: Option<String>,
    /// Marketplace product codes: AWS refuses to copy such an image.
    pub product_codes: Vec<String>,
    pub block_devices: Vec<BlockDevice>,
    /// Base64, as AWS gives and takes it.
    pub user_data: Option<String>,
    /// (allocation id, public IP) of the Elastic IP it holds.
    pub elastic_ip: Option<(String, String)>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub(crate) struct MetadataOptions {
    pub http_tokens: Option<String>,
    pub hop_limit: Option<i32>,
    pub endpoint: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub(crate) struct BlockDevice {
    pub device_name: String,
    pub volume_id: String,
    pub size_gib: Option<i32>,
    pub volume_type: Option<String>,
    pub iops: Option<i32>,
    pub throughput: Option<i32>,
    pub encrypted: bool,
    pub delete_on_termination: bool,
}

/// A launch in the target, as cleanup and the cockpit see it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Launch {
    pub instance_id: String,
    pub state: String,
    /// The source instance it relaunches (or tests).
    pub of: String,
    pub test: bool,
    pub private_ip: Option<String>,
    pub public_ip: Option<String>,
}
