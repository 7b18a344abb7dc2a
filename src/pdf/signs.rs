//! `signs.pdf`: the production file for the sign maker. One page per sign at
//! 1:1: the page is the sign plus 3 mm bleed on every side (the background
//! runs into the bleed), the trim box is the sign, crop marks sit in the
//! bleed at the corners. Text is outlines (the drawings are), so no font is
//! needed to print it. A sign longer than the 5,080 mm (200 in) page limit of
//! common viewers is split into tiles that overlap by [`OVERLAP`] mm, with
//! the overlap marked.

use super::Input;
use super::doc::{Doc, grey, rgb};
use super::svg;
use crate::fonts::{Anchor, Weight};
use crate::site::draw;

pub const BLEED: f32 = 3.0;
/// The largest page side, in mm (200 in).
pub const MAX_PAGE: f32 = 5080.0;
pub const OVERLAP: f32 = 20.0;

/// How a length is cut into tiles: (start, length) of each, overlapping by
/// [`OVERLAP`], each short enough for a page with bleed.
pub fn tiles(length: f32) -> Vec<(f32, f32)> {
    let max = MAX_PAGE - 2.0 * BLEED;
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

pub fn signs(input: &Input) -> Result<Vec<u8>, String> {
    let mut doc = Doc::new();
    for s in input.gate.all_signs() {
        let guide = (s.role == "guide").then_some(&input.gate.guide);
        let d = draw::sign(input.theme, s, guide).map_err(|e| e.to_string())?;
        let conv = svg::convert(&d.standalone())?;
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
            let page = doc.page(tw + 2.0 * BLEED, th + 2.0 * BLEED);
            page.trim = Some([BLEED, BLEED, tw, th]);
            // The background runs into the bleed.
            page.rect(
                0.0,
                0.0,
                tw + 2.0 * BLEED,
                th + 2.0 * BLEED,
                Some(&rgb(&s.background)),
                None,
            );
            page.ops.push(printpdf::Op::SaveGraphicsState);
            if parts.len() > 1 {
                page.clip(BLEED, BLEED, tw, th);
            }
            doc.drawing(p, &conv, BLEED - ox, BLEED - oy, k);
            doc.pages[p].ops.push(printpdf::Op::RestoreGraphicsState);
            if parts.len() > 1 {
                overlap_marks(&mut doc, p, i, parts.len(), horizontal, tw, th);
            }
            crop_marks(&mut doc, p, tw, th);
        }
    }
    let name = input.c.name.raw.trim();
    doc.date = input.built_on.to_owned();
    Ok(doc.save(
        &format!("{name}标识标牌 1:1 制作文件"),
        "每块牌子一页，1:1，含 3 毫米出血和裁切线；文字已转曲",
        input.site.title.trim(),
        &[name.to_owned()],
    ))
}

/// Crop marks in the bleed at each corner, on the trim lines' extensions.
fn crop_marks(doc: &mut Doc, p: usize, w: f32, h: f32) {
    let ink = grey(0.0);
    let page = &mut doc.pages[p];
    let gap = 0.8; // keep the mark off the trim edge
    for (cx, sx) in [(BLEED, -1.0), (BLEED + w, 1.0)] {
        for (cy, sy) in [(BLEED, -1.0), (BLEED + h, 1.0)] {
            // Horizontal mark along the trim line y = cy, in the bleed outside x.
            page.line(
                &[(cx + sx * gap, cy), (cx + sx * BLEED, cy)],
                &ink,
                0.1,
                None,
            );
            page.line(
                &[(cx, cy + sy * gap), (cx, cy + sy * BLEED)],
                &ink,
                0.1,
                None,
            );
        }
    }
}

/// Where tile `i` overlaps its neighbours: a dashed line at each overlap
/// edge, and the tile's number written inside an overlap strip (which the
/// neighbouring tile covers when mounted).
fn overlap_marks(doc: &mut Doc, p: usize, i: usize, n: usize, horizontal: bool, w: f32, h: f32) {
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
