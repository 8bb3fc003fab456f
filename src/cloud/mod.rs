//! The only place that names aws-sdk types: connects to a region, reads its
//! resources into `model` types, and (for the sandbox) seeds an estate.

mod connect;
pub mod copy;
pub mod dns_change;
mod ec2;
pub(crate) mod error;
mod fetch;
pub(crate) mod health_check;
mod network_list;
pub(crate) mod paging;
mod preflight;
mod preflight_data;
pub(crate) mod rds;
mod regions;
pub(crate) mod route53;
pub mod s3;
pub mod seed;

pub use connect::connect;
pub use connect::{Clients, RegionSpec, StaticKeys};
pub use error::CloudError;
pub use fetch::{list, Regions};
pub(crate) use fetch::{spawn_listings, Listed};
pub(crate) use preflight::read_facts;

/// An AWS time as written in a description ("2026-11-30T12:00:00.000Z"),
/// in milliseconds since the Unix epoch; None if it does not parse.
pub(crate) fn time_ms(text: &str) -> Option<u64> {
    let t =
        aws_smithy_types::DateTime::from_str(text, aws_smithy_types::date_time::Format::DateTime)
            .ok()?;
    u64::try_from(t.to_millis().ok()?).ok()
}
