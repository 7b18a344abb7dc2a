//! The survey statistics (摸底统计): one row per community, counts per place
//! and per rule, and a total. The counts come from the inventory (what hangs
//! where) and from the findings (what must change).

use serde::Serialize;

use crate::check::Report;
use crate::load::Content;
use crate::model::Community;
use crate::plan::Plan;
use crate::standard::Standard;

/// One column: its key (JSON, code) and its Chinese header.
pub struct Column {
    pub key: &'static str,
    pub zh: &'static str,
}

pub const TEXT_COLUMNS: [Column; 5] = [
    Column {
        key: "town",
        zh: "乡镇(街道)",
    },
    Column {
        key: "name",
        zh: "村(社区)",
    },
    Column {
        key: "id",
        zh: "编号",
    },
    Column {
        key: "kind",
        zh: "类型",
    },
    Column {
        key: "compliant",
        zh: "是否合规",
    },
];

/// The count columns: what the inventory holds, then the six totals of the
/// work plan (SPEC §7, under their plan names), then the findings.
pub const COUNT_COLUMNS: [Column; 17] = [
    Column {
        key: "gate_plaques",
        zh: "大门两侧牌子",
    },
    Column {
        key: "header_identifiers",
        zh: "门头标识",
    },
    Column {
        key: "wall_boards",
        zh: "大门两侧墙体牌子",
    },
    Column {
        key: "indoor_approved",
        zh: "室内牌子(已审批)",
    },
    Column {
        key: "indoor_unapproved",
        zh: "室内牌子(未审批)",
    },
    Column {
        key: "rules_staying",
        zh: "上墙制度(可留)",
    },
    Column {
        key: "rules_moved",
        zh: "已移入服务手册",
    },
    Column {
        key: "awards",
        zh: "奖状奖牌",
    },
    Column {
        key: "certificates",
        zh: "出具证明事项",
    },
    Column {
        key: "take_down",
        zh: "应摘除",
    },
    Column {
        key: "remake",
        zh: "应重新制作",
    },
    Column {
        key: "make",
        zh: "应新做",
    },
    Column {
        key: "to_handbook",
        zh: "应移入服务手册",
    },
    Column {
        key: "award_off",
        zh: "奖牌应下墙",
    },
    Column {
        key: "stop_certificate",
        zh: "证明应停止出具",
    },
    Column {
        key: "errors",
        zh: "错误",
    },
    Column {
        key: "warnings",
        zh: "提醒",
    },
];

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Counts {
    pub gate_plaques: u32,
    pub header_identifiers: u32,
    pub wall_boards: u32,
    pub indoor_approved: u32,
    pub indoor_unapproved: u32,
    pub rules_staying: u32,
    pub rules_moved: u32,
    pub awards: u32,
    pub certificates: u32,
    pub take_down: u32,
    pub remake: u32,
    pub make: u32,
    pub to_handbook: u32,
    pub award_off: u32,
    pub stop_certificate: u32,
    pub errors: u32,
    pub warnings: u32,
}

impl Counts {
    /// The values in the order of [`COUNT_COLUMNS`].
    pub fn values(&self) -> [u32; 17] {
        [
            self.gate_plaques,
            self.header_identifiers,
            self.wall_boards,
            self.indoor_approved,
            self.indoor_unapproved,
            self.rules_staying,
            self.rules_moved,
            self.awards,
            self.certificates,
            self.take_down,
            self.remake,
            self.make,
            self.to_handbook,
            self.award_off,
            self.stop_certificate,
            self.errors,
            self.warnings,
        ]
    }

    pub fn add(&mut self, o: &Counts) {
        self.gate_plaques += o.gate_plaques;
        self.header_identifiers += o.header_identifiers;
        self.wall_boards += o.wall_boards;
        self.indoor_approved += o.indoor_approved;
        self.indoor_unapproved += o.indoor_unapproved;
        self.rules_staying += o.rules_staying;
        self.rules_moved += o.rules_moved;
        self.awards += o.awards;
        self.certificates += o.certificates;
        self.take_down += o.take_down;
        self.remake += o.remake;
        self.make += o.make;
        self.to_handbook += o.to_handbook;
        self.award_off += o.award_off;
        self.stop_certificate += o.stop_certificate;
        self.errors += o.errors;
        self.warnings += o.warnings;
    }
}

