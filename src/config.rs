//! Settings: the TOML file in the config dir, overridden by environment
//! variables, overridden by flags. AWS's own variables (AWS_REGION,
//! AWS_ENDPOINT_URL, AWS_PROFILE) are defaults below the file: a cutover
//! setting is more specific than a shell-wide AWS one.

use crate::cloud::RegionSpec;
use crate::model::BucketNaming;
use directories::ProjectDirs;
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// The settings file as written. Unknown keys are errors: a typo must not
/// silently fall back to a default.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct FileSettings {
    pub(crate) source: Option<String>,
    pub(crate) target: Option<String>,
    pub(crate) profile: Option<String>,
    pub(crate) source_profile: Option<String>,
    pub(crate) target_profile: Option<String>,
    pub(crate) endpoint_url: Option<String>,
    pub(crate) read_only: Option<bool>,
    /// Ask the EC2 metadata service for credentials (only useful on EC2).
    pub(crate) use_instance_metadata: Option<bool>,
    /// Regions newer than cutover's own list.
    #[serde(default)]
    pub(crate) extra_regions: Vec<String>,
    /// How a copied bucket is named, e.g. "{name}-{target-region}".
    pub(crate) bucket_name_template: Option<String>,
    /// Key remapping for the cockpit: action name -> key.
    #[serde(default)]
    pub(crate) keys: BTreeMap<String, String>,
    /// Colours for the cockpit: element -> colour name.
    #[serde(default)]
    pub(crate) theme: BTreeMap<String, String>,
    /// Copy task limits.
    #[serde(default)]
    pub(crate) copy: CopySettings,
    /// How bucket objects are copied.
    #[serde(default)]
    pub(crate) s3: S3Settings,
    /// The journal file.
    #[serde(default)]
    pub(crate) journal: JournalSettings,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct JournalSettings {
    /// Past this size (MiB) the writer compacts the journal (default 64).
    pub(crate) compact_past_mib: Option<u64>,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct S3Settings {
    /// Objects above this size (MiB) copy in parts; at most 5120 (CopyObject's limit).
    pub(crate) multipart_threshold_mib: Option<u64>,
    /// Part size in MiB (5 to 5120).
    pub(crate) part_size_mib: Option<u64>,
    /// Objects copied at once.
    pub(crate) concurrency: Option<usize>,
    /// Parts of one large object copied at once.
    pub(crate) part_concurrency: Option<usize>,
    /// Objects past which a bucket copy suggests S3 Batch Operations
    /// (default 10,000,000).
    pub(crate) batch_threshold: Option<u64>,
}

/// How many copies run at once, per kind.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct CopySettings {
    pub(crate) max_image_copies: Option<usize>,
    /// AWS allows 20 concurrent snapshot copies into one region.
    pub(crate) max_snapshot_copies: Option<usize>,
    /// Subnet AZs of network clones: "us-east-1a=eu-west-1b,...".
    pub(crate) az_map: Option<String>,
}

/// What the flags (and their CUTOVER_* variables) said.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct FlagSettings {
    pub(crate) source: Option<String>,
    pub(crate) target: Option<String>,
    pub(crate) profile: Option<String>,
    pub(crate) source_profile: Option<String>,
    pub(crate) target_profile: Option<String>,
    pub(crate) endpoint_url: Option<String>,
    pub(crate) read_only: bool,
    pub(crate) config: Option<PathBuf>,
}

/// AWS's own variables, read once so tests can give their own.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct AwsEnv {
    pub(crate) region: Option<String>,
    pub(crate) endpoint_url: Option<String>,
    pub(crate) profile: Option<String>,
}

impl AwsEnv {
    pub(crate) fn from_process() -> Self {
        let var = |names: &[&str]| {
            names
                .iter()
                .find_map(|n| std::env::var(n).ok().filter(|v| !v.is_empty()))
        };
        AwsEnv {
            region: var(&["AWS_REGION", "AWS_DEFAULT_REGION"]),
            endpoint_url: var(&["AWS_ENDPOINT_URL"]),
            profile: var(&["AWS_PROFILE"]),
        }
    }
}

