//! The sign fonts: Noto Sans CJK SC, Regular and Bold, subset to GBK, shipped
//! in `themes/default/fonts/` and embedded in the binary, so a sign is drawn
//! the same on every machine.
//!
//! Text on signs is turned into outlines here (each glyph defined once per
//! SVG and placed with `<use>`) (no `<text>` reaches an SVG, a
//! PNG or a PDF), which is also where a character the font lacks is caught:
//! usvg would drop it silently.

use std::collections::HashMap;
use std::fmt::Write;
use std::sync::{Arc, LazyLock, RwLock};

use ttf_parser::{Face, GlyphId, OutlineBuilder};

pub static REGULAR_OTF: &[u8] =
    include_bytes!("../themes/default/fonts/NotoSansSC-Regular-GBK.otf");
pub static BOLD_OTF: &[u8] = include_bytes!("../themes/default/fonts/NotoSansSC-Bold-GBK.otf");

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Weight {
    Regular,
    Bold,
}

/// One glyph's outline in font units (y up), and its advance.
struct Glyph {
    path: String,
    advance: f32,
}

pub struct Font {
    face: Face<'static>,
    units_per_em: f32,
    glyphs: RwLock<HashMap<char, Option<Arc<Glyph>>>>,
    /// Advances of the Basic Multilingual Plane, as `f32` bits, [`UNKNOWN`]
    /// until first asked for.
    advances: Box<[std::sync::atomic::AtomicU32]>,
}

/// No advance known yet (not the bits of any advance a font has).
const UNKNOWN: u32 = u32::MAX;

impl Font {
    fn new(data: &'static [u8]) -> Font {
        let face = Face::parse(data, 0).expect("the embedded font parses");
        let units_per_em = f32::from(face.units_per_em());
        Font {
            face,
            units_per_em,
            glyphs: RwLock::new(HashMap::new()),
            advances: (0..0x1_0000)
                .map(|_| std::sync::atomic::AtomicU32::new(UNKNOWN))
                .collect(),
        }
    }

    pub fn has(&self, c: char) -> bool {
        c.is_whitespace() || self.face.glyph_index(c).is_some()
    }

    fn glyph(&self, c: char) -> Option<Arc<Glyph>> {
        if let Some(g) = self.glyphs.read().expect("glyph cache").get(&c) {
            return g.clone();
        }
        let g = self
            .face
            .glyph_index(c)
            .map(|id| Arc::new(self.outline(id)));
        self.glyphs
            .write()
            .expect("glyph cache")
            .insert(c, g.clone());
        g
    }

    fn outline(&self, id: GlyphId) -> Glyph {
        let mut b = PathBuilder(String::new());
        self.face.outline_glyph(id, &mut b);
        let advance = f32::from(
            self.face
                .glyph_hor_advance(id)
                .unwrap_or(self.face.units_per_em()),
        );
        Glyph { path: b.0, advance }
    }

    /// Width of `text` at `size` (user units).
    pub fn width(&self, text: &str, size: f32) -> f32 {
        let scale = size / self.units_per_em;
        text.chars().map(|c| self.advance(c) * scale).sum()
    }

    /// The advance of `c` in font units (a missing glyph: one em). Text is
    /// measured often (wrapping tries every break): characters of the
    /// Basic Multilingual Plane are looked up in a table without a lock.
    fn advance(&self, c: char) -> f32 {
        use std::sync::atomic::Ordering;
        let Some(slot) = self.advances.get(c as usize) else {
            return self.glyph(c).map_or(self.units_per_em, |g| g.advance);
        };
        let v = slot.load(Ordering::Relaxed);
        if v != UNKNOWN {
            return f32::from_bits(v);
        }
        let a = self.face.glyph_index(c).map_or(self.units_per_em, |id| {
            f32::from(
                self.face
                    .glyph_hor_advance(id)
                    .unwrap_or(self.face.units_per_em()),
            )
        });
        slot.store(a.to_bits(), Ordering::Relaxed);
        a
    }

    /// The outline of `c` in font units (y up) into `b`, and its bounding
    /// box (x min, y min, x max, y max); None when the font lacks it or it
    /// has no outline (a space). For the PDFs, which draw each glyph once
    /// per document.
    pub fn glyph_outline(&self, c: char, b: &mut dyn OutlineBuilder) -> Option<[f32; 4]> {
        let id = self.face.glyph_index(c)?;
        let r = self.face.outline_glyph(id, b)?;
        Some([r.x_min, r.y_min, r.x_max, r.y_max].map(f32::from))
    }
}

