//! `qingpai check --format json` (SPEC §5; schema in `check-report.schema.json`).

use serde_json::{Value, json};

use crate::check::Report;
use crate::diag::Lang;

pub fn render(report: &Report, lang: Lang) -> String {
    let findings: Vec<Value> = report
        .findings
        .iter()
        .map(|f| {
            let mut v = json!({
                "rule": f.rule.code(),
                "severity": f.severity().as_str(),
                "community": f.community,
                "file": f.file,
                "line": f.loc.line.max(1),
                "column": f.loc.column.max(1),
                "message": f.message.get(lang),
            });
            if let Some(fix) = &f.fix {
                v["fix"] = Value::String(fix.get(lang).to_owned());
            }
            v
        })
        .collect();
    let doc = json!({
        "version": 1,
        "summary": report.summary,
        "findings": findings,
    });
    serde_json::to_string_pretty(&doc).expect("a JSON value always serialises")
}