/// Where cutover keeps its files.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Paths {
    pub(crate) config_file: PathBuf,
    pub(crate) data_dir: PathBuf,
    pub(crate) journal_file: PathBuf,
    pub(crate) log_file: PathBuf,
    pub(crate) reports_dir: PathBuf,
}

impl Paths {
    /// The platform's dirs (XDG on Linux), or `--config FILE`.
    pub(crate) fn locate(config_override: Option<&Path>) -> Result<Self, String> {
        let dirs = ProjectDirs::from("", "", "cutover")
            .ok_or("cannot find a home directory for cutover's files; set HOME")?;
        let data_dir = dirs.data_dir().to_path_buf();
        Ok(Paths {
            config_file: config_override
                .map(Path::to_path_buf)
                .unwrap_or_else(|| dirs.config_dir().join("config.toml")),
            journal_file: data_dir.join("journal.jsonl"),
            log_file: data_dir.join("cutover.log"),
            reports_dir: data_dir.join("reports"),
            data_dir,
        })
    }
}

/// Everything resolved, ready to connect.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Settings {
    pub(crate) source: RegionSpec,
    pub(crate) target: RegionSpec,
    pub(crate) read_only: bool,
    pub(crate) bucket_naming: BucketNaming,
    pub(crate) keys: BTreeMap<String, String>,
    pub(crate) theme: BTreeMap<String, String>,
    pub(crate) copy_caps: crate::migrate::Caps,
    pub(crate) s3_tuning: crate::migrate::S3Tuning,
    /// `[copy] az_map`: the default AZ map of network clones.
    pub(crate) az_map: Option<String>,
    /// `[journal] compact_past_mib`, in bytes.
    pub(crate) journal_compact_past: u64,
    pub(crate) paths: Paths,
    /// AWS_PROFILE, shown in the header when no profile was named.
    pub(crate) ambient_profile: Option<String>,
}

impl Settings {
    /// Reads the settings file (which may be absent unless named with
    /// --config) and merges it with the flags and environment.
    pub(crate) fn load(flags: &FlagSettings, env: &AwsEnv) -> Result<Self, String> {
        let paths = Paths::locate(flags.config.as_deref())?;
        let file = read_file(&paths.config_file, flags.config.is_some())?;
        Self::resolve(flags, &file, env, paths)
    }

    pub(crate) fn resolve(
        flags: &FlagSettings,
        file: &FileSettings,
        env: &AwsEnv,
        paths: Paths,
    ) -> Result<Self, String> {
        let source = first([&flags.source, &file.source, &env.region]).ok_or(
            "no source region: pass --source REGION (e.g. --source us-east-1), or set AWS_REGION, or `source` in the config file",
        )?;
        let target = first([&flags.target, &file.target])
            .ok_or("no target region: pass --target REGION (e.g. --target eu-west-1), or set `target` in the config file")?;
        if source == target {
            return Err(format!(
                "source and target are both {source}: cutover moves an estate between two regions, pick another --target"
            ));
        }
        let profile_for = |side: &Option<String>, file_side: &Option<String>| {
            first([side, &flags.profile, file_side, &file.profile])
        };
        let named_endpoint = first([&flags.endpoint_url, &file.endpoint_url]);
        let endpoint_from_env = named_endpoint.is_none() && env.endpoint_url.is_some();
        let endpoint_url = named_endpoint.or_else(|| env.endpoint_url.clone());
        if let Some(url) = &endpoint_url {
            if !(url.starts_with("http://") || url.starts_with("https://")) {
                return Err(format!("endpoint URL '{url}' must start with http:// or https:// (e.g. http://127.0.0.1:5000)"));
            }
        }
        let spec = |role, region: String, profile| RegionSpec {
            role,
            region,
            profile,
            endpoint_url: endpoint_url.clone(),
            endpoint_from_env,
            use_instance_metadata: file.use_instance_metadata.unwrap_or(false),
            extra_regions: file.extra_regions.clone(),
            static_keys: None,
        };
        let bucket_naming = match &file.bucket_name_template {
            Some(t) => BucketNaming::new(t)
                .map_err(|e| format!("config file {}: {e}", paths.config_file.display()))?,
            None => BucketNaming::default(),
        };
        Ok(Settings {
            source: spec(
                "source",
                source,
                profile_for(&flags.source_profile, &file.source_profile),
            ),
            target: spec(
                "target",
                target,
                profile_for(&flags.target_profile, &file.target_profile),
            ),
            read_only: flags.read_only || file.read_only.unwrap_or(false),
            bucket_naming,
            keys: file.keys.clone(),
            theme: file.theme.clone(),
            copy_caps: copy_caps(&file.copy)?,
            s3_tuning: s3_tuning(&file.s3)?,
            az_map: match &file.copy.az_map {
                Some(text) => {
                    crate::model::network::parse_az_map(text).map_err(|e| {
                        format!("config file {}: [copy] {e}", paths.config_file.display())
                    })?;
                    Some(text.clone())
                }
                None => None,
            },
            journal_compact_past: file
                .journal
                .compact_past_mib
                .map_or(crate::journal::DEFAULT_COMPACT_PAST, |mib| {
                    mib * 1024 * 1024
                }),
            paths,
            ambient_profile: env.profile.clone(),
        })
    }
}

