//! `qingpai check --format json` (SPEC §5; schema in `check-report.schema.json`).
//!
//! Written straight from the findings, byte for byte as serde_json's pretty
//! printer writes the same document (the unit test holds it to that), with
//! no tree in between and the findings written in parallel chunks: for a
//! county's 18,000 findings, one thread writing them was a tenth of a `check`
//! that reuses its cache.

use rayon::prelude::*;

use crate::check::Report;
use crate::diag::{Finding, Lang};

pub fn render(report: &Report, lang: Lang) -> String {
    let s = report.summary;
    let mut out = format!(
        "{{\n  \"version\": 1,\n  \"summary\": {{\n    \"communities\": {},\n    \"compliant\": {},\n    \"errors\": {},\n    \"warnings\": {}\n  }},\n  \"findings\": ",
        s.communities, s.compliant, s.errors, s.warnings
    );
    if report.findings.is_empty() {
        out.push_str("[]\n}");
        return out;
    }
    out.push('[');
    let chunks: Vec<String> = report
        .findings
        .par_chunks(512)
        .map(|chunk| {
            let mut s = String::with_capacity(chunk.len() * 512);
            for f in chunk {
                item(&mut s, f, lang);
            }
            s
        })
        .collect();
    out.reserve(chunks.iter().map(String::len).sum::<usize>() + 8);
    for (i, chunk) in chunks.iter().enumerate() {
        // Each item starts with `,` but the first.
        out.push_str(if i == 0 { &chunk[1..] } else { chunk });
    }
    out.push_str("\n  ]\n}");
    out
}

/// One finding, as `,\n    {\n      "rule": ...\n    }`.
fn item(out: &mut String, f: &Finding, lang: Lang) {
    out.push_str(",\n    {\n      \"rule\": ");
    string(out, f.rule.code());
    out.push_str(",\n      \"severity\": ");
    string(out, f.severity().as_str());
    out.push_str(",\n      \"community\": ");
    match &f.community {
        Some(c) => string(out, c),
        None => out.push_str("null"),
    }
    out.push_str(",\n      \"file\": ");
    string(out, &f.file);
    out.push_str(",\n      \"line\": ");
    out.push_str(&f.loc.line.max(1).to_string());
    out.push_str(",\n      \"column\": ");
    out.push_str(&f.loc.column.max(1).to_string());
    out.push_str(",\n      \"message\": ");
    string(out, f.message.get(lang));
    if let Some(fix) = &f.fix {
        out.push_str(",\n      \"fix\": ");
        string(out, fix.get(lang));
    }
    out.push_str("\n    }");
}

/// A JSON string as serde_json escapes it: `"` and `\`, the short escapes
/// for backspace, form feed, newline, carriage return and tab, `\u00XX` for
/// the other control characters; everything else as it is.
fn string(out: &mut String, s: &str) {
    out.push('"');
    let mut start = 0;
    for (i, b) in s.bytes().enumerate() {
        let escape = match b {
            b'"' => "\\\"",
            b'\\' => "\\\\",
            0x08 => "\\b",
            0x0C => "\\f",
            b'\n' => "\\n",
            b'\r' => "\\r",
            b'\t' => "\\t",
            0x00..=0x1F => "",
            _ => continue,
        };
        out.push_str(&s[start..i]);
        if escape.is_empty() {
            out.push_str(&format!("\\u{b:04x}"));
        } else {
            out.push_str(escape);
        }
        start = i + 1;
    }
    out.push_str(&s[start..]);
    out.push('"');
}

#[cfg(test)]
mod tests {
    use serde::Serialize;

    use super::*;
    use crate::diag::{Loc, Msg, Rule, Summary};

    /// The document as serde_json writes it: what `render` must equal.
    #[derive(Serialize)]
    struct Doc<'a> {
        version: u32,
        summary: Summary,
        findings: Vec<Item<'a>>,
    }

    #[derive(Serialize)]
    struct Item<'a> {
        rule: &'static str,
        severity: &'static str,
        community: Option<&'a str>,
        file: &'a str,
        line: u32,
        column: u32,
        message: &'a str,
        #[serde(skip_serializing_if = "Option::is_none")]
        fix: Option<&'a str>,
    }

    fn serde_render(report: &Report, lang: Lang) -> String {
        let doc = Doc {
            version: 1,
            summary: report.summary,
            findings: report
                .findings
                .iter()
                .map(|f| Item {
                    rule: f.rule.code(),
                    severity: f.severity().as_str(),
                    community: f.community.as_deref(),
                    file: &f.file,
                    line: f.loc.line.max(1),
                    column: f.loc.column.max(1),
                    message: f.message.get(lang),
                    fix: f.fix.as_ref().map(|m| m.get(lang)),
                })
                .collect(),
        };
        serde_json::to_string_pretty(&doc).unwrap()
    }

    fn finding(i: usize) -> Finding {
        let texts = [
            "“工作职责”属于工作职责类，不再上墙",
            "quote \" backslash \\ slash / tab \t newline \n cr \r",
            "controls \u{0} \u{1} \u{8} \u{b} \u{c} \u{1f} \u{7f} \u{80} \u{2028} \u{202e}",
            "",
            "emoji 🏮 and 𠀀",
        ];
        Finding {
            rule: Rule::ALL[i % Rule::ALL.len()],
            community: (!i.is_multiple_of(3)).then(|| format!("c{i}")),
            file: format!("communities/城关镇/c{i}.yaml"),
            loc: Loc {
                line: (i % 4) as u32 * 1000,
                column: (i % 5) as u32,
                len: 0,
            },
            entry: None,
            message: Msg::new(texts[i % texts.len()], texts[(i + 1) % texts.len()]),
            fix: i
                .is_multiple_of(2)
                .then(|| Msg::new(texts[(i + 2) % texts.len()], "fix")),
            related: Vec::new(),
        }
    }

    #[test]
    fn the_same_bytes_as_serde_json() {
        for n in [0, 1, 2, 511, 512, 513, 1500] {
            let report = Report {
                summary: Summary {
                    communities: n,
                    compliant: n / 2,
                    errors: 3,
                    warnings: usize::MAX,
                },
                findings: (0..n).map(finding).collect(),
            };
            for lang in [Lang::Zh, Lang::En] {
                assert_eq!(
                    render(&report, lang),
                    serde_render(&report, lang),
                    "{n} findings"
                );
            }
        }
    }
}
