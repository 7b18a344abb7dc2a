//! A small page-drawing layer over printpdf: millimetres from the top-left
//! corner (as the layouts are designed), text in the shipped fonts with the
//! characters collected for the document's subset, and vector drawings
//! converted from SVG.
//!
//! Pages are content-stream bytes written here ([`super::content`]), not
//! printpdf `Op`s: printpdf turns each op into lopdf objects and formats
//! every number through `Display`, which was the largest part of a county
//! build. printpdf still writes the document: pages, opacity states,
//! images, outlines and metadata; the pages' streams are put in afterwards
//! ([`finish`]), and the fonts ([`add_fonts`]: printpdf's font path parsed
//! each subset again to rebuild maps we already have).

use std::collections::BTreeSet;
use std::hash::{Hash, Hasher};
use std::sync::Arc;

use printpdf::{
    Color, ExtendedGraphicsState, ExtendedGraphicsStateId, Mm, PdfDocument, PdfPage,
    PdfSaveOptions, Rgb, XObject, XObjectId,
};

use super::content::{colour, matrix, num, op};
use super::font;
use super::photo::{Data, Photo};
use super::svg::{Converted, Form};
use crate::fonts::{Anchor, FONTS, Weight};

/// Points per millimetre.
pub const PT: f32 = 72.0 / 25.4;

/// The document's fonts: fixed resource names, filled in when it is saved.
fn font_name(weight: Weight) -> &'static str {
    match weight {
        Weight::Regular => "FR",
        Weight::Bold => "FB",
    }
}

/// A colour from `#rgb` / `#rrggbb` (the standard's colours), black otherwise.
pub fn rgb(hex: &str) -> Color {
    let h = hex.trim().trim_start_matches('#');
    let v: Vec<f32> = match h.len() {
        3 => h
            .chars()
            .filter_map(|c| c.to_digit(16))
            .map(|d| (d * 17) as f32 / 255.0)
            .collect(),
        6 => (0..3)
            .filter_map(|i| {
                h.get(i * 2..i * 2 + 2)
                    .and_then(|x| u8::from_str_radix(x, 16).ok())
            })
            .map(|b| f32::from(b) / 255.0)
            .collect(),
        _ => Vec::new(),
    };
    if v.len() == 3 {
        Color::Rgb(Rgb::new(v[0], v[1], v[2], None))
    } else {
        Color::Rgb(Rgb::new(0.0, 0.0, 0.0, None))
    }
}

pub fn grey(v: f32) -> Color {
    Color::Rgb(Rgb::new(v, v, v, None))
}

/// A run of text whose glyph codes are known only when the document's font
/// subset is: it goes into the stream at `at` when the page is saved.
struct Text {
    at: usize,
    weight: Weight,
    text: String,
}

pub struct Page {
    pub w: f32,
    pub h: f32,
    /// The content stream, except the text strings ([`Text`]).
    content: Vec<u8>,
    texts: Vec<Text>,
    /// The trim box (production pages): x, y, w, h in mm from the top-left.
    pub trim: Option<[f32; 4]>,
    /// The bleed beyond the trim box on every side, in mm (production pages).
    pub bleed: f32,
    /// An outline entry for the page, named after what is on it.
    pub bookmark: Option<String>,
    /// Whether the registration colour is used (its colour space is added).
    registration: bool,
    /// Process colours (production files), as for the whole document.
    process: Option<Arc<Palette>>,
}

/// The registration colour (a Separation named `All`, which prints on every
/// plate): for crop marks. It is written as a Separation colour space when
/// the document is saved.
pub fn registration() -> Color {
    Color::SpotColor(printpdf::SpotColor::new(1.0, 1.0, 1.0, 1.0))
}

/// Process colours for print: the screen colours of a document are written
/// as CMYK (`k`/`K`), each from the standard's value where it gives one, so
/// black text never separates into a four-plate black.
#[derive(Clone, Debug, Default)]
pub struct Palette {
    known: std::collections::HashMap<[u8; 3], [f32; 4]>,
    /// A fingerprint of `known`: converted drawings are cached per palette.
    id: u64,
}

impl Palette {
    /// `(screen colour as #rrggbb, CMYK in percent)`.
    pub fn new<'a>(entries: impl IntoIterator<Item = (&'a str, [f32; 4])>) -> Palette {
        let mut known = std::collections::HashMap::new();
        for (hex, cmyk) in entries {
            if let Color::Rgb(c) = rgb(hex) {
                known.insert(bytes(&c), cmyk.map(|v| (v / 100.0).clamp(0.0, 1.0)));
            }
        }
        let mut sorted: Vec<_> = known.iter().collect();
        sorted.sort_by_key(|(k, _)| **k);
        let mut h = std::collections::hash_map::DefaultHasher::new();
        for (k, v) in sorted {
            k.hash(&mut h);
            v.map(f32::to_bits).hash(&mut h);
        }
        Palette {
            known,
            id: h.finish(),
        }
    }

    pub fn id(&self) -> u64 {
        self.id
    }

    /// The process colour of a screen colour, each component 0–1: the
    /// standard's value, else the standard's own conversion
    /// ([`crate::standard::rgb_to_cmyk`]: a grey is K only, near-black K 100).
    pub fn cmyk(&self, c: &Rgb) -> [f32; 4] {
        self.cmyk_of(bytes(c))
    }

    /// [`Palette::cmyk`] of an 8-bit colour.
    pub fn cmyk_of(&self, rgb: [u8; 3]) -> [f32; 4] {
        if let Some(v) = self.known.get(&rgb) {
            return *v;
        }
        let hex = format!("#{:02X}{:02X}{:02X}", rgb[0], rgb[1], rgb[2]);
        crate::standard::rgb_to_cmyk(&hex).map(|v| f32::from(v) / 100.0)
    }
}

