//! The standard as data: what may hang where, which certificates must stop.
//!
//! The built-in default (`default.yaml`, the seed's Ningxia 2020 rules) is
//! embedded in the binary; `qingpai standard` prints it. A site may put its own
//! `content/standard.yaml` beside `site.yaml`: every top-level section it
//! writes replaces the default's section of that name.

use std::collections::HashMap;

use crate::diag::{Finding, Loc, Msg};
use crate::load::node::{self, Node, Value};
use crate::load::reader::{Ctx, Obj};
use crate::load::shape::{Field, Shape, Ty, also, f, req};
use crate::text::normalize;

/// The built-in standard, as the user can print and copy it.
pub const DEFAULT_YAML: &str = include_str!("default.yaml");

/// How a sign is made: colours, size, material.
#[derive(Clone, Debug, PartialEq)]
pub struct SignSpec {
    pub text_color: String,
    pub background: String,
    pub size_mm: [u32; 2],
    pub material: String,
}

/// One of the gate's vertical plaques.
#[derive(Clone, Debug, PartialEq)]
pub struct Role {
    pub id: String,
    pub name: String,
    /// Normalised, as compared.
    pub prefixes: Vec<String>,
    /// Normalised, longest first.
    pub suffixes: Vec<String>,
    /// The text to propose when the plaque is missing: `{name}` is the community's name.
    pub proposed: String,
    pub proposed_village: Option<String>,
    /// A word for the sign maker, added to the fix of the role's findings.
    pub note: Option<String>,
    /// Which side of the door it hangs on, facing the gate: `left` or `right`.
    pub side: String,
    pub sign: SignSpec,
}

impl Role {
    pub fn proposed_for(&self, name: &str, village: bool) -> String {
        let pattern = match (&self.proposed_village, village) {
            (Some(p), true) => p,
            _ => &self.proposed,
        };
        pattern.replace("{name}", name)
    }
}

/// One of the door header's identifiers.
#[derive(Clone, Debug, PartialEq)]
pub struct Identifier {
    pub id: String,
    pub text: String,
    pub norm: String,
    /// May be preceded by a place name ending with the community's name.
    pub allow_place_prefix: bool,
    pub proposed: Option<String>,
    pub sign: SignSpec,
}

