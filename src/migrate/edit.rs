//! Changing a task's options before it runs again, in the operator's words
//! (`target-bucket=shop-assets-eu`): one place for the headless
//! `cutover tasks --retry ID --set key=value` and the cockpit.

use super::task::{RestoreOptions, TaskSpec};

/// The keys `set_option` knows, for help and error messages.
pub(crate) const KEYS: [&str; 8] = [
    "target-bucket",
    "target-az",
    "target-vpc",
    "kms-key-id",
    "restore-as",
    "instance-class",
    "subnet-group",
    "security-groups",
];

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
        "target-bucket" => o.target_bucket = given,
        "target-az" => o.target_az = given,
        "target-vpc" => o.target_vpc = given,
        "kms-key-id" => o.kms_key_id = given,
        "restore-as" => match given {
            Some(id) => o.restore.get_or_insert_with(Default::default).instance_id = id,
            None => o.restore = None,
        },
        "instance-class" => restore_of(o, key)?.instance_class = given,
        "subnet-group" => restore_of(o, key)?.subnet_group = given,
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
    use crate::migrate::{CopyKind, CopyOptions};

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
            set_option(&mut s, "target-bucket", "b2").unwrap(),
            "target-bucket = b2"
        );
        assert_eq!(s.options.target_bucket.as_deref(), Some("b2"));
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
}