fn bytes(c: &Rgb) -> [u8; 3] {
    [c.r, c.g, c.b].map(|v| (v * 255.0).round().clamp(0.0, 255.0) as u8)
}

/// A document being built.
#[derive(Default)]
pub struct Doc {
    pub pages: Vec<Page>,
    chars: [BTreeSet<char>; 2],
    /// Opacities (percent, fill and stroke) the drawings use.
    alphas: BTreeSet<(u8, u8)>,
    /// `YYYY-MM-DD`: the creation date in the metadata.
    pub date: String,
    /// The photos placed, each an image XObject named `IM1`, `IM2`, ...
    images: Vec<XObject>,
    /// Write every colour as a process colour (production files).
    process: Option<Arc<Palette>>,
    /// The glyph forms the drawings use, by resource name.
    forms: std::collections::BTreeMap<String, Arc<Form>>,
}

/// The resource name of an opacity state.
pub fn alpha_name(fill: u8, stroke: u8) -> String {
    format!("GA{fill}S{stroke}")
}

impl Doc {
    pub fn new() -> Doc {
        Doc::default()
    }

    /// A document whose colours are all written as process colours.
    pub fn for_print(palette: Palette) -> Doc {
        Doc {
            process: Some(Arc::new(palette)),
            ..Doc::default()
        }
    }

    /// The palette of a production file, for drawings converted for it.
    pub fn palette(&self) -> Option<&Palette> {
        self.process.as_deref()
    }

    pub fn page(&mut self, w: f32, h: f32) -> &mut Page {
        self.pages.push(Page {
            w,
            h,
            content: Vec::with_capacity(4096),
            texts: Vec::new(),
            trim: None,
            bleed: 0.0,
            bookmark: None,
            registration: false,
            process: self.process.clone(),
        });
        self.pages.last_mut().expect("just pushed")
    }

    /// Text at (x, baseline) in mm, `size` in points. Returns its width in mm.
    #[allow(clippy::too_many_arguments)]
    pub fn text(
        &mut self,
        page: usize,
        s: &str,
        x: f32,
        baseline: f32,
        size: f32,
        weight: Weight,
        anchor: Anchor,
        color: &Color,
    ) -> f32 {
        let s: String = s
            .chars()
            .map(|c| if c.is_whitespace() { ' ' } else { c })
            .collect();
        let width = text_width(&s, size, weight);
        if s.trim().is_empty() {
            return width;
        }
        self.chars[weight as usize].extend(s.chars());
        let x = match anchor {
            Anchor::Start => x,
            Anchor::Middle => x - width / 2.0,
            Anchor::End => x - width,
        };
        let p = &mut self.pages[page];
        let y = p.h - baseline;
        p.text_run(s, size, weight, color, [1.0, 0.0, 0.0, 1.0, x * PT, y * PT]);
        width
    }

    /// Text reading upwards (turned 90° anticlockwise), centred on `cy`, its
    /// baseline at `x`: the glyphs lie left of it.
    #[allow(clippy::too_many_arguments)]
    pub fn text_up(
        &mut self,
        page: usize,
        s: &str,
        x: f32,
        cy: f32,
        size: f32,
        weight: Weight,
        color: &Color,
    ) {
        let width = text_width(s, size, weight);
        self.chars[weight as usize].extend(s.chars());
        let p = &mut self.pages[page];
        let y = p.h - (cy + width / 2.0);
        p.text_run(
            s.to_owned(),
            size,
            weight,
            color,
            [0.0, 1.0, -1.0, 0.0, x * PT, y * PT],
        );
    }

    /// A converted SVG drawing, its user unit scaled to `scale` mm, its
    /// top-left corner at (x, y) mm. Its colours are as it was converted:
    /// for a production file, convert it with [`Doc::palette`].
    pub fn drawing(&mut self, page: usize, d: &Converted, x: f32, y: f32, scale: f32) {
        self.alphas.extend(d.alphas.iter().copied());
        for (name, form) in &d.forms {
            if !self.forms.contains_key(name) {
                self.forms.insert(name.clone(), form.clone());
            }
        }
        let p = &mut self.pages[page];
        let k = scale * PT;
        p.content.extend_from_slice(b"q\n");
        matrix(
            &mut p.content,
            [k, 0.0, 0.0, -k, x * PT, (p.h - y) * PT],
            b"cm",
        );
        p.content.extend_from_slice(&d.content);
        p.content.extend_from_slice(b"Q\n");
    }

