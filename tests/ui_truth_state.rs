#![allow(clippy::unwrap_used, clippy::expect_used)] // tests may panic: that is how they fail
//! State tests: `q` asks while something keeps going and says what; the
//! exit summary; every refusal and notice reaches the message line, naming
//! the keys as the operator mapped them.

mod ui_fixtures;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use cutover::migrate::{CopyKind, TaskEvent};
use cutover::model::{Kind, Side};
use cutover::ui::action::Action;
use cutover::ui::app::Mode;
use cutover::ui::state::Level;
use cutover::ui::{App, Keymap};
use ui_fixtures::*;

fn question(a: &App) -> Vec<String> {
    match &a.mode {
        Mode::Confirm(c) if c.quits => c.lines.clone(),
        other => panic!("no quit question, mode is {other:?}"),
    }
}

/// The message line now: (level, text).
fn said(a: &App) -> (Level, String) {
    let (line, _) = a.current_message().expect("a message on the line");
    (line.level, line.text.clone())
}

#[test]
fn q_quits_at_once_when_nothing_keeps_going() {
    let mut a = app(100, 24);
    a.load_tasks(vec![done_key_pair(), failed_snapshot()]);
    chars(&mut a, "q");
    assert!(a.quit);
    let summary = a.exit_summary();
    assert_eq!(
        summary,
        "cutover: 0 task(s) running, 0 paused, 1 failed; 0 DNS cutover(s) in flight; no journal"
    );
}

#[test]
fn q_with_copies_running_asks_and_says_what_goes_on() {
    let mut a = app(100, 24);
    a.journal_path = Some("/data/cutover/journal.jsonl".into());
    let mut logs = bucket_task();
    logs.transfer = Some(transfer(3, 10, 100, false));
    a.load_tasks(vec![running_image(), logs]);
    chars(&mut a, "q");
    assert!(!a.quit, "asks first");
    let lines = question(&a);
    assert_eq!(lines.len(), 2, "{lines:?}");
    assert!(
        lines[0].contains("1 copy task(s) running in AWS"),
        "{lines:?}"
    );
    assert!(lines[0].contains("go on there"), "{lines:?}");
    assert!(lines[1].contains("1 bucket copy runs in this process: it stops and resumes"));
    chars(&mut a, "n");
    assert!(!a.quit, "n keeps the cockpit open");
    assert!(matches!(a.mode, Mode::Normal));
    assert_eq!(said(&a).1, "quit cutover: cancelled");
    chars(&mut a, "q");
    chars(&mut a, "y");
    assert!(a.quit);
    assert_eq!(
        a.exit_summary(),
        "cutover: 2 task(s) running, 0 paused, 0 failed; 0 DNS cutover(s) in flight; journal: /data/cutover/journal.jsonl"
    );
}

#[test]
fn a_second_ctrl_c_on_the_question_quits() {
    let mut a = app(100, 24);
    a.load_tasks(vec![running_image()]);
    let ctrl_c = KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL);
    a.key(ctrl_c);
    assert!(!a.quit);
    question(&a);
    a.key(ctrl_c);
    assert!(a.quit);
}

#[test]
fn a_dns_step_due_asks_and_names_the_record_and_time() {
    let mut a = app_with(estate_with_shop(), 110, 30);
    let (topic, progress) = shop_cutover(10);
    a.load_cutovers([(topic, progress)].into());
    chars(&mut a, "q");
    let lines = question(&a);
    assert_eq!(lines.len(), 1, "{lines:?}");
    assert!(
        lines[0].starts_with("DNS cutover of shop.acme.example. is at step 1/"),
        "{lines:?}"
    );
    assert!(lines[0].contains("its next step is safe at"), "{lines:?}");
    chars(&mut a, "y");
    assert!(a.exit_summary().contains("1 DNS cutover(s) in flight"));
}

