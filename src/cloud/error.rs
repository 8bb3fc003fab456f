//! Errors from talking to AWS, worded for the operator: what failed, AWS's
//! code and message, and what to try.

use aws_smithy_runtime_api::client::result::SdkError;
use aws_smithy_runtime_api::client::waiters::error::WaiterError;
use aws_smithy_runtime_api::http::Response;
use aws_smithy_types::error::metadata::ProvideErrorMetadata;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CloudError {
    /// AWS answered with an error code.
    #[error("{operation} failed: {code}: {message}{}", hint_suffix(.hint))]
    Service {
        operation: &'static str,
        code: String,
        message: String,
        hint: Option<&'static str>,
    },
    /// The request never got an answer (connection refused, DNS, TLS, timeout).
    #[error("{operation} failed: cannot reach the AWS endpoint ({detail}); check the network, or --endpoint-url if you set one")]
    Unreachable {
        operation: &'static str,
        detail: String,
    },
    /// An answer came that is not AWS's protocol (e.g. an HTML error page).
    #[error("{operation} failed: the server answered HTTP {status} with a body that is not an AWS response; it is a server error, try again or check the endpoint")]
    BadAnswer {
        operation: &'static str,
        status: u16,
    },
    /// A service handed back a pagination token it had already given.
    #[error("{operation} failed: the service repeated pagination token '{token}', stopping rather than looping; the listing is incomplete")]
    PagingLoop {
        operation: &'static str,
        token: String,
    },
    /// An SDK waiter stopped waiting: `what` may still happen later.
    #[error(
        "{operation}: {what} did not happen within {waited_secs} s; it may still, look again later"
    )]
    WaitTimedOut {
        operation: &'static str,
        what: String,
        waited_secs: u64,
    },
    /// An SDK waiter saw a state from which `what` cannot happen.
    #[error("{operation}: {what} cannot happen: AWS answered with a failure state")]
    NeverReady {
        operation: &'static str,
        what: String,
    },
    /// A rule of cutover's or AWS's refused the request before it was
    /// made (a name taken, an AZ the target lacks, a missing key, a
    /// configuration that cannot work): nothing changes until the
    /// operator does something.
    #[error("{0}")]
    Refused(String),
    /// AWS said the resource failed, or will never be ready.
    #[error("{0}")]
    Failed(String),
    /// AWS's answer lacks what the next call needs (an id).
    #[error("{0}")]
    Incomplete(String),
    /// Submitted, and still pending when cutover stopped waiting: it
    /// will most likely complete, so looking again later is the fix.
    #[error("{0}")]
    StillPending(String),
    /// A request cutover built wrong, or a step run without what an
    /// earlier step leaves: a defect of cutover, not of the estate.
    #[error("{0}")]
    Internal(String),
}

fn hint_suffix(hint: &Option<&'static str>) -> String {
    hint.map(|h| format!(" ({h})")).unwrap_or_default()
}

impl CloudError {
    pub(crate) fn code(&self) -> Option<&str> {
        match self {
            CloudError::Service { code, .. } => Some(code),
            _ => None,
        }
    }

    /// AWS was busy or unreachable, so the same call may well succeed
    /// later: throttling, 5xx, timeouts, lost connections. Everything
    /// else (name taken, not found, invalid, denied) is permanent until
    /// the operator changes something.
    pub(crate) fn is_retryable(&self) -> bool {
        match self {
            CloudError::Unreachable { .. }
            | CloudError::BadAnswer { .. }
            | CloudError::WaitTimedOut { .. }
            | CloudError::StillPending(_) => true,
            CloudError::Service { code, .. } => RETRYABLE_CODES.contains(&code.as_str()),
            CloudError::PagingLoop { .. }
            | CloudError::NeverReady { .. }
            | CloudError::Refused(_)
            | CloudError::Failed(_)
            | CloudError::Incomplete(_)
            | CloudError::Internal(_) => false,
        }
    }

    /// The error with what kind of failure it is, for a failed task.
    pub(crate) fn for_task(&self) -> String {
        if self.is_retryable() {
            format!("{self} [transient: AWS was busy or unreachable; retry the task]")
        } else {
            format!("{self} [permanent: fix the cause above, then retry]")
        }
    }

