//! 大门两侧: only the three vertical plaques of the standard's roles
//! (`gate.unlisted`, `gate.duplicate`, `gate.horizontal`,
//! `gate.name-mismatch`, `gate.missing`).

use std::collections::HashMap;

use crate::diag::{Msg, Rule};
use crate::model::{Community, Kind, Orientation, Place};
use crate::rules::{Findings, kind_word};
use crate::standard::{Role, Standard};

/// A plaque's text read as one of the roles.
#[derive(Debug, PartialEq)]
pub struct RoleMatch<'s> {
    pub role: &'s Role,
    /// The place name on the plaque, normalised: `城关镇红旗社区`.
    pub place: String,
}

/// Which role a normalised plaque text has the shape of (SPEC §4): a prefix of
/// the role, a place name (text ending with a place ending), a suffix of the
/// role. A suffix that starts with a place ending may share it with the place
/// name: `红旗村民委员会` is 红旗村 + 村民委员会.
pub fn classify<'s>(norm: &str, std: &'s Standard) -> Option<RoleMatch<'s>> {
    // A place name has something before its ending (`社区服务站` alone names no
    // place) and does not begin with another role's prefix (`中共…居民委员会`).
    let is_place = |place: &str| {
        std.place_endings
            .iter()
            .any(|e| place.len() > e.len() && place.ends_with(e.as_str()))
            && !std
                .roles
                .iter()
                .flat_map(|r| &r.prefixes)
                .any(|p| place.starts_with(p.as_str()))
    };
    for role in &std.roles {
        let rests: Vec<&str> = if role.prefixes.is_empty() {
            vec![norm]
        } else {
            role.prefixes
                .iter()
                .filter_map(|p| norm.strip_prefix(p.as_str()))
                .collect()
        };
        for rest in rests {
            for suffix in &role.suffixes {
                let Some(place) = rest.strip_suffix(suffix.as_str()) else {
                    continue;
                };
                if is_place(place) {
                    return Some(RoleMatch {
                        role,
                        place: place.to_owned(),
                    });
                }
                // `红旗村民委员会`: the 村 of 村民委员会 ends the place name too.
                if let Some(shared) = std
                    .place_endings
                    .iter()
                    .find(|e| suffix.starts_with(e.as_str()))
                {
                    let place = format!("{place}{shared}");
                    if is_place(&place) {
                        return Some(RoleMatch { role, place });
                    }
                }
            }
        }
    }
    None
}

/// Each plaque's role, and the plaque kept for each role: the one that is
/// right as it hangs (names this community, vertical), else one that names
/// this community, else the first. The others of the role are duplicates.
/// The rules and the work plan both read this, so they agree on which
/// plaque stays.
pub struct GateRoles<'s> {
    pub roles: Vec<Option<RoleMatch<'s>>>,
    /// Role id -> index into `gate` of the plaque kept for it.
    pub kept: HashMap<&'s str, usize>,
}

pub fn gate_roles<'s>(c: &Community, std: &'s Standard) -> GateRoles<'s> {
    let name = c.name.norm.as_str();
    let roles: Vec<Option<RoleMatch>> =
        c.gate.iter().map(|p| classify(&p.text.norm, std)).collect();
    let rank = |i: usize| -> u8 {
        let names_us = roles[i].as_ref().is_some_and(|m| m.place.ends_with(name));
        let vertical = c.gate[i].orientation == Orientation::Vertical;
        u8::from(names_us) * 2 + u8::from(names_us && vertical)
    };
    let mut kept: HashMap<&'s str, usize> = HashMap::new();
    for (i, m) in roles.iter().enumerate() {
        let Some(m) = m else { continue };
        match kept.get(m.role.id.as_str()) {
            Some(&k) if rank(k) >= rank(i) => {}
            _ => {
                kept.insert(&m.role.id, i);
            }
        }
    }
    GateRoles { roles, kept }
}

