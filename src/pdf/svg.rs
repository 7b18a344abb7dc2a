//! SVG drawings as PDF vector operations.
//!
//! usvg resolves what our drawings use (`<use>` of glyph outlines,
//! transforms, rects and lines, CSS, opacity) into groups and paths; each
//! becomes printpdf ops: `q`/`cm`/`Q` for groups, colours, line width,
//! dashes, and the path filled (with its fill rule) and/or stroked. The
//! result is in the SVG's own user units with y down; [`super::doc::Doc::drawing`]
//! places it. Text is already outlines in our SVGs, so no font is involved.
//!
//! Converted drawings that repeat (the same sign for many communities, such
//! as the 中国社区 identifier) are kept: a drawing is cached the second time
//! it is seen, so unique ones do not fill memory in a county build.

use std::collections::{BTreeSet, HashMap, HashSet};
use std::hash::{Hash, Hasher};
use std::sync::{Arc, LazyLock, Mutex};

use printpdf::{
    Color, CurTransMat, Line, LineCapStyle, LineDashPattern, LineJoinStyle, LinePoint, Op,
    PaintMode, Point, Polygon, PolygonRing, Pt, Rgb, WindingOrder,
};
use resvg::tiny_skia::{PathSegment, Transform};
use resvg::usvg::{self, FillRule, Group, Node, Paint};

use super::doc::alpha_id;

/// A drawing as ops, in user units from its top-left corner, y down.
pub struct Converted {
    pub ops: Vec<Op>,
    pub width: f32,
    pub height: f32,
    /// Opacity states (fill %, stroke %) the ops load.
    pub alphas: BTreeSet<(u8, u8)>,
    /// What the drawing has that this conversion cannot draw (a clip path,
    /// mask, filter, gradient, pattern, image or unconverted text): the PDF
    /// would silently differ from the website, so the build stops on it.
    pub unsupported: BTreeSet<&'static str>,
}

/// An error when a drawing has something the PDF cannot show as drawn.
pub fn check_drawable(d: &Converted, template: &str) -> Result<(), String> {
    if d.unsupported.is_empty() {
        return Ok(());
    }
    let what: Vec<&str> = d.unsupported.iter().copied().collect();
    Err(format!(
        "主题模板 {template} 用了 PDF 画不出的 {}：网页和印刷文件会不一样。请改用纯色的路径、矩形和线条 \
         (the template {template} uses {}, which the PDF cannot draw)",
        what.join("、"),
        what.join(", ")
    ))
}

struct Cache {
    seen: HashSet<u64>,
    kept: HashMap<u64, Arc<Converted>>,
}

static CACHE: LazyLock<Mutex<Cache>> = LazyLock::new(|| {
    Mutex::new(Cache {
        seen: HashSet::new(),
        kept: HashMap::new(),
    })
});

/// At most this many drawings are kept (a few MB).
const KEEP: usize = 512;

pub fn convert(svg: &str) -> Result<Arc<Converted>, String> {
    let mut h = std::collections::hash_map::DefaultHasher::new();
    svg.hash(&mut h);
    let key = h.finish();
    let repeat = {
        let mut c = CACHE.lock().map_err(|e| e.to_string())?;
        if let Some(d) = c.kept.get(&key) {
            return Ok(d.clone());
        }
        !c.seen.insert(key)
    };
    let d = Arc::new(convert_uncached(svg)?);
    if repeat {
        let mut c = CACHE.lock().map_err(|e| e.to_string())?;
        if c.kept.len() < KEEP {
            c.kept.insert(key, d.clone());
        }
    }
    Ok(d)
}

pub fn convert_uncached(svg: &str) -> Result<Converted, String> {
    let tree = usvg::Tree::from_str(svg, &usvg::Options::default()).map_err(|e| e.to_string())?;
    let mut out = Converted {
        ops: Vec::new(),
        width: tree.size().width(),
        height: tree.size().height(),
        alphas: BTreeSet::new(),
        unsupported: BTreeSet::new(),
    };
    group(tree.root(), 1.0, &mut out);
    Ok(out)
}