fn copy_caps(c: &CopySettings) -> Result<crate::migrate::Caps, String> {
    let defaults = crate::migrate::Caps::default();
    let caps = crate::migrate::Caps {
        image_copies: c.max_image_copies.unwrap_or(defaults.image_copies),
        snapshot_copies: c.max_snapshot_copies.unwrap_or(defaults.snapshot_copies),
        ..defaults
    };
    if caps.image_copies == 0 || caps.snapshot_copies == 0 {
        return Err("[copy] limits must be at least 1".into());
    }
    if caps.snapshot_copies > 20 {
        return Err(format!(
            "[copy] max_snapshot_copies = {} is above AWS's limit of 20 concurrent snapshot copies into one region",
            caps.snapshot_copies
        ));
    }
    Ok(caps)
}

fn s3_tuning(s: &S3Settings) -> Result<crate::migrate::S3Tuning, String> {
    const MIB: u64 = 1024 * 1024;
    let d = crate::migrate::S3Tuning::default();
    let t = crate::migrate::S3Tuning {
        multipart_threshold: s
            .multipart_threshold_mib
            .map(|m| m.saturating_mul(MIB))
            .unwrap_or(d.multipart_threshold),
        part_size: s
            .part_size_mib
            .map(|m| m.saturating_mul(MIB))
            .unwrap_or(d.part_size),
        concurrency: s.concurrency.unwrap_or(d.concurrency),
        part_concurrency: s.part_concurrency.unwrap_or(d.part_concurrency),
        batch_threshold: s.batch_threshold.unwrap_or(d.batch_threshold),
    };
    if t.multipart_threshold > 5120 * MIB {
        return Err("[s3] multipart_threshold_mib is above 5120: CopyObject copies at most 5 GiB in one request".into());
    }
    if !(5 * MIB..=5120 * MIB).contains(&t.part_size) {
        return Err("[s3] part_size_mib must be 5 to 5120 (S3's part size limits)".into());
    }
    if t.concurrency == 0 || t.part_concurrency == 0 {
        return Err("[s3] concurrency and part_concurrency must be at least 1".into());
    }
    Ok(t)
}

fn first<const N: usize>(options: [&Option<String>; N]) -> Option<String> {
    options
        .into_iter()
        .flatten()
        .find(|v| !v.is_empty())
        .cloned()
}

/// An absent default file is fine; an absent file named with --config is not.
/// A settings file is a few hundred bytes; anything past this is not one
/// (`--config /dev/zero` must not read forever).
pub(crate) const MAX_CONFIG_BYTES: u64 = 1024 * 1024;

