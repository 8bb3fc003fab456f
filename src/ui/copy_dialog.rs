//! The copy dialog: what the selection becomes in the target, the options
//! that matter to its kinds, and a confirmation. The plan is worked out
//! again whenever its inputs change (a key in the dialog, a listing that
//! arrives) and kept in the dialog: drawing reads it, confirming submits
//! it, so what the operator sees is what is submitted.

use super::action::{DialogKey, Effect};
use super::app::{App, Mode};
use super::confirm::Confirm;
use super::copy_dialog_db::{DbChoices, DB_PATHS, MULTI_AZ};
use super::copy_dialog_instance::{
    LaunchChoices, SubnetChoice, LAUNCH_KINDS, REBOOTS, REPLACE_WORD,
};
use super::state::Level;
use crate::migrate::relaunch::prepare::relaunches;
use crate::migrate::{
    needs_survey, plan, referenced_groups, Archived, BucketOptions, CopyKind, CopyOptions,
    NetworkPreview, Plan, S3Tuning, Versions,
};
use crate::model::{check_bucket_name, Details, Kind, Resource, Side};
use tui_input::Input;

/// The options a selection can need, in the order the dialog shows them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum CopyField {
    /// A choice among the target's VPCs (security groups).
    TargetVpc,
    KmsKey,
    /// Volumes: make a volume in this AZ from the copied snapshot.
    TargetAz,
    /// One bucket: the copy's (global) name.
    BucketName,
    /// DB instance / snapshot: restore an instance with this id.
    RestoreAs,
    /// VPC clone: source AZ -> target AZ, `us-east-1a=eu-west-1b,...`.
    AzMap,
    /// Buckets: `current` or `all` versions.
    Versions,
    /// Buckets: `skip` or `restore` archived objects.
    Archived,
    /// DB instance: snapshot + restore, or a read replica.
    DbPath,
    /// Where the new DB instance lands.
    SubnetGroup,
    ParameterGroup,
    OptionGroup,
    DbSecurityGroups,
    MultiAz,
    /// Instances: the cutover launch or a test launch.
    LaunchKind,
    /// Instances: reboot for a consistent image.
    Reboot,
    /// Instances: where they land (the copy of their subnet, or one of
    /// the target's).
    TargetSubnet,
    /// Instances with a cutover launch already: adopt it or replace it.
    Replace,
}

impl CopyField {
    pub(crate) fn label(self) -> &'static str {
        match self {
            CopyField::TargetVpc => "target VPC (groups)",
            CopyField::KmsKey => "KMS key id (optional)",
            CopyField::TargetAz => "volume in AZ (optional)",
            CopyField::BucketName => "bucket name",
            CopyField::RestoreAs => "restore DB as (optional)",
            CopyField::AzMap => "AZ map (SRC=DST,...; empty: by position)",
            CopyField::Versions => "versions (current / all)",
            CopyField::Archived => "archived objects (skip / restore)",
            CopyField::DbPath => "DB moves by",
            CopyField::SubnetGroup => "DB subnet group",
            CopyField::ParameterGroup => "DB parameter group",
            CopyField::OptionGroup => "option group",
            CopyField::DbSecurityGroups => "security groups",
            CopyField::MultiAz => "Multi-AZ",
            CopyField::LaunchKind => "launch",
            CopyField::Reboot => "image",
            CopyField::TargetSubnet => "target subnet",
            CopyField::Replace => "earlier cutover launch",
        }
    }
}

