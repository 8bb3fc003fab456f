//! The DNS plan dialog: a record, the target value (picked from the target
//! inventory or typed), the TTL stages and weight steps as the CLI writes
//! them, and the engine's own plan and guards shown live. The preview is
//! built from the inventory when the dialog's fields or the inventory
//! change (kept in the dialog: drawing only reads it); confirming has the
//! engine read Route 53 again and check everything before it writes. A
//! record that is already a weighted pair gets one more field: which of
//! its sets is the source.

use super::action::{DialogKey, Effect};
use super::app::{App, Mode};
use super::state::Level;
use crate::cloud::dns_change::{Alias, RecordSet};
use crate::cutover::guards::{parse_ttl_stages, parse_weight_steps};
use crate::cutover::health::HealthCheckSpec;
use crate::cutover::plan::{Found, DEFAULT_TTL_STAGES, DEFAULT_WEIGHTS};
use crate::cutover::{DnsPlan, PlanChoices};
use crate::model::{Details, Inventory, Kind, Resource, Side};
use tui_input::Input;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum DnsField {
    /// Only for a record that is already a weighted pair.
    SourceSet,
    Target,
    TtlStages,
    Weights,
    HealthCheck,
}

pub(crate) const DNS_FIELDS: [DnsField; 4] = [
    DnsField::Target,
    DnsField::TtlStages,
    DnsField::Weights,
    DnsField::HealthCheck,
];

impl DnsField {
    pub(crate) fn label(self) -> &'static str {
        match self {
            DnsField::SourceSet => "source set",
            DnsField::Target => "target value",
            DnsField::TtlStages => "TTL stages (s)",
            DnsField::Weights => "weights src/tgt",
            DnsField::HealthCheck => "health check",
        }
    }
}

#[derive(Debug, Clone)]
pub struct DnsDialog {
    pub(crate) zone_id: String,
    pub(crate) zone_name: String,
    pub(crate) record_name: String,
    pub(crate) record_type: String,
    /// (value, where it comes from) in the target inventory.
    pub(crate) candidates: Vec<(String, String)>,
    pub(crate) picked: Option<usize>,
    pub(crate) focus: usize,
    pub target: Input,
    pub(crate) ttl_stages: Input,
    pub(crate) weights: Input,
    /// Optional: tcp:PORT, http:PORT/PATH or https:PORT/PATH.
    pub(crate) health_check: Input,
    /// The relaunched instance's new address, when the record answers
    /// with a source instance's: put in the target field as it opens.
    pub(crate) suggested: Option<crate::cutover::suggest::Suggestion>,
    /// The record's weighted sets (id, weight), when it is already a
    /// weighted pair; empty for a simple record.
    pub(crate) source_sets: Vec<(String, i64)>,
    /// The picked source set, shown as text in its field.
    pub source_set: Input,
    /// The engine's plan from the fields and the inventory, or why there
    /// is none; worked out by `settle` when they change.
    pub(crate) planned: Result<DnsPlan, String>,
    /// The target value is nothing the target region holds (a typo?).
    pub(crate) warning: Option<String>,
}

impl DnsDialog {
    /// The fields shown: the source set first when the record is weighted.
    pub(crate) fn fields(&self) -> Vec<DnsField> {
        let mut fields = DNS_FIELDS.to_vec();
        if !self.source_sets.is_empty() {
            fields.insert(0, DnsField::SourceSet);
        }
        fields
    }

    pub(crate) fn focused(&self) -> DnsField {
        let fields = self.fields();
        fields[self.focus % fields.len()]
    }

    /// The picked source set's id, when the record is weighted.
    pub(crate) fn picked_source_set(&self) -> Option<String> {
        let id = self.source_set.value().trim();
        (!self.source_sets.is_empty() && !id.is_empty()).then(|| id.to_string())
    }

    pub(crate) fn input(&self, field: DnsField) -> &Input {
        match field {
            DnsField::SourceSet => &self.source_set,
            DnsField::Target => &self.target,
            DnsField::TtlStages => &self.ttl_stages,
            DnsField::Weights => &self.weights,
            DnsField::HealthCheck => &self.health_check,
        }
    }

    /// The operator's choices, checked by the engine's own parsers.
    pub(crate) fn choices(&self) -> Result<PlanChoices, String> {
        Ok(PlanChoices {
            ttl_stages: Some(parse_ttl_stages(self.ttl_stages.value()).map_err(|e| e.to_string())?),
            weights: Some(parse_weight_steps(self.weights.value()).map_err(|e| e.to_string())?),
            health_check: match self.health_check.value().trim() {
                "" => None,
                spec => Some(HealthCheckSpec::parse(spec).map_err(|e| e.to_string())?),
            },
            source_set: self.picked_source_set(),
            ..Default::default()
        })
    }

