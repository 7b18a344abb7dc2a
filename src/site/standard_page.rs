//! The `/standard/` page: the standard in force, explained for the public,
//! as plain data for `standard.html`. Every value that matters to residents
//! or sign makers carries its basis: the source that states it (the policy's,
//! with a link to the source list) or the project's proposal.

use serde::Serialize;

use crate::diag::{Lang, Rule, Severity};
use crate::site::pages::color_name;
use crate::standard::{Basis, SignSpec, Standard};

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

/// Everything the standard page shows.
#[derive(Serialize)]
pub struct StandardView<'a> {
    pub std: StandardData<'a>,
    pub rules: Vec<RuleRow>,
}

/// Where a value comes from, as the page marks it.
#[derive(Clone, Debug, Serialize)]
pub struct BasisView {
    pub proposal: bool,
    /// The source's number in the list (from 1) and its anchor, for a policy value.
    pub number: Option<usize>,
    pub anchor: Option<String>,
    /// `依据 新华社《……》（2020-08-15）` or `本站建议，各地可按本地文件修改`.
    pub label: String,
}

#[derive(Serialize)]
pub struct SourceView {
    pub number: usize,
    pub anchor: String,
    pub title: String,
    pub publisher: Option<String>,
    pub date: Option<String>,
    pub url: Option<String>,
    pub note: Option<String>,
}

#[derive(Serialize)]
pub struct StandardData<'a> {
    pub name: &'a str,
    pub version: &'a str,
    pub citation: String,
    pub sources: Vec<SourceView>,
    pub font: FontView,
    pub gate_summary: &'a str,
    pub gate_from: BasisView,
    pub gate_texts_from: BasisView,
    pub roles: Vec<RoleView>,
    pub header_summary: &'a str,
    pub header_from: BasisView,
    pub identifiers: Vec<IdentifierView>,
    pub guide_name: &'a str,
    pub guide_summary: &'a str,
    pub guide_from: BasisView,
    pub guide_spec: SpecView,
    pub rooms_note: Option<&'a str>,
    pub rooms_from: BasisView,
    pub rooms: Vec<String>,
    pub install: InstallView,
    pub indoor_summary: &'a str,
    pub indoor_approver: &'a str,
    pub indoor_from: BasisView,
    pub wall_rules_summary: &'a str,
    pub wall_rules_from: BasisView,
    pub staying: Vec<Named>,
    pub moving: Vec<Named>,
    pub awards_summary: &'a str,
    pub awards_from: BasisView,
    pub displays: Vec<DisplayView>,
    pub certificates_summary: &'a str,
    pub certificates_from: BasisView,
    pub abolished_list: &'a str,
    pub list_from: BasisView,
    pub instead_note: Option<&'a str>,
    pub routes_from: BasisView,
    pub transition: Option<&'a str>,
    pub transition_from: BasisView,
    pub abolished: Vec<AbolishedView>,
    /// The project's matching aliases, shown apart from the official list.
    pub aliases: Vec<AliasView>,
    pub retained: Option<Vec<(String, Option<String>)>>,
}

#[derive(Serialize)]
pub struct FontView {
    pub name: String,
    pub note: Option<String>,
    pub from: BasisView,
}

/// A sign's make: size, colours (screen and print), material, and its basis.
#[derive(Serialize)]
pub struct SpecView {
    pub size: String,
    pub colors: String,
    pub cmyk: String,
    pub material: String,
    pub from: BasisView,
}

#[derive(Serialize)]
pub struct RoleView {
    pub name: String,
    pub example: String,
    pub forms: String,
    pub spec: SpecView,
}

#[derive(Serialize)]
pub struct IdentifierView {
    pub text: String,
    pub allow_place_prefix: bool,
    pub spec: SpecView,
}

#[derive(Serialize)]
pub struct InstallView {
    pub note: String,
    pub rows: Vec<(String, String)>,
    pub from: BasisView,
}

#[derive(Serialize)]
pub struct Named {
    pub name: String,
    pub from: BasisView,
}

#[derive(Serialize)]
pub struct DisplayView {
    pub name: String,
    pub allowed: bool,
    pub from: BasisView,
}

#[derive(Serialize)]
pub struct AbolishedView {
    pub number: usize,
    pub name: String,
    /// The official sub-types, as the list gives them in brackets.
    pub subtypes: String,
    pub instead: Option<String>,
    pub handler: Option<String>,
}

#[derive(Serialize)]
pub struct AliasView {
    pub name: String,
    pub also: String,
}

fn anchor(id: &str) -> String {
    // Source ids are free text: keep the anchor to safe characters.
    let safe: String = id
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .collect();
    format!("src-{safe}")
}

fn basis(std: &Standard, b: &Basis) -> BasisView {
    let number = b
        .source_id()
        .and_then(|id| std.sources.iter().position(|s| s.id == id))
        .map(|i| i + 1);
    BasisView {
        proposal: b.is_proposal(),
        number,
        anchor: b.source_id().map(anchor),
        label: std.basis_label(b),
    }
}

