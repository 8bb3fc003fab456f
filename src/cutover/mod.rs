//! The DNS cutover: move one Route 53 record from the source region's answer
//! to the target's, lowering the TTL in stages first and shifting weighted
//! records step by step, every change journaled before and after, with
//! rollback to 100/0 from any step. The cockpit and `cutover dns` share
//! this engine.

pub(crate) mod batch;
pub(crate) mod clock;
mod engine;
mod followed;
pub(crate) mod guards;
pub mod health;
pub mod plan;
pub mod progress;
#[cfg(test)]
mod read_only_tests;
mod repair;
pub(crate) mod states;
pub(crate) mod suggest;
pub(crate) mod target_value;
#[cfg(test)]
mod tests;
pub(crate) mod weighted_start;

use crate::cloud::CloudError;
use crate::journal::JournalError;
use std::time::{Duration, SystemTime};

pub(crate) use clock::SystemClock;
pub use clock::{Clock, ManualClock};
pub use engine::{DnsCutover, LOST_ANSWER};
pub(crate) use engine::{Outcome, Status};
pub use plan::{DnsPlan, DnsStep, PlanChoices, RecordState, Weights};
pub use progress::{Action, DnsEvent, Progress};

#[derive(Debug, thiserror::Error)]
pub enum DnsError {
    /// Bad input or a record Route 53 would refuse; nothing was written.
    #[error("{0}")]
    Invalid(String),
    #[error(transparent)]
    Cloud(#[from] CloudError),
    #[error(transparent)]
    Journal(#[from] JournalError),
    #[error("no DNS cutover is planned for {record} in zone {zone}: make one with `cutover dns plan --zone {zone} --record {record} --target-value VALUE --yes`")]
    NoPlan { zone: String, record: String },
    #[error("not yet: the next step ({next}) is safe at {} (in {}): resolvers may still hold the answer from before the last change; wait, or go early with --force (journaled as an override)", clock::clock_time(*.safe_at), clock::countdown(*.left))]
    TooEarly {
        next: String,
        safe_at: SystemTime,
        left: Duration,
    },
    /// Route 53 holds something the journal did not lead to: someone else
    /// changed the record, and guessing would make it worse.
    #[error("{0}")]
    Drift(String),
    /// The request does not fit where the cutover stands.
    #[error("{0}")]
    State(String),
    /// The target's health check says it is not answering: the step waits.
    #[error("{0}")]
    Held(String),
    /// The engine was built on a read-only journal: it reads, never writes.
    #[error("read-only: nothing was changed in Route 53 or the journal; run without --read-only to change DNS")]
    ReadOnly,
}
