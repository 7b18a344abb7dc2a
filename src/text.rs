//! Text as the standard compares it (SPEC §3): Unicode NFKC, then every white
//! space removed, so `中 国 社 区`, `中国　社区` and `中国社区` are one text and
//! full-width brackets equal half-width ones.

use unicode_normalization::UnicodeNormalization;
use unicode_width::UnicodeWidthChar;

/// The normalised form used for every comparison of plaque texts, titles and names.
pub fn normalize(s: &str) -> String {
    s.nfkc().filter(|c| !c.is_whitespace()).collect()
}

/// Columns a string takes in a terminal: CJK characters take two, so a caret
/// drawn under Chinese text lines up. Tabs count as four, as the report prints them.
pub fn display_width(s: &str) -> usize {
    s.chars()
        .map(|c| if c == '\t' { 4 } else { c.width().unwrap_or(0) })
        .sum()
}

/// Does `s` end with one of `endings`? Returns the ending that matched.
pub fn ends_with_any<'a>(s: &str, endings: &'a [String]) -> Option<&'a str> {
    endings
        .iter()
        .find(|e| !e.is_empty() && s.ends_with(e.as_str()))
        .map(String::as_str)
}

/// Percent-encode a path (RFC 3986: unreserved characters and `/` stay):
/// for links to the Chinese folder names and SARIF's artifact URIs.
pub fn encode_path(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for b in path.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'/' | b'-' | b'_' | b'.' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalises_spaces_and_full_width_forms() {
        assert_eq!(normalize("中 国 社 区"), "中国社区");
        assert_eq!(normalize("中国\u{3000}社区"), "中国社区");
        assert_eq!(normalize("村(居)民委员会"), normalize("村（居）民委员会"));
        assert_eq!(normalize("ＡＢＣ１２３"), "ABC123");
    }

    #[test]
    fn chinese_is_two_columns_wide() {
        assert_eq!(display_width("红旗社区"), 8);
        assert_eq!(display_width("a红b"), 4);
        assert_eq!(display_width("\t"), 4);
    }
}
