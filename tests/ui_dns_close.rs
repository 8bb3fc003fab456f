#![allow(clippy::unwrap_used, clippy::expect_used)] // tests may panic: that is how they fail
//! Finish and abort of a DNS cutover in the cockpit: the keys apply only
//! where the engine would act, pass the confirm gate, are refused in
//! --read-only and when following another writer, and the footer shows
//! only the DNS keys that apply to the record under the cursor, within 80
//! columns. Also the plan dialog on a record that is already weighted.

mod ui_fixtures;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use cutover::cutover::progress::Action as Step;
use cutover::cutover::{DnsEvent, Progress, RecordState, Weights};
use cutover::ui::action::Effect;
use cutover::ui::app::{App, Mode};
use cutover::ui::dns_board::DnsSnapshot;
use cutover::ui::dns_close::DnsKeys;
use std::time::{Duration, UNIX_EPOCH};
use ui_fixtures::*;

const SHOP: &str = "shop.acme.example.";

/// Applies one change to `p` as the engine journals it: intent, then INSYNC.
fn changed(p: &mut Progress, action: Step, to: RecordState, secs: u64) {
    let at = UNIX_EPOCH + Duration::from_secs(1_771_000_000 + secs);
    p.apply(
        at,
        &DnsEvent::Intent {
            action,
            from: p.state,
            to,
            changes: vec![],
        },
    );
    p.apply(
        at,
        &DnsEvent::Insync {
            action,
            change_id: "C1".into(),
        },
    );
}

/// The shop cutover with every step done: all traffic on the target.
fn completed() -> (String, Progress) {
    let (topic, mut p) = shop_cutover(10_000);
    for index in p.done..p.plan.steps.len() {
        let to = p.plan.steps[index].after;
        changed(&mut p, Step::Step { index }, to, index as u64);
    }
    assert!(p.finished());
    (topic, p)
}

/// The shop cutover shifted to 0/100, then rolled back to 100/0.
fn rolled_back() -> (String, Progress) {
    let (topic, mut p) = shop_cutover(10_000);
    for index in p.done..3 {
        let to = p.plan.steps[index].after;
        changed(&mut p, Step::Step { index }, to, index as u64);
    }
    let to = RecordState::Weighted {
        ttl: Some(60),
        weights: Weights::ALL_SOURCE,
    };
    changed(&mut p, Step::Rollback, to, 10);
    assert!(p.rolled_back);
    (topic, p)
}

fn shop_app(cutover: (String, Progress), width: u16, height: u16) -> App {
    let mut a = app_with(estate_with_shop(), width, height);
    a.load_cutovers([cutover].into());
    cursor_on_record(&mut a, SHOP);
    a
}

fn press(a: &mut App, text: &str) -> Vec<Effect> {
    text.chars()
        .flat_map(|c| a.key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE)))
        .collect()
}

fn enter(a: &mut App) -> Vec<Effect> {
    a.key(KeyEvent::new(KeyCode::Enter, KeyModifiers::NONE))
}

fn last_said(a: &App) -> String {
    a.log.lines.back().unwrap().text.clone()
}

fn footer(a: &App) -> String {
    let s = screen(a);
    let lines: Vec<&str> = s.lines().collect();
    lines[lines.len() - 1].to_string()
}

