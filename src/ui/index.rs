//! Per-listing lookups built once when a listing arrives, so that filtering
//! and scrolling 100,000 rows never sorts or lower-cases on a key press.
//! They hold positions, not copies of the rows' strings: at 100,000 rows
//! a cloned id per row was ~10 MB.

use super::columns::haystack;
use crate::model::Resource;
use std::borrow::Cow;

#[derive(Debug, Clone, Default)]
pub(crate) struct ListingIndex {
    /// Resource positions sorted by name, then id: a stable, readable order.
    pub(crate) order: Vec<usize>,
    /// `columns::haystack` of each resource, by position.
    pub(crate) haystacks: Vec<Box<str>>,
    /// Resource positions sorted by id, to find a counterpart.
    by_id: Vec<u32>,
}

impl ListingIndex {
    pub(crate) fn build(resources: &[Resource]) -> Self {
        let mut order: Vec<usize> = (0..resources.len()).collect();
        // Cached keys: one lower-casing per resource, not one per
        // comparison, and none for a name already in lower case.
        order.sort_by_cached_key(|&i| (lower(&resources[i].name), resources[i].id.as_str()));
        let mut by_id: Vec<u32> = (0..resources.len() as u32).collect();
        by_id.sort_unstable_by(|&a, &b| resources[a as usize].id.cmp(&resources[b as usize].id));
        ListingIndex {
            order,
            haystacks: resources
                .iter()
                .map(|r| haystack(r).into_boxed_str())
                .collect(),
            by_id,
        }
    }

    /// The position of the resource with this id in `resources`, the
    /// listing this index was built from.
    pub(crate) fn position(&self, resources: &[Resource], id: &str) -> Option<usize> {
        let at = self
            .by_id
            .binary_search_by(|&i| resources[i as usize].id.as_str().cmp(id))
            .ok()?;
        Some(self.by_id[at] as usize)
    }
}

fn lower(name: &str) -> Cow<'_, str> {
    if name.chars().any(char::is_uppercase) {
        Cow::Owned(name.to_lowercase())
    } else {
        Cow::Borrowed(name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::resource::KeyPair;
    use crate::model::{Details, Kind};

    fn key(id: &str, name: &str) -> Resource {
        Resource::new("r", Kind::KeyPair, id, Details::KeyPair(KeyPair::default())).with_name(name)
    }

    #[test]
    fn rows_are_ordered_by_name_then_id_and_found_by_id() {
        let rows = [key("k-3", "Beta"), key("k-1", "alpha"), key("k-2", "beta")];
        let ix = ListingIndex::build(&rows);
        assert_eq!(ix.order, [1, 2, 0], "alpha, then beta (k-2) and Beta (k-3)");
        for (at, r) in rows.iter().enumerate() {
            assert_eq!(ix.position(&rows, &r.id), Some(at));
        }
        assert_eq!(ix.position(&rows, "k-9"), None);
    }
}