#[derive(Debug, Clone)]
pub struct CopyDialog {
    /// Source resources to copy, as (kind, id).
    pub picked: Vec<(Kind, String)>,
    /// Makes task ids unique; fixed when the dialog opens.
    pub(crate) stamp: u64,
    pub(crate) fields: Vec<CopyField>,
    /// The field taking keys; None while on the summary (y confirms).
    pub(crate) focus: Option<usize>,
    /// (VPC id, label); None is "the target's default VPC" when unlisted.
    pub(crate) vpcs: Vec<(Option<String>, String)>,
    pub(crate) vpc: usize,
    pub(crate) kms: Input,
    pub(crate) az: Input,
    pub(crate) bucket: Input,
    pub(crate) restore: Input,
    pub(crate) az_map: Input,
    pub(crate) versions: Input,
    pub(crate) archived: Input,
    pub(crate) s3: S3Tuning,
    /// The target's AZs as its listing shows them (subnets, volumes): the
    /// volume AZ is picked among them (←→) when any are known, else typed.
    pub zones: Vec<String>,
    /// 0: no volume; i: `zones[i - 1]`.
    pub(crate) zone: usize,
    pub(crate) db: DbChoices,
    /// Each VPC clone's whole plan, read in the background when the dialog
    /// opens (absent while it is read).
    pub(crate) networks: std::collections::BTreeMap<String, Result<NetworkPreview, String>>,
    /// The AZ map those plans were read with.
    pub(crate) networks_az_map: String,
    pub(crate) launch: LaunchChoices,
    /// The plan the dialog stands for with its current options, worked
    /// out in `update` when they change (`App::replan_copy`), never in draw.
    pub(crate) plan: Plan,
}

fn optional(input: &Input) -> Option<String> {
    Some(input.value().trim().to_string()).filter(|v| !v.is_empty())
}

impl CopyDialog {
    pub(crate) fn focused(&self) -> Option<CopyField> {
        self.focus.and_then(|i| self.fields.get(i).copied())
    }

    /// Whether the focused field takes typed text (so `y` is a letter).
    pub(crate) fn wants_text(&self) -> bool {
        self.focused().is_some_and(|f| self.input(f).is_some())
    }

    /// The volume AZ picked from the target's list (None: no volume).
    pub(crate) fn picked_zone(&self) -> Option<&str> {
        self.zone
            .checked_sub(1)
            .and_then(|i| self.zones.get(i))
            .map(String::as_str)
    }

    /// A choice field's options and the one chosen.
    pub(crate) fn choices(&self, field: CopyField) -> Option<(Vec<String>, usize)> {
        Some(match field {
            CopyField::TargetVpc => (
                self.vpcs.iter().map(|(_, text)| text.clone()).collect(),
                self.vpc,
            ),
            CopyField::DbPath => (
                DB_PATHS.iter().map(|s| s.to_string()).collect(),
                usize::from(self.db.replica),
            ),
            CopyField::SubnetGroup => (self.db.subnet_group_choices(), self.db.subnet_group),
            CopyField::MultiAz => (
                MULTI_AZ.iter().map(|s| s.to_string()).collect(),
                self.db.multi_az,
            ),
            CopyField::TargetAz if !self.zones.is_empty() => (
                std::iter::once("- (no volume)".to_string())
                    .chain(self.zones.iter().cloned())
                    .collect(),
                self.zone,
            ),
            CopyField::LaunchKind => (
                LAUNCH_KINDS.iter().map(|s| s.to_string()).collect(),
                usize::from(self.launch.test_launch),
            ),
            CopyField::Reboot => (
                REBOOTS.iter().map(|s| s.to_string()).collect(),
                usize::from(self.launch.reboot),
            ),
            CopyField::TargetSubnet => (self.launch.subnet_choices(), self.launch.subnet),
            CopyField::Replace => (
                self.launch.replace_choices(),
                usize::from(self.launch.replace),
            ),
            _ => return None,
        })
    }

    fn choose(&mut self, field: CopyField, by: i32) {
        let Some((options, at)) = self.choices(field) else {
            return;
        };
        let next = (at as i32 + by).rem_euclid(options.len().max(1) as i32) as usize;
        match field {
            CopyField::TargetVpc => self.vpc = next,
            CopyField::DbPath => self.db.replica = next == 1,
            CopyField::SubnetGroup => self.db.subnet_group = next,
            CopyField::MultiAz => self.db.multi_az = next,
            CopyField::TargetAz => self.zone = next,
            CopyField::LaunchKind => self.launch.test_launch = next == 1,
            CopyField::Reboot => self.launch.reboot = next == 1,
            CopyField::TargetSubnet => self.launch.subnet = next,
            CopyField::Replace => self.launch.replace = next == 1,
            _ => {}
        }
    }

