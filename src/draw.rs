//! Drawing signs: the theme's SVG templates (`signs/*.svg`) render each sign
//! in millimetres with its text as outlines; the gate elevation places them
//! beside and above the door. The same SVG feeds the page, the PNG preview
//! and the PDF sheets.

use serde::Serialize;
use tera::Context;

use crate::plan::{GatePlan, Guide, Sign};
use crate::theme::Theme;

/// A sign's drawing: its inner SVG (no root element), in millimetres from (0, 0).
#[derive(Clone, Debug)]
pub struct Drawing {
    pub inner: String,
    pub width: f32,
    pub height: f32,
}

impl Drawing {
    /// A standalone SVG file at 1:1 (`width="400mm"`).
    pub fn standalone(&self) -> String {
        crate::fonts::with_glyph_defs(&format!(
            r#"<svg xmlns="http://www.w3.org/2000/svg" width="{w}mm" height="{h}mm" viewBox="0 0 {w} {h}">{}</svg>"#,
            self.inner,
            w = self.width,
            h = self.height
        ))
    }
}

#[derive(Serialize)]
struct RoomRow {
    name: String,
    floor: String,
    arrow: String,
}

fn chars(s: &str) -> f32 {
    s.chars().filter(|c| !c.is_whitespace()).count().max(1) as f32
}

/// Render one sign with its template, as the website and the layout sheet
/// show it (with an outline to see its edge on a white page).
pub fn sign(theme: &Theme, s: &Sign, guide: Option<&Guide>) -> Result<Drawing, tera::Error> {
    render_sign(theme, s, guide, false)
}

/// Render one sign for the production file: the sign alone, no outline on
/// its edge (it would straddle the trim) and nothing the sign maker must
/// replace (the templates leave out placeholders when `print` is set).
pub fn sign_for_print(
    theme: &Theme,
    s: &Sign,
    guide: Option<&Guide>,
) -> Result<Drawing, tera::Error> {
    render_sign(theme, s, guide, true)
}

fn render_sign(
    theme: &Theme,
    s: &Sign,
    guide: Option<&Guide>,
    print: bool,
) -> Result<Drawing, tera::Error> {
    let (w, h) = (s.width_mm as f32, s.height_mm as f32);
    let mut ctx = Context::new();
    ctx.insert("sign", s);
    ctx.insert("w", &w);
    ctx.insert("h", &h);
    ctx.insert("print", &print);
    // Sizes that fit, for templates that want them. A vertical plaque's
    // character size comes from the longest text of its set, so a set of
    // plaques is lettered at one height.
    let margin = w.min(h) * 0.15;
    ctx.insert(
        "vsize",
        &((w * 0.62).min((h - 2.0 * margin) / s.set_chars.max(1) as f32 * 0.9)),
    );
    ctx.insert(
        "hsize",
        &((h * 0.55).min((w - 2.0 * margin) / chars(&s.text))),
    );
    let template = match (s.role.as_str(), guide) {
        ("guide", Some(g)) => {
            let rows: Vec<RoomRow> = g
                .rooms
                .iter()
                .map(|r| RoomRow {
                    name: r.name.clone(),
                    floor: r
                        .floor
                        .as_deref()
                        .map(|f| {
                            if f.parse::<i64>().is_ok() {
                                format!("{f}F")
                            } else {
                                f.to_owned()
                            }
                        })
                        .unwrap_or_default(),
                    arrow: r.arrow.unwrap_or("").to_owned(),
                })
                .collect();
            let title_h = h * 0.14;
            let row_h = (h - title_h - h * 0.04) / (rows.len().max(8) as f32);
            let longest = rows.iter().map(|r| chars(&r.name)).fold(1.0, f32::max);
            ctx.insert("title", &g.title);
            ctx.insert("title_h", &title_h);
            ctx.insert(
                "title_size",
                &((title_h * 0.42).min(w * 0.86 / chars(&g.title))),
            );
            ctx.insert("rows", &rows);
            ctx.insert("row_h", &row_h);
            ctx.insert("row_size", &((row_h * 0.5).min(w * 0.58 / longest)));
            "signs/guide.svg"
        }
        _ if s.role == "guide" => "signs/guide.svg",
        _ if s.width_mm < s.height_mm => "signs/vertical.svg",
        _ => "signs/identifier.svg",
    };
    let inner = theme.tera.render(template, &ctx)?;
    Ok(Drawing {
        inner,
        width: w,
        height: h,
    })
}

