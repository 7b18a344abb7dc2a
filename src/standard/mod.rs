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

/// Where a value of the standard comes from: a cited source said it (the
/// policy's), or the project proposes it where the sources are silent (a
/// region may change it). In YAML: `from: <source id>` or `from: proposal`;
/// an absent `from` is a proposal, since nothing cited says it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Basis {
    /// Stated by the source of this id in [`Standard::sources`].
    Policy(String),
    Proposal,
}

impl Basis {
    pub fn is_proposal(&self) -> bool {
        matches!(self, Basis::Proposal)
    }

    /// The source id, for a policy value.
    pub fn source_id(&self) -> Option<&str> {
        match self {
            Basis::Policy(id) => Some(id),
            Basis::Proposal => None,
        }
    }
}

/// A public document or report the standard relies on.
#[derive(Clone, Debug, PartialEq)]
pub struct Source {
    /// What `from:` refers to.
    pub id: String,
    pub title: String,
    pub publisher: Option<String>,
    /// As precise as known: `2020-08-15`, `2020-04`, `2020`.
    pub date: Option<String>,
    pub url: Option<String>,
    /// What kind of source it is and what the project takes from it.
    pub note: Option<String>,
}

impl Source {
    /// `新华社《宁夏治理……》（2020-08-15）`: for citations and the standard page.
    pub fn short(&self) -> String {
        let mut s = String::new();
        if let Some(p) = &self.publisher {
            s.push_str(p);
        }
        s.push_str(&format!("《{}》", self.title));
        if let Some(d) = &self.date {
            s.push_str(&format!("（{d}）"));
        }
        s
    }
}

/// The lettering's typeface, as the standard describes it. The drawings use
/// the bundled font whatever this says; it is here so the page can say
/// whether the typeface is the policy's or a proposal.
#[derive(Clone, Debug, PartialEq)]
pub struct Font {
    pub name: String,
    pub note: Option<String>,
    pub from: Basis,
}

/// How a sign is made: colours (screen and process), size, material.
#[derive(Clone, Debug, PartialEq)]
pub struct SignSpec {
    /// Screen colour `#RRGGBB` (web pages, previews).
    pub text_color: String,
    pub background: String,
    /// Process colour `[C, M, Y, K]`, 0–100 each, for production files
    /// (`text_cmyk`, `background_cmyk`). Derived from the screen colour when
    /// the file gives none (see [`rgb_to_cmyk`]); black text is `[0, 0, 0, 100]`.
    pub cmyk_text: [u8; 4],
    pub cmyk_background: [u8; 4],
    pub size_mm: [u32; 2],
    pub material: String,
    /// Where size, colours and material come from (`spec_from`).
    pub from: Basis,
}

/// Where the signs go, in millimetres, heights from the finished ground.
/// The cited sources say what hangs where but give no heights or spacing, so
/// the built-in values are the project's proposal (reasons in default.yaml).
#[derive(Clone, Debug, PartialEq)]
pub struct Install {
    pub from: Basis,
    /// For the drawing: `位置示意，以现场为准。`
    pub note: String,
    /// Underside of each gate plaque above the finished ground.
    pub gate_bottom_mm: u32,
    /// Between two plaques on the same side of the door.
    pub gate_spacing_mm: u32,
    /// From the edge of the door opening to the nearest plaque.
    pub gate_door_gap_mm: u32,
    /// Underside of the door-header identifiers above the finished ground.
    pub header_bottom_mm: u32,
    /// Between the two header identifiers.
    pub header_gap_mm: u32,
    /// Underside of the guide board above the finished ground.
    pub guide_bottom_mm: u32,
    /// From the edge of the door opening to the guide board.
    pub guide_door_gap_mm: u32,
}

impl Default for Install {
    fn default() -> Install {
        Install {
            from: Basis::Proposal,
            note: "位置示意，以现场为准。".into(),
            gate_bottom_mm: 600,
            gate_spacing_mm: 200,
            gate_door_gap_mm: 300,
            header_bottom_mm: 3200,
            header_gap_mm: 300,
            guide_bottom_mm: 600,
            guide_door_gap_mm: 1500,
        }
    }
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
    /// One guide board on the walls beside the gate.
    pub from: Basis,
    pub rooms_note: Option<String>,
    /// The room list (the built-in one is inferred: a proposal).
    pub rooms_from: Basis,
    pub rooms: Vec<RoomSpec>,
    pub sign: SignSpec,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Category {
    pub id: String,
    pub name: String,
    /// May stay on the wall; otherwise it goes into the service handbook.
    pub on_wall: bool,
    pub from: Basis,
}

#[derive(Clone, Debug, PartialEq)]
pub struct AwardDisplay {
    pub id: String,
    pub name: String,
    pub allowed: bool,
    pub from: Basis,
}

#[derive(Clone, Debug, PartialEq)]
pub struct AbolishedCert {
    pub number: usize,
    pub name: String,
    /// The sub-types the official list names in brackets (`婚姻关系证明、分居证明`).
    pub subtypes: Vec<String>,
    /// Other names the project adds for matching only (`未婚证明`); not the list's words.
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
    /// The project's short name for the rules in force (not a document's title).
    pub name: String,
    pub version: String,
    /// The written short citation; `None`: [`Standard::citation`] composes one.
    pub citation_text: Option<String>,
    pub sources: Vec<Source>,
    pub font: Font,
    pub install: Install,
    pub place_endings: Vec<String>,
    pub gate_summary: String,
    /// Which plaques hang beside the gate.
    pub gate_from: Basis,
    /// How their texts are formed (prefixes, suffixes, proposed texts).
    pub gate_texts_from: Basis,
    pub roles: Vec<Role>,
    pub header_summary: String,
    pub header_from: Basis,
    pub identifiers: Vec<Identifier>,
    pub guide: GuideBoard,
    pub indoor_summary: String,
    pub indoor_approver: String,
    pub indoor_from: Basis,
    pub wall_rules_summary: String,
    pub wall_rules_from: Basis,
    pub categories: Vec<Category>,
    pub awards_summary: String,
    pub awards_from: Basis,
    pub displays: Vec<AwardDisplay>,
    pub certificates_summary: String,
    pub certificates_from: Basis,
    pub abolished_list: String,
    pub list_from: Basis,
    pub instead_note: Option<String>,
    /// The per-item routes (`instead`, `handler`).
    pub routes_from: Basis,
    /// What committees do in the transition, for the public.
    pub transition: Option<String>,
    pub transition_from: Basis,
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
        let std = from_node(&mut ctx, &doc, &[]);
        debug_assert!(
            ctx.findings.is_empty(),
            "built-in standard: {:?}",
            ctx.findings
        );
        std.expect("the built-in standard is complete")
    }

