//! `sheet.pdf`: the layout sheet (布置图), A3 landscape, drawn as an
//! installer's drawing. Sheet 1 is the gate elevation to a stated scale with
//! dimension chains that say where every sign goes (underside above the
//! finished ground, spacing between plaques and from the door opening), the
//! notes and a scale bar; sheet 2 is the specification table and the
//! rectification list with tick boxes (so the sheet is also the work order);
//! further sheets carry the rest of a long list. Every sheet has a full
//! title block (GB/T 10609.1).
//!
//! Where the signs stand comes from the drawing code itself
//! ([`crate::draw::gate_drawing`]), never from reading its SVG back, so
//! the dimensions are those of the drawing the website shows.
//!
//! Text sizes follow GB/T 14691: Chinese at least 3.5 mm (10 pt: a CJK
//! glyph is about its em high), digits and Latin at least 2.5 mm (8 pt).

use printpdf::Color;

use super::Input;
use super::doc::{Doc, PT, grey, rgb, text_width, wrap};
use super::svg;
use crate::draw::{GateDrawing, SignBox};
use crate::fonts::{Anchor, Weight};
use crate::model::Place;
use crate::plan::{Action, Sign, SignAction};

const W: f32 = 420.0;
const H: f32 = 297.0;
/// The frame (GB/T 14689, A3 without binding edge).
const M: f32 = 10.0;
/// The title block, bottom right of every sheet.
const TB_W: f32 = 180.0;
const TB_H: f32 = 64.0;
const TB_X: f32 = W - M - TB_W;
const TB_Y: f32 = H - M - TB_H;
/// The drawing area of sheet 1 (above the title block and the notes).
const EX: f32 = 14.0;
const EY: f32 = 26.0;
const EW: f32 = W - M - 4.0 - EX;
const EH: f32 = TB_Y - 4.0 - EY;
/// Room kept around the elevation for dimension chains, labels and the
/// scale bar (left, right, top, bottom; mm on paper).
const ROOM: [f32; 4] = [26.0, 22.0, 6.0, 23.0];
/// Scales a drawing may use (1:N), as on architectural drawings.
const SCALES: [u32; 12] = [20, 25, 30, 40, 50, 60, 75, 100, 125, 150, 200, 250];

/// Text sizes (pt). Anything with a Chinese character is set at `ZH` or
/// more (3.53 mm); dimension figures, digits only, at `NUM` (2.82 mm).
const ZH: f32 = 10.0;
const NUM: f32 = 8.0;
const TITLE: f32 = 12.0;
/// Millimetres per point.
const MM: f32 = 1.0 / PT;
/// A line of Chinese text at `ZH`.
const LINE: f32 = ZH * MM * 1.38;

fn ink() -> Color {
    grey(0.1)
}

/// Dimensions from the standard's sign sizes.
fn dim() -> Color {
    rgb("#1f4e79")
}

/// Positions the drawing proposes (the standard gives none): marked `*`.
fn proposal() -> Color {
    rgb("#a3400f")
}

fn red() -> Color {
    rgb("#b3141c")
}

/// A colour's name in Chinese, for the table (the swatch shows the rest).
fn colour_name(hex: &str) -> &'static str {
    let Color::Rgb(c) = rgb(hex) else {
        return "";
    };
    let (r, g, b) = (c.r, c.g, c.b);
    let max = r.max(g).max(b);
    let min = r.min(g).min(b);
    if max - min < 0.12 {
        return match max {
            m if m > 0.85 => "白",
            m if m < 0.25 => "黑",
            _ => "灰",
        };
    }
    let d = max - min;
    let hue = if max == r {
        60.0 * (((g - b) / d).rem_euclid(6.0))
    } else if max == g {
        60.0 * ((b - r) / d + 2.0)
    } else {
        60.0 * ((r - g) / d + 4.0)
    };
    match hue {
        h if !(15.0..345.0).contains(&h) => "红",
        h if h < 45.0 => "橙",
        h if h < 70.0 => "黄",
        h if h < 165.0 => "绿",
        h if h < 200.0 => "青",
        h if h < 260.0 => "蓝",
        _ => "紫",
    }
}

/// The drawing's millimetres on the sheet: the view's top-left corner at
/// (ox, oy), `k` sheet mm per drawing mm.
struct Map {
    vx: f32,
    vy: f32,
    k: f32,
    ox: f32,
    oy: f32,
}

impl Map {
    fn x(&self, x: f32) -> f32 {
        self.ox + (x - self.vx) * self.k
    }
    fn y(&self, y: f32) -> f32 {
        self.oy + (y - self.vy) * self.k
    }
    /// A box of the drawing, on the sheet: x, y, w, h.
    fn rect(&self, b: [f32; 4]) -> [f32; 4] {
        [self.x(b[0]), self.y(b[1]), b[2] * self.k, b[3] * self.k]
    }
}

