//! `qingpai schema`: the JSON Schema of a community file, built from the same
//! shape tables the loader checks against, with the categories and displays of
//! the standard in force. Editors (VS Code's YAML extension) use it to
//! complete keys and flag typos while staff type.
//!
//! It says what `check` can say without reading other files: the keys and
//! their types, the id's characters, real dates, the fixed words, control
//! characters, a name's ending, a town name's characters. Besides the
//! standard keywords it carries the ones VS Code's YAML and JSON extensions
//! read (`markdownDescription`, `enumDescriptions`, `patternErrorMessage`,
//! `errorMessage`, `doNotSuggest`), so a clerk sees the Chinese explanation
//! and, for a word typed instead of a key (`名称`, `gate_wall`), "did you
//! mean"; validators ignore those keywords.

use serde_json::{Map, Value, json};

use crate::load::reader::MULTILINE_KEYS;
use crate::load::shape::{self, Field, Shape, Ty};
use crate::standard::Standard;

/// What no text may hold (the loader's `forbidden_char`): C0 and C1 control
/// characters (DEL included) and the bidirectional embeddings, overrides and
/// isolates. Written with `\u` escapes, which ECMA-262 and Rust's regex both read.
const FORBIDDEN: &str = r"\u0000-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069";
/// The same for a multi-line text (`body`, `description`): tab and newline allowed.
const FORBIDDEN_MULTILINE: &str =
    r"\u0000-\u0008\u000B-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069";

/// The id's characters (`valid_id`): ASCII letters, digits, `-` and `_`.
pub const ID_PATTERN: &str = "^[A-Za-z0-9_-]+$";
/// `YYYY-MM-DD` with a month 01–12 and a day 01–31; `format: date` adds the
/// days of each month, as `check` does.
pub const DATE_PATTERN: &str = "^[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$";

pub fn community_schema(std: &Standard) -> Value {
    let mut schema = object(&shape::COMMUNITY, std);
    let obj = schema.as_object_mut().expect("an object schema");
    obj.insert(
        "$schema".into(),
        json!("http://json-schema.org/draft-07/schema#"),
    );
    obj.insert(
        "title".into(),
        json!("qingpai 村(社区)标识标牌清单 / community inventory"),
    );
    obj.insert(
        "description".into(),
        // The standard's short citation: its name is not a document's title.
        json!(format!("{}。用 qingpai check 查看结果。", std.citation())),
    );
    schema
}

fn object(shape: &Shape, std: &Standard) -> Value {
    let mut props = Map::new();
    for f in shape.fields {
        let mut s = field(f, shape, std);
        if let Some(o) = s.as_object_mut() {
            o.insert("description".into(), json!(format!("{} / {}", f.zh, f.en)));
        }
        props.insert(f.key.into(), s);
    }
    // A word a clerk may type instead of a key (`名称` for `name`,
    // `gate_wall` for `gate_walls`) is refused as any unknown key is, but
    // with the key it stands for: the editor shows "did you mean".
    for f in shape.fields {
        for word in f.also {
            if shape.field(word).is_some() || props.contains_key(*word) {
                continue;
            }
            let hint_zh = format!("“{word}”不是清单的键：是不是想写 `{}`（{}）？", f.key, f.zh);
            let hint_en = format!("`{word}` is not a key: did you mean `{}`?", f.key);
            props.insert(
                (*word).into(),
                json!({
                    "not": {},
                    "doNotSuggest": true,
                    "description": format!("{hint_zh} / {hint_en}"),
                    "markdownDescription": format!("{hint_zh}\n\n{hint_en}"),
                    "errorMessage": hint_zh,
                }),
            );
        }
    }
    let required: Vec<&str> = shape
        .fields
        .iter()
        .filter(|f| f.required)
        .map(|f| f.key)
        .collect();
    let keys: Vec<String> = shape
        .fields
        .iter()
        .map(|f| format!("`{}`", f.key))
        .collect();
    json!({
        "type": "object",
        "description": format!("{} / {}", shape.zh, shape.en),
        "markdownDescription": format!("{}（{}）。可用的键：{}", shape.zh, shape.en, keys.join("、")),
        "additionalProperties": false,
        "required": required,
        "properties": props,
    })
}

