//! Text from AWS (tags, names, keys) made safe to print: control
//! characters (C0, DEL, C1) and bidi controls are shown escaped, so a tag
//! holding "\n" or U+202E cannot forge a row or reorder a line on a
//! terminal. One function, used by every text output and the cockpit.

use std::borrow::Cow;

/// The text with every control or bidi character written as an escape:
/// `\n`, `\t`, `\r`, else `\u{202e}`; a backslash stays a backslash.
pub(crate) fn printable(text: &str) -> Cow<'_, str> {
    if !text.chars().any(needs_escape) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        match c {
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if needs_escape(c) => out.push_str(&format!("\\u{{{:x}}}", c as u32)),
            c => out.push(c),
        }
    }
    Cow::Owned(out)
}

fn needs_escape(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{061c}' | '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}'
        )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_and_bidi_characters_are_escaped() {
        assert!(matches!(printable("web-1 ü 東京"), Cow::Borrowed(_)));
        assert_eq!(
            printable("a\nb\tc\u{7}\u{1b}[31m\u{85}\u{9b}\u{7f}"),
            "a\\nb\\tc\\u{7}\\u{1b}[31m\\u{85}\\u{9b}\\u{7f}"
        );
        assert_eq!(printable("evil\u{202e}gpj.exe"), "evil\\u{202e}gpj.exe");
        assert_eq!(
            printable("\u{2066}x\u{2069}\u{200f}"),
            "\\u{2066}x\\u{2069}\\u{200f}"
        );
    }
}
