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
    // Findings come sorted by file and line: one file's line index and one
    // line's character index serve every finding on them, so a file with
    // thousands of findings is indexed once, not once per finding.
    let mut lines: Option<Lines> = None;
    for f in &report.findings {
        let line_no = f.loc.line.max(1);
        let line = match sources.get(&f.file) {
            Some(src) => {
                if lines.as_ref().is_none_or(|l| l.file != f.file) {
                    lines = Some(Lines::new(&f.file, src));
                }
                lines.as_mut().and_then(|l| l.line(line_no))
            }
            None => None,
        };
        write_finding(&mut out, f, line, lang, style);
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
    let line = source.and_then(|s| {
        let n = f.loc.line.max(1) as usize;
        s.lines().nth(n - 1).map(Line::new)
    });
    write_finding(out, f, line.as_ref(), lang, style);
}

fn write_finding(out: &mut String, f: &Finding, line: Option<&Line>, lang: Lang, style: Style) {
    let (sev, code) = match f.severity() {
        Severity::Error => ("error", "1;31"),
        Severity::Warning => ("warning", "1;33"),
    };
    let _ = writeln!(
        out,
        "{}: {}",
        style.paint(code, &format!("{sev}[{}]", f.rule.code())),
        escape(f.message.get(lang))
    );
    let line_no = f.loc.line.max(1);
    let gutter = line_no.to_string().len();
    let pad = " ".repeat(gutter);
    let _ = writeln!(
        out,
        "{pad}{} {}:{}:{}",
        style.paint("1;34", "-->"),
        escape(&f.file),
        line_no,
        f.loc.column.max(1)
    );
    if let Some(line) = line {
        let bar = style.paint("1;34", "|");
        let snip = snippet(line, f.loc.column.max(1) as usize, f.loc.len as usize);
        let _ = writeln!(out, "{pad} {bar}");
        let _ = writeln!(
            out,
            "{} {bar} {}",
            style.paint("1;34", &line_no.to_string()),
            snip.text
        );
        let _ = writeln!(
            out,
            "{pad} {bar} {}{}",
            " ".repeat(snip.lead),
            style.paint(code, &"^".repeat(snip.marked.max(1)))
        );
    }
    if let Some(fix) = &f.fix {
        let label = match lang {
            Lang::Zh => "建议",
            Lang::En => "help",
        };
        let _ = writeln!(out, "{pad} = {label}: {}", escape(fix.get(lang)));
    }
}

/// A line longer than this many terminal columns is shown cut around the
/// caret, as rustc does, so that one long line (a 1 MB flow list) costs each
/// of its findings a few hundred bytes of report, not the whole line.
pub const MAX_SHOWN_COLS: usize = 100;
/// Of a cut line: at most this many columns before the caret ...
const LEFT_COLS: usize = 30;
/// ... and at most this many underlined.
const MAX_MARK_COLS: usize = 50;

/// One file's line starts, for finding line N without scanning the file again.
struct Lines<'s> {
    file: &'s str,
    src: &'s str,
    starts: Vec<usize>,
    current: Option<(u32, Line<'s>)>,
}

impl<'s> Lines<'s> {
    fn new(file: &'s str, src: &'s str) -> Lines<'s> {
        let mut starts = vec![0];
        starts.extend(src.match_indices('\n').map(|(i, _)| i + 1));
        Lines {
            file,
            src,
            starts,
            current: None,
        }
    }

    /// Line `n` (from 1) as `str::lines` gives it, indexed once.
    fn line(&mut self, n: u32) -> Option<&Line<'s>> {
        if self.current.as_ref().is_none_or(|(at, _)| *at != n) {
            let start = *self.starts.get(n as usize - 1)?;
            if start >= self.src.len() {
                return None;
            }
            let end = self
                .starts
                .get(n as usize)
                .map_or(self.src.len(), |next| next - 1);
            self.current = Some((n, Line::new(&self.src[start..end])));
        }
        self.current.as_ref().map(|(_, l)| l)
    }
}

/// A source line with what it takes to cut it quickly: whether it is ASCII
/// (then a column is a byte offset), else where each character starts.
pub struct Line<'s> {
    text: &'s str,
    width: usize,
    char_starts: Option<Vec<usize>>,
}

