//! The outputs other people's tools read: the workbook as a county prints it,
//! SARIF against the official 2.1.0 schema, the editors' JSON Schema against
//! what `check` refuses, dates in the county's time zone.

mod common;

use common::{Fixture, inventory, qingpai_in, sample_content, stderr};
use serde_json::{Value, json};

// ---- SARIF -------------------------------------------------------------

/// The OASIS SARIF 2.1.0 schema (errata01, `sarif-2.1/schema/` of the
/// oasis-tcs/sarif-spec repository), as published.
fn sarif_schema() -> Value {
    serde_json::from_str(include_str!("fixtures/sarif-schema-2.1.0.json")).unwrap()
}

/// Validators for the SARIF schema with format checks on: as the schema
/// declares itself (draft-04), and read as draft-07, where `uri-reference`
/// (`artifactLocation.uri`) is a format the validator checks.
fn sarif_validators() -> Vec<jsonschema::Validator> {
    let schema = sarif_schema();
    [jsonschema::Draft::Draft4, jsonschema::Draft::Draft7]
        .into_iter()
        .map(|draft| {
            jsonschema::options()
                .with_draft(draft)
                .should_validate_formats(true)
                .build(&schema)
                .unwrap()
        })
        .collect()
}

fn assert_valid_sarif(doc: &Value) {
    for v in sarif_validators() {
        let errors: Vec<String> = v
            .iter_errors(doc)
            .map(|e| format!("{} at {}", e, e.instance_path()))
            .collect();
        assert!(errors.is_empty(), "{errors:#?}");
    }
}

/// RFC 3986 `uri-reference` characters only: unreserved, reserved and `%XX`.
fn is_plain_uri(s: &str) -> bool {
    let b = s.as_bytes();
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        if c == b'%' {
            if !(i + 2 < b.len() && b[i + 1].is_ascii_hexdigit() && b[i + 2].is_ascii_hexdigit()) {
                return false;
            }
            i += 3;
            continue;
        }
        if !(c.is_ascii_alphanumeric() || b"-._~:/?#[]@!$&'()*+,;=".contains(&c)) {
            return false;
        }
        i += 1;
    }
    true
}