    /// The label of a field as this selection reads it.
    pub(crate) fn label(&self, field: CopyField) -> &'static str {
        match field {
            CopyField::KmsKey if !self.db.encrypted.is_empty() => "KMS key id (required)",
            CopyField::RestoreAs if self.db.replica => "replica name (optional)",
            other => other.label(),
        }
    }

    pub(crate) fn input(&self, field: CopyField) -> Option<&Input> {
        match field {
            CopyField::TargetAz if !self.zones.is_empty() => None,
            CopyField::KmsKey => Some(&self.kms),
            CopyField::TargetAz => Some(&self.az),
            CopyField::BucketName => Some(&self.bucket),
            CopyField::RestoreAs => Some(&self.restore),
            CopyField::AzMap => Some(&self.az_map),
            CopyField::Versions => Some(&self.versions),
            CopyField::Archived => Some(&self.archived),
            CopyField::ParameterGroup => Some(&self.db.parameter_group),
            CopyField::OptionGroup => Some(&self.db.option_group),
            CopyField::DbSecurityGroups => Some(&self.db.security_groups),
            _ => None,
        }
    }

    fn input_mut(&mut self, field: CopyField) -> Option<&mut Input> {
        match field {
            CopyField::TargetAz if !self.zones.is_empty() => None,
            CopyField::KmsKey => Some(&mut self.kms),
            CopyField::TargetAz => Some(&mut self.az),
            CopyField::BucketName => Some(&mut self.bucket),
            CopyField::RestoreAs => Some(&mut self.restore),
            CopyField::AzMap => Some(&mut self.az_map),
            CopyField::Versions => Some(&mut self.versions),
            CopyField::Archived => Some(&mut self.archived),
            CopyField::ParameterGroup => Some(&mut self.db.parameter_group),
            CopyField::OptionGroup => Some(&mut self.db.option_group),
            CopyField::DbSecurityGroups => Some(&mut self.db.security_groups),
            _ => None,
        }
    }

    pub(crate) fn options(&self) -> CopyOptions {
        let has = |f| self.fields.contains(&f);
        // Groups copied for a relaunch go to the picked subnet's VPC, unless
        // groups picked on their own name a VPC.
        let subnet_vpc = self.launch.picked_subnet().map(|s| s.vpc_id.clone());
        let picked_vpc = self.vpcs.get(self.vpc).and_then(|(id, _)| id.clone());
        CopyOptions {
            target_vpc: if has(CopyField::TargetVpc) {
                picked_vpc
            } else {
                subnet_vpc.or(picked_vpc)
            },
            launch: self.launch.options(),
            kms_key_id: optional(&self.kms),
            target_az: if self.zones.is_empty() {
                optional(&self.az)
            } else {
                self.picked_zone().map(String::from)
            },
            target_bucket: has(CopyField::BucketName)
                .then(|| self.bucket.value().trim().to_string()),
            s3: self.s3,
            restore: self.db.restore(optional(&self.restore)),
            az_map: optional(&self.az_map),
            bucket: BucketOptions {
                versions: self.versions.value().trim().parse().unwrap_or_default(),
                archived: self.archived.value().trim().parse().unwrap_or_default(),
                ..Default::default()
            },
            ..Default::default()
        }
    }

    /// Why the typed bucket versions / archived choice cannot be read.
    pub(crate) fn bucket_choice_error(&self) -> Option<String> {
        if !self.fields.contains(&CopyField::Versions) {
            return None;
        }
        let versions = self.versions.value().trim().parse::<Versions>().err();
        versions.or_else(|| self.archived.value().trim().parse::<Archived>().err())
    }

    /// Why the typed AZ map cannot be read, checked as typed (the target's
    /// AZs are checked when the task starts, before anything is made).
    pub(crate) fn az_map_error(&self) -> Option<String> {
        if !self.fields.contains(&CopyField::AzMap) {
            return None;
        }
        crate::model::network::parse_az_map(self.az_map.value()).err()
    }

    /// Why the typed bucket name would be refused by S3, checked as typed.
    pub(crate) fn bucket_error(&self) -> Option<String> {
        if !self.fields.contains(&CopyField::BucketName) {
            return None;
        }
        check_bucket_name(self.bucket.value().trim()).err()
    }
}

