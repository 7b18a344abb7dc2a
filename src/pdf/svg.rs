//! SVG drawings as PDF vector operations.
//!
//! usvg resolves what our drawings use (`<use>` of glyph outlines,
//! transforms, rects and lines, CSS, opacity) into groups and paths; each
//! becomes content-stream bytes ([`super::content`]): `q`/`cm`/`Q` for
//! groups, colours, line width, dashes, and the path filled (with its fill
//! rule) and/or stroked. The result is in the SVG's own user units with y
//! down; [`super::doc::Doc::drawing`] places it. Text is already outlines
//! in our SVGs, so no font is involved. Colours are written as the document
//! will print them: process colours from a [`Palette`] (production files),
//! else RGB.
//!
//! Glyph outlines (the `<use>`s of [`crate::fonts::with_glyph_defs`]'
//! definitions) do not go through usvg, which would parse a glyph's outline
//! again at every use: a line of glyph uses becomes one placeholder path
//! whose id lists the glyphs and where they stand (`R:…`), and any other
//! glyph use a placeholder of its own that keeps the use's transform and
//! style (`Q-…`, see [`for_pdf`]). usvg resolves the line's style once; the
//! glyph is drawn from the font as a Form XObject ([`Form`]), its outline
//! written and compressed once per process. Each document carries each
//! glyph it uses once, and a use is `cm` and `/G… Do`: sign text is most of
//! every drawing, and the same few hundred glyphs recur. Text a template
//! reuses through its own `<use>` loses the placeholder's id in usvg, and
//! is reported as something the PDF cannot draw.
//!
//! Converted drawings that repeat (the same sign for many communities, such
//! as the 中国社区 identifier) are kept: a drawing is cached the second time
//! it is seen, so unique ones do not fill memory in a county build.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::hash::{Hash, Hasher};
use std::sync::{Arc, LazyLock, Mutex, RwLock};

use resvg::tiny_skia::{PathSegment, Transform};
use resvg::usvg::{self, FillRule, Group, Node, Paint};

use super::content::{colour, matrix, num, op};
use super::doc::{Palette, alpha_name};
use crate::fonts::{FONTS, Weight};

/// A drawing as content-stream bytes, in user units from its top-left
/// corner, y down.
pub struct Converted {
    pub content: Vec<u8>,
    pub width: f32,
    pub height: f32,
    /// Opacity states (fill %, stroke %) the content loads.
    pub alphas: BTreeSet<(u8, u8)>,
    /// The glyph forms the content draws, by resource name.
    pub forms: BTreeMap<String, Arc<Form>>,
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
    let zh: Vec<&str> = d.unsupported.iter().map(|w| unsupported_zh(w)).collect();
    let en: Vec<&str> = d.unsupported.iter().copied().collect();
    let fix = if d.unsupported.contains(REUSED_TEXT) {
        "请在每处文字的位置直接调用 glyphs() 或 vglyphs()，不要放进 <defs> 再用 <use> 引用"
    } else {
        "请改用纯色的路径、矩形和线条"
    };
    Err(format!(
        "主题模板 {template} 用了 PDF 画不出的{}：网页和印刷文件会不一样。{fix} \
         (the template {template} uses {}, which the PDF cannot draw)",
        zh.join("、"),
        en.join(", ")
    ))
}

/// What [`Writer::path`] reports for glyphs that lost their placeholder's id.
const REUSED_TEXT: &str = "text reused through <use>";

/// The Chinese name of what a drawing has that the PDF cannot draw.
fn unsupported_zh(what: &str) -> &'static str {
    match what {
        "clip-path" => "裁剪路径（clip-path）",
        "mask" => "蒙版（mask）",
        "filter" => "滤镜（filter）",
        "gradient" => "渐变",
        "pattern" => "图案填充（pattern）",
        "image" => "图片",
        "text" => "文字元素（<text>）",
        REUSED_TEXT => "用 <use> 重复引用的文字",
        _ => "不支持的元素",
    }
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

