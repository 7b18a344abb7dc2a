//! The work plan of SPEC §7, one per community: the gate as the standard
//! wants it (`signs`: keep, remake or make each sign), what must change
//! (`work`: one item per physical thing or certificate, never per finding)
//! and the `totals`. It reads the inventory, the standard and the findings;
//! the rules judge, the plan only arranges. Every count any surface shows
//! (pages, sheets, stats, plan.json) comes from here.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::diag::{Finding, Rule, Severity};
use crate::model::{Community, Entry, Kind, Orientation, Place};
use crate::rules::gate::gate_roles;
use crate::rules::header::identify;
use crate::standard::{SignSpec, Standard};

/// What becomes of one sign of the standard's gate (SPEC §7 `signs`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SignAction {
    /// The community's own sign is right.
    Keep,
    /// It has one for this role, but horizontal or naming another place.
    Remake,
    /// It has none.
    Make,
}

impl SignAction {
    /// For the sign maker's table and the legend.
    pub fn zh(self) -> &'static str {
        match self {
            SignAction::Keep => "保留现有",
            SignAction::Remake => "重新制作",
            SignAction::Make => "新做",
        }
    }
}

#[derive(Clone, Debug, Serialize)]
pub struct Sign {
    pub place: Place,
    /// `party`, `committee`, `station`, an identifier id, or `guide`.
    pub role: String,
    /// The role's name in the standard: 村(社区)党组织 ...
    pub role_name: String,
    pub text: String,
    pub action: SignAction,
    /// The inventory line of the community's own sign, if it has one.
    pub line: Option<u32>,
    /// That sign's inventory entry (a flow list puts several on one line).
    #[serde(skip)]
    pub entry: Option<Entry>,
    /// True when the drawing shows a sign still to be made (remade or new).
    pub proposed: bool,
    /// Characters of the longest text of the sign's set (the gate's plaques
    /// are one set): every plaque of a set is lettered at one height, on the
    /// page, the sheet and the production file alike.
    pub set_chars: usize,
    pub text_color: String,
    pub background: String,
    pub width_mm: u32,
    pub height_mm: u32,
    pub material: String,
}
#[derive(Clone, Debug, Serialize)]
pub struct GuideRoom {
    pub name: String,
    pub floor: Option<String>,
    pub arrow: Option<&'static str>,
}

#[derive(Clone, Debug, Serialize)]
pub struct Guide {
    pub sign: Sign,
    pub title: String,
    pub rooms: Vec<GuideRoom>,
}

/// The gate as the standard wants it for this community.
#[derive(Clone, Debug, Serialize)]
pub struct GatePlan {
    /// Vertical plaques left of the door, outermost first.
    pub left: Vec<Sign>,
    /// Vertical plaques right of the door, innermost first.
    pub right: Vec<Sign>,
    pub identifiers: Vec<Sign>,
    pub guide: Guide,
    /// Where the signs go (heights, spacing): the standard's, so the drawing
    /// and the sheet's dimensions come from one place.
    #[serde(skip)]
    pub install: crate::standard::Install,
}

impl GatePlan {
    pub fn plaques(&self) -> impl Iterator<Item = &Sign> {
        self.left.iter().chain(&self.right)
    }

    pub fn all_signs(&self) -> impl Iterator<Item = &Sign> {
        self.plaques()
            .chain(&self.identifiers)
            .chain(std::iter::once(&self.guide.sign))
    }
}

/// The characters that are lettered (spaces are not).
pub fn letters(text: &str) -> usize {
    text.chars().filter(|c| !c.is_whitespace()).count().max(1)
}

fn sign(
    place: Place,
    role: (&str, &str),
    text: String,
    own: Option<(SignAction, usize, u32)>,
    spec: &SignSpec,
) -> Sign {
    let (action, entry, line) = match own {
        Some((action, index, line)) => (action, Some(Entry { place, index }), Some(line)),
        None => (SignAction::Make, None, None),
    };
    Sign {
        set_chars: letters(&text),
        place,
        role: role.0.to_owned(),
        role_name: role.1.to_owned(),
        text,
        action,
        line,
        entry,
        proposed: action != SignAction::Keep,
        text_color: spec.text_color.clone(),
        background: spec.background.clone(),
        width_mm: spec.size_mm[0],
        height_mm: spec.size_mm[1],
        material: spec.material.clone(),
    }
}

