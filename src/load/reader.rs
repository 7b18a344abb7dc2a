//! Reading typed values out of a located YAML tree, collecting every problem
//! as an `input.schema` (or `input.file`) finding instead of stopping.

use std::path::Path;

use crate::diag::{Finding, Loc, Msg, Rule};
use crate::load::node::{Node, Value};
use crate::load::paths::{self, PathProblem};
use crate::load::photo;
use crate::load::shape::{Field, Shape, Ty};
use crate::model::Text;

/// The file being read and what has been found wrong in it so far.
pub struct Ctx<'a> {
    /// Relative to the content folder, with `/`.
    pub file: &'a str,
    pub src: &'a str,
    pub community: Option<String>,
    pub content_dir: &'a Path,
    pub findings: Vec<Finding>,
    /// Every path under the content folder that reading the file looked at
    /// on disk (the photos), with what `stat` said of it just before: what
    /// the file's findings depend on besides its own text, for the cache.
    pub photos: Vec<(String, crate::load::cache::Stamp)>,
}

/// A mapping whose keys have been checked against its shape.
pub struct Obj<'n> {
    pub loc: Loc,
    entries: Vec<(&'static Field, &'n Node, &'n Node)>,
}

impl<'n> Obj<'n> {
    pub fn get(&self, key: &str) -> Option<&'n Node> {
        self.entries
            .iter()
            .find(|(f, _, _)| f.key == key)
            .map(|e| e.2)
    }

    pub fn key_loc(&self, key: &str) -> Option<Loc> {
        self.entries
            .iter()
            .find(|(f, _, _)| f.key == key)
            .map(|e| e.1.loc)
    }

    /// The field and its value, for the typed readers.
    pub fn field(&self, key: &str) -> Option<(&'static Field, &'n Node)> {
        self.entries
            .iter()
            .find(|(f, _, _)| f.key == key)
            .map(|e| (e.0, e.2))
    }
}

/// The nearest of `candidates` to `word` (or one whose Chinese words match),
/// for "did you mean" hints.
pub fn suggest<'c>(
    word: &str,
    candidates: impl IntoIterator<Item = (&'c str, &'c [&'c str])>,
) -> Option<&'c str> {
    let lower = word.trim().to_lowercase();
    let mut best: Option<(&str, f64)> = None;
    for (key, also) in candidates {
        if also.iter().any(|a| a.to_lowercase() == lower) {
            return Some(key);
        }
        let score = strsim::normalized_damerau_levenshtein(&lower, key);
        let score = if key.starts_with(&lower) || lower.starts_with(key) {
            score.max(0.7)
        } else {
            score
        };
        if score >= 0.5 && best.is_none_or(|(_, s)| score > s) {
            best = Some((key, score));
        }
    }
    best.map(|(k, _)| k)
}

fn expected(ty: &Ty) -> (String, String) {
    match ty {
        Ty::Text => ("文字".into(), "text".into()),
        Ty::Int => ("整数".into(), "an integer".into()),
        Ty::Bool => ("true 或 false".into(), "true or false".into()),
        Ty::Date => (
            "日期，写成 2024-09-12 这样".into(),
            "a date like 2024-09-12".into(),
        ),
        Ty::Size => (
            "[宽, 高]（单位毫米）".into(),
            "[width, height] in mm".into(),
        ),
        Ty::Enum(words) => (
            format!("其中之一：{}", words.join("、")),
            format!("one of: {}", words.join(", ")),
        ),
        Ty::Category => ("制度类别".into(), "a wall-rule category".into()),
        Ty::Display => ("展示方式".into(), "a display".into()),
        Ty::Path => (
            "文件路径（相对 content 文件夹）".into(),
            "a file path relative to content/".into(),
        ),
        Ty::Floor => ("楼层，如 1 或 -1".into(), "a floor such as 1 or -1".into()),
        Ty::List(_) | Ty::TextList => (
            "列表（每项一行，以“- ”开头）".into(),
            "a list (one “- ” line per item)".into(),
        ),
        Ty::Obj(_) => (
            "键值表（key: value）".into(),
            "a mapping (key: value)".into(),
        ),
        Ty::TextOrObj(_) => (
            "文字，或带 text 的键值表".into(),
            "text, or a mapping with text".into(),
        ),
    }
}

