//! Is the target answering? A Route 53 health check made for the target's
//! value, read before each step that sends it more traffic. The source of
//! health is injectable: emulators always say healthy, so tests hand the
//! engine one that can say otherwise.

use super::DnsError;
use crate::cloud::{health_check, Clients};
use std::future::Future;
use std::pin::Pin;

/// `--health-check tcp:PORT | http:PORT/PATH | https:PORT/PATH`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HealthCheckSpec {
    /// "TCP", "HTTP" or "HTTPS", as Route 53 names them.
    pub(crate) protocol: &'static str,
    pub(crate) port: u16,
    pub(crate) path: Option<String>,
}

impl HealthCheckSpec {
    pub fn parse(text: &str) -> Result<Self, DnsError> {
        let bad = |why: &str| {
            DnsError::Invalid(format!(
                "--health-check '{text}': {why}; write tcp:PORT, http:PORT/PATH or https:PORT/PATH, e.g. https:443/health"
            ))
        };
        let (scheme, rest) = text
            .trim()
            .split_once(':')
            .ok_or_else(|| bad("no protocol"))?;
        let protocol = match scheme.to_ascii_lowercase().as_str() {
            "tcp" => "TCP",
            "http" => "HTTP",
            "https" => "HTTPS",
            _ => return Err(bad("the protocol is not tcp, http or https")),
        };
        let (port, path) = match rest.split_once('/') {
            Some((port, path)) => (port, Some(format!("/{path}"))),
            None => (rest, None),
        };
        let port: u16 = port
            .parse()
            .ok()
            .filter(|p| *p > 0)
            .ok_or_else(|| bad("the port is not a number from 1 to 65535"))?;
        match (protocol, &path) {
            ("TCP", Some(_)) => return Err(bad("a TCP check has no path")),
            ("HTTP" | "HTTPS", None) => return Err(bad("an HTTP(S) check needs a path")),
            _ => {}
        }
        if path
            .as_ref()
            .is_some_and(|p| p.len() > 255 || p.contains(char::is_whitespace))
        {
            return Err(bad("the path is longer than 255 characters or has spaces"));
        }
        Ok(HealthCheckSpec {
            protocol,
            port,
            path,
        })
    }
}

impl std::fmt::Display for HealthCheckSpec {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{}:{}{}",
            self.protocol.to_lowercase(),
            self.port,
            self.path.as_deref().unwrap_or("")
        )
    }
}

/// What a health check says now.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Health {
    pub healthy: bool,
    pub detail: String,
}

pub type HealthFuture<'a> = Pin<Box<dyn Future<Output = Result<Health, DnsError>> + Send + 'a>>;

/// Where the engine learns a health check's status.
pub trait HealthSource: Send + Sync {
    fn status<'a>(&'a self, health_check_id: &'a str) -> HealthFuture<'a>;
}

/// Route 53's GetHealthCheckStatus.
pub(crate) struct Route53Health(pub(crate) Clients);

impl HealthSource for Route53Health {
    fn status<'a>(&'a self, health_check_id: &'a str) -> HealthFuture<'a> {
        Box::pin(async move {
            let (healthy, detail) = health_check::status(&self.0, health_check_id).await?;
            Ok(Health { healthy, detail })
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn specs_parse_and_bad_ones_say_why() {
        let s = HealthCheckSpec::parse("https:443/health").unwrap();
        assert_eq!(
            (s.protocol, s.port, s.path.as_deref()),
            ("HTTPS", 443, Some("/health"))
        );
        assert_eq!(s.to_string(), "https:443/health");
        let t = HealthCheckSpec::parse("tcp:5432").unwrap();
        assert_eq!((t.protocol, t.port, t.path), ("TCP", 5432, None));
        let err = |s| HealthCheckSpec::parse(s).unwrap_err().to_string();
        assert!(err("udp:53").contains("not tcp, http or https"));
        assert!(err("http:80").contains("needs a path"));
        assert!(err("tcp:22/x").contains("no path"));
        assert!(err("http:0/x").contains("1 to 65535"));
        assert!(err("http:99999/x").contains("1 to 65535"));
        assert!(err("443").contains("no protocol"));
    }
}
