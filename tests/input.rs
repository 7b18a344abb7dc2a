//! The `input.*` codes: files that cannot be read as inventories, including
//! hostile ones. Each must end as a located finding and exit status 2, never
//! a panic.

mod common;
use common::{Fixture, inventory, stdout};

fn only(fx: &Fixture) -> Vec<(String, u64)> {
    let (code, json) = fx.check_json();
    assert_eq!(code, 2, "input errors exit with 2: {json:#}");
    fx.findings()
        .into_iter()
        .filter(|(c, _)| c.starts_with("input."))
        .collect()
}

#[test]
fn yaml_syntax_error_is_located() {
    let fx = Fixture::community(
        "id: hongqi\nname: 红旗社区\ngate:\n  - text: \"中共红旗社区委员会\n  - x\n",
    );
    let f = only(&fx);
    assert_eq!(f.len(), 1);
    assert_eq!(f[0].0, "input.yaml");
    assert!(f[0].1 >= 4, "{f:?}");
}

#[test]
fn every_problem_of_a_broken_file_in_one_run() {
    // Two unknown keys, a wrong type, a bad enum value and a missing key, all in one file.
    let yaml = "id: hongqi\nname: 红旗社区\nkind: comunity\ngate_wall: []\nheadr: []\ngate: 中共红旗社区委员会\n";
    let fx = Fixture::community(yaml);
    let f = only(&fx);
    let lines: Vec<u64> = f.iter().map(|(_, l)| *l).collect();
    assert!(f.iter().all(|(c, _)| c == "input.schema"), "{f:?}");
    for line in [1, 3, 4, 5, 6] {
        assert!(lines.contains(&line), "line {line} in {f:?}");
    }
}

#[test]
fn unknown_key_has_a_did_you_mean() {
    let fx = Fixture::community(&inventory(&[("gate_walls", "gate_wall: []\n")]));
    let (_, json) = fx.check_json();
    let f = json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["rule"] == "input.schema")
        .unwrap();
    assert_eq!(f["line"], 12);
    assert_eq!(f["column"], 1);
    assert!(f["message"].as_str().unwrap().contains("gate_wall"), "{f}");
    assert!(f["fix"].as_str().unwrap().contains("gate_walls"), "{f}");
    let en = fx.run(&["check", "--format", "json", "--lang", "en"]);
    let en: serde_json::Value = serde_json::from_slice(&en.stdout).unwrap();
    let fixes: Vec<&str> = en["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|f| f["fix"].as_str())
        .collect();
    assert!(
        fixes
            .iter()
            .any(|f| f.contains("did you mean `gate_walls`")),
        "{fixes:?}"
    );
}

#[test]
fn missing_required_keys() {
    let fx = Fixture::community("id: hongqi\nkind: community\n");
    let (_, json) = fx.check_json();
    let msgs: Vec<&str> = json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["message"].as_str().unwrap())
        .collect();
    assert!(msgs.iter().any(|m| m.contains("name")), "{msgs:?}");
    assert!(msgs.iter().any(|m| m.contains("town")), "{msgs:?}");
    assert_eq!(json["summary"]["communities"], 1);
    assert_eq!(json["summary"]["compliant"], 0);
}

#[test]
fn name_must_end_with_a_place_ending() {
    let fx = Fixture::community(&inventory(&[("name", "name: 红旗街坊\n")]));
    assert_eq!(only(&fx), vec![("input.schema".to_owned(), 2)]);
}

#[test]
fn bad_ids() {
    let fx = Fixture::community(&inventory(&[("id", "id: ../x\n")]));
    assert_eq!(only(&fx), vec![("input.schema".to_owned(), 1)]);
    let fx = Fixture::community(&inventory(&[("id", "id: 红旗\n")]));
    assert_eq!(only(&fx), vec![("input.schema".to_owned(), 1)]);
    // No id and a Chinese file name: the file name cannot be the id.
    let fx = Fixture::new(&[("communities/城关镇/红旗.yaml", &inventory(&[("id", "")]))]);
    assert_eq!(only(&fx), vec![("input.schema".to_owned(), 1)]);
}

#[test]
fn duplicate_ids() {
    let yaml = inventory(&[]);
    let fx = Fixture::new(&[
        ("communities/a/one.yaml", &yaml),
        ("communities/b/two.yaml", &yaml),
    ]);
    let (_, json) = fx.check_json();
    let f = &json["findings"][0];
    assert_eq!(f["rule"], "input.duplicate-id");
    assert_eq!(f["file"], "communities/b/two.yaml");
    assert!(
        f["message"]
            .as_str()
            .unwrap()
            .contains("communities/a/one.yaml")
    );
    // The file name is the default id.
    let plain = inventory(&[("id", "")]);
    let fx = Fixture::new(&[
        ("communities/a/hongqi.yaml", &plain),
        ("communities/b/hongqi.yaml", &plain),
    ]);
    assert_eq!(only(&fx), vec![("input.duplicate-id".to_owned(), 1)]);
}

