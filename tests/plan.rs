//! The work plan (SPEC §7): every counting case on a fixture county, checked
//! on every surface that shows a count — plan.json, `stats --format json`,
//! the overview and town pages (`data-work`), the community page and the
//! layout sheet's checklist (pdftotext) — and the public wording of the
//! sample build (no YAML keys, rule codes, paths or to-do notes).

mod common;

use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;

use common::{Fixture, inventory, qingpai_in, sample_content};
use serde_json::Value;

const ACTIONS: [&str; 6] = [
    "take_down",
    "remake",
    "make",
    "to_handbook",
    "award_off",
    "stop_certificate",
];

/// One community per counting case, in two towns.
fn county() -> Fixture {
    let f = Fixture::new(&[
        (
            // Three missing plaques: their findings share the line of `gate:`.
            "communities/甲镇/a.yaml",
            &inventory(&[
                ("id", "id: a\n"),
                ("name", "name: 甲社区\n"),
                ("town", "town: 甲镇\n"),
                ("gate", "gate: []\n"),
            ]),
        ),
        (
            // A horizontal plaque of a right name: remade, not taken down.
            "communities/甲镇/b.yaml",
            &inventory(&[
                ("id", "id: b\n"),
                ("name", "name: 乙社区\n"),
                ("town", "town: 甲镇\n"),
                (
                    "gate",
                    "gate:\n  - 中共乙社区委员会\n  - {text: 乙社区居民委员会, orientation: horizontal}\n  - 乙社区服务站\n",
                ),
            ]),
        ),
        (
            // An unlisted horizontal plaque: comes down, is not remade.
            "communities/乙镇/c.yaml",
            &inventory(&[
                ("id", "id: c\n"),
                ("name", "name: 丙社区\n"),
                ("town", "town: 乙镇\n"),
                (
                    "gate",
                    "gate:\n  - 中共丙社区委员会\n  - 丙社区居民委员会\n  - 丙社区服务站\n  - {text: 丙社区退役军人服务站, orientation: horizontal}\n",
                ),
            ]),
        ),
        (
            // An abolished certificate that is also off the retained list;
            // and a duplicate wall rule.
            "communities/乙镇/d.yaml",
            &inventory(&[
                ("id", "id: d\n"),
                ("name", "name: 丁社区\n"),
                ("town", "town: 乙镇\n"),
                (
                    "gate",
                    "gate:\n  - 中共丁社区委员会\n  - 丁社区居民委员会\n  - 丁社区服务站\n",
                ),
                (
                    "certificates",
                    "certificates:\n  - name: 亲属关系证明\n  - name: 居住证明\n",
                ),
                (
                    "wall_rules",
                    "wall_rules:\n  - {title: 图书室借阅须知, category: notice}\n  - {title: 图书室借阅须知, category: notice}\n",
                ),
            ]),
        ),
    ]);
    f.write(
        "standard.yaml",
        "retained_certificates:\n  - name: 居住证明\n",
    );
    f
}

/// What each community's plan must say: (id, totals in the order of ACTIONS).
const EXPECTED: [(&str, [u64; 6]); 4] = [
    ("a", [0, 0, 3, 0, 0, 0]),
    ("b", [0, 1, 0, 0, 0, 0]),
    ("c", [1, 0, 0, 0, 0, 0]),
    ("d", [1, 0, 0, 0, 0, 1]),
];

