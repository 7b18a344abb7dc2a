//! `sheet.pdf`: the layout sheet (布置图), A3 landscape. The gate elevation
//! to a stated scale with dimensions and a scale bar, the specification
//! table, the rectification list with tick boxes (so the sheet is also the
//! work order), and a title block. Continuation pages carry the rest of a
//! long rectification list.

use printpdf::Color;

use super::Input;
use super::doc::{Doc, grey, rgb, text_width, wrap};
use super::svg;
use crate::fonts::{Anchor, Weight};
use crate::plan::{Action, Sign, SignAction};

const W: f32 = 420.0;
const H: f32 = 297.0;
/// The frame, and the split between the drawing side and the list side.
const M: f32 = 10.0;
const SPLIT: f32 = 287.0;
const HEAD: f32 = 26.0;
/// The drawing area.
const DX: f32 = 16.0;
const DY: f32 = 38.0;
const DW: f32 = 266.0;
const DH: f32 = 128.0;
/// Scales a drawing may use (1:N), as on architectural drawings.
const SCALES: [u32; 12] = [20, 25, 30, 40, 50, 60, 75, 100, 125, 150, 200, 250];

fn ink() -> Color {
    grey(0.1)
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

/// One entry of the rectification list, as lines.
struct Block {
    heading: Option<String>,
    lines: Vec<(String, f32, Weight, bool)>,
    tick: bool,
}

impl Block {
    fn height(&self) -> f32 {
        let head = if self.heading.is_some() { 6.5 } else { 0.0 };
        head + self.lines.iter().map(|l| l.1 * 0.3528 * 1.45).sum::<f32>() + 1.6
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
            let lines = wrap(&w.description, width, 7.5, Weight::Regular)
                .into_iter()
                .map(|l| (l, 7.5, Weight::Regular, false))
                .collect();
            out.push(Block {
                heading: (i == 0).then(|| format!("{}（{} 项）", action.zh(), items.len())),
                lines,
                tick: true,
            });
        }
    }
    if out.is_empty() {
        out.push(Block {
            heading: Some("无需整改".into()),
            lines: vec![(
                format!(
                    "{}的标识标牌、上墙制度、奖牌和证明事项都符合要求，没有需要整改的事项。",
                    input.c.name.raw.trim()
                ),
                7.5,
                Weight::Regular,
                false,
            )],
            tick: false,
        });
    }
    out
}

/// Areas for the list: (page, x, y, w, bottom). The first is the right
/// column of page 1; continuation pages have two columns each.
fn area(i: usize) -> (usize, f32, f32, f32, f32) {
    if i == 0 {
        (0, SPLIT + 4.0, 38.0, W - M - SPLIT - 8.0, 212.0)
    } else {
        let page = i.div_ceil(2);
        let col = (i + 1) % 2;
        let cw = (W - 2.0 * M - 12.0) / 2.0;
        (
            page,
            M + 4.0 + col as f32 * (cw + 4.0),
            38.0,
            cw,
            H - M - 4.0,
        )
    }
}

