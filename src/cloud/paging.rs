//! Refusing to loop when a service hands back a token it already gave, for
//! the listings that page by hand. Listings read whole use the SDK's
//! paginators (`into_paginator()`), which stop on a repeated token; a loop
//! is hand-written only where it reports progress as pages arrive, or works
//! around a named emulator quirk, and it says which.

use super::error::CloudError;
use std::collections::HashSet;

/// The tokens a hand-written paging loop has been given so far.
pub(crate) struct Pages {
    operation: &'static str,
    seen: HashSet<String>,
}

impl Pages {
    pub(crate) fn new(operation: &'static str) -> Self {
        Pages {
            operation,
            seen: HashSet::new(),
        }
    }

    /// The token for the next request: None when the listing is complete,
    /// an error when the token was seen before.
    pub(crate) fn next(&mut self, token: Option<String>) -> Result<Option<String>, CloudError> {
        match token.filter(|t| !t.is_empty()) {
            None => Ok(None),
            Some(t) if !self.seen.insert(t.clone()) => Err(CloudError::PagingLoop {
                operation: self.operation,
                token: t,
            }),
            Some(t) => Ok(Some(t)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ends_on_no_token_and_stops_on_a_repeated_one() {
        let mut pages = Pages::new("ec2:DescribeVolumes");
        assert_eq!(pages.next(Some("a".into())), Ok(Some("a".into())));
        assert_eq!(pages.next(Some("b".into())), Ok(Some("b".into())));
        assert_eq!(pages.next(Some(String::new())), Ok(None));
        let err = pages.next(Some("a".into())).unwrap_err();
        assert!(err.to_string().contains("repeated pagination token 'a'"));
        assert_eq!(Pages::new("x").next(None), Ok(None));
    }
}
