//! Which target resource is the copy of which source resource.
//!
//! A copy made by cutover carries the `cutover:source-id` tag, so that match
//! wins. Otherwise the natural key decides: the key pair name, the group name
//! within the paired VPC, the AMI name, the bucket naming rule, the DB
//! snapshot identifier.

use super::resource::{Details, Resource};
#[cfg(test)]
use super::Kind;
use std::collections::HashMap;

/// How a source bucket's copy is named in the target (bucket names are global,
/// so the copy cannot keep the source name).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BucketNaming {
    template: String,
}

impl Default for BucketNaming {
    fn default() -> Self {
        BucketNaming {
            template: "{name}-{target-region}".into(),
        }
    }
}

impl BucketNaming {
    /// A template must name the source bucket, or every copy would collide.
    pub(crate) fn new(template: &str) -> Result<Self, String> {
        if !template.contains("{name}") {
            return Err(format!(
                "bucket name template '{template}' must contain {{name}} (e.g. \"{{name}}-{{target-region}}\")"
            ));
        }
        Ok(BucketNaming {
            template: template.to_string(),
        })
    }

    pub(crate) fn target_name(
        &self,
        name: &str,
        source_region: &str,
        target_region: &str,
    ) -> String {
        self.template
            .replace("{name}", name)
            .replace("{source-region}", source_region)
            .replace("{target-region}", target_region)
    }
}

/// S3's naming rules for general purpose buckets, checked before anything
/// is created: a bad name must not leave half a migration behind.
pub(crate) fn check_bucket_name(name: &str) -> Result<(), String> {
    let bad = |why: &str| Err(format!("bucket name '{name}' {why}"));
    if !(3..=63).contains(&name.len()) {
        return bad("must be 3 to 63 characters long");
    }
    if !name
        .chars()
        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '.')
    {
        return bad("may hold only lowercase letters, digits, hyphens and dots");
    }
    let edge_ok = |c: Option<char>| c.is_some_and(|c| c.is_ascii_lowercase() || c.is_ascii_digit());
    if !edge_ok(name.chars().next()) || !edge_ok(name.chars().last()) {
        return bad("must begin and end with a letter or digit");
    }
    if name.contains("..") || name.contains(".-") || name.contains("-.") {
        return bad("must not have two dots, or a dot beside a hyphen, in a row");
    }
    if name.split('.').count() == 4 && name.split('.').all(|p| p.parse::<u8>().is_ok()) {
        return bad("must not look like an IP address");
    }
    for prefix in ["xn--", "sthree-", "amzn-s3-demo-"] {
        if name.starts_with(prefix) {
            return bad(&format!("must not start with '{prefix}' (reserved by S3)"));
        }
    }
    for suffix in ["-s3alias", "--ol-s3", ".mrap", "--x-s3", "--table-s3"] {
        if name.ends_with(suffix) {
            return bad(&format!("must not end with '{suffix}' (reserved by S3)"));
        }
    }
    Ok(())
}

/// What pairing needs beyond the two lists.
#[derive(Debug, Clone, Default)]
pub(crate) struct PairingContext {
    pub(crate) source_region: String,
    pub(crate) target_region: String,
    pub(crate) bucket_naming: BucketNaming,
    /// source VPC id -> target VPC id, from pairing the VPCs first.
    pub(crate) vpc_pairs: HashMap<String, String>,
}

/// Sets `counterpart` (and `differs`) on every source resource.
pub(crate) fn pair(source: &mut [Resource], target: &[Resource], ctx: &PairingContext) {
    let by_source_id: HashMap<&str, &Resource> = target
        .iter()
        .filter_map(|t| t.source_id().map(|s| (s, t)))
        .collect();
    let by_key: HashMap<String, &Resource> = target
        .iter()
        .filter_map(|t| target_key(t).map(|k| (k, t)))
        .collect();
    for s in source.iter_mut() {
        let found = by_source_id
            .get(s.id.as_str())
            .copied()
            .or_else(|| source_key(s, ctx).and_then(|k| by_key.get(&k).copied()));
        s.counterpart = found.map(|t| t.id.clone());
        s.differs = found.and_then(|t| difference(s, t));
    }
}