impl App {
    /// The source rows the dialog would copy: every selected source row of
    /// every kind, else the source pane's cursor row.
    fn copy_candidates(&self) -> Vec<(Kind, String)> {
        let mut picked: Vec<(Kind, String)> = Kind::ALL
            .iter()
            .flat_map(|kind| {
                self.kinds
                    .get(kind)
                    .into_iter()
                    .flat_map(|k| k.selected.iter())
                    .filter(|(side, _)| *side == Side::Source)
                    .map(|(_, id)| (*kind, id.clone()))
            })
            .collect();
        if picked.is_empty() && self.focus == 0 && !self.kind.is_global() {
            if let Some(r) = self.cursor_resource(0) {
                picked.push((r.kind, r.id.clone()));
            }
        }
        picked
    }

    pub(crate) fn open_copy_dialog(&mut self) -> Vec<Effect> {
        let picked = self.copy_candidates();
        if picked.is_empty() {
            let key = |c| self.keymap.keys_of(c);
            let why = if self.kind.is_global() {
                format!(
                    "Route 53 is global: nothing to copy; {} plans the DNS cutover of a record",
                    key(super::action::Command::DnsPlan)
                )
            } else {
                format!(
                    "nothing to copy: select source rows ({}), or put the cursor on one in the source pane",
                    key(super::action::Command::ToggleSelect)
                )
            };
            self.note(Level::Warn, why);
            return Vec::new();
        }
        let has = |kind| picked.iter().any(|(k, _)| *k == kind);
        let buckets: Vec<&String> = picked
            .iter()
            .filter(|(k, _)| *k == Kind::Bucket)
            .map(|(_, id)| id)
            .collect();
        let mut fields = Vec::new();
        if has(Kind::SecurityGroup) {
            fields.push(CopyField::TargetVpc);
        }
        if [
            Kind::Image,
            Kind::Volume,
            Kind::Snapshot,
            Kind::DbInstance,
            Kind::DbSnapshot,
            Kind::DbClusterSnapshot,
        ]
        .into_iter()
        .any(has)
        {
            fields.push(CopyField::KmsKey);
        }
        if has(Kind::Volume) {
            fields.push(CopyField::TargetAz);
        }
        if buckets.len() == 1 {
            fields.push(CopyField::BucketName);
        }
        if !buckets.is_empty() {
            fields.extend([CopyField::Versions, CopyField::Archived]);
        }
        let makes_db = has(Kind::DbInstance) || has(Kind::DbSnapshot);
        if has(Kind::DbInstance) {
            fields.push(CopyField::DbPath);
        }
        if makes_db {
            fields.extend([
                CopyField::RestoreAs,
                CopyField::SubnetGroup,
                CopyField::ParameterGroup,
                CopyField::OptionGroup,
                CopyField::DbSecurityGroups,
                CopyField::MultiAz,
            ]);
        }
        if has(Kind::Vpc) {
            fields.push(CopyField::AzMap);
        }
        let relaunches = has(Kind::Instance);
        let earlier = self.earlier_launches(&picked);
        if relaunches {
            fields.extend([
                CopyField::LaunchKind,
                CopyField::Reboot,
                CopyField::TargetSubnet,
            ]);
            if !earlier.is_empty() {
                fields.push(CopyField::Replace);
            }
        }
        let bucket = buckets
            .first()
            .map(|b| self.inventory.bucket_copy_name(b))
            .unwrap_or_default();
        let (vpcs, vpc) = self.target_vpc_choices();
        let stamp = crate::journal::unix_ms((self.clock)());
        let encrypted = self.encrypted_sources(&picked);
        self.mode = Mode::CopyDialog(Box::new(CopyDialog {
            picked,
            stamp,
            fields,
            focus: None,
            vpcs,
            vpc,
            kms: Input::default(),
            az: Input::default(),
            bucket: Input::new(bucket),
            restore: Input::default(),
            az_map: Input::new(self.az_map.clone().unwrap_or_default()),
            versions: Input::new("current".into()),
            archived: Input::new("skip".into()),
            s3: self.s3_tuning,
            zones: self.target_zones(),
            zone: 0,
            db: DbChoices {
                encrypted,
                ..Default::default()
            },
            networks: Default::default(),
            networks_az_map: self.az_map.clone().unwrap_or_default(),
            launch: LaunchChoices {
                earlier,
                ..Default::default()
            },
            plan: Plan::default(),
        }));
        self.replan_dialogs();
        let mut effects = Vec::new();
        // The target's subnet groups, read in the background for the choice.
        if makes_db {
            effects.push(Effect::ReadDbSubnetGroups);
        }
        // The target's subnets, read in the background for the relaunch.
        if relaunches {
            effects.push(Effect::ReadTargetSubnets);
        }
        // A network clone's whole plan (AZ map, new NAT addresses, routes
        // that will not follow, overlaps) needs reads: made in the background.
        if let Mode::CopyDialog(d) = &self.mode {
            effects.extend(
                d.plan
                    .tasks
                    .iter()
                    .filter(|t| t.kind == CopyKind::Vpc)
                    .map(|t| Effect::PreviewNetwork(Box::new(t.clone()))),
            );
        }
        effects
    }

