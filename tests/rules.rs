//! Every rule of SPEC §4 on a passing and a failing inventory, run through the
//! real binary.

mod common;
use common::{Fixture, inventory};

fn codes_of(changes: &[(&str, &str)]) -> Vec<(String, u64)> {
    Fixture::community(&inventory(changes)).findings()
}

fn has(findings: &[(String, u64)], code: &str, line: u64) -> bool {
    findings.iter().any(|(c, l)| c == code && *l == line)
}

#[test]
fn the_compliant_inventory_has_no_findings() {
    let fx = Fixture::community(&inventory(&[]));
    let (code, json) = fx.check_json();
    assert_eq!(json["findings"].as_array().unwrap().len(), 0, "{json:#}");
    assert_eq!(json["summary"]["compliant"], 1);
    assert_eq!(code, 0);
}

#[test]
fn gate_unlisted() {
    let f = codes_of(&[(
        "gate",
        "gate:\n  - 中共红旗社区委员会\n  - 红旗社区居民委员会\n  - 红旗社区服务站\n  - 红旗社区退役军人服务站\n  - 新时代文明实践站\n  - 红旗社区居务监督委员会\n  - 中共红旗社区纪律检查委员会\n  - 红旗社区网格工作站\n  - 红旗社区志愿服务站\n",
    )]);
    for line in 9..=14 {
        assert!(has(&f, "gate.unlisted", line), "line {line}: {f:?}");
    }
    assert_eq!(f.len(), 6, "{f:?}");
}

#[test]
fn gate_role_shapes_are_accepted() {
    for gate in [
        "gate:\n  - 中国共产党红旗社区委员会\n  - 红旗社区居民委员会\n  - 红旗社区便民服务站\n",
        "gate:\n  - 中共城关镇红旗社区总支部委员会\n  - 城关镇红旗社区居民委员会\n  - 红旗社区服务站\n",
        "gate:\n  - 中共红旗社区支部委员会\n  - 宝鸡市金台区东风路街道红旗社区居民委员会\n  - 红旗社区服务站\n",
        "gate:\n  - 中 共 红 旗 社 区 委 员 会\n  - 红旗社区居民委员会\n  - 红旗社区服务站\n",
    ] {
        assert_eq!(codes_of(&[("gate", gate)]), vec![], "{gate}");
    }
}

#[test]
fn a_village_shares_its_cun() {
    let f = codes_of(&[
        ("name", "name: 红旗村\n"),
        ("kind", "kind: village\n"),
        (
            "gate",
            "gate:\n  - 中共红旗村支部委员会\n  - 红旗村民委员会\n  - 红旗村便民服务站\n",
        ),
    ]);
    assert_eq!(f, vec![]);
}

#[test]
fn gate_duplicate() {
    let f = codes_of(&[(
        "gate",
        "gate:\n  - 中共红旗社区委员会\n  - 红旗社区居民委员会\n  - 红旗社区服务站\n  - 中共红旗社区支部委员会\n",
    )]);
    assert_eq!(f, vec![("gate.duplicate".to_owned(), 9)]);
}

#[test]
fn gate_horizontal() {
    let f = codes_of(&[(
        "gate",
        "gate:\n  - 中共红旗社区委员会\n  - text: 红旗社区居民委员会\n    orientation: horizontal\n  - text: 红旗社区服务站\n    orientation: vertical\n",
    )]);
    assert_eq!(f, vec![("gate.horizontal".to_owned(), 7)]);
}

#[test]
fn gate_name_mismatch() {
    let f = codes_of(&[(
        "gate",
        "gate:\n  - 中共红星社区委员会\n  - 红旗社区居民委员会\n  - 红旗社区服务站\n",
    )]);
    assert_eq!(f, vec![("gate.name-mismatch".to_owned(), 6)]);
}

#[test]
fn gate_missing() {
    let f = codes_of(&[("gate", "gate:\n  - 中共红旗社区委员会\n")]);
    assert_eq!(
        f.iter().filter(|(c, _)| c == "gate.missing").count(),
        2,
        "{f:?}"
    );
    assert!(
        f.iter().all(|(c, l)| c == "gate.missing" && *l == 5),
        "{f:?}"
    );
    let (code, _) =
        Fixture::community(&inventory(&[("gate", "gate:\n  - 中共红旗社区委员会\n")])).check_json();
    assert_eq!(code, 0, "warnings alone do not fail the check");
}