pub fn check(c: &Community, std: &Standard, out: &mut Findings) {
    let name = &c.name.norm;
    let village = c.kind == Kind::Village;
    let mut first: HashMap<&str, (u32, &str)> = HashMap::new();
    let GateRoles { roles, kept } = gate_roles(c, std);
    for (i, p) in c.gate.iter().enumerate() {
        let role = roles[i].as_ref();
        if p.orientation == Orientation::Horizontal {
            let [w, h] = role.map_or([400, 2400], |m| m.role.sign.size_mm);
            out.push_entry(
                Rule::GateHorizontal,
                Place::Gate,
                i,
                p.loc,
                Msg::new(
                    format!("“{}”是横牌：大门两侧只挂竖牌", p.text.raw),
                    format!("“{}” is horizontal: only vertical plaques hang beside the gate", p.text.raw),
                ),
                Msg::new(
                    format!("改做竖牌（文字竖排，宽 {w} 毫米、高 {h} 毫米），或在清单里改为 orientation: vertical"),
                    format!("make it vertical (text top to bottom, {w} × {h} mm), or record orientation: vertical"),
                ),
            );
        }
        let Some(m) = role else {
            out.push_entry(
                Rule::GateUnlisted,
                Place::Gate,
                i,
                p.loc,
                Msg::new(
                    format!("大门两侧不得悬挂“{}”：只许挂{}这 {} 块竖牌", p.text.raw, std.role_names(), std.roles.len()),
                    format!(
                        "“{}” may not hang beside the gate: only the {} plaques of the standard ({}) may",
                        p.text.raw,
                        std.roles.len(),
                        std.roles.iter().map(|r| r.id.as_str()).collect::<Vec<_>>().join(", ")
                    ),
                ),
                Msg::new(
                    format!("摘除这块牌子；确需挂牌的，须经{}审核同意后挂在室内指定位置", std.indoor_approver),
                    "take it down; a plaque that must stay needs city-level approval and hangs indoors".to_owned(),
                ),
            );
            continue;
        };
        let keep = kept[m.role.id.as_str()];
        if keep != i {
            let (line, text) = (c.gate[keep].loc.line, c.gate[keep].text.raw.as_str());
            out.push_entry(
                Rule::GateDuplicate,
                Place::Gate,
                i,
                p.loc,
                Msg::new(
                    format!(
                        "“{}”是第二块{}牌子：每种竖牌只挂一块",
                        p.text.raw, m.role.name
                    ),
                    format!(
                        "“{}” is a second plaque of the role {}: one of each",
                        p.text.raw, m.role.id
                    ),
                ),
                Msg::new(
                    format!("摘除这一块，保留第 {line} 行的“{text}”"),
                    format!("take this one down and keep “{text}” (line {line})"),
                ),
            );
            out.relate_last(c.gate[keep].loc, Msg::new("保留这一块", "keep this one"));
            continue;
        }
        first.insert(&m.role.id, (p.loc.line, &p.text.raw));
        if !m.place.ends_with(name.as_str()) {
            let proposed = m.role.proposed_for(&c.name.raw, village);
            out.push_entry(
                Rule::GateNameMismatch,
                Place::Gate,
                i,
                p.loc,
                Msg::new(
                    format!(
                        "“{}”上写的是“{}”，不是本{}“{}”",
                        p.text.raw,
                        m.place,
                        kind_word(c),
                        c.name.raw
                    ),
                    format!("“{}” names “{}”, not “{}”", p.text.raw, m.place, c.name.raw),
                ),
                Msg::new(
                    format!(
                        "核对名称；按本{}全称重新制作，如“{proposed}”{}",
                        kind_word(c),
                        note(m.role)
                    ),
                    format!("check the name; remake it with the full name, e.g. “{proposed}”"),
                ),
            );
        }
    }
    for role in &std.roles {
        if !first.contains_key(role.id.as_str()) {
            let proposed = role.proposed_for(&c.name.raw, village);
            let [w, h] = role.sign.size_mm;
            out.push(
                Rule::GateMissing,
                c.gate_loc,
                Msg::new(
                    format!("大门两侧缺少{}牌子", role.name),
                    format!("no plaque of the role {} ({}) beside the gate", role.id, role.name),
                ),
                Msg::new(
                    format!("按标准制作竖牌“{proposed}”（{w}×{h} 毫米），挂在大门一侧，并记入 gate{}", note(role)),
                    format!("make the vertical plaque “{proposed}” ({w} × {h} mm), hang it beside the gate and list it under gate"),
                ),
            );
        }
    }
}

fn note(role: &Role) -> String {
    role.note
        .as_deref()
        .map(|n| format!("。{n}"))
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn role_of(text: &str) -> Option<(String, String)> {
        let std = Standard::builtin();
        classify(&crate::text::normalize(text), &std).map(|m| (m.role.id.clone(), m.place))
    }

    #[test]
    fn party_shapes() {
        assert_eq!(
            role_of("中共红旗社区委员会"),
            Some(("party".into(), "红旗社区".into()))
        );
        assert_eq!(
            role_of("中国共产党红旗社区委员会"),
            Some(("party".into(), "红旗社区".into()))
        );
        assert_eq!(
            role_of("中共红旗社区总支部委员会"),
            Some(("party".into(), "红旗社区".into()))
        );
        assert_eq!(
            role_of("中共红旗社区支部委员会"),
            Some(("party".into(), "红旗社区".into()))
        );
        assert_eq!(
            role_of("中国共产党城关镇红旗村支部委员会"),
            Some(("party".into(), "城关镇红旗村".into()))
        );
        assert_eq!(role_of("中共红旗社区纪律检查委员会"), None);
        assert_eq!(
            role_of("中共红旗村居民委员会"),
            None,
            "a place name does not start with 中共"
        );
    }

    #[test]
    fn committee_shapes() {
        assert_eq!(
            role_of("红旗社区居民委员会"),
            Some(("committee".into(), "红旗社区".into()))
        );
        assert_eq!(
            role_of("红旗村村民委员会"),
            Some(("committee".into(), "红旗村".into()))
        );
        assert_eq!(
            role_of("红旗村民委员会"),
            Some(("committee".into(), "红旗村".into()))
        );
        assert_eq!(
            role_of("宝鸡市金台区东风路街道红旗社区居民委员会"),
            Some(("committee".into(), "宝鸡市金台区东风路街道红旗社区".into()))
        );
        assert_eq!(role_of("红旗社区居务监督委员会"), None);
        assert_eq!(role_of("红旗社区人民调解委员会"), None);
        assert_eq!(role_of("村民委员会"), None, "no place name at all");
    }

    #[test]
    fn station_shapes() {
        assert_eq!(
            role_of("红旗社区服务站"),
            Some(("station".into(), "红旗社区".into()))
        );
        assert_eq!(
            role_of("红旗社区便民服务站"),
            Some(("station".into(), "红旗社区".into()))
        );
        assert_eq!(role_of("红旗社区退役军人服务站"), None);
        assert_eq!(role_of("红旗社区志愿服务站"), None);
        assert_eq!(role_of("红旗社区网格工作站"), None);
        assert_eq!(role_of("新时代文明实践站"), None);
        assert_eq!(role_of("社区服务站"), None, "no place name before 社区");
    }

    #[test]
    fn spaces_and_full_width_do_not_matter() {
        assert_eq!(
            role_of("中共 红旗社区 委员会"),
            Some(("party".into(), "红旗社区".into()))
        );
    }
}