/// source VPC id -> target VPC id, for security group pairing.
pub(crate) fn vpc_pairs(source: &[Resource]) -> HashMap<String, String> {
    source
        .iter()
        .filter_map(|s| s.counterpart.clone().map(|t| (s.id.clone(), t)))
        .collect()
}

fn target_key(r: &Resource) -> Option<String> {
    match &r.details {
        Details::KeyPair(_)
        | Details::DbSnapshot(_)
        | Details::DbClusterSnapshot(_)
        | Details::Bucket(_) => Some(r.id.clone()),
        Details::Image(i) => Some(i.ami_name.clone()),
        Details::SecurityGroup(g) => Some(format!("{}/{}", g.vpc_id.as_deref()?, g.group_name)),
        Details::Vpc(v) => vpc_key(r, v.is_default),
        _ => network_key(r, None, None),
    }
}

/// Network pieces pair inside a paired VPC: subnets by CIDR, the main
/// route table and default ACL with their kin, a VPC's internet gateway
/// with the other's, endpoints by service. `vpc` is the target VPC a source
/// piece's VPC pairs with (None for a target piece: its own VPC);
/// `regions` rewrites a source endpoint's service name to the target region.
fn network_key(r: &Resource, vpc: Option<&str>, regions: Option<(&str, &str)>) -> Option<String> {
    let own = |v: &str| vpc.map(str::to_string).unwrap_or_else(|| v.to_string());
    match &r.details {
        Details::Subnet(s) => Some(format!("subnet:{}/{}", own(&s.vpc_id), s.cidr)),
        Details::RouteTable(t) if t.main => Some(format!("main-rtb:{}", own(&t.vpc_id))),
        Details::NetworkAcl(a) if a.default => Some(format!("default-acl:{}", own(&a.vpc_id))),
        Details::InternetGateway(g) => Some(format!(
            "{}:{}",
            if g.egress_only { "eigw" } else { "igw" },
            own(g.vpc_id.as_deref()?)
        )),
        Details::VpcEndpoint(e) => {
            let service = match regions {
                Some((from, to)) => e
                    .service_name
                    .replace(&format!(".{from}."), &format!(".{to}.")),
                None => e.service_name.clone(),
            };
            Some(format!("vpce:{}/{service}", own(&e.vpc_id)))
        }
        _ => None,
    }
}

/// The VPC a network piece lives in.
fn piece_vpc(r: &Resource) -> Option<&str> {
    match &r.details {
        Details::Subnet(s) => Some(&s.vpc_id),
        Details::RouteTable(t) => Some(&t.vpc_id),
        Details::NetworkAcl(a) => Some(&a.vpc_id),
        Details::InternetGateway(g) => g.vpc_id.as_deref(),
        Details::VpcEndpoint(e) => Some(&e.vpc_id),
        _ => None,
    }
}

fn source_key(r: &Resource, ctx: &PairingContext) -> Option<String> {
    match &r.details {
        Details::KeyPair(_) | Details::DbSnapshot(_) | Details::DbClusterSnapshot(_) => {
            Some(r.id.clone())
        }
        Details::Bucket(_) => Some(ctx.bucket_naming.target_name(
            &r.id,
            &ctx.source_region,
            &ctx.target_region,
        )),
        Details::Image(i) => Some(i.ami_name.clone()),
        Details::SecurityGroup(g) => {
            let target_vpc = ctx.vpc_pairs.get(g.vpc_id.as_deref()?)?;
            Some(format!("{target_vpc}/{}", g.group_name))
        }
        Details::Vpc(v) => vpc_key(r, v.is_default),
        _ => {
            let target_vpc = ctx.vpc_pairs.get(piece_vpc(r)?)?;
            network_key(
                r,
                Some(target_vpc),
                Some((&ctx.source_region, &ctx.target_region)),
            )
        }
    }
}

/// Default VPCs pair with each other; others by their Name tag.
fn vpc_key(r: &Resource, is_default: bool) -> Option<String> {
    if is_default {
        return Some("default".into());
    }
    r.tags.get("Name").map(|n| format!("name:{n}"))
}

