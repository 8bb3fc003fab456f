#![allow(clippy::unwrap_used, clippy::expect_used)] // tests may panic: that is how they fail
//! `:check` in the cockpit: it asks the background for the same check as
//! `cutover check` (never awaiting it), shows blocked / at risk / ready per
//! resource, runs again on the refresh key, and is allowed in --read-only.

mod ui_fixtures;

use crossterm::event::KeyCode;
use cutover::check::{CheckReport, Finding, Severity, Stage};
use cutover::ui::action::{Action, Effect};
use cutover::ui::app::Mode;
use ui_fixtures::*;

fn open_check(a: &mut cutover::ui::App) -> Vec<Effect> {
    chars(a, ":check");
    a.key(crossterm::event::KeyEvent::new(
        KeyCode::Enter,
        crossterm::event::KeyModifiers::NONE,
    ))
}

fn finding(severity: Severity, check: &'static str, on: Option<&str>, msg: &str) -> Finding {
    Finding {
        severity,
        check,
        resource: on.map(str::to_string),
        message: msg.into(),
        fix: Some("do this".into()),
    }
}

fn report() -> CheckReport {
    CheckReport {
        source: SRC.into(),
        target: DST.into(),
        verdict: "blocked",
        selected: vec!["i-0a1".into(), "ami-0s1".into(), "vpc-s".into()],
        blockers: vec![finding(
            Severity::Blocker,
            "instance-type",
            Some("i-0a1"),
            "t3.micro is not offered in eu-west-1",
        )],
        warnings: vec![
            finding(
                Severity::Warning,
                "quota-eip",
                None,
                "5 Elastic IPs would exceed the quota",
            ),
            finding(
                Severity::Warning,
                "encrypted",
                Some("ami-0s1"),
                "encrypted: needs a target KMS key",
            ),
        ],
        notes: vec![],
        order: vec![Stage {
            stage: 1,
            what: "network".into(),
            ids: vec!["vpc-s".into()],
            why: "instances land in it".into(),
        }],
    }
}

#[test]
fn check_runs_in_the_background_on_the_selection_and_shows_each_verdict() {
    let mut a = app(120, 30);
    assert!(
        a.inventory.is_complete(),
        "the fixture estate is all listed"
    );
    chars(&mut a, " "); // selects the first row: prod-db-proxy
    let effects = open_check(&mut a);
    let [Effect::RunCheck { ids, .. }] = effects.as_slice() else {
        panic!("one background check expected: {effects:?}");
    };
    assert_eq!(ids, &["i-0b1".to_string()], "the selection, not the estate");
    assert!(matches!(a.mode, Mode::Check { .. }));
    let running = screen(&a);
    assert!(running.contains("checking 1 selected"), "{running}");

    a.update(Action::Checked(Ok(Box::new(report()))));
    let s = screen(&a);
    for want in [
        "BLOCKED",
        "1 blocked · 2 at risk · 1 ready",
        "blocked  instance i-0a1 (prod-web-1)",
        "t3.micro is not offered",
        "at risk  the move as a whole",
        "at risk  image ami-0s1 (web-base-2026)",
        "ready    vpc vpc-s",
        "1. network: vpc-s",
    ] {
        assert!(s.contains(want), "missing {want:?}:\n{s}");
    }
    insta::assert_snapshot!(s);
}

#[test]
fn nothing_selected_checks_the_whole_source_and_refresh_checks_again() {
    let mut a = app(100, 24);
    a.header.read_only = true; // the check only reads: allowed
    let effects = open_check(&mut a);
    let [Effect::RunCheck { ids, .. }] = effects.as_slice() else {
        panic!("one background check expected: {effects:?}");
    };
    assert!(ids.contains(&"i-0a2".to_string()) && ids.contains(&"deploy".to_string()));
    assert!(
        !ids.iter().any(|i| i == "i-9f1"),
        "target rows are not checked: {ids:?}"
    );
    // A second ask while one runs starts nothing.
    assert!(a.key(key_event('r')).is_empty());
    a.update(Action::Checked(Err("eu-west-1: connection refused".into())));
    assert!(screen(&a).contains("the check failed: eu-west-1: connection refused"));
    let again = a.key(key_event('r'));
    assert!(
        matches!(again.as_slice(), [Effect::RunCheck { .. }]),
        "{again:?}"
    );
    // Closed, the refresh key re-reads the regions as before.
    key(&mut a, KeyCode::Esc);
    assert!(matches!(
        a.key(key_event('r')).as_slice(),
        [Effect::Refresh(_)]
    ));
}

#[test]
fn an_answer_that_comes_while_the_view_is_closed_is_said_on_the_message_line() {
    let mut a = app(100, 24);
    open_check(&mut a);
    key(&mut a, KeyCode::Esc);
    a.update(Action::Checked(Ok(Box::new(report()))));
    let said = a.messages.back().unwrap().text.clone();
    assert_eq!(said, "check: BLOCKED by 1 finding(s); :check shows it");
}

fn key_event(c: char) -> crossterm::event::KeyEvent {
    crossterm::event::KeyEvent::new(KeyCode::Char(c), crossterm::event::KeyModifiers::NONE)
}
