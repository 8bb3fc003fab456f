//! AWS under stress, on purpose: a seeded share of requests throttled,
//! failed, delayed, cut, or carried out with their answer lost.

use super::http::Response;
use std::sync::Mutex;
use std::time::Duration;

/// A tiny seeded generator (splitmix64): the same seed gives the same
/// sequence of faults, so a failing run can be repeated.
#[derive(Debug, Clone)]
pub struct SplitMix64(u64);

impl SplitMix64 {
    pub fn new(seed: u64) -> Self {
        SplitMix64(seed)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in [0, 1).
    pub(crate) fn next_f64(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Fault {
    /// RequestLimitExceeded (EC2), Throttling (RDS, Route 53), SlowDown (S3).
    Throttle,
    /// InternalError 500: nothing was done.
    ServerError,
    /// Answered, seconds late.
    Delay(Duration),
    /// The connection is reset before the request reaches AWS.
    Reset,
    /// AWS does the work, then the connection is reset: the client never
    /// hears that it happened.
    LostAnswer,
}

impl Fault {
    pub(crate) fn name(self) -> &'static str {
        match self {
            Fault::Throttle => "throttle",
            Fault::ServerError => "server-error",
            Fault::Delay(_) => "delay",
            Fault::Reset => "reset",
            Fault::LostAnswer => "lost-answer",
        }
    }
}

#[derive(Debug)]
pub(crate) struct Faults {
    rate: f64,
    rng: Mutex<SplitMix64>,
}

impl Faults {
    pub(crate) fn new(rate: f64, seed: u64) -> Self {
        Faults {
            rate: rate.clamp(0.0, 1.0),
            rng: Mutex::new(SplitMix64::new(seed)),
        }
    }

    /// The fault for the next request, if it gets one.
    pub(crate) fn draw(&self) -> Option<Fault> {
        let mut rng = self
            .rng
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if rng.next_f64() >= self.rate {
            return None;
        }
        let pick = rng.next_f64();
        Some(if pick < 0.30 {
            Fault::Throttle
        } else if pick < 0.50 {
            Fault::ServerError
        } else if pick < 0.70 {
            Fault::Delay(Duration::from_millis(1000 + rng.next_u64() % 2000))
        } else if pick < 0.85 {
            Fault::Reset
        } else {
            Fault::LostAnswer
        })
    }
}

/// The answer AWS gives `service` for a throttle or server error, in that
/// service's own error shape.
pub(crate) fn error_answer(service: &str, fault: Fault) -> Response {
    let throttle = fault == Fault::Throttle;
    let request_id = "00000000-0000-0000-0000-sandboxfault";
    let (status, body) = match service {
        "s3" => {
            let (status, code, message) = if throttle {
                (503, "SlowDown", "Please reduce your request rate.")
            } else {
                (
                    500,
                    "InternalError",
                    "We encountered an internal error. Please try again.",
                )
            };
            (
                status,
                format!("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>{code}</Code><Message>{message}</Message><RequestId>{request_id}</RequestId></Error>"),
            )
        }
        "rds" | "route53" => {
            let (status, kind, code, message) = if throttle {
                (400, "Sender", "Throttling", "Rate exceeded")
            } else {
                (
                    500,
                    "Receiver",
                    "InternalFailure",
                    "An internal error occurred.",
                )
            };
            let ns = if service == "rds" {
                "http://rds.amazonaws.com/doc/2014-10-31/"
            } else {
                "https://route53.amazonaws.com/doc/2013-04-01/"
            };
            (
                status,
                format!("<?xml version=\"1.0\"?>\n<ErrorResponse xmlns=\"{ns}\"><Error><Type>{kind}</Type><Code>{code}</Code><Message>{message}</Message></Error><RequestId>{request_id}</RequestId></ErrorResponse>"),
            )
        }
        _ => {
            let (status, code, message) = if throttle {
                (503, "RequestLimitExceeded", "Request limit exceeded.")
            } else {
                (500, "InternalError", "An internal error has occurred")
            };
            (
                status,
                format!("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Response><Errors><Error><Code>{code}</Code><Message>{message}</Message></Error></Errors><RequestID>{request_id}</RequestID></Response>"),
            )
        }
    };
    Response {
        status,
        reason: if status == 400 {
            "Bad Request"
        } else if status == 503 {
            "Service Unavailable"
        } else {
            "Internal Server Error"
        }
        .into(),
        headers: vec![("Content-Type".into(), b"text/xml".to_vec())],
        body: body.into_bytes(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_seed_gives_the_same_faults_at_about_the_rate() {
        let draws = |seed| {
            let f = Faults::new(0.2, seed);
            (0..2000).map(|_| f.draw()).collect::<Vec<_>>()
        };
        let (a, b) = (draws(7), draws(7));
        assert_eq!(a, b);
        assert_ne!(a, draws(8));
        let hit = a.iter().filter(|f| f.is_some()).count();
        assert!((330..470).contains(&hit), "{hit} of 2000 at 20%");
        for kind in ["throttle", "server-error", "delay", "reset", "lost-answer"] {
            assert!(a.iter().flatten().any(|f| f.name() == kind), "{kind} drawn");
        }
        assert!(Faults::new(0.0, 7).draw().is_none());
    }

    #[test]
    fn errors_take_each_services_shape() {
        let ec2 = error_answer("ec2", Fault::Throttle);
        assert_eq!(ec2.status, 503);
        assert!(String::from_utf8(ec2.body)
            .unwrap()
            .contains("<Errors><Error><Code>RequestLimitExceeded"));
        let rds = error_answer("rds", Fault::Throttle);
        assert!(String::from_utf8(rds.body)
            .unwrap()
            .contains("<ErrorResponse xmlns=\"http://rds"));
        let s3 = error_answer("s3", Fault::ServerError);
        assert_eq!(s3.status, 500);
        assert!(String::from_utf8(s3.body).unwrap().starts_with("<?xml"));
    }
}
