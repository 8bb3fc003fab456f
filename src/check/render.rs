//! The check's answer as a table for a terminal or markdown for a ticket.

use super::{CheckReport, Finding};

fn line(f: &Finding) -> String {
    let on = f
        .resource
        .as_deref()
        .map(|r| format!(" {r}:"))
        .unwrap_or_default();
    let fix = f
        .fix
        .as_deref()
        .map(|x| format!(" → {x}"))
        .unwrap_or_default();
    format!("[{}]{on} {}{fix}", f.check, f.message)
}

pub(crate) fn table(r: &CheckReport) -> String {
    let mut out = format!(
        "{} → {}: {} ({} selected)\n",
        r.source,
        r.target,
        r.verdict.to_uppercase(),
        r.selected.len()
    );
    for (title, list) in [
        ("BLOCKERS", &r.blockers),
        ("WARNINGS", &r.warnings),
        ("NOTES", &r.notes),
    ] {
        out.push_str(&format!("\n{title} ({})\n", list.len()));
        for f in list {
            out.push_str(&format!("  {}\n", line(f)));
        }
    }
    out.push_str("\nORDER\n");
    for s in &r.order {
        out.push_str(&format!(
            "  {}. {}: {} ({})\n",
            s.stage,
            s.what,
            s.ids.join(", "),
            s.why
        ));
    }
    out
}

pub(crate) fn markdown(r: &CheckReport) -> String {
    let mut out = format!(
        "# cutover check: {} → {}\n\n**{}**, {} resources selected.\n",
        r.source,
        r.target,
        r.verdict,
        r.selected.len()
    );
    for (title, list) in [
        ("Blockers", &r.blockers),
        ("Warnings", &r.warnings),
        ("Notes", &r.notes),
    ] {
        out.push_str(&format!("\n## {title}\n\n"));
        if list.is_empty() {
            out.push_str("None.\n");
            continue;
        }
        out.push_str("| check | resource | finding | what to do |\n|---|---|---|---|\n");
        for f in list {
            out.push_str(&format!(
                "| {} | {} | {} | {} |\n",
                f.check,
                f.resource.as_deref().unwrap_or(""),
                f.message.replace('|', "\\|"),
                f.fix.as_deref().unwrap_or("").replace('|', "\\|")
            ));
        }
    }
    out.push_str("\n## Order\n\n");
    for s in &r.order {
        out.push_str(&format!(
            "{}. {}: {} ({})\n",
            s.stage,
            s.what,
            s.ids.join(", "),
            s.why
        ));
    }
    out
}
