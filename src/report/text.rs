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

use annotate_snippets::{AnnotationKind, Element, Level, Origin, Renderer, Snippet as Source};
use rayon::prelude::*;
use unicode_width::UnicodeWidthChar;

use crate::check::Report;
use crate::diag::{Finding, Lang, Severity};
use crate::text::display_width;

/// Terminal colours, only when printing to a terminal that wants them.
#[derive(Clone, Copy, Debug, Default)]
pub struct Style {
    pub color: bool,
}

impl Style {
    /// Colour as anstream decides it for standard output: none when it is not
    /// a terminal, when `NO_COLOR` is set or `CLICOLOR=0`; forced by
    /// `CLICOLOR_FORCE` (a CI log that renders colour).
    pub fn for_stdout() -> Style {
        let choice = anstream::AutoStream::choice(&std::io::stdout());
        Style {
            color: choice != anstream::ColorChoice::Never,
        }
    }

    fn renderer(self) -> Renderer {
        let renderer = if self.color {
            Renderer::styled()
        } else {
            Renderer::plain()
        };
        // Lines are already cut around the caret (see `snippet`): the
        // renderer must not cut them again, which would move the carets.
        renderer.term_width(RENDER_WIDTH)
    }
}

/// Wider than any line `snippet` leaves, with the gutter and a label.
const RENDER_WIDTH: usize = 1_000;

pub fn render(
    report: &Report,
    sources: &HashMap<String, String>,
    lang: Lang,
    style: Style,
) -> String {
    let renderer = style.renderer();
    // Each finding is rendered from itself and its file alone, so runs of
    // whole files are rendered in parallel and joined in order: the same
    // bytes as one pass (a county's 18,000 findings took a third of `check`
    // on one thread). A file is never split, so that its lines are indexed
    // and measured once however many findings it has.
    let findings = &report.findings;
    let mut bounds = vec![0];
    for i in 1..findings.len() {
        if i - bounds[bounds.len() - 1] >= CHUNK && findings[i].file != findings[i - 1].file {
            bounds.push(i);
        }
    }
    bounds.push(findings.len());
    let chunks: Vec<String> = bounds
        .par_windows(2)
        .map(|w| render_chunk(&findings[w[0]..w[1]], sources, lang, style, &renderer))
        .collect();
    let summary = summary_line(report, lang);
    let mut out =
        String::with_capacity(chunks.iter().map(String::len).sum::<usize>() + summary.len() + 1);
    for chunk in &chunks {
        out.push_str(chunk);
    }
    out.push_str(&summary);
    out.push('\n');
    out
}

/// Findings per parallel piece of the text report (at least, but for the
/// last: a piece ends where a file does).
const CHUNK: usize = 256;

/// The findings of `chunk` (sorted by file and line), each followed by a blank line.
fn render_chunk(
    chunk: &[Finding],
    sources: &HashMap<String, String>,
    lang: Lang,
    style: Style,
    renderer: &Renderer,
) -> String {
    let mut out = String::with_capacity(chunk.len() * 512);
    // Findings come sorted by file and line: one file's line index and one
    // line's character index serve every finding on them, so a file with
    // thousands of findings is indexed once, not once per finding.
    let mut index: Option<LineIndex> = None;
    let mut current: Option<(u32, Line)> = None;
    for f in chunk {
        let line_no = f.loc.line.max(1);
        let src = sources.get(&f.file);
        if let Some(src) = src
            && index.as_ref().is_none_or(|i| i.file != f.file)
        {
            index = Some(LineIndex::new(&f.file, src));
            current = None;
        }
        let index = index.as_ref().filter(|_| src.is_some());
        if let Some(ix) = index
            && current.as_ref().is_none_or(|(n, _)| *n != line_no)
        {
            current = ix.raw(line_no).map(|t| (line_no, Line::new(t)));
        }
        let line = current
            .as_ref()
            .filter(|(n, _)| index.is_some() && *n == line_no)
            .map(|(_, l)| l);
        let other_line = |n: u32| index.and_then(|ix| ix.raw(n));
        write_finding(&mut out, f, line, &other_line, lang, style, renderer);
        out.push('\n');
    }
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
    let nth = |n: u32| source.and_then(|s| s.lines().nth(n.max(1) as usize - 1));
    let line = nth(f.loc.line).map(Line::new);
    write_finding(out, f, line.as_ref(), &nth, lang, style, &style.renderer());
}

