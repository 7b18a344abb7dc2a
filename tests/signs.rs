//! The production file `signs.pdf` (SPEC §8), checked as a pre-press
//! operator checks it: page boxes (pdfinfo -box), the job line (pdftotext),
//! bookmarks (qpdf --json), colour operators (qpdf --qdf), plates (Ghostscript
//! inkcov inside the bleed box), crop marks outside the bleed, and each page
//! against the website's drawing of the sign (resvg vs pdftoppm). Without the
//! tools `cargo test` lists these tests as ignored (build.rs); under CI they run.

use std::path::{Path, PathBuf};
use std::process::Command;

use qingpai::diag::Finding;
use qingpai::load::Content;
use qingpai::pdf::{self, Input};
use qingpai::plan::{Plan, Sign};
use qingpai::theme::{self, Theme};

const PT: f64 = 72.0 / 25.4;

struct Made {
    dir: PathBuf,
    plan: Plan,
    name: String,
}

fn sample() -> (Content, qingpai::check::Report, Theme) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let content = qingpai::load::load(&root.join("content"));
    let report = qingpai::check::check(&content);
    let theme = theme::load(root, None).expect("the default theme");
    (content, report, theme)
}

/// signs.pdf of one sample community, in target/signs-tests/ID/.
fn make(id: &str) -> Made {
    let (content, report, theme) = sample();
    let c = content.communities.iter().find(|c| c.id == id).unwrap();
    let findings: Vec<&Finding> = report
        .findings
        .iter()
        .filter(|f| f.file == c.file)
        .collect();
    let plan = qingpai::plan::plan(c, &content.standard, &findings);
    let gate = plan.gate.as_ref().unwrap();
    let drawing = qingpai::draw::gate_drawing(&theme, gate).expect("the gate drawing");
    let input = Input {
        c,
        std: &content.standard,
        plan: &plan,
        gate,
        drawing: &drawing,
        theme: &theme,
        site: content.site.as_ref().unwrap(),
        built_on: "2024-09-30",
        content_dir: &content.dir,
    };
    let bytes = pdf::signs(&input).expect("signs.pdf");
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("target/signs-tests")
        .join(id);
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("signs.pdf"), bytes).unwrap();
    // The website's drawing of each sign, for the raster comparison.
    for (i, s) in gate.all_signs().enumerate() {
        let guide = (s.role == "guide").then_some(&gate.guide);
        let d = qingpai::draw::sign_for_print(&theme, s, guide).unwrap();
        let png = qingpai::draw::png(&d.standalone(), s.width_mm / 2).unwrap();
        std::fs::write(dir.join(format!("web-{}.png", i + 1)), png).unwrap();
    }
    Made {
        dir,
        name: c.name.raw.trim().to_owned(),
        plan,
    }
}

fn tool(name: &str, args: &[&str]) -> Option<Vec<u8>> {
    match Command::new(name).args(args).output() {
        Ok(out) => {
            assert!(
                out.status.success(),
                "{name} {args:?}: {}",
                String::from_utf8_lossy(&out.stderr)
            );
            Some(out.stdout)
        }
        // build.rs has this test ignored where the tool is missing; here it runs, so it must be there.
        Err(e) => panic!(
            "{name} is needed by this test: {e} (install poppler-utils, qpdf and ghostscript)"
        ),
    }
}

fn text(name: &str, args: &[&str]) -> Option<String> {
    tool(name, args).map(|b| String::from_utf8_lossy(&b).into_owned())
}

fn signs(m: &Made) -> Vec<&Sign> {
    m.plan.signs().collect()
}

/// `[x0, y0, x1, y1]` of a box line of `pdfinfo -box`.
fn boxes(info: &str, page: usize, name: &str) -> [f64; 4] {
    let prefix = format!("Page {page:>4} {name}:");
    let line = info
        .lines()
        .find(|l| l.starts_with(&prefix))
        .unwrap_or_else(|| panic!("no {prefix}\n{info}"));
    let v: Vec<f64> = line[prefix.len()..]
        .split_whitespace()
        .map(|w| w.parse().unwrap())
        .collect();
    [v[0], v[1], v[2], v[3]]
}