/// What a segment of a dimension chain says.
#[derive(Clone, Debug)]
enum Label {
    /// A sign's size, from the standard.
    Size(u32),
    /// A position the drawing proposes (a height above ground, a spacing):
    /// the standard data carries no installation geometry yet, so every
    /// position is the drawing's proposal, starred and explained in the notes.
    Position(u32),
    /// A named extent whose size the site decides (the door opening).
    Name(&'static str),
}

impl Label {
    fn text(&self) -> String {
        match self {
            Label::Size(n) => n.to_string(),
            Label::Position(n) => format!("{n}*"),
            Label::Name(s) => (*s).to_owned(),
        }
    }
    fn size(&self) -> f32 {
        match self {
            Label::Name(_) => ZH,
            _ => NUM,
        }
    }
    fn color(&self) -> Color {
        match self {
            Label::Position(_) => proposal(),
            _ => dim(),
        }
    }
}

/// A dimension chain: points along it (drawing mm) with where each point's
/// extension line starts on the other axis (drawing mm), and one label per
/// segment.
struct Chain {
    points: Vec<(f32, f32)>,
    labels: Vec<Label>,
}

fn mm(v: f32) -> u32 {
    v.abs().round() as u32
}

/// Label boxes already placed in one row of a chain (start, end on its axis).
#[derive(Default)]
struct Rows([Vec<(f32, f32)>; 3]);

impl Rows {
    /// The first row (0: above or left of the line, 1: the other side,
    /// 2: further out) where a label `len` long centred at `c` fits: in row
    /// 0 it must also fit between the segment's ends.
    fn choose(&mut self, c: f32, len: f32, seg: (f32, f32)) -> usize {
        let (a, b) = (c - len / 2.0 - 0.6, c + len / 2.0 + 0.6);
        let free = |row: &Vec<(f32, f32)>| row.iter().all(|&(x, y)| b <= x || a >= y);
        let row = (0..3)
            .find(|&r| free(&self.0[r]) && (r != 0 || len + 0.8 <= (seg.1 - seg.0).abs()))
            .unwrap_or(2);
        self.0[row].push((a, b));
        row
    }
}

/// Oblique ticks (architectural dimensioning) at a point of a chain.
fn tick(doc: &mut Doc, x: f32, y: f32) {
    let t = 0.9;
    doc.pages[0].line(&[(x - t, y + t), (x + t, y - t)], &dim(), 0.35, None);
}

/// A horizontal chain on sheet 1 with its line at sheet `ly`; extension
/// lines run from each point's start (drawing y) to just past the line.
fn chain_h(doc: &mut Doc, map: &Map, ly: f32, chain: &Chain) {
    let Some(first) = chain.points.first() else {
        return;
    };
    let last = chain.points[chain.points.len() - 1];
    doc.pages[0].line(
        &[(map.x(first.0) - 1.5, ly), (map.x(last.0) + 1.5, ly)],
        &dim(),
        0.18,
        None,
    );
    for &(x, from) in &chain.points {
        let (px, fy) = (map.x(x), map.y(from));
        let dir = if fy > ly { -1.0 } else { 1.0 };
        doc.pages[0].line(
            &[(px, fy + dir * 1.0), (px, ly - dir * 1.5)],
            &dim(),
            0.13,
            None,
        );
        tick(doc, px, ly);
    }
    let mut rows = Rows::default();
    for (seg, label) in chain.points.windows(2).zip(&chain.labels) {
        let (a, b) = (map.x(seg[0].0), map.x(seg[1].0));
        let text = label.text();
        let len = text_width(&text, label.size(), Weight::Regular);
        let c = (a + b) / 2.0;
        let cap = label.size() * MM * 0.74;
        let baseline = match rows.choose(c, len, (a, b)) {
            0 => ly - 0.8,
            1 => ly + 0.8 + cap,
            _ => ly + 1.6 + 2.0 * cap,
        };
        doc.text(
            0,
            &text,
            c,
            baseline,
            label.size(),
            Weight::Regular,
            Anchor::Middle,
            &label.color(),
        );
    }
}

/// A vertical chain on sheet 1 with its line at sheet `lx`; extension lines
/// run from each point's start (drawing x) to just past the line. Labels
/// read upwards, left of the line where they fit.
fn chain_v(doc: &mut Doc, map: &Map, lx: f32, chain: &Chain) {
    let Some(first) = chain.points.first() else {
        return;
    };
    let last = chain.points[chain.points.len() - 1];
    doc.pages[0].line(
        &[(lx, map.y(first.0) + 1.5), (lx, map.y(last.0) - 1.5)],
        &dim(),
        0.18,
        None,
    );
    for &(y, from) in &chain.points {
        let (py, fx) = (map.y(y), map.x(from));
        let dir = if fx > lx { -1.0 } else { 1.0 };
        doc.pages[0].line(
            &[(fx + dir * 1.0, py), (lx - dir * 1.5, py)],
            &dim(),
            0.13,
            None,
        );
        tick(doc, lx, py);
    }
    let mut rows = Rows::default();
    for (seg, label) in chain.points.windows(2).zip(&chain.labels) {
        let (a, b) = (map.y(seg[0].0), map.y(seg[1].0));
        let text = label.text();
        let len = text_width(&text, label.size(), Weight::Regular);
        let c = (a + b) / 2.0;
        let cap = label.size() * MM * 0.74;
        // The glyphs of upward text lie left of its baseline.
        let baseline = match rows.choose(c, len, (b, a)) {
            0 => lx - 0.8,
            1 => lx + 0.8 + cap,
            _ => lx - 1.6 - cap,
        };
        doc.text_up(
            0,
            &text,
            baseline,
            c,
            label.size(),
            Weight::Regular,
            &label.color(),
        );
    }
}

/// A sheet x for a vertical chain beside the sheet box `near`, on the side
/// `dir` (-1 left, 1 right), from sheet y `top` down to `bottom`, clear of
/// every box in `blocked` (signs, the door, chains already placed).
fn column(near: [f32; 4], dir: f32, top: f32, bottom: f32, blocked: &[[f32; 4]]) -> f32 {
    let gap = 6.0;
    let mut lx = if dir < 0.0 {
        near[0] - gap
    } else {
        near[0] + near[2] + gap
    };
    for _ in 0..32 {
        // The chain's line with a label on either side.
        let (a, b) = (lx - 4.6, lx + 4.0);
        let hit = blocked
            .iter()
            .find(|r| r[0] < b && r[0] + r[2] > a && r[1] < bottom && r[1] + r[3] > top);
        match hit {
            Some(r) if dir < 0.0 => lx = r[0] - gap,
            Some(r) => lx = r[0] + r[2] + gap,
            None => break,
        }
    }
    lx
}

/// Where a sign stands, in words for the table.
fn position_zh(s: &Sign, b: &SignBox, door: [f32; 4]) -> &'static str {
    match s.place {
        Place::Header => "门头",
        Place::GateWalls => "大门旁墙面",
        _ if b.x + b.w <= door[0] => "门洞左侧",
        _ if b.x >= door[0] + door[2] => "门洞右侧",
        _ => "大门两侧",
    }
}