fn example(field: &Field) -> String {
    match &field.ty {
        Ty::Size => format!("{}: [400, 2400]", field.key),
        Ty::Bool => format!("{}: false", field.key),
        Ty::Int => format!("{}: 2019", field.key),
        Ty::Date => format!("{}: 2024-09-12", field.key),
        Ty::Enum(words) => format!("{}: {}", field.key, words[0]),
        Ty::Path => format!("{}: photos/hongqi/gate.jpg", field.key),
        _ => format!("{}: …", field.key),
    }
}

impl<'a> Ctx<'a> {
    pub fn new(file: &'a str, src: &'a str, content_dir: &'a Path) -> Ctx<'a> {
        Ctx {
            file,
            src,
            community: None,
            content_dir,
            findings: Vec::new(),
            photos: Vec::new(),
        }
    }

    pub fn report(&mut self, rule: Rule, loc: Loc, message: Msg, fix: Msg) {
        self.findings.push(Finding {
            related: Vec::new(),
            rule,
            community: self.community.clone(),
            file: self.file.to_owned(),
            loc,
            entry: None,
            message,
            fix: Some(fix),
        });
    }

    pub fn schema_error(&mut self, loc: Loc, message: Msg, fix: Msg) {
        self.report(Rule::InputSchema, loc, message, fix);
    }

    fn wrong_type(&mut self, node: &Node, field: &Field) {
        let (want_zh, want_en) = expected(&field.ty);
        let (got_zh, got_en) = node.kind_name();
        self.schema_error(
            node.loc,
            Msg::new(
                format!(
                    "“{}”（{}）应为{}，这里写的是{}",
                    field.key, field.zh, want_zh, got_zh
                ),
                format!(
                    "`{}` ({}) must be {}, found {}",
                    field.key, field.en, want_en, got_en
                ),
            ),
            Msg::new(
                format!("改成这样：{}", example(field)),
                format!("write it like: {}", example(field)),
            ),
        );
    }

    /// A mapping of the given shape: unknown keys and missing required keys are reported.
    pub fn object<'n>(&mut self, node: &'n Node, shape: &'static Shape) -> Option<Obj<'n>> {
        let Value::Map(map) = &node.value else {
            let (got_zh, got_en) = node.kind_name();
            self.schema_error(
                node.loc,
                Msg::new(
                    format!("{}应为键值表（key: value），这里写的是{}", shape.zh, got_zh),
                    format!(
                        "a {} must be a mapping (key: value), found {}",
                        shape.en, got_en
                    ),
                ),
                Msg::new(
                    format!("按 key: value 的格式写，可用的键：{}", keys(shape)),
                    format!("write key: value pairs; keys: {}", keys(shape)),
                ),
            );
            return None;
        };
        let mut entries = Vec::with_capacity(map.len());
        for (k, v) in map {
            let key = k.scalar_text(self.src).unwrap_or_default();
            match shape.field(&key) {
                Some(field) => entries.push((field, k, v)),
                None => {
                    let hint = suggest(&key, shape.fields.iter().map(|f| (f.key, f.also)));
                    let (fix_zh, fix_en) = match hint.and_then(|h| shape.field(h)) {
                        Some(h) => (
                            format!("是不是想写“{}”（{}）？", h.key, h.zh),
                            format!("did you mean `{}` ({})?", h.key, h.en),
                        ),
                        None => (
                            format!("可用的键：{}", keys(shape)),
                            format!("known keys: {}", keys(shape)),
                        ),
                    };
                    self.schema_error(
                        k.loc,
                        Msg::new(
                            format!("未知的键“{key}”：{}里没有这一项", shape.zh),
                            format!("unknown key `{key}` in a {}", shape.en),
                        ),
                        Msg::new(fix_zh, fix_en),
                    );
                }
            }
        }
        for field in shape.fields.iter().filter(|f| f.required) {
            if !entries.iter().any(|(f, _, _)| f.key == field.key) {
                self.schema_error(
                    node.loc,
                    Msg::new(
                        format!("{}缺少必填项“{}”（{}）", shape.zh, field.key, field.zh),
                        format!(
                            "the {} lacks the required key `{}` ({})",
                            shape.en, field.key, field.en
                        ),
                    ),
                    Msg::new(
                        format!("加上一行：{}", example(field)),
                        format!("add: {}", example(field)),
                    ),
                );
            }
        }
        Some(Obj {
            loc: node.loc,
            entries,
        })
    }

    /// A text value. Null or an empty text is reported when the field is required.
    pub fn text(&mut self, node: &Node, field: &Field) -> Option<Text> {
        match node.scalar_text(self.src) {
            Some(raw) => {
                self.check_chars(node, field, &raw);
                let text = Text::new(raw.into_owned(), node.loc);
                if text.is_empty() {
                    if field.required {
                        self.empty(node, field);
                    }
                    return None;
                }
                Some(text)
            }
            None if node.value == Value::Null => {
                if field.required {
                    self.empty(node, field);
                }
                None
            }
            None => {
                self.wrong_type(node, field);
                None
            }
        }
    }

    /// Report the first character of `raw` (the text of `node`) that no text
    /// may hold: a control character (NUL, ESC, BEL ... which reach the
    /// terminal, the pages and the CSV, and ESC recolours a terminal) or a
    /// bidirectional override (it reorders what is shown). Newlines and tabs
    /// are fine in a multi-line body; a newline at either end is what a `|`
    /// or `>` block leaves. The text is still read, so the rules see it.
    pub fn check_chars(&mut self, node: &Node, field: &Field, raw: &str) {
        let multiline = MULTILINE_KEYS.contains(&field.key);
        let inner = raw.trim_matches('\n');
        let Some(bad) = inner.chars().find(|&c| forbidden_char(c, multiline)) else {
            return;
        };
        let loc = self.char_loc(node, bad);
        let code = format!("U+{:04X}", u32::from(bad));
        let (what_zh, what_en) = if bad.is_control() {
            ("看不见的控制字符", "an invisible control character")
        } else {
            (
                "改变文字方向的控制字符",
                "a control character that reverses text direction",
            )
        };
        let (fix_zh, fix_en) = if bad == '\n' || bad == '\t' {
            (
                format!("“{}”要写成一行：去掉换行和制表符", field.key),
                format!(
                    "write `{}` on one line, without line breaks or tabs",
                    field.key
                ),
            )
        } else {
            (
                "删掉这个字符（多半是从别处复制粘贴时带进来的），重新输入这段文字".to_owned(),
                "delete the character (usually pasted in with the text) and type the text again"
                    .to_owned(),
            )
        };
        self.schema_error(
            loc,
            Msg::new(
                format!("“{}”（{}）里有{what_zh} {code}", field.key, field.zh),
                format!("`{}` ({}) contains {what_en}, {code}", field.key, field.en),
            ),
            Msg::new(fix_zh, fix_en),
        );
    }

    /// Where `c` stands in the source when it is written there as it is;
    /// the scalar's own place when it came from an escape such as `"\e"`.
    fn char_loc(&self, node: &Node, c: char) -> Loc {
        let Some((start, len)) = node.bytes else {
            return node.loc;
        };
        let Some(raw) = self.src.get(start..start + len) else {
            return node.loc;
        };
        let Some(at) = raw.find(c) else {
            return node.loc;
        };
        let before = &raw[..at];
        let loc = match before.rfind('\n') {
            None => Loc {
                column: node.loc.column + before.chars().count() as u32,
                ..node.loc
            },
            Some(nl) => Loc {
                line: node.loc.line + before.matches('\n').count() as u32,
                column: before[nl + 1..].chars().count() as u32 + 1,
                len: 1,
            },
        };
        Loc { len: 1, ..loc }
    }

    fn empty(&mut self, node: &Node, field: &Field) {
        self.schema_error(
            node.loc,
            Msg::new(
                format!("“{}”（{}）不能为空", field.key, field.zh),
                format!("`{}` ({}) must not be empty", field.key, field.en),
            ),
            Msg::new(
                format!("填上内容：{}", example(field)),
                format!("fill it in: {}", example(field)),
            ),
        );
    }

    pub fn string(&mut self, node: &Node, field: &Field) -> Option<String> {
        self.text(node, field).map(|t| t.raw.trim().to_owned())
    }

    pub fn int(&mut self, node: &Node, field: &Field) -> Option<i64> {
        match &node.value {
            Value::Int(i) => Some(*i),
            Value::Null if !field.required => None,
            _ => {
                self.wrong_type(node, field);
                None
            }
        }
    }

    pub fn boolean(&mut self, node: &Node, field: &Field) -> Option<bool> {
        match &node.value {
            Value::Bool(b) => Some(*b),
            Value::Null if !field.required => None,
            _ => {
                self.wrong_type(node, field);
                None
            }
        }
    }

    /// One of fixed words (`kind`, `orientation`, a category id ...).
    pub fn word(&mut self, node: &Node, field: &Field, allowed: &[&str]) -> Option<String> {
        let text = self.text(node, field)?;
        let value = text.raw.trim();
        if allowed.contains(&value) {
            return Some(value.to_owned());
        }
        let hint = suggest(value, allowed.iter().map(|w| (*w, &[][..])));
        let list = allowed.join("、");
        self.schema_error(
            node.loc,
            Msg::new(
                format!(
                    "“{}”（{}）不能是“{}”，只能是其中之一：{}",
                    field.key, field.zh, value, list
                ),
                format!(
                    "`{}` cannot be `{}`; use one of: {}",
                    field.key,
                    value,
                    allowed.join(", ")
                ),
            ),
            match hint {
                Some(h) => Msg::new(format!("是不是想写“{h}”？"), format!("did you mean `{h}`?")),
                None => Msg::new(
                    format!("改成其中之一：{list}"),
                    format!("use one of: {}", allowed.join(", ")),
                ),
            },
        );
        None
    }

    pub fn date(&mut self, node: &Node, field: &Field) -> Option<String> {
        let text = self.text(node, field)?;
        let value = text.raw.trim();
        if is_date(value) {
            return Some(value.to_owned());
        }
        self.wrong_type(node, field);
        None
    }

    pub fn size(&mut self, node: &Node, field: &Field) -> Option<[u32; 2]> {
        if let Value::Seq(items) = &node.value
            && let [
                Node {
                    value: Value::Int(w),
                    ..
                },
                Node {
                    value: Value::Int(h),
                    ..
                },
            ] = items.as_slice()
        {
            if (1..=100_000).contains(w) && (1..=100_000).contains(h) {
                return Some([*w as u32, *h as u32]);
            }
            self.schema_error(
                node.loc,
                Msg::new(
                    format!(
                        "“{}”的宽和高要在 1 到 100000 毫米之间，这里是 [{w}, {h}]",
                        field.key
                    ),
                    format!(
                        "`{}` needs a width and height of 1 to 100000 mm, found [{w}, {h}]",
                        field.key
                    ),
                ),
                Msg::new(
                    format!("改成这样：{}", example(field)),
                    format!("write it like: {}", example(field)),
                ),
            );
            return None;
        }
        if node.value != Value::Null {
            self.wrong_type(node, field);
        }
        None
    }

    pub fn floor(&mut self, node: &Node, field: &Field) -> Option<String> {
        match &node.value {
            Value::Int(i) => Some(i.to_string()),
            Value::Str(_) => self.string(node, field),
            Value::Null => None,
            _ => {
                self.wrong_type(node, field);
                None
            }
        }
    }

    /// The items of a list; null or absent is an empty list.
    pub fn list<'n>(&mut self, node: &'n Node, field: &Field) -> &'n [Node] {
        match &node.value {
            Value::Seq(items) => items,
            Value::Null => &[],
            _ => {
                self.wrong_type(node, field);
                &[]
            }
        }
    }

    pub fn text_list(&mut self, node: &Node, field: &Field) -> Vec<String> {
        let mut out = Vec::new();
        for item in self.list(node, field) {
            if let Some(s) = self.string(item, field) {
                out.push(s);
            }
        }
        out
    }

    /// A path to a file under content/ that must exist: `input.file` otherwise.
    pub fn path(&mut self, node: &Node, field: &Field) -> Option<String> {
        let raw = self.string(node, field)?;
        // Stamped before it is looked at: a photo changed while it is read
        // then differs from its stamp next time, and is looked at again.
        if let Ok(rel) = paths::lexical(&raw) {
            let stamp = crate::load::cache::stamp(&self.content_dir.join(&rel));
            self.photos.push((rel, stamp));
        }
        match paths::resolve(self.content_dir, &raw) {
            Ok(rel) => match photo::check(&self.content_dir.join(&rel)) {
                Ok(()) => Some(rel),
                Err((why_zh, why_en)) => {
                    self.report(
                        Rule::InputFile,
                        node.loc,
                        Msg::new(
                            format!("照片“{raw}”不能用：{why_zh}"),
                            format!("the photo `{raw}` cannot be used: {why_en}"),
                        ),
                        Msg::new(
                            "从相机或手机重新拷贝原图，或用看图软件另存为 JPEG 或 PNG",
                            "copy the original from the camera or phone again, or save it as JPEG or PNG",
                        ),
                    );
                    None
                }
            },
            Err(problem) => {
                let (zh, en, fix_zh, fix_en) = match problem {
                    PathProblem::Absolute => (
                        format!("路径“{raw}”是绝对路径"),
                        format!("the path `{raw}` is absolute"),
                        "写成相对 content 文件夹的路径，如 photos/hongqi/gate.jpg，并把文件放进 content 文件夹".to_owned(),
                        "write a path relative to content/, e.g. photos/hongqi/gate.jpg, and put the file there".to_owned(),
                    ),
                    PathProblem::Escapes => (
                        format!("路径“{raw}”超出了 content 文件夹"),
                        format!("the path `{raw}` leaves the content folder"),
                        "把文件放进 content 文件夹，去掉路径里的 ..".to_owned(),
                        "put the file inside content/ and drop the `..`".to_owned(),
                    ),
                    PathProblem::Missing => (
                        format!("找不到文件“{raw}”"),
                        format!("the file `{raw}` does not exist"),
                        "检查文件名和大小写，把文件放到 content 文件夹下的这个位置".to_owned(),
                        "check the name and its case, and put the file at this place under content/".to_owned(),
                    ),
                };
                self.report(
                    Rule::InputFile,
                    node.loc,
                    Msg::new(zh, en),
                    Msg::new(fix_zh, fix_en),
                );
                None
            }
        }
    }
}

