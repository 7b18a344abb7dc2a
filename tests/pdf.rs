//! The printable PDFs (issue 4), made through the library from the sample
//! county and checked with the real PDF tools (poppler-utils, qpdf): page
//! sizes, page counts, embedded subset fonts, extractable text, sizes.
//! Without the tools `cargo test` lists these tests as ignored (build.rs looks
//! for them); under CI they run, and a missing tool fails them.

use std::path::{Path, PathBuf};
use std::process::Command;

use qingpai::diag::Finding;
use qingpai::load::Content;
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

/// All PDFs of one community, written to `target/pdf-tests/ID/`.
fn pdfs_of(s: &Sample, id: &str) -> (PathBuf, Vec<(String, Vec<u8>)>) {
    pdfs_into(s, id, id)
}

/// All PDFs of one community, written to `target/pdf-tests/OUT/`.
fn pdfs_into(s: &Sample, id: &str, out: &str) -> (PathBuf, Vec<(String, Vec<u8>)>) {
    let c = s
        .content
        .communities
        .iter()
        .find(|c| c.id == id)
        .expect("the sample community");
    let findings: Vec<&Finding> = s
        .report
        .findings
        .iter()
        .filter(|f| f.file == c.file)
        .collect();
    let plan = qingpai::plan::plan(c, &s.content.standard, &findings);
    let gate = plan.gate.as_ref().expect("a gate to draw");
    let drawing = qingpai::draw::gate_drawing(&s.theme, gate).expect("the gate drawing");
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
    let files = pdf::community_pdfs(&input).expect("the PDFs");
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("target/pdf-tests")
        .join(out);
    std::fs::create_dir_all(&dir).unwrap();
    for (name, bytes) in &files {
        std::fs::write(dir.join(name), bytes).unwrap();
    }
    (dir, files)
}

/// Run a PDF tool (always `Some`: a test that needs a missing tool is ignored, see build.rs).
fn tool(name: &str, args: &[&str], file: &Path) -> Option<String> {
    match Command::new(name).args(args).arg(file).output() {
        Ok(out) => {
            assert!(
                out.status.success() || name == "qpdf" && out.status.code() == Some(3),
                "{name} {args:?} {} failed: {}{}",
                file.display(),
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr)
            );
            Some(String::from_utf8_lossy(&out.stdout).into_owned())
        }
        // build.rs has this test ignored where the tool is missing; here it runs, so it must be there.
        Err(e) => panic!("{name} is needed by this test: {e} (install poppler-utils and qpdf)"),
    }
}

fn info(file: &Path) -> Option<String> {
    tool("pdfinfo", &[], file)
}

fn field<'a>(info: &'a str, key: &str) -> &'a str {
    info.lines()
        .find_map(|l| {
            l.strip_prefix(key)
                .map(|v| v.trim_start_matches(':').trim())
        })
        .unwrap_or("")
}

fn qpdf_clean(file: &Path) {
    if let Some(out) = tool("qpdf", &["--check"], file) {
        assert!(
            out.contains("No syntax or stream encoding errors"),
            "qpdf --check {}: {out}",
            file.display()
        );
    }
}

fn fonts_embedded_and_subset(file: &Path) {
    if let Some(out) = tool("pdffonts", &[], file) {
        let rows: Vec<&str> = out.lines().skip(2).collect();
        assert!(!rows.is_empty(), "{}: no fonts:\n{out}", file.display());
        for row in rows {
            let cols: Vec<&str> = row.split_whitespace().collect();
            let n = cols.len();
            // name type... encoding emb sub uni object ID
            assert_eq!(&cols[n - 5..n - 2], ["yes", "yes", "yes"], "{row}");
            assert!(cols[0].contains('+'), "a subset tag: {row}");
        }
    }
}

fn text_of(file: &Path) -> Option<String> {
    let file = file.to_str().expect("a UTF-8 path");
    tool("pdftotext", &["-layout", file], Path::new("-"))
}

