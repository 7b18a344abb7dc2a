//! `handbook.pdf` (A5): the service handbook (服务手册) that replaces the
//! wall for rules of the internal categories: a cover, a contents page, each
//! rule with its body. `honours.pdf` (A3): the community's awards as a grid of
//! thumbnails (图片缩影), each the award's photo with a caption when the
//! inventory gives one, else a drawn certificate card.

use super::Input;
use super::doc::{Doc, grey, rgb, wrap};
use super::photo::{self, Photo};
use crate::fonts::{Anchor, Weight};
use crate::model::{Award, WallRule};

const A5: (f32, f32) = (148.0, 210.0);

/// What the handbook prints for a rule whose text the inventory does not give.
pub const NO_BODY: &str = "正文以本村(社区)公布为准。";

fn ink() -> printpdf::Color {
    grey(0.1)
}

/// The rules that belong in the handbook: internal categories, whether still
/// on the wall (they must come down) or already taken down.
fn internal<'a>(input: &Input<'a>) -> Vec<&'a WallRule> {
    input
        .c
        .wall_rules
        .iter()
        .filter(|r| {
            input
                .std
                .category(&r.category)
                .is_some_and(|cat| !cat.on_wall)
        })
        .collect()
}

pub fn handbook(input: &Input) -> Option<Vec<u8>> {
    let rules = internal(input);
    if rules.is_empty() {
        return None;
    }
    let (w, h) = A5;
    let name = input.c.name.raw.trim();
    let (left, right, top, bottom) = (16.0, w - 16.0, 24.0, h - 18.0);
    let body_size = 10.0;
    let lh = body_size * 0.3528 * 1.7;

    // Lay the rules out first: the contents page needs their page numbers.
    // Each rule starts a page; pages hold (y, text, size, weight, colour).
    type Line = (f32, String, f32, Weight, bool);
    let mut pages: Vec<Vec<Line>> = Vec::new();
    let mut starts = Vec::new();
    for r in &rules {
        let mut page: Vec<Line> = Vec::new();
        let mut y = top;
        starts.push(pages.len());
        for l in wrap(r.title.raw.trim(), right - left, 14.0, Weight::Bold) {
            y += 7.0;
            page.push((y, l, 14.0, Weight::Bold, false));
        }
        let cat = input
            .std
            .category(&r.category)
            .map_or(r.category.as_str(), |c| c.name.as_str());
        y += 6.0;
        page.push((y, format!("类别：{cat}"), 8.0, Weight::Regular, true));
        y += 4.0;
        // A rule the inventory gives no text for is printed by its title with
        // a neutral note: the handbook is public, so it carries no to-do
        // (`qingpai check` reminds the clerk instead).
        let body = r.body.as_deref().map(str::trim).filter(|b| !b.is_empty());
        let dim = body.is_none();
        for l in wrap(
            body.unwrap_or(NO_BODY),
            right - left,
            body_size,
            Weight::Regular,
        ) {
            if y + lh > bottom {
                pages.push(std::mem::take(&mut page));
                y = top;
            }
            y += lh;
            page.push((y, l, body_size, Weight::Regular, dim));
        }
        pages.push(page);
    }
    // Pages before the rules: the cover and the contents.
    let contents_per_page = ((bottom - top - 20.0) / 8.0) as usize;
    let contents_pages = rules.len().div_ceil(contents_per_page.max(1));
    let first = 1 + contents_pages;

    let mut doc = Doc::new();
    // The cover.
    doc.page(w, h);
    let red = rgb("#9E1B20");
    doc.pages[0].rect(0.0, 0.0, w, 62.0, Some(&red), None);
    doc.text(
        0,
        name,
        w / 2.0,
        92.0,
        24.0,
        Weight::Bold,
        Anchor::Middle,
        &ink(),
    );
    doc.text(
        0,
        "服务手册",
        w / 2.0,
        110.0,
        20.0,
        Weight::Bold,
        Anchor::Middle,
        &red,
    );
    doc.text(
        0,
        "工作职责 · 组织网络 · 流程办法 · 具体政策",
        w / 2.0,
        122.0,
        9.0,
        Weight::Regular,
        Anchor::Middle,
        &grey(0.35),
    );
    let basis = format!(
        "{}。以下制度不再上墙，汇编成册，供居民查阅。",
        input.std.citation()
    );
    let mut y = 150.0;
    for l in wrap(&basis, w - 40.0, 8.5, Weight::Regular) {
        doc.text(
            0,
            &l,
            w / 2.0,
            y,
            8.5,
            Weight::Regular,
            Anchor::Middle,
            &grey(0.3),
        );
        y += 4.6;
    }
    doc.text(
        0,
        &format!("{}　{}", input.site.region.trim(), input.c.town.raw.trim()),
        w / 2.0,
        h - 30.0,
        10.0,
        Weight::Regular,
        Anchor::Middle,
        &ink(),
    );
    doc.text(
        0,
        input.built_on,
        w / 2.0,
        h - 23.0,
        9.0,
        Weight::Regular,
        Anchor::Middle,
        &grey(0.35),
    );

    // The contents.
    for cp in 0..contents_pages {
        let p = doc.pages.len();
        doc.page(w, h);
        doc.text(
            p,
            if cp == 0 {
                "目　录"
            } else {
                "目　录（续）"
            },
            w / 2.0,
            top + 8.0,
            14.0,
            Weight::Bold,
            Anchor::Middle,
            &ink(),
        );
        let mut y = top + 22.0;
        for (i, r) in rules
            .iter()
            .enumerate()
            .skip(cp * contents_per_page)
            .take(contents_per_page)
        {
            let page_no = (first + starts[i] + 1).to_string();
            doc.text(
                p,
                &format!("{}、{}", i + 1, r.title.raw.trim()),
                left,
                y,
                10.0,
                Weight::Regular,
                Anchor::Start,
                &ink(),
            );
            doc.text(
                p,
                &page_no,
                right,
                y,
                10.0,
                Weight::Regular,
                Anchor::End,
                &ink(),
            );
            doc.pages[p].line(
                &[(left, y + 1.8), (right, y + 1.8)],
                &grey(0.75),
                0.1,
                Some([0.6, 0.8]),
            );
            y += 8.0;
        }
    }
    // The rules.
    for lines in pages {
        let p = doc.pages.len();
        doc.page(w, h);
        for (y, text, size, weight, dim) in lines {
            let colour = if dim { grey(0.4) } else { ink() };
            doc.text(p, &text, left, y, size, weight, Anchor::Start, &colour);
        }
    }
    // Page numbers and running heads after the cover.
    let total = doc.pages.len();
    for p in 1..total {
        doc.text(
            p,
            &format!("{}", p + 1),
            w / 2.0,
            h - 9.0,
            8.0,
            Weight::Regular,
            Anchor::Middle,
            &grey(0.4),
        );
        doc.text(
            p,
            &format!("{name}服务手册"),
            right,
            12.0,
            7.0,
            Weight::Regular,
            Anchor::End,
            &grey(0.5),
        );
        doc.pages[p].line(&[(left, 14.0), (right, 14.0)], &grey(0.7), 0.15, None);
    }
    doc.date = input.built_on.to_owned();
    Some(doc.save(
        &format!("{name}服务手册"),
        "不再上墙的制度（工作职责、组织网络、流程办法、具体政策）汇编",
        input.site.title.trim(),
        &[name.to_owned()],
    ))
}

