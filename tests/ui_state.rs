#![allow(clippy::unwrap_used, clippy::expect_used)] // tests may panic: that is how they fail
//! State tests: filter, selection across kinds, kind switching, counterpart
//! highlight, keymap overrides, mouse, refresh keeping old rows.

mod ui_fixtures;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use cutover::model::{Kind, Side};
use cutover::ui::action::{Action, Effect};
use cutover::ui::app::Mode;
use cutover::ui::{Keymap, Theme};
use std::collections::BTreeMap;
use std::time::Duration;
use ui_fixtures::*;

fn visible_names(a: &cutover::ui::App, pane: usize) -> Vec<String> {
    let side = a.sides()[pane];
    let list = a.inventory.resources(side, a.kind);
    a.visible[pane]
        .iter()
        .map(|&i| list[i].name.clone())
        .collect()
}

#[test]
fn filter_substring_regex_invert_and_esc() {
    let mut a = app(160, 30);
    chars(&mut a, "/WEB");
    assert_eq!(
        visible_names(&a, 0),
        ["prod-web-1", "prod-web-2"],
        "case-insensitive substring"
    );
    assert_eq!(
        visible_names(&a, 1),
        ["prod-web-1"],
        "the filter applies to both panes"
    );
    key(&mut a, KeyCode::Enter);
    assert!(matches!(a.mode, Mode::Normal));
    chars(&mut a, "/");
    a.key(KeyEvent::new(KeyCode::Char('u'), KeyModifiers::CONTROL));
    chars(&mut a, "~^prod-web-\\d$");
    assert_eq!(visible_names(&a, 0), ["prod-web-1", "prod-web-2"]);
    a.key(KeyEvent::new(KeyCode::Char('u'), KeyModifiers::CONTROL));
    chars(&mut a, "!web");
    assert_eq!(visible_names(&a, 0), ["prod-db-proxy"]);
    a.key(KeyEvent::new(KeyCode::Char('u'), KeyModifiers::CONTROL));
    chars(&mut a, "~(");
    assert!(
        a.kind_state().filter_error.is_some(),
        "a bad regex is reported"
    );
    assert_eq!(visible_names(&a, 0).len(), 3, "and hides nothing meanwhile");
    key(&mut a, KeyCode::Esc);
    assert!(a.kind_state().filter_text.is_empty(), "esc clears");
    assert_eq!(visible_names(&a, 0).len(), 3);
}

#[test]
fn selection_survives_kind_switching_and_select_all_takes_the_visible() {
    let mut a = app(160, 30);
    chars(&mut a, " ");
    assert_eq!(a.selected_count(Kind::Instance), 1);
    assert!(
        a.is_selected(Side::Source, "i-0b1"),
        "rows are sorted by name"
    );
    chars(&mut a, "2"); // AMIs
    assert_eq!(a.kind, Kind::Image);
    chars(&mut a, "1");
    assert_eq!(a.selected_count(Kind::Instance), 1, "kept across kinds");
    chars(&mut a, "/web");
    key(&mut a, KeyCode::Enter);
    chars(&mut a, "a");
    assert_eq!(
        a.selected_count(Kind::Instance),
        3,
        "proxy + the two visible web rows"
    );
    chars(&mut a, "A");
    assert_eq!(a.selected_count(Kind::Instance), 0);
    assert!(screen(&a).contains("1ec2"), "the kind strip is drawn");
}

#[test]
fn kind_switching_by_prompt_number_and_tab() {
    let mut a = app(160, 30);
    chars(&mut a, ":buck");
    key(&mut a, KeyCode::Enter);
    assert_eq!(a.kind, Kind::Bucket);
    chars(&mut a, ":re");
    key(&mut a, KeyCode::Tab);
    match &a.mode {
        Mode::KindPrompt(input) => assert_eq!(input.value(), "record", "tab completes"),
        other => panic!("prompt closed: {other:?}"),
    }
    key(&mut a, KeyCode::Enter);
    assert_eq!(a.kind, Kind::Record);
    assert_eq!(a.sides(), [Side::Global], "Route 53 has one pane");
    key(&mut a, KeyCode::Tab);
    assert_eq!(a.kind, Kind::RouteTable, "the network pieces come last");
    chars(&mut a, ":vpce");
    key(&mut a, KeyCode::Enter);
    assert_eq!(a.kind, Kind::VpcEndpoint);
    key(&mut a, KeyCode::Tab);
    assert_eq!(a.kind, Kind::Instance, "tab wraps around");
    key(&mut a, KeyCode::BackTab);
    assert_eq!(a.kind, Kind::VpcEndpoint);
    chars(&mut a, "5");
    assert_eq!(a.kind, Kind::SecurityGroup);
    chars(&mut a, "0");
    assert_eq!(a.kind, Kind::Bucket);
    chars(&mut a, ":nothing");
    key(&mut a, KeyCode::Enter);
    assert_eq!(a.kind, Kind::Bucket, "an unknown kind changes nothing");
    let said = &a.messages.back().unwrap().text;
    assert!(said.contains("no kind or view matches"), "{said}");
    let (line, _) = a
        .current_message()
        .expect("the refusal is on the message line");
    assert!(line.text.contains("? lists them"), "names the help key");
}