    /// A photo filling the box at (x, y) mm, `w`×`h` mm, turned upright by
    /// its EXIF orientation. The box should have the photo's shown aspect
    /// ratio ([`Photo::shown_size`]); it is not kept here.
    #[allow(clippy::too_many_arguments)]
    pub fn image(&mut self, page: usize, photo: &Photo, x: f32, y: f32, w: f32, h: f32) {
        let xobject = match &photo.data {
            Data::Jpeg {
                bytes,
                components,
                adobe,
            } => jpeg_xobject(photo, bytes, *components, *adobe),
            Data::Rgb(rgb) => XObject::Image(printpdf::RawImage {
                pixels: printpdf::RawImageData::U8(rgb.clone()),
                width: photo.width as usize,
                height: photo.height as usize,
                data_format: printpdf::RawImageFormat::RGB8,
                tag: Vec::new(),
            }),
        };
        self.images.push(xobject);
        let n = self.images.len();
        let [a, b, c, d, e, f] = photo.orientation_matrix();
        let p = &mut self.pages[page];
        // The image's unit square, oriented, onto the box (PDF y up).
        let (bx, by, bw, bh) = (x * PT, (p.h - y - h) * PT, w * PT, h * PT);
        let out = &mut p.content;
        out.extend_from_slice(b"q\n");
        matrix(
            out,
            [bw * a, bh * b, bw * c, bh * d, bx + bw * e, by + bh * f],
            b"cm",
        );
        out.extend_from_slice(format!("/IM{n} Do\nQ\n").as_bytes());
    }

    /// Save: the font subsets, the opacity states, metadata.
    pub fn save(self, title: &str, subject: &str, author: &str, keywords: &[String]) -> Vec<u8> {
        let mut doc = PdfDocument::new(title);
        doc.metadata.info.subject = subject.to_owned();
        doc.metadata.info.author = author.to_owned();
        doc.metadata.info.creator = "qingpai".into();
        doc.metadata.info.producer = format!("qingpai {} (printpdf)", env!("CARGO_PKG_VERSION"));
        doc.metadata.info.keywords = keywords.to_vec();
        let ymd: Vec<u32> = self
            .date
            .split('-')
            .filter_map(|p| p.parse().ok())
            .collect();
        if let [year, month, day] = ymd[..] {
            let date = printpdf::DateTime {
                date: printpdf::Date {
                    year: year as i32,
                    month: month as u8,
                    day: day as u8,
                },
                time: printpdf::Time {
                    hour: 0,
                    minute: 0,
                    second: 0,
                    millisecond: 0,
                },
                offset: printpdf::Offset {
                    hours: 0,
                    minutes: 0,
                    seconds: 0,
                    milliseconds: 0,
                },
            };
            doc.metadata.info.creation_date = date;
            doc.metadata.info.modification_date = date;
            doc.metadata.info.metadata_date = date;
        }
        // The fonts are written after printpdf's document ([`add_fonts`]).
        let subsets: Vec<(Weight, font::Subset)> = [Weight::Regular, Weight::Bold]
            .into_iter()
            .filter(|&w| !self.chars[w as usize].is_empty())
            .map(|w| (w, font::subset(w, &self.chars[w as usize])))
            .collect();
        let mut codes: [std::collections::HashMap<char, u16>; 2] = Default::default();
        for (weight, sub) in &subsets {
            codes[*weight as usize] = sub.codes();
        }
        for &(fill, stroke) in &self.alphas {
            let gs = ExtendedGraphicsState::default()
                .with_current_fill_alpha(f32::from(fill) / 100.0)
                .with_current_stroke_alpha(f32::from(stroke) / 100.0);
            doc.resources
                .extgstates
                .map
                .insert(ExtendedGraphicsStateId(alpha_name(fill, stroke)), gs);
        }
        for (i, xobject) in self.images.into_iter().enumerate() {
            doc.resources
                .xobjects
                .map
                .insert(XObjectId(format!("IM{}", i + 1)), xobject);
        }
        let mut boxes = Vec::new();
        let mut streams = Vec::new();
        let mut pages = Vec::new();
        for (i, p) in self.pages.into_iter().enumerate() {
            if let Some(name) = &p.bookmark {
                doc.add_bookmark(name, i + 1);
            }
            boxes.push((p.w, p.h, p.trim, p.bleed, p.registration));
            pages.push(PdfPage::new(Mm(p.w), Mm(p.h), Vec::new()));
            let stream = p.finish(&codes);
            streams.push(stream);
        }
        doc.with_pages(pages);
        let mut warnings = Vec::new();
        let opts = PdfSaveOptions::default();
        let mut lo = printpdf::to_lopdf_doc(&doc, &opts, &mut warnings);
        finish(&mut lo, &boxes, streams);
        add_fonts(&mut lo, subsets);
        add_forms(&mut lo, &self.forms);
        compress(&mut lo);
        let mut out = Vec::new();
        lo.save_to(&mut out).expect("writing to memory");
        content_id(&mut out);
        out
    }
}

