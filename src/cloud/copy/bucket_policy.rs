//! A bucket policy for the copy: the source bucket's ARN and name become
//! the copy's; every other ARN stays as it is and is listed for review
//! (a role, a VPC endpoint or a KMS key may well be the source region's).

use std::collections::BTreeSet;

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct RewrittenPolicy {
    pub(crate) policy: String,
    /// ARNs other than the bucket's own, left as they were.
    pub(crate) other_arns: Vec<String>,
}

/// Rewrites every string of the policy document: `arn:<partition>:s3:::FROM`
/// and `.../FROM/...` to the copy's name, a value that is exactly the name
/// (e.g. an `s3:ResourceAccount`-free condition on the bucket) too.
pub(crate) fn rewrite(policy: &str, from: &str, to: &str) -> Result<RewrittenPolicy, String> {
    let mut doc: serde_json::Value =
        serde_json::from_str(policy).map_err(|e| format!("the bucket policy is not JSON ({e})"))?;
    let mut others = BTreeSet::new();
    walk(&mut doc, &mut |s: &mut String| {
        if s == from {
            *s = to.to_string();
        } else if let Some(rest) = bucket_arn_rest(s, from) {
            let partition = s.split(':').nth(1).unwrap_or("aws").to_string();
            *s = format!("arn:{partition}:s3:::{to}{rest}");
        } else if s.starts_with("arn:") {
            others.insert(s.clone());
        }
    });
    Ok(RewrittenPolicy {
        policy: doc.to_string(),
        other_arns: others.into_iter().collect(),
    })
}

/// For `arn:P:s3:::FROM` or `arn:P:s3:::FROM/...`: what follows the name.
fn bucket_arn_rest<'a>(s: &'a str, bucket: &str) -> Option<&'a str> {
    let mut parts = s.splitn(6, ':');
    let (arn, _partition, service, region, account) = (
        parts.next()?,
        parts.next()?,
        parts.next()?,
        parts.next()?,
        parts.next()?,
    );
    if arn != "arn" || service != "s3" || !region.is_empty() || !account.is_empty() {
        return None;
    }
    let resource = parts.next()?;
    let rest = resource.strip_prefix(bucket)?;
    (rest.is_empty() || rest.starts_with('/')).then_some(rest)
}

fn walk(v: &mut serde_json::Value, f: &mut dyn FnMut(&mut String)) {
    match v {
        serde_json::Value::String(s) => f(s),
        serde_json::Value::Array(items) => items.iter_mut().for_each(|i| walk(i, f)),
        serde_json::Value::Object(map) => map.values_mut().for_each(|i| walk(i, f)),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_bucket_becomes_the_copy_and_other_arns_are_listed() {
        let policy = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow",
            "Principal":{"AWS":"arn:aws:iam::123456789012:role/web"},
            "Action":["s3:GetObject","s3:ListBucket"],
            "Resource":["arn:aws:s3:::shop","arn:aws:s3:::shop/*","arn:aws:s3:::shop-logs/*"],
            "Condition":{"StringEquals":{"aws:SourceVpce":"vpce-1","s3:x":"shop"}}}]}"#;
        let out = rewrite(policy, "shop", "shop-eu").unwrap();
        let doc: serde_json::Value = serde_json::from_str(&out.policy).unwrap();
        let resources = &doc["Statement"][0]["Resource"];
        assert_eq!(resources[0], "arn:aws:s3:::shop-eu");
        assert_eq!(resources[1], "arn:aws:s3:::shop-eu/*");
        assert_eq!(resources[2], "arn:aws:s3:::shop-logs/*", "another bucket");
        assert_eq!(
            doc["Statement"][0]["Condition"]["StringEquals"]["s3:x"],
            "shop-eu"
        );
        assert_eq!(
            out.other_arns,
            [
                "arn:aws:iam::123456789012:role/web",
                "arn:aws:s3:::shop-logs/*"
            ]
        );
        assert!(rewrite("not json", "a", "b").is_err());
        let cn = rewrite(r#"{"R":"arn:aws-cn:s3:::shop/a"}"#, "shop", "x").unwrap();
        assert!(cn.policy.contains("arn:aws-cn:s3:::x/a"), "{}", cn.policy);
    }
}
