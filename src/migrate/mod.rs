//! Copy tasks: step-wise state machines, run by a scheduler with caps per
//! kind, journaled so a crash resumes where it was.

mod bucket;
mod cancel;
mod cluster;
pub mod edit;
mod events;
mod groups;
mod journal_link;
mod landing;
pub mod left_out;
mod network;
mod plan;
mod rds;
mod replica;
mod scheduler;
mod steps;
mod task;
mod wait;

pub use events::TaskEvent;
pub use journal_link::{of_pair, tasks_from, TaskThreads};
pub use landing::{survey, LandingZone, Picks, Survey};
pub use network::preview::{preview as network_preview, NetworkPreview};
pub use plan::{not_copyable, plan, Plan};
pub use replica::{refusal as replica_refusal, replication_line};
pub use scheduler::{now_ms, Caps, Scheduler, TaskJournal};
pub use steps::{run_step, StepContext, StepResult};
pub use task::{
    CopyKind, CopyOptions, RestoreOptions, S3Tuning, Step, Task, TaskSpec, TaskState, Transfer,
};
pub use wait::{Backoff, Poll};