/// The underside of a sign above the finished ground, mm.
fn underside(b: &SignBox) -> u32 {
    mm(b.y + b.h)
}

/// Draw the elevation and its dimensions on sheet 1; returns the scale (1:N).
fn elevation(doc: &mut Doc, g: &GateDrawing, signs: &[&Sign]) -> Result<u32, String> {
    let [vx, vy, vw, vh] = g.view;
    let fit = |n: u32| {
        let k = 1.0 / n as f32;
        vw * k + ROOM[0] + ROOM[1] <= EW && vh * k + ROOM[2] + ROOM[3] <= EH
    };
    let scale = SCALES.iter().copied().find(|&n| fit(n)).unwrap_or(500);
    let k = 1.0 / scale as f32;
    let map = Map {
        vx,
        vy,
        k,
        ox: EX + ROOM[0] + (EW - ROOM[0] - ROOM[1] - vw * k) / 2.0,
        oy: EY + ROOM[2] + (EH - ROOM[2] - ROOM[3] - vh * k) / 2.0,
    };
    let converted = svg::convert(&g.svg, None)?;
    svg::check_drawable(&converted, "signs/gate.svg")?;
    doc.drawing(0, &converted, map.x(vx), map.y(vy), k);

    doc.text(
        0,
        &format!("大门立面图（安装位置）　1:{scale}"),
        EX,
        21.0,
        TITLE,
        Weight::Bold,
        Anchor::Start,
        &ink(),
    );
    doc.text(
        0,
        "位置示意，以现场为准",
        EX + EW,
        21.0,
        TITLE,
        Weight::Bold,
        Anchor::End,
        &red(),
    );

    // The signs as drawn, by kind; a sign the drawing did not place is left
    // undimensioned (it is still in the table).
    let boxed: Vec<(&Sign, SignBox)> = signs
        .iter()
        .enumerate()
        .filter_map(|(i, s)| g.signs.iter().find(|b| b.n == i + 1).map(|b| (*s, *b)))
        .collect();
    let door = g.door;
    let mut blocked: Vec<[f32; 4]> = boxed
        .iter()
        .map(|(_, b)| map.rect([b.x, b.y, b.w, b.h]))
        .collect();
    blocked.push(map.rect(door));
    let ground = map.y(0.0);

    // Ground line reference: ±0.000 is the finished ground outside the door.
    let gx = map.x(vx);
    doc.pages[0].line(&[(gx - 9.0, ground), (gx, ground)], &dim(), 0.18, None);
    doc.text(
        0,
        "±0.000",
        gx - 1.0,
        ground - 1.0,
        NUM,
        Weight::Regular,
        Anchor::End,
        &dim(),
    );
    doc.text(
        0,
        "地坪",
        gx - 1.0,
        ground + ZH * MM,
        ZH,
        Weight::Regular,
        Anchor::End,
        &dim(),
    );

    // Vertical chains: ground, underside, top; one per set of signs that
    // stand alike, beside the outermost of the set.
    let mut sets: Vec<(Place, u32, u32, Vec<SignBox>)> = Vec::new();
    for (s, b) in &boxed {
        let key = (s.place, underside(b), mm(b.y));
        match sets.iter_mut().find(|t| (t.0, t.1, t.2) == key) {
            Some(t) => t.3.push(*b),
            None => sets.push((key.0, key.1, key.2, vec![*b])),
        }
    }
    let door_mid = door[0] + door[2] / 2.0;
    for (place, _, _, members) in &sets {
        let left = members.iter().min_by(|a, b| a.x.total_cmp(&b.x)).copied();
        let right = members
            .iter()
            .max_by(|a, b| (a.x + a.w).total_cmp(&(b.x + b.w)))
            .copied();
        let (Some(left), Some(right)) = (left, right) else {
            continue;
        };
        // Plaques are dimensioned outside the leftmost, the guide board and
        // identifiers right of the door centre on their right.
        let on_right = match place {
            Place::Gate => false,
            _ => left.x + left.w / 2.0 > door_mid,
        };
        let b = if on_right { right } else { left };
        let dir = if on_right { 1.0 } else { -1.0 };
        let edge = if on_right { b.x + b.w } else { b.x };
        let top = map.y(b.y) - 2.0;
        let lx = column(
            map.rect([b.x, b.y, b.w, b.h]),
            dir,
            top,
            ground + 2.0,
            &blocked,
        );
        chain_v(
            doc,
            &map,
            lx,
            &Chain {
                points: vec![(0.0, edge), (b.y + b.h, edge), (b.y, edge)],
                labels: vec![Label::Position(underside(&b)), Label::Size(mm(b.h))],
            },
        );
        // Ground has no extension line to draw from a sign: the chain starts
        // on the ground line itself.
        blocked.push([lx - 4.6, top, 8.6, ground - top]);
    }

    // Below the ground: the plaques, the door opening and the guide board
    // along the wall, with the spacing between them.
    let mut row: Vec<(f32, f32, f32, Option<Label>)> = boxed
        .iter()
        .filter(|(s, _)| s.place != Place::Header)
        .map(|(_, b)| (b.x, b.x + b.w, b.y + b.h, Some(Label::Size(mm(b.w)))))
        .collect();
    row.push((door[0], door[0] + door[2], 0.0, None));
    row.sort_by(|a, b| a.0.total_cmp(&b.0));
    let mut points = Vec::new();
    let mut labels = Vec::new();
    for (i, (a, b, from, label)) in row.iter().enumerate() {
        if i > 0 {
            let prev = points.last().map_or(*a, |p: &(f32, f32)| p.0);
            labels.push(Label::Position(mm(a - prev)));
        }
        points.push((*a, *from));
        points.push((*b, *from));
        labels.push(label.clone().unwrap_or(Label::Name("门洞")));
    }
    let bottom = map.y(vy + vh) + 6.0;
    chain_h(doc, &map, bottom, &Chain { points, labels });

    // Above the header: the identifiers and the spacing between them, and
    // the door's centreline when they are centred on it.
    let mut idents: Vec<SignBox> = boxed
        .iter()
        .filter(|(s, _)| s.place == Place::Header)
        .map(|(_, b)| *b)
        .collect();
    idents.sort_by(|a, b| a.x.total_cmp(&b.x));
    if let (Some(first), Some(last)) = (idents.first(), idents.last()) {
        let top = idents.iter().map(|b| b.y).fold(f32::MAX, f32::min);
        let ly = map.y(top) - 9.0;
        let mut points = Vec::new();
        let mut labels = Vec::new();
        for (i, b) in idents.iter().enumerate() {
            if i > 0 {
                let prev = points.last().map_or(b.x, |p: &(f32, f32)| p.0);
                labels.push(Label::Position(mm(b.x - prev)));
            }
            points.push((b.x, b.y));
            points.push((b.x + b.w, b.y));
            labels.push(Label::Size(mm(b.w)));
        }
        chain_h(doc, &map, ly, &Chain { points, labels });
        let centre = (first.x + last.x + last.w) / 2.0;
        if (centre - door_mid).abs() < 1.0 {
            let cx = map.x(door_mid);
            let dash = Some([3.0, 1.0]);
            doc.pages[0].line(
                &[(cx, ground + 2.0), (cx, map.y(door[1]))],
                &dim(),
                0.13,
                dash,
            );
            doc.pages[0].line(&[(cx, ly + 2.0), (cx, ly - 9.0)], &dim(), 0.13, dash);
            doc.text(
                0,
                "门洞中线",
                cx + 1.0,
                ly - 6.0,
                ZH,
                Weight::Regular,
                Anchor::Start,
                &dim(),
            );
        }
    }

    scale_bar(doc, scale, map.x(vx), bottom + 14.0);
    Ok(scale)
}

