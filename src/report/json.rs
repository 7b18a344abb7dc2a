//! `qingpai check --format json` (SPEC §5; schema in `check-report.schema.json`).
//!
//! Written straight from the findings through serde (no `serde_json::Value`
//! tree in between): for a county's 18,000 findings the tree and its pretty
//! printing were a third of `check`'s time after parsing.

use serde::Serialize;

use crate::check::Report;
use crate::diag::{Finding, Lang, Summary};

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

impl<'a> Item<'a> {
    fn of(f: &'a Finding, lang: Lang) -> Item<'a> {
        Item {
            rule: f.rule.code(),
            severity: f.severity().as_str(),
            community: f.community.as_deref(),
            file: &f.file,
            line: f.loc.line.max(1),
            column: f.loc.column.max(1),
            message: f.message.get(lang),
            fix: f.fix.as_ref().map(|m| m.get(lang)),
        }
    }
}

pub fn render(report: &Report, lang: Lang) -> String {
    let doc = Doc {
        version: 1,
        summary: report.summary,
        findings: report.findings.iter().map(|f| Item::of(f, lang)).collect(),
    };
    serde_json::to_string_pretty(&doc).expect("plain data serialises")
}