/// The text fields that may run over several lines (with tabs).
pub const MULTILINE_KEYS: &[&str] = &["body", "description"];

/// May no text hold `c`? Control characters (C0, DEL, C1; newline and tab
/// allowed where `multiline`) and the bidirectional embeddings, overrides
/// and isolates.
pub fn forbidden_char(c: char, multiline: bool) -> bool {
    if multiline && (c == '\n' || c == '\t') {
        return false;
    }
    c.is_control() || matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

fn keys(shape: &Shape) -> String {
    shape
        .fields
        .iter()
        .map(|f| f.key)
        .collect::<Vec<_>>()
        .join("、")
}

fn is_date(s: &str) -> bool {
    let parts: Vec<&str> = s.split('-').collect();
    let [y, m, d] = parts.as_slice() else {
        return false;
    };
    let num = |p: &str, len: usize| p.len() == len && p.bytes().all(|b| b.is_ascii_digit());
    if !(num(y, 4) && num(m, 2) && num(d, 2)) {
        return false;
    }
    let (y, m, d): (u32, u32, u32) = (
        y.parse().unwrap_or(0),
        m.parse().unwrap_or(0),
        d.parse().unwrap_or(0),
    );
    // The days of the month (a JSON Schema `format: date` and every
    // spreadsheet refuse 2024-02-30 too).
    let leap = y % 4 == 0 && (y % 100 != 0 || y % 400 == 0);
    let days = match m {
        2 if leap => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    };
    (1..=12).contains(&m) && (1..=days).contains(&d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggests_the_nearest_key() {
        let keys = [
            ("gate", &[][..]),
            ("gate_walls", &["墙体"][..]),
            ("header", &["门头"][..]),
        ];
        assert_eq!(suggest("gate_wall", keys), Some("gate_walls"));
        assert_eq!(suggest("门头", keys), Some("header"));
        assert_eq!(suggest("zzzzzz", keys), None);
    }

    #[test]
    fn dates() {
        assert!(is_date("2024-09-12"));
        assert!(!is_date("2024-13-01"));
        assert!(is_date("2024-02-29") && !is_date("2023-02-29") && !is_date("2024-04-31"));
        assert!(!is_date("2024/09/12"));
    }
}
