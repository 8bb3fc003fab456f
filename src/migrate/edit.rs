//! Changing a task's options before it runs again, in the operator's words
//! (`target-bucket=shop-assets-eu`): one place for the headless
//! `cutover tasks --retry ID --set key=value` and the cockpit's edit
//! dialog, so both take the same words and refuse with the same sentences.

use super::task::{CopyKind, RestoreOptions, Step, Task, TaskSpec, TaskState};

/// The keys `set_option` knows, for help and error messages.
pub(crate) const KEYS: [&str; 10] = [
    "target-bucket",
    "target-az",
    "target-vpc",
    "kms-key-id",
    "restore-as",
    "instance-class",
    "subnet-group",
    "security-groups",
    "az-map",
    "target-subnet",
];

/// The options that mean something to a kind of copy, in the order the
/// cockpit's edit dialog shows them. A key outside this list is refused
/// for the kind (it would be stored and never read).
pub(crate) fn keys_for(kind: CopyKind) -> &'static [&'static str] {
    match kind {
        CopyKind::Image | CopyKind::Snapshot | CopyKind::DbClusterSnapshot => &["kms-key-id"],
        CopyKind::Volume => &["target-az", "kms-key-id"],
        CopyKind::KeyPair => &[],
        CopyKind::SecurityGroups => &["target-vpc"],
        CopyKind::Bucket => &["target-bucket", "kms-key-id"],
        CopyKind::DbInstance | CopyKind::DbSnapshot => &[
            "restore-as",
            "instance-class",
            "subnet-group",
            "security-groups",
            "kms-key-id",
        ],
        CopyKind::DbReplica => &[
            "instance-class",
            "subnet-group",
            "security-groups",
            "kms-key-id",
        ],
        CopyKind::Vpc => &["az-map"],
        CopyKind::Instance => &["target-subnet", "kms-key-id"],
    }
}

/// What an option holds now, as `set_option` takes it ("" when unset).
pub(crate) fn current(spec: &TaskSpec, key: &str) -> String {
    let o = &spec.options;
    let text = |v: &Option<String>| v.clone().unwrap_or_default();
    let restore = o.restore.as_ref();
    match key {
        "target-bucket" => text(&o.target_bucket),
        "target-az" => text(&o.target_az),
        "target-vpc" => text(&o.target_vpc),
        "kms-key-id" => text(&o.kms_key_id),
        "restore-as" => restore.map(|r| r.instance_id.clone()).unwrap_or_default(),
        "instance-class" => restore
            .and_then(|r| r.instance_class.clone())
            .unwrap_or_default(),
        "subnet-group" => restore
            .and_then(|r| r.subnet_group.clone())
            .unwrap_or_default(),
        "security-groups" => restore
            .map(|r| r.security_group_ids.join(","))
            .unwrap_or_default(),
        "az-map" => text(&o.az_map),
        "target-subnet" => text(&o.launch.target_subnet),
        _ => String::new(),
    }
}

/// The step that makes what a key names: once that step is done, the
/// key cannot change (the task would go on into something never made).
fn made_by(key: &str) -> Option<Step> {
    match key {
        "target-bucket" => Some(Step::CreateBucket),
        "target-vpc" => Some(Step::CreateGroups),
        _ => None,
    }
}

/// Checks and applies `settings` (key, value) to a failed or paused task:
/// the new spec and the change in words, for `Scheduler::edit`. Nothing is
/// applied unless every setting holds.
pub fn edit(task: &Task, settings: &[(String, String)]) -> Result<(TaskSpec, String), String> {
    let id = &task.spec.id;
    if !matches!(
        task.state,
        TaskState::Failed { .. } | TaskState::Paused { .. }
    ) {
        return Err(format!(
            "task {id} is {}: only failed or paused tasks can be changed",
            task.state_name()
        ));
    }
    let kind = task.spec.kind;
    let allowed = keys_for(kind);
    let steps = task.spec.steps();
    let mut spec = task.spec.clone();
    let mut changes = Vec::new();
    for (key, value) in settings {
        if KEYS.contains(&key.as_str()) && !allowed.contains(&key.as_str()) {
            return Err(format!(
                "task {id}: {key} does not apply to a {}; {}",
                kind.label(),
                if allowed.is_empty() {
                    "it has no options to change".to_string()
                } else {
                    format!("its options: {}", allowed.join(", "))
                }
            ));
        }
        let made = made_by(key)
            .and_then(|step| steps.iter().position(|s| *s == step))
            .filter(|&at| task.next_step > at);
        if let Some(at) = made {
            if current(&spec, key) != *value {
                return Err(format!(
                    "task {id}: {key} cannot change: \"{}\" is done and made {}; cancel the task and copy again to use another",
                    steps[at].label(),
                    current(&spec, key)
                ));
            }
        }
        changes.push(set_option(&mut spec, key, value).map_err(|e| format!("task {id}: {e}"))?);
    }
    Ok((spec, changes.join(", ")))
}

