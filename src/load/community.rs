//! A community file (SPEC §3) from its YAML tree to [`Community`].

use crate::diag::{Loc, Msg};
use crate::load::node::{Node, Value};
use crate::load::reader::{Ctx, Obj};
use crate::load::shape::{self, Shape};
use crate::model::{
    Award, Board, Certificate, Community, Direction, IndoorPlaque, Kind, Orientation, Plaque, Room,
    Text, WallRule,
};
use crate::slug::{self, TownProblem};
use crate::standard::Standard;

/// Is this a valid id (used in URLs)?
pub fn valid_id(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= 64
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// Read a community. Whatever can be read is kept; problems go to `ctx`.
pub fn read(ctx: &mut Ctx, doc: &Node, file_stem: &str, std: &Standard) -> Community {
    let mut c = Community {
        file: ctx.file.to_owned(),
        id: file_stem.to_owned(),
        id_loc: Loc::START,
        gate_loc: Loc::START,
        header_loc: Loc::START,
        gate_walls_loc: Loc::START,
        ..Community::default()
    };
    let Some(top) = ctx.object(doc, &shape::COMMUNITY) else {
        return c;
    };

    match top.field("id") {
        Some((field, node)) => {
            if let Some(id) = ctx.string(node, field) {
                if valid_id(&id) {
                    c.id = id;
                    c.id_loc = node.loc;
                } else {
                    ctx.schema_error(
                        node.loc,
                        Msg::new(
                            format!("编号“{id}”不合规：编号用在网址里，只能用英文字母、数字、- 和 _"),
                            format!("the id `{id}` is not valid: ASCII letters, digits, '-' and '_' only"),
                        ),
                        Msg::new("改成拼音或英文，如 id: hongqi", "use pinyin or English, e.g. id: hongqi"),
                    );
                }
            }
        }
        None if !valid_id(file_stem) => ctx.schema_error(
            Loc::START,
            Msg::new(
                format!("文件名“{file_stem}”不能直接当编号：编号用在网址里，只能用英文字母、数字、- 和 _"),
                format!("the file name `{file_stem}` cannot serve as the id: ASCII letters, digits, '-' and '_' only"),
            ),
            Msg::new(
                "在文件开头加一行 id: hongqi（拼音），或把文件改名为 hongqi.yaml",
                "add a line `id: hongqi` at the top, or rename the file to hongqi.yaml",
            ),
        ),
        None => {}
    }
    ctx.community = Some(c.id.clone());

    let name = text(ctx, &top, "name");
    if let Some(name) = &name
        && crate::text::ends_with_any(&name.norm, &std.place_endings).is_none()
    {
        let endings = std.place_endings.join("”或“");
        ctx.schema_error(
            name.loc,
            Msg::new(
                format!("名称“{}”应以“{endings}”结尾，写官方全称", name.raw),
                format!(
                    "the name `{}` must end with {} (the official full name)",
                    name.raw,
                    std.place_endings.join(" or ")
                ),
            ),
            Msg::new(
                "写全称，如 name: 红旗社区 或 name: 红旗村",
                "write the full name, e.g. 红旗社区 or 红旗村",
            ),
        );
    }
    let kind = top
        .field("kind")
        .and_then(|(f, n)| ctx.word(n, f, &["community", "village"]));
    let town = text(ctx, &top, "town");
    if let Some(t) = &town {
        town_name(ctx, t);
    }
    c.complete = name.is_some() && kind.is_some() && town.is_some();
    c.name = name.unwrap_or_default();
    c.kind = if kind.as_deref() == Some("village") {
        Kind::Village
    } else {
        Kind::Community
    };
    c.town = town.unwrap_or_default();
    c.address = text(ctx, &top, "address").map(|t| t.raw);
    c.surveyed_on = top.field("surveyed_on").and_then(|(f, n)| ctx.date(n, f));

    // A section that is absent is pointed at by the document's first key.
    c.gate_loc = top.key_loc("gate").unwrap_or(top.loc);
    c.header_loc = top.key_loc("header").unwrap_or(top.loc);
    c.gate_walls_loc = top.key_loc("gate_walls").unwrap_or(top.loc);
    c.gate = entries(ctx, &top, "gate", &shape::PLAQUE, plaque);
    c.header = entries(ctx, &top, "header", &shape::PLAQUE, plaque);
    c.gate_walls = entries(ctx, &top, "gate_walls", &shape::BOARD, board);
    c.indoor = entries(ctx, &top, "indoor", &shape::INDOOR, indoor);
    let categories: Vec<&str> = std.categories.iter().map(|c| c.id.as_str()).collect();
    c.wall_rules = entries(ctx, &top, "wall_rules", &shape::WALL_RULE, |ctx, o, t| {
        wall_rule(ctx, o, t, &categories)
    });
    let displays: Vec<&str> = std.displays.iter().map(|d| d.id.as_str()).collect();
    c.awards = entries(ctx, &top, "awards", &shape::AWARD, |ctx, o, t| {
        award(ctx, o, t, &displays)
    });
    c.certificates = entries(ctx, &top, "certificates", &shape::CERTIFICATE, certificate);
    c
}

/// A town name names a folder of the site and a sheet of `stats.xlsx`: one
/// that cannot be either is refused here, not when the build fails.
fn town_name(ctx: &mut Ctx, town: &Text) {
    let Some(problem) = slug::town_problem(&town.raw) else {
        return;
    };
    let name = town.raw.trim();
    let (zh, en) = match &problem {
        TownProblem::Chars(bad) => {
            let list: Vec<String> = bad.chars().map(|c| format!("“{c}”")).collect();
            (
                format!(
                    "乡镇名“{name}”里有 {}：乡镇名要用作网站的文件夹名和统计表的工作表名，不能有这些字符",
                    list.join("")
                ),
                format!(
                    "the town `{name}` contains {}: a town names a folder of the site and a sheet of the statistics, which cannot hold these",
                    bad.chars()
                        .map(|c| format!("`{c}`"))
                        .collect::<Vec<_>>()
                        .join(" ")
                ),
            )
        }
        TownProblem::Ends(c) => (
            format!(
                "乡镇名“{name}”以“{c}”开头或结尾：这样的名字不能用作统计表的工作表名或网站的文件夹名"
            ),
            format!(
                "the town `{name}` starts or ends with `{c}`, which a sheet or folder name cannot"
            ),
        ),
        TownProblem::TooLong { units, bytes } => (
            format!(
                "乡镇名“{name}”太长（{units} 个字，{bytes} 字节）：统计表的工作表名最多 {} 个字，文件夹名最多 {} 字节",
                slug::MAX_SHEET_UNITS,
                slug::MAX_FILE_NAME_BYTES
            ),
            format!(
                "the town `{name}` is too long ({units} characters, {bytes} bytes): a sheet name holds at most {} characters, a folder name {} bytes",
                slug::MAX_SHEET_UNITS,
                slug::MAX_FILE_NAME_BYTES
            ),
        ),
    };
    ctx.schema_error(
        town.loc,
        Msg::new(zh, en),
        Msg::new(
            "写乡镇或街道的正式名称，不加引号、括号和斜杠，如 town: 城关镇",
            "write the official name of the town or subdistrict, without quotes, brackets or slashes, e.g. town: 城关镇",
        ),
    );
}

fn text(ctx: &mut Ctx, o: &Obj, key: &str) -> Option<Text> {
    o.field(key).and_then(|(f, n)| ctx.text(n, f))
}

/// The entries of a list. Each entry is a mapping of `shape`, or (where the
/// shape has a `text` key) a bare string short for `{text: ...}`.
fn entries<T>(
    ctx: &mut Ctx,
    top: &Obj,
    key: &str,
    shape: &'static Shape,
    mut build: impl FnMut(&mut Ctx, Option<&Obj>, Text) -> Option<T>,
) -> Vec<T> {
    let Some((field, node)) = top.field(key) else {
        return Vec::new();
    };
    let items = ctx.list(node, field);
    let mut out = Vec::with_capacity(items.len());
    for item in items {
        let text_key = shape.fields[0].key;
        let allows_bare = matches!(field.ty, shape::Ty::List(shape::Ty::TextOrObj(_)));
        if let (true, Some(raw)) = (allows_bare, item.scalar_text(ctx.src)) {
            ctx.check_chars(item, &shape.fields[0], &raw);
            let t = Text::new(raw.into_owned(), item.loc);
            if t.is_empty() {
                ctx.text(item, &shape.fields[0]);
                continue;
            }
            if let Some(v) = build(ctx, None, t) {
                out.push(v);
            }
            continue;
        }
        if item.value == Value::Null && allows_bare {
            ctx.text(item, &shape.fields[0]);
            continue;
        }
        let Some(o) = ctx.object(item, shape) else {
            continue;
        };
        let Some(t) = o.field(text_key).and_then(|(f, n)| ctx.text(n, f)) else {
            // The missing key was reported by `object`; read the rest for more problems.
            let _ = build(ctx, Some(&o), Text::default());
            continue;
        };
        if let Some(v) = build(ctx, Some(&o), Text { loc: item.loc, ..t }) {
            out.push(v);
        }
    }
    out
}

// `Text.loc` of an entry is the entry's place (SPEC §5: the list entry, for a
// mapping its first key); the builders copy it into the item's `loc`.

fn plaque(ctx: &mut Ctx, o: Option<&Obj>, t: Text) -> Option<Plaque> {
    let mut p = Plaque {
        loc: t.loc,
        text: t,
        ..Plaque::default()
    };
    if let Some(o) = o {
        if let Some((f, n)) = o.field("orientation") {
            p.orientation = match ctx.word(n, f, &["vertical", "horizontal"]).as_deref() {
                Some("horizontal") => Orientation::Horizontal,
                _ => Orientation::Vertical,
            };
        }
        p.size_mm = o.field("size_mm").and_then(|(f, n)| ctx.size(n, f));
        p.photo = o.field("photo").and_then(|(f, n)| ctx.path(n, f));
    }
    (!p.text.is_empty()).then_some(p)
}

fn board(ctx: &mut Ctx, o: Option<&Obj>, t: Text) -> Option<Board> {
    let mut b = Board {
        loc: t.loc,
        text: t,
        ..Board::default()
    };
    if let Some(o) = o {
        if let Some((field, node)) = o.field("rooms") {
            let items = ctx.list(node, field);
            let mut rooms = Vec::with_capacity(items.len());
            for item in items {
                let Some(r) = ctx.object(item, &shape::ROOM) else {
                    continue;
                };
                let name = r.field("name").and_then(|(f, n)| ctx.text(n, f));
                let floor = r.field("floor").and_then(|(f, n)| ctx.floor(n, f));
                let direction = r
                    .field("direction")
                    .and_then(|(f, n)| ctx.word(n, f, &Direction::IDS))
                    .and_then(|d| Direction::from_id(&d));
                if let Some(name) = name {
                    rooms.push(Room {
                        loc: item.loc,
                        name,
                        floor,
                        direction,
                    });
                }
            }
            b.rooms = Some(rooms);
        }
        b.size_mm = o.field("size_mm").and_then(|(f, n)| ctx.size(n, f));
        b.photo = o.field("photo").and_then(|(f, n)| ctx.path(n, f));
    }
    (!b.text.is_empty()).then_some(b)
}

fn indoor(ctx: &mut Ctx, o: Option<&Obj>, t: Text) -> Option<IndoorPlaque> {
    let mut p = IndoorPlaque {
        loc: t.loc,
        text: t,
        ..IndoorPlaque::default()
    };
    if let Some(o) = o {
        p.approval = o.field("approval").and_then(|(f, n)| ctx.string(n, f));
        p.location = o.field("location").and_then(|(f, n)| ctx.string(n, f));
        p.photo = o.field("photo").and_then(|(f, n)| ctx.path(n, f));
    }
    (!p.text.is_empty()).then_some(p)
}

fn wall_rule(ctx: &mut Ctx, o: Option<&Obj>, t: Text, categories: &[&str]) -> Option<WallRule> {
    let o = o?;
    let category = o
        .field("category")
        .and_then(|(f, n)| ctx.word(n, f, categories));
    let on_wall = o
        .field("on_wall")
        .and_then(|(f, n)| ctx.boolean(n, f))
        .unwrap_or(true);
    let body = o
        .field("body")
        .and_then(|(f, n)| ctx.text(n, f))
        .map(|t| t.raw);
    if t.is_empty() {
        return None;
    }
    Some(WallRule {
        loc: t.loc,
        title: t,
        category: category?,
        on_wall,
        body,
    })
}

fn award(ctx: &mut Ctx, o: Option<&Obj>, t: Text, displays: &[&str]) -> Option<Award> {
    let o = o?;
    let issuer = o.field("issuer").and_then(|(f, n)| ctx.string(n, f));
    let year = o.field("year").and_then(|(f, n)| ctx.int(n, f));
    let display = o
        .field("display")
        .and_then(|(f, n)| ctx.word(n, f, displays));
    let photo = o.field("photo").and_then(|(f, n)| ctx.path(n, f));
    if t.is_empty() {
        return None;
    }
    Some(Award {
        loc: t.loc,
        title: t,
        issuer,
        year,
        display: display?,
        photo,
    })
}

fn certificate(ctx: &mut Ctx, o: Option<&Obj>, t: Text) -> Option<Certificate> {
    let o = o?;
    let purpose = o.field("purpose").and_then(|(f, n)| ctx.string(n, f));
    let basis = o.field("basis").and_then(|(f, n)| ctx.string(n, f));
    if t.is_empty() {
        return None;
    }
    Some(Certificate {
        loc: t.loc,
        name: t,
        purpose,
        basis,
    })
}