/// One finding as annotate-snippets renders it: the title, the primary
/// span under its source line, each related place as a labelled secondary
/// span (on the same line when it fits the cut, else under its own line),
/// and the fix.
fn write_finding<'s>(
    out: &mut String,
    f: &Finding,
    line: Option<&Line>,
    other_line: &dyn Fn(u32) -> Option<&'s str>,
    lang: Lang,
    style: Style,
    renderer: &Renderer,
) {
    let line_no = f.loc.line.max(1);
    let column = f.loc.column.max(1) as usize;
    if !style.color
        && f.related.is_empty()
        && let Some(line) = line
    {
        let len = f.loc.len as usize;
        // A plain line that needs no cut is shown as it is: its snippet is
        // the line itself (what `snippet` makes of it, without the copies).
        let written = if line.plain && line.width <= MAX_SHOWN_COLS {
            let (start, end) = mark(line, column, len);
            write_plain(out, f, line.text, start..end, line_no, column, lang)
        } else {
            let snip = snippet(line, column, len);
            write_plain(out, f, &snip.text, snip.span, line_no, column, lang)
        };
        if written {
            return;
        }
    }
    write_annotated(out, f, &escape(&f.file), line, other_line, lang, renderer);
}

/// [`write_finding`] through annotate-snippets: every finding can go this way.
fn write_annotated<'s>(
    out: &mut String,
    f: &Finding,
    file: &str,
    line: Option<&Line>,
    other_line: &dyn Fn(u32) -> Option<&'s str>,
    lang: Lang,
    renderer: &Renderer,
) {
    let level = match f.severity() {
        Severity::Error => Level::ERROR,
        Severity::Warning => Level::WARNING,
    };
    let file = std::borrow::Cow::Borrowed(file);
    let line_no = f.loc.line.max(1);
    let column = f.loc.column.max(1) as usize;
    let mut elements: Vec<Element> = Vec::new();
    // The location lines annotate-snippets computes from a cut line, with
    // the column it will print and the true one (see `fix_columns`).
    let mut columns: Vec<(u32, usize, usize)> = Vec::new();
    match line {
        Some(line) => {
            let snip = snippet(line, column, f.loc.len as usize);
            columns.push((line_no, snip.shown_column(), column));
            let mut primary = Source::source(snip.text.clone())
                .line_start(line_no as usize)
                .path(file.clone())
                .annotation(AnnotationKind::Primary.span(snip.span.clone()));
            let mut apart = Vec::new();
            for (loc, label) in &f.related {
                let at = (loc.line.max(1), loc.column.max(1) as usize);
                let label = escape(label.get(lang)).into_owned();
                match snip.place(line, at.1, loc.len as usize) {
                    Some(span) if at.0 == line_no => {
                        primary =
                            primary.annotation(AnnotationKind::Context.span(span).label(label));
                    }
                    _ => apart.push((at, loc.len as usize, label)),
                }
            }
            elements.push(primary.into());
            for ((rel_line, rel_col), len, label) in apart {
                // The finding's own line is indexed once (a duplicate on one
                // long line must not re-read it for every finding).
                let rel = if rel_line == line_no {
                    snippet(line, rel_col, len)
                } else {
                    let Some(text) = other_line(rel_line) else {
                        continue;
                    };
                    snippet(&Line::new(text), rel_col, len)
                };
                columns.push((rel_line, rel.shown_column(), rel_col));
                elements.push(
                    Source::source(rel.text)
                        .line_start(rel_line as usize)
                        .path(file.clone())
                        .annotation(AnnotationKind::Context.span(rel.span).label(label))
                        .into(),
                );
            }
        }
        // No source to show (a folder, an unreadable file): the place alone.
        None => elements.push(
            Origin::path(file.clone())
                .line(line_no as usize)
                .char_column(column)
                .into(),
        ),
    }
    if let Some(fix) = &f.fix {
        let name = match lang {
            Lang::Zh => "建议",
            Lang::En => "help",
        };
        elements.push(
            Level::HELP
                .with_name(name)
                .message(escape(fix.get(lang)).into_owned())
                .into(),
        );
    }
    let report = [level
        .primary_title(escape(f.message.get(lang)))
        .id(f.rule.code())
        .elements(elements)];
    let rendered = renderer.render(&report);
    out.push_str(&fix_columns(rendered, &file, &columns));
    out.push('\n');
}

