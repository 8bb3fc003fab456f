//! A copy task: a named, step-wise state machine. Queued -> Running(step)
//! -> Done | Failed(step) | Cancelled, with Paused between steps.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// What a task copies; one kind of AWS work each.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CopyKind {
    /// CopyImage into the target.
    Image,
    /// Snapshot the volume, copy the snapshot, optionally make a volume.
    Volume,
    /// Copy a snapshot.
    Snapshot,
    /// Import the public key under the same name.
    KeyPair,
    /// Re-create a set of groups together: references among them remap.
    SecurityGroups,
    /// A new bucket in the target, its settings, every object server-side.
    Bucket,
    /// Snapshot a DB instance, copy the snapshot, optionally restore.
    DbInstance,
    /// Copy a manual DB snapshot, optionally restore.
    DbSnapshot,
    /// Clone a VPC's skeleton (and the groups selected with it).
    Vpc,
    /// A cross-region read replica of a DB instance, kept in sync until the
    /// operator promotes it (`cutover db promote`).
    DbReplica,
    /// Copy a manual Aurora DB cluster snapshot.
    DbClusterSnapshot,
    /// Relaunch an instance in the target: a fresh image, its copy, a
    /// launch template, the instance, a new Elastic IP.
    Instance,
}

impl CopyKind {
    pub(crate) fn label(self) -> &'static str {
        match self {
            CopyKind::Image => "AMI copy",
            CopyKind::Volume => "volume copy",
            CopyKind::Snapshot => "snapshot copy",
            CopyKind::KeyPair => "key pair import",
            CopyKind::SecurityGroups => "security groups",
            CopyKind::Bucket => "bucket migration",
            CopyKind::DbInstance => "DB instance copy",
            CopyKind::DbSnapshot => "DB snapshot copy",
            CopyKind::Vpc => "network clone",
            CopyKind::DbReplica => "DB read replica",
            CopyKind::DbClusterSnapshot => "cluster snapshot",
            CopyKind::Instance => "relaunch",
        }
    }
}

/// Choices made in the copy dialog (or on the command line).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CopyOptions {
    /// Where security groups are re-created (default: the target's default VPC).
    pub target_vpc: Option<String>,
    /// Encrypt copies with this target-region KMS key.
    pub kms_key_id: Option<String>,
    /// Make a volume from the copied snapshot in this target AZ.
    pub target_az: Option<String>,
    /// The copy's bucket name (bucket names are global).
    #[serde(default)]
    pub target_bucket: Option<String>,
    #[serde(default)]
    pub s3: S3Tuning,
    /// Restore a DB instance from the copied snapshot.
    #[serde(default)]
    pub restore: Option<RestoreOptions>,
    /// Subnet AZs of a network clone, `us-east-1a=eu-west-1b,...`; AZs not
    /// named go by position.
    #[serde(default)]
    pub az_map: Option<String>,
    /// AMIs: give the copy the source image's launch permissions.
    #[serde(default)]
    pub launch_permissions: bool,
    /// Versions, archived objects, deletions, replication of a bucket.
    #[serde(default)]
    pub bucket: super::bucket_options::BucketOptions,
    /// Tasks (ids) that must be done before this one starts: a relaunch
    /// needs its groups, key pair and network first. On the options rather
    /// than the spec so the spec's many literals stay as they are.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub needs: Vec<String>,
    /// How an instance is relaunched.
    #[serde(default)]
    pub launch: LaunchOptions,
}

/// Choices for relaunching an instance in the target.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct LaunchOptions {
    /// Reboot the instance for its image: consistent file systems, a short
    /// outage. The default images it running.
    #[serde(default)]
    pub reboot: bool,
    /// A test launch: tagged `cutover:launch=test`, no Elastic IP, not in
    /// the report's id map; `cutover cleanup --test-launches` ends it.
    #[serde(default)]
    pub test_launch: bool,
    /// Launch into this target subnet instead of the clone of the source's.
    #[serde(default)]
    pub target_subnet: Option<String>,
    /// Terminate the cutover launch already in the target, once the new one runs.
    #[serde(default)]
    pub replace: bool,
}

