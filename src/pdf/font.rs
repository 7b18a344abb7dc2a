//! Font subsets for the PDFs' real text.
//!
//! printpdf 0.12 only subsets fonts with its `text_layout` feature (azul's
//! layout engine, which this project leaves out); without it every PDF would
//! carry the whole 5.3 MB font. So each document gets its own small font
//! here: the glyphs of exactly the characters it uses, read with ttf-parser
//! from the shipped Noto Sans CJK SC and written out as a bare CID-keyed CFF
//! (CID = glyph id), embedded as `/FontFile3 /CIDFontType0C` with its widths
//! and a ToUnicode map ([`super::doc`] writes the dictionaries, as printpdf
//! does for a CJK font; its own font path re-read and re-mapped each subset,
//! a tenth of a county build): text stays selectable and searchable.
//!
//! Outlines lose their hints, which print does not need. Each glyph's
//! charstring is encoded once per process and shared by every document.

use std::collections::{BTreeSet, HashMap};
use std::sync::{Arc, LazyLock, RwLock};

use ttf_parser::{Face, OutlineBuilder};

use crate::fonts::{BOLD_OTF, REGULAR_OTF, Weight};

struct Source {
    face: Face<'static>,
    /// PostScript name, for `/BaseFont`.
    name: &'static str,
    charstrings: RwLock<HashMap<char, Option<Arc<Glyph>>>>,
}

struct Glyph {
    advance: u16,
    charstring: Vec<u8>,
}

static REGULAR: LazyLock<Source> =
    LazyLock::new(|| Source::new(REGULAR_OTF, "NotoSansCJKsc-Regular"));
static BOLD: LazyLock<Source> = LazyLock::new(|| Source::new(BOLD_OTF, "NotoSansCJKsc-Bold"));

fn source(weight: Weight) -> &'static Source {
    match weight {
        Weight::Regular => &REGULAR,
        Weight::Bold => &BOLD,
    }
}

impl Source {
    fn new(data: &'static [u8], name: &'static str) -> Source {
        Source {
            face: Face::parse(data, 0).expect("the embedded font parses"),
            name,
            charstrings: RwLock::new(HashMap::new()),
        }
    }

    fn glyph(&self, c: char) -> Option<Arc<Glyph>> {
        if let Some(g) = self.charstrings.read().expect("glyph cache").get(&c) {
            return g.clone();
        }
        let g = self.face.glyph_index(c).map(|id| {
            let advance = self.face.glyph_hor_advance(id).unwrap_or(1000);
            let mut cs = Charstring::new(advance);
            self.face.outline_glyph(id, &mut cs);
            Arc::new(Glyph {
                advance,
                charstring: cs.finish(),
            })
        });
        self.charstrings
            .write()
            .expect("glyph cache")
            .insert(c, g.clone());
        g
    }
}

/// A Type 2 charstring from an outline: absolute font-unit points rounded to
/// integers, written as relative moves, lines and curves.
struct Charstring {
    out: Vec<u8>,
    width: Option<u16>,
    x: i32,
    y: i32,
}

impl Charstring {
    fn new(advance: u16) -> Charstring {
        Charstring {
            out: Vec::new(),
            width: Some(advance),
            x: 0,
            y: 0,
        }
    }

    /// The first stack-clearing operator carries the advance width
    /// (nominalWidthX is 0).
    fn width(&mut self) {
        if let Some(w) = self.width.take() {
            num(&mut self.out, i32::from(w));
        }
    }

    fn rel(&mut self, x: f32, y: f32) -> (i32, i32) {
        let (x, y) = (x.round() as i32, y.round() as i32);
        let d = (x - self.x, y - self.y);
        self.x = x;
        self.y = y;
        d
    }

    fn finish(mut self) -> Vec<u8> {
        self.width();
        self.out.push(14); // endchar
        self.out
    }
}

impl OutlineBuilder for Charstring {
    fn move_to(&mut self, x: f32, y: f32) {
        self.width();
        let (dx, dy) = self.rel(x, y);
        num(&mut self.out, dx);
        num(&mut self.out, dy);
        self.out.push(21); // rmoveto
    }
    fn line_to(&mut self, x: f32, y: f32) {
        let (dx, dy) = self.rel(x, y);
        num(&mut self.out, dx);
        num(&mut self.out, dy);
        self.out.push(5); // rlineto
    }
    fn quad_to(&mut self, x1: f32, y1: f32, x: f32, y: f32) {
        // CFF has no quadratics; raise the degree (exact).
        let (x0, y0) = (self.x as f32, self.y as f32);
        self.curve_to(
            x0 + (x1 - x0) * 2.0 / 3.0,
            y0 + (y1 - y0) * 2.0 / 3.0,
            x + (x1 - x) * 2.0 / 3.0,
            y + (y1 - y) * 2.0 / 3.0,
            x,
            y,
        );
    }
    fn curve_to(&mut self, x1: f32, y1: f32, x2: f32, y2: f32, x: f32, y: f32) {
        for (px, py) in [(x1, y1), (x2, y2), (x, y)] {
            let (dx, dy) = self.rel(px, py);
            num(&mut self.out, dx);
            num(&mut self.out, dy);
        }
        self.out.push(8); // rrcurveto
    }
    fn close(&mut self) {
        // Implicit in CFF: the next moveto or endchar closes the path.
    }
}

