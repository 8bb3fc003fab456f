//! What keeps a bucket copy's requests going while its listings are read:
//! the next listing page is asked for as soon as the one before it comes
//! (`PageAhead`), and the copies in flight go on ending while the loop
//! waits for a page anyway (`meanwhile`). Without them every page (source
//! or target, 1,000 keys) stalled every copy in flight for a round trip.

use crate::cloud::CloudError;
use futures::stream::{Stream, StreamExt};
use std::future::Future;
use tokio::task::JoinHandle;

/// One listing page asked for before the walk needs it. The request runs
/// on its own task, so it goes on while the copy loop awaits other things;
/// dropping the cursor (a pause, an error) stops it.
pub(crate) struct PageAhead<T>(Option<JoinHandle<Result<T, CloudError>>>);

impl<T: Send + 'static> PageAhead<T> {
    pub(crate) fn new() -> Self {
        PageAhead(None)
    }

    pub(crate) fn start(
        &mut self,
        fetch: impl Future<Output = Result<T, CloudError>> + Send + 'static,
    ) {
        self.abort();
        self.0 = Some(tokio::spawn(fetch));
    }

    /// The page asked for, once it is in; None when none was asked for.
    /// Cancel-safe: dropped while waiting, the page is still there next time.
    pub(crate) async fn take(&mut self) -> Option<Result<T, CloudError>> {
        let handle = self.0.as_mut()?;
        let joined = handle.await;
        self.0 = None;
        Some(joined.unwrap_or_else(|e| {
            Err(CloudError::Internal(format!(
                "internal: a listing page's request ended without an answer ({e})"
            )))
        }))
    }

    fn abort(&mut self) {
        if let Some(handle) = self.0.take() {
            handle.abort();
        }
    }
}

impl<T> Drop for PageAhead<T> {
    fn drop(&mut self) {
        if let Some(handle) = self.0.take() {
            handle.abort();
        }
    }
}

/// Awaits `work` (a listing page, a seek in the copy's listing) while the
/// copies in flight go on ending: those that end meanwhile are put in
/// `ended` for the caller to count, so the window refills at once.
pub(crate) async fn meanwhile<W, S>(
    work: W,
    in_flight: &mut S,
    ended: &mut Vec<S::Item>,
) -> W::Output
where
    W: Future,
    S: Stream + Unpin,
{
    let mut work = std::pin::pin!(work);
    loop {
        tokio::select! {
            biased;
            out = &mut work => return out,
            Some(done) = in_flight.next() => ended.push(done),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use futures::stream::FuturesUnordered;
    use std::sync::atomic::{AtomicBool, Ordering};
    use std::sync::Arc;
    use std::time::Duration;

    #[tokio::test]
    async fn copies_end_while_a_page_is_awaited() {
        let mut in_flight = FuturesUnordered::new();
        for ms in [10u64, 20, 60_000] {
            in_flight.push(async move {
                tokio::time::sleep(Duration::from_millis(ms)).await;
                ms
            });
        }
        let mut ended = Vec::new();
        let page = meanwhile(
            async {
                tokio::time::sleep(Duration::from_millis(300)).await;
                "page"
            },
            &mut in_flight,
            &mut ended,
        )
        .await;
        assert_eq!(page, "page");
        assert_eq!(ended, vec![10, 20], "the copies that ended meanwhile");
        assert_eq!(in_flight.len(), 1, "the slow copy is still in flight");
    }

    #[tokio::test]
    async fn a_page_asked_ahead_is_fetched_while_nobody_awaits_it() {
        let mut ahead = PageAhead::new();
        assert!(ahead.take().await.is_none(), "nothing asked for");
        let fetched = Arc::new(AtomicBool::new(false));
        let flag = fetched.clone();
        ahead.start(async move {
            flag.store(true, Ordering::SeqCst);
            Ok::<_, CloudError>(7)
        });
        for _ in 0..500 {
            if fetched.load(Ordering::SeqCst) {
                break;
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        assert!(fetched.load(Ordering::SeqCst), "the request ran on its own");
        assert_eq!(ahead.take().await.unwrap().unwrap(), 7);
        assert!(ahead.take().await.is_none(), "a page is taken once");
    }
}
