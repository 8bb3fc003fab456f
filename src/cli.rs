//! The command line, in AWS CLI habits. Every flag has a CUTOVER_* variable.

use crate::config::FlagSettings;
use crate::model::Kind;
use clap::{Args, Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

#[derive(Debug, Parser)]
#[command(
    name = "cutover",
    version,
    about = "A terminal cockpit for moving a live AWS estate from one region to another",
    long_about = "A terminal cockpit for moving a live AWS estate from one region to another.\n\n\
        Without a command it opens the cockpit on the two regions. Try it on a local\n\
        sandbox estate first: `cutover sandbox`."
)]
pub struct Cli {
    #[command(flatten)]
    pub global: GlobalArgs,
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Clone, Args)]
pub struct GlobalArgs {
    /// Region to move from [default: AWS_REGION]
    #[arg(long, global = true, env = "CUTOVER_SOURCE", value_name = "REGION")]
    pub source: Option<String>,
    /// Region to move to
    #[arg(long, global = true, env = "CUTOVER_TARGET", value_name = "REGION")]
    pub target: Option<String>,
    /// AWS profile for both regions (SSO and assume-role profiles work)
    #[arg(long, global = true, env = "CUTOVER_PROFILE", value_name = "NAME")]
    pub profile: Option<String>,
    /// AWS profile for the source region, when it is another account
    #[arg(
        long,
        global = true,
        env = "CUTOVER_SOURCE_PROFILE",
        value_name = "NAME"
    )]
    pub source_profile: Option<String>,
    /// AWS profile for the target region, when it is another account
    #[arg(
        long,
        global = true,
        env = "CUTOVER_TARGET_PROFILE",
        value_name = "NAME"
    )]
    pub target_profile: Option<String>,
    /// Send every AWS call here (LocalStack, moto) [default: AWS_ENDPOINT_URL]
    #[arg(long, global = true, env = "CUTOVER_ENDPOINT_URL", value_name = "URL")]
    pub endpoint_url: Option<String>,
    /// Refuse every write: look, plan, but change nothing
    #[arg(long, global = true, env = "CUTOVER_READ_ONLY")]
    pub read_only: bool,
    /// Settings file [default: see `cutover paths`]
    #[arg(long, global = true, env = "CUTOVER_CONFIG", value_name = "FILE")]
    pub config: Option<PathBuf>,
}

impl GlobalArgs {
    pub fn flag_settings(&self) -> FlagSettings {
        FlagSettings {
            source: self.source.clone(),
            target: self.target.clone(),
            profile: self.profile.clone(),
            source_profile: self.source_profile.clone(),
            target_profile: self.target_profile.clone(),
            endpoint_url: self.endpoint_url.clone(),
            read_only: self.read_only,
            config: self.config.clone(),
        }
    }
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// List both estates (headless): every kind, with counterparts
    Inventory(InventoryArgs),
    /// Print where cutover keeps its config, journal, logs and reports
    Paths,
    /// Start a local two-region estate on moto_server and open the cockpit on it
    Sandbox(SandboxArgs),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Output {
    Table,
    Json,
}

#[derive(Debug, Args)]
pub struct InventoryArgs {
    /// Output format
    #[arg(long, short, value_enum, default_value_t = Output::Table)]
    pub output: Output,
    /// Only these kinds, comma-separated (e.g. instance,sg,bucket)
    #[arg(long, value_delimiter = ',', value_parser = parse_kind)]
    pub kinds: Vec<Kind>,
}

#[derive(Debug, Args)]
pub struct SandboxArgs {
    /// Do not open the cockpit: seed, print how to point cutover at the sandbox, and serve until Ctrl-C
    #[arg(long)]
    pub serve: bool,
    /// Objects to put in the sandbox's buckets (all buckets together)
    #[arg(long, default_value_t = 2400)]
    pub objects: usize,
    /// Port for moto_server [default: a free one]
    #[arg(long)]
    pub port: Option<u16>,
}

fn parse_kind(s: &str) -> Result<Kind, String> {
    s.parse()
        .map_err(|e: crate::model::UnknownKind| e.to_string())
}
