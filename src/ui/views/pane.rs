//! One pane: a region's listing of the current kind, or the Route 53 view.
//! Only the rows in the window are built, so 100,000 rows cost what 40 do.

use super::super::app::App;
use super::super::columns::{cells, columns, Column};
use super::super::copy_state::{copy_state, CopyState};
use super::super::layout::page_height;
use super::super::theme::Theme;
use super::fit;
use crate::model::{Kind, Listing, Side};
use ratatui::layout::{Constraint, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Cell, Paragraph, Row, Table, Wrap};
use ratatui::Frame;

/// The COPY column's width: the long words when the pane has room.
fn status_width(inner: u16) -> u16 {
    if inner >= 60 {
        11
    } else {
        8
    }
}

/// The COPY cell's colour: green only for a verified copy, amber where
/// the operator has something to look at, red for what failed or is missing.
pub(crate) fn copy_style(state: CopyState, t: &Theme) -> Style {
    match state {
        CopyState::Copied => t.copied,
        CopyState::Copying(_) => t.accent,
        CopyState::Paused | CopyState::Partial | CopyState::Differs => t.differs,
        CopyState::Failed | CopyState::Missing => t.missing,
        CopyState::Queued | CopyState::NotApplicable | CopyState::NotMovable => t.dim,
        CopyState::Exists => Style::new(),
    }
}

