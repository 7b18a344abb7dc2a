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

/// A finding's file as a SARIF `artifactLocation.uri`: a URI reference
/// (RFC 3986), so everything but the unreserved characters and `/` is
/// percent-encoded as UTF-8 (`城关镇` becomes `%E5%9F%8E...`). A relative
/// path stays relative (resolved against the repository root, as code
/// scanning does); an absolute one becomes a `file:` URI.
pub fn artifact_uri(path: &str) -> String {
    let path = path.replace('\\', "/");
    let encoded = crate::text::encode_path(&path);
    let drive = path.as_bytes().get(1) == Some(&b':') && path.as_bytes()[0].is_ascii_alphabetic();
    if path.starts_with('/') {
        format!("file://{encoded}")
    } else if drive {
        // `C:/...`: the drive letter's colon is allowed in a path.
        format!("file:///{}", encoded.replacen("%3A", ":", 1))
    } else {
        encoded
    }
}

/// A rule's friendly name, PascalCase as SARIF viewers show it:
/// `gate.name-mismatch` -> `GateNameMismatch`.
pub fn rule_name(code: &str) -> String {
    code.split(['.', '-'])
        .map(|w| {
            let mut c = w.chars();
            c.next()
                .map(|f| f.to_ascii_uppercase().to_string() + c.as_str())
                .unwrap_or_default()
        })
        .collect()
}

/// The site's `/standard/` page, when the site has a full address (SARIF
/// wants absolute help and information URIs; a bare path is no use to a
/// code-review tool).
fn standard_page(base_url: Option<&str>) -> Option<String> {
    let base = base_url.filter(|b| crate::load::site::is_absolute_url(b))?;
    let slash = if base.ends_with('/') { "" } else { "/" };
    Some(format!("{base}{slash}standard/"))
}

/// Where a rule is explained: its row (`id="rule-CODE"`) on `/standard/`.
pub fn help_uri(base_url: Option<&str>, code: &str) -> Option<String> {
    standard_page(base_url).map(|page| format!("{page}#rule-{code}"))
}

fn level(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
    }
}

/// The report as SARIF 2.1.0. `base_url` is the site's (site.yaml), for the
/// rules' help links.
pub fn render(report: &Report, content_prefix: &str, lang: Lang, base_url: Option<&str>) -> String {
    let rules: Vec<Value> = Rule::ALL
        .iter()
        .map(|r| {
            let mut rule = json!({
                "id": r.code(),
                "name": rule_name(r.code()),
                "shortDescription": {"text": r.summary(lang)},
                "fullDescription": {"text": format!("{} / {}", r.summary(Lang::Zh), r.summary(Lang::En))},
                "defaultConfiguration": {"level": level(r.severity())},
            });
            if let Some(uri) = help_uri(base_url, r.code()) {
                rule["helpUri"] = json!(uri);
            }
            rule
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
                        "artifactLocation": {"uri": artifact_uri(&repo_path(content_prefix, &f.file))},
                        "region": {"startLine": f.loc.line.max(1), "startColumn": f.loc.column.max(1)},
                    }
                }],
                "properties": {"community": f.community},
            })
        })
        .collect();
    let mut driver = json!({
        "name": "qingpai",
        "version": env!("CARGO_PKG_VERSION"),
        "rules": rules,
    });
    if let Some(page) = standard_page(base_url) {
        driver["informationUri"] = json!(page);
    }
    let doc = json!({
        "$schema": "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": driver},
            // Columns count characters, as in every other report (a Chinese
            // character is one column).
            "columnKind": "unicodeCodePoints",
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uris_are_percent_encoded() {
        assert_eq!(
            artifact_uri("content/communities/城关镇/hongqi.yaml"),
            "content/communities/%E5%9F%8E%E5%85%B3%E9%95%87/hongqi.yaml"
        );
        assert_eq!(artifact_uri("a b/#1%.yaml"), "a%20b/%231%25.yaml");
        assert_eq!(
            artifact_uri("/tmp/县/x.yaml"),
            "file:///tmp/%E5%8E%BF/x.yaml"
        );
        assert_eq!(artifact_uri("C:\\q\\x.yaml"), "file:///C:/q/x.yaml");
    }

    #[test]
    fn rules_have_names_and_help() {
        assert_eq!(rule_name("gate.name-mismatch"), "GateNameMismatch");
        assert_eq!(rule_name("input.yaml"), "InputYaml");
        assert_eq!(
            help_uri(Some("https://x.example/q"), "gate.unlisted").as_deref(),
            Some("https://x.example/q/standard/#rule-gate.unlisted")
        );
        assert_eq!(help_uri(Some("/"), "gate.unlisted"), None);
        assert_eq!(help_uri(None, "gate.unlisted"), None);
    }
}
