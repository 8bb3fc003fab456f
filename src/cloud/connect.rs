//! One region's clients, with credentials found the way the AWS CLI finds
//! them, but without the seconds-long probe of the EC2 metadata service that
//! the default chain makes on a laptop.

use super::error::{source_chain, CloudError};
use super::regions::check_region;
use aws_config::environment::EnvironmentVariableCredentialsProvider;
use aws_config::meta::credentials::CredentialsProviderChain;
use aws_config::profile::ProfileFileCredentialsProvider;
use aws_config::retry::RetryConfig;
use aws_config::timeout::TimeoutConfig;
use aws_config::{BehaviorVersion, Region};
use aws_credential_types::provider::error::CredentialsError;
use aws_credential_types::provider::ProvideCredentials;
use aws_credential_types::Credentials;
use std::time::Duration;

/// What is needed to reach one region.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RegionSpec {
    /// "source" or "target", for messages.
    pub role: &'static str,
    pub region: String,
    /// A named profile from the flags or settings. None: environment keys,
    /// then AWS_PROFILE (or "default"), as the AWS CLI does.
    pub profile: Option<String>,
    /// LocalStack, moto, or a VPC endpoint.
    pub endpoint_url: Option<String>,
    /// The endpoint came from AWS_ENDPOINT_URL: aws-config reads it itself,
    /// so that AWS_ENDPOINT_URL_S3 and kin still win for their service.
    pub endpoint_from_env: bool,
    /// Ask the EC2 instance metadata service for credentials (on EC2 only).
    pub use_instance_metadata: bool,
    /// Regions newer than cutover's list.
    pub extra_regions: Vec<String>,
    /// Fixed keys instead of the chain: for emulators (the sandbox, tests).
    pub static_keys: Option<StaticKeys>,
}

/// An access key pair given directly. Debug never shows the secret.
#[derive(Clone, PartialEq, Eq)]
pub struct StaticKeys {
    pub access_key_id: String,
    pub secret_access_key: String,
}

impl std::fmt::Debug for StaticKeys {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "StaticKeys({}, secret hidden)", self.access_key_id)
    }
}

/// The four service clients of one region.
#[derive(Debug, Clone)]
pub struct Clients {
    pub(crate) role: &'static str,
    pub region: String,
    pub(crate) profile: Option<String>,
    pub(crate) endpoint_url: Option<String>,
    pub ec2: aws_sdk_ec2::Client,
    pub s3: aws_sdk_s3::Client,
    pub rds: aws_sdk_rds::Client,
    pub route53: aws_sdk_route53::Client,
    /// What the clients were built from, for clients made on demand (S3
    /// Control for Batch Operations).
    pub(crate) sdk_config: aws_types::SdkConfig,
}

/// Checks the region, finds credentials (failing fast with what to do), and
/// builds the clients. Makes no AWS call.
impl Clients {
    /// These clients' credentials, endpoint and settings, in another region.
    pub fn in_region(&self, region: &str) -> Clients {
        if region == self.region {
            return self.clone();
        }
        let r = Region::new(region.to_string());
        Clients {
            role: self.role,
            region: region.to_string(),
            profile: self.profile.clone(),
            endpoint_url: self.endpoint_url.clone(),
            ec2: aws_sdk_ec2::Client::from_conf(
                self.ec2.config().to_builder().region(r.clone()).build(),
            ),
            s3: aws_sdk_s3::Client::from_conf(
                self.s3.config().to_builder().region(r.clone()).build(),
            ),
            rds: aws_sdk_rds::Client::from_conf(
                self.rds.config().to_builder().region(r.clone()).build(),
            ),
            route53: aws_sdk_route53::Client::from_conf(
                self.route53.config().to_builder().region(r.clone()).build(),
            ),
            sdk_config: self.sdk_config.to_builder().region(r).build(),
        }
    }
}

