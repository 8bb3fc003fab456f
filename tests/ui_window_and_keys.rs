#![allow(clippy::unwrap_used, clippy::expect_used)] // tests may panic: that is how they fail
//! Keys added to the cockpit for the window: the window key opens and
//! closes the RTO clock through the confirm gate (refused in --read-only),
//! and the header counts it once the journal took it.

mod ui_fixtures;

use crossterm::event::KeyCode;
use cutover::ui::action::{Action, Effect};
use cutover::ui::app::Mode;
use cutover::window::Window;
use std::time::Duration;
use ui_fixtures::*;

fn press(a: &mut cutover::ui::App, c: char) -> Vec<Effect> {
    a.key(crossterm::event::KeyEvent::new(
        KeyCode::Char(c),
        crossterm::event::KeyModifiers::NONE,
    ))
}

#[test]
fn the_window_key_opens_then_closes_the_window_through_the_gate() {
    let mut a = app(120, 20);
    assert!(press(&mut a, 'w').is_empty(), "nothing before the confirm");
    let Mode::Confirm(c) = &a.mode else {
        panic!("the window key asks first")
    };
    assert_eq!(c.title, "open the migration window");
    assert!(c.lines.iter().any(|l| l.contains("`cutover window open`")));
    let effects = press(&mut a, 'y');
    assert_eq!(effects, [Effect::WindowOpen]);
    assert!(
        !screen(&a).contains("window 0s"),
        "no clock before the journal took it"
    );

    let opened = (a.clock)() - Duration::from_secs(95 * 60);
    a.update(Action::Window(Ok(Window {
        opened,
        closed: None,
    })));
    let s = screen(&a);
    assert!(
        s.lines().next().unwrap().contains("window 1h 35m 00s"),
        "{s}"
    );
    assert!(s.contains("the header counts the RTO"), "{s}");

    press(&mut a, 'w');
    let Mode::Confirm(c) = &a.mode else {
        panic!("closing asks too")
    };
    assert_eq!(c.title, "close the migration window");
    assert!(c.lines[0].contains("RTO 1h 35m 00s"), "{:?}", c.lines);
    assert_eq!(press(&mut a, 'y'), [Effect::WindowClose]);
    a.update(Action::Window(Ok(Window {
        opened,
        closed: Some((a.clock)()),
    })));
    let s = screen(&a);
    assert!(!s.lines().next().unwrap().contains("window "), "{s}");
    assert!(s.contains("window closed; RTO 1h 35m 00s"), "{s}");
}

#[test]
fn the_window_key_is_refused_in_read_only_and_a_journal_error_is_said() {
    let mut a = app(120, 20);
    a.header.read_only = true;
    assert!(press(&mut a, 'w').is_empty());
    assert!(matches!(a.mode, Mode::Normal), "no question in read-only");
    assert!(a
        .messages
        .back()
        .unwrap()
        .text
        .contains("read-only: open the migration window refused"));

    a.header.read_only = false;
    a.update(Action::Window(Err(
        "a window is already open (since 21:00:00); close it with `cutover window close` first"
            .into(),
    )));
    let last = a.messages.back().unwrap();
    assert!(last.text.starts_with("window: a window is already open"));
    assert_eq!(a.unread_errors, 1);
}

fn done_with_warning(
    id: &str,
    kind: cutover::migrate::CopyKind,
    warn_at: usize,
) -> cutover::migrate::Task {
    use cutover::migrate::TaskEvent;
    let mut s = spec(id, kind, "sg-0a1", "web");
    if kind == cutover::migrate::CopyKind::Vpc {
        s.source_ids = vec!["vpc-s".into(), "sg-0s1".into()];
    }
    let steps = s.steps().len();
    let mut events = Vec::new();
    for step in 0..steps {
        events.push(TaskEvent::StepStarted { step });
        if step == warn_at {
            events.push(TaskEvent::Warning {
                text: "left out: see the fix".into(),
            });
        }
        events.push(TaskEvent::StepDone {
            step,
            outputs: Default::default(),
        });
    }
    events.push(TaskEvent::Done);
    task_from(s, events, 5)
}

#[test]
fn r_on_done_with_warnings_retries_rules_left_out_and_says_what_to_do_otherwise() {
    use cutover::migrate::CopyKind;
    let mut a = app(120, 20);
    a.load_tasks(vec![
        done_with_warning("a-groups", CopyKind::SecurityGroups, 1),
        done_with_warning("b-routes", CopyKind::Vpc, 4),
    ]);
    press(&mut a, 't');
    let effects = press(&mut a, 'R');
    assert_eq!(effects, [Effect::RetryLeftOut("a-groups".into())]);
    let said = &a.messages.back().unwrap().text;
    assert_eq!(
        said,
        "a-groups: retrying what was left out, from \"add the rules\""
    );

    press(&mut a, 'j');
    assert!(press(&mut a, 'R').is_empty());
    let said = &a.messages.back().unwrap().text;
    assert!(
        said.starts_with(
            "b-routes is done with warnings: what it left out has no copy to wait for"
        ) && said.ends_with("by hand (enter shows them)"),
        "{said}"
    );

    a.header.read_only = true;
    press(&mut a, 'k');
    assert!(press(&mut a, 'R').is_empty(), "read-only refuses the retry");
}
