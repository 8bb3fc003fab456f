#![allow(clippy::unwrap_used, clippy::expect_used)] // tests may panic: that is how they fail
//! assets/iam-policy.json lists exactly the calls cutover makes on a real
//! account: every "service:Operation" named in src/cloud (the seeder, which
//! writes only to the sandbox emulator, aside) must be allowed, and nothing
//! else.

use std::collections::BTreeSet;
use std::path::Path;

/// The IAM actions an API operation needs, where they differ from its name.
fn iam_actions(operation: &str) -> Vec<&str> {
    match operation {
        "s3:ListBuckets" => vec!["s3:ListAllMyBuckets"],
        "s3:HeadBucket" | "s3:ListObjectsV2" => vec!["s3:ListBucket"],
        "s3:ListObjectVersions" => vec!["s3:ListBucketVersions"],
        "s3:ListMultipartUploads" => vec!["s3:ListBucketMultipartUploads"],
        "s3:GetBucketCors" => vec!["s3:GetBucketCORS"],
        "s3:PutBucketCors" => vec!["s3:PutBucketCORS"],
        "s3:GetBucketEncryption" => vec!["s3:GetEncryptionConfiguration"],
        "s3:PutBucketEncryption" => vec!["s3:PutEncryptionConfiguration"],
        "s3:GetBucketLifecycleConfiguration" => vec!["s3:GetLifecycleConfiguration"],
        "s3:PutBucketLifecycleConfiguration" => vec!["s3:PutLifecycleConfiguration"],
        "s3:GetPublicAccessBlock" => vec!["s3:GetBucketPublicAccessBlock"],
        "s3:PutPublicAccessBlock" => vec!["s3:PutBucketPublicAccessBlock"],
        // Server-side copies read the source object and its tags, write the copy and its tags.
        "s3:CopyObject" => vec![
            "s3:GetObject",
            "s3:GetObjectTagging",
            "s3:PutObject",
            "s3:PutObjectTagging",
            // --versions all copies named versions.
            "s3:GetObjectVersion",
            "s3:GetObjectVersionTagging",
        ],
        "s3:HeadObject" => vec!["s3:GetObject"],
        "s3:DeleteObjects" => vec!["s3:DeleteObject"],
        "s3:UploadPart" => vec!["s3:PutObject"],
        // The Batch Operations job runs as the operator's role.
        "s3:CreateJob" => vec!["s3:CreateJob", "iam:PassRole"],
        "s3:GetBucketReplication" => vec!["s3:GetReplicationConfiguration"],
        // S3 assumes the operator's role: passing it needs iam:PassRole.
        "s3:PutBucketReplication" => vec!["s3:PutReplicationConfiguration", "iam:PassRole"],
        "s3:UploadPartCopy" => vec!["s3:GetObject", "s3:PutObject"],
        "s3:CreateMultipartUpload" => vec!["s3:PutObject", "s3:PutObjectTagging"],
        "s3:CompleteMultipartUpload" => vec!["s3:PutObject"],
        // Tags given at creation need the tagging permission too.
        "rds:CreateDBSnapshot"
        | "rds:CopyDBSnapshot"
        | "rds:RestoreDBInstanceFromDBSnapshot"
        | "rds:CreateDBInstanceReadReplica"
        | "rds:CreateDBParameterGroup"
        | "rds:CreateDBSubnetGroup"
        | "rds:CreateOptionGroup"
        | "rds:CopyDBClusterSnapshot" => {
            vec![operation, "rds:AddTagsToResource"]
        }
        // A launch with an instance profile passes its role.
        "ec2:RunInstances" => vec![operation, "iam:PassRole"],
        other => vec![other],
    }
}

fn operations_in(dir: &Path, found: &mut BTreeSet<String>) {
    let operation = regex::Regex::new(r#""((?:ec2|s3|rds|route53):[A-Z][A-Za-z0-9]*)""#).unwrap();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.ends_with("seed") {
            continue;
        }
        if path.is_dir() {
            operations_in(&path, found);
        } else if path.extension().is_some_and(|e| e == "rs") {
            let text = std::fs::read_to_string(&path).unwrap();
            for m in operation.captures_iter(&text) {
                found.extend(iam_actions(&m[1]).into_iter().map(String::from));
            }
        }
    }
}

#[test]
fn the_policy_allows_exactly_the_calls_cutover_makes() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut used = BTreeSet::new();
    operations_in(&root.join("src/cloud"), &mut used);
    assert!(
        used.contains("ec2:DescribeInstances"),
        "the scan finds operations: {used:?}"
    );

    let policy: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(root.join("assets/iam-policy.json")).unwrap(),
    )
    .unwrap();
    let allowed: BTreeSet<String> = policy["Statement"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|s| s["Action"].as_array().unwrap())
        .map(|a| a.as_str().unwrap().to_string())
        .collect();
    let missing: Vec<_> = used.difference(&allowed).collect();
    let unused: Vec<_> = allowed.difference(&used).collect();
    assert!(
        missing.is_empty(),
        "calls missing from assets/iam-policy.json: {missing:?}"
    );
    assert!(
        unused.is_empty(),
        "policy allows calls cutover never makes: {unused:?}"
    );
}
