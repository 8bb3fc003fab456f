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
pub fn label(kind: Kind) -> &'static str {
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
    }
}

pub fn draw(frame: &mut Frame, area: Rect, app: &App) {
    let t = &app.theme;
    let mut spans = Vec::new();
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
        let style = if kind == app.kind {
            t.accent.add_modifier(Modifier::REVERSED)
        } else if failed {
            t.error
        } else {
            t.dim
        };
        spans.push(Span::raw(" "));
        spans.push(Span::styled(text, style));
    }
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
}
