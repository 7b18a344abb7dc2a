//! 奖状奖牌: none on the walls (`awards.on-wall`).

use crate::diag::{Msg, Rule};
use crate::model::{Community, Place};
use crate::rules::Findings;
use crate::standard::Standard;

pub fn check(c: &Community, std: &Standard, out: &mut Findings) {
    let allowed: Vec<&str> = std
        .displays
        .iter()
        .filter(|d| d.allowed)
        .map(|d| d.name.as_str())
        .collect();
    let allowed_ids: Vec<&str> = std
        .displays
        .iter()
        .filter(|d| d.allowed)
        .map(|d| d.id.as_str())
        .collect();
    for (i, a) in c.awards.iter().enumerate() {
        let Some(display) = std.display(&a.display) else {
            continue;
        };
        if display.allowed {
            continue;
        }
        out.push_entry(
            Rule::AwardsOnWall,
            Place::Awards,
            i,
            a.loc,
            Msg::new(
                format!(
                    "奖牌“{}”{}：办公场所内外墙体不得悬挂奖状奖牌",
                    a.title.raw, display.name
                ),
                format!(
                    "the award “{}” hangs on a wall: no awards on the walls",
                    a.title.raw
                ),
            ),
            Msg::new(
                format!(
                    "从墙上取下，可以改为：{}（在清单里把 display 改为 {}）",
                    allowed.join("、"),
                    allowed_ids.join("、")
                ),
                format!(
                    "take it down and set display to one of: {}",
                    allowed_ids.join(", ")
                ),
            ),
        );
    }
}