/// Splits "key=value".
pub(crate) fn parse_setting(text: &str) -> Result<(String, String), String> {
    match text.split_once('=') {
        Some((key, value)) if !key.trim().is_empty() => {
            Ok((key.trim().to_string(), value.trim().to_string()))
        }
        _ => Err(format!(
            "'{text}' is not key=value (e.g. target-az=eu-west-1b); keys: {}",
            KEYS.join(", ")
        )),
    }
}

/// Sets one option of a task; an empty value clears it. Returns the change
/// in words, for the task's history.
pub(crate) fn set_option(spec: &mut TaskSpec, key: &str, value: &str) -> Result<String, String> {
    let given = (!value.is_empty()).then(|| value.to_string());
    let o = &mut spec.options;
    match key {
        "target-bucket" => {
            if let Some(name) = &given {
                crate::model::check_bucket_name(name)?;
            }
            o.target_bucket = given
        }
        "target-az" => o.target_az = given,
        "target-vpc" => o.target_vpc = given,
        "kms-key-id" => o.kms_key_id = given,
        "restore-as" => match given {
            Some(id) => o.restore.get_or_insert_with(Default::default).instance_id = id,
            None => o.restore = None,
        },
        "instance-class" => restore_of(o, key)?.instance_class = given,
        "subnet-group" => restore_of(o, key)?.subnet_group = given,
        "az-map" => {
            if let Some(map) = &given {
                crate::model::network::parse_az_map(map)?;
            }
            o.az_map = given
        }
        "target-subnet" => o.launch.target_subnet = given,
        "security-groups" => {
            restore_of(o, key)?.security_group_ids = value
                .split(',')
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(String::from)
                .collect()
        }
        other => {
            return Err(format!(
                "unknown option '{other}'; options: {}",
                KEYS.join(", ")
            ))
        }
    }
    Ok(if value.is_empty() {
        format!("{key} cleared")
    } else {
        format!("{key} = {value}")
    })
}

