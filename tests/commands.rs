//! The commands on the sample county and on fixtures: exit codes, the JSON
//! report against its schema, the text report's carets under Chinese text,
//! `new`, `schema` and `standard`.

mod common;
use common::{Fixture, inventory, qingpai_in, sample_content, stderr, stdout};
use serde_json::Value;

fn report_schema() -> jsonschema::Validator {
    let schema: Value =
        serde_json::from_str(include_str!("fixtures/check-report.schema.json")).unwrap();
    jsonschema::validator_for(&schema).unwrap()
}

#[test]
fn json_report_matches_the_spec_schema() {
    let validator = report_schema();
    for content in [
        sample_content(),
        Fixture::community("id: [\n").path().to_owned(),
    ] {
        let out = qingpai_in(&content, &["check", "--format", "json"]);
        let json: Value = serde_json::from_slice(&out.stdout).unwrap();
        let errors: Vec<String> = validator
            .iter_errors(&json)
            .map(|e| e.to_string())
            .collect();
        assert!(errors.is_empty(), "{errors:?}");
    }
}

#[test]
fn the_sample_county_exercises_every_rule() {
    let out = qingpai_in(&sample_content(), &["check", "--format", "json"]);
    assert_eq!(
        out.status.code(),
        Some(1),
        "the sample has violations but no input errors"
    );
    let json: Value = serde_json::from_slice(&out.stdout).unwrap();
    let codes: std::collections::HashSet<&str> = json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["rule"].as_str().unwrap())
        .collect();
    for rule in qingpai::diag::Rule::ALL {
        if rule.is_input() || rule == qingpai::diag::Rule::TextMissingGlyph {
            continue;
        }
        assert!(
            codes.contains(rule.code()),
            "the sample never triggers {}",
            rule.code()
        );
    }
    let s = &json["summary"];
    assert!(s["communities"].as_u64().unwrap() >= 12);
    let compliant = s["compliant"].as_u64().unwrap();
    assert!(compliant >= 3 && compliant < s["communities"].as_u64().unwrap());
    // At least three towns, villages and communities.
    let dirs = std::fs::read_dir(sample_content().join("communities"))
        .unwrap()
        .count();
    assert!(dirs >= 3);
}

#[test]
fn summary_counts_agree_with_the_findings() {
    let out = qingpai_in(&sample_content(), &["check", "--format", "json"]);
    let json: Value = serde_json::from_slice(&out.stdout).unwrap();
    let findings = json["findings"].as_array().unwrap();
    let errors = findings.iter().filter(|f| f["severity"] == "error").count();
    let warnings = findings
        .iter()
        .filter(|f| f["severity"] == "warning")
        .count();
    assert_eq!(json["summary"]["errors"], errors);
    assert_eq!(json["summary"]["warnings"], warnings);
    let failing: std::collections::HashSet<&str> = findings
        .iter()
        .filter(|f| f["severity"] == "error")
        .map(|f| f["community"].as_str().unwrap())
        .collect();
    assert_eq!(
        json["summary"]["compliant"].as_u64().unwrap() as usize,
        json["summary"]["communities"].as_u64().unwrap() as usize - failing.len()
    );
}

#[test]
fn exit_codes() {
    assert_eq!(
        Fixture::community(&inventory(&[]))
            .run(&["check"])
            .status
            .code(),
        Some(0)
    );
    let warn_only = Fixture::community(&inventory(&[("header", "header:\n  - 中国社区\n")]));
    assert_eq!(warn_only.run(&["check"]).status.code(), Some(0));
    let violation = Fixture::community(&inventory(&[(
        "awards",
        "awards:\n  - {title: 奖, display: wall}\n",
    )]));
    assert_eq!(violation.run(&["check"]).status.code(), Some(1));
    let broken = Fixture::community("name: [\n");
    assert_eq!(broken.run(&["check"]).status.code(), Some(2));
    // Input errors win over violations.
    broken.write(
        "communities/b/other.yaml",
        &inventory(&[
            ("id", "id: other\n"),
            ("awards", "awards:\n  - {title: 奖, display: wall}\n"),
        ]),
    );
    assert_eq!(broken.run(&["check"]).status.code(), Some(2));
}

