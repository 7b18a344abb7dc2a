//! The search index: one small JavaScript file (`assets/search-index.js`)
//! that sets `window.QINGPAI_INDEX`, loaded by `site.js` the first time a
//! visitor types in the search box. A script rather than JSON, so search also
//! works when the site is opened from a folder (file://) with no server.
//!
//! Each entry holds the community's name, town and every plaque text,
//! normalised; the script matches any part of them (Chinese needs no word
//! segmentation for a substring match). A county of 10,000 communities makes
//! an index of about 2 MB, scanned in a few milliseconds.

use serde::Serialize;

use crate::load::Content;
use crate::site::pages::Summary;

#[derive(Serialize)]
struct Entry<'a> {
    /// Name, town, status, link.
    n: &'a str,
    t: &'a str,
    s: &'a str,
    u: &'a str,
    /// Everything searchable, normalised (NFKC, no white space).
    x: String,
}

pub fn index(content: &Content, summaries: &[Summary]) -> String {
    let entries: Vec<Entry> = summaries
        .iter()
        .zip(&content.communities)
        .map(|(s, c)| {
            let mut x = format!("{}|{}|{}", c.name.norm, c.town.norm, c.id);
            for t in c
                .gate
                .iter()
                .chain(&c.header)
                .map(|p| &p.text)
                .chain(c.gate_walls.iter().map(|b| &b.text))
            {
                x.push('|');
                x.push_str(&t.norm);
            }
            Entry {
                n: &s.name,
                t: &s.town,
                s: &s.status_zh,
                u: &s.href,
                x,
            }
        })
        .collect();
    // `</` is escaped so no text can close the script.
    let json = serde_json::to_string(&entries)
        .expect("the index serialises")
        .replace("</", "<\\/");
    format!("window.QINGPAI_INDEX={json};\n")
}
