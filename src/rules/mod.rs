//! The rules of SPEC §4, one file per place: the gate, the door header, the
//! walls beside the gate (and the guide board's rooms), indoor plaques, wall
//! rules, awards and certificates. Rules read the standard in force; they judge
//! and never render.

pub mod awards;
pub mod certificates;
pub mod gate;
pub mod glyphs;
pub mod header;
pub mod indoor;
pub mod wall_rules;
pub mod walls;

use crate::diag::{Finding, Loc, Msg, Rule};
use crate::model::{Community, Entry, Place};
use crate::standard::Standard;

/// Findings of one community, as the rules add them.
pub struct Findings<'a> {
    pub community: &'a Community,
    pub list: Vec<Finding>,
}

impl<'a> Findings<'a> {
    pub fn new(community: &'a Community) -> Findings<'a> {
        Findings {
            community,
            list: Vec::new(),
        }
    }

    /// A finding about the whole community or a part of an entry.
    pub fn push(&mut self, rule: Rule, loc: Loc, message: Msg, fix: Msg) {
        self.push_finding(rule, None, loc, message, fix);
    }

    /// A finding about one inventory entry, located at it.
    pub fn push_entry(
        &mut self,
        rule: Rule,
        place: Place,
        index: usize,
        loc: Loc,
        message: Msg,
        fix: Msg,
    ) {
        self.push_finding(rule, Some(Entry { place, index }), loc, message, fix);
    }

    /// Points the finding just pushed also at `loc` with `label` (the kept
    /// plaque of a duplicate), shown as a secondary span in the text report.
    pub fn relate_last(&mut self, loc: Loc, label: Msg) {
        if let Some(f) = self.list.last_mut() {
            f.related.push((loc, label));
        }
    }

    fn push_finding(&mut self, rule: Rule, entry: Option<Entry>, loc: Loc, message: Msg, fix: Msg) {
        self.list.push(Finding {
            related: Vec::new(),
            rule,
            community: Some(self.community.id.clone()),
            file: self.community.file.clone(),
            loc,
            entry,
            message,
            fix: Some(fix),
        });
    }
}

/// Every rule on one community. A community whose name, kind or town could
/// not be read is not judged (its `input.schema` findings say why).
pub fn check(community: &Community, std: &Standard) -> Vec<Finding> {
    if !community.complete {
        return Vec::new();
    }
    let mut out = Findings::new(community);
    gate::check(community, std, &mut out);
    header::check(community, std, &mut out);
    walls::check(community, std, &mut out);
    indoor::check(community, std, &mut out);
    wall_rules::check(community, std, &mut out);
    awards::check(community, std, &mut out);
    certificates::check(community, std, &mut out);
    glyphs::check(community, &mut out);
    out.list
}

/// "社区" or "村", for messages.
pub fn kind_word(c: &Community) -> &'static str {
    c.kind.zh()
}