#[derive(Serialize)]
struct Placed {
    n: usize,
    x: f32,
    y: f32,
    w: f32,
    h: f32,
    svg: String,
    proposed: bool,
    /// Where the sign's number badge goes.
    bx: f32,
    by: f32,
}

/// Number badges sit below a sign (plaques, the guide board) or, on the door
/// header, at its top-left corner, so they never cover the text.
fn badge_below(x: f32, y: f32, w: f32, h: f32) -> (f32, f32) {
    (x + w / 2.0, y + h + 250.0)
}

#[derive(Serialize)]
struct Rect {
    x: f32,
    y: f32,
    w: f32,
    h: f32,
}

/// Where a sign stands in the gate elevation, in millimetres: x from the
/// door's left edge, y up from the finished ground (so `y` is negative above
/// it, as in the SVG).
#[derive(Clone, Copy, Debug, Serialize)]
pub struct SignBox {
    /// The sign's number, as in [`GatePlan::all_signs`] (from 1).
    pub n: usize,
    pub x: f32,
    pub y: f32,
    pub w: f32,
    pub h: f32,
}

/// The gate elevation: the SVG, and where everything in it stands, so the
/// sheet dimensions the same drawing without reading it back.
#[derive(Clone, Debug)]
pub struct GateDrawing {
    pub svg: String,
    /// The SVG's viewBox: x, y, w, h in mm.
    pub view: [f32; 4],
    /// The door opening: x, y, w, h in mm (x = 0 at its left edge, y = -h).
    pub door: [f32; 4],
    /// The signs, in the order of [`GatePlan::all_signs`].
    pub signs: Vec<SignBox>,
}

/// The gate elevation as SVG text (the website's inline drawing and gate.svg).
pub fn gate(theme: &Theme, plan: &GatePlan) -> Result<String, tera::Error> {
    gate_drawing(theme, plan).map(|d| d.svg)
}

