//! What each page shows, as plain data for the templates. Every text from YAML
//! reaches a template as data and is escaped there (autoescape is on for
//! `.html`, `.svg` and `.xml`).

use std::collections::BTreeMap;

use serde::Serialize;

use crate::check::Report;
use crate::diag::{Finding, Lang, Loc, Rule, Severity};
use crate::model::{Community, Orientation};
use crate::plan::{Action, GatePlan, Status, Work};
use crate::standard::Standard;

#[derive(Clone, Debug, Serialize)]
pub struct Note {
    pub code: &'static str,
    pub severity: &'static str,
    pub action: &'static str,
    pub message: String,
    pub fix: String,
    pub line: u32,
}

impl Note {
    fn of(f: &Finding) -> Note {
        Note {
            code: f.rule.code(),
            severity: f.severity().as_str(),
            action: Action::of(f.rule).zh(),
            message: f.message.get(Lang::Zh).to_owned(),
            fix: f
                .fix
                .as_ref()
                .map(|m| m.get(Lang::Zh).to_owned())
                .unwrap_or_default(),
            line: f.loc.line,
        }
    }
}

#[derive(Clone, Debug, Serialize)]
pub struct Item {
    pub text: String,
    /// Extra facts: 横牌, 400×2400 毫米, 一楼东侧, 2019 年 ...
    pub details: Vec<String>,
    pub notes: Vec<Note>,
    pub ok: bool,
    pub rooms: Vec<Item>,
}

#[derive(Clone, Debug, Serialize)]
pub struct Section {
    pub id: &'static str,
    pub title: &'static str,
    pub rule: String,
    pub items: Vec<Item>,
    /// Findings about the section as a whole (something missing).
    pub notes: Vec<Note>,
    pub empty: &'static str,
}

#[derive(Clone, Debug, Serialize)]
pub struct CertView {
    pub name: String,
    pub purpose: Option<String>,
    pub notes: Vec<Note>,
    pub stop: bool,
    pub instead: Option<String>,
    pub handler: Option<String>,
}

#[derive(Clone, Debug, Serialize)]
pub struct Download {
    pub label: String,
    pub href: String,
    pub kind: &'static str,
}

/// A community as the overview, its town and its own page show it.
#[derive(Clone, Debug, Serialize)]
pub struct Summary {
    pub id: String,
    pub name: String,
    pub town: String,
    pub town_slug: String,
    /// The town page, relative to the site root, percent-encoded.
    pub town_href: String,
    pub kind: &'static str,
    pub status: Status,
    pub status_zh: &'static str,
    pub errors: usize,
    pub warnings: usize,
    pub work: Work,
    /// Relative to the site root.
    pub href: String,
    pub preview: Option<String>,
    pub surveyed_on: Option<String>,
}

#[derive(Clone, Debug, Serialize)]
pub struct CommunityPage {
    pub c: Summary,
    pub address: Option<String>,
    pub file: String,
    pub gate_svg: String,
    pub legend: Vec<LegendRow>,
    pub sections: Vec<Section>,
    pub wall_rules_staying: Vec<Item>,
    pub wall_rules_moving: Vec<Item>,
    pub wall_rules_notes: Vec<Note>,
    pub awards: Vec<Item>,
    pub certificates: Vec<CertView>,
    pub input_notes: Vec<Note>,
    pub todo: Vec<Note>,
    pub downloads: Vec<Download>,
}

#[derive(Clone, Debug, Serialize)]
pub struct LegendRow {
    pub n: usize,
    pub role: String,
    pub text: String,
    pub proposed: bool,
    pub size: String,
    pub colors: String,
}

/// A safe folder name for a town (its Chinese name, without path characters).
pub fn town_slug(town: &str) -> String {
    crate::slug::town_slug(town)
}

