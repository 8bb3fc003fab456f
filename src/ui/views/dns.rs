//! DNS cutover views: the plan dialog (target value, TTL stages, weights,
//! the engine's plan or its refusal) and the status panel under the
//! records (steps done, Route 53's state, INSYNC, the countdown to the
//! next safe step).

use super::super::app::App;
use super::super::dns_board::DnsView;
use super::super::dns_dialog::{DnsDialog, DnsField};
use super::super::theme::Theme;
use super::wrapped_popup_area;
use crate::cutover::clock::{clock_time, countdown};
use crate::cutover::{DnsPlan, Progress};
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph};
use ratatui::Frame;

/// The plan's steps; with `done`, marked done (✓) and next (▶).
fn step_lines(plan: &DnsPlan, done: Option<usize>, t: &Theme) -> Vec<Line<'static>> {
    let width = plan
        .steps
        .iter()
        .map(|s| compact(&s.step).chars().count())
        .max()
        .unwrap_or(0);
    plan.steps
        .iter()
        .enumerate()
        .map(|(i, s)| {
            let (mark, style) = match done.map(|d| i.cmp(&d)) {
                Some(std::cmp::Ordering::Less) => ("✓", t.copied),
                Some(std::cmp::Ordering::Equal) => ("▶", t.accent),
                _ => (" ", ratatui::style::Style::new()),
            };
            Line::from(vec![
                Span::styled(format!("  {mark} {:>2}. ", i + 1), style),
                Span::styled(format!("{:<width$}", compact(&s.step)), style),
                Span::styled(format!(" → {}", compact(&s.after)), t.dim),
            ])
        })
        .collect()
}

/// The engine's words without "(source/target)" on every line: the
/// headings say it once.
fn compact(thing: &impl ToString) -> String {
    thing.to_string().replace(" (source/target)", "")
}

fn dialog_lines(app: &App, d: &DnsDialog) -> (Vec<Line<'static>>, Option<(usize, usize)>) {
    let t = &app.theme;
    let mut out = vec![Line::from(Span::styled(
        format!(
            "{} {} in zone {} ({})",
            d.record_name, d.record_type, d.zone_id, d.zone_name
        ),
        t.header,
    ))];
    let mut cursor = None;
    for field in d.fields() {
        let focused = d.focused() == field;
        let input = d.input(field);
        if focused {
            cursor = Some((out.len(), 22 + input.visual_cursor()));
        }
        let mut spans = vec![
            Span::styled(if focused { "▶ " } else { "  " }, t.accent),
            Span::styled(format!("{:>18}  ", field.label()), t.dim),
            Span::raw(input.value().to_string()),
        ];
        if field == DnsField::SourceSet {
            let weight = d
                .source_sets
                .iter()
                .find(|(id, _)| id == input.value())
                .map_or(0, |(_, w)| *w);
            spans.push(Span::styled(
                format!("   (weight {weight}, ↑↓ of {})", d.source_sets.len()),
                t.dim,
            ));
        }
        if field == DnsField::Target && d.picked_source_set().is_some() && input.value().is_empty()
        {
            spans.push(Span::styled("(empty: the other set's value)", t.dim));
        } else if field == DnsField::Target {
            let hint = match (d.picked, d.candidates.len()) {
                (_, 0) => "   (type it: nothing in the target inventory fits)".to_string(),
                (Some(i), n) => format!("   ({}, {} of {n}, ↑↓)", d.candidates[i].1, i + 1),
                (None, n) => format!("   (↑↓ picks one of {n} from the target, or type)"),
            };
            spans.push(Span::styled(hint, t.dim));
        }
        if field == DnsField::HealthCheck && input.value().is_empty() {
            spans.push(Span::styled("(optional: https:443/health, tcp:443)", t.dim));
        }
        out.push(Line::from(spans));
        if field == DnsField::Target {
            if let Some(s) = d
                .suggested
                .as_ref()
                .filter(|s| s.value == input.value().trim())
            {
                out.push(Line::from(Span::styled(
                    format!("{:>22}suggested: {}", "", s.why),
                    t.accent,
                )));
            }
        }
    }
    out.push(Line::default());
    match &d.planned {
        Ok(plan) => {
            out.push(Line::from(vec![
                Span::styled("Plan (weights source/target)  ", t.header),
                Span::raw(format!("now {} → target {}", plan.source, plan.target)),
            ]));
            out.extend(step_lines(plan, None, t));
            // Under 30 rows the plan, its warnings and the enter line come first.
            if app.size.height >= 30 {
                out.push(Line::from(Span::styled(
                    "Each step waits for INSYNC; the next is offered once resolvers' caches may have expired.",
                    t.dim,
                )));
            }
            if plan.mixed() {
                out.push(Line::from(Span::styled(
                    format!("⚠ {}", DnsPlan::MIXED_WARNING),
                    t.differs,
                )));
            }
            if let Some(w) = &d.warning {
                out.push(Line::from(Span::styled(format!("⚠ {w}"), t.differs)));
            }
        }
        Err(e) => out.push(Line::from(Span::styled(format!("✗ {e}"), t.error))),
    }
    out.push(Line::default());
    let weighted = d.picked_source_set().is_some();
    out.push(if app.read_only() {
        Line::from(Span::styled(
            "READ-ONLY: the plan is shown, not applied. esc closes.",
            t.error,
        ))
    } else if weighted {
        Line::from(Span::styled(
            format!(
                "enter journals the plan from the pair Route 53 holds (no Route 53 change; {} steps); esc closes.",
                app.keymap.keys_of(super::super::action::Command::DnsStep)
            ),
            t.accent,
        ))
    } else {
        Line::from(Span::styled(
            "enter journals the plan and makes step 1 (one Route 53 batch); esc closes.",
            t.accent,
        ))
    });
    (out, cursor)
}

