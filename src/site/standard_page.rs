//! The `/standard/` page: the standard in force, explained for the public,
//! as plain data for `standard.html`.

use serde::Serialize;

use crate::diag::{Lang, Rule, Severity};
use crate::site::pages::color_name;
use crate::standard::Standard;

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