fn difference(source: &Resource, target: &Resource) -> Option<String> {
    match (&source.details, &target.details) {
        (Details::KeyPair(s), Details::KeyPair(t)) => {
            let (Some(sk), Some(tk)) = (&s.public_key, &t.public_key) else {
                return None;
            };
            (key_material(sk) != key_material(tk))
                .then(|| "another public key under the same name".to_string())
        }
        (Details::SecurityGroup(s), Details::SecurityGroup(t)) => {
            let (a, b) = (s.rule_count(), t.rule_count());
            (a != b).then(|| format!("{a} rules in source, {b} in target"))
        }
        _ => None,
    }
}

/// "ssh-ed25519 AAAA... comment" -> "ssh-ed25519 AAAA..." (comments differ harmlessly).
fn key_material(key: &str) -> String {
    key.split_whitespace().take(2).collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::resource::{self as r, SOURCE_ID_TAG};
    use std::collections::BTreeMap;

    fn key(region: &str, name: &str, public: &str) -> Resource {
        Resource::new(
            region,
            Kind::KeyPair,
            name,
            Details::KeyPair(r::KeyPair {
                public_key: Some(public.into()),
                ..Default::default()
            }),
        )
    }

    fn image(region: &str, id: &str, ami_name: &str, tags: &[(&str, &str)]) -> Resource {
        let tags: BTreeMap<_, _> = tags
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        Resource::new(
            region,
            Kind::Image,
            id,
            Details::Image(r::Image {
                ami_name: ami_name.into(),
                ..Default::default()
            }),
        )
        .with_tags(tags)
    }

    fn ctx() -> PairingContext {
        PairingContext {
            source_region: "us-east-1".into(),
            target_region: "eu-west-1".into(),
            ..Default::default()
        }
    }

    #[test]
    fn source_id_tag_wins_over_name() {
        let mut source = vec![
            image("us-east-1", "ami-1", "web", &[]),
            image("us-east-1", "ami-2", "api", &[]),
        ];
        let target = vec![
            image("eu-west-1", "ami-a", "web", &[]),
            image("eu-west-1", "ami-b", "renamed", &[(SOURCE_ID_TAG, "ami-1")]),
        ];
        pair(&mut source, &target, &ctx());
        assert_eq!(source[0].counterpart.as_deref(), Some("ami-b"));
        assert_eq!(source[1].counterpart, None);
    }

    #[test]
    fn key_pairs_pair_by_name_and_flag_other_keys() {
        let mut source = vec![
            key("us-east-1", "ops", "ssh-ed25519 AAAA1 alice@laptop"),
            key("us-east-1", "ci", "ssh-ed25519 AAAA2"),
            key("us-east-1", "new", "ssh-ed25519 AAAA3"),
        ];
        let target = vec![
            key("eu-west-1", "ops", "ssh-ed25519 AAAA1 other-comment"),
            key("eu-west-1", "ci", "ssh-ed25519 ZZZZ"),
        ];
        pair(&mut source, &target, &ctx());
        assert_eq!(source[0].counterpart.as_deref(), Some("ops"));
        assert_eq!(source[0].differs, None);
        assert_eq!(source[1].counterpart.as_deref(), Some("ci"));
        assert!(source[1].differs.as_deref().unwrap().contains("public key"));
        assert_eq!(source[2].counterpart, None);
    }

    #[test]
    fn buckets_pair_by_naming_rule() {
        let bucket = |region: &str, name: &str| {
            Resource::new(
                region,
                Kind::Bucket,
                name,
                Details::Bucket(r::Bucket::default()),
            )
        };
        let mut source = vec![bucket("us-east-1", "assets"), bucket("us-east-1", "logs")];
        let target = vec![
            bucket("eu-west-1", "assets-eu-west-1"),
            bucket("eu-west-1", "logs"),
        ];
        pair(&mut source, &target, &ctx());
        assert_eq!(source[0].counterpart.as_deref(), Some("assets-eu-west-1"));
        assert_eq!(
            source[1].counterpart, None,
            "same name cannot be the copy: names are global"
        );

        let mut c = ctx();
        c.bucket_naming = BucketNaming::new("{source-region}-{name}-copy").unwrap();
        assert_eq!(
            c.bucket_naming
                .target_name("logs", "us-east-1", "eu-west-1"),
            "us-east-1-logs-copy"
        );
        assert!(BucketNaming::new("fixed-name").is_err());
    }

    #[test]
    fn bucket_names_follow_s3_rules() {
        assert!(check_bucket_name("shop-assets-eu-west-1").is_ok());
        assert!(check_bucket_name("a.b-c.1").is_ok());
        for (bad, why) in [
            ("ab", "3 to 63"),
            ("Shop", "lowercase"),
            ("-shop", "begin and end"),
            ("shop..x", "two dots"),
            ("192.168.1.1", "IP address"),
            ("xn--shop", "reserved"),
            ("shop-s3alias", "reserved"),
            ("shop_assets", "lowercase"),
        ] {
            let e = check_bucket_name(bad).unwrap_err();
            assert!(e.contains(why), "{bad}: {e}");
        }
        assert!(check_bucket_name(&"a".repeat(64)).is_err());
    }

    #[test]
    fn subnets_and_endpoints_pair_inside_the_paired_vpc() {
        let subnet = |region: &str, id: &str, vpc: &str, cidr: &str| {
            Resource::new(
                region,
                Kind::Subnet,
                id,
                Details::Subnet(r::Subnet {
                    vpc_id: vpc.into(),
                    cidr: cidr.into(),
                    availability_zone: String::new(),
                }),
            )
        };
        let mut source = vec![
            subnet("us-east-1", "subnet-1", "vpc-s1", "10.0.1.0/24"),
            subnet("us-east-1", "subnet-2", "vpc-s1", "10.0.2.0/24"),
            subnet("us-east-1", "subnet-3", "vpc-s2", "10.0.1.0/24"),
        ];
        let target = vec![
            subnet("eu-west-1", "subnet-a", "vpc-t1", "10.0.1.0/24"),
            subnet("eu-west-1", "subnet-b", "vpc-t9", "10.0.2.0/24"),
        ];
        let mut c = ctx();
        c.vpc_pairs.insert("vpc-s1".into(), "vpc-t1".into());
        pair(&mut source, &target, &c);
        assert_eq!(source[0].counterpart.as_deref(), Some("subnet-a"));
        assert_eq!(source[1].counterpart, None, "same CIDR in another VPC");
        assert_eq!(source[2].counterpart, None, "vpc-s2 has no paired VPC");

        let endpoint = |region: &str, id: &str, vpc: &str, service: &str| {
            Resource::new(
                region,
                Kind::VpcEndpoint,
                id,
                Details::VpcEndpoint(r::VpcEndpoint {
                    vpc_id: vpc.into(),
                    service_name: service.into(),
                    ..Default::default()
                }),
            )
        };
        let mut source = vec![endpoint(
            "us-east-1",
            "vpce-1",
            "vpc-s1",
            "com.amazonaws.us-east-1.s3",
        )];
        let target = vec![endpoint(
            "eu-west-1",
            "vpce-a",
            "vpc-t1",
            "com.amazonaws.eu-west-1.s3",
        )];
        pair(&mut source, &target, &c);
        assert_eq!(source[0].counterpart.as_deref(), Some("vpce-a"));
    }

    #[test]
    fn security_groups_pair_within_the_paired_vpc() {
        let group = |region: &str, id: &str, name: &str, vpc: &str| {
            Resource::new(
                region,
                Kind::SecurityGroup,
                id,
                Details::SecurityGroup(r::SecurityGroup {
                    group_name: name.into(),
                    vpc_id: Some(vpc.into()),
                    ..Default::default()
                }),
            )
        };
        let mut source = vec![
            group("us-east-1", "sg-1", "web", "vpc-s1"),
            group("us-east-1", "sg-2", "web", "vpc-s2"),
        ];
        let target = vec![
            group("eu-west-1", "sg-a", "web", "vpc-t1"),
            group("eu-west-1", "sg-b", "web", "vpc-t9"),
        ];
        let mut c = ctx();
        c.vpc_pairs.insert("vpc-s1".into(), "vpc-t1".into());
        pair(&mut source, &target, &c);
        assert_eq!(source[0].counterpart.as_deref(), Some("sg-a"));
        assert_eq!(source[1].counterpart, None, "vpc-s2 has no paired VPC");
    }
}
