//! Region names: a typo must fail with a suggestion before any call is made,
//! not as a DNS error from a made-up endpoint.

/// AWS regions as of late 2026 (commercial, GovCloud, China, European Sovereign Cloud).
const KNOWN: &[&str] = &[
    "us-east-1",
    "us-east-2",
    "us-west-1",
    "us-west-2",
    "af-south-1",
    "ap-east-1",
    "ap-east-2",
    "ap-south-1",
    "ap-south-2",
    "ap-southeast-1",
    "ap-southeast-2",
    "ap-southeast-3",
    "ap-southeast-4",
    "ap-southeast-5",
    "ap-southeast-6",
    "ap-southeast-7",
    "ap-northeast-1",
    "ap-northeast-2",
    "ap-northeast-3",
    "ca-central-1",
    "ca-west-1",
    "eu-central-1",
    "eu-central-2",
    "eu-west-1",
    "eu-west-2",
    "eu-west-3",
    "eu-south-1",
    "eu-south-2",
    "eu-north-1",
    "il-central-1",
    "me-south-1",
    "me-central-1",
    "mx-central-1",
    "sa-east-1",
    "us-gov-east-1",
    "us-gov-west-1",
    "cn-north-1",
    "cn-northwest-1",
    "eusc-de-east-1",
];

/// Ok if `name` is a known region or listed in the config's `extra_regions`.
pub(crate) fn check_region(role: &str, name: &str, extra: &[String]) -> Result<(), String> {
    if KNOWN.contains(&name) || extra.iter().any(|e| e == name) {
        return Ok(());
    }
    let nearest = KNOWN
        .iter()
        .min_by_key(|k| strsim::levenshtein(k, name))
        .copied();
    let suggestion = match nearest {
        Some(n) if strsim::levenshtein(n, name) <= 3 => format!("did you mean {n}? "),
        _ => String::new(),
    };
    Err(format!(
        "unknown {role} region '{name}': {suggestion}Regions look like us-east-1 or eu-west-1. \
         If it is a region newer than cutover, add it to extra_regions in the config file."
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_regions_pass_and_typos_get_a_suggestion() {
        assert!(check_region("source", "eu-west-1", &[]).is_ok());
        let e = check_region("target", "eu-wset-1", &[]).unwrap_err();
        assert!(
            e.contains("unknown target region 'eu-wset-1'")
                && e.contains("did you mean eu-west-1?"),
            "{e}"
        );
        assert!(!check_region("source", "mars", &[])
            .unwrap_err()
            .contains("did you mean"));
        assert!(check_region("source", "xx-new-1", &["xx-new-1".into()]).is_ok());
    }
}
