//! The report as people read it, like rustc's:
//!
//! ```text
//! error[gate.unlisted]: 大门两侧不得悬挂“红旗社区退役军人服务站”……
//!   --> communities/城关镇/hongqi.yaml:14:5
//!    |
//! 14 |   - 红旗社区退役军人服务站
//!    |     ^^^^^^^^^^^^^^^^^^^^^^
//!    = 建议: 摘除……
//! ```
//!
//! Carets are measured in terminal columns, so they stay under Chinese text.

use std::collections::HashMap;
use std::fmt::Write;

use crate::check::Report;
use crate::diag::{Finding, Lang, Severity};
use crate::text::display_width;

/// Terminal colours, only when printing to a terminal that wants them.
#[derive(Clone, Copy, Debug, Default)]
pub struct Style {
    pub color: bool,
}

impl Style {
    fn paint(self, code: &str, s: &str) -> String {
        if self.color {
            format!("\x1b[{code}m{s}\x1b[0m")
        } else {
            s.to_owned()
        }
    }
}

pub fn render(
    report: &Report,
    sources: &HashMap<String, String>,
    lang: Lang,
    style: Style,
) -> String {
    let mut out = String::new();
    for f in &report.findings {
        render_finding(
            &mut out,
            f,
            sources.get(&f.file).map(String::as_str),
            lang,
            style,
        );
        out.push('\n');
    }
    out.push_str(&summary_line(report, lang));
    out.push('\n');
    out
}

pub fn summary_line(report: &Report, lang: Lang) -> String {
    let s = report.summary;
    let input = report.findings.iter().filter(|f| f.rule.is_input()).count();
    match lang {
        Lang::Zh => {
            let mut line = format!(
                "检查了 {} 个村(社区)：{} 个合规，{} 个不合规；错误 {} 处，警告 {} 处。",
                s.communities,
                s.compliant,
                s.communities - s.compliant,
                s.errors,
                s.warnings
            );
            if input > 0 {
                let _ = write!(
                    line,
                    "\n其中 {input} 处是清单文件本身的问题（input.*），请先改正这些。"
                );
            }
            line
        }
        Lang::En => {
            let mut line = format!(
                "checked {} communities: {} compliant, {} not; {} errors, {} warnings.",
                s.communities,
                s.compliant,
                s.communities - s.compliant,
                s.errors,
                s.warnings
            );
            if input > 0 {
                let _ = write!(
                    line,
                    "\n{input} of them are problems with the files themselves (input.*): fix these first."
                );
            }
            line
        }
    }
}

pub fn render_finding(
    out: &mut String,
    f: &Finding,
    source: Option<&str>,
    lang: Lang,
    style: Style,
) {
    let (sev, code) = match f.severity() {
        Severity::Error => ("error", "1;31"),
        Severity::Warning => ("warning", "1;33"),
    };
    let _ = writeln!(
        out,
        "{}: {}",
        style.paint(code, &format!("{sev}[{}]", f.rule.code())),
        f.message.get(lang)
    );
    let line_no = f.loc.line.max(1);
    let gutter = line_no.to_string().len();
    let pad = " ".repeat(gutter);
    let _ = writeln!(
        out,
        "{pad}{} {}:{}:{}",
        style.paint("1;34", "-->"),
        f.file,
        line_no,
        f.loc.column.max(1)
    );
    let line = source.and_then(|s| s.lines().nth(line_no as usize - 1));
    if let Some(line) = line {
        let line = line.trim_end_matches('\r');
        let bar = style.paint("1;34", "|");
        let shown = line.replace('\t', "    ");
        let (lead, marked) = underline(line, f.loc.column.max(1) as usize, f.loc.len as usize);
        let _ = writeln!(out, "{pad} {bar}");
        let _ = writeln!(
            out,
            "{} {bar} {shown}",
            style.paint("1;34", &line_no.to_string())
        );
        let _ = writeln!(
            out,
            "{pad} {bar} {}{}",
            " ".repeat(lead),
            style.paint(code, &"^".repeat(marked.max(1)))
        );
    }
    if let Some(fix) = &f.fix {
        let label = match lang {
            Lang::Zh => "建议",
            Lang::En => "help",
        };
        let _ = writeln!(out, "{pad} = {label}: {}", fix.get(lang));
    }
}

/// Terminal columns before the caret and under it, for a 1-based character
/// column and a length in characters (0: to the end of the line's content).
pub fn underline(line: &str, column: usize, len: usize) -> (usize, usize) {
    let chars: Vec<char> = line.chars().collect();
    let start = (column - 1).min(chars.len());
    let lead: String = chars[..start].iter().collect();
    let rest: String = chars[start..].iter().collect();
    let content = strip_comment(&rest).trim_end();
    let marked: String = if len > 0 {
        content.chars().take(len).collect()
    } else {
        content.to_owned()
    };
    (display_width(&lead), display_width(&marked))
}

/// The line without a trailing `# comment` (a `#` after white space, outside quotes).
fn strip_comment(s: &str) -> &str {
    let mut quote: Option<char> = None;
    let mut prev_space = true;
    for (i, c) in s.char_indices() {
        match (quote, c) {
            (None, '"' | '\'') => quote = Some(c),
            (Some(q), c) if c == q => quote = None,
            (None, '#') if prev_space => return &s[..i],
            _ => {}
        }
        prev_space = c.is_whitespace();
    }
    s
}

/// Reminders printed after the text report that are not findings (the JSON
/// report and its counts do not change): a wall rule that goes into the
/// public service handbook but has no `body` is printed there by its title
/// with a neutral note, so the clerk is told here, not in the handbook.
pub fn handbook_hints(
    communities: &[crate::model::Community],
    std: &crate::standard::Standard,
    lang: Lang,
) -> String {
    let mut out = String::new();
    for c in communities {
        for r in &c.wall_rules {
            let internal = std.category(&r.category).is_some_and(|cat| !cat.on_wall);
            let no_body = r.body.as_deref().is_none_or(|b| b.trim().is_empty());
            if !(internal && no_body) {
                continue;
            }
            let title = r.title.raw.trim();
            let line = match lang {
                Lang::Zh => format!(
                    "提示：{} 第 {} 行的制度“{title}”没有正文（body），服务手册里只印标题；补上 body 后重新生成",
                    c.file, r.loc.line
                ),
                Lang::En => format!(
                    "note: {} line {}: the rule “{title}” has no body; the service handbook prints its title only — add `body` and rebuild",
                    c.file, r.loc.line
                ),
            };
            // A blank line parts the hints from the summary above them.
            if out.is_empty() {
                out.push('\n');
            }
            out.push_str(&line);
            out.push('\n');
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn carets_line_up_under_chinese() {
        // "  - text: 红旗社区退役军人服务站" — the entry starts at column 5.
        let line = "  - text: 红旗社区退役军人服务站  # 注释";
        assert_eq!(underline(line, 5, 0), (4, 6 + 22));
        // The scalar at column 11, 11 characters long: 22 columns.
        assert_eq!(underline(line, 11, 11), (10, 22));
        // A caret after Chinese text on the same line.
        assert_eq!(underline("名称: 红旗", 5, 2), (6, 4));
    }
}
