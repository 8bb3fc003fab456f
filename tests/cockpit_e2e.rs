#![allow(clippy::unwrap_used, clippy::expect_used)] // tests may panic: that is how they fail
//! The real `cutover` binary in a pseudo-terminal, on a seeded moto_server:
//! both panes fill, a kind switch, a filter, a selection, the details popup,
//! quit, and the terminal given back as it was; a copy running when `q` is
//! pressed makes it ask, and the exit summary says what was left.

mod common;

use common::{seeded, temp_home};
use portable_pty::{native_pty_system, CommandBuilder, PtySize};
use std::io::{Read, Write};
use std::num::NonZeroU16;
use std::sync::{mpsc, Arc, Mutex};
use std::time::{Duration, Instant};

/// The binary running in a pseudo-terminal, its screen as a terminal shows it.
struct Cockpit {
    parser: Arc<Mutex<vt100::Parser>>,
    raw: Arc<Mutex<Vec<u8>>>,
    keys: Arc<Mutex<Box<dyn Write + Send>>>,
    child: Box<dyn portable_pty::Child + Send + Sync>,
    /// Signalled when the reader has seen the end of the output.
    eof: mpsc::Receiver<()>,
}

/// How long a condition may take; CUTOVER_TEST_WAIT_SECS stretches it on slow machines.
fn patience() -> Duration {
    let secs = std::env::var("CUTOVER_TEST_WAIT_SECS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(60);
    Duration::from_secs(secs)
}

impl Cockpit {
    fn start(f: &common::Fixture, name: &str, config: Option<&str>) -> Self {
        let home = temp_home(name);
        if let Some(config) = config {
            let dir = home.join(".config/cutover");
            std::fs::create_dir_all(&dir).unwrap();
            std::fs::write(dir.join("config.toml"), config).unwrap();
        }
        let pty = native_pty_system()
            .openpty(PtySize {
                rows: ROWS,
                cols: COLS,
                pixel_width: 0,
                pixel_height: 0,
            })
            .unwrap();
        let mut cmd = CommandBuilder::new(env!("CARGO_BIN_EXE_cutover"));
        cmd.args(["--source", "us-east-1", "--target", "eu-west-1"]);
        cmd.env_clear();
        cmd.env("PATH", std::env::var("PATH").unwrap_or_default());
        cmd.env("HOME", &home);
        cmd.env("XDG_CONFIG_HOME", home.join(".config"));
        cmd.env("XDG_DATA_HOME", home.join(".local/share"));
        cmd.env("TERM", "xterm-256color");
        cmd.env("AWS_ACCESS_KEY_ID", "test");
        cmd.env("AWS_SECRET_ACCESS_KEY", "test-secret");
        cmd.env("AWS_ENDPOINT_URL", f.server.endpoint());
        let child = pty.slave.spawn_command(cmd).unwrap();
        drop(pty.slave);

        let parser = Arc::new(Mutex::new(vt100::Parser::new(
            NonZeroU16::new(ROWS).unwrap(),
            NonZeroU16::new(COLS).unwrap(),
            0,
        )));
        let raw = Arc::new(Mutex::new(Vec::new()));
        let mut reader = pty.master.try_clone_reader().unwrap();
        let keys: Arc<Mutex<Box<dyn Write + Send>>> =
            Arc::new(Mutex::new(pty.master.take_writer().unwrap()));
        let (done, eof) = mpsc::channel();
        let (p, r, answer) = (parser.clone(), raw.clone(), keys.clone());
        std::thread::spawn(move || {
            // Owned here so the master closes only once the output is read.
            let _master = pty.master;
            let mut buf = [0u8; 8192];
            while let Ok(n) = reader.read(&mut buf) {
                if n == 0 {
                    break;
                }
                let mut parser = p.lock().unwrap();
                parser.process(&buf[..n]);
                // Play the terminal: answer "where is the cursor?" as a real one does.
                if buf[..n].windows(4).any(|w| w == b"\x1b[6n") {
                    let (row, col) = parser.screen().cursor_position();
                    let mut w = answer.lock().unwrap();
                    let _ = write!(w, "\x1b[{};{}R", row + 1, col + 1);
                    let _ = w.flush();
                }
                r.lock().unwrap().extend_from_slice(&buf[..n]);
            }
            let _ = done.send(());
        });
        Cockpit {
            parser,
            raw,
            keys,
            child,
            eof,
        }
    }

    fn text(&self) -> String {
        self.parser.lock().unwrap().screen().contents()
    }

    fn press(&self, text: &str) {
        let mut w = self.keys.lock().unwrap();
        w.write_all(text.as_bytes()).unwrap();
        w.flush().unwrap();
    }

    /// Waits until `ok` holds for the screen, or fails showing the screen.
    fn wait_for(&self, what: &str, ok: impl Fn(&str) -> bool) {
        let started = Instant::now();
        while started.elapsed() < patience() {
            if ok(&self.text()) {
                return;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        panic!("timed out waiting for {what}; the screen:\n{}", self.text());
    }

    /// The screen once two reads 200 ms apart agree: an absence checked on
    /// an older frame proves nothing.
    fn stable(&self) -> String {
        let started = Instant::now();
        let mut last = self.text();
        while started.elapsed() < patience() {
            std::thread::sleep(Duration::from_millis(200));
            let now = self.text();
            if now == last {
                return now;
            }
            last = now;
        }
        panic!("the screen never settled:\n{last}");
    }

    /// Waits for the process to exit, then for its output to end, and
    /// returns everything it wrote.
    fn exit(mut self) -> (portable_pty::ExitStatus, String) {
        let started = Instant::now();
        let status = loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                break status;
            }
            assert!(
                started.elapsed() < patience(),
                "it did not quit:\n{}",
                self.text()
            );
            std::thread::sleep(Duration::from_millis(50));
        };
        self.eof
            .recv_timeout(patience())
            .expect("the output ends once the process has exited");
        let raw = String::from_utf8_lossy(&self.raw.lock().unwrap()).into_owned();
        (status, raw)
    }
}

const ROWS: u16 = 40;
const COLS: u16 = 150;

/// The terminal was given back: alternate screen left, cursor shown.
fn assert_restored(raw: &str) {
    let left = raw
        .rfind("\x1b[?1049l")
        .expect("the alternate screen was left");
    assert!(
        left > raw.rfind("\x1b[?1049h").unwrap(),
        "left after entering"
    );
    assert!(
        raw[left..].contains("\x1b[?25h")
            || raw.rfind("\x1b[?25h").unwrap() > raw.rfind("\x1b[?25l").unwrap_or(0),
        "the cursor is shown again"
    );
}

#[test]
fn the_cockpit_shows_both_estates_filters_selects_details_and_quits_cleanly() {
    let f = seeded();
    let screen = Cockpit::start(f, "pty", None);
    screen.wait_for("the source's instances", |s| {
        s.contains("shop-web-1") && s.contains("shop-batch-1")
    });
    assert!(screen.text().contains("us-east-1") && screen.text().contains("eu-west-1"));

    // AMIs: the web image is in both panes (made before cutover ran, so
    // "exists", not "copied"), the others only in the source.
    screen.press(":ami\r");
    let (web, copy) = (
        &f.seeded.images["shop-web-2026-11-20"],
        &f.seeded.target_images["shop-web-2026-11-20"],
    );
    screen.wait_for("AMIs in both panes", |s| {
        s.contains(web.as_str()) && s.contains(copy.as_str())
    });
    let text = screen.stable();
    assert_eq!(
        text.matches("│  exists ").count(),
        1,
        "only the web AMI has a counterpart:\n{text}"
    );
    assert_eq!(text.matches("│  copied ").count(), 0, "{text}");
    assert_eq!(text.matches("│  missing ").count(), 2, "{text}");

    screen.press(":sg\r");
    screen.wait_for("security groups", |s| s.contains("shop-db"));
    screen.press("/shop-db");
    screen.wait_for("the filter line", |s| s.contains("/shop-db"));
    screen.press("\r");
    screen.wait_for("the filter to leave one group", |s| {
        s.contains("shop-db") && !s.contains("shop-web")
    });
    screen.press(" ");
    screen.wait_for("the selection count", |s| s.contains("1 selected"));
    screen.press("\r");
    screen.wait_for("the details popup with the rules", |s| {
        s.contains("tcp 5432") && s.contains("Security groups shop-db")
    });
    screen.press("\x1b");
    screen.wait_for("the popup to close", |s| !s.contains("tcp 5432"));

    screen.press("q");
    let parser = screen.parser.clone();
    let (status, raw) = screen.exit();
    assert!(status.success(), "{status:?}");
    assert_restored(&raw);
    assert!(
        !parser.lock().unwrap().screen().alternate_screen(),
        "back on the main screen"
    );
}

/// A bucket copy running when `q` is pressed: the cockpit asks, says the
/// copy stops and resumes next start, and on yes prints the exit summary.
/// One object at a time keeps the copy running for the few keys this takes.
#[test]
fn quitting_with_a_copy_running_asks_first_and_sums_up_on_exit() {
    let f = seeded();
    let screen = Cockpit::start(f, "pty-quit", Some("[s3]\nconcurrency = 1\n"));
    // Keys typed before the cockpit owns the terminal would be echoed away.
    screen.wait_for("the first listing", |s| s.contains("shop-web-1"));
    screen.press(":s3\r");
    screen.wait_for("the source buckets", |s| {
        s.contains("shop-assets") && s.contains("no S3 buckets in eu-west-1")
    });
    screen.press("c");
    screen.wait_for("the copy dialog", |s| s.contains("1 task(s) will start"));
    screen.press("\r");
    screen.wait_for("the copy running", |s| {
        s.contains("bucket migration") && s.contains("running")
    });
    screen.press("q");
    screen.wait_for("the quit question", |s| {
        s.contains("quit cutover?")
            && s.contains("1 bucket copy runs in this process: it stops and resumes")
    });
    screen.press("y");
    let (status, raw) = screen.exit();
    assert!(status.success(), "{status:?}");
    assert_restored(&raw);
    let after = &raw[raw.rfind("\x1b[?1049l").unwrap()..];
    assert!(
        after.contains(
            "cutover: 1 task(s) running, 0 paused, 0 failed; 0 DNS cutover(s) in flight; journal: "
        ),
        "the exit summary, printed on the main screen: {after:?}"
    );
    assert!(after.contains("journal.jsonl"), "{after:?}");
}
