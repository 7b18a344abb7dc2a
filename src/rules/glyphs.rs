//! Every text that ends up on a sign must be drawable by the sign font
//! (`text.missing-glyph`): a character the font lacks would vanish from the
//! printed sign.

use crate::diag::{Msg, Rule};
use crate::fonts::FONTS;
use crate::model::{Community, Text};
use crate::rules::Findings;

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
        let missing = FONTS.missing(&t.raw);
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
