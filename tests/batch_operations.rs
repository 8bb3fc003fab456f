#![allow(clippy::unwrap_used, clippy::expect_used)] // tests may panic: that is how they fail
//! The S3 Batch Operations hand-off. moto has no S3 Control jobs, so the
//! manifest is written to moto and read back with the SDK, and the
//! CreateJob request is captured by an interceptor just before it would
//! go on the wire (and stopped there): its address, account header and
//! body are what AWS would receive.

mod common;

use aws_sdk_s3control::config::{ConfigBag, Intercept, RuntimeComponents};
use aws_smithy_runtime_api::box_error::BoxError;
use aws_smithy_runtime_api::client::interceptors::context::BeforeTransmitInterceptorContextRef;
use common::regions_at;
use cutover::cloud::copy::batch::{self, BatchCopy};
use cutover::cloud::copy::objects::ObjectEntry;
use cutover::sandbox::{sandbox_keys, MotoServer};
use std::sync::{Arc, Mutex};

/// What the SDK was about to send: method, URI, headers, body.
#[derive(Debug, Default, Clone)]
struct Captured {
    method: String,
    uri: String,
    account: String,
    body: String,
}

#[derive(Debug, Clone, Default)]
struct Capture(Arc<Mutex<Option<Captured>>>);

impl Intercept for Capture {
    fn name(&self) -> &'static str {
        "capture-and-stop"
    }

    fn read_before_transmit(
        &self,
        context: &BeforeTransmitInterceptorContextRef<'_>,
        _: &RuntimeComponents,
        _: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        let request = context.request();
        *self.0.lock().unwrap() = Some(Captured {
            method: request.method().to_string(),
            uri: request.uri().to_string(),
            account: request
                .headers()
                .get("x-amz-account-id")
                .unwrap_or_default()
                .to_string(),
            body: String::from_utf8(request.body().bytes().unwrap_or_default().to_vec()).unwrap(),
        });
        Err("captured: not sent".into())
    }
}

#[tokio::test]
async fn the_manifest_is_written_and_create_job_asks_for_a_put_object_copy() {
    let server = MotoServer::start(None).unwrap();
    let regions = regions_at(&server.endpoint(), sandbox_keys()).await;
    let s3 = &regions.source.s3;
    s3.create_bucket()
        .bucket("batch-manifests")
        .send()
        .await
        .unwrap();
    let object = |key: &str| ObjectEntry {
        key: key.into(),
        size: 1,
        etag: String::new(),
        storage_class: None,
        version_id: None,
    };
    let objects = [object("a.txt"), object("img/b c.png")];
    // The way a copy writes it: streamed in parts as the listing goes.
    let mut upload = batch::ManifestUpload::start(&regions.source, "batch-manifests", "job-1.csv")
        .await
        .unwrap();
    for o in &objects {
        upload.push("shop-media", o).await.unwrap();
    }
    let manifest = upload.finish().await.unwrap().expect("objects were listed");
    // Read back with the SDK: what Batch Operations would read.
    let body = s3
        .get_object()
        .bucket("batch-manifests")
        .key("job-1.csv")
        .send()
        .await
        .unwrap();
    let etag = body.e_tag().unwrap().trim_matches('"').to_string();
    let text = body.body.collect().await.unwrap().into_bytes();
    assert_eq!(
        std::str::from_utf8(&text).unwrap(),
        "shop-media,a.txt\nshop-media,img/b%20c.png\n"
    );
    assert_eq!(manifest.etag, etag, "CreateJob names the manifest's ETag");

    let capture = Capture::default();
    let control = batch::control_client(&regions.target);
    let control = aws_sdk_s3control::Client::from_conf(
        control
            .config()
            .to_builder()
            .interceptor(capture.clone())
            .build(),
    );
    let role = "arn:aws:iam::123456789012:role/cutover-batch";
    let job = BatchCopy {
        task_id: "shop-media-1a2b".into(),
        account_id: batch::account_of(role).unwrap().into(),
        target_bucket: "shop-media-eu".into(),
        role_arn: role.into(),
        manifest,
        report_bucket: "batch-manifests".into(),
    };
    let stopped = batch::create_job(&control, &job).await.unwrap_err();
    assert!(stopped.to_string().contains("s3:CreateJob"), "{stopped}");
    let sent = capture
        .0
        .lock()
        .unwrap()
        .clone()
        .expect("CreateJob was built");
    assert_eq!(sent.method, "POST");
    assert!(sent.uri.ends_with("/v20180820/jobs"), "{}", sent.uri);
    assert_eq!(sent.account, "123456789012");
    for part in [
        "<S3PutObjectCopy><TargetResource>arn:aws:s3:::shop-media-eu</TargetResource>",
        "<MetadataDirective>COPY</MetadataDirective>",
        "<Format>S3BatchOperations_CSV_20180820</Format>",
        "<Fields><member>Bucket</member><member>Key</member></Fields>",
        "<ObjectArn>arn:aws:s3:::batch-manifests/job-1.csv</ObjectArn>",
        &format!("<ETag>{etag}</ETag>"),
        "<RoleArn>arn:aws:iam::123456789012:role/cutover-batch</RoleArn>",
        "<ClientRequestToken>shop-media-1a2b</ClientRequestToken>",
        "<ConfirmationRequired>false</ConfirmationRequired>",
        "<ReportScope>FailedTasksOnly</ReportScope>",
    ] {
        assert!(sent.body.contains(part), "{part} not in {}", sent.body);
    }
}
