//! Text as the standard compares it (SPEC §3): Unicode NFKC, then every white
//! space removed, so `中 国 社 区`, `中国　社区` and `中国社区` are one text and
//! full-width brackets equal half-width ones.

use unicode_normalization::{IsNormalized, UnicodeNormalization, is_nfkc_quick};
use unicode_width::UnicodeWidthChar;

/// The normalised form used for every comparison of plaque texts, titles and names.
pub fn normalize(s: &str) -> String {
    // Nearly every text of an inventory is already in NFKC (ASCII always is;
    // common CJK ideographs are): then only the white space goes, without
    // running the decomposition and recomposition, which were a tenth of
    // `check` on a county. The quick check answers `Yes` only when the text
    // is certainly normal; `No` and `Maybe` take the full road.
    if s.chars().all(|c| stable(c) && !c.is_whitespace()) {
        return s.to_owned();
    }
    if s.chars().all(stable) || is_nfkc_quick(s.chars()) == IsNormalized::Yes {
        return s.chars().filter(|c| !c.is_whitespace()).collect();
    }
    s.nfkc().filter(|c| !c.is_whitespace()).collect()
}

/// Characters that NFKC leaves as they are wherever they stand: no
/// decomposition, combining class 0, and never part of a composition. A
/// text made of them alone is normal, which the check is faster to see than
/// the library's quick check (a table search per character). ASCII, the CJK
/// ideographs of the URO and Extension A, and the CJK brackets and stops
/// inventories use; the unit test holds each to NFKC.
fn stable(c: char) -> bool {
    matches!(c as u32,
        0..=0x7F
        | 0x3001..=0x3002 // 、。
        | 0x3008..=0x3011 // 〈〉《》「」『』【】
        | 0x3014..=0x301B // 〔〕〖〗〘〙〚〛
        | 0x3400..=0x4DBF
        | 0x4E00..=0x9FFF)
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

    /// The quick road gives what NFKC gives, on texts that take it and on
    /// texts that must not (compatibility forms, combining marks, Hangul).
    #[test]
    fn the_quick_road_agrees_with_nfkc() {
        let full = |s: &str| -> String { s.nfkc().filter(|c| !c.is_whitespace()).collect() };
        for s in [
            "",
            "hongqi 2024",
            "中共红旗社区委员会",
            "红旗社区 党群服务中心",
            "㈱会社",
            "ｶﾀｶﾅ",
            "e\u{301}cole",
            "\u{1100}\u{1161}",
            "Å",
            "ﬁ",
            "市社治组〔2024〕12号",
            "村（居）民委员会",
            "\u{2F00}\u{F900}",
            "𠀀𪚥",
            "a\u{300}中",
            "中\u{301}",
        ] {
            assert_eq!(normalize(s), full(s), "{s:?}");
        }
        // Every character taken as stable is its own NFKC, has combining
        // class 0, and stays itself next to any other stable one (no
        // composition joins two of them).
        let stable_chars: Vec<char> = (0..=0x10FFFFu32)
            .filter_map(char::from_u32)
            .filter(|&c| stable(c))
            .collect();
        for &c in &stable_chars {
            let one = c.to_string();
            assert_eq!(one.nfkc().collect::<String>(), one, "{c:?}");
            assert_eq!(unicode_normalization::char::canonical_combining_class(c), 0);
        }
        // A composition joins the two characters of a canonical
        // decomposition: none of them may be two stable characters.
        for x in (0..=0x10FFFFu32).filter_map(char::from_u32) {
            let mut parts = Vec::new();
            unicode_normalization::char::decompose_canonical(x, |p| parts.push(p));
            assert!(
                !(parts.len() == 2 && parts.iter().all(|&p| stable(p))),
                "{x:?} composes from {parts:?}"
            );
        }
    }

    #[test]
    fn chinese_is_two_columns_wide() {
        assert_eq!(display_width("红旗社区"), 8);
        assert_eq!(display_width("a红b"), 4);
        assert_eq!(display_width("\t"), 4);
    }
}
