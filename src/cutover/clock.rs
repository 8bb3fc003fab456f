//! Time for the cache waits. Every decision takes the clock as a parameter,
//! so a test can check a 3600 s wait by moving a hand-set clock.

use std::sync::Mutex;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// Alias records have no TTL of their own; resolvers keep the target's
/// answer for its TTL, which for AWS load balancers and CloudFront is 60 s.
pub(crate) const ALIAS_HOLD: Duration = Duration::from_secs(60);

pub trait Clock: Send + Sync {
    fn now(&self) -> SystemTime;
}

pub(crate) struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> SystemTime {
        SystemTime::now()
    }
}

/// A clock that moves only when told to.
pub struct ManualClock(Mutex<SystemTime>);

impl ManualClock {
    pub fn at(t: SystemTime) -> Self {
        ManualClock(Mutex::new(t))
    }

    pub fn advance(&self, by: Duration) {
        let mut t = self.0.lock().unwrap_or_else(|e| e.into_inner());
        *t += by;
    }
}

impl Clock for ManualClock {
    fn now(&self) -> SystemTime {
        *self.0.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// How long resolvers may keep the answer from before a change: the TTL
/// the record had before it. After a TTL change that is the OLD TTL; after
/// a weight change old and current are the same, so it is the current one.
pub(crate) fn cache_hold(ttl_before: Option<i64>) -> Duration {
    match ttl_before {
        Some(ttl) => Duration::from_secs(ttl.max(0) as u64),
        None => ALIAS_HOLD,
    }
}

/// When the next step becomes safe: `hold` after the change was INSYNC.
pub(crate) fn next_safe_at(insync_at: SystemTime, hold: Duration) -> SystemTime {
    insync_at + hold
}

/// Time left until `safe_at`; None once it has passed.
pub(crate) fn remaining(safe_at: SystemTime, now: SystemTime) -> Option<Duration> {
    safe_at.duration_since(now).ok().filter(|d| !d.is_zero())
}

/// "59m 12s", "1h 00m 00s", "12s".
pub(crate) fn countdown(d: Duration) -> String {
    let s = d.as_secs() + u64::from(d.subsec_nanos() > 0);
    match (s / 3600, s / 60 % 60, s % 60) {
        (0, 0, sec) => format!("{sec}s"),
        (0, min, sec) => format!("{min}m {sec:02}s"),
        (h, min, sec) => format!("{h}h {min:02}m {sec:02}s"),
    }
}

/// "2026-11-21 14:03:12 UTC": a clock time an operator can compare with a
/// wall clock, without a time-zone database.
pub(crate) fn clock_time(t: SystemTime) -> String {
    let at = time::OffsetDateTime::from(t.max(UNIX_EPOCH));
    format!(
        "{:04}-{:02}-{:02} {:02}:{:02}:{:02} UTC",
        at.year(),
        u8::from(at.month()),
        at.day(),
        at.hour(),
        at.minute(),
        at.second()
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_hour_long_wait_runs_on_a_hand_set_clock() {
        let start = UNIX_EPOCH + Duration::from_secs(1_795_000_000);
        let clock = ManualClock::at(start);
        let safe_at = next_safe_at(clock.now(), cache_hold(Some(3600)));
        assert_eq!(
            remaining(safe_at, clock.now()),
            Some(Duration::from_secs(3600))
        );
        clock.advance(Duration::from_secs(3599));
        assert_eq!(
            remaining(safe_at, clock.now()),
            Some(Duration::from_secs(1))
        );
        clock.advance(Duration::from_secs(1));
        assert_eq!(remaining(safe_at, clock.now()), None);
        assert_eq!(cache_hold(None), ALIAS_HOLD);
    }

    #[test]
    fn countdowns_and_clock_times_read_well() {
        assert_eq!(countdown(Duration::from_secs(3600)), "1h 00m 00s");
        assert_eq!(countdown(Duration::from_secs(3552)), "59m 12s");
        assert_eq!(countdown(Duration::from_millis(11_200)), "12s");
        assert_eq!(clock_time(UNIX_EPOCH), "1970-01-01 00:00:00 UTC");
        let t = UNIX_EPOCH + Duration::from_secs(1_795_000_000);
        assert_eq!(clock_time(t), "2026-11-18 11:06:40 UTC");
        let leap = UNIX_EPOCH + Duration::from_secs(951_782_400);
        assert_eq!(clock_time(leap), "2000-02-29 00:00:00 UTC");
    }
}
