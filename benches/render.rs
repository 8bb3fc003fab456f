#![allow(clippy::unwrap_used, clippy::expect_used)]
//! Time to draw one frame of a 100,000-row kind into ratatui's TestBackend:
//! only the visible window is built, so this stays flat as estates grow.
//! Run: `cargo bench --bench render` (release), or quickly in the dev
//! profile: `cargo bench --profile dev --bench render`.

use criterion::{criterion_group, criterion_main, Criterion};
use cutover::model::resource::{self as r};
use cutover::model::{BucketNaming, Details, Inventory, Kind, Resource, Side};
use cutover::ui::action::{Action, Command};
use cutover::ui::{App, Header, Keymap, Theme};
use ratatui::backend::TestBackend;
use ratatui::Terminal;

const ROWS: usize = 100_000;

fn instances(region: &str, prefix: &str) -> Vec<Resource> {
    (0..ROWS)
        .map(|n| {
            Resource::new(
                region,
                Kind::Instance,
                format!("i-{prefix}{n:08x}"),
                Details::Instance(Box::new(r::Instance {
                    instance_type: "m5.large".into(),
                    availability_zone: format!("{region}a"),
                    private_ip: Some(format!("10.{}.{}.{}", n >> 16, (n >> 8) & 255, n & 255)),
                    ..Default::default()
                })),
            )
            .with_name(format!("node-{n:06}"))
            .with_state("running")
        })
        .collect()
}

fn app() -> App {
    let mut inv = Inventory::new(
        "us-east-1",
        "eu-west-1",
        BucketNaming::default(),
        &[Kind::Instance],
    );
    inv.apply(
        Side::Source,
        Kind::Instance,
        Ok(instances("us-east-1", "s")),
    );
    inv.apply(
        Side::Target,
        Kind::Instance,
        Ok(instances("eu-west-1", "t")),
    );
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
    app.update(Action::Resize {
        width: 200,
        height: 60,
    });
    app
}

fn render(c: &mut Criterion) {
    let mut app = app();
    let mut terminal = Terminal::new(TestBackend::new(200, 60)).unwrap();
    // Mid-list, so the window is not the cheap first page.
    for _ in 0..ROWS / 2 / 50 {
        app.update(Action::Command(Command::PageDown));
    }
    c.bench_function("draw 100k-row instance view (200x60)", |b| {
        b.iter(|| {
            terminal
                .draw(|frame| cutover::ui::views::draw(frame, &app))
                .unwrap();
        })
    });
    c.bench_function("page down + draw (100k rows)", |b| {
        b.iter(|| {
            app.update(Action::Command(Command::PageDown));
            terminal
                .draw(|frame| cutover::ui::views::draw(frame, &app))
                .unwrap();
        })
    });
}

criterion_group!(benches, render);
criterion_main!(benches);