fn cmyk_text(c: [u8; 4]) -> String {
    format!("C{} M{} Y{} K{}", c[0], c[1], c[2], c[3])
}

fn spec(std: &Standard, s: &SignSpec) -> SpecView {
    SpecView {
        size: format!("{}×{} 毫米", s.size_mm[0], s.size_mm[1]),
        colors: format!(
            "{}底{}字",
            color_name(&s.background),
            color_name(&s.text_color)
        ),
        cmyk: format!(
            "字 {}，底 {}",
            cmyk_text(s.cmyk_text),
            cmyk_text(s.cmyk_background)
        ),
        material: s.material.clone(),
        from: basis(std, &s.from),
    }
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
                spec: spec(std, &r.sign),
            }
        })
        .collect();
    let i = &std.install;
    let install = InstallView {
        note: i.note.clone(),
        rows: vec![
            ("大门竖牌下沿离地", i.gate_bottom_mm),
            ("同一侧两块竖牌之间", i.gate_spacing_mm),
            ("竖牌离门洞边", i.gate_door_gap_mm),
            ("门头标识下沿离地", i.header_bottom_mm),
            ("门头两个标识之间", i.header_gap_mm),
            ("引导牌下沿离地", i.guide_bottom_mm),
            ("引导牌离门洞边", i.guide_door_gap_mm),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_owned(), format!("{v} 毫米")))
        .collect(),
        from: basis(std, &i.from),
    };
    let named = |on_wall: bool| {
        std.categories
            .iter()
            .filter(|c| c.on_wall == on_wall)
            .map(|c| Named {
                name: c.name.clone(),
                from: basis(std, &c.from),
            })
            .collect()
    };
    StandardView {
        std: StandardData {
            name: &std.name,
            version: &std.version,
            citation: std.citation(),
            sources: std
                .sources
                .iter()
                .enumerate()
                .map(|(n, s)| SourceView {
                    number: n + 1,
                    anchor: anchor(&s.id),
                    title: s.title.clone(),
                    publisher: s.publisher.clone(),
                    date: s.date.clone(),
                    url: s.url.clone(),
                    note: s.note.clone(),
                })
                .collect(),
            font: FontView {
                name: std.font.name.clone(),
                note: std.font.note.clone(),
                from: basis(std, &std.font.from),
            },
            gate_summary: &std.gate_summary,
            gate_from: basis(std, &std.gate_from),
            gate_texts_from: basis(std, &std.gate_texts_from),
            roles,
            header_summary: &std.header_summary,
            header_from: basis(std, &std.header_from),
            identifiers: std
                .identifiers
                .iter()
                .map(|i| IdentifierView {
                    text: i.text.clone(),
                    allow_place_prefix: i.allow_place_prefix,
                    spec: spec(std, &i.sign),
                })
                .collect(),
            guide_name: &std.guide.name,
            guide_summary: &std.guide.summary,
            guide_from: basis(std, &std.guide.from),
            guide_spec: spec(std, &std.guide.sign),
            rooms_note: std.guide.rooms_note.as_deref(),
            rooms_from: basis(std, &std.guide.rooms_from),
            rooms: std.guide.rooms.iter().map(|r| r.name.clone()).collect(),
            install,
            indoor_summary: &std.indoor_summary,
            indoor_approver: &std.indoor_approver,
            indoor_from: basis(std, &std.indoor_from),
            wall_rules_summary: &std.wall_rules_summary,
            wall_rules_from: basis(std, &std.wall_rules_from),
            staying: named(true),
            moving: named(false),
            awards_summary: &std.awards_summary,
            awards_from: basis(std, &std.awards_from),
            displays: std
                .displays
                .iter()
                .map(|d| DisplayView {
                    name: d.name.clone(),
                    allowed: d.allowed,
                    from: basis(std, &d.from),
                })
                .collect(),
            certificates_summary: &std.certificates_summary,
            certificates_from: basis(std, &std.certificates_from),
            abolished_list: &std.abolished_list,
            list_from: basis(std, &std.list_from),
            instead_note: std.instead_note.as_deref(),
            routes_from: basis(std, &std.routes_from),
            transition: std.transition.as_deref(),
            transition_from: basis(std, &std.transition_from),
            abolished: std
                .abolished
                .iter()
                .map(|a| AbolishedView {
                    number: a.number,
                    name: a.name.clone(),
                    subtypes: a.subtypes.join("、"),
                    instead: a.instead.clone(),
                    handler: a.handler.clone(),
                })
                .collect(),
            aliases: std
                .abolished
                .iter()
                .filter(|a| !a.also.is_empty())
                .map(|a| AliasView {
                    name: a.name.clone(),
                    also: a.also.join("、"),
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
