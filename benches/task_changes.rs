#![allow(clippy::unwrap_used, clippy::expect_used)]
//! What telling the cockpit about task changes costs: 200 running bucket
//! copies, each reporting its transfer 4 times a second (the bucket copy's
//! 250 ms report), for one second. Counts the bytes and allocations from
//! the scheduler's report to the cockpit's `update`, with a counting
//! allocator. Run: `cargo bench --profile dev --bench task_changes`.

use cutover::migrate::{
    Changed, CopyKind, CopyOptions, Task, TaskEvent, TaskSpec, TaskStore, Transfer, CHANGES_BOUND,
};
use cutover::model::{BucketNaming, Inventory};
use cutover::ui::action::Action;
use cutover::ui::{App, Header, Keymap, Theme};
use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicU64, Ordering};

struct Counting;
static BYTES: AtomicU64 = AtomicU64::new(0);
static ALLOCATIONS: AtomicU64 = AtomicU64::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        BYTES.fetch_add(layout.size() as u64, Ordering::Relaxed);
        ALLOCATIONS.fetch_add(1, Ordering::Relaxed);
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

const TASKS: usize = 200;
const REPORTS_PER_SECOND: u64 = 4;

/// A bucket copy in its object step, with the history a resumed and
/// retried copy has gathered.
fn bucket_task(n: usize) -> Task {
    let source = format!("acme-logs-{n:03}");
    let spec = TaskSpec {
        id: format!("{source}-1"),
        kind: CopyKind::Bucket,
        source_ids: vec![source.clone()],
        names: [(source.clone(), source.clone())].into(),
        source_region: "us-east-1".into(),
        target_region: "eu-west-1".into(),
        options: CopyOptions {
            target_bucket: Some(format!("{source}-eu-west-1")),
            ..Default::default()
        },
        known_copies: Default::default(),
    };
    let mut events = vec![TaskEvent::Created {
        spec: Box::new(spec),
    }];
    for step in 0..2 {
        events.push(TaskEvent::StepStarted { step });
        events.push(TaskEvent::StepDone {
            step,
            outputs: Default::default(),
        });
    }
    for round in 0..8 {
        events.push(TaskEvent::StepStarted { step: 2 });
        events.push(TaskEvent::Note {
            text: format!("round {round}: 1,204 objects carried their metadata and tags"),
        });
        events.push(TaskEvent::Paused { step: 2 });
        events.push(TaskEvent::Resumed);
    }
    events.push(TaskEvent::StepStarted { step: 2 });
    Task::replay(events.iter().enumerate().map(|(i, e)| (i as u64 * 1000, e))).unwrap()
}

fn app(tasks: &[Task], store: TaskStore) -> App {
    let inv = Inventory::new("us-east-1", "eu-west-1", BucketNaming::default(), &[]);
    let header = Header {
        source_region: "us-east-1".into(),
        source_profile: "prod".into(),
        target_region: "eu-west-1".into(),
        target_profile: "prod".into(),
        endpoint: None,
        read_only: false,
        follower_of: None,
    };
    let mut app = App::new(inv, header, Keymap::default(), Theme::default());
    app.load_tasks(tasks.to_vec());
    app.tasks.share(store);
    app
}

fn transfer(report: u64) -> Transfer {
    Transfer {
        objects_listed: 10_000,
        bytes_listed: 10_000_000,
        listing_done: true,
        objects_done: report * 10,
        bytes_done: report * 10_000,
        objects_skipped: 0,
        restoring: 0,
        elapsed_ms: report * 250,
    }
}

fn main() {
    let tasks: Vec<Task> = (0..TASKS).map(bucket_task).collect();
    let ids: Vec<String> = tasks.iter().map(|t| t.spec.id.clone()).collect();
    // The store the scheduler and the cockpit share, as the event loop makes it.
    let (store, mut rx) = TaskStore::with_changes(CHANGES_BOUND);
    let mut app = app(&tasks, store.clone());
    let (bytes, allocations) = (
        BYTES.load(Ordering::Relaxed),
        ALLOCATIONS.load(Ordering::Relaxed),
    );
    for report in 1..=REPORTS_PER_SECOND {
        // The scheduler: the report changes its task, then tells which.
        for id in &ids {
            if let Some(task) = store.lock().unwrap().get_mut(id) {
                task.transfer = Some(transfer(report));
            }
            store.changed(id, Changed::Progress);
        }
        // The cockpit: each change becomes an action.
        while let Ok(change) = rx.try_recv() {
            app.update(Action::TaskChanged(change));
        }
    }
    let bytes = BYTES.load(Ordering::Relaxed) - bytes;
    let allocations = ALLOCATIONS.load(Ordering::Relaxed) - allocations;
    println!(
        "{TASKS} running tasks, {REPORTS_PER_SECOND} reports/s each: {bytes} bytes in {allocations} allocations per second ({} bytes per report)",
        bytes / (TASKS as u64 * REPORTS_PER_SECOND)
    );
}