/// printpdf names each file with a random `/ID`: the same sheet built twice
/// would differ, and the incremental build could not tell it is unchanged.
/// The ID becomes the first 16 bytes of the file's own SHA-256 (ISO 32000
/// asks an ID to be unique to the file's content; same length, so the cross
/// reference table stays right).
fn content_id(pdf: &mut [u8]) {
    use sha2::{Digest, Sha256};
    let Some(at) = pdf.windows(5).rposition(|w| w == b"/ID[(") else {
        return;
    };
    let start = at + 5;
    let Some(len) = pdf[start..].iter().position(|&b| b == b')') else {
        return;
    };
    let Some(second) = pdf.get(start + len + 2..start + len + 2 + len) else {
        return;
    };
    if len != 32 || pdf[start + len + 1] != b'(' || second.contains(&b')') {
        return;
    }
    for b in &mut pdf[start..start + len] {
        *b = b'0';
    }
    for b in &mut pdf[start + len + 2..start + 2 * len + 2] {
        *b = b'0';
    }
    let hex: String = Sha256::digest(&*pdf)[..16]
        .iter()
        .map(|b| format!("{b:02X}"))
        .collect();
    pdf[start..start + len].copy_from_slice(hex.as_bytes());
    pdf[start + len + 2..start + 2 * len + 2].copy_from_slice(hex.as_bytes());
}

/// Deflate level for PDF streams. lopdf's own `compress` uses the best
/// level, which was about a third of a full build's time. Measured on 1,898
/// communities (share of the build's CPU in zlib; all PDFs): level 1 3.7 %,
/// 372 MB; level 2 7.7 %, 361 MB; level 3 9.8 %, 360 MB. The files grow by
/// 3 % (a sheet 101 KB instead of 97 KB) for a sixteenth of the CPU.
const DEFLATE_LEVEL: u32 = 1;

/// `data` deflated (zlib) at [`DEFLATE_LEVEL`]. Each thread keeps its
/// compressor and resets it: setting one up zeroes a few hundred KB, which
/// for the many small streams of a county build cost more than packing them.
pub fn deflate(data: &[u8]) -> Vec<u8> {
    thread_local! {
        static ENCODER: std::cell::RefCell<flate2::Compress> = std::cell::RefCell::new(
            flate2::Compress::new(flate2::Compression::new(DEFLATE_LEVEL), true),
        );
    }
    ENCODER.with(|enc| deflate_with(&mut enc.borrow_mut(), data))
}

fn deflate_with(enc: &mut flate2::Compress, data: &[u8]) -> Vec<u8> {
    use flate2::{FlushCompress, Status};
    enc.reset();
    let mut out = Vec::with_capacity(data.len() / 2 + 64);
    loop {
        let read = enc.total_in() as usize;
        let Some(rest) = data.get(read..) else {
            return Vec::new();
        };
        if out.capacity() - out.len() < 64 {
            out.reserve(out.capacity().max(1024));
        }
        match enc.compress_vec(rest, &mut out, FlushCompress::Finish) {
            Ok(Status::StreamEnd) => return out,
            Ok(_) => {}
            // Not expected in memory; the caller stores the stream as is.
            Err(_) => return Vec::new(),
        }
    }
}

/// `data` deflated (zlib) at the best level: for what is compressed once
/// per process (glyph forms).
pub fn deflate_best(data: &[u8]) -> Vec<u8> {
    use std::io::Write;
    let mut enc = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::best());
    let _ = enc.write_all(data);
    enc.finish().unwrap_or_default()
}

/// Compress every stream that allows it and is not compressed yet.
fn compress(lo: &mut lopdf::Document) {
    for object in lo.objects.values_mut() {
        let lopdf::Object::Stream(stream) = object else {
            continue;
        };
        if !stream.allows_compression || stream.dict.get(b"Filter").is_ok() {
            continue;
        }
        // The embedded font subsets are stored as they are: CFF outlines are
        // dense already, and deflating them was a quarter of a PDF build's
        // time. Measured on 1,000 communities: 6.5 s of CPU and 280 MB
        // stored, 8.1–8.4 s and 271 MB at level 1, 9.4–10.0 s and 255 MB at
        // level 3 (sheet.pdf about 114 KB instead of 96 KB).
        let font = stream
            .dict
            .get(b"Subtype")
            .and_then(lopdf::Object::as_name)
            .is_ok_and(|n| n == b"CIDFontType0C" || n == b"OpenType");
        if font {
            continue;
        }
        let packed = deflate(&stream.content);
        if !packed.is_empty() && packed.len() + 19 < stream.content.len() {
            stream.dict.set("Filter", "FlateDecode");
            stream.set_content(packed);
        }
    }
}

