#![allow(clippy::unwrap_used, clippy::expect_used)] // tests may panic: that is how they fail
//! `cutover sandbox` with the pacing proxy: `--serve` answers on `--port`
//! through the proxy (a new snapshot is pending) and stops with it on
//! Ctrl-C; bad `--pace` and `--faults` values are refused with what to give.

mod common;
#[path = "support/own.rs"]
mod own;

use common::regions_at;
use cutover::sandbox::sandbox_keys;

fn unique(what: &str) -> String {
    format!("serve-{what}-{}", std::process::id())
}

#[test]
fn sandbox_refuses_a_bad_pace_or_rate_with_what_to_give() {
    let home = tempfile::tempdir().unwrap();
    for (args, needle) in [
        (["--faults", "2"], "not a rate: give a share from 0 to 1"),
        (
            ["--pace", "soon"],
            "not a pace: give seconds from 0 to 3600",
        ),
    ] {
        let out = common::cutover_command(home.path())
            .arg("sandbox")
            .args(args)
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(!out.status.success(), "{args:?}: {err}");
        assert!(err.contains(needle), "{args:?}: {err}");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn sandbox_serve_answers_on_its_port_through_the_pacing_proxy() {
    use std::io::{BufRead, BufReader};

    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let home = tempfile::tempdir().unwrap();
    let mut child = common::cutover_command(home.path())
        .args(["sandbox", "--serve", "--pace", "30", "--objects", "10"])
        .args(["--port", &port.to_string()])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    // Read to the last line printed: a pipe closed early would end the
    // sandbox on its next print.
    let mut out = BufReader::new(child.stdout.take().unwrap());
    let printed = tokio::task::block_in_place(|| {
        let mut printed = Vec::new();
        let mut line = String::new();
        while out.read_line(&mut line).unwrap_or(0) > 0 {
            let done = line.contains("Ctrl-C stops");
            printed.push(std::mem::take(&mut line));
            if done {
                break;
            }
        }
        printed
    });
    let endpoint = printed.iter().find_map(|l| {
        l.trim()
            .strip_prefix("export AWS_ENDPOINT_URL=")
            .map(str::to_string)
    });
    let endpoint = endpoint.expect("the sandbox printed its endpoint");
    assert_eq!(endpoint, format!("http://127.0.0.1:{port}"));
    // A snapshot made through the sandbox's endpoint is pending for 30 s.
    let regions = regions_at(&endpoint, sandbox_keys()).await;
    let snap = own::snapshot(&regions.source, &unique("snap")).await;
    let state = regions
        .source
        .ec2
        .describe_snapshots()
        .snapshot_ids(&snap)
        .send()
        .await
        .unwrap()
        .snapshots()[0]
        .state()
        .unwrap()
        .as_str()
        .to_string();
    assert_eq!(state, "pending");
    // SAFETY: a signal to the child this test started.
    unsafe {
        libc::kill(child.id() as libc::pid_t, libc::SIGINT);
    }
    let status = tokio::task::block_in_place(|| child.wait()).unwrap();
    assert!(status.success(), "{status}");
    assert!(
        std::net::TcpStream::connect(("127.0.0.1", port)).is_err(),
        "the proxy stopped with the sandbox"
    );
}
