//! The layout sheet (`sheet.pdf`) as an installer's drawing (issue 10): the
//! title block, "位置示意，以现场为准", the height of every sign's underside
//! as the gate drawing places it, no text under the GB/T 14691 minimum
//! sizes, and line breaks that follow the Chinese punctuation rules.
//! The PDF checks use poppler-utils and qpdf: listed as ignored by `cargo test`
//! without them (build.rs), run and required under CI.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use qingpai::diag::Finding;
use qingpai::draw::gate_drawing;
use qingpai::fonts::Weight;
use qingpai::load::Content;
use qingpai::model::Community;
use qingpai::pdf::doc::{text_width, wrap};
use qingpai::pdf::{self, Input};
use qingpai::theme::{self, Theme};

struct Sample {
    content: Content,
    report: qingpai::check::Report,
    theme: Theme,
}

fn sample() -> Sample {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let content = qingpai::load::load(&root.join("content"));
    let report = qingpai::check::check(&content);
    let theme = theme::load(root, None).expect("the default theme");
    Sample {
        content,
        report,
        theme,
    }
}

fn community<'a>(s: &'a Sample, id: &str) -> &'a Community {
    s.content
        .communities
        .iter()
        .find(|c| c.id == id)
        .expect("the sample community")
}

/// The sheet of `c` written to `target/sheet-tests/OUT/sheet.pdf`, and the
/// underside height (mm above ground) of every sign as the drawing places
/// it, in sign order.
fn sheet_of(s: &Sample, c: &Community, out: &str) -> (PathBuf, Vec<u32>) {
    let findings: Vec<&Finding> = s
        .report
        .findings
        .iter()
        .filter(|f| f.file == c.file)
        .collect();
    let plan = qingpai::plan::plan(c, &s.content.standard, &findings);
    let gate = plan.gate.as_ref().expect("a gate to draw");
    let drawing = gate_drawing(&s.theme, gate).expect("the gate drawing");
    let input = Input {
        c,
        std: &s.content.standard,
        plan: &plan,
        gate,
        drawing: &drawing,
        theme: &s.theme,
        site: s.content.site.as_ref().expect("site.yaml"),
        built_on: "2024-09-30",
        content_dir: &s.content.dir,
    };
    let bytes = pdf::sheet(&input).expect("the sheet");
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("target/sheet-tests")
        .join(out);
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("sheet.pdf");
    std::fs::write(&file, bytes).unwrap();
    assert_eq!(drawing.signs.len(), gate.all_signs().count());
    let heights = drawing
        .signs
        .iter()
        .map(|b| (b.y + b.h).abs().round() as u32)
        .collect();
    (file, heights)
}

/// Run a tool (always `Some`: a test that needs a missing tool is ignored, see build.rs).
fn tool(name: &str, args: &[&str]) -> Option<String> {
    match Command::new(name).args(args).output() {
        Ok(out) => {
            // qpdf exits 3 for warnings only.
            assert!(
                out.status.success() || name == "qpdf" && out.status.code() == Some(3),
                "{name} {args:?} failed: {}{}",
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr)
            );
            Some(String::from_utf8_lossy(&out.stdout).into_owned())
        }
        // build.rs has this test ignored where the tool is missing; here it runs, so it must be there.
        Err(e) => panic!("{name} is needed by this test: {e} (install poppler-utils and qpdf)"),
    }
}

fn path(p: &Path) -> &str {
    p.to_str().expect("a UTF-8 path")
}

fn pages(file: &Path) -> Option<usize> {
    let info = tool("pdfinfo", &[path(file)])?;
    info.lines()
        .find_map(|l| l.strip_prefix("Pages:"))
        .and_then(|v| v.trim().parse().ok())
}

/// The text of page `p` (from 1), laid out as on the page.
fn page_text(file: &Path, p: usize) -> Option<String> {
    let p = p.to_string();
    tool(
        "pdftotext",
        &["-layout", "-f", &p, "-l", &p, path(file), "-"],
    )
}

fn tokens(line: &str) -> Vec<&str> {
    line.split_whitespace().collect()
}

