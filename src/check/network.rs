//! What will not translate to the target's network: group rules naming
//! groups left behind or prefix lists, routes through peering, transit
//! gateways or VPNs.

use super::{Findings, Input, Severity};
use crate::model::facts::RouteVia;
use crate::model::Details;

pub(crate) fn check(input: &Input, f: &mut Findings) {
    rules(input, f);
    routes(input, f);
}

fn rules(input: &Input, f: &mut Findings) {
    for r in input.selected() {
        let Details::SecurityGroup(g) = &r.details else {
            continue;
        };
        let mut outside = Vec::new();
        let mut lists = Vec::new();
        for rule in g.ingress.iter().chain(&g.egress) {
            for other in &rule.groups {
                if other != &r.id && !input.selection.contains(other) && !outside.contains(other) {
                    outside.push(other.clone());
                }
            }
            for pl in &rule.prefix_lists {
                if !lists.contains(pl) {
                    lists.push(pl.clone());
                }
            }
        }
        if !outside.is_empty() {
            f.add(
                Severity::Warning,
                "sg-rule-outside",
                Some(&r.id),
                format!(
                    "rules of {} name groups outside the selection ({}): the copy leaves those rules out",
                    g.group_name,
                    outside.join(", ")
                ),
                Some("add those groups to the selection, or re-create the rules by hand after the copy".into()),
            );
        }
        if !lists.is_empty() {
            f.add(
                Severity::Warning,
                "sg-prefix-list",
                Some(&r.id),
                format!(
                    "rules of {} name prefix lists ({}): prefix list ids differ per region",
                    g.group_name,
                    lists.join(", ")
                ),
                Some("find the AWS-managed list of the same name in the target, or re-create your own list there, then add the rules".into()),
            );
        }
    }
}

fn routes(input: &Input, f: &mut Findings) {
    for route in &input.facts.routes {
        let what = match route.via {
            RouteVia::VpcPeering => "a VPC peering connection",
            RouteVia::TransitGateway => "a transit gateway",
            RouteVia::VpnGateway => "a VPN gateway",
            RouteVia::Instance | RouteVia::NetworkInterface => "an instance or network interface",
            RouteVia::Other if !route.target.is_empty() => "a gateway cutover does not clone",
            _ => continue,
        };
        f.add(
            Severity::Warning,
            "route-untranslatable",
            Some(&route.route_table_id),
            format!(
                "route {} in {} goes through {what} ({}): it does not exist in the target",
                route.destination, route.vpc_id, route.target
            ),
            Some("create the peering/attachment/VPN in the target first, then add the route to the cloned table".into()),
        );
    }
}
