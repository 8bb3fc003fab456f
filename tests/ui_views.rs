#![allow(clippy::unwrap_used, clippy::expect_used)] // tests may panic: that is how they fail
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

// ----- copy dialog, tasks, DNS -----

#[test]
fn copy_dialog_for_groups_offers_the_target_vpcs() {
    let mut a = app(100, 24);
    a.switch_kind(Kind::SecurityGroup);
    chars(&mut a, "c");
    key(&mut a, KeyCode::Tab);
    insta::assert_snapshot!(screen(&a));
}

#[test]
fn copy_dialog_with_a_bad_bucket_name_says_why() {
    let mut a = app(100, 24);
    a.switch_kind(Kind::Bucket);
    chars(&mut a, "c");
    key(&mut a, KeyCode::Tab);
    key(&mut a, KeyCode::End);
    chars(&mut a, "_Copy");
    insta::assert_snapshot!(screen(&a));
}

#[test]
fn copy_dialog_for_a_cluster_snapshot_asks_only_for_a_key() {
    let mut a = app(100, 24);
    a.switch_kind(Kind::DbClusterSnapshot);
    chars(&mut a, "c");
    insta::assert_snapshot!(screen(&a));
}

#[test]
fn copy_dialog_in_read_only_refuses() {
    let mut a = app(100, 24);
    a.header.read_only = true;
    a.switch_kind(Kind::Image);
    chars(&mut a, " ");
    a.switch_kind(Kind::Instance);
    chars(&mut a, " ");
    chars(&mut a, "c");
    insta::assert_snapshot!(screen(&a));
}

fn tasks_app() -> cutover::ui::App {
    use cutover::migrate::Changed;
    let mut a = app(120, 24);
    a.load_tasks(vec![done_key_pair(), running_image(), failed_snapshot()]);
    let mut bucket = bucket_task();
    for (secs, objects) in [(1, 20), (2, 60), (3, 90), (4, 150), (5, 170), (6, 230)] {
        bucket.transfer = Some(transfer(secs, objects, 300, secs >= 4));
        told(&mut a, bucket.clone(), Changed::Progress);
    }
    chars(&mut a, "t");
    a
}

#[test]
fn tasks_pane_with_gauges_summary_and_a_bucket_sparkline() {
    let mut a = tasks_app();
    chars(&mut a, "G");
    insta::assert_snapshot!("tasks_bucket_selected", screen(&a));
    chars(&mut a, "k");
    insta::assert_snapshot!("tasks_failed_selected", screen(&a));
}

#[test]
fn task_history_popup_shows_the_whole_error() {
    let mut a = tasks_app();
    chars(&mut a, "jj");
    key(&mut a, KeyCode::Enter);
    insta::assert_snapshot!(screen(&a));
}

#[test]
fn dns_plan_dialog_with_a_picked_target_and_a_bad_weight() {
    let mut a = app_with(estate_with_shop(), 110, 30);
    cursor_on_record(&mut a, "shop.acme.example.");
    chars(&mut a, "d");
    key(&mut a, KeyCode::Down);
    insta::assert_snapshot!("dns_plan_dialog", screen(&a));
    key(&mut a, KeyCode::Tab);
    key(&mut a, KeyCode::Tab);
    key(&mut a, KeyCode::End);
    chars(&mut a, ",0/300");
    insta::assert_snapshot!("dns_plan_dialog_bad_weight", screen(&a));
}

#[test]
fn dns_status_panel_counts_down_to_the_next_safe_step() {
    let mut a = app_with(estate_with_shop(), 110, 30);
    let (topic, progress) = shop_cutover(10);
    a.load_cutovers([(topic, progress)].into());
    cursor_on_record(&mut a, "shop.acme.example.");
    insta::assert_snapshot!(screen(&a));
}

#[test]
fn the_header_counts_the_open_window_on_the_app_clock() {
    let mut a = app(160, 16);
    let line = |a: &cutover::ui::app::App| screen(a).lines().next().unwrap_or_default().to_string();
    assert!(
        !line(&a).contains("window"),
        "no window, no clock: {}",
        line(&a)
    );
    let now = std::time::UNIX_EPOCH + std::time::Duration::from_millis(now_ms());
    a.window_opened = Some(now - std::time::Duration::from_secs(95 * 60 + 7));
    assert!(line(&a).contains("window 1h 35m 07s"), "{}", line(&a));
}