/// One entry of the rectification list, as lines.
struct Block {
    heading: Option<String>,
    lines: Vec<String>,
    tick: bool,
}

const HEAD_LINE: f32 = 7.0;

impl Block {
    fn height(&self) -> f32 {
        let head = if self.heading.is_some() {
            HEAD_LINE
        } else {
            0.0
        };
        head + self.lines.len() as f32 * LINE + 1.8
    }
}

/// The plan's work, grouped by the kind of work, one tick box per item.
fn blocks(input: &Input, width: f32) -> Vec<Block> {
    let mut out = Vec::new();
    for action in Action::ALL {
        let items: Vec<_> = input
            .plan
            .work
            .iter()
            .filter(|w| w.action == action)
            .collect();
        for (i, w) in items.iter().enumerate() {
            out.push(Block {
                heading: (i == 0).then(|| format!("{}（{} 项）", action.zh(), items.len())),
                lines: wrap(&w.description, width - 6.0, ZH, Weight::Regular),
                tick: true,
            });
        }
    }
    if out.is_empty() {
        out.push(Block {
            heading: Some("无需整改".into()),
            lines: wrap(
                &format!(
                    "{}的标识标牌、上墙制度、奖牌和证明事项都符合要求，没有需要整改的事项。",
                    input.c.name.raw.trim()
                ),
                width - 6.0,
                ZH,
                Weight::Regular,
            ),
            tick: false,
        });
    }
    out
}