pub(crate) fn draw_dialog(frame: &mut Frame, app: &App, d: &DnsDialog) {
    let (lines, cursor) = dialog_lines(app, d);
    let area = wrapped_popup_area(frame.area(), &lines);
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(app.theme.focused_border)
        .title(" DNS cutover plan ")
        .title_bottom(if app.read_only() {
            " tab fields · ↑↓ pick target · esc close "
        } else {
            " tab fields · ↑↓ pick target · enter start · esc close "
        });
    super::draw_dialog(frame, area, block, lines, cursor);
}

/// The panel's keys: those that apply to this cutover now, as mapped.
fn panel_keys(app: &App) -> String {
    use super::super::action::Command;
    let dns = app.cursor_dns_keys();
    let keys: Vec<String> = [
        (dns.step, Command::DnsStep, "next step"),
        (dns.rollback, Command::DnsRollback, "roll back"),
        (dns.adopt, Command::DnsAdopt, "adopt Route 53's state"),
        (
            dns.finish,
            Command::DnsFinish,
            "finish (simple record → target)",
        ),
        (
            dns.abort,
            Command::DnsAbort,
            "abort (simple record → source)",
        ),
    ]
    .into_iter()
    .filter(|(applies, _, _)| *applies && !app.read_only())
    .map(|(_, c, what)| format!("{} {what}", app.keymap.keys_of(c)))
    .collect();
    if keys.is_empty() {
        return String::new();
    }
    format!(" {} ", keys.join(" · "))
}

fn next_line(view: &DnsView, p: &Progress, app: &App) -> Line<'static> {
    let t = &app.theme;
    let total = p.plan.steps.len();
    let Some((i, next)) = p.next_step() else {
        return Line::from(Span::styled("complete: every step is done", t.copied));
    };
    let head = format!("next: step {} of {total}, {}: ", i + 1, next.step);
    if let Some(held) = &view.held {
        return Line::from(vec![
            Span::raw(head),
            Span::styled(format!("held: {held}"), t.error),
        ]);
    }
    let now = (app.clock)();
    match (p.wait_left(now), p.next_safe_at()) {
        (Some(left), Some(at)) => Line::from(vec![
            Span::raw(head),
            Span::styled(format!("safe in {}", countdown(left)), t.differs),
            Span::raw(format!(" (at {})", clock_time(at))),
        ]),
        _ => Line::from(vec![Span::raw(head), Span::styled("safe now", t.copied)]),
    }
}

