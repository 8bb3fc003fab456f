#![allow(clippy::unwrap_used, clippy::expect_used)] // tests may panic: that is how they fail
//! View snapshots for what the cockpit says is true: the COPY column from
//! the tasks joined with the target (copying n%, failed, partial, differs,
//! exists, n/a), stale listings, the message line and its fading, the
//! overview line, the read-only footer, the quit question, 80x24.

mod ui_fixtures;

use cutover::migrate::{CopyKind, TaskEvent, TaskState};
use cutover::model::{Kind, Side};
use cutover::ui::action::Action;
use cutover::ui::state::Level;
use std::time::{Duration, SystemTime};
use ui_fixtures::*;

/// The estate with copies in every state: an AMI copying at 42 %, a
/// snapshot copy failed, the key pair done (its target key differs), the
/// logs bucket copying with its listing complete, the assets bucket copy
/// cancelled after the bucket was made.
fn with_copies(width: u16, height: u16) -> cutover::ui::App {
    let mut a = app(width, height);
    let mut logs = bucket_task();
    logs.transfer = Some(transfer(6, 126, 300, true));
    let cancelled = task_from(
        spec(
            "acme-assets-1",
            CopyKind::Bucket,
            "acme-assets",
            "acme-assets",
        ),
        vec![
            TaskEvent::StepStarted { step: 0 },
            TaskEvent::StepDone {
                step: 0,
                outputs: Default::default(),
            },
            TaskEvent::Cancelled {
                note: "cancelled at 153 objects; the bucket and what it holds stay".into(),
            },
        ],
        40,
    );
    a.load_tasks(vec![
        running_image(),
        failed_snapshot(),
        done_key_pair(),
        logs,
        cancelled,
    ]);
    a
}

#[test]
fn copy_column_tells_each_copy_state() {
    let mut a = with_copies(140, 11);
    for kind in [
        Kind::Image,
        Kind::Snapshot,
        Kind::KeyPair,
        Kind::Bucket,
        Kind::Vpc,
    ] {
        a.switch_kind(kind);
        insta::assert_snapshot!(format!("copy_column_{}", kind.name()), screen(&a));
    }
}

#[test]
fn copy_column_narrow_keeps_the_state_short() {
    let mut a = with_copies(80, 24);
    a.switch_kind(Kind::Bucket);
    let s = screen(&a);
    assert!(s.contains("copy 42%"), "{s}");
    insta::assert_snapshot!(s);
}

#[test]
fn a_failed_refresh_keeps_the_rows_marked_stale() {
    let mut a = app(120, 10);
    a.update(Action::Listed {
        side: Side::Target,
        kind: Kind::Instance,
        result: Err("ec2:DescribeInstances failed: RequestLimitExceeded: slow down".into()),
        took: Duration::from_millis(5),
    });
    let s = screen(&a);
    assert!(s.contains("prod-web-1") && s.contains("STALE"), "{s}");
    insta::assert_snapshot!(s);
}

fn seconds_later<const S: u64>() -> SystemTime {
    SystemTime::UNIX_EPOCH + Duration::from_secs(1_772_000_000 + S)
}

#[test]
fn message_line_shows_errors_then_fades_and_the_header_counts_them() {
    let mut a = app(100, 12);
    a.note(
        Level::Warn,
        "acme-logs-1 is cancelled: only failed tasks are retried",
    );
    a.note(
        Level::Error,
        "eu-west-1 EC2 instances: RequestLimitExceeded: slow down",
    );
    insta::assert_snapshot!("message_fresh", screen(&a));
    a.clock = seconds_later::<8>;
    insta::assert_snapshot!("message_fading", screen(&a));
    a.clock = seconds_later::<60>;
    let gone = screen(&a);
    assert!(!gone.contains("RequestLimitExceeded"), "{gone}");
    assert!(
        gone.contains("1 error (:messages)"),
        "still counted: {gone}"
    );
    chars(&mut a, ":messages");
    key(&mut a, crossterm::event::KeyCode::Enter);
    insta::assert_snapshot!("messages_history", screen(&a));
    assert_eq!(a.unread_errors, 0, "opening the history reads them");
}

#[test]
fn read_only_footer_offers_no_write_keys() {
    let mut a = with_copies(100, 12);
    a.header.read_only = true;
    let panes = screen(&a);
    chars(&mut a, "t");
    let tasks = screen(&a);
    for s in [&panes, &tasks] {
        let footer = s.lines().last().unwrap();
        for write in ["copy", "pause", "resume", "cancel", "retry"] {
            assert!(!footer.contains(write), "{write} offered: {footer}");
        }
        assert!(s.contains("READ-ONLY"), "{s}");
    }
    insta::assert_snapshot!("read_only_panes", panes);
    insta::assert_snapshot!("read_only_tasks", tasks);
}