fn build(f: &Fixture, out: &Path, pdf: bool) {
    let mut args = vec!["build", "--output", out.to_str().unwrap()];
    if !pdf {
        args.push("--no-pdf");
    }
    let run = f.run(&args);
    assert_eq!(
        run.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
}

fn read_json(path: &Path) -> Value {
    serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap()
}

/// The numbers in `data-work` elements of a page.
fn data_work(html: &str) -> BTreeMap<String, u64> {
    let mut out = BTreeMap::new();
    for part in html.split("data-work=\"").skip(1) {
        let (action, rest) = part.split_once('"').unwrap();
        let number: String = rest
            .trim_start_matches('>')
            .chars()
            .take_while(char::is_ascii_digit)
            .collect();
        out.insert(action.to_owned(), number.parse().unwrap());
    }
    out
}

#[test]
#[cfg_attr(
    missing_poppler,
    ignore = "needs pdftotext (poppler-utils); .ci/run installs it"
)]
fn every_surface_counts_the_same_work() {
    let f = county();
    let out = tempfile::tempdir().unwrap();
    let site = out.path().join("site");
    build(&f, &site, true);

    let mut county = [0u64; 6];
    for (id, want) in EXPECTED {
        let plan = read_json(&site.join(format!("communities/{id}/plan.json")));
        assert_eq!(plan["version"], 1);
        assert_eq!(plan["community"]["id"], id);
        for (k, action) in ACTIONS.iter().enumerate() {
            assert_eq!(plan["totals"][action], want[k], "{id}: {action}");
            let items = plan["work"]
                .as_array()
                .unwrap()
                .iter()
                .filter(|w| w["action"] == *action)
                .count() as u64;
            assert_eq!(items, want[k], "{id}: work items of {action}");
            county[k] += want[k];
        }
        assert_eq!(plan["signs"].as_array().unwrap().len(), 6, "{id}");
    }

    // a: three signs to make, three items although one line.
    let a = read_json(&site.join("communities/a/plan.json"));
    let made: Vec<&Value> = a["signs"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|s| s["place"] == "gate")
        .collect();
    assert!(
        made.iter()
            .all(|s| s["action"] == "make" && s["line"].is_null())
    );
    assert!(
        a["work"]
            .as_array()
            .unwrap()
            .iter()
            .all(|w| w["rules"] == serde_json::json!(["gate.missing"]))
    );

    // b: the horizontal committee plaque is remade, with its own text.
    let b = read_json(&site.join("communities/b/plan.json"));
    let committee = b["signs"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["role"] == "committee")
        .unwrap();
    assert_eq!(committee["action"], "remake");
    assert_eq!(committee["text"], "乙社区居民委员会");
    assert_eq!(committee["line"], 7);
    assert_eq!(b["compliant"], false, "a horizontal plaque is an error");

    // c: the unlisted horizontal plaque is one item, taken down, with both rules.
    let c = read_json(&site.join("communities/c/plan.json"));
    let item = &c["work"][0];
    assert_eq!(item["action"], "take_down");
    assert_eq!(item["text"], "丙社区退役军人服务站");
    let mut rules: Vec<&str> = item["rules"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r.as_str().unwrap())
        .collect();
    rules.sort();
    assert_eq!(rules, ["gate.horizontal", "gate.unlisted"]);
    assert!(
        c["signs"]
            .as_array()
            .unwrap()
            .iter()
            .all(|s| s["action"] == "keep"),
        "nothing is remade"
    );

    // d: the certificate is one finding and one item; the duplicate rule comes down.
    let d = read_json(&site.join("communities/d/plan.json"));
    let cert = d["work"]
        .as_array()
        .unwrap()
        .iter()
        .find(|w| w["action"] == "stop_certificate")
        .unwrap();
    assert_eq!(cert["rules"], serde_json::json!(["cert.abolished"]));
    let dup = d["work"]
        .as_array()
        .unwrap()
        .iter()
        .find(|w| w["action"] == "take_down")
        .unwrap();
    assert_eq!(dup["place"], "wall_rules");
    let (_, report) = f.check_json();
    let cert_findings = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|x| x["community"] == "d" && x["rule"].as_str().unwrap().starts_with("cert."))
        .count();
    assert_eq!(
        cert_findings, 1,
        "cert.unlisted does not repeat cert.abolished"
    );

    // stats: the six totals per row, and their sums.
    let stats = qingpai_in(f.path(), &["stats", "--format", "json"]);
    let stats: Value = serde_json::from_slice(&stats.stdout).unwrap();
    for row in stats["rows"].as_array().unwrap() {
        let id = row["id"].as_str().unwrap();
        let want = EXPECTED.iter().find(|(i, _)| *i == id).unwrap().1;
        for (k, action) in ACTIONS.iter().enumerate() {
            assert_eq!(row[action], want[k], "stats {id}: {action}");
        }
    }
    for (k, action) in ACTIONS.iter().enumerate() {
        assert_eq!(
            stats["total"]["counts"][action], county[k],
            "stats total {action}"
        );
    }

    // The overview and the town pages.
    let index = std::fs::read_to_string(site.join("index.html")).unwrap();
    let shown = data_work(&index);
    for (k, action) in ACTIONS.iter().enumerate() {
        assert_eq!(shown.get(*action), Some(&county[k]), "overview {action}");
    }
    for (town, ids) in [("甲镇", ["a", "b"]), ("乙镇", ["c", "d"])] {
        let page = std::fs::read_to_string(site.join(format!("towns/{town}/index.html"))).unwrap();
        let shown = data_work(&page);
        for (k, action) in ACTIONS.iter().enumerate() {
            let want: u64 = EXPECTED
                .iter()
                .filter(|(i, _)| ids.contains(i))
                .map(|(_, t)| t[k])
                .sum();
            assert_eq!(shown.get(*action), Some(&want), "{town} {action}");
        }
    }

    // The community page lists each item once.
    let page = std::fs::read_to_string(site.join("communities/d/index.html")).unwrap();
    assert_eq!(
        page.matches("“亲属关系证明”已列入").count(),
        2,
        "the list and the entry"
    );

    // The layout sheet: the checklist's groups agree with the plan.
    let Some(text) = pdftotext(&site.join("communities/a/sheet.pdf")) else {
        return;
    };
    assert!(text.contains("新做（3 项）"), "{text}");
    let text = pdftotext(&site.join("communities/b/sheet.pdf")).unwrap();
    assert!(text.contains("重新制作（1 项）"), "{text}");
    assert!(text.contains("重新制作"), "the spec table says remake");
    let text = pdftotext(&site.join("communities/c/sheet.pdf")).unwrap();
    assert!(text.contains("摘除（1 项）"), "{text}");
    assert!(!text.contains("重新制作（"), "{text}");
}