/// Percent-encode a path for an href (the folder names are Chinese).
pub fn encode_path(path: &str) -> String {
    let mut out = String::new();
    for b in path.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'/' | b'-' | b'_' | b'.' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

pub fn summary(c: &Community, findings: &[&Finding], has_preview: bool) -> Summary {
    let status = Status::of(findings);
    let mut work = Work::default();
    work.add(findings);
    let town = if c.town.raw.trim().is_empty() {
        "（未填写乡镇）".to_owned()
    } else {
        c.town.raw.trim().to_owned()
    };
    Summary {
        id: c.id.clone(),
        name: if c.name.raw.trim().is_empty() {
            c.id.clone()
        } else {
            c.name.raw.trim().to_owned()
        },
        town_slug: town_slug(&town),
        town_href: encode_path(&format!("towns/{}/index.html", town_slug(&town))),
        town,
        kind: c.kind.zh(),
        status,
        status_zh: status.zh(),
        errors: crate::diag::count(findings.iter().copied(), Severity::Error),
        warnings: crate::diag::count(findings.iter().copied(), Severity::Warning),
        work,
        href: format!("communities/{}/index.html", c.id),
        preview: has_preview.then(|| format!("communities/{}/gate.png", c.id)),
        surveyed_on: c.surveyed_on.clone(),
    }
}

/// The findings that point at one of `locs` (an entry, or its text).
fn notes_at(findings: &[&Finding], locs: &[Loc]) -> Vec<Note> {
    findings
        .iter()
        .filter(|f| {
            locs.iter()
                .any(|l| (l.line, l.column) == (f.loc.line, f.loc.column))
        })
        .map(|f| Note::of(f))
        .collect()
}

fn size(s: Option<[u32; 2]>) -> Option<String> {
    s.map(|[w, h]| format!("{w}×{h} 毫米"))
}

pub fn community_page(
    c: &Community,
    std: &Standard,
    findings: &[&Finding],
    plan: Option<&GatePlan>,
    gate_svg: String,
    downloads: Vec<Download>,
    has_preview: bool,
) -> CommunityPage {
    let item = |text: &str, locs: &[Loc], details: Vec<String>| {
        let notes = notes_at(findings, locs);
        Item {
            text: text.trim().to_owned(),
            ok: notes.iter().all(|n| n.severity != "error"),
            notes,
            details,
            rooms: Vec::new(),
        }
    };
    let section_notes = |loc: Loc, rules: &[Rule]| -> Vec<Note> {
        findings
            .iter()
            .filter(|f| {
                rules.contains(&f.rule) && (f.loc.line, f.loc.column) == (loc.line, loc.column)
            })
            .map(|f| Note::of(f))
            .collect()
    };

    let gate = Section {
        id: "gate",
        title: "大门两侧",
        rule: std.gate_summary.clone(),
        items: c
            .gate
            .iter()
            .map(|p| {
                let mut d = Vec::new();
                if p.orientation == Orientation::Horizontal {
                    d.push("横牌".to_owned());
                }
                d.extend(size(p.size_mm));
                item(&p.text.raw, &[p.loc, p.text.loc], d)
            })
            .collect(),
        notes: section_notes(c.gate_loc, &[Rule::GateMissing]),
        empty: "大门两侧没有登记牌子。",
    };
    let header = Section {
        id: "header",
        title: "门头",
        rule: std.header_summary.clone(),
        items: c
            .header
            .iter()
            .map(|p| item(&p.text.raw, &[p.loc, p.text.loc], Vec::new()))
            .collect(),
        notes: section_notes(c.header_loc, &[Rule::HeaderMissing]),
        empty: "门头没有登记标识。",
    };
    let walls = Section {
        id: "walls",
        title: "大门两侧墙体",
        rule: std.guide.summary.clone(),
        items: c
            .gate_walls
            .iter()
            .map(|b| {
                let mut it = item(
                    &b.text.raw,
                    &[b.loc, b.text.loc],
                    if b.is_guide() {
                        vec!["引导牌".to_owned()]
                    } else {
                        Vec::new()
                    },
                );
                it.rooms = b
                    .rooms
                    .iter()
                    .flatten()
                    .map(|r| {
                        let mut d = Vec::new();
                        if let Some(f) = &r.floor {
                            d.push(format!("{f} 层"));
                        }
                        item(&r.name.raw, &[r.loc, r.name.loc], d)
                    })
                    .collect();
                it
            })
            .collect(),
        notes: section_notes(c.gate_walls_loc, &[Rule::WallsNoGuide]),
        empty: "大门两侧墙体没有登记牌子。",
    };
    let indoor = Section {
        id: "indoor",
        title: "室内牌子",
        rule: std.indoor_summary.clone(),
        items: c
            .indoor
            .iter()
            .map(|p| {
                let mut d = Vec::new();
                if let Some(l) = &p.location {
                    d.push(l.clone());
                }
                match &p.approval {
                    Some(a) if !a.trim().is_empty() => d.push(format!("审批文号：{a}")),
                    _ => d.push("未经审批".to_owned()),
                }
                item(&p.text.raw, &[p.loc, p.text.loc], d)
            })
            .collect(),
        notes: Vec::new(),
        empty: "没有登记室内牌子。",
    };

    let mut staying = Vec::new();
    let mut moving = Vec::new();
    for r in &c.wall_rules {
        let cat = std.category(&r.category);
        let mut d = vec![cat.map_or(r.category.clone(), |c| c.name.clone())];
        if !r.on_wall {
            d.push("已撤下，编入服务手册".to_owned());
        }
        let it = item(&r.title.raw, &[r.loc, r.title.loc], d);
        if cat.is_some_and(|c| c.on_wall) {
            staying.push(it);
        } else {
            moving.push(it);
        }
    }
    let awards = c
        .awards
        .iter()
        .map(|a| {
            let mut d = Vec::new();
            if let Some(i) = &a.issuer {
                d.push(i.clone());
            }
            if let Some(y) = a.year {
                d.push(format!("{y} 年"));
            }
            d.push(
                std.display(&a.display)
                    .map_or(a.display.clone(), |d| d.name.clone()),
            );
            item(&a.title.raw, &[a.loc, a.title.loc], d)
        })
        .collect();
    let certificates = c
        .certificates
        .iter()
        .map(|cert| {
            let notes = notes_at(findings, &[cert.loc, cert.name.loc]);
            let abolished = std.abolished_cert(&cert.name.norm);
            CertView {
                name: cert.name.raw.trim().to_owned(),
                purpose: cert.purpose.clone(),
                stop: notes.iter().any(|n| n.severity == "error"),
                instead: abolished.and_then(|a| a.instead.clone()),
                handler: abolished.and_then(|a| a.handler.clone()),
                notes,
            }
        })
        .collect();

    let legend = plan
        .map(|p| {
            p.all_signs()
                .enumerate()
                .map(|(i, s)| LegendRow {
                    n: i + 1,
                    role: s.role_name.clone(),
                    text: s.text.clone(),
                    proposed: s.proposed,
                    size: format!("{}×{} 毫米", s.width_mm, s.height_mm),
                    colors: format!(
                        "{}底 {}字",
                        color_name(&s.background),
                        color_name(&s.text_color)
                    ),
                })
                .collect()
        })
        .unwrap_or_default();

    let mut todo: Vec<Note> = findings
        .iter()
        .filter(|f| !f.rule.is_input())
        .map(|f| Note::of(f))
        .collect();
    todo.sort_by_key(|n| (n.severity != "error", n.line));
    CommunityPage {
        c: summary(c, findings, has_preview),
        address: c.address.clone(),
        file: c.file.clone(),
        gate_svg,
        legend,
        sections: vec![gate, header, walls, indoor],
        wall_rules_staying: staying,
        wall_rules_moving: moving,
        wall_rules_notes: Vec::new(),
        awards,
        certificates,
        input_notes: findings
            .iter()
            .filter(|f| f.rule.is_input())
            .map(|f| Note::of(f))
            .collect(),
        todo,
        downloads,
    }
}

/// A colour's everyday name, for legends (the hex stays in the specification).
pub fn color_name(hex: &str) -> String {
    match hex.to_ascii_uppercase().as_str() {
        "#FFFFFF" | "#FFF" => "白".to_owned(),
        "#000000" | "#000" | "#1A1A1A" => "黑".to_owned(),
        "#C8102E" | "#B3141C" | "#9E1B20" | "#D00" | "#FF0000" => "红".to_owned(),
        "#FFD700" => "金黄".to_owned(),
        other => other.to_owned(),
    }
}

#[derive(Clone, Debug, Serialize)]
pub struct TownView {
    pub name: String,
    pub slug: String,
    /// Percent-encoded, for links.
    pub href: String,
    /// As written on disk.
    pub path: String,
    pub communities: Vec<Summary>,
    pub total: usize,
    pub compliant: usize,
    pub noncompliant: usize,
    pub invalid: usize,
    pub work: Work,
}

/// Towns in the order of their first file, communities sorted by name within.
pub fn towns(summaries: &[Summary]) -> Vec<TownView> {
    let mut map: BTreeMap<String, Vec<Summary>> = BTreeMap::new();
    for s in summaries {
        map.entry(s.town.clone()).or_default().push(s.clone());
    }
    map.into_iter()
        .map(|(name, mut communities)| {
            communities.sort_by(|a, b| a.name.cmp(&b.name));
            let mut work = Work::default();
            for c in &communities {
                work.merge(&c.work);
            }
            let slug = town_slug(&name);
            TownView {
                href: encode_path(&format!("towns/{slug}/index.html")),
                path: format!("towns/{slug}/index.html"),
                total: communities.len(),
                compliant: communities
                    .iter()
                    .filter(|c| c.status.is_compliant())
                    .count(),
                noncompliant: communities
                    .iter()
                    .filter(|c| c.status == Status::Noncompliant)
                    .count(),
                invalid: communities
                    .iter()
                    .filter(|c| c.status == Status::Invalid)
                    .count(),
                work,
                slug,
                name,
                communities,
            }
        })
        .collect()
}

/// The rules of the standard in plain words, for the standard page.
#[derive(Clone, Debug, Serialize)]
pub struct RuleRow {
    pub code: &'static str,
    pub severity: &'static str,
    pub summary: &'static str,
}

pub fn rule_rows() -> Vec<RuleRow> {
    Rule::ALL
        .iter()
        .map(|r| RuleRow {
            code: r.code(),
            severity: if r.severity() == Severity::Error {
                "错误"
            } else {
                "提醒"
            },
            summary: r.summary(Lang::Zh),
        })
        .collect()
}

/// The findings of each community file, by file.
pub fn by_file(report: &Report) -> std::collections::HashMap<&str, Vec<&Finding>> {
    let mut map: std::collections::HashMap<&str, Vec<&Finding>> = std::collections::HashMap::new();
    for f in &report.findings {
        map.entry(f.file.as_str()).or_default().push(f);
    }
    map
}

pub fn county_work(summaries: &[Summary]) -> Work {
    let mut w = Work::default();
    for s in summaries {
        w.merge(&s.work);
    }
    w
}

/// Everything the standard page shows.
#[derive(Serialize)]
pub struct StandardView<'a> {
    pub std: StandardData<'a>,
    pub rules: Vec<RuleRow>,
}

