//! The one impure entry of the check: read the facts the selection needs
//! from both regions, then run the pure checks. `cutover check` and the
//! cockpit's `:check` both come through here, so they say the same.

use super::{run, select::wanted, CheckOptions, CheckReport, Input, Selection};
use crate::cloud::Regions;
use crate::model::Inventory;

/// Reads the facts for `selection` and checks the move. Listings that
/// failed are named as "not checked" (a check that reads nothing must
/// not say "ready" about it).
pub(crate) async fn check_now(
    regions: &Regions,
    inventory: &Inventory,
    selection: &Selection,
    options: &CheckOptions,
) -> CheckReport {
    let mut facts = crate::cloud::read_facts(regions, &wanted(selection)).await;
    for (side, kind, error) in inventory.failures() {
        facts.unread.push(format!(
            "{} {}: {error}",
            inventory.region_of(side),
            kind.title()
        ));
    }
    run(&Input {
        inventory,
        selection,
        facts: &facts,
        options,
    })
}
