//! Listings arriving from the regions: into the inventory, re-indexed and
//! re-paired, with a log line each.

use super::app::App;
use super::index::ListingIndex;
use super::pointing::PointIndex;
use super::state::Level;
use crate::model::{Kind, Listing, Resource, Side};

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
        self.refreshing.remove(&(side, kind));
        // A failed re-read keeps the last good rows, marked stale.
        if let Err(e) = &result {
            if matches!(self.inventory.listing(side, kind), Some(Listing::Loaded(_))) {
                let text = format!(
                    "{region} {}: {e}; showing the last good rows ({} retries)",
                    kind.title(),
                    self.keymap.keys_of(super::action::Command::Refresh)
                );
                self.note(Level::Error, text);
                let read_at = self.listed_at.get(&(side, kind)).copied();
                let read_at = read_at.unwrap_or_else(|| (self.clock)());
                self.stale.insert((side, kind), (read_at, e.clone()));
                return;
            }
        }
        self.stale.remove(&(side, kind));
        if result.is_ok() {
            self.listed_at.insert((side, kind), (self.clock)());
        }
        match &result {
            Ok(list) => self.log_only(
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
        self.recount();
        // An open dialog's plan reads the inventory: it follows the listing.
        self.replan_dialogs();
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
