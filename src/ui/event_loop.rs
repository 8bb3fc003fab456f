//! The one loop: terminal events, a tick, and listing results, merged in a
//! single `select!` into actions. It draws after each action and never
//! awaits the network itself: listings run in their own tasks.

use super::action::{Action, Effect};
use super::app::App;
use super::tui::Term;
use super::views;
use crate::cloud::{spawn_listings, Listed, Regions};
use crate::model::Kind;
use crossterm::event::{Event, EventStream, KeyEventKind, MouseButton, MouseEventKind};
use futures::StreamExt;
use std::time::Duration;
use tokio::sync::mpsc::{unbounded_channel, UnboundedSender};

/// Spinner speed; also bounds how stale the screen can be.
const TICK: Duration = Duration::from_millis(120);
/// Lines per mouse wheel notch.
const WHEEL: i32 = 3;

pub async fn run(terminal: &mut Term, app: &mut App, regions: &Regions) -> anyhow::Result<()> {
    let (tx, mut rx) = unbounded_channel::<Listed>();
    spawn_listings(regions, &Kind::ALL, tx.clone());
    let size = terminal.size()?;
    app.update(Action::Resize {
        width: size.width,
        height: size.height,
    });
    let mut events = EventStream::new();
    let mut tick = tokio::time::interval(TICK);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
    while !app.quit {
        terminal.draw(|frame| views::draw(frame, app))?;
        let action = tokio::select! {
            event = events.next() => match event {
                Some(Ok(event)) => translate(app, event),
                Some(Err(e)) => return Err(anyhow::anyhow!("cannot read the terminal: {e}")),
                None => break,
            },
            _ = tick.tick() => Some(Action::Tick),
            Some(listed) = rx.recv() => Some(Action::Listed {
                side: listed.side,
                kind: listed.kind,
                result: listed.result.map_err(|e| e.to_string()),
                took: listed.took,
            }),
        };
        if let Some(action) = action {
            for effect in app.update(action) {
                perform(effect, regions, &tx);
            }
        }
    }
    Ok(())
}

fn translate(app: &App, event: Event) -> Option<Action> {
    match event {
        // Windows reports releases too; acting on them would double every key.
        Event::Key(key) if key.kind != KeyEventKind::Release => app.action_for_key(key),
        Event::Mouse(m) => match m.kind {
            MouseEventKind::ScrollDown => Some(Action::ScrollAt {
                column: m.column,
                row: m.row,
                lines: WHEEL,
            }),
            MouseEventKind::ScrollUp => Some(Action::ScrollAt {
                column: m.column,
                row: m.row,
                lines: -WHEEL,
            }),
            MouseEventKind::Down(MouseButton::Left) => Some(Action::ClickAt {
                column: m.column,
                row: m.row,
            }),
            _ => None,
        },
        Event::Resize(width, height) => Some(Action::Resize { width, height }),
        _ => None,
    }
}

fn perform(effect: Effect, regions: &Regions, tx: &UnboundedSender<Listed>) {
    match effect {
        Effect::Refresh(kinds) => {
            spawn_listings(regions, &kinds, tx.clone());
        }
    }
}