/// Title block, "位置示意，以现场为准" and the heights of the signs on
/// the sheets of two sample communities (and one with no survey date).
#[test]
#[cfg_attr(
    any(missing_poppler, missing_qpdf),
    ignore = "needs poppler-utils and qpdf (pdfinfo, pdftotext, pdftoppm, qpdf); .ci/run installs them"
)]
fn title_block_heights_and_site_note() {
    let s = sample();
    let mut undated = community(&s, "nanguan").clone();
    undated.surveyed_on = None;
    for (c, out) in [
        (community(&s, "nanguan"), "nanguan"),
        (community(&s, "shawo"), "shawo"),
        (&undated, "nanguan-undated"),
    ] {
        let (file, heights) = sheet_of(&s, c, out);
        let Some(n) = pages(&file) else {
            return;
        };
        assert!(n >= 2, "{out}: the drawing, then the table and list");
        let surveyed = c.surveyed_on.clone().unwrap_or_else(|| "未记录".into());
        for p in 1..=n {
            let text = page_text(&file, p).unwrap();
            for field in [
                "制图",
                "审核",
                "批准",
                "签名",
                "日期",
                "调查日期",
                "生成日期",
            ] {
                assert!(text.contains(field), "{out} p{p}: {field}:\n{text}");
            }
            assert!(text.contains(&surveyed), "{out} p{p}: {surveyed}:\n{text}");
            assert!(text.contains("2024-09-30"), "{out} p{p}: build date");
            assert!(
                text.contains(c.name.raw.trim()) && text.contains(c.town.raw.trim()),
                "{out} p{p}: community and town"
            );
            assert!(text.contains("清河县"), "{out} p{p}: the county");
            let number = text
                .lines()
                .find(|l| l.contains("图号"))
                .unwrap_or_else(|| panic!("{out} p{p}: 图号:\n{text}"));
            let after = number.split("图号").nth(1).unwrap_or("");
            assert_eq!(
                tokens(after).first().copied(),
                Some(format!("{p}/{n}").as_str()),
                "{out} p{p}: {number}"
            );
            let squeezed: String = text.split_whitespace().collect();
            assert!(
                squeezed.contains(&format!("共{n}张第{p}张")),
                "{out} p{p}: sheet n of m"
            );
            // No YAML keys, rule codes or file paths for the installer.
            for private in ["gate_walls", "surveyed_on", "gate.", ".yaml", ".pdf"] {
                assert!(!text.contains(private), "{out} p{p}: {private}:\n{text}");
            }
        }

        let drawing = page_text(&file, 1).unwrap();
        assert!(
            drawing.contains("位置示意，以现场为准"),
            "{out}:\n{drawing}"
        );
        assert!(drawing.contains("比例 1:"), "{out}: the scale");
        assert!(drawing.contains("±0.000"), "{out}: the ground level");
        // Every sign's underside is dimensioned on the drawing, and given in
        // its row of the table, both as the drawing places it.
        let dims: Vec<&str> = drawing.split_whitespace().collect();
        let table = page_text(&file, 2).unwrap();
        for (i, h) in heights.iter().enumerate() {
            let starred = format!("{h}*");
            assert!(
                dims.contains(&starred.as_str()),
                "{out}: sign {} stands {h} mm above ground; not dimensioned:\n{drawing}",
                i + 1
            );
            let row = table
                .lines()
                .find(|l| {
                    tokens(l).first() == Some(&(i + 1).to_string().as_str()) && l.contains('×')
                })
                .unwrap_or_else(|| panic!("{out}: no table row {}:\n{table}", i + 1));
            assert!(
                tokens(row).contains(&starred.as_str()),
                "{out}: row {} lacks {starred}: {row}",
                i + 1
            );
        }
        // The plaques, the identifiers and the guide board do not all stand
        // at one height: the values come from the drawing.
        let mut distinct = heights.clone();
        distinct.dedup();
        assert!(distinct.len() >= 3, "{out}: {heights:?}");
    }
}

