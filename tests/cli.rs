#![allow(clippy::unwrap_used, clippy::expect_used)] // tests may panic: that is how they fail
//! The real binary: the JSON document, the table, `paths`, and a clear
//! message with a non-zero exit for each kind of bad input.

mod common;

use common::{cutover_command, seeded, temp_home};
use std::process::Output;

fn run(home: &std::path::Path, endpoint: Option<&str>, args: &[&str]) -> Output {
    let mut cmd = cutover_command(home);
    if let Some(ep) = endpoint {
        cmd.env("AWS_ACCESS_KEY_ID", "test")
            .env("AWS_SECRET_ACCESS_KEY", "test-secret")
            .env("AWS_ENDPOINT_URL", ep);
    }
    cmd.args(args).output().unwrap()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// A clear failure: non-zero, one message, no panic or backtrace.
fn assert_refused(o: &Output, needle: &str) {
    let err = stderr(o);
    assert!(!o.status.success(), "should fail: {err}");
    assert!(err.contains(needle), "expected '{needle}' in: {err}");
    assert!(
        !err.contains("panicked") && !err.contains("RUST_BACKTRACE"),
        "{err}"
    );
}

#[test]
fn inventory_json_is_one_document_with_every_field() {
    let f = seeded();
    let home = temp_home("json");
    let o = run(
        &home,
        Some(&f.server.endpoint()),
        &[
            "--source",
            "us-east-1",
            "--target",
            "eu-west-1",
            "inventory",
            "--output",
            "json",
            "--kinds",
            "key_pair,bucket,record",
        ],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let doc: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(doc["source"], "us-east-1");
    assert_eq!(doc["target"], "eu-west-1");
    let resources = doc["resources"].as_array().unwrap();
    for r in resources {
        for field in [
            "region",
            "kind",
            "id",
            "name",
            "state",
            "tags",
            "counterpart",
        ] {
            assert!(r.get(field).is_some(), "{field} missing in {r}");
        }
        assert!(["key_pair", "bucket", "record"].contains(&r["kind"].as_str().unwrap()));
    }
    let ops = resources
        .iter()
        .find(|r| r["kind"] == "key_pair" && r["region"] == "us-east-1" && r["id"] == "shop-ops")
        .unwrap();
    assert_eq!(ops["counterpart"], "shop-ops");
    let deploy = resources.iter().find(|r| r["id"] == "shop-deploy").unwrap();
    assert!(deploy["counterpart"].is_null());
    assert!(resources
        .iter()
        .filter(|r| r["kind"] == "record")
        .all(|r| r["region"] == "global"));
    assert_eq!(
        resources.iter().filter(|r| r["kind"] == "bucket").count(),
        3
    );
    assert!(
        stderr(&o).contains("first result"),
        "timings on stderr, not in the document"
    );
}

#[test]
fn inventory_table_and_paths() {
    let f = seeded();
    let home = temp_home("table");
    let o = run(
        &home,
        Some(&f.server.endpoint()),
        &[
            "--source",
            "us-east-1",
            "--target",
            "eu-west-1",
            "inventory",
            "--kinds",
            "sg",
        ],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let out = String::from_utf8(o.stdout).unwrap();
    assert!(out.lines().next().unwrap().starts_with("REGION"));
    assert!(out.contains("shop-db"));
    assert!(
        !out.contains("vpc-"),
        "VPCs are read for pairing but not printed"
    );
    let defaults: Vec<&str> = out
        .lines()
        .filter(|l| l.starts_with("us-east-1") && l.contains(" default "))
        .collect();
    assert_eq!(
        defaults.len(),
        3,
        "the default VPC's, the shop VPC's and its analytics peer's: {out}"
    );
    assert_eq!(
        defaults
            .iter()
            .filter(|l| l.trim_end().ends_with('-'))
            .count(),
        2,
        "only the default VPC's group has a copy: {out}"
    );

    let o = run(&home, None, &["paths"]);
    let out = String::from_utf8(o.stdout).unwrap();
    assert!(
        out.contains(&format!(
            "config   {}",
            home.join(".config/cutover/config.toml").display()
        )),
        "{out}"
    );
    assert!(out.contains("journal") && out.contains("reports"));
}

#[test]
fn bad_regions_profiles_and_credentials_are_explained() {
    let f = seeded();
    let ep = f.server.endpoint();
    let home = temp_home("bad");
    let o = run(
        &home,
        Some(&ep),
        &["--source", "us-est-1", "--target", "eu-west-1", "inventory"],
    );
    assert_refused(&o, "did you mean us-east-1?");
    let o = run(&home, Some(&ep), &["--source", "us-east-1", "inventory"]);
    assert_refused(&o, "no target region");
    let o = run(
        &home,
        Some(&ep),
        &[
            "--profile",
            "nosuch",
            "--source",
            "us-east-1",
            "--target",
            "eu-west-1",
            "inventory",
        ],
    );
    assert_refused(&o, "unknown AWS profile 'nosuch'");
    let o = run(
        &home,
        None,
        &[
            "--source",
            "us-east-1",
            "--target",
            "eu-west-1",
            "--endpoint-url",
            &ep,
            "inventory",
        ],
    );
    assert_refused(&o, "no AWS credentials found");
    assert!(stderr(&o).contains("--profile"), "says what to do");
}

#[test]
fn a_named_profile_from_the_aws_files_is_used() {
    let f = seeded();
    let home = temp_home("profile");
    std::fs::create_dir_all(home.join(".aws")).unwrap();
    std::fs::write(
        home.join(".aws/credentials"),
        "[migrator]\naws_access_key_id = AKIDMIGRATOR\naws_secret_access_key = not-shown-anywhere\n",
    )
    .unwrap();
    let mut cmd = cutover_command(&home);
    cmd.env("AWS_ENDPOINT_URL", f.server.endpoint());
    let o = cmd
        .args([
            "--profile",
            "migrator",
            "--source",
            "us-east-1",
            "--target",
            "eu-west-1",
            "inventory",
            "--kinds",
            "key_pair",
        ])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(String::from_utf8_lossy(&o.stdout).contains("shop-ops"));
    let log_path = home.join(".local/share/cutover/cutover.log");
    let log = std::fs::read_to_string(&log_path)
        .unwrap_or_else(|e| panic!("the run leaves a log at {}: {e}", log_path.display()));
    assert!(
        log.lines().count() > 0,
        "the log has lines, so the check below can fail"
    );
    assert!(
        !log.contains("not-shown-anywhere"),
        "secrets never reach the log"
    );
}

#[test]
fn unreachable_endpoint_and_broken_config_are_explained() {
    let home = temp_home("unreachable");
    // A port nothing listens on.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let ep = format!("http://127.0.0.1:{port}");
    let o = run(
        &home,
        Some(&ep),
        &[
            "--source",
            "us-east-1",
            "--target",
            "eu-west-1",
            "inventory",
            "--kinds",
            "vpc",
        ],
    );
    assert_refused(&o, "cannot reach the AWS endpoint");
    assert_eq!(o.status.code(), Some(2));

    let config = home.join("cutover.toml");
    std::fs::write(
        &config,
        "source = \"us-east-1\"\ntarget = \"eu-west-1\"\nread_onyl = true\n",
    )
    .unwrap();
    let o = run(
        &home,
        Some(&ep),
        &["--config", config.to_str().unwrap(), "inventory"],
    );
    assert_refused(&o, "unknown field `read_onyl`");
    std::fs::write(&config, "source = 5\n").unwrap();
    assert_refused(
        &run(
            &home,
            Some(&ep),
            &["--config", config.to_str().unwrap(), "inventory"],
        ),
        "invalid type",
    );
    let o = run(
        &home,
        Some(&ep),
        &[
            "--config",
            home.join("missing.toml").to_str().unwrap(),
            "inventory",
        ],
    );
    assert_refused(&o, "cannot read config file");
}
