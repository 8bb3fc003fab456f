//! The kind strip: every kind by its short name, the current one marked,
//! failed ones in the error colour, selection counts beside their kind.

use super::super::app::App;
use crate::model::{Kind, Listing, Side};
use ratatui::layout::Rect;
use ratatui::style::Modifier;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use ratatui::Frame;

/// Short labels: the strip must fit 80 columns with a few counts.
pub(crate) fn label(kind: Kind) -> &'static str {
    match kind {
        Kind::Instance => "ec2",
        Kind::Image => "ami",
        Kind::Volume => "vol",
        Kind::Snapshot => "snap",
        Kind::SecurityGroup => "sg",
        Kind::KeyPair => "key",
        Kind::Vpc => "vpc",
        Kind::Subnet => "subnet",
        Kind::ElasticIp => "eip",
        Kind::Bucket => "s3",
        Kind::DbInstance => "rds",
        Kind::DbSnapshot => "dbsnap",
        Kind::HostedZone => "zone",
        Kind::Record => "dns",
        Kind::RouteTable => "rtb",
        Kind::InternetGateway => "igw",
        Kind::NatGateway => "nat",
        Kind::NetworkAcl => "acl",
        Kind::VpcEndpoint => "vpce",
        Kind::DbCluster => "aurora",
        Kind::DbClusterSnapshot => "clsnap",
    }
}

pub(crate) fn draw(frame: &mut Frame, area: Rect, app: &App) {
    let t = &app.theme;
    let mut items: Vec<(String, ratatui::style::Style)> = Vec::new();
    let mut current = 0;
    for (i, kind) in Kind::ALL.into_iter().enumerate() {
        let failed = Side::of(kind)
            .iter()
            .any(|s| matches!(app.inventory.listing(*s, kind), Some(Listing::Failed(_))));
        let digit = match i {
            0..=8 => format!("{}", i + 1),
            9 => "0".into(),
            _ => String::new(),
        };
        let mut text = format!("{digit}{}", label(kind));
        let selected = app.selected_count(kind);
        if selected > 0 {
            text.push_str(&format!("·{selected}"));
        }
        if kind == app.kind {
            current = i;
        }
        let style = if kind == app.kind {
            t.accent.add_modifier(Modifier::REVERSED)
        } else if failed {
            t.error
        } else {
            t.dim
        };
        items.push((text, style));
    }
    let widths: Vec<usize> = items
        .iter()
        .map(|(text, _)| text.chars().count() + 1)
        .collect();
    let (start, end) = visible(&widths, current, area.width as usize);
    let mut spans = Vec::new();
    if start > 0 {
        spans.push(Span::styled(" …", t.dim));
    }
    for (text, style) in items.into_iter().take(end).skip(start) {
        spans.push(Span::raw(" "));
        spans.push(Span::styled(text, style));
    }
    if end < widths.len() {
        spans.push(Span::styled(" …", t.dim));
    }
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
}

/// The kinds that fit in `room` columns, always with the current one: a
/// narrow terminal shows `…` where kinds are left out rather than cutting
/// a name in half.
fn visible(widths: &[usize], current: usize, room: usize) -> (usize, usize) {
    if widths.iter().sum::<usize>() <= room {
        return (0, widths.len());
    }
    const MARK: usize = 2; // " …"
    let fits = |start: usize, end: usize| {
        let marks = MARK * (usize::from(start > 0) + usize::from(end < widths.len()));
        widths[start..end].iter().sum::<usize>() + marks <= room
    };
    let mut start = 0;
    while start < current && !fits(start, current + 1) {
        start += 1;
    }
    let mut end = current + 1;
    while end < widths.len() && fits(start, end + 1) {
        end += 1;
    }
    (start, end)
}

#[cfg(test)]
mod tests {
    use super::visible;

    #[test]
    fn the_current_kind_stays_in_view_and_cuts_are_marked() {
        let widths = [4; 10]; // 40 columns in all
        assert_eq!(visible(&widths, 0, 80), (0, 10), "all fit");
        assert_eq!(visible(&widths, 0, 20), (0, 4), "16 + a mark at the end");
        let (start, end) = visible(&widths, 9, 20);
        assert_eq!(end, 10, "the current kind is shown");
        assert!(start > 0, "with a mark for what is left out before it");
        assert!(widths[start..end].iter().sum::<usize>() + 2 <= 20);
    }
}
