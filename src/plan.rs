//! What each community's gate should look like, and what must change: read
//! from the inventory, the standard and the findings. The rules judge; the
//! plan only arranges what the website and the sheets draw and list.

use serde::Serialize;

use crate::diag::{Finding, Rule, Severity};
use crate::model::{Community, Kind};
use crate::rules::gate::classify;
use crate::rules::header::identify;
use crate::standard::{SignSpec, Standard};

#[derive(Clone, Debug, Serialize)]
pub struct Sign {
    /// `party`, `committee`, `station`, an identifier id, or `guide`.
    pub role: String,
    /// The role's name in the standard: 村(社区)党组织 ...
    pub role_name: String,
    pub text: String,
    /// True when the text is the standard's pattern, not a plaque the community has.
    pub proposed: bool,
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

fn sign(role: &str, role_name: &str, text: String, proposed: bool, spec: &SignSpec) -> Sign {
    Sign {
        role: role.to_owned(),
        role_name: role_name.to_owned(),
        text,
        proposed,
        text_color: spec.text_color.clone(),
        background: spec.background.clone(),
        width_mm: spec.size_mm[0],
        height_mm: spec.size_mm[1],
        material: spec.material.clone(),
    }
}

pub fn gate_plan(c: &Community, std: &Standard) -> GatePlan {
    let village = c.kind == Kind::Village;
    let mut left = Vec::new();
    let mut right = Vec::new();
    for role in &std.roles {
        // The community's own plaque of this role, when it names the right place.
        let own = c.gate.iter().find_map(|p| {
            classify(&p.text.norm, std)
                .filter(|m| m.role.id == role.id && m.place.ends_with(c.name.norm.as_str()))
                .map(|_| p.text.raw.trim().to_owned())
        });
        let proposed = own.is_none();
        let text = own.unwrap_or_else(|| role.proposed_for(&c.name.raw, village));
        let s = sign(&role.id, &role.name, text, proposed, &role.sign);
        if role.side == "right" {
            right.push(s);
        } else {
            left.push(s);
        }
    }
    left.reverse();
    let identifiers = std
        .identifiers
        .iter()
        .map(|ident| {
            let own = c
                .header
                .iter()
                .find(|p| {
                    identify(&p.text.norm, &c.name.norm, std).is_some_and(|i| i.id == ident.id)
                })
                .map(|p| p.text.raw.trim().to_owned());
            let proposed = own.is_none();
            let text = own.unwrap_or_else(|| ident.proposed_for(&c.name.raw));
            sign(&ident.id, &ident.text, text, proposed, &ident.sign)
        })
        .collect();
    let own_guide = c.gate_walls.iter().find(|b| b.is_guide());
    let rooms: Vec<GuideRoom> = match own_guide {
        Some(b) => b
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
            "guide",
            &std.guide.name,
            std.guide.name.clone(),
            own_guide.is_none(),
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
    }
}

/// What kind of work a finding asks for, for the rectification lists and the
/// county's totals.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    /// A plaque or board comes down.
    TakeDown,
    /// A plaque is remade (wrong name, not vertical).
    Remake,
    /// A missing plaque, identifier or guide board is made.
    Make,
    /// A wall rule goes into the service handbook.
    ToHandbook,
    /// An award comes off the wall.
    AwardOff,
    /// A certificate is no longer issued.
    StopCertificate,
    /// Something to check (a room name, a character).
    Review,
    /// The inventory file itself must be corrected.
    FixInventory,
}

impl Action {
    pub const ALL: [Action; 8] = [
        Action::TakeDown,
        Action::Remake,
        Action::Make,
        Action::ToHandbook,
        Action::AwardOff,
        Action::StopCertificate,
        Action::Review,
        Action::FixInventory,
    ];

    pub fn of(rule: Rule) -> Action {
        use Rule::*;
        match rule {
            GateUnlisted | GateDuplicate | HeaderUnlisted | HeaderDuplicate | WallsUnlisted
            | WallsDuplicateGuide | IndoorUnapproved | RulesDuplicate => Action::TakeDown,
            GateHorizontal | GateNameMismatch => Action::Remake,
            GateMissing | HeaderMissing | WallsNoGuide => Action::Make,
            RulesInternalOnWall => Action::ToHandbook,
            AwardsOnWall => Action::AwardOff,
            CertAbolished | CertUnlisted => Action::StopCertificate,
            GuideUnknownRoom | TextMissingGlyph => Action::Review,
            InputYaml | InputSchema | InputDuplicateId | InputFile => Action::FixInventory,
        }
    }

    pub fn zh(self) -> &'static str {
        match self {
            Action::TakeDown => "摘除",
            Action::Remake => "重新制作",
            Action::Make => "新做",
            Action::ToHandbook => "制度移入服务手册",
            Action::AwardOff => "奖牌下墙",
            Action::StopCertificate => "停止出具证明",
            Action::Review => "核对",
            Action::FixInventory => "改正清单文件",
        }
    }
}

/// Counts of the work findings ask for. A certificate that is both abolished
/// and unlisted counts once.
#[derive(Clone, Debug, Default, Serialize)]
pub struct Work {
    pub take_down: usize,
    pub remake: usize,
    pub make: usize,
    pub to_handbook: usize,
    pub award_off: usize,
    pub stop_certificate: usize,
    pub review: usize,
    pub fix_inventory: usize,
}

impl Work {
    pub fn add(&mut self, findings: &[&Finding]) {
        let mut seen = std::collections::HashSet::new();
        for f in findings {
            let action = Action::of(f.rule);
            if !seen.insert((action, f.file.as_str(), f.loc.line, f.loc.column)) {
                continue;
            }
            *self.slot(action) += 1;
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
            Action::Review => &mut self.review,
            Action::FixInventory => &mut self.fix_inventory,
        }
    }

    pub fn merge(&mut self, other: &Work) {
        self.take_down += other.take_down;
        self.remake += other.remake;
        self.make += other.make;
        self.to_handbook += other.to_handbook;
        self.award_off += other.award_off;
        self.stop_certificate += other.stop_certificate;
        self.review += other.review;
        self.fix_inventory += other.fix_inventory;
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
}