/// The font subsets as Type 0 fonts over CID-keyed CFF (ISO 32000-1 9.7),
/// named [`font_name`] in every page's resources. The metrics are the
/// shipped Noto Sans CJK's (ascent 880, descent −120 per 1000 em) and the
/// stem width a weight of 400 or 700 conventionally gets.
fn add_fonts(lo: &mut lopdf::Document, subsets: Vec<(Weight, font::Subset)>) {
    use lopdf::{Dictionary, Object, Stream};
    if subsets.is_empty() {
        return;
    }
    let name = |s: &str| Object::Name(s.as_bytes().to_vec());
    let mut fonts = Dictionary::new();
    for (weight, sub) in subsets {
        let widths = sub.widths();
        let resource = font_name(weight);
        let to_unicode = sub.to_unicode(resource);
        let program = lo.add_object(
            Stream::new(
                Dictionary::from_iter(vec![("Subtype", name("CIDFontType0C"))]),
                sub.cff,
            )
            .with_compression(false),
        );
        let stem_v = match weight {
            Weight::Regular => 88,
            Weight::Bold => 166,
        };
        let descriptor = lo.add_object(Dictionary::from_iter(vec![
            ("Type", name("FontDescriptor")),
            ("FontName", name(&sub.name)),
            ("Flags", Object::Integer(32)),
            (
                "FontBBox",
                Object::Array([-1000, -1000, 2000, 1000].map(Object::Integer).to_vec()),
            ),
            ("ItalicAngle", Object::Integer(0)),
            ("Ascent", Object::Integer(880)),
            ("Descent", Object::Integer(-120)),
            ("CapHeight", Object::Integer(880)),
            ("StemV", Object::Integer(stem_v)),
            ("FontFile3", Object::Reference(program)),
        ]));
        let w = if widths.is_empty() {
            Vec::new()
        } else {
            vec![
                Object::Integer(1),
                Object::Array(
                    widths
                        .into_iter()
                        .map(|v| Object::Integer(v.into()))
                        .collect(),
                ),
            ]
        };
        let cid_font = Dictionary::from_iter(vec![
            ("Type", name("Font")),
            ("Subtype", name("CIDFontType0")),
            ("BaseFont", name(&sub.name)),
            (
                "CIDSystemInfo",
                Object::Dictionary(Dictionary::from_iter(vec![
                    ("Registry", Object::string_literal("Adobe")),
                    ("Ordering", Object::string_literal("Identity")),
                    ("Supplement", Object::Integer(0)),
                ])),
            ),
            ("FontDescriptor", Object::Reference(descriptor)),
            ("DW", Object::Integer(1000)),
            ("W", Object::Array(w)),
        ]);
        let to_unicode = lo.add_object(Stream::new(Dictionary::new(), to_unicode));
        let font = lo.add_object(Dictionary::from_iter(vec![
            ("Type", name("Font")),
            ("Subtype", name("Type0")),
            ("BaseFont", name(&sub.name)),
            ("Encoding", name("Identity-H")),
            (
                "DescendantFonts",
                Object::Array(vec![Object::Dictionary(cid_font)]),
            ),
            ("ToUnicode", Object::Reference(to_unicode)),
        ]));
        fonts.set(resource, Object::Reference(font));
    }
    let fonts = lo.add_object(fonts);
    let pages: Vec<lopdf::ObjectId> = lo.get_pages().into_values().collect();
    for page in pages {
        let resources = match lo.get_dictionary(page).and_then(|p| p.get(b"Resources")) {
            Ok(Object::Reference(id)) => Some(*id),
            _ => None,
        };
        let target = match resources {
            Some(id) => lo.get_object_mut(id).ok(),
            None => lo.get_object_mut(page).ok().and_then(|p| match p {
                Object::Dictionary(d) => d.get_mut(b"Resources").ok(),
                _ => None,
            }),
        };
        if let Some(Object::Dictionary(dict)) = target {
            dict.set("Font", Object::Reference(fonts));
        }
    }
}

/// The glyph forms, each an XObject already compressed, in the resources
/// every page shares (printpdf gives all pages one XObject dictionary).
fn add_forms(lo: &mut lopdf::Document, forms: &std::collections::BTreeMap<String, Arc<Form>>) {
    use lopdf::Object;
    if forms.is_empty() {
        return;
    }
    let xobjects = lo
        .get_pages()
        .into_values()
        .next()
        .and_then(|page| {
            lo.get_dictionary(page)
                .ok()?
                .get(b"Resources")
                .ok()?
                .as_reference()
                .ok()
        })
        .and_then(|res| {
            lo.get_dictionary(res)
                .ok()?
                .get(b"XObject")
                .ok()?
                .as_reference()
                .ok()
        });
    let Some(xobjects) = xobjects else {
        return;
    };
    let mut names = Vec::new();
    for (name, form) in forms {
        let dict = lopdf::Dictionary::from_iter(vec![
            ("Type", Object::Name(b"XObject".to_vec())),
            ("Subtype", Object::Name(b"Form".to_vec())),
            // Font units, y up, to the drawing's y down.
            (
                "Matrix",
                Object::Array([1, 0, 0, -1, 0, 0].map(Object::Integer).to_vec()),
            ),
            (
                "BBox",
                Object::Array(
                    form.bbox
                        .iter()
                        .map(
                            |v| Object::Integer(if *v < 0.0 { v.floor() } else { v.ceil() } as i64),
                        )
                        .collect(),
                ),
            ),
            ("Filter", Object::Name(b"FlateDecode".to_vec())),
        ]);
        let stream = lopdf::Stream::new(dict, form.packed.clone()).with_compression(false);
        names.push((name.clone(), lo.add_object(stream)));
    }
    if let Ok(Object::Dictionary(dict)) = lo.get_object_mut(xobjects) {
        for (name, id) in names {
            dict.set(name, Object::Reference(id));
        }
    }
}

