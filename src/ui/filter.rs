//! The `/` filter: case-insensitive substring by default, `~` for a regex,
//! `!` in front of either to keep what does NOT match.

use regex::{Regex, RegexBuilder};

#[derive(Debug, Clone)]
pub(crate) enum Pattern {
    All,
    /// Lower-cased: haystacks are lower-cased once, when a listing arrives.
    Substring(String),
    Regex(Regex),
}

#[derive(Debug, Clone)]
pub(crate) struct Filter {
    pub(crate) pattern: Pattern,
    pub(crate) invert: bool,
}

impl Default for Filter {
    fn default() -> Self {
        Filter {
            pattern: Pattern::All,
            invert: false,
        }
    }
}

impl Filter {
    /// A filter from what the operator typed; a bad regex is an error to show.
    pub(crate) fn parse(text: &str) -> Result<Filter, String> {
        let (invert, rest) = match text.strip_prefix('!') {
            Some(r) => (true, r),
            None => (false, text),
        };
        let pattern = if let Some(re) = rest.strip_prefix('~') {
            if re.is_empty() {
                Pattern::All
            } else {
                RegexBuilder::new(re)
                    .case_insensitive(true)
                    // Haystacks hold one field per line: ^ and $ anchor to a field.
                    .multi_line(true)
                    .size_limit(1 << 20)
                    .build()
                    .map(Pattern::Regex)
                    .map_err(|e| {
                        format!(
                            "not a regex: {}",
                            e.to_string().lines().last().unwrap_or("")
                        )
                    })?
            }
        } else if rest.is_empty() {
            Pattern::All
        } else {
            Pattern::Substring(rest.to_lowercase())
        };
        Ok(Filter { pattern, invert })
    }

    pub(crate) fn is_all(&self) -> bool {
        matches!(self.pattern, Pattern::All) && !self.invert
    }

    /// `haystack` must be lower-cased (see `index::haystack`).
    pub(crate) fn matches(&self, haystack: &str) -> bool {
        let hit = match &self.pattern {
            Pattern::All => true,
            Pattern::Substring(s) => haystack.contains(s.as_str()),
            Pattern::Regex(re) => re.is_match(haystack),
        };
        hit != self.invert
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn substring_regex_and_invert() {
        let f = Filter::parse("Web").unwrap();
        assert!(f.matches("prod-web-1 i-1"));
        assert!(!f.matches("db-1"));
        let f = Filter::parse("~^prod-(web|api)").unwrap();
        assert!(f.matches("prod-api-2"));
        assert!(!f.matches("staging-web"));
        let f = Filter::parse("!web").unwrap();
        assert!(!f.matches("prod-web-1") && f.matches("db-1"));
        assert!(Filter::parse("~(").unwrap_err().starts_with("not a regex"));
        assert!(Filter::parse("").unwrap().is_all());
        assert!(Filter::parse("~").unwrap().is_all());
    }
}