/// The common finding — one span on one source line, no related places, no
/// colour — written directly, byte for byte as annotate-snippets renders it
/// (the unit tests compare the two): annotate-snippets took a third of a
/// county's `check`. `false`, with nothing written, for anything else: a
/// character it would replace or measure otherwise, an empty span, a line
/// it would cut (long, or indented far).
/// `text` is the line as shown and `span` the underlined bytes of it. The
/// file name, message and fix are taken as they are: made of plain
/// characters, [`escape`] leaves them so.
fn write_plain(
    out: &mut String,
    f: &Finding,
    text: &str,
    span: std::ops::Range<usize>,
    line_no: u32,
    column: usize,
    lang: Lang,
) -> bool {
    let file = f.file.as_str();
    let title = f.message.get(lang);
    let fix = f.fix.as_ref().map(|fix| fix.get(lang));
    let leading = text.chars().take_while(|c| c.is_whitespace()).count();
    if span.is_empty()
        || span.end > text.len()
        || !text.is_char_boundary(span.start)
        || !text.is_char_boundary(span.end)
        || leading > 20
        || text.len() > 400
        || title.len() > 4000
        || fix.is_some_and(|f| f.len() > 4000)
        || ![text, file, title, fix.unwrap_or("")]
            .iter()
            .all(|s| s.chars().all(plain_char))
    {
        return false;
    }
    let width = |s: &str| s.chars().map(plain_width).sum::<usize>();
    let (lead, marked) = (width(&text[..span.start]), width(&text[span]));
    let digits = line_no.to_string();
    let pad = " ".repeat(digits.len());
    let level = match f.severity() {
        Severity::Error => "error",
        Severity::Warning => "warning",
    };
    let _ = write!(
        out,
        "{level}[{}]: {title}\n{pad}--> {file}:{line_no}:{column}\n{pad} |\n{digits} | {text}\n{pad} | ",
        f.rule.code()
    );
    out.extend(std::iter::repeat_n(' ', lead));
    out.extend(std::iter::repeat_n('^', marked));
    if let Some(fix) = fix {
        let name = match lang {
            Lang::Zh => "建议",
            Lang::En => "help",
        };
        let _ = write!(out, "\n{pad} |\n{pad} = {name}: {fix}");
    }
    out.push('\n');
    true
}

/// A character annotate-snippets prints as it is and measures as
/// `unicode-width` does (one or two columns): printable ASCII and wider
/// characters other than controls, the zero-width joiner and the direction
/// controls, which it replaces.
fn plain_char(c: char) -> bool {
    match c {
        ' '..='~' => true,
        // The CJK ideographs, all two columns wide (a unit test holds them to it).
        '\u{4E00}'..='\u{9FFF}' => true,
        '\u{0}'..='\u{9F}' | '\u{200D}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' => {
            false
        }
        c => matches!(UnicodeWidthChar::width(c), Some(1 | 2)),
    }
}

/// Columns of a [`plain_char`].
fn plain_width(c: char) -> usize {
    match c {
        ' '..='~' => 1,
        '\u{4E00}'..='\u{9FFF}' => 2,
        c => UnicodeWidthChar::width(c).unwrap_or(1),
    }
}

/// annotate-snippets prints `file:line:column` with the column counted in
/// the text it was given; a cut line starts with "..." somewhere in the
/// middle, so the printed column is put back to the true one. Only the
/// location lines after the title are touched, in order.
fn fix_columns(mut rendered: String, file: &str, columns: &[(u32, usize, usize)]) -> String {
    let mut from = rendered.find('\n').unwrap_or(rendered.len());
    for &(line, shown, real) in columns {
        let printed = format!("{file}:{line}:{shown}");
        let Some(at) = find_number_end(&rendered[from..], &printed).map(|i| i + from) else {
            continue;
        };
        let end = at + printed.len();
        if shown != real {
            rendered.replace_range(at..end, &format!("{file}:{line}:{real}"));
        }
        from = rendered[at..].find('\n').map_or(rendered.len(), |i| at + i);
    }
    rendered
}