/// The gate as the standard wants it for this community: for each role the
/// plaque the rules keep (see [`gate_roles`]), remade when it is horizontal
/// or names another place, made when there is none.
pub fn gate_plan(c: &Community, std: &Standard) -> GatePlan {
    let village = c.kind == Kind::Village;
    let gate = gate_roles(c, std);
    let mut left = Vec::new();
    let mut right = Vec::new();
    for role in &std.roles {
        let proposed = role.proposed_for(c.name.raw.trim(), village);
        let (text, own) = match gate.kept.get(role.id.as_str()) {
            Some(&i) => {
                let p = &c.gate[i];
                let names_us = gate.roles[i]
                    .as_ref()
                    .is_some_and(|m| m.place.ends_with(c.name.norm.as_str()));
                let action = if names_us && p.orientation == Orientation::Vertical {
                    SignAction::Keep
                } else {
                    SignAction::Remake
                };
                // A plaque naming another place is remade with this community's name.
                let text = if names_us {
                    p.text.raw.trim().to_owned()
                } else {
                    proposed
                };
                (text, Some((action, i, p.loc.line)))
            }
            None => (proposed, None),
        };
        let s = sign(Place::Gate, (&role.id, &role.name), text, own, &role.sign);
        if role.side == "right" {
            right.push(s);
        } else {
            left.push(s);
        }
    }
    left.reverse();
    let set = left
        .iter()
        .chain(&right)
        .map(|s| s.set_chars)
        .max()
        .unwrap_or(1);
    for s in left.iter_mut().chain(right.iter_mut()) {
        s.set_chars = set;
    }
    let identifiers = std
        .identifiers
        .iter()
        .map(|ident| {
            // The first of each identifier stays; later ones are duplicates.
            let own = c.header.iter().enumerate().find(|(_, p)| {
                identify(&p.text.norm, &c.name.norm, std).is_some_and(|i| i.id == ident.id)
            });
            let text = own.map_or_else(
                || ident.proposed_for(c.name.raw.trim()),
                |(_, p)| p.text.raw.trim().to_owned(),
            );
            sign(
                Place::Header,
                (&ident.id, &ident.text),
                text,
                own.map(|(i, p)| (SignAction::Keep, i, p.loc.line)),
                &ident.sign,
            )
        })
        .collect();
    let own_guide = c.gate_walls.iter().enumerate().find(|(_, b)| b.is_guide());
    let rooms: Vec<GuideRoom> = match own_guide {
        Some((_, b)) => b
            .rooms
            .iter()
            .flatten()
            .map(|r| GuideRoom {
                name: r.name.raw.trim().to_owned(),
                floor: r.floor.clone(),
                arrow: r.direction.map(|d| d.arrow()),
            })
            .collect(),
        None => std
            .guide
            .rooms
            .iter()
            .map(|r| GuideRoom {
                name: r.name.clone(),
                floor: None,
                arrow: None,
            })
            .collect(),
    };
    let guide = Guide {
        sign: sign(
            Place::GateWalls,
            ("guide", &std.guide.name),
            own_guide.map_or_else(
                || std.guide.name.clone(),
                |(_, b)| b.text.raw.trim().to_owned(),
            ),
            own_guide.map(|(i, b)| (SignAction::Keep, i, b.loc.line)),
            &std.guide.sign,
        ),
        title: format!("{}党群服务中心", c.name.raw.trim()),
        rooms,
    };
    GatePlan {
        left,
        right,
        identifiers,
        guide,
        install: std.install.clone(),
    }
}

/// The six kinds of work of SPEC §7.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    /// A plaque, identifier, board or indoor plaque comes down; a duplicate wall rule too.
    TakeDown,
    /// A plaque of a role is remade (horizontal, or naming another place).
    Remake,
    /// A missing plaque, identifier or guide board is made.
    Make,
    /// An internal wall rule goes into the service handbook.
    ToHandbook,
    /// An award comes off the wall.
    AwardOff,
    /// A certificate is no longer issued.
    StopCertificate,
}

impl Action {
    pub const ALL: [Action; 6] = [
        Action::TakeDown,
        Action::Remake,
        Action::Make,
        Action::ToHandbook,
        Action::AwardOff,
        Action::StopCertificate,
    ];