pub fn honours(input: &Input) -> Option<Vec<u8>> {
    let awards = &input.c.awards;
    if awards.is_empty() {
        return None;
    }
    let (w, h) = (420.0, 297.0);
    let (mx, top, gap) = (14.0, 34.0, 6.0);
    let name = input.c.name.raw.trim();
    // At most 12 awards a page; fewer are laid out larger, in the grid that
    // gives each the largest certificate-shaped card, so the page is used.
    let per_page = 12usize;
    let pages = awards.len().div_ceil(per_page);
    let grid = |n: usize| -> (usize, usize, f32, f32) {
        let (aw, ah) = (w - 2.0 * mx, h - top - 14.0);
        (1..=4usize)
            .filter_map(|cols| {
                let rows = n.div_ceil(cols);
                (rows <= 3).then(|| {
                    let cw = (aw - gap * (cols as f32 - 1.0)) / cols as f32;
                    let ch = (ah - gap * (rows as f32 - 1.0)) / rows as f32;
                    // The card a certificate (about 1.41:1) fills in the cell.
                    let card = (cw * ch.min(cw / 1.41)).min(ch * (ch * 1.41).min(cw));
                    (cols, rows, cw, ch, card)
                })
            })
            .max_by(|a, b| a.4.total_cmp(&b.4))
            .map(|(c, r, cw, ch, _)| (c, r, cw, ch))
            .unwrap_or((4, 3, 93.0, 77.0))
    };
    let mut doc = Doc::new();
    for pg in 0..pages {
        doc.page(w, h);
        doc.text(
            pg,
            &format!("{name}荣誉图片缩影"),
            mx,
            20.0,
            16.0,
            Weight::Bold,
            Anchor::Start,
            &ink(),
        );
        doc.text(
            pg,
            &format!("奖状奖牌图片缩影集中展示　第 {}/{} 页", pg + 1, pages),
            w - mx,
            20.0,
            8.0,
            Weight::Regular,
            Anchor::End,
            &grey(0.35),
        );
        doc.pages[pg].line(&[(mx, 25.0), (w - mx, 25.0)], &ink(), 0.3, None);
        let on_page = (awards.len() - pg * per_page).min(per_page);
        let (cols, _, cw, ch) = grid(on_page);
        for (i, a) in awards.iter().enumerate().skip(pg * per_page).take(per_page) {
            let k = i - pg * per_page;
            let x = mx + (k % cols) as f32 * (cw + gap);
            let y = top + (k / cols) as f32 * (ch + gap);
            // Nothing under the card: the sheet is a display for residents,
            // so it carries no compliance notes or file names (a photo that
            // cannot be read falls back to the drawn card), and the card
            // takes the whole cell.
            let photo = a
                .photo
                .as_deref()
                .and_then(|p| photo::load(&input.content_dir.join(p)).ok());
            match &photo {
                Some(photo) => photo_card(&mut doc, pg, a, photo, x, y, cw, ch),
                None => drawn_card(&mut doc, pg, a, x, y, cw, ch),
            }
        }
    }
    doc.date = input.built_on.to_owned();
    Some(doc.save(
        &format!("{name}荣誉图片缩影"),
        "奖牌奖状的图片缩影（集中展示用）",
        input.site.title.trim(),
        &[name.to_owned()],
    ))
}