#[test]
fn counterpart_of_the_cursor_row_is_highlighted_both_ways() {
    let mut a = app(160, 30);
    // Sorted: prod-db-proxy (missing), prod-web-1 (copied), prod-web-2.
    assert_eq!(a.counterpart(), None, "a missing row has none");
    key(&mut a, KeyCode::Down);
    assert_eq!(a.cursor_resource(0).unwrap().id, "i-0a1");
    let (pane, pos) = a.counterpart().expect("the copy is highlighted");
    assert_eq!(
        (
            pane,
            a.inventory.resources(Side::Target, Kind::Instance)[pos]
                .id
                .as_str()
        ),
        (1, "i-9f1")
    );
    key(&mut a, KeyCode::Right);
    let (pane, pos) = a.counterpart().unwrap();
    assert_eq!(
        (
            pane,
            a.inventory.resources(Side::Source, Kind::Instance)[pos]
                .id
                .as_str()
        ),
        (0, "i-0a1")
    );
}

#[test]
fn keymap_override_from_config_and_bad_overrides_rejected() {
    let overrides: BTreeMap<String, String> = [
        ("quit".to_string(), "Q".to_string()),
        ("refresh".into(), "ctrl-r f5".into()),
    ]
    .into();
    let keymap = Keymap::from_config(&overrides).unwrap();
    let mut a = app(160, 30);
    a.keymap = keymap;
    chars(&mut a, "q");
    assert!(!a.quit, "q is no longer quit");
    let effects = a.key(KeyEvent::new(KeyCode::F(5), KeyModifiers::NONE));
    assert_eq!(effects, vec![Effect::Refresh(Kind::ALL.to_vec())]);
    chars(&mut a, "Q");
    assert!(a.quit);

    let bad = |name: &str, keys: &str| {
        Keymap::from_config(&[(name.to_string(), keys.to_string())].into()).unwrap_err()
    };
    assert!(
        bad("qiut", "x").contains("no such action"),
        "{}",
        bad("qiut", "x")
    );
    assert!(bad("quit", "ctrl-").contains("not a key"));
    assert!(bad("quit", "r").contains("bound to both"));
    assert!(bad("quit", "1").contains("reserved"));
    assert!(bad("quit", "").contains("at least one key"));
    let theme_err = Theme::from_config(&[("cursr".to_string(), "red".to_string())].into(), false);
    assert!(theme_err.unwrap_err().contains("no such element"));
    let theme_err = Theme::from_config(
        &[("cursor".to_string(), "reddish".to_string())].into(),
        false,
    );
    assert!(theme_err.unwrap_err().contains("not a colour"));
}

#[test]
fn refresh_keeps_old_rows_until_new_ones_arrive() {
    let mut a = app(160, 30);
    let effects = a.key(KeyEvent::new(KeyCode::Char('r'), KeyModifiers::NONE));
    assert_eq!(effects.len(), 1);
    assert!(a.refreshing.contains(&(Side::Source, Kind::Instance)));
    assert_eq!(visible_names(&a, 0).len(), 3, "old rows stay");
    let list = vec![instance(SRC, "i-new", "canary", "54.0.0.7", &[])];
    a.update(Action::Listed {
        side: Side::Source,
        kind: Kind::Instance,
        result: Ok(list),
        took: Duration::from_millis(5),
    });
    assert!(!a.refreshing.contains(&(Side::Source, Kind::Instance)));
    assert_eq!(visible_names(&a, 0), ["canary"]);
    assert!(a
        .log
        .lines
        .back()
        .unwrap()
        .text
        .contains("us-east-1 EC2 instances: 1 in 5 ms"));
}

