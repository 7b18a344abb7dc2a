//! 大门两侧墙体: one guide board and nothing else (`walls.unlisted`,
//! `walls.duplicate-guide`, `walls.no-guide`), and the guide board's rooms
//! from the standard's list (`guide.unknown-room`).

use crate::diag::{Msg, Rule};
use crate::model::{Community, Place};
use crate::rules::Findings;
use crate::standard::Standard;

pub fn check(c: &Community, std: &Standard, out: &mut Findings) {
    let guide_name = &std.guide.name;
    let mut first_guide: Option<&crate::model::Board> = None;
    for (i, b) in c.gate_walls.iter().enumerate() {
        if !b.is_guide() {
            let looks_like_guide =
                b.text.norm.contains("引导") || b.text.norm == crate::text::normalize(guide_name);
            out.push_entry(
                Rule::WallsUnlisted,
                Place::GateWalls,
                i,
                b.loc,
                Msg::new(
                    format!("大门两侧墙体不得悬挂“{}”：只许统一悬挂“{guide_name}”", b.text.raw),
                    format!("“{}” may not hang on the walls beside the gate: only the guide board “{guide_name}”", b.text.raw),
                ),
                if looks_like_guide {
                    Msg::new(
                        "这若是引导牌，在它下面用 rooms 列出每个房间（名称、楼层、方向）",
                        "if this is the guide board, list its rooms under rooms (name, floor, direction)",
                    )
                } else {
                    Msg::new(
                        "摘除；需要公示的内容放进引导牌或室内公示栏",
                        "take it down; notices belong on the guide board or an indoor notice board",
                    )
                },
            );
            continue;
        }
        match first_guide {
            None => first_guide = Some(b),
            Some(first) => {
                out.push_entry(
                    Rule::WallsDuplicateGuide,
                    Place::GateWalls,
                    i,
                    b.loc,
                    Msg::new(
                        format!(
                            "“{}”是第二块引导牌：只挂一块统一的“{guide_name}”",
                            b.text.raw
                        ),
                        format!(
                            "“{}” is a second guide board: one unified board only",
                            b.text.raw
                        ),
                    ),
                    Msg::new(
                        format!(
                            "把房间合并到第 {} 行的“{}”上，摘除这一块",
                            first.loc.line, first.text.raw
                        ),
                        format!(
                            "merge its rooms into “{}” (line {}) and take this one down",
                            first.text.raw, first.loc.line
                        ),
                    ),
                );
                out.relate_last(
                    first.loc,
                    Msg::new(
                        "保留这一块，房间并到这里",
                        "keep this one, rooms merged here",
                    ),
                );
            }
        }
        for room in b.rooms.iter().flatten() {
            if std.room(&room.name.norm).is_none() {
                let list = std
                    .guide
                    .rooms
                    .iter()
                    .map(|r| r.name.as_str())
                    .collect::<Vec<_>>()
                    .join("、");
                out.push(
                    Rule::GuideUnknownRoom,
                    room.loc,
                    Msg::new(
                        format!("引导牌上的“{}”不在“{guide_name}”的房间清单里", room.name.raw),
                        format!("the room “{}” is not on the standard's room list", room.name.raw),
                    ),
                    Msg::new(
                        format!("改用清单里的名称（{list}）；本地清单不同的，在 standard.yaml 的 guide_board.rooms 里补充"),
                        format!("use a name from the list ({list}), or add it to guide_board.rooms in standard.yaml"),
                    ),
                );
            }
        }
    }
    if first_guide.is_none() {
        let [w, h] = std.guide.sign.size_mm;
        out.push(
            Rule::WallsNoGuide,
            c.gate_walls_loc,
            Msg::new(
                format!("大门两侧墙体没有“{guide_name}”"),
                format!("there is no guide board (“{guide_name}”) beside the gate"),
            ),
            Msg::new(
                format!("按标准制作“{guide_name}”（{w}×{h} 毫米），挂在大门一侧墙上，并在 gate_walls 里用 rooms 列出房间"),
                format!("make the guide board ({w} × {h} mm), hang it beside the gate and list its rooms under gate_walls"),
            ),
        );
    }
}