/// Where `needle` (ending in a number) occurs not followed by another digit.
fn find_number_end(hay: &str, needle: &str) -> Option<usize> {
    let mut from = 0;
    while let Some(i) = hay[from..].find(needle) {
        let at = from + i;
        let after = hay[at + needle.len()..].chars().next();
        if !after.is_some_and(|c| c.is_ascii_digit()) {
            return Some(at);
        }
        from = at + needle.len();
    }
    None
}

/// A line longer than this many terminal columns is shown cut around the
/// caret, as rustc does, so that one long line (a 1 MB flow list) costs each
/// of its findings a few hundred bytes of report, not the whole line.
pub const MAX_SHOWN_COLS: usize = 100;
/// Of a cut line: at most this many columns before the caret ...
const LEFT_COLS: usize = 30;
/// ... and at most this many underlined.
const MAX_MARK_COLS: usize = 50;

/// One file's line starts, for finding line N without scanning the file
/// again; found only as far as asked for (findings come in line order, and
/// most files have none past their middle).
struct LineIndex<'s> {
    file: &'s str,
    src: &'s str,
    starts: std::cell::RefCell<Vec<usize>>,
}

impl<'s> LineIndex<'s> {
    fn new(file: &'s str, src: &'s str) -> LineIndex<'s> {
        LineIndex {
            file,
            src,
            starts: std::cell::RefCell::new(vec![0]),
        }
    }

    /// Line `n` (from 1) as `str::lines` gives it.
    fn raw(&self, n: u32) -> Option<&'s str> {
        let n = n as usize;
        let mut starts = self.starts.borrow_mut();
        // The start of line n + 1 (the end of line n), or every start there is.
        while starts.len() <= n {
            let last = starts[starts.len() - 1];
            match self.src[last..].find('\n') {
                Some(i) => starts.push(last + i + 1),
                None => break,
            }
        }
        let start = *starts.get(n.checked_sub(1)?)?;
        if start >= self.src.len() {
            return None;
        }
        let end = starts.get(n).map_or(self.src.len(), |next| next - 1);
        Some(&self.src[start..end])
    }
}

/// A line up to this many bytes finds a column's byte by walking it; a
/// longer one keeps where each character starts (a 1 MB flow list with
/// thousands of findings).
const WALK_BYTES: usize = 256;

/// A source line with what it takes to cut it quickly: whether it is ASCII
/// (then a column is a byte offset), else (when it is long) where each
/// character starts; and whether annotate-snippets would print it as it is
/// ([`plain_char`]).
pub struct Line<'s> {
    text: &'s str,
    width: usize,
    char_starts: Option<Vec<usize>>,
    plain: bool,
}

impl<'s> Line<'s> {
    pub fn new(text: &'s str) -> Line<'s> {
        let text = text.trim_end_matches('\r');
        let char_starts = (!text.is_ascii() && text.len() > WALK_BYTES)
            .then(|| text.char_indices().map(|(i, _)| i).collect());
        let (mut width, mut plain) = (0, true);
        for c in text.chars() {
            width += char_width(c);
            plain &= plain_char(c);
        }
        Line {
            text,
            width,
            char_starts,
            plain,
        }
    }

    /// The byte offset of the character at `index` (from 0), or the end.
    fn byte_of(&self, index: usize) -> usize {
        match &self.char_starts {
            None if self.text.is_ascii() => index.min(self.text.len()),
            None => self
                .text
                .char_indices()
                .nth(index)
                .map_or(self.text.len(), |(i, _)| i),
            Some(starts) => starts.get(index).copied().unwrap_or(self.text.len()),
        }
    }
}

/// What is printed for a line: the text (cut and escaped), the columns
/// before the caret and the columns under it, and the underlined bytes of
/// the text.
#[derive(Debug, PartialEq, Eq)]
pub struct Snippet {
    pub text: String,
    pub lead: usize,
    pub marked: usize,
    pub span: std::ops::Range<usize>,
    /// The piece of the line shown, as byte offsets into the line.
    left: usize,
    right: usize,
}

impl Snippet {
    /// The column annotate-snippets counts for the caret: characters of the
    /// shown text before it, from 1.
    fn shown_column(&self) -> usize {
        self.text[..self.span.start].chars().count() + 1
    }