    /// The work a finding asks for; `None` for findings that ask for no
    /// physical change (a room name, a character, the file itself).
    pub fn of(rule: Rule) -> Option<Action> {
        use Rule::*;
        Some(match rule {
            GateUnlisted | GateDuplicate | HeaderUnlisted | HeaderDuplicate | WallsUnlisted
            | WallsDuplicateGuide | IndoorUnapproved | RulesDuplicate => Action::TakeDown,
            GateHorizontal | GateNameMismatch => Action::Remake,
            GateMissing | HeaderMissing | WallsNoGuide => Action::Make,
            RulesInternalOnWall => Action::ToHandbook,
            AwardsOnWall => Action::AwardOff,
            CertAbolished | CertUnlisted => Action::StopCertificate,
            GuideUnknownRoom | TextMissingGlyph | InputYaml | InputSchema | InputDuplicateId
            | InputFile => return None,
        })
    }

    pub fn key(self) -> &'static str {
        match self {
            Action::TakeDown => "take_down",
            Action::Remake => "remake",
            Action::Make => "make",
            Action::ToHandbook => "to_handbook",
            Action::AwardOff => "award_off",
            Action::StopCertificate => "stop_certificate",
        }
    }

    /// A heading for lists of this work.
    pub fn zh(self) -> &'static str {
        match self {
            Action::TakeDown => "摘除",
            Action::Remake => "重新制作",
            Action::Make => "新做",
            Action::ToHandbook => "移入服务手册",
            Action::AwardOff => "奖牌下墙",
            Action::StopCertificate => "停止出具证明",
        }
    }

    /// The count in a sentence, as the overview and town pages say it.
    pub fn count_zh(self) -> &'static str {
        match self {
            Action::TakeDown => "块牌子、标识或制度要摘除",
            Action::Remake => "块牌子要重新制作",
            Action::Make => "块牌子、标识或引导牌要新做",
            Action::ToHandbook => "项制度要移入服务手册",
            Action::AwardOff => "块奖牌要从墙上取下",
            Action::StopCertificate => "项证明不再作为常规事项出具",
        }
    }
}

/// One thing that must change (SPEC §7 `work`).
#[derive(Clone, Debug, Serialize)]
pub struct WorkItem {
    pub action: Action,
    pub place: Place,
    /// The text as it reads (a plaque, a rule's title, a certificate's
    /// name); for a sign to make, the standard's text.
    pub text: String,
    /// The inventory entry's line; `None` for a sign to make.
    pub line: Option<u32>,
    /// The rule codes behind it.
    pub rules: Vec<&'static str>,
    /// The inventory entry it is about; `None` for a sign to make.
    #[serde(skip)]
    pub entry: Option<Entry>,
    /// What will happen, in words for residents and sign makers.
    pub description: String,
}

/// The count of work items per action; all six always present (SPEC §7).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Totals {
    pub take_down: usize,
    pub remake: usize,
    pub make: usize,
    pub to_handbook: usize,
    pub award_off: usize,
    pub stop_certificate: usize,
}

impl Totals {
    pub fn get(&self, a: Action) -> usize {
        match a {
            Action::TakeDown => self.take_down,
            Action::Remake => self.remake,
            Action::Make => self.make,
            Action::ToHandbook => self.to_handbook,
            Action::AwardOff => self.award_off,
            Action::StopCertificate => self.stop_certificate,
        }
    }

    fn slot(&mut self, a: Action) -> &mut usize {
        match a {
            Action::TakeDown => &mut self.take_down,
            Action::Remake => &mut self.remake,
            Action::Make => &mut self.make,
            Action::ToHandbook => &mut self.to_handbook,
            Action::AwardOff => &mut self.award_off,
            Action::StopCertificate => &mut self.stop_certificate,
        }
    }

    pub fn add(&mut self, o: &Totals) {
        for a in Action::ALL {
            *self.slot(a) += o.get(a);
        }
    }

    pub fn sum<'a>(all: impl IntoIterator<Item = &'a Totals>) -> Totals {
        let mut t = Totals::default();
        for o in all {
            t.add(o);
        }
        t
    }

    pub fn is_empty(&self) -> bool {
        Action::ALL.iter().all(|&a| self.get(a) == 0)
    }

    /// Each action with its count, in the order of [`Action::ALL`], for pages.
    pub fn rows(&self) -> Vec<TotalRow> {
        Action::ALL
            .iter()
            .map(|&a| TotalRow {
                action: a.key(),
                count: self.get(a),
                label: a.count_zh(),
                heading: a.zh(),
            })
            .collect()
    }
}

#[derive(Clone, Debug, Serialize)]
pub struct TotalRow {
    pub action: &'static str,
    pub count: usize,
    pub label: &'static str,
    pub heading: &'static str,
}