/// The list's columns: three per sheet from sheet 2 on, the first below the
/// table on sheet 2, all clear of the title block.
const COLS: usize = 3;
const COL_GAP: f32 = 6.0;
const COL_W: f32 = (W - 2.0 * M - 8.0 - (COLS as f32 - 1.0) * COL_GAP) / COLS as f32;

/// Area `i` for the list: (sheet index, x, top, bottom).
fn area(i: usize, first_top: f32) -> (usize, f32, f32, f32) {
    let page = 1 + i / COLS;
    let col = i % COLS;
    let x = M + 4.0 + col as f32 * (COL_W + COL_GAP);
    let top = if page == 1 { first_top } else { 30.0 };
    let bottom = if x + COL_W > TB_X {
        TB_Y - 4.0
    } else {
        H - M - 4.0
    };
    (page, x, top, bottom)
}

pub fn sheet(input: &Input) -> Result<Vec<u8>, String> {
    let c = input.c;
    let name = c.name.raw.trim();
    let g = input.drawing;
    let signs: Vec<&Sign> = input.gate.all_signs().collect();

    // Sheet 2's table first: where it ends, the list begins.
    let table_rows = table_rows(input, &signs, g);
    let table_end = 30.0 + table_height(&table_rows) + notes_height(input);

    // Lay the list out: it decides how many sheets there are.
    let list_top = table_end + 12.0;
    let mut placed = Vec::new();
    // Below a table too long to leave room, the list starts on sheet 3.
    let first_slot = if list_top + 30.0 > area(0, list_top).3 {
        COLS
    } else {
        0
    };
    let mut slot = first_slot;
    let mut y = area(slot, list_top).2;
    for b in blocks(input, COL_W) {
        let h = b.height();
        loop {
            let (_, _, top, bottom) = area(slot, list_top);
            if y + h <= bottom || y == top {
                break;
            }
            slot += 1;
            y = area(slot, list_top).2;
        }
        placed.push((slot, y, b));
        y += h;
    }
    let pages = area(slot, list_top).0 + 1;

    let mut doc = Doc::new();
    for _ in 0..pages {
        doc.page(W, H);
    }
    let scale = elevation(&mut doc, g, &signs)?;
    notes(&mut doc, input, g, &signs);
    for p in 0..pages {
        frame(&mut doc, p, pages, input, (p == 0).then_some(scale));
    }

    table(&mut doc, input, &table_rows);
    let first_page = area(first_slot, list_top).0;
    for p in first_page..pages {
        let (title, y) = match p {
            _ if p != first_page => ("整改清单（续）", 22.0),
            1 => ("整改清单（完成一项勾一项）", list_top - 4.0),
            _ => ("整改清单（完成一项勾一项）", 22.0),
        };
        doc.text(
            p,
            title,
            M + 4.0,
            y,
            TITLE,
            Weight::Bold,
            Anchor::Start,
            &ink(),
        );
    }
    for (slot, y, b) in &placed {
        let (page, x, _, _) = area(*slot, list_top);
        let mut y = *y;
        if let Some(h) = &b.heading {
            doc.text(page, h, x, y + 4.6, ZH, Weight::Bold, Anchor::Start, &red());
            y += HEAD_LINE;
        }
        if b.tick {
            doc.pages[page].rect(x, y + 0.5, 3.4, 3.4, None, Some((&ink(), 0.25)));
        }
        for line in &b.lines {
            doc.text(
                page,
                line,
                x + 6.0,
                y + 3.6,
                ZH,
                Weight::Regular,
                Anchor::Start,
                &ink(),
            );
            y += LINE;
        }
    }

    let title = format!("{name}大门标识标牌布置图");
    doc.date = input.built_on.to_owned();
    Ok(doc.save(
        &title,
        &format!("{} · 安装布置图、规格表与整改清单", input.std.citation()),
        input.site.title.trim(),
        &[
            name.to_owned(),
            c.town.raw.trim().to_owned(),
            input.site.region.clone(),
        ],
    ))
}

/// The standard the sheet follows, in one line.
/// The standard's short name, for the title block (the notes cite it in full).
fn standard_line(input: &Input) -> String {
    input.std.name.trim().to_owned()
}

