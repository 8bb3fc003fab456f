//! A local two-region AWS estate on moto_server, a real AWS emulator: the
//! estate of assets/sandbox/estate.toml, seeded through the AWS API.

mod moto;

pub use moto::{MotoServer, INSTALL_HINT};

/// The access keys sandbox requests are signed with. Not secrets: moto
/// accepts any, and real keys must never be sent to an emulator.
pub const SANDBOX_ACCESS_KEY: &str = "sandbox";
pub const SANDBOX_SECRET_KEY: &str = "sandbox-secret";

/// Points this process's AWS credentials at the sandbox keys. Call before
/// any thread starts (the environment is process-wide).
pub fn use_sandbox_credentials() {
    std::env::set_var("AWS_ACCESS_KEY_ID", SANDBOX_ACCESS_KEY);
    std::env::set_var("AWS_SECRET_ACCESS_KEY", SANDBOX_SECRET_KEY);
    std::env::remove_var("AWS_SESSION_TOKEN");
    std::env::remove_var("AWS_PROFILE");
}