#[test]
fn the_sandbox_asks_even_idle_and_even_read_only() {
    let mut a = app(100, 24);
    a.sandbox = true;
    a.header.read_only = true;
    chars(&mut a, "q");
    let lines = question(&a);
    assert_eq!(
        lines,
        ["This is the sandbox: its estate (moto_server) and its journal go away when you quit."]
    );
    key(&mut a, KeyCode::Enter);
    assert!(a.quit, "quitting is not a write: read-only lets it through");
    assert!(a
        .exit_summary()
        .ends_with("journal: removed with the sandbox"));
}

#[test]
fn refusals_and_notices_reach_the_message_line() {
    let cancelled = task_from(
        spec("acme-logs-1", CopyKind::Bucket, "acme-logs", "acme-logs"),
        vec![TaskEvent::Cancelled {
            note: "cancelled before it began".into(),
        }],
        5,
    );
    let mut a = app(120, 30);
    a.load_tasks(vec![cancelled, done_key_pair()]);
    assert_eq!(
        said(&a),
        (
            Level::Info,
            "journal: 2 copy task(s), 0 unfinished (resuming); t shows them".into()
        )
    );
    chars(&mut a, ":xyz");
    key(&mut a, KeyCode::Enter);
    assert_eq!(
        said(&a),
        (
            Level::Warn,
            "no kind or view matches 'xyz'; ? lists them".into()
        )
    );
    chars(&mut a, "t");
    chars(&mut a, "R");
    assert_eq!(
        said(&a),
        (
            Level::Warn,
            "acme-logs-1 is cancelled: only failed tasks are retried".into()
        )
    );
    chars(&mut a, "j");
    for k in ["p", "u", "x"] {
        chars(&mut a, k);
        let (level, text) = said(&a);
        assert_eq!(level, Level::Warn, "{k}");
        assert!(text.starts_with("deploy-1 is done: "), "{k}: {text}");
    }
    a.header.read_only = true;
    chars(&mut a, "k");
    chars(&mut a, "t");
    a.switch_kind(Kind::Bucket);
    chars(&mut a, "c");
    key(&mut a, KeyCode::Enter);
    assert_eq!(
        said(&a),
        (
            Level::Warn,
            "read-only: copies refused; nothing was started".into()
        )
    );
}

#[test]
fn messages_name_the_keys_as_remapped() {
    let keymap = Keymap::from_config(
        &[
            ("tasks".to_string(), "T".to_string()),
            ("help".to_string(), "f1".to_string()),
        ]
        .into(),
    )
    .unwrap();
    let mut a = app(120, 30);
    a.keymap = keymap;
    a.load_tasks(vec![done_key_pair()]);
    let (_, text) = said(&a);
    assert!(text.ends_with("; T shows them"), "{text}");
    chars(&mut a, ":xyz");
    key(&mut a, KeyCode::Enter);
    let (_, text) = said(&a);
    assert!(text.ends_with("f1 lists them"), "{text}");
    chars(&mut a, "p");
    let (_, text) = said(&a);
    assert!(text.starts_with("T opens the tasks view; p acts"), "{text}");
}

#[test]
fn a_taller_window_strands_no_rows_above_the_top() {
    let mut inv = estate();
    let many: Vec<_> = (0..50)
        .map(|n| {
            let (id, name) = (format!("i-{n:03}"), format!("node-{n:03}"));
            instance(SRC, &id, &name, "54.1.1.1", &[])
        })
        .collect();
    inv.apply(Side::Source, Kind::Instance, Ok(many));
    let mut a = app_with(inv, 120, 20);
    key(&mut a, KeyCode::End);
    let page = 20 - 6 - 3;
    assert_eq!(
        a.pane_state(0).offset,
        50 - page,
        "the last row at the bottom"
    );
    a.update(Action::Resize {
        width: 120,
        height: 40,
    });
    let page = 40 - 6 - 3;
    assert_eq!(
        a.pane_state(0).offset,
        50 - page,
        "the window shows rows above, not empty lines below"
    );
    let s = screen(&a);
    assert!(s.contains("node-049") && s.contains(&format!("node-{:03}", 50 - page)));
}
