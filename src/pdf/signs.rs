//! `signs.pdf`: the production file for the sign maker (SPEC §8). One page
//! per sign at 1:1: the TrimBox is the sign, the BleedBox 3 mm beyond it with
//! the background run into it, and a slug of [`SLUG`] mm beyond the bleed
//! holds crop marks (registration colour, wholly outside the bleed) and a job
//! line as real text. Colours are process colours from the standard; text is
//! outlines. Each page has a bookmark named after its sign. Nothing on the
//! page is a placeholder: an emblem the standard does not ship is left out
//! and named in the job line. A sign longer than the 5,080 mm (200 in) page
//! limit of common viewers is split into tiles that overlap by [`OVERLAP`]
//! mm, with the overlap marked.

use super::Input;
use super::doc::{Doc, Palette, grey, registration, rgb, text_width};
use super::svg;
use crate::draw;
use crate::fonts::{Anchor, Weight};
use crate::plan::Sign;

pub const BLEED: f32 = 3.0;
/// Beyond the bleed on every side: crop marks and the job line.
pub const SLUG: f32 = 12.0;
/// Crop marks start this far outside the bleed and are this long.
const MARK_GAP: f32 = 3.0;
const MARK_LEN: f32 = 5.0;
/// The largest page side, in mm (200 in).
pub const MAX_PAGE: f32 = 5080.0;
pub const OVERLAP: f32 = 20.0;
/// The job line's size in points (2.5 mm characters).
const JOB_SIZE: f32 = 7.2;

/// How a length is cut into tiles: (start, length) of each, overlapping by
/// [`OVERLAP`], each short enough for a page with bleed and slug.
pub fn tiles(length: f32) -> Vec<(f32, f32)> {
    let max = MAX_PAGE - 2.0 * (BLEED + SLUG);
    if length <= max {
        return vec![(0.0, length)];
    }
    let n = ((length - OVERLAP) / (max - OVERLAP)).ceil().max(1.0);
    let len = ((length + (n - 1.0) * OVERLAP) / n).ceil();
    (0..n as usize)
        .map(|i| {
            let start = (i as f32 * (len - OVERLAP)).min(length - len);
            (start, len)
        })
        .collect()
}

/// The process colours of the standard's signs, as the standard gives them.
pub fn palette(input: &Input) -> Palette {
    super::palette(input.std)
}

pub fn signs(input: &Input) -> Result<Vec<u8>, String> {
    let palette = palette(input);
    let mut doc = Doc::for_print(palette.clone());
    let signs: Vec<&Sign> = input.gate.all_signs().collect();
    let name = input.c.name.raw.trim();
    let off = BLEED + SLUG;
    for (n, s) in signs.iter().enumerate() {
        let guide = (s.role == "guide").then_some(&input.gate.guide);
        let d = draw::sign_for_print(input.theme, s, guide).map_err(|e| e.to_string())?;
        // The drawing as `draw::Drawing::standalone` writes it, less the glyph
        // definitions the PDF draws from the font ([`svg::for_pdf`]).
        let standalone = format!(
            r#"<svg xmlns="http://www.w3.org/2000/svg" width="{w}mm" height="{h}mm" viewBox="0 0 {w} {h}">{}</svg>"#,
            d.inner,
            w = d.width,
            h = d.height
        );
        let conv = svg::convert(&standalone, doc.palette())?;
        super::svg::check_drawable(&conv, &format!("signs/{}", template_of(s)))?;
        let k = d.width / conv.width;
        let horizontal = d.width >= d.height;
        let long = if horizontal { d.width } else { d.height };
        let parts = tiles(long);
        for (i, &(start, len)) in parts.iter().enumerate() {
            let (tw, th) = if horizontal {
                (len, d.height)
            } else {
                (d.width, len)
            };
            let (ox, oy) = if horizontal {
                (start, 0.0)
            } else {
                (0.0, start)
            };
            let p = doc.pages.len();
            let page = doc.page(tw + 2.0 * off, th + 2.0 * off);
            page.trim = Some([off, off, tw, th]);
            page.bleed = BLEED;
            if i == 0 {
                page.bookmark = Some(format!("{} {}", n + 1, display_text(s, input)));
            }
            // The background runs into the bleed.
            page.rect(
                off - BLEED,
                off - BLEED,
                tw + 2.0 * BLEED,
                th + 2.0 * BLEED,
                Some(&rgb(&s.background)),
                None,
            );
            page.save();
            page.clip(off - BLEED, off - BLEED, tw + 2.0 * BLEED, th + 2.0 * BLEED);
            if parts.len() > 1 {
                page.clip(off, off, tw, th);
            }
            doc.drawing(p, &conv, off - ox, off - oy, k);
            doc.pages[p].restore();
            if parts.len() > 1 {
                overlap_marks(&mut doc, p, i, parts.len(), horizontal, tw, th);
            }
            crop_marks(&mut doc, p, tw, th);
            let tile = (parts.len() > 1).then_some((i + 1, parts.len()));
            job_line(&mut doc, p, input, &palette, s, (n + 1, signs.len()), tile);
        }
    }
    doc.date = input.built_on.to_owned();
    Ok(doc.save(
        &format!("{name}标识标牌 1:1 制作文件"),
        "每块牌子一页，1:1；裁切框为成品尺寸，四边出血 3 毫米；文字已转曲；印刷色（CMYK）",
        input.site.title.trim(),
        &[name.to_owned()],
    ))
}

fn template_of(s: &Sign) -> &'static str {
    if s.role == "guide" {
        "guide.svg"
    } else if s.width_mm < s.height_mm {
        "vertical.svg"
    } else {
        "identifier.svg"
    }
}