pub(crate) fn read_file(path: &Path, named: bool) -> Result<FileSettings, String> {
    let cannot = |e: std::io::Error| format!("cannot read config file {}: {e}", path.display());
    let file = match std::fs::File::open(path) {
        Ok(f) => f,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound && !named => {
            return Ok(FileSettings::default())
        }
        Err(e) => return Err(cannot(e)),
    };
    let mut bytes = Vec::new();
    std::io::Read::read_to_end(
        &mut std::io::Read::take(file, MAX_CONFIG_BYTES + 1),
        &mut bytes,
    )
    .map_err(cannot)?;
    if bytes.len() as u64 > MAX_CONFIG_BYTES {
        return Err(format!(
            "config file {} is larger than {} KiB: it is not a cutover settings file; pass the right --config",
            path.display(),
            MAX_CONFIG_BYTES / 1024
        ));
    }
    let text = String::from_utf8(bytes).map_err(|_| {
        format!(
            "config file {} is not UTF-8 text; pass the right --config",
            path.display()
        )
    })?;
    let invalid = |what: String| {
        format!(
            "config file {} is not valid: {what}\nFix the line above (see README, \"Settings\"), or move the file away.",
            path.display(),
        )
    };
    let file: FileSettings =
        toml::from_str(&text).map_err(|e| invalid(e.to_string().trim_end().to_string()))?;
    if let Err((key, why)) = check_ranges(&file) {
        let line = text
            .lines()
            .position(|l| l.trim_start().starts_with(key))
            .map(|n| format!("line {}: ", n + 1))
            .unwrap_or_default();
        return Err(invalid(format!("{line}{key} {why}")));
    }
    Ok(file)
}

