//! Route 53 health checks for the DNS cutover: one created for the target's
//! answer and attached to its weighted set, and its status read before each
//! step that sends the target more traffic.

use super::error::{sdk, CloudError};
use super::Clients;
use aws_sdk_route53::types as t;

/// What a health check probes, as plain words.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Probe<'a> {
    /// "TCP", "HTTP" or "HTTPS".
    pub(crate) protocol: &'a str,
    pub(crate) port: u16,
    /// HTTP(S) only, starting with '/'.
    pub(crate) path: Option<&'a str>,
    /// An IP address (A/AAAA targets) or a host name (CNAME, alias).
    pub(crate) ip: Option<&'a str>,
    pub(crate) host: Option<&'a str>,
}

/// Creates the health check; `caller_reference` makes a retried create
/// return the same check instead of a second one.
pub(crate) async fn create(
    c: &Clients,
    probe: &Probe<'_>,
    caller_reference: &str,
) -> Result<String, CloudError> {
    const OP: &str = "route53:CreateHealthCheck";
    let config = t::HealthCheckConfig::builder()
        .r#type(t::HealthCheckType::from(probe.protocol))
        .port(i32::from(probe.port))
        .set_resource_path(probe.path.map(str::to_string))
        .set_ip_address(probe.ip.map(str::to_string))
        .set_fully_qualified_domain_name(probe.host.map(|h| h.trim_end_matches('.').to_string()))
        .request_interval(10)
        .failure_threshold(3)
        .build()
        .map_err(|e| CloudError::Internal(format!("{OP}: cannot build the request: {e}")))?;
    let answer = c
        .route53
        .create_health_check()
        .caller_reference(caller_reference)
        .health_check_config(config)
        .send()
        .await
        .map_err(sdk(OP))?;
    Ok(answer
        .health_check()
        .map(|h| h.id().to_string())
        .unwrap_or_default())
}

/// (healthy, what the checkers said): healthy when most checkers report
/// success, as Route 53 itself decides.
pub(crate) async fn status(c: &Clients, id: &str) -> Result<(bool, String), CloudError> {
    let answer = c
        .route53
        .get_health_check_status()
        .health_check_id(id)
        .send()
        .await
        .map_err(sdk("route53:GetHealthCheckStatus"))?;
    let reports: Vec<String> = answer
        .health_check_observations()
        .iter()
        .filter_map(|o| {
            o.status_report()
                .and_then(|r| r.status())
                .map(str::to_string)
        })
        .collect();
    let ok = reports.iter().filter(|s| s.starts_with("Success")).count();
    let healthy = !reports.is_empty() && ok * 2 > reports.len();
    let detail = match reports.iter().find(|s| !s.starts_with("Success")) {
        Some(failure) if !healthy => format!(
            "{ok} of {} checkers report success; e.g. {failure}",
            reports.len()
        ),
        _ => format!("{ok} of {} checkers report success", reports.len()),
    };
    Ok((healthy, detail))
}