#[test]
fn finish_applies_to_a_completed_cutover_and_passes_the_confirm_gate() {
    let mut a = shop_app(completed(), 120, 30);
    assert_eq!(
        a.cursor_dns_keys(),
        DnsKeys {
            rollback: true,
            finish: true,
            ..Default::default()
        },
        "in flight: no new plan over it"
    );
    assert!(press(&mut a, "X").is_empty());
    assert!(matches!(a.mode, Mode::Normal), "abort does not apply");
    assert!(
        last_said(&a).contains("abort collapses"),
        "{}",
        last_said(&a)
    );

    assert!(press(&mut a, "f").is_empty(), "asked first, nothing yet");
    let Mode::Confirm(c) = &a.mode else {
        panic!("expected a confirmation, got {:?}", a.mode)
    };
    assert!(
        c.title.contains("finish") && c.lines[0].contains("63.0.0.1"),
        "{c:?}"
    );
    assert_eq!(
        enter(&mut a),
        [Effect::DnsFinish {
            zone_id: "Z1".into(),
            record: SHOP.into()
        }]
    );
    let topic = cutover::cutover::progress::topic("Z1", SHOP);
    assert_eq!(a.dns[&topic].busy.as_deref(), Some("finishing…"));
    assert_eq!(
        a.cursor_dns_keys(),
        DnsKeys::default(),
        "nothing while in flight"
    );
    assert!(press(&mut a, "f").is_empty());
    assert!(matches!(a.mode, Mode::Normal));

    // The outcome comes back from the job on the message line.
    a.update(cutover::ui::action::Action::DnsDone {
        topic,
        result: Ok("finish: simple record answering the target (change C9 INSYNC)".into()),
    });
    assert!(
        last_said(&a).contains("finish: simple record"),
        "{}",
        last_said(&a)
    );
}

#[test]
fn abort_applies_after_a_rollback_and_esc_sends_nothing() {
    let mut a = shop_app(rolled_back(), 120, 30);
    let keys = a.cursor_dns_keys();
    assert!(
        keys.abort && keys.step && keys.rollback && !keys.finish,
        "{keys:?}"
    );
    assert!(press(&mut a, "f").is_empty());
    assert!(matches!(a.mode, Mode::Normal), "finish does not apply");
    assert!(
        last_said(&a).contains("finish collapses"),
        "{}",
        last_said(&a)
    );

    press(&mut a, "X");
    assert!(matches!(a.mode, Mode::Confirm(_)));
    assert!(a
        .key(KeyEvent::new(KeyCode::Esc, KeyModifiers::NONE))
        .is_empty());
    assert!(matches!(a.mode, Mode::Normal));
    press(&mut a, "X");
    assert_eq!(
        enter(&mut a),
        [Effect::DnsAbort {
            zone_id: "Z1".into(),
            record: SHOP.into()
        }]
    );
}

#[test]
fn finish_and_abort_are_refused_read_only_following_and_on_drift() {
    for follower in [false, true] {
        let mut a = shop_app(completed(), 120, 30);
        a.header.read_only = true;
        if follower {
            a.header.follower_of = Some("pid 4242 on host ops-1".into());
        }
        assert!(press(&mut a, "f").is_empty());
        assert!(matches!(a.mode, Mode::Normal), "no confirmation offered");
        assert!(last_said(&a).contains("read-only"), "{}", last_said(&a));
        assert!(!footer(&a).contains("finish"), "{}", footer(&a));
    }

    let (topic, p) = completed();
    let mut a = shop_app((topic.clone(), p.clone()), 120, 30);
    a.update(cutover::ui::action::Action::DnsStatus {
        topic,
        result: Ok(Box::new(DnsSnapshot {
            progress: p,
            route53: None,
            drift: true,
            differs: Some(
                "Route 53 holds A [us-east-1 w100] ... where the journal expects ...".into(),
            ),
            held: None,
        })),
    });
    assert_eq!(
        a.cursor_dns_keys(),
        DnsKeys {
            rollback: true,
            adopt: true,
            ..Default::default()
        }
    );
    assert!(press(&mut a, "f").is_empty());
    assert!(matches!(a.mode, Mode::Normal));
    assert!(last_said(&a).contains("differs"), "{}", last_said(&a));
}

#[test]
fn help_lists_finish_and_abort() {
    let a = app(80, 24);
    let help = a.keymap.help();
    let has = |key: &str, word: &str| help.iter().any(|(k, t)| k == key && t.contains(word));
    assert!(
        has("f", "completed cutover becomes one simple record"),
        "{help:?}"
    );
    assert!(
        has(
            "X",
            "rolled-back cutover becomes the source's simple record"
        ),
        "{help:?}"
    );
}