/// A community's whole plan.
#[derive(Clone, Debug)]
pub struct Plan {
    /// The gate as the standard wants it; `None` when the inventory could not
    /// be read whole (nothing can be drawn).
    pub gate: Option<GatePlan>,
    pub work: Vec<WorkItem>,
    pub totals: Totals,
    pub status: Status,
    pub errors: usize,
    pub warnings: usize,
}

impl Plan {
    /// No error-severity finding (SPEC §4).
    pub fn compliant(&self) -> bool {
        self.errors == 0
    }

    /// The signs in drawing order (SPEC §7 `signs`).
    pub fn signs(&self) -> impl Iterator<Item = &Sign> {
        self.gate.iter().flat_map(GatePlan::all_signs)
    }

    /// The status in words: never plainly "合规" while signs are missing or
    /// must be remade.
    pub fn status_zh(&self) -> String {
        let mut owed = Vec::new();
        if self.totals.make > 0 {
            owed.push(format!("{} 块待新做", self.totals.make));
        }
        if self.totals.remake > 0 {
            owed.push(format!("{} 块待重新制作", self.totals.remake));
        }
        match self.status {
            Status::Compliant | Status::Warnings if !owed.is_empty() => {
                format!("合规，{}", owed.join("、"))
            }
            s => s.zh().to_owned(),
        }
    }

    /// `plan.json` (SPEC §7).
    pub fn to_json(&self, c: &Community) -> String {
        #[derive(Serialize)]
        struct Json<'a> {
            version: u32,
            community: JsonCommunity<'a>,
            compliant: bool,
            signs: Vec<JsonSign<'a>>,
            work: &'a [WorkItem],
            totals: Totals,
        }
        #[derive(Serialize)]
        struct JsonCommunity<'a> {
            id: &'a str,
            name: &'a str,
            town: &'a str,
            kind: &'static str,
        }
        #[derive(Serialize)]
        struct JsonSign<'a> {
            place: Place,
            role: &'a str,
            text: &'a str,
            action: SignAction,
            width_mm: u32,
            height_mm: u32,
            line: Option<u32>,
        }
        let json = Json {
            version: 1,
            community: JsonCommunity {
                id: &c.id,
                name: c.name.raw.trim(),
                town: c.town.raw.trim(),
                kind: c.kind.id(),
            },
            compliant: self.compliant(),
            signs: self
                .signs()
                .map(|s| JsonSign {
                    place: s.place,
                    role: &s.role,
                    text: &s.text,
                    action: s.action,
                    width_mm: s.width_mm,
                    height_mm: s.height_mm,
                    line: s.line,
                })
                .collect(),
            work: &self.work,
            totals: self.totals,
        };
        let mut out = serde_json::to_string_pretty(&json).expect("plain data serialises");
        out.push('\n');
        out
    }

    /// The work item about one inventory entry, if it must change.
    pub fn item_for(&self, entry: Entry) -> Option<&WorkItem> {
        self.work.iter().find(|w| w.entry == Some(entry))
    }
}

/// The plan of one community, from its findings (those of its file).
pub fn plan(c: &Community, std: &Standard, findings: &[&Finding]) -> Plan {
    let status = Status::of(findings);
    let errors = crate::diag::count(findings.iter().copied(), Severity::Error);
    let warnings = crate::diag::count(findings.iter().copied(), Severity::Warning);
    if !c.complete {
        return Plan {
            gate: None,
            work: Vec::new(),
            totals: Totals::default(),
            status,
            errors,
            warnings,
        };
    }
    let gate = gate_plan(c, std);

    // One item per entry: the findings about it, the strongest action wins
    // (an entry that comes down is not also remade or moved).
    let mut by_entry: BTreeMap<Entry, (Action, Vec<&'static str>)> = BTreeMap::new();
    for f in findings {
        let (Some(entry), Some(action)) = (f.entry, Action::of(f.rule)) else {
            continue;
        };
        let slot = by_entry.entry(entry).or_insert((action, Vec::new()));
        slot.0 = slot.0.min(action);
        if !slot.1.contains(&f.rule.code()) {
            slot.1.push(f.rule.code());
        }
    }
    let mut work: Vec<WorkItem> = by_entry
        .into_iter()
        .filter_map(|(entry, (action, rules))| {
            let (text, line) = entry_text(c, entry)?;
            Some(WorkItem {
                action,
                place: entry.place,
                description: describe(c, std, &gate, entry, action, &text, &rules),
                text,
                line: Some(line),
                rules,
                entry: Some(entry),
            })
        })
        .collect();
    // Each sign to make is an item of its own, even though the findings of
    // several missing signs share the line of `gate:`.
    for s in gate.all_signs().filter(|s| s.action == SignAction::Make) {
        let rule = match s.place {
            Place::Gate => Rule::GateMissing,
            Place::Header => Rule::HeaderMissing,
            _ => Rule::WallsNoGuide,
        };
        work.push(WorkItem {
            action: Action::Make,
            place: s.place,
            text: s.text.clone(),
            line: None,
            rules: vec![rule.code()],
            entry: None,
            description: format!(
                "按标准新做{}“{}”（{}×{} 毫米），挂在{}",
                sign_kind(s.place),
                s.text,
                s.width_mm,
                s.height_mm,
                s.place.zh()
            ),
        });
    }
    work.sort_by_key(|w| (w.action, w.line.is_none(), w.line));
    let mut totals = Totals::default();
    for w in &work {
        *totals.slot(w.action) += 1;
    }
    Plan {
        gate: Some(gate),
        work,
        totals,
        status,
        errors,
        warnings,
    }
}

fn sign_kind(place: Place) -> &'static str {
    match place {
        Place::Gate => "竖牌",
        Place::Header => "门头标识",
        Place::GateWalls => "引导牌",
        _ => "牌子",
    }
}

