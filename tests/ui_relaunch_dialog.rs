#![allow(clippy::unwrap_used, clippy::expect_used)] // tests may panic: that is how they fail
//! The copy dialog for instances offers what `cutover copy` does: a test
//! or the cutover launch, a reboot for a consistent image, a target subnet
//! among the target's (read in the background), and, where a cutover
//! launch exists, replacing it behind a typed confirmation. Starting runs
//! the AWS-side checks in a job first (StartRelaunches).

mod ui_fixtures;

use crossterm::event::KeyCode;
use cutover::migrate::{CopyKind, TaskSpec};
use cutover::model::Kind;
use cutover::ui::action::{Action, DialogKey, Effect};
use cutover::ui::app::Mode;
use cutover::ui::copy_dialog_instance::SubnetChoice;
use ui_fixtures::*;

/// The cockpit on the instances with the cursor on `name`, the dialog open.
fn open_on(name: &str, width: u16, height: u16) -> (cutover::ui::App, Vec<Effect>) {
    let mut a = app(width, height);
    a.switch_kind(Kind::Instance);
    chars(&mut a, "/");
    chars(&mut a, name);
    key(&mut a, KeyCode::Enter);
    let effects = a.update(Action::Command(cutover::ui::action::Command::Copy));
    (a, effects)
}

fn subnets() -> Vec<SubnetChoice> {
    vec![SubnetChoice {
        id: "subnet-0t1".into(),
        vpc_id: "vpc-0t".into(),
        label: "subnet-0t1 10.9.1.0/24 eu-west-1a (vpc-0t)".into(),
    }]
}

fn relaunch(tasks: &[TaskSpec]) -> &TaskSpec {
    tasks
        .iter()
        .find(|t| t.kind == CopyKind::Instance)
        .unwrap_or_else(|| panic!("a relaunch task in {tasks:?}"))
}

#[test]
fn test_launch_reboot_and_a_target_subnet_are_chosen_and_checked_before_starting() {
    let (mut a, effects) = open_on("prod-web-2", 140, 40);
    assert_eq!(effects, vec![Effect::ReadTargetSubnets]);
    let before = screen(&a);
    assert!(
        before.contains("copy of its subnet (cloned if missing)"),
        "{before}"
    );
    assert!(before.contains("no reboot (disks imaged live)"), "{before}");
    // In no subnet of its own: refused until a target subnet is picked.
    assert!(before.contains("pick a target subnet for it"), "{before}");

    a.update(Action::TargetSubnets(Ok(subnets())));
    key(&mut a, KeyCode::Tab); // launch
    key(&mut a, KeyCode::Right); // test launch
    key(&mut a, KeyCode::Tab); // image
    key(&mut a, KeyCode::Right); // reboot
    key(&mut a, KeyCode::Tab); // target subnet
    key(&mut a, KeyCode::Right); // subnet-0t1
    let shown = screen(&a);
    insta::assert_snapshot!(shown);
    assert!(shown.contains("the instance REBOOTS"), "{shown}");
    assert!(shown.contains("a TEST launch"), "{shown}");
    assert!(
        !shown.contains("pick a target subnet"),
        "no longer refused: {shown}"
    );

    let effects = a.update(Action::Dialog(DialogKey::Accept));
    let [Effect::StartRelaunches { tasks, .. }] = effects.as_slice() else {
        panic!("one StartRelaunches, got {effects:?}");
    };
    let l = &relaunch(tasks).options.launch;
    assert!(l.test_launch && l.reboot && !l.replace, "{l:?}");
    assert_eq!(l.target_subnet.as_deref(), Some("subnet-0t1"));
    assert!(matches!(a.mode, Mode::Normal), "the dialog closed");
}

#[test]
fn the_subnets_failing_to_read_is_said_and_the_copy_of_its_subnet_stays() {
    let (mut a, _) = open_on("prod-web-2", 140, 40);
    a.update(Action::TargetSubnets(Err("AccessDenied".into())));
    let shown = screen(&a);
    assert!(
        shown.contains("cannot read the target's subnets: AccessDenied"),
        "{shown}"
    );
}