/// The objects of a `qpdf --qdf` file: number -> text.
fn objects(qdf: &str) -> HashMap<u32, &str> {
    let mut out = HashMap::new();
    let mut rest = qdf;
    while let Some(at) = rest.find(" 0 obj\n") {
        let head = &rest[..at];
        let num = head
            .rsplit(|c: char| !c.is_ascii_digit())
            .next()
            .and_then(|n| n.parse().ok());
        let body = &rest[at + 7..];
        let end = body.find("\nendobj").unwrap_or(body.len());
        if let Some(n) = num {
            out.insert(n, &body[..end]);
        }
        rest = &body[end..];
    }
    out
}

/// A ToUnicode CMap: code (hex) -> text.
fn cmap(text: &str) -> HashMap<u32, String> {
    let hex = |s: &str| u32::from_str_radix(s.trim_matches(|c| c == '<' || c == '>'), 16).ok();
    let unicode = |s: &str| -> String {
        let h = s.trim_matches(|c| c == '<' || c == '>');
        let units: Vec<u16> = (0..h.len() / 4)
            .filter_map(|i| u16::from_str_radix(&h[i * 4..i * 4 + 4], 16).ok())
            .collect();
        String::from_utf16_lossy(&units)
    };
    let mut out = HashMap::new();
    let mut mode = "";
    for line in text.lines() {
        let l = line.trim();
        if l.ends_with("beginbfchar") {
            mode = "char";
        } else if l.ends_with("beginbfrange") {
            mode = "range";
        } else if l.starts_with("end") {
            mode = "";
        } else {
            let parts: Vec<&str> = l.split_whitespace().collect();
            match (mode, parts.as_slice()) {
                ("char", [code, to]) => {
                    if let Some(c) = hex(code) {
                        out.insert(c, unicode(to));
                    }
                }
                ("range", [a, b, to]) if to.starts_with('<') => {
                    if let (Some(a), Some(b)) = (hex(a), hex(b)) {
                        let first = unicode(to);
                        let base = first.chars().next().map_or(0, u32::from);
                        for (i, code) in (a..=b).enumerate() {
                            if let Some(ch) = char::from_u32(base + i as u32) {
                                out.insert(code, ch.to_string());
                            }
                        }
                    }
                }
                _ => {}
            }
        }
    }
    out
}

