//! Honest sources (issue 9): the standard cites what it rests on and marks
//! the project's proposals; footers carry a government site's record numbers
//! when given; public files print no to-do; the clerk is reminded by `check`.

mod common;
use std::path::{Path, PathBuf};
use std::process::Command;

use common::{Fixture, SITE, inventory, qingpai_in, sample_content, stdout};

/// The title of a document nobody has found: it must appear nowhere.
const UNKNOWN_TITLE: &str = "宁夏村(社区)标识标牌和上墙制度规范";

fn build(content: &Path, out: &Path) -> String {
    let o = qingpai_in(content, &["build", "--output", out.to_str().unwrap()]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}{}",
        stdout(&o),
        common::stderr(&o)
    );
    stdout(&o)
}

/// Every file under `dir`.
fn files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_owned()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else {
                out.push(p);
            }
        }
    }
    out.sort();
    out
}

fn ext(p: &Path) -> &str {
    p.extension().and_then(|e| e.to_str()).unwrap_or("")
}

/// A PDF's text through pdftotext (a test that needs it is ignored where
/// poppler is missing, see build.rs).
fn pdf_text(file: &Path) -> Option<String> {
    match Command::new("pdftotext").arg(file).arg("-").output() {
        Ok(out) => {
            assert!(out.status.success(), "pdftotext {}", file.display());
            Some(String::from_utf8_lossy(&out.stdout).into_owned())
        }
        // build.rs has this test ignored where the tool is missing; here it runs, so it must be there.
        Err(e) => panic!("pdftotext is needed by this test: {e} (install poppler-utils)"),
    }
}

/// The sample county, built once per test that needs it.
fn sample_site() -> (tempfile::TempDir, PathBuf) {
    let out = tempfile::tempdir().unwrap();
    let site = out.path().join("site");
    build(&sample_content(), &site);
    (out, site)
}

#[test]
#[cfg_attr(
    missing_poppler,
    ignore = "needs pdftotext (poppler-utils); .ci/run installs it"
)]
fn no_page_or_pdf_cites_the_unknown_title_and_handbooks_carry_no_todo() {
    let (_tmp, site) = sample_site();
    let all = files(&site);
    let mut pdfs = 0;
    let mut handbooks = 0;
    let mut neutral_notes = 0;
    for f in &all {
        match ext(f) {
            "html" | "svg" | "xml" | "js" | "json" | "txt" | "csv" => {
                let text = std::fs::read_to_string(f).unwrap();
                assert!(!text.contains(UNKNOWN_TITLE), "{}", f.display());
            }
            "pdf" => {
                pdfs += 1;
                let Some(text) = pdf_text(f) else { continue };
                // pdftotext may break a long title over lines: compare without
                // white space.
                let flat: String = text.chars().filter(|c| !c.is_whitespace()).collect();
                assert!(!flat.contains(UNKNOWN_TITLE), "{}", f.display());
                assert!(
                    !flat.contains("请补充") && !flat.contains("还没有这项制度的正文"),
                    "a to-do in {}:\n{text}",
                    f.display()
                );
                if f.file_name().unwrap() == "handbook.pdf" {
                    handbooks += 1;
                    assert!(
                        flat.contains("据新华社2020年8月15日报道"),
                        "the handbook cites the real source: {}\n{text}",
                        f.display()
                    );
                    if flat.contains("正文以本村(社区)公布为准") {
                        neutral_notes += 1;
                    }
                }
            }
            _ => {}
        }
    }
    assert!(pdfs >= 14, "only {pdfs} PDFs");
    if pdf_text(&all.iter().find(|f| ext(f) == "pdf").unwrap().clone()).is_some() {
        assert!(handbooks >= 3, "{handbooks} handbooks");
        // 东方社区, 幸福社区, 望远村 and 沙窝村 have internal rules without a body.
        assert!(
            neutral_notes >= 3,
            "{neutral_notes} handbooks with the note"
        );
    }
}

#[test]
fn every_footer_cites_the_source_and_shows_the_government_keys() {
    let (_tmp, site) = sample_site();
    let pages: Vec<PathBuf> = files(&site)
        .into_iter()
        .filter(|f| ext(f) == "html")
        .collect();
    assert!(pages.len() >= 20, "{} pages", pages.len());
    for p in &pages {
        let html = std::fs::read_to_string(p).unwrap();
        let foot = &html[html.find("<footer").expect("a footer")..];
        for want in [
            "依据：宁夏回族自治区村(社区)“牌子满墙”治理要求（据新华社2020年8月15日报道）；尺寸、颜色、材质为本站建议",
            "主办单位：清河县民政局（示例）",
            "网站标识码：0000000000",
            "<a href=\"https://beian.miit.gov.cn/\"",
            ">示ICP备00000000号（示例）</a>",
            "<a href=\"https://beian.mps.gov.cn/\"",
            ">示公网安备00000000000000号（示例）</a>",
        ] {
            assert!(foot.contains(want), "{}: no {want}", p.display());
        }
    }
}

#[test]
fn the_footer_shows_nothing_when_the_keys_are_absent_and_escapes_them() {
    let fx = Fixture::community(&inventory(&[]));
    let out = tempfile::tempdir().unwrap();
    let site = out.path().join("site");
    build(fx.path(), &site);
    let index = std::fs::read_to_string(site.join("index.html")).unwrap();
    for absent in [
        "主办单位",
        "网站标识码",
        "beian.miit.gov.cn",
        "beian.mps.gov.cn",
    ] {
        assert!(!index.contains(absent), "{absent} without the key");
    }

    fx.write(
        "site.yaml",
        &format!(
            "{SITE}organizer: \"<b>某县&民政局</b>\"\nicp: 宁ICP备\"1\"号\npolice_record: <i>x</i>\nsite_code: \"6400000000\"\n"
        ),
    );
    let site2 = out.path().join("site2");
    build(fx.path(), &site2);
    let index = std::fs::read_to_string(site2.join("index.html")).unwrap();
    assert!(
        index.contains("主办单位：&lt;b&gt;某县&amp;民政局&lt;/b&gt;"),
        "{index}"
    );
    assert!(!index.contains("<b>某县"), "escaped");
    assert!(!index.contains("<i>x</i>"), "escaped");
    assert!(index.contains("网站标识码：6400000000"));
    assert!(index.contains("宁ICP备&quot;1&quot;号"));
}

