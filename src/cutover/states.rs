//! The words of a DNS plan: weights, answers, the states a record goes
//! through and the steps between them. Plain data, stored in the journal.

use crate::cloud::dns_change::Alias;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Weights {
    pub source: u8,
    pub target: u8,
}

impl Weights {
    pub const ALL_SOURCE: Weights = Weights {
        source: 100,
        target: 0,
    };
}

impl std::fmt::Display for Weights {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}/{}", self.source, self.target)
    }
}

/// What a record answers with.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) enum Answer {
    Values(Vec<String>),
    Alias(Alias),
}

impl std::fmt::Display for Answer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Answer::Values(v) => write!(f, "{}", v.join(",")),
            Answer::Alias(a) => write!(f, "alias {} ({})", a.dns_name, a.hosted_zone_id),
        }
    }
}

/// Which side's answer a simple record gives.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Side {
    Source,
    Target,
}

/// What the record looks like in Route 53 at a point of the plan.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum RecordState {
    Simple { side: Side, ttl: Option<i64> },
    Weighted { ttl: Option<i64>, weights: Weights },
}

impl RecordState {
    pub(crate) fn ttl(&self) -> Option<i64> {
        match self {
            RecordState::Simple { ttl, .. } | RecordState::Weighted { ttl, .. } => *ttl,
        }
    }
}

impl std::fmt::Display for RecordState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let ttl = |t: &Option<i64>| t.map(|t| format!("TTL {t}s")).unwrap_or("alias".into());
        match self {
            RecordState::Simple {
                side: Side::Source,
                ttl: t,
            } => write!(f, "simple -> source, {}", ttl(t)),
            RecordState::Simple {
                side: Side::Target,
                ttl: t,
            } => write!(f, "simple -> target, {}", ttl(t)),
            RecordState::Weighted { ttl: t, weights } => {
                write!(f, "weighted {weights} (source/target), {}", ttl(t))
            }
        }
    }
}

/// One change of the plan.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum DnsStep {
    /// DELETE the simple record and CREATE the pair, in one batch.
    MakeWeighted,
    LowerTtl {
        to: i64,
    },
    ShiftWeights {
        to: Weights,
    },
    RestoreTtl {
        to: i64,
    },
    /// DELETE the pair and CREATE a simple record answering the target.
    Collapse,
}

impl std::fmt::Display for DnsStep {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            DnsStep::MakeWeighted => write!(f, "make the record a weighted pair at 100/0"),
            DnsStep::LowerTtl { to } => write!(f, "lower the TTL to {to}s"),
            DnsStep::ShiftWeights { to } => write!(f, "shift weights to {to} (source/target)"),
            DnsStep::RestoreTtl { to } => write!(f, "restore the TTL to {to}s"),
            DnsStep::Collapse => write!(f, "collapse to a simple record answering the target"),
        }
    }
}

/// A step and the state it leaves the record in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlannedStep {
    pub step: DnsStep,
    pub after: RecordState,
}