#[derive(Clone, Debug, Serialize)]
pub struct Row {
    pub town: String,
    pub name: String,
    pub id: String,
    /// 社区 or 村.
    pub kind: &'static str,
    pub compliant: bool,
    /// The survey (摸底) date, `YYYY-MM-DD`, when the inventory gives one.
    pub surveyed_on: Option<String>,
    #[serde(flatten)]
    pub counts: Counts,
}

impl Row {
    pub fn compliant_zh(&self) -> &'static str {
        if self.compliant { "是" } else { "否" }
    }
}

#[derive(Clone, Debug, Serialize)]
pub struct Table {
    pub rows: Vec<Row>,
    pub communities: usize,
    pub compliant: usize,
    pub total: Counts,
}

impl Table {
    /// The towns, in row order, each with its rows.
    pub fn towns(&self) -> Vec<(&str, Vec<&Row>)> {
        let mut out: Vec<(&str, Vec<&Row>)> = Vec::new();
        for r in &self.rows {
            match out.iter_mut().find(|(t, _)| *t == r.town) {
                Some((_, rows)) => rows.push(r),
                None => out.push((&r.town, vec![r])),
            }
        }
        out
    }
}

fn row(c: &Community, std: &Standard, plan: &Plan) -> Row {
    let n = |v: usize| v as u32;
    let t = &plan.totals;
    let mut k = Counts {
        gate_plaques: n(c.gate.len()),
        header_identifiers: n(c.header.len()),
        wall_boards: n(c.gate_walls.len()),
        awards: n(c.awards.len()),
        certificates: n(c.certificates.len()),
        take_down: n(t.take_down),
        remake: n(t.remake),
        make: n(t.make),
        to_handbook: n(t.to_handbook),
        award_off: n(t.award_off),
        stop_certificate: n(t.stop_certificate),
        errors: n(plan.errors),
        warnings: n(plan.warnings),
        ..Counts::default()
    };
    for p in &c.indoor {
        if p.approval.as_deref().is_some_and(|a| !a.trim().is_empty()) {
            k.indoor_approved += 1;
        } else {
            k.indoor_unapproved += 1;
        }
    }
    for r in &c.wall_rules {
        let stays = std.category(&r.category).is_some_and(|cat| cat.on_wall);
        match (stays, r.on_wall) {
            (true, true) => k.rules_staying += 1,
            (false, false) => k.rules_moved += 1,
            _ => {}
        }
    }
    Row {
        town: c.town.raw.trim().to_owned(),
        name: if c.name.raw.trim().is_empty() {
            c.id.clone()
        } else {
            c.name.raw.trim().to_owned()
        },
        id: c.id.clone(),
        kind: c.kind.zh(),
        compliant: plan.compliant(),
        surveyed_on: c.surveyed_on.clone(),
        counts: k,
    }
}

/// The table, rows sorted by town then name (as the county reports it upward).
pub fn table(content: &Content, report: &Report) -> Table {
    let by_file = crate::site::pages::by_file(report);
    let plans: Vec<Plan> = content
        .communities
        .iter()
        .map(|c| {
            let findings = by_file.get(c.file.as_str()).map_or(&[][..], Vec::as_slice);
            crate::plan::plan(c, &content.standard, findings)
        })
        .collect();
    table_of(content, &plans.iter().collect::<Vec<_>>())
}

/// [`table`], from each community's plan (in the order of `content.communities`).
pub fn table_of(content: &Content, plans: &[&Plan]) -> Table {
    let mut rows: Vec<Row> = content
        .communities
        .iter()
        .zip(plans)
        .map(|(c, plan)| row(c, &content.standard, plan))
        .collect();
    rows.sort_by(|a, b| (&a.town, &a.name, &a.id).cmp(&(&b.town, &b.name, &b.id)));
    let mut total = Counts::default();
    for r in &rows {
        total.add(&r.counts);
    }
    Table {
        communities: rows.len(),
        compliant: rows.iter().filter(|r| r.compliant).count(),
        rows,
        total,
    }
}