#[test]
fn mouse_click_moves_the_cursor_and_scroll_moves_it_too() {
    let mut a = app(160, 30);
    // Row 6 is the second data row of the left pane (header, kinds,
    // overview, border, titles).
    a.update(Action::ClickAt { column: 10, row: 6 });
    assert_eq!(a.cursor_resource(0).unwrap().name, "prod-web-1");
    a.update(Action::ScrollAt {
        column: 10,
        row: 8,
        lines: 3,
    });
    assert_eq!(
        a.cursor_resource(0).unwrap().name,
        "prod-web-2",
        "clamped at the last row"
    );
    a.update(Action::ClickAt {
        column: 100,
        row: 4,
    });
    assert_eq!(a.focus, 1, "a click focuses the pane it lands in");
}

#[test]
fn hundred_thousand_rows_scroll_within_the_window() {
    let mut inv = estate();
    let many: Vec<_> = (0..100_000)
        .map(|n| {
            instance(
                SRC,
                &format!("i-{n:06}"),
                &format!("node-{n:06}"),
                "54.1.1.1",
                &[],
            )
        })
        .collect();
    inv.apply(Side::Source, Kind::Instance, Ok(many));
    let mut a = app_with(inv, 160, 30);
    key(&mut a, KeyCode::End);
    assert_eq!(a.pane_state(0).cursor, 99_999);
    assert!(
        a.pane_state(0).offset > 99_900,
        "the window follows the cursor"
    );
    assert!(screen(&a).contains("node-099999"));
    chars(&mut a, "/node-0500");
    assert_eq!(a.visible[0].len(), 100);
}

#[test]
fn popups_open_scroll_and_close() {
    let mut a = app(80, 24);
    chars(&mut a, "?");
    assert!(matches!(a.mode, Mode::Help { scroll: 0 }));
    key(&mut a, KeyCode::PageDown);
    assert!(matches!(a.mode, Mode::Help { scroll } if scroll > 0));
    key(&mut a, KeyCode::Esc);
    assert!(matches!(a.mode, Mode::Normal));
    a.key(KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL));
    assert!(a.quit, "ctrl-c always quits");
}

// ----- copy dialog, tasks, DNS: the confirm gate and the effects -----

use cutover::migrate::{Changed, TaskState};

#[test]
fn copies_start_only_when_confirmed_and_never_in_read_only() {
    let mut a = app(120, 30);
    a.switch_kind(Kind::Image);
    chars(&mut a, "c");
    assert!(matches!(a.mode, Mode::CopyDialog(_)));
    assert!(
        a.key(KeyEvent::new(KeyCode::Esc, KeyModifiers::NONE))
            .is_empty(),
        "esc starts nothing"
    );
    assert!(matches!(a.mode, Mode::Normal));

    chars(&mut a, "c");
    key(&mut a, KeyCode::Tab);
    chars(&mut a, "y");
    assert!(
        matches!(a.mode, Mode::CopyDialog(_)),
        "in a text field y is a letter"
    );
    a.key(KeyEvent::new(KeyCode::Char('u'), KeyModifiers::CONTROL));
    let effects = a.key(KeyEvent::new(KeyCode::Enter, KeyModifiers::NONE));
    let [Effect::StartCopies(specs)] = effects.as_slice() else {
        panic!("one StartCopies, got {effects:?}");
    };
    assert_eq!(specs.len(), 1);
    assert_eq!(specs[0].source_ids, ["ami-0s1"]);
    assert_eq!(
        specs[0].options.kms_key_id, None,
        "an emptied field is no option"
    );
    assert!(a.show_tasks, "the tasks view opens to follow them");

    let mut ro = app(120, 30);
    ro.header.read_only = true;
    ro.switch_kind(Kind::Image);
    chars(&mut ro, "c");
    assert!(chars_effects(&mut ro, "y").is_empty(), "read-only refuses");
    assert!(ro.log.lines.back().unwrap().text.contains("read-only"));
}

fn chars_effects(a: &mut cutover::ui::App, text: &str) -> Vec<Effect> {
    text.chars()
        .flat_map(|c| a.key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE)))
        .collect()
}

