//! The survey statistics against counts made independently here from the
//! YAML; the workbook, the CSV and the SARIF output read back with real readers.

mod common;
use std::collections::HashMap;

use common::{qingpai_in, sample_content, stdout};
use serde_json::Value;

fn norm(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).collect()
}

/// Counts per community id, straight from the YAML files.
fn independent_counts() -> HashMap<String, HashMap<&'static str, u64>> {
    let standard: Value = serde_saphyr::from_str(
        &std::fs::read_to_string(sample_content().join("standard.yaml")).unwrap(),
    )
    .unwrap();
    let mut retained = Vec::new();
    for r in standard["retained_certificates"].as_array().unwrap() {
        retained.push(norm(r["name"].as_str().unwrap()));
        for a in r["also"].as_array().into_iter().flatten() {
            retained.push(norm(a.as_str().unwrap()));
        }
    }
    let internal = ["org_chart", "duties", "procedure", "policy"];
    let mut out = HashMap::new();
    for town in std::fs::read_dir(sample_content().join("communities")).unwrap() {
        for file in std::fs::read_dir(town.unwrap().path()).unwrap() {
            let doc: Value =
                serde_saphyr::from_str(&std::fs::read_to_string(file.unwrap().path()).unwrap())
                    .unwrap();
            let list = |k: &str| doc[k].as_array().cloned().unwrap_or_default();
            let mut m = HashMap::new();
            m.insert("gate_plaques", list("gate").len() as u64);
            m.insert("header_identifiers", list("header").len() as u64);
            m.insert("wall_boards", list("gate_walls").len() as u64);
            let approved = list("indoor")
                .iter()
                .filter(|p| p["approval"].as_str().is_some_and(|a| !a.is_empty()))
                .count();
            m.insert("indoor_approved", approved as u64);
            m.insert(
                "indoor_unapproved",
                (list("indoor").len() - approved) as u64,
            );
            let on_wall = |r: &Value| r["on_wall"].as_bool().unwrap_or(true);
            let is_internal = |r: &Value| internal.contains(&r["category"].as_str().unwrap());
            let rules = list("wall_rules");
            m.insert(
                "rules_staying",
                rules
                    .iter()
                    .filter(|r| on_wall(r) && !is_internal(r))
                    .count() as u64,
            );
            m.insert(
                "to_handbook",
                rules
                    .iter()
                    .filter(|r| on_wall(r) && is_internal(r))
                    .count() as u64,
            );
            m.insert(
                "rules_moved",
                rules
                    .iter()
                    .filter(|r| !on_wall(r) && is_internal(r))
                    .count() as u64,
            );
            m.insert("awards", list("awards").len() as u64);
            m.insert(
                "award_off",
                list("awards")
                    .iter()
                    .filter(|a| a["display"] == "wall")
                    .count() as u64,
            );
            m.insert("certificates", list("certificates").len() as u64);
            let stop = list("certificates")
                .iter()
                .filter(|c| !retained.contains(&norm(c["name"].as_str().unwrap())))
                .count();
            m.insert("stop_certificate", stop as u64);
            out.insert(doc["id"].as_str().unwrap().to_owned(), m);
        }
    }
    out
}

fn stats_json() -> Value {
    let out = qingpai_in(&sample_content(), &["stats", "--format", "json"]);
    assert_eq!(out.status.code(), Some(0));
    serde_json::from_slice(&out.stdout).unwrap()
}

#[test]
fn counts_match_the_yaml() {
    let expected = independent_counts();
    let json = stats_json();
    let rows = json["rows"].as_array().unwrap();
    assert_eq!(rows.len(), expected.len());
    for row in rows {
        let id = row["id"].as_str().unwrap();
        for (key, want) in &expected[id] {
            assert_eq!(row[*key].as_u64().unwrap(), *want, "{id}: {key}");
        }
    }
    // The total row is the sum of the rows.
    for key in [
        "gate_plaques",
        "award_off",
        "stop_certificate",
        "errors",
        "warnings",
    ] {
        let sum: u64 = rows.iter().map(|r| r[key].as_u64().unwrap()).sum();
        assert_eq!(json["total"]["counts"][key].as_u64().unwrap(), sum, "{key}");
    }
    // Errors and compliance agree with check.
    let check: Value = serde_json::from_slice(
        &qingpai_in(&sample_content(), &["check", "--format", "json"]).stdout,
    )
    .unwrap();
    assert_eq!(
        json["total"]["counts"]["errors"],
        check["summary"]["errors"]
    );
    assert_eq!(json["total"]["compliant"], check["summary"]["compliant"]);
}