struct PathBuilder(String);

impl OutlineBuilder for PathBuilder {
    fn move_to(&mut self, x: f32, y: f32) {
        let _ = write!(self.0, "M{x} {y}");
    }
    fn line_to(&mut self, x: f32, y: f32) {
        let _ = write!(self.0, "L{x} {y}");
    }
    fn quad_to(&mut self, x1: f32, y1: f32, x: f32, y: f32) {
        let _ = write!(self.0, "Q{x1} {y1} {x} {y}");
    }
    fn curve_to(&mut self, x1: f32, y1: f32, x2: f32, y2: f32, x: f32, y: f32) {
        let _ = write!(self.0, "C{x1} {y1} {x2} {y2} {x} {y}");
    }
    fn close(&mut self) {
        self.0.push('Z');
    }
}

pub struct Fonts {
    pub regular: Font,
    pub bold: Font,
}

/// The fonts, parsed once.
pub static FONTS: LazyLock<Fonts> = LazyLock::new(|| Fonts {
    regular: Font::new(REGULAR_OTF),
    bold: Font::new(BOLD_OTF),
});

impl Fonts {
    pub fn get(&self, weight: Weight) -> &Font {
        match weight {
            Weight::Regular => &self.regular,
            Weight::Bold => &self.bold,
        }
    }

    /// The characters of `text` the sign font cannot draw.
    pub fn missing(&self, text: &str) -> Vec<char> {
        let mut out: Vec<char> = text.chars().filter(|&c| !self.bold.has(c)).collect();
        out.dedup();
        out
    }
}

/// Where a line of text is anchored.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Anchor {
    Start,
    Middle,
    End,
}

/// The em box of CJK glyphs sits from 0.88 em above the baseline to 0.12 em
/// below it; its centre is 0.38 em above the baseline.
const EM_CENTRE: f32 = 0.38;

/// A coordinate rounded to hundredths, written without trailing zeros
/// (`12`, `12.5`), straight into the SVG being built.
fn fmt(v: f32) -> Short {
    Short((v * 100.0).round() / 100.0)
}

struct Short(f32);

impl std::fmt::Display for Short {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let r = self.0;
        if r == r.trunc() {
            write!(f, "{}", r as i64)
        } else {
            write!(f, "{r}")
        }
    }
}

/// A glyph the font lacks is drawn as a visible crossed box, never left out.
fn missing_box(out: &mut String, x: f32, baseline: f32, size: f32) {
    let top = baseline - size * 0.88;
    let (x0, y0, w) = (fmt(x + size * 0.1), fmt(top + size * 0.1), fmt(size * 0.8));
    let _ = write!(
        out,
        r##"<g fill="none" stroke="#d00" stroke-width="{sw}"><rect x="{x0}" y="{y0}" width="{w}" height="{w}"/><path d="M{x0} {y0}l{w} {w}M{x1} {y0}l-{w} {w}"/></g>"##,
        sw = fmt(size * 0.05),
        x1 = fmt(x + size * 0.9),
    );
}

/// The id of a glyph's definition: `q-b-7EA2` (weight, code point).
fn glyph_id(weight: Weight, c: char) -> DefId {
    DefId(weight, c)
}

struct DefId(Weight, char);

impl std::fmt::Display for DefId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let w = match self.0 {
            Weight::Regular => 'r',
            Weight::Bold => 'b',
        };
        write!(f, "q-{w}-{:X}", self.1 as u32)
    }
}

/// Place one glyph: a `<use>` of its definition (see [`with_glyph_defs`]).
fn glyph_at(out: &mut String, weight: Weight, c: char, x: f32, baseline: f32, size: f32) -> f32 {
    let font = FONTS.get(weight);
    let scale = size / font.units_per_em;
    match font.glyph(c) {
        Some(g) => {
            if !g.path.is_empty() {
                let _ = write!(
                    out,
                    r##"<use href="#{}" transform="translate({} {}) scale({})"/>"##,
                    glyph_id(weight, c),
                    fmt(x),
                    fmt(baseline),
                    scale
                );
            }
            g.advance * scale
        }
        None => {
            missing_box(out, x, baseline, size);
            size
        }
    }
}

