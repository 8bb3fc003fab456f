//! The copy dialog: one line per planned task saying what is made where,
//! what is refused and why, the options that matter to the selection, the
//! count, and the confirmation (or, in --read-only, the refusal).

use super::super::app::App;
use super::super::copy_dialog::{CopyDialog, CopyField};
use super::wrapped_popup_area;
use crate::migrate::{needs_survey, CopyKind, TaskSpec};
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders};
use ratatui::Frame;

/// What a task leaves in the target, in words.
fn made(spec: &TaskSpec) -> String {
    let o = &spec.options;
    let kms = o
        .kms_key_id
        .as_ref()
        .map(|k| format!(", encrypted with {k}"))
        .unwrap_or_default();
    match spec.kind {
        CopyKind::Image => format!("an AMI copy{kms}"),
        CopyKind::Volume => match &o.target_az {
            Some(az) => format!("a snapshot copy and a volume in {az}{kms}"),
            None => format!("a snapshot copy (no volume: no AZ given){kms}"),
        },
        CopyKind::Snapshot => format!("a snapshot copy{kms}"),
        CopyKind::KeyPair => "the same public key, same name".into(),
        CopyKind::SecurityGroups => format!(
            "{} group(s) with their rules in {}",
            spec.source_ids.len(),
            o.target_vpc.as_deref().unwrap_or("the default VPC")
        ),
        CopyKind::Bucket => format!(
            "bucket {} (settings, objects)",
            o.target_bucket.as_deref().unwrap_or("?")
        ),
        CopyKind::Vpc => format!(
            "its VPC, subnets (AZs {}), gateways, NAT gateways with NEW Elastic IPs, route tables, ACLs, gateway endpoints{}; the AZs are checked before anything is made, routes that cannot follow are reported",
            o.az_map.as_deref().unwrap_or("by position"),
            match spec.source_ids.len() {
                1 => String::new(),
                n => format!(", and {} group(s) in it", n - 1),
            }
        ),
        CopyKind::DbInstance | CopyKind::DbSnapshot => match &o.restore {
            Some(r) => format!("a DB snapshot copy, restored as {}{kms}", r.instance_id),
            None => format!("a DB snapshot copy{kms}"),
        },
        CopyKind::DbReplica => match &o.restore {
            Some(r) => format!("a cross-region read replica {}{kms}", r.instance_id),
            None => format!("a cross-region read replica{kms}"),
        },
        CopyKind::DbClusterSnapshot => format!("a DB cluster snapshot copy{kms}"),
        CopyKind::Instance => crate::migrate::relaunch::describe(spec),
    }
}

/// What an empty field stands for.
fn unset(field: CopyField) -> &'static str {
    match field {
        CopyField::ParameterGroup | CopyField::OptionGroup => "the source's (made when missing)",
        CopyField::DbSecurityGroups => "the copies of the source's (ids, comma-separated)",
        _ => "-",
    }
}

/// A VPC clone's whole plan under its task, as read in the background; in
/// a short window its pieces are counted and only the warnings listed.
fn network_lines(
    app: &App,
    d: &CopyDialog,
    spec: &TaskSpec,
    tall: bool,
    out: &mut Vec<Line<'static>>,
) {
    let t = &app.theme;
    let vpc = spec
        .source_ids
        .first()
        .map(String::as_str)
        .unwrap_or_default();
    let plan = match d.networks.get(vpc) {
        None => {
            out.push(Line::from(Span::styled(
                "      reading the network's plan …",
                t.dim,
            )));
            return;
        }
        Some(Err(e)) => {
            out.push(Line::from(vec![
                Span::styled("      ✗ ", t.error),
                Span::raw(format!("nothing will be made: {e}")),
            ]));
            return;
        }
        Some(Ok(plan)) => plan,
    };
    let made: Vec<String> = if tall {
        plan.lines.clone()
    } else {
        vec![format!(
            "{} pieces; a taller window lists them (or `cutover copy --ids {vpc}`)",
            plan.lines.len()
        )]
    };
    for line in made {
        out.push(Line::from(vec![
            Span::styled("      + ", t.copied),
            Span::raw(line),
        ]));
    }
    for warning in &plan.warnings {
        out.push(Line::from(vec![
            Span::styled("      ! ", t.differs),
            Span::raw(warning.clone()),
        ]));
    }
    if d.az_map.value().trim() != d.networks_az_map.trim() {
        out.push(Line::from(Span::styled(
            "      (read with the AZ map as the dialog opened; the task checks the map before anything is made)",
            t.dim,
        )));
    }
}