/// A page's size, trim box and bleed (mm) and whether it uses the
/// registration colour, for [`finish`].
type PageBoxes = (f32, f32, Option<[f32; 4]>, f32, bool);

/// The colour space resource name of the registration colour.
const REGISTRATION: &str = "CSAll";

/// What printpdf does not write (or not right): the pages' content streams
/// (written here, see the module's note), the page boxes (its TrimBox is
/// `[x y w h]`, and it has no BleedBox), the registration colour space, a
/// file identifier that depends only on the document (printpdf's counts
/// up per process, so parallel builds differed), and the PDF/X version key
/// it always writes, empty, into the Info dictionary (preflight tools read
/// an empty key as a false PDF/X claim; these files are not PDF/X).
fn finish(lo: &mut lopdf::Document, boxes: &[PageBoxes], streams: Vec<Vec<u8>>) {
    use lopdf::Object;
    let rect = |x0: f32, y0: f32, x1: f32, y1: f32| {
        Object::Array(
            [x0, y0, x1, y1]
                .iter()
                .map(|v| Object::Real((v * PT * 1000.0).round() / 1000.0))
                .collect(),
        )
    };
    let separation = Object::Array(vec![
        Object::Name(b"Separation".to_vec()),
        Object::Name(b"All".to_vec()),
        Object::Name(b"DeviceCMYK".to_vec()),
        Object::Dictionary(lopdf::Dictionary::from_iter(vec![
            ("FunctionType", Object::Integer(2)),
            (
                "Domain",
                Object::Array(vec![Object::Integer(0), Object::Integer(1)]),
            ),
            ("C0", Object::Array(vec![Object::Integer(0); 4])),
            ("C1", Object::Array(vec![Object::Integer(1); 4])),
            ("N", Object::Integer(1)),
        ])),
    ]);
    let pages: Vec<lopdf::ObjectId> = lo.get_pages().into_values().collect();
    for ((i, id), stream) in pages.into_iter().enumerate().zip(streams) {
        let Some(&(w, h, trim, bleed, registration)) = boxes.get(i) else {
            continue;
        };
        let mut resources = None;
        let mut contents = None;
        if let Ok(Object::Dictionary(page)) = lo.get_object_mut(id) {
            page.set("MediaBox", rect(0.0, 0.0, w, h));
            page.remove(b"CropBox");
            match trim {
                Some([x, y, tw, th]) => {
                    // From the top-left in mm to PDF's bottom-left.
                    let (x0, y0) = (x, h - y - th);
                    page.set("TrimBox", rect(x0, y0, x0 + tw, y0 + th));
                    page.set(
                        "BleedBox",
                        rect(x0 - bleed, y0 - bleed, x0 + tw + bleed, y0 + th + bleed),
                    );
                }
                None => {
                    page.remove(b"TrimBox");
                }
            }
            if registration {
                resources = page
                    .get(b"Resources")
                    .ok()
                    .and_then(|r| r.as_reference().ok());
            }
            contents = page
                .get(b"Contents")
                .ok()
                .and_then(|r| r.as_reference().ok());
        }
        if let Some(res) = resources
            && let Ok(Object::Dictionary(dict)) = lo.get_object_mut(res)
        {
            dict.set(
                "ColorSpace",
                lopdf::Dictionary::from_iter(vec![(REGISTRATION, separation.clone())]),
            );
        }
        if let Some(c) = contents
            && let Ok(Object::Stream(s)) = lo.get_object_mut(c)
        {
            s.set_content(stream);
        }
    }
    if let Ok(info) = lo.trailer.get(b"Info").and_then(Object::as_reference)
        && let Ok(Object::Dictionary(dict)) = lo.get_object_mut(info)
    {
        dict.remove(b"GTS_PDFXVersion");
    }
}

/// A JPEG as an image XObject: its bytes unchanged, `DCTDecode`.
fn jpeg_xobject(photo: &Photo, bytes: &[u8], components: u8, adobe: bool) -> XObject {
    use printpdf::{DictItem, ExternalStream, ExternalXObject};
    let name = |s: &str| DictItem::Name(s.as_bytes().to_vec());
    let mut dict = std::collections::BTreeMap::from([
        ("Type".to_owned(), name("XObject")),
        ("Subtype".to_owned(), name("Image")),
        ("Width".to_owned(), DictItem::Int(i64::from(photo.width))),
        ("Height".to_owned(), DictItem::Int(i64::from(photo.height))),
        ("BitsPerComponent".to_owned(), DictItem::Int(8)),
        (
            "ColorSpace".to_owned(),
            name(match components {
                1 => "DeviceGray",
                4 => "DeviceCMYK",
                _ => "DeviceRGB",
            }),
        ),
        ("Filter".to_owned(), name("DCTDecode")),
    ]);
    if components == 4 && adobe {
        // Adobe's CMYK JPEGs store inverted values.
        let decode = [1, 0, 1, 0, 1, 0, 1, 0].map(DictItem::Int).to_vec();
        dict.insert("Decode".to_owned(), DictItem::Array(decode));
    }
    XObject::External(ExternalXObject {
        stream: ExternalStream {
            dict,
            content: bytes.to_vec(),
            compress: false,
        },
        // No size: the placement matrix is the whole transform.
        width: None,
        height: None,
        dpi: None,
    })
}

