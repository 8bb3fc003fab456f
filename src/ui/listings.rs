//! Listings arriving from the regions: into the inventory, re-indexed and
//! re-paired, with a log line each.

use super::app::App;
use super::index::ListingIndex;
use super::pointing::PointIndex;
use super::state::Level;
use crate::model::{Kind, Resource, Side};

impl App {
    pub(super) fn repoint(&mut self) {
        self.points = PointIndex::build(&self.inventory);
        self.dns_tally = self
            .points
            .tally(self.inventory.resources(Side::Global, Kind::Record));
    }

    pub(super) fn index(&mut self, side: Side, kind: Kind) {
        let ix = ListingIndex::build(self.inventory.resources(side, kind));
        self.indexes.insert((side, kind), ix);
    }

    pub(super) fn listed(
        &mut self,
        side: Side,
        kind: Kind,
        result: Result<Vec<Resource>, String>,
        took: std::time::Duration,
    ) {
        let region = self.inventory.region_of(side).to_string();
        match &result {
            Ok(list) => self.note(
                Level::Info,
                format!(
                    "{region} {}: {} in {} ms",
                    kind.title(),
                    list.len(),
                    took.as_millis()
                ),
            ),
            Err(e) => self.note(Level::Error, format!("{region} {}: {e}", kind.title())),
        }
        self.refreshing.remove(&(side, kind));
        self.inventory.apply(side, kind, result);
        // Applying pairs the source side (and groups after VPCs): re-index what changed.
        self.index(side, kind);
        if side == Side::Target {
            self.index(Side::Source, kind);
        }
        if kind == Kind::Vpc {
            for k in Kind::ALL
                .into_iter()
                .filter(|k| k.pairs_through().contains(&Kind::Vpc))
            {
                self.index(Side::Source, k);
            }
        }
        if matches!(kind, Kind::Instance | Kind::ElasticIp | Kind::Record) {
            self.repoint();
        }
        if kind == self.kind
            || (kind == Kind::Vpc && self.kind.pairs_through().contains(&Kind::Vpc))
        {
            self.refilter();
        }
        if self.inventory.is_complete() && self.refreshing.is_empty() {
            let failed = self.inventory.failures().count();
            if failed > 0 {
                self.note(
                    Level::Warn,
                    format!("inventory read, {failed} listing(s) failed: see their panes"),
                );
            }
        }
    }
}
