//! 室内牌子: each needs a city-level approval reference (`indoor.unapproved`).

use crate::diag::{Msg, Rule};
use crate::model::{Community, Place};
use crate::rules::Findings;
use crate::standard::Standard;

pub fn check(c: &Community, std: &Standard, out: &mut Findings) {
    for (i, p) in c.indoor.iter().enumerate() {
        if p.approval.as_deref().is_some_and(|a| !a.trim().is_empty()) {
            continue;
        }
        out.push_entry(
            Rule::IndoorUnapproved,
            Place::Indoor,
            i,
            p.loc,
            Msg::new(
                format!("室内牌子“{}”没有经过{}审核同意", p.text.raw, std.indoor_approver),
                format!("the indoor plaque “{}” has no city-level approval", p.text.raw),
            ),
            Msg::new(
                "未经审核同意的摘除；已经批准的，在清单里写上文号，如 approval: 市社治组〔2024〕12号",
                "take it down unless approved; if approved, record the reference, e.g. approval: 市社治组〔2024〕12号",
            ),
        );
    }
}