pub(crate) fn draw(frame: &mut Frame, area: Rect, app: &App, pane: usize) {
    let side = app.sides()[pane];
    let kind = app.kind;
    let t = &app.theme;
    let region = app.inventory.region_of(side);
    let listing = app.inventory.listing(side, kind);
    let busy = matches!(listing, Some(Listing::Loading)) || app.refreshing.contains(&(side, kind));

    let shown = app.visible[pane].len();
    let total = app.inventory.resources(side, kind).len();
    let count = if shown == total {
        format!("{total}")
    } else {
        format!("{shown} of {total}")
    };
    let place = match side {
        Side::Source => format!("source {region}"),
        Side::Target => format!("target {region}"),
        Side::Global => "Route 53 (global)".to_string(),
    };
    let mut title = vec![Span::raw(format!(" {place} · {} {count} ", kind.title()))];
    if kind == Kind::Record {
        let (source, target) = app.dns_tally;
        title.push(Span::styled(
            format!("· {source} → source, {target} → target "),
            t.dim,
        ));
    }
    if busy {
        title.push(Span::styled(format!("{} ", super::spinner(app)), t.accent));
    }
    if let Some((at, error)) = app.stale.get(&(side, kind)) {
        let age = super::super::messages::age_text(*at, (app.clock)());
        let room = area.width.saturating_sub(4) as usize;
        let used: usize = title.iter().map(|s| s.width()).sum();
        let text = fit(&format!("STALE {age}: {error} "), room.saturating_sub(used));
        title.push(Span::styled(text, t.differs));
    }
    let focused = pane == app.focus;
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(if focused { t.focused_border } else { t.border })
        .title(Line::from(title));

    let message = |text: String, style: Style| {
        Paragraph::new(text)
            .style(style)
            .wrap(Wrap { trim: true })
            .block(block.clone())
    };
    match listing {
        None | Some(Listing::Loading) => {
            let text = format!(
                "{} loading {} in {region}…",
                super::spinner(app),
                kind.title()
            );
            return frame.render_widget(message(text, t.dim), area);
        }
        Some(Listing::Failed(e)) => {
            let text = format!(
                "cannot list {} in {region}:\n{e}\n\npress {} to try again",
                kind.title(),
                app.keymap.keys_of(super::super::action::Command::Refresh)
            );
            return frame.render_widget(message(text, t.error), area);
        }
        Some(Listing::Loaded(list)) if list.is_empty() => {
            let text = format!("no {} in {region}", kind.title());
            return frame.render_widget(message(text, t.dim), area);
        }
        Some(Listing::Loaded(_)) if shown == 0 => {
            let text = format!("nothing matches the filter ({total} hidden); esc clears it");
            return frame.render_widget(message(text, t.dim), area);
        }
        Some(Listing::Loaded(_)) => {}
    }

    let list = app.inventory.resources(side, kind);
    let state = app.pane_state(pane);
    let page = page_height(area);
    let window: Vec<usize> = app.visible[pane]
        .iter()
        .skip(state.offset)
        .take(page)
        .copied()
        .collect();
    let with_status = side == Side::Source;
    let counterpart = app
        .counterpart()
        .filter(|(p, _)| *p == pane)
        .map(|(_, pos)| pos);

    let cols = columns(kind);
    let mut rows_text: Vec<Vec<String>> = window
        .iter()
        .map(|&i| {
            let mut row: Vec<String> = cells(&list[i], &app.points)
                .into_iter()
                .map(|c| crate::model::printable(&c).into_owned())
                .collect();
            if kind == Kind::Record {
                row[crate::ui::columns::RECORD_PLAN_COLUMN] = app.plan_cell(&list[i]).to_string();
            }
            row
        })
        .collect();
    if kind == Kind::Bucket {
        bucket_totals_from_copies(app, side, &window, list, &mut rows_text);
    }
    let inner = area.width.saturating_sub(2);
    let status_width = status_width(inner);
    let fixed = 2 + if with_status { status_width + 1 } else { 0 };
    let (keep, widths) = fit_columns(cols, &rows_text, inner.saturating_sub(fixed));

    let mut header_cells = vec![Cell::from(" ")];
    if with_status {
        header_cells.push(Cell::from("COPY"));
    }
    header_cells.extend(keep.iter().map(|&c| Cell::from(cols[c].title)));
    let header = Row::new(header_cells).style(t.header);

    let tasks = app.tasks.read();
    let rows = window
        .iter()
        .zip(&rows_text)
        .enumerate()
        .map(|(n, (&pos, text))| {
            let r = &list[pos];
            let selected = app.is_selected(side, &r.id);
            let is_cursor = focused && state.offset + n == state.cursor;
            let mut cells = vec![Cell::from(if selected { "●" } else { " " }).style(t.selected)];
            if with_status {
                let state = copy_state(r, tasks.task_for(&r.id));
                // On the cursor row the row's colours win: red on blue is unreadable.
                let style = if is_cursor {
                    Style::new()
                } else {
                    copy_style(state, t)
                };
                let text = if status_width >= 11 {
                    state.text()
                } else {
                    state.short()
                };
                cells.push(Cell::from(text).style(style));
            }
            for (&c, w) in keep.iter().zip(&widths) {
                cells.push(Cell::from(fit(&text[c], *w as usize)));
            }
            let row = Row::new(cells);
            if is_cursor {
                row.style(t.cursor)
            } else if counterpart == Some(pos) {
                row.style(t.counterpart)
            } else if selected {
                row.style(t.selected)
            } else {
                row
            }
        });

    let mut constraints = vec![Constraint::Length(1)];
    if with_status {
        constraints.push(Constraint::Length(status_width));
    }
    constraints.extend(widths.iter().map(|w| Constraint::Length(*w)));
    let table = Table::new(rows, constraints)
        .header(header)
        .column_spacing(1)
        .block(block);
    frame.render_widget(table, area);
}