/// The gate elevation: plaques beside the door, identifiers on the header,
/// the guide board on the wall. Signs are numbered in the order of
/// [`GatePlan::all_signs`], so a legend can name them.
pub fn gate_drawing(theme: &Theme, plan: &GatePlan) -> Result<GateDrawing, tera::Error> {
    let ins = &plan.install;
    let px = |v: u32| v as f32;
    const DOOR_W: f32 = 3000.0;
    // The door opening is drawn, not measured: it stays below the header.
    let door_h = 3000.0f32.min(px(ins.header_bottom_mm) - 200.0).max(1800.0);
    let numbers: Vec<usize> = (1..=plan.all_signs().count()).collect();
    let mut next = numbers.into_iter();
    let mut placed = Vec::new();

    // x = 0 is the door's left edge; y = 0 the ground (up is negative).
    let plaque_bottom = -px(ins.gate_bottom_mm);
    let spacing = px(ins.gate_spacing_mm);
    let mut x = -px(ins.gate_door_gap_mm);
    let mut left = Vec::new();
    for s in plan.left.iter().rev() {
        let d = sign(theme, s, None)?;
        x -= d.width;
        left.push((x, d, s.proposed));
        x -= spacing;
    }
    let left_edge = x + spacing;
    let mut x = DOOR_W + px(ins.gate_door_gap_mm);
    let mut right = Vec::new();
    for s in &plan.right {
        let d = sign(theme, s, None)?;
        let width = d.width;
        right.push((x, d, s.proposed));
        x += width + spacing;
    }
    let right_edge = x - spacing;
    for (x, d, proposed) in left.into_iter().rev().chain(right) {
        let y = plaque_bottom - d.height;
        let (bx, by) = badge_below(x, y, d.width, d.height);
        placed.push(Placed {
            n: next.next().unwrap_or(0),
            x,
            y,
            w: d.width,
            h: d.height,
            svg: d.inner,
            proposed,
            bx,
            by,
        });
    }

    // The header: identifiers side by side, centred over the door, their
    // undersides at the standard's height; the band is the header's fascia.
    const MARGIN: f32 = 300.0;
    let gap = px(ins.header_gap_mm);
    let idents: Vec<(Drawing, bool)> = plan
        .identifiers
        .iter()
        .map(|s| sign(theme, s, None).map(|d| (d, s.proposed)))
        .collect::<Result<_, _>>()?;
    let row_w: f32 = idents.iter().map(|(d, _)| d.width).sum::<f32>()
        + gap * (idents.len().saturating_sub(1) as f32);
    let tallest = idents.iter().map(|(d, _)| d.height).fold(0.0, f32::max);
    let header_bottom = -px(ins.header_bottom_mm);
    let band = Rect {
        x: DOOR_W / 2.0 - row_w / 2.0 - MARGIN,
        y: header_bottom - tallest - MARGIN,
        w: row_w + 2.0 * MARGIN,
        h: tallest + 2.0 * MARGIN,
    };
    let mut ix = band.x + MARGIN;
    for (d, proposed) in idents {
        let y = header_bottom - d.height;
        placed.push(Placed {
            n: next.next().unwrap_or(0),
            x: ix,
            y,
            w: d.width,
            h: d.height,
            svg: d.inner,
            proposed,
            bx: ix,
            by: y,
        });
        ix += d.width + gap;
    }

    // The guide board on the wall, beyond the plaques on the right.
    let g = sign(theme, &plan.guide.sign, Some(&plan.guide))?;
    let gx = (DOOR_W + px(ins.guide_door_gap_mm)).max(right_edge + spacing);
    let gy = -px(ins.guide_bottom_mm) - g.height;
    let (bx, by) = badge_below(gx, gy, g.width, g.height);
    placed.push(Placed {
        n: next.next().unwrap_or(0),
        x: gx,
        y: gy,
        w: g.width,
        h: g.height,
        svg: g.inner,
        proposed: plan.guide.sign.proposed,
        bx,
        by,
    });

    let min_x = left_edge.min(band.x) - 900.0;
    let max_x = (gx + g.width).max(band.x + band.w) + 900.0;
    let top = band.y.min(placed.iter().map(|p| p.y).fold(0.0, f32::min)) - 700.0;
    let wall = Rect {
        x: min_x,
        y: top + 300.0,
        w: max_x - min_x,
        h: -top - 300.0,
    };
    let view = Rect {
        x: min_x - 300.0,
        y: top,
        w: max_x - min_x + 600.0,
        h: -top + 500.0,
    };
    let mut signs: Vec<SignBox> = placed
        .iter()
        .map(|p| SignBox {
            n: p.n,
            x: p.x,
            y: p.y,
            w: p.w,
            h: p.h,
        })
        .collect();
    signs.sort_by_key(|b| b.n);
    let mut ctx = Context::new();
    ctx.insert("view", &view);
    ctx.insert("wall", &wall);
    ctx.insert(
        "door",
        &Rect {
            x: 0.0,
            y: -door_h,
            w: DOOR_W,
            h: door_h,
        },
    );
    ctx.insert("band", &band);
    ctx.insert("placed", &placed);
    Ok(GateDrawing {
        svg: crate::fonts::with_glyph_defs(&theme.tera.render("signs/gate.svg", &ctx)?),
        view: [view.x, view.y, view.w, view.h],
        door: [0.0, -door_h, DOOR_W, door_h],
        signs,
    })
}

/// A PNG of an SVG, `width_px` wide, on white.
pub fn png(svg: &str, width_px: u32) -> Result<Vec<u8>, String> {
    let opt = resvg::usvg::Options::default();
    let tree = resvg::usvg::Tree::from_str(svg, &opt).map_err(|e| e.to_string())?;
    let size = tree.size();
    let scale = width_px as f32 / size.width();
    let height = (size.height() * scale).ceil().max(1.0) as u32;
    let mut pixmap =
        resvg::tiny_skia::Pixmap::new(width_px, height).ok_or("the picture is too large")?;
    pixmap.fill(resvg::tiny_skia::Color::WHITE);
    resvg::render(
        &tree,
        resvg::tiny_skia::Transform::from_scale(scale, scale),
        &mut pixmap.as_mut(),
    );
    // On an opaque background premultiplied RGBA is plain RGBA: keep RGB.
    let rgb: Vec<u8> = pixmap
        .data()
        .chunks_exact(4)
        .flat_map(|p| [p[0], p[1], p[2]])
        .collect();
    // Fast compression: the default spends most of a build's time in deflate
    // for files only ~15 % smaller.
    let mut out = Vec::new();
    let mut encoder = png::Encoder::new(&mut out, width_px, height);
    encoder.set_color(png::ColorType::Rgb);
    encoder.set_depth(png::BitDepth::Eight);
    encoder.set_compression(png::Compression::Fast);
    let mut writer = encoder.write_header().map_err(|e| e.to_string())?;
    writer.write_image_data(&rgb).map_err(|e| e.to_string())?;
    writer.finish().map_err(|e| e.to_string())?;
    Ok(out)
}
