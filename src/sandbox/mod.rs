//! A local two-region AWS estate on moto_server, a real AWS emulator: the
//! estate of assets/sandbox/estate.toml, seeded through the AWS API.

mod moto;
pub mod proxy;

pub use moto::MotoServer;
pub use proxy::{PaceFaults, Proxy};

/// The keys sandbox requests are signed with. Not secrets: moto accepts
/// any, and a user's real keys must never be sent to an emulator.
pub fn sandbox_keys() -> crate::cloud::StaticKeys {
    crate::cloud::StaticKeys {
        access_key_id: "sandbox".into(),
        secret_access_key: "sandbox-secret".into(),
    }
}