/// Width in mm of `s` at `size` points.
pub fn text_width(s: &str, size: f32, weight: Weight) -> f32 {
    FONTS.get(weight).width(s, size / PT)
}

impl Page {
    /// A point in mm from the top-left, in PDF points from the bottom-left.
    fn p(&self, x: f32, y: f32) -> [f32; 2] {
        [x * PT, (self.h - y) * PT]
    }

    /// Save the graphics state (`q`); pair with [`Page::restore`].
    pub fn save(&mut self) {
        self.content.extend_from_slice(b"q\n");
    }

    pub fn restore(&mut self) {
        self.content.extend_from_slice(b"Q\n");
    }

    /// Set the fill or stroke colour: process colours on a production page.
    fn colour(&mut self, c: &Color, stroke: bool) {
        let out = &mut self.content;
        let (rgb_op, cmyk_op): (&[u8], &[u8]) = if stroke { (b"RG", b"K") } else { (b"rg", b"k") };
        match c {
            Color::SpotColor(_) => {
                self.registration = true;
                out.push(b'/');
                out.extend_from_slice(REGISTRATION.as_bytes());
                out.extend_from_slice(if stroke {
                    b" CS\n1 SCN\n"
                } else {
                    b" cs\n1 scn\n"
                });
            }
            Color::Rgb(c) => match &self.process {
                Some(p) => colour(out, &p.cmyk(c), cmyk_op),
                None => colour(out, &[c.r, c.g, c.b], rgb_op),
            },
            Color::Cmyk(c) => colour(out, &[c.c, c.m, c.y, c.k], cmyk_op),
            Color::Greyscale(g) => match &self.process {
                Some(_) => colour(out, &[0.0, 0.0, 0.0, 1.0 - g.percent], cmyk_op),
                None => colour(out, &[g.percent], if stroke { b"G" } else { b"g" }),
            },
        }
    }

    /// One run of text with `m` as its text matrix (in points).
    fn text_run(&mut self, s: String, size: f32, weight: Weight, color: &Color, m: [f32; 6]) {
        self.content.extend_from_slice(b"BT\n");
        self.colour(color, false);
        self.content.push(b'/');
        self.content.extend_from_slice(font_name(weight).as_bytes());
        self.content.push(b' ');
        op(&mut self.content, &[size], b"Tf");
        matrix(&mut self.content, m, b"Tm");
        self.texts.push(Text {
            at: self.content.len(),
            weight,
            text: s,
        });
        self.content.extend_from_slice(b" Tj\nET\n");
    }

    /// The content stream with the text strings in, each character as its
    /// glyph code in the document's subset (`codes`), 0 (.notdef) when the
    /// font lacks it, as printpdf encodes text.
    fn finish(self, codes: &[std::collections::HashMap<char, u16>; 2]) -> Vec<u8> {
        if self.texts.is_empty() {
            return self.content;
        }
        const HEX: &[u8; 16] = b"0123456789ABCDEF";
        let extra: usize = self.texts.iter().map(|t| 2 + 4 * t.text.len()).sum();
        let mut out = Vec::with_capacity(self.content.len() + extra);
        let mut from = 0;
        for t in &self.texts {
            out.extend_from_slice(&self.content[from..t.at]);
            from = t.at;
            out.push(b'<');
            let codes = &codes[t.weight as usize];
            for c in t.text.chars() {
                let g = codes.get(&c).copied().unwrap_or(0);
                for shift in [12, 8, 4, 0] {
                    out.push(HEX[usize::from((g >> shift) & 0xF)]);
                }
            }
            out.push(b'>');
        }
        out.extend_from_slice(&self.content[from..]);
        out
    }

    /// The outline of a rectangle as a path (`re`).
    fn re(&mut self, x: f32, y: f32, w: f32, h: f32) {
        let [px, py] = self.p(x, y + h);
        op(&mut self.content, &[px, py, w * PT, h * PT], b"re");
    }

    /// A rectangle, filled and/or outlined (`stroke`: colour, width in mm).
    pub fn rect(
        &mut self,
        x: f32,
        y: f32,
        w: f32,
        h: f32,
        fill: Option<&Color>,
        stroke: Option<(&Color, f32)>,
    ) {
        let paint: &[u8] = match (fill, stroke) {
            (Some(_), Some(_)) => b"B\n",
            (Some(_), None) => b"f\n",
            (None, Some(_)) => b"S\n",
            (None, None) => return,
        };
        self.save();
        if let Some(c) = fill {
            self.colour(c, false);
        }
        if let Some((c, w)) = stroke {
            self.colour(c, true);
            op(&mut self.content, &[w * PT], b"w");
        }
        self.re(x, y, w, h);
        self.content.extend_from_slice(paint);
        self.restore();
    }