/// The line under an award's title: issuer and year, as far as known.
fn issuer_and_year(a: &Award) -> String {
    match (&a.issuer, a.year) {
        (Some(i), Some(y)) => format!("{}　{y} 年", i.trim()),
        (Some(i), None) => i.trim().to_owned(),
        (None, Some(y)) => format!("{y} 年"),
        (None, None) => String::new(),
    }
}

/// An award without a (readable) photo: a drawn certificate card, cream
/// paper with red and gold borders, its title, issuer and year.
#[allow(clippy::too_many_arguments)]
fn drawn_card(doc: &mut Doc, pg: usize, a: &Award, x: f32, y: f32, cw: f32, card_h: f32) {
    // Lettering grows with the card, from the size of a 4 × 3 grid's card.
    let k = (cw / 93.0).min(card_h / 77.0).clamp(1.0, 2.6);
    let red = rgb("#B3141C");
    let gold = rgb("#C9A227");
    let page = &mut doc.pages[pg];
    page.rect(x, y, cw, card_h, Some(&rgb("#FFF8E7")), Some((&red, 1.2)));
    page.rect(
        x + 3.0,
        y + 3.0,
        cw - 6.0,
        card_h - 6.0,
        None,
        Some((&gold, 0.5)),
    );
    doc.text(
        pg,
        "荣　誉",
        x + cw / 2.0,
        y + 15.0 * k,
        13.0 * k,
        Weight::Bold,
        Anchor::Middle,
        &red,
    );
    let lines = wrap(a.title.raw.trim(), cw - 16.0 * k, 11.0 * k, Weight::Bold);
    let mut ty = y + card_h / 2.0 - (lines.len() as f32 - 1.0) * 2.6 * k;
    for l in lines.iter().take(4) {
        doc.text(
            pg,
            l,
            x + cw / 2.0,
            ty,
            11.0 * k,
            Weight::Bold,
            Anchor::Middle,
            &ink(),
        );
        ty += 5.4 * k;
    }
    let mut fy = y + card_h - 12.0 * k;
    for l in wrap(&issuer_and_year(a), cw - 14.0 * k, 7.5 * k, Weight::Regular)
        .iter()
        .take(2)
    {
        doc.text(
            pg,
            l,
            x + cw / 2.0,
            fy,
            7.5 * k,
            Weight::Regular,
            Anchor::Middle,
            &grey(0.3),
        );
        fy += 3.6 * k;
    }
}