fn round(v: f32) -> f32 {
    (v * 100.0).round() / 100.0
}

fn matrix(t: Transform) -> [f32; 6] {
    [t.sx, t.ky, t.kx, t.sy, t.tx, t.ty]
}

fn group(g: &Group, alpha: f32, out: &mut Converted) {
    let alpha = alpha * g.opacity().get();
    if g.clip_path().is_some() {
        out.unsupported.insert("clip-path");
    }
    if g.mask().is_some() {
        out.unsupported.insert("mask");
    }
    if !g.filters().is_empty() {
        out.unsupported.insert("filter");
    }
    let t = g.transform();
    let wrap = !t.is_identity();
    if wrap {
        out.ops.push(Op::SaveGraphicsState);
        out.ops.push(Op::SetTransformationMatrix {
            matrix: CurTransMat::Raw(matrix(t)),
        });
    }
    // Group opacity is applied to each child's paint: exact for the
    // non-overlapping shapes our drawings use, and needs no transparency group.
    for child in g.children() {
        match child {
            Node::Group(g) => group(g, alpha, out),
            Node::Path(p) => path(p, alpha, out),
            // Our drawings have no raster images, and text is outlines already.
            Node::Image(_) => {
                out.unsupported.insert("image");
            }
            Node::Text(_) => {
                out.unsupported.insert("text");
            }
        }
    }
    if wrap {
        out.ops.push(Op::RestoreGraphicsState);
    }
}

fn color(paint: &Paint) -> Color {
    let c = match paint {
        Paint::Color(c) => *c,
        // Gradients and patterns do not occur in our drawings: their first
        // colour stands in.
        Paint::LinearGradient(g) => g
            .stops()
            .first()
            .map_or(usvg::Color::black(), |s| s.color()),
        Paint::RadialGradient(g) => g
            .stops()
            .first()
            .map_or(usvg::Color::black(), |s| s.color()),
        Paint::Pattern(_) => usvg::Color::new_rgb(128, 128, 128),
    };
    Color::Rgb(Rgb::new(
        f32::from(c.red) / 255.0,
        f32::from(c.green) / 255.0,
        f32::from(c.blue) / 255.0,
        None,
    ))
}

fn percent(a: f32) -> u8 {
    (a.clamp(0.0, 1.0) * 100.0).round() as u8
}

/// The path's subpaths as point lists (bezier control points flagged),
/// each with whether it was closed.
fn subpaths(p: &usvg::Path) -> Vec<(Vec<LinePoint>, bool)> {
    let pt = |x: f32, y: f32, bezier: bool| LinePoint {
        p: Point {
            x: Pt(round(x)),
            y: Pt(round(y)),
        },
        bezier,
    };
    let mut subs: Vec<(Vec<LinePoint>, bool)> = Vec::new();
    let mut cur: Vec<LinePoint> = Vec::new();
    let (mut lx, mut ly) = (0.0f32, 0.0f32);
    for seg in p.data().segments() {
        match seg {
            PathSegment::MoveTo(a) => {
                if cur.len() > 1 {
                    subs.push((std::mem::take(&mut cur), false));
                }
                cur.clear();
                cur.push(pt(a.x, a.y, false));
                (lx, ly) = (a.x, a.y);
            }
            PathSegment::LineTo(a) => {
                cur.push(pt(a.x, a.y, false));
                (lx, ly) = (a.x, a.y);
            }
            PathSegment::QuadTo(q, a) => {
                // A quadratic is a cubic with controls 2/3 of the way to q.
                cur.push(pt(
                    lx + (q.x - lx) * 2.0 / 3.0,
                    ly + (q.y - ly) * 2.0 / 3.0,
                    true,
                ));
                cur.push(pt(
                    a.x + (q.x - a.x) * 2.0 / 3.0,
                    a.y + (q.y - a.y) * 2.0 / 3.0,
                    true,
                ));
                cur.push(pt(a.x, a.y, false));
                (lx, ly) = (a.x, a.y);
            }
            PathSegment::CubicTo(c1, c2, a) => {
                cur.push(pt(c1.x, c1.y, true));
                cur.push(pt(c2.x, c2.y, true));
                cur.push(pt(a.x, a.y, false));
                (lx, ly) = (a.x, a.y);
            }
            PathSegment::Close => {
                if cur.len() > 1 {
                    subs.push((std::mem::take(&mut cur), true));
                }
                // After a close the pen is back at the subpath's start.
                if let Some(f) = subs.last().and_then(|(first, _)| first.first()) {
                    (lx, ly) = (f.p.x.0, f.p.y.0);
                }
            }
        }
    }
    if cur.len() > 1 {
        subs.push((cur, false));
    }
    subs
}

