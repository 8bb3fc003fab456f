//! Bucket listings walked in key order, the source's beside the copy's:
//! "already there" and "only in the copy" cost no extra request.

use super::bucket_pipeline::PageAhead;
use crate::cloud::copy::objects::{self, ObjectEntry};
use crate::cloud::{Clients, CloudError};
use std::collections::VecDeque;

type Page = (Vec<ObjectEntry>, Option<String>);

/// A listing read page by page, for walking in key order. The next page
/// is asked for as soon as a page comes, so the walk waits for a page
/// only when it outruns the listing.
pub(crate) struct Cursor<'a> {
    clients: &'a Clients,
    bucket: &'a str,
    page: VecDeque<ObjectEntry>,
    ahead: PageAhead<Page>,
    started: bool,
    pages: crate::cloud::paging::Pages,
}

impl<'a> Cursor<'a> {
    pub(crate) fn new(clients: &'a Clients, bucket: &'a str) -> Self {
        Cursor {
            clients,
            bucket,
            page: VecDeque::new(),
            ahead: PageAhead::new(),
            started: false,
            pages: crate::cloud::paging::Pages::new("s3:ListObjectsV2"),
        }
    }

    fn ask(&mut self, token: Option<String>) {
        let (clients, bucket) = (self.clients.clone(), self.bucket.to_string());
        self.ahead
            .start(async move { objects::list_page(&clients, &bucket, token).await });
    }

    pub(crate) async fn next(&mut self) -> Result<Option<ObjectEntry>, CloudError> {
        while self.page.is_empty() {
            if !self.started {
                self.started = true;
                self.ask(None);
            }
            let Some(fetched) = self.ahead.take().await else {
                return Ok(None);
            };
            let (entries, next) = fetched?;
            if let Some(token) = self.pages.next(next)? {
                self.ask(Some(token));
            }
            self.page.extend(entries);
        }
        Ok(self.page.pop_front())
    }

    /// The entry with this key, skipping smaller keys (both listings
    /// ascend) and noting them in `passed`: in the copy, those are keys
    /// the source no longer has.
    pub(crate) async fn seek_noting(
        &mut self,
        key: &str,
        mut passed: Option<&mut Vec<String>>,
    ) -> Result<Option<ObjectEntry>, CloudError> {
        loop {
            let Some(front) = self.peek().await? else {
                return Ok(None);
            };
            if front.key.as_str() < key {
                let gone = self.page.pop_front();
                if let (Some(passed), Some(gone)) = (passed.as_deref_mut(), gone) {
                    passed.push(gone.key);
                }
                continue;
            }
            // A match is taken: the next seek (a greater key) must not
            // count it as passed over.
            if front.key == key {
                return Ok(self.page.pop_front());
            }
            return Ok(None);
        }
    }

    async fn peek(&mut self) -> Result<Option<&ObjectEntry>, CloudError> {
        if self.page.is_empty() {
            match self.next().await? {
                Some(e) => self.page.push_front(e),
                None => return Ok(None),
            }
        }
        Ok(self.page.front())
    }
}

/// Same object: same size, and the same ETag unless either was uploaded in
/// parts (its ETag then depends on the part size).
pub(crate) fn same(a: &ObjectEntry, b: &ObjectEntry) -> bool {
    a.size == b.size && (a.etag == b.etag || a.is_multipart() || b.is_multipart())
}