/// The drawing of `svg` with its colours for `palette` (process colours) or
/// as RGB (`None`), from the process's cache when it was drawn before.
pub fn convert(svg: &str, palette: Option<&Palette>) -> Result<Arc<Converted>, String> {
    let mut h = std::collections::hash_map::DefaultHasher::new();
    svg.hash(&mut h);
    palette.map(Palette::id).hash(&mut h);
    let key = h.finish();
    let repeat = {
        let mut c = CACHE.lock().map_err(|e| e.to_string())?;
        if let Some(d) = c.kept.get(&key) {
            return Ok(d.clone());
        }
        !c.seen.insert(key)
    };
    let d = Arc::new(convert_uncached(svg, palette)?);
    if repeat {
        let mut c = CACHE.lock().map_err(|e| e.to_string())?;
        if c.kept.len() < KEEP {
            c.kept.insert(key, d.clone());
        }
    }
    Ok(d)
}

pub fn convert_uncached(svg: &str, palette: Option<&Palette>) -> Result<Converted, String> {
    let svg = for_pdf(svg);
    let tree = usvg::Tree::from_str(&svg, &usvg::Options::default()).map_err(|e| e.to_string())?;
    let mut out = Converted {
        content: Vec::with_capacity(svg.len()),
        width: tree.size().width(),
        height: tree.size().height(),
        alphas: BTreeSet::new(),
        forms: BTreeMap::new(),
        unsupported: BTreeSet::new(),
    };
    let mut w = Writer {
        out: &mut out,
        palette,
    };
    w.group(tree.root(), 1.0);
    out.content.shrink_to_fit();
    Ok(out)
}

/// A glyph outline as a Form XObject: the path and its fill operator, no
/// colour (the use sets it, and the form inherits it), compressed once.
/// The outline is in font units, y up; the form's matrix flips it to the
/// drawing's y down, as the SVG definition's `scale(1 -1)` does.
pub struct Form {
    /// The outline's bounds, in its own units (font units, y up).
    pub bbox: [f32; 4],
    /// The content stream, deflated (zlib).
    pub packed: Vec<u8>,
}

/// A glyph's outline as path operators (font units, y up), with its forms
/// for each fill rule once made.
struct Outline {
    ops: Vec<u8>,
    bbox: [f32; 4],
    /// The forms' resource names, nonzero and even-odd: `Gb7EA2n`, `Gb7EA2e`.
    names: [String; 2],
    nonzero: std::sync::OnceLock<Arc<Form>>,
    evenodd: std::sync::OnceLock<Arc<Form>>,
}

/// The glyph outlines drawn so far in this process: bounded by the fonts
/// (two weights of GBK, a few hundred bytes a glyph).
type Outlines = HashMap<(Weight, char), Option<Arc<Outline>>>;
static OUTLINES: LazyLock<RwLock<Outlines>> = LazyLock::new(|| RwLock::new(HashMap::new()));

/// PDF path operators from a font outline.
struct OutlineOps {
    out: Vec<u8>,
    x: f32,
    y: f32,
}

impl ttf_parser::OutlineBuilder for OutlineOps {
    fn move_to(&mut self, x: f32, y: f32) {
        op(&mut self.out, &[x, y], b"m");
        (self.x, self.y) = (x, y);
    }
    fn line_to(&mut self, x: f32, y: f32) {
        op(&mut self.out, &[x, y], b"l");
        (self.x, self.y) = (x, y);
    }
    fn quad_to(&mut self, x1: f32, y1: f32, x: f32, y: f32) {
        // A quadratic is a cubic with controls 2/3 of the way to its control.
        let (x0, y0) = (self.x, self.y);
        op(
            &mut self.out,
            &[
                x0 + (x1 - x0) * 2.0 / 3.0,
                y0 + (y1 - y0) * 2.0 / 3.0,
                x + (x1 - x) * 2.0 / 3.0,
                y + (y1 - y) * 2.0 / 3.0,
                x,
                y,
            ],
            b"c",
        );
        (self.x, self.y) = (x, y);
    }
    fn curve_to(&mut self, x1: f32, y1: f32, x2: f32, y2: f32, x: f32, y: f32) {
        op(&mut self.out, &[x1, y1, x2, y2, x, y], b"c");
        (self.x, self.y) = (x, y);
    }
    fn close(&mut self) {
        self.out.extend_from_slice(b"h\n");
    }
}

