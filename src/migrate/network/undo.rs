//! Cancelling a network clone: what the task made (tagged with its id) is
//! deleted in the reverse order of making, and what could not be deleted
//! is said.

use crate::cloud::copy::network::{
    acls, endpoints, gateways as gw, made_by_task, routes, vpc as v, Piece,
};
use crate::cloud::{CloudError, Regions};
use crate::migrate::task::Task;

pub(crate) async fn undo(regions: &Regions, task: &Task) -> Vec<String> {
    let c = &regions.target;
    let id = &task.spec.id;
    let mut deleted = Vec::new();
    let mut failed = Vec::new();
    let vpc = match made_by_task(c, Piece::Vpc, id).await {
        Ok(v) => v.into_iter().next(),
        Err(e) => return vec![format!("could not look for what the task made: {e}")],
    };
    let vpc = vpc.or_else(|| {
        let source = task.spec.source_ids.first()?;
        task.outputs.get(&format!("target:{source}")).cloned()
    });
    for piece in [
        Piece::Endpoint,
        Piece::NatGateway,
        Piece::ElasticIp,
        Piece::NetworkAcl,
        Piece::Subnet,
        Piece::RouteTable,
        Piece::InternetGateway,
        Piece::EgressOnlyGateway,
    ] {
        let ids = match made_by_task(c, piece, id).await {
            Ok(ids) => ids,
            Err(e) => {
                failed.push(format!("could not list {piece:?}: {e}"));
                continue;
            }
        };
        for made in ids {
            let result = match piece {
                Piece::Endpoint => endpoints::delete_endpoint(c, &made).await,
                Piece::NatGateway => delete_nat(c, &made).await,
                Piece::ElasticIp => gw::release_address(c, &made).await,
                Piece::Subnet => v::delete_subnet(c, &made).await,
                Piece::RouteTable => routes::delete_route_table(c, &made).await,
                Piece::NetworkAcl => acls::delete_acl(c, &made).await,
                Piece::InternetGateway => {
                    gw::delete_internet_gateway(c, &made, vpc.as_deref()).await
                }
                _ => gw::delete_egress_only_gateway(c, &made).await,
            };
            match result {
                Ok(()) => deleted.push(made),
                Err(e) => failed.push(format!("{made}: {e}")),
            }
        }
        // Groups live in the VPC: they go before it, after what uses them.
        if piece == Piece::Subnet {
            if let Some(vpc) = &vpc {
                match v::groups_made_by(c, vpc, id).await {
                    Ok(groups) => {
                        for g in groups {
                            match v::delete_security_group(c, &g).await {
                                Ok(()) => deleted.push(g),
                                Err(e) => failed.push(format!("{g}: {e}")),
                            }
                        }
                    }
                    Err(e) => failed.push(format!("could not list the groups: {e}")),
                }
            }
        }
    }
    if let Some(vpc) = made_by_task(c, Piece::Vpc, id)
        .await
        .ok()
        .and_then(|v| v.into_iter().next())
    {
        match v::delete_vpc(c, &vpc).await {
            Ok(()) => deleted.push(vpc),
            Err(e) => failed.push(format!("{vpc}: {e}")),
        }
    }
    if let Ok(sets) = made_by_task(c, Piece::DhcpOptions, id).await {
        for d in sets {
            match v::delete_dhcp_options(c, &d).await {
                Ok(()) => deleted.push(d),
                Err(e) => failed.push(format!("{d}: {e}")),
            }
        }
    }
    let mut said = Vec::new();
    if !deleted.is_empty() {
        said.push(format!("deleted in {}: {}", c.region, deleted.join(", ")));
    }
    if !failed.is_empty() {
        said.push(format!(
            "could not delete (delete by hand in {}): {}",
            c.region,
            failed.join("; ")
        ));
    }
    said
}

/// A NAT gateway holds its address and subnet until it is gone.
async fn delete_nat(c: &crate::cloud::Clients, id: &str) -> Result<(), CloudError> {
    gw::delete_nat_gateway(c, id).await?;
    gw::wait_nat_gateway_deleted(c, id).await
}