/// A field's schema: its type's, narrowed by what `check` refuses in it.
fn field(f: &Field, shape: &Shape, std: &Standard) -> Value {
    // `id`, `name` and `town` have their own rules in the community itself
    // (a room, a certificate and a channel have a `name` too).
    let top = std::ptr::eq(shape, &shape::COMMUNITY);
    match (&f.ty, f.key) {
        (Ty::Text, "id") if top => json!({
            "type": ["string", "integer"],
            "pattern": ID_PATTERN,
            "maxLength": 64,
            "patternErrorMessage": "编号用在网址里：只能用英文字母、数字、- 和 _，如 hongqi（拼音）",
            "markdownDescription": "编号，用在网址里：只能用英文字母、数字、`-` 和 `_`，如 `hongqi`；不写就用文件名。\n\nUsed in URLs: ASCII letters, digits, `-` and `_`.",
        }),
        (Ty::Text, "name") if top && !std.place_endings.is_empty() => {
            let endings: Vec<String> = std.place_endings.iter().map(|e| regex_escape(e)).collect();
            let list = std.place_endings.join("”或“");
            with_text_rules(
                json!({
                    "type": ["string", "number"],
                    "pattern": format!("({})\\s*$", endings.join("|")),
                    "patternErrorMessage": format!("写官方全称，以“{list}”结尾，如 红旗社区"),
                }),
                f,
            )
        }
        (Ty::Text, "town") if top => with_text_rules(
            json!({
                "type": ["string", "number"],
                "pattern": town_pattern(),
                "maxLength": crate::slug::MAX_SHEET_UNITS,
                "patternErrorMessage": "乡镇名用作网站的文件夹名和统计表的工作表名：不能有 / \\ : * ? \" < > | # % [ ]，首尾不能是 ' 或 .，最多 31 个字",
            }),
            f,
        ),
        (Ty::Text, _) => with_text_rules(json!({"type": ["string", "number"]}), f),
        (Ty::Enum(words), _) => enumeration(
            words
                .iter()
                .map(|w| (*w, word_label(w).to_owned()))
                .collect(),
            f,
        ),
        (Ty::Category, _) => enumeration(
            std.categories
                .iter()
                .map(|c| {
                    let place = if c.on_wall {
                        "可以上墙"
                    } else {
                        "不再上墙，印入服务手册"
                    };
                    (c.id.as_str(), format!("{}：{place}", c.name))
                })
                .collect(),
            f,
        ),
        (Ty::Display, _) => enumeration(
            std.displays
                .iter()
                .map(|d| {
                    let ok = if d.allowed { "可以" } else { "不可以" };
                    (d.id.as_str(), format!("{}：{ok}", d.name))
                })
                .collect(),
            f,
        ),
        (Ty::Date, _) => json!({
            "type": "string",
            "format": "date",
            "pattern": DATE_PATTERN,
            "patternErrorMessage": "日期写成 年-月-日，月和日都用两位数，如 2024-09-12",
            "markdownDescription": format!("{}：写成 `YYYY-MM-DD`，如 `2024-09-12`", f.zh),
        }),
        (ty, _) => of(ty, std),
    }
}

/// A text's rules: no control characters (tabs and newlines only in a
/// multi-line text; a newline at either end is what a `|` block leaves), and
/// something other than white space when the field is required.
fn with_text_rules(mut schema: Value, f: &Field) -> Value {
    let multiline = MULTILINE_KEYS.contains(&f.key);
    let chars = json!({
        "pattern": no_control(multiline),
        "patternErrorMessage": "有看不见的控制字符（多半是复制粘贴带进来的）：删掉后重新输入这段文字；除正文外要写成一行",
    });
    let mut all = vec![chars];
    if f.required {
        all.push(json!({
            "pattern": "\\S",
            "patternErrorMessage": format!("“{}”不能为空", f.key),
        }));
    }
    schema["allOf"] = json!(all);
    schema
}

