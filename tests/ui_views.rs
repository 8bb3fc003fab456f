//! View snapshots: every kind's panes, the Route 53 view, loading, empty and
//! failed listings, popups, the log pane, at 80x24 and 160x30.

mod ui_fixtures;

use crossterm::event::KeyCode;
use cutover::model::{BucketNaming, Inventory, Kind, Side};
use ui_fixtures::*;

#[test]
fn every_kind_wide() {
    for kind in Kind::ALL {
        let mut a = app(160, 16);
        a.switch_kind(kind);
        insta::assert_snapshot!(format!("wide_{}", kind.name()), screen(&a));
    }
}

#[test]
fn every_kind_narrow() {
    for kind in Kind::ALL {
        let mut a = app(80, 24);
        a.switch_kind(kind);
        insta::assert_snapshot!(format!("narrow_{}", kind.name()), screen(&a));
    }
}

#[test]
fn first_screen_while_loading() {
    let inv = Inventory::new(SRC, DST, BucketNaming::default(), &Kind::ALL);
    let mut a = app_with(inv, 80, 24);
    a.header.read_only = true;
    insta::assert_snapshot!(screen(&a));
}

#[test]
fn one_side_loaded_one_failed_and_empty() {
    let mut inv = Inventory::new(SRC, DST, BucketNaming::default(), &Kind::ALL);
    inv.apply(Side::Source, Kind::Instance, Ok(vec![]));
    inv.apply(
        Side::Target,
        Kind::Instance,
        Err("ec2:DescribeInstances failed: UnauthorizedOperation: You are not authorized (the credentials lack this permission: add it to the IAM policy, see assets/iam-policy.json)".into()),
    );
    insta::assert_snapshot!(screen(&app_with(inv, 100, 14)));
}

#[test]
fn details_popup_of_a_security_group_and_a_record() {
    let mut a = app(100, 30);
    a.switch_kind(Kind::SecurityGroup);
    key(&mut a, KeyCode::Enter);
    insta::assert_snapshot!("details_security_group", screen(&a));
    key(&mut a, KeyCode::Esc);
    a.switch_kind(Kind::Record);
    key(&mut a, KeyCode::Enter);
    insta::assert_snapshot!("details_record", screen(&a));
}

#[test]
fn help_popup_narrow() {
    let mut a = app(80, 24);
    chars(&mut a, "?");
    insta::assert_snapshot!(screen(&a));
}

#[test]
fn filter_line_selection_and_log_pane() {
    let mut a = app(100, 24);
    chars(&mut a, "/web");
    key(&mut a, KeyCode::Enter);
    chars(&mut a, " ");
    chars(&mut a, "l");
    a.note(
        cutover::ui::state::Level::Warn,
        "us-east-1 EC2 instances: slow answer",
    );
    insta::assert_snapshot!(screen(&a));
}