/// Numbers within what AWS allows, checked before any arithmetic on them:
/// (the key, what is wrong).
fn check_ranges(file: &FileSettings) -> Result<(), (&'static str, String)> {
    let within = |key: &'static str, value: Option<u64>, low: u64, high: u64| match value {
        Some(v) if !(low..=high).contains(&v) => {
            Err((key, format!("= {v} is out of range: use {low} to {high}")))
        }
        _ => Ok(()),
    };
    let s = &file.s3;
    let c = &file.copy;
    let wide = |v: Option<usize>| v.map(|n| n as u64);
    within(
        "multipart_threshold_mib",
        s.multipart_threshold_mib,
        0,
        5120,
    )?;
    within("part_size_mib", s.part_size_mib, 5, 5120)?;
    within("part_concurrency", wide(s.part_concurrency), 1, 64)?;
    within("concurrency", wide(s.concurrency), 1, 1024)?;
    within("max_image_copies", wide(c.max_image_copies), 1, 100)?;
    within("max_snapshot_copies", wide(c.max_snapshot_copies), 1, 20)?;
    within("compact_past_mib", file.journal.compact_past_mib, 1, 65_536)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn paths() -> Paths {
        Paths::locate(Some(Path::new("/tmp/cutover-test.toml"))).unwrap()
    }

    fn some(s: &str) -> Option<String> {
        Some(s.to_string())
    }

    #[test]
    fn flags_beat_file_beat_aws_env() {
        let env = AwsEnv {
            region: some("ap-south-1"),
            endpoint_url: some("http://env:1"),
            profile: some("ambient"),
        };
        let file = FileSettings {
            source: some("us-west-2"),
            target: some("eu-west-1"),
            profile: some("file-profile"),
            target_profile: some("file-target"),
            endpoint_url: some("http://file:2"),
            read_only: Some(true),
            ..Default::default()
        };
        let s = Settings::resolve(&FlagSettings::default(), &file, &env, paths()).unwrap();
        assert_eq!(s.source.region, "us-west-2", "file beats AWS_REGION");
        assert_eq!(s.source.profile.as_deref(), Some("file-profile"));
        assert_eq!(s.target.profile.as_deref(), Some("file-target"));
        assert_eq!(s.source.endpoint_url.as_deref(), Some("http://file:2"));
        assert!(s.read_only);

        let flags = FlagSettings {
            source: some("us-east-1"),
            profile: some("flag-profile"),
            endpoint_url: some("http://flag:3"),
            ..Default::default()
        };
        let s = Settings::resolve(&flags, &file, &env, paths()).unwrap();
        assert_eq!(s.source.region, "us-east-1");
        assert_eq!(
            s.target.profile.as_deref(),
            Some("flag-profile"),
            "a --profile flag beats the file's target_profile"
        );
        assert_eq!(s.target.endpoint_url.as_deref(), Some("http://flag:3"));

        let s = Settings::resolve(
            &FlagSettings {
                target: some("eu-central-1"),
                ..Default::default()
            },
            &FileSettings::default(),
            &env,
            paths(),
        )
        .unwrap();
        assert_eq!(
            s.source.region, "ap-south-1",
            "AWS_REGION is the default source"
        );
        assert_eq!(s.source.endpoint_url.as_deref(), Some("http://env:1"));
        assert!(
            s.source.endpoint_from_env,
            "left to aws-config, so per-service variables still win"
        );
        assert_eq!(
            s.source.profile, None,
            "AWS_PROFILE is left to the credential chain"
        );
        assert_eq!(s.ambient_profile.as_deref(), Some("ambient"));
    }

    #[test]
    fn missing_or_equal_regions_and_bad_urls_are_explained() {
        let none = FileSettings::default();
        let e = Settings::resolve(&FlagSettings::default(), &none, &AwsEnv::default(), paths())
            .unwrap_err();
        assert!(e.contains("--source"), "{e}");
        let flags = FlagSettings {
            source: some("us-east-1"),
            target: some("us-east-1"),
            ..Default::default()
        };
        assert!(
            Settings::resolve(&flags, &none, &AwsEnv::default(), paths())
                .unwrap_err()
                .contains("both us-east-1")
        );
        let flags = FlagSettings {
            source: some("us-east-1"),
            target: some("eu-west-1"),
            endpoint_url: some("localhost:5000"),
            ..Default::default()
        };
        assert!(
            Settings::resolve(&flags, &none, &AwsEnv::default(), paths())
                .unwrap_err()
                .contains("http://")
        );
    }

    #[test]
    fn numbers_out_of_range_name_their_line_and_huge_files_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("config.toml");
        std::fs::write(
            &path,
            "source = \"us-east-1\"\n[s3]\nmultipart_threshold_mib = 9223372036854775807\n",
        )
        .unwrap();
        let e = read_file(&path, true).unwrap_err();
        assert!(
            e.contains("line 3: multipart_threshold_mib = 9223372036854775807 is out of range"),
            "{e}"
        );
        std::fs::write(&path, "[copy]\nmax_image_copies = 0\n").unwrap();
        assert!(read_file(&path, true)
            .unwrap_err()
            .contains("line 2: max_image_copies = 0 is out of range: use 1 to 100"));
        let e = read_file(Path::new("/dev/zero"), true).unwrap_err();
        assert!(e.contains("larger than 1024 KiB"), "{e}");
    }

    #[test]
    fn typos_and_wrong_types_in_the_file_are_errors() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("config.toml");
        std::fs::write(&path, "sorce = \"us-east-1\"\n").unwrap();
        let e = read_file(&path, true).unwrap_err();
        assert!(
            e.contains("unknown field `sorce`") && e.contains("line 1"),
            "{e}"
        );
        std::fs::write(&path, "read_only = \"yes\"\n").unwrap();
        assert!(read_file(&path, true).unwrap_err().contains("invalid type"));
        std::fs::write(&path, "source = \"us-east-1\"\n[keys]\nquit = \"x\"\n").unwrap();
        assert_eq!(
            read_file(&path, true)
                .unwrap()
                .keys
                .get("quit")
                .map(String::as_str),
            Some("x")
        );
        assert_eq!(
            read_file(&dir.path().join("absent.toml"), false),
            Ok(FileSettings::default())
        );
        assert!(read_file(&dir.path().join("absent.toml"), true)
            .unwrap_err()
            .contains("cannot read"));
        std::fs::remove_dir_all(dir).unwrap();
    }
}
