#![allow(clippy::unwrap_used, clippy::expect_used)] // tests may panic: that is how they fail
//! The copy dialog keeps copies whole (issue 14): a volume's AZ is picked
//! among the target's, and groups that the selected groups' rules name are
//! listed and added with `+`.

mod ui_fixtures;

use crossterm::event::KeyCode;
use cutover::model::resource as r;
use cutover::model::{Details, Kind, Resource, Side};
use cutover::ui::action::Effect;
use cutover::ui::app::Mode;
use ui_fixtures::*;

fn group(id: &str, name: &str, refers_to: &[&str]) -> Resource {
    let rule = r::Rule {
        protocol: "tcp".into(),
        from_port: Some(5432),
        to_port: Some(5432),
        groups: refers_to.iter().map(|s| s.to_string()).collect(),
        ..Default::default()
    };
    Resource::new(
        "us-east-1",
        Kind::SecurityGroup,
        id,
        Details::SecurityGroup(r::SecurityGroup {
            group_name: name.into(),
            vpc_id: Some("vpc-s".into()),
            ingress: vec![rule],
            ..Default::default()
        }),
    )
    .with_name(name)
}

fn subnet(id: &str, az: &str) -> Resource {
    Resource::new(
        "eu-west-1",
        Kind::Subnet,
        id,
        Details::Subnet(r::Subnet {
            vpc_id: "vpc-t".into(),
            cidr: "10.9.0.0/24".into(),
            availability_zone: az.into(),
        }),
    )
}

fn started(effects: &[Effect]) -> &[cutover::migrate::TaskSpec] {
    match effects {
        [Effect::StartCopies(specs)] => specs,
        other => panic!("one StartCopies, got {other:?}"),
    }
}

#[test]
fn the_volume_az_is_picked_among_the_targets() {
    let mut inv = estate();
    inv.apply(
        Side::Target,
        Kind::Subnet,
        Ok(vec![
            subnet("subnet-b", "eu-west-1b"),
            subnet("subnet-a", "eu-west-1a"),
        ]),
    );
    let mut a = app_with(inv, 160, 40);
    a.switch_kind(Kind::Volume);
    chars(&mut a, "c");
    let Mode::CopyDialog(d) = &a.mode else {
        panic!("the copy dialog opens")
    };
    assert_eq!(
        d.zones,
        ["eu-west-1a", "eu-west-1b"],
        "the target's AZs, sorted"
    );
    let screen_before = screen(&a);
    assert!(screen_before.contains("- (no volume)"), "{screen_before}");

    // Tab to the AZ field (after the KMS key), → twice: the second AZ.
    key(&mut a, KeyCode::Tab);
    key(&mut a, KeyCode::Tab);
    key(&mut a, KeyCode::Right);
    key(&mut a, KeyCode::Right);
    let shown = screen(&a);
    assert!(shown.contains("eu-west-1b  ←→ 3/3"), "{shown}");
    let effects = a.key(crossterm::event::KeyEvent::new(
        KeyCode::Char('y'),
        crossterm::event::KeyModifiers::NONE,
    ));
    let specs = started(&effects);
    assert_eq!(specs[0].options.target_az.as_deref(), Some("eu-west-1b"));
}

#[test]
fn groups_the_rules_name_are_listed_and_added_with_plus() {
    let mut inv = estate();
    inv.apply(
        Side::Source,
        Kind::SecurityGroup,
        Ok(vec![
            group("sg-api", "api", &["sg-db"]),
            group("sg-db", "db", &[]),
        ]),
    );
    let mut a = app_with(inv, 160, 40);
    a.switch_kind(Kind::SecurityGroup);
    chars(&mut a, "c");
    let shown = screen(&a);
    assert!(
        shown.contains("Rules left out unless their groups come too (1)"),
        "{shown}"
    );
    assert!(
        shown.contains("sg-api (api): ingress tcp 5432 names sg-db (db)"),
        "{shown}"
    );

    chars(&mut a, "+");
    let Mode::CopyDialog(d) = &a.mode else {
        panic!("the dialog stays open")
    };
    assert_eq!(
        d.picked,
        [
            (Kind::SecurityGroup, "sg-api".to_string()),
            (Kind::SecurityGroup, "sg-db".to_string())
        ]
    );
    let shown = screen(&a);
    assert!(!shown.contains("Rules left out"), "{shown}");
    let effects = a.key(crossterm::event::KeyEvent::new(
        KeyCode::Char('y'),
        crossterm::event::KeyModifiers::NONE,
    ));
    let specs = started(&effects);
    assert_eq!(specs.len(), 1, "one task for the set");
    assert_eq!(specs[0].source_ids, ["sg-api", "sg-db"]);
}