#[test]
fn carets_line_up_under_chinese_text() {
    let fx = Fixture::community(&inventory(&[(
        "gate",
        "gate:\n  - 中共红旗社区委员会\n  - 红旗社区居民委员会\n  - 红旗社区服务站\n  - 红旗社区退役军人服务站  # 待摘除\n",
    )]));
    let text = stdout(&fx.run(&["check"]));
    let lines: Vec<&str> = text.lines().collect();
    let at = lines
        .iter()
        .position(|l| l.contains("红旗社区退役军人服务站  #"))
        .expect(&text);
    let source = lines[at];
    let carets = lines[at + 1];
    // "9 |   - 红旗社区退役军人服务站": the text starts 4 columns after "| ".
    let bar = source.find('|').unwrap();
    assert_eq!(carets.find('|').unwrap(), bar, "{text}");
    let source_after = &source[bar + 2..];
    let caret_after = &carets[bar + 2..];
    let lead = caret_after.find('^').unwrap();
    assert_eq!(lead, 4, "the caret starts under the entry");
    let width = caret_after.trim().len();
    assert_eq!(width, 22, "11 Chinese characters are 22 columns");
    assert!(source_after.starts_with("  - 红旗社区退役军人服务站"));
    assert!(text.contains("error[gate.unlisted]: "), "{text}");
    assert!(
        text.contains("--> communities/城关镇/hongqi.yaml:9:5"),
        "{text}"
    );
    assert!(text.contains("= 建议: "), "{text}");
    assert!(text.contains("检查了 1 个村(社区)：0 个合规"), "{text}");
}

#[test]
fn english_messages() {
    let fx = Fixture::community(&inventory(&[(
        "awards",
        "awards:\n  - {title: 奖, display: wall}\n",
    )]));
    let text = stdout(&fx.run(&["check", "--lang", "en"]));
    assert!(
        text.contains("error[awards.on-wall]: the award “奖” hangs on a wall"),
        "{text}"
    );
    assert!(text.contains("= help: "), "{text}");
    assert!(
        text.contains("checked 1 communities: 0 compliant"),
        "{text}"
    );
}

