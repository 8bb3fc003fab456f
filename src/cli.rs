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
    pub(crate) global: GlobalArgs,
    #[command(subcommand)]
    pub(crate) command: Option<Command>,
}

#[derive(Debug, Clone, Args)]
#[command(next_help_heading = "Global options")]
pub(crate) struct GlobalArgs {
    /// Region to move from [default: AWS_REGION]
    #[arg(long, global = true, env = "CUTOVER_SOURCE", value_name = "REGION")]
    pub(crate) source: Option<String>,
    /// Region to move to
    #[arg(long, global = true, env = "CUTOVER_TARGET", value_name = "REGION")]
    pub(crate) target: Option<String>,
    /// AWS profile for both regions (SSO and assume-role profiles work)
    #[arg(long, global = true, env = "CUTOVER_PROFILE", value_name = "NAME")]
    pub(crate) profile: Option<String>,
    /// AWS profile for the source region, when it is another account
    #[arg(
        long,
        global = true,
        env = "CUTOVER_SOURCE_PROFILE",
        value_name = "NAME"
    )]
    pub(crate) source_profile: Option<String>,
    /// AWS profile for the target region, when it is another account
    #[arg(
        long,
        global = true,
        env = "CUTOVER_TARGET_PROFILE",
        value_name = "NAME"
    )]
    pub(crate) target_profile: Option<String>,
    /// Send every AWS call here (LocalStack, moto) [default: AWS_ENDPOINT_URL]
    #[arg(long, global = true, env = "CUTOVER_ENDPOINT_URL", value_name = "URL")]
    pub(crate) endpoint_url: Option<String>,
    /// Refuse every write: look, plan, but change nothing
    #[arg(long, global = true, env = "CUTOVER_READ_ONLY")]
    pub(crate) read_only: bool,
    /// Settings file [default: see `cutover paths`]
    #[arg(long, global = true, env = "CUTOVER_CONFIG", value_name = "FILE")]
    pub(crate) config: Option<PathBuf>,
}