pub(crate) fn draw_panel(frame: &mut Frame, area: Rect, app: &App) {
    let Some((record, view)) = app.cursor_cutover() else {
        return;
    };
    let Some(p) = &view.progress else { return };
    let t = &app.theme;
    let title = format!(
        " DNS cutover · {} {} · {} of {} steps done{} · weights source/target ",
        record.name,
        p.plan.record_type,
        p.done,
        p.plan.steps.len(),
        if p.rolled_back { " · rolled back" } else { "" }
    );
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(t.border)
        .title(Line::from(Span::styled(title, t.header)))
        .title_bottom(panel_keys(app));
    let mut lines = vec![
        route53_line(view, p, t),
        change_line(view, p, app),
        next_line(view, p, app),
    ];
    match &view.last {
        Some(Ok(text)) => lines.push(Line::from(Span::styled(format!("done: {text}"), t.copied))),
        Some(Err(e)) => lines.push(Line::from(Span::styled(format!("failed: {e}"), t.error))),
        None => {}
    }
    if p.overrides > 0 {
        let longest = p
            .longest_hold
            .map(|h| format!(" (longest TTL still possibly cached: {}s)", h.as_secs()))
            .unwrap_or_default();
        lines.push(Line::from(Span::styled(
            format!(
                "{} step(s) forced before their cache wait was over; the safe time counts every TTL still cached{longest}",
                p.overrides
            ),
            t.differs,
        )));
    }
    lines.extend(step_lines(&p.plan, Some(p.done), t));
    frame.render_widget(Paragraph::new(lines).block(block), area);
}

fn route53_line(view: &DnsView, p: &Progress, t: &Theme) -> Line<'static> {
    let head = Span::styled("Route 53 ", t.dim);
    match &view.route53 {
        None => Line::from(vec![head, Span::styled("not read yet", t.dim)]),
        Some(Some(state)) if !view.drift => Line::from(vec![
            head,
            Span::raw(state.to_string()),
            Span::styled("  ✓ as journaled", t.copied),
        ]),
        Some(_) => Line::from(vec![
            Span::styled("⚠ DRIFT ", t.error),
            Span::raw(view.differs.clone().unwrap_or_else(|| {
                format!(
                    "Route 53 differs from the journal, which expects {}",
                    p.state
                )
            })),
            Span::styled("  · o adopts Route 53's state · b rolls back", t.error),
        ]),
    }
}

/// One header line per cutover in flight, whatever the view: where it
/// stands and when the next step is safe.
pub(crate) fn header_lines(app: &App) -> Vec<Line<'static>> {
    let t = &app.theme;
    let now = (app.clock)();
    app.dns_in_flight()
        .into_iter()
        .take(3)
        .filter_map(|view| {
            let p = view.progress.as_ref()?;
            let mut spans = vec![
                Span::styled(" DNS ", t.accent),
                Span::styled(p.plan.record_name.clone(), t.header),
                Span::raw(format!(
                    "  step {}/{} · {}",
                    p.done,
                    p.plan.steps.len(),
                    compact(&p.state)
                )),
            ];
            let tail = if view.drift {
                Span::styled("  ⚠ DRIFT: o adopts, b rolls back", t.error)
            } else if let Some(busy) = &view.busy {
                Span::styled(format!("  {busy}"), t.accent)
            } else if let Some(held) = &view.held {
                Span::styled(format!("  held: {held}"), t.error)
            } else if p.next_step().is_none() {
                Span::styled("  complete", t.copied)
            } else {
                match (p.wait_left(now), p.next_safe_at()) {
                    (Some(left), Some(at)) => Span::styled(
                        format!("  next safe {} (in {})", clock_time(at), countdown(left)),
                        t.differs,
                    ),
                    _ => Span::styled("  next step safe now", t.copied),
                }
            };
            spans.push(tail);
            Some(Line::from(spans))
        })
        .collect()
}

fn change_line(view: &DnsView, p: &Progress, app: &App) -> Line<'static> {
    let t = &app.theme;
    if let Some(busy) = &view.busy {
        return Line::from(Span::styled(
            format!("{} {busy}", super::spinner(app)),
            t.accent,
        ));
    }
    if let Some(pending) = &p.pending {
        return Line::from(Span::styled(
            format!(
                "unsettled: a change to {} was journaled, its outcome not yet known (n settles it)",
                pending.to
            ),
            t.differs,
        ));
    }
    match &p.last_change {
        Some(c) => Line::from(vec![
            Span::styled("last change ", t.dim),
            Span::raw(c.change_id.clone().unwrap_or_else(|| "(settled)".into())),
            Span::styled(" INSYNC", t.copied),
            Span::raw(format!(" at {}", clock_time(c.insync_at))),
        ]),
        None => Line::from(Span::styled("planned; no change made yet", t.dim)),
    }
}
