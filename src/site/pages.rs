//! What each page shows, as plain data for the templates. Every text from YAML
//! reaches a template as data and is escaped there (autoescape is on for
//! `.html`, `.svg` and `.xml`).

use std::collections::BTreeMap;

use serde::Serialize;

use crate::check::Report;
use crate::diag::{Finding, Lang};
use crate::model::{Community, Entry, Orientation, Place};
use crate::plan::{Action, Plan, SignAction, Status, TotalRow, Totals, WorkItem};
use crate::standard::Standard;

/// A finding as the clerk sees it, shown only while the inventory cannot be
/// read (under `serve`; `build` stops on such files).
#[derive(Clone, Debug, Serialize)]
pub struct InputNote {
    pub message: String,
    pub fix: String,
    pub line: u32,
}

impl InputNote {
    fn of(f: &Finding) -> InputNote {
        InputNote {
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

/// A work item as a page shows it.
#[derive(Clone, Debug, Serialize)]
pub struct Note {
    pub action: &'static str,
    pub heading: &'static str,
    pub text: String,
}

impl Note {
    fn of(w: &WorkItem) -> Note {
        Note {
            action: w.action.key(),
            heading: w.action.zh(),
            text: w.description.clone(),
        }
    }
}

#[derive(Clone, Debug, Serialize)]
pub struct Item {
    pub text: String,
    /// Extra facts: 横牌, 400×2400 毫米, 一楼东侧, 2019 年 ...
    pub details: Vec<String>,
    /// What will happen to it, when it must change.
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
    /// Signs of this place still to be made.
    pub notes: Vec<Note>,
    pub empty: &'static str,
}

#[derive(Clone, Debug, Serialize)]
pub struct CertView {
    pub name: String,
    pub purpose: Option<String>,
    pub notes: Vec<Note>,
    pub stop: bool,
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
    pub status_zh: String,
    pub compliant: bool,
    pub totals: Totals,
    /// The number of work items.
    pub items: usize,
    /// Relative to the site root.
    pub href: String,
    pub preview: Option<String>,
    /// The drawing, for thumbnails (relative to the site root).
    pub thumb: Option<String>,
    pub surveyed_on: Option<String>,
}

#[derive(Clone, Debug, Serialize)]
pub struct CommunityPage {
    pub c: Summary,
    pub address: Option<String>,
    pub gate_svg: String,
    pub legend: Vec<LegendRow>,
    pub sections: Vec<Section>,
    pub wall_rules_staying: Vec<Item>,
    pub wall_rules_moving: Vec<Item>,
    pub awards: Vec<Item>,
    pub certificates: Vec<CertView>,
    pub input_notes: Vec<InputNote>,
    /// The work, grouped by action, in the order of the plan.
    pub todo: Vec<TodoGroup>,
    pub downloads: Vec<Download>,
}

#[derive(Clone, Debug, Serialize)]
pub struct TodoGroup {
    pub action: &'static str,
    pub heading: &'static str,
    pub items: Vec<String>,
}

#[derive(Clone, Debug, Serialize)]
pub struct LegendRow {
    pub n: usize,
    pub role: String,
    pub text: String,
    pub action: &'static str,
    pub action_zh: &'static str,
    pub size: String,
    pub colors: String,
}

/// A safe folder name for a town (its Chinese name, without path characters).
pub fn town_slug(town: &str) -> String {
    crate::slug::town_slug(town)
}

pub use crate::text::encode_path;

pub fn summary(c: &Community, plan: &Plan, has_preview: bool) -> Summary {
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
        status: plan.status,
        status_zh: plan.status_zh(),
        compliant: plan.compliant(),
        totals: plan.totals,
        items: plan.work.len(),
        href: format!("communities/{}/index.html", c.id),
        preview: has_preview.then(|| format!("communities/{}/gate.png", c.id)),
        thumb: plan
            .gate
            .is_some()
            .then(|| format!("communities/{}/gate.svg", c.id)),
        surveyed_on: c.surveyed_on.clone(),
    }
}

fn size(s: Option<[u32; 2]>) -> Option<String> {
    s.map(|[w, h]| format!("{w}×{h} 毫米"))
}

pub fn community_page(
    c: &Community,
    std: &Standard,
    findings: &[&Finding],
    plan: &Plan,
    gate_svg: String,
    downloads: Vec<Download>,
    has_preview: bool,
) -> CommunityPage {
    let item = |place: Place, index: usize, text: &str, details: Vec<String>| {
        let notes: Vec<Note> = plan
            .item_for(Entry { place, index })
            .map(Note::of)
            .into_iter()
            .collect();
        Item {
            text: text.trim().to_owned(),
            ok: notes.is_empty(),
            notes,
            details,
            rooms: Vec::new(),
        }
    };
    let to_make = |place: Place| -> Vec<Note> {
        plan.work
            .iter()
            .filter(|w| w.action == Action::Make && w.place == place)
            .map(Note::of)
            .collect()
    };

    let gate = Section {
        id: "gate",
        title: "大门两侧",
        rule: std.gate_summary.clone(),
        items: c
            .gate
            .iter()
            .enumerate()
            .map(|(i, p)| {
                let mut d = Vec::new();
                if p.orientation == Orientation::Horizontal {
                    d.push("横牌".to_owned());
                }
                d.extend(size(p.size_mm));
                item(Place::Gate, i, &p.text.raw, d)
            })
            .collect(),
        notes: to_make(Place::Gate),
        empty: "大门两侧没有登记牌子。",
    };
    let header = Section {
        id: "header",
        title: "门头",
        rule: std.header_summary.clone(),
        items: c
            .header
            .iter()
            .enumerate()
            .map(|(i, p)| item(Place::Header, i, &p.text.raw, Vec::new()))
            .collect(),
        notes: to_make(Place::Header),
        empty: "门头没有登记标识。",
    };
    let walls = Section {
        id: "walls",
        title: "大门两侧墙体",
        rule: std.guide.summary.clone(),
        items: c
            .gate_walls
            .iter()
            .enumerate()
            .map(|(i, b)| {
                let mut it = item(
                    Place::GateWalls,
                    i,
                    &b.text.raw,
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
                    .map(|r| Item {
                        text: r.name.raw.trim().to_owned(),
                        details: r.floor.iter().map(|f| format!("{f} 层")).collect(),
                        notes: Vec::new(),
                        ok: true,
                        rooms: Vec::new(),
                    })
                    .collect();
                it
            })
            .collect(),
        notes: to_make(Place::GateWalls),
        empty: "大门两侧墙体没有登记牌子。",
    };
    let indoor = Section {
        id: "indoor",
        title: "室内牌子",
        rule: std.indoor_summary.clone(),
        items: c
            .indoor
            .iter()
            .enumerate()
            .map(|(i, p)| {
                let mut d = Vec::new();
                if let Some(l) = &p.location {
                    d.push(l.clone());
                }
                match &p.approval {
                    Some(a) if !a.trim().is_empty() => d.push(format!("审批文号：{a}")),
                    _ => d.push("未经审批".to_owned()),
                }
                item(Place::Indoor, i, &p.text.raw, d)
            })
            .collect(),
        notes: Vec::new(),
        empty: "没有登记室内牌子。",
    };

    let mut staying = Vec::new();
    let mut moving = Vec::new();
    for (i, r) in c.wall_rules.iter().enumerate() {
        let cat = std.category(&r.category);
        let mut d = vec![cat.map_or(r.category.clone(), |c| c.name.clone())];
        if !r.on_wall {
            d.push("已撤下，编入服务手册".to_owned());
        }
        let it = item(Place::WallRules, i, &r.title.raw, d);
        if cat.is_some_and(|c| c.on_wall) {
            staying.push(it);
        } else {
            moving.push(it);
        }
    }
    let awards = c
        .awards
        .iter()
        .enumerate()
        .map(|(i, a)| {
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
            item(Place::Awards, i, &a.title.raw, d)
        })
        .collect();
    let certificates = c
        .certificates
        .iter()
        .enumerate()
        .map(|(i, cert)| {
            let it = item(Place::Certificates, i, &cert.name.raw, Vec::new());
            CertView {
                name: it.text,
                purpose: cert.purpose.clone(),
                stop: !it.ok,
                notes: it.notes,
            }
        })
        .collect();

    let legend = plan
        .signs()
        .enumerate()
        .map(|(i, s)| LegendRow {
            n: i + 1,
            role: s.role_name.clone(),
            text: s.text.clone(),
            action: match s.action {
                SignAction::Keep => "keep",
                SignAction::Remake => "remake",
                SignAction::Make => "make",
            },
            action_zh: s.action.zh(),
            size: format!("{}×{} 毫米", s.width_mm, s.height_mm),
            colors: format!(
                "{}底 {}字",
                color_name(&s.background),
                color_name(&s.text_color)
            ),
        })
        .collect();

    let todo = Action::ALL
        .iter()
        .filter_map(|&a| {
            let items: Vec<String> = plan
                .work
                .iter()
                .filter(|w| w.action == a)
                .map(|w| w.description.clone())
                .collect();
            (!items.is_empty()).then(|| TodoGroup {
                action: a.key(),
                heading: a.zh(),
                items,
            })
        })
        .collect();
    CommunityPage {
        c: summary(c, plan, has_preview),
        address: c.address.clone(),
        gate_svg,
        legend,
        sections: vec![gate, header, walls, indoor],
        wall_rules_staying: staying,
        wall_rules_moving: moving,
        awards,
        certificates,
        input_notes: findings
            .iter()
            .filter(|f| f.rule.is_input())
            .map(|f| InputNote::of(f))
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
    pub totals: Totals,
    pub work: Vec<TotalRow>,
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
            let totals = Totals::sum(communities.iter().map(|c| &c.totals));
            let slug = town_slug(&name);
            TownView {
                href: encode_path(&format!("towns/{slug}/index.html")),
                path: format!("towns/{slug}/index.html"),
                total: communities.len(),
                compliant: communities.iter().filter(|c| c.compliant).count(),
                noncompliant: communities
                    .iter()
                    .filter(|c| c.status == Status::Noncompliant)
                    .count(),
                invalid: communities
                    .iter()
                    .filter(|c| c.status == Status::Invalid)
                    .count(),
                work: totals.rows(),
                totals,
                slug,
                name,
                communities,
            }
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

pub fn county_totals(summaries: &[Summary]) -> Totals {
    Totals::sum(summaries.iter().map(|s| &s.totals))
}
