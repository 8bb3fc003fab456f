#![allow(clippy::unwrap_used, clippy::expect_used)] // tests may panic: that is how they fail
//! A failed task is changed in the cockpit before its retry: `e` in the
//! tasks view opens its options in the words of `cutover tasks --set`,
//! refuses what the command line refuses, and the retry carries the change.
//! The last test runs it against moto: a bucket copy whose target name is
//! another bucket's fails, gets a free name in the dialog, and lands.

mod common;
mod ui_fixtures;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use cutover::migrate::{edit, CopyKind, Scheduler, TaskEvent, TaskState, TaskStore};
use cutover::ui::action::{Action, Effect};
use cutover::ui::app::Mode;
use cutover::ui::state::Level;
use cutover::ui::{App, Header, Keymap, Theme};
use ui_fixtures::{app, chars, key, screen, task_from};

/// A bucket copy that failed creating its bucket: the name is taken.
fn failed_bucket() -> cutover::migrate::Task {
    task_from(
        ui_fixtures::spec("acme-logs-1", CopyKind::Bucket, "acme-logs", "acme-logs"),
        vec![
            TaskEvent::StepStarted { step: 0 },
            TaskEvent::Failed {
                step: 0,
                error: "bucket acme-logs-eu-west-1 already exists and is not a copy of acme-logs: give the copy another name".into(),
            },
        ],
        40,
    )
}

fn said(a: &App) -> (Level, String) {
    let (line, _) = a.current_message().expect("a message on the line");
    (line.level, line.text.clone())
}

fn edit_dialog(a: &App) -> &cutover::ui::task_edit::TaskEdit {
    match &a.mode {
        Mode::TaskEdit(d) => d,
        other => panic!("no edit dialog, mode is {other:?}"),
    }
}

fn ctrl(a: &mut App, c: char) {
    a.key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL));
}

#[test]
fn e_opens_the_options_of_the_failed_tasks_kind_filled_with_what_it_holds() {
    let mut a = app(100, 30);
    a.load_tasks(vec![failed_bucket()]);
    chars(&mut a, "te");
    let d = edit_dialog(&a);
    let keys: Vec<&str> = d.fields.iter().map(|(k, _, _)| *k).collect();
    assert_eq!(keys, ["target-bucket", "kms-key-id"]);
    assert_eq!(d.fields[0].2.value(), "acme-logs-eu-west-1");
    assert_eq!(d.fields[1].2.value(), "");
}

#[test]
fn a_bad_value_is_refused_with_the_command_lines_words_and_the_dialog_stays() {
    let mut a = app(100, 30);
    let task = failed_bucket();
    a.load_tasks(vec![task.clone()]);
    chars(&mut a, "te");
    ctrl(&mut a, 'u');
    chars(&mut a, "Acme_Logs");
    key(&mut a, KeyCode::Enter);
    // The very sentence `cutover tasks --retry ID --set` prints.
    let cli = edit::edit(&task, &[("target-bucket".into(), "Acme_Logs".into())]).unwrap_err();
    assert_eq!(said(&a), (Level::Error, cli.clone()));
    assert_eq!(edit_dialog(&a).refused.as_deref(), Some(cli.as_str()));

    ctrl(&mut a, 'u');
    chars(&mut a, "acme-logs-eu-2");
    let effects = a.update(Action::Dialog(cutover::ui::action::DialogKey::Accept));
    let [Effect::EditTask { id, spec, change }] = effects.as_slice() else {
        panic!("{effects:?}");
    };
    assert_eq!(id, "acme-logs-1");
    assert_eq!(
        spec.options.target_bucket.as_deref(),
        Some("acme-logs-eu-2")
    );
    assert_eq!(change, "target-bucket = acme-logs-eu-2");
    assert!(matches!(a.mode, Mode::Normal));
    assert_eq!(
        said(&a),
        (
            Level::Info,
            "acme-logs-1: target-bucket = acme-logs-eu-2; retrying".into()
        )
    );
}

#[test]
fn nothing_changed_is_a_plain_retry_and_esc_changes_nothing() {
    let mut a = app(100, 30);
    a.load_tasks(vec![failed_bucket()]);
    chars(&mut a, "te");
    let effects = a.update(Action::Dialog(cutover::ui::action::DialogKey::Accept));
    assert_eq!(effects, [Effect::RetryTask("acme-logs-1".into())]);
    chars(&mut a, "e");
    key(&mut a, KeyCode::Esc);
    assert!(matches!(a.mode, Mode::Normal));
    assert_eq!(said(&a).1, "acme-logs-1: nothing changed");
}

#[test]
fn e_is_refused_on_a_task_that_did_not_fail_and_in_read_only() {
    let mut a = app(100, 30);
    a.load_tasks(vec![ui_fixtures::done_key_pair()]);
    chars(&mut a, "te");
    assert!(matches!(a.mode, Mode::Normal));
    assert_eq!(
        said(&a),
        (
            Level::Warn,
            "deploy-1 is done: only a failed task is changed before its retry".into()
        )
    );

    let mut ro = App::new(
        ui_fixtures::estate(),
        ui_fixtures::header(true),
        Keymap::default(),
        Theme::default(),
    );
    ro.update(Action::Resize {
        width: 100,
        height: 30,
    });
    ro.load_tasks(vec![failed_bucket()]);
    chars(&mut ro, "te");
    assert!(matches!(ro.mode, Mode::Normal), "no dialog in read-only");
    assert_eq!(
        said(&ro),
        (
            Level::Warn,
            "read-only: changing acme-logs-1 refused; nothing was changed".into()
        )
    );
    let s = screen(&ro);
    let footer = s.lines().last().unwrap();
    assert!(
        !footer.contains("edit") && !footer.contains("retry"),
        "{footer}"
    );
}