#[test]
fn csv_round_trips_with_chinese_intact() {
    let out = qingpai_in(&sample_content(), &["stats", "--format", "csv"]);
    let bytes = out.stdout;
    assert!(
        bytes.starts_with("\u{feff}".as_bytes()),
        "a BOM, so Excel reads UTF-8"
    );
    let mut reader = csv::Reader::from_reader(&bytes[3..]);
    let header: Vec<String> = reader
        .headers()
        .unwrap()
        .iter()
        .map(str::to_owned)
        .collect();
    assert_eq!(header[0], "乡镇(街道)");
    assert!(header.contains(&"应移入服务手册".to_owned()));
    let records: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(
        records.len(),
        14 + 1,
        "one row per community and a total row"
    );
    assert!(
        records
            .iter()
            .any(|r| &r[1] == "红旗社区" && &r[0] == "城关镇" && &r[4] == "否")
    );
    assert_eq!(&records.last().unwrap()[0], "合计");
}

#[test]
fn the_workbook_has_a_county_sheet_and_one_per_town() {
    use calamine::{Data, Reader, Xlsx, open_workbook};
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("s.xlsx");
    let out = qingpai_in(
        &sample_content(),
        &[
            "stats",
            "--format",
            "xlsx",
            "--output",
            path.to_str().unwrap(),
        ],
    );
    assert_eq!(out.status.code(), Some(0));
    let mut book: Xlsx<_> = open_workbook(&path).unwrap();
    let names = book.sheet_names().to_owned();
    assert_eq!(names[0], "全县");
    for town in ["城关镇", "东城街道", "红柳湾乡", "杨和镇"] {
        assert!(names.contains(&town.to_owned()), "{names:?}");
    }
    let county = book.worksheet_range("全县").unwrap();
    // Title, 填报单位/日期, then the header (tests/tools.rs checks the form).
    assert_eq!(county.get((2, 1)), Some(&Data::String("村(社区)".into())));
    // The rows above, 14 communities, the total, a summary and a note.
    assert_eq!(county.height(), 3 + 14 + 3);
    let last = 3 + 14;
    assert_eq!(county.get((last, 0)), Some(&Data::String("合计".into())));
    // Totals: the cached value of each SUM equals the column's sum.
    let json = stats_json();
    let col = 6; // gate_plaques, after the survey date
    let total = county.get((last, col)).unwrap();
    let want = json["total"]["counts"]["gate_plaques"].as_f64().unwrap();
    assert!(
        matches!(total, Data::Float(v) if *v == want) || total.to_string() == want.to_string(),
        "{total:?}"
    );
    let town = book.worksheet_range("城关镇").unwrap();
    assert_eq!(town.height(), 3 + 4 + 3);
}

#[test]
fn sarif_and_github_annotations() {
    let out = qingpai_in(&sample_content(), &["check", "--format", "sarif"]);
    assert_eq!(out.status.code(), Some(1));
    let sarif: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(sarif["version"], "2.1.0");
    let results = sarif["runs"][0]["results"].as_array().unwrap();
    let check: Value = serde_json::from_slice(
        &qingpai_in(&sample_content(), &["check", "--format", "json"]).stdout,
    )
    .unwrap();
    assert_eq!(results.len(), check["findings"].as_array().unwrap().len());
    let loc = &results[0]["locations"][0]["physicalLocation"];
    assert!(
        loc["artifactLocation"]["uri"]
            .as_str()
            .unwrap()
            .ends_with(".yaml")
    );
    assert!(loc["region"]["startLine"].as_u64().unwrap() >= 1);
    let rules = sarif["runs"][0]["tool"]["driver"]["rules"]
        .as_array()
        .unwrap();
    assert_eq!(rules.len(), 23);
    let gh = stdout(&qingpai_in(
        &sample_content(),
        &["check", "--format", "github"],
    ));
    let first = gh.lines().next().unwrap();
    assert!(
        first.starts_with("::error file=")
            && first.contains(",line=")
            && first.contains("title=gate."),
        "{first}"
    );
}

#[test]
fn the_build_publishes_the_statistics_and_charts() {
    let dir = tempfile::tempdir().unwrap();
    let site = dir.path().join("site");
    let out = qingpai_in(
        &sample_content(),
        &["build", "--no-previews", "--output", site.to_str().unwrap()],
    );
    assert_eq!(out.status.code(), Some(0));
    assert!(site.join("stats.csv").is_file() && site.join("stats.xlsx").is_file());
    let index = std::fs::read_to_string(site.join("index.html")).unwrap();
    assert!(index.contains("href=\"stats.xlsx\"") && index.contains("href=\"stats.csv\""));
    assert_eq!(index.matches("<svg viewBox").count(), 2, "two charts");
    assert!(
        index.contains("<desc id=\"chart-towns-d\">") && index.contains("城关镇4个中合规"),
        "a text alternative"
    );
    assert!(
        index.contains("各乡镇合规情况（数据表）"),
        "a table beneath"
    );
}

#[test]
fn csv_cells_are_never_formulas() {
    let fx = common::Fixture::community(&common::inventory(&[("town", "town: \"=1+1\"\n")]));
    let out = fx.run(&["stats"]);
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.contains("\n'=1+1,") || text.contains("\r\n'=1+1,"),
        "{text}"
    );
}
