//! Resources a test makes for itself in the source region, straight on
//! moto (not through the proxy), so that no other test copies or adopts
//! them; and SDK reads of the target to check outcomes with.
#![allow(dead_code)]

use aws_sdk_ec2::types::{Filter, ResourceType, Tag, TagSpecification};
use aws_sdk_s3::primitives::ByteStream;
use cutover::cloud::Clients;
use cutover::model::resource::SOURCE_ID_TAG;

fn named(kind: ResourceType, name: &str) -> TagSpecification {
    TagSpecification::builder()
        .resource_type(kind)
        .tags(Tag::builder().key("Name").value(name).build())
        .build()
}

/// A new volume's snapshot, named `name`.
pub async fn snapshot(c: &Clients, name: &str) -> String {
    let vol = c
        .ec2
        .create_volume()
        .availability_zone(format!("{}a", c.region))
        .size(8)
        .send()
        .await
        .unwrap();
    c.ec2
        .create_snapshot()
        .volume_id(vol.volume_id().unwrap())
        .description(name)
        .tag_specifications(named(ResourceType::Snapshot, name))
        .send()
        .await
        .unwrap()
        .snapshot_id()
        .unwrap()
        .to_string()
}

/// A new AMI named `name`, made from an instance of `base`.
pub async fn image(c: &Clients, base: &str, name: &str) -> String {
    let run = c
        .ec2
        .run_instances()
        .image_id(base)
        .instance_type(aws_sdk_ec2::types::InstanceType::T3Micro)
        .min_count(1)
        .max_count(1)
        .send()
        .await
        .unwrap();
    let instance = run.instances()[0].instance_id().unwrap().to_string();
    c.ec2
        .create_image()
        .instance_id(instance)
        .name(name)
        .send()
        .await
        .unwrap()
        .image_id()
        .unwrap()
        .to_string()
}

/// A security group with one rule in the source's default VPC.
pub async fn security_group(c: &Clients, name: &str) -> String {
    let id = c
        .ec2
        .create_security_group()
        .group_name(name)
        .description("made by a test")
        .send()
        .await
        .unwrap()
        .group_id()
        .unwrap()
        .to_string();
    c.ec2
        .authorize_security_group_ingress()
        .group_id(&id)
        .ip_protocol("tcp")
        .from_port(443)
        .to_port(443)
        .cidr_ip("0.0.0.0/0")
        .send()
        .await
        .unwrap();
    id
}

/// A bucket of `objects` small objects, plus one of `big_mib` MiB when given.
pub async fn bucket(c: &Clients, name: &str, objects: usize, big_mib: Option<usize>) {
    let mut create = c.s3.create_bucket().bucket(name);
    // us-east-1 takes no location constraint.
    if c.region != "us-east-1" {
        create = create.create_bucket_configuration(
            aws_sdk_s3::types::CreateBucketConfiguration::builder()
                .location_constraint(aws_sdk_s3::types::BucketLocationConstraint::from(
                    c.region.as_str(),
                ))
                .build(),
        );
    }
    create.send().await.unwrap();
    use futures::StreamExt;
    let puts = futures::stream::iter(0..objects).map(|i| {
        c.s3.put_object()
            .bucket(name)
            .key(format!("objects/{i:04}.txt"))
            .body(ByteStream::from(
                format!("object {i} of {name}").into_bytes(),
            ))
            .send()
    });
    let results: Vec<_> = puts.buffer_unordered(16).collect().await;
    for r in results {
        r.unwrap();
    }
    if let Some(mib) = big_mib {
        let body: Vec<u8> = (0..mib * 1024 * 1024).map(|i| (i % 251) as u8).collect();
        c.s3.put_object()
            .bucket(name)
            .key("big/archive.bin")
            .body(ByteStream::from(body))
            .send()
            .await
            .unwrap();
    }
}

/// Every key in the bucket with its size and ETag, in order.
pub async fn listing(c: &Clients, bucket: &str) -> Vec<(String, i64, String)> {
    let mut all = Vec::new();
    let mut token = None;
    loop {
        let page =
            c.s3.list_objects_v2()
                .bucket(bucket)
                .set_continuation_token(token)
                .send()
                .await
                .unwrap();
        for o in page.contents() {
            all.push((
                o.key().unwrap_or_default().to_string(),
                o.size().unwrap_or_default(),
                o.e_tag().unwrap_or_default().to_string(),
            ));
        }
        match page.next_continuation_token() {
            Some(t) => token = Some(t.to_string()),
            None => return all,
        }
    }
}

/// Multipart uploads left open in the bucket.
pub async fn open_uploads(c: &Clients, bucket: &str) -> Vec<String> {
    let out =
        c.s3.list_multipart_uploads()
            .bucket(bucket)
            .send()
            .await
            .unwrap();
    out.uploads()
        .iter()
        .map(|u| u.key().unwrap_or_default().to_string())
        .collect()
}

fn by_source(source_id: &str) -> Filter {
    Filter::builder()
        .name(format!("tag:{SOURCE_ID_TAG}"))
        .values(source_id)
        .build()
}

/// AMIs in `c`'s region that say they are copies of `source_id`.
pub async fn image_copies(c: &Clients, source_id: &str) -> Vec<(String, String)> {
    let out = c
        .ec2
        .describe_images()
        .owners("self")
        .filters(by_source(source_id))
        .send()
        .await
        .unwrap();
    out.images()
        .iter()
        .map(|i| {
            (
                i.image_id().unwrap_or_default().to_string(),
                i.state()
                    .map(|s| s.as_str().to_string())
                    .unwrap_or_default(),
            )
        })
        .collect()
}

/// Snapshots in `c`'s region that say they are copies of `source_id`.
pub async fn snapshot_copies(c: &Clients, source_id: &str) -> Vec<(String, String)> {
    let out = c
        .ec2
        .describe_snapshots()
        .filters(by_source(source_id))
        .send()
        .await
        .unwrap();
    out.snapshots()
        .iter()
        .map(|s| {
            (
                s.snapshot_id().unwrap_or_default().to_string(),
                s.state()
                    .map(|s| s.as_str().to_string())
                    .unwrap_or_default(),
            )
        })
        .collect()
}

/// The ids of the security groups named `name` in `c`'s region.
pub async fn groups_named(c: &Clients, name: &str) -> Vec<String> {
    let out = c
        .ec2
        .describe_security_groups()
        .filters(Filter::builder().name("group-name").values(name).build())
        .send()
        .await
        .unwrap();
    out.security_groups()
        .iter()
        .map(|g| g.group_id().unwrap_or_default().to_string())
        .collect()
}

/// A manual DB snapshot of `instance`, named `name`.
pub async fn db_snapshot(c: &Clients, instance: &str, name: &str) {
    c.rds
        .create_db_snapshot()
        .db_instance_identifier(instance)
        .db_snapshot_identifier(name)
        .send()
        .await
        .unwrap();
}

/// The status of every DB snapshot in `c`'s region named `name` (0 or 1 on
/// AWS: identifiers are unique per region).
pub async fn db_snapshots_named(c: &Clients, name: &str) -> Vec<String> {
    match c
        .rds
        .describe_db_snapshots()
        .db_snapshot_identifier(name)
        .send()
        .await
    {
        Ok(out) => out
            .db_snapshots()
            .iter()
            .map(|s| s.status().unwrap_or_default().to_string())
            .collect(),
        Err(_) => Vec::new(),
    }
}
