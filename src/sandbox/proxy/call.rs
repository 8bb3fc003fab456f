//! Which AWS call a request is: the service and region from its signature's
//! credential scope, the action from the form body (EC2, RDS) or from the
//! method and path (S3, Route 53).

use super::http::{header, Request};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Call {
    /// "ec2", "s3", "rds", "route53"; empty for moto's own API.
    pub service: String,
    pub region: String,
    pub action: String,
}

impl Call {
    pub(crate) fn of(req: &Request) -> Call {
        let (service, region) = header(&req.headers, "authorization")
            .and_then(scope)
            .unwrap_or_default();
        let action = match service.as_str() {
            "ec2" | "rds" => form_action(&req.body).unwrap_or_default(),
            "route53" => route53_action(&req.method, &req.path),
            "s3" => s3_action(req),
            _ => format!("{} {}", req.method, req.path),
        };
        Call {
            service,
            region,
            action,
        }
    }

    /// A request to AWS (not to moto's own API): faults apply to these.
    pub(crate) fn is_aws(&self) -> bool {
        !self.service.is_empty()
    }
}

/// `Credential=AKID/20261130/us-east-1/ec2/aws4_request` -> (ec2, us-east-1).
fn scope(authorization: &str) -> Option<(String, String)> {
    let credential = authorization.split("Credential=").nth(1)?;
    let mut parts = credential.split(',').next()?.split('/');
    let (_key, _date) = (parts.next()?, parts.next()?);
    let region = parts.next()?.to_string();
    let service = parts.next()?.to_string();
    Some((service, region))
}

fn form_action(body: &[u8]) -> Option<String> {
    let text = std::str::from_utf8(body).ok()?;
    text.split('&')
        .find_map(|pair| pair.strip_prefix("Action="))
        .map(str::to_string)
}

fn route53_action(method: &str, path: &str) -> String {
    let path = path.split('?').next().unwrap_or(path);
    if method == "POST" && path.trim_end_matches('/').ends_with("/rrset") {
        "ChangeResourceRecordSets".into()
    } else if method == "GET" && path.contains("/change/") {
        "GetChange".into()
    } else {
        format!("{method} {path}")
    }
}

/// The S3 calls a copy makes, by name; others as method and path.
fn s3_action(req: &Request) -> String {
    let (path, query) = req.path.split_once('?').unwrap_or((&req.path, ""));
    // Path-style: /bucket/ or /bucket/key (the SDK ends a bucket's path with /).
    let key = path
        .trim_start_matches('/')
        .split_once('/')
        .map_or("", |(_, key)| key);
    let has = |p: &str| {
        query
            .split('&')
            .any(|kv| kv == p || kv.starts_with(&format!("{p}=")))
    };
    let copy = header(&req.headers, "x-amz-copy-source").is_some();
    let name = match req.method.as_str() {
        "POST" if has("uploads") => "CreateMultipartUpload",
        "POST" if has("uploadId") => "CompleteMultipartUpload",
        "DELETE" if has("uploadId") => "AbortMultipartUpload",
        "PUT" if has("partNumber") && copy => "UploadPartCopy",
        "PUT" if has("partNumber") => "UploadPart",
        "PUT" if has("tagging") => "PutTagging",
        "PUT" if copy => "CopyObject",
        "PUT" if !key.is_empty() => "PutObject",
        "PUT" if query.is_empty() => "CreateBucket",
        "GET" if has("uploads") => "ListMultipartUploads",
        _ => return format!("{} {}", req.method, req.path),
    };
    name.into()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn req(method: &str, path: &str, headers: &[(&str, &str)], body: &str) -> Request {
        Request {
            method: method.into(),
            path: path.into(),
            headers: headers
                .iter()
                .map(|(n, v)| (n.to_string(), v.as_bytes().to_vec()))
                .collect(),
            body: body.as_bytes().to_vec(),
        }
    }

    const EC2: &str = "AWS4-HMAC-SHA256 Credential=sandbox/20261130/eu-west-1/ec2/aws4_request, SignedHeaders=host, Signature=00";
    const S3: &str = "AWS4-HMAC-SHA256 Credential=sandbox/20261130/us-east-1/s3/aws4_request, SignedHeaders=host, Signature=00";

    #[test]
    fn calls_are_named_from_the_signature_and_the_request() {
        let copy = Call::of(&req(
            "POST",
            "/",
            &[("Authorization", EC2)],
            "Action=CopyImage&Version=2016-11-15&SourceRegion=us-east-1",
        ));
        assert_eq!(
            (
                copy.service.as_str(),
                copy.region.as_str(),
                copy.action.as_str()
            ),
            ("ec2", "eu-west-1", "CopyImage")
        );
        let part = Call::of(&req(
            "PUT",
            "/b/k?partNumber=2&uploadId=x",
            &[("authorization", S3), ("x-amz-copy-source", "a/k")],
            "",
        ));
        assert_eq!(part.action, "UploadPartCopy");
        let s3 = |method: &str, path: &str| {
            Call::of(&req(method, path, &[("authorization", S3)], "")).action
        };
        assert_eq!(s3("PUT", "/b/"), "CreateBucket");
        assert_eq!(s3("PUT", "/b"), "CreateBucket");
        assert_eq!(s3("PUT", "/b/?versioning"), "PUT /b/?versioning");
        assert_eq!(s3("PUT", "/b/k/1?x-id=PutObject"), "PutObject");
        let moto = Call::of(&req("POST", "/moto-api/reset", &[], ""));
        assert!(!moto.is_aws());
        assert_eq!(
            route53_action("GET", "/2013-04-01/change/C2682N5HXP0BZ4"),
            "GetChange"
        );
    }
}
