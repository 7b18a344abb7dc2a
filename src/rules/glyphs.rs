//! Every text that ends up on a sign must be drawable by the sign font
//! (`text.missing-glyph`): a character the font lacks would vanish from the
//! printed sign.

use std::sync::atomic::{AtomicU64, Ordering};

use crate::diag::{Msg, Rule};
use crate::fonts::FONTS;
use crate::model::{Community, Text};
use crate::rules::Findings;

/// Which characters of the Basic Multilingual Plane the sign font can draw,
/// learnt once per process: a county repeats the same few thousand
/// characters tens of thousands of times, and each look-up in the font's
/// cmap was a search through its segments. Two bits per character: known,
/// and drawable. Filled as characters are met (no start-up cost), from any
/// thread: a bit, once set, never changes.
struct Coverage {
    known: [AtomicU64; 1024],
    drawable: [AtomicU64; 1024],
}

static COVERAGE: Coverage = Coverage {
    known: [const { AtomicU64::new(0) }; 1024],
    drawable: [const { AtomicU64::new(0) }; 1024],
};

/// Can the sign font draw `c`? The same answer as the font's own look-up.
pub fn can_draw(c: char) -> bool {
    let code = c as usize;
    if code >= 0x1_0000 {
        return FONTS.bold.has(c);
    }
    let (word, bit) = (code / 64, 1u64 << (code % 64));
    if COVERAGE.known[word].load(Ordering::Acquire) & bit != 0 {
        return COVERAGE.drawable[word].load(Ordering::Relaxed) & bit != 0;
    }
    let has = FONTS.bold.has(c);
    if has {
        COVERAGE.drawable[word].fetch_or(bit, Ordering::Relaxed);
    }
    // Release: whoever sees the character known also sees its drawable bit.
    COVERAGE.known[word].fetch_or(bit, Ordering::Release);
    has
}

/// The characters of `text` the sign font cannot draw (a run of one
/// character counted once), as [`crate::fonts::Fonts::missing`] gives them.
fn missing(text: &str) -> Vec<char> {
    let mut out: Vec<char> = text.chars().filter(|&c| !can_draw(c)).collect();
    out.dedup();
    out
}

pub fn check(c: &Community, out: &mut Findings) {
    let mut texts: Vec<&Text> = vec![&c.name];
    texts.extend(c.gate.iter().map(|p| &p.text));
    texts.extend(c.header.iter().map(|p| &p.text));
    for b in &c.gate_walls {
        texts.push(&b.text);
        texts.extend(b.rooms.iter().flatten().map(|r| &r.name));
    }
    texts.extend(c.indoor.iter().map(|p| &p.text));
    for t in texts {
        let missing = missing(&t.raw);
        if missing.is_empty() {
            continue;
        }
        let chars: String = missing
            .iter()
            .map(|c| format!("“{c}”(U+{:04X})", *c as u32))
            .collect::<Vec<_>>()
            .join("、");
        out.push(
            Rule::TextMissingGlyph,
            t.loc,
            Msg::new(
                format!("“{}”里的{chars}标牌字体里没有，印出来会缺字", t.raw),
                format!("the sign font cannot draw {chars} in “{}”: it would vanish from the sign", t.raw),
            ),
            Msg::new(
                "核对这个字有没有写错；确是生僻字的，请制作方单独造字，或把它加进字体（themes/default/fonts/subset.sh）",
                "check the character; if it is right, have the sign maker draw it, or add it to the font (themes/default/fonts/subset.sh)",
            ),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_answers_as_the_font_does() {
        let texts = [
            "中共红旗社区委员会堃",
            "红旗𠀀社区",
            "abc 123　",
            "\u{E000}\u{FFFD}鿿",
            "ㄅ𪚥",
        ];
        // Twice: the first time fills the table, the second reads it.
        for _ in 0..2 {
            for t in texts {
                assert_eq!(missing(t), FONTS.missing(t), "{t:?}");
            }
        }
        for c in ['\0', ' ', 'A', '中', '\u{FFFF}', '\u{10000}', '\u{10FFFF}'] {
            assert_eq!(can_draw(c), FONTS.bold.has(c), "{c:?}");
        }
    }
}