fn outline(weight: Weight, c: char) -> Option<Arc<Outline>> {
    if let Some(o) = OUTLINES.read().ok()?.get(&(weight, c)) {
        return o.clone();
    }
    let mut b = OutlineOps {
        out: Vec::new(),
        x: 0.0,
        y: 0.0,
    };
    let o = FONTS.get(weight).glyph_outline(c, &mut b).map(|bbox| {
        let w = match weight {
            Weight::Regular => 'r',
            Weight::Bold => 'b',
        };
        Arc::new(Outline {
            ops: b.out,
            bbox,
            names: ["n", "e"].map(|rule| format!("G{w}{:X}{rule}", c as u32)),
            nonzero: std::sync::OnceLock::new(),
            evenodd: std::sync::OnceLock::new(),
        })
    });
    OUTLINES.write().ok()?.insert((weight, c), o.clone());
    o
}

/// The glyph a placeholder path stands for: `Q-b-7EA2` (see [`for_pdf`]).
fn glyph_of(id: &str) -> Option<(Weight, char)> {
    glyph_code(id.strip_prefix("Q-")?)
}

/// `b-7EA2`: the weight, then the code point in hex.
fn glyph_code(code: &str) -> Option<(Weight, char)> {
    let (w, hex) = code.split_once('-')?;
    let weight = match w {
        "r" => Weight::Regular,
        "b" => Weight::Bold,
        _ => return None,
    };
    let c = u32::from_str_radix(hex, 16).ok().and_then(char::from_u32)?;
    Some((weight, c))
}

/// A glyph to draw, and the matrix that places it (none: the enclosing
/// group's transform already does).
type PlacedGlyph = (Arc<Outline>, Option<[f32; 6]>);

/// One glyph of a run: which, and where (`translate(x y) scale(s)`).
struct RunGlyph {
    weight: Weight,
    c: char,
    x: f32,
    y: f32,
    scale: f32,
}

/// The glyphs a run placeholder stands for: `R:b-7EA2 12.5 40 0.03;…`
/// (see [`for_pdf`]). `None` if the id is not a run's.
fn run_of(id: &str) -> Option<Vec<RunGlyph>> {
    let items = id.strip_prefix("R:")?;
    items
        .split(';')
        .map(|item| {
            let mut parts = item.split(' ');
            let (weight, c) = glyph_code(parts.next()?)?;
            let mut n = || parts.next()?.parse::<f32>().ok();
            let (x, y, scale) = (n()?, n()?, n()?);
            Some(RunGlyph {
                weight,
                c,
                x,
                y,
                scale,
            })
        })
        .collect()
}

/// Is this path exactly [`PLACEHOLDER`]'s outline (the unit square)?
fn is_placeholder_shape(p: &usvg::Path) -> bool {
    use resvg::tiny_skia::Point;
    let want = [
        PathSegment::MoveTo(Point::from_xy(0.0, 0.0)),
        PathSegment::LineTo(Point::from_xy(1.0, 0.0)),
        PathSegment::LineTo(Point::from_xy(1.0, 1.0)),
        PathSegment::Close,
    ];
    p.data().segments().eq(want)
}

/// A placeholder's shape: usvg keeps a path with a fill and this outline.
const PLACEHOLDER: &str = r#" d="M0 0H1V1Z""#;

/// A glyph `<use>` exactly as [`crate::fonts`] writes it:
/// `<use href="#q-b-7EA2" transform="translate(12.5 40) scale(0.03)"/>`,
/// as its glyph and numbers (`b-7EA2`, `12.5`, `40`, `0.03`) and the
/// length of the element.
fn plain_glyph_use(s: &str) -> Option<([&str; 4], usize)> {
    let rest = s.strip_prefix("<use href=\"#q-")?;
    let (code, rest) = rest.split_once("\" transform=\"translate(")?;
    let (x, rest) = rest.split_once(' ')?;
    let (y, rest) = rest.split_once(") scale(")?;
    let (scale, rest) = rest.split_once(")\"/>")?;
    let number = |v: &str| !v.is_empty() && v.parse::<f32>().is_ok_and(f32::is_finite);
    if glyph_code(code).is_none() || !number(x) || !number(y) || !number(scale) {
        return None;
    }
    Some(([code, x, y, scale], s.len() - rest.len()))
}