    /// Maps any SDK error; `operation` names the call, e.g. "ec2:DescribeInstances".
    pub fn from_sdk<E>(operation: &'static str, err: SdkError<E, Response>) -> Self
    where
        E: ProvideErrorMetadata + std::error::Error + 'static,
    {
        match &err {
            SdkError::ServiceError(ctx) => {
                let e = ctx.err();
                let status = ctx.raw().status().as_u16();
                // Some servers nest the error where the SDK does not look
                // (moto: <Errors><Error>); read it from the body then.
                let body = ctx
                    .raw()
                    .body()
                    .bytes()
                    .and_then(|b| std::str::from_utf8(b).ok())
                    .unwrap_or_default();
                let code = e
                    .code()
                    .map(str::to_string)
                    .or_else(|| xml_field(body, "Code"));
                let message = e
                    .message()
                    .map(str::to_string)
                    .or_else(|| xml_field(body, "Message"));
                let Some(code) = code else {
                    if status >= 500 {
                        return CloudError::BadAnswer { operation, status };
                    }
                    return CloudError::Service {
                        operation,
                        code: format!("HTTP {status}"),
                        message: message.unwrap_or_else(|| "no message".into()),
                        hint: hint_for_status(status),
                    };
                };
                // With a code, the code alone decides: S3 answers 403 for
                // archived objects too, which no IAM change would fix.
                CloudError::Service {
                    operation,
                    hint: hint_for(&code),
                    message: message.unwrap_or_else(|| "no message".into()),
                    code,
                }
            }
            SdkError::ResponseError(ctx) => CloudError::BadAnswer {
                operation,
                status: ctx.raw().status().as_u16(),
            },
            SdkError::DispatchFailure(_) | SdkError::TimeoutError(_) => CloudError::Unreachable {
                operation,
                detail: source_chain(&err),
            },
            _ => CloudError::Refused(format!("{operation} failed: {}", source_chain(&err))),
        }
    }
}

/// Codes AWS uses for "try again": throttling and its own faults.
const RETRYABLE_CODES: &[&str] = &[
    "Throttling",
    "ThrottlingException",
    "ThrottledException",
    "RequestLimitExceeded",
    "RequestThrottled",
    "TooManyRequestsException",
    "SlowDown",
    "PriorRequestNotComplete",
    "RequestTimeout",
    "RequestTimeoutException",
    "InternalError",
    "InternalFailure",
    "ServiceUnavailable",
    "Unavailable",
];

/// For `.map_err(sdk("ec2:DescribeVpcs"))` on any SDK call.
pub(crate) fn sdk<E>(operation: &'static str) -> impl Fn(SdkError<E, Response>) -> CloudError
where
    E: ProvideErrorMetadata + std::error::Error + 'static,
{
    move |e| CloudError::from_sdk(operation, e)
}

/// Maps an SDK waiter's error; `what` says what was waited for, in words.
pub(crate) fn waited<O, E>(
    operation: &'static str,
    what: String,
) -> impl FnOnce(WaiterError<O, E>) -> CloudError
where
    E: ProvideErrorMetadata + std::error::Error + 'static,
{
    move |e| match e {
        WaiterError::OperationFailed(failed) => {
            CloudError::from_sdk(operation, failed.into_error())
        }
        WaiterError::ExceededMaxWait(late) => CloudError::WaitTimedOut {
            operation,
            what,
            waited_secs: late.elapsed().as_secs(),
        },
        // A waiter built from a complete request cannot fail to build;
        // a failure state is the only other end.
        _ => CloudError::NeverReady { operation, what },
    }
}

/// The innermost causes, joined: the SDK's own Display says only "dispatch failure".
pub(crate) fn source_chain(err: &dyn std::error::Error) -> String {
    let mut parts = vec![err.to_string()];
    let mut cur = err.source();
    while let Some(e) = cur {
        let s = e.to_string();
        if !parts.contains(&s) {
            parts.push(s);
        }
        cur = e.source();
    }
    parts.join(": ")
}

/// The text of the first `<name>` element, if any.
fn xml_field(body: &str, name: &str) -> Option<String> {
    let start = body.find(&format!("<{name}>"))? + name.len() + 2;
    let len = body[start..].find(&format!("</{name}>"))?;
    Some(body[start..start + len].to_string()).filter(|s| !s.is_empty())
}

/// Only for answers without a code (a HEAD has no body to carry one).
fn hint_for_status(status: u16) -> Option<&'static str> {
    match status {
        403 => Some("AWS refused without saying why: check the IAM policy (assets/iam-policy.json) and any bucket or key policy"),
        401 => hint_for("AuthFailure"),
        _ => None,
    }
}

fn hint_for(code: &str) -> Option<&'static str> {
    Some(match code {
        "UnauthorizedOperation" | "AccessDenied" | "AccessDeniedException" | "Forbidden" | "AuthorizationError" => {
            "the credentials lack this permission: add it to the IAM policy, see assets/iam-policy.json"
        }
        "AuthFailure" | "InvalidClientTokenId" | "SignatureDoesNotMatch" | "InvalidAccessKeyId" => {
            "AWS rejected the credentials: check the profile, or run `aws sso login`"
        }
        "ExpiredToken" | "ExpiredTokenException" | "RequestExpired" => {
            "the session expired: refresh the credentials (e.g. `aws sso login`) and retry"
        }
        "ObjectNotInActiveTierError" | "InvalidObjectState" => {
            "the object is archived (GLACIER or DEEP_ARCHIVE): copy with --archived skip to leave it out, or --archived restore to restore it first"
        }
        "OptInRequired" => "the region is not enabled for this account: enable it in the AWS console, or pick another",
        "Throttling" | "ThrottlingException" | "RequestLimitExceeded" | "SlowDown" => {
            "AWS is throttling: wait a moment and retry"
        }
        "InstanceLimitExceeded" | "VcpuLimitExceeded" => {
            "the target's instance quota is reached: ask for a higher limit (Service Quotas) or stop instances there, then retry"
        }
        "AddressLimitExceeded" => {
            "the target's Elastic IP quota is reached: release an unused one or ask for a higher limit, then retry"
        }
        "InsufficientInstanceCapacity" => {
            "AWS has no capacity for this type in that AZ now: retry later, or pick another subnet or type"
        }
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn service(code: &str) -> CloudError {
        CloudError::Service {
            operation: "ec2:CopySnapshot",
            code: code.into(),
            message: "m".into(),
            hint: None,
        }
    }

    #[test]
    fn throttling_and_server_faults_are_transient_the_rest_permanent() {
        for code in [
            "RequestLimitExceeded",
            "Throttling",
            "SlowDown",
            "InternalError",
        ] {
            assert!(service(code).is_retryable(), "{code}");
            assert!(service(code).for_task().ends_with("retry the task]"));
        }
        for code in [
            "InvalidGroup.Duplicate",
            "AccessDenied",
            "BucketAlreadyExists",
        ] {
            assert!(!service(code).is_retryable(), "{code}");
            assert!(service(code).for_task().contains("[permanent"));
        }
        let lost = CloudError::Unreachable {
            operation: "s3:CopyObject",
            detail: "connection reset".into(),
        };
        assert!(lost.is_retryable());
        assert!(!CloudError::Refused("bad name".into()).is_retryable());
        assert!(CloudError::StillPending("change C1 is still PENDING".into()).is_retryable());
        assert!(!CloudError::Internal("step output 'ami' is missing".into()).is_retryable());
    }

    #[test]
    fn service_errors_name_code_message_and_hint() {
        let e = CloudError::Service {
            operation: "rds:DescribeDBInstances",
            code: "AccessDenied".into(),
            message: "not allowed".into(),
            hint: hint_for("AccessDenied"),
        };
        let text = e.to_string();
        assert!(text.starts_with("rds:DescribeDBInstances failed: AccessDenied: not allowed ("));
        assert!(text.contains("iam-policy.json"));
        assert_eq!(hint_for("SomethingElse"), None);
        let body = "<ErrorResponse><Errors><Error><Code>AccessDenied</Code><Message>no rds</Message></Error></Errors></ErrorResponse>";
        assert_eq!(xml_field(body, "Code").as_deref(), Some("AccessDenied"));
        assert_eq!(xml_field(body, "Message").as_deref(), Some("no rds"));
        assert_eq!(xml_field(body, "Missing"), None);
    }

    #[test]
    fn only_a_denied_code_gets_the_iam_hint() {
        for code in [
            "AccessDenied",
            "UnauthorizedOperation",
            "AccessDeniedException",
        ] {
            assert!(
                hint_for(code).is_some_and(|h| h.contains("iam-policy.json")),
                "{code}"
            );
        }
        for code in ["ObjectNotInActiveTierError", "InvalidObjectState"] {
            let hint = hint_for(code).unwrap();
            assert!(
                !hint.contains("IAM") && !hint.contains("iam-policy"),
                "{code}: {hint}"
            );
            assert!(hint.contains("--archived"), "{code}: {hint}");
        }
    }
}
