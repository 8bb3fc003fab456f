//! Bucket listings walked in key order, the source's beside the copy's:
//! "already there" and "only in the copy" cost no extra request.

use crate::cloud::copy::objects::{self, ObjectEntry};
use crate::cloud::{Clients, CloudError};
use std::collections::VecDeque;

/// A listing read page by page, for walking in key order.
pub(crate) struct Cursor<'a> {
    clients: &'a Clients,
    bucket: &'a str,
    page: VecDeque<ObjectEntry>,
    token: Option<String>,
    started: bool,
    pages: crate::cloud::paging::Pages,
}

impl<'a> Cursor<'a> {
    pub fn new(clients: &'a Clients, bucket: &'a str) -> Self {
        Cursor {
            clients,
            bucket,
            page: VecDeque::new(),
            token: None,
            started: false,
            pages: crate::cloud::paging::Pages::new("s3:ListObjectsV2"),
        }
    }

    pub async fn next(&mut self) -> Result<Option<ObjectEntry>, CloudError> {
        while self.page.is_empty() {
            if self.started && self.token.is_none() {
                return Ok(None);
            }
            let (entries, next) =
                objects::list_page(self.clients, self.bucket, self.token.take()).await?;
            self.started = true;
            self.token = self.pages.next(next)?;
            self.page.extend(entries);
        }
        Ok(self.page.pop_front())
    }

    /// The entry with this key, skipping smaller keys (both listings ascend).
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
pub fn same(a: &ObjectEntry, b: &ObjectEntry) -> bool {
    a.size == b.size && (a.etag == b.etag || a.is_multipart() || b.is_multipart())
}
