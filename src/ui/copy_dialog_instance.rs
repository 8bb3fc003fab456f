//! The copy dialog's relaunch choices, the same as `cutover copy`'s flags:
//! a test launch or the cutover launch, a reboot for a consistent image,
//! the target subnet (picked among the target's, read in the background
//! when the dialog opens), and, where a cutover launch exists already,
//! adopting it or replacing it (a typed confirmation).

use crate::migrate::LaunchOptions;

pub(crate) const LAUNCH_KINDS: [&str; 2] = [
    "cutover launch (+ a NEW Elastic IP)",
    "test launch (no Elastic IP; cleanup ends it)",
];

pub(crate) const REBOOTS: [&str; 2] = [
    "no reboot (disks imaged live)",
    "REBOOT it for a consistent image",
];

/// The word typed to confirm a replace.
pub(crate) const REPLACE_WORD: &str = "replace";

/// A subnet of the target region the relaunch may land in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SubnetChoice {
    pub id: String,
    pub vpc_id: String,
    /// "subnet-0abc 10.1.1.0/24 eu-west-1a (vpc-0def)".
    pub label: String,
}

#[derive(Debug, Clone, Default)]
pub(crate) struct LaunchChoices {
    pub(crate) test_launch: bool,
    pub(crate) reboot: bool,
    /// The target's subnets once read (None: reading).
    pub(crate) subnets: Option<Vec<SubnetChoice>>,
    /// 0: the copy of its subnet; i: `subnets[i - 1]`.
    pub(crate) subnet: usize,
    /// (source instance, its cutover launch in the target) for the picked
    /// instances that have one.
    pub(crate) earlier: Vec<(String, String)>,
    pub(crate) replace: bool,
}

impl LaunchChoices {
    pub(crate) fn subnet_choices(&self) -> Vec<String> {
        let mut out = vec!["copy of its subnet (cloned if missing)".to_string()];
        match &self.subnets {
            Some(list) => out.extend(list.iter().map(|s| s.label.clone())),
            None => out.push("… reading the target's subnets".into()),
        }
        out
    }

    pub(crate) fn picked_subnet(&self) -> Option<&SubnetChoice> {
        let list = self.subnets.as_ref()?;
        self.subnet.checked_sub(1).and_then(|i| list.get(i))
    }

    pub(crate) fn replace_choices(&self) -> Vec<String> {
        let launches: Vec<&str> = self.earlier.iter().map(|(_, t)| t.as_str()).collect();
        let launches = launches.join(", ");
        vec![
            format!("adopt {launches}: nothing new is launched"),
            format!("replace: launch anew, then TERMINATE {launches}"),
        ]
    }

    /// A test launch never replaces: the cutover launch stays.
    pub(crate) fn replaces(&self) -> bool {
        self.replace && !self.test_launch && !self.earlier.is_empty()
    }

    pub(crate) fn options(&self) -> LaunchOptions {
        LaunchOptions {
            reboot: self.reboot,
            test_launch: self.test_launch,
            target_subnet: self.picked_subnet().map(|s| s.id.clone()),
            replace: self.replaces(),
        }
    }

    /// What the replace confirmation says will happen, one line each.
    pub(crate) fn replace_lines(&self, target_region: &str) -> Vec<String> {
        self.earlier
            .iter()
            .map(|(source, launch)| {
                format!("{source} is launched again in {target_region}, then its earlier cutover launch {launch} is TERMINATED")
            })
            .chain(std::iter::once(format!(
                "type '{REPLACE_WORD}' and enter to go on; esc keeps {}",
                if self.earlier.len() == 1 { "it" } else { "them" }
            )))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn choices_become_launch_options() {
        let mut c = LaunchChoices {
            subnets: Some(vec![SubnetChoice {
                id: "subnet-t".into(),
                vpc_id: "vpc-t".into(),
                label: "subnet-t".into(),
            }]),
            earlier: vec![("i-1".into(), "i-9".into())],
            ..Default::default()
        };
        assert_eq!(c.options(), LaunchOptions::default());
        c.subnet = 1;
        c.reboot = true;
        c.replace = true;
        let o = c.options();
        assert_eq!(o.target_subnet.as_deref(), Some("subnet-t"));
        assert!(o.reboot && o.replace && !o.test_launch);
        c.test_launch = true;
        assert!(
            !c.options().replace,
            "a test launch leaves the cutover launch alone"
        );
        assert!(c.replace_choices()[1].contains("TERMINATE i-9"));
    }
}