#[test]
fn a_bad_bucket_name_holds_the_dialog_and_the_vpc_is_chosen() {
    let mut a = app(120, 30);
    a.switch_kind(Kind::Bucket);
    chars(&mut a, "c");
    key(&mut a, KeyCode::Tab);
    chars(&mut a, "_");
    assert!(a
        .key(KeyEvent::new(KeyCode::Enter, KeyModifiers::NONE))
        .is_empty());
    assert!(
        matches!(a.mode, Mode::CopyDialog(_)),
        "stays open to fix the name"
    );

    let mut g = app(120, 30);
    g.switch_kind(Kind::SecurityGroup);
    chars(&mut g, "c");
    let effects = chars_effects(&mut g, "y");
    let [Effect::StartCopies(specs)] = effects.as_slice() else {
        panic!("{effects:?}");
    };
    assert_eq!(
        specs[0].options.target_vpc.as_deref(),
        Some("vpc-t"),
        "the default VPC"
    );
}

fn tasks_open() -> cutover::ui::App {
    let mut a = app(120, 30);
    a.load_tasks(vec![running_image(), failed_snapshot(), done_key_pair()]);
    chars(&mut a, "t");
    a
}

#[test]
fn task_keys_dispatch_the_right_effect_and_cancel_asks_first() {
    let mut a = tasks_open();
    assert_eq!(
        chars_effects(&mut a, "p"),
        [Effect::PauseTask("ami-0s1-1".into())]
    );
    assert!(
        chars_effects(&mut a, "R").is_empty(),
        "a running task is not retried"
    );
    assert!(chars_effects(&mut a, "x").is_empty(), "cancel asks first");
    assert!(matches!(a.mode, Mode::Confirm(_)));
    assert_eq!(
        chars_effects(&mut a, "y"),
        [Effect::CancelTask("ami-0s1-1".into())]
    );
    chars(&mut a, "j");
    assert_eq!(
        chars_effects(&mut a, "R"),
        [Effect::RetryTask("snap-0s1-1".into())]
    );
    assert!(
        chars_effects(&mut a, "u").is_empty(),
        "only paused tasks resume"
    );
    chars(&mut a, "j");
    assert!(chars_effects(&mut a, "x").is_empty());
    assert!(
        matches!(a.mode, Mode::Normal),
        "a done task is not cancelled"
    );

    let mut ro = tasks_open();
    ro.header.read_only = true;
    assert!(chars_effects(&mut ro, "p").is_empty(), "read-only refuses");
    chars(&mut ro, "x");
    assert!(matches!(ro.mode, Mode::Normal), "no confirm in read-only");
}

#[test]
fn transfer_reports_feed_the_sparkline_and_eta() {
    let mut a = app(120, 30);
    let mut bucket = bucket_task();
    for (secs, objects, done) in [(1, 10, false), (2, 30, false), (4, 70, true)] {
        bucket.transfer = Some(transfer(secs, objects, 100, done));
        told(&mut a, bucket.clone(), Changed::Progress);
    }
    let samples = &a.tasks.samples["acme-logs-1"];
    assert_eq!(samples.rates, [20_000_000, 20_000_000]);
    assert_eq!(samples.eta_secs(), Some(1), "30 MB left at 17.5 MB/s");
    assert_eq!(a.tasks.len(), 1, "one row per task, updated in place");
}

#[test]
fn journal_tasks_show_on_start_and_read_only_says_they_wait() {
    let mut a = app(120, 30);
    a.load_tasks(vec![running_image(), done_key_pair()]);
    assert_eq!(a.tasks.len(), 2);
    assert_eq!(a.tasks.tally().running, 1);
    assert!(
        a.tasks.read().get(0).unwrap().history.len() >= 3,
        "history kept"
    );
    assert!(a
        .log
        .lines
        .back()
        .unwrap()
        .text
        .contains("1 unfinished (resuming)"));
    let mut ro = app(120, 30);
    ro.header.read_only = true;
    ro.load_tasks(vec![running_image()]);
    assert!(ro.log.lines.back().unwrap().text.contains("not resumed"));
    assert!(matches!(
        ro.tasks.read().get(0).unwrap().state,
        TaskState::Running { .. }
    ));
}