#[test]
fn new_writes_a_compliant_inventory() {
    let fx = Fixture::new(&[]);
    let out = fx.run(&[
        "new",
        "城关镇/hongqi",
        "--name",
        "红旗社区",
        "--kind",
        "community",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let path = fx.path().join("communities/城关镇/hongqi.yaml");
    let yaml = std::fs::read_to_string(&path).unwrap();
    assert!(yaml.starts_with("# yaml-language-server: $schema=../../community.schema.json"));
    assert!(
        yaml.contains("中共红旗社区委员会")
            && yaml.contains("红旗社区居民委员会")
            && yaml.contains("红旗社区服务站")
    );
    assert!(
        fx.path().join("community.schema.json").is_file(),
        "the schema the file points at exists"
    );
    assert_eq!(fx.findings(), vec![], "{yaml}");

    let out = fx.run(&[
        "new",
        "红柳湾乡/majia",
        "--name",
        "马家村",
        "--kind",
        "village",
    ]);
    assert_eq!(out.status.code(), Some(0));
    let yaml = std::fs::read_to_string(fx.path().join("communities/红柳湾乡/majia.yaml")).unwrap();
    assert!(yaml.contains("马家村村民委员会"), "{yaml}");
    assert_eq!(fx.findings(), vec![]);

    // The file exists: exit 2, nothing changed.
    std::fs::write(&path, "id: hongqi\n# 手改过\n").unwrap();
    let out = fx.run(&[
        "new",
        "城关镇/hongqi",
        "--name",
        "红旗社区",
        "--kind",
        "community",
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("已经存在"));
    assert_eq!(
        std::fs::read_to_string(&path).unwrap(),
        "id: hongqi\n# 手改过\n"
    );
}

#[test]
fn new_refuses_bad_targets() {
    let fx = Fixture::new(&[]);
    for target in ["hongqi", "../x/hongqi", "城关镇/红旗", "城关镇/../../x"] {
        let out = fx.run(&["new", target, "--name", "红旗社区", "--kind", "community"]);
        assert_eq!(out.status.code(), Some(2), "{target}");
    }
    let out = fx.run(&[
        "new",
        "城关镇/hongqi",
        "--name",
        "红旗",
        "--kind",
        "community",
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        !fx.path().join("communities").exists(),
        "nothing was written"
    );
}

/// YAML to JSON through serde-saphyr, for validating files against the schema.
fn yaml_to_json(text: &str) -> Value {
    serde_saphyr::from_str::<Value>(text).unwrap()
}

#[test]
fn the_schema_accepts_the_sample_and_flags_typos() {
    let out = qingpai_in(&sample_content(), &["schema"]);
    assert_eq!(out.status.code(), Some(0));
    let schema: Value = serde_json::from_slice(&out.stdout).unwrap();
    let validator = jsonschema::validator_for(&schema).unwrap();
    let mut n = 0;
    for town in std::fs::read_dir(sample_content().join("communities")).unwrap() {
        for file in std::fs::read_dir(town.unwrap().path()).unwrap() {
            let path = file.unwrap().path();
            let doc = yaml_to_json(&std::fs::read_to_string(&path).unwrap());
            let errors: Vec<String> = validator.iter_errors(&doc).map(|e| e.to_string()).collect();
            assert!(errors.is_empty(), "{}: {errors:?}", path.display());
            n += 1;
        }
    }
    assert!(n >= 12);
    let typo = yaml_to_json(&inventory(&[("gate_walls", "gate_wall: []\n")]));
    assert!(!validator.is_valid(&typo));
    let bad_kind = yaml_to_json(&inventory(&[("kind", "kind: town\n")]));
    assert!(!validator.is_valid(&bad_kind));
    let bad_category = yaml_to_json(&inventory(&[(
        "wall_rules",
        "wall_rules:\n  - {title: x, category: duty}\n",
    )]));
    assert!(!validator.is_valid(&bad_category));
}

#[test]
fn the_sample_schema_file_is_current() {
    // content/community.schema.json is what the sample's $schema lines point at.
    let out = qingpai_in(&sample_content(), &["schema"]);
    let committed =
        std::fs::read_to_string(sample_content().join("community.schema.json")).unwrap();
    assert_eq!(
        stdout(&out),
        committed,
        "run: cargo run -- schema --output content/community.schema.json"
    );
}

#[test]
fn the_printed_standard_is_a_working_standard_yaml() {
    let out = common::qingpai_in(std::path::Path::new("."), &["standard"]);
    assert_eq!(out.status.code(), Some(0));
    let printed = stdout(&out);
    assert!(printed.contains("一室八中心引导牌") && printed.contains("证件遗失证明"));
    // Copied into content/standard.yaml it loads without a finding and changes nothing.
    let fx = Fixture::community(&inventory(&[]));
    fx.write("standard.yaml", &printed);
    assert_eq!(fx.findings(), vec![]);
}

#[test]
fn a_duplicate_plaque_points_at_the_kept_one() {
    let fx = Fixture::community(&inventory(&[(
        "gate",
        "gate:\n  - 中共红旗社区委员会\n  - 红旗社区居民委员会\n  - 红旗社区服务站\n  - 中共红旗社区支部委员会\n",
    )]));
    let text = stdout(&fx.run(&["check"]));
    assert!(text.contains("error[gate.duplicate]: "), "{text}");
    assert!(
        text.contains("--> communities/城关镇/hongqi.yaml:9:5"),
        "{text}"
    );
    // The duplicate, underlined with carets ...
    let lines: Vec<&str> = text.lines().collect();
    let dup = lines
        .iter()
        .position(|l| l.starts_with("9 |") && l.contains("中共红旗社区支部委员会"))
        .expect(&text);
    assert!(lines[dup + 1].trim_start().starts_with("| "), "{text}");
    assert_eq!(
        lines[dup + 1].find('^'),
        lines[dup].find('中'),
        "the carets start under the plaque: {text}"
    );
    // ... and the kept plaque, under its own location, with its label.
    assert!(
        text.contains("::: communities/城关镇/hongqi.yaml:6:5"),
        "{text}"
    );
    let kept = lines
        .iter()
        .position(|l| l.starts_with("6 |") && l.contains("中共红旗社区委员会"))
        .expect(&text);
    assert!(kept > dup, "{text}");
    let under = lines[kept + 1];
    assert!(under.contains("---- 保留这一块"), "{text}");
    assert_eq!(under.find('-'), lines[kept].find('中'), "{text}");
    assert!(text.contains("= 建议: 摘除这一块"), "{text}");

    let en = stdout(&fx.run(&["check", "--lang", "en"]));
    assert!(en.contains("- keep this one"), "{en}");
    // JSON stays one location per finding.
    let (_, json) = fx.check_json();
    let f = &json["findings"][0];
    assert_eq!(f["rule"], "gate.duplicate", "{json}");
    assert!(f.get("related").is_none(), "{json}");
}

#[test]
fn colour_only_where_it_is_wanted() {
    let fx = Fixture::community(&inventory(&[(
        "awards",
        "awards:\n  - {title: 奖, display: wall}\n",
    )]));
    let run = |envs: &[(&str, &str)]| {
        let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_qingpai"));
        cmd.args(["check", "--content"])
            .arg(fx.path())
            .env_remove("NO_COLOR")
            .env_remove("CLICOLOR")
            .env_remove("CLICOLOR_FORCE");
        for (k, v) in envs {
            cmd.env(k, v);
        }
        cmd.output().unwrap().stdout
    };
    // A pipe gets plain text ...
    let piped = run(&[]);
    assert!(
        !piped.contains(&0x1b),
        "{}",
        String::from_utf8_lossy(&piped)
    );
    assert!(String::from_utf8_lossy(&piped).contains("error[awards.on-wall]"));
    // ... unless colour is forced (a CI log that shows it) ...
    let forced = run(&[("CLICOLOR_FORCE", "1")]);
    assert!(
        forced.contains(&0x1b),
        "{}",
        String::from_utf8_lossy(&forced)
    );
    // ... and NO_COLOR wins over that.
    let none = run(&[("CLICOLOR_FORCE", "1"), ("NO_COLOR", "1")]);
    assert!(!none.contains(&0x1b), "{}", String::from_utf8_lossy(&none));
    assert_eq!(none, piped);
}