    /// A VPC clone's plan arrived: shown in the dialog if it is still open.
    pub(super) fn network_preview(&mut self, vpc: String, result: Result<NetworkPreview, String>) {
        if let Mode::CopyDialog(d) = &mut self.mode {
            d.networks.insert(vpc, result);
        }
    }

    /// The target's subnets arrived: the relaunch may land in one.
    pub(super) fn target_subnets(&mut self, result: Result<Vec<SubnetChoice>, String>) {
        match result {
            Ok(list) => {
                if let Mode::CopyDialog(d) = &mut self.mode {
                    d.launch.subnets = Some(list);
                }
                self.replan_dialogs();
            }
            Err(e) => self.note(
                Level::Warn,
                format!("cannot read the target's subnets: {e}; the relaunch lands in the copy of its subnet"),
            ),
        }
    }

    /// (picked instance, its cutover launch in the target) where the
    /// target holds one (running or stopped).
    fn earlier_launches(&self, picked: &[(Kind, String)]) -> Vec<(String, String)> {
        let target = self.inventory.resources(Side::Target, Kind::Instance);
        picked
            .iter()
            .filter(|(kind, _)| *kind == Kind::Instance)
            .filter_map(|(_, id)| {
                target
                    .iter()
                    .find(|t| {
                        t.source_id() == Some(id.as_str())
                            && !matches!(t.state.as_str(), "terminated" | "shutting-down")
                    })
                    .map(|t| (id.clone(), t.id.clone()))
            })
            .collect()
    }

    /// Picked DB sources that are encrypted (their copies need a key).
    fn encrypted_sources(&self, picked: &[(Kind, String)]) -> Vec<String> {
        picked
            .iter()
            .filter(|(kind, id)| {
                self.inventory
                    .resources(Side::Source, *kind)
                    .iter()
                    .find(|r| &r.id == id)
                    .is_some_and(|r| match &r.details {
                        Details::DbInstance(d) => d.encrypted,
                        Details::DbSnapshot(d) => d.encrypted,
                        Details::DbClusterSnapshot(d) => d.encrypted,
                        _ => false,
                    })
            })
            .map(|(_, id)| id.clone())
            .collect()
    }

    /// The target's DB subnet groups arrived: the dialog offers them.
    pub(super) fn db_subnet_groups(&mut self, result: Result<Vec<String>, String>) {
        match result {
            Ok(names) => {
                if let Mode::CopyDialog(d) = &mut self.mode {
                    d.db.subnet_groups = Some(names);
                }
                self.replan_dialogs();
            }
            Err(e) => self.note(
                Level::Warn,
                format!("cannot read the target's DB subnet groups: {e}"),
            ),
        }
    }