#[test]
#[cfg_attr(
    any(missing_poppler, missing_qpdf),
    ignore = "needs poppler-utils and qpdf (pdfinfo, pdftotext, pdffonts, pdfimages, pdftoppm, qpdf); .ci/run installs them"
)]
fn hongqi_sheet_signs_handbook_and_honours() {
    let s = sample();
    let (dir, files) = pdfs_of(&s, "hongqi");
    let names: Vec<&str> = files.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(
        names,
        ["sheet.pdf", "signs.pdf", "handbook.pdf", "honours.pdf"]
    );
    for (name, bytes) in &files {
        assert!(bytes.starts_with(b"%PDF-"), "{name}");
        qpdf_clean(&dir.join(name));
    }
    let sheet = dir.join("sheet.pdf");
    let size = std::fs::metadata(&sheet).unwrap().len();
    assert!(size < 300_000, "sheet.pdf is {size} bytes");
    if let Some(i) = info(&sheet) {
        assert_eq!(field(&i, "Page size"), "1190.55 x 841.89 pts (A3)");
        assert_eq!(field(&i, "Title"), "红旗社区大门标识标牌布置图");
        assert!(!field(&i, "Author").is_empty() && !field(&i, "Subject").is_empty());
    }
    fonts_embedded_and_subset(&sheet);
    if let Some(text) = text_of(&sheet) {
        for expected in [
            "红旗社区",
            "城关镇",
            "标识标牌规格表",
            "中共红旗社区委员会",
            "400×2400",
            "4800×800",
            "不锈钢",
            "思源黑体",
            "#C8102E",
            "整改清单",
            "红旗社区退役军人服务站",
            // The sheet number sits in its own cell of the title block
            // (checked as n/m in tests/sheet.rs).
            "图号",
            "比例 1:",
        ] {
            assert!(
                text.contains(expected),
                "sheet.pdf lacks {expected}:\n{text}"
            );
        }
    }

    // signs.pdf is checked page by page in tests/signs.rs.

    let handbook = dir.join("handbook.pdf");
    if let Some(i) = info(&handbook) {
        assert!(
            field(&i, "Page size").starts_with("419.528 x 595.276"),
            "A5: {i}"
        );
        // cover, contents, 社区工作职责, 网格员工作流程
        assert_eq!(field(&i, "Pages"), "4");
    }
    fonts_embedded_and_subset(&handbook);
    if let Some(text) = text_of(&handbook) {
        assert!(
            text.contains("服务手册") && text.contains("目") && text.contains("网格员工作流程")
        );
        assert!(text.contains("调解民间纠纷"), "the rule's body: {text}");
        assert!(
            !text.contains("图书室借阅须知"),
            "a notice stays on the wall"
        );
    }

    let honours = dir.join("honours.pdf");
    if let Some(i) = info(&honours) {
        assert_eq!(field(&i, "Page size"), "1190.55 x 841.89 pts (A3)");
    }
    if let Some(text) = text_of(&honours) {
        assert!(text.contains("全国综合减灾示范社区") && text.contains("国家减灾委员会"));
    }
}

#[test]
#[cfg_attr(
    any(missing_poppler, missing_qpdf),
    ignore = "needs poppler-utils and qpdf (pdfinfo, pdftotext, pdffonts, pdfimages, pdftoppm, qpdf); .ci/run installs them"
)]
fn shawo_has_a_handbook_but_no_honours() {
    let s = sample();
    let (dir, files) = pdfs_of(&s, "shawo");
    let names: Vec<&str> = files.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(names, ["sheet.pdf", "signs.pdf", "handbook.pdf"]);
    let sheet = dir.join("sheet.pdf");
    qpdf_clean(&sheet);
    if let Some(text) = text_of(&sheet) {
        for expected in [
            "沙窝村",
            "红柳湾乡",
            "沙窝村民兵连",
            "收入证明",
            "村民委员会",
        ] {
            assert!(
                text.contains(expected),
                "sheet.pdf lacks {expected}:\n{text}"
            );
        }
    }
}

