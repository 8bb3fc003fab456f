//! The copy dialog's database choices: snapshot and restore, or a read
//! replica kept in sync until the window; and where the new instance lands
//! (subnet group, parameter and option groups, security groups, Multi-AZ).
//! Unset, each is carried from the source by the survey that runs when the
//! copy starts, before anything is made.

use crate::migrate::{CopyKind, RestoreOptions, TaskSpec};
use tui_input::Input;

/// The two ways a DB instance moves.
pub(crate) const DB_PATHS: [&str; 2] = [
    "snapshot + restore (the data forks at the snapshot)",
    "read replica (kept in sync; promote it in the window)",
];

pub(crate) const MULTI_AZ: [&str; 3] = ["as the source", "on", "off"];

#[derive(Debug, Clone, Default)]
pub(crate) struct DbChoices {
    /// Offered when a DB instance is picked.
    pub(crate) replica: bool,
    /// The target's DB subnet groups, once read (None: reading).
    pub(crate) subnet_groups: Option<Vec<String>>,
    /// 0: the source's (made from the network clone when missing);
    /// 1..=n: an existing target group; n+1: none (the target's default VPC).
    pub(crate) subnet_group: usize,
    pub(crate) parameter_group: Input,
    pub(crate) option_group: Input,
    pub(crate) security_groups: Input,
    pub(crate) multi_az: usize,
    /// Picked sources that are encrypted: a target KMS key is required.
    pub(crate) encrypted: Vec<String>,
}

fn optional(input: &Input) -> Option<String> {
    Some(input.value().trim().to_string()).filter(|v| !v.is_empty())
}

impl DbChoices {
    /// The subnet group choices, in order.
    pub(crate) fn subnet_group_choices(&self) -> Vec<String> {
        let mut out = vec!["the source's (made from the network clone when missing)".to_string()];
        match &self.subnet_groups {
            Some(names) => out.extend(names.iter().map(|n| format!("{n} (in the target)"))),
            None => out.push("… reading the target's groups".into()),
        }
        out.push("none: the target's default VPC".into());
        out
    }

    fn existing_subnet_group(&self) -> Option<String> {
        let names = self.subnet_groups.as_ref()?;
        self.subnet_group
            .checked_sub(1)
            .and_then(|i| names.get(i).cloned())
    }

    /// No DB subnet group: AWS places the instance in the default VPC.
    pub(crate) fn no_subnet_group(&self) -> bool {
        self.subnet_group + 1 == self.subnet_group_choices().len()
    }

    /// The new instance's settings; None when nothing is restored (the
    /// snapshot path without a name only copies the snapshot).
    pub(crate) fn restore(&self, restore_as: Option<String>) -> Option<RestoreOptions> {
        if restore_as.is_none() && !self.replica {
            return None;
        }
        Some(RestoreOptions {
            instance_id: restore_as.unwrap_or_default(),
            subnet_group: self.existing_subnet_group(),
            parameter_group: optional(&self.parameter_group),
            option_group: optional(&self.option_group),
            security_group_ids: self
                .security_groups
                .value()
                .split([',', ' '])
                .map(str::trim)
                .filter(|g| !g.is_empty())
                .map(str::to_string)
                .collect(),
            multi_az: match self.multi_az {
                1 => Some(true),
                2 => Some(false),
                _ => None,
            },
            ..Default::default()
        })
    }

    /// The replica path: each DB instance task becomes a read replica task.
    pub(crate) fn apply(&self, tasks: &mut [TaskSpec]) {
        if !self.replica {
            return;
        }
        for t in tasks.iter_mut().filter(|t| t.kind == CopyKind::DbInstance) {
            t.kind = CopyKind::DbReplica;
            t.options.restore.get_or_insert_with(Default::default);
        }
    }

    /// Why the copy cannot start as chosen: a KMS key is asked for, never
    /// guessed.
    pub(crate) fn refusal(&self, kms: Option<&str>, target_region: &str) -> Option<String> {
        if self.encrypted.is_empty() || kms.is_some() {
            return None;
        }
        Some(format!(
            "{} {} encrypted: KMS keys belong to one region, so give a key of {target_region} in the KMS field",
            self.encrypted.join(", "),
            if self.encrypted.len() == 1 { "is" } else { "are" }
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn choices_become_restore_settings() {
        let mut c = DbChoices {
            subnet_groups: Some(vec!["db-a".into(), "db-b".into()]),
            ..Default::default()
        };
        assert_eq!(c.restore(None), None, "snapshot copy only");
        c.subnet_group = 2;
        c.multi_az = 1;
        c.security_groups = Input::new("sg-1, sg-2".into());
        let r = c.restore(Some("shop-eu".into())).unwrap();
        assert_eq!(r.instance_id, "shop-eu");
        assert_eq!(r.subnet_group.as_deref(), Some("db-b"));
        assert_eq!(r.multi_az, Some(true));
        assert_eq!(r.security_group_ids, vec!["sg-1", "sg-2"]);
        assert!(!c.no_subnet_group());
        c.subnet_group = 3;
        assert!(c.no_subnet_group());
        assert_eq!(c.restore(Some("x".into())).unwrap().subnet_group, None);
        c.replica = true;
        assert_eq!(
            c.restore(None).unwrap().instance_id,
            "",
            "a replica keeps its source's name unless one is typed"
        );
    }

    #[test]
    fn an_encrypted_source_needs_a_key() {
        let c = DbChoices {
            encrypted: vec!["shop".into()],
            ..Default::default()
        };
        let why = c.refusal(None, "eu-west-1").unwrap();
        assert!(
            why.contains("shop is encrypted") && why.contains("eu-west-1"),
            "{why}"
        );
        assert_eq!(c.refusal(Some("key-1"), "eu-west-1"), None);
        assert_eq!(DbChoices::default().refusal(None, "eu-west-1"), None);
    }
}