/// Sheet 1's notes, left of the title block.
fn note_lines(input: &Input, g: &GateDrawing, signs: &[&Sign]) -> Vec<(String, bool)> {
    let mut notes = vec![
        (
            "尺寸单位：毫米。竖向尺寸自室外地坪（±0.000）起算，牌子下边缘以下的尺寸即底边离地高度。".to_owned(),
            false,
        ),
        (
            "带 * 的尺寸（离地高度、间距）是本图的建议值：标准未规定，按现场墙面、门洞和台阶调整，以现场为准。".to_owned(),
            true,
        ),
    ];
    if signs.iter().any(|s| s.proposed) {
        notes.push((
            "红色虚线框：需按标准新做或重新制作的牌子。圆圈数字是牌子编号，规格见第 2 张规格表。"
                .to_owned(),
            false,
        ));
    } else {
        notes.push((
            "圆圈数字是牌子编号，规格见第 2 张规格表。".to_owned(),
            false,
        ));
    }
    let door_mid = g.door[0] + g.door[2] / 2.0;
    let header: Vec<&SignBox> = signs
        .iter()
        .enumerate()
        .filter(|(_, s)| s.place == Place::Header)
        .filter_map(|(i, _)| g.signs.iter().find(|b| b.n == i + 1))
        .collect();
    if let (Some(a), Some(b)) = (
        header.iter().map(|b| b.x).reduce(f32::min),
        header.iter().map(|b| b.x + b.w).reduce(f32::max),
    ) && ((a + b) / 2.0 - door_mid).abs() < 1.0
    {
        notes.push((
            "门头标识整组以门洞中线居中；门洞宽、高按现场，竖牌与门洞边的间距保持图示。".to_owned(),
            false,
        ));
    }
    notes.push((
        format!("{}。1:1 制作文件另附。", input.std.citation()),
        false,
    ));
    notes
}

fn notes(doc: &mut Doc, input: &Input, g: &GateDrawing, signs: &[&Sign]) {
    let (x, w) = (EX, TB_X - 4.0 - EX);
    let mut y = TB_Y + 6.0;
    doc.text(0, "说明", x, y, ZH, Weight::Bold, Anchor::Start, &ink());
    y += LINE + 0.6;
    for (i, (note, marked)) in note_lines(input, g, signs).iter().enumerate() {
        let number = format!("{}.", i + 1);
        doc.text(0, &number, x, y, ZH, Weight::Regular, Anchor::Start, &ink());
        let color = if *marked { proposal() } else { ink() };
        for line in wrap(note, w - 6.0, ZH, Weight::Regular) {
            if y > H - M - 1.5 {
                return;
            }
            doc.text(
                0,
                &line,
                x + 6.0,
                y,
                ZH,
                Weight::Regular,
                Anchor::Start,
                &color,
            );
            y += LINE;
        }
    }
}

/// The frame and the title block (图签, GB/T 10609.1) of sheet `p`.
fn frame(doc: &mut Doc, p: usize, pages: usize, input: &Input, scale: Option<u32>) {
    let c = input.c;
    let name = c.name.raw.trim();
    {
        let page = &mut doc.pages[p];
        page.rect(M, M, W - 2.0 * M, H - 2.0 * M, None, Some((&ink(), 0.6)));
        if p == 0 {
            page.line(&[(M, TB_Y), (TB_X, TB_Y)], &ink(), 0.3, None);
        }
        page.rect(
            TB_X,
            TB_Y,
            TB_W,
            TB_H,
            Some(&grey(1.0)),
            Some((&ink(), 0.5)),
        );
    }
    let rh = TB_H / 8.0;
    let (x0, xm, x1) = (TB_X, TB_X + TB_W / 2.0, TB_X + TB_W);
    let thin = |doc: &mut Doc, pts: &[(f32, f32)]| doc.pages[p].line(pts, &ink(), 0.18, None);
    // Rows, the halves, the bottom row across.
    for r in 1..8 {
        let y = TB_Y + r as f32 * rh;
        if r == 7 {
            thin(doc, &[(x0, y), (x1, y)]);
        } else {
            thin(doc, &[(x0, y), (xm, y)]);
            if r >= 2 {
                thin(doc, &[(xm, y), (x1, y)]);
            }
        }
    }
    thin(doc, &[(xm, TB_Y), (xm, TB_Y + 7.0 * rh)]);
    let text = |doc: &mut Doc, s: &str, x: f32, row: usize, weight: Weight, color: &Color| {
        doc.text(
            p,
            s,
            x,
            TB_Y + row as f32 * rh + rh * 0.5 + ZH * MM * 0.36,
            ZH,
            weight,
            Anchor::Start,
            color,
        );
    };

    // Left half: who drew, checked and approved it (to sign by hand), and
    // the dates.
    let (la, lb) = (x0 + 22.0, x0 + 56.0);
    thin(doc, &[(la, TB_Y), (la, TB_Y + 7.0 * rh)]);
    thin(doc, &[(lb, TB_Y), (lb, TB_Y + 4.0 * rh)]);
    text(doc, "签名", la + 2.0, 0, Weight::Regular, &grey(0.4));
    text(doc, "日期", lb + 2.0, 0, Weight::Regular, &grey(0.4));
    for (i, role) in ["制图", "审核", "批准"].iter().enumerate() {
        text(doc, role, x0 + 2.0, i + 1, Weight::Bold, &ink());
    }
    let surveyed = c.surveyed_on.as_deref().map_or("未记录", str::trim);
    for (row, label, value) in [
        (4, "调查日期", surveyed.to_owned()),
        (5, "生成日期", input.built_on.to_owned()),
        (6, "张次", format!("共 {pages} 张　第 {} 张", p + 1)),
    ] {
        text(doc, label, x0 + 2.0, row, Weight::Bold, &ink());
        text(doc, &value, la + 2.0, row, Weight::Regular, &ink());
    }

    // Right half: the drawing's name, where, scale and number.
    let title = format!("{name}大门标识标牌布置图");
    let lines = wrap(&title, TB_W / 2.0 - 4.0, TITLE, Weight::Bold);
    let n = lines.len().min(2) as f32;
    let mut ty = TB_Y + rh - (n - 1.0) * 2.6 + TITLE * MM * 0.36;
    for l in lines.iter().take(2) {
        doc.text(
            p,
            l,
            xm + 2.0,
            ty,
            TITLE,
            Weight::Bold,
            Anchor::Start,
            &ink(),
        );
        ty += 5.2;
    }
    let ra = xm + 22.0;
    thin(doc, &[(ra, TB_Y + 2.0 * rh), (ra, TB_Y + 7.0 * rh)]);
    let sheet_of = match p {
        0 => "大门立面图（安装位置）",
        1 => "规格表、整改清单",
        _ => "整改清单（续）",
    };
    for (row, label, value) in [
        (2, "村(社区)", name.to_owned()),
        (3, "乡镇(街道)", c.town.raw.trim().to_owned()),
        (4, "县(区)", input.site.region.trim().to_owned()),
        (6, "本张", sheet_of.to_owned()),
    ] {
        text(doc, label, xm + 2.0, row, Weight::Bold, &ink());
        text(doc, &value, ra + 2.0, row, Weight::Regular, &ink());
    }
    let rb = xm + 56.0;
    thin(doc, &[(rb, TB_Y + 5.0 * rh), (rb, TB_Y + 6.0 * rh)]);
    thin(
        doc,
        &[(rb + 14.0, TB_Y + 5.0 * rh), (rb + 14.0, TB_Y + 6.0 * rh)],
    );
    text(doc, "比例", xm + 2.0, 5, Weight::Bold, &ink());
    let ratio = scale.map_or("—".to_owned(), |n| format!("1:{n}"));
    text(doc, &ratio, ra + 2.0, 5, Weight::Regular, &ink());
    text(doc, "图号", rb + 2.0, 5, Weight::Bold, &ink());
    text(
        doc,
        &format!("{}/{pages}", p + 1),
        rb + 16.0,
        5,
        Weight::Regular,
        &ink(),
    );

    // Bottom row: the standard.
    text(doc, "执行标准", x0 + 2.0, 7, Weight::Bold, &ink());
    let std = wrap(&standard_line(input), TB_W - 26.0, ZH, Weight::Regular);
    text(
        doc,
        std.first().map_or("", String::as_str),
        la + 2.0,
        7,
        Weight::Regular,
        &ink(),
    );
}