#[derive(Serialize)]
pub struct StandardData<'a> {
    pub name: &'a str,
    pub version: &'a str,
    pub issuer: Option<&'a str>,
    pub source: Option<&'a str>,
    pub gate_summary: &'a str,
    pub roles: Vec<RoleView>,
    pub header_summary: &'a str,
    pub identifiers: Vec<(String, bool)>,
    pub guide_name: &'a str,
    pub guide_summary: &'a str,
    pub rooms_note: Option<&'a str>,
    pub rooms: Vec<String>,
    pub indoor_summary: &'a str,
    pub wall_rules_summary: &'a str,
    pub staying: Vec<String>,
    pub moving: Vec<String>,
    pub awards_summary: &'a str,
    pub displays: Vec<(String, bool)>,
    pub certificates_summary: &'a str,
    pub abolished_list: &'a str,
    pub instead_note: Option<&'a str>,
    pub abolished: Vec<AbolishedView>,
    pub retained: Option<Vec<(String, Option<String>)>>,
}

#[derive(Serialize)]
pub struct RoleView {
    pub name: String,
    pub example: String,
    pub forms: String,
    pub size: String,
    pub colors: String,
}

#[derive(Serialize)]
pub struct AbolishedView {
    pub number: usize,
    pub name: String,
    pub also: String,
    pub instead: Option<String>,
    pub handler: Option<String>,
}