/// How objects are copied. Small thresholds and parts make tests cheap.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct S3Tuning {
    /// Objects above this size go multipart (CopyObject stops at 5 GiB).
    pub multipart_threshold: u64,
    pub part_size: u64,
    /// Objects copied at once.
    pub concurrency: usize,
    /// Parts of one object copied at once.
    pub part_concurrency: usize,
    /// Objects past which a bucket copy suggests S3 Batch Operations.
    #[serde(default = "default_batch_threshold")]
    pub batch_threshold: u64,
}

fn default_batch_threshold() -> u64 {
    10_000_000
}

impl Default for S3Tuning {
    fn default() -> Self {
        S3Tuning {
            multipart_threshold: 5 * 1024 * 1024 * 1024,
            part_size: 512 * 1024 * 1024,
            concurrency: 64,
            part_concurrency: 8,
            batch_threshold: default_batch_threshold(),
        }
    }
}

/// A DB instance made in the target: restored from the copied snapshot,
/// or (for a `DbReplica` task) the read replica. Unset settings are AWS's
/// defaults (for a restore, mostly the snapshot's).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RestoreOptions {
    pub instance_id: String,
    pub instance_class: Option<String>,
    pub subnet_group: Option<String>,
    #[serde(default)]
    pub security_group_ids: Vec<String>,
    /// Rename an instance already holding `instance_id` out of the way
    /// (the operator typed its name to confirm).
    #[serde(default)]
    pub replace: bool,
    #[serde(default)]
    pub parameter_group: Option<String>,
    #[serde(default)]
    pub option_group: Option<String>,
    #[serde(default)]
    pub multi_az: Option<bool>,
    #[serde(default)]
    pub storage_type: Option<String>,
    #[serde(default)]
    pub backup_retention_days: Option<i32>,
    #[serde(default)]
    pub deletion_protection: Option<bool>,
    /// What the copy makes in the target first, when missing.
    #[serde(default)]
    pub landing: Option<super::landing::LandingZone>,
}

/// Progress of a long object copy.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Transfer {
    pub objects_listed: u64,
    pub bytes_listed: u64,
    /// The source listing has ended: the totals above are final.
    pub listing_done: bool,
    /// Copied or found already there.
    pub objects_done: u64,
    pub bytes_done: u64,
    pub objects_skipped: u64,
    pub elapsed_ms: u64,
    /// Archived objects whose restore is asked and not finished yet.
    #[serde(default)]
    pub restoring: u64,
}

/// Everything needed to run (or resume) a task; written to the journal first.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TaskSpec {
    pub id: String,
    pub kind: CopyKind,
    /// One id, or several for a set of security groups.
    pub source_ids: Vec<String>,
    /// source id -> its name, for messages and the copies' names.
    pub names: BTreeMap<String, String>,
    pub source_region: String,
    pub target_region: String,
    pub options: CopyOptions,
    /// Security groups already copied earlier (source id -> target id), so
    /// rules that refer to them can be remapped.
    #[serde(default)]
    pub known_copies: BTreeMap<String, String>,
}

/// The explicit steps of each kind of task.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Step {
    CopyImage,
    WaitImage,
    TagImage,
    SnapshotVolume,
    WaitSnapshot,
    CopySnapshot,
    WaitCopy,
    TagCopy,
    CreateVolume,
    ImportKey,
    CreateGroups,
    AddRules,
    CreateBucket,
    CarrySettings,
    CopyObjects,
    VerifyObjects,
    SnapshotDb,
    WaitDbSnapshot,
    CopyDbSnapshot,
    WaitDbCopy,
    RestoreDb,
    WaitDb,
    CreateVpc,
    CreateSubnets,
    CreateGateways,
    CreateNatGateways,
    CreateRouteTables,
    CopyNetworkAcls,
    CreateEndpoints,
    MakeLandingZone,
    CreateReplica,
    WaitReplica,
    /// Gated: runs only once the operator confirmed the promote.
    PromoteReplica,
    WaitPromoted,
    ReverseReplica,
    WaitReverseReplica,
    CopyDbClusterSnapshot,
    WaitDbClusterCopy,
    ImageInstance,
    WaitInstanceImage,
    CopyInstanceImage,
    WaitInstanceCopy,
    MakeLaunchTemplate,
    RunInstance,
    WaitRunning,
    /// EC2's instance and system status checks `ok` (bounded).
    WaitStatusChecks,
    AttachElasticIp,
    RetireEarlierLaunch,
    /// S3 Replication from the source bucket to its copy (`--replicate`).
    Replicate,
    /// AMIs, when asked: the source image's launch permissions on the copy.
    CarryLaunchPermissions,
    /// Manifest and CreateJob of an S3 Batch Operations copy.
    BatchCopy,
    WaitBatch,
}