/// An entry's text and line, as the inventory has it.
fn entry_text(c: &Community, e: Entry) -> Option<(String, u32)> {
    let (text, loc) = match e.place {
        Place::Gate => c.gate.get(e.index).map(|p| (&p.text, p.loc))?,
        Place::Header => c.header.get(e.index).map(|p| (&p.text, p.loc))?,
        Place::GateWalls => c.gate_walls.get(e.index).map(|b| (&b.text, b.loc))?,
        Place::Indoor => c.indoor.get(e.index).map(|p| (&p.text, p.loc))?,
        Place::WallRules => c.wall_rules.get(e.index).map(|r| (&r.title, r.loc))?,
        Place::Awards => c.awards.get(e.index).map(|a| (&a.title, a.loc))?,
        Place::Certificates => c.certificates.get(e.index).map(|x| (&x.name, x.loc))?,
    };
    Some((text.raw.trim().to_owned(), loc.line))
}

/// What will happen to one entry, said to residents and sign makers: no
/// inventory keys, no rule codes, no file paths.
fn describe(
    c: &Community,
    std: &Standard,
    gate: &GatePlan,
    e: Entry,
    action: Action,
    text: &str,
    rules: &[&str],
) -> String {
    let has = |r: Rule| rules.contains(&r.code());
    match action {
        Action::TakeDown => {
            let why = match e.place {
                Place::Gate if has(Rule::GateDuplicate) => "同一种竖牌只挂一块".to_owned(),
                Place::Gate => format!("大门两侧只挂{}", std.role_names()),
                Place::Header if has(Rule::HeaderDuplicate) => "门头同一标识只挂一个".to_owned(),
                Place::Header => format!("门头只挂{}", std.identifier_names()),
                Place::GateWalls if has(Rule::WallsDuplicateGuide) => {
                    format!("只挂一块统一的“{}”", std.guide.name)
                }
                Place::GateWalls => format!("大门两侧墙体只挂统一的“{}”", std.guide.name),
                Place::Indoor => format!("室内挂牌须经{}审核同意", std.indoor_approver),
                Place::WallRules => "墙上已有同名制度，重复的一份撤下".to_owned(),
                _ => String::new(),
            };
            format!("摘除{}的“{text}”：{why}", e.place.zh())
        }
        Action::Remake => {
            let sign = gate
                .plaques()
                .find(|s| s.action == SignAction::Remake && s.entry == Some(e));
            let new_text = sign.map_or(text, |s| s.text.as_str());
            let (w, h) = sign.map_or((0, 0), |s| (s.width_mm, s.height_mm));
            let mut why = Vec::new();
            if has(Rule::GateHorizontal) {
                why.push("大门两侧只挂竖牌".to_owned());
            }
            if has(Rule::GateNameMismatch) {
                why.push(format!("牌上不是本{}的名称", c.kind.zh()));
            }
            format!(
                "“{text}”重新制作为竖牌“{new_text}”（{w}×{h} 毫米）：{}",
                why.join("，")
            )
        }
        Action::ToHandbook => format!("“{text}”从墙上撤下，编入服务手册"),
        Action::AwardOff => {
            let ways: Vec<&str> = std
                .displays
                .iter()
                .filter(|d| d.allowed)
                .map(|d| d.name.as_str())
                .collect();
            format!("“{text}”从墙上取下，改为{}", ways.join("或"))
        }
        Action::StopCertificate => {
            let cert = c.certificates.get(e.index);
            match cert.and_then(|x| std.abolished_cert(&x.name.norm)) {
                Some(item) => {
                    let note = std.certificate_public_note(item);
                    if crate::text::normalize(&item.name) == crate::text::normalize(text) {
                        note
                    } else {
                        format!("本{}出具的“{text}”即：{note}", c.kind.zh())
                    }
                }
                None => format!(
                    "“{text}”不在本地公布的保留证明事项清单上，不再作为村(居)委会出具的证明事项；群众可向有关部门办理"
                ),
            }
        }
        Action::Make => String::new(),
    }
}

