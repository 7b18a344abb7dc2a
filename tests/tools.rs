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