impl GlobalArgs {
    pub(crate) fn flag_settings(&self) -> FlagSettings {
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

// Parsed once per run: the size of the copy flags costs nothing.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Subcommand)]
pub(crate) enum Command {
    /// List both estates (headless): every kind, with counterparts
    Inventory(InventoryArgs),
    /// Print where cutover keeps its config, journal, logs and reports
    Paths,
    /// Start a local two-region estate on moto_server and open the cockpit on it
    Sandbox(SandboxArgs),
    /// Move a DNS record to the target (headless): staged TTLs, weighted steps, rollback
    Dns(DnsArgs),
    /// Copy resources to the target (headless): AMIs, volumes, snapshots, key pairs, security groups
    Copy(Box<CopyArgs>),
    /// List copy tasks from the journal; --wait resumes unfinished ones and waits
    Tasks(TasksArgs),
    /// What moved where: the id map, notes, and a CloudFormation RegionMap
    Report(ReportArgs),
    /// Databases in the window: promote a cross-region read replica
    Db(DbArgs),
    /// Check the move before anything moves (read-only): blockers, warnings, order
    Check(CheckArgs),
    /// Open or close the migration window: its clock measures the RTO
    Window(WindowArgs),
    /// Delete what copies and test launches left behind (lists first; --yes deletes)
    Cleanup {
        /// Terminate the test launches (instances tagged cutover:launch=test) in the target
        #[arg(long)]
        test_launches: bool,
        /// Snapshots and images copies made in the source on the way (see `cutover report`)
        #[arg(long)]
        leftovers: bool,
        /// Delete them; without it, only list them
        #[arg(long)]
        yes: bool,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum CheckOutput {
    Table,
    Markdown,
    Json,
}

#[derive(Debug, Args)]
pub(crate) struct CheckArgs {
    /// What the move covers: instance, AMI, volume, snapshot, group, bucket, DB ids or key pair names
    #[arg(long, num_args = 1.., value_delimiter = ',')]
    pub(crate) ids: Vec<String>,
    /// Select every source resource with this tag, e.g. app=shop
    #[arg(long, value_name = "KEY=VALUE")]
    pub(crate) tag: Option<String>,
    /// The target KMS key the encrypted copies will use
    #[arg(long, value_name = "KEY")]
    pub(crate) kms_key_id: Option<String>,
    #[arg(long, short, value_enum, default_value_t = CheckOutput::Table)]
    pub(crate) output: CheckOutput,
}

#[derive(Debug, Args)]
pub(crate) struct WindowArgs {
    #[command(subcommand)]
    pub(crate) command: WindowCommand,
}

#[derive(Debug, Clone, Copy, Subcommand)]
pub(crate) enum WindowCommand {
    /// Start the window's clock (journaled)
    Open,
    /// Stop the window's clock and print the measured RTO
    Close,
    /// Whether a window is open, and for how long
    Status,
}

#[derive(Debug, Args)]
pub(crate) struct DbArgs {
    #[command(subcommand)]
    pub(crate) command: DbCommand,
}

#[derive(Debug, Subcommand)]
pub(crate) enum DbCommand {
    /// Promote the read replica of a source DB instance (stop writes in the source first)
    Promote(DbPromoteArgs),
    /// Aurora: DB clusters and manual cluster snapshots in both regions
    Clusters(DbClustersArgs),
}

#[derive(Debug, Args)]
pub(crate) struct DbClustersArgs {
    #[arg(long, short, value_enum, default_value_t = Output::Table)]
    pub(crate) output: Output,
}

#[derive(Debug, Args)]
pub(crate) struct DbPromoteArgs {
    /// The source DB instance whose replica (made by `cutover copy --replica`) is promoted
    pub(crate) source_db_id: String,
    /// Then make a read replica back in the source region, for a fail-back that keeps the new writes
    #[arg(long)]
    pub(crate) reverse_replica: bool,
    /// Writes to the source have stopped: promote now (without it, only show the replica's state)
    #[arg(long)]
    pub(crate) yes: bool,
    /// Wait until the promote (and the reverse replica) is finished
    #[arg(long)]
    pub(crate) wait: bool,
}

#[derive(Debug, Args)]
pub(crate) struct CopyArgs {
    /// What to copy: i-... (a relaunch), ami-..., vol-..., snap-..., sg-..., a key pair or bucket name, a DB instance, DB snapshot or Aurora cluster snapshot id
    #[arg(long, required = true, num_args = 1.., value_delimiter = ',')]
    pub(crate) ids: Vec<String>,
    /// VPC to re-create security groups in [default: the target's default VPC]
    #[arg(long, value_name = "VPC_ID")]
    pub(crate) target_vpc: Option<String>,
    /// Encrypt the copies with this KMS key of the target region
    #[arg(long, value_name = "KEY")]
    pub(crate) kms_key_id: Option<String>,
    /// Also create a volume from each copied volume snapshot, in this target AZ
    #[arg(long, value_name = "AZ")]
    pub(crate) target_az: Option<String>,
    /// Name of the bucket copy (one bucket) [default: the naming rule, {name}-{target-region}]
    #[arg(long, value_name = "NAME")]
    pub(crate) target_bucket: Option<String>,
    /// Bucket versions: `current` copies the current objects; `all` copies every version oldest first, and the delete markers
    #[arg(long, value_name = "all|current", default_value = "current")]
    pub(crate) versions: crate::migrate::Versions,
    /// Archived (GLACIER, DEEP_ARCHIVE) objects: `skip` leaves them out and names them; `restore` restores (RestoreObject), waits, and copies them in their storage class
    #[arg(long, value_name = "skip|restore", default_value = "skip")]
    pub(crate) archived: crate::migrate::Archived,
    /// Retrieval tier of `--archived restore`
    #[arg(
        long,
        value_name = "expedited|standard|bulk",
        default_value = "standard"
    )]
    pub(crate) restore_tier: crate::migrate::RestoreTier,
    /// On a resync of a bucket, delete from the copy what the source no longer has (listed first)
    #[arg(long)]
    pub(crate) delete: bool,
    /// After the bucket copy, set up S3 Replication (versioning on both sides) so new writes follow until the cutover
    #[arg(long, requires = "role_arn")]
    pub(crate) replicate: bool,
    /// IAM role S3 assumes to replicate (`--replicate`), or that S3 Batch Operations assumes
    #[arg(long, value_name = "ARN")]
    pub(crate) role_arn: Option<String>,
    /// Hand the bucket's object copy to S3 Batch Operations: the manifest (and the job's report) go to this bucket; needs --role-arn
    #[arg(long, value_name = "BUCKET", requires = "role_arn")]
    pub(crate) batch_manifest_bucket: Option<String>,
    /// With --batch-manifest-bucket: use this S3 Inventory report (s3://BUCKET/KEY/manifest.json) as the job's manifest
    #[arg(long, value_name = "S3_URL", requires = "batch_manifest_bucket")]
    pub(crate) inventory_manifest: Option<String>,
    /// Restore a DB instance with this id from the copied DB snapshot
    #[arg(long, value_name = "DB_ID")]
    pub(crate) restore_as: Option<String>,
    /// Make a cross-region read replica of each DB instance instead of a snapshot copy; promote it with `cutover db promote`
    #[arg(long)]
    pub(crate) replica: bool,
    /// Rename a target DB instance that already holds the name out of the way (asks you to type its name); instances: launch anew and terminate the earlier cutover launch
    #[arg(long)]
    pub(crate) replace: bool,
    /// Instances: reboot each for its image (consistent disks, a short outage) [default: image it running]
    #[arg(long)]
    pub(crate) reboot: bool,
    /// Instances: a test launch (tagged cutover:launch=test, no Elastic IP); end it with `cutover cleanup --test-launches`
    #[arg(long)]
    pub(crate) test_launch: bool,
    /// Instances: launch into this subnet of the target [default: the copy of the source's subnet]
    #[arg(long, value_name = "SUBNET_ID")]
    pub(crate) target_subnet: Option<String>,
    /// Instance class of the new DB instance [default: the snapshot's or the source's]
    #[arg(long, value_name = "CLASS")]
    pub(crate) db_instance_class: Option<String>,
    /// DB subnet group of the target for the new instance [default: the source's, made when missing]
    #[arg(long, value_name = "NAME")]
    pub(crate) db_subnet_group: Option<String>,
    /// Target subnets for a DB subnet group made by the copy (two AZs at least) [default: the copies of the source's subnets]
    #[arg(long, value_name = "SUBNET_ID", value_delimiter = ',')]
    pub(crate) db_subnets: Vec<String>,
    /// No DB subnet group: AWS places the instance in the target's default VPC
    #[arg(long, conflicts_with_all = ["db_subnet_group", "db_subnets"])]
    pub(crate) no_db_subnet_group: bool,
    /// Security groups (target ids) for the new instance [default: the target copies of the source's]
    #[arg(long, value_name = "SG_ID", value_delimiter = ',')]
    pub(crate) db_security_groups: Vec<String>,
    /// Subnet AZs of a VPC clone, e.g. us-east-1a=eu-west-1b,us-east-1b=eu-west-1a [default: by position; settings: [copy] az_map]
    #[arg(long, value_name = "SRC=DST,...")]
    pub(crate) az_map: Option<String>,
    /// DB parameter group of the target [default: a copy of the source's custom group]
    #[arg(long, value_name = "NAME")]
    pub(crate) db_parameter_group: Option<String>,
    /// Option group of the target [default: a copy of the source's custom group]
    #[arg(long, value_name = "NAME")]
    pub(crate) db_option_group: Option<String>,
    /// Multi-AZ for the new instance [default: as the source]
    #[arg(long, value_name = "BOOL")]
    pub(crate) db_multi_az: Option<bool>,
    /// Storage type (gp3, gp2, io1, ...) [default: as the source]
    #[arg(long, value_name = "TYPE")]
    pub(crate) db_storage_type: Option<String>,
    /// Days of automated backups kept [default: as the source]
    #[arg(long, value_name = "DAYS")]
    pub(crate) db_backup_retention: Option<i32>,
    /// Deletion protection for the new instance [default: as the source]
    #[arg(long, value_name = "BOOL")]
    pub(crate) db_deletion_protection: Option<bool>,
    /// AMIs: give each copy the source image's launch permissions (accounts, organizations, public)
    #[arg(long)]
    pub(crate) launch_permissions: bool,
    /// Also copy the security groups that the selected groups' rules refer to (and theirs in turn)
    #[arg(long)]
    pub(crate) with_referenced: bool,
    /// Wait until every copy is finished (otherwise return once they are started)
    #[arg(long)]
    pub(crate) wait: bool,
    /// Start the copies (they create resources that cost money); without it, only show them
    #[arg(long)]
    pub(crate) yes: bool,
    #[arg(long, short, value_enum, default_value_t = Output::Table)]
    pub(crate) output: Output,
}

#[derive(Debug, Args)]
pub(crate) struct TasksArgs {
    /// Resume unfinished tasks and wait until they end
    #[arg(long)]
    pub(crate) wait: bool,
    /// List every region pair's tasks, not only the current --source/--target's
    #[arg(long)]
    pub(crate) all: bool,
    /// Run failed tasks again and wait until they end: a task id, or `failed` for all of them;
    /// the id of a task done with warnings retries what it left out
    #[arg(long, value_name = "TASK_ID|failed")]
    pub(crate) retry: Option<String>,
    /// Change an option of the retried tasks first, e.g. target-az=eu-west-1b (repeatable)
    #[arg(long, value_name = "KEY=VALUE", requires = "retry")]
    pub(crate) set: Vec<String>,
    #[arg(long, short, value_enum, default_value_t = Output::Table)]
    pub(crate) output: Output,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum ReportFormat {
    Markdown,
    Json,
}

#[derive(Debug, Args)]
pub(crate) struct ReportArgs {
    #[arg(long, short, value_enum, default_value_t = ReportFormat::Markdown)]
    pub(crate) format: ReportFormat,
    /// Also write report.md and report.json into the reports dir
    #[arg(long)]
    pub(crate) save: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum Output {
    Table,
    Json,
}

#[derive(Debug, Args)]
pub(crate) struct InventoryArgs {
    /// Output format
    #[arg(long, short, value_enum, default_value_t = Output::Table)]
    pub(crate) output: Output,
    /// Only these kinds, comma-separated (e.g. instance,sg,bucket)
    #[arg(long, value_delimiter = ',', value_parser = parse_kind)]
    pub(crate) kinds: Vec<Kind>,
}

#[derive(Debug, Args)]
pub(crate) struct SandboxArgs {
    /// Do not open the cockpit: seed, print how to point cutover at the sandbox, and serve until Ctrl-C
    #[arg(long)]
    pub(crate) serve: bool,
    /// Objects to put in the sandbox's buckets (all buckets together)
    #[arg(long, default_value_t = 2400)]
    pub(crate) objects: usize,
    /// Port the sandbox serves on (the pacing proxy's when --pace or --faults is on) [default: a free one]
    #[arg(long)]
    pub(crate) port: Option<u16>,
    /// Seconds that copies, images and DNS changes stay in progress, as on AWS (0: done at once)
    #[arg(long, value_name = "SECONDS", default_value_t = 8.0, value_parser = parse_pace)]
    pub(crate) pace: f64,
    /// Share of requests (0 to 1) answered as AWS under stress: throttling, 500s, delays, resets
    #[arg(long, value_name = "RATE", default_value_t = 0.0, value_parser = parse_rate)]
    pub(crate) faults: f64,
    /// Seed of the faults, to repeat a run [default: from the clock, printed]
    #[arg(long, value_name = "N")]
    pub(crate) faults_seed: Option<u64>,
}

fn parse_pace(s: &str) -> Result<f64, String> {
    match s.parse::<f64>() {
        Ok(n) if (0.0..=3600.0).contains(&n) => Ok(n),
        _ => Err(format!("{s} is not a pace: give seconds from 0 to 3600")),
    }
}

fn parse_rate(s: &str) -> Result<f64, String> {
    match s.parse::<f64>() {
        Ok(n) if (0.0..=1.0).contains(&n) => Ok(n),
        _ => Err(format!(
            "{s} is not a rate: give a share from 0 to 1, e.g. 0.2"
        )),
    }
}

fn parse_kind(s: &str) -> Result<Kind, String> {
    s.parse()
        .map_err(|e: crate::model::UnknownKind| e.to_string())
}

#[derive(Debug, Args)]
pub(crate) struct DnsArgs {
    #[command(subcommand)]
    pub(crate) command: DnsCommand,
}

#[derive(Debug, Subcommand)]
pub(crate) enum DnsCommand {
    /// Check and print a cutover plan; with --yes, journal it and make the first step
    Plan(DnsPlanArgs),
    /// Make the next step of the plan, once resolvers' caches allow it
    Step(DnsStepArgs),
    /// Send all traffic back to the source (weights 100/0) in one change, whatever Route 53 holds
    Rollback(DnsRollbackArgs),
    /// Take what Route 53 holds as where the cutover stands, after someone else changed the record
    Adopt(DnsRollbackArgs),
    /// Collapse a completed cutover to a simple record answering the target
    Finish(DnsRollbackArgs),
    /// Collapse a rolled-back cutover to the source's simple record
    Abort(DnsRollbackArgs),
    /// Where a cutover stands next to what Route 53 holds; without --zone/--record, every cutover
    Status(DnsStatusArgs),
}

#[derive(Debug, Clone, Args)]
pub(crate) struct DnsRecordArgs {
    /// Hosted zone id (Z0123456789ABC) or name (example.com)
    #[arg(long, value_name = "ZONE")]
    pub(crate) zone: String,
    /// Record name, with or without the trailing dot, e.g. www.example.com
    #[arg(long, value_name = "NAME")]
    pub(crate) record: String,
}

#[derive(Debug, Args)]
pub(crate) struct DnsPlanArgs {
    #[command(flatten)]
    pub(crate) at: DnsRecordArgs,
    /// The target region's answer: an IP, a host name, or HOSTEDZONEID:dns-name for an alias [default: with --source-set the other set's value; otherwise the new address of the relaunched instance whose address the record answers with]
    #[arg(long, value_name = "VALUE")]
    pub(crate) target_value: Option<String>,
    /// The record is already a weighted pair: the SetIdentifier of the set that is the source (the other set is the target); the plan starts from the weights Route 53 holds
    #[arg(long, value_name = "SET-ID")]
    pub(crate) source_set: Option<String>,
    /// TTLs to lower through, in seconds; stages at or above the current TTL are skipped [default: 3600,300,60]
    #[arg(long, value_name = "LIST", allow_hyphen_values = true)]
    pub(crate) ttl_stages: Option<String>,
    /// Weight steps as SOURCE/TARGET [default: one flip, 100/0,0/100]
    #[arg(long, value_name = "LIST", allow_hyphen_values = true)]
    pub(crate) weights: Option<String>,
    /// Shift in mixed steps 100/0,90/10,50/50,0/100: only when the application serves writes from both regions
    #[arg(long, conflicts_with = "weights")]
    pub(crate) gradual: bool,
    /// Accept private addresses as the target value in a public zone (a name meant for a private network)
    #[arg(long)]
    pub(crate) allow_private: bool,
    /// Create a Route 53 health check of the target (tcp:PORT, http:PORT/PATH or https:PORT/PATH), attach it to the target's set, and hold each shift while it fails
    #[arg(long, value_name = "SPEC")]
    pub(crate) health_check: Option<String>,
    /// Roll back on its own when the target's health check fails after a shift (needs --health-check, or a --source-set pair whose target set has one)
    #[arg(long)]
    pub(crate) auto_rollback: bool,
    /// TTL to restore at the end, in seconds [default: the record's TTL before the cutover]
    #[arg(long, value_name = "SECONDS", allow_hyphen_values = true)]
    pub(crate) final_ttl: Option<String>,
    /// End with a simple record answering the target (rollback is then no longer one weight change)
    #[arg(long)]
    pub(crate) collapse: bool,
    /// Journal the plan and make its first step
    #[arg(long)]
    pub(crate) yes: bool,
}

#[derive(Debug, Args)]
pub(crate) struct DnsStepArgs {
    #[command(flatten)]
    pub(crate) at: DnsRecordArgs,
    /// Make the step (without it, only show what it would be)
    #[arg(long)]
    pub(crate) yes: bool,
    /// Go before the cache wait is over (journaled as an override)
    #[arg(long)]
    pub(crate) force: bool,
}

#[derive(Debug, Args)]
pub(crate) struct DnsRollbackArgs {
    #[command(flatten)]
    pub(crate) at: DnsRecordArgs,
    /// Make the change (without it, only show what it would be)
    #[arg(long)]
    pub(crate) yes: bool,
}

#[derive(Debug, Args)]
pub(crate) struct DnsStatusArgs {
    /// Hosted zone id or name (with --record: one cutover; without both: every cutover)
    #[arg(long, value_name = "ZONE", requires = "record")]
    pub(crate) zone: Option<String>,
    /// Record name
    #[arg(long, value_name = "NAME", requires = "zone")]
    pub(crate) record: Option<String>,
    /// Output format
    #[arg(long, short, value_enum, default_value_t = Output::Table)]
    pub(crate) output: Output,
}
