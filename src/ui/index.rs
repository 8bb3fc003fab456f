//! Per-listing lookups built once when a listing arrives, so that filtering
//! and scrolling 100,000 rows never sorts or lower-cases on a key press.

use super::columns::haystack;
use crate::model::Resource;
use std::collections::HashMap;

#[derive(Debug, Clone, Default)]
pub struct ListingIndex {
    /// Resource positions sorted by name, then id: a stable, readable order.
    pub order: Vec<usize>,
    /// `columns::haystack` of each resource, by position.
    pub haystacks: Vec<String>,
    /// id -> position, to find a counterpart.
    pub by_id: HashMap<String, usize>,
}

impl ListingIndex {
    pub fn build(resources: &[Resource]) -> Self {
        let mut order: Vec<usize> = (0..resources.len()).collect();
        // Cached keys: one lower-casing per resource, not one per comparison.
        order.sort_by_cached_key(|&i| (resources[i].name.to_lowercase(), resources[i].id.clone()));
        ListingIndex {
            order,
            haystacks: resources.iter().map(haystack).collect(),
            by_id: resources
                .iter()
                .enumerate()
                .map(|(i, r)| (r.id.clone(), i))
                .collect(),
        }
    }
}
