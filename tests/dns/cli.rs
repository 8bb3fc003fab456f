//! The real binary: `cutover dns ...` end to end, and bad input refused
//! before anything is written.

use super::safety::{pair, sdk_www};
use super::*;
use common::{cutover_command, temp_home};

fn cli(sb: &Sandbox, home: &std::path::Path, args: &[&str]) -> std::process::Output {
    let mut cmd = cutover_command(home);
    cmd.env("AWS_ACCESS_KEY_ID", "test")
        .env("AWS_SECRET_ACCESS_KEY", "test-secret")
        .env("AWS_ENDPOINT_URL", sb.server.endpoint())
        .args(["--source", "us-east-1", "--target", "eu-west-1", "dns"])
        .args(args);
    cmd.output().unwrap()
}

fn text(o: &std::process::Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

fn journal_in(home: &std::path::Path) -> PathBuf {
    home.join(".local/share/cutover/journal.jsonl")
}

#[tokio::test]
async fn headless_cli_end_to_end() {
    let sb = sandbox("cli").await;
    let home = temp_home("dns-cli");
    let at = ["--zone", &sb.zone_id, "--record", "www.shop.example.com"];
    let plan = |extra: &[&str]| {
        cli(
            &sb,
            &home,
            &[
                &["plan"],
                &at[..],
                &["--target-value", TARGET_IP, "--gradual"],
                extra,
            ]
            .concat(),
        )
    };

    let o = plan(&[]);
    assert!(o.status.success(), "{}", text(&o));
    let out = text(&o);
    assert!(
        out.contains("make the record a weighted pair")
            && out.contains("pass --yes")
            && out.contains("writes from both"),
        "{out}"
    );
    assert!(!journal_in(&home).exists(), "no --yes: nothing written");

    let o = cli(
        &sb,
        &home,
        &[
            "--read-only",
            "plan",
            "--zone",
            &sb.zone_id,
            "--record",
            WWW,
            "--target-value",
            TARGET_IP,
            "--yes",
        ],
    );
    assert!(
        !o.status.success() && text(&o).contains("read-only"),
        "{}",
        text(&o)
    );
    assert_eq!(sb.www().await, vec![simple("A", WWW, 300, SOURCE_IP)]);

    let o = plan(&["--yes"]);
    assert!(o.status.success(), "{}", text(&o));
    assert!(text(&o).contains("INSYNC"), "{}", text(&o));
    sb.assert_pair(100, 0, 300).await;

    let step = |extra: &[&str]| cli(&sb, &home, &[&["step"], &at[..], extra].concat());
    let o = step(&["--yes"]);
    assert!(!o.status.success(), "the 300 s cache wait runs");
    assert!(
        text(&o).contains("--force") && text(&o).contains("UTC"),
        "{}",
        text(&o)
    );
    let o = step(&[]);
    assert!(
        o.status.success() && text(&o).contains("next: step 2 of 6"),
        "{}",
        text(&o)
    );
    let o = step(&["--yes", "--force"]);
    assert!(o.status.success(), "{}", text(&o));
    sb.assert_pair(100, 0, 60).await;

    let o = cli(
        &sb,
        &home,
        &[&["status"], &at[..], &["--output", "json"]].concat(),
    );
    assert!(o.status.success(), "{}", text(&o));
    let doc: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(doc["steps_done"], 2);
    assert_eq!(doc["overrides"], 1);
    assert_eq!(doc["drift"], false);
    assert!(doc["next_safe_at_ms"].as_u64().is_some());

    let o = cli(&sb, &home, &[&["rollback"], &at[..], &["--yes"]].concat());
    // Already at 100/0 after the TTL step: nothing to roll back, said plainly.
    assert!(
        !o.status.success() && text(&o).contains("nothing to roll back"),
        "{}",
        text(&o)
    );
    step(&["--yes", "--force"]);
    sb.assert_pair(90, 10, 60).await;
    let o = cli(&sb, &home, &[&["rollback"], &at[..], &["--yes"]].concat());
    assert!(o.status.success(), "{}", text(&o));
    sb.assert_pair(100, 0, 60).await;
}

#[tokio::test]
async fn invalid_cli_input_writes_nothing() {
    let sb = sandbox("bad-input").await;
    let home = temp_home("dns-bad-input");
    for (extra, needle) in [
        (
            &["--weights", "100/0,300/0"][..],
            "weight 300 is out of range",
        ),
        (&["--weights", "100/0,0/0"], "0/0 are refused"),
        (&["--weights", "100-0"], "not SOURCE/TARGET"),
        (&["--ttl-stages", "300,-5"], "TTL -5 is out of range"),
        (&["--ttl-stages", "60,,30"], "empty item"),
        (&["--final-ttl", "-1"], "out of range"),
    ] {
        let args = [
            &[
                "plan",
                "--zone",
                &sb.zone_id,
                "--record",
                WWW,
                "--target-value",
                TARGET_IP,
                "--yes",
            ][..],
            extra,
        ]
        .concat();
        let o = cli(&sb, &home, &args);
        assert!(!o.status.success(), "{extra:?} should fail");
        assert!(
            text(&o).contains(needle),
            "expected '{needle}' in {}",
            text(&o)
        );
        assert!(!text(&o).contains("panicked"));
    }
    let app = "app.shop.example.com";
    for (record, value, needle) in [
        ("www.other.com", TARGET_IP, "not inside zone"),
        (WWW, "not-an-ip", "IPv4"),
        ("nope.shop.example.com", TARGET_IP, "no A, AAAA or CNAME"),
        // Each bad target value, refused before anything is written.
        (WWW, "0.0.0.0", "unspecified"),
        (WWW, "127.0.0.1", "loopback"),
        (WWW, "169.254.10.1", "link-local"),
        (WWW, "10.0.0.5", "--allow-private"),
        (WWW, "2001:db8::7", "IPv4"),
        (app, "https://web.eu-west-1.example.net", "scheme"),
        (app, "web.eu-west-1.example.net/app", "path"),
        (app, "foo..bar", "empty label"),
        (app, "198.51.100.7", "IP address"),
        (app, "app.shop.example.com.", "loop"),
    ] {
        let o = cli(
            &sb,
            &home,
            &[
                "plan",
                "--zone",
                &sb.zone_id,
                "--record",
                record,
                "--target-value",
                value,
                "--yes",
            ],
        );
        assert!(
            !o.status.success() && text(&o).contains(needle),
            "{}",
            text(&o)
        );
    }
    let o = cli(
        &sb,
        &home,
        &["step", "--zone", &sb.zone_id, "--record", WWW, "--yes"],
    );
    assert!(
        !o.status.success() && text(&o).contains("no DNS cutover is planned"),
        "{}",
        text(&o)
    );
    // --allow-private lets a private address through (shown, not applied).
    let o = cli(
        &sb,
        &home,
        &[
            "plan",
            "--zone",
            &sb.zone_id,
            "--record",
            WWW,
            "--target-value",
            "10.0.0.5",
            "--allow-private",
        ],
    );
    assert!(o.status.success(), "{}", text(&o));
    assert!(
        text(&o).contains("WARNING: 10.0.0.5 is not an Elastic IP"),
        "a value the target region does not hold is warned about: {}",
        text(&o)
    );
    assert!(!journal_in(&home).exists());
    assert_eq!(sb.www().await, vec![simple("A", WWW, 300, SOURCE_IP)]);
    let app_sets = r53::record_sets_named(&sb.route53, &sb.zone_id, ZONE, "app.shop.example.com.")
        .await
        .unwrap();
    assert_eq!(
        app_sets,
        vec![simple(
            "CNAME",
            "app.shop.example.com.",
            300,
            "web.us-east-1.example.net."
        )]
    );
}

#[tokio::test]
async fn status_lists_every_cutover_and_zones_go_by_name() {
    let sb = sandbox("cli-all").await;
    let home = temp_home("dns-cli-all");
    let plan = |zone: &str, record: &str, value: &str| {
        cli(
            &sb,
            &home,
            &[
                "plan",
                "--zone",
                zone,
                "--record",
                record,
                "--target-value",
                value,
                "--yes",
            ],
        )
    };
    let o = plan(&sb.zone_id, WWW, TARGET_IP);
    assert!(o.status.success(), "{}", text(&o));
    // The zone by its name, with or without the trailing dot.
    let o = plan(
        "shop.example.com",
        "app.shop.example.com",
        "web.eu-west-1.example.net.",
    );
    assert!(o.status.success(), "{}", text(&o));
    let o = cli(
        &sb,
        &home,
        &["status", "--zone", "nope.example.org", "--record", WWW],
    );
    assert!(
        !o.status.success() && text(&o).contains("no hosted zone is named nope.example.org"),
        "{}",
        text(&o)
    );

    let o = cli(&sb, &home, &["status"]);
    assert!(o.status.success(), "{}", text(&o));
    let out = text(&o);
    for record in [WWW, "app.shop.example.com."] {
        let line = out
            .lines()
            .find(|l| l.starts_with(record))
            .unwrap_or_else(|| panic!("no line for {record} in {out}"));
        assert!(
            line.contains("1/4") && line.contains("weighted 100/0") && line.contains(" no "),
            "{line}"
        );
        assert!(
            line.contains("UTC"),
            "the clock time of the next safe step: {line}"
        );
    }
    let o = cli(&sb, &home, &["status", "--output", "json"]);
    let doc: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let records: Vec<&str> = doc
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["record"].as_str().unwrap())
        .collect();
    assert_eq!(records, ["app.shop.example.com.", WWW]);
}