/// The dialog's lines, and the line of the focused text field (for the cursor).
/// The dialog's lines, the cursor (row, column) in them, and where the
/// plan ends (the options and the confirmation follow).
fn lines(
    app: &App,
    d: &CopyDialog,
    tall: bool,
) -> (Vec<Line<'static>>, Option<(usize, usize)>, usize) {
    let t = &app.theme;
    let planned = &d.plan;
    let target = app.inventory.target_region().to_string();
    let mut out = vec![Line::from(Span::styled(
        format!("Into {target} (target)"),
        t.header,
    ))];
    for spec in &planned.tasks {
        out.push(Line::from(vec![
            Span::styled("  + ", t.copied),
            Span::styled(format!("{:<17}", spec.kind.label()), t.accent),
            Span::raw(format!("{} → {}", spec.what(), made(spec))),
        ]));
        if spec.kind == CopyKind::Vpc {
            network_lines(app, d, spec, tall, &mut out);
        }
    }
    for note in &planned.notes {
        out.push(Line::from(vec![
            Span::styled("  = ", t.dim),
            Span::raw(note.clone()),
        ]));
    }
    if !planned.refused.is_empty() {
        out.push(Line::default());
        out.push(Line::from(Span::styled(
            format!("Not copied ({})", planned.refused.len()),
            t.header,
        )));
        for (id, why) in &planned.refused {
            out.push(Line::from(vec![
                Span::styled("  ✗ ", t.error),
                Span::raw(format!("{id}: {why}")),
            ]));
        }
    }
    if !planned.unselected_references.is_empty() {
        out.push(Line::default());
        out.push(Line::from(Span::styled(
            format!(
                "Rules left out unless their groups come too ({}): + adds those groups",
                planned.unselected_references.len()
            ),
            t.header,
        )));
        for gap in &planned.unselected_references {
            out.push(Line::from(vec![
                Span::styled("  ! ", t.differs),
                Span::raw(gap.line()),
            ]));
        }
    }
    if planned.tasks.iter().any(needs_survey) {
        out.push(Line::from(Span::styled(
            "    the DB landing zone is read and checked first; a refusal starts nothing",
            t.dim,
        )));
    }
    if planned.tasks.iter().any(|s| s.kind == CopyKind::DbReplica) {
        let keys = |c| app.keymap.keys_of(c);
        out.push(Line::from(Span::styled(
            format!(
                "    the replica stays replicating until you promote it ({} tasks, {} on the task)",
                keys(crate::ui::action::Command::ToggleTasks),
                keys(crate::ui::action::Command::ResumeTask)
            ),
            t.dim,
        )));
    }
    let plan_end = out.len();
    let mut cursor = None;
    if !d.fields.is_empty() {
        out.push(Line::default());
        out.push(Line::from(Span::styled("Options", t.header)));
    }
    for (i, field) in d.fields.iter().enumerate() {
        let focused = d.focus == Some(i);
        let marker = Span::styled(if focused { "▶ " } else { "  " }, t.accent);
        let label = Span::styled(format!("{:>24}  ", d.label(*field)), t.dim);
        let value = match (d.input(*field), d.choices(*field)) {
            (Some(input), _) => {
                if focused {
                    cursor = Some((out.len(), 28 + input.visual_cursor()));
                }
                let v = input.value();
                if v.is_empty() && !focused {
                    Span::styled(unset(*field), t.dim)
                } else {
                    Span::raw(v.to_string())
                }
            }
            (None, Some((options, at))) => {
                let text = options.get(at).cloned().unwrap_or_default();
                let of = format!("  ←→ {}/{}", at + 1, options.len());
                Span::raw(format!(
                    "{text}{}",
                    if focused { of } else { String::new() }
                ))
            }
            (None, None) => Span::raw(""),
        };
        out.push(Line::from(vec![marker, label, value]));
        if *field == CopyField::BucketName {
            if let Some(e) = d.bucket_error() {
                out.push(Line::from(vec![
                    Span::raw(" ".repeat(28)),
                    Span::styled(format!("✗ {e}"), t.error),
                ]));
            }
        }
    }
    out.push(Line::default());
    let count = planned.tasks.len();
    if app.read_only() {
        out.push(Line::from(Span::styled(
            format!("READ-ONLY: {count} task(s) shown, none will start. esc closes."),
            t.error,
        )));
    } else if count == 0 {
        out.push(Line::from(Span::styled(
            "Nothing here can be copied. esc closes.",
            t.error,
        )));
    } else {
        out.push(Line::from(vec![
            Span::styled(format!("{count} task(s) will start"), t.accent),
            Span::raw(format!("; the copies cost money in {target}. ")),
            Span::styled("enter/y starts them, esc cancels.", t.accent),
        ]));
    }
    (out, cursor, plan_end)
}

/// In a window too short for everything, the plan's last lines give way
/// (one line says how many), so the options and the confirmation stay on
/// screen: what is not shown cannot be chosen.
fn fit_plan(
    size: Rect,
    lines: &mut Vec<Line<'static>>,
    cursor: &mut Option<(usize, usize)>,
    plan_end: usize,
    dim: ratatui::style::Style,
) {
    let room = super::popup_area(size, usize::from(u16::MAX))
        .height
        .saturating_sub(2) as usize;
    // One row of slack: word wrapping may take a row more than counted.
    let over = super::wrapped_rows(size, lines).saturating_sub(room.saturating_sub(1));
    if over == 0 || plan_end <= 1 {
        return;
    }
    let mut cut = plan_end;
    let mut freed = 0;
    // Keep the first line ("Into …"); free the rows the note line takes too.
    while cut > 1 && freed < over + 1 {
        cut -= 1;
        freed += super::wrapped_rows(size, &lines[cut..=cut]);
    }
    let hidden = plan_end - cut;
    lines.splice(
        cut..plan_end,
        [Line::from(Span::styled(
            format!("  … {hidden} more line(s) of the plan: a taller window shows them"),
            dim,
        ))],
    );
    if let Some((row, _)) = cursor.as_mut() {
        *row = *row + 1 - hidden;
    }
}

pub(crate) fn draw(frame: &mut Frame, app: &App, d: &CopyDialog) {
    // A network plan is long: in a short window its pieces are counted, so
    // the options and the confirmation stay on screen.
    let tall = frame.area().height >= 40;
    let (mut lines, mut cursor, plan_end) = lines(app, d, tall);
    fit_plan(
        frame.area(),
        &mut lines,
        &mut cursor,
        plan_end,
        app.theme.dim,
    );
    let area = wrapped_popup_area(frame.area(), &lines);
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(app.theme.focused_border)
        .title(format!(" Copy {} resource(s) ", d.picked.len()))
        .title_bottom(if app.read_only() {
            " tab/↑↓ fields · ←→ choose · esc close "
        } else {
            " tab/↑↓ fields · ←→ choose · enter/y start · esc cancel "
        });
    super::draw_dialog(frame, area, block, lines, cursor);
}