/// A community's standing, as the site shows it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// No finding at all.
    Compliant,
    /// Compliant, with warnings to look at.
    Warnings,
    /// Error-severity findings: must change.
    Noncompliant,
    /// The inventory file itself has problems.
    Invalid,
}

impl Status {
    pub fn of(findings: &[&Finding]) -> Status {
        if findings.iter().any(|f| f.rule.is_input()) {
            Status::Invalid
        } else if findings.iter().any(|f| f.severity() == Severity::Error) {
            Status::Noncompliant
        } else if findings.is_empty() {
            Status::Compliant
        } else {
            Status::Warnings
        }
    }

    pub fn zh(self) -> &'static str {
        match self {
            Status::Compliant => "合规",
            Status::Warnings => "合规（有提醒）",
            Status::Noncompliant => "不合规",
            Status::Invalid => "清单有误",
        }
    }

    pub fn is_compliant(self) -> bool {
        matches!(self, Status::Compliant | Status::Warnings)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Plaque, Text};

    #[test]
    fn own_plaques_are_kept_and_missing_ones_proposed() {
        let std = Standard::builtin();
        let plaque = |t: &str| Plaque {
            text: Text::new(t, Default::default()),
            ..Plaque::default()
        };
        let c = Community {
            name: Text::new("红旗社区", Default::default()),
            gate: vec![
                plaque("中共红旗社区总支部委员会"),
                plaque("红星社区居民委员会"),
            ],
            complete: true,
            ..Community::default()
        };
        let plan = gate_plan(&c, &std);
        let texts: Vec<(&str, bool)> = plan
            .plaques()
            .map(|s| (s.text.as_str(), s.proposed))
            .collect();
        assert!(texts.contains(&("中共红旗社区总支部委员会", false)));
        assert!(
            texts.contains(&("红旗社区居民委员会", true)),
            "the wrong place is not kept"
        );
        assert!(texts.contains(&("红旗社区服务站", true)));
        assert_eq!(plan.identifiers[1].text, "红旗社区党群服务中心");
        assert!(plan.guide.sign.proposed);
    }

    /// A flow list (`gate: [a, b, c]`) puts every entry on one line: each
    /// entry still gets its own work item, and a page finds it by entry.
    #[test]
    fn entries_on_one_line_are_told_apart() {
        let std = Standard::builtin();
        let at = |column: u32, t: &str| Plaque {
            loc: crate::diag::Loc {
                line: 5,
                column,
                len: 0,
            },
            text: Text::new(t, Default::default()),
            orientation: if column == 30 {
                crate::model::Orientation::Horizontal
            } else {
                crate::model::Orientation::Vertical
            },
            ..Plaque::default()
        };
        let c = Community {
            id: "hongqi".into(),
            name: Text::new("红旗社区", Default::default()),
            gate: vec![
                at(8, "中共红旗社区委员会"),
                at(19, "红旗社区退役军人服务站"),
                at(30, "红旗社区居民委员会"),
            ],
            complete: true,
            ..Community::default()
        };
        let findings = crate::rules::check(&c, &std);
        let refs: Vec<&Finding> = findings.iter().collect();
        let plan = plan(&c, &std, &refs);
        let item = |index| {
            plan.item_for(Entry {
                place: Place::Gate,
                index,
            })
        };
        assert!(item(0).is_none(), "the party plaque stays");
        assert_eq!(item(1).map(|w| w.action), Some(Action::TakeDown));
        assert_eq!(item(2).map(|w| w.action), Some(Action::Remake));
        assert!(item(2).unwrap().description.contains("红旗社区居民委员会"));
    }
}
