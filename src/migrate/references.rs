//! Security groups whose rules name groups that are neither selected nor
//! copied: those rules cannot be made in the target. The plan lists them
//! so that the operator can add the groups (the dialog's `+`, the CLI's
//! `--with-referenced`) instead of learning it from the finished task.

use crate::model::{Details, Inventory, Kind, Resource, Side};

/// One rule of a selected group that names a group left out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct MissingReference {
    /// The selected group and its name.
    pub(crate) group: String,
    pub(crate) group_name: String,
    /// The group its rule names, and its name when the source lists it.
    pub(crate) referenced: String,
    pub(crate) referenced_name: Option<String>,
    /// "ingress tcp 5432".
    pub(crate) rule: String,
}

impl MissingReference {
    /// "sg-web (shop-web): ingress tcp 5432 names sg-db (shop-db)".
    pub(crate) fn line(&self) -> String {
        let named = |id: &str, name: Option<&str>| match name.filter(|n| *n != id) {
            Some(n) => format!("{id} ({n})"),
            None => id.to_string(),
        };
        format!(
            "{}: {} names {}, neither selected nor copied",
            named(&self.group, Some(&self.group_name)),
            self.rule,
            named(&self.referenced, self.referenced_name.as_deref())
        )
    }
}

fn rules(r: &Resource) -> Vec<(&'static str, &crate::model::resource::Rule)> {
    match &r.details {
        Details::SecurityGroup(g) => g
            .ingress
            .iter()
            .map(|rule| ("ingress", rule))
            .chain(g.egress.iter().map(|rule| ("egress", rule)))
            .collect(),
        _ => Vec::new(),
    }
}

/// Rules of `groups` naming a group that is not among them and has no
/// copy in the target yet.
pub(crate) fn missing_references(
    groups: &[&Resource],
    inventory: &Inventory,
) -> Vec<MissingReference> {
    let source = inventory.resources(Side::Source, Kind::SecurityGroup);
    let copied = |id: &str| source.iter().any(|g| g.id == id && g.counterpart.is_some());
    let mut out = Vec::new();
    for g in groups {
        for (direction, rule) in rules(g) {
            for referenced in &rule.groups {
                if groups.iter().any(|s| &s.id == referenced) || copied(referenced) {
                    continue;
                }
                out.push(MissingReference {
                    group: g.id.clone(),
                    group_name: g.name.clone(),
                    referenced: referenced.clone(),
                    referenced_name: source
                        .iter()
                        .find(|s| &s.id == referenced)
                        .map(|s| s.name.clone()),
                    rule: format!("{direction} {}", rule.ports()),
                });
            }
        }
    }
    out
}

/// The source groups to add so that no selected group's rule names a
/// group left out: the referenced groups, and theirs in turn. A group the
/// source does not list (another account's, or deleted) cannot be added.
pub(crate) fn referenced_groups<'a>(
    selected: &[&'a Resource],
    inventory: &'a Inventory,
) -> Vec<&'a Resource> {
    let source = inventory.resources(Side::Source, Kind::SecurityGroup);
    let mut all: Vec<&Resource> = selected
        .iter()
        .copied()
        .filter(|r| r.kind == Kind::SecurityGroup)
        .collect();
    let mut added = Vec::new();
    loop {
        let more: Vec<&Resource> = missing_references(&all, inventory)
            .iter()
            .filter_map(|m| source.iter().find(|s| s.id == m.referenced))
            .collect();
        let mut grew = false;
        for r in more {
            if !all.iter().any(|a| a.id == r.id) {
                all.push(r);
                added.push(r);
                grew = true;
            }
        }
        if !grew {
            return added;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::resource::{Rule, SecurityGroup};
    use crate::model::BucketNaming;

    fn group(id: &str, name: &str, refers_to: &[&str]) -> Resource {
        let rule = Rule {
            protocol: "tcp".into(),
            from_port: Some(5432),
            to_port: Some(5432),
            groups: refers_to.iter().map(|s| s.to_string()).collect(),
            ..Default::default()
        };
        Resource::new(
            "us-east-1",
            Kind::SecurityGroup,
            id,
            Details::SecurityGroup(SecurityGroup {
                group_name: name.into(),
                ingress: vec![rule],
                ..Default::default()
            }),
        )
        .with_name(name)
    }

    #[test]
    fn left_out_groups_are_listed_and_added_with_theirs_in_turn() {
        let web = group("sg-web", "web", &["sg-api", "sg-web"]);
        let api = group("sg-api", "api", &["sg-db"]);
        let db = group("sg-db", "db", &["sg-gone"]);
        let mut inv = Inventory::new(
            "us-east-1",
            "eu-west-1",
            BucketNaming::default(),
            &[Kind::SecurityGroup],
        );
        inv.apply(
            Side::Source,
            Kind::SecurityGroup,
            Ok(vec![web.clone(), api.clone(), db.clone()]),
        );
        let web = inv.find_source("sg-web").unwrap();
        let missing = missing_references(&[web], &inv);
        assert_eq!(missing.len(), 1, "a self-reference is no gap: {missing:?}");
        assert_eq!(
            missing[0].line(),
            "sg-web (web): ingress tcp 5432 names sg-api (api), neither selected nor copied"
        );
        let added: Vec<&str> = referenced_groups(&[web], &inv)
            .iter()
            .map(|r| r.id.as_str())
            .collect();
        assert_eq!(added, ["sg-api", "sg-db"], "api's own reference follows");
        let all: Vec<&Resource> = ["sg-web", "sg-api", "sg-db"]
            .iter()
            .map(|id| inv.find_source(id).unwrap())
            .collect();
        let left = missing_references(&all, &inv);
        assert_eq!(
            left.len(),
            1,
            "a group the source does not list stays a gap"
        );
        assert_eq!(left[0].referenced, "sg-gone");
        assert_eq!(left[0].referenced_name, None);
    }
}