/// A text cell Excel and WPS will not read as a formula: a leading `=`, `+`,
/// `-`, `@`, tab or carriage return gets a `'` in front.
fn cell(s: &str) -> std::borrow::Cow<'_, str> {
    if s.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{s}").into()
    } else {
        s.into()
    }
}

/// CSV for Excel and WPS: UTF-8 with a byte-order mark (so Chinese opens
/// right), a header row, one row per community, a total row.
pub fn csv(table: &Table) -> Vec<u8> {
    use std::fmt::Write as _;
    let mut out = Vec::from("\u{feff}".as_bytes());
    {
        let mut w = ::csv::WriterBuilder::new()
            .terminator(::csv::Terminator::CRLF)
            .from_writer(&mut out);
        let header: Vec<&str> = TEXT_COLUMNS
            .iter()
            .chain(&COUNT_COLUMNS)
            .map(|c| c.zh)
            .collect();
        w.write_record(&header).expect("writing to memory");
        // Field by field, without a String per cell (10,000 rows).
        let mut number = String::new();
        for r in &table.rows {
            for field in [&cell(&r.town), &cell(&r.name), &cell(&r.id)] {
                w.write_field(field.as_bytes()).expect("writing to memory");
            }
            w.write_field(r.kind).expect("writing to memory");
            w.write_field(r.compliant_zh()).expect("writing to memory");
            for v in r.counts.values() {
                number.clear();
                write!(number, "{v}").expect("writing to memory");
                w.write_field(&number).expect("writing to memory");
            }
            w.write_record(None::<&[u8]>).expect("writing to memory");
        }
        let mut rec: Vec<String> = vec![
            "合计".into(),
            format!("{} 个", table.communities),
            String::new(),
            String::new(),
            format!("合规 {} 个", table.compliant),
        ];
        rec.extend(table.total.values().iter().map(u32::to_string));
        w.write_record(&rec).expect("writing to memory");
        w.flush().expect("writing to memory");
    }
    out
}

pub fn json(table: &Table) -> String {
    let columns: Vec<serde_json::Value> = TEXT_COLUMNS
        .iter()
        .chain(&COUNT_COLUMNS)
        .map(|c| serde_json::json!({"key": c.key, "label": c.zh}))
        .collect();
    let doc = serde_json::json!({
        "version": 1,
        "columns": columns,
        "rows": table.rows,
        "total": {
            "communities": table.communities,
            "compliant": table.compliant,
            "counts": table.total,
        },
    });
    serde_json::to_string_pretty(&doc).expect("a JSON value always serialises") + "\n"
}

/// What the workbook prints above and below the table, as a form sent up
/// to the city carries it.
#[derive(Clone, Debug, Default)]
pub struct Meta {
    /// The county (site.yaml's `region`), in the title.
    pub region: String,
    /// 填报单位: site.yaml's `organizer`, else the region; empty (a line to
    /// write on) without a site.yaml.
    pub unit: String,
    /// 填报日期, `YYYY-MM-DD`: today in the county's time zone.
    pub date: String,
    /// The standard the findings follow (`Standard::citation`).
    pub citation: String,
}

impl Meta {
    pub fn of(content: &Content) -> Meta {
        let site = content.site.as_ref();
        Meta {
            region: site.map(|s| s.region.clone()).unwrap_or_default(),
            unit: site
                .map(|s| s.organizer.clone().unwrap_or_else(|| s.region.clone()))
                .unwrap_or_default(),
            date: crate::commands::new::today(site),
            citation: content.standard.citation(),
        }
    }

    /// The title of a sheet: the county's, or a town's within it.
    fn title(&self, town: Option<&str>) -> String {
        format!(
            "{}{}村(社区)标识标牌摸底统计表",
            self.region,
            town.unwrap_or("")
        )
    }
}

/// `2024-09-12` as `2024年9月12日`, as forms write it; anything else as it is.
fn date_zh(date: &str) -> String {
    let parts: Vec<u32> = date.split('-').filter_map(|p| p.parse().ok()).collect();
    match parts.as_slice() {
        [y, m, d] => format!("{y}年{m}月{d}日"),
        _ => date.to_owned(),
    }
}

