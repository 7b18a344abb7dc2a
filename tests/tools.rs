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