#[test]
fn photo_paths_stay_inside_content() {
    for (path, line) in [
        ("../../etc/passwd", 7),
        ("/etc/passwd", 7),
        ("C:\\Windows\\win.ini", 7),
        ("photos/missing.jpg", 7),
        ("photos/../../outside.jpg", 7),
    ] {
        let gate = format!(
            "gate:\n  - text: 中共红旗社区委员会\n    photo: \"{}\"\n  - 红旗社区居民委员会\n  - 红旗社区服务站\n",
            path.replace('\\', "\\\\")
        );
        let fx = Fixture::community(&inventory(&[("gate", &gate)]));
        assert_eq!(only(&fx), vec![("input.file".to_owned(), line)], "{path}");
    }
    let fx = Fixture::community(&inventory(&[(
        "gate",
        "gate:\n  - text: 中共红旗社区委员会\n    photo: photos/party.jpg\n  - 红旗社区居民委员会\n  - 红旗社区服务站\n",
    )]));
    // A real photo: photos are decoded too (tests/hostile.rs has the broken ones).
    let jpeg =
        std::fs::read(common::sample_content().join("photos/chaoyang/award-2020.jpg")).unwrap();
    fx.write_bytes("photos/party.jpg", &jpeg);
    assert_eq!(
        fx.findings(),
        vec![],
        "an existing photo inside content/ is fine"
    );
}

#[cfg(unix)]
#[test]
fn a_symlink_out_of_content_is_refused() {
    let outside = tempfile::tempdir().unwrap();
    std::fs::write(outside.path().join("secret.jpg"), "x").unwrap();
    let fx = Fixture::community(&inventory(&[(
        "gate",
        "gate:\n  - text: 中共红旗社区委员会\n    photo: photos/link.jpg\n  - 红旗社区居民委员会\n  - 红旗社区服务站\n",
    )]));
    std::fs::create_dir_all(fx.path().join("photos")).unwrap();
    std::os::unix::fs::symlink(
        outside.path().join("secret.jpg"),
        fx.path().join("photos/link.jpg"),
    )
    .unwrap();
    assert_eq!(only(&fx), vec![("input.file".to_owned(), 7)]);
}

#[test]
fn gbk_file_is_named_as_such() {
    let utf8 = inventory(&[]);
    let (gbk, _, _) = encoding_rs::GBK.encode(&utf8);
    let fx = Fixture::new(&[]);
    fx.write_bytes("communities/城关镇/hongqi.yaml", &gbk);
    let (code, json) = fx.check_json();
    assert_eq!(code, 2);
    let f = &json["findings"][0];
    assert_eq!(f["rule"], "input.yaml");
    assert_eq!(f["line"], 2, "the first non-UTF-8 byte is on line 2");
    assert!(f["message"].as_str().unwrap().contains("GBK"), "{f}");
    assert!(f["fix"].as_str().unwrap().contains("UTF-8"), "{f}");
}

#[test]
fn bom_and_crlf_are_fine() {
    let yaml = format!("\u{feff}{}", inventory(&[]).replace('\n', "\r\n"));
    let fx = Fixture::community(&yaml);
    assert_eq!(fx.findings(), vec![]);
    let bad = format!(
        "\u{feff}{}",
        inventory(&[(
            "header",
            "header:\n  - 红旗社区综治中心\n  - 中国社区\n  - 党群服务中心\n"
        )])
        .replace('\n', "\r\n")
    );
    let fx = Fixture::community(&bad);
    let (_, json) = fx.check_json();
    assert_eq!(json["findings"][0]["line"], 10);
    assert_eq!(
        json["findings"][0]["column"], 5,
        "the BOM does not shift the column"
    );
}

#[test]
fn alias_bomb() {
    let mut yaml = String::from(
        "a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n",
    );
    let mut prev = 'a';
    for n in 'b'..='j' {
        yaml.push_str(&format!(
            "{n}: &{n} [*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev}]\n"
        ));
        prev = n;
    }
    let fx = Fixture::community(&yaml);
    assert_eq!(
        only(&fx).iter().map(|f| f.0.as_str()).collect::<Vec<_>>(),
        vec!["input.yaml"]
    );
}

