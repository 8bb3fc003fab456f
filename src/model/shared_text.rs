//! A short text that many rows repeat word for word: a region ("global" on
//! every Route 53 record), a state ("running", "simple"), a record type, the
//! zone a record belongs to. At 100,000 records a `String` per row for each
//! was ~16 MB of copies of a few dozen words; a `SharedText` is one shared
//! copy per distinct word, and 16 bytes in the row instead of 24.
//!
//! Every `SharedText` is interned in one table that is never emptied, so it
//! is only for words from a small vocabulary: never for ids, names or values.
//! It reads, compares, prints and serializes as the plain string it holds
//! (the JSON inventory and the report are unchanged).

use serde::{Serialize, Serializer};
use std::collections::HashSet;
use std::fmt;
use std::ops::Deref;
use std::sync::{Arc, LazyLock, Mutex};

#[derive(Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct SharedText(Arc<str>);

/// Every word handed out so far; rows hold clones of these.
static WORDS: LazyLock<Mutex<HashSet<Arc<str>>>> = LazyLock::new(Default::default);

impl SharedText {
    /// The shared copy of `word`, made on its first use.
    pub fn new(word: &str) -> Self {
        // A poisoned table still holds valid words: keep using it.
        let mut words = WORDS.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(shared) = words.get(word) {
            return SharedText(shared.clone());
        }
        let shared: Arc<str> = Arc::from(word);
        words.insert(shared.clone());
        SharedText(shared)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl Default for SharedText {
    fn default() -> Self {
        SharedText::new("")
    }
}

impl Deref for SharedText {
    type Target = str;
    fn deref(&self) -> &str {
        &self.0
    }
}

impl AsRef<str> for SharedText {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl std::borrow::Borrow<str> for SharedText {
    fn borrow(&self) -> &str {
        &self.0
    }
}

impl From<&str> for SharedText {
    fn from(word: &str) -> Self {
        SharedText::new(word)
    }
}

impl From<&String> for SharedText {
    fn from(word: &String) -> Self {
        SharedText::new(word)
    }
}

impl From<String> for SharedText {
    fn from(word: String) -> Self {
        SharedText::new(&word)
    }
}

impl From<SharedText> for String {
    fn from(word: SharedText) -> Self {
        word.0.to_string()
    }
}

impl PartialEq<str> for SharedText {
    fn eq(&self, other: &str) -> bool {
        &*self.0 == other
    }
}

impl PartialEq<&str> for SharedText {
    fn eq(&self, other: &&str) -> bool {
        &*self.0 == *other
    }
}

impl PartialEq<String> for SharedText {
    fn eq(&self, other: &String) -> bool {
        *self.0 == **other
    }
}

impl PartialEq<SharedText> for str {
    fn eq(&self, other: &SharedText) -> bool {
        self == &*other.0
    }
}

impl PartialEq<SharedText> for &str {
    fn eq(&self, other: &SharedText) -> bool {
        *self == &*other.0
    }
}

impl PartialEq<SharedText> for String {
    fn eq(&self, other: &SharedText) -> bool {
        **self == *other.0
    }
}

/// Printed like the string it holds, so `{:?}` of a row reads as before.
impl fmt::Debug for SharedText {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&*self.0, f)
    }
}

impl fmt::Display for SharedText {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&*self.0, f)
    }
}

impl Serialize for SharedText {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_copy_per_word_that_reads_and_serializes_as_the_string() {
        let a = SharedText::new("us-east-1");
        let b = SharedText::from(String::from("us-east-1"));
        assert!(
            Arc::ptr_eq(&a.0, &b.0),
            "the second use shares the first copy"
        );
        assert_eq!(a, "us-east-1");
        assert_eq!(format!("{a} {a:?}"), "us-east-1 \"us-east-1\"");
        assert_eq!(serde_json::to_string(&a).unwrap(), "\"us-east-1\"");
        assert_ne!(a, SharedText::new("eu-west-1"));
    }
}
