//! Buckets with objects of varied sizes, types, metadata and tags.

use super::{Estate, Seeded};
use crate::cloud::error::{sdk, CloudError};
use crate::cloud::Clients;
use aws_sdk_s3::primitives::ByteStream;
use futures::stream::{self, StreamExt, TryStreamExt};

/// Puts in flight at once; moto serializes them anyway.
const PUT_CONCURRENCY: usize = 32;
const SIZES: [usize; 6] = [96, 700, 2_900, 11_000, 38_000, 150];
const EXTENSIONS: [(&str, &str); 6] = [
    ("jpg", "image/jpeg"),
    ("css", "text/css"),
    ("js", "application/javascript"),
    ("pdf", "application/pdf"),
    ("png", "image/png"),
    ("log", "text/plain"),
];

/// The buckets with their settings, empty: quick, so the sandbox opens at once.
pub(crate) async fn create_buckets(c: &Clients, e: &Estate) -> Result<(), CloudError> {
    for b in &e.buckets {
        crate::cloud::copy::bucket::create_bucket(c, &b.name).await?;
        if b.versioning {
            crate::cloud::copy::bucket::enable_versioning(c, &b.name).await?;
        }
        if !b.tags.is_empty() {
            crate::cloud::copy::bucket::put_tags(c, &b.name, &b.tags).await?;
        }
    }
    Ok(())
}

/// How many objects went in so far (of all buckets), after each one.
pub(crate) type ObjectProgress<'a> = &'a (dyn Fn(usize) + Sync);

/// The objects into the buckets `create_buckets` made.
pub(crate) async fn put_objects(
    c: &Clients,
    e: &Estate,
    objects: usize,
    s: &mut Seeded,
    progress: ObjectProgress<'_>,
) -> Result<(), CloudError> {
    for b in &e.buckets {
        let count = e.objects_in(b, objects) - usize::from(b.large_object_mib.is_some());
        let before = s.objects;
        let done = std::sync::atomic::AtomicUsize::new(0);
        let sizes: Vec<usize> = stream::iter(0..count)
            .map(|i| put_small(c, &b.name, &b.prefixes[i % b.prefixes.len()], i))
            .buffer_unordered(PUT_CONCURRENCY)
            .inspect_ok(|_| {
                let n = done.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1;
                progress(before + n);
            })
            .try_collect()
            .await?;
        s.objects += sizes.len();
        s.bytes += sizes.iter().sum::<usize>() as u64;
        if let Some(mib) = b.large_object_mib {
            let body = pattern(mib * 1024 * 1024, 7);
            c.s3.put_object()
                .bucket(&b.name)
                .key("releases/site-bundle-2026.11.tar")
                .body(ByteStream::from(body))
                .content_type("application/x-tar")
                .metadata("release", "2026.11")
                .send()
                .await
                .map_err(sdk("s3:PutObject"))?;
            s.objects += 1;
            s.bytes += (mib * 1024 * 1024) as u64;
            progress(s.objects);
        }
    }
    Ok(())
}

async fn put_small(c: &Clients, bucket: &str, prefix: &str, i: usize) -> Result<usize, CloudError> {
    let (ext, content_type) = EXTENSIONS[i % EXTENSIONS.len()];
    let size = SIZES[(i / 2) % SIZES.len()] + (i * 37) % 101;
    let mut put =
        c.s3.put_object()
            .bucket(bucket)
            .key(format!("{prefix}{i:05}.{ext}"))
            .body(ByteStream::from(pattern(size, i)))
            .content_type(content_type);
    if i % 3 == 0 {
        put = put
            .metadata("origin", "seed")
            .metadata("batch", (i % 10).to_string());
    }
    if i % 5 == 0 {
        put = put.tagging(format!("class=public&seq={i}"));
    }
    if matches!(ext, "css" | "js") {
        put = put.cache_control("max-age=86400");
    }
    put.send().await.map_err(sdk("s3:PutObject"))?;
    Ok(size)
}

/// Deterministic, not all-zero bytes: identical seeds give identical ETags.
fn pattern(size: usize, seed: usize) -> Vec<u8> {
    (0..size)
        .map(|n| ((n * 31 + seed * 7) % 251) as u8)
        .collect()
}