#[test]
#[cfg_attr(
    any(missing_poppler, missing_qpdf, missing_ghostscript),
    ignore = "needs poppler-utils, qpdf and ghostscript (pdfinfo, pdftoppm, qpdf, gs); .ci/run installs them"
)]
fn boxes_job_lines_and_bookmarks() {
    for id in ["hongqi", "shawo", "nanguan"] {
        let m = make(id);
        let file = m.dir.join("signs.pdf");
        let f = file.to_str().unwrap();
        let signs = signs(&m);
        let Some(info) = text("pdfinfo", &["-box", "-f", "1", "-l", "999", f]) else {
            return;
        };
        for (i, s) in signs.iter().enumerate() {
            let p = i + 1;
            let trim = boxes(&info, p, "TrimBox");
            let bleed = boxes(&info, p, "BleedBox");
            let media = boxes(&info, p, "MediaBox");
            let mm = |pt: f64| pt / PT;
            assert!(
                (mm(trim[2] - trim[0]) - f64::from(s.width_mm)).abs() < 0.1
                    && (mm(trim[3] - trim[1]) - f64::from(s.height_mm)).abs() < 0.1,
                "{id} page {p}: TrimBox {trim:?} is not {}×{} mm",
                s.width_mm,
                s.height_mm
            );
            for k in 0..4 {
                let outward = if k < 2 {
                    trim[k] - bleed[k]
                } else {
                    bleed[k] - trim[k]
                };
                assert!(
                    (mm(outward) - 3.0).abs() < 0.05,
                    "{id} page {p}: bleed {bleed:?}"
                );
                let slug = if k < 2 {
                    bleed[k] - media[k]
                } else {
                    media[k] - bleed[k]
                };
                assert!(mm(slug) >= 10.0 - 1e-6, "{id} page {p}: slug {slug} pt");
            }
        }
        assert!(
            !info.contains(&format!("Page {:>4}", signs.len() + 1)),
            "one page per sign"
        );

        // The job line: real text naming the piece.
        for (i, s) in signs.iter().enumerate() {
            let p = (i + 1).to_string();
            let t = text("pdftotext", &["-f", &p, "-l", &p, f, "-"]).unwrap();
            for want in [
                format!("{}/{}", i + 1, signs.len()),
                m.name.clone(),
                format!("{}×{}", s.width_mm, s.height_mm),
                "数量 1".to_owned(),
                s.material.clone(),
            ] {
                assert!(
                    t.contains(&want),
                    "{id} page {p}: job line lacks {want}: {t}"
                );
            }
            if s.role != "guide" {
                assert!(t.contains(&s.text), "{id} page {p}: {t}");
            }
            if s.role == "zhongguo-shequ" {
                assert!(
                    t.contains("标识图形"),
                    "the emblem is named, not drawn: {t}"
                );
            }
            assert!(!t.contains("GTS"), "{t}");
        }

        // A bookmark per sign, named after it.
        let outlines = text("qpdf", &["--json", "--json-key=outlines", f]).unwrap();
        let json: serde_json::Value = serde_json::from_str(&outlines).unwrap();
        let titles: Vec<&str> = json["outlines"]
            .as_array()
            .unwrap()
            .iter()
            .map(|o| o["title"].as_str().unwrap())
            .collect();
        assert_eq!(titles.len(), signs.len(), "{id}: {titles:?}");
        for (t, s) in titles.iter().zip(&signs) {
            if s.role != "guide" {
                assert!(t.contains(&s.text), "{id}: bookmark {t}");
            }
        }
    }
}

/// The content streams, readable (`qpdf --qdf`).
fn qdf(m: &Made) -> Option<String> {
    let out = m.dir.join("signs-qdf.pdf");
    tool(
        "qpdf",
        &[
            "--qdf",
            "--object-streams=disable",
            m.dir.join("signs.pdf").to_str().unwrap(),
            out.to_str().unwrap(),
        ],
    )?;
    Some(String::from_utf8_lossy(&std::fs::read(out).unwrap()).into_owned())
}