/// The SVG as it is converted for a PDF: the glyph definitions left out
/// (the writer draws each glyph from the font: usvg drops the ids of used
/// elements, and would parse the outline at every use), and the glyph
/// `<use>`s as placeholder paths that keep which glyph and where:
///
/// - consecutive uses as [`crate::fonts`] writes them (a line of text)
///   become one path, `<path id="R:b-7EA2 12.5 40 0.03;…"/>`, so usvg
///   resolves a line's style once instead of each glyph's;
/// - any other glyph use becomes `<path id="Q-b-7EA2"/>` with the use's
///   other attributes (its transform).
pub fn for_pdf(svg: &str) -> String {
    let mut svg = svg;
    let stripped;
    if let Some(at) = svg.find("<defs><path id=\"q-")
        && let Some(end) = svg[at..].find("</defs>")
    {
        stripped = format!("{}{}", &svg[..at], &svg[at + end + "</defs>".len()..]);
        svg = &stripped;
    }
    const USE: &str = "<use href=\"#q-";
    let mut out = String::with_capacity(svg.len());
    let mut rest = svg;
    while let Some(at) = rest.find(USE) {
        out.push_str(&rest[..at]);
        rest = &rest[at..];
        if plain_glyph_use(rest).is_some() {
            // The run item `b-7EA2 12.5 40 0.03` of each use.
            out.push_str("<path id=\"R:");
            let mut first = true;
            while let Some((parts, len)) = plain_glyph_use(rest) {
                if !first {
                    out.push(';');
                }
                first = false;
                for (i, part) in parts.iter().enumerate() {
                    if i > 0 {
                        out.push(' ');
                    }
                    out.push_str(part);
                }
                rest = &rest[len..];
            }
            out.push('"');
            out.push_str(PLACEHOLDER);
            out.push_str("/>");
            continue;
        }
        let after = &rest[USE.len()..];
        let (Some(q), Some(end)) = (after.find('"'), after.find("/>")) else {
            out.push_str(rest);
            rest = "";
            break;
        };
        if q > end {
            out.push_str(USE);
            rest = after;
            continue;
        }
        out.push_str("<path id=\"Q-");
        out.push_str(&after[..q]);
        out.push('"');
        out.push_str(PLACEHOLDER);
        out.push_str(&after[q + 1..end]);
        out.push_str("/>");
        rest = &after[end + 2..];
    }
    out.push_str(rest);
    out
}

fn m6(t: Transform) -> [f32; 6] {
    [t.sx, t.ky, t.kx, t.sy, t.tx, t.ty]
}

fn percent(a: f32) -> u8 {
    (a.clamp(0.0, 1.0) * 100.0).round() as u8
}

/// The colour of a paint as 8-bit RGB.
fn rgb_of(paint: &Paint) -> [u8; 3] {
    let c = match paint {
        Paint::Color(c) => *c,
        // Gradients and patterns do not occur in our drawings (and are
        // reported as unsupported): their first colour stands in.
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
    [c.red, c.green, c.blue]
}

struct Writer<'a> {
    out: &'a mut Converted,
    palette: Option<&'a Palette>,
}