    /// The target's AZs its listing shows (where its subnets and volumes
    /// are), sorted; the task checks the AZ with AWS before any write.
    fn target_zones(&self) -> Vec<String> {
        let subnets = self.inventory.resources(Side::Target, Kind::Subnet);
        let volumes = self.inventory.resources(Side::Target, Kind::Volume);
        let mut zones: Vec<String> = subnets
            .iter()
            .chain(volumes)
            .filter_map(|r| match &r.details {
                Details::Subnet(s) => Some(s.availability_zone.clone()),
                Details::Volume(v) => Some(v.availability_zone.clone()),
                _ => None,
            })
            .filter(|z| !z.is_empty())
            .collect();
        zones.sort();
        zones.dedup();
        zones
    }

    /// The target's VPCs, the default one chosen.
    fn target_vpc_choices(&self) -> (Vec<(Option<String>, String)>, usize) {
        let list = self.inventory.resources(Side::Target, Kind::Vpc);
        if list.is_empty() {
            return (vec![(None, "the target's default VPC".into())], 0);
        }
        let label = |r: &Resource| {
            let (cidr, default) = match &r.details {
                Details::Vpc(v) => (v.cidr.as_str(), v.is_default),
                _ => ("", false),
            };
            let mut text = format!("{} {cidr}", r.id);
            if r.name != r.id && !r.name.is_empty() {
                text.push_str(&format!(" {}", r.name));
            }
            if default {
                text.push_str(" (default)");
            }
            text
        };
        let chosen = list
            .iter()
            .position(|r| matches!(&r.details, Details::Vpc(v) if v.is_default))
            .unwrap_or(0);
        let choices = list
            .iter()
            .map(|r| (Some(r.id.clone()), label(r)))
            .collect();
        (choices, chosen)
    }

    /// Works out the plan the dialog stands for, with its current options.
    fn copy_plan(&self, d: &CopyDialog) -> Plan {
        let resources: Vec<&Resource> = d
            .picked
            .iter()
            .filter_map(|(kind, id)| {
                self.inventory
                    .resources(Side::Source, *kind)
                    .iter()
                    .find(|r| &r.id == id)
            })
            .collect();
        let mut planned = plan(&resources, &self.inventory, &d.options(), d.stamp);
        d.db.apply(&mut planned.tasks);
        planned
    }

    pub(super) fn copy_dialog_key(
        &mut self,
        mut d: Box<CopyDialog>,
        key: DialogKey,
    ) -> Vec<Effect> {
        let n = d.fields.len();
        match key {
            DialogKey::Cancel => {
                self.note(Level::Info, "copy cancelled: nothing started");
                return Vec::new();
            }
            DialogKey::Accept => return self.confirm_copies(d),
            DialogKey::NextField if n > 0 => {
                d.focus = Some(d.focus.map_or(0, |i| (i + 1) % n));
            }
            DialogKey::PrevField if n > 0 => {
                d.focus = Some(d.focus.map_or(n - 1, |i| (i + n - 1) % n));
            }
            DialogKey::Choose(by) if d.focused().is_some_and(|f| d.choices(f).is_some()) => {
                if let Some(field) = d.focused() {
                    d.choose(field, by);
                }
            }
            DialogKey::Choose(by) if n > 0 => {
                let key = if by > 0 {
                    DialogKey::NextField
                } else {
                    DialogKey::PrevField
                };
                return self.copy_dialog_key(d, key);
            }
            DialogKey::AddReferenced => self.add_referenced_groups(&mut d),
            DialogKey::Edit(request) => {
                if let Some(input) = d.focused().and_then(|f| d.input_mut(f)) {
                    input.handle(request);
                }
            }
            _ => {}
        }
        d.plan = self.copy_plan(&d);
        self.mode = Mode::CopyDialog(d);
        Vec::new()
    }