pub fn sheet(input: &Input) -> Result<Vec<u8>, String> {
    let c = input.c;
    let name = c.name.raw.trim();
    let gate_svg = crate::site::draw::gate(input.theme, input.gate).map_err(|e| e.to_string())?;
    let gate = svg::convert(&gate_svg)?;

    // Lay the list out first: it decides how many pages there are.
    let list_w = area(0).3 - 6.0;
    let mut placed = Vec::new();
    let mut slot = 0;
    let mut y = area(0).2;
    for b in blocks(input, list_w) {
        let h = b.height();
        loop {
            let (_, _, top, _, bottom) = area(slot);
            if y + h <= bottom || y == top {
                break;
            }
            slot += 1;
            y = area(slot).2;
        }
        placed.push((slot, y, b));
        y += h;
    }
    let pages = area(slot).0 + 1;

    let mut doc = Doc::new();
    for p in 0..pages {
        doc.page(W, H);
        frame(&mut doc, p, pages, input);
    }

    // The elevation.
    let scale = SCALES
        .iter()
        .copied()
        .find(|&n| gate.width / n as f32 <= DW && gate.height / n as f32 <= DH)
        .unwrap_or(500);
    let k = 1.0 / scale as f32;
    let (gw, gh) = (gate.width * k, gate.height * k);
    let gx = DX + (DW - gw) / 2.0;
    let gy = DY + (DH - gh) / 2.0;
    doc.text(
        0,
        &format!("大门立面图　1:{scale}"),
        DX,
        34.0,
        10.0,
        Weight::Bold,
        Anchor::Start,
        &ink(),
    );
    doc.text(
        0,
        "红色虚线框：需按标准新做或重新制作的牌子；圆圈数字对应下表编号",
        DX + DW,
        34.0,
        6.5,
        Weight::Regular,
        Anchor::End,
        &grey(0.35),
    );
    doc.drawing(0, &gate, gx, gy, k);
    let signs: Vec<&Sign> = input.gate.all_signs().collect();
    if gate.placed.len() == signs.len() {
        for (b, s) in gate.placed.iter().zip(&signs) {
            // Only where the box found is the sign (a theme may draw otherwise).
            if (b[2] - s.width_mm as f32).abs() > 1.0 || (b[3] - s.height_mm as f32).abs() > 1.0 {
                continue;
            }
            dimensions(
                &mut doc,
                gx + b[0] * k,
                gy + b[1] * k,
                b[2] * k,
                b[3] * k,
                s,
            );
        }
    }
    scale_bar(&mut doc, scale, DX, gy + gh + 6.0);

    table(&mut doc, input, &signs);

    // The list.
    for p in 0..pages {
        let title = if p == 0 {
            "整改清单（完成一项勾一项）"
        } else {
            "整改清单（续）"
        };
        let x = if p == 0 { SPLIT + 4.0 } else { M + 4.0 };
        doc.text(p, title, x, 34.0, 10.0, Weight::Bold, Anchor::Start, &ink());
    }
    for (slot, y, b) in &placed {
        let (page, x, _, _, _) = area(*slot);
        let mut y = *y;
        if let Some(h) = &b.heading {
            doc.text(
                page,
                h,
                x,
                y + 4.2,
                8.5,
                Weight::Bold,
                Anchor::Start,
                &rgb("#9E1B20"),
            );
            y += 6.5;
        }
        if b.tick {
            doc.pages[page].rect(x, y + 0.4, 3.2, 3.2, None, Some((&ink(), 0.25)));
        }
        for (line, size, weight, dim) in &b.lines {
            let lh = size * 0.3528 * 1.45;
            let color = if *dim { grey(0.38) } else { ink() };
            doc.text(
                page,
                line,
                x + 5.0,
                y + size * 0.3528 * 1.05,
                *size,
                *weight,
                Anchor::Start,
                &color,
            );
            y += lh;
        }
    }

    let title = format!("{name}大门标识标牌布置图");
    doc.date = input.built_on.to_owned();
    Ok(doc.save(
        &title,
        &format!(
            "{}（{}）· 布置图、规格表与整改清单",
            input.std.name, input.std.version
        ),
        input.site.title.trim(),
        &[
            name.to_owned(),
            c.town.raw.trim().to_owned(),
            input.site.region.clone(),
        ],
    ))
}