/// Every run of text in a PDF: (text, height of its em in mm), from the
/// `Tf` size scaled by the text matrix and the CTM.
fn text_runs(file: &Path) -> Option<Vec<(String, f32)>> {
    let qdf = file.with_extension("qdf.pdf");
    tool(
        "qpdf",
        &["--qdf", "--object-streams=disable", path(file), path(&qdf)],
    )?;
    let bytes = std::fs::read(&qdf).unwrap();
    let text = String::from_utf8_lossy(&bytes);
    let objs = objects(&text);
    let reference = |body: &str, key: &str| -> Option<u32> {
        let at = body.find(key)? + key.len();
        body[at..].split_whitespace().next()?.parse().ok()
    };
    // Font resource names -> their ToUnicode maps.
    let mut fonts: HashMap<String, HashMap<u32, String>> = HashMap::new();
    for body in objs.values() {
        for line in body.lines() {
            let parts: Vec<&str> = line.split_whitespace().collect();
            if let [name, num, "0", "R"] = parts.as_slice()
                && let Some(name) = name.strip_prefix('/')
                && let Ok(num) = num.parse::<u32>()
                && let Some(font) = objs.get(&num)
                && font.contains("/Type /Font")
                && let Some(to_unicode) = reference(font, "/ToUnicode ")
                && let Some(map) = objs.get(&to_unicode)
            {
                fonts.insert(name.to_owned(), cmap(map));
            }
        }
    }
    assert!(
        !fonts.is_empty(),
        "no fonts with ToUnicode maps in {}",
        file.display()
    );
    let mut runs = Vec::new();
    for body in objs.values() {
        if !body.contains(" Tf") {
            continue;
        }
        let mut ctm = [1.0f32, 0.0, 0.0, 1.0];
        let mut stack = Vec::new();
        let mut font = String::new();
        let mut size = 0.0f32;
        let mut tm = [1.0f32, 0.0, 0.0, 1.0];
        for line in body.lines() {
            let parts: Vec<&str> = line.split_whitespace().collect();
            let nums = |n: usize| -> Vec<f32> {
                parts[..n].iter().filter_map(|p| p.parse().ok()).collect()
            };
            match parts.last().copied() {
                Some("q") => stack.push(ctm),
                Some("Q") => ctm = stack.pop().unwrap_or(ctm),
                Some("cm") if parts.len() == 7 => {
                    let m = nums(4);
                    if m.len() == 4 {
                        // The new CTM = m × ctm (linear part only).
                        ctm = [
                            m[0] * ctm[0] + m[1] * ctm[2],
                            m[0] * ctm[1] + m[1] * ctm[3],
                            m[2] * ctm[0] + m[3] * ctm[2],
                            m[2] * ctm[1] + m[3] * ctm[3],
                        ];
                    }
                }
                Some("Tf") if parts.len() == 3 => {
                    font = parts[0].trim_start_matches('/').to_owned();
                    size = parts[1].parse().unwrap_or(0.0);
                }
                Some("Tm") if parts.len() == 7 => {
                    let m = nums(4);
                    if m.len() == 4 {
                        tm = [m[0], m[1], m[2], m[3]];
                    }
                }
                Some("Tj" | "TJ") => {
                    let map = fonts.get(&font);
                    let mut s = String::new();
                    let mut rest = line;
                    while let Some(a) = rest.find('<') {
                        let Some(b) = rest[a..].find('>') else { break };
                        let hex = &rest[a + 1..a + b];
                        for i in 0..hex.len() / 4 {
                            let code = u32::from_str_radix(&hex[i * 4..i * 4 + 4], 16).unwrap_or(0);
                            if let Some(t) = map.and_then(|m| m.get(&code)) {
                                s.push_str(t);
                            }
                        }
                        rest = &rest[a + b..];
                    }
                    // The em's height: the text space's y axis through Tm and the CTM.
                    let (x, y) = (
                        tm[2] * ctm[0] + tm[3] * ctm[2],
                        tm[2] * ctm[1] + tm[3] * ctm[3],
                    );
                    let em = size * (x * x + y * y).sqrt() * 25.4 / 72.0;
                    runs.push((s, em));
                }
                _ => {}
            }
        }
    }
    let _ = std::fs::remove_file(qdf);
    Some(runs)
}

fn is_cjk(c: char) -> bool {
    matches!(c as u32, 0x2E80..=0x9FFF | 0xF900..=0xFAFF | 0xFF00..=0xFFEF)
}

/// GB/T 14691: Chinese characters at least 3.5 mm high, digits and Latin
/// at least 2.5 mm, on every page of the sheet.
#[test]
#[cfg_attr(
    any(missing_poppler, missing_qpdf),
    ignore = "needs poppler-utils and qpdf (pdfinfo, pdftotext, pdftoppm, qpdf); .ci/run installs them"
)]
fn no_text_under_the_drawing_minimum() {
    let s = sample();
    for id in ["nanguan", "shawo", "hongqi"] {
        let (file, _) = sheet_of(&s, community(&s, id), id);
        let Some(runs) = text_runs(&file) else {
            return;
        };
        let chinese: Vec<_> = runs.iter().filter(|(t, _)| t.chars().any(is_cjk)).collect();
        let figures: Vec<_> = runs
            .iter()
            .filter(|(t, _)| !t.trim().is_empty() && !t.chars().any(is_cjk))
            .collect();
        // The scan decoded the text (not a vacuous pass).
        assert!(chinese.len() > 50 && figures.len() > 10, "{id}: {runs:?}");
        assert!(
            runs.iter().all(|(t, _)| !t.is_empty()),
            "{id}: a run that could not be decoded"
        );
        for (t, em) in &chinese {
            assert!(*em >= 3.5, "{id}: “{t}” is {em:.2} mm, under 3.5 mm");
        }
        for (t, em) in &figures {
            assert!(*em >= 2.5, "{id}: “{t}” is {em:.2} mm, under 2.5 mm");
        }
    }
}