fn restore_of<'a>(
    o: &'a mut super::task::CopyOptions,
    key: &str,
) -> Result<&'a mut RestoreOptions, String> {
    o.restore.as_mut().ok_or_else(|| {
        format!("{key} applies to a restored DB instance: set restore-as=NAME first")
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::migrate::{CopyKind, CopyOptions, TaskEvent};

    fn spec() -> TaskSpec {
        TaskSpec {
            id: "t".into(),
            kind: CopyKind::DbInstance,
            source_ids: vec!["db-1".into()],
            names: Default::default(),
            source_region: "us-east-1".into(),
            target_region: "eu-west-1".into(),
            options: CopyOptions::default(),
            known_copies: Default::default(),
        }
    }

    #[test]
    fn options_are_set_in_the_operators_words() {
        let mut s = spec();
        assert_eq!(
            set_option(&mut s, "target-bucket", "shop-eu").unwrap(),
            "target-bucket = shop-eu"
        );
        assert_eq!(s.options.target_bucket.as_deref(), Some("shop-eu"));
        assert!(set_option(&mut s, "target-bucket", "Shop_EU")
            .unwrap_err()
            .contains("bucket name 'Shop_EU' may hold only"));
        assert!(set_option(&mut s, "instance-class", "db.t3.micro")
            .unwrap_err()
            .contains("restore-as"));
        set_option(&mut s, "restore-as", "db-eu").unwrap();
        set_option(&mut s, "instance-class", "db.t3.micro").unwrap();
        set_option(&mut s, "security-groups", "sg-1, sg-2").unwrap();
        let r = s.options.restore.as_ref().unwrap();
        assert_eq!(
            (r.instance_id.as_str(), r.instance_class.as_deref()),
            ("db-eu", Some("db.t3.micro"))
        );
        assert_eq!(r.security_group_ids, ["sg-1", "sg-2"]);
        set_option(&mut s, "target-bucket", "").unwrap();
        assert_eq!(s.options.target_bucket, None);
        assert!(set_option(&mut s, "colour", "red")
            .unwrap_err()
            .contains("unknown option 'colour'"));
        assert_eq!(
            parse_setting("target-az = eu-west-1b").unwrap(),
            ("target-az".into(), "eu-west-1b".into())
        );
        assert!(parse_setting("nonsense").is_err());
    }

    fn failed(kind: CopyKind, at: usize) -> Task {
        let mut t = Task::new(TaskSpec { kind, ..spec() }, 0);
        t.apply(1, &TaskEvent::StepStarted { step: at });
        t.apply(
            2,
            &TaskEvent::Failed {
                step: at,
                error: "BucketAlreadyExists".into(),
            },
        );
        t
    }

    fn set(key: &str, value: &str) -> Vec<(String, String)> {
        vec![(key.into(), value.into())]
    }

    #[test]
    fn an_edit_takes_only_the_options_of_the_tasks_kind() {
        let bucket = failed(CopyKind::Bucket, 0);
        let (spec, change) = edit(&bucket, &set("target-bucket", "shop-assets-2")).unwrap();
        assert_eq!(spec.options.target_bucket.as_deref(), Some("shop-assets-2"));
        assert_eq!(change, "target-bucket = shop-assets-2");
        assert_eq!(
            edit(&bucket, &set("instance-class", "db.t3.micro")).unwrap_err(),
            "task t: instance-class does not apply to a bucket migration; its options: target-bucket, kms-key-id"
        );
        let key = failed(CopyKind::KeyPair, 0);
        assert!(edit(&key, &set("kms-key-id", "k"))
            .unwrap_err()
            .ends_with("it has no options to change"));
        assert!(edit(&bucket, &set("colour", "red"))
            .unwrap_err()
            .contains("unknown option 'colour'"));
    }

    #[test]
    fn what_a_done_step_made_cannot_be_renamed() {
        let mut copying = failed(CopyKind::Bucket, 0);
        copying.spec.options.target_bucket = Some("shop-eu".into());
        copying.apply(
            3,
            &TaskEvent::StepDone {
                step: 0,
                outputs: Default::default(),
            },
        );
        copying.apply(3, &TaskEvent::StepStarted { step: 2 });
        copying.apply(
            4,
            &TaskEvent::Failed {
                step: 2,
                error: "throttled".into(),
            },
        );
        let why = edit(&copying, &set("target-bucket", "shop-other")).unwrap_err();
        assert!(
            why.contains("\"create the bucket\" is done and made shop-eu"),
            "{why}"
        );
        // The same name again is no change: allowed.
        assert!(edit(&copying, &set("target-bucket", "shop-eu")).is_ok());
        let mut done = failed(CopyKind::Bucket, 0);
        done.apply(5, &TaskEvent::Retried);
        done.apply(6, &TaskEvent::Done);
        assert!(edit(&done, &set("target-bucket", "x-y-z"))
            .unwrap_err()
            .contains("only failed or paused tasks can be changed"));
    }

    #[test]
    fn every_key_a_kind_offers_reads_back_what_was_set() {
        let kinds = [
            CopyKind::Image,
            CopyKind::Volume,
            CopyKind::SecurityGroups,
            CopyKind::Bucket,
            CopyKind::DbInstance,
            CopyKind::DbReplica,
            CopyKind::Vpc,
            CopyKind::Instance,
        ];
        for kind in kinds {
            let mut s = TaskSpec { kind, ..spec() };
            set_option(&mut s, "restore-as", "db-eu").unwrap();
            for key in keys_for(kind) {
                let value = match *key {
                    "az-map" => "us-east-1a=eu-west-1b",
                    "target-bucket" => "shop-eu-2",
                    _ => "v-1",
                };
                set_option(&mut s, key, value).unwrap();
                assert_eq!(current(&s, key), value, "{key} of {kind:?}");
            }
        }
    }
}
