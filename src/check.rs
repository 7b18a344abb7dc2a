//! Checking a loaded content folder: the `input.*` findings of loading plus
//! every rule on every community, sorted, with the summary of SPEC §5.

use std::collections::HashSet;

use rayon::prelude::*;

use crate::diag::{Finding, Severity, Summary, sort_findings};
use crate::load::Content;
use crate::rules;

pub struct Report {
    pub summary: Summary,
    /// Ordered by file, then line (SPEC §5).
    pub findings: Vec<Finding>,
}

impl Report {
    pub fn has_input_errors(&self) -> bool {
        self.findings.iter().any(|f| f.rule.is_input())
    }

    pub fn has_errors(&self) -> bool {
        self.findings
            .iter()
            .any(|f| f.severity() == Severity::Error)
    }

    /// SPEC §1: 0 no error-severity finding, 1 violations, 2 input errors.
    pub fn exit_code(&self) -> u8 {
        if self.has_input_errors() {
            2
        } else if self.has_errors() {
            1
        } else {
            0
        }
    }

    /// The findings of one community file.
    pub fn for_file<'a>(&'a self, file: &'a str) -> impl Iterator<Item = &'a Finding> + 'a {
        self.findings.iter().filter(move |f| f.file == file)
    }
}

/// Re-check only `files` (community files that changed) in a report made by
/// [`check`] of the same content: their findings are replaced, duplicate ids
/// re-counted, the rest kept. Used by `serve`, where re-running every rule on
/// every edit would dominate the time to reload.
pub fn update(report: &mut Report, content: &Content, files: &[String]) {
    use crate::diag::Rule;
    report
        .findings
        .retain(|f| !files.contains(&f.file) && f.rule != Rule::InputDuplicateId);
    for f in &content.findings {
        if files.contains(&f.file) || f.rule == Rule::InputDuplicateId {
            report.findings.push(f.clone());
        }
    }
    for c in content
        .communities
        .iter()
        .filter(|c| files.contains(&c.file))
    {
        report.findings.extend(rules::check(c, &content.standard));
    }
    // Nearly sorted already: the sort is close to linear.
    sort_findings(&mut report.findings);
    report.summary = summarise(content, &report.findings);
}

fn summarise(content: &Content, findings: &[Finding]) -> Summary {
    let failing: HashSet<&str> = findings
        .iter()
        .filter(|f| f.severity() == Severity::Error)
        .map(|f| f.file.as_str())
        .collect();
    Summary {
        communities: content.communities.len(),
        compliant: content
            .communities
            .iter()
            .filter(|c| !failing.contains(c.file.as_str()))
            .count(),
        errors: crate::diag::count(findings, Severity::Error),
        warnings: crate::diag::count(findings, Severity::Warning),
    }
}

pub fn check(content: &Content) -> Report {
    let mut findings = content.findings.clone();
    let rule_findings: Vec<Vec<Finding>> = content
        .communities
        .par_iter()
        .map(|c| rules::check(c, &content.standard))
        .collect();
    findings.extend(rule_findings.into_iter().flatten());
    sort_findings(&mut findings);

    let summary = summarise(content, &findings);
    Report { summary, findings }
}
