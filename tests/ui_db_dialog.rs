#![allow(clippy::unwrap_used, clippy::expect_used)] // tests may panic: that is how they fail
//! The copy dialog for a DB instance: snapshot + restore or a read replica,
//! the landing zone's choices (the target's subnet groups read in the
//! background), a KMS key asked for an encrypted source, never guessed.

mod ui_fixtures;

use crossterm::event::KeyCode;
use cutover::migrate::CopyKind;
use cutover::model::{Details, Kind, Side};
use cutover::ui::action::{Action, DialogKey, Effect};
use cutover::ui::app::Mode;
use ui_fixtures::*;

fn accept(a: &mut cutover::ui::App) -> Vec<Effect> {
    a.update(Action::Dialog(DialogKey::Accept))
}

#[test]
fn a_replica_with_its_landing_zone_is_chosen_in_the_dialog() {
    let mut a = app(120, 30);
    a.switch_kind(Kind::DbInstance);
    let opened = a.update(Action::Command(cutover::ui::action::Command::Copy));
    assert_eq!(opened, vec![Effect::ReadDbSubnetGroups]);
    a.update(Action::DbSubnetGroups(Ok(vec!["shop-db-subnets".into()])));
    key(&mut a, KeyCode::Tab); // KMS key
    key(&mut a, KeyCode::Tab); // DB moves by
    key(&mut a, KeyCode::Right); // read replica
    key(&mut a, KeyCode::Tab); // replica name
    key(&mut a, KeyCode::Tab); // DB subnet group
    key(&mut a, KeyCode::Right); // the existing group
    insta::assert_snapshot!(screen(&a));
    key(&mut a, KeyCode::Tab);
    chars(&mut a, "shop-params");
    key(&mut a, KeyCode::Tab);
    key(&mut a, KeyCode::Tab);
    chars(&mut a, "sg-1, sg-2");
    key(&mut a, KeyCode::Tab);
    key(&mut a, KeyCode::Right); // Multi-AZ on
    let effects = accept(&mut a);
    let [Effect::StartDbCopies {
        tasks,
        no_subnet_group,
    }] = effects.as_slice()
    else {
        panic!("one StartDbCopies, got {effects:?}");
    };
    assert!(!no_subnet_group);
    assert_eq!(tasks.len(), 1);
    assert_eq!(tasks[0].kind, CopyKind::DbReplica);
    let r = tasks[0].options.restore.as_ref().unwrap();
    assert_eq!(r.instance_id, "", "the survey names it after its source");
    assert_eq!(r.subnet_group.as_deref(), Some("shop-db-subnets"));
    assert_eq!(r.parameter_group.as_deref(), Some("shop-params"));
    assert_eq!(r.option_group, None, "empty: the source's, carried");
    assert_eq!(r.security_group_ids, vec!["sg-1", "sg-2"]);
    assert_eq!(r.multi_az, Some(true));
}

#[test]
fn the_snapshot_path_without_a_name_only_copies_and_none_places_in_the_default_vpc() {
    let mut a = app(120, 30);
    a.switch_kind(Kind::DbInstance);
    chars(&mut a, "c");
    a.update(Action::DbSubnetGroups(Ok(vec![])));
    let effects = accept(&mut a);
    let [Effect::StartCopies(tasks)] = effects.as_slice() else {
        panic!("a plain snapshot copy needs no survey: {effects:?}");
    };
    assert_eq!(tasks[0].kind, CopyKind::DbInstance);
    assert_eq!(tasks[0].options.restore, None);

    let mut a = app(120, 30);
    a.switch_kind(Kind::DbInstance);
    chars(&mut a, "c");
    a.update(Action::DbSubnetGroups(Ok(vec![])));
    key(&mut a, KeyCode::Tab);
    key(&mut a, KeyCode::Tab);
    key(&mut a, KeyCode::Tab); // restore as
    chars(&mut a, "orders-eu");
    key(&mut a, KeyCode::Tab);
    key(&mut a, KeyCode::Left); // wraps to "none"
    let effects = accept(&mut a);
    let [Effect::StartDbCopies {
        tasks,
        no_subnet_group,
    }] = effects.as_slice()
    else {
        panic!("one StartDbCopies, got {effects:?}");
    };
    assert!(no_subnet_group);
    assert_eq!(tasks[0].kind, CopyKind::DbInstance);
    assert_eq!(
        tasks[0].options.restore.as_ref().unwrap().instance_id,
        "orders-eu"
    );
}

#[test]
fn an_encrypted_source_is_held_until_a_key_is_given() {
    let mut inv = estate();
    let mut dbs = inv.resources(Side::Source, Kind::DbInstance).to_vec();
    if let Details::DbInstance(d) = &mut dbs[0].details {
        d.encrypted = true;
    }
    inv.apply(Side::Source, Kind::DbInstance, Ok(dbs));
    let mut a = app_with(inv, 120, 30);
    a.switch_kind(Kind::DbInstance);
    chars(&mut a, "c");
    assert!(accept(&mut a).is_empty(), "no key: nothing starts");
    assert!(matches!(a.mode, Mode::CopyDialog(_)), "the dialog stays");
    let said = &a.messages.back().unwrap().text;
    assert!(
        said.contains("orders-db is encrypted") && said.contains("eu-west-1"),
        "{said}"
    );
    key(&mut a, KeyCode::Tab);
    chars(&mut a, "arn:aws:kms:eu-west-1:123456789012:key/k1");
    let effects = accept(&mut a);
    let [Effect::StartCopies(tasks)] = effects.as_slice() else {
        panic!("{effects:?}");
    };
    assert_eq!(
        tasks[0].options.kms_key_id.as_deref(),
        Some("arn:aws:kms:eu-west-1:123456789012:key/k1")
    );
}

#[test]
fn the_subnet_groups_failing_to_read_is_said() {
    let mut a = app(120, 30);
    a.switch_kind(Kind::DbInstance);
    chars(&mut a, "c");
    a.update(Action::DbSubnetGroups(Err("AccessDenied".into())));
    let said = &a.messages.back().unwrap().text;
    assert!(said.contains("DB subnet groups: AccessDenied"), "{said}");
    assert!(matches!(a.mode, Mode::CopyDialog(_)));
}

#[test]
fn a_replica_in_sync_is_counted_ready_to_promote_with_its_status() {
    use cutover::migrate::{Step, TaskEvent};
    let spec = spec("orders-db-1", CopyKind::DbReplica, "orders-db", "orders-db");
    let promote = spec
        .steps()
        .iter()
        .position(|s| *s == Step::PromoteReplica)
        .unwrap();
    let mut events: Vec<TaskEvent> = (0..promote)
        .flat_map(|step| {
            let mut outputs = std::collections::BTreeMap::new();
            if step == promote - 1 {
                outputs.insert(
                    "replication".to_string(),
                    "available; read replication: replicating; lag not reported".to_string(),
                );
            }
            [
                TaskEvent::StepStarted { step },
                TaskEvent::StepDone { step, outputs },
            ]
        })
        .collect();
    events.push(TaskEvent::AwaitingPromote { step: promote });
    let task = task_from(spec, events, 60);
    assert!(task.ready_to_promote());
    let mut a = app(140, 30);
    a.load_tasks(vec![task]);
    let parts = a.overview_parts();
    assert!(
        parts
            .iter()
            .any(|p| p.starts_with("1 DB replica ready to promote")),
        "{parts:?}"
    );
    chars(&mut a, "t");
    let shown = screen(&a);
    assert!(shown.contains("replicating"), "{shown}");
    assert!(
        shown.contains("replica: available; read replication: replicating"),
        "{shown}"
    );
}
