//! 上墙制度: internal categories come off the wall into the service handbook
//! (`rules.internal-on-wall`); no two rules on the wall share a title
//! (`rules.duplicate`).

use std::collections::HashMap;

use crate::diag::{Loc, Msg, Rule};
use crate::model::{Community, Place};
use crate::rules::Findings;
use crate::standard::Standard;

pub fn check(c: &Community, std: &Standard, out: &mut Findings) {
    let mut on_wall: HashMap<&str, Loc> = HashMap::new();
    for (i, r) in c.wall_rules.iter().enumerate().filter(|(_, r)| r.on_wall) {
        if let Some(cat) = std.category(&r.category)
            && !cat.on_wall
        {
            out.push_entry(
                Rule::RulesInternalOnWall,
                Place::WallRules,
                i,
                r.loc,
                Msg::new(
                    format!("“{}”属于{}类，不再上墙", r.title.raw, cat.name),
                    format!("“{}” is of the internal category {} and may not stay on the wall", r.title.raw, cat.id),
                ),
                Msg::new(
                    "从墙上撤下，整理后印入服务手册，并在清单里写 on_wall: false",
                    "take it off the wall into the printed service handbook, and record on_wall: false",
                ),
            );
        }
        match on_wall.get(r.title.norm.as_str()) {
            Some(&kept) => {
                let line = kept.line;
                out.push_entry(
                    Rule::RulesDuplicate,
                    Place::WallRules,
                    i,
                    r.loc,
                    Msg::new(
                        format!("墙上已有同名制度“{}”（第 {line} 行）", r.title.raw),
                        format!(
                            "a rule titled “{}” is already on the wall (line {line})",
                            r.title.raw
                        ),
                    ),
                    Msg::new("撤下重复的一份", "take the repeated one down"),
                );
                out.relate_last(
                    kept,
                    Msg::new("墙上保留这一份", "keep this one on the wall"),
                );
            }
            None => {
                on_wall.insert(&r.title.norm, r.loc);
            }
        }
    }
}