/// Every sample community's PDFs are valid; render each sheet's first page to
/// `target/pdf-previews/` to look at.
#[test]
#[cfg_attr(
    any(missing_poppler, missing_qpdf),
    ignore = "needs poppler-utils and qpdf (pdfinfo, pdftotext, pdffonts, pdfimages, pdftoppm, qpdf); .ci/run installs them"
)]
fn every_sample_sheet_is_valid_and_previewed() {
    let s = sample();
    let previews = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/pdf-previews");
    std::fs::create_dir_all(&previews).unwrap();
    let ids: Vec<String> = s
        .content
        .communities
        .iter()
        .filter(|c| c.complete)
        .map(|c| c.id.clone())
        .collect();
    for id in ids {
        let (dir, files) = pdfs_of(&s, &id);
        for (name, bytes) in &files {
            assert!(
                bytes.len() < 300_000 || name == "signs.pdf",
                "{id}/{name}: {} bytes",
                bytes.len()
            );
            qpdf_clean(&dir.join(name));
        }
        let sheet = dir.join("sheet.pdf");
        let prefix = previews.join(&id);
        if tool("pdfinfo", &[], &sheet).is_some() {
            let out = Command::new("pdftoppm")
                .args(["-r", "50", "-png", "-f", "1", "-l", "1", "-singlefile"])
                .arg(&sheet)
                .arg(&prefix)
                .output()
                .expect("pdftoppm");
            assert!(
                out.status.success() && out.stderr.is_empty(),
                "pdftoppm {id}: {}",
                String::from_utf8_lossy(&out.stderr)
            );
        }
    }
}

/// The images in a PDF as `pdfimages -list` rows: (width, height, colour,
/// encoding).
fn images_of(file: &Path) -> Option<Vec<(u32, u32, String, String)>> {
    let out = tool("pdfimages", &["-list"], file)?;
    Some(
        out.lines()
            .skip(2)
            .map(|row| {
                // page num type width height color comp bpc enc ...
                let cols: Vec<&str> = row.split_whitespace().collect();
                (
                    cols[3].parse().unwrap(),
                    cols[4].parse().unwrap(),
                    cols[5].to_owned(),
                    cols[8].to_owned(),
                )
            })
            .collect(),
    )
}

/// Render page 1 of a PDF to `target/pdf-previews/NAME.png`, when poppler is
/// there; the renderer must not complain.
fn preview(file: &Path, name: &str) {
    if tool("pdfinfo", &[], file).is_none() {
        return;
    }
    let previews = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/pdf-previews");
    std::fs::create_dir_all(&previews).unwrap();
    let out = Command::new("pdftoppm")
        .args(["-r", "50", "-png", "-f", "1", "-l", "1", "-singlefile"])
        .arg(file)
        .arg(previews.join(name))
        .output()
        .expect("pdftoppm");
    assert!(
        out.status.success() && out.stderr.is_empty(),
        "pdftoppm {name}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// honours.pdf shows an award's photo, when the inventory gives one: a JPEG
/// embedded as it is (DCT), a PNG decoded and embedded as pixels; the other
/// awards stay drawn cards, and every caption is real text.
#[test]
#[cfg_attr(
    any(missing_poppler, missing_qpdf),
    ignore = "needs poppler-utils and qpdf (pdfinfo, pdftotext, pdffonts, pdfimages, pdftoppm, qpdf); .ci/run installs them"
)]
fn honours_show_the_award_photos() {
    let s = sample();
    for (id, title, issuer, photo, expected) in [
        (
            "chaoyang",
            "全国民主法治示范社区",
            "司法部、民政部",
            "photos/chaoyang/award-2020.jpg",
            (960, 680, "rgb", "jpeg"),
        ),
        (
            "hongqi",
            "自治区文明社区",
            "自治区精神文明建设指导委员会",
            "photos/hongqi/award-2021.png",
            (600, 820, "rgb", "image"),
        ),
    ] {
        let (dir, files) = pdfs_of(&s, id);
        let (_, bytes) = files
            .iter()
            .find(|(n, _)| n == "honours.pdf")
            .expect("honours.pdf");
        assert!(bytes.len() < 2_000_000, "{id}: {} bytes", bytes.len());
        let honours = dir.join("honours.pdf");
        qpdf_clean(&honours);
        fonts_embedded_and_subset(&honours);
        if let Some(images) = images_of(&honours) {
            let (w, h, colour, enc) = expected;
            assert_eq!(
                images,
                [(w, h, colour.to_owned(), enc.to_owned())],
                "{id}: one image, the photo"
            );
        }
        if let Some(text) = text_of(&honours) {
            assert!(
                text.contains(title) && text.contains(issuer),
                "{id}: the caption:\n{text}"
            );
            // A display for residents: no file names, no compliance notes.
            assert!(
                !text.contains(photo) && !text.contains("须下墙"),
                "{id}:\n{text}"
            );
            assert!(text.contains("荣"), "{id}: the other awards are cards");
            assert!(!text.contains("照片无法读取"), "{id}:\n{text}");
        }
        preview(&honours, &format!("{id}-honours"));
    }
}