#[test]
fn overview_and_quit_question_with_copies_running() {
    let mut a = with_copies(120, 20);
    a.sandbox = true;
    let overview = screen(&a).lines().nth(2).unwrap().to_string();
    assert!(overview.contains("1 task needs you"), "{overview}");
    assert!(overview.contains("s3: 1 copying 1 partial"), "{overview}");
    chars(&mut a, "q");
    assert!(!a.quit);
    insta::assert_snapshot!(screen(&a));
}

#[test]
fn done_with_warnings_says_what_was_left_out_and_how_to_fix_it() {
    let mut a = app(120, 20);
    let mut groups = task_from(
        spec("sg-1", CopyKind::SecurityGroups, "sg-0a1", "web"),
        vec![
            TaskEvent::StepStarted { step: 0 },
            TaskEvent::StepDone {
                step: 0,
                outputs: [("target:sg-0a1".to_string(), "sg-9a1".to_string())].into(),
            },
            TaskEvent::StepStarted { step: 1 },
            TaskEvent::Warning {
                text: "web: inbound tcp 5432 from sg-0db (not copied): copy sg-0db, then R here"
                    .into(),
            },
            TaskEvent::StepDone {
                step: 1,
                outputs: Default::default(),
            },
            TaskEvent::Done,
        ],
        5,
    );
    groups.finished_ms = groups.finished_ms.or(Some(now_ms() - 5000));
    assert_eq!(groups.state, TaskState::Done);
    a.load_tasks(vec![groups]);
    chars(&mut a, "t");
    let s = screen(&a);
    assert!(s.contains("done with warnings"), "{s}");
    assert!(
        s.contains("· 0 done · 0 failed · 1 done with warnings"),
        "the title does not count it as done: {s}"
    );
    insta::assert_snapshot!(s);
}

#[test]
fn bucket_rows_count_objects_while_listing_and_once_verified() {
    use cutover::model::resource::{Bucket, Details};
    let mut a = app(140, 11);
    let mut logs = bucket_task();
    logs.transfer = Some(transfer(3, 500, 1062, false));
    a.load_tasks(vec![logs]);
    a.switch_kind(Kind::Bucket);
    let s = screen(&a);
    let row = s.lines().find(|l| l.contains("acme-logs ")).unwrap();
    assert!(row.contains("1,062…"), "a count so far, not a total: {row}");
    insta::assert_snapshot!("bucket_rows_listing", s);

    // The copy verified, as the step journals it; its bucket listed in the target.
    let verified = task_from(
        spec("acme-logs-1", CopyKind::Bucket, "acme-logs", "acme-logs"),
        (0..4)
            .flat_map(|step| {
                let outputs = match step {
                    3 => [
                        (
                            cutover::migrate::VERIFIED_OBJECTS.to_string(),
                            "1062".to_string(),
                        ),
                        (
                            cutover::migrate::VERIFIED_BYTES.to_string(),
                            "5300000".to_string(),
                        ),
                    ]
                    .into(),
                    _ => Default::default(),
                };
                [
                    TaskEvent::StepStarted { step },
                    TaskEvent::StepDone { step, outputs },
                ]
            })
            .chain([TaskEvent::Done])
            .collect(),
        20,
    );
    told(&mut a, verified, cutover::migrate::Changed::State);
    let copy = |name: &str, objects: Option<u64>| {
        cutover::model::Resource::new(
            "eu-west-1",
            Kind::Bucket,
            name,
            Details::Bucket(Bucket {
                objects,
                bytes: objects.map(|n| n * 1_500_000),
                ..Default::default()
            }),
        )
    };
    a.update(cutover::ui::action::Action::Listed {
        side: Side::Target,
        kind: Kind::Bucket,
        result: Ok(vec![
            copy("acme-assets-eu-west-1", Some(2400)),
            copy("acme-logs-eu-west-1", None),
        ]),
        took: std::time::Duration::from_millis(5),
    });
    let s = screen(&a);
    let row = s.lines().find(|l| l.contains("acme-logs ")).unwrap();
    assert_eq!(
        row.matches("1,062").count(),
        2,
        "the source and its copy: {row}"
    );
    assert!(!row.contains('…'), "a total now: {row}");
    insta::assert_snapshot!("bucket_rows_verified", s);
}