impl Writer<'_> {
    fn group(&mut self, g: &Group, alpha: f32) {
        let alpha = alpha * g.opacity().get();
        if g.clip_path().is_some() {
            self.out.unsupported.insert("clip-path");
        }
        if g.mask().is_some() {
            self.out.unsupported.insert("mask");
        }
        if !g.filters().is_empty() {
            self.out.unsupported.insert("filter");
        }
        let t = g.transform();
        let wrap = !t.is_identity();
        if wrap {
            self.out.content.extend_from_slice(b"q\n");
            matrix(&mut self.out.content, m6(t), b"cm");
        }
        // Group opacity is applied to each child's paint: exact for the
        // non-overlapping shapes our drawings use, and needs no transparency group.
        for child in g.children() {
            match child {
                Node::Group(g) => self.group(g, alpha),
                Node::Path(p) => self.path(p, alpha),
                // Our drawings have no raster images, and text is outlines already.
                Node::Image(_) => {
                    self.out.unsupported.insert("image");
                }
                Node::Text(_) => {
                    self.out.unsupported.insert("text");
                }
            }
        }
        if wrap {
            self.out.content.extend_from_slice(b"Q\n");
        }
    }

    fn colour(&mut self, paint: &Paint, stroke: bool) {
        let rgb = rgb_of(paint);
        let out = &mut self.out.content;
        match self.palette {
            Some(p) => colour(out, &p.cmyk_of(rgb), if stroke { b"K" } else { b"k" }),
            None => colour(
                out,
                &rgb.map(|v| f32::from(v) / 255.0),
                if stroke { b"RG" } else { b"rg" },
            ),
        }
    }

    fn path(&mut self, p: &usvg::Path, alpha: f32) {
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
                    self.out.unsupported.insert("gradient");
                }
                Paint::Pattern(_) => {
                    self.out.unsupported.insert("pattern");
                }
            }
        }
        // A path of moves only draws nothing.
        if !p
            .data()
            .segments()
            .any(|s| !matches!(s, PathSegment::MoveTo(_)))
        {
            return;
        }
        let fill_alpha = p.fill().map_or(100, |f| percent(f.opacity().get() * alpha));
        let stroke_alpha = p
            .stroke()
            .map_or(100, |s| percent(s.opacity().get() * alpha));
        if fill_alpha == 0 && stroke_alpha == 0 {
            return;
        }
        // A glyph placeholder that lost its id: usvg drops the ids of what
        // a `<use>` repeats, so text a template defines once and reuses
        // would be a small square here (and missing) instead of its glyphs.
        if p.id().is_empty() && is_placeholder_shape(p) {
            self.out.unsupported.insert(REUSED_TEXT);
            return;
        }
        // What the path stands for: one glyph (the use's transform is the
        // enclosing group's), a run of glyphs, or itself. Glyphs without an
        // outline (spaces) draw nothing, in the SVG either.
        let glyphs: Option<Vec<PlacedGlyph>> = match glyph_of(p.id()) {
            Some((weight, c)) => Some(outline(weight, c).map(|o| (o, None)).into_iter().collect()),
            None => run_of(p.id()).map(|run| {
                run.into_iter()
                    .filter_map(|g| {
                        let m = [g.scale, 0.0, 0.0, g.scale, g.x, g.y];
                        outline(g.weight, g.c).map(|o| (o, Some(m)))
                    })
                    .collect()
            }),
        };
        if glyphs.as_ref().is_some_and(Vec::is_empty) {
            return;
        }
        self.out.content.extend_from_slice(b"q\n");
        if fill_alpha < 100 || stroke_alpha < 100 {
            self.out.alphas.insert((fill_alpha, stroke_alpha));
            let out = &mut self.out.content;
            out.push(b'/');
            out.extend_from_slice(alpha_name(fill_alpha, stroke_alpha).as_bytes());
            out.extend_from_slice(b" gs\n");
        }
        if let Some(f) = p.fill() {
            self.colour(f.paint(), false);
        }
        if let Some(s) = p.stroke() {
            self.colour(s.paint(), true);
            let out = &mut self.out.content;
            op(out, &[s.width().get()], b"w");
            let cap = match s.linecap() {
                usvg::LineCap::Butt => b"0 J\n",
                usvg::LineCap::Round => b"1 J\n",
                usvg::LineCap::Square => b"2 J\n",
            };
            out.extend_from_slice(cap);
            let join = match s.linejoin() {
                usvg::LineJoin::Round => b"1 j\n",
                usvg::LineJoin::Bevel => b"2 j\n",
                _ => b"0 j\n",
            };
            out.extend_from_slice(join);
            op(out, &[s.miterlimit().get()], b"M");
            if let Some(d) = s.dasharray() {
                out.push(b'[');
                for (i, v) in d.iter().enumerate() {
                    if i > 0 {
                        out.push(b' ');
                    }
                    num(out, *v);
                }
                out.extend_from_slice(b"] ");
                op(out, &[s.dashoffset()], b"d");
            }
        }
        let paint: &[u8] = match (p.fill().map(|f| f.rule()), p.stroke().is_some()) {
            (Some(FillRule::NonZero), false) => b"f\n",
            (Some(FillRule::EvenOdd), false) => b"f*\n",
            (Some(FillRule::NonZero), true) => b"B\n",
            (Some(FillRule::EvenOdd), true) => b"B*\n",
            (None, _) => b"S\n",
        };
        match glyphs {
            Some(glyphs) => {
                let rule = p.fill().map_or(FillRule::NonZero, |f| f.rule());
                for (o, at) in glyphs {
                    if let Some(m) = at {
                        self.out.content.extend_from_slice(b"q\n");
                        matrix(&mut self.out.content, m, b"cm");
                    }
                    if p.stroke().is_none() {
                        // Filled only: the glyph's form.
                        self.form(&o, rule);
                    } else {
                        // Outlined too (no template does this today): the
                        // outline itself, flipped as its definition is.
                        let out = &mut self.out.content;
                        out.extend_from_slice(b"1 0 0 -1 0 0 cm\n");
                        out.extend_from_slice(&o.ops);
                        out.extend_from_slice(paint);
                    }
                    if at.is_some() {
                        self.out.content.extend_from_slice(b"Q\n");
                    }
                }
            }
            None => {
                self.segments(p);
                self.out.content.extend_from_slice(paint);
            }
        }
        self.out.content.extend_from_slice(b"Q\n");
    }

    /// Draw the form of a glyph filled with `rule` (`/Gb7EA2n Do`), made
    /// the first time the process needs it and recorded for the document.
    fn form(&mut self, o: &Outline, rule: FillRule) {
        let (cell, name, paint): (_, _, &[u8]) = match rule {
            FillRule::NonZero => (&o.nonzero, &o.names[0], b"f\n"),
            FillRule::EvenOdd => (&o.evenodd, &o.names[1], b"f*\n"),
        };
        if !self.out.forms.contains_key(name) {
            let form = cell.get_or_init(|| {
                let mut content = Vec::with_capacity(o.ops.len() + 3);
                content.extend_from_slice(&o.ops);
                content.extend_from_slice(paint);
                let [x0, y0, x1, y1] = o.bbox;
                Arc::new(Form {
                    bbox: [x0 - 1.0, y0 - 1.0, x1 + 1.0, y1 + 1.0],
                    // Once per process, so the smallest stream is worth it.
                    packed: super::doc::deflate_best(&content),
                })
            });
            self.out.forms.insert(name.clone(), form.clone());
        }
        let out = &mut self.out.content;
        out.push(b'/');
        out.extend_from_slice(name.as_bytes());
        out.extend_from_slice(b" Do\n");
    }

    /// The path's construction operators. A fill closes open subpaths by
    /// itself; a stroke closes only those the SVG closed (`h`).
    fn segments(&mut self, p: &usvg::Path) {
        let out = &mut self.out.content;
        let (mut lx, mut ly) = (0.0f32, 0.0f32);
        let (mut sx, mut sy) = (0.0f32, 0.0f32);
        for seg in p.data().segments() {
            match seg {
                PathSegment::MoveTo(a) => {
                    op(out, &[a.x, a.y], b"m");
                    (lx, ly) = (a.x, a.y);
                    (sx, sy) = (a.x, a.y);
                }
                PathSegment::LineTo(a) => {
                    op(out, &[a.x, a.y], b"l");
                    (lx, ly) = (a.x, a.y);
                }
                PathSegment::QuadTo(q, a) => {
                    // A quadratic is a cubic with controls 2/3 of the way to q.
                    op(
                        out,
                        &[
                            lx + (q.x - lx) * 2.0 / 3.0,
                            ly + (q.y - ly) * 2.0 / 3.0,
                            a.x + (q.x - a.x) * 2.0 / 3.0,
                            a.y + (q.y - a.y) * 2.0 / 3.0,
                            a.x,
                            a.y,
                        ],
                        b"c",
                    );
                    (lx, ly) = (a.x, a.y);
                }
                PathSegment::CubicTo(c1, c2, a) => {
                    op(out, &[c1.x, c1.y, c2.x, c2.y, a.x, a.y], b"c");
                    (lx, ly) = (a.x, a.y);
                }
                PathSegment::Close => {
                    out.extend_from_slice(b"h\n");
                    // After a close the pen is back at the subpath's start.
                    (lx, ly) = (sx, sy);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn glyph_svg(fill: &str) -> String {
        crate::fonts::with_glyph_defs(&format!(
            r##"<svg xmlns="http://www.w3.org/2000/svg" width="100mm" height="50mm" viewBox="0 0 100 50"><g fill="{fill}"><use href="#q-b-4E2D" transform="translate(10 40) scale(0.03)"/><use href="#q-b-4E2D" transform="translate(50 40) scale(0.03)"/></g></svg>"##
        ))
    }

    #[test]
    fn glyphs_are_forms_drawn_where_used() {
        let d = convert_uncached(&glyph_svg("#C8102E"), None).unwrap();
        let text = String::from_utf8_lossy(&d.content);
        let names: Vec<&String> = d.forms.keys().collect();
        assert_eq!(names, ["Gb4E2Dn"], "{text}");
        assert_eq!(text.matches("/Gb4E2Dn Do").count(), 2, "{text}");
        assert!(text.contains("0.03 0 0 0.03 10 40 cm"), "{text}");
        assert!(text.contains("0.7843 0.0627 0.1804 rg"), "{text}");
        // The form is the outline and its fill, no colour.
        let form = &d.forms["Gb4E2Dn"];
        let mut plain = Vec::new();
        use std::io::Read;
        flate2::read::ZlibDecoder::new(form.packed.as_slice())
            .read_to_end(&mut plain)
            .unwrap();
        let plain = String::from_utf8(plain).unwrap();
        assert!(
            plain.starts_with("434 850 m\n") && plain.ends_with("h\nf\n"),
            "{plain}"
        );
        assert!(!plain.contains("rg"));
    }

    #[test]
    fn uses_become_placeholders_and_definitions_go() {
        // Consecutive plain uses (a line of text): one run.
        let svg = for_pdf(&glyph_svg("#000"));
        assert!(!svg.contains("<defs>") && !svg.contains("<use"), "{svg}");
        assert!(
            svg.contains(r#"<path id="R:b-4E2D 10 40 0.03;b-4E2D 50 40 0.03" d="M0 0H1V1Z"/>"#),
            "{svg}"
        );
        // A use with anything else: a placeholder of its own, that keeps it.
        let odd = r##"<svg><use href="#q-b-4E2D" transform="translate(1 2)"/><use href="#q-r-4E2D" transform="translate(3 4) scale(0.5)" opacity="0.5"/></svg>"##;
        assert_eq!(
            for_pdf(odd),
            r#"<svg><path id="Q-b-4E2D" d="M0 0H1V1Z" transform="translate(1 2)"/><path id="Q-r-4E2D" d="M0 0H1V1Z" transform="translate(3 4) scale(0.5)" opacity="0.5"/></svg>"#
        );
        // Other uses are left alone; broken markup does not panic.
        let other = r##"<svg><use href="#emblem"/></svg>"##;
        assert_eq!(for_pdf(other), other);
        for odd in [
            r##"<use href="#q-b-4E2D"##,
            r##"<use href="#q-"/>"##,
            r##"<use href="#q-x-4E2D" transform="translate(1 2) scale(3)"/>"##,
            r##"<use href="#q-b-4E2D" transform="translate(1 2) scale(NaN)"/>"##,
            r##"<use href="#q-b-4E2D" transform="translate(1 2) scale(3)""##,
            r#"<defs><path id="q-"#,
        ] {
            let _ = for_pdf(odd);
        }
    }

    #[test]
    fn a_run_draws_each_glyph_where_it_stands() {
        let d = convert_uncached(&glyph_svg("#C8102E"), None).unwrap();
        let text = String::from_utf8_lossy(&d.content);
        // One colour for the line, each glyph placed and drawn by its form.
        assert_eq!(text.matches(" rg").count(), 1, "{text}");
        assert!(
            text.contains("q\n0.03 0 0 0.03 10 40 cm\n/Gb4E2Dn Do\nQ\nq\n0.03 0 0 0.03 50 40 cm\n/Gb4E2Dn Do\nQ\n"),
            "{text}"
        );
        // A run id that is not one is drawn as the path it is.
        assert!(run_of("R:b-4E2D 1 2").is_none());
        assert!(run_of("R:b-4E2D 1 2 3;b-4E2D 1 2 3").is_some_and(|r| r.len() == 2));
    }

    #[test]
    fn text_reused_through_use_is_refused_not_lost() {
        // usvg drops the ids of what a `<use>` repeats: the run's glyphs
        // cannot be drawn, and the PDF must not silently lack them.
        let svg = crate::fonts::with_glyph_defs(
            r##"<svg xmlns="http://www.w3.org/2000/svg" width="100mm" height="50mm" viewBox="0 0 100 50"><defs><g id="t" fill="#000"><use href="#q-b-4E2D" transform="translate(10 40) scale(0.03)"/></g></defs><use href="#t"/></svg>"##,
        );
        let d = convert_uncached(&svg, None).unwrap();
        assert!(d.unsupported.contains(REUSED_TEXT), "{:?}", d.unsupported);
        let e = check_drawable(&d, "signs/x.svg").unwrap_err();
        assert!(
            e.starts_with("主题模板 signs/x.svg 用了 PDF 画不出的用 <use> 重复引用的文字"),
            "{e}"
        );
        assert!(e.contains("glyphs()"), "{e}");
    }

    #[test]
    fn process_colours_come_from_the_palette() {
        let palette = Palette::new([("#C8102E", [0.0, 100.0, 100.0, 0.0])]);
        let d = convert_uncached(&glyph_svg("#C8102E"), Some(&palette)).unwrap();
        let text = String::from_utf8_lossy(&d.content);
        assert!(text.contains("0 1 1 0 k"), "{text}");
        assert!(!text.contains("rg"), "{text}");
    }

    #[test]
    fn other_paths_are_drawn_inline() {
        let svg = r##"<svg xmlns="http://www.w3.org/2000/svg" width="10mm" height="10mm" viewBox="0 0 10 10"><path d="M0 0L5 0L5 5Z"/><g transform="scale(1 -1)"><path d="M0 0L5 0L5 -5Z" stroke="#000"/></g></svg>"##;
        let d = convert_uncached(svg, None).unwrap();
        assert!(d.forms.is_empty());
        let text = String::from_utf8_lossy(&d.content);
        assert!(text.contains("0 0 m\n5 0 l\n5 5 l\nh\nf\n"), "{text}");
        assert!(text.contains("5 -5 l\nh\nB\n"), "{text}");
    }

    #[test]
    fn strokes_dashes_and_opacity() {
        let svg = r##"<svg xmlns="http://www.w3.org/2000/svg" width="10mm" height="10mm" viewBox="0 0 10 10"><path d="M1 1L9 1" stroke="#000" stroke-width="0.5" stroke-dasharray="2 1" stroke-linecap="round" opacity="0.5" fill="none"/><rect x="1" y="2" width="3" height="4" fill="#fff" stroke="#000" fill-rule="evenodd"/></svg>"##;
        let d = convert_uncached(svg, None).unwrap();
        let text = String::from_utf8_lossy(&d.content);
        assert!(text.contains("/GA100S50 gs"), "{text}");
        assert!(text.contains("[2 1] 0 d"), "{text}");
        assert!(text.contains("1 J"), "{text}");
        assert!(text.contains("1 1 m\n9 1 l\nS\n"), "{text}");
        assert!(text.contains("B*\n"), "{text}");
        assert_eq!(d.alphas.iter().copied().collect::<Vec<_>>(), [(100, 50)]);
    }
}