impl Step {
    pub(crate) fn label(self) -> &'static str {
        match self {
            Step::CopyImage => "copy image",
            Step::WaitImage => "wait for the image",
            Step::TagImage => "tag the image",
            Step::SnapshotVolume => "snapshot the volume",
            Step::WaitSnapshot => "wait for the snapshot",
            Step::CopySnapshot => "copy the snapshot",
            Step::WaitCopy => "wait for the copy",
            Step::TagCopy => "tag the copy",
            Step::CreateVolume => "create the volume",
            Step::ImportKey => "import the key",
            Step::CreateGroups => "create the groups",
            Step::AddRules => "add the rules",
            Step::CreateBucket => "create the bucket",
            Step::CarrySettings => "carry the bucket settings",
            Step::CopyObjects => "copy the objects",
            Step::VerifyObjects => "verify the objects",
            Step::SnapshotDb => "snapshot the DB instance",
            Step::WaitDbSnapshot => "wait for the DB snapshot",
            Step::CopyDbSnapshot => "copy the DB snapshot",
            Step::WaitDbCopy => "wait for the DB snapshot copy",
            Step::RestoreDb => "restore a DB instance",
            Step::WaitDb => "wait for the DB instance",
            Step::CreateVpc => "create the VPC",
            Step::CreateSubnets => "create the subnets",
            Step::CreateGateways => "create the internet gateways",
            Step::CreateNatGateways => "create the NAT gateways",
            Step::CreateRouteTables => "create the route tables",
            Step::CopyNetworkAcls => "copy the network ACLs",
            Step::CreateEndpoints => "create the gateway endpoints",
            Step::MakeLandingZone => "make the DB landing zone",
            Step::CreateReplica => "create the read replica",
            Step::WaitReplica => "wait for the read replica",
            Step::PromoteReplica => "promote the read replica",
            Step::WaitPromoted => "wait for the promoted instance",
            Step::ReverseReplica => "create the reverse replica in the source",
            Step::WaitReverseReplica => "wait for the reverse replica",
            Step::CopyDbClusterSnapshot => "copy the DB cluster snapshot",
            Step::WaitDbClusterCopy => "wait for the DB cluster snapshot copy",
            Step::ImageInstance => "image the instance",
            Step::WaitInstanceImage => "wait for the instance's image",
            Step::CopyInstanceImage => "copy the image",
            Step::WaitInstanceCopy => "wait for the image copy",
            Step::MakeLaunchTemplate => "make the launch template",
            Step::RunInstance => "launch the instance",
            Step::WaitRunning => "wait until it runs",
            Step::WaitStatusChecks => "wait for the status checks",
            Step::AttachElasticIp => "give it a new Elastic IP",
            Step::RetireEarlierLaunch => "terminate the earlier launch",
            Step::Replicate => "set up replication",
            Step::CarryLaunchPermissions => "carry the launch permissions",
            Step::BatchCopy => "hand the copy to S3 Batch Operations",
            Step::WaitBatch => "wait for the Batch Operations job",
        }
    }

    /// Steps that wait on AWS: they report progress and may take long.
    pub fn is_wait(self) -> bool {
        matches!(
            self,
            Step::WaitImage
                | Step::WaitSnapshot
                | Step::WaitCopy
                | Step::WaitDbSnapshot
                | Step::WaitDbCopy
                | Step::WaitDb
                | Step::WaitReplica
                | Step::WaitPromoted
                | Step::WaitReverseReplica
                | Step::WaitDbClusterCopy
                | Step::WaitInstanceImage
                | Step::WaitInstanceCopy
                | Step::WaitRunning
                | Step::WaitStatusChecks
                | Step::WaitBatch
        )
    }
}