impl Identifier {
    pub fn proposed_for(&self, name: &str) -> String {
        self.proposed
            .as_ref()
            .map_or_else(|| self.text.clone(), |p| p.replace("{name}", name))
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct RoomSpec {
    pub name: String,
    pub also: Vec<String>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct GuideBoard {
    pub name: String,
    pub summary: String,
    pub rooms_note: Option<String>,
    pub rooms: Vec<RoomSpec>,
    pub sign: SignSpec,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Category {
    pub id: String,
    pub name: String,
    /// May stay on the wall; otherwise it goes into the service handbook.
    pub on_wall: bool,
}

#[derive(Clone, Debug, PartialEq)]
pub struct AwardDisplay {
    pub id: String,
    pub name: String,
    pub allowed: bool,
}

#[derive(Clone, Debug, PartialEq)]
pub struct AbolishedCert {
    pub number: usize,
    pub name: String,
    pub also: Vec<String>,
    /// Where residents go instead.
    pub instead: Option<String>,
    pub handler: Option<String>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct RetainedCert {
    pub name: String,
    pub also: Vec<String>,
    pub basis: Option<String>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Standard {
    pub name: String,
    pub version: String,
    pub issuer: Option<String>,
    pub source: Option<String>,
    pub place_endings: Vec<String>,
    pub gate_summary: String,
    pub roles: Vec<Role>,
    pub header_summary: String,
    pub identifiers: Vec<Identifier>,
    pub guide: GuideBoard,
    pub indoor_summary: String,
    pub indoor_approver: String,
    pub wall_rules_summary: String,
    pub categories: Vec<Category>,
    pub awards_summary: String,
    pub displays: Vec<AwardDisplay>,
    pub certificates_summary: String,
    pub abolished_list: String,
    pub instead_note: Option<String>,
    pub abolished: Vec<AbolishedCert>,
    /// `None`: the site publishes no retained list, so `cert.unlisted` is not checked.
    pub retained: Option<Vec<RetainedCert>>,
    /// Normalised room names and their other names -> index in `guide.rooms`.
    room_index: HashMap<String, usize>,
    abolished_index: HashMap<String, usize>,
    retained_index: HashMap<String, usize>,
}

impl Standard {
    /// The built-in default.
    pub fn builtin() -> Standard {
        let doc = node::parse(DEFAULT_YAML).expect("the built-in standard is valid YAML");
        let mut ctx = Ctx::new("<built-in>", DEFAULT_YAML, std::path::Path::new("."));
        let std = from_node(&mut ctx, &doc);
        debug_assert!(
            ctx.findings.is_empty(),
            "built-in standard: {:?}",
            ctx.findings
        );
        std.expect("the built-in standard is complete")
    }

    pub fn category(&self, id: &str) -> Option<&Category> {
        self.categories.iter().find(|c| c.id == id)
    }

    pub fn display(&self, id: &str) -> Option<&AwardDisplay> {
        self.displays.iter().find(|d| d.id == id)
    }

    pub fn room(&self, norm_name: &str) -> Option<&RoomSpec> {
        self.room_index
            .get(norm_name)
            .map(|&i| &self.guide.rooms[i])
    }

    pub fn abolished_cert(&self, norm_name: &str) -> Option<&AbolishedCert> {
        self.abolished_index
            .get(norm_name)
            .map(|&i| &self.abolished[i])
    }

    pub fn retained_cert(&self, norm_name: &str) -> Option<&RetainedCert> {
        let list = self.retained.as_ref()?;
        self.retained_index.get(norm_name).map(|&i| &list[i])
    }

    pub fn role(&self, id: &str) -> Option<&Role> {
        self.roles.iter().find(|r| r.id == id)
    }

    /// Role names joined for messages: `村(社区)党组织、村(居)民委员会、社区服务站`.
    pub fn role_names(&self) -> String {
        self.roles
            .iter()
            .map(|r| r.name.as_str())
            .collect::<Vec<_>>()
            .join("、")
    }

    pub fn identifier_names(&self) -> String {
        self.identifiers
            .iter()
            .map(|i| format!("“{}”", i.text))
            .collect::<Vec<_>>()
            .join("")
    }

    fn index(&mut self) {
        self.room_index = index_names(self.guide.rooms.iter().map(|r| (&r.name, &r.also)));
        self.abolished_index = index_names(self.abolished.iter().map(|c| (&c.name, &c.also)));
        self.retained_index = self
            .retained
            .as_ref()
            .map(|list| index_names(list.iter().map(|c| (&c.name, &c.also))))
            .unwrap_or_default();
        for role in &mut self.roles {
            role.suffixes
                .sort_by_key(|s| std::cmp::Reverse(s.chars().count()));
        }
    }
}

fn index_names<'a>(
    items: impl Iterator<Item = (&'a String, &'a Vec<String>)>,
) -> HashMap<String, usize> {
    let mut map = HashMap::new();
    for (i, (name, also)) in items.enumerate() {
        for n in std::iter::once(name).chain(also) {
            map.entry(normalize(n)).or_insert(i);
        }
    }
    map
}

/// Load the standard in force: the default, with the sections of
/// `content/standard.yaml` (if given) in place of the default's.
pub fn load(file: &str, src: &str, content_dir: &std::path::Path) -> (Standard, Vec<Finding>) {
    let mut ctx = Ctx::new(file, src, content_dir);
    let user = match node::parse(src) {
        Ok(doc) => doc,
        Err(e) => {
            ctx.findings
                .push(crate::load::syntax_finding(file, None, &e));
            return (Standard::builtin(), ctx.findings);
        }
    };
    let mut merged = node::parse(DEFAULT_YAML).expect("the built-in standard is valid YAML");
    match (&mut merged.value, &user.value) {
        (Value::Map(base), Value::Map(over)) => {
            for (k, v) in over {
                match base.iter_mut().find(|(bk, _)| bk.value == k.value) {
                    Some(slot) => *slot = (k.clone(), v.clone()),
                    None => base.push((k.clone(), v.clone())),
                }
            }
        }
        _ => {
            ctx.object(&user, &STANDARD);
            return (Standard::builtin(), ctx.findings);
        }
    }
    let std = from_node(&mut ctx, &merged);
    let failed = ctx.findings.iter().any(|f| f.rule.is_input());
    match std {
        Some(std) if !failed => (std, ctx.findings),
        _ => (Standard::builtin(), ctx.findings),
    }
}

fn from_node(ctx: &mut Ctx, doc: &Node) -> Option<Standard> {
    let top = ctx.object(doc, &STANDARD)?;
    let mut s = Standard {
        name: req_string(ctx, &top, "name").unwrap_or_default(),
        version: req_string(ctx, &top, "version").unwrap_or_default(),
        issuer: opt_string(ctx, &top, "issuer"),
        source: opt_string(ctx, &top, "source"),
        place_endings: Vec::new(),
        gate_summary: String::new(),
        roles: Vec::new(),
        header_summary: String::new(),
        identifiers: Vec::new(),
        guide: GuideBoard {
            name: String::new(),
            summary: String::new(),
            rooms_note: None,
            rooms: Vec::new(),
            sign: default_sign(),
        },
        indoor_summary: String::new(),
        indoor_approver: String::new(),
        wall_rules_summary: String::new(),
        categories: Vec::new(),
        awards_summary: String::new(),
        displays: Vec::new(),
        certificates_summary: String::new(),
        abolished_list: String::new(),
        instead_note: None,
        abolished: Vec::new(),
        retained: None,
        room_index: HashMap::new(),
        abolished_index: HashMap::new(),
        retained_index: HashMap::new(),
    };
    if let Some((field, n)) = top.field("place_endings") {
        s.place_endings = ctx
            .text_list(n, field)
            .iter()
            .map(|e| normalize(e))
            .collect();
    }
    if let Some(gate) = section(ctx, &top, "gate", &GATE) {
        s.gate_summary = opt_string(ctx, &gate, "summary").unwrap_or_default();
        for item in items(ctx, &gate, "roles") {
            let Some(o) = ctx.object(item, &ROLE) else {
                continue;
            };
            s.roles.push(Role {
                id: req_string(ctx, &o, "id").unwrap_or_default(),
                name: req_string(ctx, &o, "name").unwrap_or_default(),
                prefixes: texts(ctx, &o, "prefixes")
                    .iter()
                    .map(|p| normalize(p))
                    .collect(),
                suffixes: texts(ctx, &o, "suffixes")
                    .iter()
                    .map(|p| normalize(p))
                    .collect(),
                proposed: req_string(ctx, &o, "proposed").unwrap_or_default(),
                proposed_village: opt_string(ctx, &o, "proposed_village"),
                note: opt_string(ctx, &o, "note"),
                side: o
                    .field("side")
                    .and_then(|(f, n)| ctx.word(n, f, &["left", "right"]))
                    .unwrap_or_else(|| "left".to_owned()),
                sign: sign(ctx, &o),
            });
        }
    }
    if let Some(header) = section(ctx, &top, "header", &HEADER) {
        s.header_summary = opt_string(ctx, &header, "summary").unwrap_or_default();
        for item in items(ctx, &header, "identifiers") {
            let Some(o) = ctx.object(item, &IDENTIFIER) else {
                continue;
            };
            let text = req_string(ctx, &o, "text").unwrap_or_default();
            s.identifiers.push(Identifier {
                id: req_string(ctx, &o, "id").unwrap_or_default(),
                norm: normalize(&text),
                text,
                allow_place_prefix: opt_bool(ctx, &o, "allow_place_prefix").unwrap_or(false),
                proposed: opt_string(ctx, &o, "proposed"),
                sign: sign(ctx, &o),
            });
        }
    }
    if let Some(guide) = section(ctx, &top, "guide_board", &GUIDE) {
        s.guide.name = req_string(ctx, &guide, "name").unwrap_or_default();
        s.guide.summary = opt_string(ctx, &guide, "summary").unwrap_or_default();
        s.guide.rooms_note = opt_string(ctx, &guide, "rooms_note");
        s.guide.sign = sign(ctx, &guide);
        for item in items(ctx, &guide, "rooms") {
            let Some(o) = ctx.object(item, &ROOM_SPEC) else {
                continue;
            };
            s.guide.rooms.push(RoomSpec {
                name: req_string(ctx, &o, "name").unwrap_or_default(),
                also: texts(ctx, &o, "also"),
            });
        }
    }
    if let Some(indoor) = section(ctx, &top, "indoor", &INDOOR_STD) {
        s.indoor_summary = opt_string(ctx, &indoor, "summary").unwrap_or_default();
        s.indoor_approver = opt_string(ctx, &indoor, "approver").unwrap_or_default();
    }
    if let Some(rules) = section(ctx, &top, "wall_rules", &WALL_RULES_STD) {
        s.wall_rules_summary = opt_string(ctx, &rules, "summary").unwrap_or_default();
        for item in items(ctx, &rules, "categories") {
            let Some(o) = ctx.object(item, &CATEGORY) else {
                continue;
            };
            s.categories.push(Category {
                id: req_string(ctx, &o, "id").unwrap_or_default(),
                name: req_string(ctx, &o, "name").unwrap_or_default(),
                on_wall: opt_bool(ctx, &o, "on_wall").unwrap_or(false),
            });
        }
    }
    if let Some(awards) = section(ctx, &top, "awards", &AWARDS_STD) {
        s.awards_summary = opt_string(ctx, &awards, "summary").unwrap_or_default();
        for item in items(ctx, &awards, "displays") {
            let Some(o) = ctx.object(item, &DISPLAY) else {
                continue;
            };
            s.displays.push(AwardDisplay {
                id: req_string(ctx, &o, "id").unwrap_or_default(),
                name: req_string(ctx, &o, "name").unwrap_or_default(),
                allowed: opt_bool(ctx, &o, "allowed").unwrap_or(false),
            });
        }
    }
    if let Some(certs) = section(ctx, &top, "certificates", &CERTS_STD) {
        s.certificates_summary = opt_string(ctx, &certs, "summary").unwrap_or_default();
        s.abolished_list = opt_string(ctx, &certs, "abolished_list").unwrap_or_default();
        s.instead_note = opt_string(ctx, &certs, "instead_note");
        for (i, item) in items(ctx, &certs, "abolished").iter().enumerate() {
            let Some(o) = ctx.object(item, &ABOLISHED) else {
                continue;
            };
            s.abolished.push(AbolishedCert {
                number: i + 1,
                name: req_string(ctx, &o, "name").unwrap_or_default(),
                also: texts(ctx, &o, "also"),
                instead: opt_string(ctx, &o, "instead"),
                handler: opt_string(ctx, &o, "handler"),
            });
        }
    }
    if let Some((field, node)) = top.field("retained_certificates") {
        let mut list = Vec::new();
        for item in ctx.list(node, field) {
            let Some(o) = ctx.object(item, &RETAINED) else {
                continue;
            };
            list.push(RetainedCert {
                name: req_string(ctx, &o, "name").unwrap_or_default(),
                also: texts(ctx, &o, "also"),
                basis: opt_string(ctx, &o, "basis"),
            });
        }
        s.retained = Some(list);
    }
    // The merged tree's locations belong to the built-in file: point at the top.
    check_ids(ctx, &s, Loc::START);
    s.index();
    Some(s)
}

/// Ids that community files refer to must be unique, and the lists the rules
/// need must not be empty.
fn check_ids(ctx: &mut Ctx, s: &Standard, loc: Loc) {
    let mut problems = Vec::new();
    if s.roles.is_empty() {
        problems.push("gate.roles 不能为空");
    }
    if s.place_endings.is_empty() {
        problems.push("place_endings 不能为空");
    }
    if s.categories.is_empty() {
        problems.push("wall_rules.categories 不能为空");
    }
    if s.displays.is_empty() {
        problems.push("awards.displays 不能为空");
    }
    for p in problems {
        ctx.schema_error(
            loc,
            Msg::new(format!("标准文件有误：{p}"), format!("standard: {p}")),
            Msg::new(
                "对照 `qingpai standard` 打印的内置标准补上这一部分",
                "compare with `qingpai standard` and fill it in",
            ),
        );
    }
}

fn default_sign() -> SignSpec {
    SignSpec {
        text_color: "#1A1A1A".into(),
        background: "#FFFFFF".into(),
        size_mm: [400, 2400],
        material: String::new(),
    }
}

/// `#RGB` or `#RRGGBB`.
fn is_colour(s: &str) -> bool {
    s.strip_prefix('#')
        .is_some_and(|h| (h.len() == 3 || h.len() == 6) && h.bytes().all(|b| b.is_ascii_hexdigit()))
}

/// A colour of a sign: reported, and the default kept, unless `#RGB` or `#RRGGBB`.
fn colour(ctx: &mut Ctx, o: &Obj, key: &str, default: String) -> String {
    let Some((field, node)) = o.field(key) else {
        return default;
    };
    let Some(value) = ctx.string(node, field) else {
        return default;
    };
    if is_colour(&value) {
        return value;
    }
    ctx.schema_error(
        node.loc,
        Msg::new(
            format!("颜色“{value}”要写成 #RRGGBB 的十六进制形式"),
            format!("the colour `{value}` must be written #RRGGBB"),
        ),
        Msg::new(
            "如 #C8102E（中国红）或 #FFFFFF（白）",
            "e.g. #C8102E or #FFFFFF",
        ),
    );
    default
}

fn sign(ctx: &mut Ctx, o: &Obj) -> SignSpec {
    let d = default_sign();
    SignSpec {
        text_color: colour(ctx, o, "text_color", d.text_color),
        background: colour(ctx, o, "background", d.background),
        size_mm: o
            .field("size_mm")
            .and_then(|(f, n)| ctx.size(n, f))
            .unwrap_or(d.size_mm),
        material: opt_string(ctx, o, "material").unwrap_or(d.material),
    }
}

fn section<'n>(ctx: &mut Ctx, top: &Obj<'n>, key: &str, shape: &'static Shape) -> Option<Obj<'n>> {
    let node = top.get(key)?;
    ctx.object(node, shape)
}

fn items<'n>(ctx: &mut Ctx, o: &Obj<'n>, key: &str) -> &'n [Node] {
    match o.field(key) {
        Some((f, n)) => ctx.list(n, f),
        None => &[],
    }
}

fn texts(ctx: &mut Ctx, o: &Obj, key: &str) -> Vec<String> {
    match o.field(key) {
        Some((f, n)) => ctx.text_list(n, f),
        None => Vec::new(),
    }
}

fn req_string(ctx: &mut Ctx, o: &Obj, key: &str) -> Option<String> {
    o.field(key).and_then(|(f, n)| ctx.string(n, f))
}

fn opt_string(ctx: &mut Ctx, o: &Obj, key: &str) -> Option<String> {
    req_string(ctx, o, key)
}

fn opt_bool(ctx: &mut Ctx, o: &Obj, key: &str) -> Option<bool> {
    o.field(key).and_then(|(f, n)| ctx.boolean(n, f))
}

// The shape of standard.yaml, checked like every other file.

// Consts, not statics: each use is a fresh copy in its shape's table.
const TEXT_COLOR: Field = f(
    "text_color",
    Ty::Text,
    "文字颜色，如 #C8102E",
    "text colour",
);
const BACKGROUND: Field = f(
    "background",
    Ty::Text,
    "底色，如 #FFFFFF",
    "background colour",
);
const SIZE_MM: Field = f(
    "size_mm",
    Ty::Size,
    "尺寸 [宽, 高]，单位毫米",
    "[width, height] in mm",
);
const MATERIAL: Field = f("material", Ty::Text, "材质", "material");

static ROLE: Shape = Shape {
    zh: "大门竖牌",
    en: "gate role",
    fields: &[
        req("id", Ty::Text, "编号", "id"),
        req("name", Ty::Text, "名称", "name"),
        f("prefixes", Ty::TextList, "前缀，如 中共", "prefixes"),
        req("suffixes", Ty::TextList, "后缀，如 委员会", "suffixes"),
        req(
            "proposed",
            Ty::Text,
            "建议写法，{name} 为村(社区)名",
            "proposed text; {name} is the community",
        ),
        f(
            "proposed_village",
            Ty::Text,
            "村的建议写法",
            "proposed text for a village",
        ),
        f(
            "note",
            Ty::Text,
            "给制作者的说明",
            "a note for the sign maker",
        ),
        f(
            "side",
            Ty::Enum(&["left", "right"]),
            "面向大门时挂在门的哪一侧",
            "which side of the door, facing the gate",
        ),
        TEXT_COLOR,
        BACKGROUND,
        SIZE_MM,
        MATERIAL,
    ],
};

static GATE: Shape = Shape {
    zh: "大门两侧（gate）",
    en: "gate section",
    fields: &[
        f("summary", Ty::Text, "说明", "summary"),
        req("roles", Ty::List(&Ty::Obj(&ROLE)), "三块竖牌", "the roles"),
    ],
};

static IDENTIFIER: Shape = Shape {
    zh: "门头标识",
    en: "header identifier",
    fields: &[
        req("id", Ty::Text, "编号", "id"),
        req("text", Ty::Text, "文字", "text"),
        f(
            "allow_place_prefix",
            Ty::Bool,
            "可否在前面加村(社区)名",
            "may be preceded by the place name",
        ),
        f("proposed", Ty::Text, "建议写法", "proposed text"),
        TEXT_COLOR,
        BACKGROUND,
        SIZE_MM,
        MATERIAL,
    ],
};

static HEADER: Shape = Shape {
    zh: "门头（header）",
    en: "header section",
    fields: &[
        f("summary", Ty::Text, "说明", "summary"),
        req(
            "identifiers",
            Ty::List(&Ty::Obj(&IDENTIFIER)),
            "标识",
            "identifiers",
        ),
    ],
};

static ROOM_SPEC: Shape = Shape {
    zh: "引导牌房间",
    en: "room",
    fields: &[
        req("name", Ty::Text, "名称", "name"),
        also(
            f("also", Ty::TextList, "其他叫法", "other names"),
            &["aliases"],
        ),
    ],
};

static GUIDE: Shape = Shape {
    zh: "引导牌（guide_board）",
    en: "guide board section",
    fields: &[
        req("name", Ty::Text, "名称", "name"),
        f("summary", Ty::Text, "说明", "summary"),
        f(
            "rooms_note",
            Ty::Text,
            "房间清单的说明",
            "a note on the room list",
        ),
        req(
            "rooms",
            Ty::List(&Ty::Obj(&ROOM_SPEC)),
            "房间清单",
            "the rooms",
        ),
        TEXT_COLOR,
        BACKGROUND,
        SIZE_MM,
        MATERIAL,
    ],
};

static INDOOR_STD: Shape = Shape {
    zh: "室内牌子（indoor）",
    en: "indoor section",
    fields: &[
        f("summary", Ty::Text, "说明", "summary"),
        f("approver", Ty::Text, "审批机关", "who approves"),
    ],
};

static CATEGORY: Shape = Shape {
    zh: "制度类别",
    en: "category",
    fields: &[
        req("id", Ty::Text, "编号", "id"),
        req("name", Ty::Text, "名称", "name"),
        req("on_wall", Ty::Bool, "可否上墙", "may stay on the wall"),
    ],
};

static WALL_RULES_STD: Shape = Shape {
    zh: "上墙制度（wall_rules）",
    en: "wall rules section",
    fields: &[
        f("summary", Ty::Text, "说明", "summary"),
        req(
            "categories",
            Ty::List(&Ty::Obj(&CATEGORY)),
            "类别",
            "categories",
        ),
    ],
};

static DISPLAY: Shape = Shape {
    zh: "奖牌展示方式",
    en: "display",
    fields: &[
        req("id", Ty::Text, "编号", "id"),
        req("name", Ty::Text, "名称", "name"),
        req("allowed", Ty::Bool, "是否允许", "allowed"),
    ],
};

static AWARDS_STD: Shape = Shape {
    zh: "奖状奖牌（awards）",
    en: "awards section",
    fields: &[
        f("summary", Ty::Text, "说明", "summary"),
        req(
            "displays",
            Ty::List(&Ty::Obj(&DISPLAY)),
            "展示方式",
            "displays",
        ),
    ],
};

static ABOLISHED: Shape = Shape {
    zh: "不应出具的证明",
    en: "abolished certificate",
    fields: &[
        req("name", Ty::Text, "名称", "name"),
        f("also", Ty::TextList, "其他叫法", "other names"),
        f(
            "instead",
            Ty::Text,
            "群众改到哪里办",
            "where residents go instead",
        ),
        f("handler", Ty::Text, "办理单位", "who handles it"),
    ],
};

static RETAINED: Shape = Shape {
    zh: "保留的证明",
    en: "retained certificate",
    fields: &[
        req("name", Ty::Text, "名称", "name"),
        f("also", Ty::TextList, "其他叫法", "other names"),
        f("basis", Ty::Text, "依据", "legal basis"),
    ],
};

static CERTS_STD: Shape = Shape {
    zh: "证明事项（certificates）",
    en: "certificates section",
    fields: &[
        f("summary", Ty::Text, "说明", "summary"),
        f("abolished_list", Ty::Text, "清单名称", "the list's name"),
        f(
            "instead_note",
            Ty::Text,
            "办理途径的说明",
            "a note on the routes",
        ),
        f(
            "abolished",
            Ty::List(&Ty::Obj(&ABOLISHED)),
            "不应出具的证明",
            "abolished certificates",
        ),
    ],
};

static STANDARD: Shape = Shape {
    zh: "标准文件 standard.yaml",
    en: "standard file",
    fields: &[
        req("name", Ty::Text, "标准名称", "name"),
        req("version", Ty::Text, "版本", "version"),
        f("issuer", Ty::Text, "发布单位", "issuer"),
        f("source", Ty::Text, "出处", "source"),
        req(
            "place_endings",
            Ty::TextList,
            "地名的结尾，如 社区、村",
            "place-name endings",
        ),
        req("gate", Ty::Obj(&GATE), "大门两侧", "gate"),
        req("header", Ty::Obj(&HEADER), "门头", "header"),
        req("guide_board", Ty::Obj(&GUIDE), "引导牌", "guide board"),
        f("indoor", Ty::Obj(&INDOOR_STD), "室内牌子", "indoor"),
        req(
            "wall_rules",
            Ty::Obj(&WALL_RULES_STD),
            "上墙制度",
            "wall rules",
        ),
        req("awards", Ty::Obj(&AWARDS_STD), "奖状奖牌", "awards"),
        req(
            "certificates",
            Ty::Obj(&CERTS_STD),
            "证明事项",
            "certificates",
        ),
        f(
            "retained_certificates",
            Ty::List(&Ty::Obj(&RETAINED)),
            "本地公布的保留证明事项清单",
            "the published list of retained certificates",
        ),
    ],
};

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diag::Rule;

    #[test]
    fn builtin_standard_loads_clean() {
        let doc = node::parse(DEFAULT_YAML).unwrap();
        let mut ctx = Ctx::new("<built-in>", DEFAULT_YAML, std::path::Path::new("."));
        let s = from_node(&mut ctx, &doc).unwrap();
        assert!(ctx.findings.is_empty(), "{:?}", ctx.findings);
        assert_eq!(s.roles.len(), 3);
        assert_eq!(s.identifiers.len(), 2);
        assert_eq!(s.abolished.len(), 20);
        assert_eq!(s.categories.iter().filter(|c| !c.on_wall).count(), 4);
        assert!(s.retained.is_none());
        assert_eq!(
            s.abolished_cert("户籍证明").unwrap().name,
            "居民身份信息证明"
        );
    }

    #[test]
    fn a_section_replaces_the_default() {
        let src = "guide_board:\n  name: 一站一室四中心引导牌\n  rooms:\n    - name: 警务室\n";
        let (s, findings) = load("standard.yaml", src, std::path::Path::new("."));
        assert!(findings.is_empty(), "{findings:?}");
        assert_eq!(s.guide.rooms.len(), 1);
        assert!(s.room("警务室").is_some());
        assert_eq!(s.roles.len(), 3, "other sections keep the default");
    }

    #[test]
    fn unknown_keys_in_the_standard_are_reported() {
        let (_, findings) = load(
            "standard.yaml",
            "gate:\n  rolez: []\n",
            std::path::Path::new("."),
        );
        assert!(
            findings
                .iter()
                .any(|f| f.rule == Rule::InputSchema && f.loc.line == 2)
        );
    }
}
