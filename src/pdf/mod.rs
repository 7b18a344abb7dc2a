//! The printable PDFs of a community (issue 4), made with printpdf from the
//! same SVG drawings the website shows:
//!
//! - `sheet.pdf`: the A3 layout sheet: gate elevation to scale with
//!   dimensions, specification table, rectification list with tick boxes,
//!   title block ([`sheet`]);
//! - `signs.pdf`: the production file, one page per sign at 1:1 with 3 mm
//!   bleed and crop marks, text as outlines, long signs in tiles ([`signs`]);
//! - `handbook.pdf`: the A5 service handbook (服务手册) of the wall rules that
//!   come off the wall, when there are any ([`book`]);
//! - `honours.pdf`: the A3 sheet of award thumbnails (图片缩影), when there
//!   are awards: the award's photo when there is one, else a drawn
//!   certificate card ([`book`], photos read by [`photo`]).
//!
//! Drawings are converted from SVG to PDF operators here ([`svg`]); real text
//! uses the shipped Noto Sans CJK SC, embedded as a per-document subset built
//! here ([`font`]), since printpdf subsets only with its layout engine.
//! Everything is per community and shares nothing mutable but caches, so the
//! build can run communities in parallel.

mod book;
mod content;
pub mod doc;
pub mod font;
pub mod photo;
mod sheet;
pub mod signs;
pub mod svg;

use crate::model::{Community, Site};
use crate::plan::{GatePlan, Plan};
use crate::standard::Standard;
use crate::theme::Theme;

/// Everything a community's PDFs are made from.
pub struct Input<'a> {
    pub c: &'a Community,
    pub std: &'a Standard,
    /// The work plan: what the sheet's table and checklist list.
    pub plan: &'a Plan,
    /// The gate as drawn (the plan's, for a community that could be read whole).
    pub gate: &'a GatePlan,
    /// Its drawing, made once for the page, gate.svg and the sheet
    /// ([`crate::draw::gate_drawing`] of `gate`).
    pub drawing: &'a crate::draw::GateDrawing,
    pub theme: &'a Theme,
    pub site: &'a Site,
    /// The build date, as printed in the title block: `2024-09-30`.
    pub built_on: &'a str,
    /// The content folder, which the inventory's photo paths are relative to.
    pub content_dir: &'a std::path::Path,
}

/// The file names this module writes, with what each is, for download links.
pub const FILES: [(&str, &str); 4] = [
    ("sheet.pdf", "布置图（A3 横向：大门立面、规格表、整改清单）"),
    (
        "signs.pdf",
        "1:1 制作文件（每块牌子一页，含 3 毫米出血和裁切线）",
    ),
    ("handbook.pdf", "服务手册（A5：撤下墙的制度）"),
    ("honours.pdf", "荣誉图片缩影（A3）"),
];

/// All PDFs of one community: `(file name, bytes)`, `sheet.pdf` and
/// `signs.pdf` always, `handbook.pdf` and `honours.pdf` when there is
/// something to put in them.
pub fn community_pdfs(input: &Input) -> Result<Vec<(String, Vec<u8>)>, String> {
    // The production file first: it checks each sign's template on its own,
    // so a template the PDF cannot draw is named, not the gate around it.
    let signs = signs::signs(input)?;
    let mut out = vec![
        ("sheet.pdf".to_owned(), sheet::sheet(input)?),
        ("signs.pdf".to_owned(), signs),
    ];
    if let Some(pdf) = book::handbook(input) {
        out.push(("handbook.pdf".to_owned(), pdf));
    }
    if let Some(pdf) = book::honours(input) {
        out.push(("honours.pdf".to_owned(), pdf));
    }
    Ok(out)
}

/// The process colours of a standard: each sign's screen colours with the
/// CMYK values the standard gives for them.
pub fn palette(std: &Standard) -> doc::Palette {
    let specs = std
        .roles
        .iter()
        .map(|r| &r.sign)
        .chain(std.identifiers.iter().map(|i| &i.sign))
        .chain(std::iter::once(&std.guide.sign));
    let percent = |v: [u8; 4]| v.map(f32::from);
    doc::Palette::new(specs.flat_map(|s| {
        [
            (s.text_color.as_str(), percent(s.cmyk_text)),
            (s.background.as_str(), percent(s.cmyk_background)),
        ]
    }))
}

pub use book::{handbook, honours};
pub use sheet::sheet;
pub use signs::signs;
