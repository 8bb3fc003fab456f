#![allow(clippy::unwrap_used, clippy::expect_used)] // tests may panic: that is how they fail
//! Two cockpits on one journal, in pseudo-terminals: the first writes and
//! runs tasks; the second follows it read-only, says whose it is, and shows
//! tasks as the journal grows. SIGTERM gives the first one's terminal back.

mod common;

use common::{seeded, temp_home};
use portable_pty::{native_pty_system, Child, CommandBuilder, MasterPty, PtySize};
use std::io::{Read, Write};
use std::num::NonZeroU16;
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

struct Cockpit {
    parser: Arc<Mutex<vt100::Parser>>,
    raw: Arc<Mutex<Vec<u8>>>,
    child: Box<dyn Child + Send + Sync>,
    keys: Arc<Mutex<Box<dyn Write + Send>>>,
    _master: Box<dyn MasterPty + Send>,
}

impl Cockpit {
    fn open(home: &Path) -> Cockpit {
        let pty = native_pty_system()
            .openpty(PtySize {
                rows: 40,
                cols: 160,
                pixel_width: 0,
                pixel_height: 0,
            })
            .unwrap();
        let mut cmd = CommandBuilder::new(env!("CARGO_BIN_EXE_cutover"));
        cmd.args(["--source", "us-east-1", "--target", "eu-west-1"]);
        cmd.env_clear();
        cmd.env("PATH", std::env::var("PATH").unwrap_or_default());
        cmd.env("HOME", home);
        cmd.env("XDG_CONFIG_HOME", home.join(".config"));
        cmd.env("XDG_DATA_HOME", home.join(".local/share"));
        cmd.env("TERM", "xterm-256color");
        cmd.env("AWS_ACCESS_KEY_ID", "test");
        cmd.env("AWS_SECRET_ACCESS_KEY", "test-secret");
        cmd.env("AWS_ENDPOINT_URL", seeded().server.endpoint());
        let child = pty.slave.spawn_command(cmd).unwrap();
        drop(pty.slave);
        let parser = Arc::new(Mutex::new(vt100::Parser::new(
            NonZeroU16::new(40).unwrap(),
            NonZeroU16::new(160).unwrap(),
            0,
        )));
        let raw = Arc::new(Mutex::new(Vec::new()));
        let mut reader = pty.master.try_clone_reader().unwrap();
        let keys = Arc::new(Mutex::new(pty.master.take_writer().unwrap()));
        let (p, r, answer) = (parser.clone(), raw.clone(), keys.clone());
        std::thread::spawn(move || {
            let mut buf = [0u8; 8192];
            while let Ok(n) = reader.read(&mut buf) {
                if n == 0 {
                    break;
                }
                let mut parser = p.lock().unwrap();
                parser.process(&buf[..n]);
                if buf[..n].windows(4).any(|w| w == b"\x1b[6n") {
                    let (row, col) = parser.screen().cursor_position();
                    let mut w = answer.lock().unwrap();
                    let _ = write!(w, "\x1b[{};{}R", row + 1, col + 1);
                    let _ = w.flush();
                }
                r.lock().unwrap().extend_from_slice(&buf[..n]);
            }
        });
        Cockpit {
            parser,
            raw,
            child,
            keys,
            _master: pty.master,
        }
    }

    fn press(&self, text: &str) {
        let mut w = self.keys.lock().unwrap();
        w.write_all(text.as_bytes()).unwrap();
        w.flush().unwrap();
    }

    fn text(&self) -> String {
        self.parser.lock().unwrap().screen().contents()
    }

    fn wait_for(&self, what: &str, ok: impl Fn(&str) -> bool) {
        let started = Instant::now();
        while started.elapsed() < Duration::from_secs(60) {
            if ok(&self.text()) {
                return;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        panic!("timed out waiting for {what}; the screen:\n{}", self.text());
    }
}

#[test]
fn a_second_cockpit_follows_the_first_and_sigterm_restores_the_terminal() {
    let home = temp_home("follower");
    let journal = home.join(".local/share/cutover/journal.jsonl");
    let lock = home.join(".local/share/cutover/journal.jsonl.lock");
    let mut writer = Cockpit::open(&home);
    writer.wait_for("the writer's screen", |s| s.contains("us-east-1"));
    let started = Instant::now();
    while std::fs::read_to_string(&lock)
        .unwrap_or_default()
        .is_empty()
    {
        assert!(started.elapsed() < Duration::from_secs(30), "no lock taken");
        std::thread::sleep(Duration::from_millis(50));
    }
    let writer_pid = writer.child.process_id().unwrap();

    let mut follower = Cockpit::open(&home);
    follower.wait_for("the follower's header", |s| {
        s.contains(&format!("FOLLOWING: run by pid {writer_pid} on host"))
    });
    assert!(writer.text().find("FOLLOWING").is_none());

    // The writer journals a task (written here as it would write it): the
    // follower shows it without being asked.
    let spec = serde_json::json!({
        "id": "follow-me-1", "kind": "snapshot", "source_ids": ["snap-followed"],
        "names": {}, "source_region": "us-east-1", "target_region": "eu-west-1",
        "options": {"target_vpc": null, "kms_key_id": null, "target_az": null}
    });
    let line = serde_json::json!({
        "at_ms": 1, "kind": "copy", "topic": "copy:us-east-1>eu-west-1:follow-me-1",
        "event": {"event": "created", "spec": spec}
    });
    let mut file = std::fs::OpenOptions::new()
        .append(true)
        .create(true)
        .open(&journal)
        .unwrap();
    writeln!(file, "{line}").unwrap();
    follower.press("t");
    follower.wait_for("the followed task", |s| s.contains("snap-followed"));

    // SIGTERM: the writer ends and gives its terminal back.
    // SAFETY: kill(2) on our own child.
    unsafe {
        libc::kill(writer_pid as libc::pid_t, libc::SIGTERM);
    }
    let started = Instant::now();
    while writer.child.try_wait().unwrap().is_none() {
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "SIGTERM did not end the cockpit"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    std::thread::sleep(Duration::from_millis(200));
    let raw = String::from_utf8_lossy(&writer.raw.lock().unwrap()).into_owned();
    let left = raw
        .rfind("\x1b[?1049l")
        .expect("the alternate screen was left");
    assert!(left > raw.rfind("\x1b[?1049h").unwrap());
    assert!(!writer.parser.lock().unwrap().screen().alternate_screen());
    assert!(
        std::fs::read_to_string(&lock).unwrap().is_empty(),
        "a clean end leaves no holder named"
    );

    let _ = follower.child.kill();
    let _ = std::fs::remove_dir_all(&home);
}