    /// A straight line (width in mm); `dash` in mm.
    pub fn line(
        &mut self,
        points: &[(f32, f32)],
        color: &Color,
        width: f32,
        dash: Option<[f32; 2]>,
    ) {
        self.save();
        self.colour(color, true);
        op(&mut self.content, &[width * PT], b"w");
        if let Some([a, b]) = dash {
            self.content.push(b'[');
            num(&mut self.content, a * PT);
            self.content.push(b' ');
            num(&mut self.content, b * PT);
            self.content.extend_from_slice(b"] 0 d\n");
        }
        for (i, &(x, y)) in points.iter().enumerate() {
            let p = self.p(x, y);
            op(&mut self.content, &p, if i == 0 { b"m" } else { b"l" });
        }
        self.content.extend_from_slice(b"S\n");
        self.restore();
    }

    /// Clip what follows (until the enclosing restore) to a rectangle.
    pub fn clip(&mut self, x: f32, y: f32, w: f32, h: f32) {
        self.re(x, y, w, h);
        self.content.extend_from_slice(b"W n\n");
    }
}

/// Punctuation that may not end a line (Chinese line-breaking rules, 禁则):
/// opening quotes and brackets stay with what they open.
const NO_END: &str = "“‘《〈（【「『〔〖([{";
/// Punctuation that may not start a line: closing quotes and brackets,
/// pauses and stops stay with what they close or end.
const NO_START: &str = "”’》〉）】」』〕〗，。、；：！？…·)]},.;:!?%";

/// A unit that is not broken inside: a run of Latin letters, digits and the
/// signs that join them (`400×2400`, `signs.pdf`, `#C8102E`), or any other
/// single character.
fn is_word_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || "×#./-_%".contains(c)
}

fn tokens(para: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut start = None;
    for (i, c) in para.char_indices() {
        match (is_word_char(c), start) {
            (true, None) => start = Some(i),
            (true, Some(_)) => {}
            (false, s) => {
                if let Some(s) = s {
                    out.push(&para[s..i]);
                }
                start = None;
                out.push(&para[i..i + c.len_utf8()]);
            }
        }
    }
    if let Some(s) = start {
        out.push(&para[s..]);
    }
    out
}

/// May a line end after `before` and the next start with `after`?
fn breakable(before: &str, after: &str) -> bool {
    let end = before.chars().next_back();
    let start = after.chars().next();
    !end.is_some_and(|c| NO_END.contains(c)) && !start.is_some_and(|c| NO_START.contains(c))
}

/// Break `text` into lines no wider than `width` mm at `size` points. Chinese
/// breaks between any two characters, except that an opening quote or
/// bracket never ends a line and closing punctuation never starts one (the
/// break moves back to the nearest place the rules allow); Latin words and
/// numbers are not split unless one alone is wider than the line. Each
/// input line (`\n`) starts a new line.
pub fn wrap(text: &str, width: f32, size: f32, weight: Weight) -> Vec<String> {
    let w = |s: &str| text_width(s, size, weight);
    let mut lines = Vec::new();
    for para in text.lines() {
        // Split words wider than a line into characters: nothing else fits.
        let mut toks: Vec<&str> = tokens(para)
            .into_iter()
            .flat_map(|t| {
                if t.chars().count() > 1 && w(t) > width {
                    t.char_indices()
                        .map(|(i, c)| &t[i..i + c.len_utf8()])
                        .collect()
                } else {
                    vec![t]
                }
            })
            .collect();
        let mut start = 0;
        let mut line_w = 0.0;
        let mut j = start;
        while j < toks.len() {
            let tw = w(toks[j]);
            if j > start && line_w + tw > width {
                // The last allowed break at or before j.
                let allowed = (start + 1..=j)
                    .rev()
                    .find(|&k| breakable(toks[k - 1], toks[k]));
                let k = match allowed {
                    Some(k) => k,
                    // None, and j is a word: break inside the word, so an
                    // opening mark keeps at least its first character.
                    None if toks[j].chars().count() > 1 => {
                        let word = toks.remove(j);
                        let chars = word.char_indices().map(|(i, c)| &word[i..i + c.len_utf8()]);
                        toks.splice(j..j, chars);
                        continue;
                    }
                    // None at all (a run of marks wider than the line):
                    // break at j, the line is not wider than the page.
                    None => j,
                };
                lines.push(toks[start..k].concat().trim_end().to_owned());
                start = k;
                // A space that the break falls on is not carried over.
                while start < toks.len() && toks[start] == " " && start < j {
                    start += 1;
                }
                line_w = toks[start..j].iter().map(|t| w(t)).sum();
                continue;
            }
            line_w += tw;
            j += 1;
        }
        lines.push(toks[start..].concat());
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Read;

    fn inflate(packed: &[u8]) -> Vec<u8> {
        let mut out = Vec::new();
        flate2::read::ZlibDecoder::new(packed)
            .read_to_end(&mut out)
            .unwrap();
        out
    }

    #[test]
    fn the_reused_compressor_packs_each_stream_alone() {
        let big: Vec<u8> = (0..300_000u32)
            .flat_map(|i| (i.wrapping_mul(2_654_435_761) >> 7).to_le_bytes())
            .collect();
        for data in [&b""[..], b"q\n1 0 0 1 0 0 cm\nQ\n", &big, b"abc"] {
            let packed = deflate(data);
            assert_eq!(inflate(&packed), data);
            assert_eq!(deflate(data), packed, "the same bytes every time");
        }
        assert_eq!(inflate(&deflate_best(b"h\nf\n")), b"h\nf\n");
    }
}