    /// The shared warning when the target value is nothing the target
    /// region holds (a typo, usually); none for alias targets.
    fn unknown_value_warning(&self, inventory: &Inventory, plan: &DnsPlan) -> Option<String> {
        if matches!(plan.target, crate::cutover::plan::Answer::Alias(_)) {
            return None;
        }
        crate::cutover::target_value::unknown_value_warning(
            &plan.target,
            &self.candidates,
            inventory.target_region(),
        )
    }

    /// Works out the plan and its warning again from the fields and the
    /// inventory; called after each change to either.
    pub(super) fn settle(&mut self, inventory: &Inventory) {
        self.planned = self.preview(inventory);
        self.warning = match &self.planned {
            Ok(plan) => self.unknown_value_warning(inventory, plan),
            Err(_) => None,
        };
    }

    /// The plan the engine would make from what the inventory shows.
    fn preview(&self, inventory: &Inventory) -> Result<DnsPlan, String> {
        let choices = self.choices()?;
        if self.target.value().trim().is_empty() && choices.source_set.is_none() {
            return Err(
                "give the target value: ↑↓ picks one from the target region, or type it".into(),
            );
        }
        let at_name = record_sets_at(inventory, &self.zone_id, &self.record_name);
        let found = Found {
            zone_id: &self.zone_id,
            zone_name: &self.zone_name,
            record_name: &self.record_name,
            at_name: &at_name,
            public_zone: !zone_is_private(inventory, &self.zone_id),
        };
        let regions = (inventory.source_region(), inventory.target_region());
        DnsPlan::build(&found, regions, self.target.value(), &choices).map_err(|e| e.to_string())
    }
}

/// Whether the inventory lists this zone as private (VPC-only).
fn zone_is_private(inventory: &Inventory, zone_id: &str) -> bool {
    inventory
        .resources(Side::Global, Kind::HostedZone)
        .iter()
        .any(|z| z.id == zone_id && matches!(&z.details, Details::HostedZone(h) if h.private))
}

/// The record sets of one name in one zone, as the engine reads them.
fn record_sets_at(inventory: &Inventory, zone_id: &str, name: &str) -> Vec<RecordSet> {
    inventory
        .resources(Side::Global, Kind::Record)
        .iter()
        .filter(|r| r.name.eq_ignore_ascii_case(name))
        .filter_map(|r| match &r.details {
            Details::Record(rec) if rec.zone_id == zone_id => Some(RecordSet {
                name: r.name.to_lowercase(),
                record_type: rec.record_type.to_string(),
                ttl: rec.ttl,
                set_identifier: rec.set_identifier.clone(),
                weight: rec.weight,
                values: rec.values.clone(),
                alias: rec.alias_target.as_ref().map(|a| Alias {
                    hosted_zone_id: a.hosted_zone_id.clone(),
                    dns_name: a.dns_name.clone(),
                    evaluate_target_health: a.evaluate_target_health,
                }),
                health_check_id: rec.health_check_id.clone(),
            }),
            _ => None,
        })
        .collect()
}

/// The weighted sets (id, weight) of one name and type: a plan from them
/// names its source set.
fn weighted_sets(
    inventory: &Inventory,
    zone_id: &str,
    name: &str,
    record_type: &str,
) -> Vec<(String, i64)> {
    record_sets_at(inventory, zone_id, name)
        .into_iter()
        .filter(|s| s.record_type == record_type)
        .filter_map(|s| Some((s.set_identifier?, s.weight?)))
        .collect()
}

fn list_text<T: ToString>(items: &[T]) -> String {
    items.iter().map(T::to_string).collect::<Vec<_>>().join(",")
}

impl App {
    /// The record under the Route 53 cursor, if it is one.
    pub fn cursor_record(&self) -> Option<&Resource> {
        self.cursor_resource(0).filter(|r| r.kind == Kind::Record)
    }

