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
    table_of(content, &plans)
}

/// [`table`], from each community's plan (in the order of `content.communities`).
pub fn table_of(content: &Content, plans: &[Plan]) -> Table {
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
fn cell(s: &str) -> String {
    if s.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{s}")
    } else {
        s.to_owned()
    }
}

/// CSV for Excel and WPS: UTF-8 with a byte-order mark (so Chinese opens
/// right), a header row, one row per community, a total row.
pub fn csv(table: &Table) -> Vec<u8> {
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
        for r in &table.rows {
            let mut rec: Vec<String> = vec![
                cell(&r.town),
                cell(&r.name),
                cell(&r.id),
                r.kind.into(),
                r.compliant_zh().into(),
            ];
            rec.extend(r.counts.values().iter().map(u32::to_string));
            w.write_record(&rec).expect("writing to memory");
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

/// An Excel workbook: the county on the first sheet, then one sheet per town;
/// each with a bold header row, frozen panes, column widths and a total row.
/// `date` (`YYYY-MM-DD`) is the workbook's creation date: the same table on
/// the same day is the same file, byte for byte.
pub fn xlsx(table: &Table, title: &str, date: &str) -> Result<Vec<u8>, rust_xlsxwriter::XlsxError> {
    use rust_xlsxwriter::{Color, Format, FormatBorder, Workbook};
    let mut book = Workbook::new();
    let header = Format::new()
        .set_bold()
        .set_text_wrap()
        .set_background_color(Color::RGB(0xF2DCDB))
        .set_border(FormatBorder::Thin);
    let total = Format::new()
        .set_bold()
        .set_border_top(FormatBorder::Double);
    let no = Format::new().set_font_color(Color::RGB(0xA5141B));

    let mut sheets: Vec<(String, Vec<&Row>)> =
        vec![("全县".to_owned(), table.rows.iter().collect())];
    for (town, rows) in table.towns() {
        let taken: Vec<&str> = sheets.iter().map(|(n, _)| n.as_str()).collect();
        let name = crate::slug::sheet_name(town, &taken);
        sheets.push((name, rows));
    }
    for (name, rows) in sheets {
        let sheet = book.add_worksheet();
        sheet.set_name(&name)?;
        let columns: Vec<&Column> = TEXT_COLUMNS.iter().chain(&COUNT_COLUMNS).collect();
        for (i, c) in columns.iter().enumerate() {
            sheet.write_with_format(0, i as u16, c.zh, &header)?;
            let width = match i {
                0 | 1 => 16.0,
                2 => 12.0,
                3 | 4 => 8.0,
                _ => 10.0,
            };
            sheet.set_column_width(i as u16, width)?;
        }
        sheet.set_row_height(0, 48)?;
        sheet.set_freeze_panes(1, 2)?;
        let mut sum = Counts::default();
        for (r, row) in rows.iter().enumerate() {
            let r = r as u32 + 1;
            sheet.write(r, 0, &row.town)?;
            sheet.write(r, 1, &row.name)?;
            sheet.write(r, 2, &row.id)?;
            sheet.write(r, 3, row.kind)?;
            if row.compliant {
                sheet.write(r, 4, row.compliant_zh())?;
            } else {
                sheet.write_with_format(r, 4, row.compliant_zh(), &no)?;
            }
            for (j, v) in row.counts.values().iter().enumerate() {
                sheet.write(r, 5 + j as u16, *v)?;
            }
            sum.add(&row.counts);
        }
        let last = rows.len() as u32 + 1;
        sheet.write_with_format(last, 0, "合计", &total)?;
        sheet.write_with_format(last, 1, format!("{} 个", rows.len()), &total)?;
        sheet.write_with_format(
            last,
            4,
            format!("合规 {} 个", rows.iter().filter(|r| r.compliant).count()),
            &total,
        )?;
        for (j, v) in sum.values().iter().enumerate() {
            // A formula, so the total follows edits made in Excel; its value is cached.
            let col = 5 + j as u16;
            let letter = rust_xlsxwriter::utility::column_number_to_name(col);
            let formula = rust_xlsxwriter::Formula::new(format!("=SUM({letter}2:{letter}{last})"))
                .set_result(v.to_string());
            sheet.write_formula_with_format(last, col, formula, &total)?;
        }
    }
    book.set_properties(
        &rust_xlsxwriter::DocProperties::new()
            .set_title(title)
            .set_subject("村(社区)标识标牌摸底统计")
            .set_creation_datetime(&rust_xlsxwriter::ExcelDateTime::parse_from_str(date)?),
    );
    book.save_to_buffer()
}
