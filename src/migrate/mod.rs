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
pub(crate) mod relaunch;
mod replica;
mod scheduler;
mod steps;
mod store;
mod task;
mod volume;
mod wait;

pub use bucket::{deletions_preview, VERIFIED_BYTES, VERIFIED_OBJECTS};
pub use bucket_options::{Archived, BucketOptions, Versions};
pub(crate) use bucket_options::{BatchOptions, RestoreTier};
pub(crate) use db_prepare::{make_replicas, needs_survey, prepare as prepare_db, DbPrep};
pub use events::TaskEvent;
pub(crate) use journal_link::of_pair;
pub use journal_link::{tasks_from, TaskThreads};
pub use landing::{survey, Picks};
pub use network::preview::{preview as network_preview, NetworkPreview};
pub(crate) use plan::{not_copyable, plan, Plan};
pub(crate) use references::referenced_groups;
pub(crate) use replica::replication_line;
pub(crate) use scheduler::now_ms;
pub use scheduler::{Caps, Scheduler, SchedulerError, TaskJournal};
pub use steps::{run_step, StepContext};
pub use store::{Changed, TaskChange, TaskStore, CHANGES_BOUND};
pub use task::{
    CopyKind, CopyOptions, LaunchOptions, RestoreOptions, S3Tuning, Step, Task, TaskSpec,
    TaskState, Transfer,
};
pub(crate) use task::{PROMOTE_CONFIRMED, REPLICATING, SOURCE_TIME};
pub(crate) use volume::preflight as volume_preflight;