/// A Type 2 charstring integer operand.
fn num(out: &mut Vec<u8>, v: i32) {
    match v {
        -107..=107 => out.push((v + 139) as u8),
        108..=1131 => {
            let v = v - 108;
            out.extend([(v / 256 + 247) as u8, (v % 256) as u8]);
        }
        -1131..=-108 => {
            let v = -v - 108;
            out.extend([(v / 256 + 251) as u8, (v % 256) as u8]);
        }
        _ => {
            let v = v.clamp(-32768, 32767) as i16;
            out.push(28);
            out.extend(v.to_be_bytes());
        }
    }
}

/// A DICT operand: always the 5-byte form, so a DICT's size does not depend
/// on the offsets it holds and the layout is computed in one pass.
fn dict_int(out: &mut Vec<u8>, v: i32) {
    out.push(29);
    out.extend(v.to_be_bytes());
}

fn dict_op(out: &mut Vec<u8>, op: &[u8]) {
    out.extend(op);
}

/// A CFF INDEX of `items`.
fn index(items: &[&[u8]]) -> Vec<u8> {
    let mut out = Vec::new();
    out.extend((items.len() as u16).to_be_bytes());
    if items.is_empty() {
        return out;
    }
    let total: usize = items.iter().map(|i| i.len()).sum::<usize>() + 1;
    let off_size: u8 = match total {
        0..=0xFF => 1,
        0x100..=0xFFFF => 2,
        0x1_0000..=0xFF_FFFF => 3,
        _ => 4,
    };
    out.push(off_size);
    let put = |out: &mut Vec<u8>, v: usize| {
        let b = (v as u32).to_be_bytes();
        out.extend(&b[4 - off_size as usize..]);
    };
    let mut at = 1;
    put(&mut out, at);
    for i in items {
        at += i.len();
        put(&mut out, at);
    }
    for i in items {
        out.extend(*i);
    }
    out
}

/// The font of one weight for one document: the glyphs of exactly the
/// characters it uses.
pub struct Subset {
    /// `/BaseFont`: a subset tag, `+` and the PostScript name.
    pub name: String,
    /// The bare CID-keyed CFF (`/FontFile3 /CIDFontType0C`).
    pub cff: Vec<u8>,
    /// Each character the font has, with its advance in 1/1000 em, in glyph
    /// order: the first is glyph (and CID) 1, glyph 0 being `.notdef`.
    pub glyphs: Vec<(char, u16)>,
}

impl Subset {
    /// Character → glyph code, for the content streams.
    pub fn codes(&self) -> std::collections::HashMap<char, u16> {
        self.glyphs
            .iter()
            .enumerate()
            .map(|(i, &(c, _))| (c, (i + 1) as u16))
            .collect()
    }

    /// The `/W` array's content: `1 [w1 w2 …]`, every glyph's advance from
    /// CID 1 on (`/DW` 1000 covers `.notdef`).
    pub fn widths(&self) -> Vec<u16> {
        self.glyphs.iter().map(|&(_, w)| w).collect()
    }

    /// The ToUnicode CMap (ISO 32000-1 9.10.3): each code back to its
    /// character, so text can be searched and copied. `bfchar` blocks hold
    /// at most 100 entries and do not cross a high byte.
    pub fn to_unicode(&self, resource: &str) -> Vec<u8> {
        use std::io::Write;
        let mut out = Vec::with_capacity(600 + self.glyphs.len() * 16);
        let _ = write!(
            out,
            "/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n\
             /CIDSystemInfo 3 dict dup begin\n/Registry (FontSpecific) def\n\
             /Ordering ({resource}) def\n/Supplement 0 def\nend def\n\
             /CMapName /FontSpecific-{resource} def\n/CMapType 2 def\n\
             1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n"
        );
        let entries: Vec<(u16, char)> = self
            .glyphs
            .iter()
            .enumerate()
            .map(|(i, &(c, _))| ((i + 1) as u16, c))
            .collect();
        for block in entries.chunk_by(|a, b| a.0 >> 8 == b.0 >> 8) {
            for chunk in block.chunks(100) {
                let _ = writeln!(out, "{} beginbfchar", chunk.len());
                for &(code, c) in chunk {
                    out.push(b'<');
                    hex4(&mut out, code);
                    out.extend_from_slice(b"> <");
                    let mut units = [0u16; 2];
                    for &mut u in c.encode_utf16(&mut units) {
                        hex4(&mut out, u);
                    }
                    out.extend_from_slice(b">\n");
                }
                out.extend_from_slice(b"endbfchar\n");
            }
        }
        out.extend_from_slice(
            b"endcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n",
        );
        out
    }
}

/// `v` as four upper-case hex digits (formatting each through `write!`
/// was a percent of a county build).
fn hex4(out: &mut Vec<u8>, v: u16) {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    out.extend([12, 8, 4, 0].map(|shift| HEX[usize::from((v >> shift) & 0xF)]));
}

