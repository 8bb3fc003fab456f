//! Waiting on AWS: poll with backoff until a resource is ready. The sleep is
//! a parameter, so tests run hours of waiting in milliseconds.

use crate::cloud::CloudError;
use std::future::Future;
use std::time::Duration;

/// What one poll found.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Poll {
    /// Not ready; AWS's own progress when it gives one.
    Pending(Option<u8>),
    Ready,
    /// AWS says it will never be ready (e.g. the copy failed).
    Failed(String),
}

/// Poll intervals: start quick (copies of small snapshots finish in
/// seconds), back off to spare the API (and its throttling) on long ones.
#[derive(Debug, Clone)]
pub(crate) struct Backoff {
    next: Duration,
    max: Duration,
}

impl Default for Backoff {
    fn default() -> Self {
        Backoff {
            next: Duration::from_secs(2),
            max: Duration::from_secs(30),
        }
    }
}

impl Iterator for Backoff {
    type Item = Duration;
    fn next(&mut self) -> Option<Duration> {
        let now = self.next;
        self.next = (self.next * 3 / 2).min(self.max);
        Some(now)
    }
}

/// Polls until ready; `progress` hears every pending poll.
pub(crate) async fn until_ready<F, Fut>(
    poll: F,
    progress: &(dyn Fn(Option<u8>) + Send + Sync),
) -> Result<(), CloudError>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<Poll, CloudError>>,
{
    until_ready_with(poll, progress, tokio::time::sleep).await
}

/// `until_ready` with the sleep given.
pub(crate) async fn until_ready_with<F, Fut, S, SFut>(
    mut poll: F,
    progress: &(dyn Fn(Option<u8>) + Send + Sync),
    mut sleep: S,
) -> Result<(), CloudError>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<Poll, CloudError>>,
    S: FnMut(Duration) -> SFut,
    SFut: Future<Output = ()>,
{
    let mut delays = Backoff::default();
    loop {
        match poll().await? {
            Poll::Ready => return Ok(()),
            Poll::Failed(why) => return Err(CloudError::Failed(why)),
            Poll::Pending(p) => progress(p),
        }
        sleep(delays.next().unwrap_or_default()).await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::{Arc, Mutex};

    #[test]
    fn backoff_grows_to_a_ceiling() {
        let delays: Vec<u64> = Backoff::default()
            .take(9)
            .map(|d| d.as_millis() as u64)
            .collect();
        assert_eq!(
            delays,
            [2000, 3000, 4500, 6750, 10125, 15187, 22781, 30000, 30000]
        );
    }

    #[tokio::test]
    async fn waits_through_progress_to_ready_without_real_time() {
        let polls = Arc::new(AtomicUsize::new(0));
        let seen = Arc::new(Mutex::new(Vec::new()));
        let slept = Arc::new(Mutex::new(Duration::ZERO));
        let (p, s, clock) = (polls.clone(), seen.clone(), slept.clone());
        until_ready_with(
            move || {
                let n = p.fetch_add(1, Ordering::SeqCst);
                async move {
                    Ok(if n < 40 {
                        Poll::Pending(Some((n * 2) as u8))
                    } else {
                        Poll::Ready
                    })
                }
            },
            &move |progress| {
                s.lock()
                    .unwrap_or_else(std::sync::PoisonError::into_inner)
                    .push(progress)
            },
            move |d| {
                *clock
                    .lock()
                    .unwrap_or_else(std::sync::PoisonError::into_inner) += d;
                async {}
            },
        )
        .await
        .unwrap();
        assert_eq!(polls.load(Ordering::SeqCst), 41);
        assert_eq!(
            seen.lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner)
                .last(),
            Some(&Some(78))
        );
        // 40 waits: a few quick ones, then 30 s each: about 18 minutes of AWS time.
        let waited = *slept
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        assert!(waited > Duration::from_secs(15 * 60), "{waited:?}");
    }

    #[tokio::test]
    async fn a_failed_copy_stops_the_wait() {
        let err = until_ready_with(
            || async { Ok(Poll::Failed("snapshot copy error: KMS key disabled".into())) },
            &|_| {},
            |_| async {},
        )
        .await
        .unwrap_err();
        assert!(err.to_string().contains("KMS key disabled"));
    }
}
