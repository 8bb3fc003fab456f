//! The one change batch that turns what Route 53 holds into what a step
//! wants. Built from the sets actually read, because a DELETE must name the
//! record set exactly as it is.

use crate::cloud::dns_change::{ChangeAction, RecordChange, RecordSet};

/// DELETEs first, then UPSERT for every set that is new or changed; sets
/// already right are left out. UPSERT rather than CREATE for new sets: the
/// engine has just read the record and checked it is what the journal
/// expects, and moto wrongly refuses a CREATE identical to an earlier one
/// even when the same batch deletes the clashing set (seen on rollback
/// from a collapsed record).
pub(crate) fn changes_between(actual: &[RecordSet], desired: &[RecordSet]) -> Vec<RecordChange> {
    let key = |s: &RecordSet| (s.record_type.clone(), s.set_identifier.clone());
    let mut changes: Vec<RecordChange> = actual
        .iter()
        .filter(|a| !desired.iter().any(|d| key(d) == key(a)))
        .map(|a| RecordChange {
            action: ChangeAction::Delete,
            set: a.clone(),
        })
        .collect();
    for d in desired {
        if !actual.contains(d) {
            changes.push(RecordChange {
                action: ChangeAction::Upsert,
                set: d.clone(),
            });
        }
    }
    changes
}

pub(crate) fn of_type(sets: &[RecordSet], record_type: &str) -> Vec<RecordSet> {
    sets.iter()
        .filter(|s| s.record_type == record_type)
        .cloned()
        .collect()
}

pub(crate) fn describe_sets(sets: &[RecordSet]) -> String {
    if sets.is_empty() {
        return "no record at all".into();
    }
    let one = |s: &RecordSet| {
        let id = s
            .set_identifier
            .as_deref()
            .map(|i| format!(" [{i} w{}]", s.weight.unwrap_or(0)))
            .unwrap_or_default();
        let ttl = s.ttl.map(|t| format!(" TTL {t}")).unwrap_or_default();
        let answer = s
            .alias
            .as_ref()
            .map(|a| a.dns_name.clone())
            .unwrap_or_else(|| s.values.join(","));
        format!("{}{id}{ttl} -> {answer}", s.record_type)
    };
    sets.iter().map(one).collect::<Vec<_>>().join("; ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn set(id: Option<&str>, weight: Option<i64>, ttl: i64) -> RecordSet {
        RecordSet {
            name: "www.shop.example.com.".into(),
            record_type: "A".into(),
            ttl: Some(ttl),
            set_identifier: id.map(str::to_string),
            weight,
            values: vec!["192.0.2.1".into()],
            alias: None,
            health_check_id: None,
        }
    }

    #[test]
    fn simple_to_pair_is_delete_then_two_upserts() {
        let simple = set(None, None, 300);
        let pair = [
            set(Some("us-east-1"), Some(100), 300),
            set(Some("eu-west-1"), Some(0), 300),
        ];
        let c = changes_between(&[simple], &pair);
        let actions: Vec<ChangeAction> = c.iter().map(|c| c.action).collect();
        assert_eq!(
            actions,
            [
                ChangeAction::Delete,
                ChangeAction::Upsert,
                ChangeAction::Upsert
            ]
        );
    }

    #[test]
    fn a_weight_shift_upserts_only_what_changed() {
        let before = [
            set(Some("us-east-1"), Some(100), 60),
            set(Some("eu-west-1"), Some(0), 60),
        ];
        let after = [
            set(Some("us-east-1"), Some(90), 60),
            set(Some("eu-west-1"), Some(10), 60),
        ];
        let c = changes_between(&before, &after);
        assert_eq!(c.len(), 2);
        assert!(c.iter().all(|c| c.action == ChangeAction::Upsert));
        assert!(changes_between(&after, &after).is_empty());
    }
}
