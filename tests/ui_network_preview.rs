#![allow(clippy::unwrap_used, clippy::expect_used)] // tests may panic: that is how they fail
//! The copy dialog shows a network clone's whole plan before anything is
//! made (issue 9): read in the background when the dialog opens, shown
//! under the VPC's task when it arrives, or why nothing would be made.

mod ui_fixtures;

use cutover::migrate::NetworkPreview;
use cutover::model::resource as r;
use cutover::model::{Details, Kind, Resource, Side};
use cutover::ui::action::{Action, Effect};
use ui_fixtures::*;

fn shop_vpc() -> Resource {
    Resource::new(
        "us-east-1",
        Kind::Vpc,
        "vpc-shop",
        Details::Vpc(r::Vpc {
            cidr: "10.0.0.0/16".into(),
            is_default: false,
        }),
    )
    .with_name("shop")
}

fn open_on_the_vpc() -> (cutover::ui::app::App, Vec<Effect>) {
    let mut inv = estate();
    inv.apply(Side::Source, Kind::Vpc, Ok(vec![shop_vpc()]));
    let mut a = app_with(inv, 160, 40);
    a.switch_kind(Kind::Vpc);
    let effects = a.key(crossterm::event::KeyEvent::new(
        crossterm::event::KeyCode::Char('c'),
        crossterm::event::KeyModifiers::NONE,
    ));
    (a, effects)
}

#[test]
fn the_dialog_reads_the_network_plan_in_the_background_and_shows_it() {
    let (mut a, effects) = open_on_the_vpc();
    let asked: Vec<&str> = effects
        .iter()
        .filter_map(|e| match e {
            Effect::PreviewNetwork(spec) => Some(spec.source_ids[0].as_str()),
            _ => None,
        })
        .collect();
    assert_eq!(asked, ["vpc-shop"], "{effects:?}");
    let before = screen(&a);
    assert!(before.contains("reading the network's plan"), "{before}");

    a.update(Action::NetworkPreview(
        "vpc-shop".into(),
        Ok(NetworkPreview {
            lines: vec!["NAT gateway nat-1 in subnet-a with a NEW Elastic IP".into()],
            warnings: vec!["route 10.8.0.0/16 -> pcx-1 (peering) will not be made".into()],
        }),
    ));
    let shown = screen(&a);
    assert!(!shown.contains("reading the network's plan"), "{shown}");
    assert!(
        shown.contains("+ NAT gateway nat-1 in subnet-a with a NEW Elastic IP"),
        "{shown}"
    );
    assert!(
        shown.contains("! route 10.8.0.0/16 -> pcx-1 (peering) will not be made"),
        "{shown}"
    );
}

#[test]
fn a_plan_that_cannot_hold_says_nothing_will_be_made() {
    let (mut a, _) = open_on_the_vpc();
    a.update(Action::NetworkPreview(
        "vpc-shop".into(),
        Err("the AZ map names eu-west-1z; eu-west-1 has eu-west-1a, eu-west-1b".into()),
    ));
    let shown = screen(&a);
    assert!(
        shown.contains("✗ nothing will be made: the AZ map names eu-west-1z"),
        "{shown}"
    );
}

#[test]
fn a_short_window_counts_the_pieces_and_keeps_the_warnings() {
    let mut inv = estate();
    inv.apply(Side::Source, Kind::Vpc, Ok(vec![shop_vpc()]));
    let mut a = app_with(inv, 80, 24);
    a.switch_kind(Kind::Vpc);
    chars(&mut a, "c");
    a.update(Action::NetworkPreview(
        "vpc-shop".into(),
        Ok(NetworkPreview {
            lines: vec!["subnet a".into(), "subnet b".into(), "IGW".into()],
            warnings: vec!["pcx route not made".into()],
        }),
    ));
    let shown = screen(&a);
    assert!(
        shown.contains("+ 3 pieces; a taller window lists them"),
        "{shown}"
    );
    assert!(!shown.contains("subnet a"), "{shown}");
    assert!(shown.contains("! pcx route not made"), "{shown}");
    assert!(
        shown.contains("1 task(s) will start"),
        "the confirmation stays on screen: {shown}"
    );
}