/// Render the sheets of two sample communities at 100 dpi to
/// `target/sheet-previews/` to look at; the renderer must not complain.
#[test]
#[cfg_attr(
    any(missing_poppler, missing_qpdf),
    ignore = "needs poppler-utils and qpdf (pdfinfo, pdftotext, pdftoppm, qpdf); .ci/run installs them"
)]
fn sheets_render_for_a_look() {
    let s = sample();
    let previews = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/sheet-previews");
    std::fs::create_dir_all(&previews).unwrap();
    for id in ["nanguan", "shawo"] {
        let (file, _) = sheet_of(&s, community(&s, id), id);
        let prefix = previews.join(id);
        if tool(
            "pdftoppm",
            &["-r", "100", "-png", path(&file), path(&prefix)],
        )
        .is_none()
        {
            return;
        }
        let n = pages(&file).unwrap();
        for p in 1..=n {
            let png = previews.join(format!("{id}-{p}.png"));
            assert!(png.exists(), "{}", png.display());
        }
    }
}

const NO_END: &str = "“‘《〈（【「『〔〖([{";
const NO_START: &str = "”’》〉）】」』〕〗，。、；：！？…·)]},.;:!?%";

/// Check `lines` against the rules; `width` is the line width in mm.
fn check_breaks(text: &str, lines: &[String], width: f32, size: f32) {
    assert_eq!(
        lines.concat().replace(' ', ""),
        text.replace(' ', ""),
        "nothing lost or added: {lines:?}"
    );
    for (i, l) in lines.iter().enumerate() {
        let last = l.chars().next_back();
        assert!(
            !last.is_some_and(|c| NO_END.contains(c)),
            "line {i} ends with an opening mark: {lines:?}"
        );
        if i > 0 {
            let first = l.chars().next();
            assert!(
                !first.is_some_and(|c| NO_START.contains(c)),
                "line {i} starts with a closing mark: {lines:?}"
            );
        }
        assert!(
            text_width(l, size, Weight::Regular) <= width + 0.01 || l.chars().count() == 1,
            "line {i} is wider than {width} mm: {lines:?}"
        );
    }
}

#[test]
fn wrap_keeps_the_punctuation_rules() {
    let size = 10.0;
    let em = text_width("中", size, Weight::Regular);
    let texts = [
        "“中共北关社区委员会”重新制作为竖牌“中共南关社区委员会”（400×2400 毫米）：牌上不是本社区的名称",
        "按《宁夏村(社区)标识牌和上墙制度规范》执行，“收入证明”不再出具。参考【办理途径】，以当地规定为准！",
        "摘除门头的“沙窝村村史馆”：门头只挂“中国社区”“党群服务中心”。",
        "文字一律用思源黑体（Noto Sans CJK SC）Bold；“中国社区”标识图形按民政部注册图案制作。",
    ];
    for text in texts {
        // Every width from 4 to 30 characters, so that a break falls right
        // after each opening mark and right before each closing one.
        for n in 4..=30 {
            let width = em * n as f32 + 0.05;
            let lines = wrap(text, width, size, Weight::Regular);
            check_breaks(text, &lines, width, size);
        }
    }

    // The cases themselves: a naive break (as many characters as fit)
    // would leave “ at the end of the first line, and put ” or ， at the
    // start of the second.
    let width = em * 5.0 + 0.05;
    let lines = wrap("一二三四“五六”七", width, size, Weight::Regular);
    assert!(
        !lines[0].ends_with('“') && !lines.iter().any(|l| l.starts_with('”')),
        "{lines:?}"
    );
    check_breaks("一二三四“五六”七", &lines, width, size);
    assert_eq!(
        wrap("一二三四五，六七", width, size, Weight::Regular),
        ["一二三四", "五，六七"]
    );
    assert_eq!(
        wrap("一二三《四五》", width, size, Weight::Regular),
        ["一二三《四", "五》"]
    );
    // Numbers and Latin words stay whole.
    let lines = wrap("尺寸为 1200×2000 毫米", em * 8.0, size, Weight::Regular);
    assert!(lines.iter().any(|l| l.contains("1200×2000")), "{lines:?}");
    // Paragraphs stay apart; nothing is lost from an empty text.
    assert_eq!(wrap("甲\n乙", 100.0, size, Weight::Regular), ["甲", "乙"]);
    assert!(wrap("", 100.0, size, Weight::Regular).is_empty());
}