pub fn standard_view(std: &Standard) -> StandardView<'_> {
    let roles = std
        .roles
        .iter()
        .map(|r| {
            let pre = if r.prefixes.is_empty() {
                String::new()
            } else {
                format!("“{}”开头，", r.prefixes.join("”或“"))
            };
            RoleView {
                name: r.name.clone(),
                example: r.proposed_for("红旗社区", false),
                forms: format!("{pre}接村(社区)名称，以“{}”结尾", r.suffixes.join("”“")),
                size: format!("{}×{} 毫米", r.sign.size_mm[0], r.sign.size_mm[1]),
                colors: format!(
                    "{}底{}字",
                    color_name(&r.sign.background),
                    color_name(&r.sign.text_color)
                ),
            }
        })
        .collect();
    StandardView {
        std: StandardData {
            name: &std.name,
            version: &std.version,
            issuer: std.issuer.as_deref(),
            source: std.source.as_deref(),
            gate_summary: &std.gate_summary,
            roles,
            header_summary: &std.header_summary,
            identifiers: std
                .identifiers
                .iter()
                .map(|i| (i.text.clone(), i.allow_place_prefix))
                .collect(),
            guide_name: &std.guide.name,
            guide_summary: &std.guide.summary,
            rooms_note: std.guide.rooms_note.as_deref(),
            rooms: std.guide.rooms.iter().map(|r| r.name.clone()).collect(),
            indoor_summary: &std.indoor_summary,
            wall_rules_summary: &std.wall_rules_summary,
            staying: std
                .categories
                .iter()
                .filter(|c| c.on_wall)
                .map(|c| c.name.clone())
                .collect(),
            moving: std
                .categories
                .iter()
                .filter(|c| !c.on_wall)
                .map(|c| c.name.clone())
                .collect(),
            awards_summary: &std.awards_summary,
            displays: std
                .displays
                .iter()
                .map(|d| (d.name.clone(), d.allowed))
                .collect(),
            certificates_summary: &std.certificates_summary,
            abolished_list: &std.abolished_list,
            instead_note: std.instead_note.as_deref(),
            abolished: std
                .abolished
                .iter()
                .map(|a| AbolishedView {
                    number: a.number,
                    name: a.name.clone(),
                    also: a.also.join("、"),
                    instead: a.instead.clone(),
                    handler: a.handler.clone(),
                })
                .collect(),
            retained: std.retained.as_ref().map(|l| {
                l.iter()
                    .map(|r| (r.name.clone(), r.basis.clone()))
                    .collect()
            }),
        },
        rules: rule_rows(),
    }
}