#[tokio::test]
async fn a_second_process_stepping_the_same_record_refuses_with_who_holds_it() {
    let sb = sandbox("cli-one-writer").await;
    let home = temp_home("dns-cli-one-writer");
    let at = ["--zone", &sb.zone_id, "--record", WWW];
    let o = cli(
        &sb,
        &home,
        &[&["plan"], &at[..], &["--target-value", TARGET_IP, "--yes"]].concat(),
    );
    assert!(o.status.success(), "{}", text(&o));
    assert_eq!(sdk_www(&sb).await, pair(100, 0, 300));

    // This test process is the other writer, stepping the same record.
    let held = cutover::journal_lock::acquire(&journal_in(&home)).unwrap();
    let step = || {
        cli(
            &sb,
            &home,
            &[&["step"], &at[..], &["--yes", "--force"]].concat(),
        )
    };
    let o = step();
    assert_eq!(o.status.code(), Some(3), "{}", text(&o));
    let said = text(&o);
    assert!(
        said.contains(&format!(
            "pid {} on host {}",
            std::process::id(),
            cutover::journal_lock::host_name()
        )) && said.contains(" since 20"),
        "{said}"
    );
    assert_eq!(sdk_www(&sb).await, pair(100, 0, 300));
    let lines = std::fs::read_to_string(journal_in(&home)).unwrap();
    assert!(
        !lines.contains("override"),
        "the refused step journaled nothing: {lines}"
    );

    // Once the other writer is gone, the step goes.
    drop(held);
    let o = step();
    assert!(o.status.success(), "{}", text(&o));
    assert_eq!(sdk_www(&sb).await, pair(100, 0, 60));
}