#[test]
fn header_rules() {
    let f = codes_of(&[(
        "header",
        "header:\n  - 中国社区\n  - 红旗社区党群服务中心\n  - 红旗社区综治中心\n  - 中 国 社 区\n",
    )]);
    assert_eq!(
        f,
        vec![
            ("header.unlisted".to_owned(), 12),
            ("header.duplicate".to_owned(), 13)
        ]
    );
    let f = codes_of(&[("header", "header:\n  - 红星社区党群服务中心\n")]);
    assert!(
        has(&f, "header.unlisted", 10) && has(&f, "header.missing", 9),
        "{f:?}"
    );
    assert_eq!(
        f.iter().filter(|(c, _)| c == "header.missing").count(),
        2,
        "{f:?}"
    );
}

#[test]
fn walls_rules() {
    let f = codes_of(&[(
        "gate_walls",
        "gate_walls:\n  - text: 一室八中心引导牌\n    rooms:\n      - {name: 便民服务中心, floor: 1}\n      - {name: 心理咨询室, floor: 2}\n  - 文明创建宣传栏\n  - text: 第二块引导牌\n    rooms: []\n",
    )]);
    assert_eq!(
        f,
        vec![
            ("guide.unknown-room".to_owned(), 16),
            ("walls.unlisted".to_owned(), 17),
            ("walls.duplicate-guide".to_owned(), 18)
        ]
    );
    let f = codes_of(&[("gate_walls", "gate_walls: []\n")]);
    assert_eq!(f, vec![("walls.no-guide".to_owned(), 12)]);
    let f = codes_of(&[("gate_walls", "")]);
    assert_eq!(
        f,
        vec![("walls.no-guide".to_owned(), 1)],
        "an absent section points at the file's first key"
    );
}

#[test]
fn guide_rooms_match_other_names_after_normalising() {
    let f = codes_of(&[(
        "gate_walls",
        "gate_walls:\n  - text: 一室八中心引导牌\n    rooms:\n      - name: 党员活动室\n      - name: 新时代文明实践站\n      - name: 综 治 中 心\n",
    )]);
    assert_eq!(f, vec![]);
}

#[test]
fn indoor_unapproved() {
    let f = codes_of(&[(
        "indoor",
        "indoor:\n  - text: 人民调解室\n    approval: 市社治组〔2024〕12号\n  - text: 妇女之家\n  - 禁毒工作站\n  - text: 计生协会\n    approval: \"\"\n",
    )]);
    assert_eq!(
        f,
        vec![
            ("indoor.unapproved".to_owned(), 19),
            ("indoor.unapproved".to_owned(), 20),
            ("indoor.unapproved".to_owned(), 21)
        ]
    );
}

#[test]
fn wall_rules() {
    let f = codes_of(&[(
        "wall_rules",
        "wall_rules:\n  - {title: 借阅须知, category: notice}\n  - {title: 工作职责, category: duties}\n  - {title: 组织网络图, category: org_chart, on_wall: false}\n  - {title: 借阅须知, category: notice}\n  - {title: 低保政策, category: policy, on_wall: false}\n  - {title: 办事流程, category: procedure}\n  - {title: 工作职责, category: duties, on_wall: false}\n",
    )]);
    assert_eq!(
        f,
        vec![
            ("rules.internal-on-wall".to_owned(), 18),
            ("rules.duplicate".to_owned(), 20),
            ("rules.internal-on-wall".to_owned(), 22)
        ]
    );
}

#[test]
fn awards_on_wall() {
    let f = codes_of(&[(
        "awards",
        "awards:\n  - {title: 文明社区, display: wall}\n  - {title: 示范社区, display: thumbnail}\n  - {title: 先进集体, display: honor_room, year: 2020}\n  - {title: 卫生村, display: stored}\n",
    )]);
    assert_eq!(f, vec![("awards.on-wall".to_owned(), 17)]);
}

#[test]
fn cert_abolished_by_name_and_other_names() {
    let f = codes_of(&[(
        "certificates",
        "certificates:\n  - name: 居住证明\n  - name: 亲属关系证明\n  - name: 户籍证明\n  - name: 无犯罪记录 证明\n  - {name: 收入证明, purpose: 贷款}\n",
    )]);
    assert_eq!(
        f,
        vec![
            ("cert.abolished".to_owned(), 18),
            ("cert.abolished".to_owned(), 19),
            ("cert.abolished".to_owned(), 20),
            ("cert.abolished".to_owned(), 21)
        ]
    );
}