#[test]
#[cfg_attr(
    any(missing_poppler, missing_qpdf, missing_ghostscript),
    ignore = "needs poppler-utils, qpdf and ghostscript (pdfinfo, pdftoppm, qpdf, gs); .ci/run installs them"
)]
fn process_colours_and_registration_marks() {
    let m = make("hongqi");
    let Some(q) = qdf(&m) else { return };
    for line in q.lines() {
        let op = line.split_whitespace().last().unwrap_or("");
        assert!(op != "rg" && op != "RG", "an RGB colour: {line}");
    }
    assert!(!q.contains("/DeviceRGB"), "no RGB colour space");
    assert!(!q.contains("GTS_PDFXVersion"), "not PDF/X, so no PDF/X key");
    assert!(
        q.contains("/Separation") && q.contains("/All") && q.contains("/CSAll"),
        "registration colour"
    );

    // Crop marks (drawn in the registration colour) lie wholly outside the
    // bleed box: every point of every path drawn after `/CSAll CS`.
    let info = text(
        "pdfinfo",
        &[
            "-box",
            "-f",
            "1",
            "-l",
            "1",
            m.dir.join("signs.pdf").to_str().unwrap(),
        ],
    )
    .unwrap();
    let bleed = boxes(&info, 1, "BleedBox");
    let page1 = q
        .split("%% Contents for page 1")
        .nth(1)
        .and_then(|rest| rest.split("%% Contents for page 2").next())
        .expect("page 1's content stream");
    let mut marks = 0;
    let mut in_mark = false;
    for line in page1.lines() {
        let w: Vec<&str> = line.split_whitespace().collect();
        match w.last().copied() {
            Some("CS") if line.contains("/CSAll") => in_mark = true,
            Some("Q") => in_mark = false,
            Some("m" | "l") if in_mark && w.len() == 3 => {
                let (x, y): (f64, f64) = (w[0].parse().unwrap(), w[1].parse().unwrap());
                let inside = x > bleed[0] && x < bleed[2] && y > bleed[1] && y < bleed[3];
                assert!(
                    !inside,
                    "a crop mark at ({x}, {y}) is inside the bleed {bleed:?}"
                );
                let clear = x <= bleed[0] - 2.0 * PT
                    || x >= bleed[2] + 2.0 * PT
                    || y <= bleed[1] - 2.0 * PT
                    || y >= bleed[3] + 2.0 * PT;
                assert!(
                    clear,
                    "a crop mark at ({x}, {y}) touches the bleed {bleed:?}"
                );
                marks += 1;
            }
            _ => {}
        }
    }
    assert_eq!(marks, 16, "8 marks of two points each");

    // Ghostscript's separations inside the bleed box: the black-lettered
    // committee plaque is on the K plate only; the red party plaque uses M
    // and Y, not C.
    let signs = signs(&m);
    let file = m.dir.join("signs.pdf");
    for (i, s) in signs.iter().enumerate() {
        if s.role != "committee" && s.role != "party" {
            continue;
        }
        let p = (i + 1).to_string();
        let Some(cov) = text(
            "gs",
            &[
                "-q",
                "-dBATCH",
                "-dNOPAUSE",
                "-dUseBleedBox",
                "-r20",
                "-sDEVICE=inkcov",
                &format!("-dFirstPage={p}"),
                &format!("-dLastPage={p}"),
                "-o",
                "-",
                file.to_str().unwrap(),
            ],
        ) else {
            return;
        };
        let v: Vec<f64> = cov
            .split_whitespace()
            .filter_map(|w| w.parse().ok())
            .collect();
        let [c, mg, y, k] = [v[0], v[1], v[2], v[3]];
        if s.role == "committee" {
            assert!(
                c == 0.0 && mg == 0.0 && y == 0.0 && k > 0.01,
                "black is K only: {cov}"
            );
        } else {
            assert!(c == 0.0 && mg > 0.01 && y > 0.01, "party red: {cov}");
        }
    }
}