fn no_control(multiline: bool) -> String {
    if multiline {
        format!("^[^{FORBIDDEN_MULTILINE}]*$")
    } else {
        format!("^\\n*[^{FORBIDDEN}]*\\n*$")
    }
}

/// Not the folder or sheet characters, no `'` or `.` first or last
/// (`slug::town_problem`), without look-arounds, which not every editor's
/// regular expressions have.
fn town_pattern() -> String {
    let bad = format!(r#"{FORBIDDEN}/\\:*?"<>|#%\[\]"#);
    format!("^[^{bad}.']([^{bad}]*[^{bad}.'])?$")
}

fn regex_escape(s: &str) -> String {
    let mut out = String::new();
    for c in s.chars() {
        if "\\^$.|?*+()[]{}/-".contains(c) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// The Chinese of a fixed word, for the editor's completion list.
fn word_label(w: &str) -> &'static str {
    match w {
        "community" => "社区",
        "village" => "村",
        "vertical" => "竖牌",
        "horizontal" => "横牌",
        "left" => "向左",
        "right" => "向右",
        "ahead" => "向前",
        "up" => "上楼",
        "down" => "下楼",
        _ => "",
    }
}

/// One of fixed words, each explained in the completion list.
fn enumeration(words: Vec<(&str, String)>, f: &Field) -> Value {
    let ids: Vec<&str> = words.iter().map(|(w, _)| *w).collect();
    let labels: Vec<&str> = words.iter().map(|(_, l)| l.as_str()).collect();
    let list: Vec<String> = words
        .iter()
        .map(|(w, l)| {
            if l.is_empty() {
                format!("- `{w}`")
            } else {
                format!("- `{w}`：{l}")
            }
        })
        .collect();
    json!({
        "enum": ids,
        "enumDescriptions": labels,
        "markdownEnumDescriptions": labels,
        "errorMessage": format!("“{}”只能是其中之一：{}", f.key, ids.join("、")),
        "markdownDescription": format!("{}，只能是：\n\n{}", f.zh, list.join("\n")),
    })
}

fn of(ty: &Ty, std: &Standard) -> Value {
    match ty {
        Ty::Text => json!({"type": ["string", "number"], "pattern": no_control(false)}),
        Ty::Int => json!({"type": "integer"}),
        Ty::Bool => json!({"type": "boolean"}),
        Ty::Date => json!({"type": "string", "format": "date", "pattern": DATE_PATTERN}),
        Ty::Size => json!({
            "type": "array",
            "items": {"type": "integer", "minimum": 1, "maximum": 100000},
            "minItems": 2,
            "maxItems": 2,
        }),
        Ty::Enum(words) => json!({"enum": words}),
        Ty::Category => {
            json!({"enum": std.categories.iter().map(|c| c.id.as_str()).collect::<Vec<_>>()})
        }
        Ty::Display => {
            json!({"enum": std.displays.iter().map(|d| d.id.as_str()).collect::<Vec<_>>()})
        }
        Ty::Path => json!({"type": "string", "pattern": no_control(false)}),
        Ty::Floor => json!({"type": ["integer", "string"], "pattern": no_control(false)}),
        Ty::List(item) => json!({"type": ["array", "null"], "items": of(item, std)}),
        Ty::TextList => json!({
            "type": ["array", "null"],
            "items": {"type": ["string", "number"], "pattern": no_control(false)},
        }),
        Ty::Obj(shape) => object(shape, std),
        Ty::TextOrObj(shape) => {
            // The bare string is the `text` field, with its rules.
            let text = shape.field("text").map_or_else(
                || json!({"type": ["string", "number"]}),
                |f| field(f, shape, std),
            );
            json!({"anyOf": [text, object(shape, std)]})
        }
    }
}

pub fn render(std: &Standard) -> String {
    serde_json::to_string_pretty(&community_schema(std)).expect("a JSON value always serialises")
        + "\n"
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes() {
        assert_eq!(regex_escape("社区"), "社区");
        assert_eq!(regex_escape("a.b(c)"), "a\\.b\\(c\\)");
    }
}
