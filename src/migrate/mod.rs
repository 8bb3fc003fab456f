//! Copy tasks: step-wise state machines, run by a scheduler with caps per
//! kind, journaled so a crash resumes where it was.

mod bucket;
mod bucket_archived;
mod bucket_batch;
mod bucket_listing;
mod bucket_options;
mod bucket_pipeline;
mod bucket_versions;
mod cancel;
mod cluster;
pub mod compact;
mod db_prepare;
pub mod edit;
mod events;
mod groups;
mod journal_link;
mod landing;
pub(crate) mod left_out;
pub mod leftover;
mod needs;
mod network;
mod plan;
mod rds;
mod references;
pub mod relaunch;
mod replica;
mod scheduler;
mod steps;
mod store;
mod task;
mod volume;
mod wait;

pub use bucket::{deletions_preview, VERIFIED_BYTES, VERIFIED_OBJECTS};
pub use bucket_options::{Archived, BatchOptions, BucketOptions, RestoreTier, Versions};
pub(crate) use db_prepare::{make_replicas, needs_survey, prepare as prepare_db, DbPrep};
pub use events::TaskEvent;
pub(crate) use journal_link::of_pair;
pub use journal_link::{tasks_from, TaskThreads};
pub use landing::{survey, LandingZone, Picks, Survey};
pub use network::preview::{preview as network_preview, NetworkPreview};
pub use plan::{not_copyable, plan, Plan};
pub use references::{missing_references, referenced_groups, MissingReference};
pub use replica::{refusal as replica_refusal, replication_line};
pub use scheduler::{now_ms, Caps, Scheduler, SchedulerError, TaskJournal};
pub use steps::{run_step, StepContext, StepResult};
pub use store::{Changed, TaskChange, TaskStore, CHANGES_BOUND};
pub use task::{
    CopyKind, CopyOptions, LaunchOptions, RestoreOptions, S3Tuning, Step, Task, TaskSpec,
    TaskState, Transfer, PROMOTE_CONFIRMED, REPLICATING, SOURCE_TIME,
};
pub use volume::preflight as volume_preflight;
pub use wait::{Backoff, Poll};