/// A scale bar of whole metres, with its ratio.
fn scale_bar(doc: &mut Doc, scale: u32, x: f32, y: f32) {
    let metre = 1000.0 / scale as f32;
    let n = if metre * 5.0 <= 80.0 { 5 } else { 2 };
    for i in 0..n {
        let fill = if i % 2 == 0 { Some(ink()) } else { None };
        doc.pages[0].rect(
            x + i as f32 * metre,
            y,
            metre,
            1.6,
            fill.as_ref(),
            Some((&ink(), 0.2)),
        );
    }
    for i in 0..n {
        doc.text(
            0,
            &i.to_string(),
            x + i as f32 * metre,
            y + 5.0,
            NUM,
            Weight::Regular,
            Anchor::Middle,
            &ink(),
        );
    }
    doc.text(
        0,
        &format!("{n} 米"),
        x + n as f32 * metre,
        y + 5.0,
        ZH,
        Weight::Regular,
        Anchor::Middle,
        &ink(),
    );
    doc.text(
        0,
        &format!("比例 1:{scale}　图上 1 毫米 = 实际 {scale} 毫米"),
        x + n as f32 * metre + 10.0,
        y + 2.4,
        ZH,
        Weight::Regular,
        Anchor::Start,
        &ink(),
    );
}

/// The specification table's columns: heading and width (mm).
const TABLE: [(&str, f32); 11] = [
    ("编号", 14.0),
    ("牌子", 34.0),
    ("文字内容", 76.0),
    ("尺寸(宽×高)", 30.0),
    ("位置", 28.0),
    ("底边离地*", 26.0),
    ("材质", 26.0),
    ("字色", 34.0),
    ("底色", 34.0),
    ("数量", 14.0),
    ("状态", 76.0),
];
const TABLE_HEAD: f32 = 8.0;

/// One row of the table: its cells as lines, and the sign.
struct Row<'a> {
    cells: Vec<Vec<String>>,
    sign: &'a Sign,
}

impl Row<'_> {
    fn height(&self) -> f32 {
        self.cells.iter().map(Vec::len).max().unwrap_or(1).max(1) as f32 * LINE + 3.0
    }
}