#[test]
fn the_standard_page_lists_its_sources_and_marks_proposals() {
    let (_tmp, site) = sample_site();
    let page = std::fs::read_to_string(site.join("standard/index.html")).unwrap();
    // The sources, with links.
    assert!(page.contains(
        "<a href=\"http:&#x2F;&#x2F;www.xinhuanet.com&#x2F;politics&#x2F;2020-08&#x2F;15&#x2F;c_1126371361.htm\""
    ) || page.contains("<a href=\"http://www.xinhuanet.com/politics/2020-08/15/c_1126371361.htm\""),
        "the Xinhua link");
    assert!(page.contains("《宁夏治理“制度、荣誉、牌匾”满墙乱象》"));
    assert!(page.contains("新华社"));
    assert!(page.contains("2020-08-15"));
    assert!(page.contains("不应由基层群众性自治组织出具证明事项清单(第一批)"));
    // Values marked: policy values link to their source, proposals say so.
    assert!(page.contains("class=\"basis policy\" href=\"#src-xinhua-2020\""));
    assert!(page.contains("id=\"src-xinhua-2020\""));
    assert!(page.matches("class=\"basis proposal\"").count() >= 10);
    assert!(page.contains("400×2400 毫米<span class=\"basis proposal\">（本站建议）</span>"));
    // Installation geometry, as a proposal, and the site note.
    assert!(page.contains("大门竖牌下沿离地") && page.contains("600 毫米"));
    assert!(page.contains("位置示意，以现场为准"));
    // Process colours beside the screen colours.
    assert!(page.contains("C0 M0 Y0 K100"));
    // Certificates: the official sub-types in the row, the aliases apart.
    let table_end = page
        .find("本站比对用的其他叫法")
        .expect("the aliases, labelled");
    let table = &page[..table_end];
    assert!(table.contains("（婚姻关系证明、分居证明）"));
    assert!(!table.contains("未婚证明") && !table.contains("单身证明"));
    assert!(page[table_end..].contains("婚姻状况证明：未婚证明、单身证明"));
    // The transition wording of the seed plan.
    assert!(page.contains("据实出具") && page.contains("办事无门"));
    assert!(!page.contains(UNKNOWN_TITLE));
}

#[test]
fn check_reminds_the_clerk_of_a_rule_without_body_in_text_only() {
    let without = inventory(&[(
        "wall_rules",
        "wall_rules:\n  - {title: 社区工作职责, category: duties, on_wall: false}\n",
    )]);
    let with = inventory(&[(
        "wall_rules",
        "wall_rules:\n  - {title: 社区工作职责, category: duties, on_wall: false, body: 负责……}\n",
    )]);
    let a = Fixture::community(&without);
    let b = Fixture::community(&with);
    let text = stdout(&a.run(&["check"]));
    assert!(
        text.contains(
            "提示：communities/城关镇/hongqi.yaml 第 17 行的制度“社区工作职责”没有正文（body），服务手册里只印标题"
        ),
        "{text}"
    );
    assert!(!stdout(&b.run(&["check"])).contains("提示："));
    // Not a finding: the JSON report is the same with or without the body.
    let (code_a, json_a) = a.check_json();
    let (code_b, json_b) = b.check_json();
    assert_eq!(code_a, code_b);
    assert_eq!(json_a, json_b);
    assert!(!json_a.to_string().contains("提示"));
}

#[test]
fn certificate_messages_keep_residents_from_being_left_with_nowhere_to_go() {
    let fx = Fixture::community(&inventory(&[(
        "certificates",
        "certificates:\n  - {name: 死亡证明, purpose: 火化}\n",
    )]));
    let text = stdout(&fx.run(&["check"]));
    assert!(text.contains("cert.abolished"), "{text}");
    assert!(!text.contains("村(居)委会不再出具"), "{text}");
    assert!(text.contains("不再作为村(居)委会出具的证明事项"), "{text}");
    assert!(text.contains("医疗卫生机构"), "{text}");
    assert!(
        text.contains("据实出具") && text.contains("办事无门"),
        "{text}"
    );
}

#[test]
fn an_old_standard_file_with_issuer_and_source_still_builds() {
    let fx = Fixture::community(&inventory(&[]));
    fx.write(
        "standard.yaml",
        "name: 某省村(社区)挂牌规范\nversion: \"2023\"\nissuer: 某省民政厅\nsource: 某省挂牌规范（2023）\n",
    );
    let (code, json) = fx.check_json();
    assert_eq!(code, 0, "{json}");
    let out = tempfile::tempdir().unwrap();
    let site = out.path().join("site");
    build(fx.path(), &site);
    let index = std::fs::read_to_string(site.join("index.html")).unwrap();
    assert!(
        index.contains("依据：某省村(社区)挂牌规范"),
        "the file's own name"
    );
    assert!(
        !index.contains("新华社2020年8月15日"),
        "not Ningxia's citation"
    );
    let page = std::fs::read_to_string(site.join("standard/index.html")).unwrap();
    assert!(
        page.contains("某省民政厅：《某省挂牌规范（2023）》"),
        "the old source is listed"
    );
}
