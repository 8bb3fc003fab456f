//! assets/iam-policy.json lists exactly the calls cutover makes on a real
//! account: every "service:Operation" named in src/cloud (the seeder, which
//! writes only to the sandbox emulator, aside) must be allowed, and nothing
//! else.

use std::collections::BTreeSet;
use std::path::Path;

/// Where an IAM action's name differs from the API operation's.
fn iam_action(operation: &str) -> String {
    match operation {
        "s3:ListBuckets" => "s3:ListAllMyBuckets".into(),
        other => other.into(),
    }
}

fn operations_in(dir: &Path, found: &mut BTreeSet<String>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.ends_with("seed") {
            continue;
        }
        if path.is_dir() {
            operations_in(&path, found);
        } else if path.extension().is_some_and(|e| e == "rs") {
            let text = std::fs::read_to_string(&path).unwrap();
            for piece in text.split('"').skip(1).step_by(2) {
                let Some((service, op)) = piece.split_once(':') else {
                    continue;
                };
                let known = ["ec2", "s3", "rds", "route53"].contains(&service);
                if known
                    && !op.is_empty()
                    && op.chars().all(|c| c.is_ascii_alphanumeric())
                    && op.starts_with(|c: char| c.is_ascii_uppercase())
                {
                    found.insert(iam_action(piece));
                }
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
