#![allow(clippy::unwrap_used, clippy::expect_used)] // tests may panic: that is how they fail
//! `cutover copy` reads only what its ids need: a one-bucket copy works
//! with nothing but the S3 actions of assets/iam-policy.json (moto enforces
//! IAM when started with INITIAL_NO_AUTH_ACTION_COUNT), and makes no EC2,
//! RDS or Route 53 call on the wire (counted by a recording proxy).

mod common;

use common::recorder::Recorder;
use common::regions_at;
use cutover::cloud::StaticKeys;
use cutover::sandbox::MotoServer;

/// Seeds a bucket with three objects, then makes a user allowed only the
/// policy file's S3 actions. Seven calls, all let through unauthenticated.
const SEED_AND_USER: &str = r#"
import boto3, json, sys
endpoint, policy_file, bucket = sys.argv[1:4]
kw = dict(endpoint_url=endpoint, region_name="us-east-1",
          aws_access_key_id="bootstrap", aws_secret_access_key="bootstrap")
s3 = boto3.client("s3", **kw)
s3.create_bucket(Bucket=bucket)
for i in range(3):
    s3.put_object(Bucket=bucket, Key=f"k{i}", Body=b"x" * (i + 1))
actions = sorted({a for s in json.load(open(policy_file))["Statement"]
                  for a in s["Action"] if a.startswith("s3:")})
# moto names three actions its own way (AWS: s3:ListBucket for HeadBucket,
# s3:Get/PutBucketPublicAccessBlock): the same rights under moto's names.
actions += ["s3:HeadBucket", "s3:GetPublicAccessBlock", "s3:PutPublicAccessBlock"]
iam = boto3.client("iam", **kw)
iam.create_user(UserName="s3-only")
policy = {"Version": "2012-10-17",
          "Statement": [{"Effect": "Allow", "Action": actions, "Resource": "*"}]}
iam.put_user_policy(UserName="s3-only", PolicyName="s3", PolicyDocument=json.dumps(policy))
key = iam.create_access_key(UserName="s3-only")["AccessKey"]
print(key["AccessKeyId"], key["SecretAccessKey"])
"#;

#[tokio::test(flavor = "multi_thread")]
async fn a_one_bucket_copy_needs_only_s3_and_calls_nothing_else() {
    let server =
        MotoServer::start_with_env(None, &[("INITIAL_NO_AUTH_ACTION_COUNT", "7")]).unwrap();
    let bucket = "least-privilege-src";
    let policy = concat!(env!("CARGO_MANIFEST_DIR"), "/assets/iam-policy.json");
    let out = std::process::Command::new("python3")
        .args(["-c", SEED_AND_USER, &server.endpoint(), policy, bucket])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout).unwrap();
    let (id, secret) = text.trim().split_once(' ').unwrap();

    // The user really is denied EC2: the test would prove nothing otherwise.
    let keys = StaticKeys {
        access_key_id: id.into(),
        secret_access_key: secret.into(),
    };
    let direct = regions_at(&server.endpoint(), keys).await;
    let denied = direct.source.ec2.describe_instances().send().await;
    assert!(denied.is_err(), "EC2 must be denied to this user");

    let proxy = Recorder::start(server.port());
    let home = common::temp_home("copy-reads");
    let o = common::cutover_command(&home)
        .env("AWS_ACCESS_KEY_ID", id)
        .env("AWS_SECRET_ACCESS_KEY", secret)
        .env(
            "AWS_ENDPOINT_URL",
            format!("http://127.0.0.1:{}", proxy.port),
        )
        .args(["--source", "us-east-1", "--target", "eu-west-1"])
        .args([
            "copy", "--ids", bucket, "--yes", "--wait", "--output", "json",
        ])
        .output()
        .unwrap();
    assert!(
        o.status.success(),
        "stderr: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    let tasks: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(tasks[0]["state"], "done", "{tasks}");

    let copied = direct
        .target
        .s3
        .list_objects_v2()
        .bucket(format!("{bucket}-eu-west-1"))
        .send()
        .await
        .unwrap();
    let keys: Vec<&str> = copied.contents().iter().filter_map(|o| o.key()).collect();
    assert_eq!(keys, ["k0", "k1", "k2"]);

    let (calls, _) = proxy.calls();
    assert!(!calls.is_empty(), "the proxy saw the copy");
    let elsewhere: Vec<&String> = calls
        .iter()
        .filter(|c| !c.contains(' ') || c.contains("/2013-04-01/"))
        .collect();
    assert_eq!(
        elsewhere,
        Vec::<&String>::new(),
        "EC2/RDS (Action=...) or Route 53 calls in a bucket copy"
    );
}