/// An award with its photo: the photo as large as fits above the caption,
/// its aspect ratio kept, centred; the title, issuer and year under it.
#[allow(clippy::too_many_arguments)]
fn photo_card(
    doc: &mut Doc,
    pg: usize,
    a: &Award,
    photo: &Photo,
    x: f32,
    y: f32,
    cw: f32,
    card_h: f32,
) {
    let pad = 3.0;
    let k = (cw / 93.0).min(card_h / 77.0).clamp(1.0, 2.0);
    let (title_size, foot_size) = (9.5 * k, 7.5 * k);
    let title: Vec<String> = wrap(a.title.raw.trim(), cw - 2.0 * pad, title_size, Weight::Bold)
        .into_iter()
        .take(2)
        .collect();
    let foot = issuer_and_year(a);
    let foot: Vec<String> = wrap(&foot, cw - 2.0 * pad, foot_size, Weight::Regular)
        .into_iter()
        .filter(|l| !l.trim().is_empty())
        .take(1)
        .collect();
    let (title_lh, foot_lh) = (4.4 * k, 3.4 * k);
    let caption_h = 2.0 + title.len() as f32 * title_lh + foot.len() as f32 * foot_lh + 1.5;

    let page = &mut doc.pages[pg];
    page.rect(x, y, cw, card_h, Some(&grey(1.0)), Some((&grey(0.75), 0.3)));
    // The photo's box: the card less padding and the caption.
    let (bx, by) = (x + pad, y + pad);
    let (bw, bh) = (cw - 2.0 * pad, card_h - 2.0 * pad - caption_h);
    let (sw, sh) = photo.shown_size();
    let fit = (bw / sw as f32).min(bh / sh as f32);
    let (pw, ph) = (sw as f32 * fit, sh as f32 * fit);
    let (px, py) = (bx + (bw - pw) / 2.0, by + (bh - ph) / 2.0);
    doc.image(pg, photo, px, py, pw, ph);
    doc.pages[pg].rect(px, py, pw, ph, None, Some((&grey(0.55), 0.15)));

    let mut ty = y + card_h - pad - caption_h + 2.0 + title_lh - 0.9;
    for l in &title {
        doc.text(
            pg,
            l,
            x + cw / 2.0,
            ty,
            title_size,
            Weight::Bold,
            Anchor::Middle,
            &ink(),
        );
        ty += title_lh;
    }
    let fy = ty - title_lh + foot_lh + 0.3;
    for l in &foot {
        doc.text(
            pg,
            l,
            x + cw / 2.0,
            fy,
            foot_size,
            Weight::Regular,
            Anchor::Middle,
            &grey(0.3),
        );
    }
}
