//! `qingpai new TOWN/ID --name NAME --kind community|village`: write a
//! compliant starting inventory, with names derived from the community's name
//! and the standard in force, and a `$schema` line for editors.

use std::fmt::Write;
use std::path::{Path, PathBuf};

use crate::diag::Lang;
use crate::load::community::valid_id;
use crate::model::Kind;
use crate::standard::Standard;

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum KindArg {
    Community,
    Village,
}

/// The schema file `new` keeps beside site.yaml for the `$schema` lines.
pub const SCHEMA_FILE: &str = "community.schema.json";

pub struct NewCommunity<'a> {
    pub town: &'a str,
    pub id: &'a str,
    pub name: &'a str,
    pub kind: Kind,
}

/// Parse `TOWN/ID`. Errors are (zh, en).
pub fn parse_target(target: &str) -> Result<(&str, &str), (String, String)> {
    let Some((town, id)) = target.trim_matches('/').split_once('/') else {
        return Err((
            format!("“{target}”要写成 乡镇/编号，如 城关镇/hongqi"),
            format!("`{target}` must read TOWN/ID, e.g. 城关镇/hongqi"),
        ));
    };
    let town_ok = !town.is_empty()
        && !town.contains(['/', '\\', '\0'])
        && town != "."
        && town != ".."
        && !town.starts_with('.');
    if !town_ok {
        return Err((
            format!("乡镇名“{town}”不能作文件夹名"),
            format!("the town `{town}` cannot be a folder name"),
        ));
    }
    if !valid_id(id) {
        return Err((
            format!("编号“{id}”不合规：只能用英文字母、数字、- 和 _（编号用在网址里），如 hongqi"),
            format!(
                "the id `{id}` is not valid: ASCII letters, digits, '-' and '_' only, e.g. hongqi"
            ),
        ));
    }
    Ok((town, id))
}

/// A YAML scalar: plain when that is safe, double-quoted otherwise.
fn scalar(s: &str) -> String {
    let special = s.is_empty()
        || s.trim() != s
        || s.contains([
            ':', '#', '{', '}', '[', ']', ',', '&', '*', '!', '|', '>', '\'', '"', '%', '@', '`',
            '\n',
        ])
        || s.starts_with(['-', '?']);
    if special {
        serde_json::to_string(s).expect("a string always serialises")
    } else {
        s.to_owned()
    }
}

pub fn inventory(n: &NewCommunity, std: &Standard, today: &str) -> String {
    let village = n.kind == Kind::Village;
    let mut y = String::new();
    let _ = writeln!(y, "# yaml-language-server: $schema=../../{SCHEMA_FILE}");
    let _ = writeln!(
        y,
        "# {} 标识标牌清单：由 qingpai new 生成，请按实地摸底情况改写。",
        n.name
    );
    let _ = writeln!(
        y,
        "# 标准：{}（{}）。改完运行 qingpai check 检查。",
        std.name, std.version
    );
    let _ = writeln!(y, "id: {}", n.id);
    let _ = writeln!(y, "name: {}", scalar(n.name));
    let _ = writeln!(y, "kind: {}", n.kind.id());
    let _ = writeln!(y, "town: {}", scalar(n.town));
    let _ = writeln!(y, "# address: {}……", n.town);
    let _ = writeln!(y, "surveyed_on: {today}");
    let _ = writeln!(y, "\n# 大门两侧：只许悬挂这 {} 块竖牌", std.roles.len());
    let _ = writeln!(y, "gate:");
    for role in &std.roles {
        let [w, h] = role.sign.size_mm;
        let _ = writeln!(
            y,
            "  - text: {}",
            scalar(&role.proposed_for(n.name, village))
        );
        let _ = writeln!(y, "    orientation: vertical");
        let _ = writeln!(y, "    size_mm: [{w}, {h}]");
    }
    let _ = writeln!(y, "\n# 门头：只许悬挂这 {} 个标识", std.identifiers.len());
    let _ = writeln!(y, "header:");
    for ident in &std.identifiers {
        let _ = writeln!(y, "  - {}", scalar(&ident.proposed_for(n.name)));
    }
    let _ = writeln!(y, "\n# 大门两侧墙体：只许统一悬挂一块引导牌");
    let _ = writeln!(y, "gate_walls:");
    let _ = writeln!(y, "  - text: {}", scalar(&std.guide.name));
    let _ = writeln!(
        y,
        "    rooms:   # 按实际房间改写：name 名称，floor 楼层，direction 方向 left/right/ahead/up/down"
    );
    for room in &std.guide.rooms {
        let _ = writeln!(y, "      - {{name: {}, floor: 1}}", scalar(&room.name));
    }
    let _ = writeln!(y, "\n# 室内牌子：每块都要写市级审核同意的文号 approval");
    let _ = writeln!(y, "indoor: []");
    let _ = writeln!(
        y,
        "\n# 上墙制度：title 名称，category 类别，on_wall 是否还在墙上"
    );
    let _ = writeln!(y, "wall_rules: []");
    let _ = writeln!(
        y,
        "\n# 奖状奖牌：display 为 thumbnail（图片缩影）、honor_room（荣誉室）或 stored（收存）"
    );
    let _ = writeln!(y, "awards: []");
    let _ = writeln!(y, "\n# 现在出具的证明事项");
    let _ = writeln!(y, "certificates: []");
    y
}