#[test]
fn all_twenty_national_items_are_abolished() {
    let names = [
        "亲属关系证明",
        "居民身份信息证明",
        "户口登记项目内容变更申请证明",
        "居民养犬证明",
        "无犯罪记录证明",
        "社区戒毒社区康复人员情况证明",
        "人员失踪证明",
        "婚姻状况证明",
        "出生证明",
        "健在证明",
        "死亡证明",
        "疾病状况证明",
        "残疾状况证明",
        "婚育状况证明",
        "居民就业状况证明",
        "居民个人档案证明",
        "居民财产证明",
        "遗产继承权证明",
        "市场主体住所证明",
        "证件遗失证明",
    ];
    let mut certs = String::from("certificates:\n");
    for n in names {
        certs.push_str(&format!("  - name: {n}\n"));
    }
    let f = codes_of(&[("certificates", &certs)]);
    assert_eq!(
        f.iter().filter(|(c, _)| c == "cert.abolished").count(),
        20,
        "{f:?}"
    );
}

#[test]
fn cert_unlisted_only_with_a_retained_list() {
    let yaml = inventory(&[(
        "certificates",
        "certificates:\n  - name: 居住证明\n  - name: 独生子女证明\n",
    )]);
    let without = Fixture::community(&yaml);
    assert_eq!(
        without.findings(),
        vec![],
        "no retained list, no cert.unlisted"
    );
    let with = Fixture::new(&[
        ("communities/城关镇/hongqi.yaml", &yaml),
        (
            "standard.yaml",
            "retained_certificates:\n  - name: 居住证明\n    also: [居(租)住证明]\n",
        ),
    ]);
    assert_eq!(with.findings(), vec![("cert.unlisted".to_owned(), 18)]);
}

#[test]
fn a_changed_standard_changes_the_rules() {
    // Shandong-style gate with a fourth plaque, and another room list.
    let standard = r#"
gate:
  roles:
    - {id: party, name: 村党组织, prefixes: [中共], suffixes: [委员会, 支部委员会], proposed: "中共{name}委员会"}
    - {id: committee, name: 村民委员会, suffixes: [居民委员会, 村民委员会], proposed: "{name}居民委员会"}
    - {id: station, name: 服务站, suffixes: [服务站], proposed: "{name}服务站"}
    - {id: militia, name: 民兵连, suffixes: [民兵连], proposed: "{name}民兵连"}
guide_board:
  name: 一站一室四中心引导牌
  rooms:
    - name: 警务室
"#;
    let yaml = inventory(&[(
        "gate_walls",
        "gate_walls:\n  - text: 一站一室四中心引导牌\n    rooms:\n      - name: 警务室\n      - name: 便民服务中心\n",
    )]);
    let fx = Fixture::new(&[
        ("communities/城关镇/hongqi.yaml", &yaml),
        ("standard.yaml", standard),
    ]);
    let f = fx.findings();
    assert!(
        has(&f, "gate.missing", 5),
        "the fourth role is now required: {f:?}"
    );
    assert!(
        has(&f, "guide.unknown-room", 16),
        "the room list changed: {f:?}"
    );
}

#[test]
fn findings_are_sorted_by_file_then_line() {
    let bad = inventory(&[(
        "gate",
        "gate:\n  - 退役军人服务站\n  - 中共红旗社区委员会\n",
    )]);
    let fx = Fixture::new(&[
        (
            "communities/b/zeta.yaml",
            &bad.replace("id: hongqi", "id: zeta"),
        ),
        (
            "communities/a/alpha.yaml",
            &bad.replace("id: hongqi", "id: alpha"),
        ),
    ]);
    let (_, json) = fx.check_json();
    let keys: Vec<(String, u64)> = json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["file"].as_str().unwrap().to_owned(),
                f["line"].as_u64().unwrap(),
            )
        })
        .collect();
    let mut sorted = keys.clone();
    sorted.sort();
    assert_eq!(keys, sorted);
    assert_eq!(keys[0].0, "communities/a/alpha.yaml");
}

#[test]
fn text_missing_glyph() {
    // 𠀀 (U+20000) is outside GBK and the shipped font; 堃 is rare but inside.
    let f = codes_of(&[
        ("name", "name: 堃园社区\n"),
        (
            "gate",
            "gate:\n  - 中共堃园社区委员会\n  - 堃园社区居民委员会\n  - 堃园社区服务站\n  - 𠀀园退役军人服务站\n",
        ),
        ("header", "header:\n  - 中国社区\n  - 党群服务中心\n"),
    ]);
    assert_eq!(
        f,
        vec![
            ("gate.unlisted".to_owned(), 9),
            ("text.missing-glyph".to_owned(), 9)
        ]
    );
}

#[test]
fn the_duplicate_is_the_plaque_naming_another_place() {
    // The wrong-name plaque comes first: it is the one to take down.
    let f = codes_of(&[(
        "gate",
        "gate:\n  - 中共红星社区委员会\n  - 中共红旗社区委员会\n  - 红旗社区居民委员会\n  - 红旗社区服务站\n",
    )]);
    assert_eq!(f, vec![("gate.duplicate".to_owned(), 6)]);
}