fn path(p: &usvg::Path, alpha: f32, out: &mut Converted) {
    if !p.is_visible() || (p.fill().is_none() && p.stroke().is_none()) {
        return;
    }
    for paint in p
        .fill()
        .map(|f| f.paint())
        .into_iter()
        .chain(p.stroke().map(|s| s.paint()))
    {
        match paint {
            Paint::Color(_) => {}
            Paint::LinearGradient(_) | Paint::RadialGradient(_) => {
                out.unsupported.insert("gradient");
            }
            Paint::Pattern(_) => {
                out.unsupported.insert("pattern");
            }
        }
    }
    let subs = subpaths(p);
    if subs.is_empty() {
        return;
    }
    let fill_alpha = p.fill().map_or(100, |f| percent(f.opacity().get() * alpha));
    let stroke_alpha = p
        .stroke()
        .map_or(100, |s| percent(s.opacity().get() * alpha));
    if fill_alpha == 0 && stroke_alpha == 0 {
        return;
    }
    out.ops.push(Op::SaveGraphicsState);
    if fill_alpha < 100 || stroke_alpha < 100 {
        out.alphas.insert((fill_alpha, stroke_alpha));
        out.ops.push(Op::LoadGraphicsState {
            gs: alpha_id(fill_alpha, stroke_alpha),
        });
    }
    if let Some(f) = p.fill() {
        out.ops.push(Op::SetFillColor {
            col: color(f.paint()),
        });
        out.ops.push(Op::DrawPolygon {
            polygon: Polygon {
                rings: subs
                    .iter()
                    .map(|(points, _)| PolygonRing {
                        points: points.clone(),
                    })
                    .collect(),
                mode: PaintMode::Fill,
                winding_order: match f.rule() {
                    FillRule::NonZero => WindingOrder::NonZero,
                    FillRule::EvenOdd => WindingOrder::EvenOdd,
                },
            },
        });
    }
    if let Some(s) = p.stroke() {
        out.ops.push(Op::SetOutlineColor {
            col: color(s.paint()),
        });
        out.ops.push(Op::SetOutlineThickness {
            pt: Pt(s.width().get()),
        });
        out.ops.push(Op::SetLineCapStyle {
            cap: match s.linecap() {
                usvg::LineCap::Butt => LineCapStyle::Butt,
                usvg::LineCap::Round => LineCapStyle::Round,
                usvg::LineCap::Square => LineCapStyle::ProjectingSquare,
            },
        });
        out.ops.push(Op::SetLineJoinStyle {
            join: match s.linejoin() {
                usvg::LineJoin::Round => LineJoinStyle::Round,
                usvg::LineJoin::Bevel => LineJoinStyle::Bevel,
                _ => LineJoinStyle::Miter,
            },
        });
        out.ops.push(Op::SetMiterLimit {
            limit: Pt(s.miterlimit().get()),
        });
        if let Some(d) = s.dasharray() {
            out.ops.push(Op::SetLineDashPattern {
                dash: LineDashPattern::new(s.dashoffset(), d),
            });
        }
        for (points, closed) in subs {
            out.ops.push(Op::DrawLine {
                line: Line {
                    points,
                    is_closed: closed,
                },
            });
        }
    }
    out.ops.push(Op::RestoreGraphicsState);
}