/// The frame, the heading and the title block of page `p`.
fn frame(doc: &mut Doc, p: usize, pages: usize, input: &Input) {
    let c = input.c;
    let name = c.name.raw.trim();
    let page = &mut doc.pages[p];
    page.rect(M, M, W - 2.0 * M, H - 2.0 * M, None, Some((&ink(), 0.6)));
    page.line(&[(M, HEAD), (W - M, HEAD)], &ink(), 0.3, None);
    if p == 0 {
        page.line(&[(SPLIT, HEAD), (SPLIT, H - M)], &ink(), 0.3, None);
        page.line(&[(M, 186.0), (SPLIT, 186.0)], &ink(), 0.3, None);
        page.line(&[(SPLIT, 218.0), (W - M, 218.0)], &ink(), 0.3, None);
    }
    doc.text(
        p,
        &format!("{name}　大门标识标牌布置图"),
        M + 4.0,
        21.0,
        16.0,
        Weight::Bold,
        Anchor::Start,
        &ink(),
    );
    doc.text(
        p,
        &format!(
            "{}　{}　图号 {}/{}",
            input.site.region.trim(),
            c.town.raw.trim(),
            p + 1,
            pages
        ),
        W - M - 4.0,
        21.0,
        9.0,
        Weight::Regular,
        Anchor::End,
        &ink(),
    );
    if p != 0 {
        return;
    }
    // The title block (图签).
    let rows: [(&str, String); 8] = [
        ("村(社区)", name.to_owned()),
        ("乡镇(街道)", c.town.raw.trim().to_owned()),
        ("县(区)", input.site.region.trim().to_owned()),
        ("执行标准", input.std.name.clone()),
        ("标准版本", input.std.version.clone()),
        ("生成日期", input.built_on.to_owned()),
        ("图纸", "大门立面、规格表、整改清单".to_owned()),
        ("图号", format!("1/{pages}")),
    ];
    let (x0, x1, x2) = (SPLIT, SPLIT + 22.0, W - M);
    let mut y = 218.0;
    let rh = (H - M - 218.0) / rows.len() as f32;
    for (i, (label, value)) in rows.iter().enumerate() {
        if i > 0 {
            doc.pages[p].line(&[(x0, y), (x2, y)], &grey(0.5), 0.15, None);
        }
        doc.text(
            p,
            label,
            x0 + 2.0,
            y + rh * 0.68,
            7.0,
            Weight::Bold,
            Anchor::Start,
            &ink(),
        );
        let mut size = 7.5;
        while size > 5.0 && text_width(value, size, Weight::Regular) > x2 - x1 - 3.0 {
            size -= 0.25;
        }
        doc.text(
            p,
            value,
            x1 + 1.5,
            y + rh * 0.68,
            size,
            Weight::Regular,
            Anchor::Start,
            &ink(),
        );
        y += rh;
    }
    doc.pages[p].line(&[(x1, 218.0), (x1, H - M)], &grey(0.5), 0.15, None);
}

/// Dimension lines (in mm of the real sign) above and left of a sign.
fn dimensions(doc: &mut Doc, x: f32, y: f32, w: f32, h: f32, s: &Sign) {
    let dim = rgb("#1f4e79");
    let page = &mut doc.pages[0];
    let t = 0.8; // the tick's half length
    let ly = y - 2.2;
    page.line(&[(x, ly), (x + w, ly)], &dim, 0.15, None);
    for px in [x, x + w] {
        page.line(&[(px - t, ly + t), (px + t, ly - t)], &dim, 0.3, None);
        page.line(&[(px, y - 0.6), (px, ly - 1.0)], &dim, 0.1, None);
    }
    doc.text(
        0,
        &s.width_mm.to_string(),
        x + w / 2.0,
        ly - 0.6,
        5.5,
        Weight::Regular,
        Anchor::Middle,
        &dim,
    );
    let page = &mut doc.pages[0];
    let lx = x - 2.2;
    page.line(&[(lx, y), (lx, y + h)], &dim, 0.15, None);
    for py in [y, y + h] {
        page.line(&[(lx - t, py + t), (lx + t, py - t)], &dim, 0.3, None);
        page.line(&[(x - 0.6, py), (lx - 1.0, py)], &dim, 0.1, None);
    }
    doc.text_up(
        0,
        &s.height_mm.to_string(),
        lx - 0.6,
        y + h / 2.0,
        5.5,
        Weight::Regular,
        &dim,
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
        doc.text(
            0,
            &i.to_string(),
            x + i as f32 * metre,
            y + 4.6,
            6.0,
            Weight::Regular,
            Anchor::Middle,
            &ink(),
        );
    }
    doc.text(
        0,
        &format!("{n} 米"),
        x + n as f32 * metre,
        y + 4.6,
        6.0,
        Weight::Regular,
        Anchor::Middle,
        &ink(),
    );
    doc.text(
        0,
        &format!("比例 1:{scale}（图上 1 毫米 = 实际 {scale} 毫米）　尺寸单位：毫米"),
        x + n as f32 * metre + 8.0,
        y + 1.8,
        7.0,
        Weight::Regular,
        Anchor::Start,
        &ink(),
    );
}