impl TaskSpec {
    pub fn steps(&self) -> Vec<Step> {
        use Step::*;
        match self.kind {
            CopyKind::Image if self.options.launch_permissions => {
                vec![CopyImage, WaitImage, TagImage, CarryLaunchPermissions]
            }
            CopyKind::Image => vec![CopyImage, WaitImage, TagImage],
            CopyKind::Volume if self.options.target_az.is_some() => {
                vec![
                    SnapshotVolume,
                    WaitSnapshot,
                    CopySnapshot,
                    WaitCopy,
                    TagCopy,
                    CreateVolume,
                ]
            }
            CopyKind::Volume => vec![
                SnapshotVolume,
                WaitSnapshot,
                CopySnapshot,
                WaitCopy,
                TagCopy,
            ],
            CopyKind::Snapshot => vec![CopySnapshot, WaitCopy, TagCopy],
            CopyKind::KeyPair => vec![ImportKey],
            CopyKind::SecurityGroups => vec![CreateGroups, AddRules],
            CopyKind::Bucket => {
                let mut steps = vec![CreateBucket, CarrySettings];
                match self.options.bucket.batch {
                    Some(_) => steps.extend([BatchCopy, WaitBatch]),
                    None => steps.push(CopyObjects),
                }
                steps.push(VerifyObjects);
                if self.options.bucket.replicate_role.is_some() {
                    steps.push(Replicate);
                }
                steps
            }
            CopyKind::DbInstance | CopyKind::DbSnapshot => {
                let restore = self.options.restore.as_ref();
                // The landing zone comes first: the snapshot copy names its
                // option group.
                let mut steps = match restore.and_then(|r| r.landing.as_ref()) {
                    Some(_) => vec![MakeLandingZone],
                    None => vec![],
                };
                if self.kind == CopyKind::DbInstance {
                    steps.extend([SnapshotDb, WaitDbSnapshot]);
                }
                steps.extend([CopyDbSnapshot, WaitDbCopy]);
                if restore.is_some() {
                    steps.extend([RestoreDb, WaitDb]);
                }
                steps
            }
            CopyKind::Vpc => {
                let mut steps = vec![
                    CreateVpc,
                    CreateSubnets,
                    CreateGateways,
                    CreateNatGateways,
                    CreateRouteTables,
                    CopyNetworkAcls,
                    CreateEndpoints,
                ];
                // Groups selected with their VPC land in its clone.
                if self.source_ids.len() > 1 {
                    steps.extend([CreateGroups, AddRules]);
                }
                steps
            }
            // The reverse steps do nothing unless the promote asked for them.
            CopyKind::DbReplica => vec![
                MakeLandingZone,
                CreateReplica,
                WaitReplica,
                PromoteReplica,
                WaitPromoted,
                ReverseReplica,
                WaitReverseReplica,
            ],
            CopyKind::DbClusterSnapshot => vec![CopyDbClusterSnapshot, WaitDbClusterCopy],
            CopyKind::Instance => {
                let mut steps = vec![
                    ImageInstance,
                    WaitInstanceImage,
                    CopyInstanceImage,
                    WaitInstanceCopy,
                    MakeLaunchTemplate,
                    RunInstance,
                    WaitRunning,
                    WaitStatusChecks,
                    AttachElasticIp,
                ];
                if self.options.launch.replace {
                    steps.push(RetireEarlierLaunch);
                }
                steps
            }
        }
    }