fn table_rows<'a>(input: &Input, signs: &[&'a Sign], g: &GateDrawing) -> Vec<Row<'a>> {
    signs
        .iter()
        .enumerate()
        .map(|(i, s)| {
            let text = if s.role == "guide" {
                input.gate.guide.title.clone()
            } else {
                s.text.clone()
            };
            let status = match s.action {
                SignAction::Keep => "保留现有（核对尺寸、颜色）",
                SignAction::Remake => "重新制作",
                SignAction::Make => "按标准新做",
            };
            let b = g.signs.iter().find(|b| b.n == i + 1);
            let cells: [String; 11] = [
                (i + 1).to_string(),
                s.role_name.clone(),
                text,
                format!("{}×{}", s.width_mm, s.height_mm),
                b.map_or("—", |b| position_zh(s, b, g.door)).to_owned(),
                b.map_or("—".to_owned(), |b| format!("{}*", underside(b))),
                s.material.clone(),
                format!("{} {}", colour_name(&s.text_color), s.text_color),
                format!("{} {}", colour_name(&s.background), s.background),
                "1".into(),
                status.into(),
            ];
            let cells = cells
                .iter()
                .enumerate()
                .map(|(col, cell)| {
                    let inset = if matches!(col, 7 | 8) { 6.0 } else { 2.4 };
                    wrap(cell, TABLE[col].1 - inset - 1.0, ZH, Weight::Regular)
                })
                .collect();
            Row { cells, sign: s }
        })
        .collect()
}

fn table_height(rows: &[Row]) -> f32 {
    TABLE_HEAD + rows.iter().map(Row::height).sum::<f32>()
}

/// The note under the table: the guide board's rooms, the lettering.
fn table_note(input: &Input) -> String {
    let rooms: Vec<String> = input
        .gate
        .guide
        .rooms
        .iter()
        .map(|r| {
            let mut s = r.name.clone();
            if let Some(f) = &r.floor {
                s.push_str(&format!("（{f}层{}）", r.arrow.unwrap_or("")));
            }
            s
        })
        .collect();
    let rooms = if rooms.is_empty() {
        String::new()
    } else {
        format!("引导牌房间：{}。", rooms.join("、"))
    };
    format!(
        "{rooms}文字一律用思源黑体（Noto Sans CJK SC）Bold；“中国社区”标识图形按民政部注册图案制作。带 * 的离地高度为建议值，以现场为准。"
    )
}

fn notes_height(input: &Input) -> f32 {
    4.0 + wrap(&table_note(input), table_width(), ZH, Weight::Regular).len() as f32 * LINE
}

fn table_width() -> f32 {
    TABLE.iter().map(|c| c.1).sum()
}

/// The specification table on sheet 2: every sign on the drawing, as text.
fn table(doc: &mut Doc, input: &Input, rows: &[Row]) {
    let p = 1;
    let x0 = M + 4.0;
    doc.text(
        p,
        "标识标牌规格表",
        x0,
        22.0,
        TITLE,
        Weight::Bold,
        Anchor::Start,
        &ink(),
    );
    let mut y = 30.0;
    let total = table_width();
    doc.pages[p].rect(x0, y, total, TABLE_HEAD, Some(&grey(0.9)), None);
    let mut x = x0;
    for (label, w) in TABLE {
        doc.text(
            p,
            label,
            x + 1.2,
            y + 5.4,
            ZH,
            Weight::Bold,
            Anchor::Start,
            &ink(),
        );
        x += w;
    }
    let rows_top = y;
    y += TABLE_HEAD;
    for row in rows {
        let s = row.sign;
        let rh = row.height();
        let mut x = x0;
        for (col, (lines, (_, w))) in row.cells.iter().zip(TABLE).enumerate() {
            let swatch = matches!(col, 7 | 8);
            let tx = if swatch { x + 6.0 } else { x + 1.2 };
            if swatch {
                let colour = if col == 7 {
                    &s.text_color
                } else {
                    &s.background
                };
                doc.pages[p].rect(
                    x + 1.2,
                    y + 1.9,
                    3.4,
                    3.4,
                    Some(&rgb(colour)),
                    Some((&grey(0.5), 0.1)),
                );
            }
            // Top-aligned, so a row reads along one line.
            let mut ly = y + 1.5 + ZH * MM * 0.88;
            for l in lines {
                let color = match col {
                    10 if s.proposed => red(),
                    5 => proposal(),
                    _ => ink(),
                };
                doc.text(p, l, tx, ly, ZH, Weight::Regular, Anchor::Start, &color);
                ly += LINE;
            }
            x += w;
        }
        y += rh;
        doc.pages[p].line(&[(x0, y), (x0 + total, y)], &grey(0.6), 0.12, None);
    }
    // Column rules and the outline.
    let mut x = x0;
    for (_, w) in TABLE.iter().take(TABLE.len() - 1) {
        x += w;
        doc.pages[p].line(&[(x, rows_top), (x, y)], &grey(0.6), 0.12, None);
    }
    doc.pages[p].rect(x0, rows_top, total, y - rows_top, None, Some((&ink(), 0.3)));

    let mut ny = y + 5.0;
    for l in wrap(&table_note(input), total, ZH, Weight::Regular) {
        doc.text(
            p,
            &l,
            x0,
            ny,
            ZH,
            Weight::Regular,
            Anchor::Start,
            &grey(0.25),
        );
        ny += LINE;
    }
}