#[test]
fn dns_cutover_from_the_journal_and_going_early_needs_the_word() {
    use cutover::journal::{Entry, Replay};
    let (topic, progress) = shop_cutover(10);
    let entry = Entry::new(
        std::time::SystemTime::UNIX_EPOCH,
        "dns",
        &topic,
        &cutover::cutover::DnsEvent::Planned {
            plan: Box::new(progress.plan.clone()),
        },
    )
    .unwrap();
    let found = cutover::ui::dns_board::cutovers_from(&Replay {
        entries: vec![entry],
        skipped: vec![],
    });
    assert_eq!(found[&topic].done, 0, "a plan alone: nothing done");

    let mut a = app_with(estate_with_shop(), 120, 30);
    let reads = a.load_cutovers([(topic.clone(), progress)].into());
    assert_eq!(
        reads,
        [Effect::DnsStatus {
            zone_id: "Z1".into(),
            record: "shop.acme.example.".into()
        }],
        "Route 53 is read on start"
    );
    cursor_on_record(&mut a, "shop.acme.example.");
    assert!(chars_effects(&mut a, "n").is_empty());
    assert!(matches!(a.mode, Mode::Confirm(_)));
    assert!(
        a.key(KeyEvent::new(KeyCode::Enter, KeyModifiers::NONE))
            .is_empty(),
        "the word first"
    );
    chars(&mut a, "early");
    let effects = a.key(KeyEvent::new(KeyCode::Enter, KeyModifiers::NONE));
    assert_eq!(
        effects,
        [Effect::DnsStep {
            zone_id: "Z1".into(),
            record: "shop.acme.example.".into(),
            force: true
        }]
    );
    assert!(a.dns[&topic].busy.is_some(), "shown in flight");
    assert!(
        chars_effects(&mut a, "b").is_empty(),
        "nothing while a change is in flight"
    );
}

#[test]
fn dns_plan_dialog_starts_step_one_and_refuses_in_read_only() {
    let mut a = app_with(estate_with_shop(), 120, 30);
    cursor_on_record(&mut a, "shop.acme.example.");
    chars(&mut a, "d");
    // The record answers prod-web-1's address: its relaunch's is put in.
    let Mode::DnsPlan(d) = &a.mode else {
        panic!("the plan dialog: {:?}", a.mode);
    };
    assert_eq!(d.target.value(), "63.0.0.1");
    let shown = screen(&a);
    assert!(
        shown.contains("suggested: 54.0.0.1 is i-0a1's public IP; its relaunch i-9f1"),
        "{shown}"
    );
    for _ in 0.."63.0.0.1".len() {
        a.key(KeyEvent::new(KeyCode::Backspace, KeyModifiers::NONE));
    }
    assert!(
        a.key(KeyEvent::new(KeyCode::Enter, KeyModifiers::NONE))
            .is_empty(),
        "no target yet"
    );
    chars(&mut a, "63.0.0.7");
    let effects = a.key(KeyEvent::new(KeyCode::Enter, KeyModifiers::NONE));
    let [Effect::DnsStart {
        target_value,
        choices,
        ..
    }] = effects.as_slice()
    else {
        panic!("{effects:?}");
    };
    assert_eq!(target_value, "63.0.0.7");
    assert_eq!(
        choices.weights.as_ref().map(Vec::len),
        Some(2),
        "one flip by default"
    );

    let mut ro = app_with(estate_with_shop(), 120, 30);
    ro.header.read_only = true;
    cursor_on_record(&mut ro, "shop.acme.example.");
    chars(&mut ro, "d63.0.0.7");
    assert!(ro
        .key(KeyEvent::new(KeyCode::Enter, KeyModifiers::NONE))
        .is_empty());
    assert!(matches!(ro.mode, Mode::DnsPlan(_)), "the plan stays shown");
}

#[test]
fn a_finished_copy_re_reads_what_it_made() {
    let mut a = app(120, 30);
    let mut task = running_image();
    told(&mut a, task.clone(), Changed::State);
    task.apply(now_ms(), &cutover::migrate::TaskEvent::Done);
    let effects = told(&mut a, task.clone(), Changed::State);
    assert_eq!(
        effects,
        [Effect::Refresh(vec![Kind::Image, Kind::Snapshot])]
    );
    assert!(told(&mut a, task, Changed::State).is_empty(), "once");
}