    /// "ami-123 (web)", or the names of a set: "shop-web, shop-db".
    pub(crate) fn what(&self) -> String {
        match self.source_ids.as_slice() {
            [one] => match self.names.get(one).filter(|n| *n != one) {
                Some(name) => format!("{one} ({name})"),
                None => one.clone(),
            },
            many => many
                .iter()
                .map(|id| self.names.get(id).unwrap_or(id).as_str())
                .collect::<Vec<_>>()
                .join(", "),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum TaskState {
    Queued,
    Running {
        step: usize,
    },
    /// Stopped between steps by the operator; resumes at `step`.
    Paused {
        step: usize,
    },
    Done,
    Failed {
        step: usize,
        error: String,
    },
    Cancelled {
        note: String,
    },
}

impl TaskState {
    /// Nothing more happens on its own: done, failed (until retried) or
    /// cancelled. The one meaning of "finished" everywhere.
    pub fn is_finished(&self) -> bool {
        matches!(
            self,
            TaskState::Done | TaskState::Failed { .. } | TaskState::Cancelled { .. }
        )
    }

    /// Cancel undoes what a task made: anything not done or already
    /// cancelled (a failed task too, to clean up its half).
    pub(crate) fn can_cancel(&self) -> bool {
        !matches!(self, TaskState::Done | TaskState::Cancelled { .. })
    }

    pub(crate) fn name(&self) -> &'static str {
        match self {
            TaskState::Queued => "queued",
            TaskState::Running { .. } => "running",
            TaskState::Paused { .. } => "paused",
            TaskState::Done => "done",
            TaskState::Failed { .. } => "failed",
            TaskState::Cancelled { .. } => "cancelled",
        }
    }
}

/// Output set when the operator confirmed a replica's promote (ms).
pub(crate) const PROMOTE_CONFIRMED: &str = "promote_confirmed_ms";
/// The time of the data a copy of an existing AMI, snapshot or DB snapshot
/// holds (its CreationDate, StartTime or SnapshotCreateTime), in ms since
/// the epoch: recorded by the step that read the source, for "target as of".
pub(crate) const SOURCE_TIME: &str = "source_time_ms";
/// Output of a bucket copy whose source now replicates to it.
pub(crate) const REPLICATING: &str = "replicating";
/// Output set when the promote asked for a reverse replica in the source.
pub(crate) const REVERSE_REPLICA: &str = "reverse_replica";

/// A task as the tasks pane and the report see it.
#[derive(Debug, Clone, PartialEq)]
pub struct Task {
    pub spec: TaskSpec,
    pub state: TaskState,
    /// The first step not yet done.
    pub(crate) next_step: usize,
    /// Values steps produced, by name: "snapshot" -> snap-1, "copy" -> snap-2,
    /// and "target:SOURCE_ID" -> the copy's id.
    pub outputs: BTreeMap<String, String>,
    /// AWS's own progress of the running wait, when it gives one (0-100).
    pub progress: Option<u8>,
    /// What AWS says of the running wait, in words ("instance status
    /// initializing, system status ok"); not journaled, like `progress`.
    pub(crate) status: Option<String>,
    /// Objects and bytes of a running bucket copy.
    pub transfer: Option<Transfer>,
    /// What happened, in order, with times (ms since the epoch).
    pub history: Vec<(u64, String)>,
    /// What the copy could not carry, for the operator and the report.
    pub notes: Vec<String>,
    /// What the copy left out that the operator must act on; a task done
    /// with any of these is "done with warnings".
    pub warnings: Vec<String>,
    /// What it made on the way that stays until cleaned up.
    pub(crate) leftovers: Vec<super::leftover::Leftover>,
    /// The step each warning came from (same order as `warnings`), so a
    /// retry of what was left out forgets only the warnings it re-checks.
    pub(crate) warning_steps: Vec<usize>,
    pub(crate) created_ms: u64,
    pub finished_ms: Option<u64>,
}

impl Task {
    pub fn new(spec: TaskSpec, created_ms: u64) -> Self {
        Task {
            spec,
            state: TaskState::Queued,
            next_step: 0,
            outputs: BTreeMap::new(),
            progress: None,
            status: None,
            transfer: None,
            history: Vec::new(),
            notes: Vec::new(),
            warnings: Vec::new(),
            leftovers: Vec::new(),
            warning_steps: Vec::new(),
            created_ms,
            finished_ms: None,
        }
    }

    /// source id -> target id, for what this task has made.
    pub fn copies(&self) -> BTreeMap<String, String> {
        self.outputs
            .iter()
            .filter_map(|(k, v)| {
                k.strip_prefix("target:")
                    .map(|s| (s.to_string(), v.clone()))
            })
            .collect()
    }

    /// The state in the operator's words: "done with warnings" when the
    /// task finished but left something out.
    pub fn state_name(&self) -> &'static str {
        if self.ready_to_promote() {
            return "replicating";
        }
        match self.state {
            TaskState::Done if !self.warnings.is_empty() => "done with warnings",
            // Copied and verified; new writes follow through S3 Replication.
            TaskState::Done if self.outputs.contains_key(REPLICATING) => "replicating",
            ref other => other.name(),
        }
    }

    /// A read replica in sync, waiting for the operator's promote: counted
    /// as "ready to promote", never as done.
    pub fn ready_to_promote(&self) -> bool {
        matches!(self.state, TaskState::Paused { .. })
            && self.current_step() == Some(Step::PromoteReplica)
            && !self.outputs.contains_key(PROMOTE_CONFIRMED)
    }

    pub fn current_step(&self) -> Option<Step> {
        self.spec.steps().get(self.next_step).copied()
    }
}