impl<'s> Line<'s> {
    pub fn new(text: &'s str) -> Line<'s> {
        let text = text.trim_end_matches('\r');
        let char_starts = (!text.is_ascii()).then(|| text.char_indices().map(|(i, _)| i).collect());
        Line {
            text,
            width: shown_width(text),
            char_starts,
        }
    }

    /// The byte offset of the character at `index` (from 0), or the end.
    fn byte_of(&self, index: usize) -> usize {
        match &self.char_starts {
            None => index.min(self.text.len()),
            Some(starts) => starts.get(index).copied().unwrap_or(self.text.len()),
        }
    }
}

/// What is printed for a line: the text (cut and escaped), the columns
/// before the caret and the columns under it.
#[derive(Debug, PartialEq, Eq)]
pub struct Snippet {
    pub text: String,
    pub lead: usize,
    pub marked: usize,
}

/// The line as shown with a caret at the 1-based character `column`, `len`
/// characters long (0: to the end of the line's content).
pub fn snippet(line: &Line, column: usize, len: usize) -> Snippet {
    let text = line.text;
    let start = line.byte_of(column - 1);
    if line.width <= MAX_SHOWN_COLS {
        let rest = strip_comment(&text[start..]).trim_end();
        let marked = if len > 0 {
            &rest[..rest.char_indices().nth(len).map_or(rest.len(), |(i, _)| i)]
        } else {
            rest
        };
        return Snippet {
            text: shown(text),
            lead: shown_width(&text[..start]),
            marked: shown_width(marked),
        };
    }
    // A long line: at most MAX_MARK_COLS underlined, LEFT_COLS before it,
    // the rest of MAX_SHOWN_COLS after it.
    let piece = take_cols(&text[start..], MAX_MARK_COLS);
    let content = if piece.len() == text.len() - start {
        strip_comment(piece).trim_end()
    } else {
        piece
    };
    let marked = if len > 0 {
        &content[..content
            .char_indices()
            .nth(len)
            .map_or(content.len(), |(i, _)| i)]
    } else {
        content
    };
    let mark_end = start + marked.len();
    let left = start - take_cols_back(&text[..start], LEFT_COLS).len();
    let used = shown_width(&text[left..mark_end]);
    let right = mark_end + take_cols(&text[mark_end..], MAX_SHOWN_COLS.saturating_sub(used)).len();
    let mut out = String::new();
    let mut lead = shown_width(&text[left..start]);
    if left > 0 {
        out.push_str("...");
        lead += 3;
    }
    out.push_str(&shown(&text[left..right]));
    if right < text.len() {
        out.push_str("...");
    }
    Snippet {
        text: out,
        lead,
        marked: shown_width(marked),
    }
}

/// The longest start of `s` at most `cols` columns wide.
fn take_cols(s: &str, cols: usize) -> &str {
    let mut used = 0;
    for (i, c) in s.char_indices() {
        used += char_width(c);
        if used > cols {
            return &s[..i];
        }
    }
    s
}

/// The longest end of `s` at most `cols` columns wide.
fn take_cols_back(s: &str, cols: usize) -> &str {
    let mut used = 0;
    for (i, c) in s.char_indices().rev() {
        used += char_width(c);
        if used > cols {
            return &s[i + c.len_utf8()..];
        }
    }
    s
}

/// What a character looks like in the report: a tab as spaces, a control
/// character as its visible symbol (␛ for ESC), a direction override as
/// U+FFFD, so text from a file can neither recolour the terminal nor reorder
/// what is shown.
fn shown_char(c: char) -> Option<char> {
    match c {
        '\t' => None,
        '\u{0}'..='\u{1F}' => char::from_u32(0x2400 + u32::from(c)),
        '\u{7F}' => Some('\u{2421}'),
        c if c.is_control() => Some('\u{FFFD}'),
        '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' => Some('\u{FFFD}'),
        c => Some(c),
    }
}

fn char_width(c: char) -> usize {
    match shown_char(c) {
        None => 4,
        Some(c) => display_width(c.encode_utf8(&mut [0; 4])),
    }
}

fn shown_width(s: &str) -> usize {
    s.chars().map(char_width).sum()
}

/// `s` as printed in a source line: tabs as four spaces, see [`shown_char`].
fn shown(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match shown_char(c) {
            None => out.push_str("    "),
            Some(c) => out.push(c),
        }
    }
    out
}

/// A message or a file name as printed: every control character (a line
/// break too: one finding, one message line) and direction override made
/// visible, as in source lines.
pub fn escape(s: &str) -> std::borrow::Cow<'_, str> {
    if !s.chars().any(|c| shown_char(c) != Some(c)) {
        return std::borrow::Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        // A tab, which source lines show as spaces, is ␉ here.
        out.push(shown_char(c).unwrap_or('\u{2409}'));
    }
    std::borrow::Cow::Owned(out)
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

    fn underline(line: &str, column: usize, len: usize) -> (usize, usize) {
        let s = snippet(&Line::new(line), column, len);
        (s.lead, s.marked)
    }

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

    #[test]
    fn long_lines_are_cut_around_the_caret() {
        let items: Vec<String> = (0..5000).map(|i| format!("a{i}")).collect();
        let line = format!("gate: [{}]", items.join(", "));
        let at = line.find("a2500").unwrap() + 1;
        let s = snippet(&Line::new(&line), at, 5);
        assert!(
            s.text.starts_with("...") && s.text.ends_with("..."),
            "{}",
            s.text
        );
        assert!(s.text.len() <= MAX_SHOWN_COLS + 6, "{}", s.text.len());
        // The caret still stands under the entry.
        let under: String = s.text.chars().skip(s.lead).take(s.marked).collect();
        assert_eq!(under, "a2500");
        // The whole rest of a collection is underlined only so far.
        let s = snippet(&Line::new(&line), 7, 0);
        assert!(!s.text.starts_with("..."));
        assert_eq!((s.lead, s.marked), (6, MAX_MARK_COLS));
        // Chinese text: the columns are terminal columns.
        let line = format!("{}：红旗", "中".repeat(200));
        let s = snippet(&Line::new(&line), 202, 2);
        let under: String = s.text.chars().skip(3 + 15).take(2).collect();
        assert_eq!((s.lead, s.marked, under.as_str()), (3 + 30, 4, "红旗"));
    }

    #[test]
    fn control_characters_are_shown_not_sent() {
        assert_eq!(
            escape("communities/\u{1b}[31mx.yaml"),
            "communities/\u{241b}[31mx.yaml"
        );
        assert_eq!(escape("a\nb\u{202e}c"), "a\u{240a}b\u{fffd}c");
        assert!(matches!(escape("城关镇"), std::borrow::Cow::Borrowed(_)));
        let s = snippet(&Line::new("name: 红\u{7}旗"), 7, 3);
        assert_eq!(s.text, "name: 红\u{2407}旗");
        assert_eq!((s.lead, s.marked), (6, 5));
    }
}