/// The specification table: every sign on the sheet, as real text.
fn table(doc: &mut Doc, input: &Input, signs: &[&Sign]) {
    const COLS: [(&str, f32); 10] = [
        ("编号", 9.0),
        ("牌子", 26.0),
        ("文字内容", 60.0),
        ("尺寸(宽×高,毫米)", 27.0),
        ("材质", 20.0),
        ("字色", 22.0),
        ("底色", 22.0),
        ("字体", 41.0),
        ("数量", 10.0),
        ("状态", 31.0),
    ];
    let x0 = M + 4.0;
    let mut y = 190.0;
    doc.text(
        0,
        "标识标牌规格表",
        x0,
        y + 3.6,
        10.0,
        Weight::Bold,
        Anchor::Start,
        &ink(),
    );
    y += 6.0;
    let head_h = 6.0;
    let rh = ((H - M - 14.0 - y - head_h) / signs.len().max(1) as f32).min(9.0);
    let total: f32 = COLS.iter().map(|c| c.1).sum();
    doc.pages[0].rect(x0, y, total, head_h, Some(&grey(0.9)), None);
    let mut x = x0;
    for (label, w) in COLS {
        doc.text(
            0,
            label,
            x + 1.2,
            y + 4.1,
            6.5,
            Weight::Bold,
            Anchor::Start,
            &ink(),
        );
        x += w;
    }
    let rows_top = y;
    y += head_h;
    for (i, s) in signs.iter().enumerate() {
        let text = if s.role == "guide" {
            input.gate.guide.title.clone()
        } else {
            s.text.clone()
        };
        let status = match s.action {
            SignAction::Keep => "保留现有（核对尺寸）",
            SignAction::Remake => "重新制作",
            SignAction::Make => "按标准新做",
        };
        let cells: [String; 10] = [
            (i + 1).to_string(),
            s.role_name.clone(),
            text,
            format!("{}×{}", s.width_mm, s.height_mm),
            s.material.clone(),
            format!("{} {}", colour_name(&s.text_color), s.text_color),
            format!("{} {}", colour_name(&s.background), s.background),
            "思源黑体 Bold\nNoto Sans CJK SC".into(),
            "1".into(),
            status.into(),
        ];
        let mut x = x0;
        for (col, (cell, (_, w))) in cells.iter().zip(COLS).enumerate() {
            let swatch = matches!(col, 5 | 6);
            let tx = if swatch { x + 4.6 } else { x + 1.2 };
            if swatch {
                let colour = if col == 5 {
                    &s.text_color
                } else {
                    &s.background
                };
                doc.pages[0].rect(
                    x + 1.2,
                    y + rh / 2.0 - 1.4,
                    2.8,
                    2.8,
                    Some(&rgb(colour)),
                    Some((&grey(0.5), 0.1)),
                );
            }
            let lines = wrap(cell, w - (tx - x) - 0.8, 6.5, Weight::Regular);
            let n = lines.len().min(2) as f32;
            let mut ly = y + rh / 2.0 - (n - 1.0) * 1.4 + 0.8;
            for l in lines.iter().take(2) {
                let color = if col == 9 && s.proposed {
                    rgb("#b3141c")
                } else {
                    ink()
                };
                doc.text(0, l, tx, ly, 6.5, Weight::Regular, Anchor::Start, &color);
                ly += 2.8;
            }
            x += w;
        }
        y += rh;
        doc.pages[0].line(&[(x0, y), (x0 + total, y)], &grey(0.6), 0.12, None);
    }
    // Column rules and the outline.
    let mut x = x0;
    for (_, w) in COLS.iter().take(COLS.len() - 1) {
        x += w;
        doc.pages[0].line(&[(x, rows_top), (x, y)], &grey(0.6), 0.12, None);
    }
    doc.pages[0].rect(x0, rows_top, total, y - rows_top, None, Some((&ink(), 0.3)));

    // The guide board's rooms, and notes for the sign maker.
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
    let note = format!(
        "引导牌房间：{}。说明：文字一律用思源黑体（Noto Sans CJK SC）Bold；“中国社区”标识图形按民政部注册图案制作；1:1 制作文件见 signs.pdf。",
        rooms.join("、")
    );
    let mut ny = y + 3.6;
    for l in wrap(&note, total, 6.0, Weight::Regular).iter().take(3) {
        doc.text(
            0,
            l,
            x0,
            ny,
            6.0,
            Weight::Regular,
            Anchor::Start,
            &grey(0.3),
        );
        ny += 2.6;
    }
}