#[test]
fn replacing_a_cutover_launch_asks_for_the_word() {
    // prod-web-1 has its cutover launch i-9f1 in the target already.
    let (mut a, effects) = open_on("prod-web-1", 140, 40);
    assert_eq!(effects, vec![Effect::ReadTargetSubnets]);
    let shown = screen(&a);
    assert!(
        shown.contains("adopt i-9f1: nothing new is launched"),
        "{shown}"
    );
    assert!(shown.contains("launched already as i-9f1"), "{shown}");
    a.update(Action::TargetSubnets(Ok(subnets())));
    for _ in 0..3 {
        key(&mut a, KeyCode::Tab);
    }
    key(&mut a, KeyCode::Right); // subnet-0t1
    key(&mut a, KeyCode::Tab); // earlier cutover launch
    key(&mut a, KeyCode::Right); // replace
    assert!(screen(&a).contains("then TERMINATE i-9f1"));

    let effects = a.update(Action::Dialog(DialogKey::Accept));
    assert!(effects.is_empty(), "nothing before the word: {effects:?}");
    let Mode::Confirm(c) = &a.mode else {
        panic!("a confirmation, got {:?}", a.mode);
    };
    assert!(
        c.lines[0].contains("its earlier cutover launch i-9f1 is TERMINATED"),
        "{:?}",
        c.lines
    );
    insta::assert_snapshot!("replace_confirm", screen(&a));
    // Enter without the word does nothing.
    assert!(a.update(Action::Dialog(DialogKey::Accept)).is_empty());
    chars(&mut a, "replace");
    let effects = a.update(Action::Dialog(DialogKey::Accept));
    let [Effect::StartRelaunches { tasks, .. }] = effects.as_slice() else {
        panic!("one StartRelaunches, got {effects:?}");
    };
    let l = &relaunch(tasks).options.launch;
    assert!(l.replace && !l.test_launch, "{l:?}");
}

#[test]
fn a_test_launch_does_not_replace_the_cutover_launch() {
    let (mut a, _) = open_on("prod-web-1", 140, 40);
    a.update(Action::TargetSubnets(Ok(subnets())));
    key(&mut a, KeyCode::Tab); // launch
    key(&mut a, KeyCode::Right); // test launch
    key(&mut a, KeyCode::Tab);
    key(&mut a, KeyCode::Tab); // target subnet
    key(&mut a, KeyCode::Right);
    key(&mut a, KeyCode::Tab); // earlier cutover launch
    key(&mut a, KeyCode::Right); // replace (ignored for a test launch)
    let effects = a.update(Action::Dialog(DialogKey::Accept));
    let [Effect::StartRelaunches { tasks, .. }] = effects.as_slice() else {
        panic!("started without the word (nothing is terminated): {effects:?}");
    };
    let l = &relaunch(tasks).options.launch;
    assert!(l.test_launch && !l.replace, "{l:?}");
}

#[test]
fn at_80x24_the_choices_stay_on_screen() {
    let (mut a, _) = open_on("prod-web-2", 80, 24);
    a.update(Action::TargetSubnets(Ok(subnets())));
    insta::assert_snapshot!(screen(&a));
}

/// A window too short for the whole plan: its last lines give way (one
/// line says so) and the options and the confirmation stay on screen.
#[test]
fn in_a_short_window_the_plan_gives_way_to_the_options_and_the_confirmation() {
    let (a, _) = open_on("prod-web-2", 80, 16);
    let shown = screen(&a);
    assert!(shown.contains("more line(s) of the plan"), "{shown}");
    assert!(shown.contains("Options"), "{shown}");
    assert!(shown.contains("target subnet"), "the last option: {shown}");
    assert!(shown.contains("esc c"), "the confirmation line: {shown}");
}