pub async fn connect(spec: &RegionSpec) -> Result<Clients, CloudError> {
    check_region(spec.role, &spec.region, &spec.extra_regions).map_err(CloudError::Refused)?;
    if let Some(name) = &spec.profile {
        check_profile_exists(name).await?;
    }
    let credentials = match &spec.static_keys {
        Some(k) => CredentialsProviderChain::first_try(
            "Static",
            Credentials::new(
                &k.access_key_id,
                &k.secret_access_key,
                None,
                None,
                "cutover-static",
            ),
        ),
        None => credentials_chain(spec),
    };
    check_credentials(spec, &credentials).await?;

    let mut loader = aws_config::defaults(BehaviorVersion::latest())
        .region(Region::new(spec.region.clone()))
        .credentials_provider(credentials)
        .retry_config(RetryConfig::standard().with_max_attempts(4))
        .timeout_config(
            TimeoutConfig::builder()
                .connect_timeout(Duration::from_secs(5))
                .operation_attempt_timeout(Duration::from_secs(60))
                .build(),
        );
    if let Some(profile) = &spec.profile {
        loader = loader.profile_name(profile);
    }
    if let Some(url) = spec
        .endpoint_url
        .as_ref()
        .filter(|_| !spec.endpoint_from_env)
    {
        loader = loader.endpoint_url(url);
    }
    let conf = loader.load().await;
    // Virtual-host addressing needs DNS for every bucket name: not on a local emulator.
    let s3_conf = aws_sdk_s3::config::Builder::from(&conf)
        .force_path_style(spec.endpoint_url.is_some())
        .build();
    Ok(Clients {
        role: spec.role,
        region: spec.region.clone(),
        profile: spec.profile.clone(),
        endpoint_url: spec.endpoint_url.clone(),
        ec2: aws_sdk_ec2::Client::new(&conf),
        s3: aws_sdk_s3::Client::from_conf(s3_conf),
        rds: aws_sdk_rds::Client::new(&conf),
        route53: aws_sdk_route53::Client::new(&conf),
        sdk_config: conf.clone(),
    })
}

/// An explicit profile wins over environment keys (as `aws --profile` does);
/// without one: environment, AWS_PROFILE/default profile (SSO, assume-role,
/// credential_process), web identity, container, and the instance metadata
/// service only when asked for.
fn credentials_chain(spec: &RegionSpec) -> CredentialsProviderChain {
    if let Some(name) = &spec.profile {
        let profile = ProfileFileCredentialsProvider::builder()
            .profile_name(name)
            .build();
        return CredentialsProviderChain::first_try("Profile", profile);
    }
    let mut chain = CredentialsProviderChain::first_try(
        "Environment",
        EnvironmentVariableCredentialsProvider::new(),
    )
    .or_else("Profile", ProfileFileCredentialsProvider::builder().build())
    .or_else(
        "WebIdentityToken",
        aws_config::web_identity_token::WebIdentityTokenCredentialsProvider::builder().build(),
    )
    .or_else(
        "EcsContainer",
        aws_config::ecs::EcsCredentialsProvider::builder().build(),
    );
    if spec.use_instance_metadata {
        chain = chain.or_else(
            "Ec2InstanceMetadata",
            aws_config::imds::credentials::ImdsCredentialsProvider::builder().build(),
        );
    }
    chain
}

async fn check_profile_exists(name: &str) -> Result<(), CloudError> {
    use aws_types::os_shim_internal::{Env, Fs};
    let files = aws_runtime::env_config::file::EnvConfigFiles::default();
    let profiles = aws_config::profile::load(&Fs::real(), &Env::real(), &files, None)
        .await
        .map_err(|e| {
            CloudError::Refused(format!(
                "cannot read the AWS config files: {}",
                source_chain(&e)
            ))
        })?;
    if profiles.get_profile(name).is_some() {
        return Ok(());
    }
    let known: Vec<&str> = profiles.profiles().collect();
    let known = if known.is_empty() {
        "there are none in ~/.aws/config or ~/.aws/credentials".to_string()
    } else {
        format!("known profiles: {}", known.join(", "))
    };
    Err(CloudError::Refused(format!(
        "unknown AWS profile '{name}' ({known}); create it with `aws configure --profile {name}` \
         or `aws configure sso`, or pick another with --profile"
    )))
}

async fn check_credentials(
    spec: &RegionSpec,
    chain: &CredentialsProviderChain,
) -> Result<(), CloudError> {
    let found = tokio::time::timeout(Duration::from_secs(30), chain.provide_credentials()).await;
    let err = match found {
        Ok(Ok(_)) => return Ok(()),
        Ok(Err(e)) => e,
        Err(_) => {
            return Err(CloudError::Refused(format!(
                "loading {} credentials took over 30 s; check the network and the profile's SSO or role settings",
                spec.role
            )))
        }
    };
    let whose = match &spec.profile {
        Some(p) => format!("profile '{p}'"),
        None => "the environment or the default profile".into(),
    };
    Err(CloudError::Refused(match err {
        CredentialsError::CredentialsNotLoaded(_) => format!(
            "no AWS credentials found for the {} region in {whose}: set AWS_ACCESS_KEY_ID and \
             AWS_SECRET_ACCESS_KEY, or pass --profile NAME (set one up with `aws configure` or `aws sso login`)",
            spec.role
        ),
        other => format!(
            "cannot load {} credentials from {whose}: {}; if it is an SSO profile, run `aws sso login`",
            spec.role,
            source_chain(&other)
        ),
    }))
}
