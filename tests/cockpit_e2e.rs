//! The real `cutover` binary in a pseudo-terminal, on a seeded moto_server:
//! both panes fill, a kind switch, a filter, a selection, the details popup,
//! quit, and the terminal given back as it was.

mod common;

use common::{seeded, temp_home};
use portable_pty::{native_pty_system, CommandBuilder, PtySize};
use std::io::{Read, Write};
use std::num::NonZeroU16;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

struct Screen {
    parser: Arc<Mutex<vt100::Parser>>,
    raw: Arc<Mutex<Vec<u8>>>,
}

impl Screen {
    fn text(&self) -> String {
        self.parser.lock().unwrap().screen().contents()
    }

    /// Waits until `ok` holds for the screen, or fails showing the screen.
    fn wait_for(&self, what: &str, ok: impl Fn(&str) -> bool) {
        let started = Instant::now();
        while started.elapsed() < Duration::from_secs(30) {
            if ok(&self.text()) {
                return;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        panic!("timed out waiting for {what}; the screen:\n{}", self.text());
    }
}

#[test]
fn the_cockpit_shows_both_estates_filters_selects_details_and_quits_cleanly() {
    let f = seeded();
    let home = temp_home("pty");
    let pty = native_pty_system()
        .openpty(PtySize {
            rows: 40,
            cols: 150,
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
    let mut child = pty.slave.spawn_command(cmd).unwrap();
    drop(pty.slave);

    let screen = Screen {
        parser: Arc::new(Mutex::new(vt100::Parser::new(
            NonZeroU16::new(40).unwrap(),
            NonZeroU16::new(150).unwrap(),
            0,
        ))),
        raw: Arc::new(Mutex::new(Vec::new())),
    };
    let mut reader = pty.master.try_clone_reader().unwrap();
    let keys = Arc::new(Mutex::new(pty.master.take_writer().unwrap()));
    let (parser, raw, answer) = (screen.parser.clone(), screen.raw.clone(), keys.clone());
    std::thread::spawn(move || {
        let mut buf = [0u8; 8192];
        while let Ok(n) = reader.read(&mut buf) {
            if n == 0 {
                break;
            }
            let mut parser = parser.lock().unwrap();
            parser.process(&buf[..n]);
            // Play the terminal: answer "where is the cursor?" as a real one does.
            if buf[..n].windows(4).any(|w| w == b"\x1b[6n") {
                let (row, col) = parser.screen().cursor_position();
                let mut w = answer.lock().unwrap();
                let _ = write!(w, "\x1b[{};{}R", row + 1, col + 1);
                let _ = w.flush();
            }
            raw.lock().unwrap().extend_from_slice(&buf[..n]);
        }
    });
    let press = |text: &str| {
        let mut w = keys.lock().unwrap();
        w.write_all(text.as_bytes()).unwrap();
        w.flush().unwrap();
        drop(w);
        std::thread::sleep(Duration::from_millis(150));
    };

    screen.wait_for("the source's instances", |s| {
        s.contains("shop-web-1") && s.contains("shop-batch-1")
    });
    assert!(screen.text().contains("us-east-1") && screen.text().contains("eu-west-1"));

    // AMIs: the web image is in both panes (copied), the others only in the source.
    press(":ami\r");
    let (web, copy) = (
        &f.seeded.images["shop-web-2026-11-20"],
        &f.seeded.target_images["shop-web-2026-11-20"],
    );
    screen.wait_for("AMIs in both panes", |s| {
        s.contains(web.as_str()) && s.contains(copy.as_str())
    });
    let text = screen.text();
    assert_eq!(
        text.matches(" copied ").count(),
        1,
        "only the web AMI has its copy:\n{text}"
    );
    assert_eq!(text.matches(" missing ").count(), 2, "{text}");

    press(":sg\r");
    screen.wait_for("security groups", |s| s.contains("shop-db"));
    press("/shop-db");
    press("\r");
    screen.wait_for("the filter to leave one group", |s| {
        s.contains("shop-db") && !s.contains("shop-web")
    });
    press(" ");
    screen.wait_for("the selection count", |s| s.contains("1 selected"));
    press("\r");
    screen.wait_for("the details popup with the rules", |s| {
        s.contains("tcp 5432") && s.contains("Security groups shop-db")
    });
    press("\x1b");
    screen.wait_for("the popup to close", |s| !s.contains("tcp 5432"));

    press("q");
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "q did not quit:\n{}",
            screen.text()
        );
        std::thread::sleep(Duration::from_millis(50));
    };
    assert!(status.success(), "{status:?}");
    std::thread::sleep(Duration::from_millis(200));
    let raw = String::from_utf8_lossy(&screen.raw.lock().unwrap()).into_owned();
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
    assert!(
        !screen.parser.lock().unwrap().screen().alternate_screen(),
        "back on the main screen"
    );
}