    /// The short citation for footers, sheets and the handbook, e.g.
    /// `依据：宁夏回族自治区村(社区)“牌子满墙”治理要求（据新华社2020年8月15日报道）；尺寸、颜色、材质为本站建议`.
    /// The standard's `citation` when written; otherwise composed from its
    /// name, its first source, and whether any sign's make is a proposal.
    pub fn citation(&self) -> String {
        if let Some(c) = &self.citation_text {
            // Callers add their own full stop.
            return c.trim().trim_end_matches('。').to_owned();
        }
        let mut s = format!("依据：{}", self.name.trim());
        if let Some(src) = self.sources.first() {
            s.push_str(&format!("（据{}）", src.short()));
        }
        let specs = self
            .roles
            .iter()
            .map(|r| &r.sign)
            .chain(self.identifiers.iter().map(|i| &i.sign))
            .chain(std::iter::once(&self.guide.sign));
        if specs.into_iter().any(|sp| sp.from.is_proposal()) {
            s.push_str("；尺寸、颜色、材质为本站建议");
        }
        s
    }

    /// The source a policy value cites.
    pub fn source(&self, id: &str) -> Option<&Source> {
        self.sources.iter().find(|s| s.id == id)
    }

    /// A value's basis in words for the public: `依据 新华社《……》（2020-08-15）`
    /// or `本站建议，各地可按本地文件修改`.
    pub fn basis_label(&self, basis: &Basis) -> String {
        match basis {
            Basis::Policy(id) => match self.source(id) {
                Some(src) => format!("依据 {}", src.short()),
                None => format!("依据 {id}"),
            },
            Basis::Proposal => "本站建议，各地可按本地文件修改".to_owned(),
        }
    }