/// Text for a page header or footer, where `&` starts a code.
fn header_text(s: &str) -> String {
    s.replace('&', "&&")
}

/// The workbook's rows above the table: the title, then 填报单位 and
/// 填报日期, then the header (the row the autofilter and print titles use).
pub const TITLE_ROW: u32 = 0;
pub const UNIT_ROW: u32 = 1;
pub const HEADER_ROW: u32 = 2;
/// The survey-date column, after the text columns; the counts follow it.
pub const DATE_COLUMN: u16 = TEXT_COLUMNS.len() as u16;
pub const FIRST_COUNT_COLUMN: u16 = DATE_COLUMN + 1;

/// The workbook's cell formats, made once and shared by its sheets.
struct Formats {
    title: rust_xlsxwriter::Format,
    plain: rust_xlsxwriter::Format,
    right: rust_xlsxwriter::Format,
    header: rust_xlsxwriter::Format,
    cell: rust_xlsxwriter::Format,
    no: rust_xlsxwriter::Format,
    date: rust_xlsxwriter::Format,
    total: rust_xlsxwriter::Format,
    note: rust_xlsxwriter::Format,
}

impl Formats {
    fn new() -> Formats {
        use rust_xlsxwriter::{Color, Format, FormatAlign, FormatBorder};
        let cell = Format::new().set_border(FormatBorder::Thin);
        Formats {
            title: Format::new()
                .set_bold()
                .set_font_size(16)
                .set_align(FormatAlign::Center)
                .set_align(FormatAlign::VerticalCenter),
            plain: Format::new(),
            right: Format::new().set_align(FormatAlign::Right),
            header: Format::new()
                .set_bold()
                .set_text_wrap()
                .set_align(FormatAlign::Center)
                .set_align(FormatAlign::VerticalCenter)
                .set_background_color(Color::RGB(0xF2DCDB))
                .set_border(FormatBorder::Thin),
            no: cell.clone().set_font_color(Color::RGB(0xA5141B)),
            date: cell.clone().set_num_format("yyyy-mm-dd"),
            cell,
            total: Format::new()
                .set_bold()
                .set_border(FormatBorder::Thin)
                .set_border_top(FormatBorder::Double),
            note: Format::new().set_text_wrap().set_align(FormatAlign::Top),
        }
    }
}

/// An Excel workbook a county can print and send up: the county on the first
/// sheet, then one sheet per town. Each sheet: a title row, 填报单位 and
/// 填报日期, the header with an autofilter, one row per community (with its
/// survey date as a date), a total row of SUM formulas in the number columns
/// only, and a summary line; printed A3 landscape, one page wide, the title
/// and header rows and the name columns on every page, page n of m below.
pub fn xlsx(table: &Table, meta: &Meta) -> Result<Vec<u8>, rust_xlsxwriter::XlsxError> {
    use rayon::prelude::*;
    let formats = Formats::new();
    let mut sheets: Vec<(String, Option<&str>, Vec<&Row>)> =
        vec![("全县".to_owned(), None, table.rows.iter().collect())];
    for (town, rows) in table.towns() {
        let taken: Vec<&str> = sheets.iter().map(|(n, _, _)| n.as_str()).collect();
        let name = crate::slug::sheet_name(town, &taken);
        sheets.push((name, Some(town), rows));
    }
    // The sheets are filled in parallel (the county's holds half the rows)
    // and added in order: a sheet's formats and strings get the workbook's
    // numbers only when it is saved, as with `add_worksheet`.
    let sheets = sheets
        .par_iter()
        .map(|(name, town, rows)| worksheet(name, *town, rows, meta, &formats))
        .collect::<Result<Vec<_>, _>>()?;
    let mut book = rust_xlsxwriter::Workbook::new();
    for sheet in sheets {
        book.push_worksheet(sheet);
    }
    book.set_properties(
        &rust_xlsxwriter::DocProperties::new()
            .set_title(format!("{}摸底统计", meta.region))
            .set_subject("村(社区)标识标牌摸底统计")
            // The creation date is the 填报日期, not the clock: the same table
            // on the same day is the same file, byte for byte (the incremental
            // build then keeps it untouched).
            .set_creation_datetime(&rust_xlsxwriter::ExcelDateTime::parse_from_str(&meta.date)?),
    );
    // The fastest deflate: a province's workbook (10,000 rows) took 0.6 s at
    // the default level, most of an incremental build.
    book.set_zip_compression_level(1);
    book.save_to_buffer()
}