    /// Works the open dialog's plan out again after one of its inputs
    /// changed outside its keys (a listing arrived, a background read).
    pub(super) fn replan_dialogs(&mut self) {
        match std::mem::replace(&mut self.mode, Mode::Normal) {
            Mode::CopyDialog(mut d) => {
                d.plan = self.copy_plan(&d);
                self.mode = Mode::CopyDialog(d);
            }
            Mode::DnsPlan(mut d) => {
                d.settle(&self.inventory);
                self.mode = Mode::DnsPlan(d);
            }
            other => self.mode = other,
        }
    }

    /// Adds to the dialog's selection the groups that the selected groups'
    /// rules name (and theirs in turn), so that no rule is left out.
    fn add_referenced_groups(&mut self, d: &mut CopyDialog) {
        let picked: Vec<&Resource> = d
            .picked
            .iter()
            .filter_map(|(kind, id)| {
                self.inventory
                    .resources(Side::Source, *kind)
                    .iter()
                    .find(|r| &r.id == id)
            })
            .collect();
        let more: Vec<String> = referenced_groups(&picked, &self.inventory)
            .iter()
            .map(|r| r.id.clone())
            .collect();
        if more.is_empty() {
            return self.note(
                Level::Info,
                "no group to add: every group the rules name is selected, copied, or not in the source",
            );
        }
        self.note(
            Level::Info,
            format!("added to the copy: {}", more.join(", ")),
        );
        d.picked
            .extend(more.into_iter().map(|id| (Kind::SecurityGroup, id)));
    }

    fn confirm_copies(&mut self, d: Box<CopyDialog>) -> Vec<Effect> {
        if self.read_only() {
            self.note(
                Level::Warn,
                "read-only: copies refused; nothing was started",
            );
            return Vec::new();
        }
        let kms = optional(&d.kms);
        let target = self.inventory.target_region().to_string();
        if let Some(why) = d.db.refusal(kms.as_deref(), &target) {
            self.note(Level::Warn, format!("{why}; or esc"));
            self.mode = Mode::CopyDialog(d);
            return Vec::new();
        }
        if let Some(e) = d
            .az_map_error()
            .or_else(|| d.bucket_error())
            .or_else(|| d.bucket_choice_error())
        {
            self.note(Level::Warn, format!("{e}: fix the name, or esc"));
            self.mode = Mode::CopyDialog(d);
            return Vec::new();
        }
        // What was shown is what starts.
        let planned = d.plan.clone();
        if planned.tasks.is_empty() {
            self.note(
                Level::Warn,
                "nothing to copy: every row picked was refused (see why in the dialog)",
            );
            self.mode = Mode::CopyDialog(d);
            return Vec::new();
        }
        let count = planned.tasks.len();
        let replaces = planned
            .tasks
            .iter()
            .any(|t| t.kind == CopyKind::Instance && t.options.launch.replace);
        // A relaunch is checked with AWS, and a new DB instance's landing
        // zone surveyed (bad input refused), in the background before
        // anything starts.
        let start = if relaunches(&planned.tasks) {
            Effect::StartRelaunches {
                tasks: planned.tasks,
                no_subnet_group: d.db.no_subnet_group(),
            }
        } else if planned.tasks.iter().any(needs_survey) {
            Effect::StartDbCopies {
                tasks: planned.tasks,
                no_subnet_group: d.db.no_subnet_group(),
            }
        } else {
            Effect::StartCopies(planned.tasks)
        };
        for (kind, id) in &d.picked {
            if let Some(k) = self.kinds.get_mut(kind) {
                k.selected.remove(&(Side::Source, id.clone()));
            }
        }
        if replaces {
            // Terminating a running instance asks for the word.
            let target = self.inventory.target_region().to_string();
            self.ask(
                Confirm::new(
                    format!("replace the cutover launch ({count} task(s))"),
                    d.launch.replace_lines(&target),
                    vec![start],
                )
                .typing(REPLACE_WORD),
            );
            return Vec::new();
        }
        let effects = self.gate("copies", vec![start]);
        self.note(
            Level::Info,
            format!(
                "starting {count} copy task(s) into {}",
                self.inventory.target_region()
            ),
        );
        self.show_tasks = true;
        effects
    }
}