#[test]
fn the_records_footer_shows_what_applies_within_80_columns() {
    let mut a = shop_app(completed(), 80, 24);
    assert!(
        footer(&a).contains(" f finish") && footer(&a).contains("q quit"),
        "{}",
        footer(&a)
    );
    assert!(!footer(&a).contains("abort") && !footer(&a).contains("step"));
    insta::assert_snapshot!("records_completed_cutover_80x24", screen(&a));

    a = shop_app(rolled_back(), 80, 24);
    assert!(
        footer(&a).contains(" X abort") && footer(&a).contains("q quit"),
        "{}",
        footer(&a)
    );
    insta::assert_snapshot!("records_rolled_back_cutover_80x24", screen(&a));

    // A record without a plan: only the plan key among the DNS keys.
    a = app_with(estate_with_shop(), 80, 24);
    cursor_on_record(&mut a, SHOP);
    assert!(
        footer(&a).contains(" d plan") && !footer(&a).contains("rollback"),
        "{}",
        footer(&a)
    );
    insta::assert_snapshot!("records_no_cutover_80x24", screen(&a));
}

#[test]
fn the_plan_dialog_on_a_weighted_record_picks_its_source_set() {
    let mut a = app_with(estate_with_shop(), 80, 24);
    cursor_on_record(&mut a, "www.acme.example.");
    press(&mut a, "d");
    let Mode::DnsPlan(d) = &a.mode else {
        panic!("{:?}", a.mode)
    };
    assert_eq!(
        d.source_set.value(),
        "us-east-1",
        "the source region's set first"
    );
    insta::assert_snapshot!("dns_plan_dialog_weighted_80x24", screen(&a));

    // ↑↓ on the field picks the other set; the plan is then from it.
    key(&mut a, KeyCode::Down);
    let Mode::DnsPlan(d) = &a.mode else {
        panic!("{:?}", a.mode)
    };
    assert_eq!(d.source_set.value(), "eu-west-1");
    key(&mut a, KeyCode::Up);

    // Enter: the plan starts from the pair, the target is the other set's value.
    let effects = enter(&mut a);
    let [Effect::DnsStart {
        target_value,
        choices,
        ..
    }] = effects.as_slice()
    else {
        panic!("{effects:?}");
    };
    assert_eq!(target_value, "");
    assert_eq!(choices.source_set.as_deref(), Some("us-east-1"));
    assert!(
        last_said(&a).contains("nothing written to Route 53"),
        "{}",
        last_said(&a)
    );
}

#[test]
fn a_plan_from_a_weighted_record_is_in_flight_before_its_first_step() {
    use cutover::cloud::dns_change::RecordSet;
    use cutover::cutover::plan::Found;
    use cutover::cutover::{DnsPlan, PlanChoices};
    let set = |id: &str, weight: i64, value: &str| RecordSet {
        name: "www.acme.example.".into(),
        record_type: "A".into(),
        ttl: Some(300),
        set_identifier: Some(id.into()),
        weight: Some(weight),
        values: vec![value.into()],
        alias: None,
        health_check_id: None,
    };
    let at_name = [
        set("us-east-1", 100, "54.0.0.1"),
        set("eu-west-1", 0, "63.0.0.1"),
    ];
    let found = Found {
        zone_id: "Z1",
        zone_name: "acme.example.",
        record_name: "www.acme.example.",
        at_name: &at_name,
        public_zone: true,
    };
    let choices = PlanChoices {
        source_set: Some("us-east-1".into()),
        ..Default::default()
    };
    let plan = DnsPlan::build(&found, (SRC, DST), "", &choices).unwrap();
    let topic = cutover::cutover::progress::topic("Z1", "www.acme.example.");
    let mut a = app_with(estate_with_shop(), 80, 24);
    a.load_cutovers([(topic, Progress::new(plan))].into());
    assert_eq!(
        a.dns_in_flight().len(),
        1,
        "a header line: live weights from the start"
    );
    cursor_on_record(&mut a, "www.acme.example.");
    assert_eq!(
        a.cursor_dns_keys(),
        DnsKeys {
            plan: true,
            step: true,
            abort: true,
            ..Default::default()
        },
        "re-planned while nothing is made; at 100/0 there is nothing to roll back"
    );
    assert!(footer(&a).contains("q quit"), "{}", footer(&a));
}