/// A bucket's object count and size where the inventory did not count
/// them: from the listing a copy of it has read (`1,062…` while it goes
/// on), or from the verification of a copy that ended (source and copy
/// alike, also after a restart: the counts are journaled with the step).
fn bucket_totals_from_copies(
    app: &App,
    side: Side,
    window: &[usize],
    list: &[crate::model::Resource],
    rows: &mut [Vec<String>],
) {
    use super::tasks::thousands;
    use crate::migrate::{VERIFIED_BYTES, VERIFIED_OBJECTS};
    let tasks = app.tasks.read();
    for (text, &i) in rows.iter_mut().zip(window) {
        if text[1] != "?" {
            continue;
        }
        let id = &list[i].id;
        let task = match side {
            Side::Source => tasks.task_for(id),
            _ => tasks
                .iter()
                .find(|t| t.spec.options.target_bucket.as_deref() == Some(id.as_str())),
        };
        let Some(task) = task.filter(|t| t.spec.kind == crate::migrate::CopyKind::Bucket) else {
            continue;
        };
        let verified = |key: &str| task.outputs.get(key).and_then(|v| v.parse::<u64>().ok());
        match (task.transfer, verified(VERIFIED_OBJECTS)) {
            (Some(t), _) if side == Side::Source && t.listing_done => {
                text[1] = thousands(t.objects_listed);
                text[2] = super::super::columns::bytes(t.bytes_listed);
            }
            (_, Some(objects)) => {
                text[1] = thousands(objects);
                if let Some(b) = verified(VERIFIED_BYTES) {
                    text[2] = super::super::columns::bytes(b);
                }
            }
            // Still listing: a count so far, not a total.
            (Some(t), None) if side == Side::Source && t.objects_listed > 0 => {
                text[1] = format!("{}…", thousands(t.objects_listed));
            }
            _ => {}
        }
    }
}

/// Which columns fit in `width`, and how wide each is. Each column wants
/// its visible content's width (capped); when they do not all fit, each
/// first shrinks to a small minimum, then the columns with the highest
/// priority number give way; spare room goes back by priority, and what is
/// left to the last column kept.
#[allow(clippy::expect_used)] // each expect states the invariant it relies on
fn fit_columns(cols: &[Column], rows: &[Vec<String>], width: u16) -> (Vec<usize>, Vec<u16>) {
    let desired: Vec<u16> = cols
        .iter()
        .enumerate()
        .map(|(c, col)| {
            let content = rows.iter().map(|r| r[c].chars().count()).max().unwrap_or(0);
            (content.max(col.title.len()) as u16).min(col.max)
        })
        .collect();
    let minimum: Vec<u16> = cols
        .iter()
        .zip(&desired)
        // Only the main columns (priority 0) are worth showing cut short.
        .map(|(col, d)| match col.priority {
            0 => (*d).min((col.title.len() as u16).max(6)),
            _ => *d,
        })
        .collect();
    let need = |keep: &[usize], w: &[u16]| keep.iter().map(|&c| w[c] + 1).sum::<u16>();
    let mut keep: Vec<usize> = (0..cols.len()).collect();
    // A whole name beats a minor column (a creation date, an AZ, a second
    // IP, priority 3 and up): those give way first while the columns at
    // full width do not fit. Others stay, and the name is cut instead.
    while need(&keep, &desired) > width {
        let secondary = keep
            .iter()
            .enumerate()
            .filter(|(_, &c)| cols[c].priority >= 3)
            .max_by_key(|(i, &c)| (cols[c].priority, *i));
        let Some((drop, _)) = secondary else { break };
        keep.remove(drop);
    }
    while need(&keep, &minimum) > width && keep.len() > 1 {
        let (drop, _) = keep
            .iter()
            .enumerate()
            .max_by_key(|(i, &c)| (cols[c].priority, *i))
            .expect("keep is not empty");
        if cols[keep[drop]].priority == 0 {
            break;
        }
        keep.remove(drop);
    }
    let mut widths: Vec<u16> = keep.iter().map(|&c| minimum[c]).collect();
    let mut spare = width.saturating_sub(need(&keep, &minimum));
    // Room goes back by priority; within one priority, a column at a time,
    // so two cut columns share the cut instead of one taking it all.
    let mut levels: Vec<u8> = keep.iter().map(|&c| cols[c].priority).collect();
    levels.sort_unstable();
    levels.dedup();
    for level in levels {
        let mut grew = true;
        while spare > 0 && grew {
            grew = false;
            for (i, &c) in keep.iter().enumerate() {
                if spare > 0 && cols[c].priority == level && widths[i] < desired[c] {
                    widths[i] += 1;
                    spare -= 1;
                    grew = true;
                }
            }
        }
    }
    if let Some(last) = widths.last_mut() {
        *last += spare;
    }
    (keep, widths)
}