#[test]
fn deep_nesting() {
    let fx = Fixture::community(&format!("{}{}\n", "[".repeat(100_000), "]".repeat(100_000)));
    assert_eq!(
        only(&fx).iter().map(|f| f.0.as_str()).collect::<Vec<_>>(),
        vec!["input.yaml"]
    );
    let block: String = (0..500)
        .map(|i| format!("{}- \n", "  ".repeat(i)))
        .collect();
    let fx = Fixture::community(&block);
    assert_eq!(
        only(&fx).iter().map(|f| f.0.as_str()).collect::<Vec<_>>(),
        vec!["input.yaml"]
    );
}

#[test]
fn a_fifty_megabyte_file() {
    let fx = Fixture::new(&[]);
    let path = fx.path().join("communities/城关镇/huge.yaml");
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    let file = std::fs::File::create(&path).unwrap();
    file.set_len(50 * 1024 * 1024).unwrap();
    let (code, json) = fx.check_json();
    assert_eq!(code, 2);
    assert_eq!(json["findings"][0]["rule"], "input.yaml");
    assert!(
        json["findings"][0]["message"]
            .as_str()
            .unwrap()
            .contains("太大")
    );
}

#[test]
fn binary_junk_and_empty_files() {
    let fx = Fixture::new(&[]);
    fx.write_bytes(
        "communities/a/junk.yaml",
        &[0xFF, 0x00, 0xC3, 0x28, 0x80, 0x81],
    );
    fx.write("communities/a/empty.yaml", "");
    fx.write("communities/a/comments.yaml", "# 只有注释\n");
    fx.write("communities/a/list.yaml", "- 1\n- 2\n");
    fx.write("communities/a/scalar.yaml", "红旗社区\n");
    let (code, json) = fx.check_json();
    assert_eq!(code, 2);
    assert_eq!(json["summary"]["communities"], 5);
    let codes: Vec<&str> = json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["rule"].as_str().unwrap())
        .collect();
    assert_eq!(codes.len(), 5, "one finding per file: {json:#}");
    assert!(codes.iter().all(|c| c.starts_with("input.")));
}

#[test]
fn missing_site_yaml() {
    let dir = tempfile::tempdir().unwrap();
    let out = common::qingpai_in(dir.path(), &["check", "--format", "json"]);
    assert_eq!(out.status.code(), Some(2));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["findings"][0]["rule"], "input.file");
    assert_eq!(json["findings"][0]["file"], "site.yaml");
    assert_eq!(json["findings"][0]["community"], serde_json::Value::Null);
}

#[test]
fn broken_site_and_standard_files() {
    let fx = Fixture::new(&[("communities/城关镇/hongqi.yaml", &inventory(&[]))]);
    fx.write("site.yaml", "title: 测试\nregoin: 测试县\n");
    fx.write("standard.yaml", "gate:\n  roles: 3\n");
    let f = only(&fx);
    assert!(f.contains(&("input.schema".to_owned(), 2)), "{f:?}");
    let files: Vec<String> = {
        let (_, json) = fx.check_json();
        json["findings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["file"].as_str().unwrap().to_owned())
            .collect()
    };
    assert!(
        files.contains(&"site.yaml".to_owned()) && files.contains(&"standard.yaml".to_owned()),
        "{files:?}"
    );
}

#[test]
fn text_report_for_a_broken_file_names_file_line_and_fix() {
    let fx = Fixture::community(&inventory(&[("gate_walls", "gate_wall: []\n")]));
    let out = fx.run(&["check"]);
    let text = stdout(&out);
    assert!(text.contains("error[input.schema]"), "{text}");
    assert!(
        text.contains("--> communities/城关镇/hongqi.yaml:12:1"),
        "{text}"
    );
    assert!(text.contains("= 建议: 是不是想写“gate_walls”"), "{text}");
}

#[test]
fn bad_colours_and_base_urls_are_schema_errors_not_crashes() {
    let fx = Fixture::community(&inventory(&[]));
    fx.write(
        "standard.yaml",
        "guide_board:\n  name: 一室八中心引导牌\n  text_color: \"#红红\"\n  rooms:\n    - name: 便民服务中心\n",
    );
    assert_eq!(only(&fx), vec![("input.schema".to_owned(), 3)]);
    let out = fx.run(&[
        "build",
        "--output",
        fx.path().join("../qp-out-colour").to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(2), "refused, not a panic");

    let fx = Fixture::community(&inventory(&[]));
    fx.write(
        "site.yaml",
        "title: 测试\nregion: 测试县\nbase_url: \"javascript:alert(1)\"\n",
    );
    assert_eq!(only(&fx), vec![("input.schema".to_owned(), 3)]);
}