/// Add a `<defs>` with every glyph an SVG uses, right after its root element,
/// so each glyph's outline is written once however often it appears.
/// Definitions are flipped to SVG's y-down once, here.
pub fn with_glyph_defs(svg: &str) -> String {
    let mut used: Vec<(Weight, char)> = Vec::new();
    let mut rest = svg;
    while let Some(at) = rest.find("href=\"#q-") {
        // `href="#q-b-7EA2"`: weight, then code point.
        rest = &rest[at + 7..];
        let end = rest.find('"').unwrap_or(0);
        let id = &rest[..end];
        let weight = if id.starts_with("q-r-") {
            Weight::Regular
        } else {
            Weight::Bold
        };
        if let Some(c) = id
            .get(4..)
            .and_then(|h| u32::from_str_radix(h, 16).ok())
            .and_then(char::from_u32)
            && !used.contains(&(weight, c))
        {
            used.push((weight, c));
        }
    }
    if used.is_empty() {
        return svg.to_owned();
    }
    let mut defs = String::from("<defs>");
    for (weight, c) in used {
        if let Some(g) = FONTS.get(weight).glyph(c) {
            let _ = write!(
                defs,
                r#"<path id="{}" transform="scale(1 -1)" d="{}"/>"#,
                glyph_id(weight, c),
                g.path
            );
        }
    }
    defs.push_str("</defs>");
    match svg
        .find("<svg")
        .and_then(|start| svg[start..].find('>').map(|end| start + end + 1))
    {
        Some(at) => format!("{}{}{}", &svg[..at], defs, &svg[at..]),
        None => format!("{defs}{svg}"),
    }
}

/// One line of text as outlines, in a `<g>` filled with `fill`.
pub fn line(
    text: &str,
    x: f32,
    baseline: f32,
    size: f32,
    anchor: Anchor,
    weight: Weight,
    fill: &str,
) -> String {
    let font = FONTS.get(weight);
    let width = font.width(text, size);
    let mut cx = match anchor {
        Anchor::Start => x,
        Anchor::Middle => x - width / 2.0,
        Anchor::End => x - width,
    };
    let mut out = format!(r#"<g fill="{}">"#, escape_attr(fill));
    for c in text.chars() {
        cx += glyph_at(&mut out, weight, c, cx, baseline, size);
    }
    out.push_str("</g>");
    out
}

/// Text set vertically, one character per line, centred on `cx` and spread
/// evenly from `top` to `bottom`.
pub fn vertical(
    text: &str,
    cx: f32,
    top: f32,
    bottom: f32,
    size: f32,
    weight: Weight,
    fill: &str,
) -> String {
    let font = FONTS.get(weight);
    let chars: Vec<char> = text.chars().filter(|c| !c.is_whitespace()).collect();
    let n = chars.len().max(1) as f32;
    let cell = (bottom - top) / n;
    let mut out = format!(r#"<g fill="{}">"#, escape_attr(fill));
    for (i, &c) in chars.iter().enumerate() {
        let centre = top + cell * (i as f32 + 0.5);
        let adv = font.advance(c) * size / font.units_per_em;
        glyph_at(
            &mut out,
            weight,
            c,
            cx - adv / 2.0,
            centre + size * EM_CENTRE,
            size,
        );
    }
    out.push_str("</g>");
    out
}

/// Text for an SVG or HTML attribute value.
pub fn escape_attr(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gbk_characters_are_covered_and_others_are_not() {
        assert!(FONTS.missing("中共红旗社区委员会堃").is_empty());
        assert_eq!(FONTS.missing("红旗𠀀社区"), vec!['𠀀']);
    }

    #[test]
    fn outlines_not_text() {
        let svg = line(
            "中国社区",
            0.0,
            100.0,
            50.0,
            Anchor::Middle,
            Weight::Bold,
            "#c00",
        );
        assert!(svg.contains("<use") && !svg.contains("<text"));
        let full = with_glyph_defs(&format!("<svg>{svg}{svg}</svg>"));
        assert_eq!(
            full.matches("<path id=").count(),
            4,
            "each glyph defined once"
        );
        assert!(full.starts_with("<svg><defs>"));
        assert!((FONTS.bold.width("中国社区", 50.0) - 200.0).abs() < 1.0);
        let missing = line("𠀀", 0.0, 100.0, 50.0, Anchor::Start, Weight::Bold, "#000");
        assert!(
            missing.contains("<rect"),
            "a missing glyph is drawn as a box"
        );
    }
}
