//! The search index: one small JavaScript file (`assets/search-index.js`)
//! that sets `window.QINGPAI_INDEX`, loaded by `site.js` the first time a
//! visitor types in the search box. A script rather than JSON, so search also
//! works when the site is opened from a folder (file://) with no server.
//!
//! Each entry holds the community's name, town, id, every plaque text, the
//! rooms on its guide boards, indoor plaques, wall rules, awards and the
//! certificates it issues, normalised and lower-cased; the script lower-cases
//! the query the same way and matches any part of them (Chinese needs no word
//! segmentation for a substring match). A county of 10,000 communities makes
//! an index of a few MB, scanned in a few milliseconds.

use serde::Serialize;

use crate::load::Content;
use crate::model::Community;
use crate::site::pages::Summary;

#[derive(Serialize)]
struct Entry<'a> {
    /// Name, town, status, link.
    n: &'a str,
    t: &'a str,
    s: &'a str,
    u: &'a str,
    /// Everything searchable, normalised (NFKC, no white space) and
    /// lower-cased, fields joined by `|`.
    x: &'a str,
}

/// Everything a visitor may type to find this community, as one string.
///
/// Lower-cased here because `site.js` lower-cases the query: were only one
/// side folded, "HONGQI" or an uppercase plaque text would never match.
pub fn haystack(c: &Community) -> String {
    let mut parts: Vec<&str> = vec![&c.name.norm, &c.town.norm, &c.id];
    parts.extend(c.gate.iter().chain(&c.header).map(|p| p.text.norm.as_str()));
    for board in &c.gate_walls {
        parts.push(&board.text.norm);
        // Room names on the guide boards (党群服务站, 调解室…).
        parts.extend(board.rooms.iter().flatten().map(|r| r.name.norm.as_str()));
    }
    parts.extend(c.indoor.iter().map(|p| p.text.norm.as_str()));
    parts.extend(c.wall_rules.iter().map(|r| r.title.norm.as_str()));
    parts.extend(c.awards.iter().map(|a| a.title.norm.as_str()));
    // Certificates: "证明" finds every community that still issues one.
    parts.extend(c.certificates.iter().map(|cert| cert.name.norm.as_str()));
    parts
        .iter()
        .filter(|p| !p.is_empty())
        .map(|p| p.to_lowercase())
        .collect::<Vec<_>>()
        .join("|")
}

pub fn index(content: &Content, summaries: &[Summary]) -> String {
    let haystacks: Vec<String> = content.communities.iter().map(haystack).collect();
    index_of(summaries, &haystacks)
}

/// The index of `summaries`, whose [`haystack`]s are given in the same order:
/// `serve` keeps each community's and renders the index without the communities.
pub fn index_of(summaries: &[Summary], haystacks: &[String]) -> String {
    let entries: Vec<Entry> = summaries
        .iter()
        .zip(haystacks)
        .map(|(s, x)| Entry {
            n: &s.name,
            t: &s.town,
            s: &s.status_zh,
            u: &s.href,
            x,
        })
        .collect();
    // `</` is escaped so no text can close the script.
    let json = serde_json::to_string(&entries)
        .expect("the index serialises")
        .replace("</", "<\\/");
    format!("window.QINGPAI_INDEX={json};\n")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diag::Loc;
    use crate::model::{Award, Board, Certificate, Room, Text};

    fn text(s: &str) -> Text {
        Text::new(s, Loc::default())
    }

    #[test]
    fn holds_rooms_awards_and_certificates_lower_cased() {
        let c = Community {
            id: "hongqi".into(),
            name: text("红旗社区"),
            town: text("城关镇"),
            gate: vec![crate::model::Plaque {
                text: text("HONGQI 社区 ＡＢＣ"),
                ..Default::default()
            }],
            gate_walls: vec![Board {
                text: text("便民服务指南"),
                rooms: Some(vec![Room {
                    name: text("调解室"),
                    ..Default::default()
                }]),
                ..Default::default()
            }],
            awards: vec![Award {
                title: text("文明社区"),
                ..Default::default()
            }],
            certificates: vec![Certificate {
                name: text("居住证明"),
                ..Default::default()
            }],
            ..Default::default()
        };
        let x = haystack(&c);
        for part in [
            "红旗社区",
            "城关镇",
            "hongqi社区abc",
            "调解室",
            "文明社区",
            "居住证明",
        ] {
            assert!(x.split('|').any(|p| p == part), "{part} missing from {x}");
        }
        assert_eq!(x, x.to_lowercase(), "the index must be lower-cased");
    }
}
