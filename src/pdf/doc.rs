//! A small page-drawing layer over printpdf: millimetres from the top-left
//! corner (as the layouts are designed), text in the shipped fonts with the
//! characters collected for the document's subset, and vector drawings
//! converted from SVG.

use std::collections::BTreeSet;

use printpdf::{
    Color, CurTransMat, ExtendedGraphicsState, ExtendedGraphicsStateId, FontId, Line,
    LineDashPattern, LinePoint, Mm, Op, PaintMode, PdfDocument, PdfFontHandle, PdfPage,
    PdfSaveOptions, Point, Polygon, PolygonRing, Pt, Rgb, TextItem, TextMatrix, WindingOrder,
    XObject, XObjectId, XObjectTransform,
};

use super::font;
use super::photo::{Data, Photo};
use super::svg::Converted;
use crate::fonts::{Anchor, FONTS, Weight};

/// Points per millimetre.
pub const PT: f32 = 72.0 / 25.4;

/// The document's fonts: fixed resource names, filled in when it is saved.
fn font_id(weight: Weight) -> FontId {
    FontId(
        match weight {
            Weight::Regular => "FR",
            Weight::Bold => "FB",
        }
        .into(),
    )
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

pub struct Page {
    pub w: f32,
    pub h: f32,
    pub ops: Vec<Op>,
    /// The trim box (production pages): x, y, w, h in mm from the top-left.
    pub trim: Option<[f32; 4]>,
    /// The bleed beyond the trim box on every side, in mm (production pages).
    pub bleed: f32,
    /// An outline entry for the page, named after what is on it.
    pub bookmark: Option<String>,
}

/// The registration colour (a Separation named `All`, which prints on every
/// plate): for crop marks. Only lines may use it ([`Page::line`]); it is
/// written as a Separation colour space when the document is saved.
pub fn registration() -> Color {
    Color::SpotColor(printpdf::SpotColor::new(1.0, 1.0, 1.0, 1.0))
}

/// Process colours for print: the screen colours of a document are written
/// as CMYK (`k`/`K`), each from the standard's value where it gives one, so
/// black text never separates into a four-plate black.
#[derive(Clone, Debug, Default)]
pub struct Palette {
    known: std::collections::HashMap<[u8; 3], [f32; 4]>,
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
        Palette { known }
    }

    /// The process colour of a screen colour, each component 0–1: the
    /// standard's value, else the standard's own conversion
    /// ([`crate::standard::rgb_to_cmyk`]: a grey is K only, near-black K 100).
    pub fn cmyk(&self, c: &Rgb) -> [f32; 4] {
        let rgb = bytes(c);
        if let Some(v) = self.known.get(&rgb) {
            return *v;
        }
        let hex = format!("#{:02X}{:02X}{:02X}", rgb[0], rgb[1], rgb[2]);
        crate::standard::rgb_to_cmyk(&hex).map(|v| f32::from(v) / 100.0)
    }

    fn convert(&self, col: &Color) -> Color {
        match col {
            Color::Rgb(c) => {
                let [c, m, y, k] = self.cmyk(c);
                Color::Cmyk(printpdf::Cmyk::new(c, m, y, k, None))
            }
            other => other.clone(),
        }
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
    pub process: Option<Palette>,
}

pub fn alpha_id(fill: u8, stroke: u8) -> ExtendedGraphicsStateId {
    ExtendedGraphicsStateId(format!("GA{fill}S{stroke}"))
}

impl Doc {
    pub fn new() -> Doc {
        Doc::default()
    }

    pub fn page(&mut self, w: f32, h: f32) -> &mut Page {
        self.pages.push(Page {
            w,
            h,
            ops: Vec::new(),
            trim: None,
            bleed: 0.0,
            bookmark: None,
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
        p.ops.extend(text_ops(
            s,
            size,
            weight,
            color,
            TextMatrix::Translate(Pt(x * PT), Pt(y * PT)),
        ));
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
        p.ops.extend(text_ops(
            s.to_owned(),
            size,
            weight,
            color,
            TextMatrix::Raw([0.0, 1.0, -1.0, 0.0, x * PT, y * PT]),
        ));
    }

    /// A converted SVG drawing, its user unit scaled to `scale` mm, its
    /// top-left corner at (x, y) mm.
    pub fn drawing(&mut self, page: usize, d: &Converted, x: f32, y: f32, scale: f32) {
        self.alphas.extend(d.alphas.iter().copied());
        let p = &mut self.pages[page];
        let k = scale * PT;
        p.ops.push(Op::SaveGraphicsState);
        p.ops.push(Op::SetTransformationMatrix {
            matrix: CurTransMat::Raw([k, 0.0, 0.0, -k, x * PT, (p.h - y) * PT]),
        });
        p.ops.extend(d.ops.iter().cloned());
        p.ops.push(Op::RestoreGraphicsState);
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
        let id = XObjectId(format!("IM{}", self.images.len()));
        let [a, b, c, d, e, f] = photo.orientation_matrix();
        let p = &mut self.pages[page];
        // The image's unit square, oriented, onto the box (PDF y up).
        let (bx, by, bw, bh) = (x * PT, (p.h - y - h) * PT, w * PT, h * PT);
        p.ops.extend([
            Op::SaveGraphicsState,
            Op::SetTransformationMatrix {
                matrix: CurTransMat::Raw([
                    bw * a,
                    bh * b,
                    bw * c,
                    bh * d,
                    bx + bw * e,
                    by + bh * f,
                ]),
            },
            Op::UseXobject {
                id,
                transform: XObjectTransform {
                    no_auto_scale: true,
                    ..XObjectTransform::default()
                },
            },
            Op::RestoreGraphicsState,
        ]);
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
        for (slot, weight) in [Weight::Regular, Weight::Bold].into_iter().enumerate() {
            if self.chars[slot].is_empty() {
                continue;
            }
            let sub = font::subset(weight, &self.chars[slot]);
            doc.resources
                .fonts
                .map
                .insert(font_id(weight), printpdf::PdfFont::new(sub.font));
        }
        for &(fill, stroke) in &self.alphas {
            let gs = ExtendedGraphicsState::default()
                .with_current_fill_alpha(f32::from(fill) / 100.0)
                .with_current_stroke_alpha(f32::from(stroke) / 100.0);
            doc.resources
                .extgstates
                .map
                .insert(alpha_id(fill, stroke), gs);
        }
        for (i, xobject) in self.images.into_iter().enumerate() {
            doc.resources
                .xobjects
                .map
                .insert(XObjectId(format!("IM{}", i + 1)), xobject);
        }
        let mut boxes = Vec::new();
        let mut uses_registration = Vec::new();
        let mut pages = Vec::new();
        for (i, p) in self.pages.into_iter().enumerate() {
            if let Some(name) = &p.bookmark {
                doc.add_bookmark(name, i + 1);
            }
            boxes.push((p.w, p.h, p.trim, p.bleed));
            let (ops, registration) = final_ops(p.ops, self.process.as_ref());
            uses_registration.push(registration);
            pages.push(PdfPage::new(Mm(p.w), Mm(p.h), ops));
        }
        doc.with_pages(pages);
        let mut warnings = Vec::new();
        // Not `secure`: it drops the operators that select the registration colour.
        let opts = PdfSaveOptions {
            secure: false,
            ..PdfSaveOptions::default()
        };
        let mut lo = printpdf::to_lopdf_doc(&doc, &opts, &mut warnings);
        finish(&mut lo, &boxes, &uses_registration);
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
/// level, which was about a third of a full build's time; the sample's PDFs
/// measured (see the README's performance section) lose little at level 3.
const DEFLATE_LEVEL: u32 = 3;

/// Compress every stream that allows it and is not compressed yet.
fn compress(lo: &mut lopdf::Document) {
    use std::io::Write;
    for object in lo.objects.values_mut() {
        let lopdf::Object::Stream(stream) = object else {
            continue;
        };
        if !stream.allows_compression || stream.dict.get(b"Filter").is_ok() {
            continue;
        }
        let mut enc = flate2::write::ZlibEncoder::new(
            Vec::with_capacity(stream.content.len() / 3),
            flate2::Compression::new(DEFLATE_LEVEL),
        );
        if enc.write_all(&stream.content).is_err() {
            continue;
        }
        if let Ok(packed) = enc.finish()
            && packed.len() + 19 < stream.content.len()
        {
            stream.dict.set("Filter", "FlateDecode");
            stream.set_content(packed);
        }
    }
}

/// The page's operations as written: process colours when asked for, and
/// the registration colour as a Separation. Returns whether it is used.
fn final_ops(ops: Vec<Op>, process: Option<&Palette>) -> (Vec<Op>, bool) {
    use printpdf::DictItem;
    let mut registration = false;
    let mut out = Vec::with_capacity(ops.len());
    for op in ops {
        match op {
            Op::SetOutlineColor {
                col: Color::SpotColor(_),
            } => {
                registration = true;
                out.push(Op::Unknown {
                    key: "CS".into(),
                    value: vec![DictItem::Name(REGISTRATION.as_bytes().to_vec())],
                });
                out.push(Op::Unknown {
                    key: "SCN".into(),
                    value: vec![DictItem::Real(1.0)],
                });
            }
            Op::SetFillColor { col } if process.is_some() => out.push(Op::SetFillColor {
                col: process.map_or(col.clone(), |p| p.convert(&col)),
            }),
            Op::SetOutlineColor { col } if process.is_some() => out.push(Op::SetOutlineColor {
                col: process.map_or(col.clone(), |p| p.convert(&col)),
            }),
            op => out.push(op),
        }
    }
    (out, registration)
}

/// The colour space resource name of the registration colour.
const REGISTRATION: &str = "CSAll";

/// What printpdf does not write right: the page boxes (its TrimBox is
/// `[x y w h]`, and it has no BleedBox), the registration colour space, and
/// the PDF/X version key it always writes, empty, into the Info dictionary
/// (preflight tools read an empty key as a false PDF/X claim; these files
/// are not PDF/X).
fn finish(lo: &mut lopdf::Document, boxes: &[(f32, f32, Option<[f32; 4]>, f32)], reg: &[bool]) {
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
    for (i, id) in pages.into_iter().enumerate() {
        let Some(&(w, h, trim, bleed)) = boxes.get(i) else {
            continue;
        };
        let mut resources = None;
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
            if reg.get(i).copied().unwrap_or(false) {
                resources = page
                    .get(b"Resources")
                    .ok()
                    .and_then(|r| r.as_reference().ok());
            }
        }
        if let Some(res) = resources
            && let Ok(Object::Dictionary(dict)) = lo.get_object_mut(res)
        {
            dict.set(
                "ColorSpace",
                lopdf::Dictionary::from_iter(vec![(REGISTRATION, separation.clone())]),
            );
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

/// The operations that set one run of text with `matrix` placing it.
fn text_ops(s: String, size: f32, weight: Weight, color: &Color, matrix: TextMatrix) -> [Op; 6] {
    [
        Op::StartTextSection,
        Op::SetFillColor { col: color.clone() },
        Op::SetFont {
            font: PdfFontHandle::External(font_id(weight)),
            size: Pt(size),
        },
        Op::SetTextMatrix { matrix },
        Op::ShowText {
            items: vec![TextItem::Text(s)],
        },
        Op::EndTextSection,
    ]
}

/// Width in mm of `s` at `size` points.
pub fn text_width(s: &str, size: f32, weight: Weight) -> f32 {
    FONTS.get(weight).width(s, size / PT)
}

impl Page {
    fn p(&self, x: f32, y: f32) -> Point {
        Point {
            x: Pt(x * PT),
            y: Pt((self.h - y) * PT),
        }
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
        let ring = PolygonRing {
            points: [(x, y), (x + w, y), (x + w, y + h), (x, y + h)]
                .iter()
                .map(|&(px, py)| LinePoint {
                    p: self.p(px, py),
                    bezier: false,
                })
                .collect(),
        };
        let mode = match (fill, stroke) {
            (Some(_), Some(_)) => PaintMode::FillStroke,
            (Some(_), None) => PaintMode::Fill,
            (None, Some(_)) => PaintMode::Stroke,
            (None, None) => return,
        };
        self.ops.push(Op::SaveGraphicsState);
        if let Some(c) = fill {
            self.ops.push(Op::SetFillColor { col: c.clone() });
        }
        if let Some((c, w)) = stroke {
            self.ops.push(Op::SetOutlineColor { col: c.clone() });
            self.ops.push(Op::SetOutlineThickness { pt: Pt(w * PT) });
        }
        self.ops.push(Op::DrawPolygon {
            polygon: Polygon {
                rings: vec![ring],
                mode,
                winding_order: WindingOrder::NonZero,
            },
        });
        self.ops.push(Op::RestoreGraphicsState);
    }

    /// A straight line (width in mm); `dash` in mm.
    pub fn line(
        &mut self,
        points: &[(f32, f32)],
        color: &Color,
        width: f32,
        dash: Option<[f32; 2]>,
    ) {
        self.ops.push(Op::SaveGraphicsState);
        self.ops.push(Op::SetOutlineColor { col: color.clone() });
        self.ops
            .push(Op::SetOutlineThickness { pt: Pt(width * PT) });
        if let Some([a, b]) = dash {
            self.ops.push(Op::SetLineDashPattern {
                dash: LineDashPattern::new(0.0, &[a * PT, b * PT]),
            });
        }
        let points = points
            .iter()
            .map(|&(x, y)| LinePoint {
                p: self.p(x, y),
                bezier: false,
            })
            .collect();
        self.ops.push(Op::DrawLine {
            line: Line {
                points,
                is_closed: false,
            },
        });
        self.ops.push(Op::RestoreGraphicsState);
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

impl Page {
    /// Clip what follows (until the enclosing restore) to a rectangle.
    pub fn clip(&mut self, x: f32, y: f32, w: f32, h: f32) {
        let ring = PolygonRing {
            points: [(x, y), (x + w, y), (x + w, y + h), (x, y + h)]
                .iter()
                .map(|&(px, py)| LinePoint {
                    p: self.p(px, py),
                    bezier: false,
                })
                .collect(),
        };
        self.ops.push(Op::DrawPolygon {
            polygon: Polygon {
                rings: vec![ring],
                mode: PaintMode::Clip,
                winding_order: WindingOrder::NonZero,
            },
        });
    }
}