#[test]
fn drift_read_on_refresh_blocks_steps_and_offers_adopt_or_rollback() {
    use cutover::cutover::RecordState;
    use cutover::ui::dns_board::DnsSnapshot;
    let (topic, progress) = shop_cutover(1000);
    let mut a = app_with(estate_with_shop(), 120, 30);
    a.load_cutovers([(topic.clone(), progress.clone())].into());
    assert_eq!(
        a.update(Action::Listed {
            side: Side::Global,
            kind: Kind::Record,
            result: Ok(a.inventory.resources(Side::Global, Kind::Record).to_vec()),
            took: Duration::from_millis(5),
        }),
        [Effect::DnsStatus {
            zone_id: "Z1".into(),
            record: "shop.acme.example.".into()
        }],
        "a refresh of the records re-reads every cutover"
    );
    let found = RecordState::Weighted {
        ttl: Some(300),
        weights: cutover::cutover::Weights {
            source: 100,
            target: 50,
        },
    };
    let differs = "Route 53 holds weighted 100/50 (source/target), TTL 300s for shop.acme.example. where the journal expects weighted 100/0 (source/target), TTL 300s";
    a.update(Action::DnsStatus {
        topic: topic.clone(),
        result: Ok(Box::new(DnsSnapshot {
            progress,
            route53: Some(found),
            drift: true,
            differs: Some(differs.into()),
            held: None,
        })),
    });
    let said = &a.log.lines.back().unwrap().text;
    assert!(said.contains("DRIFT") && said.contains("100/50"), "{said}");
    cursor_on_record(&mut a, "shop.acme.example.");
    let r = a.cursor_record().unwrap().clone();
    assert_eq!(a.plan_cell(&r), "DRIFT");
    assert_eq!(a.dns_in_flight().len(), 1, "a header line for it");

    assert!(chars_effects(&mut a, "n").is_empty());
    assert!(
        matches!(a.mode, Mode::Normal),
        "no step is offered while Route 53 differs"
    );
    assert!(a.log.lines.back().unwrap().text.contains("o adopts"));

    chars(&mut a, "o");
    assert!(matches!(a.mode, Mode::Confirm(_)));
    let effects = a.key(KeyEvent::new(KeyCode::Enter, KeyModifiers::NONE));
    assert_eq!(
        effects,
        [Effect::DnsAdopt {
            zone_id: "Z1".into(),
            record: "shop.acme.example.".into()
        }]
    );
}

#[test]
fn rollback_is_offered_from_any_state_the_journal_holds() {
    let (topic, progress) = shop_cutover(1000);
    let mut a = app_with(estate_with_shop(), 120, 30);
    a.load_cutovers([(topic, progress)].into());
    cursor_on_record(&mut a, "shop.acme.example.");
    // The journal says 100/0, where the old rollback said "nothing to roll back".
    chars(&mut a, "b");
    assert!(matches!(a.mode, Mode::Confirm(_)));
    let effects = a.key(KeyEvent::new(KeyCode::Enter, KeyModifiers::NONE));
    assert_eq!(
        effects,
        [Effect::DnsRollback {
            zone_id: "Z1".into(),
            record: "shop.acme.example.".into()
        }]
    );
}

#[test]
fn resume_on_a_replica_in_sync_asks_to_type_promote_and_says_stop_writes() {
    use cutover::migrate::{
        CopyKind, CopyOptions, RestoreOptions, Step, Task, TaskEvent, TaskSpec,
    };
    let spec = TaskSpec {
        id: "shop-db-1".into(),
        kind: CopyKind::DbReplica,
        source_ids: vec!["shop-db".into()],
        names: BTreeMap::new(),
        source_region: "us-east-1".into(),
        target_region: "eu-west-1".into(),
        options: CopyOptions {
            restore: Some(RestoreOptions {
                instance_id: "shop-db-eu".into(),
                ..Default::default()
            }),
            ..Default::default()
        },
        known_copies: BTreeMap::new(),
    };
    let step = spec
        .steps()
        .iter()
        .position(|s| *s == Step::PromoteReplica)
        .unwrap();
    let mut task = Task::new(spec, 1);
    task.apply(2, &TaskEvent::AwaitingPromote { step });
    let mut a = app(120, 30);
    a.load_tasks(vec![task]);
    assert_eq!(a.tasks.tally().ready_to_promote, 1);
    chars(&mut a, "t");
    assert!(
        chars_effects(&mut a, "u").is_empty(),
        "the promote asks first"
    );
    let Mode::Confirm(c) = &a.mode else {
        panic!("a confirm opens")
    };
    assert!(c
        .lines
        .iter()
        .any(|l| l.contains("STOP WRITES IN THE SOURCE")));
    let mut effects = chars_effects(&mut a, "promote");
    effects.extend(a.key(KeyEvent::new(KeyCode::Enter, KeyModifiers::NONE)));
    assert_eq!(effects, [Effect::PromoteReplica("shop-db-1".into())]);
}

#[test]
fn a_note_from_beside_the_cockpit_goes_on_the_message_line() {
    let mut a = app(160, 30);
    let effects = a.update(Action::Note("sandbox: 600 of 2400 objects put".into()));
    assert!(effects.is_empty(), "a note starts nothing");
    let (line, _) = a.current_message().expect("the note is on the line");
    assert_eq!(line.text, "sandbox: 600 of 2400 objects put");
}