/// Today's date, `YYYY-MM-DD` (UTC).
pub fn today() -> String {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    let (y, m, d) = civil_from_days((secs / 86_400) as i64);
    format!("{y:04}-{m:02}-{d:02}")
}

/// Days since 1970-01-01 to a calendar date (Howard Hinnant's algorithm).
pub fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

pub struct Outcome {
    pub path: PathBuf,
    pub schema_written: bool,
}

/// Errors are (zh, en, exit status).
pub fn run(
    content_dir: &Path,
    target: &str,
    name: &str,
    kind: KindArg,
) -> Result<Outcome, (String, String)> {
    let (town, id) = parse_target(target)?;
    let kind = match kind {
        KindArg::Community => Kind::Community,
        KindArg::Village => Kind::Village,
    };
    let path = content_dir
        .join("communities")
        .join(town)
        .join(format!("{id}.yaml"));
    if path.exists() {
        return Err((
            format!("{} 已经存在，没有改动它", path.display()),
            format!("{} already exists; it was left as it was", path.display()),
        ));
    }
    let content = crate::load::load(content_dir);
    let std = &content.standard;
    if name.chars().any(char::is_control) {
        return Err((
            "名称里不能有换行或其他控制字符".to_owned(),
            "the name must not contain line breaks or control characters".to_owned(),
        ));
    }
    let norm = crate::text::normalize(name);
    if crate::text::ends_with_any(&norm, &std.place_endings).is_none() {
        return Err((
            format!(
                "名称“{name}”应以“{}”结尾，写官方全称，如 红旗社区",
                std.place_endings.join("”或“")
            ),
            format!(
                "the name `{name}` must end with {}",
                std.place_endings.join(" or ")
            ),
        ));
    }
    if let Some(other) = content.communities.iter().find(|c| c.id == id) {
        return Err((
            format!("编号“{id}”已被 {} 使用，换一个编号", other.file),
            format!("the id `{id}` is already used by {}", other.file),
        ));
    }
    let text = inventory(
        &NewCommunity {
            town,
            id,
            name: name.trim(),
            kind,
        },
        std,
        &today(),
    );
    let io = |e: std::io::Error| {
        (
            format!("写不了文件：{e}"),
            format!("cannot write the file: {e}"),
        )
    };
    std::fs::create_dir_all(path.parent().expect("a file path has a parent")).map_err(io)?;
    std::fs::write(&path, text).map_err(io)?;

    // Keep the schema the new file points at in step with the standard in force.
    let schema_path = content_dir.join(SCHEMA_FILE);
    let schema = crate::commands::schema::render(std);
    let schema_written =
        std::fs::read_to_string(&schema_path).ok().as_deref() != Some(schema.as_str());
    if schema_written {
        std::fs::write(&schema_path, schema).map_err(io)?;
    }
    Ok(Outcome {
        path,
        schema_written,
    })
}

pub fn message(outcome: &Outcome, lang: Lang) -> String {
    let path = outcome.path.display();
    match lang {
        Lang::Zh => {
            let mut s = format!("已写入 {path}：按实地摸底情况改写后运行 qingpai check。\n");
            if outcome.schema_written {
                let _ = writeln!(
                    s,
                    "已更新 {SCHEMA_FILE}：VS Code 装 YAML 扩展后，编辑清单时会提示可用的键。"
                );
            }
            s
        }
        Lang::En => format!("wrote {path}: fill it in from the survey, then run qingpai check.\n"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates() {
        assert_eq!(civil_from_days(0), (1970, 1, 1));
        assert_eq!(civil_from_days(20_418), (2025, 11, 26));
        assert_eq!(civil_from_days(19_782), (2024, 2, 29));
    }

    #[test]
    fn targets() {
        assert_eq!(parse_target("城关镇/hongqi").unwrap(), ("城关镇", "hongqi"));
        assert!(parse_target("hongqi").is_err());
        assert!(parse_target("../x").is_err());
        assert!(parse_target("城关镇/../x").is_err());
        assert!(parse_target("城关镇/红旗").is_err());
    }

    #[test]
    fn quoting() {
        assert_eq!(scalar("红旗社区"), "红旗社区");
        assert_eq!(scalar("a: b"), "\"a: b\"");
    }
}
