//! What refuses a relaunch before anything is made, each in a sentence
//! that says what to do instead.

use crate::model::launch::SourceInstance;

/// Why `src` cannot be relaunched; empty when it can. `offered` is the
/// instance types the target AZ (or region) offers, when known.
pub(crate) fn refusals(src: &SourceInstance, offered: Option<(&str, &[String])>) -> Vec<String> {
    let mut why = Vec::new();
    let id = &src.id;
    if matches!(src.state.as_str(), "terminated" | "shutting-down") {
        why.push(format!(
            "{id} is {}: there is nothing left to image; launch from an AMI instead",
            src.state
        ));
        return why;
    }
    if src.root_device_type == "instance-store" {
        why.push(format!("{id} has an instance-store root (not EBS-backed): it cannot be imaged this way; rebuild it from its AMI and configuration in the target"));
    }
    if !src.product_codes.is_empty() {
        why.push(format!(
            "{id} runs a Marketplace AMI (product code {}): AWS refuses to copy it; subscribe to the product in the target region and launch from its AMI there",
            src.product_codes.join(", ")
        ));
    }
    if let Some((place, offered)) = offered {
        if !offered.iter().any(|t| t == &src.instance_type) {
            let near = nearest_types(&src.instance_type, offered);
            why.push(format!(
                "{id} is a {} and {place} does not offer that type{}",
                src.instance_type,
                if near.is_empty() {
                    String::new()
                } else {
                    format!(": nearest offered are {}", near.join(", "))
                }
            ));
        }
    }
    why
}

/// Up to three offered types close to `wanted`: the same family in other
/// sizes first, then the same size in families of the same letter.
pub(crate) fn nearest_types(wanted: &str, offered: &[String]) -> Vec<String> {
    let (family, size) = wanted.split_once('.').unwrap_or((wanted, ""));
    let letter: String = family
        .chars()
        .take_while(|c| c.is_ascii_alphabetic())
        .collect();
    let rank = |t: &str| -> Option<u8> {
        let (f, s) = t.split_once('.').unwrap_or((t, ""));
        if f == family {
            Some(0)
        } else if s == size && f.starts_with(&letter) {
            Some(1)
        } else if s == size {
            Some(2)
        } else {
            None
        }
    };
    let mut near: Vec<(u8, &String)> = offered.iter().filter_map(|t| Some((rank(t)?, t))).collect();
    near.sort();
    near.into_iter().take(3).map(|(_, t)| t.clone()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn running() -> SourceInstance {
        SourceInstance {
            id: "i-1".into(),
            state: "running".into(),
            instance_type: "m5.large".into(),
            root_device_type: "ebs".into(),
            ..Default::default()
        }
    }

    #[test]
    fn a_plain_ebs_instance_passes() {
        let offered = ["m5.large".to_string()];
        assert!(refusals(&running(), Some(("eu-west-1a", &offered))).is_empty());
        assert!(refusals(&running(), None).is_empty());
    }

    #[test]
    fn each_bad_input_says_what_to_do() {
        let gone = SourceInstance {
            state: "terminated".into(),
            ..running()
        };
        assert!(refusals(&gone, None)[0].contains("is terminated"));
        let store = SourceInstance {
            root_device_type: "instance-store".into(),
            ..running()
        };
        assert!(refusals(&store, None)[0].contains("cannot be imaged this way"));
        let market = SourceInstance {
            product_codes: vec!["abc123".into()],
            ..running()
        };
        assert!(refusals(&market, None)[0].contains("Marketplace AMI (product code abc123)"));
    }

    #[test]
    fn an_unoffered_type_names_the_nearest_offered() {
        let offered: Vec<String> = ["m5.xlarge", "m6i.large", "c5.large", "r5.large", "t3.small"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        let why = refusals(&running(), Some(("eu-west-1c", &offered)));
        assert_eq!(
            why,
            ["i-1 is a m5.large and eu-west-1c does not offer that type: nearest offered are m5.xlarge, m6i.large, c5.large"]
        );
        assert!(nearest_types("x9.huge", &offered).is_empty());
    }
}