/// One sheet of [`xlsx`]: the county's (`town` None) or a town's.
fn worksheet(
    name: &str,
    town: Option<&str>,
    rows: &[&Row],
    meta: &Meta,
    f: &Formats,
) -> Result<rust_xlsxwriter::Worksheet, rust_xlsxwriter::XlsxError> {
    use rust_xlsxwriter::{ExcelDateTime, Formula, Worksheet};
    let columns: Vec<&Column> = TEXT_COLUMNS
        .iter()
        .chain([&Column {
            key: "surveyed_on",
            zh: "摸底日期",
        }])
        .chain(&COUNT_COLUMNS)
        .collect();
    let last_col = columns.len() as u16 - 1;
    let mut sheet = Worksheet::new();
    sheet.set_name(name)?;
    let title = meta.title(town);
    sheet.merge_range(TITLE_ROW, 0, TITLE_ROW, last_col, &title, &f.title)?;
    sheet.set_row_height(TITLE_ROW, 30)?;
    let half = last_col / 2;
    sheet.merge_range(
        UNIT_ROW,
        0,
        UNIT_ROW,
        half,
        &format!("填报单位：{}", meta.unit),
        &f.plain,
    )?;
    sheet.merge_range(
        UNIT_ROW,
        half + 1,
        UNIT_ROW,
        last_col,
        &format!("填报日期：{}", date_zh(&meta.date)),
        &f.right,
    )?;
    for (i, c) in columns.iter().enumerate() {
        sheet.write_with_format(HEADER_ROW, i as u16, c.zh, &f.header)?;
    }
    sheet.set_row_height(HEADER_ROW, 64)?;
    sheet.set_freeze_panes(HEADER_ROW + 1, 2)?;
    let first = HEADER_ROW + 1;
    // The values go in unformatted and each format is laid over its cells by
    // range afterwards: the library hashes a cell's format on every write,
    // which was most of the workbook's time. The cells come out the same (a
    // range format sets the format of a written cell and makes a missing date
    // a blank cell), and the formats are met in the order writing cell by
    // cell met them, so they keep their numbers in styles.xml. The formats of
    // the flag and date columns, row by row:
    let mut flags = Vec::with_capacity(rows.len());
    let mut dates = Vec::with_capacity(rows.len());
    for (r, row) in rows.iter().enumerate() {
        let r = first + r as u32;
        sheet.write(r, 0, &row.town)?;
        sheet.write(r, 1, &row.name)?;
        sheet.write(r, 2, &row.id)?;
        sheet.write(r, 3, row.kind)?;
        sheet.write(r, 4, row.compliant_zh())?;
        flags.push(if row.compliant { &f.cell } else { &f.no });
        // A real date (it sorts and filters as one); a date that is no
        // calendar date cannot reach here, the loader refuses it.
        match row
            .surveyed_on
            .as_deref()
            .and_then(|d| ExcelDateTime::parse_from_str(d).ok())
        {
            Some(d) => {
                sheet.write_datetime(r, DATE_COLUMN, d)?;
                dates.push(&f.date);
            }
            None => dates.push(&f.cell),
        }
        for (j, v) in row.counts.values().iter().enumerate() {
            sheet.write(r, FIRST_COUNT_COLUMN + j as u16, *v)?;
        }
    }
    if !rows.is_empty() {
        let last = first + rows.len() as u32 - 1;
        sheet.set_range_format(first, 0, last, 3, &f.cell)?;
        // In the first row that has a red flag or a date, the flag comes
        // first (column E before F).
        let flag_first = flags
            .iter()
            .zip(&dates)
            .find(|(flag, date)| !std::ptr::eq(**flag, &f.cell) || !std::ptr::eq(**date, &f.cell))
            .is_some_and(|(flag, _)| !std::ptr::eq(*flag, &f.cell));
        let mut laid = [(4, runs(&flags)), (DATE_COLUMN, runs(&dates))];
        if !flag_first {
            laid.reverse();
        }
        for (col, runs) in laid {
            for (from, to, format) in runs {
                sheet.set_range_format(first + from, col, first + to, col, format)?;
            }
        }
        sheet.set_range_format(first, FIRST_COUNT_COLUMN, last, last_col, &f.cell)?;
    }
    // Set after the rows: a column with a width is looked up on every
    // unformatted write.
    for col in 0..=last_col {
        let width = match col {
            0 => 12.0,
            1 => 16.0,
            2 => 11.0,
            3 | 4 => 6.0,
            DATE_COLUMN => 11.0,
            _ => 7.0,
        };
        sheet.set_column_width(col, width)?;
    }
    // With no rows (a county with no inventory yet) the total row follows
    // the header and holds zeros, not formulas over no range.
    let last_data = first + rows.len() as u32;
    let sum_row = last_data;
    let last_data = last_data.saturating_sub(1);
    // The total row: a label, then numbers in the number columns only;
    // the text and flag columns stay empty (so a filter or a sum over
    // them is not thrown off). The counts of communities are the
    // summary line's.
    sheet.write_with_format(sum_row, 0, "合计", &f.total)?;
    for col in 1..FIRST_COUNT_COLUMN {
        sheet.write_blank(sum_row, col, &f.total)?;
    }
    let mut sum = Counts::default();
    for row in rows {
        sum.add(&row.counts);
    }
    for (j, v) in sum.values().iter().enumerate() {
        let col = FIRST_COUNT_COLUMN + j as u16;
        if rows.is_empty() {
            sheet.write_with_format(sum_row, col, *v, &f.total)?;
            continue;
        }
        // A formula, so the total follows edits made in Excel; its value is cached.
        let letter = rust_xlsxwriter::utility::column_number_to_name(col);
        let formula = Formula::new(format!(
            "=SUM({letter}{}:{letter}{})",
            first + 1,
            last_data + 1
        ))
        .set_result(v.to_string());
        sheet.write_formula_with_format(sum_row, col, formula, &f.total)?;
    }
    let compliant = rows.iter().filter(|r| r.compliant).count();
    let summary_row = sum_row + 1;
    let (b1, b2, e1, e2) = (first + 1, last_data + 1, first + 1, last_data + 1);
    let summary = Formula::new(format!(
        "=\"共 \"&COUNTA(B{b1}:B{b2})&\" 个村(社区)，合规 \"&COUNTIF(E{e1}:E{e2},\"是\")&\" 个，不合规 \"&COUNTIF(E{e1}:E{e2},\"否\")&\" 个。\""
    ))
    .set_result(format!(
        "共 {} 个村(社区)，合规 {compliant} 个，不合规 {} 个。",
        rows.len(),
        rows.len() - compliant
    ));
    sheet.merge_range(summary_row, 0, summary_row, last_col, "", &f.note)?;
    sheet.write_formula_with_format(summary_row, 0, summary, &f.note)?;
    let basis = summary_row + 1;
    sheet.merge_range(
        basis,
        0,
        basis,
        last_col,
        &format!(
            "说明：“错误”“提醒”及各项应整改数按{}检查得出；摸底日期为各村(社区)清单所记。",
            meta.citation.trim_end_matches('。')
        ),
        &f.note,
    )?;
    sheet.set_row_height(basis, 30)?;

    sheet.autofilter(HEADER_ROW, 0, last_data.max(HEADER_ROW + 1), last_col)?;
    // Print: A3 landscape, one page wide; the title and header rows and
    // the town and name columns on every page; page n of m.
    sheet.set_paper_size(8);
    sheet.set_landscape();
    sheet.set_print_fit_to_pages(1, 0);
    sheet.set_print_center_horizontally(true);
    sheet.set_margins(0.4, 0.4, 0.6, 0.6, 0.3, 0.3);
    sheet.set_repeat_rows(TITLE_ROW, HEADER_ROW)?;
    sheet.set_repeat_columns(0, 1)?;
    sheet.set_header(format!("&L{}&R&A", header_text(&title)));
    sheet.set_footer(format!(
        "&L填报单位：{}&C第 &P 页，共 &N 页&R填报日期：{}",
        header_text(&meta.unit),
        header_text(&date_zh(&meta.date))
    ));
    Ok(sheet)
}