/// The text a sign reads (the guide board: its title).
fn display_text(s: &Sign, input: &Input) -> String {
    if s.role == "guide" {
        input.gate.guide.title.clone()
    } else {
        s.text.clone()
    }
}

fn cmyk_text(palette: &Palette, hex: &str) -> String {
    let printpdf::Color::Rgb(c) = rgb(hex) else {
        return String::new();
    };
    let [c, m, y, k] = palette.cmyk(&c).map(|v| (v * 100.0).round() as i32);
    format!("C{c} M{m} Y{y} K{k}")
}

/// The job line in the slug below the sign (and, when it is long, the rest
/// above it): what a RIP operator searches for. Real text, in black.
fn job_line(
    doc: &mut Doc,
    p: usize,
    input: &Input,
    palette: &Palette,
    s: &Sign,
    (n, total): (usize, usize),
    tile: Option<(usize, usize)>,
) {
    let mut parts = vec![
        format!("{n}/{total}"),
        input.c.name.raw.trim().to_owned(),
        format!("{}“{}”", s.role_name, display_text(s, input)),
        format!("成品 {}×{} 毫米", s.width_mm, s.height_mm),
        "数量 1".to_owned(),
        s.material.clone(),
        format!("字 {}", cmyk_text(palette, &s.text_color)),
        format!("底 {}", cmyk_text(palette, &s.background)),
        format!("出血 {BLEED} 毫米"),
    ];
    if let Some((i, of)) = tile {
        parts.push(format!("分块 {i}/{of}"));
    }
    if let Some(emblem) = emblem_note(s) {
        parts.push(emblem.to_owned());
    }
    let page = &doc.pages[p];
    let (w, h) = (page.w, page.h);
    // Between the crop marks, so the text never runs into them.
    let room = w - 2.0 * (BLEED + SLUG) - 4.0;
    let ink = grey(0.0);
    let mut lines: Vec<String> = vec![String::new()];
    for part in parts {
        let last = lines.last_mut().expect("one line");
        let candidate = if last.is_empty() {
            part.clone()
        } else {
            format!("{last}　{part}")
        };
        if text_width(&candidate, JOB_SIZE, Weight::Regular) <= room || last.is_empty() {
            *last = candidate;
        } else {
            lines.push(part);
        }
    }
    // Below the sign first, then above it; the slug holds two lines each.
    let x = BLEED + SLUG + 2.0;
    let below = h - SLUG / 2.0 + 1.0;
    let above = SLUG / 2.0 + 1.0;
    let spots = [below - 1.6, below + 2.4, above - 1.6, above + 2.4];
    for (line, y) in lines.iter().zip(spots) {
        doc.text(
            p,
            line,
            x,
            y,
            JOB_SIZE,
            Weight::Regular,
            Anchor::Start,
            &ink,
        );
    }
}

/// What is left out of a sign and must come from elsewhere.
fn emblem_note(s: &Sign) -> Option<&'static str> {
    (s.role == "zhongguo-shequ").then_some(
        "中国社区标识图形不含在本文件中，须按民政部发布的标准图形（民发〔2012〕66号）制作",
    )
}

/// Crop marks at each corner, on the trim lines' extensions, starting
/// [`MARK_GAP`] mm outside the bleed: they never touch the printed piece.
fn crop_marks(doc: &mut Doc, p: usize, w: f32, h: f32) {
    let ink = registration();
    let page = &mut doc.pages[p];
    let off = BLEED + SLUG;
    let near = BLEED + MARK_GAP;
    let far = near + MARK_LEN;
    for (cx, sx) in [(off, -1.0), (off + w, 1.0)] {
        for (cy, sy) in [(off, -1.0), (off + h, 1.0)] {
            page.line(
                &[(cx + sx * near, cy), (cx + sx * far, cy)],
                &ink,
                0.09,
                None,
            );
            page.line(
                &[(cx, cy + sy * near), (cx, cy + sy * far)],
                &ink,
                0.09,
                None,
            );
        }
    }
}

/// Where tile `i` overlaps its neighbours: a dashed line at each overlap
/// edge, and the tile's number written inside an overlap strip (which the
/// neighbouring tile covers when mounted).
fn overlap_marks(doc: &mut Doc, p: usize, i: usize, n: usize, horizontal: bool, w: f32, h: f32) {
    const BLEED: f32 = super::signs::BLEED + SLUG;
    let mark = rgb("#ec008c");
    let long = if horizontal { w } else { h };
    let mut edges = Vec::new();
    if i > 0 {
        edges.push(OVERLAP);
    }
    if i + 1 < n {
        edges.push(long - OVERLAP);
    }
    for e in edges {
        let pts = if horizontal {
            [(BLEED + e, BLEED), (BLEED + e, BLEED + h)]
        } else {
            [(BLEED, BLEED + e), (BLEED + w, BLEED + e)]
        };
        doc.pages[p].line(&pts, &mark, 0.5, Some([6.0, 4.0]));
    }
    let label = format!("第 {}/{} 块　拼接重叠 {} 毫米", i + 1, n, OVERLAP);
    let strip = if i + 1 < n { long - OVERLAP } else { 0.0 };
    let at = BLEED + strip + OVERLAP * 0.7;
    if horizontal {
        doc.text_up(p, &label, at, BLEED + h / 2.0, 9.0, Weight::Regular, &mark);
    } else {
        doc.text(
            p,
            &label,
            BLEED + w / 2.0,
            at,
            9.0,
            Weight::Regular,
            Anchor::Middle,
            &mark,
        );
    }
}
