//! Plain data: resources, kinds, both inventories and how they pair.
//! Knows nothing but std and serde.

pub(crate) mod facts;
pub(crate) mod id_kind;
mod inventory;
mod kind;
pub(crate) mod launch;
pub(crate) mod network;
pub(crate) mod pairing;
mod printable;
pub mod resource;
pub mod shared_text;

pub use inventory::{Inventory, Listing, Side};
pub use kind::Kind;
pub(crate) use kind::UnknownKind;
pub(crate) use pairing::check_bucket_name;
pub use pairing::BucketNaming;
pub(crate) use printable::printable;
pub use resource::{Details, Resource};