/// The runs of equal formats (first and last index, inclusive), in order.
fn runs<'a>(
    formats: &[&'a rust_xlsxwriter::Format],
) -> Vec<(u32, u32, &'a rust_xlsxwriter::Format)> {
    let mut out: Vec<(u32, u32, &rust_xlsxwriter::Format)> = Vec::new();
    for (i, &format) in formats.iter().enumerate() {
        match out.last_mut() {
            Some((_, to, last)) if std::ptr::eq(*last, format) => *to = i as u32,
            _ => out.push((i as u32, i as u32, format)),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(name: &str, compliant: bool, surveyed_on: Option<&str>) -> Row {
        Row {
            town: "东城街道".into(),
            name: name.into(),
            id: name.into(),
            kind: "村",
            compliant,
            surveyed_on: surveyed_on.map(str::to_owned),
            counts: Counts {
                errors: u32::from(!compliant),
                ..Counts::default()
            },
        }
    }

    /// The first sheet's cells, in order: (reference, style index).
    fn cells(rows: Vec<Row>) -> Vec<(String, u32)> {
        use std::io::Read;
        let table = Table {
            communities: rows.len(),
            compliant: rows.iter().filter(|r| r.compliant).count(),
            rows,
            total: Counts::default(),
        };
        let meta = Meta {
            region: "县".into(),
            date: "2026-11-27".into(),
            ..Meta::default()
        };
        let bytes = xlsx(&table, &meta).unwrap();
        let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
        let mut xml = String::new();
        zip.by_name("xl/worksheets/sheet1.xml")
            .unwrap()
            .read_to_string(&mut xml)
            .unwrap();
        xml.split("<c r=\"")
            .skip(1)
            .map(|c| {
                let tag = &c[..c.find('>').unwrap()];
                let r = tag[..tag.find('"').unwrap()].to_owned();
                let s = tag
                    .split(" s=\"")
                    .nth(1)
                    .map_or(0, |s| s[..s.find('"').unwrap()].parse().unwrap());
                (r, s)
            })
            .collect()
    }

    /// The formats laid over the rows by range get the numbers writing cell
    /// by cell gave them: numbered as first met, row by row (so a new number
    /// is always the next one), and each data cell with its own format.
    #[test]
    fn workbook_formats_are_numbered_as_met_cell_by_cell() {
        let cases = [
            // A date met before the first red flag, and the other way round.
            vec![row("a", true, Some("2024-09-12")), row("b", false, None)],
            vec![row("a", false, None), row("b", true, Some("2024-09-12"))],
            // Both in one row: the flag's column comes first.
            vec![row("a", true, None), row("b", false, Some("2024-09-12"))],
            vec![row("a", true, None), row("b", true, None)],
            vec![],
        ];
        for rows in cases {
            let flagged: Vec<bool> = rows.iter().map(|r| !r.compliant).collect();
            let dated: Vec<bool> = rows.iter().map(|r| r.surveyed_on.is_some()).collect();
            let cells = cells(rows);
            let mut next = 1;
            for (_, s) in &cells {
                assert!(*s <= next, "{cells:?}");
                if *s == next {
                    next += 1;
                }
            }
            let style = |at: &str| cells.iter().find(|(r, _)| r == at).unwrap().1;
            let plain = style("A4");
            for (i, (flagged, dated)) in flagged.iter().zip(&dated).enumerate() {
                let r = i + 4;
                for col in "ABCDGHIJKLMNOPQRSTUVW".chars() {
                    assert_eq!(style(&format!("{col}{r}")), plain);
                }
                assert_eq!(style(&format!("E{r}")) != plain, *flagged, "{cells:?}");
                assert_eq!(style(&format!("F{r}")) != plain, *dated, "{cells:?}");
            }
        }
    }
}
