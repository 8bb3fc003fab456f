//! Which kind an id names, from its shape alone, so that a headless command
//! reads only the kinds its ids need instead of the whole estate.

use super::Kind;

/// EC2 ids: a prefix and 8 or 17 hex digits (AWS; moto uses the same shapes).
const PREFIXES: [(&str, Kind); 8] = [
    ("i-", Kind::Instance),
    ("ami-", Kind::Image),
    ("vol-", Kind::Volume),
    ("snap-", Kind::Snapshot),
    ("sg-", Kind::SecurityGroup),
    ("vpc-", Kind::Vpc),
    ("subnet-", Kind::Subnet),
    ("eipalloc-", Kind::ElasticIp),
];

/// The kinds whose ids are names the operator chose (no telling them apart
/// by shape): buckets, key pairs, DB instances, DB and cluster snapshots.
pub(crate) const NAMED_KINDS: [Kind; 5] = [
    Kind::Bucket,
    Kind::KeyPair,
    Kind::DbInstance,
    Kind::DbSnapshot,
    Kind::DbClusterSnapshot,
];

/// The kind an EC2-shaped id names; None for a name (a bucket called
/// `vpc-flow-logs` is a name: its tail is not hex).
pub(crate) fn kind_of_id(id: &str) -> Option<Kind> {
    let (_, kind) = PREFIXES.iter().find(|(prefix, _)| {
        id.strip_prefix(prefix).is_some_and(|hex| {
            hex.len() >= 8 && hex.len() <= 17 && hex.bytes().all(|b| b.is_ascii_hexdigit())
        })
    })?;
    Some(*kind)
}

/// What a headless command reads first for these ids: the kinds of the
/// EC2-shaped ids, in `Kind::ALL` order, and the names, read as buckets
/// first (the common case; key pairs and databases only when a name is not
/// a bucket, see `NAMED_KINDS`).
pub(crate) fn first_reads(ids: &[String]) -> (Vec<Kind>, Vec<&str>) {
    let kinds: Vec<Kind> = ids.iter().filter_map(|id| kind_of_id(id)).collect();
    let names: Vec<&str> = ids
        .iter()
        .map(String::as_str)
        .filter(|id| kind_of_id(id).is_none())
        .collect();
    let kinds = Kind::ALL
        .into_iter()
        .filter(|k| kinds.contains(k))
        .collect();
    (kinds, names)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ec2_ids_name_their_kind_and_names_name_none() {
        assert_eq!(kind_of_id("i-0123456789abcdef0"), Some(Kind::Instance));
        assert_eq!(kind_of_id("ami-1a2b3c4d"), Some(Kind::Image));
        assert_eq!(kind_of_id("vol-0a1b2c3d4e5f60718"), Some(Kind::Volume));
        assert_eq!(kind_of_id("snap-deadbeef"), Some(Kind::Snapshot));
        assert_eq!(kind_of_id("sg-12345678"), Some(Kind::SecurityGroup));
        assert_eq!(kind_of_id("vpc-12345678"), Some(Kind::Vpc));
        assert_eq!(kind_of_id("subnet-12345678"), Some(Kind::Subnet));
        assert_eq!(kind_of_id("eipalloc-12345678"), Some(Kind::ElasticIp));
        // Names that merely start like an id.
        for name in [
            "vpc-flow-logs",
            "i-love-s3",
            "snap-",
            "ami-123",
            "shop-assets",
            "eipalloc-unknown",
            "sg-0123456789abcdef0123",
        ] {
            assert_eq!(kind_of_id(name), None, "{name}");
        }
    }

    #[test]
    fn first_reads_are_the_ids_kinds_and_the_names_apart() {
        let ids: Vec<String> = ["shop-assets", "ami-1a2b3c4d", "sg-12345678", "vol-deadbeef"]
            .map(String::from)
            .to_vec();
        let (kinds, names) = first_reads(&ids);
        assert_eq!(kinds, [Kind::Image, Kind::Volume, Kind::SecurityGroup]);
        assert_eq!(names, ["shop-assets"]);
        let one = ["logs".to_string()];
        let (kinds, names) = first_reads(&one);
        assert!(kinds.is_empty(), "a bucket copy reads no EC2 kind");
        assert_eq!(names, ["logs"]);
    }
}