/// Copy a folder, recursively.
fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

/// A photo that is not a JPEG or PNG, or a broken one, leaves the drawn card:
/// no panic, no image, and (the sheet being public) no file name or note.
#[test]
#[cfg_attr(
    any(missing_poppler, missing_qpdf),
    ignore = "needs poppler-utils and qpdf (pdfinfo, pdftotext, pdffonts, pdfimages, pdftoppm, qpdf); .ci/run installs them"
)]
fn an_unreadable_photo_falls_back_to_the_card() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let tmp = tempfile::tempdir().unwrap();
    let content = tmp.path().join("content");
    copy_dir(&root.join("content"), &content);
    // Junk where the JPEG should be; a PNG cut off after its header.
    std::fs::write(
        content.join("photos/chaoyang/award-2020.jpg"),
        b"not a photo at all \x00\x01\x02",
    )
    .unwrap();
    let png = std::fs::read(content.join("photos/hongqi/award-2021.png")).unwrap();
    std::fs::write(content.join("photos/hongqi/award-2021.png"), &png[..100]).unwrap();
    let loaded = qingpai::load::load(&content);
    let s = Sample {
        report: qingpai::check::check(&loaded),
        content: loaded,
        theme: theme::load(root, None).expect("the default theme"),
    };
    for (id, photo) in [
        ("chaoyang", "photos/chaoyang/award-2020.jpg"),
        ("hongqi", "photos/hongqi/award-2021.png"),
    ] {
        let (dir, files) = pdfs_into(&s, id, &format!("{id}-bad-photo"));
        assert!(files.iter().any(|(n, _)| n == "honours.pdf"), "{id}");
        let honours = dir.join("honours.pdf");
        qpdf_clean(&honours);
        if let Some(images) = images_of(&honours) {
            assert!(images.is_empty(), "{id}: {images:?}");
        }
        if let Some(text) = text_of(&honours) {
            assert!(
                !text.contains(photo) && !text.contains("照片无法读取"),
                "{id}: no note on a public sheet:\n{text}"
            );
            assert!(text.contains("荣"), "{id}: the drawn card:\n{text}");
        }
        preview(&honours, &format!("{id}-honours-bad-photo"));
    }
}

#[test]
fn long_signs_are_tiled_with_overlap() {
    assert_eq!(pdf::signs::tiles(2400.0), vec![(0.0, 2400.0)]);
    let t = pdf::signs::tiles(12000.0);
    assert_eq!(t.len(), 3);
    assert!(t.iter().all(|&(_, len)| len + 6.0 <= 5080.0));
    assert_eq!(t[0].0, 0.0);
    assert_eq!(t[2].0 + t[2].1, 12000.0);
    for w in t.windows(2) {
        assert!(w[0].0 + w[0].1 - w[1].0 >= pdf::signs::OVERLAP, "{w:?}");
    }
}

/// Time all PDFs of every sample community (run with --release --ignored).
#[test]
#[cfg_attr(
    any(missing_poppler, missing_qpdf),
    ignore = "needs poppler-utils and qpdf (pdfinfo, pdftotext, pdffonts, pdfimages, pdftoppm, qpdf); .ci/run installs them"
)]
fn metadata_is_escaped() {
    let mut doc = pdf::doc::Doc::new();
    doc.page(100.0, 100.0);
    doc.date = "2024-09-30".into();
    let bytes = doc.save("标题 ) \\ ( 结束", "主题 (", "作者 \\", &[]);
    let file = std::env::temp_dir().join(format!("qingpai-meta-{}.pdf", std::process::id()));
    std::fs::write(&file, bytes).unwrap();
    if let Some(i) = info(&file) {
        assert_eq!(field(&i, "Title"), "标题 ) \\ ( 结束");
        assert_eq!(field(&i, "Subject"), "主题 (");
        assert_eq!(field(&i, "Author"), "作者 \\");
        assert!(field(&i, "CreationDate").contains("2024"), "{i}");
    }
    qpdf_clean(&file);
    let _ = std::fs::remove_file(file);
}
