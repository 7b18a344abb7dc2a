//! `qingpai new TOWN/ID --name NAME --kind community|village`: write a
//! compliant starting inventory, with names derived from the community's name
//! and the standard in force, and a `$schema` line for editors.

use std::fmt::Write;
use std::path::{Path, PathBuf};

use crate::diag::Lang;
use crate::load::community::valid_id;
use jiff::Timestamp;
use jiff::tz::TimeZone;

use crate::model::{Kind, Site};
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

/// The county's time zone when site.yaml names none: Beijing time, which all
/// of China keeps (a county clerk's "today" is not the UTC date: from 00:00 to
/// 08:00 that is still yesterday).
pub const DEFAULT_TIMEZONE: &str = "Asia/Shanghai";

/// A zone of the IANA database by name; `None` when the database has none.
pub fn zone(name: &str) -> Option<TimeZone> {
    TimeZone::get(name).ok()
}

/// The county's zone: site.yaml's `timezone` (checked when read), else
/// Asia/Shanghai; UTC+8 if even the bundled database could not give it, as
/// China has kept UTC+8 without summer time since 1991.
pub fn county_zone(site: Option<&Site>) -> TimeZone {
    site.and_then(|s| s.timezone.as_deref())
        .and_then(zone)
        .or_else(|| zone(DEFAULT_TIMEZONE))
        .unwrap_or_else(|| TimeZone::fixed(jiff::tz::offset(8)))
}

/// Now; or `SOURCE_DATE_EPOCH` (seconds since 1970) when it is set, as
/// reproducible builds expect, so a rebuild of the same content is the same.
pub fn now() -> Timestamp {
    std::env::var("SOURCE_DATE_EPOCH")
        .ok()
        .and_then(|s| s.trim().parse::<i64>().ok())
        .and_then(|s| Timestamp::from_second(s).ok())
        .unwrap_or_else(Timestamp::now)
}

/// The calendar date, `YYYY-MM-DD`, that `at` falls on in `tz`.
pub fn date_in(at: Timestamp, tz: &TimeZone) -> String {
    tz.to_datetime(at).date().strftime("%Y-%m-%d").to_string()
}

/// Today's date in the county, `YYYY-MM-DD`.
pub fn today(site: Option<&Site>) -> String {
    date_in(now(), &county_zone(site))
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
        &today(content.site.as_ref()),
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

    fn at(s: &str) -> Timestamp {
        s.parse().unwrap()
    }

    #[test]
    fn the_date_is_the_countys() {
        let shanghai = county_zone(None);
        // 01:30 in Beijing on 12 September is still the 11th in UTC.
        assert_eq!(date_in(at("2024-09-11T17:30:00Z"), &shanghai), "2024-09-12");
        assert_eq!(date_in(at("2024-09-11T15:59:59Z"), &shanghai), "2024-09-11");
        assert_eq!(date_in(at("2024-09-11T16:00:00Z"), &shanghai), "2024-09-12");
        assert_eq!(date_in(at("2024-02-28T16:00:00Z"), &shanghai), "2024-02-29");
        let utc = Site {
            timezone: Some("UTC".into()),
            ..Site::default()
        };
        assert_eq!(
            date_in(at("2024-09-11T17:30:00Z"), &county_zone(Some(&utc))),
            "2024-09-11"
        );
        // The database keeps Xinjiang time (UTC+6) for Asia/Urumqi.
        let urumqi = Site {
            timezone: Some("Asia/Urumqi".into()),
            ..Site::default()
        };
        assert_eq!(
            date_in(at("2024-09-11T17:30:00Z"), &county_zone(Some(&urumqi))),
            "2024-09-11"
        );
        assert_eq!(
            date_in(at("2024-09-11T18:00:00Z"), &county_zone(Some(&urumqi))),
            "2024-09-12"
        );
        assert!(zone("Asia/Beijing").is_none());
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