#[test]
fn a_remapped_edit_key_is_the_one_the_footer_and_help_name() {
    let keys = [("edit".to_string(), "E".to_string())].into();
    let mut a = App::new(
        ui_fixtures::estate(),
        ui_fixtures::header(false),
        Keymap::from_config(&keys).unwrap(),
        Theme::default(),
    );
    a.update(Action::Resize {
        width: 100,
        height: 30,
    });
    a.load_tasks(vec![failed_bucket()]);
    chars(&mut a, "t");
    let s = screen(&a);
    assert!(s.lines().last().unwrap().contains(" E edit"), "{s}");
    chars(&mut a, "e");
    assert!(matches!(a.mode, Mode::Normal), "e is not bound any more");
    chars(&mut a, "E");
    edit_dialog(&a);
    key(&mut a, KeyCode::Esc);
    chars(&mut a, "?");
    let help = cutover::ui::views::help::lines(&a)
        .iter()
        .map(|l| l.to_string())
        .collect::<Vec<_>>()
        .join("\n");
    assert!(
        help.contains("E  tasks: change a failed task's options"),
        "{help}"
    );
}

#[test]
fn views_of_a_failed_task_and_its_edit_dialog() {
    for (w, h) in [(200, 30), (80, 24)] {
        let mut a = app(w, h);
        a.load_tasks(vec![failed_bucket()]);
        chars(&mut a, "t");
        insta::assert_snapshot!(format!("failed_task_footer_{w}x{h}"), screen(&a));
        chars(&mut a, "e");
        ctrl(&mut a, 'u');
        chars(&mut a, "Acme_Logs");
        key(&mut a, KeyCode::Enter);
        insta::assert_snapshot!(format!("task_edit_refused_{w}x{h}"), screen(&a));
    }
}

// ----- against moto -----

#[tokio::test]
async fn a_bucket_copy_refused_by_a_taken_name_lands_under_the_name_typed_in_the_dialog() {
    let server = cutover::sandbox::MotoServer::start(None).unwrap_or_else(|e| panic!("{e}"));
    common::stop_at_exit(server.pid());
    let regions = common::regions_at(&server.endpoint(), cutover::sandbox::sandbox_keys()).await;
    let (src, dst) = (&regions.source.s3, &regions.target.s3);
    let (from, taken, free) = ("edit-src", "edit-taken", "edit-src-landed");
    src.create_bucket().bucket(from).send().await.unwrap();
    for i in 0..3 {
        src.put_object()
            .bucket(from)
            .key(format!("k{i}"))
            .body(format!("object {i}").into_bytes().into())
            .send()
            .await
            .unwrap();
    }
    // Another bucket holds the name the copy asks for.
    dst.create_bucket()
        .bucket(taken)
        .create_bucket_configuration(
            aws_sdk_s3::types::CreateBucketConfiguration::builder()
                .location_constraint(aws_sdk_s3::types::BucketLocationConstraint::EuWest1)
                .build(),
        )
        .send()
        .await
        .unwrap();

    let (store, _changes) = TaskStore::with_changes(cutover::migrate::CHANGES_BOUND);
    let journal = std::sync::Arc::new(common::MemoryJournal::default());
    let s = Scheduler::new(regions.clone(), journal, Default::default(), store.clone());
    let mut spec = ui_fixtures::spec("edit-src-1", CopyKind::Bucket, from, from);
    spec.options.target_bucket = Some(taken.into());
    s.submit(spec).unwrap();
    s.settled().await;
    let failed = s.task("edit-src-1").unwrap();
    assert!(
        matches!(failed.state, TaskState::Failed { step: 0, .. }),
        "{:#?}",
        failed.history
    );

    // The cockpit reads the scheduler's store, as the event loop wires it.
    let mut a = App::new(
        ui_fixtures::estate(),
        Header {
            source_region: "us-east-1".into(),
            target_region: "eu-west-1".into(),
            ..ui_fixtures::header(false)
        },
        Keymap::default(),
        Theme::default(),
    );
    a.update(Action::Resize {
        width: 120,
        height: 30,
    });
    a.tasks.share(store);
    a.update(Action::TaskChanged(cutover::migrate::TaskChange::state(
        "edit-src-1",
    )));
    chars(&mut a, "te");
    ctrl(&mut a, 'u');
    chars(&mut a, free);
    let effects = a.key(KeyEvent::new(KeyCode::Enter, KeyModifiers::NONE));
    assert_eq!(effects.len(), 1, "{effects:?}");
    for effect in effects {
        cutover::ui::task_effect(&s, effect)
            .expect("a task control")
            .unwrap();
    }
    s.settled().await;
    let task = s.task("edit-src-1").unwrap();
    assert_eq!(task.state, TaskState::Done, "{:#?}", task.history);
    assert!(
        task.history
            .iter()
            .any(|(_, l)| l == &format!("changed: target-bucket = {free}")),
        "{:#?}",
        task.history
    );

    // The copy is where the dialog said, with every object; the bucket
    // that held the name is untouched.
    let location = dst.get_bucket_location().bucket(free).send().await.unwrap();
    assert_eq!(
        location.location_constraint().map(|c| c.as_str()),
        Some("eu-west-1")
    );
    let keys = |bucket: &'static str| async move {
        dst.list_objects_v2()
            .bucket(bucket)
            .send()
            .await
            .unwrap()
            .contents()
            .iter()
            .filter_map(|o| o.key().map(str::to_string))
            .collect::<Vec<_>>()
    };
    assert_eq!(keys(free).await, ["k0", "k1", "k2"]);
    assert!(keys(taken).await.is_empty());
}