/// The text of a PDF (a test that needs poppler is ignored where it is missing, see build.rs).
fn pdftotext(path: &Path) -> Option<String> {
    match Command::new("pdftotext").arg(path).arg("-").output() {
        Ok(out) => Some(String::from_utf8_lossy(&out.stdout).into_owned()),
        // build.rs has this test ignored where the tool is missing; here it runs, so it must be there.
        Err(e) => panic!("pdftotext is needed by this test: {e} (install poppler-utils)"),
    }
}

/// Public pages and PDFs speak to residents: no YAML keys, rule codes,
/// inventory paths or to-do notes (the standard page may name rule codes).
#[test]
#[cfg_attr(
    missing_poppler,
    ignore = "needs pdftotext (poppler-utils); .ci/run installs it"
)]
fn the_sample_publishes_no_clerk_talk() {
    let out = tempfile::tempdir().unwrap();
    let site = out.path().join("site");
    let run = qingpai_in(
        &sample_content(),
        &["build", "--output", site.to_str().unwrap()],
    );
    assert_eq!(run.status.code(), Some(0));
    let keys = [
        "on_wall",
        "orientation:",
        "display:",
        "gate_walls",
        "size_mm",
        "approval:",
        "certificates:",
        "wall_rules",
        "category:",
        "清单文件",
        "记入 gate",
        "standard.yaml",
        ".yaml",
        "请补充",
        "重新生成",
        "在清单里",
        "清单里还没有",
        "清单里写",
    ];
    // Every rule code of SPEC §4.
    let codes = [
        "input.yaml",
        "input.schema",
        "input.duplicate-id",
        "input.file",
        "gate.unlisted",
        "gate.duplicate",
        "gate.horizontal",
        "gate.name-mismatch",
        "gate.missing",
        "header.unlisted",
        "header.duplicate",
        "header.missing",
        "walls.unlisted",
        "walls.duplicate-guide",
        "walls.no-guide",
        "guide.unknown-room",
        "indoor.unapproved",
        "rules.internal-on-wall",
        "rules.duplicate",
        "awards.on-wall",
        "cert.abolished",
        "cert.unlisted",
        "text.missing-glyph",
    ];
    let mut checked = 0;
    for entry in walk(&site) {
        let rel = entry
            .strip_prefix(&site)
            .unwrap()
            .to_string_lossy()
            .into_owned();
        let text = match entry.extension().and_then(|e| e.to_str()) {
            Some("html") => std::fs::read_to_string(&entry).unwrap(),
            Some("pdf") => match pdftotext(&entry) {
                Some(t) => t,
                None => continue,
            },
            _ => continue,
        };
        checked += 1;
        // The standard page may name each rule's code beside its wording.
        let mut text = text;
        if rel.starts_with("standard/") {
            for code in codes {
                text = text.replace(code, "");
            }
        }
        for k in keys {
            assert!(!text.contains(k), "{rel} says “{k}”");
        }
        for code in codes {
            assert!(!text.contains(code), "{rel} shows the rule code {code}");
        }
    }
    assert!(checked > 30, "only {checked} files read");
}

fn walk(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            out.extend(walk(&p));
        } else {
            out.push(p);
        }
    }
    out
}
