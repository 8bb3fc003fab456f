//! The `:check` view: the verdict, then each resource as blocked / at risk
//! / ready with what was found and what to do, then the order of the move.

use super::super::action::Command;
use super::super::app::App;
use super::super::check_board::{items, Verdict};
use crate::check::Finding;
use crate::cutover::clock::clock_time;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::Frame;

pub(crate) fn lines(app: &App) -> Vec<Line<'static>> {
    let t = &app.theme;
    let mut out = Vec::new();
    let again = app.keymap.keys_of(Command::Refresh);
    if app.check.running_since.is_some() {
        out.push(Line::styled(
            format!(
                "{} checking {} in both regions (reads only)…",
                super::spinner(app),
                app.check.scope
            ),
            t.accent,
        ));
    }
    let Some((at, result)) = &app.check.last else {
        if out.is_empty() {
            out.push(Line::styled(format!("no check yet; {again} checks"), t.dim));
        }
        return out;
    };
    let report = match result {
        Ok(r) => r,
        Err(e) => {
            out.push(Line::styled(format!("the check failed: {e}"), t.error));
            out.push(Line::styled(format!("{again} checks again"), t.dim));
            return out;
        }
    };
    let all = items(report);
    let count = |v| all.iter().filter(|i| i.verdict == v).count();
    let (verdict, style) = if report.is_blocked() {
        ("BLOCKED", t.error)
    } else {
        ("READY", t.copied)
    };
    out.push(Line::from(vec![
        Span::styled(verdict, style.add_modifier(Modifier::BOLD)),
        Span::raw(format!(
            "  {} → {} · {} blocked · {} at risk · {} ready",
            report.source,
            report.target,
            count(Verdict::Blocked),
            count(Verdict::AtRisk),
            count(Verdict::Ready)
        )),
    ]));
    out.push(Line::styled(
        format!("{} · checked {}", app.check.scope, clock_time(*at)),
        t.dim,
    ));
    out.push(Line::default());
    for item in &all {
        let style = match item.verdict {
            Verdict::Blocked => t.error,
            Verdict::AtRisk => t.differs,
            Verdict::Ready => t.copied,
        };
        out.push(Line::from(vec![
            Span::styled(format!("{:<8} ", item.verdict.word()), style),
            Span::raw(what(app, item.id.as_deref())),
        ]));
        for f in &item.blockers {
            out.push(finding_line("✗", f, t.error));
        }
        for f in &item.warnings {
            out.push(finding_line("!", f, t.differs));
        }
    }
    if !report.notes.is_empty() {
        out.push(Line::default());
        out.push(Line::styled("Notes", t.header));
        for f in &report.notes {
            out.push(finding_line("·", f, Style::new()));
        }
    }
    if !report.order.is_empty() {
        out.push(Line::default());
        out.push(Line::styled("Order", t.header));
        for s in &report.order {
            out.push(Line::raw(format!(
                "  {}. {}: {} ({})",
                s.stage,
                s.what,
                s.ids.join(", "),
                s.why
            )));
        }
    }
    out
}

/// "ec2 i-0a1 (prod-web-1)" from the cockpit's inventory.
fn what(app: &App, id: Option<&str>) -> String {
    let Some(id) = id else {
        return "the move as a whole".into();
    };
    match app.inventory.find_source(id) {
        Some(r) if !r.name.is_empty() && r.name != r.id => {
            format!("{} {id} ({})", r.kind.name(), r.name)
        }
        Some(r) => format!("{} {id}", r.kind.name()),
        None => id.to_string(),
    }
}

fn finding_line(mark: &str, f: &Finding, style: Style) -> Line<'static> {
    let fix = f
        .fix
        .as_deref()
        .map(|x| format!(" → {x}"))
        .unwrap_or_default();
    Line::from(vec![
        Span::styled(format!("    {mark} "), style),
        Span::raw(format!("[{}] {}{fix}", f.check, f.message)),
    ])
}

pub(crate) fn draw(frame: &mut Frame, app: &App, scroll: u16) {
    let lines = lines(app);
    let area = super::wrapped_popup_area(app.size, &lines);
    super::draw_scrolling_popup(frame, area, app, " Check ".to_string(), lines, scroll);
}