    pub(crate) fn open_dns_dialog(&mut self) {
        let Some(r) = self.cursor_record() else {
            let text = format!("{} plans a DNS cutover: go to the Route 53 records (:rec) and put the cursor on an A, AAAA or CNAME record", self.keymap.keys_of(super::action::Command::DnsPlan));
            return self.note(Level::Info, text);
        };
        let Details::Record(rec) = &r.details else {
            return;
        };
        if let Some(view) = self.dns.get(&super::dns_board::topic_of(r)) {
            if view.progress.as_ref().is_some_and(|p| !p.may_replan()) {
                use super::action::Command;
                let text = format!(
                    "a cutover of {} is in flight: {} makes the next step, {} rolls back, {} finishes a \
                     completed one, {} aborts a rolled-back one",
                    r.name,
                    self.keymap.keys_of(Command::DnsStep),
                    self.keymap.keys_of(Command::DnsRollback),
                    self.keymap.keys_of(Command::DnsFinish),
                    self.keymap.keys_of(Command::DnsAbort)
                );
                return self.note(Level::Warn, text);
            }
        }
        let candidates =
            crate::cutover::target_value::known_targets(&self.inventory, &rec.record_type);
        let moved = crate::migrate::relaunch::moved_addresses(self.tasks.read().iter());
        let suggested = crate::cutover::suggest::suggest(
            &self.inventory,
            &rec.record_type,
            &rec.values,
            &moved,
        );
        let picked = suggested
            .as_ref()
            .and_then(|s| candidates.iter().position(|(v, _)| *v == s.value));
        let source_sets = weighted_sets(&self.inventory, &rec.zone_id, &r.name, &rec.record_type);
        // The set named after the source region is the likely source.
        let source = self.inventory.source_region().to_string();
        let first_pick = source_sets
            .iter()
            .find(|(id, _)| *id == source)
            .or(source_sets.first())
            .map(|(id, _)| id.clone())
            .unwrap_or_default();
        let mut dialog = DnsDialog {
            zone_id: rec.zone_id.to_string(),
            zone_name: rec.zone_name.to_string(),
            record_name: r.name.clone(),
            record_type: rec.record_type.to_string(),
            candidates,
            picked,
            focus: 0,
            target: Input::new(
                suggested
                    .as_ref()
                    .map(|s| s.value.clone())
                    .unwrap_or_default(),
            ),
            ttl_stages: Input::new(list_text(&DEFAULT_TTL_STAGES)),
            weights: Input::new(list_text(&DEFAULT_WEIGHTS)),
            health_check: Input::default(),
            suggested,
            source_sets,
            source_set: Input::new(first_pick),
            planned: Err(String::new()),
            warning: None,
        };
        dialog.settle(&self.inventory);
        self.mode = Mode::DnsPlan(Box::new(dialog));
    }

    pub(super) fn dns_dialog_key(&mut self, mut d: Box<DnsDialog>, key: DialogKey) -> Vec<Effect> {
        let n = d.fields().len();
        match key {
            DialogKey::Cancel => {
                self.note(Level::Info, "DNS plan closed: nothing written");
                return Vec::new();
            }
            DialogKey::Accept => return self.confirm_dns_plan(d),
            DialogKey::NextField => d.focus = (d.focus + 1) % n,
            DialogKey::PrevField => d.focus = (d.focus + n - 1) % n,
            DialogKey::Choose(by)
                if d.focused() == DnsField::Target && !d.candidates.is_empty() =>
            {
                let len = d.candidates.len() as i32;
                let next = match d.picked {
                    Some(i) => (i as i32 + by).rem_euclid(len),
                    None if by > 0 => 0,
                    None => len - 1,
                } as usize;
                d.picked = Some(next);
                d.target = Input::new(d.candidates[next].0.clone());
            }
            DialogKey::Choose(by) if d.focused() == DnsField::SourceSet => {
                let ids: Vec<&String> = d.source_sets.iter().map(|(id, _)| id).collect();
                let at = ids.iter().position(|id| *id == d.source_set.value());
                let next = match at {
                    Some(i) => (i as i32 + by).rem_euclid(ids.len() as i32) as usize,
                    None => 0,
                };
                d.source_set = Input::new(ids[next].clone());
            }
            DialogKey::Choose(by) => d.focus = (d.focus as i32 + by).rem_euclid(n as i32) as usize,
            DialogKey::AddReferenced => {}
            DialogKey::Edit(request) => {
                let input = match d.focused() {
                    // Picked with ↑↓ only: a typed set id could name none.
                    DnsField::SourceSet => {
                        self.mode = Mode::DnsPlan(d);
                        return Vec::new();
                    }
                    DnsField::Target => {
                        d.picked = None;
                        &mut d.target
                    }
                    DnsField::TtlStages => &mut d.ttl_stages,
                    DnsField::Weights => &mut d.weights,
                    DnsField::HealthCheck => &mut d.health_check,
                };
                input.handle(request);
            }
        }
        d.settle(&self.inventory);
        self.mode = Mode::DnsPlan(d);
        Vec::new()
    }

    fn confirm_dns_plan(&mut self, d: Box<DnsDialog>) -> Vec<Effect> {
        if self.read_only() {
            self.note(
                Level::Warn,
                "read-only: the DNS plan is shown, not applied; nothing was written",
            );
            self.mode = Mode::DnsPlan(d);
            return Vec::new();
        }
        let (choices, weighted) = match (d.planned.clone(), d.choices()) {
            (Ok(plan), Ok(choices)) => (choices, plan.weighted_start.is_some()),
            (Err(e), _) | (_, Err(e)) => {
                self.note(Level::Warn, format!("not started: {e}"));
                self.mode = Mode::DnsPlan(d);
                return Vec::new();
            }
        };
        let what = if weighted {
            "journaling the plan from the weighted pair it holds (nothing written to Route 53)"
        } else {
            "journaling the plan and making step 1"
        };
        self.note(Level::Info, format!("{}: {what}", d.record_name));
        self.gate(
            "the DNS plan",
            vec![Effect::DnsStart {
                zone_id: d.zone_id.clone(),
                record: d.record_name.clone(),
                target_value: d.target.value().trim().to_string(),
                choices,
            }],
        )
    }
}
