#![allow(clippy::unwrap_used, clippy::expect_used)] // tests may panic: that is how they fail
//! A kind the credentials may not read fails on its own, with AWS's code and
//! a hint, and the other kinds still arrive. moto enforces IAM policies when
//! started with INITIAL_NO_AUTH_ACTION_COUNT; the user and its policy are
//! made with boto3 (installed with moto) through moto's IAM API.

mod common;

use common::regions_at;
use cutover::cloud::StaticKeys;
use cutover::commands::collect_inventory;
use cutover::model::{BucketNaming, Kind, Listing, Side};
use cutover::sandbox::MotoServer;

const MAKE_USER: &str = r#"
import boto3, json, sys
iam = boto3.client("iam", endpoint_url=sys.argv[1], region_name="us-east-1",
                   aws_access_key_id="bootstrap", aws_secret_access_key="bootstrap")
iam.create_user(UserName="migrator")
policy = {"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Action": ["ec2:*", "s3:*", "route53:*"], "Resource": "*"},
    {"Effect": "Deny", "Action": "rds:*", "Resource": "*"}]}
iam.put_user_policy(UserName="migrator", PolicyName="no-rds", PolicyDocument=json.dumps(policy))
key = iam.create_access_key(UserName="migrator")["AccessKey"]
print(key["AccessKeyId"], key["SecretAccessKey"])
"#;

#[tokio::test]
async fn a_denied_service_fails_alone_with_code_and_hint() {
    // The first three requests (the IAM calls above) are let through unauthenticated.
    let server =
        MotoServer::start_with_env(None, &[("INITIAL_NO_AUTH_ACTION_COUNT", "3")]).unwrap();
    let out = std::process::Command::new("python3")
        .args(["-c", MAKE_USER, &server.endpoint()])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout).unwrap();
    let (id, secret) = text.trim().split_once(' ').unwrap();
    let keys = StaticKeys {
        access_key_id: id.into(),
        secret_access_key: secret.into(),
    };
    let regions = regions_at(&server.endpoint(), keys).await;
    let kinds = [
        Kind::Vpc,
        Kind::SecurityGroup,
        Kind::DbInstance,
        Kind::DbSnapshot,
    ];
    let (inv, _, _) = collect_inventory(&regions, BucketNaming::default(), &kinds).await;
    for side in [Side::Source, Side::Target] {
        assert!(matches!(inv.listing(side, Kind::Vpc), Some(Listing::Loaded(v)) if !v.is_empty()));
        assert!(matches!(
            inv.listing(side, Kind::SecurityGroup),
            Some(Listing::Loaded(_))
        ));
        for kind in [Kind::DbInstance, Kind::DbSnapshot] {
            let Some(Listing::Failed(e)) = inv.listing(side, kind) else {
                panic!("{kind} should fail")
            };
            assert!(e.starts_with("rds:Describe"), "{e}");
            assert!(e.contains("AccessDenied"), "{e}");
            assert!(
                e.contains("iam-policy.json"),
                "the hint says what to do: {e}"
            );
        }
    }
}
