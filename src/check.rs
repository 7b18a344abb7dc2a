//! Checking a loaded content folder: the `input.*` findings of loading plus
//! every rule on every community, sorted, with the summary of SPEC §5.

use std::collections::{HashMap, HashSet};
use std::path::Path;

use rayon::prelude::*;

use crate::diag::{Finding, Msg, Rule, Severity, Summary, sort_findings};
use crate::load::Content;
use crate::model::Community;
use crate::rules;
use crate::slug;

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
    report.findings.retain(|f| {
        !files.contains(&f.file) && f.rule != Rule::InputDuplicateId && !is_town_clash(f)
    });
    report.findings.extend(town_clashes(&content.communities));
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
    let rule_findings: Vec<Vec<Finding>> = content
        .communities
        .par_iter()
        .map(|c| sorted_rules(c, &content.standard))
        .collect();
    report(content, content.findings.clone(), rule_findings)
}

/// The rules' findings of one community in report order. Sorted here, on
/// every thread, the findings of a county come to [`report`] as one run in
/// order, which its (stable) sort then merges in linear time; the order of
/// the report is what sorting them there alone gives.
fn sorted_rules(c: &Community, std: &crate::standard::Standard) -> Vec<Finding> {
    let mut findings = rules::check(c, std);
    sort_findings(&mut findings);
    findings
}

/// Load the content folder `dir` and check it: [`crate::load::load`] then
/// [`check`], with the rules run in the same parallel pass as the reading,
/// and both taken from the per-file cache beside the content folder for the
/// files that did not change ([`crate::load::cache`]). The same report as
/// `check(&load(dir))`, always. The cache file is written on a thread of
/// its own: a program that exits right after should first call
/// [`crate::load::cache::wait_for_writes`] (the binary does).
pub fn load_and_check(dir: &Path) -> (Content, Report) {
    let (content, rule_findings) = crate::load::load_derived(
        dir,
        crate::load::Derive {
            purpose: "rules",
            run: &sorted_rules,
        },
    );
    // The report takes the loading's findings over; the content keeps its own.
    let findings = content.findings.clone();
    let report = report(&content, findings, rule_findings);
    (content, report)
}

/// The report of `content`: the loading's findings, the rules' (per
/// community), and the town clashes, sorted and summed up.
fn report(content: &Content, mut findings: Vec<Finding>, rules: Vec<Vec<Finding>>) -> Report {
    findings.reserve(rules.iter().map(Vec::len).sum());
    findings.extend(rules.into_iter().flatten());
    findings.extend(town_clashes(&content.communities));
    sort_findings(&mut findings);

    let summary = summarise(content, &findings);
    Report { summary, findings }
}

/// The English message of every town-clash finding starts with this: the
/// finding depends on other files, so [`update`] finds the old ones by it
/// and counts again.
const TOWN_CLASH_EN: &str = "two towns would share one folder: ";

fn is_town_clash(f: &Finding) -> bool {
    f.rule == Rule::InputSchema && f.message.en.starts_with(TOWN_CLASH_EN)
}

/// `input.schema` for every community whose town is spelt differently from
/// an earlier file's but would get the same folder and the same sheet
/// (`Town` and `TOWN`): on a case-insensitive disk, and in Excel, they are
/// one, so the build would fail or one town's page would lose communities.
/// Names the reader already refused (`城关/镇`) are not counted twice.
pub fn town_clashes(communities: &[Community]) -> Vec<Finding> {
    let mut first: HashMap<String, &Community> = HashMap::new();
    // A county has tens of towns and thousands of communities: each spelling
    // is looked at once.
    let mut keys: HashMap<&str, Option<String>> = HashMap::new();
    let mut out = Vec::new();
    for c in communities {
        let town = c.town.raw.trim();
        let key = keys.entry(town).or_insert_with(|| {
            (!town.is_empty() && slug::town_problem(town).is_none()).then(|| slug::town_key(town))
        });
        let Some(key) = key.clone() else {
            continue;
        };
        let Some(other) = first.get(&key) else {
            first.insert(key, c);
            continue;
        };
        let theirs = other.town.raw.trim();
        if theirs == town {
            continue;
        }
        out.push(Finding {
            related: Vec::new(),
            rule: Rule::InputSchema,
            community: Some(c.id.clone()),
            file: c.file.clone(),
            loc: c.town.loc,
            entry: None,
            message: Msg::new(
                format!(
                    "乡镇“{town}”和 {} 里的“{theirs}”只差大小写或符号：网站上会是同一个文件夹，统计表里是同一张工作表",
                    other.file
                ),
                format!(
                    "{TOWN_CLASH_EN}`{town}` here and `{theirs}` in {} differ only in case or symbols, so they would be one folder of the site and one sheet of the statistics",
                    other.file
                ),
            ),
            fix: Some(Msg::new(
                format!("同一个乡镇就统一写成“{theirs}”；确是两个乡镇的，把名字写得能区分开"),
                format!("if it is the same town write it `{theirs}` in both; if not, make the names distinct"),
            )),
        });
    }
    out
}