/// Decode an 8-bit RGB or RGBA PNG: (width, height, luma per pixel).
fn luma(png_bytes: &[u8]) -> (u32, u32, Vec<u8>) {
    let mut dec = png::Decoder::new(std::io::Cursor::new(png_bytes))
        .read_info()
        .unwrap();
    let mut buf = vec![0; dec.output_buffer_size().unwrap()];
    let info = dec.next_frame(&mut buf).unwrap();
    let n = info.color_type.samples();
    let px = buf[..info.buffer_size()]
        .chunks(n)
        .map(|p| {
            if n >= 3 {
                ((u32::from(p[0]) * 30 + u32::from(p[1]) * 59 + u32::from(p[2]) * 11) / 100) as u8
            } else {
                p[0]
            }
        })
        .collect();
    (info.width, info.height, px)
}

/// Each production page, cropped to its trim box, looks like the website's
/// drawing of the sign: the same size, the same lettering where it is.
#[test]
#[cfg_attr(
    any(missing_poppler, missing_qpdf, missing_ghostscript),
    ignore = "needs poppler-utils, qpdf and ghostscript (pdfinfo, pdftoppm, qpdf, gs); .ci/run installs them"
)]
fn each_page_is_the_drawing_of_its_sign() {
    let m = make("shawo");
    let file = m.dir.join("signs.pdf");
    let Some(info) = text(
        "pdfinfo",
        &["-box", "-f", "1", "-l", "999", file.to_str().unwrap()],
    ) else {
        return;
    };
    for (i, s) in signs(&m).iter().enumerate() {
        let p = i + 1;
        let web = std::fs::read(m.dir.join(format!("web-{p}.png"))).unwrap();
        let (ww, wh, wl) = luma(&web);
        // Render at the web image's scale, cropped to the trim box.
        let trim = boxes(&info, p, "TrimBox");
        let media = boxes(&info, p, "MediaBox");
        let dpi = f64::from(ww) / (f64::from(s.width_mm) / 25.4);
        let px = |pt: f64| (pt / 72.0 * dpi).round() as i64;
        let out = m.dir.join(format!("print-{p}"));
        let ps = p.to_string();
        let crop = [
            px(trim[0]).to_string(),
            px(media[3] - trim[3]).to_string(),
            ww.to_string(),
            wh.to_string(),
        ];
        tool(
            "pdftoppm",
            &[
                "-f",
                &ps,
                "-l",
                &ps,
                "-r",
                &format!("{dpi:.4}"),
                "-x",
                &crop[0],
                "-y",
                &crop[1],
                "-W",
                &crop[2],
                "-H",
                &crop[3],
                "-png",
                "-singlefile",
                file.to_str().unwrap(),
                out.to_str().unwrap(),
            ],
        )
        .unwrap();
        let print = std::fs::read(out.with_extension("png")).unwrap();
        let (pw, ph, pl) = luma(&print);
        assert_eq!((pw, ph), (ww, wh), "page {p}: the same size");
        // Ink or no ink at each pixel (process and screen colours differ in
        // shade, not in where they are).
        let ink = |v: u8, bg: u8| (i32::from(v) - i32::from(bg)).abs() > 60;
        let (wbg, pbg) = (wl[(ww * 2 + 2) as usize], pl[(pw * 2 + 2) as usize]);
        // A pixel differs when no pixel next to it in the other picture
        // agrees (anti-aliased edges fall a pixel either way).
        let at = |l: &[u8], x: i64, y: i64| {
            let (x, y) = (x.clamp(0, i64::from(ww) - 1), y.clamp(0, i64::from(wh) - 1));
            l[(y * i64::from(ww) + x) as usize]
        };
        let mut differ = 0;
        for y in 0..i64::from(wh) {
            for x in 0..i64::from(ww) {
                let a = ink(at(&wl, x, y), wbg);
                let near =
                    (-1..=1).any(|dy| (-1..=1).any(|dx| ink(at(&pl, x + dx, y + dy), pbg) == a));
                if !near {
                    differ += 1;
                }
            }
        }
        let share = differ as f64 / wl.len() as f64;
        assert!(
            share < 0.005,
            "page {p} ({}): {:.1} % of pixels differ from the website's drawing",
            s.text,
            share * 100.0
        );
    }
}
