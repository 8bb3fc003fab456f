//! The details popup: every field of one resource, its tags, security
//! group rules and record values. It scrolls; nothing is cut.

use super::super::app::App;
use super::super::theme::Theme;
use super::popup_area;
use crate::model::resource::Rule;
use crate::model::{Details, Resource};
use ratatui::text::{Line, Span};
use ratatui::Frame;
use serde_json::Value;

/// Fields shown in their own sections below, not as plain fields.
const SECTIONS: [&str; 8] = [
    "ingress",
    "egress",
    "values",
    "alias_target",
    "routes",
    "entries",
    "subnet_ids",
    "route_table_ids",
];

fn field(theme: &Theme, name: &str, value: String) -> Line<'static> {
    Line::from(vec![
        Span::styled(format!("{name:>20}  "), theme.dim),
        Span::raw(value),
    ])
}

fn heading(theme: &Theme, text: &str) -> Line<'static> {
    Line::from(Span::styled(text.to_string(), theme.header))
}

fn plain(value: &Value) -> String {
    match value {
        Value::Null => "-".into(),
        Value::String(s) => s.clone(),
        Value::Array(items) if items.is_empty() => "-".into(),
        Value::Array(items) => items.iter().map(plain).collect::<Vec<_>>().join(", "),
        other => other.to_string(),
    }
}

fn rule_line(rule: &Rule) -> String {
    let peers: Vec<&str> = rule
        .cidrs
        .iter()
        .chain(&rule.ipv6_cidrs)
        .chain(&rule.prefix_lists)
        .chain(&rule.groups)
        .map(String::as_str)
        .collect();
    format!("    {:<16} {}", rule.ports(), peers.join(", "))
}

/// The popup's lines, also used to bound its scrolling.
pub(crate) fn lines(r: &Resource, theme: &Theme) -> Vec<Line<'static>> {
    lines_named(r, theme, &|_| None)
}

/// "subnet-1 (public-a)": an id with its name, when `names` knows one.
fn with_name(id: &str, names: &dyn Fn(&str) -> Option<String>) -> String {
    match names(id) {
        Some(n) if n != id => format!("{id} ({n})"),
        _ => id.to_string(),
    }
}

/// A section of a network piece: routes, entries, associations.
fn listed(
    theme: &Theme,
    title: &str,
    items: &[String],
    names: &dyn Fn(&str) -> Option<String>,
) -> Vec<Line<'static>> {
    let mut out = vec![
        Line::default(),
        heading(theme, &format!("{title} ({})", items.len())),
    ];
    if items.is_empty() {
        out.push(Line::from(Span::styled("    none", theme.dim)));
    }
    out.extend(items.iter().map(|item| {
        // Name every id in the line: "0.0.0.0/0 -> igw-1 (shop-igw)".
        let text: Vec<String> = item
            .split(' ')
            .map(|word| {
                if word.contains('-') && !word.contains('/') {
                    with_name(word, names)
                } else {
                    word.to_string()
                }
            })
            .collect();
        Line::from(format!("    {}", text.join(" ")))
    }));
    out
}

/// The popup's lines, ids named from the inventory through `names`.
pub(crate) fn lines_named(
    r: &Resource,
    theme: &Theme,
    names: &dyn Fn(&str) -> Option<String>,
) -> Vec<Line<'static>> {
    let mut out = vec![
        field(theme, "kind", r.kind.title().to_string()),
        field(theme, "region", r.region.to_string()),
        field(theme, "id", r.id.clone()),
        field(theme, "name", r.name.clone()),
        field(
            theme,
            "state",
            if r.state.is_empty() {
                "-".into()
            } else {
                r.state.to_string()
            },
        ),
    ];
    if let Some(c) = &r.counterpart {
        out.push(field(theme, "copy in target", c.clone()));
    }
    if let Some(d) = &r.differs {
        out.push(field(theme, "differs", d.clone()));
    }
    // Every kind-specific field, by its model name: new fields show up here
    // without touching the view.
    if let Ok(Value::Object(map)) = serde_json::to_value(&r.details) {
        for (name, value) in &map {
            if !SECTIONS.contains(&name.as_str()) {
                out.push(field(theme, &name.replace('_', " "), plain(value)));
            }
        }
    }
    match &r.details {
        Details::SecurityGroup(g) => {
            for (title, rules) in [("Inbound rules", &g.ingress), ("Outbound rules", &g.egress)] {
                out.push(Line::default());
                out.push(heading(theme, &format!("{title} ({})", rules.len())));
                if rules.is_empty() {
                    out.push(Line::from(Span::styled("    none", theme.dim)));
                }
                out.extend(rules.iter().map(|rule| Line::from(rule_line(rule))));
            }
        }
        Details::Record(rec) => {
            out.push(Line::default());
            if let Some(a) = &rec.alias_target {
                out.push(heading(theme, "Alias target"));
                out.push(Line::from(format!(
                    "    {} (zone {})",
                    a.dns_name, a.hosted_zone_id
                )));
                out.push(Line::from(format!(
                    "    evaluate target health: {}",
                    a.evaluate_target_health
                )));
            } else {
                out.push(heading(theme, &format!("Values ({})", rec.values.len())));
                out.extend(rec.values.iter().map(|v| Line::from(format!("    {v}"))));
            }
        }
        Details::RouteTable(t) => {
            out.extend(listed(theme, "Routes", &t.routes, names));
            out.extend(listed(theme, "Subnets", &t.subnet_ids, names));
        }
        Details::NetworkAcl(a) => {
            out.extend(listed(theme, "Entries", &a.entries, names));
            out.extend(listed(theme, "Subnets", &a.subnet_ids, names));
        }
        Details::VpcEndpoint(e) => {
            out.extend(listed(theme, "Route tables", &e.route_table_ids, names));
        }
        _ => {}
    }
    out.push(Line::default());
    out.push(heading(theme, &format!("Tags ({})", r.tags.len())));
    if r.tags.is_empty() {
        out.push(Line::from(Span::styled("    none", theme.dim)));
    }
    out.extend(
        r.tags
            .iter()
            .map(|(k, v)| Line::from(format!("    {k} = {v}"))),
    );
    out
}

pub(crate) fn draw(frame: &mut Frame, app: &App, scroll: u16) {
    let Some(r) = app.cursor_resource(app.focus) else {
        return;
    };
    let names = |id: &str| {
        app.inventory
            .all_resources()
            .find(|x| x.id == id)
            .map(|x| x.name.clone())
    };
    let mut lines = lines_named(r, &app.theme, &names);
    // The time of the data its copy holds: the RPO if the cutover were now.
    let as_of = app
        .tasks
        .read()
        .task_for(&r.id)
        .and_then(super::task_history::as_of_text);
    if let Some(when) = as_of {
        lines.insert(5, field(&app.theme, "target as of", when));
    }
    let area = popup_area(frame.area(), lines.len());
    super::draw_scrolling_popup(
        frame,
        area,
        app,
        format!(" {} {} ", r.kind.title(), r.name),
        lines,
        scroll,
    );
}