#[test]
fn sarif_validates_against_the_official_schema() {
    let out = qingpai_in(&sample_content(), &["check", "--format", "sarif"]);
    assert_eq!(out.status.code(), Some(1));
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_valid_sarif(&doc);
    let run = &doc["runs"][0];
    let results = run["results"].as_array().unwrap();
    assert!(results.len() > 10);
    for r in results {
        let uri = r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
            .as_str()
            .unwrap();
        assert!(is_plain_uri(uri), "{uri}");
        assert!(uri.ends_with(".yaml"), "{uri}");
    }
    // The Chinese town folder, percent-encoded as UTF-8.
    assert!(
        results.iter().any(|r| {
            r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
                .as_str()
                .unwrap()
                .ends_with("communities/%E5%9F%8E%E5%85%B3%E9%95%87/hongqi.yaml")
        }),
        "城关镇/hongqi.yaml"
    );
    // Every rule: a PascalCase name, both descriptions, and a help link to
    // its row on the standard page of the (example) published site.
    let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
    assert_eq!(rules.len(), 23);
    for rule in rules {
        let id = rule["id"].as_str().unwrap();
        let name = rule["name"].as_str().unwrap();
        assert!(
            name.starts_with(|c: char| c.is_ascii_uppercase())
                && name.chars().all(|c| c.is_ascii_alphanumeric()),
            "{name}"
        );
        assert!(rule["shortDescription"]["text"].as_str().unwrap().len() > 3);
        assert!(
            rule["fullDescription"]["text"]
                .as_str()
                .unwrap()
                .contains(" / ")
        );
        assert_eq!(
            rule["helpUri"],
            format!("https://qinghe.example.gov.cn/standard/#rule-{id}"),
        );
    }
    let gate = rules
        .iter()
        .find(|r| r["id"] == "gate.name-mismatch")
        .unwrap();
    assert_eq!(gate["name"], "GateNameMismatch");

    // The anchors exist on the built standard page.
    let dir = tempfile::tempdir().unwrap();
    let site = dir.path().join("site");
    let o = qingpai_in(
        &sample_content(),
        &[
            "build",
            "--no-pdf",
            "--no-previews",
            "--output",
            site.to_str().unwrap(),
        ],
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let page = std::fs::read_to_string(site.join("standard/index.html")).unwrap();
    for rule in rules {
        let anchor = format!("id=\"rule-{}\"", rule["id"].as_str().unwrap());
        assert_eq!(page.matches(&anchor).count(), 1, "{anchor}");
    }
}

#[test]
fn sarif_without_a_site_address_has_no_help_links_and_still_validates() {
    let fx = Fixture::new(&[
        (
            "communities/城关镇/hongqi.yaml",
            &inventory(&[("gate", "gate:\n  - 红旗社区退役军人服务站\n")]),
        ),
        // A folder name with a space and a `#`, which a URI must encode.
        (
            "communities/城关 镇#2/b.yaml",
            &inventory(&[("id", "id: b\n"), ("header", "header:\n  - 中国社区\n")]),
        ),
    ]);
    let out = fx.run(&["check", "--format", "sarif", "--lang", "en"]);
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_valid_sarif(&doc);
    let driver = &doc["runs"][0]["tool"]["driver"];
    assert!(driver["rules"][0].get("helpUri").is_none());
    assert!(driver.get("informationUri").is_none());
    let uris: Vec<&str> = doc["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
                .as_str()
                .unwrap()
        })
        .collect();
    assert!(uris.iter().all(|u| is_plain_uri(u)), "{uris:?}");
    assert!(
        uris.iter()
            .any(|u| u.ends_with("%E5%9F%8E%E5%85%B3%20%E9%95%87%232/b.yaml")),
        "{uris:?}"
    );
}