/// Build a font holding `chars` (glyph 0 is an empty .notdef; the others
/// follow in code-point order). Characters the font lacks are left out:
/// they are shown as `.notdef`, as the sign drawings box them instead.
pub fn subset(weight: Weight, chars: &BTreeSet<char>) -> Subset {
    let src = source(weight);
    let mut glyphs: Vec<(char, Arc<Glyph>)> = Vec::new();
    for &c in chars {
        if let Some(g) = src.glyph(c) {
            glyphs.push((c, g));
        }
    }
    let notdef = {
        let mut cs = Vec::new();
        num(&mut cs, 1000);
        cs.push(14);
        cs
    };
    let mut charstrings: Vec<&[u8]> = vec![&notdef];
    charstrings.extend(glyphs.iter().map(|(_, g)| g.charstring.as_slice()));
    let cff = cff(src.name, &charstrings);

    // A subset tag (six capitals and `+`, ISO 32000-1 9.6.4) from the set of
    // characters, so equal subsets get equal names.
    let mut h: u32 = 2166136261;
    for c in chars {
        h = (h ^ *c as u32).wrapping_mul(16777619);
    }
    let tag: String = (0..6)
        .map(|i| (b'A' + ((h >> (i * 5)) % 26) as u8) as char)
        .collect();
    Subset {
        name: format!("{tag}+{}", src.name),
        cff,
        glyphs: glyphs.iter().map(|(c, g)| (*c, g.advance)).collect(),
    }
}

/// A CID-keyed CFF (Registry Adobe, Ordering Identity): charset CID = GID,
/// one Font DICT for every glyph.
fn cff(name: &str, charstrings: &[&[u8]]) -> Vec<u8> {
    let n = charstrings.len();
    let header = [1u8, 0, 4, 4];
    let name_index = index(&[name.as_bytes()]);
    let strings = index(&[b"Adobe", b"Identity"]);
    let global_subrs = index(&[]);
    // charset format 2: one range, CIDs 1.. for GIDs 1..
    let mut charset = vec![2u8];
    if n > 1 {
        charset.extend(1u16.to_be_bytes());
        charset.extend(((n - 2) as u16).to_be_bytes());
    }
    // FDSelect format 3: every glyph in Font DICT 0.
    let mut fdselect = vec![3u8];
    fdselect.extend(1u16.to_be_bytes());
    fdselect.extend(0u16.to_be_bytes());
    fdselect.push(0);
    fdselect.extend((n as u16).to_be_bytes());
    let charstrings_index = index(charstrings);
    let mut private = Vec::new();
    dict_int(&mut private, 0);
    dict_op(&mut private, &[21]); // nominalWidthX 0

    // The Top DICT, with placeholder offsets of fixed size.
    let top = |charset_at: i32, fdselect_at: i32, cs_at: i32, fdarray_at: i32| {
        let mut d = Vec::new();
        dict_int(&mut d, 391);
        dict_int(&mut d, 392);
        dict_int(&mut d, 0);
        dict_op(&mut d, &[12, 30]); // ROS
        for v in [-1000, -1000, 2000, 1000] {
            dict_int(&mut d, v);
        }
        dict_op(&mut d, &[5]); // FontBBox
        dict_int(&mut d, n as i32);
        dict_op(&mut d, &[12, 34]); // CIDCount
        dict_int(&mut d, charset_at);
        dict_op(&mut d, &[15]); // charset
        dict_int(&mut d, fdselect_at);
        dict_op(&mut d, &[12, 37]); // FDSelect
        dict_int(&mut d, cs_at);
        dict_op(&mut d, &[17]); // CharStrings
        dict_int(&mut d, fdarray_at);
        dict_op(&mut d, &[12, 36]); // FDArray
        d
    };
    let top_len = index(&[&top(0, 0, 0, 0)]).len();
    let charset_at = header.len() + name_index.len() + top_len + strings.len() + global_subrs.len();
    let fdselect_at = charset_at + charset.len();
    let cs_at = fdselect_at + fdselect.len();
    let fdarray_at = cs_at + charstrings_index.len();
    let font_dict = |private_at: i32| {
        let mut d = Vec::new();
        dict_int(&mut d, private.len() as i32);
        dict_int(&mut d, private_at);
        dict_op(&mut d, &[18]); // Private
        d
    };
    let fdarray_len = index(&[&font_dict(0)]).len();
    let private_at = fdarray_at + fdarray_len;

    let mut out = Vec::with_capacity(private_at + private.len());
    out.extend(header);
    out.extend(name_index);
    out.extend(index(&[&top(
        charset_at as i32,
        fdselect_at as i32,
        cs_at as i32,
        fdarray_at as i32,
    )]));
    out.extend(strings);
    out.extend(global_subrs);
    out.extend(charset);
    out.extend(fdselect);
    out.extend(charstrings_index);
    out.extend(index(&[&font_dict(private_at as i32)]));
    out.extend(private);
    out
}