    /// Where another entry of the same line (at `column`, `len` characters)
    /// stands in the shown text, when it lies within the piece shown.
    fn place(&self, line: &Line, column: usize, len: usize) -> Option<std::ops::Range<usize>> {
        let (start, end) = mark(line, column, len);
        if start < self.left || end > self.right {
            return None;
        }
        let text = line.text;
        let from = usize::from(self.left > 0) * 3 + shown(&text[self.left..start]).len();
        Some(from..from + shown(&text[start..end]).len())
    }
}

/// The bytes of the line underlined for an entry at the 1-based character
/// `column`, `len` characters long (0: to the end of the line's content,
/// at most MAX_MARK_COLS columns of a long line).
fn mark(line: &Line, column: usize, len: usize) -> (usize, usize) {
    let text = line.text;
    let start = line.byte_of(column.max(1) - 1);
    let rest = &text[start..];
    let content = if line.width <= MAX_SHOWN_COLS {
        strip_comment(rest).trim_end()
    } else {
        let piece = take_cols(rest, MAX_MARK_COLS);
        if piece.len() == rest.len() {
            strip_comment(piece).trim_end()
        } else {
            piece
        }
    };
    let marked = if len > 0 {
        content
            .char_indices()
            .nth(len)
            .map_or(content.len(), |(i, _)| i)
    } else {
        content.len()
    };
    (start, start + marked)
}

/// The line as shown with a caret at the 1-based character `column`, `len`
/// characters long (0: to the end of the line's content).
pub fn snippet(line: &Line, column: usize, len: usize) -> Snippet {
    let text = line.text;
    let (start, mark_end) = mark(line, column, len);
    let (left, right) = if line.width <= MAX_SHOWN_COLS {
        (0, text.len())
    } else {
        // A long line: at most MAX_MARK_COLS underlined, LEFT_COLS before
        // it, the rest of MAX_SHOWN_COLS after it.
        let left = start - take_cols_back(&text[..start], LEFT_COLS).len();
        let used = shown_width(&text[left..mark_end]);
        let right =
            mark_end + take_cols(&text[mark_end..], MAX_SHOWN_COLS.saturating_sub(used)).len();
        (left, right)
    };
    let mut out = String::new();
    let mut lead = shown_width(&text[left..start]);
    if left > 0 {
        out.push_str("...");
        lead += 3;
    }
    let before = out.len() + shown(&text[left..start]).len();
    out.push_str(&shown(&text[left..right]));
    if right < text.len() {
        out.push_str("...");
    }
    let span = before..before + shown(&text[start..mark_end]).len();
    Snippet {
        text: out,
        lead,
        marked: shown_width(&text[start..mark_end]),
        span,
        left,
        right,
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

/// `s` as given to the renderer for a source line, see [`shown_char`]: one
/// character for one, so that its columns are the file's; a tab stays a tab,
/// which annotate-snippets prints as four spaces (as `char_width` counts it).
fn shown(s: &str) -> String {
    s.chars().map(|c| shown_char(c).unwrap_or('\t')).collect()
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
    // Each community's hints on its own, in parallel; joined in order.
    let hints: Vec<String> = communities
        .par_iter()
        .map(|c| {
            let mut out = String::new();
            for r in &c.wall_rules {
                let internal = std.category(&r.category).is_some_and(|cat| !cat.on_wall);
                let no_body = r.body.as_deref().is_none_or(|b| b.trim().is_empty());
                if !(internal && no_body) {
                    continue;
                }
                let title = r.title.raw.trim();
                let _ = match lang {
                    Lang::Zh => writeln!(
                        out,
                        "提示：{} 第 {} 行的制度“{title}”没有正文（body），服务手册里只印标题；补上 body 后重新生成",
                        c.file, r.loc.line
                    ),
                    Lang::En => writeln!(
                        out,
                        "note: {} line {}: the rule “{title}” has no body; the service handbook prints its title only — add `body` and rebuild",
                        c.file, r.loc.line
                    ),
                };
            }
            out
        })
        .collect();
    let mut out = String::new();
    for h in hints.iter().filter(|h| !h.is_empty()) {
        // A blank line parts the hints from the summary above them.
        if out.is_empty() {
            out.push('\n');
        }
        out.push_str(h);
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

    /// The finding on `src`'s line, written directly when it can be and
    /// through annotate-snippets: the same bytes, or no direct writing.
    /// Returns whether it was written directly.
    #[track_caller]
    fn plain_matches_annotated(f: &Finding, src: &str) -> bool {
        let nth = |n: u32| src.lines().nth(n.max(1) as usize - 1);
        let line = nth(f.loc.line).map(Line::new);
        let renderer = Style::default().renderer();
        let mut annotated = String::new();
        write_annotated(
            &mut annotated,
            f,
            &escape(&f.file),
            line.as_ref(),
            &nth,
            Lang::Zh,
            &renderer,
        );
        let mut either = String::new();
        write_finding(
            &mut either,
            f,
            line.as_ref(),
            &nth,
            Lang::Zh,
            Style::default(),
            &renderer,
        );
        assert_eq!(either, annotated, "{f:?} on {src:?}");
        let Some(line) = line else {
            return false;
        };
        let snip = snippet(&line, f.loc.column.max(1) as usize, f.loc.len as usize);
        let mut direct = String::new();
        write_plain(
            &mut direct,
            f,
            &snip.text,
            snip.span,
            f.loc.line.max(1),
            f.loc.column.max(1) as usize,
            Lang::Zh,
        )
    }

    #[test]
    fn cjk_ideographs_are_two_columns_wide() {
        for c in '\u{4E00}'..='\u{9FFF}' {
            assert_eq!(UnicodeWidthChar::width(c), Some(2), "{c:?}");
            assert_eq!(crate::text::display_width(c.encode_utf8(&mut [0; 4])), 2);
            assert_eq!(shown_char(c), Some(c));
        }
    }

    #[test]
    fn lines_are_found_as_far_as_asked() {
        for src in ["", "a", "a\n", "a\nb", "a\r\nb\n\n", "\n\n红\n", "x\ny\nz"] {
            let eager: Vec<&str> = src.split('\n').collect();
            let expect = |n: u32| {
                let n = n as usize;
                if n > eager.len() {
                    return None;
                }
                let start: usize = eager[..n - 1].iter().map(|l| l.len() + 1).sum();
                (start < src.len()).then(|| eager[n - 1])
            };
            // In order, out of order, and past the end.
            let index = LineIndex::new("f", src);
            for n in [1, 2, 3, 4, 5, 2, 1, 6] {
                assert_eq!(index.raw(n), expect(n), "{src:?} line {n}");
            }
            assert_eq!(LineIndex::new("f", src).raw(0), None);
        }
    }

    fn finding(
        rule: crate::diag::Rule,
        file: &str,
        loc: crate::diag::Loc,
        msg: &str,
        fix: Option<&str>,
    ) -> Finding {
        Finding {
            rule,
            community: None,
            file: file.into(),
            loc,
            entry: None,
            message: crate::diag::Msg::new(msg, msg),
            fix: fix.map(|f| crate::diag::Msg::new(f, f)),
            related: Vec::new(),
        }
    }

    #[test]
    fn plain_findings_are_written_as_annotate_snippets_writes_them() {
        use crate::diag::{Loc, Rule};
        // Lines, columns and lengths around every edge the direct writer
        // checks: wide and narrow characters, control characters (shown as
        // symbols), tabs, the joiner and direction controls, leading space
        // near the limit where annotate-snippets starts to cut, long lines
        // (cut with ...), empty lines and spans past the end.
        let pieces = [
            "a", "Z", " ", "  ", "-", ":", "#", "\"", "'", "...", "红", "旗", "〔", "）", "１",
            "ｱ", "é", "e\u{301}", "\u{3000}", "\u{a0}", "\u{1b}", "\u{7}", "\t", "\u{7f}",
            "\u{85}", "\u{200b}", "\u{200d}", "\u{202e}", "\u{2066}", "\u{fe0f}", "😀", "𠀀",
            "\u{ad}", "\u{2028}", "␛", "￼", "\u{ffff}",
        ];
        let mut seed = 0x2545_f491_4f6c_dd1du64;
        let mut next = move |n: usize| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            (seed % n.max(1) as u64) as usize
        };
        let rules = [Rule::GateUnlisted, Rule::GateMissing, Rule::InputSchema];
        let (mut direct, mut total) = (0, 0);
        for i in 0..4000 {
            let indent = [0, 2, 4, 19, 20, 21, 26, 27, 40][next(9)];
            let mut text = " ".repeat(indent);
            let n = if i % 10 == 0 { next(300) } else { next(30) };
            for _ in 0..n {
                // Mostly plain text, now and then something odd.
                let piece = if next(15) == 0 {
                    pieces[next(pieces.len())]
                } else {
                    pieces[next(16)]
                };
                text.push_str(piece);
            }
            let chars = text.chars().count() as u32;
            let line_no = [1, 9, 10, 99, 100, 12345, 100_000][next(7)];
            let src = format!("{}{text}\n", "x\n".repeat(line_no as usize - 1));
            let loc = Loc {
                line: line_no,
                column: 1 + next(chars as usize + 3) as u32,
                len: next(8) as u32,
            };
            // Mostly plain messages, fixes and names; now and then one that
            // must be escaped (and so goes through annotate-snippets).
            let odd = next(6) == 0;
            let msg = if odd {
                ["消息\u{1b}[31m", "m\tx"][next(2)].to_owned()
            } else {
                ["大门两侧不得悬挂“x”".to_owned(), "长".repeat(100)][next(2)].clone()
            };
            let fix = [
                None,
                Some("摘除"),
                Some(if odd { "fix it\u{202e}" } else { "fix" }),
            ][next(3)];
            let file = if next(6) == 0 {
                "c/\u{1b}x.yaml"
            } else {
                ["communities/城关镇/a.yaml", "c/ｂ.yaml"][next(2)]
            };
            let f = finding(rules[next(3)], file, loc, &msg, fix);
            total += 1;
            direct += usize::from(plain_matches_annotated(&f, &src));
        }
        // Both ways are exercised.
        assert!(
            direct * 4 > total && direct * 4 < total * 3,
            "{direct} of {total} written directly"
        );
    }

    #[test]
    fn the_sample_report_is_written_as_annotate_snippets_writes_it() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("content");
        let (content, report) = crate::check::load_and_check(&dir);
        let mut direct = 0;
        for f in &report.findings {
            let src = content.sources.get(&f.file).map_or("", String::as_str);
            direct += usize::from(plain_matches_annotated(f, src));
        }
        assert!(
            direct * 2 > report.findings.len(),
            "{direct} written directly"
        );
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

    #[test]
    fn a_cut_line_keeps_its_true_column_and_a_near_duplicate() {
        use crate::diag::{Loc, Msg, Rule};
        let items: Vec<String> = (0..300).map(|i| format!("a{i}")).collect();
        let mut line = format!("gate: [{}, a100]", items.join(", "));
        line.push('\n');
        let at = |s: &str| line.find(s).unwrap() as u32 + 1;
        let (dup, kept) = (line.rfind("a100").unwrap() as u32 + 1, at("a299"));
        let f = Finding {
            rule: Rule::GateDuplicate,
            community: None,
            file: "c.yaml".into(),
            loc: Loc {
                line: 1,
                column: dup,
                len: 4,
            },
            entry: None,
            message: Msg::new("重复", "again"),
            fix: None,
            related: vec![
                (
                    Loc {
                        line: 1,
                        column: kept,
                        len: 4,
                    },
                    Msg::new("近处", "near"),
                ),
                (
                    Loc {
                        line: 1,
                        column: at("a100"),
                        len: 4,
                    },
                    Msg::new("远处", "far"),
                ),
            ],
        };
        let mut out = String::new();
        render_finding(&mut out, &f, Some(&line), Lang::Zh, Style::default());
        // The true columns, not those of the cut text.
        assert!(out.contains(&format!("--> c.yaml:1:{dup}\n")), "{out}");
        assert!(
            out.contains(&format!("::: c.yaml:1:{}\n", at("a100"))),
            "{out}"
        );
        // The near one is labelled on the same cut line, the far one apart.
        let carets = out.lines().find(|l| l.contains("^^^^")).unwrap();
        assert!(carets.contains("----  ^^^^"), "{out}");
        assert!(out.contains("近处"), "{out}");
        assert!(out.contains("---- 远处"), "{out}");
        assert_eq!(out.matches("1 | ...").count(), 2, "{out}");
        assert!(out.lines().all(|l| l.len() < 200), "{out}");
    }
}
