//! `qingpai check --format sarif`: SARIF 2.1.0, for code-review tools (GitHub
//! code scanning and others) that show findings inline beside the YAML.
//! `--format github` prints GitHub Actions annotations instead.

use serde_json::{Value, json};

use crate::check::Report;
use crate::diag::{Lang, Rule, Severity};

/// The path of a finding's file as the repository sees it: the content folder
/// (as given on the command line) joined with the file.
pub fn repo_path(content_prefix: &str, file: &str) -> String {
    let prefix = content_prefix.trim_end_matches('/');
    if prefix.is_empty() || prefix == "." {
        file.to_owned()
    } else {
        format!("{prefix}/{file}")
    }
}

fn level(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
    }
}

pub fn render(report: &Report, content_prefix: &str, lang: Lang) -> String {
    let rules: Vec<Value> = Rule::ALL
        .iter()
        .map(|r| {
            json!({
                "id": r.code(),
                "shortDescription": {"text": r.summary(lang)},
                "fullDescription": {"text": format!("{} / {}", r.summary(Lang::Zh), r.summary(Lang::En))},
                "defaultConfiguration": {"level": level(r.severity())},
            })
        })
        .collect();
    let results: Vec<Value> = report
        .findings
        .iter()
        .map(|f| {
            let mut text = f.message.get(lang).to_owned();
            if let Some(fix) = &f.fix {
                text.push_str(match lang {
                    Lang::Zh => "\n建议：",
                    Lang::En => "\nhelp: ",
                });
                text.push_str(fix.get(lang));
            }
            json!({
                "ruleId": f.rule.code(),
                "ruleIndex": Rule::ALL.iter().position(|r| *r == f.rule).unwrap_or(0),
                "level": level(f.severity()),
                "message": {"text": text},
                "locations": [{
                    "physicalLocation": {
                        "artifactLocation": {"uri": repo_path(content_prefix, &f.file)},
                        "region": {"startLine": f.loc.line.max(1), "startColumn": f.loc.column.max(1)},
                    }
                }],
                "properties": {"community": f.community},
            })
        })
        .collect();
    let doc = json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "qingpai",
                "version": env!("CARGO_PKG_VERSION"),
                "informationUri": "https://crates.io/crates/qingpai",
                "rules": rules,
            }},
            "results": results,
        }],
    });
    serde_json::to_string_pretty(&doc).expect("a JSON value always serialises") + "\n"
}

/// GitHub Actions workflow commands: `::error file=…,line=…,col=…,title=…::message`.
pub fn github(report: &Report, content_prefix: &str, lang: Lang) -> String {
    // Values are escaped as the runner expects: % \r \n, and , : in properties.
    fn data(s: &str) -> String {
        s.replace('%', "%25")
            .replace('\r', "%0D")
            .replace('\n', "%0A")
    }
    fn prop(s: &str) -> String {
        data(s).replace(':', "%3A").replace(',', "%2C")
    }
    let mut out = String::new();
    for f in &report.findings {
        let mut msg = f.message.get(lang).to_owned();
        if let Some(fix) = &f.fix {
            msg.push_str(" — ");
            msg.push_str(fix.get(lang));
        }
        out.push_str(&format!(
            "::{} file={},line={},col={},title={}::{}\n",
            level(f.severity()),
            prop(&repo_path(content_prefix, &f.file)),
            f.loc.line.max(1),
            f.loc.column.max(1),
            prop(f.rule.code()),
            data(&msg)
        ));
    }
    out
}