#[test]
fn the_sarif_check_can_fail() {
    // The same document with a raw Chinese path is refused by the schema's
    // format check: the test above is not vacuous.
    let out = qingpai_in(&sample_content(), &["check", "--format", "sarif"]);
    let mut doc: Value = serde_json::from_slice(&out.stdout).unwrap();
    doc["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] =
        json!("communities/城关镇/hongqi.yaml");
    let draft7 = sarif_validators().pop().unwrap();
    assert!(!draft7.is_valid(&doc));
    let mut doc: Value = serde_json::from_slice(&out.stdout).unwrap();
    doc["runs"][0]["tool"]["driver"]["rules"][0]["helpUri"] = json!("not a uri");
    assert!(sarif_validators().iter().all(|v| !v.is_valid(&doc)));
}

// ---- the editors' JSON Schema -----------------------------------------

fn community_schema() -> jsonschema::Validator {
    let out = qingpai_in(&sample_content(), &["schema"]);
    assert_eq!(out.status.code(), Some(0));
    let schema: Value = serde_json::from_slice(&out.stdout).unwrap();
    jsonschema::options()
        .should_validate_formats(true)
        .build(&schema)
        .unwrap()
}

fn yaml_to_json(text: &str) -> Value {
    serde_saphyr::from_str::<Value>(text).unwrap()
}

#[test]
fn every_sample_inventory_validates_against_the_schema() {
    let validator = community_schema();
    let mut n = 0;
    let mut stack = vec![sample_content().join("communities")];
    while let Some(dir) = stack.pop() {
        for e in std::fs::read_dir(dir).unwrap() {
            let path = e.unwrap().path();
            if path.is_dir() {
                stack.push(path);
                continue;
            }
            let doc = yaml_to_json(&std::fs::read_to_string(&path).unwrap());
            let errors: Vec<String> = validator
                .iter_errors(&doc)
                .map(|e| format!("{e} at {}", e.instance_path()))
                .collect();
            assert!(errors.is_empty(), "{}: {errors:?}", path.display());
            n += 1;
        }
    }
    assert_eq!(n, 14);
    // What `new` writes validates too.
    let fx = Fixture::new(&[]);
    let o = fx.run(&["new", "城关镇/xin", "--name", "新村", "--kind", "village"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let text = std::fs::read_to_string(fx.path().join("communities/城关镇/xin.yaml")).unwrap();
    assert!(validator.is_valid(&yaml_to_json(&text)));
}

/// Each is refused by `check` (input.schema) without reading another file,
/// and so must be by the schema; the good inventory passes both.
#[test]
fn the_schema_refuses_what_check_refuses() {
    let validator = community_schema();
    let good = inventory(&[("extra", "surveyed_on: 2024-02-29\n")]);
    assert!(validator.is_valid(&yaml_to_json(&good)));
    let fx = Fixture::community(&good);
    assert!(!fx.codes().iter().any(|c| c.starts_with("input.")));

    let cases: &[(&str, &str, &str)] = &[
        ("id", "id: 红旗\n", "a Chinese id"),
        ("id", "id: hong qi\n", "a space in the id"),
        ("extra", "surveyed_on: 2024-13-45\n", "month 13"),
        ("extra", "surveyed_on: 2024-02-30\n", "30 February"),
        ("extra", "surveyed_on: 2024/09/12\n", "slashes"),
        (
            "extra",
            "wall_rules:\n  - {title: 办事流程, category: procedures}\n",
            "an unknown category",
        ),
        (
            "extra",
            "awards:\n  - {title: 先进集体, display: hall}\n",
            "an unknown display",
        ),
        ("kind", "kind: town\n", "an unknown kind"),
        (
            "gate",
            "gate:\n  - {text: 中共红旗社区委员会, orientation: slanted}\n",
            "an unknown orientation",
        ),
        (
            "gate_walls",
            "gate_walls:\n  - text: 一室八中心引导牌\n    rooms:\n      - {name: 便民服务中心, direction: north}\n",
            "an unknown direction",
        ),
        ("name", "name: \"红旗\\e社区\"\n", "ESC in the name"),
        (
            "gate",
            "gate:\n  - \"中共红旗社区\\u202E委员会\"\n",
            "a bidi override",
        ),
        (
            "extra",
            "address: \"红旗路\\n12号\"\n",
            "a newline in a one-line text",
        ),
        ("name", "name: 红旗小区\n", "a name without 社区 or 村"),
        ("town", "town: 城关镇/东区\n", "a slash in the town"),
        ("town", "town: \"城关镇.\"\n", "a town ending with a dot"),
        ("extra", "名称: 红旗社区\n", "a Chinese word for a key"),
        ("gate_walls", "gate_wall: []\n", "a misspelt key"),
        (
            "gate",
            "gate:\n  - {text: 中共红旗社区委员会, size_mm: [400]}\n",
            "a size without a height",
        ),
        (
            "extra",
            "awards:\n  - {title: \"  \", display: stored}\n",
            "an empty title",
        ),
    ];
    for (key, yaml, what) in cases {
        let text = inventory(&[(key, yaml)]);
        let fx = Fixture::community(&text);
        assert!(
            fx.codes().iter().any(|c| c == "input.schema"),
            "check accepts {what}: {:?}",
            fx.codes()
        );
        assert!(
            !validator.is_valid(&yaml_to_json(&text)),
            "the schema accepts {what}:\n{text}"
        );
    }
    // Multi-line text may hold newlines and tabs.
    let body = inventory(&[(
        "extra",
        "wall_rules:\n  - title: 借阅须知\n    category: notice\n    body: |\n      一、\t按时归还。\n      二、爱护图书。\n",
    )]);
    assert!(validator.is_valid(&yaml_to_json(&body)));
}

#[test]
fn the_schema_says_did_you_mean_in_chinese() {
    let out = qingpai_in(&sample_content(), &["schema"]);
    let schema: Value = serde_json::from_slice(&out.stdout).unwrap();
    let p = &schema["properties"];
    let hint = p["名称"]["markdownDescription"].as_str().unwrap();
    assert!(hint.contains("是不是想写 `name`"), "{hint}");
    assert!(
        p["gate_wall"]["errorMessage"]
            .as_str()
            .unwrap()
            .contains("`gate_walls`")
    );
    assert_eq!(p["id"]["pattern"], "^[A-Za-z0-9_-]+$");
    assert_eq!(p["surveyed_on"]["format"], "date");
    let category = &p["wall_rules"]["items"]["properties"]["category"];
    assert!(
        category["enum"]
            .as_array()
            .unwrap()
            .contains(&json!("duties"))
    );
    assert!(
        category["markdownDescription"]
            .as_str()
            .unwrap()
            .contains("`duties`"),
        "{category}"
    );
    // A word that is a key somewhere else is no hint where it is a key.
    let cert = &p["certificates"]["items"]["properties"];
    assert!(cert["name"].get("not").is_none());
}

// ---- the workbook ------------------------------------------------------

/// 2024-09-11 17:30 UTC: already the 12th in Beijing.
const LATE_EVENING_UTC: &str = "1726075800";

fn workbook(dir: &std::path::Path) -> std::path::PathBuf {
    let path = dir.join("摸底统计.xlsx");
    let out = std::process::Command::new(common::bin())
        .args(["stats", "--format", "xlsx", "--output"])
        .arg(&path)
        .arg("--content")
        .arg(sample_content())
        .env("SOURCE_DATE_EPOCH", LATE_EVENING_UTC)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    path
}

fn zip_text(path: &std::path::Path, name: &str) -> String {
    use std::io::Read;
    let mut zip = zip::ZipArchive::new(std::fs::File::open(path).unwrap()).unwrap();
    let mut text = String::new();
    zip.by_name(name)
        .unwrap()
        .read_to_string(&mut text)
        .unwrap();
    text
}

#[test]
fn the_workbook_is_a_form_a_county_can_print() {
    use calamine::{Data, Reader, Xlsx, open_workbook};
    let dir = tempfile::tempdir().unwrap();
    let path = workbook(dir.path());
    let mut book: Xlsx<_> = open_workbook(&path).unwrap();
    let names = book.sheet_names().to_owned();
    assert_eq!(names.len(), 5, "{names:?}");
    let s = |v: &str| Data::String(v.to_owned());
    for (i, name) in names.iter().enumerate() {
        let sheet = book.worksheet_range(name).unwrap();
        let title = sheet.get((0, 0)).unwrap().to_string();
        assert!(
            title.starts_with("清河县") && title.ends_with("村(社区)标识标牌摸底统计表"),
            "{title}"
        );
        if i > 0 {
            assert!(title.contains(name.as_str()), "{title}");
        }
        assert_eq!(
            sheet.get((1, 0)),
            Some(&s("填报单位：清河县民政局（示例）"))
        );
        // The date the county's clerk sees: Beijing time, not UTC.
        assert!(
            (0..sheet.width()).any(|c| sheet.get((1, c)) == Some(&s("填报日期：2024年9月12日"))),
            "{:?}",
            sheet.rows().nth(1)
        );
        let header: Vec<String> = (0..sheet.width())
            .map(|c| sheet.get((2, c)).unwrap().to_string())
            .collect();
        assert_eq!(header.len(), 23);
        assert_eq!(
            &header[..6],
            [
                "乡镇(街道)",
                "村(社区)",
                "编号",
                "类型",
                "是否合规",
                "摸底日期"
            ]
        );
        assert_eq!(header[22], "提醒");
        // Rows: text in the text columns, a date, numbers in the number columns.
        let total = (3..sheet.height())
            .find(|&r| sheet.get((r, 0)) == Some(&s("合计")))
            .unwrap();
        assert!(total > 3);
        for r in 3..total {
            for c in 0..5 {
                assert!(
                    matches!(sheet.get((r, c)), Some(Data::String(_))),
                    "({r}, {c})"
                );
            }
            assert!(
                matches!(sheet.get((r, 5)), Some(Data::DateTime(_))),
                "row {r}: {:?}",
                sheet.get((r, 5))
            );
            for c in 6..23 {
                assert!(
                    matches!(sheet.get((r, c)), Some(Data::Float(_) | Data::Int(_))),
                    "({r}, {c})"
                );
            }
        }
        // The total row: the label, nothing in the text, flag and date
        // columns, a number in every number column, equal to the column's sum.
        for c in 1..6 {
            assert!(
                matches!(sheet.get((total, c)), None | Some(Data::Empty)),
                "total row, column {c}: {:?}",
                sheet.get((total, c))
            );
        }
        for c in 6..23 {
            let sum: f64 = (3..total)
                .map(|r| match sheet.get((r, c)) {
                    Some(Data::Float(v)) => *v,
                    Some(Data::Int(v)) => *v as f64,
                    _ => unreachable!(),
                })
                .sum();
            match sheet.get((total, c)) {
                Some(Data::Float(v)) => assert_eq!(*v, sum, "column {c}"),
                Some(Data::Int(v)) => assert_eq!(*v as f64, sum, "column {c}"),
                other => panic!("total of column {c} is not a number: {other:?}"),
            }
        }
        let summary = sheet.get((total + 1, 0)).unwrap().to_string();
        let n = total - 3;
        assert!(
            summary.starts_with(&format!("共 {n} 个村(社区)，合规 ")),
            "{summary}"
        );
    }
    // Survey dates as the inventories give them.
    let county = book.worksheet_range("全县").unwrap();
    let hongqi = (3..county.height())
        .find(|&r| county.get((r, 2)) == Some(&Data::String("hongqi".into())))
        .unwrap();
    match county.get((hongqi, 5)) {
        Some(Data::DateTime(d)) => {
            let (y, m, day, ..) = d.to_ymd_hms_milli();
            assert_eq!((y, m, day), (2024, 9, 12));
        }
        other => panic!("{other:?}"),
    }

    // Page setup, read from the sheets' XML.
    for i in 1..=names.len() {
        let xml = zip_text(&path, &format!("xl/worksheets/sheet{i}.xml"));
        let setup = xml
            .split("<pageSetup ")
            .nth(1)
            .unwrap()
            .split("/>")
            .next()
            .unwrap();
        assert!(setup.contains("orientation=\"landscape\""), "{setup}");
        assert!(setup.contains("paperSize=\"8\""), "A3: {setup}");
        assert!(
            xml.contains("<pageSetUpPr fitToPage=\"1\"/>"),
            "fit to pages"
        );
        // One page wide (fitToWidth's default is 1), as many tall as needed.
        assert!(
            !setup.contains("fitToWidth") || setup.contains("fitToWidth=\"1\""),
            "{setup}"
        );
        assert!(setup.contains("fitToHeight=\"0\""), "{setup}");
        assert!(
            xml.contains("<autoFilter ref=\"A3:W"),
            "the filter on the header"
        );
        let footer = xml.split("<oddFooter>").nth(1).unwrap();
        assert!(
            footer.contains("&amp;P") && footer.contains("&amp;N"),
            "page n of m"
        );
        assert!(xml.contains("<oddHeader>"));
    }
    let workbook = zip_text(&path, "xl/workbook.xml");
    for name in &names {
        assert!(
            workbook.contains(&format!(
                "<definedName name=\"_xlnm.Print_Titles\" localSheetId=\"{}\">{name}!$A:$B,{name}!$1:$3</definedName>",
                names.iter().position(|n| n == name).unwrap()
            )),
            "print titles of {name}: {workbook}"
        );
    }
}

/// Run a program the test needs; it is there (build.rs has the test ignored
/// where it is not), so a failure to start it fails the test.
fn run_tool(program: &str, args: &[&std::ffi::OsStr]) -> String {
    let out = std::process::Command::new(program)
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("{program} is needed by this test: {e}"));
    assert!(
        out.status.success(),
        "{program} {args:?}: {}{}",
        stdout_of(&out),
        stderr(&out)
    );
    stdout_of(&out)
}

fn stdout_of(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
#[cfg_attr(
    any(missing_libreoffice, missing_poppler),
    ignore = "needs LibreOffice and poppler-utils (soffice, pdfinfo, pdftotext); .ci/run installs them"
)]
fn libreoffice_prints_each_sheet_on_one_a3_landscape_page() {
    let dir = tempfile::tempdir().unwrap();
    let path = workbook(dir.path());
    let profile = format!(
        "-env:UserInstallation=file://{}",
        dir.path().join("lo").display()
    );
    let out = dir.path().join("pdf");
    run_tool(
        "soffice",
        &[
            profile.as_ref(),
            "--headless".as_ref(),
            "--convert-to".as_ref(),
            "pdf".as_ref(),
            "--outdir".as_ref(),
            out.as_os_str(),
            path.as_os_str(),
        ],
    );
    let pdf = out.join("摸底统计.pdf");
    let info = run_tool("pdfinfo", &[pdf.as_os_str()]);
    // Five sheets (the county and four towns), each on one page.
    assert!(
        info.lines()
            .any(|l| l.starts_with("Pages:") && l.ends_with(" 5")),
        "{info}"
    );
    assert!(
        info.contains("1190.55 x 841.89 pts (A3)"),
        "A3 landscape: {info}"
    );
    // The first page holds the whole width: the first and the last column,
    // the total row and the summary.
    let page1 = run_tool(
        "pdftotext",
        &[
            "-f".as_ref(),
            "1".as_ref(),
            "-l".as_ref(),
            "1".as_ref(),
            pdf.as_os_str(),
            "-".as_ref(),
        ],
    );
    for text in [
        "乡镇(街道)",
        "提醒",
        "合计",
        "填报单位",
        "填报日期：2024年9月12日",
        "第 1 页",
    ] {
        assert!(page1.contains(text), "{text} not on page 1:\n{page1}");
    }
}

// ---- dates in the county's time zone -----------------------------------

fn new_at(fx: &Fixture, epoch: &str) -> String {
    let out = std::process::Command::new(common::bin())
        .args([
            "new",
            "城关镇/xin",
            "--name",
            "新村",
            "--kind",
            "village",
            "--content",
        ])
        .arg(fx.path())
        .env("SOURCE_DATE_EPOCH", epoch)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let path = fx.path().join("communities/城关镇/xin.yaml");
    let text = std::fs::read_to_string(&path).unwrap();
    std::fs::remove_file(path).unwrap();
    text
}

#[test]
fn new_dates_the_survey_in_the_countys_time_zone() {
    // 01:30 on 12 September in Beijing is 17:30 on the 11th in UTC.
    let fx = Fixture::new(&[]);
    assert!(new_at(&fx, LATE_EVENING_UTC).contains("\nsurveyed_on: 2024-09-12\n"));
    fx.write("site.yaml", &format!("{}timezone: UTC\n", common::SITE));
    assert!(new_at(&fx, LATE_EVENING_UTC).contains("\nsurveyed_on: 2024-09-11\n"));
    fx.write(
        "site.yaml",
        &format!("{}timezone: Asia/Urumqi\n", common::SITE),
    );
    assert!(new_at(&fx, LATE_EVENING_UTC).contains("\nsurveyed_on: 2024-09-11\n"));
}

#[test]
fn an_unknown_time_zone_is_a_schema_error_with_a_hint() {
    let fx = Fixture::community(&inventory(&[]));
    fx.write(
        "site.yaml",
        &format!("{}timezone: Asia/Shanghia\n", common::SITE),
    );
    let (code, json) = fx.check_json();
    assert_eq!(code, 2);
    let f = &json["findings"][0];
    assert_eq!(f["rule"], "input.schema");
    assert_eq!(f["file"], "site.yaml");
    assert_eq!(f["line"], 6);
    assert!(
        f["message"]
            .as_str()
            .unwrap()
            .contains("时区“Asia/Shanghia”"),
        "{f}"
    );
    assert!(f["fix"].as_str().unwrap().contains("Asia/Shanghai"), "{f}");
}