    /// The full public sentence for a certificate on the national list, the
    /// one wording every page and PDF uses: that it is no longer a
    /// committee's to issue as a rule, where residents go instead (the
    /// reference route and who handles it, with the standard's note that
    /// routes are for reference), and what committees do in the transition
    /// (the seed plan, 第四篇 四(三): listed items residents genuinely need
    /// are issued on the facts when within the committee's duties and
    /// verifiable, so no one is left 办事无门). Carries no rule codes, keys or
    /// paths: it is for residents.
    pub fn certificate_public_note(&self, cert: &AbolishedCert) -> String {
        let mut s = format!(
            "“{}”已列入《{}》，不再作为村(居)委会出具的证明事项。",
            cert.name.trim(),
            self.abolished_list.trim()
        );
        match (&cert.instead, &cert.handler) {
            (None, None) => s.push_str("请向有关部门咨询办理途径。"),
            (instead, handler) => {
                if let Some(i) = instead {
                    s.push_str(&format!("可以这样办：{}", end_sentence(i)));
                }
                if let Some(h) = handler {
                    s.push_str(&format!("办理单位：{}。", h.trim().trim_end_matches('。')));
                }
                if let Some(n) = &self.instead_note {
                    s.push_str(&format!("（{}）", n.trim().trim_end_matches('。')));
                }
            }
        }
        if let Some(t) = &self.transition {
            s.push_str(&end_sentence(t));
        }
        s
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
        // Official sub-types and the project's matching aliases both match.
        let names: Vec<(&String, Vec<String>)> = self
            .abolished
            .iter()
            .map(|c| (&c.name, c.subtypes.iter().chain(&c.also).cloned().collect()))
            .collect();
        self.abolished_index = index_names(names.iter().map(|(n, a)| (*n, a)));
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

/// A text ending in a full stop (or other closing mark), trimmed.
fn end_sentence(t: &str) -> String {
    let t = t.trim();
    if t.ends_with(['。', '！', '？', '；', '）', '”']) {
        t.to_owned()
    } else {
        format!("{t}。")
    }
}

/// A process colour for a screen colour, when the standard gives none: grey
/// goes to the K plate only (and very dark grey, used on screen for black
/// lettering, to K 100), other colours by the usual naive conversion. An
/// approximation for previews; a print shop's values belong in the standard.
pub fn rgb_to_cmyk(hex: &str) -> [u8; 4] {
    let Some((r, g, b)) = parse_rgb(hex) else {
        return [0, 0, 0, 100];
    };
    let pct = |v: f32| (v * 100.0).round().clamp(0.0, 100.0) as u8;
    if r == g && g == b {
        let k = 1.0 - f32::from(r) / 255.0;
        return [0, 0, 0, if k >= 0.85 { 100 } else { pct(k) }];
    }
    let (r, g, b) = (
        f32::from(r) / 255.0,
        f32::from(g) / 255.0,
        f32::from(b) / 255.0,
    );
    let k = 1.0 - r.max(g).max(b);
    let c = |v: f32| pct((1.0 - v - k) / (1.0 - k));
    [c(r), c(g), c(b), pct(k)]
}

fn parse_rgb(hex: &str) -> Option<(u8, u8, u8)> {
    let h = hex.strip_prefix('#')?;
    let digit = |i: usize, n: usize| u8::from_str_radix(h.get(i..i + n)?, 16).ok();
    match h.len() {
        3 => Some((digit(0, 1)? * 17, digit(1, 1)? * 17, digit(2, 1)? * 17)),
        6 => Some((digit(0, 2)?, digit(2, 2)?, digit(4, 2)?)),
        _ => None,
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
    let mut from_default = Vec::new();
    match (&mut merged.value, &user.value) {
        (Value::Map(base), Value::Map(over)) => {
            let wrote = |key: &str| over.iter().any(|(k, _)| k.value == Value::Str(key.into()));
            // The built-in citation names the built-in source: a file that
            // names its own rules or sources without a citation gets one
            // composed from them, not Ningxia's.
            if !wrote("citation")
                && ["name", "version", "sources", "source", "issuer"]
                    .iter()
                    .any(|k| wrote(k))
            {
                base.retain(|(k, _)| k.value != Value::Str("citation".into()));
            }
            for (k, v) in over {
                match base.iter_mut().find(|(bk, _)| bk.value == k.value) {
                    Some(slot) => *slot = (k.clone(), v.clone()),
                    None => base.push((k.clone(), v.clone())),
                }
            }
            for (k, _) in base.iter() {
                if let Value::Str(key) = &k.value
                    && !wrote(key)
                {
                    from_default.push(key.clone());
                }
            }
        }
        _ => {
            ctx.object(&user, &STANDARD);
            return (Standard::builtin(), ctx.findings);
        }
    }
    let std = from_node(&mut ctx, &merged, &from_default);
    let failed = ctx.findings.iter().any(|f| f.rule.is_input());
    match std {
        Some(std) if !failed => (std, ctx.findings),
        _ => (Standard::builtin(), ctx.findings),
    }
}

/// Reads `from:` values and checks each names a source (or `proposal`).
/// `from_default`: the top-level sections taken from the built-in file,
/// whose locations are not in the file being read.
struct Bases<'a> {
    ids: Vec<String>,
    from_default: &'a [String],
}

impl Bases<'_> {
    fn read(&self, ctx: &mut Ctx, section: &str, o: &Obj, key: &str) -> Basis {
        let Some((field, node)) = o.field(key) else {
            return Basis::Proposal;
        };
        let Some(word) = ctx.string(node, field) else {
            return Basis::Proposal;
        };
        if word == "proposal" {
            return Basis::Proposal;
        }
        if self.ids.contains(&word) {
            return Basis::Policy(word);
        }
        let known = if self.ids.is_empty() {
            "（sources 里还没有任何一项）".to_owned()
        } else {
            self.ids.join("、")
        };
        let (loc, whose_zh, whose_en) = if self.from_default.iter().any(|k| k == section) {
            (
                Loc::START,
                format!("内置标准的 {section} 部分"),
                format!("the built-in `{section}` section"),
            )
        } else {
            (node.loc, String::new(), String::new())
        };
        ctx.schema_error(
            loc,
            Msg::new(
                format!("{whose_zh}出处 {key}: {word} 不在 sources 里"),
                format!("{whose_en} `{key}: {word}` names no entry of `sources`"),
            ),
            Msg::new(
                format!(
                    "写 sources 里某一项的 id（{known}），或写 proposal（本站建议）；\
                     换了 sources 的，把引用它的部分也写进本文件并改写 {key}"
                ),
                format!(
                    "use the id of a source ({known}) or `proposal`; if you replaced `sources`, \
                     copy the sections that cite it into this file too"
                ),
            ),
        );
        Basis::Proposal
    }
}

fn from_node(ctx: &mut Ctx, doc: &Node, from_default: &[String]) -> Option<Standard> {
    let top = ctx.object(doc, &STANDARD)?;
    let sources = read_sources(ctx, &top);
    let bases = Bases {
        ids: sources.iter().map(|s| s.id.clone()).collect(),
        from_default,
    };
    let mut s = Standard {
        name: req_string(ctx, &top, "name").unwrap_or_default(),
        version: req_string(ctx, &top, "version").unwrap_or_default(),
        citation_text: opt_string(ctx, &top, "citation").filter(|c| !c.is_empty()),
        sources,
        font: Font {
            name: "黑体".into(),
            note: None,
            from: Basis::Proposal,
        },
        install: Install::default(),
        place_endings: Vec::new(),
        gate_summary: String::new(),
        gate_from: Basis::Proposal,
        gate_texts_from: Basis::Proposal,
        roles: Vec::new(),
        header_summary: String::new(),
        header_from: Basis::Proposal,
        identifiers: Vec::new(),
        guide: GuideBoard {
            name: String::new(),
            summary: String::new(),
            from: Basis::Proposal,
            rooms_note: None,
            rooms_from: Basis::Proposal,
            rooms: Vec::new(),
            sign: default_sign(),
        },
        indoor_summary: String::new(),
        indoor_approver: String::new(),
        indoor_from: Basis::Proposal,
        wall_rules_summary: String::new(),
        wall_rules_from: Basis::Proposal,
        categories: Vec::new(),
        awards_summary: String::new(),
        awards_from: Basis::Proposal,
        displays: Vec::new(),
        certificates_summary: String::new(),
        certificates_from: Basis::Proposal,
        abolished_list: String::new(),
        list_from: Basis::Proposal,
        instead_note: None,
        routes_from: Basis::Proposal,
        transition: None,
        transition_from: Basis::Proposal,
        abolished: Vec::new(),
        retained: None,
        room_index: HashMap::new(),
        abolished_index: HashMap::new(),
        retained_index: HashMap::new(),
    };
    if let Some(font) = section(ctx, &top, "font", &FONT) {
        s.font = Font {
            name: req_string(ctx, &font, "name").unwrap_or_default(),
            note: opt_string(ctx, &font, "note"),
            from: bases.read(ctx, "font", &font, "from"),
        };
    }
    if let Some(inst) = section(ctx, &top, "install", &INSTALL) {
        let d = Install::default();
        s.install = Install {
            from: bases.read(ctx, "install", &inst, "from"),
            note: opt_string(ctx, &inst, "note").unwrap_or(d.note),
            gate_bottom_mm: mm(ctx, &inst, "gate_bottom_mm", d.gate_bottom_mm),
            gate_spacing_mm: mm(ctx, &inst, "gate_spacing_mm", d.gate_spacing_mm),
            gate_door_gap_mm: mm(ctx, &inst, "gate_door_gap_mm", d.gate_door_gap_mm),
            header_bottom_mm: mm(ctx, &inst, "header_bottom_mm", d.header_bottom_mm),
            header_gap_mm: mm(ctx, &inst, "header_gap_mm", d.header_gap_mm),
            guide_bottom_mm: mm(ctx, &inst, "guide_bottom_mm", d.guide_bottom_mm),
            guide_door_gap_mm: mm(ctx, &inst, "guide_door_gap_mm", d.guide_door_gap_mm),
        };
    }
    if let Some((field, n)) = top.field("place_endings") {
        s.place_endings = ctx
            .text_list(n, field)
            .iter()
            .map(|e| normalize(e))
            .collect();
    }
    if let Some(gate) = section(ctx, &top, "gate", &GATE) {
        s.gate_summary = opt_string(ctx, &gate, "summary").unwrap_or_default();
        s.gate_from = bases.read(ctx, "gate", &gate, "from");
        s.gate_texts_from = bases.read(ctx, "gate", &gate, "texts_from");
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
                sign: sign(ctx, &bases, "gate", &o),
            });
        }
    }
    if let Some(header) = section(ctx, &top, "header", &HEADER) {
        s.header_summary = opt_string(ctx, &header, "summary").unwrap_or_default();
        s.header_from = bases.read(ctx, "header", &header, "from");
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
                sign: sign(ctx, &bases, "header", &o),
            });
        }
    }
    if let Some(guide) = section(ctx, &top, "guide_board", &GUIDE) {
        s.guide.name = req_string(ctx, &guide, "name").unwrap_or_default();
        s.guide.summary = opt_string(ctx, &guide, "summary").unwrap_or_default();
        s.guide.from = bases.read(ctx, "guide_board", &guide, "from");
        s.guide.rooms_note = opt_string(ctx, &guide, "rooms_note");
        s.guide.rooms_from = bases.read(ctx, "guide_board", &guide, "rooms_from");
        s.guide.sign = sign(ctx, &bases, "guide_board", &guide);
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
        s.indoor_from = bases.read(ctx, "indoor", &indoor, "from");
    }
    if let Some(rules) = section(ctx, &top, "wall_rules", &WALL_RULES_STD) {
        s.wall_rules_summary = opt_string(ctx, &rules, "summary").unwrap_or_default();
        s.wall_rules_from = bases.read(ctx, "wall_rules", &rules, "from");
        for item in items(ctx, &rules, "categories") {
            let Some(o) = ctx.object(item, &CATEGORY) else {
                continue;
            };
            s.categories.push(Category {
                id: req_string(ctx, &o, "id").unwrap_or_default(),
                name: req_string(ctx, &o, "name").unwrap_or_default(),
                on_wall: opt_bool(ctx, &o, "on_wall").unwrap_or(false),
                from: bases.read(ctx, "wall_rules", &o, "from"),
            });
        }
    }
    if let Some(awards) = section(ctx, &top, "awards", &AWARDS_STD) {
        s.awards_summary = opt_string(ctx, &awards, "summary").unwrap_or_default();
        s.awards_from = bases.read(ctx, "awards", &awards, "from");
        for item in items(ctx, &awards, "displays") {
            let Some(o) = ctx.object(item, &DISPLAY) else {
                continue;
            };
            s.displays.push(AwardDisplay {
                id: req_string(ctx, &o, "id").unwrap_or_default(),
                name: req_string(ctx, &o, "name").unwrap_or_default(),
                allowed: opt_bool(ctx, &o, "allowed").unwrap_or(false),
                from: bases.read(ctx, "awards", &o, "from"),
            });
        }
    }
    if let Some(certs) = section(ctx, &top, "certificates", &CERTS_STD) {
        s.certificates_summary = opt_string(ctx, &certs, "summary").unwrap_or_default();
        s.abolished_list = opt_string(ctx, &certs, "abolished_list").unwrap_or_default();
        s.certificates_from = bases.read(ctx, "certificates", &certs, "from");
        s.list_from = bases.read(ctx, "certificates", &certs, "list_from");
        s.instead_note = opt_string(ctx, &certs, "instead_note");
        s.routes_from = bases.read(ctx, "certificates", &certs, "routes_from");
        s.transition = opt_string(ctx, &certs, "transition").filter(|t| !t.is_empty());
        s.transition_from = bases.read(ctx, "certificates", &certs, "transition_from");
        for (i, item) in items(ctx, &certs, "abolished").iter().enumerate() {
            let Some(o) = ctx.object(item, &ABOLISHED) else {
                continue;
            };
            s.abolished.push(AbolishedCert {
                number: i + 1,
                name: req_string(ctx, &o, "name").unwrap_or_default(),
                subtypes: texts(ctx, &o, "subtypes"),
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

/// `sources`, and the old single-source keys `source`/`issuer` (files
/// written before `sources` existed): an old file's source is kept, first,
/// as the source its own sections are read against.
fn read_sources(ctx: &mut Ctx, top: &Obj) -> Vec<Source> {
    let mut list = Vec::new();
    let legacy_title = opt_string(ctx, top, "source");
    let legacy_issuer = opt_string(ctx, top, "issuer");
    if legacy_title.is_some() || legacy_issuer.is_some() {
        list.push(Source {
            id: "source".into(),
            title: legacy_title
                .clone()
                .unwrap_or_else(|| req_string(ctx, top, "name").unwrap_or_default()),
            publisher: legacy_issuer,
            date: None,
            url: None,
            note: None,
        });
    }
    for item in items(ctx, top, "sources") {
        let Some(o) = ctx.object(item, &SOURCE) else {
            continue;
        };
        let id = req_string(ctx, &o, "id").unwrap_or_default();
        if id == "proposal" || list.iter().any(|s: &Source| s.id == id) {
            ctx.schema_error(
                item.loc,
                Msg::new(
                    format!("出处的 id“{id}”重复了，或用了保留字 proposal"),
                    format!("source id `{id}` is repeated or is the reserved word `proposal`"),
                ),
                Msg::new(
                    "每个出处用一个不同的 id，如 xinhua-2020",
                    "give each source its own id, e.g. xinhua-2020",
                ),
            );
            continue;
        }
        let url = opt_string(ctx, &o, "url");
        if let (Some(u), Some((_, n))) = (&url, o.field("url"))
            && !crate::load::site::is_absolute_url(u)
        {
            ctx.schema_error(
                n.loc,
                Msg::new(
                    format!("出处链接“{u}”要以 http:// 或 https:// 开头"),
                    format!("source link `{u}` must start with http:// or https://"),
                ),
                Msg::new(
                    "写完整的网址，如 https://www.example.gov.cn/…",
                    "write the full address",
                ),
            );
            continue;
        }
        list.push(Source {
            id,
            title: req_string(ctx, &o, "title").unwrap_or_default(),
            publisher: opt_string(ctx, &o, "publisher"),
            date: opt_string(ctx, &o, "date"),
            url,
            note: opt_string(ctx, &o, "note"),
        });
    }
    list
}

/// A length in millimetres, 0 to 100 m; the default kept when wrong.
fn mm(ctx: &mut Ctx, o: &Obj, key: &str, default: u32) -> u32 {
    let Some((field, node)) = o.field(key) else {
        return default;
    };
    match ctx.int(node, field) {
        Some(v) if (0..=100_000).contains(&v) => v as u32,
        Some(v) => {
            ctx.schema_error(
                node.loc,
                Msg::new(
                    format!("“{key}”要在 0 到 100000 毫米之间，这里是 {v}"),
                    format!("`{key}` must be 0 to 100000 mm, found {v}"),
                ),
                Msg::new(
                    format!("改成这样：{key}: {default}"),
                    format!("write it like: {key}: {default}"),
                ),
            );
            default
        }
        None => default,
    }
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
        cmyk_text: [0, 0, 0, 100],
        cmyk_background: [0, 0, 0, 0],
        size_mm: [400, 2400],
        material: String::new(),
        from: Basis::Proposal,
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

/// A process colour `[C, M, Y, K]`, each 0–100; `None` when absent or wrong
/// (reported).
fn cmyk(ctx: &mut Ctx, o: &Obj, key: &str) -> Option<[u8; 4]> {
    let (field, node) = o.field(key)?;
    if let Value::Seq(items) = &node.value
        && items.len() == 4
    {
        let mut out = [0u8; 4];
        let mut ok = true;
        for (slot, item) in out.iter_mut().zip(items) {
            match item.value {
                Value::Int(v) if (0..=100).contains(&v) => *slot = v as u8,
                _ => ok = false,
            }
        }
        if ok {
            return Some(out);
        }
    }
    if node.value == Value::Null {
        return None;
    }
    ctx.schema_error(
        node.loc,
        Msg::new(
            format!(
                "“{}”（{}）要写成 [C, M, Y, K] 四个 0 到 100 的整数",
                key, field.zh
            ),
            format!("`{key}` must be [C, M, Y, K], four integers from 0 to 100"),
        ),
        Msg::new(
            format!("改成这样：{key}: [0, 100, 81, 4]（黑色写 [0, 0, 0, 100]）"),
            format!("write it like: {key}: [0, 100, 81, 4] (black: [0, 0, 0, 100])"),
        ),
    );
    None
}

fn sign(ctx: &mut Ctx, bases: &Bases, section: &str, o: &Obj) -> SignSpec {
    let d = default_sign();
    let text_color = colour(ctx, o, "text_color", d.text_color);
    let background = colour(ctx, o, "background", d.background);
    let cmyk_text = cmyk(ctx, o, "text_cmyk").unwrap_or_else(|| rgb_to_cmyk(&text_color));
    let cmyk_background =
        cmyk(ctx, o, "background_cmyk").unwrap_or_else(|| rgb_to_cmyk(&background));
    SignSpec {
        from: bases.read(ctx, section, o, "spec_from"),
        text_color,
        background,
        cmyk_text,
        cmyk_background,
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
const TEXT_CMYK: Field = f(
    "text_cmyk",
    Ty::List(&Ty::Int),
    "文字的印刷色 [C, M, Y, K]，如 [0, 100, 81, 4]",
    "text process colour [C, M, Y, K]",
);
const BACKGROUND_CMYK: Field = f(
    "background_cmyk",
    Ty::List(&Ty::Int),
    "底色的印刷色 [C, M, Y, K]，如 [0, 0, 0, 0]",
    "background process colour [C, M, Y, K]",
);
const SPEC_FROM: Field = f(
    "spec_from",
    Ty::Text,
    "尺寸、颜色、材质的出处：sources 里的 id，或 proposal（本站建议）",
    "where size, colours and material come from: a source id or `proposal`",
);
const FROM: Field = f(
    "from",
    Ty::Text,
    "出处：sources 里的 id，或 proposal（本站建议）",
    "where it comes from: a source id or `proposal`",
);

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
        TEXT_CMYK,
        BACKGROUND,
        BACKGROUND_CMYK,
        SIZE_MM,
        MATERIAL,
        SPEC_FROM,
    ],
};

static GATE: Shape = Shape {
    zh: "大门两侧（gate）",
    en: "gate section",
    fields: &[
        f("summary", Ty::Text, "说明", "summary"),
        FROM,
        f(
            "texts_from",
            Ty::Text,
            "牌子写法的出处：sources 里的 id，或 proposal",
            "where the texts' forms come from",
        ),
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
        TEXT_CMYK,
        BACKGROUND,
        BACKGROUND_CMYK,
        SIZE_MM,
        MATERIAL,
        SPEC_FROM,
    ],
};

static HEADER: Shape = Shape {
    zh: "门头（header）",
    en: "header section",
    fields: &[
        f("summary", Ty::Text, "说明", "summary"),
        FROM,
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
        FROM,
        f(
            "rooms_note",
            Ty::Text,
            "房间清单的说明",
            "a note on the room list",
        ),
        f(
            "rooms_from",
            Ty::Text,
            "房间清单的出处：sources 里的 id，或 proposal",
            "where the room list comes from",
        ),
        req(
            "rooms",
            Ty::List(&Ty::Obj(&ROOM_SPEC)),
            "房间清单",
            "the rooms",
        ),
        TEXT_COLOR,
        TEXT_CMYK,
        BACKGROUND,
        BACKGROUND_CMYK,
        SIZE_MM,
        MATERIAL,
        SPEC_FROM,
    ],
};

static INDOOR_STD: Shape = Shape {
    zh: "室内牌子（indoor）",
    en: "indoor section",
    fields: &[
        f("summary", Ty::Text, "说明", "summary"),
        f("approver", Ty::Text, "审批机关", "who approves"),
        FROM,
    ],
};

static CATEGORY: Shape = Shape {
    zh: "制度类别",
    en: "category",
    fields: &[
        req("id", Ty::Text, "编号", "id"),
        req("name", Ty::Text, "名称", "name"),
        req("on_wall", Ty::Bool, "可否上墙", "may stay on the wall"),
        FROM,
    ],
};

static WALL_RULES_STD: Shape = Shape {
    zh: "上墙制度（wall_rules）",
    en: "wall rules section",
    fields: &[
        f("summary", Ty::Text, "说明", "summary"),
        FROM,
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
        FROM,
    ],
};

static AWARDS_STD: Shape = Shape {
    zh: "奖状奖牌（awards）",
    en: "awards section",
    fields: &[
        f("summary", Ty::Text, "说明", "summary"),
        FROM,
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
        f(
            "subtypes",
            Ty::TextList,
            "清单原文括注的子项",
            "the sub-types the official list names",
        ),
        f(
            "also",
            Ty::TextList,
            "本站为比对加的其他叫法（不是清单原文）",
            "other names for matching (not the list's words)",
        ),
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
        FROM,
        f("abolished_list", Ty::Text, "清单名称", "the list's name"),
        f(
            "list_from",
            Ty::Text,
            "清单的出处：sources 里的 id",
            "where the list comes from",
        ),
        f(
            "instead_note",
            Ty::Text,
            "办理途径的说明",
            "a note on the routes",
        ),
        f(
            "routes_from",
            Ty::Text,
            "办理途径的出处：sources 里的 id，或 proposal",
            "where the routes come from",
        ),
        f(
            "transition",
            Ty::Text,
            "过渡期间的做法（给群众看）",
            "what committees do in the transition",
        ),
        f(
            "transition_from",
            Ty::Text,
            "过渡期做法的出处",
            "where the transition wording comes from",
        ),
        f(
            "abolished",
            Ty::List(&Ty::Obj(&ABOLISHED)),
            "不应出具的证明",
            "abolished certificates",
        ),
    ],
};

static SOURCE: Shape = Shape {
    zh: "出处",
    en: "source",
    fields: &[
        req("id", Ty::Text, "编号，供 from 引用", "id, for `from`"),
        req("title", Ty::Text, "标题", "title"),
        f("publisher", Ty::Text, "发布者", "publisher"),
        f("date", Ty::Text, "日期，如 2020-08-15", "date"),
        f("url", Ty::Text, "链接", "link"),
        f("note", Ty::Text, "说明", "note"),
    ],
};

static FONT: Shape = Shape {
    zh: "字体（font）",
    en: "font",
    fields: &[
        req("name", Ty::Text, "字体", "typeface"),
        f("note", Ty::Text, "说明", "note"),
        FROM,
    ],
};

static INSTALL: Shape = Shape {
    zh: "安装位置（install）",
    en: "installation",
    fields: &[
        FROM,
        f("note", Ty::Text, "图上的说明", "a note for the drawing"),
        f(
            "gate_bottom_mm",
            Ty::Int,
            "大门竖牌下沿离地高度（毫米）",
            "gate plaque underside above ground (mm)",
        ),
        f(
            "gate_spacing_mm",
            Ty::Int,
            "同侧竖牌间距（毫米）",
            "spacing between gate plaques (mm)",
        ),
        f(
            "gate_door_gap_mm",
            Ty::Int,
            "竖牌离门洞边（毫米）",
            "gate plaque to door opening (mm)",
        ),
        f(
            "header_bottom_mm",
            Ty::Int,
            "门头标识下沿离地高度（毫米）",
            "header identifiers underside above ground (mm)",
        ),
        f(
            "header_gap_mm",
            Ty::Int,
            "门头两个标识之间（毫米）",
            "gap between header identifiers (mm)",
        ),
        f(
            "guide_bottom_mm",
            Ty::Int,
            "引导牌下沿离地高度（毫米）",
            "guide board underside above ground (mm)",
        ),
        f(
            "guide_door_gap_mm",
            Ty::Int,
            "引导牌离门洞边（毫米）",
            "guide board to door opening (mm)",
        ),
    ],
};

static STANDARD: Shape = Shape {
    zh: "标准文件 standard.yaml",
    en: "standard file",
    fields: &[
        req(
            "name",
            Ty::Text,
            "所依据要求的简称",
            "short name of the rules",
        ),
        req("version", Ty::Text, "版本", "version"),
        f(
            "citation",
            Ty::Text,
            "页脚、图纸、手册上的一句话引用",
            "the short citation",
        ),
        f(
            "sources",
            Ty::List(&Ty::Obj(&SOURCE)),
            "所依据的公开资料",
            "the sources",
        ),
        // Old keys (one source as text), still read: see read_sources.
        f(
            "issuer",
            Ty::Text,
            "发布单位（旧写法，请改用 sources）",
            "issuer (old; use sources)",
        ),
        f(
            "source",
            Ty::Text,
            "出处（旧写法，请改用 sources）",
            "source (old; use sources)",
        ),
        f("font", Ty::Obj(&FONT), "字体", "font"),
        f("install", Ty::Obj(&INSTALL), "安装位置", "installation"),
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
        let s = from_node(&mut ctx, &doc, &[]).unwrap();
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

    /// `qingpai standard` prints the built-in file; loaded back as a user's
    /// content/standard.yaml it gives the very same standard, with no finding.
    #[test]
    fn the_builtin_standard_round_trips_through_its_printed_form() {
        let printed = crate::commands::standard::render();
        let (s, findings) = load("standard.yaml", printed, std::path::Path::new("."));
        assert!(findings.is_empty(), "{findings:?}");
        assert_eq!(s, Standard::builtin());
        assert_eq!(s.citation(), Standard::builtin().citation());
    }

    /// Walks every mapping of the built-in file that gives a screen colour and
    /// asserts it gives the process colour beside it, so nothing is derived.
    #[test]
    fn every_builtin_colour_has_a_cmyk_value() {
        fn walk(n: &Node, found: &mut usize) {
            match &n.value {
                Value::Map(m) => {
                    let has = |k: &str| m.iter().any(|(key, _)| key.value == Value::Str(k.into()));
                    for (colour, cmyk) in [
                        ("text_color", "text_cmyk"),
                        ("background", "background_cmyk"),
                    ] {
                        if has(colour) {
                            *found += 1;
                            assert!(has(cmyk), "{colour} without {cmyk} at line {}", n.loc.line);
                        }
                    }
                    for (_, v) in m {
                        walk(v, found);
                    }
                }
                Value::Seq(items) => items.iter().for_each(|i| walk(i, found)),
                _ => {}
            }
        }
        let doc = node::parse(DEFAULT_YAML).unwrap();
        let mut found = 0;
        walk(&doc, &mut found);
        // 3 roles, 2 identifiers, the guide board: two colours each.
        assert_eq!(found, 12);
        let s = Standard::builtin();
        let specs: Vec<&SignSpec> = s
            .roles
            .iter()
            .map(|r| &r.sign)
            .chain(s.identifiers.iter().map(|i| &i.sign))
            .chain([&s.guide.sign])
            .collect();
        for sp in specs {
            for (hex, cmyk) in [
                (&sp.text_color, sp.cmyk_text),
                (&sp.background, sp.cmyk_background),
            ] {
                assert!(cmyk.iter().all(|&v| v <= 100), "{hex}: {cmyk:?}");
                match hex.to_ascii_uppercase().as_str() {
                    // Black lettering is K only: no rich black on a sign.
                    "#1A1A1A" | "#000000" => assert_eq!(cmyk, [0, 0, 0, 100]),
                    "#FFFFFF" => assert_eq!(cmyk, [0, 0, 0, 0]),
                    "#C8102E" => assert_eq!(cmyk, [0, 100, 81, 4]),
                    _ => assert!(cmyk != [0, 0, 0, 0], "{hex} has no ink"),
                }
            }
        }
    }

    #[test]
    fn a_colour_without_cmyk_is_derived_and_grey_stays_on_k() {
        assert_eq!(rgb_to_cmyk("#1A1A1A"), [0, 0, 0, 100]);
        assert_eq!(rgb_to_cmyk("#000"), [0, 0, 0, 100]);
        assert_eq!(rgb_to_cmyk("#FFFFFF"), [0, 0, 0, 0]);
        assert_eq!(rgb_to_cmyk("#808080"), [0, 0, 0, 50]);
        assert_eq!(rgb_to_cmyk("#FF0000"), [0, 100, 100, 0]);
        let src = "guide_board:\n  name: 引导牌\n  rooms: [{name: 警务室}]\n  text_color: \"#000000\"\n  background: \"#0000FF\"\n";
        let (s, findings) = load("standard.yaml", src, std::path::Path::new("."));
        assert!(findings.is_empty(), "{findings:?}");
        assert_eq!(s.guide.sign.cmyk_text, [0, 0, 0, 100]);
        assert_eq!(s.guide.sign.cmyk_background, [100, 100, 0, 0]);
        assert!(s.guide.sign.from.is_proposal(), "no spec_from: a proposal");
    }

    #[test]
    fn a_wrong_cmyk_is_reported_with_its_line() {
        let src =
            "guide_board:\n  name: 引导牌\n  rooms: [{name: 警务室}]\n  text_cmyk: [0, 120, 0]\n";
        let (_, findings) = load("standard.yaml", src, std::path::Path::new("."));
        let f = findings
            .iter()
            .find(|f| f.rule == Rule::InputSchema)
            .expect("a finding");
        assert_eq!(f.loc.line, 4);
        assert!(f.message.zh.contains("[C, M, Y, K]"), "{}", f.message.zh);
    }

    #[test]
    fn values_are_marked_policy_or_proposal() {
        let s = Standard::builtin();
        assert_eq!(s.gate_from, Basis::Policy("xinhua-2020".into()));
        assert_eq!(s.indoor_from, Basis::Policy("xinhua-2020".into()));
        assert!(s.roles.iter().all(|r| r.sign.from.is_proposal()));
        assert!(
            s.guide.rooms_from.is_proposal(),
            "the room list is inferred"
        );
        assert!(s.install.from.is_proposal());
        assert!(s.font.from.is_proposal());
        assert_eq!(s.transition_from, Basis::Policy("seed-plan".into()));
        assert!(s.display("stored").unwrap().from.is_proposal());
        for id in [
            &s.gate_from,
            &s.header_from,
            &s.list_from,
            &s.certificates_from,
        ] {
            let id = id.source_id().expect("a policy value");
            let src = s.source(id).expect("cited source exists");
            assert!(!src.title.is_empty());
        }
        let xinhua = s.source("xinhua-2020").unwrap();
        assert_eq!(xinhua.publisher.as_deref(), Some("新华社"));
        assert_eq!(xinhua.date.as_deref(), Some("2020-08-15"));
        assert!(
            xinhua
                .url
                .as_deref()
                .unwrap()
                .starts_with("http://www.xinhuanet.com/")
        );
        // No document of the old title is known: the standard must not claim one.
        assert!(!DEFAULT_YAML.contains("name: 宁夏村(社区)标识标牌和上墙制度规范"));
        assert!(!s.citation().contains("标识标牌和上墙制度规范"));
        assert!(s.citation().contains("新华社2020年8月15日报道"));
        assert!(s.citation().contains("本站建议"));
    }

    #[test]
    fn install_geometry_is_typed_and_checked() {
        let s = Standard::builtin();
        assert_eq!(s.install.gate_bottom_mm, 600);
        assert_eq!(s.install.guide_door_gap_mm, 1500);
        assert!(s.install.note.contains("以现场为准"));
        let (s, findings) = load(
            "standard.yaml",
            "install:\n  gate_bottom_mm: 800\n  header_bottom_mm: -5\n",
            std::path::Path::new("."),
        );
        assert!(
            findings
                .iter()
                .any(|f| f.rule == Rule::InputSchema && f.loc.line == 3)
        );
        // A wrong file keeps the built-in standard.
        assert_eq!(s.install.gate_bottom_mm, 600);
        let (s, findings) = load(
            "standard.yaml",
            "install:\n  gate_bottom_mm: 800\n",
            std::path::Path::new("."),
        );
        assert!(findings.is_empty(), "{findings:?}");
        assert_eq!(s.install.gate_bottom_mm, 800);
        assert_eq!(
            s.install.gate_spacing_mm, 200,
            "unwritten keys keep the default"
        );
        assert!(s.install.from.is_proposal());
    }

    #[test]
    fn an_unknown_source_id_is_reported_where_it_is_written() {
        let src = "indoor:\n  approver: 县民政局\n  from: xinhua-2021\n";
        let (_, findings) = load("standard.yaml", src, std::path::Path::new("."));
        let f = findings
            .iter()
            .find(|f| f.rule == Rule::InputSchema)
            .expect("a finding");
        assert_eq!(f.loc.line, 3);
        assert!(f.fix.as_ref().unwrap().zh.contains("xinhua-2020"));
        // Replacing the sources while keeping built-in sections that cite the
        // old ones names the built-in section, at the top of the file.
        let src = "sources:\n  - {id: local, title: 某县文件}\n";
        let (_, findings) = load("standard.yaml", src, std::path::Path::new("."));
        assert!(
            findings
                .iter()
                .any(|f| f.loc == Loc::START && f.message.zh.contains("内置标准的 gate 部分")),
            "{findings:?}"
        );
    }

    #[test]
    fn old_single_source_keys_still_load() {
        let src = "name: 某省村(社区)挂牌规范\nversion: \"2023\"\nissuer: 某省民政厅\nsource: 某省挂牌规范（2023）\n";
        let (s, findings) = load("standard.yaml", src, std::path::Path::new("."));
        assert!(findings.is_empty(), "{findings:?}");
        let first = &s.sources[0];
        assert_eq!(first.title, "某省挂牌规范（2023）");
        assert_eq!(first.publisher.as_deref(), Some("某省民政厅"));
        // The citation is the file's, not the built-in Ningxia one.
        let c = s.citation();
        assert!(c.starts_with("依据：某省村(社区)挂牌规范"), "{c}");
        assert!(c.contains("某省挂牌规范"), "{c}");
        assert!(!c.contains("宁夏"), "{c}");
    }

    #[test]
    fn official_subtypes_and_aliases_are_apart_and_both_match() {
        let s = Standard::builtin();
        let marriage = s.abolished_cert("婚姻状况证明").unwrap();
        assert_eq!(marriage.subtypes, ["婚姻关系证明", "分居证明"]);
        assert_eq!(marriage.also, ["未婚证明", "单身证明"]);
        assert_eq!(s.abolished_cert("分居证明").unwrap().number, 8);
        assert_eq!(s.abolished_cert("单身证明").unwrap().number, 8);
        for a in &s.abolished {
            for alias in ["未婚证明", "单身证明", "生存证明", "失业证明"] {
                assert!(
                    !a.subtypes.iter().any(|t| t == alias),
                    "{alias} is not official"
                );
            }
        }
    }

    #[test]
    fn the_public_certificate_note_says_where_to_go_and_the_transition() {
        let s = Standard::builtin();
        let death = s.abolished_cert("死亡证明").unwrap();
        let note = s.certificate_public_note(death);
        assert!(
            note.starts_with(
                "“死亡证明”已列入《不应由基层群众性自治组织出具证明事项清单(第一批)》"
            ),
            "{note}"
        );
        assert!(note.contains("不再作为村(居)委会出具的证明事项"), "{note}");
        assert!(note.contains("医疗卫生机构"), "{note}");
        assert!(note.contains("参考办理途径"), "{note}");
        assert!(note.contains("据实出具"), "{note}");
        assert!(note.contains("办事无门"), "{note}");
        assert!(!note.contains("。。"), "{note}");
        assert!(!note.contains("cert."), "no rule code: {note}");
        // An item without routes still tells residents something useful.
        let bare = AbolishedCert {
            number: 1,
            name: "某证明".into(),
            subtypes: vec![],
            also: vec![],
            instead: None,
            handler: None,
        };
        assert!(
            s.certificate_public_note(&bare)
                .contains("请向有关部门咨询办理途径")
        );
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
